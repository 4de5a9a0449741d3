"""Build each language's source tree with Jupyter Book 1 (Sphinx), languages in parallel.

:func:`start_languages` forks worker processes from this one once it has imported
Jupyter Book, Sphinx and their extensions: a language pays for none of those
imports. Each worker writes a language's source tree, builds it, fills in its late
parts and stages its pages, then takes the next language; this process never starts
Sphinx itself. :meth:`Languages.wait` collects the results.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import logging
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from multiprocessing.connection import wait
from pathlib import Path

from ..fingerprints import stat_digest
from ..problems import InvalidInput
from ..work import LanguageWork, Memo, write_atomic
from . import patches, search
from .reports import build_problems, pages_with_problems, without_colours

if TYPE_CHECKING:
    from ..assemble.tree import SourceTree
    from .kernels import NotebookRun

BUILDER = "dirhtml"  # clean URLs: webinars/<slug>/index.html

# What a language's build imports; imported once here, before the languages are forked.
PRELOAD = (
    "jupyter_book.config", "sphinx.application", "sphinx.builders.dirhtml",
    "sphinx.util.docutils", "myst_parser", "myst_nb", "myst_nb.sphinx_ext", "sphinx_book_theme",
    "pydata_sphinx_theme", "sphinx_design", "sphinx_copybutton",
    "sphinx_external_toc", "sphinx_jupyterbook_latex", "sphinx_multitoc_numbering",
    "sphinx.ext.intersphinx", "nbclient", "webinars.engine.extension",
    "sphinx_design.extension", "sphinx.ext.doctest", "packaging.specifiers",
    # imported by the extensions' set-up and by the first page read or written
    "xml.dom.minidom", "myst_nb.ext.execution_tables", "myst_nb.ext.glue.directives",
    "myst_nb.ext.glue.domain", "myst_nb.ext.glue.roles", "myst_parser.sphinx_ext.directives",
    "myst_parser.sphinx_ext.mathjax", "myst_parser.sphinx_ext.myst_refs", "sphinx.builders.html.transforms",
    "sphinx.builders.latex.transforms", "sphinx.ext.mathjax", "sphinx.util.math", "sphinx_external_toc.api",
    "sphinx_external_toc.collectors", "sphinx_external_toc.events", "sphinx_external_toc.parsing",
    "sphinx_jupyterbook_latex.events", "sphinx_jupyterbook_latex.nodes", "sphinx_jupyterbook_latex.theme",
    "sphinx_jupyterbook_latex.transforms",
    *(f"docutils.{kind}languages.{code}" for kind in ("", "parsers.rst.")
      for code in ("en", "ar", "es", "fr", "ru", "zh_cn")),
)

# CSS selectors the theme applies to every page's navigation (pydata_sphinx_theme.toctree).
_THEME_SELECTORS = ("li", ".toc-h1", ".toc-h2", "details > a.reference", "details > p.caption",
                    *(f"li.toctree-l{level} > details" for level in range(6)))


@dataclass(frozen=True)
class LanguageBuild:
    lang: str
    ok: bool
    warnings: tuple[str, ...]
    seconds: float  # of the Sphinx build; 0 when the language was unchanged
    origins: dict = field(default_factory=dict)  # assembled file -> where its body comes from
    src: Path | None = None  # the language's source tree, once written


def preload() -> None:
    """Import what every language's build needs, so that forked processes share it."""
    from sphinx.application import builtin_extensions  # Sphinx loads them all in every build

    patches.defer_notebook_runners()
    for name in (*PRELOAD, *builtin_extensions):
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # an optional extension: the build imports what it needs
    _first_uses()


def _first_uses() -> None:
    """What libraries do once per process when first used, done here for every language:
    the theme's Pygments styles (all of them are listed on every build), the CSS selector
    parser (its patterns take 0.1 s to compile), the notebook format's schema validator."""
    import nbformat.validator
    import soupsieve
    from pygments.styles import get_all_styles, get_style_by_name

    # a11y_pygments calls logging.basicConfig() when imported (INFO, to the terminal), which
    # does nothing while the root logger has a handler: give it one for the time being
    # (the kernels' thread logs meanwhile).
    root, ignore = logging.getLogger(), logging.NullHandler()
    root.addHandler(ignore)
    try:
        for style in get_all_styles():
            try:
                get_style_by_name(style)
            except Exception:  # noqa: BLE001 - a broken plug-in style: the theme skips it as well
                pass
    finally:
        root.removeHandler(ignore)
    for selector in _THEME_SELECTORS:
        soupsieve.compile(selector)
    for minor in (4, 5):  # the notebooks myst-nb reads, and those it writes
        nbformat.validator.get_validator(4, minor)


