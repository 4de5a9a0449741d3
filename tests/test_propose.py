"""The request form of "How to propose a topic", in Chromium: the topics close to the words
typed, the request with every field the strategy asks for (§7), in English and Arabic, and
the YAML block for the Secretariat, which passes the check as a new topic."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from webinars.config import load_config
from webinars.content.load import load
from webinars.languages import Language
from webinars.messages import messages_for

LOCALES = Path(__file__).parent.parent / "book" / "locales"
FIELDS = ("Topic", "Objective", "Target audience", "Languages", "Regions", "Series or single webinar",
          "Regional group", "Member state or states requesting")

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang, title, expected", [
    ("en", "Licensing of green technologies", "/en/topics/ip-climate-technologies/"),
    ("ar", "التفاوض على التراخيص", "/ar/webinars/2024-05-21-licensing-negotiation/"),
])
def test_a_delegate_sees_what_exists_and_gets_a_complete_request(browser, served_sample, repository: Path,
                                                                  lang: str, title: str, expected: str) -> None:
    m = messages_for(Language(lang), LOCALES)
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.goto(f"{served_sample}/{lang}/propose/")
    assert page.locator("form.wb-request").is_visible()
    page.fill("#wb-r-title", title)
    page.fill("#wb-r-objective", "Officials negotiate licences")
    page.fill("#wb-r-audience", "IP office staff")
    page.check("input[name=languages][value=fr]")
    page.check("input[name=languages][value=ar]")
    page.check("input[name=regions][value=africa]")
    page.check("input[name=kind][value=series]")
    page.select_option("#wb-r-group", "african-group")
    page.fill("#wb-r-by", "KE, SN")
    page.locator(f".wb-similar-list a[href*='{expected}']").wait_for(timeout=15000)
    assert page.locator(".wb-similar").get_attribute("aria-live") == "polite"
    text = page.locator(".wb-request-text").input_value()
    for field in FIELDS:
        assert f"{m.gettext(field)}:\n" in text, field
    for value in (title, "Officials negotiate licences", "IP office staff", m.language_name("fr"), m.language_name("ar"),
                  m.region("africa"), m.gettext("A series of webinars, each building on the one before"),
                  m.gettext("African Group"), "KE, SN"):
        assert value in text, value
    mail = urlparse(page.locator("[data-wb-mail]").get_attribute("href"))
    query = parse_qs(mail.query)
    assert mail.scheme == "mailto" and query["body"] == [text] and title in query["subject"][0]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The Secretariat's block is a topic's index.md: pasted into a new folder, it passes the check.
    block = page.locator(".wb-request-yaml-text").text_content()
    facts = yaml.safe_load(block.split("---")[1])
    assert facts["route"] == "request" and facts["proposed_by"] == ["KE", "SN", "african-group"]
    assert facts["languages"] == ["fr", "ar"] and facts["regions"] == ["africa"] and facts["lang"] == lang
    page.close()
    folder = repository / "content/topics/requested"
    folder.mkdir()
    (folder / "index.md").write_text(block + "\nWhy it is asked for.\n", encoding="utf-8")
    topic = load(load_config(repository)).catalogue.topics["requested"]
    assert topic.facts.title == title and topic.facts.audience == "IP office staff"


def test_without_javascript_the_page_says_how_to_request(browser, served_sample) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served_sample}/en/propose/")
    assert not page.locator("form.wb-request").is_visible()
    assert "write to the coordinator of your regional group" in page.locator(".wb-propose-form noscript").inner_text()
    context.close()
