"""Notebook pages: myst-nb shows the outputs of the copies our kernels executed ahead of
the build (:mod:`.kernels`), where there is one made from the page's code cells;
otherwise it does as configured (``execute_notebooks``: it runs the page, or takes it
from its execution cache, and reports what fails).

How myst-nb is made to take them is in :func:`.patches.notebook_outputs_from`.
"""

from __future__ import annotations

from pathlib import Path

from . import patches
from .kernels import executed_outputs, executed_path


def setup(app) -> None:
    srcdir = Path(app.srcdir)

    def executed_ahead(notebook, source: Path):
        """The page `notebook` at `source` with the outputs of its executed copy, the seconds
        it ran and when; None if there is no copy made from its code cells."""
        try:
            copy = executed_path(srcdir, source)
            merged = executed_outputs(notebook, copy)
        except (OSError, ValueError):  # not a page of this tree
            return None
        if merged is None:
            return None
        executed, seconds = merged
        return executed, seconds, copy.stat().st_mtime

    patches.notebook_outputs_from(executed_ahead)