class Sources(Protocol):
    """What writes the languages' source trees (:class:`webinars.assemble.tree.Sources`)."""

    def warm_up(self) -> None:
        """Load, in this process, what every language's writing needs (shared once forked)."""

    def write(self, lang: str) -> SourceTree:
        """In the language's process: write its source tree."""


@dataclass(frozen=True)
class _Job:
    """What every language's worker is given when it is forked."""

    sources: Sources
    fresh: bool  # build everything again
    shared: str  # fingerprint of what every page depends on besides its source
    stage: Callable[[str, Path], None] | None  # takes a language's built pages into the site
    notebooks: NotebookRun | None  # the notebooks running meanwhile


def start_languages(langs: list[str], sources: Sources, shared: str, stage: Callable[[str, Path], None] | None,
                    notebooks: NotebookRun | None = None, jobs: int | None = None, fresh: bool = False,
                    root: Path | None = None, order: list[str] | None = None,
                    built: Callable[[LanguageBuild], None] | None = None) -> Languages:
    """Start building `langs` (in the `order` given, if any), `jobs` at a time, each in a
    worker process; ``wait()`` on the result for them (in the order of `langs`).

    A language whose source tree and `shared` inputs are exactly as at its last
    successful build is not built again. Each worker ends a language by handing its
    built pages to `stage` (``stage(lang, html)``); `built` is called here with each
    language's result as it arrives (the search index of its pages is made then, while
    the other languages build).

    The `notebooks` may still be running: Sphinx then reads every other page first, and
    the notebooks' pages once their results are stored (:meth:`NotebookRun.hold`).
    """
    sources.warm_up()
    preload()
    if notebooks is not None:
        notebooks.ready_to_fork()
    return Languages(langs, _Job(sources, fresh, shared, stage, notebooks), jobs, root, order, built)


class Languages:
    """The languages' builds, in worker processes forked from this one.

    A worker builds several languages one after another rather than a process each: a
    process forked from this one pays for the memory it touches first (copied or cleared,
    about 60 MB) and for ending, 0.1 s of a core each time; the next language of the same
    worker finds that memory ready.
    """

    def __init__(self, langs: list[str], job: _Job, jobs: int | None, root: Path | None,
                 order: list[str] | None = None, built: Callable[[LanguageBuild], None] | None = None) -> None:
        self.langs, self.job, self.root, self.built = list(langs), job, root, built
        self.waiting, self.results = list(order or langs), {}
        self.workers: dict = {}  # its results' end of the pipe -> [process, its orders' end, its language]
        self.fork_lock = job.notebooks.fork_lock if job.notebooks is not None else contextlib.nullcontext()
        self.done = False
        # What this process holds is shared with the workers page by page; keep the
        # collector away from it there (touching it would copy it, and take time). No
        # collection first: it would take 0.1 s of every build, before any language starts.
        gc.freeze()
        try:
            count = max(1, jobs or min(len(langs), os.cpu_count() or 1))
            for worker in [self._start() for _ in range(min(count, len(langs)))]:
                self._give(worker)
        except BaseException:
            self.__exit__()  # the workers started end; what went wrong here is raised
            raise

    def __enter__(self) -> Languages:
        return self

    def __exit__(self, *_exc) -> None:
        if not self.done:
            try:
                self.wait()
            except InvalidInput:
                pass  # what went wrong before is reported

    def _start(self) -> list:
        context = multiprocessing.get_context("fork")
        results_out, results_in = context.Pipe(duplex=False)
        orders_out, orders_in = context.Pipe(duplex=False)
        process = context.Process(target=_worker_process, args=(orders_out, results_in, self.job),
                                  name="build-languages", daemon=True)
        with self.fork_lock:
            process.start()
        results_in.close()
        orders_out.close()
        self.workers[results_out] = [process, orders_in, None]
        return self.workers[results_out]

    def _give(self, worker: list) -> None:
        """The next language to `worker`, or its end if none is left."""
        worker[2] = self.waiting.pop(0) if self.waiting else None
        try:
            worker[1].send(worker[2])
        except OSError:  # it stopped: said when its results' pipe closes
            pass

    def wait(self) -> list[LanguageBuild]:
        """Wait until every language is built; its result, in the order of `langs`.
        Raise :class:`InvalidInput` with the problems of those that failed."""
        try:
            while self.workers:
                for reader in wait(list(self.workers)):
                    self._receive(reader)
        finally:
            self.done = True
            gc.unfreeze()
        results = [self.results[lang] for lang in self.langs]
        failed = [result for result in results if not result.ok]
        if failed:
            raise InvalidInput(build_problems(failed, self.root))
        return results

    def _receive(self, reader) -> None:
        worker = self.workers[reader]
        try:
            result = reader.recv()
        except (EOFError, OSError):
            process, lang = worker[0], worker[2]
            process.join()
            if lang is not None:
                self.results[lang] = LanguageBuild(lang, False, (
                    f"ERROR: the build process of {lang} stopped (exit code {process.exitcode}); "
                    f"see {lang}/build.log in the work folder",), 0.0)
                if self.waiting:
                    self._give(self._start())  # the languages left get a new worker
            reader.close()
            worker[1].close()
            del self.workers[reader]
            return
        self.results[result.lang] = result
        self._give(worker)
        if self.built is not None:
            self.built(result)


