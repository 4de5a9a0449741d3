"""Errors are data: every problem of a run is collected, then reported together."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# Control characters (escape sequences start with one), but for line feeds and tabs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can. Problems sort by
    file, then line (a problem of the whole file first), field and message."""

    path: str
    line: int | None
    field: str
    message: str
    severity: str = "error"  # "error" stops the build; "warning" is reported only

    def _order(self) -> tuple:
        return (self.path, -1 if self.line is None else self.line, self.field, self.message, self.severity)

    def __lt__(self, other: Problem) -> bool:
        return self._order() < other._order()

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        label = "" if self.severity == "error" else f" {self.severity}:"
        return printable(f"{where}:{label}{field} {self.message}")


def printable(text: str) -> str:
    """Content shown in a terminal: no control character in it may steer the terminal."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)


class Problems:
    """Collects problems across a whole run."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.items: list[Problem] = []

    def relative(self, path: Path | str) -> str:
        """`path` relative to the root; a link is named as itself, not as what it points to."""
        path = Path(path)
        if self.root is not None and path.is_absolute():
            path = Path(os.path.normpath(path))
            try:
                return path.relative_to(os.path.abspath(self.root)).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def error(self, path: Path | str, line: int | None, field: str, message: str) -> None:
        self.items.append(Problem(self.relative(path), line, field, message))

    def warning(self, path: Path | str, line: int | None, field: str, message: str) -> None:
        self.items.append(Problem(self.relative(path), line, field, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == "error")

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity != "error")

    def __bool__(self) -> bool:
        return bool(self.errors)


class InvalidInput(Exception):
    """Raised after a stage found errors; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
