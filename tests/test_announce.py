"""The announcement of a planned webinar (``webinars announce``, and the staff's pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import planned_webinar
from webinars.cli import main

SLUG = "2027-01-12-tto-advanced"
HOSTILE = planned_webinar("Gulf licensing <script>alert(1)</script> & more",
                          "Royalty rates \\<img src=x onerror=alert(1)> explained.", languages="[en, ar, pt]",
                          speakers='{name: "Nour <b>Haddad</b>", affiliation: "Office A", role: expert}')


def _announce(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--root", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_announce_prints_the_text_in_every_site_language(mini: Path, capsys) -> None:
    code, out, err = _announce(capsys, str(mini), "announce", SLUG)
    assert code == 0
    assert out.count("Valuing technologies") == 3  # en, ar, zh: the title is not translated
    assert "Date: Tuesday, January 12, 2027, 2:00\u202fPM (GMT+00:00)" in out and "(2:00\u202fPM UTC)" in out
    assert "التاريخ: " in out and "日期：" in out  # each language's own labels and punctuation
    assert "Register for this webinar: https://events.example.int/register/tto-advanced" in out
    assert "Languages (with interpretation): English, Chinese" in out
    assert "base_url" in err  # the page's address needs it


def test_announce_in_one_language_as_html_with_the_page_address(mini: Path, capsys) -> None:
    config = mini / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "\nwebinars:\n", "\nwebinars:\n  base_url: https://webinars.example.org/\n"), encoding="utf-8")
    (mini / "content/webinars/2027-02-03-gulf").mkdir()
    (mini / "content/webinars/2027-02-03-gulf/index.md").write_text(HOSTILE, encoding="utf-8")
    code, out, err = _announce(capsys, str(mini), "announce", "2027-02-03-gulf", "--lang", "ar", "--html")
    assert code == 0 and not err
    html = BeautifulSoup(out, "html.parser")
    assert html.div["lang"] == "ar" and html.div["dir"] == "rtl"
    assert html.strong["lang"] == "en" and html.strong.get_text() == "Gulf licensing <script>alert(1)</script> & more"
    assert not html.find("script") and not html.find("img") and not html.find("b")
    links = [a["href"] for a in html.find_all("a")]
    assert links == ["https://events.example.int/register/gulf", "https://webinars.example.org/ar/webinars/2027-02-03-gulf/"]
    assert "البرتغالية" in out  # Portuguese, a delivery language that is not a site language


@pytest.mark.parametrize(("args", "said"), [
    (("2024-01-10-tto-basics",), "content/webinars/2024-01-10-tto-basics/index.md: this webinar is held; "
                                 "announcements are for planned webinars: 2027-01-12-tto-advanced"),
    (("no-such-webinar",), "content/webinars/no-such-webinar/index.md: no such webinar; announcements are for "
                           "planned webinars: 2027-01-12-tto-advanced"),
    ((SLUG, "--lang", "fr"), "_config.yml: webinars.languages: fr is not a language of this site; use one of en, ar, zh"),
])
def test_announce_says_what_cannot_be_announced(mini: Path, capsys, args: tuple[str, ...], said: str) -> None:
    code, out, err = _announce(capsys, str(mini), "announce", *args)
    assert code == 1 and not out
    assert said in err and "Traceback" not in err and "published" not in err


def test_the_staff_pages_hold_every_language_and_are_kept_from_visitors(mini: Path) -> None:
    from webinars.config import load_config
    from webinars.content.load import load
    from webinars.finish.announce import staff_pages

    (mini / "content/webinars/2027-02-03-gulf").mkdir()
    (mini / "content/webinars/2027-02-03-gulf/index.md").write_text(HOSTILE, encoding="utf-8")
    config = load_config(mini)
    content = load(config)
    files = staff_pages(config, content.catalogue, content.heading_names["summary"])
    assert set(files) == {"staff/index.html", f"staff/{SLUG}.html", "staff/2027-02-03-gulf.html"}
    index = BeautifulSoup(files["staff/index.html"], "html.parser")
    assert index.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert [a["href"] for a in index.find_all("a")] == [f"{SLUG}.html", "2027-02-03-gulf.html"]  # soonest first
    page = BeautifulSoup(files["staff/2027-02-03-gulf.html"], "html.parser")
    assert [section["lang"] for section in page.find_all("section")] == ["en", "ar", "zh"]
    assert len(page.find_all("h1")) == 1 and not page.find("script") and not page.find("img")
    assert "Gulf licensing <script>alert(1)</script> & more" in page.find("pre").get_text()


@pytest.mark.build
def test_no_page_of_the_built_site_links_to_the_staff_pages(built_mini: Path) -> None:
    site = built_mini / "_build/site"
    assert (site / "staff/index.html").is_file() and (site / f"staff/{SLUG}.html").is_file()
    for page in site.glob("*/**/*.html"):
        if "staff" not in page.relative_to(site).parts:
            assert "staff/" not in page.read_text(encoding="utf-8"), page
    assert not list(site.glob("*/pagefind/**/*staff*"))
