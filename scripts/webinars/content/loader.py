"""Loading: content folders become a :class:`Catalogue`, every problem is collected.

Nothing here writes: a run with errors stops before any output exists.
"""

from __future__ import annotations

import csv
import difflib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..config import Config
from ..problems import Problem, Problems
from ..work import Memo
from . import frontmatter, policy
from .captions import Cue, read_captions
from .catalogue import Catalogue
from .models import FEEDBACK_FILE, SLUG_PATTERN, Document, Feedback, Page, Topic, TopicFacts, Translation, Webinar, WebinarFacts

TRANSLATION_FILE = re.compile(r"^index\.([a-z]{2,3}(?:[-_][A-Za-z]+)?)\.md$")
FEEDBACK_COLUMNS = ("respondent", "rating", "useful", "suggested_topic", "comment")

MAX_PAGE_BYTES = 1024 * 1024  # a page's text; far more than any summary and its answers
LARGE_FILE_BYTES = 25 * 1024 * 1024  # slides above this are published, with a warning

# How to fix a missing field, in the author's words.
_MISSING_HINTS = {
    "title": "add `title: ...` with the page's title",
    "lang": "add `lang: en` (the language this file is written in)",
    "date": "add `date: 2021-06-15`",
    "status": "add `status: held`, `planned` or `cancelled` (topics: proposed, accepted, declined, concluded)",
    "topic": "add `topic: <id>`, the name of a folder in content/topics/",
    "languages": "add `languages: [en, fr]`, the languages it is (to be) delivered in",
    "regions": "add `regions: [global]` with regions from the configured list",
    "scope": "add `scope:` one of conference, ip-and-development, da-projects, project-ideas, "
             "cooperation, experiences, new-challenges",
    "route": "add `route: request` or `route: secretariat`",
    "proposed_by": "add `proposed_by:` the member states, regional groups, or Secretariat",
    "proposed": "add `proposed: 2021-06-15`, the date the proposal was received",
    "name": "give every speaker a `name`",
    "role": "give every speaker a `role`: expert, moderator or panelist",
    "file": "give every slide its `file`, the file name in this folder",
}


def _reuse(memo: Memo | None, key: str | None, name: str, problems: Problems, load: Callable[[], Any]):
    """A content folder loaded, or taken as the last run loaded it (with the problems it
    had then) while its key is unchanged."""
    if memo is None:
        return load()

    def make() -> tuple[Any, list[Problem]]:
        before = len(problems.items)
        return load(), problems.items[before:]

    result, found = memo.get(name, key, make)
    if name in memo.reused:
        problems.items.extend(found)
    return result


def load_content(config: Config, summary_names: set[str], memo: Memo | None = None,
                 keys: dict[str, str] | None = None) -> tuple[Catalogue, Problems]:
    """Read every folder of ``content/``; return what loaded and every problem found.

    `summary_names` are the headings (case-folded) that mark a body's summary section,
    in every language a page may be written in. With `memo`, a folder ("webinars/<id>")
    whose key in `keys` (what loading it depends on) is unchanged since the last run is
    taken from that run.
    """
    keys = keys or {}
    problems = Problems(config.root)
    catalogue = Catalogue()
    context = {"regions": config.settings.regions, "site_languages": config.settings.languages}
    content = config.path("content_dir")
    topic_folders = _folders(content / "topics", problems)
    webinar_folders = _folders(content / "webinars", problems)
    for folder in topic_folders:
        name = f"topics/{folder.name}"
        topic = _reuse(memo, keys.get(name), name, problems,
                       lambda: _load_page(folder, TopicFacts, Topic, context, problems))
        if topic is not None:
            catalogue.topics[topic.id] = topic
    for folder in webinar_folders:
        name = f"webinars/{folder.name}"
        webinar = _reuse(memo, keys.get(name), name, problems,
                         lambda: _load_webinar(folder, context, summary_names, problems))
        if webinar is not None:
            catalogue.webinars[webinar.id] = webinar
    # A folder that exists but failed to load was reported already: do not report links to it.
    existing = {f.name for f in topic_folders} | {f.name for f in webinar_folders}
    _check_links(catalogue, config, problems, existing)
    return catalogue, problems


def _load_webinar(folder: Path, context: dict, summary_names: set[str], problems: Problems) -> Webinar | None:
    webinar = _load_page(folder, WebinarFacts, Webinar, context, problems)
    if webinar is not None:
        webinar.files, webinar.links = _folder_files(folder)
        webinar.has_summary = _has_summary(webinar.original, summary_names)
        webinar.feedback = _load_feedback(folder / FEEDBACK_FILE, problems)
        webinar.cues = _load_captions(folder, webinar, problems)
    return webinar


