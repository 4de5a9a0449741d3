"""The built fixture site, read as a visitor's browser receives it (HTML, no JavaScript)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from webinars.pipeline import build_site
from webinars.problems import InvalidInput
from webinars.work import LanguageWork

pytestmark = pytest.mark.build

SLUG = "2024-01-10-tto-basics"


def page(root: Path, url: str) -> BeautifulSoup:
    path = root / "_build" / "site" / url / "index.html"
    assert path.is_file(), f"{url} was not built"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_language_has_clean_urls(built_mini: Path) -> None:
    site = built_mini / "_build" / "site"
    for lang in ("en", "ar", "zh"):
        for url in ("", "webinars/", f"webinars/{SLUG}/", "topics/", "topics/tech-transfer/", "propose/",
                    "add-a-webinar/"):
            assert (site / lang / url / "index.html").is_file(), f"/{lang}/{url}"
    assert (site / "media" / SLUG / "slides-en.pdf").is_file()


def test_html_carries_language_and_direction(built_mini: Path) -> None:
    for lang, direction in (("en", "ltr"), ("ar", "rtl"), ("zh", "ltr")):
        html = page(built_mini, f"{lang}/webinars/{SLUG}").html
        assert html["lang"] == lang and html["dir"] == direction


def test_one_h1_per_page(built_mini: Path) -> None:
    for url in ("en", f"en/webinars/{SLUG}", "ar/topics/tech-transfer", "zh/webinars"):
        assert len(page(built_mini, url).find_all("h1")) == 1, url


def test_language_switcher_and_alternates_lead_to_the_same_page(built_mini: Path) -> None:
    doc = page(built_mini, f"zh/webinars/{SLUG}")
    site = built_mini / "_build" / "site" / "zh" / "webinars" / SLUG
    alternates = {link["hreflang"]: link["href"] for link in doc.find_all("link", rel="alternate", hreflang=True)}
    assert set(alternates) == {"en", "ar", "zh", "x-default"}
    switcher = doc.select(".wb-languages-menu a")
    assert [a["lang"] for a in switcher] == ["en", "ar", "zh"]
    for a in switcher:
        target = (site / a["href"] / "index.html").resolve()
        assert target == (built_mini / "_build/site" / a["lang"] / "webinars" / SLUG / "index.html").resolve()
        assert target.is_file()
    assert doc.select_one('.wb-languages-menu a[aria-current="page"]')["lang"] == "zh"


def test_untranslated_page_falls_back_to_the_original_marked_as_such(built_mini: Path) -> None:
    doc = page(built_mini, f"zh/webinars/{SLUG}")
    notice = doc.select_one(".wb-fallback")
    assert notice is not None and notice["lang"] == "zh"
    assert "英语" in notice.get_text()  # the original's language, named in Chinese
    links = {a["hreflang"] for a in notice.find_all("a")}
    assert links == {"en", "ar"}
    wrapper = doc.select_one("article.bd-article > div[lang]")
    assert wrapper["lang"] == "en" and wrapper["dir"] == "ltr"
    assert wrapper.find("h1").get_text(strip=True).startswith("Technology transfer offices")


def test_translated_page_is_not_marked_as_fallback(built_mini: Path) -> None:
    doc = page(built_mini, f"ar/webinars/{SLUG}")
    assert doc.select_one(".wb-fallback") is None
    assert doc.find("h1").get_text(strip=True).startswith("مكاتب نقل التكنولوجيا")


def test_webinar_page_shows_the_facts(built_mini: Path) -> None:
    doc = page(built_mini, f"en/webinars/{SLUG}")
    text = doc.select_one("article").get_text(" ", strip=True)
    for expected in ("Wednesday, January 10, 2024", "90 minutes", "English, French, Arabic", "Africa",
                     "Amina Diallo", "part 1 of 2", "120 (200 registered)", "Held"):
        assert expected in text, expected
    facade = doc.select_one(".wb-player a.wb-facade")  # the host's player loads on a click only
    assert not doc.select(".wb-player iframe")
    assert facade["href"] == "https://www.youtube.com/watch?v=Xk3pQ9aB1cD"
    assert facade["data-embed"] == "https://www.youtube-nocookie.com/embed/Xk3pQ9aB1cD?autoplay=1"
    assert facade["data-title"] and "YouTube" in facade.get_text() and "90 minutes" in facade.get_text()
    channels = [a["href"] for a in doc.select(".wb-channels a")]
    assert channels == ["https://www.youtube.com/watch?v=Xk3pQ9aB1cD", "https://media.example.int/2024/tto-basics-ar.mp4",
                        "https://webcast.example.int/2024/tto-fr"]
    slide = doc.select_one(".wb-slides a")
    assert slide["href"] == f"../../../media/{SLUG}/slides-en.pdf"
    questions = [s.get_text(" ", strip=True) for s in doc.select("details.wb-answer summary")]
    assert questions[:2] == ["How can a small office start?", "Who pays for patents?"]
    nxt = doc.select_one(".wb-prevnext a[rel=next]")
    assert nxt["href"] == "../../webinars/2024-03-05-tto-policies/"
    assert "4.7 out of 5" in doc.select_one(".wb-feedback").get_text()


def test_every_page_has_the_basics_a_visitor_notices(built_mini: Path) -> None:
    """One viewport tag, a favicon, a description, no icon font; the menu marks the section a page is in;
    the contents list every section of a webinar; each follow-up answer can be linked to;
    the footer names the organisation without "By"; no search index outside the search page."""
    site = built_mini / "_build/site"
    for url in ("en/", "ar/", f"en/webinars/{SLUG}/", "zh/topics/tech-transfer/", "en/topic-list/"):
        doc = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert len(doc.select('meta[name="viewport"]')) == 1, url
        assert doc.select_one('link[rel="icon"]')["href"].endswith("_static/favicon.svg"), url
        assert not doc.select('script[src$="searchindex.js"], script[src*="searchtools"]'), url
        assert "By " not in doc.select_one("footer").get_text(), url
        # Font Awesome's script and font were four fifths of a page's weight: icons are inline SVG.
        assert not doc.select('[class*="fa-"], script[src*="fontawesome"]'), url
        assert doc.select(".wb-icon"), url
    assert (site / "en/_static/favicon.svg").is_file()
    # Scripts and styles only where a page uses them.
    loaded = {url: {tag.get("src") or tag.get("href") or "" for tag in BeautifulSoup(
        (site / url / "index.html").read_text(encoding="utf-8"), "html.parser").select("script[src], link[rel=stylesheet]")}
        for url in ("en/topic-list/", f"en/webinars/{SLUG}/", "en/")}
    uses = {url: {name for name in ("topic-list.js", "player.js", "mystnb.", "copybutton", "design-tabs")
                  if any(name in address for address in addresses)} for url, addresses in loaded.items()}
    assert uses == {"en/topic-list/": {"topic-list.js"}, f"en/webinars/{SLUG}/": {"player.js"}, "en/": set()}
    # One stylesheet and one head script join the small files every page loaded (engine/bundles.py).
    for url, addresses in loaded.items():
        sheets = [a for a in addresses if ".css" in a]
        assert len(sheets) == 1 and "webinars-site.css?v=" in sheets[0], (url, sheets)
        assert any("webinars-head.js?v=" in a for a in addresses), url
        assert not any(name in a for a in addresses for name in ("doctools.js", "basic.css", "theme.css")), url
    joined = (site / "en/_static/styles/webinars-site.css").read_text(encoding="utf-8")
    for part in ("basic.css", "styles/theme-used.css", "pygments.css", "webinars.css", "sphinx-design.min.css"):
        assert f"/* {part} */" in joined, part
    # The theme's stylesheet without the rules no page can use (scripts/theme_css.py; that no
    # rule left out matches a page is tested in test_browser.py), and no Bootstrap script.
    assert "/* styles/pydata-sphinx-theme.css */" not in joined and ".carousel-item" not in joined
    assert not any("bootstrap" in a for addresses in loaded.values() for a in addresses)
    assert "pst-back-to-top" in (site / "en/_static/scripts/webinars-head.js").read_text(encoding="utf-8")
    assert (site / "en/_static/webinars.css").read_text(encoding="utf-8").strip() in joined
    assert 'url("../file.png")' in joined  # basic.css's image, from the bundle's folder
    webinar = page(built_mini, f"en/webinars/{SLUG}")
    description = webinar.select_one('meta[name="description"]')["content"]
    summary = webinar.select_one("section#summary p").get_text(" ", strip=True)
    assert description and summary.startswith(description.rstrip("\u2026")), (description, summary)
    current = webinar.select_one('.wb-nav [aria-current="true"]')
    assert current is not None and current["href"] == "../../webinars/"
    contents = [a.get_text(strip=True) for a in webinar.select("#pst-page-toc-nav a")]
    assert contents == ["Recordings", "Slides and material", "Summary", "Follow-up answers", "In this series",
                        "Feedback"], contents
    for link in webinar.select("#pst-page-toc-nav a"):
        assert webinar.select_one(f"[id='{link['href'][1:]}']") is not None, link
    assert [d.get("id") for d in webinar.select("details.wb-answer")][:2] == ["answer-1", "answer-2"]


def test_a_page_not_found_says_so_in_every_language(built_mini: Path) -> None:
    doc = BeautifulSoup((built_mini / "_build/site/404.html").read_text(encoding="utf-8"), "html.parser")
    sections = {s["lang"]: s for s in doc.select("section[lang]")}
    assert sorted(sections) == ["ar", "en", "zh"]
    assert sections["ar"]["dir"] == "rtl" and sections["ar"].select_one("a")["href"] == "/ar/"
    assert "Page not found" in doc.select_one("h1").get_text()
    assert sections["zh"].select_one("h2").get_text() == "找不到页面"


def test_planned_and_incomplete_webinars_say_so(built_mini: Path) -> None:
    planned = page(built_mini, "en/webinars/2027-01-12-tto-advanced").get_text(" ", strip=True).replace("\u202f", " ")
    assert "This webinar will take place on Tuesday, January 12, 2027 at 2:00 PM" in planned
    incomplete = page(built_mini, "en/webinars/2024-03-05-tto-policies")
    assert "has not been published yet" in incomplete.select_one(".wb-incomplete").get_text()


def test_topic_page_shows_series_and_progression(built_mini: Path) -> None:
    doc = page(built_mini, "en/topics/tech-transfer")
    text = doc.get_text(" ", strip=True)
    assert "Help offices start technology transfer." in text and "National IP offices" in text
    assert "Request of member states through a regional group coordinator" in text
    series = [a.get_text(strip=True) for a in doc.select(".wb-topic-series li > a")]
    assert series == ["Technology transfer offices: first steps", "IP policies for universities"]
    assert doc.select_one(".wb-chain a")["href"] == "../../topics/tech-transfer-advanced/"


def test_root_page_lists_languages_in_their_own_script(built_mini: Path) -> None:
    doc = BeautifulSoup((built_mini / "_build/site/index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["hreflang"]: a.get_text(strip=True) for a in doc.select("nav a")}
    assert links == {"en": "English", "ar": "العربية", "zh": "中文"}


def test_failed_build_keeps_the_last_good_site(mini: Path) -> None:
    build_site(mini)
    index = mini / "_build/site/en/index.html"
    before = index.read_bytes()
    path = mini / "content/webinars/2024-03-05-tto-policies/index.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: held", "status: done"), encoding="utf-8")
    with pytest.raises(InvalidInput):
        build_site(mini)
    assert index.read_bytes() == before
    assert not (mini / "_build/site.new").exists()


def test_sample_content_builds_in_six_languages(built_sample: Path) -> None:
    from webinars.pipeline import check

    _config, catalogue, _pages, _warnings = check(built_sample)
    site = built_sample / "_build/site"
    for lang in ("ar", "en", "es", "fr", "ru", "zh"):
        for slug in catalogue.webinars:
            assert (site / lang / "webinars" / slug / "index.html").is_file(), (lang, slug)
        for topic in catalogue.topics:
            assert (site / lang / "topics" / topic / "index.html").is_file(), (lang, topic)


@pytest.mark.parametrize("lang", ["ar", "es", "fr", "ru", "zh"])
def test_the_programmes_own_names_are_never_left_in_english(built_sample: Path, lang: str) -> None:
    """Regional groups, the Secretariat, member states and the organising units are named in
    the reader's language wherever the site writes them (facts, lists, the topic list), also
    where the content names them in English."""
    from webinars.config import load_config
    from webinars.messages import REGION_LABELS
    from webinars.names import GROUPS

    config = load_config(built_sample)
    english = set(GROUPS.values()) | set(REGION_LABELS.values()) | {"Kenya", "Brazil", "Senegal"}
    english |= {names["en"] for names in config.settings.units.values()}
    if lang in ("es", "fr", "ru"):  # the same word in English and here, or an acronym kept as is
        english -= {"China", "Group B", "Global", "Secretariat", "Kenya", "Senegal"}
    site = built_sample / "_build/site" / lang
    found = {}
    for path in sorted(site.rglob("index.html")):
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        # Not the speakers' affiliations, nor the objective of a request: the authors' words.
        for fact in doc.select(".wb-names, table[data-wb-filterable] td, .wb-counts th, .wb-chart"):
            text = fact.get_text(" ")
            left = sorted(name for name in english if re.search(rf"\b{re.escape(name)}\b", text))
            if left:
                found.setdefault(path.relative_to(site).parent.as_posix(), set()).update(left)
    assert not found, found


@pytest.mark.parametrize("lang", ["ar", "es", "fr", "ru", "zh"])
def test_sample_translations_show_their_answers_as_collapsible_items(built_sample: Path, lang: str) -> None:
    doc = page(built_sample, f"{lang}/webinars/2024-05-21-licensing-negotiation")
    assert doc.select_one(".wb-fallback") is None
    assert len(doc.select("details.wb-answer")) >= 2
    assert not doc.select("article h3"), "questions should be collapsible items, not headings"


def test_bad_myst_in_a_body_is_reported_in_the_authors_file(mini: Path) -> None:
    path = mini / "content/webinars/2024-03-05-tto-policies/index.md"
    # An allowed directive (the content policy lets it through) with an option it does not have.
    path.write_text(path.read_text(encoding="utf-8") + "\n```{note}\n:nosuchoption: x\nText\n```\n",
                    encoding="utf-8")
    with pytest.raises(InvalidInput) as failure:
        build_site(mini)
    found = [str(p) for p in failure.value.problems]
    assert len(found) == 1 and found[0].startswith("content/webinars/2024-03-05-tto-policies/index.md:14: "), found
    assert "nosuchoption" in found[0] and found[0].endswith("(in the en, ar, zh versions)"), found


def test_a_removed_webinar_disappears_from_the_site(mini: Path) -> None:
    import shutil

    build_site(mini)
    site = mini / "_build/site"
    assert (site / "zh/webinars/2024-03-05-tto-policies/index.html").is_file()
    shutil.rmtree(mini / "content/webinars/2024-03-05-tto-policies")
    topic = mini / "content/topics/green-ip/index.md"
    topic.write_text(topic.read_text(encoding="utf-8").replace("suggested_at: 2024-03-05-tto-policies\n", ""),
                     encoding="utf-8")
    build_site(mini)
    for lang in ("en", "ar", "zh"):
        assert not (site / lang / "webinars/2024-03-05-tto-policies").exists()
        for part in ("src", "html"):  # the page's source and Sphinx's output, folders included
            assert not (mini / "_build/work" / lang / part / "webinars/2024-03-05-tto-policies").exists()
        assert "2024-03-05-tto-policies" not in (site / lang / "webinars/index.html").read_text(encoding="utf-8")
    assert not (site / "en/_sources").exists()


NEW_WEBINAR = """---
title: Licensing for start-ups
lang: en
date: 2024-06-11
status: held
topic: tech-transfer
languages: [en]
regions: [africa]
recording: https://vimeo.com/123456
---

