"""Put the site together beside the published one, then publish it all at once.

While the languages build, every file of the new site that differs from the
published one is copied into a staging folder beside it (``<site>.new``), and
what the new site no longer has is noted there. The published site is not
touched until every language has been built: a failed build leaves it as it
was.

The published site (``<site>``) is a symbolic link to a complete release,
``<site>.releases/<number>/``. Publishing makes the next release beside it: the
current one's files hard-linked (no file is copied), then the staged files
renamed in and the dropped ones removed; then the link is switched in one
rename. A reader, or a build stopped at any moment, sees the old site or the new
one, never a mix. The release before stays, for going back to it.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import urls
from . import serving
from ..config import Config
from ..content.catalogue import Catalogue
from ..engine import search
from ..problems import InvalidInput, Problem
from ..work import write_atomic

# Beside the published site: the changes being staged, what is being removed, and (from
# builds before publishing in place) a replaced site.
STAGING, REMOVING, RETIRED = ".new", ".removing-", ".old"
# Beside the published site: the releases, and the new link while it is being switched.
RELEASES, NEW_LINK = ".releases", ".link"
# In the releases folder: a release being made. A release's name is only digits, and
# it is published only when the site's link points to it.
PARTIAL = ".partial-"
# Errors that say the file system cannot hard-link (another disk, no hard links there).
_CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}
# In the staging folder: for each part of the site (a language, the shared files), the
# published paths it drops, one per line.
DROPPED = ".dropped-"
# The site's own top-level files besides the languages' folders.
# The folders of the files made from the content for every language (downloads, feeds,
# calendars, the staff's announcements).
_MADE_FOLDERS = tuple(root.strip("/") for root in (urls.DATA_ROOT, urls.FEEDS_ROOT, urls.CALENDAR_ROOT,
                                                   urls.STAFF_ROOT))
_SHARED_TOP = {urls.MEDIA_ROOT.strip("/"), *_MADE_FOLDERS, "index.html", "404.html", ".nojekyll"}
# Sphinx's own files that are not part of the site.
_SKIP = {".buildinfo", ".doctrees"}


class Staging:
    """The next site, staged beside the published one while it is built; published all at
    once by :meth:`publish`. Made once the content is valid: what an earlier build left
    is cleared away meanwhile (waited for when the staging is closed)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.output = config.path("output_dir")
        self.folder = self.output.with_name(self.output.name + STAGING)
        self.clearing = clear_leftovers(self.output)
        self.published = self.output if self.output.is_dir() else None
        self.release: Path | None = None  # the next release, once started
        start_staging(self.folder)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *_exc) -> None:
        if self.clearing is not None:
            self.clearing.wait()

    def add_language(self, lang: str, html: Path) -> None:
        """Stage a language's built pages (in the language's own process)."""
        add_language(html, self.folder, lang, self.published)

    def add_search_index(self, lang: str, index: Path) -> None:
        """Stage a language's search index (made once its pages are staged)."""
        add_search_index(index, self.folder, lang, self.published)

    def add_media(self, catalogue: Catalogue) -> None:
        """Stage the slides and other material the languages share, and start the next
        release (:func:`prepare_release`): done while the languages build."""
        add_media(self.config, catalogue, self.folder, self.published)
        self.release = prepare_release(self.output)

    def add_shared_files(self, files: dict[str, str]) -> None:
        """Stage the root page and `files` (path in the site -> text)."""
        add_top_files(self.config, files, self.folder, self.published)

    def publish(self) -> None:
        publish(self.folder, self.output, self.release)


