"""The site under a strict Content-Security-Policy (no inline script), and a search page that
shows page titles and excerpts as text."""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.parse
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from conftest import REPO, copy_fixture, serve

# 'wasm-unsafe-eval': the search (Pagefind) runs WebAssembly, compiled from a file of the site.
CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'"
SLUG = "2024-01-10-tto-basics"
SHOTS = REPO / "_build" / "screenshots"
HOSTILE = "<img src=x onerror=alert(1)>Hostile"

# A <script> with one of these types (or none) runs; any other type is a data block.
_RUNNABLE_TYPES = {"", "module", "importmap", "speculationrules", "text/javascript", "application/javascript",
                   "application/ecmascript", "text/ecmascript", "text/jscript", "text/livescript"}


# --- what the built files hold (fast) ---

def _inline_script_problems(html: str) -> list[str]:
    """Inline scripts, event-handler attributes and javascript: URLs of a page."""
    soup = BeautifulSoup(html, "html.parser")
    problems = [f"inline script: {script.get_text()[:80]!r}" for script in soup.find_all("script")
                if not script.get("src") and script.get("type", "").strip().lower() in _RUNNABLE_TYPES]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"<{tag.name} {name}=...>")
            elif name.lower() in ("href", "src", "action", "formaction") and \
                    str(value).strip().lower().startswith("javascript:"):
                problems.append(f"<{tag.name} {name}={value!r}>")
    return problems


@pytest.mark.build
def test_no_built_page_has_inline_script(built_mini: Path) -> None:
    site = built_mini / "_build" / "site"
    pages = sorted(site.rglob("*.html"))
    assert site / "index.html" in pages and site / "en" / "search" / "index.html" in pages
    problems = {str(page.relative_to(site)): found for page in pages
                if (found := _inline_script_problems(page.read_text(encoding="utf-8")))}
    assert not problems, problems


def test_inline_script_check_finds_what_it_looks_for() -> None:
    found = _inline_script_problems("""<script>alert(1)</script><script type="module">1</script>
        <script type="application/ld+json">{}</script><script src="a.js"></script>
        <button onclick="go()">x</button><a href="javascript:go()">y</a>""")
    assert len(found) == 4, found


# --- in Chromium, served with the policy ---

class _StrictHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


def _serve_strictly(directory: Path):
    handler = functools.partial(_StrictHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def strict(built_mini: Path):
    """Base URL of the built fixture site, served with the strict policy."""
    server = _serve_strictly(built_mini / "_build" / "site")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# Reports every violation of the policy to Python. Playwright adds it through the browser's
# debugging protocol, which the policy does not govern.
_REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) =>
    window.wbReportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                             + ` in ${event.sourceFile}:${event.lineNumber}`));"""


class Watched:
    """A browser context whose pages report policy violations, console errors about the
    policy, uncaught errors and dialogs into `problems`."""

    def __init__(self, browser, **options) -> None:
        self.problems: list[str] = []
        self.context = browser.new_context(**options)
        self.context.expose_function("wbReportViolation", lambda text: self.problems.append(f"violation: {text}"))
        self.context.add_init_script(_REPORT_VIOLATIONS)

    def page(self, url: str | None = None, width: int = 1280):
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.on("console", lambda message: self.problems.append(f"console: {message.text}")
                if "Content Security Policy" in message.text else None)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("dialog", self._dialog)
        if url is not None:
            page.goto(url)
        return page

    def _dialog(self, dialog) -> None:
        self.problems.append(f"dialog: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def settle(self, page) -> list[str]:
        """The problems so far, once the page's scripts have run."""
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)  # a violation is reported asynchronously
        return self.problems


@pytest.fixture
def watched(browser):
    contexts = []

    def make(**options) -> Watched:
        contexts.append(Watched(browser, **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.context.close()


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("locale, lang", [("ar-EG", "ar"), ("de-DE", "en")])
def test_root_page_forwards_under_the_policy(watched, strict, locale: str, lang: str) -> None:
    session = watched(locale=locale)
    page = session.page(f"{strict}/")
    page.wait_for_url(f"{strict}/{lang}/")
    assert not session.settle(page)


@pytest.mark.build
@pytest.mark.browser
def test_follow_up_answers_open_and_close_under_the_policy(watched, strict) -> None:
    session = watched()
    page = session.page(f"{strict}/en/webinars/{SLUG}/")
    summary = page.locator("details.wb-answer summary").first
    answer = page.get_by_text("Start with an IP policy and one licensing officer.")
    assert not answer.is_visible()
    summary.click()
    answer.wait_for(state="visible")
    summary.click()
    answer.wait_for(state="hidden")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "csp-webinar.png"), full_page=True)
    assert not session.settle(page)