## Summary
Licensing models that suit young companies.
"""


def add_new_webinar(root: Path) -> None:
    """Publish NEW_WEBINAR, a new part of the tech-transfer series."""
    folder = root / "content/webinars/2024-06-11-licensing-start-ups"
    folder.mkdir()
    (folder / "index.md").write_text(NEW_WEBINAR, encoding="utf-8")


def site_files(root: Path) -> dict[str, bytes]:
    """Every published file; Sphinx's cache-busting ``?v=`` checksums aside (a clean build
    links myst-nb's stylesheet before writing it, so it has none there), and the order in
    which Pagefind writes a filter's values (see webinars.engine.search.comparable)."""
    import re

    from webinars.engine.search import comparable

    site = root / "_build/site"
    return comparable({p.relative_to(site).as_posix(): re.sub(rb"\?v=[0-9a-f]{8}", b"", p.read_bytes())
                       for p in sorted(site.rglob("*")) if p.is_file()})


def test_rebuild_after_adding_a_webinar_equals_a_clean_build(mini: Path, tmp_path: Path) -> None:
    import shutil

    build_site(mini)
    site = mini / "_build/site"
    # Publishing replaces only the files that changed, and removes what the site no longer has.
    untouched = site / "zh/_static/webinars.css"
    before = untouched.stat()
    for stray in (site / "stray.html", site / "en/stray/index.html", site / "media/stray.pdf"):
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_text("")
    # A page that shows nothing of the new webinar is neither written nor filled in again.
    elsewhere = mini / "_build/work/ar/html/webinars/2027-01-12-tto-advanced/index.html"
    elsewhere_before = elsewhere.stat().st_mtime_ns
    add_new_webinar(mini)
    build_site(mini)
    assert elsewhere.stat().st_mtime_ns == elsewhere_before
    after = untouched.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not (site / "en/stray").exists()
    clean = tmp_path / "clean"
    shutil.copytree(mini, clean, ignore=shutil.ignore_patterns("_build"))
    build_site(clean)
    rebuilt, fresh = site_files(mini), site_files(clean)
    assert rebuilt.keys() == fresh.keys()
    differing = [name for name in rebuilt if rebuilt[name] != fresh[name]]
    assert not differing, differing
    # The other pages of the series learned about the new part, and Sphinx did not read them
    # again: what they show of it is a late part, filled in after Sphinx wrote the pages.
    first = (mini / "_build/site/ar/webinars/2024-01-10-tto-basics/index.html").read_text(encoding="utf-8")
    assert "2024-06-11-licensing-start-ups" in first
    log = (mini / "_build/work/ar/build.log").read_text(encoding="utf-8")
    read = re.findall(r"reading sources\.\.\. \[ *\d+%\] (\S+)", log)
    assert "webinars/2024-06-11-licensing-start-ups/index" in read
    assert not [doc for doc in read if "tto-basics" in doc or doc.startswith("topics/tech-transfer")], read