def start_staging(staging: Path) -> None:
    """An empty folder for the changes, beside the published site."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)


def add_language(html: Path, staging: Path, lang: str, published: Path | None = None) -> None:
    """Stage a language's built pages (in the language's own build process, as soon as it is
    built): the files that differ (size, time) from the `published` site's, and the list of
    the published files it no longer has."""
    dropped: list[str] = []
    _stage_folder(str(html), str(staging / lang), str(published / lang) if published else None,
                  lang, dropped, skip=_SKIP | {search.BUNDLE})
    _write_dropped(staging, lang, dropped)


def add_search_index(index: Path, staging: Path, lang: str, published: Path | None = None) -> None:
    """Stage a language's search index as ``<lang>/pagefind/``: the files whose bytes differ
    from the `published` site's (Pagefind writes every file anew, and most are as before:
    the fragments of the pages that did not change), and the list of those it no longer has."""
    dropped: list[str] = []
    relative = f"{lang}/{search.BUNDLE}"
    _stage_folder(str(index), str(staging / relative), str(published / relative) if published else None,
                  relative, dropped, same=_same_bytes)
    _write_dropped(staging, relative.replace("/", "-"), dropped)


def add_media(config: Config, catalogue: Catalogue, staging: Path, published: Path | None = None) -> None:
    """Stage the slides and other material the languages share; done while they build."""
    dropped: list[str] = []
    copy_media(config, catalogue, staging / urls.MEDIA_ROOT, published / urls.MEDIA_ROOT if published else None,
               dropped)
    _write_dropped(staging, "media", dropped)


def add_top_files(config: Config, files: dict[str, str], staging: Path, published: Path | None = None) -> None:
    """Stage the root page and `files` (the downloads, feeds, calendars, sitemap: path in the
    site -> text), and drop whatever else is at the top of the `published` site."""
    files = {"index.html": root_page(config), "404.html": not_found_page(config), ".nojekyll": "",
             **{serving.not_found_file(l.code): not_found_page(config, l.code) for l in config.languages},
             "_headers": serving.headers_file(config), "_redirects": serving.redirects_file(config), **files}
    dropped: list[str] = []
    for name, text in files.items():
        try:
            same = published is not None and (published / name).read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
    if published is not None:
        # Anything else at the top (a language no longer built, a stray file) goes.
        keep = _SHARED_TOP | {language.code for language in config.languages} | {
            name for name in files if "/" not in name}  # sitemap.xml, robots.txt
        with os.scandir(published) as entries:
            dropped += [entry.name for entry in entries if entry.name not in keep]
        for folder in _MADE_FOLDERS:  # the files made that are no longer made
            for top, _subfolders, names in os.walk(published / folder):
                for name in names:
                    path = os.path.relpath(os.path.join(top, name), published).replace(os.sep, "/")
                    if path not in files:
                        dropped.append(path)
    _write_dropped(staging, "shared", dropped)


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _write_dropped(staging: Path, part: str, dropped: list[str]) -> None:
    (staging / f"{DROPPED}{part}").write_text("".join(f"{path}\n" for path in dropped), encoding="utf-8")


def _stage_folder(source: str, target: str, previous: str | None, relative: str, dropped: list[str],
                  skip: set[str] = frozenset(), same: Callable[[os.DirEntry, os.DirEntry], bool] | None = None) -> None:
    """Copy the files of `source` that differ from `previous`'s into `target` (by size and
    time, or as `same` tells); add to `dropped` what `previous` has and `source` has not
    (paths under `relative`); leave out the names in `skip` (at the top only)."""
    same = same or _same_entry
    # Plain strings and scandir: a language has hundreds of folders (one per page).
    old: dict[str, os.DirEntry] = {}
    if previous is not None:
        for entry in _entries(Path(previous)):
            old[entry.name] = entry
    made = False
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.name in skip:
                continue
            name = f"{relative}/{entry.name}"
            before = old.pop(entry.name, None)
            if entry.is_dir(follow_symlinks=False):
                if before is not None and not before.is_dir(follow_symlinks=False):
                    dropped.append(name)  # a file becomes a folder
                    before = None
                _stage_folder(entry.path, os.path.join(target, entry.name),
                              before.path if before is not None else None, name, dropped, same=same)
                continue
            if before is not None:
                if before.is_dir(follow_symlinks=False):
                    dropped.append(name)  # a folder becomes a file
                elif same(entry, before):
                    continue
            if not made:
                os.makedirs(target, exist_ok=True)
                made = True
            shutil.copy2(entry.path, os.path.join(target, entry.name))
    dropped.extend(f"{relative}/{name}" for name in old if name not in skip)


def _stage_file(origin: Path, staged: Path, published: Path | None) -> None:
    """Copy `origin` to `staged` unless `published` is the same (size and time)."""
    if published is not None:
        try:
            if _same(origin.stat(), published.stat()):
                return
        except FileNotFoundError:
            pass
    staged.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(origin, staged)


def _same_entry(mine: os.DirEntry, theirs: os.DirEntry) -> bool:
    return _same(mine.stat(), theirs.stat())


def _same_bytes(mine: os.DirEntry, theirs: os.DirEntry) -> bool:
    if mine.stat().st_size != theirs.stat().st_size:
        return False
    with open(mine.path, "rb") as a, open(theirs.path, "rb") as b:
        return a.read() == b.read()


def _same(mine: os.stat_result, theirs: os.stat_result) -> bool:
    """The published copy of a file is up to date: copies keep their original's size and time."""
    return mine.st_size == theirs.st_size and mine.st_mtime_ns == theirs.st_mtime_ns


