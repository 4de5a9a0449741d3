"""`webinars plan YEAR`: the year's draft by the programme's rules, on the fixture content."""

from __future__ import annotations

from pathlib import Path

from webinars.cli import main
from webinars.config import load_config
from webinars.content.load import load
from webinars.plan import draft

from test_planning import edit


def plan(root: Path, year: int = 2027):
    config = load_config(root)
    return draft(config, load(config).catalogue, year)


def add_request(root: Path, topic_id: str, proposed: str, regions: str) -> None:
    folder = root / "content/topics" / topic_id
    folder.mkdir()
    folder.joinpath("index.md").write_text(
        f"---\ntitle: Request {topic_id}\nlang: en\nscope: cooperation\nroute: request\nproposed_by: [KE]\n"
        f"proposed: {proposed}\nstatus: proposed\nobjective: Learn.\naudience: Offices.\nregions: {regions}\n"
        "languages: [en, ar]\n---\n\nWhy.\n", encoding="utf-8")


def limit(root: Path, n: int) -> None:
    config = root / "_config.yml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if "webinars_per_year" not in line]
    config.write_text("\n".join(lines).replace("webinars:\n", f"webinars:\n  webinars_per_year: {n}\n") + "\n",
                      encoding="utf-8")


def test_requests_before_proposals_accepted_first_oldest_first(mini: Path) -> None:
    made = plan(mini)
    assert made.existing == ["2027-01-12-tto-advanced"]
    assert [c.topic.id for c in made.chosen] == ["tech-transfer", "green-ip"]  # the series goes on first
    assert made.chosen[0].reason == "member states' request, received 2023-09-01, accepted"
    assert [c.date.isoformat() for c in made.chosen] == ["2027-02-09", "2027-11-09"]  # second Tuesdays
    assert not made.unmet


def test_a_year_with_more_requests_than_slots_says_what_is_left_out(mini: Path) -> None:
    limit(mini, 2)
    made = plan(mini)
    assert [c.topic.id for c in made.chosen] == ["tech-transfer"]
    assert made.unmet == [("topic green-ip", "request received 2026-05-02: no slot left (2 webinars a year)")]


def test_two_regions_competing_for_the_last_slot(mini: Path) -> None:
    """Requests of 2026 for Africa (green-ip) and for the Arab region, one slot: each requesting
    region should get one, and the first in the configured order does."""
    edit(mini, "content/webinars/2027-01-12-tto-advanced/index.md", "regions: [global]", "regions: [latin-america-caribbean]")
    add_request(mini, "arab-request", "2026-08-01", "[arab]")
    limit(mini, 2)
    made = plan(mini)
    assert [c.topic.id for c in made.chosen] == ["green-ip"]
    assert made.chosen[0].reason.startswith("the first request for africa (received 2026-05-02)")
    assert ("region arab", "requested (arab-request), but no slot is left (2 webinars a year)") in made.unmet
    limit(mini, 3)  # one more slot: the Arab region's request comes before the older, accepted series
    assert [c.topic.id for c in plan(mini).chosen] == ["green-ip", "arab-request"]


def test_no_proposal_nothing_to_plan(mini: Path, capsys) -> None:
    for name in ("green-ip", "tech-transfer"):
        edit(mini, f"content/topics/{name}/index.md", "status: proposed" if name == "green-ip" else "status: accepted",
             "status: declined" if name == "green-ip" else "status: concluded")
    assert main(["plan", "2027", "--root", str(mini)]) == 0
    out = capsys.readouterr().out
    assert "Nothing to plan" in out and "held or planned already: 1: 2027-01-12-tto-advanced" in out


def test_the_draft_written_passes_the_check(mini: Path, capsys) -> None:
    assert main(["plan", "2027", "--write", "--root", str(mini)]) == 0
    assert "created content/webinars/2027-02-09-tech-transfer/" in capsys.readouterr().out
    catalogue = load(load_config(mini)).catalogue
    written = catalogue.webinars["2027-02-09-tech-transfer"]
    assert (written.facts.status, written.facts.part, written.facts.languages) == ("planned", 3, ["en", "fr"])
    assert catalogue.webinars["2027-11-09-green-ip"].facts.regions == ["africa", "latin-america-caribbean"]