def test_every_late_part_of_the_built_site_is_filled_in(built_mini: Path) -> None:
    late = re.compile(r"<!--wb:late ([\w-]+)-->(.*?)<!--/wb:late \1-->", re.DOTALL)
    found = set()
    for path in (built_mini / "_build/site").rglob("*.html"):
        for name, html in late.findall(path.read_text(encoding="utf-8")):
            assert html.strip(), (path, name)
            found.add(name)
    # the lists, a series' parts and navigation, a topic's series and progression
    assert {"upcoming", "recent", "counts", "series-part", "series", "topic-series"} <= found, found


def test_a_failed_build_is_reported_until_fixed_and_the_next_good_one_equals_a_clean_build(
        mini: Path, tmp_path: Path) -> None:
    """A build that fails publishes nothing and reports its problems, again at each build
    until they are fixed (Sphinx reports a page's problems only when it reads the page).
    Sphinx wrote pages without their late parts meanwhile: the next good build fills them
    in, even one it does not write again and whose parts did not change, without writing
    every page again."""
    import shutil

    build_site(mini)
    broken = mini / "content/webinars/2027-01-12-tto-advanced/index.md"
    edited = mini / "content/webinars/2024-03-05-tto-policies/index.md"
    good = broken.read_text(encoding="utf-8")
    # A problem only Sphinx finds (the content policy allows {note}, not its unknown option).
    broken.write_text(good + "\n```{note}\n:nosuchoption: x\nText\n```\n", encoding="utf-8")
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    for _attempt in range(2):  # the problem is reported again, though nothing changed
        with pytest.raises(InvalidInput) as failure:
            build_site(mini)
        found = [str(p) for p in failure.value.problems]
        assert len(found) == 1 and "nosuchoption" in found[0], found
        assert found[0].startswith("content/webinars/2027-01-12-tto-advanced/index.md:16: "), found
        assert found[0].endswith("(in the en, ar, zh versions)"), found
    broken.write_text(good, encoding="utf-8")
    build_site(mini)
    # The failed builds did not make this one write every page again.
    log = (mini / "_build/work/zh/build.log").read_text(encoding="utf-8")
    written = re.findall(r"writing output\.\.\. \[ *\d+%\] (\S+)", log)
    assert "webinars/2027-01-12-tto-advanced/index" in written and f"webinars/{SLUG}/index" not in written, written
    clean = tmp_path / "clean"
    shutil.copytree(mini, clean, ignore=shutil.ignore_patterns("_build"))
    build_site(clean)
    rebuilt, fresh = site_files(mini), site_files(clean)
    assert rebuilt.keys() == fresh.keys()
    assert not [name for name in rebuilt if rebuilt[name] != fresh[name]]


