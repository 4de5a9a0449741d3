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


# ---- The annual report -----------------------------------------------------------------
# What the Secretariat reports to the committee each year on the webinars (the strategy's
# §27), as figures: one row per year, figure and key, language-independent (codes and ids),
# shown by the report page (webinars.notebooks.report) and downloaded as its CSV.

REPORT_COLUMNS = ["year", "figure", "key", "value"]
_RESPONDENTS = ("participant", "expert")


def report_years(catalogue: Catalogue) -> list[int]:
    """The years the report covers, newest first: each with a webinar (held, cancelled or
    planned) or a proposal received."""
    years = {w.facts.date.year for w in catalogue.webinars.values()}
    years |= {t.facts.proposed.year for t in catalogue.topics.values()}
    return sorted(years, reverse=True)


def series_moves(catalogue: Catalogue, year: int) -> dict[str, list[str]]:
    """The series of `year` (topic ids, by title order of their ids): ``started`` (its first
    webinar held that year), ``continued`` (a webinar held that year after earlier ones) and
    ``concluded`` (a topic marked concluded whose last webinar was held that year)."""
    moves: dict[str, list[str]] = {"started": [], "continued": [], "concluded": []}
    for topic in sorted(catalogue.topics.values(), key=lambda t: t.id):
        held = [w.facts.date.year for w in catalogue.series(topic.id) if w.facts.status == "held"]
        if year not in held:
            continue
        moves["started" if min(held) == year else "continued"].append(topic.id)
        if topic.facts.status == "concluded" and max(held) == year:
            moves["concluded"].append(topic.id)
    return moves


def requests_of(catalogue: Catalogue, year: int) -> list:
    """The proposals received in `year` (both routes), oldest first."""
    return sorted((t for t in catalogue.topics.values() if t.facts.proposed.year == year),
                  key=lambda t: (t.facts.proposed, t.id))


def met(catalogue: Catalogue, topic) -> bool:
    """Whether a proposal was met: a webinar of its topic held or planned."""
    return any(w.facts.status in ("held", "planned") for w in catalogue.series(topic.id))


def suggestions_accepted(catalogue: Catalogue, year: int) -> list:
    """Topics suggested in the feedback of a webinar of `year` that staff accepted (a topic
    with ``suggested_at`` that is not declined)."""
    return sorted((t for t in catalogue.topics.values() if t.facts.suggested_at in catalogue.webinars
                   and catalogue.webinars[t.facts.suggested_at].facts.date.year == year
                   and t.facts.status != "declined"), key=lambda t: t.id)


def report_figures(catalogue: Catalogue, regions: list[str]) -> pd.DataFrame:
    """Every year's figures (see :data:`REPORT_COLUMNS`); a mean is rounded to one decimal.

    - ``webinars``: held, cancelled, planned (key: the status);
    - ``participants``, ``registrations``: totals of the webinars held that give them, and
      ``reporting attendance``: how many webinars held give their participants;
    - ``region``, ``language``: webinars held per target region (configured order) and per
      delivery language (a webinar counts in each of its regions and languages);
    - ``requests``, ``requests met``: proposals received that year per route, and those of
      them with a webinar held or planned;
    - ``responses``, ``rating``, ``usefulness``: the surveys of the webinars held, per
      respondent (participant, expert): answers, and the mean answer out of 5;
    - ``suggestions accepted``: topics suggested in that year's surveys that staff accepted;
    - ``series``: started, continued, concluded.
    """
    rows = []
    for year in sorted(report_years(catalogue)):
        webinars = [w for w in catalogue.webinars.values() if w.facts.date.year == year]
        held = [w for w in webinars if w.facts.status == "held"]

        def add(figure: str, key: str, value) -> None:
            rows.append({"year": year, "figure": figure, "key": key, "value": value})

        for status in ("held", "cancelled", "planned"):
            add("webinars", status, sum(w.facts.status == status for w in webinars))
        add("participants", "", sum(w.facts.participants or 0 for w in held))
        add("registrations", "", sum(w.facts.registrations or 0 for w in held))
        add("reporting attendance", "", sum(w.facts.participants is not None for w in held))
        for region in regions:
            n = sum(region in w.facts.regions for w in held)
            if n:
                add("region", region, n)
        for code in sorted({code for w in held for code in w.facts.languages}):
            add("language", code, sum(code in w.facts.languages for w in held))
        received = requests_of(catalogue, year)
        for route in ("request", "secretariat"):
            of_route = [t for t in received if t.facts.route == route]
            add("requests", route, len(of_route))
            add("requests met", route, sum(met(catalogue, t) for t in of_route))
        surveys = [w.feedback for w in held if w.feedback]
        for who in _RESPONDENTS:
            add("responses", who, sum(getattr(f, f"{who}s") for f in surveys))
            for column, figure in (("rating", "rating"), ("useful", "usefulness")):
                total = sum(f.scores.get(who, {}).get(column, (0, 0))[0] for f in surveys)
                count = sum(f.scores.get(who, {}).get(column, (0, 0))[1] for f in surveys)
                add(figure, who, round(total / count, 1) if count else None)
        add("suggestions accepted", "", len(suggestions_accepted(catalogue, year)))
        for move, topics in series_moves(catalogue, year).items():
            add("series", move, len(topics))
    return pd.DataFrame(rows, columns=REPORT_COLUMNS, dtype=object)


def report_csv(figures: pd.DataFrame) -> str:
    """The report's figures as CSV (UTF-8 with a byte-order mark, as the topic list's)."""
    return "\ufeff" + figures.to_csv(index=False, lineterminator="\n")
