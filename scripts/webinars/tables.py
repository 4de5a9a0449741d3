"""The topic list and the series as pandas data frames: language-independent data.

Codes, ids and dates only; names and labels are added where a page is rendered.
The same frames feed the notebooks' tables, the downloads and the tests.
"""

from __future__ import annotations

import pandas as pd

from . import urls
from .content.catalogue import Catalogue

SECTIONS = ("held", "planned", "proposed")

# The downloads' schema: stable names, one for every language of the site.
COLUMNS = [
    "section", "id", "title", "title_language", "date", "year", "status", "topic", "topic_title", "part",
    "scope", "regions", "languages", "format", "proposed_by", "route", "proposed", "interest", "builds_on",
    "participants", "page",
]


def webinar_frame(catalogue: Catalogue) -> pd.DataFrame:
    """One row per webinar (cancelled ones included), newest first within each status."""
    rows = []
    for webinar in catalogue.webinars.values():
        facts = webinar.facts
        topic = catalogue.topics.get(facts.topic)
        rows.append({
            "section": facts.status if facts.status != "cancelled" else "cancelled",
            "id": webinar.id,
            "title": facts.title,
            "title_language": facts.lang,
            "date": facts.date,
            "year": facts.date.year,
            "status": facts.status,
            "topic": facts.topic,
            "topic_title": topic.facts.title if topic else "",
            "part": catalogue.part_of(webinar) or None,
            "scope": topic.facts.scope if topic else "",
            "regions": list(facts.regions),
            "languages": list(facts.languages),
            "format": facts.format,
            "proposed_by": topic.facts.proposers if topic else [],
            "route": topic.facts.route if topic else "",
            "proposed": topic.facts.proposed if topic else None,
            "interest": list(topic.facts.interest) if topic else [],
            "builds_on": topic.facts.builds_on if topic else None,
            "participants": facts.participants,
            "page": urls.webinar(webinar.id),
        })
    return _ordered(pd.DataFrame(rows, columns=COLUMNS))


def proposal_frame(catalogue: Catalogue) -> pd.DataFrame:
    """One row per proposal under consideration, oldest first."""
    rows = []
    for topic in catalogue.proposals():
        facts = topic.facts
        rows.append({
            "section": "proposed", "id": topic.id, "title": facts.title, "title_language": facts.lang,
            "date": None, "year": facts.proposed.year, "status": facts.status, "topic": topic.id,
            "topic_title": facts.title, "part": None, "scope": facts.scope, "regions": list(facts.regions),
            "languages": list(facts.languages), "format": None, "proposed_by": facts.proposers,
            "route": facts.route, "proposed": facts.proposed, "interest": list(facts.interest),
            "builds_on": facts.builds_on, "participants": None, "page": urls.topic(topic.id),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def topic_list(catalogue: Catalogue) -> pd.DataFrame:
    """The whole list: webinars held, webinars planned, proposals under consideration."""
    webinars = webinar_frame(catalogue)
    webinars = webinars[webinars["section"] != "cancelled"]
    frames = [f for f in (webinars, proposal_frame(catalogue)) if not f.empty]
    whole = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return whole.astype({"part": "Int64", "participants": "Int64", "year": "Int64"})


def section(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame[frame["section"] == name].reset_index(drop=True)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Held newest first, planned soonest first."""
    if frame.empty:
        return frame
    held = frame[frame["status"] != "planned"].sort_values(["date", "id"], ascending=False)
    planned = frame[frame["status"] == "planned"].sort_values(["date", "id"])
    return pd.concat([held, planned], ignore_index=True)


def counts_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Webinars held and planned per year (rows: years; columns: held, planned)."""
    webinars = frame[frame["section"].isin(["held", "planned"])]
    table = pd.crosstab(webinars["year"], webinars["section"]).reindex(columns=["held", "planned"], fill_value=0)
    return table.sort_index()


def counts_by_region(frame: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """Webinars held and planned, and proposals, per target region (a webinar counts in each of its regions)."""
    exploded = frame.explode("regions")
    table = pd.crosstab(exploded["regions"], exploded["section"])
    table = table.reindex(index=regions, columns=list(SECTIONS), fill_value=0)
    return table[table.sum(axis=1) > 0]


def series_frame(catalogue: Catalogue) -> pd.DataFrame:
    """Every series: its webinars in order, with part, status and date."""
    rows = []
    for topic in catalogue.series_topics():
        for position, webinar in enumerate(catalogue.series(topic.id), start=1):
            rows.append({"topic": topic.id, "position": position, "id": webinar.id,
                         "part": catalogue.part_of(webinar) or None, "status": webinar.facts.status,
                         "date": webinar.facts.date})
    return pd.DataFrame(rows, columns=["topic", "position", "id", "part", "status", "date"])


def in_language(frame: pd.DataFrame, catalogue: Catalogue, lang: str, base_url: str = "") -> pd.DataFrame:
    """The list as a reader of `lang` downloads it: each title in `lang` where a translation
    exists (else the original; `title_language` says which), and `page` the address of the
    page in `lang`: absolute with the site's `base_url`, else from the site's root."""
    localised = frame.copy()
    titles, languages, topic_titles = [], [], []
    for row in frame.itertuples():
        page = catalogue.topics[row.id] if row.section == "proposed" else catalogue.webinars[row.id]
        document = page.document(lang)
        titles.append(document.title)
        languages.append(document.lang)
        topic = catalogue.topics.get(row.topic)
        topic_titles.append(topic.document(lang).title if topic else "")
    localised["title"], localised["title_language"], localised["topic_title"] = titles, languages, topic_titles
    localised["page"] = [urls.absolute(base_url, urls.in_language(lang, page)) for page in frame["page"]]
    return localised


def export_records(frame: pd.DataFrame) -> list[dict]:
    """The list as plain records for JSON: dates as ISO text, missing values as null."""
    records = []
    for row in frame.to_dict(orient="records"):
        record = {}
        for column in COLUMNS:
            value = row.get(column)
            if value is None or (not isinstance(value, list) and pd.isna(value)):
                value = None
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif hasattr(value, "item"):
                value = value.item()
            record[column] = value
        records.append(record)
    return records


def export_csv(frame: pd.DataFrame) -> str:
    """The list as CSV: lists joined with '; ', dates ISO; UTF-8 with a byte-order mark, which
    tells Excel the encoding (without it, Excel on Windows garbles every accent)."""
    records = [{name: inert_cell(value) for name, value in record.items()} for record in export_records(frame)]
    flat = pd.DataFrame(records, columns=COLUMNS, dtype=object)
    for column in ("regions", "languages", "proposed_by", "interest"):
        flat[column] = flat[column].map(lambda values: "; ".join(map(inert_cell, values)) if values else "")
    return "\ufeff" + flat.to_csv(index=False, lineterminator="\n")


# What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value):
    """A text cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe, which spreadsheets take as "this is text" (numbers are left as they are)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value



# ---- The annual report: its figures (webinars.report) as a table ----

def report_figures(catalogue: Catalogue, regions: list[str]) -> pd.DataFrame:
    """Every year's figures of the annual report (see :func:`webinars.report.figures`)."""
    from . import report

    return pd.DataFrame(report.figures(catalogue, regions), columns=report.COLUMNS, dtype=object)


def report_csv(figures: pd.DataFrame) -> str:
    """The report's figures as CSV (UTF-8 with a byte-order mark, as the topic list's)."""
    return "\ufeff" + figures.to_csv(index=False, lineterminator="\n")