def _worker_process(orders, channel, job: _Job) -> None:
    """A worker: build each language it is given until it is given None, then end at once.

    It ends without the interpreter's exit handlers: it was forked from a process whose
    other threads (the kernels' and, in the preview, the web server's) may have held
    locks of their libraries at that moment, and those handlers (concurrent.futures'
    among them) would wait for such a lock forever.
    """
    code = 1
    try:
        while (lang := orders.recv()) is not None:
            _language(lang, job, channel)
            _forget_language()
        code = 0
    except BaseException:  # noqa: BLE001 - said in the language's log; the build reports the exit
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _forget_language() -> None:
    """What Sphinx keeps of a language in its process, between two languages: its messages.
    Sphinx adds the catalogues of a language it starts with to those loaded before, as
    fallbacks: the next language would be shown in the words of the first."""
    from sphinx import locale

    locale.translators.clear()


def _language(lang: str, job: _Job, channel) -> None:
    """In the language's process: write its sources, build them if they changed, fill in
    the pages' late parts, stage the pages, report."""
    from .late import fill_late_parts

    started = time.perf_counter()
    patches.yaml_with_libyaml()
    patches.no_debug_records()
    try:
        tree = job.sources.write(lang)
        src, origins, late = tree.src, tree.origins, tree.late
        here = LanguageWork(src.parent)
        out, doctrees = here.html, here.doctrees
        _log_stderr_to(here.log).write(
            f"[webinars] sources written in {time.perf_counter() - started:.2f} s\n")
    except Exception as exc:  # a defect of ours, not of the content (validated before)
        channel.send(LanguageBuild(lang, False, (f"ERROR: writing the {lang} pages failed: "
                                                 f"{type(exc).__name__}: {exc}",), 0.0))
        return
    fresh, shared = job.fresh, job.shared
    hold = job.notebooks.hold(lang, src) if job.notebooks is not None else None
    stamp = f"{stat_digest((src,))}\n{shared}"
    last = here.built_stamp.read_text() if here.built_stamp.is_file() and (out / "index.html").is_file() else ""
    written: set[str] = set()  # the pages Sphinx writes
    filled = Memo(here.filled)  # what each built page's late parts were last filled in with
    # The pages a failed build had problems with, one per line ("*": some problem was
    # about no page in particular).
    recheck = here.recheck.read_text().split() if here.recheck.is_file() else []
    if not fresh and last == stamp:
        result = LanguageBuild(lang, True, (), 0.0)
    else:
        # Sphinx copies static files and applies templates only to pages it rewrites: when
        # those (or our code) changed since the last good build, every page is written again.
        last_shared = last.partition("\n")[2]
        rewrite = fresh or last_shared != shared
        # Until this build succeeds, the next one runs Sphinx again, rewriting every page
        # only if this one was to.
        write_atomic(here.built_stamp, f"\n{last_shared}")
        filled.forget()  # Sphinx writes pages without their late parts
        result = _build_one(lang, str(src), str(out), str(doctrees), fresh, rewrite, hold, written, set(recheck))
        if result.ok:
            write_atomic(here.built_stamp, stamp)
            here.recheck.unlink(missing_ok=True)
        else:
            # Sphinx reports a page's problems only when it reads the page: the next build
            # reads these again, changed or not, so that it reports them again.
            pages = set(recheck) | pages_with_problems(result.warnings, src)
            write_atomic(here.recheck, "".join(f"{page}\n" for page in sorted(pages)))
    if result.ok:
        problems = fill_late_parts(out, late, written, filled)
        if problems:
            result = LanguageBuild(lang, False, tuple(problems), result.seconds)
    if result.ok and job.stage is not None:
        try:
            job.stage(lang, out)
        except Exception as exc:  # a full disk, a defect of ours
            result = LanguageBuild(lang, False, (f"ERROR: putting the {lang} pages into the site failed: "
                                                 f"{type(exc).__name__}: {exc}",), result.seconds)
    channel.send(LanguageBuild(lang, result.ok, result.warnings, result.seconds, origins, src))


