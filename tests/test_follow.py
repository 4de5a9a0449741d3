"""What a reader subscribes to: each language's Atom feed and calendars (webinars.finish.follow),
read as a feed reader and a calendar application read them (feedparser, icalendar)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from conftest import planned_webinar
from webinars.config import load_config
from webinars.content.load import load
from webinars.finish.follow import LATEST, subscriptions

BASE = "https://webinars.example.org/ip/"

PLANNED = planned_webinar(
    "Licensing in the Gulf</title><script>alert(1)</script>",
    "Royalty rates \\<script>alert(1)\\</script> and \\<img src=x onerror=alert(1)>, with [a link](javascript:alert(1))\n"
    "and a [real one](https://example.org/guide).\n\n- first point;\n- second point.")

CANCELLED = """---
title: "A cancelled session; END:VEVENT, BEGIN:VEVENT \\\\ SUMMARY:forged"
lang: en
date: 2025-05-06
status: cancelled
topic: tech-transfer
languages: [en]
regions: [global]
---
"""


FORGED = "A cancelled session; END:VEVENT, BEGIN:VEVENT \\ SUMMARY:forged"


def _site(mini: Path, base_url: str = BASE) -> dict[str, str]:
    for name, text in {"2027-02-03-gulf-licensing": PLANNED, "2025-05-06-cancelled": CANCELLED}.items():
        (mini / "content/webinars" / name).mkdir()
        (mini / "content/webinars" / name / "index.md").write_text(text, encoding="utf-8")
    if base_url:
        config = mini / "_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "\nwebinars:\n", f"\nwebinars:\n  base_url: {base_url}\n"), encoding="utf-8")
    config = load_config(mini)
    content = load(config)
    return subscriptions(config, content.catalogue, content.heading_names)


def _events(text: str) -> dict[str, object]:
    return {str(event["summary"]): event for event in Calendar.from_ical(text).walk("VEVENT")}


def test_each_language_has_a_feed_of_the_webinars_held_and_planned_newest_first(mini: Path) -> None:
    files = _site(mini)
    for lang in ("en", "ar", "zh"):
        feed = feedparser.parse(files[f"feeds/{lang}.xml"])
        assert not feed.bozo, (lang, feed.get("bozo_exception"))
        assert feed.feed.language == lang and feed.feed.title == {"en": "Mini webinars", "ar": "ندوات صغيرة",
                                                                   "zh": "小型研讨会"}[lang]
        assert feed.feed.link == f"{BASE}{lang}/"
        assert any(link.rel == "self" and link.href == f"{BASE}feeds/{lang}.xml" for link in feed.feed.links)
        links = [entry.link for entry in feed.entries]
        assert links == [f"{BASE}{lang}/webinars/{slug}/" for slug in (
            "2027-02-03-gulf-licensing", "2027-01-12-tto-advanced", "2024-03-05-tto-policies", "2024-01-10-tto-basics")]
        assert [entry.tags[0].term for entry in feed.entries] == ["planned", "planned", "held", "held"]
        assert len({entry.id for entry in feed.entries}) == 4 and all(e.id.startswith("urn:uuid:") for e in feed.entries)
    # A summary in the reader's language, else the original's, marked with its language.
    arabic = feedparser.parse(files["feeds/ar.xml"]).entries
    basics = next(entry for entry in arabic if entry.link.endswith("2024-01-10-tto-basics/"))
    assert basics.title_detail.language == "ar"  # translated
    policies = next(entry for entry in arabic if entry.link.endswith("2024-03-05-tto-policies/"))
    assert policies.title_detail.language == "en"
    english = feedparser.parse(files["feeds/en.xml"]).entries
    gulf = english[0]
    assert gulf.published_parsed[:5] == (2027, 2, 3, 12, 0)  # 16:00 at +04:00
    assert "Register for this webinar" in gulf.content[0].value


def test_a_feed_and_a_calendar_list_every_planned_webinar_and_the_latest_others(mini: Path) -> None:
    template = (mini / "content/webinars/2024-03-05-tto-policies/index.md").read_text(encoding="utf-8")
    for n in range(LATEST + 5):
        folder = mini / f"content/webinars/2020-01-{n % 28 + 1:02d}-held-{n}"
        folder.mkdir()
        (folder / "index.md").write_text(re.sub(r"date: .*", f"date: 2020-01-{n % 28 + 1:02d}", template)
                                         .replace("start:", "#"), encoding="utf-8")
    files = _site(mini)
    entries = feedparser.parse(files["feeds/en.xml"]).entries
    assert [entry.tags[0].term for entry in entries].count("planned") == 2
    assert [entry.tags[0].term for entry in entries].count("held") == LATEST
    assert "2024-03-05-tto-policies" in entries[2].link  # the latest held first
    # The calendar: every planned webinar, and the latest others, a cancelled one among them.
    calendar = Calendar.from_ical(files["calendar/en.ics"])
    assert len(calendar.walk("VEVENT")) == 2 + LATEST and FORGED in _events(files["calendar/en.ics"])


def test_hostile_titles_and_summaries_stay_text_in_feeds_and_calendars(mini: Path) -> None:
    files = _site(mini)
    feed = files["feeds/en.xml"]
    entry = feedparser.parse(feed).entries[0]
    assert entry.title == "Licensing in the Gulf</title><script>alert(1)</script>"
    html = entry.content[0].value
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript:' not in html and 'href="https://example.org/guide"' in html
    assert "&lt;script&gt;" in html  # shown as the author typed it
    # The feed's XML itself: one entry element per webinar, the title escaped.
    assert feed.count("<entry") == 4 and "<script>" not in feed
    for lang in ("en", "ar", "zh"):
        calendar = files[f"calendar/{lang}.ics"]
        assert calendar.split("\r\n").count("BEGIN:VEVENT") == 5, lang  # no event forged by a title
        events = _events(calendar)
        assert FORGED in events


def test_a_calendar_event_has_the_start_in_utc_its_duration_and_its_links(mini: Path) -> None:
    files = _site(mini)
    alone = Calendar.from_ical(files["calendar/2027-02-03-gulf-licensing.ar.ics"])
    [event] = alone.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2027, 2, 3, 12, 0, tzinfo=dt.timezone.utc)
    assert event.decoded("duration") == dt.timedelta(minutes=75)
    assert str(event["url"]) == f"{BASE}ar/webinars/2027-02-03-gulf-licensing/"
    assert event["summary"].params["LANGUAGE"] == "en"  # not translated: the original's title
    description = str(event["description"])
    assert "https://events.example.int/register/gulf" in description and str(event["url"]) in description
    assert "<script>" in description  # plain text: shown as typed, never markup
    assert str(event["status"]) == "CONFIRMED"
    # The same event in every language's calendars (subscribed twice, it is shown once).
    uids = {str(_events(files[f"calendar/{lang}.ics"])[FORGED]["uid"])
            for lang in ("en", "ar", "zh")}
    assert len(uids) == 1
    everything = _events(files["calendar/en.ics"])
    cancelled = everything[FORGED]
    assert str(cancelled["status"]) == "CANCELLED" and cancelled.decoded("dtstart") == dt.date(2025, 5, 6)
    assert Calendar.from_ical(files["calendar/en.ics"])["x-wr-calname"] == "Mini webinars"
    # Only a planned webinar has a calendar of its own.
    assert {name for name in files if name.startswith("calendar/2")} == {
        f"calendar/{slug}.{lang}.ics" for slug in ("2027-01-12-tto-advanced", "2027-02-03-gulf-licensing")
        for lang in ("ar", "en", "zh")}


def test_without_a_base_url_feeds_link_from_the_servers_root_and_calendars_to_no_page(mini: Path) -> None:
    files = _site(mini, base_url="")
    feed = feedparser.parse(files["feeds/zh.xml"], response_headers={"content-location": "https://x.example/feeds/zh.xml"})
    assert feed.entries[0].link == "https://x.example/zh/webinars/2027-02-03-gulf-licensing/"
    [event] = Calendar.from_ical(files["calendar/2027-02-03-gulf-licensing.zh.ics"]).walk("VEVENT")
    assert "url" not in event and "/zh/webinars/" not in str(event["description"])


@pytest.mark.build
def test_pages_lead_to_the_feed_and_a_planned_webinar_to_its_calendar(built_mini: Path) -> None:
    site = built_mini / "_build/site"
    for lang in ("en", "ar", "zh"):
        assert (site / f"feeds/{lang}.xml").is_file() and (site / f"calendar/{lang}.ics").is_file()
        page = (site / lang / "webinars/2027-01-12-tto-advanced/index.html").read_text(encoding="utf-8")
        feed = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', page)
        assert feed and feed.group(1) == f"../../../feeds/{lang}.xml"
        add = re.search(r'<a class="wb-button wb-button-quiet" href="([^"]+)" type="text/calendar" download>', page)
        assert add and add.group(1) == f"../../../calendar/2027-01-12-tto-advanced.{lang}.ics"
        index = (site / lang / "webinars/index.html").read_text(encoding="utf-8")
        assert f'href="../../feeds/{lang}.xml" type="application/atom+xml"' in index
        assert f'href="../../calendar/{lang}.ics" type="text/calendar"' in index