def test_late_parts_are_filled_in_where_they_changed_or_the_page_was_written(tmp_path: Path) -> None:
    from webinars.engine.late import fill_late_parts
    from webinars.work import LanguageWork, Memo

    out, work = tmp_path / "html", LanguageWork(tmp_path / "work")
    page = out / "webinars/a/index.html"
    page.parent.mkdir(parents=True)
    empty = "<p>x</p><!--wb:late series--><!--/wb:late series--><p>y</p>"

    def fill(parts: dict[str, str], written: set[str] = frozenset()) -> list[str]:
        return fill_late_parts(out, {"webinars/a/index": parts}, set(written), Memo(work.filled))

    page.write_text(empty)
    assert fill({"series": "<ol>1</ol>"}, {"webinars/a/index"}) == []
    assert page.read_text() == "<p>x</p><!--wb:late series--><ol>1</ol><!--/wb:late series--><p>y</p>"
    # Not written again, parts changed: filled in again where the old parts were.
    assert fill({"series": "<ol>1 2</ol>"}) == []
    assert page.read_text() == "<p>x</p><!--wb:late series--><ol>1 2</ol><!--/wb:late series--><p>y</p>"
    # Neither: the page is not even read (here it was emptied behind the record's back).
    page.write_text(empty)
    before = page.stat().st_mtime_ns
    assert fill({"series": "<ol>1 2</ol>"}) == []
    assert page.read_text() == empty and page.stat().st_mtime_ns == before
    # Sphinx is about to write pages, and the build may fail half-way: the record goes, and
    # the next build fills every page in.
    Memo(work.filled).forget()
    assert fill({"series": "<ol>1 2</ol>"}) == []
    assert "<ol>1 2</ol>" in page.read_text()
    # A page without the place for a part is a clear error, not a page silently missing it.
    assert fill({"chain": "<ol>3</ol>"}) == [f"{page}: ERROR: the lists of this page could not be filled in: "
                                            "the built page has no place for its part 'chain'"]


