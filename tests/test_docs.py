"""What the documentation tells staff holds: its examples pass `webinars check`, it names
every field of the content format, and `webinars new` makes folders that pass too."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from webinars.cli import main
from webinars.config import load_config
from webinars.content.load import load
from webinars.content.models import TopicFacts, WebinarFacts

from conftest import REPO

DOCS = [REPO / "README.md", REPO / "docs" / "content.md"]
_BLOCK = re.compile(r"```(?:yaml|markdown)\n(---\n.*?\n---\n)(.*?)```", re.DOTALL)


def examples() -> list[tuple[str, str]]:
    """Each example index.md of the documentation: (where, text)."""
    found = []
    for doc in DOCS:
        for n, match in enumerate(_BLOCK.finditer(doc.read_text(encoding="utf-8")), start=1):
            found.append((f"{doc.name} #{n}", match.group(1) + match.group(2)))
    return found


def test_the_documentation_has_a_webinar_and_a_topic_example() -> None:
    kinds = ["date" in yaml.safe_load(text.split("---")[1]) for _where, text in examples()]
    assert kinds.count(True) >= 2 and kinds.count(False) >= 1, kinds


@pytest.mark.parametrize("where, text", examples())
def test_every_example_in_the_documentation_passes_the_check(repository: Path, where: str, text: str) -> None:
    facts = yaml.safe_load(text.split("---")[1])
    if "date" in facts:
        folder = repository / "content/webinars" / f"{facts['date']}-documented-example"
        folder.mkdir()
        for slide in facts.get("slides", []):  # the example says to put them in the folder
            (folder / slide["file"]).write_bytes(b"%PDF-1.4\n")
        for name in facts.get("captions", {}).values():
            (folder / name).write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nWelcome.\n", encoding="utf-8")
    else:
        folder = repository / "content/topics" / "documented-example"
        folder.mkdir()
    (folder / "index.md").write_text(text, encoding="utf-8")
    content = load(load_config(repository))  # raises InvalidInput listing any error
    assert folder.name in (content.catalogue.webinars if "date" in facts else content.catalogue.topics), where


@pytest.mark.parametrize("model, where", [(WebinarFacts, "webinar"), (TopicFacts, "topic")])
def test_the_staff_guide_names_every_field(model, where: str) -> None:
    guide = (REPO / "docs" / "content.md").read_text(encoding="utf-8")
    missing = [name for name in model.model_fields if not re.search(rf"^{name}:|`{name}`", guide, re.MULTILINE)]
    assert not missing, f"docs/content.md says nothing of the {where} field(s) {missing}"


def test_new_webinar_and_topic_pass_the_check_at_once(repository: Path, capsys) -> None:
    assert main(["new", "topic", "ip-and-startups", "--title", "IP for start-ups", "--root", str(repository)]) == 0
    assert main(["--root", str(repository), "new", "webinar", "2027-06-01-startups", "--topic", "ip-and-startups",
                 "--lang", "fr"]) == 0
    assert main(["new", "webinar", "2027-09-01-startups-again", "--topic", "ip-and-startups",
                 "--root", str(repository)]) == 0
    content = load(load_config(repository), today=dt.date(2026, 12, 7))
    first, second = (content.catalogue.webinars[s] for s in ("2027-06-01-startups", "2027-09-01-startups-again"))
    topic = content.catalogue.topics["ip-and-startups"]
    assert topic.facts.title == "IP for start-ups" and topic.facts.status == "proposed"
    assert topic.facts.proposed == dt.date.today()
    assert (first.facts.lang, first.facts.status, first.facts.part) == ("fr", "planned", 1)
    assert (second.facts.part, second.facts.regions, second.facts.languages) == (2, ["global"], ["en"])
    text = (repository / "content/webinars/2027-06-01-startups/index.md").read_text(encoding="utf-8")
    assert "\n## Résumé\n" in text and "\n## Réponses aux questions en suspens\n" in text
    assert (repository / "content/webinars/2027-06-01-startups/feedback.csv").read_text() == \
        "respondent,rating,useful,suggested_topic,comment\n"
    assert not [w for w in content.warnings if "startups" in w.path]
    out = capsys.readouterr().out
    assert "created content/webinars/2027-06-01-startups/" in out


@pytest.mark.parametrize("args, says", [
    (["new", "webinar", "ip-and-startups", "--topic", "technology-licensing"], "named by its date"),
    (["new", "webinar", "2027-13-01-x", "--topic", "technology-licensing"], "2027-13-01 is not a date"),
    (["new", "webinar", "2027-06-01-x", "--topic", "technology-licensng"], "did you mean technology-licensing?"),
    (["new", "webinar", "2024-05-21-licensing-negotiation", "--topic", "technology-licensing"], "already exists"),
    (["new", "topic", "IP and start-ups"], "a topic's id is a few words"),
    (["new", "topic", "ip-and-startups", "--lang", "pt"], "pt is not a language of this site"),
])
def test_new_refuses_what_would_not_pass(repository: Path, capsys, args: list[str], says: str) -> None:
    assert main([*args, "--root", str(repository)]) == 1
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert not (repository / "content/webinars/2027-06-01-x").exists()


@pytest.mark.parametrize("value, says", [
    ("{atlantis: a@b.org}", "atlantis: not a regional group"),
    ("{grulac: 'not an address'}", "grulac: 'not an address' is not an e-mail address"),
    ("{grulac: 'a@b.org?bcc=everyone@c.org'}", "is not an e-mail address"),
    ("{grulac: 'a@b.org?cc=x'}", "is not an e-mail address"),
])
def test_a_coordinators_address_that_is_not_one_is_a_clear_error(tmp_path: Path, value: str, says: str) -> None:
    from webinars.problems import InvalidInput

    (tmp_path / "book/_static").mkdir(parents=True)
    (tmp_path / "book/_static/share.png").write_bytes(b"")
    (tmp_path / "_config.yml").write_text(f"title: T\nwebinars:\n  coordinators: {value}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        load_config(tmp_path)
    assert says in str(raised.value.problems[0])
