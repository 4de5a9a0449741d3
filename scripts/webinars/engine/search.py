"""Search: Pagefind's index of each language's pages, and the search page that asks it.

Sphinx's own search is off: its index (205-270 KB at 300 webinars) loaded on every page,
its Chinese index was split by jieba but the query was not (许可费率 found nothing), and
its snippets began with the language menu. Instead, once a language's pages are written,
Pagefind (`pagefind[extended]` from PyPI: the binary, which splits Chinese) indexes
them (:class:`Indexes`, while the other languages build) into the language's work folder,
published as ``<lang>/pagefind/``; the search page (``book/_templates/search.html`` and
``_static/search.js``) loads that index only when a visitor searches. Its filters' values
and counts are written with the page (late parts, ``PageWriter.search_filters``), from the
same facts the pages give Pagefind.

What is indexed is what the pages mark (``data-pagefind-*`` attributes):

- the text of a page's article (``layout.html``), without the headings' "#" links and the
  parts marked ``data-pagefind-ignore``: a list page's items (each has its own page, which is the one to
  find), the notice of an untranslated page, the series' navigation, the feedback figures, the facts (a hidden paragraph holds what of them should be found: the
  speakers, a proposal's objective and audience);
- the filters a delegate needs, written by the facts templates: kind (webinar, topic),
  status, region, language, year, scope, in the page's language; the date and status
  shown in a result (``data-pagefind-meta``), and the date results can be sorted by.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..fingerprints import stat_digest
from ..work import write_atomic

if TYPE_CHECKING:
    from ..work import Work

# Pagefind writes these too; the search page uses none of them (it is built on pagefind.js).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
BUNDLE = "pagefind"


def setup(app) -> None:
    app.connect("builder-inited", _without_sphinx_search)
    app.connect("html-collect-pages", _search_page)


def _without_sphinx_search(app) -> None:
    """No search index, search scripts or search page of Sphinx's (and no index left by a
    build made before, when Sphinx's search was on)."""
    if hasattr(app.builder, "search"):
        app.builder.search = False
        (Path(app.outdir) / "searchindex.js").unlink(missing_ok=True)


def _search_page(app):
    """The search page, as Sphinx wrote it when its search was on (``search.html``)."""
    if getattr(app.builder, "format", "") == "html":
        yield "search", {}, "search.html"


def index(html: Path, into: Path, stamp: Path) -> list[str]:
    """Pagefind's index of the pages in `html` (one language's site), in the folder `into`;
    what went wrong, if anything. The index before stays until the new one is complete.

    `stamp` records which pages the index was made of (names, sizes and times) and how:
    pages that have not changed since are not indexed again."""
    new = into.with_name(into.name + ".new")
    command = [sys.executable, "-m", "pagefind", "--site", str(html), "--output-path", str(new),
               "--exclude-selectors", ".headerlink", "--silent"]
    made_of = f"{stat_digest((html,))}\n{_version()}\n{command}"
    if (into / "pagefind.js").is_file() and stamp.is_file() and stamp.read_text() == made_of:
        return []
    shutil.rmtree(new, ignore_errors=True)
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        return [f"ERROR: the search index could not be made: {exc}"]
    if result.returncode != 0 or not (new / "pagefind.js").is_file():
        shutil.rmtree(new, ignore_errors=True)
        said = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
        return [f"ERROR: Pagefind could not index the pages in {html}: {said}"]
    for name in _UNUSED:
        (new / name).unlink(missing_ok=True)
    old = into.with_name(into.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if into.exists():
        os.rename(into, old)
    os.rename(new, into)
    shutil.rmtree(old, ignore_errors=True)
    write_atomic(stamp, made_of)
    return []


def _version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin_extended")
    except importlib.metadata.PackageNotFoundError:
        return ""


class Indexes:
    """The search indexes of the languages' pages, each made as soon as its language is
    built (while the others build: a language's process goes on to the next one), and
    handed to `stage` (``stage(lang, index)``) once made. Threads are enough: Pagefind
    runs as a process of its own."""

    def __init__(self, work: Work, stage: Callable[[str, Path], None], jobs: int | None = None) -> None:
        self.work, self.stage = work, stage
        self.pool = ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1, thread_name_prefix="search-index")
        self.made: dict[str, Future] = {}

    def start(self, lang: str) -> None:
        """Index `lang`'s built pages, then stage the index."""
        self.made[lang] = self.pool.submit(self._make, lang)

    def _make(self, lang: str) -> list[str]:
        here = self.work.language(lang)
        problems = index(here.html, here.search, here.search_stamp)
        if not problems:
            try:
                self.stage(lang, here.search)
            except Exception as exc:  # a full disk, a defect of ours
                problems = [f"ERROR: putting the {lang} search index into the site failed: "
                            f"{type(exc).__name__}: {exc}"]
        return problems

    def wait(self) -> dict[str, list[str]]:
        """Wait for every index started; what went wrong with each, by language."""
        self.pool.shutdown(wait=True)
        return {lang: made.result() for lang, made in self.made.items()}


def comparable(files: dict[str, bytes]) -> dict[str, bytes]:
    """`files` (a site's, path -> content) with Pagefind's filter files made comparable.

    Pagefind writes the values of each filter in a different order on every run (a Rust
    HashMap's), so the filter files, and the two files that name them by their checksums
    (``pagefind-entry.json``, ``pagefind.*.pf_meta``), differ between two indexes of the
    same pages; the words' index and the pages' fragments do not. Here a filter file is
    its decompressed bytes in sorted order, under a name that does not depend on its
    checksum, and the two naming files are kept by name only: what tells whether a rebuild
    equals a clean build (tests, benchmarks/run.py)."""
    import gzip
    import re

    out: dict[str, bytes] = {}
    filters: dict[str, list[bytes]] = {}
    for path, data in files.items():
        folder, _, name = path.rpartition("/")
        if folder.endswith(f"{BUNDLE}/filter") and name.endswith(".pf_filter"):
            filters.setdefault(folder, []).append(bytes(sorted(gzip.decompress(data))))
        elif folder.endswith(BUNDLE) and (name == "pagefind-entry.json" or name.endswith(".pf_meta")):
            out[folder + "/" + re.sub(r"_[0-9a-f]+(?=\.pf_meta$)", "", name)] = b""
        else:
            out[path] = data
    for folder, contents in filters.items():
        out.update({f"{folder}/{number}": data for number, data in enumerate(sorted(contents))})
    return out