def _load_captions(folder: Path, webinar: Webinar, problems: Problems) -> dict[str, list[Cue]]:
    """The cues of each captions file listed (one missing or a link is said by `_check_links`)."""
    cues = {}
    for lang, name in webinar.facts.captions.items():
        if name in webinar.files:
            cues[lang], found = read_captions(folder / name, lang)
            for problem in found:
                problems.error(folder / name, problem.line, f"captions.{lang}", problem.message)
    return cues


def _folder_files(folder: Path) -> tuple[dict[str, int], set[str]]:
    """The regular files of a webinar's folder (name -> bytes), and the names that are links:
    a link is never followed (it could point anywhere on the machine that builds the site)."""
    files, links = {}, set()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_symlink():
                links.add(entry.name)
            elif entry.is_file(follow_symlinks=False):
                files[entry.name] = entry.stat(follow_symlinks=False).st_size
    return files, links


def _folders(parent: Path, problems: Problems) -> list[Path]:
    if not parent.is_dir():
        problems.error(parent, None, "", "folder not found: create it (it may stay empty)")
        return []
    found = []
    for folder in sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not re.match(SLUG_PATTERN, folder.name):
            problems.error(folder, None, "", f"folder name {folder.name!r} is not a valid id: use lower-case "
                                             "ASCII letters, digits and hyphens, e.g. 2021-06-15-ip-and-smes")
            continue
        if not (folder / "index.md").is_file():
            problems.error(folder / "index.md", None, "", "missing: every folder needs an index.md "
                                                          "with the page's facts and text")
            continue
        found.append(folder)
    return found


def _load_page(folder: Path, facts_model: type[BaseModel], page_class: type, context: dict,
               problems: Problems):
    path = folder / "index.md"
    parsed = _parse_file(path, problems)
    if parsed is None:
        return None
    facts = _validate(facts_model, parsed, path, context, problems)
    if facts is None:
        return None
    original = _document(facts.lang, facts.title, parsed, path, problems)
    page = page_class(id=folder.name, folder=_rel(folder, problems), original=original, facts=facts,
                      locations=parsed.lines)
    for file in sorted(folder.glob("index.*.md")):
        _load_translation(file, page, parsed.data, context, problems)
    return page


def _load_translation(path: Path, page, original_data: dict, context: dict, problems: Problems) -> None:
    match = TRANSLATION_FILE.match(path.name)
    site = context["site_languages"]
    if not match or match.group(1) not in site:
        problems.error(path, None, "", f"not a translation file name: name it index.<lang>.md with "
                                       f"<lang> one of {', '.join(site)}")
        return
    lang = match.group(1)
    if lang == page.original.lang:
        problems.error(path, None, "lang", f"this translation is in {lang}, the original's own language: "
                                           "merge it into index.md or rename it")
        return
    parsed = _parse_file(path, problems)
    if parsed is None:
        return
    meta = _validate(Translation, parsed, path, {}, problems)
    if meta is None:
        return
    if meta.lang is not None and meta.lang != lang:
        problems.error(path, parsed.lines.get(("lang",)), "lang",
                       f"says {meta.lang!r} but the file name says {lang!r}: make them agree")
    for key, value in (meta.model_extra or {}).items():
        if original_data.get(key) != value:
            problems.error(path, parsed.lines.get((key,)), key,
                           "differs from index.md: facts are kept once, in index.md; "
                           "keep only `title` in a translation's frontmatter")
    page.translations[lang] = _document(lang, meta.title, parsed, path, problems)


def _parse_file(path: Path, problems: Problems) -> frontmatter.Parsed | None:
    if path.is_symlink():
        problems.error(path, None, "", "is a link: put the file itself here")
        return None
    try:
        if path.stat().st_size > MAX_PAGE_BYTES:
            problems.error(path, None, "", f"larger than {MAX_PAGE_BYTES // 1024 // 1024} MB: a page holds a summary "
                                           "and answers; put long material in a file listed under `slides:`")
            return None
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.error(path, None, "", f"not UTF-8 text ({exc.reason}): save the file as UTF-8")
        return None
    except OSError as exc:
        problems.error(path, None, "", f"cannot be read ({exc.strerror}): check the file's permissions")
        return None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        problems.error(path, line, "", "a NUL character is in the file: delete it, or save the text again as "
                                       "plain UTF-8")
        return None
    try:
        return frontmatter.parse(text)
    except frontmatter.FrontmatterError as exc:
        problems.error(path, exc.line, "", exc.message)
        return None


