"""axe-core (WCAG 2.1 AA and best practice) on every page template of the sample site, in
its six languages, light and dark, on a desktop and a phone.

`make test` runs every template in both colour schemes, at both widths, with the six
languages spread over them (22 pages). The whole matrix (every template x 6 languages x
light and dark x 1280 and 375 px, 264 pages, about 10 minutes) is `make audit`.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh"]
# One page of each template in the sample content. The fallback page is a webinar with no
# translation in the page's language: the English original shown in another language (in
# English, a webinar written in Spanish).
TEMPLATES = {
    "home": "{lang}/",
    "webinar held": "{lang}/webinars/2024-05-21-licensing-negotiation/",
    "webinar planned": "{lang}/webinars/2027-02-16-climate-licensing-models/",
    "webinar cancelled": "{lang}/webinars/2024-12-10-conference-regional-consultation/",
    "webinar fallback": "{lang}/webinars/2023-03-14-tto-first-steps/",
    "webinar list": "{lang}/webinars/",
    "topic": "{lang}/topics/ip-and-ai/",
    "topic list": "{lang}/topic-list/",
    "series": "{lang}/series/",
    "annual report": "{lang}/annual-report/",
    "annual report year": "{lang}/annual-report/2024/",
    "propose": "{lang}/propose/",
    "search": "{lang}/search/?q=licence",
}
FALLBACK_IN_ENGLISH = "en/webinars/2025-03-18-mujeres-emprendedoras/"
SCHEMES = ["light", "dark"]
WIDTHS = [1280, 375]
SHOTS = Path(__file__).parent.parent / "_build" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _url(template: str, lang: str) -> str:
    if template == "webinar fallback" and lang == "en":
        return FALLBACK_IN_ENGLISH
    return TEMPLATES[template].format(lang=lang)


def _spread() -> list[tuple[str, str, str, int]]:
    """Every template in both schemes, at both widths (one per scheme), the languages in turn."""
    cases = []
    for number, template in enumerate(TEMPLATES):
        for shift, scheme in enumerate(SCHEMES):
            lang = LANGUAGES[(2 * number + shift) % len(LANGUAGES)]
            cases.append((template, lang, scheme, WIDTHS[(number + shift) % 2]))
    return cases


def _every() -> list:
    return [pytest.param(*case, marks=pytest.mark.audit)
            for case in itertools.product(TEMPLATES, LANGUAGES, SCHEMES, WIDTHS)]


@pytest.fixture(scope="module")
def contexts(browser):
    opened: dict[tuple[str, int], object] = {}

    def context(scheme: str, width: int):
        if (scheme, width) not in opened:
            opened[scheme, width] = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
        return opened[scheme, width]

    yield context
    for context_ in opened.values():
        context_.close()


def _violations(context, address: str) -> list[tuple[str, str, str]]:
    import axe_playwright_python

    page = context.new_page()
    try:
        page.goto(address)
        page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    finally:
        page.close()
    found = [(v["id"], node["html"][:120], (node.get("any") or [{}])[0].get("message", "")[:160])
             for v in result["violations"] for node in v["nodes"][:3]]
    if wide:
        found.append(("wider than the window", "", ""))
    return found


@pytest.mark.parametrize("template, lang, scheme, width", _spread())
def test_every_template_passes_axe_in_both_colour_schemes(served_sample, contexts, template, lang, scheme,
                                                          width) -> None:
    problems = _violations(contexts(scheme, width), f"{served_sample}/{_url(template, lang)}")
    assert not problems, problems


@pytest.mark.parametrize("template, lang, scheme, width", _every())
def test_every_template_in_every_language_scheme_and_width_passes_axe(served_sample, contexts, template, lang,
                                                                     scheme, width) -> None:
    problems = _violations(contexts(scheme, width), f"{served_sample}/{_url(template, lang)}")
    assert not problems, problems


# Where the site writes facts (names, affiliations, organisers, proposers, titles of other
# pages, file types) into its own text; the authors' prose is theirs.
FACTS = ".wb-facts, .wb-list, .wb-slides, .wb-series, .wb-recordings, table[data-wb-filterable], .wb-counts, .wb-chart"
# A transcript's cues are what was said, as the captions have it: text like a page's body.
NOT_FACTS = ".wb-cues"
# For each text of the other script inside FACTS: the nearest element that isolates it
# from the text around it (a <bdi>, or an element with `dir`), and that element's direction.
_ISOLATION = """([selector, script, direction, skipped]) => {
    const other = new RegExp(script, 'u');
    const isolates = e => ['isolate', 'isolate-override', 'plaintext'].includes(getComputedStyle(e).unicodeBidi);
    const bad = [];
    for (const container of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!other.test(node.textContent) || node.parentElement.closest(skipped)) continue;
            let element = node.parentElement;
            while (element !== container && !isolates(element)) element = element.parentElement;
            if (element === container || getComputedStyle(element).direction !== direction) {
                bad.push(node.textContent.trim().slice(0, 80));
            }
        }
    }
    return bad;
}"""


def _pages(site: Path, lang: str) -> list[str]:
    found = [f"{lang}/", f"{lang}/webinars/", f"{lang}/topic-list/", f"{lang}/series/"]
    for kind in ("webinars", "topics"):
        found += sorted(f"{lang}/{kind}/{page.parent.name}/" for page in (site / lang / kind).glob("*/index.html"))
    return found


@pytest.mark.parametrize("lang, script, direction", [("ar", "[A-Za-z]", "ltr"), ("en", "[\\u0600-\\u06ff]", "rtl")])
def test_text_of_the_other_direction_is_isolated_in_every_fact(browser, served_sample, built_sample, lang, script,
                                                               direction) -> None:
    """A Latin name in Arabic keeps its comma on the right side, and a list of Latin names its
    order; an Arabic name in English the same: each sits in an isolating element of its own
    direction, not in the page's text."""
    page = browser.new_page()
    problems = {}
    try:
        for url in _pages(built_sample / "_build/site", lang):
            page.goto(f"{served_sample}/{url}")
            found = page.evaluate(_ISOLATION, [FACTS, script, direction, NOT_FACTS])
            if found:
                problems[url] = found
        if lang == "ar":
            page.goto(f"{served_sample}/ar/webinars/2025-04-29-green-technology-transfer/")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.locator(".wb-facts").screenshot(path=str(SHOTS / "ar-webinar-facts.png"))
    finally:
        page.close()
    assert not problems, problems
