"""Split a MyST file into frontmatter and body, keeping line numbers for messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from markdown_it import MarkdownIt

from .models import Section


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser: ten times faster
    """YAML's safe loader, with dates and times left as text: the content model reads them
    (an impossible date such as 2026-02-30 is then a problem with its line, not a crash)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}

MAX_FRONTMATTER = 64 * 1024  # characters: far more than any page's facts


class FrontmatterError(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Parsed:
    data: dict[str, Any]
    lines: dict[tuple, int]  # location (keys and indexes) -> line in the file (1-based)
    body: str
    body_line: int  # 1-based line of the body's first line


def parse(text: str) -> Parsed:
    """Parse ``---`` delimited YAML frontmatter; raise :class:`FrontmatterError` on bad input."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontmatterError(1, "the file does not start with a '---' frontmatter block: "
                                  "put the facts between two '---' lines at the top")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FrontmatterError(1, "the frontmatter is not closed: add a line '---' after the last field")
    source = "".join(lines[1:end])
    if len(source) > MAX_FRONTMATTER:
        raise FrontmatterError(2, f"the frontmatter is longer than {MAX_FRONTMATTER // 1024} KB: "
                                  "keep the facts there and the text below the second '---'")
    try:
        _no_aliases(source)
        node = yaml.compose(source, Loader=_Loader)
        data = yaml.load(source, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontmatterError(line, f"the frontmatter is not valid YAML ({problem}): "
                                     "check quoting and indentation; quote values containing ': '")
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise FrontmatterError(2, f"the frontmatter could not be read ({exc}): check its values")
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        raise FrontmatterError(2, "the frontmatter must be a list of 'field: value' lines")
    located: dict[tuple, int] = {}
    if node is not None:
        _locate(node, (), located, offset=2)
    return Parsed(data, located, "".join(lines[end + 1:]), end + 2)


def _no_aliases(source: str) -> None:
    """Anchors and aliases (``&name``, ``*name``) let a few lines expand into gigabytes:
    the facts are written out instead. Found by YAML's scanner, before anything is built."""
    for token in yaml.scan(source, Loader=_Loader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            raise FrontmatterError(token.start_mark.line + 2, "YAML anchors and aliases (&name, *name) are "
                                   "not allowed in the frontmatter: write each value out")


def _locate(node: yaml.Node, loc: tuple, out: dict[tuple, int], offset: int) -> None:
    out[loc] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[loc + (key.value,)] = key.start_mark.line + offset
            _locate_children(value, loc + (key.value,), out, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _locate(item, loc + (index,), out, offset)


def _locate_children(node: yaml.Node, loc: tuple, out: dict[tuple, int], offset: int) -> None:
    keep = out.get(loc)
    _locate(node, loc, out, offset)
    if keep is not None:
        out[loc] = keep  # a field's line is its key's line


def line_of(lines: dict[tuple, int], loc: tuple) -> int | None:
    """Line of the closest located ancestor of `loc`."""
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc)


# Block structure only: a heading's text is its source; inline markup is not needed here.
_MD = MarkdownIt("commonmark").disable("inline")


def sections(body: str) -> tuple[Section, ...]:
    """Headings of a body and the lines each spans (ignores '#' inside code blocks)."""
    tokens = _MD.parse(body)
    heads = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            heads.append((int(token.tag[1]), tokens[i + 1].content, token.map[0]))
    total = len(body.splitlines())
    found = []
    for n, (level, title, start) in enumerate(heads):
        end = next((s for lv, _, s in heads[n + 1:] if lv <= level), total)
        found.append(Section(level, title, start, end))
    return tuple(found)
