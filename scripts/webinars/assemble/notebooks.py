"""Notebook pages: ``book/notebooks/*.md`` (MyST notebooks) placed in each language's tree.

Each copy starts with a cell that opens the site for its language. That cell holds
the language and a fingerprint of everything the notebook reads, so the execution
cache (keyed on the code cells) can never serve one language's or old content's
output for another, and unchanged content executes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import Config
from ..content import frontmatter
from ..problems import Problems
from . import myst, urls
from .messages import Messages
from .pages import Document, Origin, SourcePage

SETUP_CELL = '''```{{code-cell}} python
:tags: [remove-cell]
# Written by the build for this language version of the site.
from webinars.notebooks import open_site

site = open_site(root={root!r}, lang={lang!r}, content_key={key!r})
```
'''


@dataclass(frozen=True)
class NotebookSource:
    name: str  # the page: book/notebooks/topic-list.md becomes <lang>/topic-list/
    path: str  # for messages, relative to the repository
    title: str  # a message id, translated per language
    meta: dict
    body: str
    body_line: int


def load_notebooks(folder: Path, problems: Problems) -> list[NotebookSource]:
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            parsed = frontmatter.parse(path.read_text(encoding="utf-8"))
        except frontmatter.FrontmatterError as exc:
            problems.error(path, exc.line, "", exc.message)
            continue
        meta = dict(parsed.data)
        title = meta.pop("title", None)
        if not title or "kernelspec" not in meta:
            problems.error(path, 2, "title" if not title else "kernelspec",
                           "a notebook page needs `title:` and `kernelspec:` in its frontmatter")
            continue
        found.append(NotebookSource(path.stem, problems.relative(path), title, meta, parsed.body,
                                    parsed.body_line))
    return found


def notebook_page(notebook: NotebookSource, messages: Messages, root: Path, key: str) -> SourcePage:
    url = urls.page(notebook.name)
    # Wide tables, and nothing for an "on this page" list: give the page the whole width.
    meta = {**notebook.meta, "content_lang": messages.code,
            "html_theme": {"sidebar_secondary": {"remove": True}}}
    title = messages.gettext(notebook.title)
    head = myst.frontmatter(meta) + f"\n# {myst.text(title)}\n\n"
    head += SETUP_CELL.format(root=str(root.resolve()), lang=messages.code, key=key) + "\n"
    start = head.count("\n") + 1
    document = Document(messages.code, notebook.title, notebook.body, notebook.path, notebook.body_line)
    origin = Origin(document.path, start, notebook.body_line, len(notebook.body.splitlines()))
    return SourcePage(url, head + notebook.body, origin, title, messages.code)