def _validate(model: type[BaseModel], parsed: frontmatter.Parsed, path: Path, context: dict,
              problems: Problems):
    if not _plain_text(parsed.data, (), parsed, path, problems):
        return None
    try:
        return model.model_validate(parsed.data, context=context)
    except ValidationError as exc:
        fields = list(model.model_fields)
        for error in _without_union_noise(exc.errors(), parsed.data):
            loc = tuple(part for part in error["loc"] if not _is_branch_label(part))
            line = frontmatter.line_of(parsed.lines, loc) or 2
            problems.error(path, line, _field_name(loc), _message(error, loc, fields))
        return None


# Fields shown on one line (a heading, a list item): a line break in them is a mistake.
_ONE_LINE = {"title", "name", "affiliation"}


def _plain_text(value: Any, loc: tuple, parsed: frontmatter.Parsed, path: Path, problems: Problems) -> bool:
    """No control character in any value of the frontmatter, and no line break in a title or
    a name; reports each, with its line. True if there is none."""
    if isinstance(value, dict):
        return all([_plain_text(item, loc + (key,), parsed, path, problems) for key, item in value.items()])
    if isinstance(value, list):
        return all([_plain_text(item, loc + (n,), parsed, path, problems) for n, item in enumerate(value)])
    if not isinstance(value, str):
        return True
    name = next((part for part in reversed(loc) if isinstance(part, str)), "")
    line = frontmatter.line_of(parsed.lines, loc) or 2
    if policy.CONTROL.search(value):
        problems.error(path, line, _field_name(loc), "a control character is in the value: delete it, or type "
                                                     "the value again as plain text")
        return False
    if name in _ONE_LINE and ("\n" in value.strip() or "\r" in value):
        problems.error(path, line, _field_name(loc), "a line break is in the value: write it on one line")
        return False
    return True


def _without_union_noise(errors: list[dict], data: dict) -> list[dict]:
    """For a field that takes a text or a map, report only the branch the author wrote."""
    kept = []
    for error in errors:
        loc = error["loc"]
        if len(loc) == 2 and isinstance(loc[0], str) and error["type"] in ("string_type", "dict_type"):
            value = data.get(loc[0])
            wrote_other = isinstance(value, dict) if error["type"] == "string_type" else isinstance(value, str)
            if wrote_other:
                continue
        kept.append(error)
    return kept


def _is_branch_label(part: object) -> bool:
    """Pydantic names the branch of a union in an error's location (``str``, ``dict[...]``)."""
    return isinstance(part, str) and (part in ("str", "int", "dict", "list") or "[" in part)


def _field_name(loc: tuple) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else ("." if name else "") + str(part)
    return name


def _message(error: dict[str, Any], loc: tuple, fields: list[str]) -> str:
    kind = error["type"]
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "missing":
        return "missing: " + _MISSING_HINTS.get(last, f"add `{last}:`")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(last), fields, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"known fields: {', '.join(fields)}"
        return f"unknown field: {hint}"
    message = error["msg"].removeprefix("Value error, ")
    if kind in ("literal_error", "int_parsing", "int_type", "greater_than", "list_type", "string_type",
                "dict_type", "bool_type"):
        return f"{message} (got {error.get('input')!r})"
    return message


def _document(lang: str, title: str, parsed: frontmatter.Parsed, path: Path, problems: Problems) -> Document:
    policy.check_body(parsed.body, path, parsed.body_line, problems)
    sections = frontmatter.sections(parsed.body)
    for section in sections:
        if section.level == 1:
            problems.error(path, parsed.body_line + section.start, "",
                           f"'# {section.title}' is a second page title: the title comes from `title:`; "
                           "start sections with '##'")
    return Document(
        lang=lang,
        title=title,
        body=parsed.body,
        path=_rel(path, problems),
        body_line=parsed.body_line,
        sections=sections,
    )


def _has_summary(document: Document, summary_names: set[str]) -> bool:
    section = document.section(summary_names)
    if section is None:
        return False
    lines = document.body.splitlines()[section.start + 1:section.end]
    return any(line.strip() for line in lines)


