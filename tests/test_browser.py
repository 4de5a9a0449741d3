"""What only a browser shows: the built fixture site opened in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import offline_context

pytestmark = pytest.mark.browser

SLUG = "2024-01-10-tto-basics"
SHOTS = Path(__file__).parent.parent / "_build" / "screenshots"


@pytest.fixture
def open_page(browser, served):
    pages = []

    def opener(url: str, width: int = 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        pages.append(page)
        page.goto(f"{served}/{url}")
        return page

    yield opener
    for page in pages:
        page.close()


def test_english_page_switches_to_arabic_and_back(open_page) -> None:
    page = open_page(f"en/webinars/{SLUG}/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.locator("details.wb-languages summary").click()
    page.locator('.wb-languages-menu a[lang="ar"]').click()
    page.wait_for_url(f"**/ar/webinars/{SLUG}/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text().startswith("مكاتب نقل التكنولوجيا")
    page.locator("details.wb-languages summary").click()
    page.locator('.wb-languages-menu a[lang="en"]').click()
    page.wait_for_url(f"**/en/webinars/{SLUG}/")


def test_arabic_layout_is_mirrored(open_page) -> None:
    page = open_page(f"ar/webinars/{SLUG}/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ar-webinar.png"), full_page=True)
    sidebar = page.locator(".bd-sidebar-primary").bounding_box()
    article = page.locator("article.bd-article").bounding_box()
    assert sidebar["x"] > article["x"], "the navigation sidebar should be on the right"
    heading = page.locator("h1")
    assert heading.evaluate("e => getComputedStyle(e).direction") == "rtl"
    box = heading.bounding_box()
    assert box["x"] + box["width"] > article["x"] + article["width"] * 0.6, "the title should start on the right"


def test_chinese_page_falls_back_to_english_and_offers_the_originals(open_page) -> None:
    page = open_page(f"zh/webinars/{SLUG}/", width=375)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "zh-webinar-375.png"), full_page=True)
    notice = page.locator(".wb-fallback")
    assert notice.get_attribute("lang") == "zh"
    assert "英语" in notice.inner_text()
    assert page.locator("h1").evaluate("e => e.closest('[lang]').lang") == "en"
    notice.locator('a[hreflang="en"]').click()
    page.wait_for_url(f"**/en/webinars/{SLUG}/")


@pytest.mark.parametrize("url", ["en/", f"ar/webinars/{SLUG}/", f"zh/webinars/{SLUG}/", "en/topics/tech-transfer/",
                                 "ar/topic-list/", "zh/series/", "ar/annual-report/", "ar/annual-report/2024/"])
def test_nothing_is_wider_than_a_phone(open_page, url: str) -> None:
    page = open_page(url, width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("lang", ["ar", "en", "zh"])
def test_the_language_menu_opens_inside_a_phones_screen(open_page, lang: str) -> None:
    page = open_page(f"{lang}/webinars/{SLUG}/", width=375)
    page.locator(".wb-languages summary").click()
    menu = page.locator(".wb-languages-menu").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= 375, menu
    if lang == "ar":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "ar-language-menu-375.png"))


def test_follow_up_answers_open_with_the_keyboard(open_page) -> None:
    page = open_page(f"en/webinars/{SLUG}/")
    summary = page.locator("details.wb-answer summary").first
    answer = page.get_by_text("Start with an IP policy and one licensing officer.")
    assert not answer.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    answer.wait_for(state="visible")


def test_root_page_sends_the_browser_to_its_language(browser, served) -> None:
    context = browser.new_context(locale="ar-EG")
    page = context.new_page()
    page.goto(f"{served}/")
    page.wait_for_url("**/ar/")
    context.close()
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served}/")
    assert page.locator('nav a[hreflang="zh"]').inner_text() == "中文"
    context.close()
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(f"{served}/")
    page.wait_for_url("**/en/")
    context.close()


@pytest.mark.parametrize("url", ["en/", f"en/webinars/{SLUG}/", f"ar/webinars/{SLUG}/", f"zh/webinars/{SLUG}/",
                                 "ar/topics/tech-transfer/", "zh/webinars/", "en/topics/", ""])
def test_pages_pass_axe_accessibility_checks(open_page, url: str) -> None:
    import axe_playwright_python

    page = open_page(url)
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    result = page.evaluate("""axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    problems = [(v["id"], v["nodes"][0]["html"][:120]) for v in result["violations"]]
    assert not problems, problems


