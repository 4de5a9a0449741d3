"""Execute the site's notebooks ahead of Sphinx, in a few kernels kept warm.

myst-nb, left alone, starts a new kernel for every notebook of every language,
and each kernel imports pandas and this package again: about 1.5 s per notebook.
Here one kernel per two cores starts while the content loads, imports once, and runs the
notebooks one after another (the namespace is reset between two notebooks), one
language after another (:class:`NotebookRun`). As soon as a language's notebooks
have run, each executed notebook is written beside the language's tree
(:func:`executed_path`), and myst-nb takes its outputs from there
(:func:`executed_outputs`, put in place by :mod:`webinars.engine.notebooks`) instead
of executing it. The copy is used only if its code cells are the page's: those
hold the language and the content fingerprint.

This is only a shortcut: a notebook that fails here, or a kernel that does not
start, is left to myst-nb, which runs it its usual way and reports the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..work import LanguageWork, write_atomic

# What every notebook imports first: paid once per kernel, while the content loads.
WARM_UP = (
    "import pandas, webinars.notebooks, webinars.notebooks.topic_list, webinars.notebooks.series\n"
    "import webinars.notebooks.report\n"
    # What is imported stays: the collector (run by each reset between notebooks) skips it.
    "import gc; gc.collect(); gc.freeze()"
)


EXECUTED_BY = "webinars.engine.kernels"  # marks the executed notebooks written here


@dataclass(frozen=True)
class NotebookJob:
    lang: str  # the language version of the site it belongs to
    path: Path  # where the notebook's MyST source is written in its language's tree
    text: str  # that source
    executed: Path  # where its executed copy is written (see `executed_path`)


def executed_path(tree: Path, source: Path) -> Path:
    """Where the executed copy of the notebook page `source`, in a language's `tree`, is kept:
    ``<work>/<lang>/executed/topic-list/index.ipynb`` for ``<work>/<lang>/src/topic-list/index.md``."""
    return LanguageWork(tree.parent).executed / source.relative_to(tree).with_suffix(".ipynb")


def executed_outputs(notebook, executed: Path):
    """`notebook` (as myst-nb read the page) with the outputs of its executed copy at
    `executed`, and the seconds it took; None when there is no copy, or it was made from
    other code cells (another language, older content: then myst-nb executes the page).

    The copy's code cells replace the page's, as jupyter-cache merges a cached notebook."""
    import nbformat

    try:
        done = nbformat.from_dict(json.loads(executed.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    ran = [cell for cell in done.get("cells", ()) if cell.get("cell_type") == "code"]
    if [cell.source for cell in code] != [cell.get("source") for cell in ran]:
        return None
    merged = copy.deepcopy(notebook)
    for key in ("kernelspec", "language_info", "widgets"):
        if key in done.metadata:
            merged.metadata[key] = done.metadata[key]
    ran.reverse()
    for index, cell in enumerate(merged.cells):
        if cell.cell_type == "code":
            result = ran.pop()
            if "id" in cell:
                result["id"] = cell["id"]
            else:
                result.pop("id", None)
            merged.cells[index] = result
    return merged, float((done.metadata.get("webinars") or {}).get("seconds") or 0.0)


def read_notebook(job: NotebookJob, extensions: list[str] | None = None):
    """The notebook as myst-nb reads it (the same cells, which its executed copy is matched on)."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    config = MdParserConfig(enable_extensions=set(extensions or ()))
    return read_myst_markdown_notebook(job.text, config=config, add_source_map=True, path=str(job.path))


