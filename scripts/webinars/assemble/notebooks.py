"""Notebook pages: ``book/notebooks/*.md`` (MyST notebooks) placed in each language's tree.

Each copy starts with a cell that opens the site for its language. That cell holds
the language and a fingerprint of everything the notebook reads, so the execution
cache (keyed on the code cells) can never serve one language's or old content's
output for another, and unchanged content executes nothing.
"""

from __future__ import annotations

from pathlib import Path

from .. import urls
from ..content.notebooks import NotebookSource
from ..messages import Messages
from . import myst
from .pages import Document, Origin, SourcePage

SETUP_CELL = '''```{{code-cell}} python
:tags: [remove-cell]
# Written by the build for this language version of the site.
from webinars.notebooks import open_site

site = open_site(root={root!r}, lang={lang!r}, content_key={key!r})
```
'''


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
