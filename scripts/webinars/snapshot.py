"""What a build loaded, saved for its notebooks: they need not parse the content again.

Kept apart from :mod:`webinars.notebooks` so that the build can save it without
importing pandas.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from .config import Config


def snapshot_path(config: Config, content_key: str) -> Path:
    return config.path("work_dir") / f"content-{content_key}.pickle"


def save_snapshot(config: Config, content_key: str, catalogue, pages: dict) -> None:
    path = snapshot_path(config, content_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("content-*.pickle"):
        old.unlink()
    with path.open("wb") as handle:
        pickle.dump((catalogue, pages), handle, protocol=pickle.HIGHEST_PROTOCOL)