def test_the_recording_loads_nothing_from_the_video_host_until_the_visitor_asks(browser, served) -> None:
    asked: list[str] = []
    context = offline_context(browser, served, asked)
    page = context.new_page()
    page.goto(f"{served}/en/webinars/{SLUG}/")
    page.wait_for_load_state("networkidle")
    assert asked == [], asked
    facade = page.locator("a.wb-facade")
    assert "Play the recording" in facade.inner_text() and "YouTube" in facade.inner_text()
    facade.focus()
    page.keyboard.press("Enter")
    frame = page.locator(".wb-player iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/Xk3pQ9aB1cD?autoplay=1"
    assert frame.get_attribute("title")
    page.wait_for_timeout(200)
    assert asked and all("youtube-nocookie.com" in url for url in asked), asked
    context.close()


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_readers_colour_scheme_applies_before_the_page_is_drawn(browser, served, scheme: str) -> None:
    """The theme's own script resolves "auto" only once the page is parsed: the page showed
    light first, then faded to dark (axe once measured a button mid-fade)."""
    context = browser.new_context(color_scheme=scheme)
    context.add_init_script("""document.addEventListener("readystatechange", () => {
        if (document.readyState === "interactive") window.themeWhenParsed = document.documentElement.dataset.theme;
    });""")
    page = context.new_page()
    page.goto(f"{served}/ar/webinars/{SLUG}/")
    assert page.evaluate("window.themeWhenParsed") == scheme  # before the deferred scripts ran
    assert page.locator("html").get_attribute("data-theme") == scheme
    context.close()


def test_keyboard_focus_is_visible(open_page) -> None:
    page = open_page(f"en/webinars/{SLUG}/")
    link = page.locator(".wb-facts a").first
    link.focus()
    outline = link.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.split()[0] != "none" and outline.split()[1] != "0px", outline


@pytest.mark.parametrize("lang, query, expected", [
    ("zh", "许可", "2024-05-21-licensing-negotiation"),
    ("zh", "许可费率", "2024-05-21-licensing-negotiation"),  # unspaced: Pagefind splits the query too
    ("zh", "procurement", "2023-10-17-tto-valorisation"),  # English shown where Chinese is missing
    ("ar", "التفاوض", "2024-05-21-licensing-negotiation"),
    ("ru", "лицензии", "2024-05-21-licensing-negotiation"),
    # Words said, found in the transcripts (the captions), in the reader's language and another.
    ("en", "microphones", "2024-05-21-licensing-negotiation"),
    ("ar", "الميكروفونات", "2024-05-21-licensing-negotiation"),
    ("zh", "麦克风", "2024-05-21-licensing-negotiation"),
])
def test_search_finds_pages_in_the_pages_language(browser, served_sample, lang: str, query: str, expected: str) -> None:
    page = browser.new_page()
    page.goto(f"{served_sample}/{lang}/search/?q={query}")
    results = page.locator(".wb-search-results li a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    page.close()
    assert any(f"/{lang}/webinars/{expected}/" in href for href in hrefs), hrefs


def test_search_filters_narrow_the_results_and_stay_in_the_address(browser, served_sample) -> None:
    """A delegate's search: words, then a filter; the address keeps both, and opening it
    again gives the same results, in the page's language (the filters' values are Arabic)."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{served_sample}/en/search/?q=licence")
    results = page.locator(".wb-search-results li")
    results.first.wait_for(timeout=15000)
    everything = results.count()
    page.select_option("#wb-search-status", "Planned")
    page.wait_for_url("**/en/search/?q=licence&status=Planned")
    expect(results.first).to_contain_text("Planned")
    planned = results.count()
    assert 0 < planned < everything
    assert all("Planned" in results.nth(i).locator(".wb-meta").inner_text() for i in range(planned))
    page.goto(f"{served_sample}/en/search/?q=licence&status=Planned")
    results.first.wait_for(timeout=15000)
    assert page.locator("#wb-search-q").input_value() == "licence" and results.count() == planned
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{served_sample}/ar/search/?year=2024")
    results.first.wait_for(timeout=15000)
    statuses = page.locator("#wb-search-status option")
    assert "عُقدت" in " ".join(statuses.nth(i).inner_text() for i in range(statuses.count()))
    assert all("2024" in results.nth(i).locator(".wb-meta").inner_text() for i in range(results.count()))
    page.close()


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_search_page_loads_the_index_only_for_a_search_and_its_filters_are_the_indexs(
        browser, served_sample, lang: str) -> None:
    """The filters are written with the page (the index is 100 KB that a visitor who only
    looks at the page does not need); they offer exactly the values and counts the index has."""
    page = browser.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{served_sample}/{lang}/search/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in asked if "/pagefind/" in url], asked
    expect(page.locator(".wb-search-filters")).to_be_visible()
    shown = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.wb-search-filter select')]
        .map((s) => [s.name, [...s.options].slice(1).map((o) => o.textContent)]))""")
    indexed = page.evaluate("""async () => {
        const root = document.querySelector('[data-wb-search]');
        const pagefind = await import(new URL(root.dataset.bundle, document.baseURI).href);
        await pagefind.options({ baseUrl: new URL(root.dataset.home, document.baseURI).pathname });
        return await pagefind.filters();
    }""")
    for name, values in shown.items():  # (counts below 1000: digits as they are in every language's format)
        assert sorted(values) == sorted(f"{value} ({count})" for value, count in indexed.get(name, {}).items()), name
    assert set(indexed) <= set(shown)
    page.locator("#wb-search-q").fill({"en": "licence", "ar": "التفاوض", "zh": "许可"}[lang])
    page.locator(".wb-search-results li").first.wait_for(timeout=15000)
    page.close()


def test_topic_list_filter_by_region_leaves_only_matching_rows(open_page) -> None:
    page = open_page("en/topic-list/")
    rows = page.locator("table[data-wb-filterable] tbody tr")
    assert rows.count() == 4
    page.select_option("#wb-filter-regions", "global")
    visible = [rows.nth(i) for i in range(rows.count()) if rows.nth(i).is_visible()]
    assert len(visible) == 1
    assert "global" in visible[0].get_attribute("data-regions").split()
    assert page.locator("[data-wb-status]").inner_text() == "1 of 4 rows shown"
    page.locator(".wb-reset").click()
    page.wait_for_function("document.querySelectorAll('table[data-wb-filterable] tbody tr:not([hidden])').length === 4")


def _topic_list_numbers(page) -> dict:
    return page.evaluate("""() => ({
        sections: Object.fromEntries([...document.querySelectorAll('[data-wb-section]')].map(s =>
            [s.dataset.wbSection, s.querySelector('[data-wb-section-count]').textContent])),
        none: [...document.querySelectorAll('[data-wb-none]')].filter(e => !e.hidden).length,
        years: Object.fromEntries([...document.querySelectorAll('td[data-wb-count][data-year]')].map(c =>
            [c.dataset.wbCount + ' ' + c.dataset.year, Number(c.textContent)])),
        regions: Object.fromEntries([...document.querySelectorAll('td[data-wb-count][data-region]')].map(c =>
            [c.dataset.wbCount + ' ' + c.dataset.region, Number(c.textContent)])),
        bars: Object.fromEntries([...document.querySelectorAll('.wb-chart-row')].map(r =>
            [r.querySelector('dt').textContent, Number(r.querySelector('.wb-bar-total').textContent)])),
    })""")


def test_topic_list_chart_totals_are_the_tables_and_follow_the_filters(open_page) -> None:
    page = open_page("en/topic-list/")
    numbers = _topic_list_numbers(page)
    assert numbers["sections"] == {"held": "2", "planned": "1", "proposed": "1"}
    assert numbers["bars"] == {"2024": 2, "2027": 1}
    for year, total in numbers["bars"].items():
        assert numbers["years"][f"held {year}"] + numbers["years"][f"planned {year}"] == total, year
    page.select_option("#wb-filter-regions", "global")
    numbers = _topic_list_numbers(page)
    assert numbers["sections"] == {"held": "0", "planned": "1", "proposed": "0"}
    assert numbers["none"] == 2  # held and proposals: "nothing matches", not bare headers
    assert page.locator("[data-wb-section='held'] table").is_hidden()
    assert numbers["bars"] == {"2024": 0, "2027": 1}
    assert numbers["years"] == {"held 2024": 0, "planned 2024": 0, "held 2027": 0, "planned 2027": 1}
    assert numbers["regions"]["planned global"] == 1 and numbers["regions"]["held africa"] == 0
    page.locator(".wb-reset").click()
    page.wait_for_function("document.querySelectorAll('[data-wb-none]:not([hidden])').length === 0")
    assert _topic_list_numbers(page)["bars"] == {"2024": 2, "2027": 1}


def test_a_filtered_topic_list_can_be_shared_by_its_address(open_page) -> None:
    page = open_page("ar/topic-list/")
    page.select_option("#wb-filter-regions", "africa")
    page.select_option("#wb-filter-year", "2024")
    address = page.url
    assert address.endswith("?regions=africa&year=2024"), address
    shared = open_page(address.split("/", 3)[3])  # what a colleague opens
    assert shared.locator("#wb-filter-regions").input_value() == "africa"
    assert shared.locator("#wb-filter-year").input_value() == "2024"
    assert shared.locator("table[data-wb-filterable] tbody tr:visible").count() == 2
    unknown = open_page("en/topic-list/?regions=atlantis")  # a value the list does not offer is ignored
    assert unknown.locator("#wb-filter-regions").input_value() == ""


def test_on_a_phone_each_row_of_the_topic_list_reads_as_a_card(open_page) -> None:
    page = open_page("en/topic-list/", width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    row = page.locator("[data-wb-section='held'] tbody tr").first
    cells = row.locator("td")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1, "cells should stack, not sit side by side"
    label = cells.nth(1).evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"Date"', label
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "en-topic-list-375.png"), full_page=True)


