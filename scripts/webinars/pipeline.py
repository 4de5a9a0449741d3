"""The whole build, stage by stage: :func:`build_site` reads as their order.

Configuration, the inputs' fingerprint, the notebooks' kernels started, the content
loaded and validated, the languages started (each writes its source tree, builds it
and stages its pages in a process of its own; this one has their search indexes
made), the media staged and the feeds, calendars, sitemap and the staff's announcements
made meanwhile, the languages awaited, the shared files added (root page, downloads and
those), the site published, the build recorded. Stages overlap at run time: the notebooks run and the media are
staged while the languages build.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import run_ahead
from .assemble.tree import Sources, warm_up as warm_up_sources
from .config import Config, load_config
from .content.catalogue import Catalogue
from .content.load import Content, load
from .engine import search
from .fingerprints import Fingerprints, fingerprint
from .problems import InvalidInput, Problem
from .work import Work, write_atomic

if TYPE_CHECKING:
    from .engine.kernels import KernelPool, NotebookRun


@dataclass
class Report:
    catalogue: Catalogue
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    site: Path | None = None  # where the published site is


def build_site(root: Path, jobs: int | None = None, fresh: bool = False, kernels: KernelPool | None = None,
               wait: bool = False, index: bool = True) -> Report:
    """Build the site into ``_build/site``; the previous site stays if anything fails.

    With `kernels`, the notebooks run in kernels kept from earlier builds (``webinars preview``).
    One build of a site runs at a time: another one is refused, or with `wait` waited for.
    Without `index`, the site is published with the search index of the last build that
    made one; :func:`index_search` then brings it up to date (the preview shows a change
    first, and makes its search index after).
    """
    from .engine.jupyterbook import start_languages
    from .finish.announce import staff_pages
    from .finish.follow import subscriptions
    from .finish.sitemap import found_files
    from .finish.site import Staging, downloads

    config = load_config(Path(root).resolve())  # absolute: the notebooks' kernels move from folder to folder
    with _one_build_at_a_time(config.work, wait):
        clock = _Clock()
        inputs = fingerprint(config)
        if not fresh and _published(config, inputs):
            return clock.report(config, load(config, inputs))  # checked again: its warnings are worth repeating
        fragment_key, fresh = _start(config.work, fresh)
        order = _slowest_first(config)
        with run_ahead.start(config, inputs, order, jobs, kernels) as notebooks:
            content = clock.lap("load", load(config, inputs))
            run_ahead.run(notebooks, config, content, inputs)
            with Staging(config) as staging:
                sources = Sources(config, content, inputs, fragment_key, fresh)
                indexes = search.Indexes(config.work, staging.add_search_index, jobs)

                def built_one(result) -> None:  # a language's pages are staged: index them meanwhile
                    if index and result.ok:
                        indexes.start(result.lang)

                try:
                    with start_languages([language.code for language in config.languages], sources, inputs.shared,
                                         staging.add_language, notebooks, jobs, fresh, config.root, order=order,
                                         built=built_one) as languages:
                        staging.add_media(content.catalogue)
                        # The notebooks' kernel makes the downloads; if none runs, those it made for
                        # the same facts are the same (a summary edited changes none of them).
                        made = None if notebooks.runs else (run_ahead.made_downloads(config, inputs)
                                                            or downloads(config, content.catalogue))
                        # Before the first language is built (a second at least): this process
                        # is idle until then, and the preview publishes as soon as the last one is.
                        followed = {**subscriptions(config, content.catalogue, content.heading_names),
                                    **found_files(config, content.catalogue, list(content.pages),
                                                  [notebook.name for notebook in content.notebooks]),
                                    **staff_pages(config, content.catalogue, content.heading_names["summary"])}
                        built = clock.lap("build", languages.wait(), since="load")
                finally:
                    unindexed = indexes.wait()
                _failed_indexes(config, unindexed)
                notebooks.finish()
                staging.add_shared_files({**(made or run_ahead.made_downloads(config, inputs)
                                             or downloads(config, content.catalogue)), **followed})
                staging.publish()
        _record(config.work, inputs, notebooks, built, clock, index)
    return clock.report(config, content)


def index_search(root: Path, jobs: int | None = None) -> float:
    """Make the search index of every language's last built pages, and publish what changed
    of it; the seconds it took. What a build made without `index` (``webinars preview``)
    leaves to do: the site published equals a clean build's once this is done. An index
    that cannot be made leaves the one published; the next build says why."""
    from .finish.site import Staging

    started = time.perf_counter()
    config = load_config(Path(root).resolve())
    with _one_build_at_a_time(config.work, wait=True):
        with Staging(config) as staging:
            indexes = search.Indexes(config.work, staging.add_search_index, jobs)
            for language in config.languages:
                if (config.work.language(language.code).html / "index.html").is_file():
                    indexes.start(language.code)
            unindexed = indexes.wait()
            staging.publish()  # the indexes made
        if not any(unindexed.values()) and config.work.unindexed_stamp.is_file():
            os.replace(config.work.unindexed_stamp, config.work.site_stamp)
    return time.perf_counter() - started


def _failed_indexes(config: Config, unindexed: dict[str, list[str]]) -> None:
    """Raise :class:`InvalidInput` with what went wrong making a language's search index."""
    problems = [Problem(str(config.work.language(lang).search), None, "", message)
                for lang, messages in unindexed.items() for message in messages]
    if problems:
        raise InvalidInput(problems)


