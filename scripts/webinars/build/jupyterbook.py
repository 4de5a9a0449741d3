"""Build each language's source tree with Jupyter Book 1 (Sphinx), languages in parallel.

Each language is built in a fresh process: Sphinx keeps its translators in
module globals, so two languages must never share a process.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

BUILDER = "dirhtml"  # clean URLs: webinars/<slug>/index.html


@dataclass(frozen=True)
class LanguageBuild:
    lang: str
    ok: bool
    warnings: tuple[str, ...]
    seconds: float


def build_languages(trees: dict[str, tuple[Path, Path, Path]], jobs: int | None = None,
                    fresh: bool = False, inputs: tuple[Path, ...] = ()) -> list[LanguageBuild]:
    """Build each language's (source, html output, doctrees) triple; one result per language.

    A language whose source tree and `inputs` (templates, static files, our code) are
    exactly as at its last successful build is not built again.
    """
    shared = _fingerprint(inputs) + _versions()
    stamps = {lang: f"{_fingerprint((src,))}\n{shared}" for lang, (src, _out, _doctrees) in trees.items()}
    last = {lang: _stamp(d).read_text() if _stamp(d).is_file() and (o / "index.html").is_file() else ""
            for lang, (_s, o, d) in trees.items()}
    todo = {lang: triple for lang, triple in trees.items() if fresh or last[lang] != stamps[lang]}
    # Sphinx copies static files and applies templates only to pages it rewrites: when those
    # (or our code) changed, every page of the language is written again.
    rewrite = {lang: fresh or last[lang].partition("\n")[2] != shared for lang in todo}
    results = {lang: LanguageBuild(lang, True, (), 0.0) for lang in trees if lang not in todo}
    if todo:
        jobs = jobs or min(len(todo), os.cpu_count() or 1)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, max_tasks_per_child=1) as pool:
            futures = {
                lang: pool.submit(_build_one, lang, str(src), str(out), str(doctrees), fresh, rewrite[lang])
                for lang, (src, out, doctrees) in todo.items()
            }
            for lang in todo:
                results[lang] = _result(lang, futures[lang])
                stamp = _stamp(todo[lang][2])
                stamp.unlink(missing_ok=True)
                if results[lang].ok:
                    stamp.write_text(stamps[lang])
    return [results[lang] for lang in trees]


def _stamp(doctrees: Path) -> Path:
    return doctrees.parent / "built.stamp"


def _fingerprint(paths: tuple[Path, ...]) -> str:
    """Names, sizes and modification times of every file under `paths`."""
    digest = hashlib.sha256()
    for root in paths:
        for file in sorted(p for p in Path(root).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if file.suffix in (".mo", ".pyc"):
                continue  # compiled from the .po and .py files that are counted
            state = file.stat()
            digest.update(f"{file}\0{state.st_size}\0{state.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _versions() -> str:
    from importlib.metadata import version

    return ",".join(version(name) for name in
                    ("jupyter-book", "sphinx", "sphinx-book-theme", "pydata-sphinx-theme", "myst-nb"))


def _log_stderr_to(log: Path) -> None:
    """Kernels and libraries of this worker write to a log, not over the user's terminal;
    Sphinx's own messages are collected apart and reported."""
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the worker
    os.dup2(handle.fileno(), 2)


def _result(lang: str, future) -> LanguageBuild:
    try:
        return future.result()
    except Exception as exc:  # the worker process itself died (memory, signal)
        return LanguageBuild(lang, False, (f"ERROR: the build process of {lang} stopped: {exc}",), 0.0)


def _build_one(lang: str, src: str, out: str, doctrees: str, fresh: bool, rewrite: bool) -> LanguageBuild:
    import time

    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    started = time.perf_counter()
    warnings = io.StringIO()
    _log_stderr_to(Path(doctrees).parent / "build.log")
    try:
        sphinx_config, _meta = get_final_config(
            user_yaml=Path(src) / "_config.yml", cli_config={"latex_individualpages": False}, sourcedir=Path(src), use_external_toc=True)
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(srcdir=src, confdir=None, outdir=out, doctreedir=doctrees, buildername=BUILDER,
                         confoverrides=sphinx_config, status=None, warning=warnings, freshenv=fresh,
                         keep_going=True, parallel=1)
            app.build(rewrite, [])
            ok = app.statuscode == 0
        _prune_removed_pages(Path(src), Path(out))
    except Exception as exc:  # a crash inside Sphinx: report it, never a traceback
        warnings.write(f"{src}: ERROR: the build of {lang} stopped: {type(exc).__name__}: {exc}\n")
        ok = False
    found = tuple(_clean(line) for line in warnings.getvalue().splitlines() if line.strip())
    return LanguageBuild(lang, ok and not found, found, time.perf_counter() - started)


# What Sphinx itself writes beside the pages.
_SPHINX_OWN = {"_static", "_images", "_downloads", "_sources", "search", "genindex", "py-modindex"}


def _prune_removed_pages(src: Path, out: Path) -> None:
    """Sphinx never deletes the output of a page whose source is gone: do it here."""
    for page in sorted(out.rglob("index.html"), reverse=True):
        folder = page.parent.relative_to(out)
        if folder.parts and folder.parts[0] in _SPHINX_OWN:
            continue
        if not (src / folder / "index.md").is_file():
            page.unlink()
            if not any(page.parent.iterdir()):
                page.parent.rmdir()


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _clean(line: str) -> str:
    return _ANSI.sub("", line)