class Kernels:
    """`count` Python kernels, started at once in the background, that run notebooks in turn."""

    def __init__(self, count: int, cwd: Path, timeout: int = 120, log: Path | None = None) -> None:
        self.count, self.cwd = count, cwd
        self.timeout = timeout
        self.log = log
        self._launched = threading.Event()  # every kernel's process is running (or failed to start)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kernels", daemon=True)
        self._thread.start()
        self._started = asyncio.run_coroutine_threadsafe(self._start(count, cwd), self._loop)

    async def _start(self, count: int, cwd: Path) -> list:
        from jupyter_client.manager import AsyncKernelManager

        async def launch():
            manager = AsyncKernelManager(kernel_name="python3")
            stderr = open(self.log, "a", encoding="utf-8") if self.log else None  # noqa: SIM115
            await manager.start_kernel(cwd=str(cwd), stderr=stderr, stdout=stderr)
            return manager

        async def ready(manager):
            client = manager.client()
            try:
                client.start_channels()
                await client.wait_for_ready(timeout=60)
                await client.execute_interactive(WARM_UP, store_history=False, timeout=60, output_hook=_quiet)
            except BaseException:
                client.stop_channels()  # a kernel that started but is not usable is not left running
                await manager.shutdown_kernel(now=True)
                raise
            return manager, client

        try:
            launched = await asyncio.gather(*(launch() for _ in range(count)), return_exceptions=True)
        finally:
            self._launched.set()
        managers = [manager for manager in launched if not isinstance(manager, BaseException)]
        started = await asyncio.gather(*(ready(manager) for manager in managers), return_exceptions=True)
        return [kernel for kernel in started if not isinstance(kernel, BaseException)]

    def run(self, jobs: list[NotebookJob], extensions: list[str] | None = None) -> list[tuple[NotebookJob, object, float]]:
        """Execute `jobs`; return (job, executed notebook, seconds) for each that succeeded."""
        return self.start_run(jobs, extensions).result()

    def start_run(self, jobs: list[NotebookJob], extensions: list[str] | None = None,
                  language_done: Callable[[str, list], None] | None = None, after: str | None = None):
        """Start executing `jobs`, in their order; the returned future's ``result()`` is what
        :meth:`run` returns. `language_done(lang, results)` is called (in the kernels' thread)
        as soon as every job of a language has run, succeeded or not. The code `after` is run
        once by one kernel when no job is left, in a fresh namespace; its failure is not said."""
        return asyncio.run_coroutine_threadsafe(self._run(jobs, extensions, language_done, after), self._loop)

    async def _run(self, jobs: list[NotebookJob], extensions: list[str] | None,
                   language_done: Callable[[str, list], None] | None, after: str | None = None):
        left = Counter(job.lang for job in jobs)
        results: dict[str, list] = {lang: [] for lang in left}

        def finished(job: NotebookJob, result: tuple | None = None) -> None:
            if result is not None:
                results[job.lang].append(result)
            left[job.lang] -= 1
            if left[job.lang] == 0 and language_done is not None:
                language_done(job.lang, results[job.lang])

        kernels = await asyncio.wrap_future(self._started)
        queue: asyncio.Queue = asyncio.Queue()
        for job in jobs:
            job.path.parent.mkdir(parents=True, exist_ok=True)  # its working directory
            queue.put_nowait(job)

        async def work(manager, client) -> None:
            from nbclient import NotebookClient

            nonlocal after

            while not queue.empty():
                job = queue.get_nowait()
                notebook = read_notebook(job, extensions)
                started = time.perf_counter()
                try:
                    # A fresh namespace in the notebook's folder, as a new kernel would have.
                    reply = await client.execute_interactive(
                        "get_ipython().run_line_magic('reset', '-f')\nimport os as _os\n"
                        f"_os.chdir({str(job.path.parent)!r})\ndel _os", store_history=False, timeout=60,
                        output_hook=_quiet)
                    if reply["content"]["status"] != "ok":
                        finished(job)
                        continue
                    runner = NotebookClient(notebook, km=manager, timeout=self.timeout, allow_errors=False, record_timing=False,
                                            kernel_name="python3")
                    runner.kc = client
                    await runner.async_execute()
                except Exception:
                    if not await manager.is_alive():
                        finished(job)  # this kernel is gone: the others (or myst-nb) take the rest
                        return
                    finished(job)
                    continue  # myst-nb runs it again and reports the error where it belongs
                finished(job, (job, notebook, time.perf_counter() - started))
            if after is not None:
                code, after = after, None
                with contextlib.suppress(Exception):  # whoever needs its result does without
                    await client.execute_interactive(f"get_ipython().run_line_magic('reset', '-f')\n{code}",
                                                     store_history=False, timeout=self.timeout, output_hook=_quiet)

        await asyncio.gather(*(work(manager, client) for manager, client in kernels))
        while not queue.empty():  # no kernel was left to run them: myst-nb will
            finished(queue.get_nowait())
        return [result for lang in results for result in results[lang]]

    def wait_launched(self) -> None:
        """Block until every kernel's process is running (or failed to start): it may still
        be importing what it needs."""
        while not self._launched.wait(0.05):
            if self._started.done():  # it stopped before it could say
                return

    def process_ids(self, timeout: float = 60) -> list[int]:
        """The kernels' processes, once they have started."""
        return [int(manager.provisioner.process.pid) for manager, _client in self._started.result(timeout=timeout)]

    def usable(self) -> bool:
        """True while every kernel started (or is still starting) and none has stopped since."""
        if not self._started.done():
            return True
        if self._started.exception() is not None or len(self._started.result()) < self.count:
            return False

        async def check() -> bool:
            return all([await manager.is_alive() for manager, _client in self._started.result()])

        try:
            return asyncio.run_coroutine_threadsafe(check(), self._loop).result(timeout=10)
        except Exception:  # noqa: BLE001 - a kernel that cannot say is not trusted with the next build
            return False

    def close(self) -> None:
        async def stop() -> None:
            kernels = await asyncio.wrap_future(self._started)
            for _manager, client in kernels:
                client.stop_channels()
            await asyncio.gather(*(_stop(manager) for manager, _client in kernels), return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=30)
        except Exception:  # noqa: BLE001 - a kernel that will not stop must not stop the build
            pass
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()