def copy_media(config: Config, catalogue: Catalogue, media: Path, previous: Path | None = None,
               dropped: list[str] | None = None) -> None:
    """Stage the slides, captions and other material, once for all languages: those that differ from
    `previous`'s; add the ones `previous` has and the content no longer lists to `dropped`."""
    content = config.path("content_dir") / "webinars"
    wanted: set[str] = set()
    for webinar in catalogue.webinars.values():
        for name in [*(slide.file for slide in webinar.facts.slides), *webinar.facts.captions.values()]:
            wanted.add(f"{webinar.id}/{name}")
            _stage_file(content / webinar.id / name, media / webinar.id / name,
                        previous / webinar.id / name if previous is not None else None)
    if previous is not None and dropped is not None and previous.is_dir():
        root = urls.MEDIA_ROOT.strip("/")
        for folder, _subfolders, names in os.walk(previous):
            for name in names:
                path = os.path.relpath(os.path.join(folder, name), previous).replace(os.sep, "/")
                if path not in wanted:
                    dropped.append(f"{root}/{path}")


def downloads(config: Config, catalogue: Catalogue, frame=None) -> dict[str, str]:
    """The topic list as CSV and JSON, one schema for every language, and the annual report's
    figures as CSV (``data/annual-report.csv``, codes only): path in the site -> text.
    ``data/topic-list.<lang>.csv`` (and ``.json``) has the titles in that language where a
    translation exists and the addresses of that language's pages; ``data/topic-list.csv``
    is the default language's. `frame` is the content's topic list
    (:func:`webinars.tables.topic_list`), if already made."""
    # pandas (0.3 s to import) only here: a build's own process imports it only when no
    # notebook kernel made these (see `save_made_downloads`).
    from .. import tables

    if frame is None:
        frame = tables.topic_list(catalogue)
    files = {}
    for language in config.languages:
        localised = tables.in_language(frame, catalogue, language.code, config.settings.base_url)
        csv = tables.export_csv(localised)
        text = json.dumps({"language": language.code, "columns": tables.COLUMNS,
                           "rows": tables.export_records(localised)}, ensure_ascii=False, indent=1)
        default = language.code == config.default_language.code
        for code in (language.code, None) if default else (language.code,):  # None: data/topic-list.csv
            files[urls.topic_list_file("csv", code)], files[urls.topic_list_file("json", code)] = csv, text
    files[urls.REPORT_FILE] = tables.report_csv(tables.report_figures(catalogue, config.settings.regions))
    return files


def save_made_downloads(path: Path, content_key: str, files: dict[str, str]) -> None:
    """Keep the `files` made from the content with `content_key` at `path`, for
    :func:`made_downloads` (written whole or not at all)."""
    write_atomic(path, json.dumps({"content": content_key, "files": files}, ensure_ascii=False))


def made_downloads(path: Path, content_key: str) -> dict[str, str] | None:
    """The downloads kept at `path` if they were made from the content with `content_key`."""
    try:
        made = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(made, dict) or made.get("content") != content_key or not isinstance(made.get("files"), dict):
        return None
    return made["files"]


@functools.lru_cache(maxsize=1)
def _top_templates() -> Environment:
    """The templates of the site's top pages, compiled once per process (seven pages a build)."""
    return Environment(loader=PackageLoader("webinars", "templates"), autoescape=select_autoescape(["html"]))


def root_page(config: Config) -> str:
    """``/index.html``: a plain list of the languages that also forwards by the browser's language."""
    return _top_templates().get_template("root.html").render(
        languages=config.languages,
        codes=[language.code for language in config.languages],
        default=config.default_language,
        titles={language.code: config.title(language.code) for language in config.languages},
    )


def not_found_page(config: Config, first: str | None = None) -> str:
    """``/404.html``: "page not found" in every site language, each with a link home; with
    `first`, that language's first (``404.<lang>.html``, for a missing page under /<lang>/)."""
    from ..messages import N_, messages_for

    pages = {}
    for language in config.languages:
        m = messages_for(language, config.path("locales_dir"))
        pages[language.code] = {
            "title": m.gettext(N_("Page not found")),
            "text": m.gettext(N_("This address is not a page of the site: the page may have moved.")),
            "home": m.gettext(N_("Go to the home page")),
        }
    base = config.settings.base_url.rstrip("/") + "/"
    languages = config.languages
    lead = config.language(first) if first else config.default_language
    if first:
        languages = [lead, *(language for language in languages if language.code != first)]
    return _top_templates().get_template("not_found.html").render(languages=languages, default=lead, pages=pages,
                                                                  base=base)


