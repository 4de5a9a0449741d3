"""The notebook pages' sources: ``book/notebooks/*.md`` (MyST notebooks), read and checked.

They are content like the rest: loaded with it (:func:`webinars.content.load.load`),
placed in each language's tree by :mod:`webinars.assemble.notebooks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..problems import Problems
from . import frontmatter


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
