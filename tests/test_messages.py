"""The interface catalogues: complete, placeholders intact, used for formatting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webinars.messages import heading_names, messages_for
from webinars.languages import Language

LOCALES = Path(__file__).parent.parent / "book" / "locales"
TRANSLATED = ["ar", "es", "fr", "ru", "zh"]


def catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_interface_string_is_translated(lang: str) -> None:
    template = {m.id for m in catalogue(LOCALES / "webinars.pot") if m.id}
    po = catalogue(LOCALES / lang / "LC_MESSAGES" / "webinars.po", locale=lang)
    missing = [m.id for m in po if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not missing, missing
    assert template <= {m.id for m in po if m.id}, "run `make messages` and translate the new entries"
    assert not [m.id for m in po if m.id and m.fuzzy]
    problems = [(m.id, [str(e) for e in errors]) for m, errors in po.check()]
    assert not problems, problems


def test_arabic_theme_catalogue_fills_the_gap_upstream() -> None:
    po = catalogue(LOCALES / "ar" / "LC_MESSAGES" / "sphinx.po", locale="ar")
    strings = {m.id: m.string for m in po if m.id}
    assert strings.get("Skip to main content") and strings.get("Back to top")


def test_formats_follow_the_language() -> None:
    moment = dt.datetime.fromisoformat("2024-03-12T13:00+01:00")
    french = messages_for(Language("fr"), LOCALES)
    assert french.weekday_date(moment.date()) == "mardi 12 mars 2024"
    assert french.language_name("pt") == "portugais"
    assert french.size(3_456_789).replace("\u202f", " ") == "3,3 Mo"
    assert messages_for(Language("zh"), LOCALES).minutes(90) == "90分钟"
    assert french.gettext("Held") != "Held"


def test_section_headings_are_recognised_in_every_language() -> None:
    names = heading_names([Language(code) for code in ["en", *TRANSLATED]], LOCALES)
    assert "summary" in names["summary"] and "follow-up answers" in names["answers"]
    assert len(names["answers"]) == 6


def test_the_staff_guide_lists_the_headings_the_site_recognises() -> None:
    guide = (Path(__file__).parent.parent / "docs" / "content.md").read_text(encoding="utf-8")
    for lang in TRANSLATED:
        messages = messages_for(Language(lang), LOCALES)
        for heading in ("Summary", "Follow-up answers"):
            assert f"`## {messages.gettext(heading)}`" in guide, (lang, heading)


def test_a_catalogue_changed_on_disk_is_read_again(tmp_path: Path) -> None:
    """`webinars preview` lives across edits: a corrected translation must show in the next build."""
    import shutil

    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(LOCALES / "fr" / "LC_MESSAGES" / "webinars.po", folder / "webinars.po")
    before = messages_for(Language("fr"), tmp_path).gettext("Webinars held")
    po = folder / "webinars.po"
    po.write_text(po.read_text(encoding="utf-8").replace(f'msgstr "{before}"', 'msgstr "Webinaires déjà tenus"', 1),
                  encoding="utf-8")
    assert messages_for(Language("fr"), tmp_path).gettext("Webinars held") == "Webinaires déjà tenus" != before
