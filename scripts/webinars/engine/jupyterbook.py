"""Build each language's source tree with Jupyter Book 1 (Sphinx), languages in parallel.

Each language is written and built in its own process, forked from this one
after it has imported Jupyter Book, Sphinx and their extensions: a language pays
for none of those imports. Sphinx keeps its translators in module globals, so two
languages never share a process, and this process never starts Sphinx itself.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import importlib.util
import io
import logging
import multiprocessing
import os
import re
import sys
import time
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from ..fingerprints import stat_digest
from ..work import LanguageWork, Memo, write_atomic

BUILDER = "dirhtml"  # clean URLs: webinars/<slug>/index.html

# What a language's build imports; imported once here, before the languages are forked.
PRELOAD = (
    "jupyter_book.config", "sphinx.application", "sphinx.builders.dirhtml", "sphinx.search",
    "sphinx.util.docutils", "myst_parser", "myst_nb", "myst_nb.sphinx_ext", "sphinx_book_theme",
    "pydata_sphinx_theme", "sphinx_design", "sphinx_copybutton",
    "sphinx_external_toc", "sphinx_jupyterbook_latex", "sphinx_multitoc_numbering",
    "sphinx.ext.intersphinx", "nbclient", "webinars.engine.extension",
    "sphinx.search.en", "sphinx.search.es", "sphinx.search.fr", "sphinx.search.ru",
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

# Extensions Jupyter Book adds to every build that this site does not use, and that break
# it under a strict Content-Security-Policy (script-src 'self'): each writes inline scripts
# into every page. sphinx_thebe (Binder) also throws "Identifier 'THEBE_JS_URL' has already
# been declared" on every page; sphinx_comments (Hypothesis, utterances) is switched off;
# sphinx_togglebutton styles admonitions as dropdowns, which nothing here writes: the
# follow-up answers are sphinx-design dropdowns (<details>), and myst-nb hides or removes
# cells by itself. The setting Jupyter Book always passes to sphinx_comments goes too
# (Sphinx warns about a setting no extension declares, and a warning fails the build).
UNUSED_EXTENSIONS = ("sphinx_thebe", "sphinx_comments", "sphinx_togglebutton")
_UNUSED_SETTINGS = ("comments_config",)

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


# Writes a language's source tree (in the language's process) and returns
# (source tree, html output, doctrees, origins, late parts of each page).
Prepare = Callable[[str], tuple[Path, Path, Path, dict, dict]]
# Takes a language's built pages into the site (in the language's process, once it is built).
Deliver = Callable[[str], None]
# For a language: its notebooks' pages (docnames), and what waits until their results can be
# read (called in the language's process, before Sphinx reads the first of them).
HoldNotebooks = Callable[[str], tuple[set[str], Callable[[], None]]]


def preload(chinese: bool = False) -> None:
    """Import what every language's build needs, so that forked processes share it.

    With `chinese`, also import Sphinx's Chinese search and load the word list it splits
    text with (0.1 s and 0.7 s): worth it where it serves many builds (``webinars
    preview``); otherwise the Chinese language's process does both itself, while the
    others build.
    """
    from sphinx.application import builtin_extensions  # Sphinx loads them all in every build

    _defer_notebook_runners()
    for name in (*PRELOAD, *builtin_extensions):
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # an optional extension: the build imports what it needs
    _first_uses()
    if not chinese:
        return
    try:
        import jieba
        import sphinx.search.zh  # noqa: F401
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)  # no progress chatter
    if not jieba.dt.initialized:
        jieba.initialize()


# myst-nb's clients that execute a notebook themselves, and the module each is in.
_NOTEBOOK_RUNNERS = {"cache": "NotebookClientCache", "direct": "NotebookClientDirect"}


def _defer_notebook_runners() -> None:
    """myst-nb imports its clients that execute a notebook themselves (from its execution
    cache, or directly) with its notebook support, and with them jupyter-cache and
    SQLAlchemy: 0.22 s of every build, before any language could start. A build's
    notebooks are executed ahead (:mod:`webinars.engine.kernels`), and myst-nb needs one of
    these only for a notebook that failed there (it runs it again and reports the error)
    or when nothing ran them. Until then each is a stand-in that imports the real module,
    under its own name, the first time a client is made."""
    package = "myst_nb.core.execute"
    if package in sys.modules or importlib.util.find_spec("myst_nb") is None:
        return
    for module, name in _NOTEBOOK_RUNNERS.items():
        full = f"{package}.{module}"

        def make(*args, _full=full, _name=name, **kwargs):
            if getattr(sys.modules.get(_full), "_webinars_stand_in", False):
                del sys.modules[_full]
            return getattr(importlib.import_module(_full), _name)(*args, **kwargs)

        stand_in = types.ModuleType(full, f"Stands in for {full} until a notebook is executed by myst-nb.")
        stand_in._webinars_stand_in = True
        setattr(stand_in, name, make)
        sys.modules[full] = stand_in


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


def build_languages(langs: list[str], prepare: Prepare, jobs: int | None = None, fresh: bool = False,
                    inputs: tuple[Path, ...] = (), deliver: Deliver | None = None,
                    meanwhile: Callable[[], None] | None = None, hold_notebooks: HoldNotebooks | None = None,
                    fork_lock=None) -> list[LanguageBuild]:
    """Write and build each language in its own process, `jobs` at a time; one result per language.

    A language whose source tree and `inputs` (templates, static files, our code) are
    exactly as at its last successful build is not built again. Each language's process
    ends by handing its pages to `deliver`; this process runs `meanwhile` while they work.

    The notebooks may still be running: Sphinx then reads every other page first, and
    the notebooks' pages once `hold_notebooks` says their results are stored. A process
    is forked while `fork_lock` is held (see :class:`webinars.engine.kernels.NotebookRun`).
    """
    shared = shared_fingerprint(inputs)
    jobs = max(1, jobs or min(len(langs), os.cpu_count() or 1))
    preload()
    # What this process holds is shared with the languages' processes page by page; keep
    # the collector away from it there (touching it would copy it, and take time). No
    # collection first: it would take 0.1 s of every build, before any language starts.
    gc.freeze()
    try:
        return _fork_languages(langs, prepare, jobs, fresh, shared, deliver, meanwhile, hold_notebooks,
                               fork_lock or contextlib.nullcontext())
    finally:
        gc.unfreeze()


def _fork_languages(langs: list[str], prepare: Prepare, jobs: int, fresh: bool, shared: str,
                    deliver: Deliver | None, meanwhile: Callable[[], None] | None,
                    hold_notebooks: HoldNotebooks | None, fork_lock) -> list[LanguageBuild]:
    """Build the languages in `jobs` worker processes, each taking the next language in
    `langs` as soon as it is done with one.

    A worker builds several languages one after another rather than a process each: a
    process forked from this one pays for the memory it touches first (copied or cleared,
    about 60 MB) and for ending, 0.1 s of a core each time; the next language of the same
    worker finds that memory ready.
    """
    context = multiprocessing.get_context("fork")
    waiting, results = list(langs), {}
    workers: dict = {}  # its results' end of the pipe -> [process, its orders' end, its language]
    failure = None

    def start() -> list:
        results_out, results_in = context.Pipe(duplex=False)
        orders_out, orders_in = context.Pipe(duplex=False)
        process = context.Process(target=_worker_process,
                                  args=(orders_out, results_in, prepare, fresh, shared, deliver, hold_notebooks),
                                  name="build-languages", daemon=True)
        with fork_lock:
            process.start()
        results_in.close()
        orders_out.close()
        workers[results_out] = [process, orders_in, None]
        return workers[results_out]

    def give(worker: list) -> None:
        """The next language to `worker`, or its end if none is left."""
        worker[2] = waiting.pop(0) if waiting else None
        try:
            worker[1].send(worker[2])
        except OSError:  # it stopped: said when its results' pipe closes
            pass

    for worker in [start() for _ in range(min(jobs, len(langs)))]:
        give(worker)
    if meanwhile is not None:
        try:
            meanwhile()
        except Exception as exc:  # noqa: BLE001 - raised once the languages' processes are done
            failure = exc
    while workers:
        for reader in wait(list(workers)):
            worker = workers[reader]
            try:
                result = reader.recv()
            except (EOFError, OSError):
                process, lang = worker[0], worker[2]
                process.join()
                if lang is not None:
                    results[lang] = LanguageBuild(lang, False, (
                        f"ERROR: the build process of {lang} stopped (exit code {process.exitcode}); "
                        f"see {lang}/build.log in the work folder",), 0.0)
                    if waiting:
                        give(start())  # the languages left get a new worker
                reader.close()
                worker[1].close()
                del workers[reader]
                continue
            results[result.lang] = result
            give(worker)
    if failure is not None:
        raise failure
    return [results[lang] for lang in langs]


def _worker_process(orders, channel, prepare: Prepare, fresh: bool, shared: str, deliver: Deliver | None,
                    hold_notebooks: HoldNotebooks | None) -> None:
    """A worker: build each language it is given until it is given None, then end at once.

    It ends without the interpreter's exit handlers: it was forked from a process whose
    other threads (the kernels' and, in the preview, the web server's) may have held
    locks of their libraries at that moment, and those handlers (concurrent.futures'
    among them) would wait for such a lock forever.
    """
    code = 1
    try:
        while (lang := orders.recv()) is not None:
            hold = hold_notebooks(lang) if hold_notebooks is not None else None
            _language(lang, prepare, channel, fresh, shared, deliver, hold)
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


def shared_fingerprint(inputs: tuple[Path, ...]) -> str:
    """What every language's build depends on besides its own sources."""
    return stat_digest(inputs) + _versions()