class _Clock:
    """The seconds each stage took, for the report and the next build's order."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}
        self.marks: dict[str, float] = {"start": self.started}

    def lap(self, name: str, value, since: str = "start"):
        now = time.perf_counter()
        self.timings[name] = now - self.marks[since]
        self.marks[name] = now
        return value

    def report(self, config: Config, content: Content) -> Report:
        if "build" not in self.timings:  # nothing was built
            self.timings["load"] = time.perf_counter() - self.started
            self.timings.update({f"build {language.code}": 0.0 for language in config.languages})
        self.timings["total"] = time.perf_counter() - self.started
        return Report(content.catalogue, content.warnings, self.timings, config.path("output_dir"))


def check(root: Path) -> tuple[Config, Catalogue, dict, list[Problem]]:
    """Load and validate everything; raise :class:`InvalidInput` listing every error."""
    config = load_config(Path(root))
    content = load(config)
    return config, content.catalogue, content.pages, content.warnings


@contextmanager
def _one_build_at_a_time(work: Work, wait: bool):
    work.root.mkdir(parents=True, exist_ok=True)
    with work.lock.open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise InvalidInput([Problem(str(work.root), None, "", (
                "another build of this site is running (`webinars preview`, or `make site` in another "
                "terminal); wait until it is done, or stop it, and build again"))]) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _published(config: Config, inputs: Fingerprints) -> bool:
    """Whether the published site is made from exactly these inputs."""
    stamp = config.work.site_stamp
    return stamp.is_file() and stamp.read_text() == inputs.site and \
        (config.path("output_dir") / "index.html").is_file()


def _start(work: Work, fresh: bool) -> tuple[bytes, bool]:
    """A build begins: the site's stamp goes until it succeeds. Returns the key that signs
    the HTML our templates make, and whether this build is fresh: asked to be, or its key
    is new (nothing of earlier builds, signed with another key, may be kept)."""
    work.site_stamp.unlink(missing_ok=True)
    key, new = _fragment_key(work)
    fresh = fresh or new
    if fresh:
        work.notebooks_stamp.unlink(missing_ok=True)  # run the notebooks again too
    return key, fresh


def _fragment_key(work: Work) -> tuple[bytes, bool]:
    """The key that signs the HTML our templates make, kept in the work folder (out of the
    content's reach); and whether it is new."""
    path = work.fragment_key
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) == 32:
            return key, False
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    write_atomic(path, key.hex())
    return key, True


def _slowest_first(config: Config) -> list[str]:
    """The languages, those that took longest last time first: the cores finish together."""
    try:
        last = json.loads(config.work.timings.read_text())
    except (OSError, ValueError):
        last = {}
    return sorted((language.code for language in config.languages), key=lambda lang: -last.get(f"build {lang}", 0.0))


def _record(work: Work, inputs: Fingerprints, notebooks: NotebookRun, built: list, clock: _Clock,
            index: bool = True) -> None:
    """What the next build compares with: the stamps of this good build, and its timings. A
    site published before its search index is up to date only once :func:`index_search`
    has made it."""
    if index:
        write_atomic(work.site_stamp, inputs.site)
        work.unindexed_stamp.unlink(missing_ok=True)
    else:
        work.site_stamp.unlink(missing_ok=True)
        write_atomic(work.unindexed_stamp, inputs.site)
    write_atomic(work.notebooks_stamp, notebooks.stamp)
    clock.timings["notebooks"] = notebooks.seconds
    clock.timings.update({f"build {result.lang}": result.seconds for result in built})
    clock.timings["total"] = time.perf_counter() - clock.started
    write_atomic(work.timings, json.dumps(clock.timings, indent=1))


def warm_up(root: Path, pool: KernelPool, jobs: int | None = None) -> None:
    """Get ready for the next build of the site at `root` (``webinars preview``, between two
    builds): start the kernels its notebooks will run in, and import what its languages'
    builds need, so that a change waits for neither."""
    from .engine.jupyterbook import preload

    config = load_config(Path(root).resolve())
    run_ahead.warm_up(config, pool, jobs)
    preload()
    warm_up_sources(config)


def remove_leftovers(root: Path) -> None:
    """Start removing what the last build (the release before the last two) or a stopped
    one left beside the site now (``webinars preview``, between two builds), rather than
    while the next build works; unless a build of the site is running. The next build
    waits for none of it: a second or two for a large site."""
    import threading

    from .finish.site import clear_leftovers

    config = load_config(Path(root).resolve())
    try:
        with _one_build_at_a_time(config.work, wait=False):
            clearing = clear_leftovers(config.path("output_dir"))
    except InvalidInput:
        return  # a build is running: it removes it itself
    if clearing is not None:  # what it removes was renamed out of the way: no build needs it
        threading.Thread(target=clearing.wait, name="remove-leftovers", daemon=True).start()


