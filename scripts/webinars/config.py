"""The project's configuration: declared once, read once, passed down.

Our settings live under the ``webinars:`` key of the top-level ``_config.yml``;
the rest of that file is Jupyter Book's and is handed to the build stage as is.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .languages import UN_LANGUAGES, Language, is_language_code
from .work import Work
from .problems import InvalidInput, Problem

DEFAULT_REGIONS = (
    "africa",
    "arab",
    "asia-pacific",
    "latin-america-caribbean",
    "central-europe-baltic",
    "central-asia-caucasus-eastern-europe",
    "global",
)


class GitTarget(BaseModel):
    """Publish onto a branch of a git remote (GitHub Pages, or any host serving a branch)."""

    model_config = ConfigDict(extra="forbid")

    remote: str = "origin"  # a remote of the repository (`git remote -v` lists them)
    branch: str = "gh-pages"

    @field_validator("remote", "branch")
    @classmethod
    def _git_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", value) or ".." in value or value.endswith((".lock", "/")):
            raise ValueError(f"{value!r} is not a git remote or branch name (like origin, gh-pages)")
        return value


class SshTarget(BaseModel):
    """Publish to a web server over SSH: each publish a new release folder under `path`,
    filled with rsync, then `path/current` switched to it at once (the web server serves
    `path/current`); the last `keep` releases stay, for `webinars publish --rollback`."""

    model_config = ConfigDict(extra="forbid")

    host: str  # a host name or address, or a `Host` of the ssh configuration
    path: str  # the folder on the server that holds releases/ and current
    user: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    config: str | None = None  # an ssh_config file to use instead of ~/.ssh/config (relative to the repository)
    keep: int = Field(default=5, ge=2)

    @field_validator("host", "user")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", value):
            raise ValueError(f"{value!r} is not a host or user name (letters, digits, '.', '-', '_')")
        return value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not re.fullmatch(r"/[A-Za-z0-9_./-]*", value) or ".." in value.split("/") or value.rstrip("/") == "":
            raise ValueError(f"{value!r} is not an absolute folder of the server (like /srv/webinars): letters, "
                             "digits, '.', '-', '_' and '/' only")
        return value.rstrip("/")


class PublishSettings(BaseModel):
    """Where `webinars publish` puts the site: a git branch, or a web server over SSH."""

    model_config = ConfigDict(extra="forbid")

    git: GitTarget | None = None
    ssh: SshTarget | None = None


class Settings(BaseModel):
    """The ``webinars:`` section of ``_config.yml``."""

    model_config = ConfigDict(extra="forbid")

    languages: list[str] = Field(default_factory=lambda: list(UN_LANGUAGES))
    default_language: str = "en"
    regions: list[str] = Field(default_factory=lambda: list(DEFAULT_REGIONS))
    # At most this many webinars a year (the strategy's rule iv): `webinars check` warns beyond.
    webinars_per_year: int = Field(default=6, ge=1)
    site_title: dict[str, str] = Field(default_factory=dict)
    organisation: dict[str, str] = Field(default_factory=dict)
    # The e-mail address of each regional group's coordinator (group id -> address), to whom
    # the request form of the page "How to propose a topic" addresses a delegate's request.
    coordinators: dict[str, str] = Field(default_factory=dict)
    # The organisation's units that organise webinars: an id and a name per language.
    units: dict[str, dict[str, str]] = Field(default_factory=dict)
    content_dir: str = "content"
    pages_dir: str = "book/pages"
    notebooks_dir: str = "book/notebooks"
    locales_dir: str = "book/locales"
    templates_dir: str = "book/_templates"
    static_dir: str = "book/_static"
    output_dir: str = "_build/site"
    work_dir: str = "_build/work"
    base_url: str = ""
    # The picture of a shared link to any page (Open Graph's og:image, X's large card): a PNG
    # or JPEG file in static_dir, 1200 x 630 pixels at best. Given only with base_url (the
    # picture's address must be absolute); empty: no picture.
    share_image: str = "share.png"
    # Where `webinars publish` puts the built site (see docs/publishing.md).
    publish: PublishSettings = Field(default_factory=PublishSettings)

    @field_validator("share_image")
    @classmethod
    def _share_image(cls, value: str) -> str:
        if value and (not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(png|jpe?g)", value) or ".." in value):
            raise ValueError(f"{value!r} is not the name of a PNG or JPEG file in static_dir (like share.png): "
                             "put the picture in book/_static/ and give its name")
        return value

    @field_validator("languages")
    @classmethod
    def _site_languages(cls, value: list[str]) -> list[str]:
        bad = [code for code in value if code not in UN_LANGUAGES]
        if bad:
            raise ValueError(
                f"{', '.join(bad)} is not a site language; use some of {', '.join(UN_LANGUAGES)}"
            )
        if not value:
            raise ValueError("list at least one site language")
        return value

    @field_validator("site_title", "organisation")
    @classmethod
    def _title_languages(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [code for code in value if not is_language_code(code)]
        if bad:
            raise ValueError(f"{', '.join(bad)} is not a language code")
        return value

    @field_validator("coordinators")
    @classmethod
    def _coordinators(cls, value: dict[str, str]) -> dict[str, str]:
        from .names import GROUPS

        for group, address in value.items():
            if group not in GROUPS or group == "secretariat":
                raise ValueError(f"{group}: not a regional group; use one of "
                                 f"{', '.join(g for g in GROUPS if g != 'secretariat')}")
            if not re.fullmatch(r"[^@\s<>\"?&,;/]+@[^@\s<>\"?&,;/]+\.[^@\s<>\"?&,;/]+", address):
                raise ValueError(f"{group}: {address!r} is not an e-mail address")
        return value

    @field_validator("units")
    @classmethod
    def _unit_names(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for unit, names in value.items():
            bad = [code for code in names if not is_language_code(code)]
            if bad:
                raise ValueError(f"{unit}: {', '.join(bad)} is not a language code")
            if not names:
                raise ValueError(f"{unit}: give its name in at least one language, like `en: ...`")
        return value


class Config:
    """Typed view of ``_config.yml``: our settings plus Jupyter Book's own keys."""

    def __init__(self, root: Path, settings: Settings, book: dict[str, Any]) -> None:
        self.root = root
        self.settings = settings
        self.book = book  # everything but our own key, for Jupyter Book

    @property
    def languages(self) -> list[Language]:
        return [Language(code) for code in self.settings.languages]

    @property
    def default_language(self) -> Language:
        return Language(self.settings.default_language)

    def language(self, code: str) -> Language:
        return Language(code)

    def page_language(self, code: str) -> str:
        """The site language whose pages carry what is in language `code` (a transcript):
        `code` itself if the site has it, else the default language."""
        return code if code in self.settings.languages else self.settings.default_language

    def title(self, lang: str) -> str:
        titles = self.settings.site_title
        return titles.get(lang) or titles.get(self.settings.default_language) or self.book.get(
            "title", "Webinars"
        )

    def organisation(self, lang: str) -> str:
        names = self.settings.organisation
        return names.get(lang) or names.get(self.settings.default_language) or self.book.get("author", "")

    def unit(self, unit: str, lang: str) -> str:
        """A configured unit's name in `lang`, else in the default language, else any."""
        names = self.settings.units[unit]
        return names.get(lang) or names.get(self.settings.default_language) or next(iter(names.values()))

    def path(self, name: str) -> Path:
        return self.root / getattr(self.settings, name)

    @property
    def work(self) -> Work:
        """The work folder: what a build keeps for the next one."""
        return Work(self.path("work_dir"))


