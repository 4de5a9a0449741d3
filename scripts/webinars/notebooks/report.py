"""The annual report (the strategy's §27): what the Secretariat reports to the committee
each year on the webinars: held, cancelled and planned; regions and languages served;
requests received and how each was met; attendance; feedback; suggested topics accepted;
series started, continued and concluded. Every figure is one of
:func:`webinars.tables.report_figures`, which the report's CSV holds too.

One page for every year, each year its own section that prints on its own ("Print this
year", ``_static/report.js``); the years newest first."""

from __future__ import annotations

from .. import messages as labels
from .. import tables, urls
from . import HTML, NotebookSite

HERE = urls.page("annual-report")


def figures(site: NotebookSite):
    regions = site.config.settings.regions
    return site.table(f"report {regions}", lambda: tables.report_figures(site.catalogue, regions))


def introduction(site: NotebookSite) -> HTML:
    years = tables.report_years(site.catalogue)
    return HTML(site.writer.render("report_intro.html", HERE, years=years,
                                   csv=urls.shared_file(HERE, urls.REPORT_FILE)))


def years(site: NotebookSite) -> HTML:
    """Every year's section, newest first."""
    return HTML("\n".join(year(site, y) for y in tables.report_years(site.catalogue)))


def year(site: NotebookSite, year: int) -> str:
    catalogue, m = site.catalogue, site.messages
    table = figures(site)
    rows = table[table["year"] == year]
    value = {(r.figure, r.key): r.value for r in rows.itertuples()}
    webinars = sorted((w for w in catalogue.webinars.values() if w.facts.date.year == year),
                      key=lambda w: (w.facts.date, w.id))
    requests = []
    for topic in tables.requests_of(catalogue, year):
        series = catalogue.series(topic.id)
        held = sum(w.facts.status == "held" for w in series)
        planned = sum(w.facts.status == "planned" for w in series)
        if held:
            outcome = m.ngettext("%(num)s webinar held", "%(num)s webinars held", held) % {"num": m.number(held)}
        elif planned:
            outcome = m.gettext("Webinar planned")
        else:
            outcome = m.label(labels.TOPIC_STATUS, topic.facts.status)
        requests.append((topic, outcome, tables.met(catalogue, topic)))
    moves = tables.series_moves(catalogue, year)
    return site.writer.render(
        "report_year.html", HERE, year=year, value=value, webinars=webinars, requests=requests,
        regions=[(r, value[("region", r)]) for r in site.config.settings.regions if ("region", r) in value],
        languages=sorted(((k, v) for (f, k), v in value.items() if f == "language"),
                         key=lambda item: (-item[1], m.language_name(item[0]))),
        suggestions=tables.suggestions_accepted(catalogue, year),
        moves=[(move, [catalogue.topics[t] for t in topics]) for move, topics in moves.items()],
        proposer=lambda topic: (lambda text: site.writer.proposer(text, topic.original.lang)))
