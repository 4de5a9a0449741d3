"""What an author's text may hold: content is data, never code.

Every body (webinars, topics, the hand-written pages, and their translations) is read
here with MyST's own Markdown parser, the one the build uses, before anything is
built: ``webinars check`` and ``webinars build`` reject the same things, each with its
line. Allowed: Markdown, the directives and roles in :data:`DIRECTIVES` and
:data:`ROLES` (admonitions, figures and links by https:// address, tables,
sphinx-design dropdowns, tabs, cards and grids), links to web addresses, to a section
of the page or to another page (``.md``), and HTML comments. Rejected: raw HTML, every
other directive (``{raw}``, ``{eval-rst}``, ``{include}``, ``{literalinclude}``,
``{csv-table}``, ``{code-cell}``, …), options that read files or addresses (``:file:``,
``:url:``), links and images to files (a file is published only when the frontmatter
lists it), and links with any other scheme (``javascript:``, ``data:``, ``file:``).

The build checks the built documents again (:mod:`webinars.engine.extension`): with
docutils' ``raw_enabled`` and ``file_insertion_enabled`` off, and no HTML on a page
but the fragments our own templates made and signed (:func:`sign`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from pathlib import Path
from urllib.parse import urlsplit

from ..problems import Problems

# Directive -> does its content hold MyST (checked in turn)?
DIRECTIVES = {
    **dict.fromkeys(("admonition", "attention", "caution", "danger", "error", "hint", "important", "note",
                     "seealso", "tip", "warning", "topic", "sidebar", "margin", "epigraph", "pull-quote",
                     "highlights", "rubric", "figure", "image", "table", "list-table", "dropdown",
                     "tab-set", "tab-item", "card", "card-carousel", "grid", "grid-item",
                     "grid-item-card", "button-link", "button-ref"), True),
    **dict.fromkeys(("code-block", "code", "sourcecode"), False),  # shown as code, never run
}
ROLES = {"abbr", "sub", "sup", "subscript", "superscript", "kbd", "guilabel", "menuselection", "samp",
         "emphasis", "strong", "literal", "code", "doc", "ref", "term", "octicon"}
# sphinx-design's badges; the ones that link (bdg-link-*) take an address, like a link.
_BADGE = re.compile(r"^bdg(?:-ref)?-(?:primary|secondary|success|info|warning|danger|light|muted|dark|white"
                    r"|black)(?:-line)?$")
# Options that read a file or fetch an address when the page is built.
_FORBIDDEN_OPTIONS = {"file", "url", "encoding"}
# Options whose value becomes a link on the page, or an image (sphinx-design's cards).
_LINK_OPTIONS = {"target", "link"}
_IMAGE_OPTIONS = {"img-top", "img-bottom", "img-background"}
# Directives whose argument is an address.
_ADDRESS_ARGUMENT = {"image": "image", "figure": "image", "button-link": "link"}
LINK_SCHEMES = {"http", "https", "mailto"}
# An HTML comment a browser cannot end early (`--!>`) or turn into markup.
_COMMENT = re.compile(r"^\s*<!--(?![->])(?:(?!--)[^<>])*-->\s*$")
# C0 control characters other than tab, line feed and carriage return (NUL included).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_HOW_TO_LINK = ("link to an https:// address, to a #section of this page, or to another page's .md file; "
                "a file of the folder is published only when `slides:` lists it")


def is_safe_comment(html: str) -> bool:
    """An HTML comment and nothing else: the one kind of HTML a body may hold."""
    return bool(_COMMENT.match(html))


def sign(key: bytes, html: str) -> str:
    """The signature of an HTML fragment our templates made: the build shows no other HTML."""
    return hmac.new(key, html.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(key: bytes, html: str, signature: str) -> bool:
    return bool(key) and hmac.compare_digest(sign(key, html), signature)


@functools.cache
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


# The MyST syntax extensions a site may enable (`parse: myst_enable_extensions` in _config.yml).
# Left out: `substitution` (renders {{ }} as a template), `html_image` and `html_admonition`
# (raw HTML), `attrs_inline`/`attrs_block` (attributes on elements), math (needs a script
# from elsewhere).
MYST_EXTENSIONS = ("colon_fence", "deflist", "linkify", "fieldlist", "tasklist", "strikethrough",
                   "smartquotes", "replacements")


def check_body(text: str, path: Path | str, first_line: int, problems: Problems) -> None:
    """Report, with its line, everything in `text` (a body starting at `first_line` of
    `path`) that :mod:`this policy <webinars.content.policy>` does not allow."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        if CONTROL.search(line):
            problems.error(path, number, "", "a control character (such as NUL) is in the text: "
                                             "delete it, or paste the text again as plain text")
    _check(text, first_line, path, problems, depth=0)


