"""Notebook pages: ``book/notebooks/*.md`` (MyST notebooks) placed in each language's tree.

Each copy starts with a cell that opens the site for its language. That cell holds
the language and a fingerprint of everything the notebook reads, so the execution
cache (keyed on the code cells) can never serve one language's or old content's
output for another, and unchanged content executes nothing.
"""

from __future__ import annotations

import hashlib
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


_TEXT = {".md", ".yml", ".yaml", ".csv", ".po", ".py", ".html", ".json", ".txt"}


@dataclass(frozen=True)
class Fingerprints:
    """Digests of what the site is made from."""

    key: str  # everything: content, pages, catalogues, notebooks, configuration, package
    rest: str  # everything but the content folders
    folders: dict[str, str]  # each content folder ("webinars/<id>", "topics/<id>") on its own


def content_fingerprints(config: Config, notebooks_dir: Path) -> Fingerprints:
    package = Path(__file__).resolve().parent.parent
    rest = hashlib.sha256()
    for source in [config.path("pages_dir"), config.path("locales_dir"), notebooks_dir, package,
                   config.root / "_config.yml"]:
        for file in _files(source):
            rest.update(_file_digest(file))
    content = config.path("content_dir")
    folders: dict[str, hashlib._Hash] = {}
    loose = hashlib.sha256()  # files directly in content/ or content/<kind>/
    for file in _files(content):
        parts = file.relative_to(content).parts
        if len(parts) > 2:
            folders.setdefault(f"{parts[0]}/{parts[1]}", hashlib.sha256()).update(_file_digest(file))
        else:
            loose.update(_file_digest(file))
    digests = {name: digest.hexdigest() for name, digest in folders.items()}
    whole = hashlib.sha256(rest.hexdigest().encode() + loose.hexdigest().encode())
    for name in sorted(digests):
        whole.update(f"{name}\0{digests[name]}\n".encode())
    return Fingerprints(whole.hexdigest()[:16], rest.hexdigest(), digests)


def content_key(config: Config, notebooks_dir: Path) -> str:
    """Fingerprint of what a notebook's output depends on: content, pages, catalogues,
    configuration and the package that renders them."""
    return content_fingerprints(config, notebooks_dir).key


def _files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if not source.is_dir():
        return []
    return sorted(p for p in source.rglob("*") if p.is_file() and p.suffix not in (".pyc", ".mo")
                  and "__pycache__" not in p.parts)


def _file_digest(file: Path) -> bytes:
    if file.suffix in _TEXT:
        return file.as_posix().encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest() + b"\0"
    state = file.stat()  # slides and other media: their size and time, not megabytes read every build
    return f"{file.as_posix()}\0{state.st_size}\0{state.st_mtime_ns}\0".encode()


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
