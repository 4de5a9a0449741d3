"""The annual report (the strategy's §27): its figures from the tables, its page in every
language, its CSV and its print stylesheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from webinars import report, tables
from webinars.config import load_config
from webinars.languages import Language
from webinars.messages import messages_for
from webinars.pipeline import check

LOCALES = Path(__file__).parent.parent / "book" / "locales"


@pytest.fixture
def catalogue(mini: Path):
    return check(mini)[1]


def figures_of(frame, year: int) -> dict[tuple[str, str], object]:
    return {(r.figure, r.key): r.value for r in frame[frame["year"] == year].itertuples()}


def test_every_year_with_a_webinar_or_a_proposal_newest_first(catalogue) -> None:
    assert report.years(catalogue) == [2027, 2026, 2024, 2023]


def test_a_years_figures_count_what_the_content_says(catalogue) -> None:
    """2024 in the fixture: two webinars held in Africa (120 participants reported by one of
    them), the survey of one (two participants, one expert), a topic suggested in the
    survey of the second and kept by staff, and the series tech-transfer started."""
    year = figures_of(tables.report_figures(catalogue, ["africa", "arab", "global"]), 2024)
    assert [year["webinars", s] for s in ("held", "cancelled", "planned")] == [2, 0, 0]
    assert (year["participants", ""], year["registrations", ""], year["reporting attendance", ""]) == (120, 200, 1)
    assert {k: v for (f, k), v in year.items() if f == "region"} == {"africa": 2}
    assert {k: v for (f, k), v in year.items() if f == "language"} == {"en": 2, "fr": 1, "ar": 1}
    assert (year["responses", "participant"], year["responses", "expert"]) == (2, 1)
    # participants answered 5 and 4 (rating), 4 and 4 (useful); the expert 5 and 5
    assert (year["rating", "participant"], year["usefulness", "participant"]) == (4.5, 4.0)
    assert (year["rating", "expert"], year["usefulness", "expert"]) == (5.0, 5.0)
    assert year["suggestions accepted", ""] == 1
    assert [year["series", m] for m in ("started", "continued", "concluded")] == [1, 0, 0]
    assert (year["requests", "request"], year["requests", "secretariat"]) == (0, 0)


def test_requests_are_counted_in_the_year_received_and_met_by_a_webinar_held_or_planned(catalogue) -> None:
    frame = tables.report_figures(catalogue, ["africa"])
    y2023, y2026 = figures_of(frame, 2023), figures_of(frame, 2026)
    assert (y2023["requests", "request"], y2023["requests met", "request"]) == (1, 1)  # tech-transfer: held
    assert (y2026["requests", "request"], y2026["requests met", "request"]) == (1, 0)  # green-ip: proposed
    assert (y2026["requests", "secretariat"], y2026["requests met", "secretariat"]) == (1, 1)  # planned in 2027
    assert figures_of(frame, 2027)["webinars", "planned"] == 1
    assert figures_of(frame, 2026)["rating", "expert"] is None  # no survey: no average, not 0


def test_series_continued_and_concluded(mini: Path) -> None:
    """A third part held in 2025 continues the series; marking the topic concluded then
    reports it concluded in 2025, not in 2024."""
    folder = mini / "content/webinars/2025-02-04-tto-more"
    folder.mkdir()
    source = (mini / "content/webinars/2024-03-05-tto-policies/index.md").read_text(encoding="utf-8")
    folder.joinpath("index.md").write_text(source.replace("date: 2024-03-05", "date: 2025-02-04"), encoding="utf-8")
    topic = mini / "content/topics/tech-transfer/index.md"
    topic.write_text(topic.read_text(encoding="utf-8").replace("status: accepted", "status: concluded"), encoding="utf-8")
    catalogue = check(mini)[1]
    assert report.series_moves(catalogue, 2025) == {"started": [], "continued": ["tech-transfer"],
                                                    "concluded": ["tech-transfer"]}
    assert report.series_moves(catalogue, 2024) == {"started": ["tech-transfer"], "continued": [], "concluded": []}


def test_the_csv_holds_every_figure_and_a_spreadsheet_reads_it(catalogue) -> None:
    frame = tables.report_figures(catalogue, ["africa"])
    text = tables.report_csv(frame)
    assert text.startswith("\ufeffyear,figure,key,value\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(frame)
    assert {"year": "2024", "figure": "participants", "key": "", "value": "120"} in rows
    assert {"year": "2024", "figure": "rating", "key": "participant", "value": "4.5"} in rows


@pytest.mark.build
@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_each_years_page_and_the_overview_show_the_tables_figures_in_every_language(built_mini: Path,
                                                                                    lang: str) -> None:
    site = built_mini / "_build" / "site"
    config = load_config(built_mini)
    frame = tables.report_figures(check(built_mini)[1], config.settings.regions)
    m = messages_for(Language(lang), LOCALES)

    def text(value) -> str:
        return "–" if value is None else m.number(value)

    overview = BeautifulSoup((site / lang / "annual-report/index.html").read_text(encoding="utf-8"), "html.parser")
    assert overview.h1.get_text(strip=True).rstrip("#") == m.gettext("Annual report")
    cells = overview.select("td[data-wb-figure]")
    assert len(cells) == 4 * 6
    for cell in cells:
        figure, _, key = cell["data-wb-figure"].partition("/")
        assert cell.get_text() == text(figures_of(frame, int(cell["data-year"]))[figure, key])
    links = [a["href"] for a in overview.select(".wb-report-index tbody a")]
    assert links == [f"../annual-report/{year}/" for year in (2027, 2026, 2024, 2023)]
    shown = 0
    for year in (2027, 2026, 2024, 2023):
        page = BeautifulSoup((site / lang / f"annual-report/{year}/index.html").read_text(encoding="utf-8"),
                             "html.parser")
        assert page.h1.get_text(strip=True).rstrip("#") == m.gettext("Annual report %(year)s") % {"year": year}
        expected = figures_of(frame, year)
        for span in page.select("[data-wb-figure]"):
            figure, _, key = span["data-wb-figure"].partition("/")
            assert span.get_text() == text(expected[figure, key]), (year, figure, key)
            shown += 1
    assert shown > 40
    topic_list = (site / lang / "topic-list/index.html").read_text(encoding="utf-8")
    assert 'href="../annual-report/"' in topic_list
    assert (site / "data/annual-report.csv").read_text(encoding="utf-8-sig") == tables.report_csv(frame).lstrip("\ufeff")


@pytest.mark.build
def test_a_webinar_added_rewrites_its_years_page_only(mini: Path) -> None:
    """The other years' pages are taken from the last build: Sphinx does not write them again."""
    from webinars.pipeline import build_site

    build_site(mini)
    html = mini / "_build/work/en/html/annual-report"
    before = {year: (html / f"{year}/index.html").stat().st_mtime_ns for year in (2023, 2024, 2026, 2027)}
    folder = mini / "content/webinars/2026-06-02-tto-extra"
    folder.mkdir()
    source = (mini / "content/webinars/2027-01-12-tto-advanced/index.md").read_text(encoding="utf-8")
    folder.joinpath("index.md").write_text(source.replace("2027-01-12", "2026-06-02")
                                           .replace("topic: tech-transfer-advanced", "topic: green-ip"), encoding="utf-8")
    build_site(mini)
    after = {year: (html / f"{year}/index.html").stat().st_mtime_ns for year in before}
    assert [year for year in before if after[year] != before[year]] == [2026]
    page = (mini / "_build/site/en/annual-report/2026/index.html").read_text(encoding="utf-8")
    assert 'data-wb-figure="webinars/planned">1<' in page


@pytest.mark.browser
def test_a_year_prints_as_a_document(browser, served_sample) -> None:
    """Printed, a year's page is its text without the site's navigation; its Print button
    prints it."""
    page = browser.new_page()
    page.goto(f"{served_sample}/en/annual-report/2024/")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.locator("[data-wb-print]").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    for chrome in (".bd-header", ".bd-sidebar-primary", ".bd-header-article", "[data-wb-print]"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator("h1").is_visible() and page.locator(".wb-report-figures").is_visible()
    page.close()