def prepare_release(output: Path) -> Path | None:
    """Start the next release while the languages build: a folder holding the current
    release's files, hard-linked (0.3 s for the 3,500 files of 300 webinars), for
    :func:`publish` to finish. None if there is no release yet, or it cannot be written
    (then :func:`publish` makes it, and says what is wrong). What a failed build leaves
    of it is removed by the next one."""
    if not output.is_symlink() or not output.is_dir():
        return None
    releases = output.with_name(output.name + RELEASES)
    partial = releases / f"{PARTIAL}{os.getpid()}-{time.time_ns()}"
    try:
        partial.mkdir()
        _link_tree(output.resolve(), partial)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        return None
    return partial


def publish(staging: Path, output: Path, prepared: Path | None = None) -> None:
    """Publish what was staged: a new release, the current one with the staged changes,
    and `output` switched to it at once (the first release is `staging` itself). The
    release before stays; older ones go. Raise :class:`InvalidInput` if the releases
    cannot be written; `output` then still shows the site published before.
    `prepared` is the new release's folder as :func:`prepare_release` started it."""
    releases = output.with_name(output.name + RELEASES)
    try:
        current = _current_release(output, releases)
        if current is not None and not _has_changes(staging):
            shutil.rmtree(staging, ignore_errors=True)  # the same site again: no release for it
            if prepared is not None:
                shutil.rmtree(prepared, ignore_errors=True)
            return
        release = _make_release(staging, current, releases, prepared)
        _switch(output, release)
    except OSError as error:
        raise InvalidInput([_cannot_write(error, output)]) from None
    _retire(output, releases, release, current)


def _current_release(output: Path, releases: Path) -> Path | None:
    """The release `output` shows, if any. A site an older version published in place
    becomes the first release."""
    if output.is_symlink():
        return output.resolve() if output.is_dir() else None
    if not output.is_dir():
        return None
    releases.mkdir(exist_ok=True)
    release = releases / _next_name(releases)
    # Done once: between this rename and the link, there is no site.
    output.rename(release)
    try:
        _switch(output, release)
    except OSError:
        release.rename(output)
        raise
    return release


def _has_changes(staging: Path) -> bool:
    """Whether `staging` holds a file, or a dropped path, for the new site."""
    for folder, _subfolders, names in os.walk(staging):
        for name in names:
            path = os.path.join(folder, name)
            if folder != str(staging) or not name.startswith(DROPPED) or os.path.getsize(path):
                return True
    return False


def _make_release(staging: Path, current: Path | None, releases: Path, prepared: Path | None = None) -> Path:
    """The next release, complete: `current`'s files (hard links, already in `prepared` if
    given), then the staged changes."""
    releases.mkdir(exist_ok=True)
    release = releases / _next_name(releases)
    if current is None:
        for path in staging.glob(f"{DROPPED}*"):
            path.unlink()
        staging.rename(release)
        return release
    # Made under a name no release has, so that a stopped build's half-made one is never taken
    # for a release (the next build removes it).
    partial = prepared
    try:
        if partial is None:
            partial = releases / f"{PARTIAL}{os.getpid()}-{time.time_ns()}"
            partial.mkdir()
            _link_tree(current, partial)
        _apply(staging, partial)
        partial.rename(release)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # only folders are left in it
    return release


def _next_name(releases: Path) -> str:
    numbers = [int(entry.name) for entry in _entries(releases) if _is_release(entry.name)]
    return f"{max(numbers, default=0) + 1:06d}"


def _is_release(name: str) -> bool:
    return name.isascii() and name.isdigit()


