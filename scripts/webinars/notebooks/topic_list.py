"""The topic list page: webinars held, webinars planned, proposals under consideration."""

from __future__ import annotations

from markupsafe import Markup, escape

from .. import messages as labels
from .. import tables, urls
from ..messages import N_
from . import HTML, NotebookSite

HERE = urls.page("topic-list")


def how_to_propose(site: NotebookSite) -> HTML:
    return HTML(site.writer.render("topic_propose.html", HERE))


def filters(site: NotebookSite) -> HTML:
    frame, m = site.topic_list, site.messages
    regions = [r for r in site.config.settings.regions if any(r in rs for rs in frame["regions"])]
    languages = sorted({code for codes in frame["languages"] for code in codes}, key=m.language_name)
    fields = [
        {"name": "scope", "label": m.gettext("Scope"),
         "options": [(s, m.label(labels.SCOPES, s)) for s in labels.SCOPES if s in set(frame["scope"])]},
        {"name": "regions", "label": m.gettext("Region"), "options": [(r, m.region(r)) for r in regions]},
        {"name": "languages", "label": m.gettext("Language"),
         "options": [(code, m.language_name(code)) for code in languages]},
        {"name": "year", "label": m.gettext("Year"),
         "options": [(str(y), str(y)) for y in sorted(set(frame["year"].dropna()), reverse=True)]},
    ]
    return HTML(site.writer.render("topic_filters.html", HERE, fields=fields))


def held(site: NotebookSite) -> HTML:
    return _webinar_table(site, "held", site.messages.gettext("Webinars held"))


def planned(site: NotebookSite) -> HTML:
    return _webinar_table(site, "planned", site.messages.gettext("Webinars planned"))


def proposals(site: NotebookSite) -> HTML:
    m, writer = site.messages, site.writer
    rows = []
    for row in tables.section(site.topic_list, "proposed").itertuples():
        topic = site.catalogue.topics[row.id]
        proposer = lambda text: writer.proposer(text, topic.original.lang)  # noqa: E731
        rows.append(_row(row, [
            _link(writer, urls.topic(row.id), writer.title(topic)),
            _join(m, map(proposer, row.proposed_by)),
            m.label(labels.ROUTES, row.route),
            _time(m, row.proposed),
            m.label(labels.SCOPES, row.scope),
            _join(m, map(m.region, row.regions)),
            _join(m, map(m.language_name, row.languages)),
            _join(m, map(proposer, row.interest)),
        ]))
    columns = [m.gettext(c) for c in (N_("Topic"), N_("Proposed by"), N_("Selection route"), N_("Proposal received"),
                                      N_("Scope"), N_("Regions wanted"), N_("Languages wanted"),
                                      N_("Interest expressed by"))]
    return HTML(writer.render("topic_table.html", HERE, name="proposed", heading=m.gettext(
        "Proposals under consideration"), columns=columns, rows=rows,
        empty=m.gettext("No proposal is under consideration.")))


def counts(site: NotebookSite) -> HTML:
    frame, regions = site.topic_list, site.config.settings.regions
    years = site.table("counts by year", lambda: tables.counts_by_year(frame))
    per_region = site.table(f"counts by region {regions}", lambda: tables.counts_by_region(frame, regions))
    by_year = [(year, int(r["held"]), int(r["planned"])) for year, r in years.iterrows()]
    by_region = [(region, int(r["held"]), int(r["planned"]), int(r["proposed"])) for region, r in per_region.iterrows()]
    return HTML(site.writer.render("topic_counts.html", HERE, by_year=by_year, by_region=by_region))


def chart(site: NotebookSite) -> HTML:
    """The table "Webinars per year" drawn as bars: each year's total is that table's."""
    frame, m = site.topic_list, site.messages
    table = site.table("counts by year", lambda: tables.counts_by_year(frame))
    years = [(year, {"held": int(row["held"]), "planned": int(row["planned"])}) for year, row in table.iterrows()]
    scale = max((sum(counts.values()) for _, counts in years), default=1)
    statuses = [("held", m.gettext("Held")), ("planned", m.gettext("Planned"))]
    return HTML(site.writer.render("topic_chart.html", HERE, statuses=statuses, years=years, scale=scale))


def downloads(site: NotebookSite) -> HTML:
    lang = site.lang
    return HTML(site.writer.render("topic_downloads.html", HERE,
                                   csv=urls.shared_file(HERE, urls.topic_list_file("csv", lang)),
                                   json=urls.shared_file(HERE, urls.topic_list_file("json", lang)),
                                   report=urls.relative(HERE, urls.page("annual-report"))))


def _webinar_table(site: NotebookSite, name: str, heading: str) -> HTML:
    m, writer = site.messages, site.writer
    rows = []
    for row in tables.section(site.topic_list, name).itertuples():
        webinar = site.catalogue.webinars[row.id]
        topic = site.catalogue.topics.get(row.topic)
        series = _link(writer, urls.topic(row.topic), writer.title(topic)) if topic else ""
        if topic and row.part is not None and row.part == row.part:
            series = Markup(f'{series} · {escape(m.gettext("part %(n)s") % {"n": m.number(int(row.part))})}')
        rows.append(_row(row, [
            _link(writer, urls.webinar(row.id), writer.title(webinar)),
            _time(m, row.date),
            series,
            m.label(labels.SCOPES, row.scope),
            _join(m, map(m.region, row.regions)),
            _join(m, map(m.language_name, row.languages)),
        ]))
    columns = [m.gettext(c) for c in (N_("Webinar"), N_("Date"), N_("Series"), N_("Scope"), N_("Regions"),
                                      N_("Languages"))]
    empty = m.gettext("No webinar is scheduled at the moment.") if name == "planned" else ""
    return HTML(writer.render("topic_table.html", HERE, name=name, heading=heading, columns=columns,
                              rows=rows, empty=empty))


def _row(row, cells: list) -> dict:
    return {"scope": row.scope, "regions": row.regions, "languages": row.languages, "year": row.year,
            "cells": cells}


def _link(writer, target: str, text) -> Markup:
    # f-strings and escape(): Markup.format escapes the same way, ten times slower (a table
    # has thousands of cells).
    return Markup(f'<a href="{escape(urls.relative(HERE, target))}">{escape(text)}</a>')


def _time(m, day) -> Markup:
    return Markup(f'<time datetime="{escape(day.isoformat())}">{escape(m.date(day, "medium"))}</time>')


def _join(m, items) -> Markup:
    return Markup(m.gettext(", ")).join(items)