def test_topic_list_filters_work_with_the_keyboard(open_page) -> None:
    page = open_page("en/topic-list/")
    page.locator("#wb-filter-year").focus()
    page.keyboard.press("ArrowDown")  # the newest year
    page.wait_for_function("document.querySelectorAll('table[data-wb-filterable] tbody tr:not([hidden])').length < 4")


def test_topic_list_without_javascript_shows_everything(browser, served) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served}/en/topic-list/")
    assert not page.locator("form[data-wb-filters]").is_visible()
    assert page.locator("table[data-wb-filterable] tbody tr:visible").count() == 4
    context.close()


def test_arabic_topic_list_is_right_to_left(open_page) -> None:
    page = open_page("ar/topic-list/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ar-topic-list.png"), full_page=True)
    table = page.locator("table[data-wb-filterable]").first
    assert table.evaluate("e => getComputedStyle(e).direction") == "rtl"
    first = table.locator("thead th").first.bounding_box()
    last = table.locator("thead th").last.bounding_box()
    assert first["x"] > last["x"], "the first column should be on the right"
    bar = page.locator(".wb-chart-row").first
    year, bars = bar.locator("dt").bounding_box(), bar.locator(".wb-bar").bounding_box()
    assert year["x"] > bars["x"], "the chart's year labels should be on the right"


