"""Put the site together beside the published one, then swap it in.

The last good site stays in place until every language has been built and the
new tree is complete; a failed build never touches it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import tables
from ..assemble import urls
from ..config import Config
from ..content.catalogue import Catalogue


def finish_site(config: Config, catalogue: Catalogue, builds: dict[str, Path], staging: Path,
                published: Path | None = None) -> Path:
    """Assemble the complete site in `staging`: languages, shared media, root page.

    Files that did not change since the `published` site are hard links to it, so
    that a rebuild copies only what changed. Nothing is ever written into a linked
    file: a changed file is unlinked and written anew, so the published site is
    never touched.
    """
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for lang, html in builds.items():
        _mirror(html, staging / lang, published / lang if published else None)
    copy_media(config, catalogue, staging / urls.MEDIA_ROOT,
               published / urls.MEDIA_ROOT if published else None)
    write_downloads(catalogue, staging / "data")
    (staging / "index.html").write_text(root_page(config), encoding="utf-8")
    (staging / ".nojekyll").write_text("", encoding="utf-8")
    return staging


_SKIP = {".buildinfo", ".doctrees"}


def _mirror(source: Path, target: Path, previous: Path | None) -> None:
    """Copy `source` to `target`, linking files identical (size, time) to `previous`'s."""
    for folder, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d not in _SKIP]
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            if name in _SKIP:
                continue
            origin, copy = Path(folder) / name, target / relative / name
            old = previous / relative / name if previous is not None else None
            if old is not None and _same(origin, old):
                os.link(old, copy)
            else:
                shutil.copy2(origin, copy)


def _same(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
    except FileNotFoundError:
        return False
    return sa.st_size == sb.st_size and sa.st_mtime_ns == sb.st_mtime_ns


def copy_media(config: Config, catalogue: Catalogue, media: Path, previous: Path | None = None) -> None:
    """Slides and other material, once for all languages; unchanged files linked to `previous`'s."""
    content = config.path("content_dir") / "webinars"
    for webinar in catalogue.webinars.values():
        for slide in webinar.facts.slides:
            target = media / webinar.id / slide.file
            target.parent.mkdir(parents=True, exist_ok=True)
            origin = content / webinar.id / slide.file
            old = previous / webinar.id / slide.file if previous is not None else None
            if old is not None and _same(origin, old):
                os.link(old, target)
            else:
                shutil.copy2(origin, target)


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
    """Replace `output` by `staging` with two renames; the old site is kept until then."""
    retired = output.with_name(output.name + ".old")
    if retired.exists():
        shutil.rmtree(retired)
    if output.exists():
        output.rename(retired)
    staging.rename(output)
    if retired.exists():
        shutil.rmtree(retired)
