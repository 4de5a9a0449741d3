"""The notebooks executed ahead of Sphinx: the stage that decides whether they must run,
starts their kernels while the content loads (:func:`start`), and runs them once the
content is saved for them (:func:`run`). The kernels themselves are
`webinars.engine.kernels`; with nothing to run, myst-nb shows the executed copies kept.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .assemble.notebooks import notebook_page
from .config import Config
from .content.load import Content
from .content.notebooks import load_notebooks
from .fingerprints import Fingerprints
from .messages import messages_for
from .problems import Problems
from .work import write_pickle

if TYPE_CHECKING:
    from .engine.kernels import KernelPool, NotebookRun


def start(config: Config, inputs: Fingerprints, order: list[str], jobs: int | None,
          pool: KernelPool | None) -> NotebookRun:
    """Start kernels for the notebooks, unless their executed copies are those of exactly
    these notebooks already (as recorded after the last good build), or the project's
    ``execute_notebooks`` is ``off`` (then myst-nb shows them as they are).

    They start now, while the content loads; they run once the content is saved for
    them (:func:`run`), the languages' in `order`.
    """
    from .engine.kernels import Kernels, NotebookJob, NotebookRun, executed_path

    found = load_notebooks(config.path("notebooks_dir"), Problems(config.root))
    wanted = []
    for language in config.languages:
        messages = messages_for(language, config.path("locales_dir"))
        for notebook in found:
            page = notebook_page(notebook, messages, config.root, inputs.notebooks)
            tree = config.work.language(language.code).src
            wanted.append(NotebookJob(language.code, tree / page.file, page.text,
                                      executed_path(tree, tree / page.file).resolve()))
    # Each notebook's code holds the fingerprint of everything it reads; what runs that code
    # (the libraries that make its tables and dates, and the kernel) is added here.
    digest = hashlib.sha256(_notebook_versions().encode())
    for job in wanted:
        digest.update(f"{job.path}\0{job.executed}\0{job.text}\0".encode())
    stamp = digest.hexdigest()
    marker = config.work.notebooks_stamp
    off = (config.book.get("execute") or {}).get("execute_notebooks") == "off"
    if not wanted or off or (marker.is_file() and marker.read_text() == stamp):
        return NotebookRun(None, [], stamp, _myst_extensions(config), own=False)
    # Their executed copies are about to be replaced: written again once this build succeeds.
    marker.unlink(missing_ok=True)
    wanted.sort(key=lambda job: order.index(job.lang) if job.lang in order else len(order))
    settings = _kernel_settings(config, len(wanted), jobs)
    kernels = pool.kernels(*settings) if pool is not None else Kernels(*settings)
    try:
        return NotebookRun(kernels, wanted, stamp, _myst_extensions(config), own=pool is None)
    except BaseException:
        if pool is None:
            kernels.close()
        raise


def run(notebooks: NotebookRun, config: Config, content: Content, inputs: Fingerprints) -> None:
    """Save what the notebooks read (they need not load the content again) and run them;
    then their kernel makes the site's downloads, for this content."""
    work = config.work
    for old in work.old_snapshots():
        old.unlink()
    write_pickle(work.snapshot(inputs.notebooks), (content.catalogue, content.pages))
    work.downloads.unlink(missing_ok=True)
    notebooks.run(after=("from webinars.notebooks import save_downloads\n"
                         f"save_downloads({str(config.root)!r}, {inputs.notebooks!r}, {str(work.downloads)!r})"))


def made_downloads(config: Config, inputs: Fingerprints) -> dict[str, str] | None:
    """The site's downloads the kernel made for this content (see :func:`run`), if it did."""
    from .finish.site import made_downloads as read

    return read(config.work.downloads, inputs.notebooks)


def warm_up(config: Config, pool: KernelPool, jobs: int | None = None) -> None:
    """Start the kernels the next build's notebooks will run in (``webinars preview``)."""
    found = load_notebooks(config.path("notebooks_dir"), Problems(config.root))
    if found:
        pool.kernels(*_kernel_settings(config, len(found) * len(config.languages), jobs))


def _myst_extensions(config: Config) -> list[str]:
    return list((config.book.get("parse") or {}).get("myst_enable_extensions") or ())


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
    return count, config.root, timeout, config.work.kernels_log