def _link_tree(source: Path, target: Path) -> None:
    """Fill the folder `target` with `source`'s folders and files, the files hard-linked: the
    same files, not copies (they keep their size and time, that staging compares). Where
    the file system cannot link them, they are copied."""
    linking = True

    def fill(source: str, target: str) -> None:
        nonlocal linking
        with os.scandir(source) as entries:
            for entry in entries:
                path = os.path.join(target, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(path)
                    fill(entry.path, path)
                    continue
                if linking:
                    try:
                        os.link(entry.path, path, follow_symlinks=False)
                        continue
                    except OSError as error:
                        if error.errno not in _CANNOT_LINK:
                            raise
                        linking = False
                shutil.copy2(entry.path, path, follow_symlinks=False)

    fill(str(source), str(target))


def _apply(staging: Path, release: Path) -> None:
    """Remove from `release` what the new site dropped, then move each staged file into it.
    A rename replaces the release's own entry: the release before, that shared the file,
    keeps it."""
    for path in sorted(staging.glob(f"{DROPPED}*")):
        for name in path.read_text(encoding="utf-8").splitlines():
            _remove(release / name, release)
        path.unlink()
    for folder, _subfolders, names in os.walk(staging):
        if not names:
            continue
        target = release / os.path.relpath(folder, staging)
        if not target.is_dir():
            if target.exists() or target.is_symlink():
                target.unlink()
            target.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.replace(os.path.join(folder, name), target / name)


def _switch(output: Path, release: Path) -> None:
    """Point `output` to `release` in one step: a new link beside it, renamed over it."""
    link = output.with_name(output.name + NEW_LINK)
    if link.is_symlink() or link.exists():
        link.unlink()  # a stopped build's
    os.symlink(os.path.join(release.parent.name, release.name), link)  # relative: `_build` can move
    os.replace(link, output)


def _retire(output: Path, releases: Path, current: Path, before: Path | None = None) -> None:
    """Move every release but `current` and the one before it out of the way, to be removed
    by :func:`clear_leftovers`: the older ones, and the newer ones, never published.
    The one before is `before` if it is a release, else the newest older one (releases
    are numbered in order)."""
    numbered = {path.resolve(): path for path in (Path(entry.path) for entry in _entries(releases))
                if _is_release(path.name)}
    current = current.resolve()
    if current not in numbered:
        return  # not one of ours: nothing is known to be old
    before = before.resolve() if before is not None else None
    if before not in numbered:
        older = [path for path in numbered if int(path.name) < int(current.name)]
        before = max(older, key=lambda path: int(path.name), default=None)
    for real, path in numbered.items():
        if real not in (current, before):
            try:
                path.rename(_removal_name(output, f"release-{path.name}"))
            except OSError:
                pass  # the site is published; a later build tries again


def _removal_name(output: Path, what: str) -> Path:
    return output.with_name(f"{output.name}{REMOVING}{what}-{os.getpid()}-{time.time_ns()}")


def _cannot_write(error: OSError, output: Path) -> Problem:
    """What went wrong writing the releases beside `output`, and what to do about it."""
    where = error.filename2 or error.filename or output
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = f"free some space on the disk of {output.parent}"
    else:
        hint = f"check the permissions of {output.parent} and of what is in it, and that no file is in the way there"
    return Problem(str(output), None, "", (
        f"cannot write {where}: {error.strerror or error}; {hint}, then build again; the site published "
        "before is unchanged"))


def _remove(path: Path, release: Path) -> None:
    """Remove a file or folder of `release`, and the folders it leaves empty."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    else:
        return
    folder = path.parent
    while folder != release and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def clear_leftovers(output: Path) -> subprocess.Popen | None:
    """Start removing what an earlier build left beside `output` (the changes of a build
    that stopped before publishing, the release it was making or made but did not
    publish, its new link; releases no longer kept; a site replaced whole, by builds
    before publishing in place); the build waits for the returned process before it ends.

    They are renamed first, so that the new changes can be staged at once.
    """
    for suffix in (RETIRED, STAGING):
        leftover = output.with_name(output.name + suffix)
        if leftover.exists():
            leftover.rename(_removal_name(output, suffix[1:]))
    link = output.with_name(output.name + NEW_LINK)
    if link.is_symlink():
        link.unlink()
    releases = output.with_name(output.name + RELEASES)
    for entry in _entries(releases):
        if entry.name.startswith(PARTIAL):
            os.rename(entry.path, _removal_name(output, f"release-{entry.name.lstrip('.')}"))
    if output.is_symlink() and output.is_dir():
        _retire(output, releases, output)
    leftovers = [str(path) for path in output.parent.glob(f"{output.name}{REMOVING}*")] if output.parent.is_dir() else []
    if not leftovers:
        return None
    return subprocess.Popen(["rm", "-rf", "--", *leftovers], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # nothing of it on the user's terminal
