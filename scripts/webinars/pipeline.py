"""The whole build, stage by stage: load, validate, assemble, build, finish, publish."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import secrets
import subprocess
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .messages import heading_names, messages_for
from .assemble.notebooks import notebook_page
from .content.notebooks import load_notebooks
from .assemble.tree import assemble_language
from .config import Config, load_config
from .fingerprints import Fingerprints, content_fingerprints
from .content.catalogue import Catalogue
from .content.loader import load_content, load_pages
from .problems import InvalidInput, Problem
from .work import Memo, Work, write_atomic, write_pickle

if TYPE_CHECKING:
    from .engine.kernels import KernelPool, NotebookRun

# "/path/to/src/webinars/x/index.md:12: WARNING: message" as Sphinx writes it
_SPHINX_MESSAGE = re.compile(r"^(?P<file>[^:]+\.md)(?::(?P<line>\d+))?: (?:\w+: )?(?P<level>WARNING|ERROR|CRITICAL): (?P<text>.*)$")



@dataclass
class Report:
    catalogue: Catalogue
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    site: Path | None = None  # where the published site is


def check(root: Path) -> tuple[Config, Catalogue, dict, list[Problem]]:
    """Load and validate everything; raise :class:`InvalidInput` listing every error."""
    config, catalogue, pages, _notebooks, warnings = _load(root)
    return config, catalogue, pages, warnings


def _load(root: Path, fingerprints: Fingerprints | None = None):
    """Load and validate; with `fingerprints`, content folders unchanged since the last
    build are taken as it loaded them (:class:`FolderMemo`)."""
    config = load_config(root)
    names = heading_names(config.languages, config.path("locales_dir"))
    memo, keys = None, None
    if fingerprints is not None:
        memo = Memo(Work(config.path("work_dir")).loaded_folders)
        keys = {name: hashlib.sha256(f"{fingerprints.rest}\0{digest}".encode()).hexdigest()
                for name, digest in fingerprints.folders.items()}
    catalogue, problems = load_content(config, names["summary"], memo, keys)
    if memo is not None and memo.changed():
        memo.save()
    pages, page_problems = load_pages(config.path("pages_dir"), config)
    notebooks = load_notebooks(config.path("notebooks_dir"), page_problems)
    everything = problems.items + page_problems.items
    errors = sorted(p for p in everything if p.severity == "error")
    if errors:
        raise InvalidInput(errors)
    return config, catalogue, pages, notebooks, sorted(p for p in everything if p.severity != "error")


def build_site(root: Path, jobs: int | None = None, fresh: bool = False, kernels: KernelPool | None = None,
               wait: bool = False) -> Report:
    """Build the site into ``_build/site``; the previous site stays if anything fails.

    With `kernels`, the notebooks run in kernels kept from earlier builds (``webinars preview``).
    One build of a site runs at a time: another one is refused, or with `wait` waited for.
    """
    root = Path(root).resolve()  # absolute: the notebooks' kernels move from folder to folder
    config = load_config(root)
    with _one_build_at_a_time(Work(config.path("work_dir")), wait):
        return _build_site(root, config, jobs, fresh, kernels)


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


def _build_site(root: Path, config: Config, jobs: int | None, fresh: bool, kernels: KernelPool | None) -> Report:
    from .engine.jupyterbook import shared_fingerprint
    from .finish.site import clear_leftovers

    started = time.perf_counter()
    fingerprints = content_fingerprints(config, config.path("notebooks_dir"))
    package = Path(__file__).resolve().parent
    inputs = (config.path("templates_dir"), config.path("static_dir"), package)
    output, work = config.path("output_dir"), Work(config.path("work_dir"))
    stamp = "\n".join([fingerprints.key, shared_fingerprint(inputs), (root / "_toc.yml").read_bytes().hex()])
    if not fresh and work.site_stamp.is_file() and work.site_stamp.read_text() == stamp \
            and (output / "index.html").is_file():
        # Nothing the site is made from changed since it was published: check the content
        # again (its warnings are worth repeating) and keep the site as it is.
        _config, catalogue, _pages, _notebooks, warnings = _load(root, fingerprints)
        timings = {"load": time.perf_counter() - started}
        timings.update({f"build {language.code}": 0.0 for language in config.languages})
        timings["total"] = time.perf_counter() - started
        return Report(catalogue, warnings, timings, output)
    work.site_stamp.unlink(missing_ok=True)
    fragment_key, new_key = _fragment_key(work)
    run = _Run(root, config, fingerprints, inputs, stamp, jobs, fresh or new_key, kernels, started, fragment_key)
    run.clearing = clear_leftovers(output)  # what a stopped build left goes while this one works
    try:
        return run.build()
    finally:
        if run.clearing is not None:
            run.clearing.wait()


def _fragment_key(work: Work) -> tuple[bytes, bool]:
    """The key that signs the HTML our templates make, kept in the work folder (out of the
    content's reach); and whether it is new, in which case nothing of earlier builds,
    signed with another key, may be kept."""
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


@dataclass
class _Run:
    """One build, from the decision that the site must be built again."""

    root: Path
    config: Config
    fingerprints: Fingerprints
    inputs: tuple[Path, ...]  # what every language's pages depend on besides their sources
    stamp: str  # written beside the site once it is published
    jobs: int | None
    fresh: bool
    pool: KernelPool | None  # kernels kept between builds, if any
    started: float
    fragment_key: bytes
    timings: dict[str, float] = field(default_factory=dict)
    clearing: subprocess.Popen | None = None  # the removal of what an earlier build left
    loaded: tuple = ()  # (catalogue, pages, notebooks, warnings) once loaded

    def build(self) -> Report:
        work = Work(self.config.path("work_dir"))
        trees = {language.code: work.language(language.code).src for language in self.config.languages}
        if self.fresh:
            work.notebooks_stamp.unlink(missing_ok=True)  # run the notebooks again too
        # The languages that took longest last time start first: the cores finish together.
        last = _last_timings(work)
        order = sorted(trees, key=lambda lang: -last.get(f"build {lang}", 0.0))
        notebooks_run = self._load_and_start_notebooks(trees, order)
        try:
            return self._build_languages(trees, order, notebooks_run)
        finally:
            notebooks_run.finish()

    def _build_languages(self, trees: dict[str, Path], order: list[str], notebooks_run: NotebookRun) -> Report:
        from .engine.jupyterbook import build_languages
        from .finish.site import STAGING, add_language, add_top_files, publish, start_staging

        config, timings = self.config, self.timings
        output, work = config.path("output_dir"), Work(config.path("work_dir"))
        catalogue, pages, notebooks, warnings = self.loaded
        names = heading_names(config.languages, config.path("locales_dir"))
        prewarm(config)
        key, fingerprints, fresh = self.fingerprints.key, self.fingerprints, self.fresh

        def prepare(lang: str) -> tuple[Path, Path, Path, dict, dict]:
            """Runs in the language's own process: write its source tree."""
            here = work.language(lang)
            if fresh:
                here.kept_pages.unlink(missing_ok=True)  # render every page
            origins, late = assemble_language(catalogue, pages, config, config.language(lang), names, trees[lang],
                                              notebooks, key, fingerprints, self.fragment_key)
            return trees[lang], here.html, here.doctrees, origins, late

        # The new site's changes are staged beside the published one while the languages
        # build: each language's process stages its pages as soon as they are built.
        made: dict = {}  # what this process made meanwhile: the downloads, the next release
        staging, published = output.with_name(output.name + STAGING), output if output.is_dir() else None
        start_staging(staging)
        html = {lang: work.language(lang).html for lang in trees}

        def deliver(lang: str) -> None:
            add_language(html[lang], staging, lang, published)

        def hold_notebooks(lang: str) -> tuple[set[str], Callable[[], None]]:
            """The language's notebooks' pages, and what waits until their results are stored."""
            pages = {path.relative_to(trees[lang]).with_suffix("").as_posix()
                     for path in notebooks_run.notebooks.get(lang, ())}
            return pages, functools.partial(notebooks_run.wait, lang)

        # The languages start while the notebooks run; each reads its notebooks' pages last,
        # once their results are stored (myst-nb executes nothing).
        notebooks_run.ready_to_fork()
        mark = time.perf_counter()
        results = sorted(build_languages(order, prepare, jobs=self.jobs, fresh=fresh, inputs=self.inputs,
                                         deliver=deliver,
                                         meanwhile=functools.partial(self._meanwhile, notebooks_run, catalogue,
                                                                     staging, published, made),
                                         hold_notebooks=hold_notebooks, fork_lock=notebooks_run.fork_lock),
                         key=lambda r: list(trees).index(r.lang))
        timings["build"] = time.perf_counter() - mark
        notebooks_run.finish()
        timings["notebooks"] = notebooks_run.seconds
        timings.update({f"build {r.lang}": r.seconds for r in results})
        failed = [r for r in results if not r.ok]
        if failed:
            raise InvalidInput(build_problems(failed, trees, {r.lang: r.origins for r in results}, config.root))
        add_top_files(config, self._downloads(catalogue, made), staging, published)

        mark = time.perf_counter()
        publish(staging, output, made.get("release"))
        write_atomic(work.site_stamp, self.stamp)
        write_atomic(work.notebooks_stamp, notebooks_run.stamp)
        timings["finish"] = time.perf_counter() - mark
        timings["total"] = time.perf_counter() - self.started
        write_atomic(work.timings, json.dumps(timings, indent=1))
        return Report(catalogue, warnings, timings, output)

    def _meanwhile(self, notebooks_run: NotebookRun, catalogue: Catalogue, staging: Path, published: Path | None,
                   made: dict) -> None:
        """While the languages build: stage the slides, start the next release, and make the
        downloads if no kernel makes them."""
        from .finish.site import add_media, downloads, prepare_release

        add_media(self.config, catalogue, staging, published)
        made["release"] = prepare_release(self.config.path("output_dir"))
        if not notebooks_run.after:
            made["downloads"] = downloads(catalogue)

    def _downloads(self, catalogue: Catalogue, made: dict) -> dict[str, str]:
        """The site's downloads: made here while the languages built, or by the notebooks'
        kernel, or, if it failed to, made now."""
        from .finish.site import downloads, made_downloads

        if "downloads" in made:
            return made["downloads"]
        kept = made_downloads(Work(self.config.path("work_dir")).downloads, self.fingerprints.key)
        return kept if kept is not None else downloads(catalogue)

    def _load_and_start_notebooks(self, trees: dict[str, Path], order: list[str]) -> NotebookRun:
        """Load the content while kernels start; start the notebooks that must run, the
        languages' in `order`, and import what the languages' builds need while they run."""
        from .engine.jupyterbook import preload
        from .engine.kernels import NotebookRun

        config, timings = self.config, self.timings
        kernels, notebook_jobs, notebooks_stamp = _start_notebooks(config, self.fingerprints.key, trees, self.jobs,
                                                                   self.pool, order)
        own = kernels is not None and self.pool is None
        try:
            config, catalogue, pages, notebooks, warnings = _load(self.root, self.fingerprints)
            work = Work(config.path("work_dir"))
            for old in work.old_snapshots():
                old.unlink()
            write_pickle(work.snapshot(self.fingerprints.key), (catalogue, pages))
            timings["load"] = time.perf_counter() - self.started
            downloads = work.downloads
            downloads.unlink(missing_ok=True)  # made again by the kernel, for this content
            after = ("from webinars.notebooks import save_downloads\n"
                     f"save_downloads({str(self.root)!r}, {self.fingerprints.key!r}, {str(downloads)!r})")
            run = NotebookRun(kernels, notebook_jobs, notebooks_stamp, _myst_extensions(config), own, after)
        except BaseException:
            if own:
                kernels.close()
            raise
        try:
            # The Chinese word list only for the preview's builds: here the Chinese language's
            # process loads it while the other languages build.
            preload(chinese=self.pool is not None and any(language.code.startswith("zh")
                                                           for language in config.languages))
        except BaseException:
            run.finish()
            raise
        self.config, self.loaded = config, (catalogue, pages, notebooks, warnings)
        return run


def prewarm(config: Config) -> None:
    """Load what every language's process needs (locale data, compiled templates) once, here."""
    from .assemble.pages import precompile_templates

    for language in config.languages:
        messages_for(language, config.path("locales_dir"))
        language.locale.date_formats  # noqa: B018 - loads the locale's data
    precompile_templates()


def _last_timings(work: Work) -> dict[str, float]:
    try:
        return json.loads(work.timings.read_text())
    except (OSError, ValueError):
        return {}


def _myst_extensions(config: Config) -> list[str]:
    return list((config.book.get("parse") or {}).get("myst_enable_extensions") or ())


def _start_notebooks(config: Config, key: str, trees: dict[str, Path], jobs: int | None,
                     pool: KernelPool | None = None, order: list[str] | None = None):
    """Start kernels for the notebooks, unless their executed copies are those of exactly
    these notebooks already (as recorded after the last good build), or the project's
    ``execute_notebooks`` is ``off`` (then myst-nb shows them as they are).

    They start now, while the content loads; they run once the content is saved for
    them (see :mod:`webinars.engine.kernels`), the languages' in `order`. Returns
    (kernels or None, notebooks, stamp).
    """
    from .engine.kernels import Kernels, NotebookJob, executed_path
    from .problems import Problems

    found = load_notebooks(config.path("notebooks_dir"), Problems(config.root))
    wanted = []
    for language in config.languages:
        messages = messages_for(language, config.path("locales_dir"))
        for notebook in found:
            page = notebook_page(notebook, messages, config.root, key)
            tree = trees[language.code]
            wanted.append(NotebookJob(language.code, tree / page.file, page.text,
                                      executed_path(tree, tree / page.file).resolve()))
    # Each notebook's code holds the fingerprint of everything it reads; what runs that code
    # (the libraries that make its tables and dates, and the kernel) is added here.
    digest = hashlib.sha256(_notebook_versions().encode())
    for job in wanted:
        digest.update(f"{job.path}\0{job.executed}\0{job.text}\0".encode())
    stamp = digest.hexdigest()
    marker = Work(config.path("work_dir")).notebooks_stamp
    off = (config.book.get("execute") or {}).get("execute_notebooks") == "off"
    if not wanted or off or (marker.is_file() and marker.read_text() == stamp):
        return None, [], stamp
    # Their executed copies are about to be replaced: written again once this build succeeds.
    marker.unlink(missing_ok=True)
    if order:
        wanted.sort(key=lambda job: order.index(job.lang) if job.lang in order else len(order))
    settings = _kernel_settings(config, len(wanted), jobs)
    return (pool.kernels(*settings) if pool is not None else Kernels(*settings)), wanted, stamp


def _notebook_versions() -> str:
    from importlib.metadata import version

    return ",".join(version(name) for name in
                    ("pandas", "babel", "jinja2", "markupsafe", "ipykernel", "nbclient", "nbformat", "myst-nb"))


def _kernel_settings(config: Config, notebooks: int, jobs: int | None) -> tuple[int, Path, int, Path]:
    """How many kernels run `notebooks` notebooks, where, their time limit per cell, their log."""
    timeout = int((config.book.get("execute") or {}).get("timeout", 120))
    config.path("work_dir").mkdir(parents=True, exist_ok=True)
    # One kernel per two cores: the languages build on the other cores meanwhile, and on
    # two cores a second kernel's start (1.2 s of a core: Python, IPython, pandas) cost a
    # cold rebuild more than it saved (300 webinars: 6.9 s instead of 7.3-7.6 s).
    count = min(notebooks, max(1, (jobs or os.cpu_count() or 1) // 2))
    return count, config.root, timeout, Work(config.path("work_dir")).kernels_log


def warm_up(root: Path, pool: KernelPool, jobs: int | None = None) -> None:
    """Get ready for the next build of the site at `root` (``webinars preview``, between two
    builds): start the kernels its notebooks will run in, and import what its languages'
    builds need, so that a change waits for neither."""
    from .engine.jupyterbook import preload
    from .problems import Problems

    config = load_config(Path(root).resolve())
    found = load_notebooks(config.path("notebooks_dir"), Problems(config.root))
    if found:
        pool.kernels(*_kernel_settings(config, len(found) * len(config.languages), jobs))
    preload(chinese=any(language.code.startswith("zh") for language in config.languages))
    prewarm(config)


def remove_leftovers(root: Path) -> None:
    """Start removing what the last build (the release before the last two) or a stopped
    one left beside the site now (``webinars preview``, between two builds), rather than
    while the next build works; unless a build of the site is running. The next build
    waits for none of it: a second or two for a large site."""
    import threading

    from .finish.site import clear_leftovers

    config = load_config(Path(root).resolve())
    try:
        with _one_build_at_a_time(Work(config.path("work_dir")), wait=False):
            clearing = clear_leftovers(config.path("output_dir"))
    except InvalidInput:
        return  # a build is running: it removes it itself
    if clearing is not None:  # what it removes was renamed out of the way: no build needs it
        threading.Thread(target=clearing.wait, name="remove-leftovers", daemon=True).start()


def build_problems(failed, trees: dict[str, Path], origins: dict[str, dict], root: Path | None = None) -> list[Problem]:
    """Sphinx's messages, located in the author's file where we know it, once per problem."""
    merged: dict[tuple, list[str]] = {}
    for result in failed:
        for message in result.warnings or ("the build failed without a message",):
            key = _locate(message, trees[result.lang], origins[result.lang])
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
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _notebook_failure(path: str, report: Path, root: Path | None) -> tuple[str, int | None, str]:
    """Which cell of a notebook failed, where it is in the notebook's file, and the error."""
    text = _ANSI.sub("", report.read_text(encoding="utf-8", errors="replace")) if report.is_file() else ""
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


def _locate(message: str, tree: Path, origins: dict) -> tuple[str, int | None, str]:
    match = _SPHINX_MESSAGE.match(message)
    if not match:
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
