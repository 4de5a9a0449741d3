"""A language's interface: translated strings (gettext catalogues) and Babel formatting.

One :class:`Messages` per site language, made by :func:`messages_for`; nothing
here knows about a particular language code.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path

from babel import units
from babel.dates import format_date, format_time, get_timezone_gmt
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from .languages import Language

DOMAIN = "webinars"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Mark a string for extraction; it is translated where it is shown."""
    return message


REGION_LABELS = {
    "africa": N_("Africa"),
    "arab": N_("Arab region"),
    "asia-pacific": N_("Asia and the Pacific"),
    "latin-america-caribbean": N_("Latin America and the Caribbean"),
    "central-europe-baltic": N_("Central Europe and the Baltic States"),
    "central-asia-caucasus-eastern-europe": N_("Central Asia, the Caucasus and Eastern Europe"),
    "global": N_("Global"),
}
WEBINAR_STATUS = {"held": N_("Held"), "planned": N_("Planned"), "cancelled": N_("Cancelled")}
TOPIC_STATUS = {
    "proposed": N_("Under consideration"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "concluded": N_("Concluded"),
}
FORMATS = {
    "live": N_("Live: expert presentation, then questions and answers"),
    "prerecorded": N_("Pre-recorded presentation, then live questions and answers"),
}
ROLES = {"expert": N_("Expert"), "moderator": N_("Moderator"), "panelist": N_("Panelist")}
SCOPES = {
    "conference": N_("Preparing the international conference on IP and development"),
    "ip-and-development": N_("The committee's agenda item on IP and development"),
    "da-projects": N_("Development Agenda projects and their outputs"),
    "project-ideas": N_("Ideas for future projects"),
    "cooperation": N_("Technical assistance and capacity building"),
    "experiences": N_("Experiences and good practice of developing countries"),
    "new-challenges": N_("New challenges for member states"),
}
ROUTES = {
    "request": N_("Request of member states through a regional group coordinator"),
    "secretariat": N_("Proposal of the Secretariat"),
}
# Titles of the notebook pages (book/notebooks/*.md), translated here.
NOTEBOOK_TITLES = (N_("Topic list"), N_("All series"), N_("Annual report"))
# Body headings that mark the conventional sections, as authors write them in English.
SUMMARY_HEADING = N_("Summary")
ANSWERS_HEADING = N_("Follow-up answers")


class Messages:
    """Strings and formats of one language."""

    def __init__(self, language: Language, translations: Translations) -> None:
        self.language = language
        self.translations = translations
        self._gettext = translations.gettext
        self._ngettext = translations.ngettext

    @property
    def code(self) -> str:
        return self.language.code

    def gettext(self, message: str) -> str:
        return self._gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._ngettext(singular, plural, n)

    # ---- labels ----------------------------------------------------------------

    def label(self, table: dict[str, str], key: str) -> str:
        return self.gettext(table[key]) if key in table else key

    def region(self, key: str) -> str:
        return self.label(REGION_LABELS, key)

    def language_name(self, code: str) -> str:
        return self.language.name_of(code)

    # ---- formats ---------------------------------------------------------------

    def date(self, day: dt.date, form: str = "long") -> str:
        return format_date(day, form, locale=self.language.locale)

    def weekday_date(self, day: dt.date) -> str:
        return format_date(day, "full", locale=self.language.locale)

    def time(self, moment: dt.datetime) -> str:
        """Local time with its UTC offset, as announced: ``13:00 (GMT+02:00)``."""
        clock = format_time(moment, "short", tzinfo=moment.tzinfo, locale=self.language.locale)
        return f"{clock} ({get_timezone_gmt(moment, locale=self.language.locale)})"

    def utc_time(self, moment: dt.datetime) -> str:
        utc = moment.astimezone(dt.timezone.utc)
        clock = format_time(utc, "short", tzinfo=dt.timezone.utc, locale=self.language.locale)
        return self.gettext("%(time)s UTC") % {"time": clock}

    def date_and_time(self, day: dt.date, start: dt.datetime | None) -> str:
        """When a webinar is, as text: its day, and its start where it is held and in UTC."""
        if start is None:
            return self.weekday_date(day)
        local = self.gettext("%(date)s, %(time)s") % {"date": self.weekday_date(day), "time": self.time(start)}
        return f"{local} ({self.utc_time(start)})"

    def minutes(self, n: int) -> str:
        text = units.format_unit(n, "duration-minute", length="long", locale=self.language.locale)
        if "duration" in text:  # CLDR has no long form for some locales
            text = units.format_unit(n, "duration-minute", length="short", locale=self.language.locale)
        return text

    def number(self, n: float) -> str:
        return format_decimal(n, locale=self.language.locale)

    def size(self, n_bytes: int) -> str:
        if n_bytes < 1024 * 1024:
            return units.format_unit(max(1, round(n_bytes / 1024)), "digital-kilobyte", length="short",
                                     locale=self.language.locale)
        return units.format_unit(round(n_bytes / 1024 / 1024, 1), "digital-megabyte", length="short",
                                 locale=self.language.locale)


@lru_cache(maxsize=None)
def _catalogue(locales_dir: str, code: str, version: tuple[int, int] | None) -> Translations:
    """The language's catalogue, read once per `version` (time and size) of its file."""
    path = Path(locales_dir) / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if version is None:
        return Translations()  # the source strings are English
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def messages_for(language: Language, locales_dir: Path) -> Messages:
    path = Path(locales_dir) / language.code / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        state = path.stat()
    except OSError:
        version = None
    else:
        version = (state.st_mtime_ns, state.st_size)
    return Messages(language, _catalogue(str(locales_dir), language.code, version))


_SECTIONS = {"summary": SUMMARY_HEADING, "answers": ANSWERS_HEADING}


def _section_headings(languages: list[Language], locales_dir: Path) -> dict[str, list[str]]:
    """Each conventional section's heading as written in English and in every language."""
    written: dict[str, list[str]] = {kind: [heading] for kind, heading in _SECTIONS.items()}
    for language in languages:
        messages = messages_for(language, locales_dir)
        for kind, heading in _SECTIONS.items():
            written[kind].append(messages.gettext(heading))
    return written


def heading_names(languages: list[Language], locales_dir: Path) -> dict[str, set[str]]:
    """Case-folded headings that mark the summary and answers sections, in every language."""
    return {kind: {heading.casefold() for heading in headings}
            for kind, headings in _section_headings(languages, locales_dir).items()}


def heading_display(languages: list[Language], locales_dir: Path) -> dict[str, str]:
    """The headings that mark the summary and answers sections, in every language: each
    case-folded, to the way it is written (for "did you mean")."""
    written: dict[str, str] = {}
    for headings in _section_headings(languages, locales_dir).values():
        for heading in headings:
            written.setdefault(heading.casefold(), heading)
    return written