def survey_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a survey's CSV text: separated by commas, or by semicolons
    (as a spreadsheet set to French, Spanish or Russian saves "CSV"), or tabs."""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = max(",;\t", key=first.count) if first else ","
    header = next(csv.reader(lines, delimiter=delimiter), [])
    return header, list(csv.DictReader(lines, delimiter=delimiter))


def _load_feedback(path: Path, problems: Problems) -> Feedback | None:
    if path.is_symlink():
        problems.error(path, None, "", "is a link: put the survey's file itself here")
        return None
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
        if "\0" in text:
            raise csv.Error(f"a NUL character on line {text.count(chr(10), 0, text.index(chr(0))) + 1}")
        header, rows = survey_rows(text)
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        problems.error(path, None, "", f"not a readable UTF-8 CSV file ({exc}): save it as UTF-8 CSV")
        return None
    missing = [c for c in FEEDBACK_COLUMNS if c not in header]
    if missing:
        problems.error(path, 1, ", ".join(missing), f"missing column(s): the header row must be "
                                                    f"{','.join(FEEDBACK_COLUMNS)}")
        return None
    ratings, useful, counts, suggested = [], [], {"participant": 0, "expert": 0}, 0
    answers: dict[str, dict[str, list[int]]] = {who: {"rating": [], "useful": []} for who in counts}
    for line, row in enumerate(rows, start=2):
        who = (row.get("respondent") or "").strip()
        if who not in counts:
            problems.error(path, line, "respondent", f"{who!r} is not participant or expert")
        else:
            counts[who] += 1
        for column, bucket in (("rating", ratings), ("useful", useful)):
            value = (row.get(column) or "").strip()
            if value == "":
                continue
            if value.isdigit() and 1 <= int(value) <= 5:
                bucket.append(int(value))
                if who in answers:
                    answers[who][column].append(int(value))
            else:
                problems.error(path, line, column, f"{value!r} is not a whole number from 1 to 5")
        suggested += bool((row.get("suggested_topic") or "").strip())
    mean = lambda xs: round(sum(xs) / len(xs), 1) if xs else None  # noqa: E731
    scores = {who: {column: (sum(xs), len(xs)) for column, xs in columns.items()} for who, columns in answers.items()}
    return Feedback(len(rows), counts["participant"], counts["expert"], mean(ratings), mean(useful), suggested,
                    scores)


def _check_captions(webinar: Webinar, path: Path, problems: Problems) -> None:
    """Each captions file is in the folder and belongs to a recording channel; a held
    webinar's channels without captions are said (WCAG 1.2.2: recordings need captions)."""
    facts = webinar.facts
    channels = facts.recordings
    for lang, name in facts.captions.items():
        line, field = webinar.line("captions", lang), f"captions.{lang}"
        if name in webinar.links:
            problems.error(path, line, field, f"{name!r} is a link: put the file itself in the folder")
        elif name not in webinar.files:
            problems.error(path, line, field, f"{name!r} is not in the folder: add the file or correct its name")
        elif not channels:
            problems.warning(path, line, field, "captions without a recording: they are published with the "
                                                "recording; add `recording:`")
        elif None not in channels and lang not in channels:
            problems.error(path, line, field, f"the recording has no {lang!r} channel ({', '.join(channels)}): "
                                              "name the channel these captions are of")
    if facts.status == "held" and channels:
        bare = [lang for lang in channels if lang is not None and lang not in facts.captions]
        if None in channels and not facts.captions:
            bare = ["the recording"]
        if bare:
            problems.warning(path, webinar.line("captions" if facts.captions else "recording"), "captions",
                             f"no captions for {', '.join(bare)}: deaf and hard-of-hearing visitors, and those "
                             "reading in a second language, need them (WCAG 1.2.2); add a WebVTT file per "
                             "channel under `captions:`")


