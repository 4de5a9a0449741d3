"""Digests of the files a build reads: to tell what changed since the last build."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .config import Config

_TEXT = {".md", ".yml", ".yaml", ".csv", ".po", ".py", ".html", ".json", ".txt"}


@dataclass(frozen=True)
class Fingerprints:
    """Digests of what the site is made from."""

    key: str  # everything: content, pages, catalogues, notebooks, configuration, package
    rest: str  # everything but the content folders
    folders: dict[str, str]  # each content folder ("webinars/<id>", "topics/<id>") on its own
    shared: str = ""  # what every language's build depends on besides its pages (see `fingerprint`)
    site: str = ""  # everything the published site is made from
    # What the notebooks read: `key`, but of each page file (index*.md) only its facts (the
    # frontmatter). A summary or an answer edited runs no notebook and leaves their pages as
    # they were; the topic list, the series and the report show no text of a body.
    notebooks: str = ""


# The libraries whose versions every language's pages depend on.
ENGINE_PACKAGES = ("jupyter-book", "sphinx", "sphinx-book-theme", "pydata-sphinx-theme", "myst-nb")


def fingerprint(config: Config) -> Fingerprints:
    """Digests of everything a build of the site reads: the content, and (`shared`) the
    templates, static files, this package and the engine's libraries, which every page
    depends on. Slides and other media count by their size and time (see `file_digest`),
    the templates, static files and package by their files' times (`stat_digest`)."""
    from importlib.metadata import version

    found = content_fingerprints(config, config.path("notebooks_dir"))
    package = Path(__file__).resolve().parent
    shared = stat_digest((config.path("templates_dir"), config.path("static_dir"), package)) + \
        ",".join(version(name) for name in ENGINE_PACKAGES)
    site = "\n".join([found.key, shared, (config.root / "_toc.yml").read_bytes().hex()])
    return Fingerprints(found.key, found.rest, found.folders, shared, site, found.notebooks)


def content_fingerprints(config: Config, notebooks_dir: Path) -> Fingerprints:
    package = Path(__file__).resolve().parent
    rest = hashlib.sha256()
    for source in [config.path("pages_dir"), config.path("locales_dir"), notebooks_dir, package,
                   config.root / "_config.yml"]:
        for file in files(source):
            rest.update(file_digest(file))
    content = config.path("content_dir")
    folders: dict[str, hashlib._Hash] = {}
    loose = hashlib.sha256()  # files directly in content/ or content/<kind>/
    facts = hashlib.sha256(rest.hexdigest().encode())  # what the notebooks read (see Fingerprints)
    for file in files(content):
        parts = file.relative_to(content).parts
        digest = file_digest(file)
        if len(parts) > 2:
            folders.setdefault(f"{parts[0]}/{parts[1]}", hashlib.sha256()).update(digest)
        else:
            loose.update(digest)
        facts.update(_facts_digest(file) if file.name.startswith("index") and file.suffix == ".md" else digest)
    digests = {name: digest.hexdigest() for name, digest in folders.items()}
    whole = hashlib.sha256(rest.hexdigest().encode() + loose.hexdigest().encode())
    for name in sorted(digests):
        whole.update(f"{name}\0{digests[name]}\n".encode())
    return Fingerprints(whole.hexdigest()[:16], rest.hexdigest(), digests, notebooks=facts.hexdigest()[:16])


def _facts_digest(file: Path) -> bytes:
    """A page file's frontmatter (the lines between the first two ``---``), digested; the
    whole file if it has none (it then fails to load, and nothing runs)."""
    text = file.read_bytes()
    end = text.find(b"\n---", 3) if text.startswith(b"---") else -1
    head = text[:end] if end >= 0 else text
    return file.as_posix().encode() + b"\0" + hashlib.sha256(head).digest() + b"\0"


def content_key(config: Config, notebooks_dir: Path) -> str:
    """Fingerprint of what a notebook's output depends on: the content's facts, pages,
    catalogues, configuration and the package that renders them."""
    return content_fingerprints(config, notebooks_dir).notebooks


def files(source: Path) -> list[Path]:
    """Every file under `source` (or `source` itself), in a stable order; compiled files aside."""
    if source.is_file():
        return [source]
    found: list[str] = []
    for folder, subfolders, names in os.walk(source):  # much faster than Path.rglob on large trees
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [os.path.join(folder, name) for name in names if not name.endswith((".pyc", ".mo"))]
    return [Path(name) for name in sorted(found)]


def file_digest(file: Path) -> bytes:
    if file.suffix in _TEXT:
        return file.as_posix().encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest() + b"\0"
    state = file.stat()  # slides and other media: their size and time, not megabytes read every build
    return f"{file.as_posix()}\0{state.st_size}\0{state.st_mtime_ns}\0".encode()


def stat_digest(paths: tuple[Path, ...]) -> str:
    """Names, sizes and modification times of every file under `paths` (no file is read)."""
    digest = hashlib.sha256()
    for root in paths:
        for file in files(Path(root)):
            state = file.stat()
            digest.update(f"{file}\0{state.st_size}\0{state.st_mtime_ns}\n".encode())
    return digest.hexdigest()
