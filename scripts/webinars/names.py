"""Names the programme controls, shown in the reader's language.

- Regional groups and the Secretariat, by the ids of the content contract (`grulac`,
  `secretariat`): their names are in the interface catalogues (:data:`GROUPS`).
- Member states, by their ISO 3166-1 alpha-2 code (`BR`): Babel's territory names.
- The organisation's units (who organised a webinar): configured in ``_config.yml``
  (``webinars: units:``), an id and a name per language.

Earlier content names proposers and units in free text ("African Group", "Kenya",
"Development Agenda Coordination Division"). Where such a text is the name of a known
group, state or unit, it is shown translated too; any other text is shown as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from .messages import N_

GROUPS = {
    "african-group": N_("African Group"),
    "asia-pacific-group": N_("Asia and the Pacific Group"),
    "cebs": N_("Group of Central European and Baltic States (CEBS)"),
    "caceec": N_("Group of Countries of Central Asia, the Caucasus and Eastern Europe (CACEEC)"),
    "grulac": N_("Group of Latin American and Caribbean Countries (GRULAC)"),
    "group-b": N_("Group B"),
    "china": N_("China"),
    "secretariat": N_("Secretariat"),
}
# Other ways earlier content writes a group's name (compared without case).
_GROUP_ALIASES = {
    "asia-pacific group": "asia-pacific-group",
    "asia pacific group": "asia-pacific-group",
    "asia and pacific group": "asia-pacific-group",
    "group of latin american and caribbean countries": "grulac",
    "group of central european and baltic states": "cebs",
    "group of countries of central asia, the caucasus and eastern europe": "caceec",
    "the secretariat": "secretariat",
}
_STATE_CODE = re.compile(r"[A-Z]{2}")
_ID = re.compile(r"[a-z]+(?:-[a-z]+)*")


def proposer_id(value: str, lang: str) -> str | None:
    """What a proposer, as written in `lang`, is known by: a group's id or ``secretariat``,
    or a member state's code; ``None`` for a text that names none of them."""
    text = " ".join(value.split())
    if text in GROUPS:
        return text
    if _STATE_CODE.fullmatch(text):
        return text if text in _territories("en") else None
    key = text.casefold()
    return _group_names().get(key) or _GROUP_ALIASES.get(key) or _states(lang).get(key) \
        or _states("en").get(key)


def proposer_problem(value: str) -> str | None:
    """Why a proposer written as a code or an id is not one (a typo would otherwise show
    as written, unnoticed), or ``None``."""
    text = value.strip()
    if _STATE_CODE.fullmatch(text) and text not in _territories("en"):
        return (f"{text} is not the ISO 3166-1 alpha-2 code of a country: write the member state's "
                "two-letter code, like BR or EG")
    if _ID.fullmatch(text) and text not in GROUPS and proposer_id(text, "en") is None:
        return (f"{text} is not a regional group: use one of {', '.join(GROUPS)}, a member state's "
                "two-letter code (KE), or write the name in full")
    return None


def state_name(code: str, lang: str) -> str:
    """A member state's name in `lang` (Babel's territory names), else in English."""
    for locale in (lang, "en"):
        name = _territories(locale).get(code)
        if name:
            return name
    return code


def unit_id(value: str, units: dict[str, dict[str, str]]) -> str | None:
    """The configured unit `value` is (its id, or its name in any language), or ``None``."""
    text = " ".join(value.split())
    if text in units:
        return text
    key = text.casefold()
    for unit, names in units.items():
        if any(" ".join(name.split()).casefold() == key for name in names.values()):
            return unit
    return None


@lru_cache(maxsize=None)
def _territories(lang: str) -> dict[str, str]:
    try:
        territories = Locale.parse(lang).territories
    except (UnknownLocaleError, ValueError):
        return {}
    return {code: name for code, name in territories.items() if _STATE_CODE.fullmatch(code)}


@lru_cache(maxsize=None)
def _states(lang: str) -> dict[str, str]:
    """Codes by name (without case, either apostrophe) in `lang`."""
    found = {}
    for code, name in _territories(lang).items():
        for spelling in {name, name.replace("\u2019", "'")}:
            found[spelling.casefold()] = code
    return found


@lru_cache(maxsize=None)
def _group_names() -> dict[str, str]:
    return {name.casefold(): key for key, name in GROUPS.items()}
