"""The theme's stylesheet without the rules no page of this site can use: ``make styles``.

    python scripts/theme_css.py          # write book/_static/styles/theme-used.css
    python scripts/theme_css.py --check  # exit 1 when that file is not what it would write

pydata-sphinx-theme's stylesheet holds all of Bootstrap 5 (buttons, carousels, modals, toasts,
every utility class at every breakpoint) and the rules for extensions this site does not use:
64 KB compressed of the 89 KB every page downloads. PurgeCSS (npm, pinned in package.json,
installed with ``npm ci``) keeps each rule whose class names, ids and element names all occur
somewhere in the sources that can write HTML on a page of this site:

* the themes' templates and scripts (the scripts add classes such as ``show`` at run time);
* the Python of docutils, Sphinx, MyST, myst-nb, sphinx-design and pandas' HTML writer, which
  write the classes of everything an author's Markdown or a notebook becomes;
* the other stylesheets joined with it (sphinx-design's, myst-nb's, Sphinx's, the book
  theme's), whose class names stand for the classes their extensions write, even those they
  build from parts (``sd-bg-`` + a colour);
* this repository's templates, scripts, notebooks and code.

It does not read the content: the kept rules do not depend on the webinars, so the file is
made once, here, and committed; a build needs no Node.js. It changes when a pinned theme or
extension changes, or a template starts using a class the theme styles: the test suite runs
``--check`` and says to run ``make styles`` then. Attribute selectors (the dark mode's
``html[data-theme=dark]``) are kept by PurgeCSS when their attribute is written somewhere,
as the theme's script writes it. The classes an author may give an image for one colour
scheme (``only-dark``, ``only-light``) are kept always. tests/test_browser.py checks, on
every page of the test sites, that no rule left out matches an element of the page.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURGECSS = ROOT / "node_modules" / ".bin" / "purgecss"
OUTPUT = ROOT / "book" / "_static" / "styles" / "theme-used.css"
THEME_CSS = "theme/pydata_sphinx_theme/static/styles/pydata-sphinx-theme.css"
# Package -> (folder, suffixes) of the files that can write HTML or name the classes written.
SOURCES = {
    "pydata_sphinx_theme": ("", (".html", ".py", ".js")),
    "sphinx_book_theme": ("", (".html", ".py", ".js", ".css")),
    "sphinx_design": ("", (".py", ".css")),
    "myst_nb": ("", (".py", ".js", ".css")),
    "myst_parser": ("", (".py",)),
    "docutils": ("", (".py",)),
    "sphinx": ("", (".py", ".html", ".js", ".css", ".css_t")),
    "pandas": ("io/formats", (".py", ".tpl")),
}
# Not book/**/*.css: the file written here would keep its own rules.
OURS = {"scripts/webinars": (".py", ".html"), "book": (".html", ".js", ".py", ".ipynb"),
        "book/_static/webinars.css": ()}
# Scripts no page loads: Bootstrap's (book/_templates/layout.html leaves it out; it names every
# Bootstrap component) and Font Awesome's (icons are inline SVG).
NOT_LOADED = ("bootstrap.js", "fontawesome.js")
SAFELIST = ("only-dark", "only-light")


def _package(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{name} is not installed: run this with the project's Python (.venv/bin/python)")
    return Path(next(iter(spec.submodule_search_locations)))


def used_css() -> str:
    """The theme's stylesheet as PurgeCSS leaves it, with a header saying where it comes from."""
    if not PURGECSS.exists():
        sys.exit(f"{PURGECSS.relative_to(ROOT)} is missing: run `npm ci --ignore-scripts` (or `make test`) first")
    theme = _package("pydata_sphinx_theme")
    folders = [(_package(name) / folder, suffixes) for name, (folder, suffixes) in SOURCES.items()]
    folders += [(ROOT / folder, suffixes) for folder, suffixes in OURS.items()]
    content = sorted(str(path) for folder, suffixes in folders
                     for path in ([folder] if folder.is_file() else folder.rglob("*"))
                     if path.is_file() and (not suffixes or path.suffix in suffixes)
                     and path.name not in NOT_LOADED and path != OUTPUT)
    # No --output: the CLI prints [{"css": ..., "file": ...}] as JSON.
    result = subprocess.run([str(PURGECSS), "--css", str(theme / THEME_CSS), "--content", *content,
                             "--safelist", *SAFELIST],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"purgecss failed:\n{result.stderr}")
    (purged,) = json.loads(result.stdout)
    import pydata_sphinx_theme

    header = (f"/* pydata-sphinx-theme {pydata_sphinx_theme.__version__}'s stylesheet without the rules no "
              "page of this site can use.\n   Written by `make styles` (scripts/theme_css.py): do not edit. */\n")
    return header + purged["css"].strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether the committed file is current")
    args = parser.parse_args(argv)
    css = used_css()
    name = OUTPUT.relative_to(ROOT)
    if args.check:
        if not OUTPUT.is_file() or OUTPUT.read_text(encoding="utf-8") != css:
            print(f"{name} is not what the theme and the templates give now: run `make styles` and commit it")
            return 1
        print(f"{name} is current")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(css, encoding="utf-8")
    print(f"wrote {name} ({len(css.encode()) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