def test_rebuild_after_editing_a_topic_or_another_part_equals_a_clean_build(mini: Path, tmp_path: Path) -> None:
    """Every shortcut a rebuild takes must give the site a clean build gives, after each of
    these edits, and the edit must show where it should.

    A page kept from the last build must not survive a change to what it shows of other
    folders, though its own folder did not change: a webinar page shows its topic and the
    other parts of its series; a topic page shows the topics it continues or that continue
    it, with the number of webinars of each; a year's list shows its webinars (the other
    years' lists are kept). A kept source page that is gone from the work folder is written
    again. Sphinx's static files are kept unless the theme or a setting they depend on
    changed."""
    import shutil

    build_site(mini)
    content = mini / "content"

    def replace(file: str, old: str, new: str):
        def edit() -> None:
            path = mini / file
            path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return edit

    def add_advanced_part() -> None:
        path = content / "webinars/2027-03-02-tto-advanced-2/index.md"
        path.parent.mkdir(parents=True)
        path.write_text((content / "webinars/2027-01-12-tto-advanced/index.md").read_text(encoding="utf-8")
                        .replace("title: Valuing technologies", "title: Negotiating licences")
                        .replace("2027-01-12", "2027-03-02"), encoding="utf-8")

    def lose_a_kept_source_page() -> None:
        (LanguageWork(mini / "_build/work/zh").src / f"webinars/{SLUG}/index.md").unlink()
        replace("content/webinars/2027-01-12-tto-advanced/index.md", "\n## ", "\nMore.\n\n## ")()

    def own_theme() -> None:
        static = mini / "static"
        shutil.copytree(Path(__file__).parent.parent / "book" / "_static", static)
        config = mini / "_config.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text("\n".join(line for line in text.splitlines() if "static_dir" not in line)
                          .replace("webinars:\n", "webinars:\n  static_dir: static\n") + "\n", encoding="utf-8")
        (static / "webinars.css").write_text((static / "webinars.css").read_text() + "\n/* changed */\n")

    edits = [
        ("a topic's title", replace("content/topics/tech-transfer/index.md", "title: Technology transfer",
                                    "title: Transfer of technology"), f"webinars/{SLUG}/index.html"),
        ("another part's title", replace("content/webinars/2024-03-05-tto-policies/index.md",
                                         "title: IP policies for universities", "title: University IP policies"),
         f"webinars/{SLUG}/index.html"),
        # green-ip now continues tech-transfer-advanced, whose page lists it
        ("a topic continued", replace("content/topics/green-ip/index.md", "status: proposed",
                                      "status: proposed\nbuilds_on: tech-transfer-advanced"),
         "topics/tech-transfer-advanced/index.html"),
        # a second webinar of tech-transfer-advanced: the topics around it count two, and 2027's list changes
        ("a part added", add_advanced_part, "topics/tech-transfer/index.html"),
        ("a kept source page lost", lose_a_kept_source_page, "webinars/2027-01-12-tto-advanced/index.html"),
        ("the theme's stylesheet", own_theme, "_static/webinars.css"),
        ("a theme setting", replace("_config.yml", "show_prev_next: false", "show_prev_next: true"),
         "index.html"),
    ]
    for step, (what, edit, shown_on) in enumerate(edits):
        before = (mini / "_build/site/zh" / shown_on).read_text(encoding="utf-8")
        edit()
        build_site(mini)
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(mini, clean, ignore=shutil.ignore_patterns("_build"))
        build_site(clean)
        rebuilt, fresh = site_files(mini), site_files(clean)
        assert rebuilt.keys() == fresh.keys(), what
        differing = [name for name in rebuilt if rebuilt[name] != fresh[name]]
        assert not differing, (what, differing)
        after = (mini / "_build/site/zh" / shown_on).read_text(encoding="utf-8")
        assert after != before, (what, shown_on)  # the edit shows there
    # What a build stopped before publishing left beside the site goes with the next build.
    leftover = mini / "_build/site.new"
    (leftover / "en").mkdir(parents=True)
    (leftover / "en/marker").write_text("")
    replace("static/webinars.css", "/* changed */", "/* changed again */")()
    build_site(mini)
    assert "/* changed again */" in (mini / "_build/site/ar/_static/webinars.css").read_text()
    assert not (mini / "_build/site/en/marker").exists()
    # Beside the site: its releases, and the one before the last two, removed by the next build.
    beside = sorted(path.name for path in (mini / "_build").iterdir() if path.name.startswith("site"))
    assert [name for name in beside if not name.startswith("site.removing-release-")] == ["site", "site.releases"]


