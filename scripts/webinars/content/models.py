"""The content model: plain pydantic data, no I/O and no HTML.

Frontmatter models mirror the content contract (``shared/CONTENT.md``). Values
that depend on the site's configuration (regions, site languages) are checked
against a validation context: ``{"regions": [...], "site_languages": [...]}``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    NonNegativeInt,
    PositiveInt,
    Field,
    ValidationInfo,
    field_validator,
)

from ..languages import is_language_code
from ..names import proposer_problem

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

WebinarStatus = Literal["held", "planned", "cancelled"]
TopicStatus = Literal["proposed", "accepted", "declined", "concluded"]
Scope = Literal[
    "conference", "ip-and-development", "da-projects", "project-ideas",
    "cooperation", "experiences", "new-challenges",
]
Route = Literal["request", "secretariat"]
Role = Literal["expert", "moderator", "panelist"]
Format = Literal["live", "prerecorded"]


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date without a time, like 2021-06-15")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            if re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
                raise ValueError(f"{value.strip()} is not a day of the calendar: check the month (01-12) "
                                 "and the day") from None
    raise ValueError("expected an ISO date like 2021-06-15")


def _start_time(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value.strip()[:40]!r} is not a start time: write the date, the time (hours "
                             "00-23) and its UTC offset, like 2021-06-15T13:00+02:00") from None
    else:
        raise ValueError("expected a start time with its UTC offset, like 2021-06-15T13:00+02:00")
    if moment.tzinfo is None:
        raise ValueError("the start time has no UTC offset: write it like 2021-06-15T13:00+02:00")
    return moment


def _language_code(value: str) -> str:
    if not is_language_code(value):
        raise ValueError(
            f"{value!r} is not an ISO 639-1 language code: use two lower-case letters such as en, fr, pt"
        )
    return value


def _https(value: str) -> str:
    if not value.startswith("https://") or len(value) <= len("https://") or " " in value:
        raise ValueError(f"{value!r} is not an https:// address: give the full address starting with https://")
    return value


def _site_language(value: str, info: ValidationInfo) -> str:
    allowed = (info.context or {}).get("site_languages")
    if allowed and value not in allowed:
        raise ValueError(f"{value!r} is not a site language: use one of {', '.join(allowed)}")
    return value


def _region(value: str, info: ValidationInfo) -> str:
    allowed = (info.context or {}).get("regions")
    if allowed and value not in allowed:
        raise ValueError(f"{value!r} is not a configured region: use one of {', '.join(allowed)}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
StartTime = Annotated[dt.datetime, BeforeValidator(_start_time)]
LanguageCode = Annotated[str, AfterValidator(_language_code)]
SiteLanguage = Annotated[str, AfterValidator(_site_language)]
Region = Annotated[str, AfterValidator(_region)]
HttpsUrl = Annotated[str, AfterValidator(_https)]
Slug = Annotated[str, AfterValidator(lambda v: _slug(v))]


def _slug(value: str) -> str:
    if not re.match(SLUG_PATTERN, value):
        raise ValueError(f"{value!r} is not an id: use lower-case ASCII letters, digits and hyphens")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Speaker(_Strict):
    name: str
    affiliation: str = ""
    role: Role


# What a webinar's folder may publish: documents and pictures that carry no script (no SVG,
# no HTML), and captions.
PUBLISHED_SUFFIXES = (".pdf", ".pptx", ".ppt", ".odp", ".docx", ".doc", ".odt", ".xlsx", ".xls", ".ods",
                      ".png", ".jpg", ".jpeg", ".gif", ".webp", ".vtt", ".txt")
FEEDBACK_FILE = "feedback.csv"


def _published_file(value: str) -> str:
    """A file of the webinar's own folder that may be published (see :data:`PUBLISHED_SUFFIXES`)."""
    if "/" in value or "\\" in value or value in ("", ".", ".."):
        raise ValueError(f"{value!r} is not a file name of this folder: give the name alone, without a path")
    if value.startswith("."):
        raise ValueError(f"{value!r} is a hidden file: rename it without the leading '.'")
    if value == FEEDBACK_FILE or (value.startswith("index") and value.endswith(".md")):
        raise ValueError(f"{value!r} is never published (the survey and the page's own text stay private): "
                         "list slides only")
    if not value.lower().endswith(PUBLISHED_SUFFIXES):
        raise ValueError(f"{value!r} is not a kind of file the site publishes: use one of "
                         f"{', '.join(s.lstrip('.') for s in PUBLISHED_SUFFIXES)}")
    return value


def _captions_file(value: str) -> str:
    if not value.lower().endswith(".vtt"):
        raise ValueError(f"{value!r} is not a WebVTT file: captions are a .vtt file (export them as WebVTT)")
    return value


CaptionsFile = Annotated[str, AfterValidator(_published_file), AfterValidator(_captions_file)]


class Slide(_Strict):
    file: Annotated[str, AfterValidator(_published_file)]
    lang: LanguageCode
    title: str