async def _stop(manager) -> None:
    """Kill a kernel and wait until its process has ended, then remove its connection file.

    ``shutdown_kernel(now=True)`` alone checks whether the killed process is gone every
    0.1 s, and the first check comes too soon: every build waited 0.1 s for nothing.
    """
    provisioner = manager.provisioner
    if provisioner is not None and manager.has_kernel:
        await provisioner.kill()
        for _ in range(1000):  # at most 5 s, as jupyter_client waits
            if await provisioner.poll() is not None:
                break
            await asyncio.sleep(0.005)
    await manager.shutdown_kernel(now=True)  # the process is gone: only the clean-up is left


def _quiet(_message) -> None:
    """Outputs of our own set-up code are not shown (a notebook's are kept in the notebook)."""


def store(results: list[tuple[NotebookJob, object, float]]) -> None:
    """Write the executed notebooks where their languages' builds look for them."""
    for job, notebook, seconds in results:
        notebook.metadata["webinars"] = {"executed_by": EXECUTED_BY, "seconds": round(seconds, 3)}
        write_atomic(job.executed, json.dumps(notebook, ensure_ascii=False))


def forget_executed(jobs: list[NotebookJob]) -> None:
    """Remove the executed copies these notebooks will replace, and any of notebooks that are
    gone: a notebook that fails this time must not show the outputs of an earlier run."""
    for folder in {job.executed.parent.parent for job in jobs}:  # <work>/<lang>/executed
        for path in folder.rglob("*.ipynb*"):
            path.unlink()


