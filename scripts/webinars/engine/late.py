"""Late parts: what a page shows of other pages, filled in once Sphinx has written the page.

A page's source holds an empty pair of markers where each of its late parts goes (see
:mod:`webinars.assemble.pages`). So the lists, a series' parts and a topic's progression
are no part of any page's source: adding a webinar changes the source of the new page
only, and Sphinx reads and writes that page again, not every page that lists it. The
pages whose late parts changed are filled in again here, in the language's process,
before its pages go into the site.

A page is filled in when Sphinx has just written it, or when its late parts differ from
those it was last filled with (kept beside the language's doctrees). The built page is
the same either way: a clean build fills in every page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..assemble.pages import late_markers
from ..work import Memo


def fill_late_parts(out: Path, pages: dict[str, dict[str, str]], written: set[str], filled: Memo) -> list[str]:
    """Fill in the late parts of the pages built into `out` that need it, and record them.

    `pages` gives each page's late parts (docname -> name -> HTML), `written` the pages
    Sphinx wrote in this build, `filled` what each page was last filled in with (read
    before Sphinx wrote anything, then forgotten: should the build fail half-way, the
    next one fills every page in). Returns a message for each page that could not be
    filled in.
    """
    problems = []
    for docname, parts in pages.items():
        if docname in written:
            filled.kept.pop(docname, None)  # Sphinx wrote it without its parts
        path = out / _output_file(docname)

        def fill() -> None:
            text = path.read_text(encoding="utf-8")
            new = _fill(text, parts)
            if new != text:
                path.write_text(new, encoding="utf-8")

        try:
            filled.get(docname, _digest(parts), fill)
        except (OSError, ValueError) as exc:
            problems.append(f"{path}: ERROR: the lists of this page could not be filled in: {exc}")
    filled.save()
    return problems


def _fill(text: str, parts: dict[str, str]) -> str:
    for name, html in parts.items():
        start, end = late_markers(name)
        at = text.find(start)
        stop = text.find(end, at + len(start)) if at >= 0 else -1
        if stop < 0:
            raise ValueError(f"the built page has no place for its part {name!r}")
        text = text[:at + len(start)] + html + text[stop:]
    return text


def _digest(parts: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name, html in sorted(parts.items()):
        digest.update(f"{name}\0{html}\0".encode())
    return digest.hexdigest()


def _output_file(docname: str) -> str:
    """Where Sphinx's ``dirhtml`` builder writes a page."""
    if docname == "index" or docname.endswith("/index"):
        return f"{docname}.html"
    return f"{docname}/index.html"
