"""Captions of a recording (``captions:``, WebVTT files in the webinar's folder): read
with webvtt-py, one block at a time so that each problem has its line, and turned into
the cues a transcript shows (plain text: a cue's tags are dropped, its entities decoded).

What a WebVTT file must be here: UTF-8, the ``WEBVTT`` line first, cues whose timings
are ``hh:mm:ss.ttt --> hh:mm:ss.ttt`` (hours optional), each ending after it starts and
none starting before the one above it. Comments (``NOTE``), ``STYLE`` and ``REGION``
blocks are allowed and shown nowhere.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

# Scripts written without spaces between words: the lines of a cue join without one.
_UNSPACED = {"zh", "ja", "th", "lo", "km", "my"}
_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_BAD_TIMING = "its timing line is not `hh:mm:ss.ttt --> hh:mm:ss.ttt` (as `00:01:04.500 --> 00:01:09.000`)"


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the recording's start
    end: float
    text: str  # plain text, one line
    voice: str = ""  # who speaks, from a `<v Name>` tag


@dataclass(frozen=True)
class CaptionProblem:
    line: int | None
    message: str


def read_captions(path: Path, lang: str) -> tuple[list[Cue], list[CaptionProblem]]:
    """The cues of the WebVTT file `path` (in language `lang`), and what is wrong with it."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return [], [CaptionProblem(line, "is not UTF-8 text: save it as UTF-8 (\"WebVTT\" or \"UTF-8\" in the "
                                         "export dialogue)")]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not _HEADER.fullmatch(lines[0]):
        return [], [CaptionProblem(1, "a WebVTT file starts with the line `WEBVTT`: is it a WebVTT file "
                                      "(not SRT or a transcript)? Export the captions as WebVTT (.vtt)")]
    cues: list[Cue] = []
    problems: list[CaptionProblem] = []
    for start, block in _blocks(lines):
        timing = next((n for n, line in enumerate(block) if "-->" in line), None)
        if timing is None:
            if start != 1 and not block[0].startswith(("NOTE", "STYLE", "REGION")):
                problems.append(CaptionProblem(start, "not a cue: a cue is a timing line `00:01:04.500 --> "
                                                      "00:01:09.000` (after an optional name) and its text; a "
                                                      "comment starts with NOTE"))
            continue  # a comment, a style or region block, or the header's own lines
        joined = [n for n, line in enumerate(block) if "-->" in line and n > 1]
        if timing > 1 or joined:
            problems.append(CaptionProblem(start + (joined or [timing])[0], "a cue starts here without an empty "
                                                                            "line before it: put an empty line "
                                                                            "between two cues"))
            continue
        try:
            parsed = webvtt.from_string("WEBVTT\n\n" + "\n".join(block), strict=True).captions
        except (MalformedCaptionError, MalformedFileError, ValueError):
            parsed = []
        if len(parsed) != 1:
            problems.append(CaptionProblem(start + timing, _BAD_TIMING))
            continue
        caption = parsed[0]
        begin, end = caption.start_time.in_milliseconds() / 1000, caption.end_time.in_milliseconds() / 1000
        if end <= begin:
            problems.append(CaptionProblem(start + timing, f"the cue ends ({caption.end}) before it starts "
                                                            f"({caption.start}): correct its end time"))
            continue
        if cues and begin < cues[-1].start:
            problems.append(CaptionProblem(start + timing, f"the cue starts ({caption.start}) before the cue above "
                                                            "it: cues are in the order they are spoken"))
            continue
        words = _plain(caption.text, lang)
        if words:
            cues.append(Cue(begin, end, words, html.unescape(caption.voice or "").strip()))
    if not cues and not problems:
        problems.append(CaptionProblem(None, "has no cues: export the captions with their text and times"))
    return cues, problems


def _blocks(lines: list[str]):
    """(line number of its first line, its lines) of each block: lines between empty lines."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _plain(text: str, lang: str) -> str:
    """A cue's text (webvtt-py has dropped its tags) as one line: entities decoded, and its
    lines joined with a space, or without one in a script that has none between words."""
    glue = "" if lang.split("-")[0] in _UNSPACED else " "
    return glue.join(part.strip() for part in html.unescape(text).split("\n") if part.strip())


def clock(seconds: float) -> str:
    """A time in a recording as a person reads it: 4:05, or 1:02:09 from an hour on."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def cues_text(cues: list[Cue], lang: str) -> str:
    """What the cues say, as one text (a recording's transcript for search engines)."""
    glue = "" if lang.split("-")[0] in _UNSPACED else " "
    return glue.join(cue.text for cue in cues)