def _check_links(catalogue: Catalogue, config: Config, problems: Problems, existing: set[str]) -> None:
    """Checks across folders: topics exist, files exist, chains end, parts are unique."""
    root = config.path("content_dir")
    for webinar in catalogue.webinars.values():
        path = root / "webinars" / webinar.id / "index.md"
        facts = webinar.facts
        if facts.topic not in catalogue.topics and facts.topic not in existing:
            problems.error(path, webinar.line("topic"), "topic", f"no topic {facts.topic!r}: create content/topics/"
                                               f"{facts.topic}/index.md or use an existing topic id")
        for n, slide in enumerate(facts.slides):
            line, field = webinar.line("slides", n, "file"), f"slides[{n}].file"
            if slide.file in webinar.links:
                problems.error(path, line, field, f"{slide.file!r} is a link: put the file itself in the folder")
            elif slide.file not in webinar.files:
                problems.error(path, line, field, f"{slide.file!r} is not in the folder: add the file or correct "
                                                  "its name")
            elif webinar.files[slide.file] > LARGE_FILE_BYTES:
                problems.warning(path, line, field, f"{slide.file!r} is {webinar.files[slide.file] // 2**20} MB: "
                                                    f"visitors on slow connections wait for files above "
                                                    f"{LARGE_FILE_BYTES // 2**20} MB; export it smaller if you can")
        _check_captions(webinar, path, problems)
        for channel in facts.recordings:
            if channel is not None and channel not in facts.languages:
                problems.error(path, webinar.line("recording", channel), f"recording.{channel}",
                               f"{channel!r} is not one of the delivery languages ({', '.join(facts.languages)}): "
                               "add it to `languages` or correct the channel")
        for missing in webinar.incomplete:
            problems.warning(path, None, missing, f"held webinar without a {missing}: it is published "
                                                  "and marked as incomplete")
        listed = {s.file for s in facts.slides} | set(facts.captions.values()) | {FEEDBACK_FILE}
        for name in webinar.files:
            if name not in listed and not name.startswith("index.") and not name.startswith("."):
                problems.warning(path.parent / name, None, "", "not listed under `slides:` (or `captions:`): "
                                                               "it is not published")
    for topic in catalogue.topics.values():
        path = root / "topics" / topic.id / "index.md"
        ahead = topic.facts.builds_on
        if ahead is not None and ahead not in catalogue.topics and ahead not in existing:
            problems.error(path, topic.line("builds_on"), "builds_on", f"no topic {ahead!r}: use the id of an existing topic")
        elif ahead == topic.id or (ahead in catalogue.topics and topic in catalogue.builds_on_chain(catalogue.topics[ahead])):
            problems.error(path, topic.line("builds_on"), "builds_on", "the chain of builds_on comes back to this topic: "
                                                    "a topic can only continue an earlier one")
        at = topic.facts.suggested_at
        if at is not None and at not in catalogue.webinars and at not in existing:
            problems.error(path, topic.line("suggested_at"), "suggested_at", f"no webinar {at!r}: use the folder name of a webinar")
        parts: dict[int, str] = {}
        for webinar in catalogue.series(topic.id):
            part = webinar.facts.part
            if part is not None and part in parts:
                problems.error(root / "webinars" / webinar.id / "index.md", webinar.line("part"), "part",
                               f"part {part} is also webinar {parts[part]!r} of topic {topic.id!r}: "
                               "give each webinar of a series its own part")
            elif part is not None:
                parts[part] = webinar.id


def _rel(path: Path, problems: Problems) -> str:
    return problems.relative(path)


PAGE_FILE = re.compile(r"^([a-z0-9-]+)(?:\.([a-z]{2}))?\.md$")


def load_pages(folder: Path, config: Config) -> tuple[dict[str, Page], Problems]:
    """Hand-written site pages: ``<name>.md`` (with ``title`` and ``lang``) and ``<name>.<lang>.md``."""
    problems = Problems(config.root)
    pages: dict[str, Page] = {}
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    for path in files:
        match = PAGE_FILE.match(path.name)
        if match is None or match.group(2):
            continue
        parsed = _parse_file(path, problems)
        if parsed is None:
            continue
        meta = _validate(Translation, parsed, path, {}, problems)
        if meta is None:
            continue
        if meta.lang not in config.settings.languages:
            problems.error(path, parsed.lines.get(("lang",)), "lang",
                           f"missing or not a site language: add `lang:` one of {', '.join(config.settings.languages)}")
            continue
        name = match.group(1)
        pages[name] = Page(id=name, folder=_rel(folder, problems),
                           original=_document(meta.lang, meta.title, parsed, path, problems))
    for path in files:
        match = PAGE_FILE.match(path.name)
        if match and match.group(2) and match.group(1) in pages:
            page = pages[match.group(1)]
            _load_translation_page(path, match.group(2), page, config, problems)
    return pages, problems


def _load_translation_page(path: Path, lang: str, page: Page, config: Config, problems: Problems) -> None:
    if lang not in config.settings.languages:
        problems.error(path, None, "", f"{lang!r} is not a site language: use one of "
                                       f"{', '.join(config.settings.languages)}")
        return
    parsed = _parse_file(path, problems)
    meta = parsed and _validate(Translation, parsed, path, {}, problems)
    if meta:
        page.translations[lang] = _document(lang, meta.title, parsed, path, problems)
