"""Everything about a site language, in one place.

Rendering code never special-cases a language code: it asks a
:class:`Language` for its direction, its names and its Sphinx locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

# The six official UN languages, in the order the UN lists them.
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")

# Sphinx ships some catalogues only under a territory-qualified name.
_SPHINX_LOCALE = {"zh": "zh_CN"}


@dataclass(frozen=True)
class Language:
    code: str

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    @property
    def direction(self) -> str:
        return _direction(self.code)  # "ltr" or "rtl"

    @property
    def native_name(self) -> str:
        """The language named in its own script: the label of the switcher."""
        name = self.locale.get_display_name(self.locale)
        return name[:1].upper() + name[1:] if self.locale.language != "zh" else name

    @property
    def sphinx_locale(self) -> str:
        return _SPHINX_LOCALE.get(self.code, self.code)

    @property
    def og_locale(self) -> str:
        """The Open Graph locale (language_TERRITORY, the territory its speakers most likely
        live in, from CLDR): ``ar_EG``, ``zh_CN``."""
        return _likely(self.code)

    def name_of(self, code: str) -> str:
        """Name of language `code` in this language (``pt`` in French: ``portugais``)."""
        return self.locale.languages.get(code, code)


@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=None)
def _likely(code: str) -> str:
    from babel.core import get_global

    parts = get_global("likely_subtags").get(code, code).split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0]


@lru_cache(maxsize=None)
def _direction(code: str) -> str:
    # Asked for every title that falls back to another language (thousands per list):
    # Babel looks it up in the locale's data each time.
    return _locale(code).text_direction


def direction_of(code: str) -> str:
    """The direction ("ltr" or "rtl") text in language `code` is written in."""
    return _direction(code)


def is_language_code(code: object) -> bool:
    """True for an ISO 639-1 code of a real language (``pt``), not ``xx`` or ``english``."""
    if not isinstance(code, str) or len(code) != 2 or not code.isalpha() or not code.islower():
        return False
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return code in _locale("en").languages
    return True
