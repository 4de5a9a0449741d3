"""Writing MyST safely: fences that cannot be closed by their content, escaped text."""

from __future__ import annotations

import re

import yaml
from markdown_it import MarkdownIt


def fence(directive: str, content: str, argument: str = "", options: dict[str, str] | None = None) -> str:
    """A backtick-fenced directive whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    head = f"{ticks}{{{directive}}}" + (f" {argument}" if argument else "")
    lines = [head, *(f":{k}: {v}" for k, v in (options or {}).items()), content.rstrip("\n"), ticks]
    return "\n".join(lines) + "\n"


def html_fragment(html: str, key: bytes) -> str:
    """HTML our templates made, as a directive the build takes only with its signature:
    no other HTML reaches a page (see :mod:`webinars.content.policy`)."""
    from ..content.policy import sign

    html = fragment_text(html)
    return fence(FRAGMENT, html, options={"signature": sign(key, html)})


FRAGMENT = "wb-html"  # the directive (webinars.engine.extension)


def fragment_text(html: str) -> str:
    """A fragment as the directive receives it: no blank lines around it, none at a line's end."""
    return "\n".join(line.rstrip() for line in html.strip("\n").splitlines())


def text(value: str) -> str:
    """Escape Markdown punctuation so that a title is shown as written."""
    return re.sub(r"([\\`*_\[\]{}<>()#+!|~$])", r"\\\1", value)


def frontmatter(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n"


_COMMONMARK = MarkdownIt("commonmark")  # made once: every webinar's and topic's page asks


def first_paragraph(markdown: str, limit: int = 200) -> str:
    """The first paragraph of `markdown` as plain text (no markup, links as their text),
    cut after a word, before `limit` characters, where it is longer."""
    tokens = _COMMONMARK.parse(markdown)
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "paragraph_open" and inline.type == "inline":
            words = "".join(" " if child.type in ("softbreak", "hardbreak") else child.content
                            for child in inline.children or () if child.type in
                            ("text", "code_inline", "softbreak", "hardbreak"))
            text = " ".join(words.split())
            if len(text) <= limit:
                return text
            cut = text[:limit - 1]
            space = cut.rfind(" ")
            return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "\u2026"
    return ""