def _untranslated(doc: BeautifulSoup, lang: str) -> set[str]:
    """Latin words in the page's chrome that are not marked as another language."""
    import re

    def own(element) -> bool:
        marked = element if element.has_attr("lang") else element.find_parent(attrs={"lang": True})
        return marked is None or marked["lang"] == lang

    found = set()
    for element in doc.find_all(True):
        for attribute in ("title", "aria-label", "placeholder", "data-bs-title", "alt"):
            if element.get(attribute) and own(element):
                found |= set(re.findall(r"[A-Za-z]{3,}", element[attribute]))
    for selector in ("header", ".bd-header-article", ".bd-sidebar-primary", ".bd-sidebar-secondary", "footer",
                     "#pst-back-to-top", ".skip-link"):
        for element in doc.select(selector):
            for text in element.find_all(string=True):
                if text.parent.name not in ("script", "style") and own(text.parent):
                    found |= set(re.findall(r"[A-Za-z]{3,}", text))
    return found - {"Ctrl"}


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_the_interface_has_no_untranslated_words(built_mini: Path, lang: str) -> None:
    for url in (f"{lang}/webinars/{SLUG}", f"{lang}/topics/tech-transfer", f"{lang}/topic-list", lang):
        assert not _untranslated(page(built_mini, url), lang), url


