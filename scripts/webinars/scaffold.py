"""``webinars new``: a new webinar's or topic's folder, filled in from what the content
already says, that passes ``webinars check`` as it is written.

A webinar takes its topic's regions and languages and the next part number of its series;
its status is ``planned`` when its date is ahead, ``held`` otherwise; its sections' headings
are in the language it is written in; an empty survey (``feedback.csv``, the header only)
waits for the answers. A topic starts as a proposal of the Secretariat received today.
What staff complete is marked by comments (``#`` in the frontmatter, ``%`` in the text),
which the site never shows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import yaml

from .config import Config
from .content.catalogue import Catalogue
from .content.loader import FEEDBACK_COLUMNS
from .content.models import FEEDBACK_FILE, SLUG_PATTERN
from .messages import ANSWERS_HEADING, SUMMARY_HEADING, messages_for
from .problems import InvalidInput, Problem

_DATED_SLUG = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")


def new_webinar(config: Config, catalogue: Catalogue, slug: str, topic_id: str, lang: str | None = None,
                title: str | None = None, today: dt.date | None = None) -> Path:
    """Write ``content/webinars/<slug>/`` (``index.md``, ``feedback.csv``); the folder made."""
    today = today or dt.date.today()
    folder = config.path("content_dir") / "webinars" / slug
    where = f"{config.settings.content_dir}/webinars/{slug}"
    named = _DATED_SLUG.match(slug)
    if not named:
        raise InvalidInput([Problem(where, None, "", (
            "a webinar's folder is named by its date and a few words: lower-case letters, digits and "
            "hyphens, like 2027-03-02-ip-and-startups"))])
    try:
        date = dt.date.fromisoformat(named.group(1))
    except ValueError:
        raise InvalidInput([Problem(where, None, "", f"{named.group(1)} is not a date (YYYY-MM-DD)")]) from None
    _absent(folder, where)
    topic = catalogue.topics.get(topic_id)
    if topic is None:
        close = difflib.get_close_matches(topic_id, list(catalogue.topics), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise InvalidInput([Problem(f"{config.settings.content_dir}/topics/{topic_id}", None, "topic", (
            f"no topic {topic_id!r}: {hint}create it first with `webinars new topic {topic_id}`, "
            f"or use one of: {', '.join(sorted(catalogue.topics))}"))])
    language = _language(config, lang)
    messages = messages_for(language, config.path("locales_dir"))
    series = [w for w in catalogue.series(topic.id) if w.facts.status != "cancelled"]
    status = "planned" if date >= today else "held"
    facts: dict = {
        "title": title or _title_from(named.group(2)),
        "lang": language.code,
        "date": date,
        "status": status,
        "topic": topic.id,
    }
    if not any(w.facts.date > date for w in series):  # the last part so far: its number is known
        facts["part"] = len(series) + 1
    facts["languages"] = list(topic.facts.languages)
    facts["regions"] = list(topic.facts.regions)
    hints = [
        f'# start: "{date.isoformat()}T14:00+02:00"   # start time with its UTC offset',
        "# duration: 90                          # minutes",
        "# registration: https://...             # where people register (planned webinars)",
        "# recording: https://...                # once held: the recording, or one per language",
        "# speakers:",
        "#   - {name: ..., affiliation: ..., role: expert}",
        "# participants: 0                       # once held",
    ]
    summary, answers = messages.gettext(SUMMARY_HEADING), messages.gettext(ANSWERS_HEADING)
    text = (
        "---\n" + _yaml(facts) + "\n".join(hints) + "\n---\n\n"
        f"## {summary}\n\n% {'What the webinar will present' if status == 'planned' else 'What was presented and discussed'}, "
        "in a few sentences (this line is a comment: the site does not show it).\n\n"
        f"## {answers}\n\n% After the webinar: each question that time did not allow as '### The question?', "
        "then its answer.\n"
    )
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    (folder / FEEDBACK_FILE).write_text(",".join(FEEDBACK_COLUMNS) + "\n", encoding="utf-8")
    return folder


def new_topic(config: Config, catalogue: Catalogue, topic_id: str, lang: str | None = None,
              title: str | None = None, today: dt.date | None = None, suggested_at: str | None = None) -> Path:
    """Write ``content/topics/<id>/index.md``: a proposal of the Secretariat received today,
    for every region, in the site's default language (with `suggested_at`, the webinar in
    whose survey it was suggested); the folder made."""
    today = today or dt.date.today()
    folder = config.path("content_dir") / "topics" / topic_id
    where = f"{config.settings.content_dir}/topics/{topic_id}"
    if not re.match(SLUG_PATTERN, topic_id):
        raise InvalidInput([Problem(where, None, "", (
            "a topic's id is a few words in lower-case letters, digits and hyphens, like ip-and-startups"))])
    _absent(folder, where)
    language = _language(config, lang)
    facts = {
        "title": title or _title_from(topic_id),
        "lang": language.code,
        "scope": "cooperation",
        "route": "secretariat",
        "proposed_by": ["secretariat"],
        "proposed": today,
        "status": "proposed",
        "regions": ["global"],
        "languages": [language.code],
    }
    if suggested_at:
        facts["suggested_at"] = suggested_at
    hints = [
        "# scope: conference, ip-and-development, da-projects, project-ideas, cooperation, experiences or new-challenges",
        "# route: request (a member states' request: then give objective and audience) or secretariat",
        "# proposed_by: member states (BR, EG), groups (african-group, asia-pacific-group, cebs, caceec, grulac, "
        "group-b, china) or secretariat",
        "# status: proposed, accepted, declined or concluded",
        '# objective: "..."    # for a request',
        '# audience: "..."     # for a request',
        "# builds_on: ...      # the id of the topic it continues",
    ]
    if not suggested_at:
        hints.append("# suggested_at: ...   # the webinar in whose survey it was suggested")
    text = ("---\n" + _yaml(facts) + "\n".join(hints) + "\n---\n\n"
            "% What the topic is about and why it was proposed, in a few sentences "
            "(this line is a comment: the site does not show it).\n")
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    return folder


def _absent(folder: Path, where: str) -> None:
    if folder.exists():
        raise InvalidInput([Problem(where, None, "", "already exists: choose another name, or edit it")])


def _language(config: Config, lang: str | None):
    codes = [language.code for language in config.languages]
    if lang is None:
        return config.default_language
    if lang not in codes:
        raise InvalidInput([Problem("_config.yml", None, "webinars.languages", (
            f"{lang} is not a language of this site; use one of {', '.join(codes)}"))])
    return config.language(lang)


def _title_from(words: str) -> str:
    text = words.replace("-", " ")
    return text[:1].upper() + text[1:]


def _yaml(facts: dict) -> str:
    return yaml.safe_dump(facts, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