def _language(lang: str, prepare: Prepare, channel, fresh: bool, shared: str, deliver: Deliver | None,
              hold: tuple[set[str], Callable[[], None]] | None = None) -> None:
    """In the language's process: write its sources, build them if they changed, fill in
    the pages' late parts, hand the pages to `deliver`, report."""
    from .late import fill_late_parts

    started = time.perf_counter()
    _yaml_with_libyaml()
    _no_debug_records()
    try:
        src, out, doctrees, origins, late = prepare(lang)
        here = LanguageWork.of_doctrees(doctrees)
        _log_stderr_to(here.log).write(
            f"[webinars] sources written in {time.perf_counter() - started:.2f} s\n")
    except Exception as exc:  # a defect of ours, not of the content (validated before)
        channel.send(LanguageBuild(lang, False, (f"ERROR: writing the {lang} pages failed: "
                                                 f"{type(exc).__name__}: {exc}",), 0.0))
        return
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
            pages = set(recheck) | _pages_with_problems(result.warnings, src)
            write_atomic(here.recheck, "".join(f"{page}\n" for page in sorted(pages)))
    if result.ok:
        problems = fill_late_parts(out, late, written, filled)
        if problems:
            result = LanguageBuild(lang, False, tuple(problems), result.seconds)
    if result.ok and deliver is not None:
        try:
            deliver(lang)
        except Exception as exc:  # a full disk, a defect of ours
            result = LanguageBuild(lang, False, (f"ERROR: putting the {lang} pages into the site failed: "
                                                 f"{type(exc).__name__}: {exc}",), result.seconds)
    channel.send(LanguageBuild(lang, result.ok, result.warnings, result.seconds, origins))


