"""What the site's notebooks call: each cell calls one function here and shows its result.

A notebook starts with ``site = open_site(root, lang, content_key)``; the assembly
stage writes that cell, so that the execution cache's key (the code cells) holds
the language and a fingerprint of everything the notebook reads.
"""

from __future__ import annotations

import operator
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import tables
from ..messages import Messages, heading_names, messages_for
from ..assemble.pages import PageWriter
from ..config import Config, load_config
from ..content.catalogue import Catalogue
from ..content.loader import load_content, load_pages
from ..work import Latest, Work


@dataclass
class NotebookSite:
    """The loaded content seen from one language version of the site."""

    config: Config
    catalogue: Catalogue
    messages: Messages
    writer: PageWriter

    @property
    def lang(self) -> str:
        return self.messages.code

    @cached_property
    def topic_list(self) -> pd.DataFrame:
        return _topic_list(self.catalogue)

    def table(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A table that does not depend on the language, made once for this content (see
        :func:`_table`): read it, never change it."""
        return _table(self.catalogue, name, make)


def open_site(root: str, lang: str, content_key: str = "") -> NotebookSite:
    """Load the content for a notebook.

    `content_key` is the fingerprint of the content, catalogues and package: it puts
    them into the cell's text, and so into the execution cache's key. During a build
    the pipeline has saved what it loaded under that key; a notebook run by hand
    (no key) loads the content itself.
    """
    config = load_config(Path(root))
    names = heading_names(config.languages, config.path("locales_dir"))
    snapshot = Work(config.path("work_dir")).snapshot(content_key) if content_key else None
    if snapshot is not None and snapshot.is_file():
        catalogue, pages = _saved(snapshot)
    else:
        catalogue, problems = load_content(config, names["summary"])
        if problems.errors:
            raise ValueError("the content is not valid: run `make check`\n" + "\n".join(map(str, problems.errors)))
        pages, _ = load_pages(config.path("pages_dir"), config)
    messages = messages_for(config.language(lang), config.path("locales_dir"))
    return NotebookSite(config, catalogue, messages, PageWriter(catalogue, config, messages, names, pages,
                                                                   defer_late=False))


def save_downloads(root: str, content_key: str, path: str) -> None:
    """Write the site's downloads made from the content a build saved under `content_key`
    (see :func:`webinars.finish.site.downloads`) to `path`, for the build to stage.

    A build's kernel runs this once its notebooks have run: it has pandas imported and the
    content and topic list loaded, so the build's own process need not import pandas
    (0.3 s) only for these files."""
    from ..finish.site import downloads, save_made_downloads

    config = load_config(Path(root))
    catalogue, _pages = _saved(Work(config.path("work_dir")).snapshot(content_key))
    save_made_downloads(Path(path), content_key, downloads(config, catalogue, _topic_list(catalogue)))


def _topic_list(catalogue: Catalogue) -> pd.DataFrame:
    """The content's topic list, made once for every language's notebooks (see `_table`)."""
    return _table(catalogue, "topic list", lambda: tables.topic_list(catalogue))


# The content a build saved, as last read by this process: a kernel runs the notebooks of
# every language of a build one after another, and they all read the same content.
# What they are given is shared between them, and read only.
_SAVED: Latest[tuple, tuple[Catalogue, dict]] = Latest()


def _saved(snapshot: Path) -> tuple[Catalogue, dict]:
    state = snapshot.stat()

    def read() -> tuple[Catalogue, dict]:
        with snapshot.open("rb") as handle:
            return pickle.load(handle)

    return _SAVED.get((str(snapshot), state.st_mtime_ns, state.st_size, state.st_ino), read)


# Tables that do not depend on the language, made from the content last given to a
# notebook: a kernel runs every language's notebooks one after another on the same
# content (see `_saved`), and made them six times, 27 ms each at 300 webinars.
_TABLES: Latest[Catalogue, dict[str, pd.DataFrame]] = Latest(same=operator.is_)


def _table(catalogue: Catalogue, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    made = _TABLES.get(catalogue, dict)
    if name not in made:
        made[name] = make()
    return made[name]


class HTML:
    """A rendered fragment: shown as HTML by Jupyter and by the site's build."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html
