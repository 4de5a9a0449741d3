"""Results kept from the last build (pages rendered, folders loaded), in the work folder.

A kept file is only ever a shortcut: one that is missing, from an older version or
damaged reads as empty, and everything is computed again.
"""

from __future__ import annotations

import pickle
from pathlib import Path


def read_kept(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            kept = pickle.load(handle)
        return kept if isinstance(kept, dict) else {}
    except Exception:  # noqa: BLE001 - missing, old or damaged: compute everything
        return {}


def write_kept(path: Path, kept: dict) -> None:
    """Write `kept` whole or not at all (a build stopped half-way leaves the last one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