def _yaml_with_libyaml() -> None:
    """In a language's process: the libraries read YAML with PyYAML's C parser (libyaml), as
    our own code does. Jupyter Book reads its configuration and myst-nb and myst-parser the
    frontmatter of every page with ``yaml.safe_load``, in pure Python: 0.2 s of the six
    languages' processes in a rebuild at 300 webinars. The values are the same: only the
    parser differs (the constructor, which makes the values, is the same Python code)."""
    import yaml

    from ..config import YAML_LOADER

    if YAML_LOADER is not yaml.SafeLoader and yaml.safe_load.__module__ == "yaml":
        yaml.safe_load = functools.partial(yaml.load, Loader=YAML_LOADER)


def _no_debug_records() -> None:
    """In a language's process: Sphinx's logger makes no record of a message no handler
    takes. Sphinx sets its logger to DEBUG and leaves the choice to its handlers, which at
    the default verbosity take INFO and above: each build made and dropped about a
    thousand records (extensions set up, events connected, files read)."""
    import logging as std_logging

    from sphinx.util import logging as sphinx_logging

    setup = sphinx_logging.setup
    if getattr(setup, "_webinars", False):
        return

    def quiet_setup(app, status, warning) -> None:
        setup(app, status, warning)
        if app.verbosity == 0:
            std_logging.getLogger(sphinx_logging.NAMESPACE).setLevel(std_logging.INFO)

    quiet_setup._webinars = True
    sphinx_logging.setup = quiet_setup


