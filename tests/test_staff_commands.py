"""`webinars similar` and `webinars feedback`: what staff ask of the content before a
proposal, and after the surveys."""

from __future__ import annotations

from pathlib import Path

import pytest

from webinars.cli import main
from webinars.config import load_config
from webinars.content.load import load
from webinars.similar import closest, words

from conftest import REPO


@pytest.fixture(scope="module")
def catalogue():
    return load(load_config(REPO)).catalogue


def test_words_leave_out_case_accents_short_words_and_split_chinese() -> None:
    assert words("Propriété intellectuelle et STRATÉGIE nationale") == "strategie nationale"
    assert words("许可费率") == "许可 可费 费率"
    assert words("IP and the licensing of green technologies") == "licensing green technologies"


@pytest.mark.parametrize("text, expected", [
    ("licensing green technologies", "ip-climate-technologies"),
    ("women entrepreneurs", "ip-women-entrepreneurs"),
    ("人工智能与知识产权", "ip-and-ai"),  # through the topic's Chinese title
    ("التفاوض على التراخيص", "2024-05-21-licensing-negotiation"),  # through the webinar's Arabic title
    ("IP valuation and finance for SMEs", "ip-valuation-finance"),
])
def test_similar_finds_what_shares_words_in_any_language(catalogue, text: str, expected: str) -> None:
    found = closest(text, catalogue)
    assert expected in [m.id for m in found[:2]], found


def test_similar_says_when_nothing_is_close(capsys) -> None:
    assert main(["similar", "blockchain", "--root", str(REPO)]) == 0
    assert capsys.readouterr().out == "nothing close: no topic or webinar shares words with this text\n"
    assert main(["similar", "women entrepreneurs", "--root", str(REPO)]) == 0
    first = capsys.readouterr().out.splitlines()[1]
    assert "topic" in first and "ip-women-entrepreneurs: IP for women entrepreneurs" in first


def test_feedback_groups_the_suggestions_and_marks_what_is_covered_or_accepted(repository: Path, capsys) -> None:
    assert main(["feedback", "--root", str(repository)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("25 topic(s) suggested in 3 survey(s), in ")
    # suggested twice in one survey: one group, counted twice, covered by the planned webinar on it
    assert " 2. 'AI-generated works and copyright' x2\n" in out
    assert "covered (80): webinar 2026-12-09-ai-generated-works" in out
    assert "accepted: topic copyright-digital-markets" in out  # suggested_at that survey's webinar
    assert "new: `webinars feedback --accept 3` makes it a draft topic" in out


def test_feedback_accept_writes_a_draft_topic_that_passes_the_check(repository: Path, capsys) -> None:
    assert main(["feedback", "--accept", "3", "--root", str(repository)]) == 0
    assert "created content/topics/managing-conflicts-of-interest-in-research/" in capsys.readouterr().out
    topic = load(load_config(repository)).catalogue.topics["managing-conflicts-of-interest-in-research"]
    assert topic.facts.title == "Managing conflicts of interest in research"
    assert topic.facts.suggested_at == "2023-06-20-tto-ip-policies" and topic.facts.status == "proposed"
    assert main(["feedback", "--accept", "99", "--root", str(repository)]) == 1
    assert "there is no group 99" in capsys.readouterr().err


def test_a_survey_saved_with_semicolons_reads_as_one_with_commas(repository: Path, capsys) -> None:
    """A spreadsheet set to French saves "CSV" with semicolons: the site counts it the same,
    and its suggestions are listed."""
    survey = repository / "content/webinars/2025-10-14-ai-and-ip-offices/feedback.csv"
    before = load(load_config(repository)).catalogue.webinars["2025-10-14-ai-and-ip-offices"].feedback
    import csv
    import io

    rows = list(csv.reader(io.StringIO(survey.read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    survey.write_text(out.getvalue(), encoding="utf-8-sig")
    assert ";" in survey.read_text(encoding="utf-8-sig").splitlines()[0]
    after = load(load_config(repository)).catalogue.webinars["2025-10-14-ai-and-ip-offices"].feedback
    assert after == before and after.responses > 0
    assert main(["feedback", "--root", str(repository)]) == 0
    assert "'AI-generated works and copyright' x2" in capsys.readouterr().out


def test_a_suggestion_cannot_steer_the_staffs_terminal(repository: Path, capsys) -> None:
    survey = repository / "content/webinars/2023-06-20-tto-ip-policies/feedback.csv"
    survey.write_text(survey.read_text(encoding="utf-8") +
                      'participant,5,5,"Evil \x1b]0;owned\x07\x1b[2J title",\n', encoding="utf-8")
    assert main(["feedback", "--root", str(repository)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Evil" in out
