"""The hostile-input corpus (tests/hostile/): content written as an attacker, or a careless
copy-paste, would write it. Each case is rejected with its `path:line: field`, or built
inert: nothing runs on the build machine, no file of the machine and no survey comment is
published, no script from content reaches a page.

A case is a folder: `case.yml` says what is tried and what must happen; its other files
are a webinar's folder (`place: webinar`, the default), a topic's (`place: topic`) or a
hand-written page (`place: page`, the file `page.md`). The text `MARKER` in any file
is replaced by a path that must never be created.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import copy_fixture
from webinars.pipeline import build_site, check
from webinars.problems import InvalidInput

CORPUS = Path(__file__).parent / "hostile"
CASES = sorted(path.name for path in CORPUS.iterdir() if (path / "case.yml").is_file())
# Written in every case's feedback.csv and in the fixture's: must never be published.
SECRET = "PRIVATE-SURVEY-COMMENT"


def read_case(name: str) -> dict:
    return yaml.safe_load((CORPUS / name / "case.yml").read_text(encoding="utf-8"))


def webinar_slug(name: str) -> str:
    return f"2024-05-01-{name}"


def place_case(name: str, root: Path, marker: Path) -> str:
    """Put case `name` into the site at `root`; returns the folder it went to, relative to root."""
    case = read_case(name)
    place = case.get("place", "webinar")
    folder = {"webinar": f"content/webinars/{webinar_slug(name)}", "topic": f"content/topics/hostile-{name}",
              "page": "pages"}[place]
    target = root / folder
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted((CORPUS / name).iterdir()):
        if source.name == "case.yml":
            continue
        text = source.read_bytes().replace(b"MARKER", str(marker).encode())
        destination = target / (f"hostile-{name}.md" if source.name == "page.md" else source.name)
        destination.write_bytes(text)
    for link, points_to in (case.get("links") or {}).items():
        os.symlink(points_to, target / link)
    padding = case.get("pad_body")
    if padding:
        with (target / "index.md").open("a", encoding="utf-8") as handle:
            handle.write(("Filler text for a very long page. " * 30 + "\n\n") * (padding // 1000 + 1))
    return folder


def expected(name: str, folder: str) -> set[tuple[str, int | None, str]]:
    found = set()
    for item in read_case(name).get("problems") or ():
        match = re.match(r"^([^:]+):(\d*):\s*(.*)$", item)
        assert match, f"{name}: write an expected problem as 'file:line: field', not {item!r}"
        file, line, field = match.groups()
        file = f"hostile-{name}.md" if file == "page.md" else file
        found.add((f"{folder}/{file}", int(line) if line else None, field.strip()))
    return found


def test_the_corpus_is_large_and_every_case_says_what_must_happen() -> None:
    assert len(CASES) >= 40
    for name in CASES:
        case = read_case(name)
        assert case.get("about"), name
        assert case.get("outcome") in ("rejected", "built"), name
        assert (case["outcome"] == "rejected") == bool(case.get("problems")), name


@pytest.mark.parametrize("name", [name for name in CASES if read_case(name)["outcome"] == "rejected"])
def test_a_hostile_case_is_rejected_with_its_line_and_field(name: str, tmp_path: Path) -> None:
    root = copy_fixture("mini", tmp_path)
    marker = tmp_path / "marker"
    folder = place_case(name, root, marker)
    with pytest.raises(InvalidInput) as failure:
        check(root)
    found = {(p.path, p.line, p.field) for p in failure.value.problems}
    assert expected(name, folder) <= found, "\n".join(map(str, failure.value.problems))
    for problem in failure.value.problems:
        assert problem.path.startswith(folder), f"{problem} is not about the case's own files"
        assert "Traceback" not in problem.message
    assert not marker.exists()


def built_cases() -> list[str]:
    return [name for name in CASES if read_case(name)["outcome"] == "built"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """The fixture site with every case that must build inert, built once."""
    root = copy_fixture("mini", tmp_path_factory.mktemp("hostile"))
    marker = root.parent / "marker"
    folders = {name: place_case(name, root, marker) for name in built_cases()}
    build_site(root)
    return root, marker, folders


def built_pages(root: Path) -> list[Path]:
    return sorted((root / "_build" / "site").resolve().rglob("*.html"))


@pytest.mark.build
def test_hostile_cases_that_build_are_inert(hostile_site) -> None:
    root, marker, folders = hostile_site
    assert not marker.exists(), "content ran a command on the build machine"
    site = (root / "_build" / "site").resolve()
    everything = b"".join(path.read_bytes() for path in site.rglob("*") if path.is_file())
    assert SECRET.encode() not in everything, "a survey comment was published"
    assert b"root:x:0:0" not in everything, "a file of the build machine was published"
    for path in built_pages(root):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":  # data, never run: content's text stays in it
                assert json.loads(script.get_text())["@type"] == "Event", f"{path}: broken schema.org data"
                continue
            assert "alert(" not in script.get_text(), f"{path}: a script from content"
        for element in soup.find_all(True):
            handlers = [name for name in element.attrs if name.lower().startswith("on")]
            assert not handlers, f"{path}: {element.name} has {handlers}"
            for name in ("href", "src", "action", "formaction"):
                value = str(element.get(name, "")).strip().lower()
                assert not value.startswith(("javascript:", "data:text", "vbscript:")), f"{path}: {name}={value}"
    for name, folder in folders.items():
        inert = read_case(name).get("inert") or []
        if not inert or not folder.startswith("content/webinars/"):
            continue
        page = site / "en" / "webinars" / webinar_slug(name) / "index.html"
        text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text()
        for shown in inert:
            assert shown in text, f"{name}: {shown!r} is not shown as text on its page"


@pytest.mark.build
def test_hostile_cases_leave_every_feed_and_calendar_well_formed(hostile_site) -> None:
    """Every case's title and summary reach the feeds, calendars and staff announcements too:
    each still parses as what it is, with no markup of the content's in a feed's HTML."""
    import feedparser
    from icalendar import Calendar

    root, _marker, folders = hostile_site
    site = (root / "_build" / "site").resolve()
    webinars = sum(1 for folder in folders.values() if folder.startswith("content/webinars/"))
    for feed in sorted(site.glob("feeds/*.xml")):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        for entry in parsed.entries:
            html = BeautifulSoup(entry.content[0].value, "html.parser")
            assert not html.find(["script", "img", "iframe", "style", "object"]), (feed, entry.link)
            assert not any(a["href"].lower().startswith(("javascript:", "data:")) for a in html.find_all("a", href=True))
    for calendar in sorted(site.glob("calendar/*.ics")):
        parsed = Calendar.from_ical(calendar.read_bytes())
        assert parsed.walk("VEVENT"), calendar
    assert len(Calendar.from_ical((site / "calendar/en.ics").read_bytes()).walk("VEVENT")) >= webinars
    for page in sorted(site.glob("staff/*.html")):
        assert not BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(["script", "img", "iframe"]), page


@pytest.mark.build
def test_the_build_rejects_what_the_check_rejects_and_publishes_nothing(tmp_path: Path) -> None:
    root = copy_fixture("mini", tmp_path)
    marker = tmp_path / "marker"
    names = [name for name in CASES if read_case(name)["outcome"] == "rejected"]
    wanted = set()
    for name in names:
        wanted |= expected(name, place_case(name, root, marker))
    with pytest.raises(InvalidInput) as failure:
        build_site(root)
    found = {(p.path, p.line, p.field) for p in failure.value.problems}
    assert wanted <= found  # every problem of every case, reported together
    assert not (root / "_build" / "site").exists() and not marker.exists()


DEFENCE = {
    "raw.md": "```{raw} html\n<script>alert(1)</script>\n```\n",
    "include.md": "```{include} /etc/passwd\n```\n",
    "literal.md": "```{literalinclude} /etc/passwd\n```\n",
    "eval.md": "```{eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n\n.. include:: /etc/passwd\n```\n",
    "html.md": "<img src=x onerror=alert(1)>\n\n<script>alert(1)</script>\n",
    "image.md": "![passwd](../../../../../../../../etc/passwd)\n",
    "download.md": "{download}`passwd <../../../../../../../../etc/passwd>`\n",
    "forged.md": "```{wb-html}\n:signature: 0123\n<script>alert(1)</script>\n```\n",
}


@pytest.mark.build
def test_with_the_policy_switched_off_the_build_still_refuses(tmp_path: Path, monkeypatch) -> None:
    """The second line of defence: the build's own checks (docutils settings, signed HTML,
    the documents' images, downloads and links) hold even if the loader let something through."""
    from webinars.content import policy

    monkeypatch.setattr(policy, "check_body", lambda *args, **kwargs: None)
    root = copy_fixture("mini", tmp_path)
    base = (root / "content/webinars/2024-03-05-tto-policies/index.md").read_text(encoding="utf-8")
    for name, body in DEFENCE.items():
        folder = root / "content/webinars" / f"2024-03-05-{name[:-3]}"
        folder.mkdir()
        (folder / "index.md").write_text(base + "\n" + body, encoding="utf-8")
    with pytest.raises(InvalidInput) as failure:
        build_site(root)
    reported = "\n".join(map(str, failure.value.problems))
    for name in DEFENCE:
        assert f"-{name[:-3]}/index.md" in reported, f"{name} was not refused by the build:\n{reported}"
    assert not (root / "_build" / "site").exists()
    html = b"".join(path.read_bytes() for path in (root / "_build" / "work").rglob("*.html"))
    assert b"root:x:0:0" not in html and b"alert(1)" not in html
    assert not any((root / "_build" / "work").rglob("passwd"))