def test_a_build_with_nothing_changed_stops_early_and_says_so(built_mini: Path, capsys) -> None:
    from webinars.cli import main

    published = built_mini / "_build/site/en/index.html"
    before = published.stat().st_mtime_ns
    assert main(["--root", str(built_mini), "build"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().out
    assert published.stat().st_mtime_ns == before


def indexed(root: Path, lang: str) -> dict[str, dict]:
    """What Pagefind indexed of a language's pages, by URL: each fragment's content, title,
    filters and meta (a fragment is gzip, a signature, then JSON)."""
    import gzip
    import json

    pages = {}
    for path in (root / "_build/site" / lang / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        pages[fragment["url"]] = fragment
    return pages


def test_the_search_index_holds_each_pages_own_text_and_its_filters(built_mini: Path) -> None:
    """Pagefind indexes each language apart (engine/search.py); a page is found by its own
    text, not by the lists that name it, and carries what the search page filters by."""
    site = built_mini / "_build/site"
    assert not list(site.rglob("searchindex.js"))
    english = indexed(built_mini, "en")
    webinar = english[f"/webinars/{SLUG}/"]
    assert webinar["meta"]["title"] == "Technology transfer offices: first steps", webinar["meta"]
    assert webinar["filters"]["kind"] == ["Webinar"] and webinar["filters"]["status"] == ["Held"]
    assert webinar["filters"]["year"] == ["2024"] and "English" in webinar["filters"]["language"]
    assert webinar["meta"]["date"] == "January 10, 2024" and webinar["meta"]["status"] == "Held"
    assert "#" not in webinar["meta"]["title"] and "Duration" not in webinar["content"]
    assert "Feedback" not in webinar["content"]  # survey figures are never searchable
    topic = english["/topics/tech-transfer/"]
    assert topic["filters"]["kind"] == ["Topic"] and topic["filters"]["scope"]
    # A list names every webinar: it is found by its title only, never by the webinars' words.
    assert "valuing" in english["/webinars/2027-01-12-tto-advanced/"]["content"].lower()
    lists = [english[url] for url in ("/webinars/", "/topics/", "/series/", "/topic-list/") if url in english]
    assert lists and not any("valuing" in page["content"].lower() for page in lists)
    assert "/search/" not in english and "/genindex/" not in english
    # Each language its own index, in its own words.
    arabic = indexed(built_mini, "ar")
    assert arabic[f"/webinars/{SLUG}/"]["filters"]["status"] == ["عُقدت"]
    assert (site / "zh/pagefind/pagefind-entry.json").is_file()
    assert not list(site.rglob("pagefind-ui.js"))  # Pagefind's own interfaces are not used


def test_languages_built_one_after_another_by_one_process_each_have_their_own_words(mini: Path) -> None:
    """One process builds every language in turn here (one core): Sphinx would show each
    language after the first in the words of the languages built before it."""
    build_site(mini, jobs=1)
    for lang, search in (("ar", "بحث"), ("zh", "搜索")):
        labels = {tag["aria-label"] for tag in page(mini, f"{lang}/").select("[aria-label]")}
        assert search in labels, lang


def test_a_language_whose_process_dies_is_reported_and_the_next_ones_are_still_built(mini: Path, monkeypatch) -> None:
    import os

    from webinars.assemble.tree import Sources

    write = Sources.write

    def dies_on_arabic(sources: Sources, lang: str):  # runs in the language's own process
        if lang == "ar":
            os._exit(3)
        return write(sources, lang)

    monkeypatch.setattr(Sources, "write", dies_on_arabic)
    with pytest.raises(InvalidInput) as failure:
        build_site(mini, jobs=1)  # one process for en, ar and zh in turn: zh gets a new one
    messages = [str(problem) for problem in failure.value.problems]
    assert len(messages) == 1 and "the build process of ar stopped (exit code 3)" in messages[0], messages
    assert (mini / "_build/work/zh/html/index.html").is_file()
    assert not (mini / "_build/site").exists()