_MESSAGE_FILE = re.compile(r"^(?P<file>[^:]+\.(?:md|ipynb))(?::\d+)?: ")


def _pages_with_problems(messages: tuple[str, ...], src: Path) -> set[str]:
    pages = set()
    for message in messages:
        match = _MESSAGE_FILE.match(message)
        try:
            relative = Path(match.group("file")).resolve().relative_to(src.resolve()) if match else None
        except ValueError:
            relative = None
        pages.add(relative.with_suffix("").as_posix() if relative is not None else "*")
    return pages


def _versions() -> str:
    from importlib.metadata import version

    return ",".join(version(name) for name in
                    ("jupyter-book", "sphinx", "sphinx-book-theme", "pydata-sphinx-theme", "myst-nb"))


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
        _drop_unused_extensions(sphinx_config)
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(srcdir=src, confdir=None, outdir=out, doctreedir=doctrees, buildername=BUILDER,
                         confoverrides=sphinx_config, status=log, warning=warnings, freshenv=fresh,
                         keep_going=True, parallel=1)
            log.write(f"[webinars] Sphinx started in {time.perf_counter() - started:.2f} s\n")
            if hold is not None:
                _read_notebooks_last(app, *hold)
            if not rewrite:
                _keep_static_files(app, Path(out))
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
    found = tuple(_clean(line) for line in warnings.getvalue().splitlines() if line.strip())
    return LanguageBuild(lang, ok and not found, found, time.perf_counter() - started)


def _drop_unused_extensions(sphinx_config: dict) -> None:
    """Jupyter Book's configuration without :data:`UNUSED_EXTENSIONS` and their settings."""
    sphinx_config["extensions"] = [name for name in sphinx_config.get("extensions", [])
                                   if name not in UNUSED_EXTENSIONS]
    for name in _UNUSED_SETTINGS:
        sphinx_config.pop(name, None)


def _keep_static_files(app, out: Path) -> None:
    """Sphinx copies (and renders, for its ``_t`` templates) every static file of the theme and
    of ``html_static_path`` on every build: 5 % of a language's rebuild, and five files whose
    time changes. They depend only on what `rewrite` covers (templates, static files, our code,
    the packages' versions) and on the language's configuration: when neither changed since
    the last build (Sphinx's own checks: the environment's configuration, and the hash of the
    HTML configuration in ``.buildinfo``), the files it left are kept. A logo or favicon may
    be a file anywhere, whose changes nothing here sees: with one, they are copied as before."""
    from sphinx.builders.html import BuildInfo
    from sphinx.environment import CONFIG_OK

    builder, config = app.builder, app.config
    if app.env.config_status != CONFIG_OK or not (out / "_static").is_dir() or not hasattr(builder, "build_info") \
            or config.html_logo or config.html_favicon:
        return
    try:
        with open(out / ".buildinfo", encoding="utf-8") as handle:
            if BuildInfo.load(handle) != builder.build_info:
                return
    except (OSError, ValueError):
        return
    builder.copy_static_files = lambda: None


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
_SPHINX_OWN = {"_static", "_images", "_downloads", "_sources", "search", "genindex", "py-modindex"}


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


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _clean(line: str) -> str:
    return _ANSI.sub("", line)
