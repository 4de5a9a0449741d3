"""Fewer requests for a visitor's first view: the small stylesheets and head scripts that
every page loads (Sphinx's, the themes', sphinx-design's, myst-nb's and ours) joined into
one stylesheet and one script, in the order the pages loaded them.

A page loaded seven stylesheets (one through an ``@import``) and three head scripts, each a
round trip on a slow connection. The joined files are written when the first page is
written (Sphinx has copied the static files then), so that every page links them with
``?v=`` their checksum, as Sphinx does for its own files; and again once the build has
finished, for a part written late (myst-nb writes its stylesheet after the pages). A part
that is missing is left out and said in the build's log; a file not listed here keeps its
own link.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import zlib
from pathlib import Path

STYLES = "styles/webinars-site.css"
# styles/theme-used.css: pydata-sphinx-theme's stylesheet without the rules no page can use
# (scripts/theme_css.py, `make styles`), in its place.
STYLE_PARTS = ("basic.css", "styles/theme-used.css", "pygments.css", "styles/sphinx-book-theme.css",
               "mystnb.*.css", "webinars.css", "sphinx-design.min.css")
SCRIPTS = "scripts/webinars-head.js"
# back-to-top.js is ours (what the theme's bootstrap.js did for the page, without Bootstrap).
SCRIPT_PARTS = ("documentation_options.js", "doctools.js", "scripts/sphinx-book-theme.js", "back-to-top.js")

_URL = re.compile(r"""url\(\s*(['"]?)(?!data:|https?:|/|#)([^'")]+)\1\s*\)""")


def setup(app) -> None:
    app.connect("html-page-context", page_context, priority=600)
    # After the extensions that write a part then (pydata-sphinx-theme rewrites pygments.css,
    # myst-nb writes its stylesheet), at the default priority.
    app.connect("build-finished", write_bundles, priority=900)


def _static_name(filename: object) -> str | None:
    name = os.fspath(filename) if filename else ""
    return name.removeprefix("_static/") if name.startswith("_static/") else None


def _bundled(name: str | None, parts: tuple[str, ...]) -> bool:
    return name is not None and any(fnmatch.fnmatch(name, part) for part in parts)


def page_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's stylesheets and scripts without the bundled parts; the layout links the
    bundles (``webinars_styles``, ``webinars_scripts``: their addresses with ``?v=``)."""
    out = Path(app.outdir) / "_static"
    if not getattr(app.builder, "webinars_bundled", False):  # the parts are copied: join them now
        write_bundles(app, None)
        app.builder.webinars_bundled = True
    context["css_files"] = [css for css in context.get("css_files", ())
                            if not _bundled(_static_name(getattr(css, "filename", css)), STYLE_PARTS)]
    context["webinars_bundled_scripts"] = [
        js.filename for js in context.get("script_files", ())
        if _bundled(_static_name(getattr(js, "filename", None)), SCRIPT_PARTS)]
    for key, name in (("webinars_styles", STYLES), ("webinars_scripts", SCRIPTS)):
        context[key] = f"_static/{name}" + _checksum(out / name)


def write_bundles(app, exception) -> None:
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    static = Path(app.outdir) / "_static"
    _write(static, STYLES, STYLE_PARTS, css=True)
    _write(static, SCRIPTS, SCRIPT_PARTS, css=False)


def _write(static: Path, bundle: str, parts: tuple[str, ...], css: bool) -> None:
    from sphinx.util import logging

    pieces = []
    for part in parts:
        found = sorted(static.glob(part))
        if not found:
            logging.getLogger(__name__).info("webinars: %s has no %s (left out)", bundle, part)
        for path in found:
            text = path.read_text(encoding="utf-8")
            name = path.relative_to(static).as_posix()
            if css:
                text = _moved(text, name, bundle)
            pieces.append(f"/* {name} */\n{text.strip()}\n")
    joined = (";\n" if not css else "\n").join(pieces)
    target = static / bundle
    if not target.is_file() or target.read_text(encoding="utf-8") != joined:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(joined, encoding="utf-8")


def _moved(text: str, name: str, bundle: str) -> str:
    """`text` of the stylesheet `name`, with its relative ``url()``s made relative to `bundle`."""
    source, target = posixpath.dirname(name), posixpath.dirname(bundle)

    def rewrite(match: re.Match) -> str:
        address = posixpath.normpath(posixpath.join(source, match.group(2)))
        return f'url("{posixpath.relpath(address, target or ".")}")'

    return _URL.sub(rewrite, text)


def _checksum(path: Path) -> str:
    try:
        return f"?v={zlib.crc32(path.read_bytes()):08x}"
    except OSError:
        return ""