def _check(text: str, first_line: int, path: Path | str, problems: Problems, depth: int) -> None:
    if depth > 20:
        problems.error(path, first_line, "", "directives nested more than 20 deep: simplify the text")
        return
    for token in _parser().parse(text):
        line = first_line + (token.map[0] if token.map else 0)
        if token.type in ("html_block", "html_inline"):
            _html(token.content, line, path, problems)
        elif token.type in ("fence", "colon_fence") and token.info.startswith("{"):
            _directive(token.info, token.content, line, path, problems, depth)
        for child in token.children or ():
            _inline(child, line, path, problems)


def _inline(token, line: int, path: Path | str, problems: Problems) -> None:
    if token.type == "html_inline":
        _html(token.content, line, path, problems)
    elif token.type == "myst_role":
        _role(token.meta.get("name", ""), token.content, line, path, problems)
    elif token.type == "link_open":
        _link(str(token.attrs.get("href", "")), line, path, problems)
    elif token.type == "image":
        _image(str(token.attrs.get("src", "")), line, path, problems)
    for child in token.children or ():
        _inline(child, line, path, problems)


def _html(html: str, line: int, path: Path | str, problems: Problems) -> None:
    if is_safe_comment(html):
        return
    shown = " ".join(html.split())[:60]
    problems.error(path, line, "", f"raw HTML is not allowed ({shown!r}): write the text in Markdown "
                                   "(**bold**, [link](https://…)); to show a '<' as text, write '\\<'")


def _directive(info: str, content: str, line: int, path: Path | str, problems: Problems, depth: int) -> None:
    match = re.match(r"^\{([^}\s]*)\}\s*(.*)$", info.strip())
    name, argument = (match.group(1), match.group(2)) if match else (info, "")
    if name not in DIRECTIVES:
        problems.error(path, line, "", f"the directive {{{name}}} is not allowed in content: write Markdown, or "
                                       "use an allowed directive such as {note}, {tip}, {warning}, {figure}, "
                                       "{list-table}, {dropdown} or {tab-set} (the staff guide lists them all)")
        return
    options, body = _options(content)
    for key, value in options.items():
        if key in _FORBIDDEN_OPTIONS:
            problems.error(path, line, "", f"{{{name}}}: the option :{key}: reads a file or an address when the "
                                           "site is built: put the text itself in the page")
        elif key in _LINK_OPTIONS and options.get("link-type", "url") == "url":
            _link(value, line, path, problems)
        elif key in _IMAGE_OPTIONS:
            _image(value, line, path, problems)
        elif key not in _LINK_OPTIONS:
            _check(value, line, path, problems, depth + 1)  # a caption or a title is MyST too
    kind = _ADDRESS_ARGUMENT.get(name)
    if kind == "image":
        _image(argument, line, path, problems)
    elif kind == "link":
        _link(argument, line, path, problems)
    elif argument:
        _check(argument, line, path, problems, depth + 1)
    if DIRECTIVES[name]:
        _check(body, line + 1, path, problems, depth + 1)


def _options(content: str) -> tuple[dict[str, str], str]:
    """A directive's options (as MyST reads them), and its content with the options'
    lines left blank, so that line numbers stay those of the file."""
    from myst_parser.parsers.options import TokenizeError, options_to_items

    lines = content.splitlines()
    if lines and lines[0].startswith("---"):
        end = next((i for i in range(1, len(lines)) if lines[i].startswith("---")), len(lines) - 1)
        block = "\n".join(lines[1:end])
        count = end + 1
    else:
        count = next((i for i, text in enumerate(lines) if not text.lstrip().startswith(":")), len(lines))
        block = "\n".join(text.lstrip()[1:] for text in lines[:count])
    try:
        options = {str(key): str(value) for key, value in options_to_items(block)[0]}
    except (TokenizeError, ValueError):
        options = {}  # MyST reports the options it cannot read when it builds the page
    return options, "\n" * count + "\n".join(lines[count:])


def _role(name: str, content: str, line: int, path: Path | str, problems: Problems) -> None:
    if name in ROLES or _BADGE.match(name):
        return
    problems.error(path, line, "", f"the role {{{name}}} is not allowed in content: write Markdown, or use "
                                   "an allowed role such as {sub}, {sup}, {abbr} or {kbd} (the staff guide "
                                   "lists them all)")


def is_safe_link(address: str) -> bool:
    """A link a page may hold: a web or mail address, a section, or another page."""
    parts = urlsplit(address.strip())
    if parts.scheme:
        return parts.scheme.lower() in LINK_SCHEMES and (parts.scheme.lower() == "mailto" or bool(parts.netloc))
    return address.startswith("#") or parts.path.endswith(".md")


def _link(address: str, line: int, path: Path | str, problems: Problems) -> None:
    if not is_safe_link(address):
        problems.error(path, line, "", f"link to {address[:80]!r} is not allowed: {_HOW_TO_LINK}")


def _image(address: str, line: int, path: Path | str, problems: Problems) -> None:
    parts = urlsplit(address.strip())
    if parts.scheme.lower() != "https" or not parts.netloc:
        problems.error(path, line, "", f"image {address[:80]!r}: show an image by its https:// address; "
                                       "a file of the folder is published only when `slides:` lists it")
