"""Sphinx's messages as problems in the author's files: where we know the file a page's
text comes from, the message names it, with the line."""

from __future__ import annotations

import re
from pathlib import Path

from ..problems import Problem

# "/path/to/src/webinars/x/index.md:12: WARNING: message" as Sphinx writes it, and the
# file (a page or a notebook) any message begins with
_MESSAGE_FILE = re.compile(r"^(?P<file>[^:]+\.(?:md|ipynb))(?::\d+)?: ")
_SPHINX_MESSAGE = re.compile(r"^(?P<file>[^:]+\.md)(?::(?P<line>\d+))?: (?:\w+: )?(?P<level>WARNING|ERROR|CRITICAL): (?P<text>.*)$")


_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # a terminal colour


def without_colours(line: str) -> str:
    return _ANSI.sub("", line)


def pages_with_problems(messages: tuple[str, ...], src: Path) -> set[str]:
    """The pages (docnames in the source tree `src`) that `messages` are about; "*" for a
    message about no page in particular."""
    pages = set()
    for message in messages:
        match = _MESSAGE_FILE.match(message)
        try:
            relative = Path(match.group("file")).resolve().relative_to(src.resolve()) if match else None
        except ValueError:
            relative = None
        pages.add(relative.with_suffix("").as_posix() if relative is not None else "*")
    return pages


def build_problems(failed, root: Path | None = None) -> list[Problem]:
    """The messages of the languages' builds that `failed` (each with its source tree and
    where each of its files' text comes from), located in the author's file where we know
    it, once per problem for all languages."""
    merged: dict[tuple, list[str]] = {}
    for result in failed:
        for message in result.warnings or ("the build failed without a message",):
            key = _locate(message, result.src, result.origins)
            report = _NOTEBOOK_REPORT.search(key[2])
            if report:
                key = _notebook_failure(key[0], Path(report.group(1)), root)
            elif _NOTEBOOK_FAILED in key[2]:
                continue  # the report of the same failure says which cell and why
            merged.setdefault(key, []).append(result.lang)
    return [
        Problem(path, line, "", f"{text} (in the {', '.join(langs)} version{'s' if len(langs) > 1 else ''})")
        for (path, line, text), langs in merged.items()
    ]


_NOTEBOOK_REPORT = re.compile(r"Notebook exception traceback saved in: (\S+)")
_NOTEBOOK_FAILED = "Executing notebook failed"


def _notebook_failure(path: str, report: Path, root: Path | None) -> tuple[str, int | None, str]:
    """Which cell of a notebook failed, where it is in the notebook's file, and the error."""
    text = without_colours(report.read_text(encoding="utf-8", errors="replace")) if report.is_file() else ""
    cell = re.search(r"executing the following cell:\n-+\n(.*?)\n-+\n", text, flags=re.DOTALL)
    errors = [line for line in text.splitlines() if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*:", line)]
    error = errors[-1].strip() if errors else "the cell raised an error"
    source = cell.group(1).strip() if cell else ""
    line = None
    if root is not None and source and (root / path).is_file():
        notebook = (root / path).read_text(encoding="utf-8")
        at = notebook.find(source)
        line = notebook.count("\n", 0, at) + 1 if at >= 0 else None
    first = source.splitlines()[0] if source else "?"
    return (path, line, f"a notebook cell failed: {error} (the cell beginning `{first}`)")


def _locate(message: str, tree: Path | None, origins: dict) -> tuple[str, int | None, str]:
    match = _SPHINX_MESSAGE.match(message)
    if not match or tree is None:
        return ("build", None, message)
    text = match.group("text").removesuffix(" [myst.directive_unknown]")
    try:
        relative = Path(match.group("file")).resolve().relative_to(tree.resolve()).as_posix()
    except ValueError:
        return (match.group("file"), None, text)
    origin = origins.get(relative)
    if origin is None:
        return (f"{tree.name}/{relative} (generated)", None, text)
    line = int(match.group("line")) if match.group("line") else None
    return (origin.path, origin.locate(line) if line else None, text)