def test_download_links_return_the_files(open_page, served) -> None:
    import json
    import urllib.request

    page = open_page("ar/topic-list/")
    for selector, kind in (("a[type='text/csv']", "csv"), ("a[type='application/json']", "json")):
        href = page.locator(selector).get_attribute("href")
        assert href.endswith(f"data/topic-list.ar.{kind}"), href  # the reader's language's titles
        url = page.evaluate("h => new URL(h, location.href).href", href)
        with urllib.request.urlopen(url) as response:
            body = response.read().decode("utf-8")
        if kind == "csv":
            assert body.startswith("\ufeffsection,id,title,")  # a byte-order mark: Excel reads UTF-8
            assert "مكاتب نقل التكنولوجيا" in body and ",/ar/webinars/2024-01-10-tto-basics/" in body
        else:
            rows = json.loads(body)["rows"]
            assert len(rows) == 4 and {row["title_language"] for row in rows} == {"ar", "en"}


# The rules of the theme's stylesheet that scripts/theme_css.py left out, each selector apart,
# without the states a page is not in when loaded (hover, focus, ...) and pseudo-elements.
_LEFT_OUT = """(original) => {
  const split = (text) => {  // top-level commas only: not those inside :is(a, b)
    const parts = []; let depth = 0, start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "(") depth++; else if (c === ")") depth--;
      else if (c === "," && depth === 0) { parts.push(text.slice(start, i).trim()); start = i + 1; }
    }
    parts.push(text.slice(start).trim());
    return parts;
  };
  // Each selector with its rule's declarations and the at-rules around it: a selector that
  // several rules share is counted once per rule.
  const selectors = (rules, into, around = "") => {
    for (const rule of rules) {
      if (rule.selectorText) {
        split(rule.selectorText).forEach((s) => into.set(`${around}${s}{${rule.style.cssText}}`, s));
      } else if (rule.cssRules) {
        selectors(rule.cssRules, into, `${around}${rule.cssText.slice(0, rule.cssText.indexOf("{"))}{`);
      }
    }
    return into;
  };
  const sheet = [...document.styleSheets].find((s) => (s.href || "").includes("webinars-site.css"));
  const kept = selectors(sheet.cssRules, new Map());
  const style = document.createElement("style");
  style.media = "not all";  // parsed, never applied
  style.textContent = original;
  document.head.append(style);
  const all = selectors(style.sheet.cssRules, new Map());
  style.remove();
  return [...new Set([...all].filter(([key]) => !kept.has(key)).map(([, selector]) => selector))];
}"""
_MATCHING = r"""(selectors) => {
  const state = /::?(?:-[a-z]+-)?(?:hover|focus-visible|focus-within|focus|active|visited|checked|disabled|enabled|target|placeholder-shown|invalid|valid|indeterminate|read-only|autofill|popover-open|modal|before|after|first-line|first-letter|placeholder|selection|marker|backdrop|file-selector-button|-webkit-[a-z-]+|-moz-[a-z-]+)(?![\w-])(?:\([^)]*\))?/g;
  return selectors.filter((selector) => {
    const plain = selector.replace(state, "").trim();
    if (!plain || /[>+~]$/.test(plain)) return false;
    try { return document.querySelector(plain) !== null; } catch (error) { return false; }
  });
}"""


