"""The topic list and series data frames, on the small fixture content."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from webinars import tables
from webinars.pipeline import check


@pytest.fixture
def catalogue(mini: Path):
    return check(mini)[1]


ARABIC_TITLE = "مكاتب نقل التكنولوجيا: الخطوات الأولى"


def test_three_sections_in_order(catalogue) -> None:
    frame = tables.topic_list(catalogue)
    assert list(frame["section"]) == ["held", "held", "planned", "proposed"]
    assert list(tables.section(frame, "held")["id"]) == ["2024-03-05-tto-policies", "2024-01-10-tto-basics"]
    assert list(tables.section(frame, "planned")["id"]) == ["2027-01-12-tto-advanced"]
    proposal = tables.section(frame, "proposed").iloc[0]
    assert proposal["id"] == "green-ip" and proposal["route"] == "request"
    assert proposal["proposed_by"] == ["Kenya", "Chile"] and proposal["year"] == 2026


def test_cancelled_webinars_are_not_listed(mini: Path) -> None:
    path = mini / "content/webinars/2027-01-12-tto-advanced/index.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: planned", "status: cancelled"), encoding="utf-8")
    frame = tables.topic_list(check(mini)[1])
    assert "2027-01-12-tto-advanced" not in set(frame["id"])


def test_rows_carry_what_the_filters_match(catalogue) -> None:
    frame = tables.topic_list(catalogue)
    basics = frame[frame["id"] == "2024-01-10-tto-basics"].iloc[0]
    assert basics["scope"] == "cooperation" and basics["regions"] == ["africa"]
    assert basics["languages"] == ["en", "fr", "ar"] and basics["year"] == 2024
    assert basics["topic"] == "tech-transfer" and basics["part"] == 1


def test_counts_per_year_and_region(catalogue) -> None:
    frame = tables.topic_list(catalogue)
    by_year = tables.counts_by_year(frame)
    assert by_year.loc[2024].tolist() == [2, 0] and by_year.loc[2027].tolist() == [0, 1]
    regions = ["africa", "arab", "latin-america-caribbean", "global"]
    by_region = tables.counts_by_region(frame, regions)
    assert by_region.loc["africa"].tolist() == [2, 0, 1]
    assert "arab" not in by_region.index  # nothing there: no empty row


def test_csv_and_json_have_one_stable_schema(catalogue) -> None:
    frame = tables.topic_list(catalogue)
    text = tables.export_csv(frame)
    assert text.startswith("\ufeff")  # Excel reads the encoding from it
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == tables.COLUMNS
    proposal = rows[-1]
    assert proposal["proposed_by"] == "Kenya; Chile" and proposal["proposed"] == "2026-05-02"
    assert rows[0]["part"] == "" or rows[0]["part"].isdigit()
    records = json.loads(json.dumps(tables.export_records(frame)))
    assert records[1]["regions"] == ["africa"] and records[1]["part"] == 1
    assert records[1]["date"] == "2024-01-10" and records[-1]["date"] is None


def test_each_languages_download_has_its_titles_and_its_pages_addresses(catalogue) -> None:
    frame = tables.topic_list(catalogue)
    ar = tables.in_language(frame, catalogue, "ar", "https://webinars.example.org/")
    basics = ar[ar["id"] == "2024-01-10-tto-basics"].iloc[0]
    assert basics["title_language"] == "ar" and basics["title"] == ARABIC_TITLE
    assert basics["page"] == "https://webinars.example.org/ar/webinars/2024-01-10-tto-basics/"
    untranslated = ar[ar["id"] == "2024-03-05-tto-policies"].iloc[0]
    assert untranslated["title_language"] == "en" and untranslated["title"] == "IP policies for universities"
    assert list(tables.in_language(frame, catalogue, "zh")["page"])[0] == "/zh/webinars/2024-03-05-tto-policies/"
    assert list(frame["title"]) == [catalogue.webinars["2024-03-05-tto-policies"].facts.title,
                                    *list(frame["title"])[1:]]  # the content's frame is left as it was


def test_series_in_order(catalogue) -> None:
    frame = tables.series_frame(catalogue)
    tech = frame[frame["topic"] == "tech-transfer"]
    assert list(tech["id"]) == ["2024-01-10-tto-basics", "2024-03-05-tto-policies"]
    assert list(tech["part"]) == [1, 2]


def test_csv_cells_a_spreadsheet_would_take_for_formulas_are_text(mini: Path) -> None:
    hostile = {"content/topics/green-ip/index.md": ("IP and green technology", '=HYPERLINK("https://x.example")'),
               "content/webinars/2024-03-05-tto-policies/index.md": ("IP policies for universities", "@SUM(A1:A9)"),
               "content/webinars/2027-01-12-tto-advanced/index.md": ("Valuing technologies", "+cmd|' /C calc'!A0"),
               "content/webinars/2024-01-10-tto-basics/index.md": ('"Technology transfer offices: first steps"',
                                                                    "-2+3")}
    for file, (title, formula) in hostile.items():
        path = mini / file
        path.write_text(path.read_text(encoding="utf-8").replace(f"title: {title}", f"title: {json.dumps(formula)}"),
                        encoding="utf-8")
    text = tables.export_csv(tables.topic_list(check(mini)[1])).removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    titles = {row["title"] for row in rows}
    for _title, formula in hostile.values():
        assert "'" + formula in titles and formula not in titles
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())
    assert tables.inert_cell(-2) == -2 and tables.inert_cell("Plain") == "Plain"