@pytest.mark.build
@pytest.mark.browser
def test_topic_list_filters_work_under_the_policy(watched, strict) -> None:
    session = watched()
    page = session.page(f"{strict}/en/topic-list/")
    assert page.locator("form[data-wb-filters]").is_visible()  # shown by topic-list.js
    rows = page.locator("table[data-wb-filterable] tbody tr")
    assert rows.count() == 4
    shown = page.locator("table[data-wb-filterable] tbody tr:not([hidden])")
    page.select_option("#wb-filter-regions", "global")
    expect(shown).to_have_count(1)  # (page.wait_for_function evaluates a string: the policy refuses it)
    assert page.locator("[data-wb-status]").inner_text() == "1 of 4 rows shown"
    page.locator(".wb-reset").click()
    expect(shown).to_have_count(4)
    assert not session.settle(page)


@pytest.mark.build
@pytest.mark.browser
def test_language_switcher_works_under_the_policy(watched, strict) -> None:
    session = watched()
    page = session.page(f"{strict}/en/webinars/{SLUG}/")
    page.locator("details.wb-languages summary").click()
    page.locator('.wb-languages-menu a[lang="ar"]').click()
    page.wait_for_url(f"**/ar/webinars/{SLUG}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert not session.settle(page)


@pytest.mark.build
@pytest.mark.browser
def test_theme_settings_still_apply_under_the_policy(watched, strict) -> None:
    """What the theme wrote inline (colour mode, page name) is set by theme-settings.js."""
    session = watched(color_scheme="dark")
    page = session.page(f"{strict}/en/webinars/{SLUG}/")
    page.evaluate("localStorage.setItem('mode', 'dark')")
    page.reload()
    assert page.locator("html").get_attribute("data-mode") == "dark"
    assert page.evaluate("DOCUMENTATION_OPTIONS.pagename") == f"webinars/{SLUG}/index"
    assert page.evaluate("DOCUMENTATION_OPTIONS.search_as_you_type") is False
    assert not session.settle(page)


@pytest.mark.build
@pytest.mark.browser
def test_sphinx_translations_load_under_the_policy(watched, strict) -> None:
    """Sphinx's translations.js, read without `new Function` (translations-without-eval.js)."""
    session = watched()
    page = session.page(f"{strict}/ar/")
    assert page.evaluate("Documentation.LOCALE") == "ar"
    assert page.evaluate("Documentation.gettext('search')") == "بحث"
    assert page.evaluate("[0, 1, 2, 3, 11, 100].map(Documentation.PLURAL_EXPR)") == [0, 1, 2, 3, 4, 5]
    page.goto(f"{strict}/zh/")
    assert page.evaluate("[1, 2].map(Documentation.PLURAL_EXPR)") == [0, 0]
    assert not session.settle(page)


@pytest.mark.build
@pytest.mark.browser
def test_search_finds_a_page_under_the_policy(watched, strict) -> None:
    session = watched()
    page = session.page(f"{strict}/en/search/?q=policies")
    results = page.locator(".wb-search-results li a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("2024-03-05-tto-policies" in href for href in hrefs), hrefs
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "csp-search.png"), full_page=True)
    results.first.click()
    page.wait_for_load_state("load")
    assert not page.locator("a[href^='javascript:']").count()
    assert not session.settle(page)


@pytest.mark.build
@pytest.mark.browser
def test_every_page_loads_without_violations(watched, strict, built_mini: Path) -> None:
    site = built_mini / "_build" / "site"
    session = watched()
    page = session.page()
    for path in sorted(site.glob("*/**/index.html")):
        url = path.parent.relative_to(site).as_posix()
        if url.split("/")[0] in ("media", "data"):
            continue
        page.goto(f"{strict}/{url}/")
    assert not session.settle(page)


# --- a hostile page title on the search page ---

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The fixture site with a webinar titled with markup that runs script if taken as HTML,
    served without the policy: the search page itself must show it as text."""
    from webinars.pipeline import build_site

    root = copy_fixture("mini", tmp_path_factory.mktemp("hostile"))
    page = root / "content" / "webinars" / "2024-03-05-tto-policies" / "index.md"
    text = page.read_text(encoding="utf-8")
    assert "title: IP policies for universities\n" in text
    page.write_text(text.replace("title: IP policies for universities\n", f'title: "{HOSTILE}"\n'),
                    encoding="utf-8")
    build_site(root)
    server = serve(root / "_build" / "site")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.build
@pytest.mark.browser
# The title is the index's text of the page's heading: it must reach the page as text.
@pytest.mark.parametrize("query", ["Hostile", "onerror"])
def test_search_shows_a_hostile_title_as_text(watched, hostile_site, query: str) -> None:
    session = watched()
    page = session.page()
    page.goto(f"{hostile_site}/en/search/?{urllib.parse.urlencode({'q': query})}")
    results = page.locator(".wb-search-results li a")
    results.first.wait_for(timeout=15000)
    texts = [results.nth(i).inner_text() for i in range(results.count())]
    assert HOSTILE in texts, texts
    excerpts = page.locator(".wb-search-results li > p:not(.wb-meta)")
    assert any("onerror" in excerpts.nth(i).inner_text() for i in range(excerpts.count())) or query != "onerror"
    assert not page.locator(".wb-search-results img, .wb-search-results script").count()
    assert not session.settle(page)
