"""`webinars feedback`: the topics participants and experts suggested in the surveys
(``feedback.csv``, column ``suggested_topic``), across webinars, for staff to review.

Suggestions that say nearly the same (a score of 75 or more, :mod:`webinars.similar`) form
one group, counted; each group is marked as covered (a topic or webinar scores 65 or more:
it is named) or new; or accepted, when staff made a topic of it (its ``suggested_at`` one of
the group's webinars, its title close). A group can be made a draft topic (``--accept N``), with
``suggested_at`` the webinar where it was first suggested. The suggestions' free text is
only ever shown to staff here: the site publishes counts, never the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .config import Config
from .content.catalogue import Catalogue
from .content.loader import survey_rows
from .content.models import FEEDBACK_FILE
from .similar import Match, closest, score

SAME = 75.0  # two suggestions this close are one
COVERED = 65.0  # a suggestion this close to a topic or webinar is covered by it


@dataclass(frozen=True)
class Suggestion:
    text: str
    webinar: str  # the webinar's folder name
    line: int  # in its feedback.csv


@dataclass
class Group:
    suggestions: list[Suggestion]
    covered: Match | None = None
    accepted: list[str] = field(default_factory=list)  # topics staff made of it (suggested_at)

    @property
    def text(self) -> str:
        return self.suggestions[0].text


def gather(config: Config, catalogue: Catalogue) -> list[Suggestion]:
    """Every suggested topic of every survey, the oldest webinar's first."""
    found = []
    for webinar in sorted(catalogue.webinars.values(), key=lambda w: (w.facts.date, w.id)):
        path = config.path("content_dir") / "webinars" / webinar.id / FEEDBACK_FILE
        if not path.is_file() or path.is_symlink():
            continue
        _header, rows = survey_rows(path.read_text(encoding="utf-8-sig"))
        for line, row in enumerate(rows, start=2):
            text = " ".join((row.get("suggested_topic") or "").split())
            if text:
                found.append(Suggestion(text, webinar.id, line))
    return found


def grouped(suggestions: list[Suggestion], catalogue: Catalogue) -> list[Group]:
    """The suggestions in groups of nearly the same, the most often suggested first."""
    groups: list[Group] = []
    for suggestion in suggestions:
        home = next((g for g in groups if score(g.text, suggestion.text) >= SAME), None)
        if home is None:
            groups.append(Group([suggestion]))
        else:
            home.suggestions.append(suggestion)
    for group in groups:
        at = {s.webinar for s in group.suggestions}
        group.accepted = sorted(t.id for t in catalogue.topics.values()
                                if t.facts.suggested_at in at and score(group.text, t.facts.title) >= 60)
        best = [m for m in closest(group.text, catalogue, limit=1, at_least=COVERED)]
        group.covered = best[0] if best else None
    groups.sort(key=lambda g: -len(g.suggestions))
    return groups


def topic_id(text: str, taken: set[str]) -> str:
    """An id for a topic made of a suggestion: its words in ASCII, hyphenated; a number added
    if taken (or ``suggested-topic`` for a text with no Latin letter)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:6]
    base = "-".join(words) or "suggested-topic"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
