"""Writing MyST safely: fences that cannot be closed by their content, escaped text."""

from __future__ import annotations

import re

import yaml


def fence(directive: str, content: str, argument: str = "", options: dict[str, str] | None = None) -> str:
    """A backtick-fenced directive whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    head = f"{ticks}{{{directive}}}" + (f" {argument}" if argument else "")
    lines = [head, *(f":{k}: {v}" for k, v in (options or {}).items()), content.rstrip("\n"), ticks]
    return "\n".join(lines) + "\n"


def raw_html(html: str) -> str:
    return fence("raw", html, "html")


def text(value: str) -> str:
    """Escape Markdown punctuation so that a title is shown as written."""
    return re.sub(r"([\\`*_\[\]{}<>()#+!|~$])", r"\\\1", value)


def frontmatter(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n"