class NotebookRun:
    """The notebooks of one build, running in kernels while the languages build: each
    language's executed notebooks are written as soon as its notebooks have run,
    and its process waits for exactly that (:meth:`wait`) before Sphinx reads its
    notebooks' pages (see :func:`webinars.engine.jupyterbook.start_languages`).

    Two rules keep the languages' processes, forked while this runs, from inheriting a
    lock or a pipe for good:

    - they are forked only once the kernels' processes are running (:meth:`ready_to_fork`):
      a process forked while a kernel is being launched inherits the pipe through which
      ``subprocess`` learns that the kernel's program started, and the kernels' thread
      then waits on that pipe until the forked process ends (which waits for the
      notebooks: the build hung so, in the third build of
      test_unchanged_content_executes_nothing_and_changed_content_executes_again);
    - results are written while `fork_lock` is held (a process forked meanwhile would
      inherit the open file), and a process is forked only while holding it.
    """

    def __init__(self, kernels: Kernels | None, jobs: list[NotebookJob], stamp: str, extensions: list[str],
                 own: bool) -> None:
        """The kernels are starting; the notebooks wait for :meth:`run`."""
        import multiprocessing

        # Imported here, not first in the kernels' thread while a language's process is
        # forked: the process would inherit the module's import lock, taken.
        import myst_nb.core.read  # noqa: F401
        import myst_parser.config.main  # noqa: F401
        import nbclient  # noqa: F401

        self.kernels, self.stamp, self.own = kernels, stamp, own
        self.jobs, self.extensions = jobs, extensions
        self.started, self.seconds = time.perf_counter(), 0.0
        self.fork_lock = threading.Lock()
        self.notebooks: dict[str, set[Path]] = {}  # language -> where its notebooks are written
        for job in jobs:
            self.notebooks.setdefault(job.lang, set()).add(job.path)
        context = multiprocessing.get_context("fork")
        self._stored = {lang: context.Event() for lang in self.notebooks}
        self._storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notebook-results")
        self._future = None
        self.after: str | None = None
        self._finished = False

    @property
    def runs(self) -> bool:
        """Whether any notebook runs here (else myst-nb shows them as their stores hold them)."""
        return bool(self.kernels and self.jobs)

    def run(self, after: str | None = None) -> None:
        """Run the notebooks, once what they read is saved; then the code `after`, in a
        kernel (see `Kernels.start_run`)."""
        self.started = time.perf_counter()
        if not self.runs:
            self._release_all()
            return
        forget_executed(self.jobs)
        self.after = after
        self._future = self.kernels.start_run(self.jobs, self.extensions, self._language_done, after)
        self._future.add_done_callback(self._run_done)

    def hold(self, lang: str, tree: Path) -> tuple[set[str], Callable[[], None]]:
        """In a language's process: the language's notebooks' pages (docnames in its source
        `tree`), and what waits until their results are stored."""
        pages = {path.relative_to(tree).with_suffix("").as_posix() for path in self.notebooks.get(lang, ())}
        return pages, lambda: self.wait(lang)

    def __enter__(self) -> NotebookRun:
        return self

    def __exit__(self, *_exc) -> None:
        self.finish()

    def _language_done(self, lang: str, results: list) -> None:
        # In the kernels' thread: the results are written in another one, not to hold up the kernels.
        self._storing.submit(self._store, lang, results)

    def _store(self, lang: str, results: list) -> None:
        try:
            with self.fork_lock:
                store(results)
        except Exception:  # noqa: BLE001 - a result not written is run by myst-nb, which reports what fails
            pass
        finally:
            self._stored[lang].set()

    def _run_done(self, _future) -> None:
        self.seconds = time.perf_counter() - self.started  # every notebook has run
        # Whatever happened, no language waits for results that will not come (after the
        # results being written, which come first in the storing thread).
        try:
            self._storing.submit(self._release_all)
        except RuntimeError:  # the storing thread was shut down: everything is written
            self._release_all()

    def _release_all(self) -> None:
        for event in self._stored.values():
            event.set()

    def ready_to_fork(self) -> None:
        """Wait until the kernels' processes are running (see the class's rules); not until
        they have imported what they need, which takes them a second while the languages
        start."""
        if self.kernels is not None and self._future is not None:
            self.kernels.wait_launched()

    def wait(self, lang: str) -> None:
        """In a language's process: wait until the executed copies of the language's notebooks
        are written (or will never be: myst-nb then runs them and reports)."""
        event = self._stored.get(lang)
        if event is None:
            return
        parent = os.getppid()
        while not event.wait(0.5):
            if os.getppid() != parent:
                raise RuntimeError("the build that started this process is gone")

    def finish(self) -> None:
        """Wait until every notebook has run and its result is stored, and stop the kernels
        if they are this build's own. A notebook whose result is not stored (it failed
        here) is run by myst-nb, which reports what went wrong."""
        if self._finished:
            return
        self._finished = True
        try:
            if self._future is not None:
                try:
                    self._future.result()
                except Exception:  # noqa: BLE001 - the notebooks myst-nb then runs report it
                    pass
            self._storing.shutdown(wait=True)
            self._release_all()
        finally:
            if self.own:
                self.kernels.close()


class KernelPool:
    """Kernels kept from one build to the next (``webinars preview``): a rebuild pays for
    neither starting them nor their imports. A kernel that stopped is replaced."""

    def __init__(self) -> None:
        self._kernels: Kernels | None = None

    def kernels(self, count: int, cwd: Path, timeout: int, log: Path | None) -> Kernels:
        kept = self._kernels
        if kept is not None and (kept.count, kept.cwd, kept.log) == (count, cwd, log) and kept.usable():
            kept.timeout = timeout
            return kept
        self.close()
        self._kernels = Kernels(count, cwd, timeout, log)
        return self._kernels

    @property
    def current(self) -> Kernels | None:
        """The kernels kept for the next build, if any."""
        return self._kernels

    def close(self) -> None:
        if self._kernels is not None:
            self._kernels.close()
            self._kernels = None