@pytest.mark.build
@pytest.mark.browser
def test_no_page_of_the_hostile_cases_runs_a_script_in_chromium(hostile_site, browser) -> None:
    """The pages of the cases that build, opened with their answers unfolded, and the search
    page with their titles as the query: no dialog opens, no page error is thrown."""
    from conftest import serve

    root, _marker, folders = hostile_site
    server = serve((root / "_build" / "site").resolve())
    base = f"http://127.0.0.1:{server.server_address[1]}"
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        urls = [f"/{lang}/webinars/{webinar_slug(name)}/" for name, folder in folders.items()
                if folder.startswith("content/webinars/") for lang in ("en", "ar")]
        urls += ["/en/", "/en/webinars/", "/zh/webinars/", "/en/topic-list/", "/ar/series/"]
        for url in urls:
            page.goto(base + url)
            for summary in page.locator("details > summary").all():
                summary.click()
        # The search page shows titles and excerpts of the index: the titles themselves are
        # queries too, and every search ends with a count (or "no page matches").
        for query in ("Hostile", "onerror", "Division", "<img src=x onerror=alert(1)>Hostile title",
                      "<script>alert(1)</script>Ann"):
            page.goto(f"{base}/en/search/?q={quote(query)}")
            page.wait_for_function("() => /^(Results: |No page)/.test("
                                   "document.querySelector('.wb-search-status').textContent)", timeout=15000)
            assert not page.locator(".wb-search-results :is(img, script, iframe)").count(), query
        assert page.locator(".wb-search-results").count() == 1
    finally:
        page.close()
        server.shutdown()
    assert not dialogs, f"content ran a script in the browser: {dialogs}"
