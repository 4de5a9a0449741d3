"""Put the site together beside the published one, then swap it in.

The last good site stays in place until every language has been built and the
new tree is complete; a failed build never touches it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import tables
from ..assemble import urls
from ..config import Config
from ..content.catalogue import Catalogue

# Beside the published site: the one it replaced, the next one being put together, and
# what is being removed.
RETIRED, STAGING, REMOVING = ".old", ".new", ".removing-"


def start_staging(staging: Path) -> None:
    """An empty folder for the new site, beside the published one."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)


def add_language(html: Path, staging: Path, lang: str, published: Path | None = None) -> None:
    """Put a language's built pages into the new site (in the language's own build process,
    as soon as it is built). Files that did not change since the `published` site are hard
    links to it, so that a rebuild copies only what changed. Nothing is ever written into a
    linked file: a changed file is unlinked and written anew, so the published site is never
    touched."""
    _mirror_folder(str(html), str(staging / lang), str(published / lang) if published else None)


def add_shared(config: Config, catalogue: Catalogue, staging: Path, published: Path | None = None) -> None:
    """What the languages share (media, downloads) and the root page; done while they build."""
    copy_media(config, catalogue, staging / urls.MEDIA_ROOT,
               published / urls.MEDIA_ROOT if published else None)
    write_downloads(catalogue, staging / "data")
    (staging / "index.html").write_text(root_page(config), encoding="utf-8")
    (staging / ".nojekyll").write_text("", encoding="utf-8")


_SKIP = {".buildinfo", ".doctrees"}


def _mirror_folder(source: str, target: str, previous: str | None) -> None:
    """Copy `source` to `target`, linking files identical (size, time) to `previous`'s."""
    # Plain strings and scandir: a language has thousands of folders (one per page).
    os.makedirs(target, exist_ok=True)
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.name in _SKIP:
                continue
            copy = os.path.join(target, entry.name)
            old = os.path.join(previous, entry.name) if previous is not None else None
            if entry.is_dir(follow_symlinks=False):
                _mirror_folder(entry.path, copy, old)
                continue
            _link_or_copy(entry.path, copy, old, entry.stat())


def _link_or_copy(origin: str | Path, copy: str | Path, old: str | Path | None,
                  state: os.stat_result | None = None) -> None:
    """Link `old` (the published site's file) as `copy` when it is the same as `origin`
    (size and time; `state` is `origin`'s if known), else copy `origin`."""
    if old is not None:
        try:
            mine, theirs = state or os.stat(origin), os.stat(old)
        except FileNotFoundError:
            pass
        else:
            if mine.st_size == theirs.st_size and mine.st_mtime_ns == theirs.st_mtime_ns:
                os.link(old, copy)
                return
    shutil.copy2(origin, copy)


def copy_media(config: Config, catalogue: Catalogue, media: Path, previous: Path | None = None) -> None:
    """Slides and other material, once for all languages; unchanged files linked to `previous`'s."""
    content = config.path("content_dir") / "webinars"
    for webinar in catalogue.webinars.values():
        for slide in webinar.facts.slides:
            target = media / webinar.id / slide.file
            target.parent.mkdir(parents=True, exist_ok=True)
            origin = content / webinar.id / slide.file
            old = previous / webinar.id / slide.file if previous is not None else None
            _link_or_copy(origin, target, old)


def write_downloads(catalogue: Catalogue, folder: Path) -> None:
    """The topic list as CSV and JSON, one schema for every language."""
    frame = tables.topic_list(catalogue)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topic-list.csv").write_text(tables.export_csv(frame), encoding="utf-8")
    (folder / "topic-list.json").write_text(
        json.dumps({"columns": tables.COLUMNS, "rows": tables.export_records(frame)}, ensure_ascii=False, indent=1),
        encoding="utf-8")


def root_page(config: Config) -> str:
    """``/index.html``: a plain list of the languages that also forwards by the browser's language."""
    env = Environment(loader=PackageLoader("webinars", "templates"), autoescape=select_autoescape(["html"]))
    return env.get_template("root.html").render(
        languages=config.languages,
        codes=[language.code for language in config.languages],
        default=config.default_language,
        titles={language.code: config.title(language.code) for language in config.languages},
    )


def publish(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` with two renames; the old site is kept until then.

    The replaced site is left beside the new one (``<output>.old``) and removed by the
    next build, while that build works (see :func:`clear_retired`).
    """
    retired = output.with_name(output.name + RETIRED)
    if retired.exists():
        shutil.rmtree(retired)
    if output.exists():
        output.rename(retired)
    staging.rename(output)


def clear_retired(output: Path) -> subprocess.Popen | None:
    """Start removing what the last build left beside `output` (the site it replaced, an
    unfinished new site); the build waits for the returned process before it ends.

    They are renamed first, so that the new site can be put together at once.
    """
    for suffix in (RETIRED, STAGING):
        leftover = output.with_name(output.name + suffix)
        if leftover.exists():
            leftover.rename(output.with_name(f"{output.name}{REMOVING}{suffix[1:]}-{os.getpid()}-{time.time_ns()}"))
    leftovers = [str(path) for path in output.parent.glob(f"{output.name}{REMOVING}*")] if output.parent.is_dir() else []
    if not leftovers:
        return None
    return subprocess.Popen(["rm", "-rf", "--", *leftovers], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # nothing of it on the user's terminal