def test_no_rule_left_out_of_the_theme_stylesheet_matches_a_page(browser, built_mini, served, built_sample,
                                                                 served_sample) -> None:
    """scripts/theme_css.py keeps the theme's rules whose names occur in the sources that write
    pages; on every English page of the fixture site and of the sample, and every template
    of the sample in Arabic and Chinese (their pages differ from the English ones in
    direction and words, not in structure), no rule it left out would have styled an element."""
    import pydata_sphinx_theme

    original = (Path(pydata_sphinx_theme.__file__).parent
                / "theme/pydata_sphinx_theme/static/styles/pydata-sphinx-theme.css").read_text(encoding="utf-8")
    urls = [f"{base}/{path}" for root, base in ((built_mini, served), (built_sample, served_sample))
            for path in _pages(root / "_build" / "site", ("en",))]
    templates = ("", "webinars/", "webinars/2024-05-21-licensing-negotiation/", "webinars/2026-12-09-ai-generated-works/",
                 "topics/", "topics/technology-licensing/", "topic-list/", "series/", "annual-report/", "annual-report/2024/", "propose/",
                 "search/?q=licence")
    urls += [f"{served_sample}/{lang}/{path}" for lang in ("ar", "zh") for path in templates]
    assert len(urls) > 60
    page = browser.new_page()
    page.goto(urls[0])
    left_out = page.evaluate(_LEFT_OUT, original)
    assert len(left_out) > 1000, "the joined stylesheet should hold the theme's used rules only"
    matched: dict[str, str] = {}
    for url in urls:
        page.goto(url, wait_until="networkidle" if "?q=" in url else "load")  # the results shown too
        for selector in page.evaluate(_MATCHING, left_out):
            matched.setdefault(selector, url)
    page.close()
    assert not matched, f"rules left out that style these pages (run `make styles`?): {matched}"


def _pages(site: Path, languages: tuple[str, ...]) -> list[str]:
    return sorted(index.parent.relative_to(site).as_posix() + "/" for lang in languages
                  for index in (site / lang).rglob("index.html"))