def _myst_extension_problems(book: dict[str, Any]) -> list[Problem]:
    """MyST syntax that would let content run code or carry HTML is refused (content is data)."""
    from .content.policy import MYST_EXTENSIONS

    wanted = ((book.get("parse") or {}) if isinstance(book.get("parse"), dict) else {}).get("myst_enable_extensions")
    if not isinstance(wanted, list):
        return []
    return [Problem("_config.yml", None, "parse.myst_enable_extensions",
                    f"{name!r} is not allowed: content is data, never a template or HTML; use some of "
                    f"{', '.join(MYST_EXTENSIONS)}")
            for name in wanted if name not in MYST_EXTENSIONS]


# libyaml's parser when PyYAML has it (its wheels do): the same results, ten times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_config(root: Path) -> Config:
    """Read ``_config.yml`` once; raise :class:`InvalidInput` with every problem found."""
    path = root / "_config.yml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
    except FileNotFoundError:
        raise InvalidInput([Problem("_config.yml", None, "", "file not found: run from the repository root")])
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InvalidInput(
            [Problem("_config.yml", None if line is None else line + 1, "", f"not valid YAML: {exc}")]
        )
    section = data.pop("webinars", None) or {}
    try:
        settings = Settings.model_validate(section)
    except ValidationError as exc:
        raise InvalidInput(
            [
                Problem("_config.yml", None, "webinars." + ".".join(map(str, e["loc"])), e["msg"])
                for e in exc.errors()
            ]
        )
    problems = _myst_extension_problems(data)
    if settings.default_language not in settings.languages:
        problems.append(
            Problem("_config.yml", None, "webinars.default_language",
                    f"{settings.default_language!r} is not in webinars.languages; add it or pick one listed")
        )
    if settings.share_image and not (root / settings.static_dir / settings.share_image).is_file():
        problems.append(
            Problem("_config.yml", None, "webinars.share_image",
                    f"{settings.static_dir}/{settings.share_image} is not a file: put the picture there, "
                    "or set share_image to \"\" for none")
        )
    if problems:
        raise InvalidInput(problems)
    return Config(root, settings, data)
