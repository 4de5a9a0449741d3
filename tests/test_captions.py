"""Captions (`captions:`, WebVTT): read with their lines, checked, and shown as a transcript
under the recording, given to the page's own player as tracks, and in the structured data
and feeds. The fixture's first webinar has an English YouTube channel, an Arabic channel
that is a file we host (.mp4), and a French one that is a page (plain time codes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from webinars.content.captions import clock, read_captions
from webinars.pipeline import check

from conftest import offline_context
from test_content import errors_of, replace

SLUG = "2024-01-10-tto-basics"
WEBINAR = f"content/webinars/{SLUG}/index.md"
FOLDER = f"content/webinars/{SLUG}"


def page(root: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((root / "_build/site" / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_captions_are_read_as_plain_text_with_their_times_and_voices(tmp_path: Path) -> None:
    path = write(tmp_path / "c.vtt", "WEBVTT - a title\n\nNOTE a comment\n\nSTYLE\n::cue { color: red }\n\n"
                                     "1\n00:00:01.000 --> 00:00:04.000 align:start\n<v Amina Diallo>Questions &amp; "
                                     "<b>answers</b>\ncome at the end.\n\n01:05.500 --> 01:09.000\n"
                                     "&lt;script&gt;alert(1)&lt;/script&gt;\n")
    cues, problems = read_captions(path, "en")
    assert problems == []
    assert [(c.start, c.end, c.text, c.voice) for c in cues] == [
        (1.0, 4.0, "Questions & answers come at the end.", "Amina Diallo"),
        (65.5, 69.0, "<script>alert(1)</script>", "")]  # text, escaped where it is shown
    zh = write(tmp_path / "zh.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n欢迎参加\n本次网络研讨会。\n")
    assert read_captions(zh, "zh")[0][0].text == "欢迎参加本次网络研讨会。"  # no space between Chinese lines
    assert [clock(s) for s in (0, 65.9, 3729)] == ["0:00", "1:05", "1:02:09"]


@pytest.mark.parametrize("text, line, said", [
    ("1\n00:00:01,000 --> 00:00:02,000\nSRT\n", 1, "starts with the line `WEBVTT`"),
    ("WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nComma\n", 3, "is not `hh:mm:ss.ttt --> hh:mm:ss.ttt`"),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nBackwards\n", 3, "ends (00:00:04.000) before it starts"),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA\n\n00:00:01.000 --> 00:00:02.000\nB\n", 6, "before the cue above"),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n00:00:03.000 --> 00:00:04.000\nB\n", 5, "without an empty line"),
    ("WEBVTT\n\nNOTE only a comment\n", None, "has no cues"),
    ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nArrow\n", 3, "not a cue"),
])
def test_a_malformed_file_is_said_with_its_line(tmp_path: Path, text: str, line: int | None, said: str) -> None:
    cues, problems = read_captions(write(tmp_path / "c.vtt", text), "en")
    assert [p.line for p in problems] == [line] and said in problems[0].message, problems


def test_a_file_that_is_not_utf8_is_said_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.vtt"
    path.write_bytes("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCaf".encode() + "é\n".encode("latin-1"))
    [problem] = read_captions(path, "fr")[1]
    assert problem.line == 4 and "not UTF-8" in problem.message


@pytest.mark.parametrize("old, new, expected", [
    ("en: captions.en.vtt", "en: ../../secret.vtt", "index.md:24: captions.en: '../../secret.vtt' is not a file name of this folder"),
    ("en: captions.en.vtt", "en: index.md", "index.md:24: captions.en: 'index.md' is never published"),
    ("en: captions.en.vtt", "en: slides-en.pdf", "index.md:24: captions.en: 'slides-en.pdf' is not a WebVTT file"),
    ("en: captions.en.vtt", "en: missing.vtt", "index.md:24: captions.en: 'missing.vtt' is not in the folder"),
    ("en: captions.en.vtt", "de: captions.en.vtt", "index.md:24: captions.de: the recording has no 'de' channel"),
])
def test_captions_listed_wrongly_are_errors_with_their_line(mini: Path, old: str, new: str, expected: str) -> None:
    replace(mini, WEBINAR, old, new)
    errors = errors_of(mini)
    assert any(expected in e for e in errors), errors


def test_errors_in_a_captions_file_name_the_file_and_line(mini: Path) -> None:
    write(mini / FOLDER / "captions.fr.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBien.\n\n00:00:03 -> 4\nMal.\n")
    (mini / FOLDER / "captions.ar.vtt").unlink()
    (mini / FOLDER / "captions.ar.vtt").symlink_to("/etc/passwd")
    errors = errors_of(mini)
    assert f"{FOLDER}/captions.fr.vtt:6: captions.fr: not a cue: a cue is a timing line" in "\n".join(errors), errors
    assert any("captions.ar: 'captions.ar.vtt' is a link" in e for e in errors), errors


def test_held_channels_without_captions_are_warned_about(mini: Path) -> None:
    replace(mini, WEBINAR, "  fr: captions.fr.vtt\n", "")
    *_, warnings = check(mini)
    [warning] = [str(w) for w in warnings if "no captions for" in str(w)]
    assert warning.startswith(f"{WEBINAR}:23: warning: captions: no captions for fr:"), warning


@pytest.mark.build
def test_the_transcripts_show_under_the_recording_in_their_language(built_mini: Path) -> None:
    doc = page(built_mini, f"en/webinars/{SLUG}")
    section = doc.select_one("section.wb-recordings")
    transcripts = section.select("details.wb-transcript")
    # The reader's language's, and (on the default language's page) French, no site language here.
    assert [t["id"] for t in transcripts] == ["wb-transcript-en", "wb-transcript-fr"]
    english, french = transcripts
    assert english.select_one("summary").get_text() == "Transcript in English"
    assert (french.select_one("ol")["lang"], french.select_one("ol")["dir"]) == ("fr", "ltr")
    assert (english.select_one("ol")["lang"], english.select_one("ol")["dir"]) == ("en", "ltr")
    first = english.select("li")[0]
    assert first.select_one(".wb-voice").get_text() == "Carlos Méndez"
    assert "Welcome to the first webinar of the series on technology transfer." in first.get_text()
    assert english.select("li")[1].get_text(" ", strip=True).endswith("Questions & answers come at the end.")
    assert english.select("li")[3].select_one(".wb-voice") is None  # the same voice goes on
    time = english.select("li")[2].select_one("a.wb-cue-time")
    assert (time["href"], time["data-seek"]) == ("https://www.youtube.com/watch?v=Xk3pQ9aB1cD&t=65s", "65")
    assert time.get_text(" ", strip=True) == "Play from 1:05"
    assert english["data-embed-at"] == "https://www.youtube-nocookie.com/embed/Xk3pQ9aB1cD?autoplay=1&start={t}"
    assert not french.select("a.wb-cue-time") and french.select_one("span.wb-cue-time").get_text() == "0:01"
    download = english.select_one(".wb-captions-file a")
    assert download["href"] == f"../../../media/{SLUG}/captions.en.vtt" and download.has_attr("download")
    assert (built_mini / "_build/site/media" / SLUG / "captions.en.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    # One page carries its language's transcript; the others are a link away.
    elsewhere = section.select(".wb-transcripts-elsewhere a")
    assert [(a["href"], a.get_text()) for a in elsewhere] == [(f"../../../ar/webinars/{SLUG}/#wb-transcript-ar", "Arabic")]
    arabic = page(built_mini, f"ar/webinars/{SLUG}").select_one("#wb-transcript-ar")
    assert (arabic.select_one("ol")["lang"], arabic.select_one("ol")["dir"]) == ("ar", "rtl")
    assert arabic.select_one("a.wb-cue-time")["href"] == "https://media.example.int/2024/tto-basics-ar.mp4#t=1"
    chinese = page(built_mini, f"zh/webinars/{SLUG}")  # no Chinese captions: the original's (English)
    assert [t["id"] for t in chinese.select("details.wb-transcript")] == ["wb-transcript-en"]
    assert [a["href"].split("/")[-1] for a in chinese.select(".wb-transcripts-elsewhere a")] == \
        ["#wb-transcript-ar", "#wb-transcript-fr"]
    # The facade names the alternatives where the host is blocked: our file, the transcript.
    alternative = section.select_one(".wb-alternative")
    assert [a["href"] for a in alternative.select("a")] == ["https://media.example.int/2024/tto-basics-ar.mp4",
                                                            "#wb-transcript-en"]


@pytest.mark.build
def test_a_file_we_host_plays_in_the_browsers_player_with_its_captions(built_mini: Path) -> None:
    doc = page(built_mini, f"ar/webinars/{SLUG}")
    video = doc.select_one(".wb-player video")
    assert video["preload"] == "none" and video.has_attr("controls")
    assert video.select_one("source")["src"] == "https://media.example.int/2024/tto-basics-ar.mp4"
    assert video.select_one("source")["type"] == "video/mp4"
    tracks = [(t["kind"], t["srclang"], t["src"], t.has_attr("default")) for t in video.select("track")]
    assert tracks == [("captions", "ar", f"../../../media/{SLUG}/captions.ar.vtt", True)]  # the channel's own
    assert doc.select_one("details.wb-transcript")["id"] == "wb-transcript-ar"
    assert doc.select_one("details.wb-transcript summary").get_text() == "النص المكتوب باللغة العربية"


@pytest.mark.build
def test_structured_data_and_feeds_carry_the_captions(built_mini: Path) -> None:
    doc = page(built_mini, f"en/webinars/{SLUG}")
    event = json.loads(doc.select_one('script[type="application/ld+json"]').string)
    videos = {v.get("inLanguage"): v for v in event["recordedIn"]}
    assert videos["en"]["embedUrl"] == "https://www.youtube-nocookie.com/embed/Xk3pQ9aB1cD"
    assert videos["en"]["transcript"].startswith("Welcome to the first webinar of the series")
    assert "transcript" not in videos["ar"]  # on the Arabic page
    assert (videos["ar"]["contentUrl"], videos["ar"]["encodingFormat"]) == \
        ("https://media.example.int/2024/tto-basics-ar.mp4", "video/mp4")
    assert "caption" not in videos["ar"]  # its address would be absolute: only with the site's base_url
    from webinars.assemble.structured import webinar_event
    from webinars.pipeline import check

    _config, catalogue, _pages, _warnings = check(built_mini)
    webinar = catalogue.webinars[SLUG]
    event = webinar_event(webinar, webinar.original, "en", "", "https://webinars.example.org/ip/", "WIPO")
    videos = {v.get("inLanguage"): v for v in event["recordedIn"]}
    assert videos["ar"]["caption"] == [{"@type": "MediaObject", "encodingFormat": "text/vtt", "inLanguage": "ar",
                                        "contentUrl": f"https://webinars.example.org/ip/media/{SLUG}/captions.ar.vtt"}]
    feed = feedparser.parse((built_mini / "_build/site/feeds/en.xml").read_text(encoding="utf-8"))
    entry = next(e for e in feed.entries if e.link.endswith(f"{SLUG}/"))
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    links = [a["href"] for a in content.select("a")]
    assert f"/ar/webinars/{SLUG}/#wb-transcript-ar" in links and f"/media/{SLUG}/captions.fr.vtt" in links, links


@pytest.mark.build
def test_hostile_cue_text_stays_text(mini: Path) -> None:
    write(mini / FOLDER / "captions.en.vtt",
          'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v "><img src=x onerror=alert(1)>>&lt;img src=x onerror=alert(2)&gt;'
          '\n\n00:00:03.000 --> 00:00:04.000\n<script>alert(3)</script>{{ 7*7 }} {eval}`rm`\n')
    from webinars.pipeline import build_site

    build_site(mini)
    doc = page(mini, f"en/webinars/{SLUG}")
    english = doc.select_one("#wb-transcript-en")
    assert not english.select("img, script") and not doc.select("[onerror]")
    text = english.get_text(" ", strip=True)
    assert "<img src=x onerror=alert(2)>" in text and "{{ 7*7 }}" in text
    data = doc.select_one('script[type="application/ld+json"]').string
    assert "<" not in data and "alert(3)" in json.loads(data)["recordedIn"][0]["transcript"]  # data, escaped
    assert not [s for s in doc.select("script:not([type])") if "alert" in (s.string or "")]


def _recording_page(browser, served: str, lang: str, asked: list[str]):
    context = offline_context(browser, served, asked)
    page = context.new_page()
    page.goto(f"{served}/{lang}/webinars/{SLUG}/")
    page.wait_for_load_state("networkidle")
    return context, page


@pytest.mark.browser
def test_a_transcript_time_starts_the_hosts_player_there_and_nothing_loads_before(browser, served) -> None:
    asked: list[str] = []
    context, page = _recording_page(browser, served, "en", asked)
    assert asked == [], asked
    page.locator("#wb-transcript-en summary").click()
    page.locator("#wb-transcript-en a.wb-cue-time").nth(2).click()
    frame = page.locator(".wb-player iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/Xk3pQ9aB1cD?autoplay=1&start=65"
    assert page.url.endswith(f"/en/webinars/{SLUG}/")  # the page stays
    page.locator(".wb-alternative a[data-wb-open]").click()
    assert page.locator("#wb-transcript-en").evaluate("d => d.open")
    page.locator(".wb-transcripts-elsewhere a").click()  # the Arabic page, its transcript open
    page.wait_for_url(f"**/ar/webinars/{SLUG}/#wb-transcript-ar")
    page.wait_for_function("document.getElementById('wb-transcript-ar').open")
    context.close()


@pytest.mark.browser
def test_the_captions_load_in_the_native_player_and_a_time_seeks_it(browser, served) -> None:
    asked: list[str] = []
    context, page = _recording_page(browser, served, "ar", asked)
    cues = page.evaluate("""() => new Promise(done => {
        const video = document.querySelector(".wb-player video");
        const track = video.textTracks[0];
        track.mode = "hidden";
        const element = video.querySelector("track");
        const ready = () => done({lang: track.language, kind: track.kind, cues: track.cues ? track.cues.length : -1});
        if (element.readyState === 2) { ready(); } else { element.addEventListener("load", ready); }
    })""")
    assert cues == {"lang": "ar", "kind": "captions", "cues": 3}
    page.locator("#wb-transcript-ar summary").click()
    page.locator("#wb-transcript-ar a.wb-cue-time").nth(2).click()
    assert page.evaluate("document.querySelector('.wb-player video').currentTime") == 65
    assert page.url.endswith(f"/ar/webinars/{SLUG}/")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_page_with_its_transcripts_open_passes_axe(browser, served, lang: str) -> None:
    import axe_playwright_python

    from test_accessibility import AXE_TAGS

    context = offline_context(browser, served)
    page = context.new_page()
    page.goto(f"{served}/{lang}/webinars/{SLUG}/")
    page.evaluate("() => document.querySelectorAll('details.wb-transcript').forEach(d => { d.open = true; })")
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    problems = [(v["id"], n["html"][:120]) for v in result["violations"] for n in v["nodes"][:3]]
    assert not problems, problems
    context.close()
