"""The content stage: everything the site is made from, loaded and validated at once."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from ..config import Config
from ..fingerprints import Fingerprints
from ..messages import heading_display, heading_names
from ..problems import InvalidInput, Problem
from ..work import Memo
from .catalogue import Catalogue
from .loader import load_content, load_pages
from .models import Page
from .notebooks import NotebookSource, load_notebooks
from .planning import planning_warnings


@dataclass(frozen=True)
class Content:
    """What the site is made from, valid."""

    catalogue: Catalogue  # the webinars and topics
    pages: dict[str, Page]  # the hand-written pages (book/pages), by name
    notebooks: list[NotebookSource]  # the notebook pages' sources (book/notebooks)
    warnings: list[Problem]  # what is worth a look but builds
    heading_names: dict[str, set[str]]  # headings that mark a section, in every language


def load(config: Config, fingerprints: Fingerprints | None = None, today: dt.date | None = None) -> Content:
    """Load and validate everything; raise :class:`InvalidInput` listing every error.

    With `fingerprints`, a content folder unchanged since the last build is taken as it
    loaded it (with the problems it had). The plan's warnings are as of `today` (default:
    the machine's date).
    """
    names = heading_names(config.languages, config.path("locales_dir"))
    memo, keys = None, None
    if fingerprints is not None:
        memo = Memo(config.work.loaded_folders)
        # A folder's load depends on its files and on everything that is not content.
        keys = {name: hashlib.sha256(f"{fingerprints.rest}\0{digest}".encode()).hexdigest()
                for name, digest in fingerprints.folders.items()}
    catalogue, problems = load_content(config, names["summary"], memo, keys)
    if memo is not None and memo.changed():
        memo.save()
    pages, page_problems = load_pages(config.path("pages_dir"), config)
    notebooks = load_notebooks(config.path("notebooks_dir"), page_problems)
    everything = problems.items + page_problems.items
    errors = sorted(p for p in everything if p.severity == "error")
    if errors:
        raise InvalidInput(errors)
    everything += planning_warnings(catalogue, config, heading_display(config.languages, config.path("locales_dir")),
                                    today)
    return Content(catalogue, pages, notebooks, sorted(p for p in everything if p.severity != "error"), names)