def _log_stderr_to(log: Path):
    """Sphinx's progress, kernels and libraries of this worker write to a log, not over the
    user's terminal; Sphinx's warnings are collected apart and reported."""
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the worker
    os.dup2(handle.fileno(), 2)
    sys.stderr = handle
    return handle


def _build_one(lang: str, src: str, out: str, doctrees: str, fresh: bool, rewrite: bool,
               hold: tuple[set[str], Callable[[], None]] | None = None, written: set[str] | None = None,
               recheck: set[str] = frozenset()) -> LanguageBuild:
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    nocolor()  # the progress goes to a log file
    started = time.perf_counter()
    warnings = io.StringIO()
    log = sys.stderr
    try:
        sphinx_config, _meta = get_final_config(
            user_yaml=Path(src) / "_config.yml", cli_config={"latex_individualpages": False}, sourcedir=Path(src), use_external_toc=True)
        patches.drop_unused_extensions(sphinx_config)
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(srcdir=src, confdir=None, outdir=out, doctreedir=doctrees, buildername=BUILDER,
                         confoverrides=sphinx_config, status=log, warning=warnings, freshenv=fresh,
                         keep_going=True, parallel=1)
            log.write(f"[webinars] Sphinx started in {time.perf_counter() - started:.2f} s\n")
            if hold is not None:
                _read_notebooks_last(app, *hold)
            if not rewrite:
                patches.keep_static_files(app, Path(out))
            if written is not None:
                app.connect("html-page-context", lambda _app, pagename, *_: written.add(pagename))
            if recheck:
                app.connect("env-get-outdated", lambda _app, env, *_: set(env.found_docs) if "*" in recheck
                            else recheck & env.found_docs)
            app.build(rewrite, [])
            ok = app.statuscode == 0
        _prune_removed_pages(Path(src), Path(out))
        log.write(f"[webinars] built in {time.perf_counter() - started:.2f} s\n")
    except Exception as exc:  # a crash inside Sphinx: report it, never a traceback
        warnings.write(f"{src}: ERROR: the build of {lang} stopped: {type(exc).__name__}: {exc}\n")
        ok = False
    found = tuple(without_colours(line) for line in warnings.getvalue().splitlines() if line.strip())
    return LanguageBuild(lang, ok and not found, found, time.perf_counter() - started)


def _read_notebooks_last(app, notebooks: set[str], wait: Callable[[], None]) -> None:
    """Sphinx reads the notebooks' pages after every other page, and only once `wait` returns
    (their executed copies are written: myst-nb executes nothing)."""
    waited = []

    def reorder(_app, _env, docnames: list[str]) -> None:
        docnames.sort(key=lambda name: name in notebooks)  # stable: the others keep their order

    def before_reading(_app, docname: str, _source) -> None:
        if docname in notebooks and not waited:
            started = time.perf_counter()
            wait()
            waited.append(True)
            sys.stderr.write(f"[webinars] waited {time.perf_counter() - started:.2f} s for the notebooks\n")

    app.connect("env-before-read-docs", reorder)
    app.connect("source-read", before_reading)


# What Sphinx itself writes beside the pages.
_SPHINX_OWN = {"_static", "_images", "_downloads", "_sources", "search", "genindex", "py-modindex", search.BUNDLE}


def _prune_removed_pages(src: Path, out: Path) -> None:
    """Sphinx never deletes the output of a page whose source is gone: do it here."""
    for folder, subfolders, names in os.walk(out, topdown=False):
        relative = os.path.relpath(folder, out)
        if relative.split(os.sep, 1)[0] in _SPHINX_OWN or "index.html" not in names:
            continue
        if not os.path.isfile(os.path.join(src, relative, "index.md")):
            os.unlink(os.path.join(folder, "index.html"))
            if not os.listdir(folder):
                os.rmdir(folder)