class WebinarFacts(_Strict):
    """Frontmatter of ``content/webinars/<slug>/index.md``."""

    title: str
    lang: SiteLanguage
    date: IsoDate
    start: StartTime | None = None
    duration: PositiveInt | None = None
    status: WebinarStatus
    topic: Slug
    part: PositiveInt | None = None
    languages: list[LanguageCode]
    regions: list[Region]
    format: Format = "live"
    speakers: list[Speaker] = []
    recording: HttpsUrl | dict[LanguageCode, HttpsUrl] | None = None
    slides: list[Slide] = []
    participants: NonNegativeInt | None = None
    registrations: NonNegativeInt | None = None
    registration: HttpsUrl | None = None
    organisers: list[str] = []
    captions: dict[LanguageCode, CaptionsFile] = {}

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value:
            raise ValueError("the title is empty: write the webinar's title")
        return value

    @field_validator("languages", "regions")
    @classmethod
    def _non_empty(cls, value: list) -> list:
        if not value:
            raise ValueError("the list is empty: name at least one")
        return value

    @field_validator("start")
    @classmethod
    def _start_on_date(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        day = info.data.get("date")
        if value is not None and day is not None and value.date() != day:
            raise ValueError(
                f"its local date {value.date().isoformat()} is not the webinar's date "
                f"{day.isoformat()}: correct one of them"
            )
        return value

    @property
    def recordings(self) -> dict[str | None, str]:
        """Recording per interpretation channel; ``None`` for a single unlabelled one."""
        if self.recording is None:
            return {}
        if isinstance(self.recording, str):
            return {None: self.recording}
        return dict(self.recording)


class TopicFacts(_Strict):
    """Frontmatter of ``content/topics/<id>/index.md``."""

    title: str
    lang: SiteLanguage
    scope: Scope
    route: Route
    proposed_by: str | list[str]
    proposed: IsoDate
    status: TopicStatus
    objective: str = Field(default="", validate_default=True)
    audience: str = Field(default="", validate_default=True)
    regions: list[Region]
    languages: list[LanguageCode]
    interest: list[str] = []
    builds_on: Slug | None = None
    suggested_at: Slug | None = None

    @field_validator("objective", "audience")
    @classmethod
    def _request_details(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.data.get("route") == "request":
            raise ValueError(
                f"required for a member states' request (route: request): add the {info.field_name} "
                "stated in the request"
            )
        return value

    @field_validator("proposed_by", "interest")
    @classmethod
    def _known_proposers(cls, value: str | list[str]) -> str | list[str]:
        for proposer in [value] if isinstance(value, str) else value:
            problem = proposer_problem(proposer)
            if problem:
                raise ValueError(problem)
        return value

    @property
    def proposers(self) -> list[str]:
        return [self.proposed_by] if isinstance(self.proposed_by, str) else list(self.proposed_by)


class Translation(_Strict):
    """Frontmatter of ``index.<lang>.md``: only the title is translated there."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, frozen=True)
    title: str
    lang: str | None = None


# ---- what loading produces -------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading of a document body and the lines it spans (0-based, end exclusive)."""

    level: int
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One language version of a page: its title and MyST body."""

    lang: str
    title: str
    body: str
    path: str  # relative to the repository root, for messages
    body_line: int  # line number of the body's first line in the file
    sections: tuple[Section, ...] = ()

    def section(self, kind_names: set[str]) -> Section | None:
        for section in self.sections:
            if section.level == 2 and section.title.strip().casefold() in kind_names:
                return section
        return None

    def section_text(self, kind_names: set[str]) -> str | None:
        """The MyST under the section's heading (None if the body has no such section)."""
        section = self.section(kind_names)
        if section is None:
            return None
        return "\n".join(self.body.splitlines()[section.start + 1:section.end])


@dataclass(frozen=True)
class Feedback:
    """Aggregates of a post-webinar survey: never the free text itself."""

    responses: int
    participants: int
    experts: int
    rating: float | None
    useful: float | None
    suggested_topics: int
    # For averages over several surveys (the annual report), per respondent (participant,
    # expert) and question (rating, useful): (sum of the answers, number of answers).
    scores: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)


@dataclass
class Page:
    """A webinar or topic: facts from ``index.md``, texts in every language written."""

    id: str
    folder: str
    original: Document
    translations: dict[str, Document] = field(default_factory=dict)
    locations: dict[tuple, int] = field(default_factory=dict)  # frontmatter field -> line in index.md

    def line(self, *loc) -> int | None:
        while loc and loc not in self.locations:
            loc = loc[:-1]
        return self.locations.get(loc)

    @property
    def languages(self) -> list[str]:
        return [self.original.lang, *sorted(self.translations)]

    def document(self, lang: str) -> Document:
        """The text to show in `lang`: its translation, else the original."""
        return self.translations.get(lang, self.original)


@dataclass
class Webinar(Page):
    facts: WebinarFacts = None  # type: ignore[assignment]
    files: dict[str, int] = field(default_factory=dict)  # material in the folder: name -> bytes
    links: set[str] = field(default_factory=set)  # names in the folder that are links (never published)
    feedback: Feedback | None = None
    has_summary: bool = False
    cues: dict = field(default_factory=dict)  # captions language -> its cues (content.captions.Cue)

    @property
    def incomplete(self) -> list[str]:
        """What a held webinar still lacks: ``recording``, ``summary``."""
        if self.facts.status != "held":
            return []
        missing = []
        if not self.facts.recording:
            missing.append("recording")
        if not self.has_summary:
            missing.append("summary")
        return missing


@dataclass
class Topic(Page):
    facts: TopicFacts = None  # type: ignore[assignment]
