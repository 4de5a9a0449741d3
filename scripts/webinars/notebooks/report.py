"""The annual report's overview page (the strategy's §27): every year in a row of its main
figures, each linking to the year's page (written with the site's other pages:
``PageWriter.report_year``), and the figures to download. Every figure is one of
:func:`webinars.report.figures`, which the report's CSV holds too."""

from __future__ import annotations

from .. import report, urls
from . import HTML, NotebookSite

HERE = urls.REPORT


def overview(site: NotebookSite) -> HTML:
    regions = site.config.settings.regions
    rows = site.table(f"report {regions}", lambda: report.figures(site.catalogue, regions))
    years = [(year, report.of_year(rows, year)) for year in report.years(site.catalogue)]
    return HTML(site.writer.render("report_index.html", HERE, years=years,
                                   csv=urls.shared_file(HERE, urls.REPORT_FILE)))
