"""`webinars check` warns about the plan and about content that contradicts itself, each
warning with its file and line (webinars.content.planning)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from webinars.config import load_config
from webinars.content.load import load

TODAY = dt.date(2026, 12, 7)
ADVANCED = "content/webinars/2027-01-12-tto-advanced/index.md"
POLICIES = "content/webinars/2024-03-05-tto-policies/index.md"


def warnings(root: Path, today: dt.date = TODAY) -> list[str]:
    return [str(p) for p in load(load_config(root), today=today).warnings]


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_webinar(root: Path, slug: str, date: str, status: str = "planned", regions: str = "[global]") -> None:
    folder = root / "content/webinars" / slug
    folder.mkdir()
    folder.joinpath("index.md").write_text(
        f"---\ntitle: Another one\nlang: en\ndate: {date}\nstatus: {status}\ntopic: tech-transfer-advanced\n"
        f"languages: [en]\nregions: {regions}\n---\n\n## Summary\nText.\n", encoding="utf-8")


def test_the_fixture_has_no_planning_warning(mini: Path) -> None:
    assert not [w for w in warnings(mini) if "incomplete" not in w]


def test_a_planned_webinar_whose_date_has_passed_is_named_at_its_status_line(mini: Path) -> None:
    [warning] = [w for w in warnings(mini, dt.date(2027, 1, 13)) if ADVANCED in w]
    assert warning.startswith(f"{ADVANCED}:6: warning: status: planned for 2027-01-12, which has passed")
    assert "status: cancelled" in warning


def test_a_held_webinar_dated_after_today(mini: Path) -> None:
    [warning] = [w for w in warnings(mini, dt.date(2024, 3, 1)) if POLICIES in w and "incomplete" not in w]
    assert warning.startswith(f"{POLICIES}:4: warning: date: held, but dated 2024-03-05, after today")


def test_a_folder_named_with_another_date(mini: Path) -> None:
    edit(mini, POLICIES, "date: 2024-03-05", "date: 2024-03-06")
    [warning] = [w for w in warnings(mini) if POLICIES in w and "incomplete" not in w]
    assert warning == (f"{POLICIES}:4: warning: date: the folder's name starts with 2024-03-05 but `date:` is "
                       "2024-03-06: rename the folder or correct the date")


def test_more_webinars_in_a_year_than_the_programme_holds(mini: Path) -> None:
    for n in range(1, 7):
        add_webinar(mini, f"2027-0{n + 1}-01-extra", f"2027-0{n + 1}-01")
    found = [w for w in warnings(mini) if "more than the 6 a year" in w]
    assert len(found) == 1 and found[0].startswith("content/webinars/2027-07-01-extra/index.md:4: warning: date: "
                                                   "7 webinars held or planned in 2027")
    config = mini / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("webinars:\n", "webinars:\n  webinars_per_year: 8\n"),
                      encoding="utf-8")
    assert not [w for w in warnings(mini) if "a year the programme" in w]


def test_a_requesting_region_with_no_webinar_in_the_year_its_request_is_for(mini: Path) -> None:
    """green-ip was requested in 2026 for Africa and Latin America, for 2027: 2027 has a global
    webinar, which serves both; without it, the topic's regions line says which regions wait."""
    assert not [w for w in warnings(mini) if "green-ip" in w]
    edit(mini, ADVANCED, "regions: [global]", "regions: [africa]")
    [warning] = [w for w in warnings(mini) if "green-ip" in w]
    assert warning.startswith("content/topics/green-ip/index.md:")
    assert ": warning: regions: requested on 2026-05-02 for latin-america-caribbean: no webinar for this region " \
           "is held or planned in 2027" in warning


def test_a_declined_topic_with_webinars_held(mini: Path) -> None:
    edit(mini, "content/topics/tech-transfer/index.md", "status: accepted", "status: declined")
    [warning] = [w for w in warnings(mini) if "declined" in w]
    assert warning.startswith("content/topics/tech-transfer/index.md:8: warning: status: declined, but webinars of "
                              "this topic were held (2024-01-10-tto-basics, 2024-03-05-tto-policies)")


def test_a_misspelt_section_heading_says_which_it_meant_and_where(mini: Path) -> None:
    edit(mini, POLICIES, "## Summary", "## Sumary")
    found = [w for w in warnings(mini) if POLICIES in w]
    assert f"{POLICIES}:11: warning: '## Sumary' is not a section the site knows: did you mean '## Summary'? " \
           "As written, the page shows no such section" in found
    assert any("held webinar without a summary" in w for w in found)
    arabic = "content/webinars/2024-01-10-tto-basics/index.ar.md"
    text = (mini / arabic).read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    edit(mini, arabic, heading, heading[:-1])  # one letter short
    assert any(w.startswith(f"{arabic}:") and f"did you mean '{heading}'?" in w for w in warnings(mini))
    edit(mini, POLICIES, "## Sumary", "## Speakers and their views")  # an author's own section: nothing to say
    assert not [w for w in warnings(mini) if "did you mean" in w and POLICIES in w]
