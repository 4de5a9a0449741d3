"""Search: Pagefind's index of each language's pages, and the search page that asks it.

Sphinx's own search is off: its index (205-270 KB at 300 webinars) loaded on every page,
its Chinese index was split by jieba but the query was not (许可费率 found nothing), and
its snippets began with the language menu. Instead, once a language's pages are written,
Pagefind (`pagefind[extended]` from PyPI: the binary, which splits Chinese) indexes
them into ``<lang>/pagefind/``; the search page (``book/_templates/search.html`` and
``_static/search.js``) loads that index only when a visitor searches.

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

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def index(out: Path) -> list[str]:
    """Pagefind's index of the pages in `out` (one language's site), in `out`/pagefind/;
    what went wrong, if anything. The index before stays until the new one is complete."""
    new = out / f".{BUNDLE}-new"
    shutil.rmtree(new, ignore_errors=True)
    try:
        result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--output-path", str(new),
                                 "--exclude-selectors", ".headerlink", "--silent"], capture_output=True, text=True, check=False)
    except OSError as exc:
        return [f"ERROR: the search index could not be made: {exc}"]
    if result.returncode != 0 or not (new / "pagefind.js").is_file():
        shutil.rmtree(new, ignore_errors=True)
        said = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
        return [f"ERROR: Pagefind could not index the pages in {out}: {said}"]
    for name in _UNUSED:
        (new / name).unlink(missing_ok=True)
    old = out / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if (out / BUNDLE).exists():
        os.rename(out / BUNDLE, old)
    os.rename(new, out / BUNDLE)
    shutil.rmtree(old, ignore_errors=True)
    return []


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
