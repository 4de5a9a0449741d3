"""``webinars preview``: the site served on this machine, built again whenever its sources change.

For staff writing a webinar's folder: save a file, and the page open in the browser
reloads itself once the site is built again (a small script the preview adds to the
pages it serves; the built files are left as ``webinars build`` writes them).
Each build is exactly the build of ``webinars build`` (same checks, same site in
``_build/site``), but this process keeps between builds what a build otherwise
pays for at every start: the imports of Jupyter Book, Sphinx and pandas, and the
kernels that run the notebooks, warmed up. Content with problems is reported
and the last good site stays served.

It serves on 127.0.0.1 only, and stops with Ctrl+C, its terminal, or a SIGTERM,
taking its kernels with it. When the build's own code changes it starts itself
again, so that it never builds with code older than what is on disk.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from .engine.kernels import KernelPool
from .config import load_config
from .fingerprints import stat_digest
from .pipeline import Report, build_site, index_search, remove_leftovers, warm_up
from .problems import InvalidInput

# What a build reads, besides the configuration and the table of contents.
WATCHED = ("content_dir", "pages_dir", "notebooks_dir", "locales_dir", "templates_dir", "static_dir")
PACKAGE = Path(__file__).resolve().parent


class Preview:
    """Builds of one site in this process, with its kernels kept warm between them."""

    def __init__(self, root: Path, jobs: int | None = None) -> None:
        self.root = Path(root).resolve()
        self.jobs = jobs
        self.pool = KernelPool()
        self.code = stat_digest((PACKAGE,))
        # Counts the builds that replaced the site; from the clock, so that pages open across
        # a restart of the preview reload after its first build.
        self.published = time.time_ns() // 1_000_000

    def watched(self) -> list[Path]:
        """The configuration, the table of contents and the folders a build reads, and our code."""
        paths = [self.root / "_config.yml", self.root / "_toc.yml", PACKAGE]
        try:
            config = load_config(self.root)
        except InvalidInput:
            pass  # the build says what is wrong with the configuration
        else:
            paths += [config.path(name) for name in WATCHED]
        return [path for path in dict.fromkeys(paths) if path.exists()]

    def code_changed(self) -> bool:
        return stat_digest((PACKAGE,)) != self.code

    def build(self) -> Report:
        """Build and publish the site; its search index is made after (:meth:`index`), so
        that a change shows without waiting for it."""
        report = build_site(self.root, jobs=self.jobs, kernels=self.pool, wait=True, index=False)
        if "build" in report.timings:
            self.published += 1
        return report

    def index(self) -> float:
        """Bring the published site's search index up to date; the seconds it took. The pages
        do not reload for it: the search page reads the index when it searches."""
        return index_search(self.root, self.jobs)

    def get_ready(self) -> None:
        """Between two builds: start the next build's kernels, do its imports, and remove
        what a stopped build left, so that the next change waits for none of it."""
        try:
            warm_up(self.root, self.pool, self.jobs)
            remove_leftovers(self.root)
        except InvalidInput:
            pass  # the configuration is wrong: the build says so

    def close(self) -> None:
        self.pool.close()


# The preview's own addresses, next to the site's files.
BUILD_ROUTE = "/_preview/build"
SCRIPT_ROUTE = "/_preview/reload.js"

# Loaded by every page the preview serves (not by the built files): the page reloads itself
# once the site has been built again. A file, not an inline script, so that the pages work
# under the site's Content-Security-Policy (script-src 'self').
RELOAD_SCRIPT = ("""/* webinars preview: reload once the site is built again */
(function () {
  var shown = new URL(document.currentScript.src).searchParams.get("build");  // the build this page comes from
  setInterval(function () {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (n) {
      if (n !== shown) { location.reload(); }
    }).catch(function () {});  // the preview stopped: the page stays as it is
  }, 1000);
})();
""" % BUILD_ROUTE).encode()
RELOAD_TAG = '<script src="%s?build=%d" defer></script>'


class _Refused(Exception):
    """The request names no file the preview may serve: answered with `status`."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status)
        self.status = status


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files, never cached by the browser; pages reload themselves after a build."""

    builds: Callable[[], int]  # changes each time a build is published
    # Seconds a connection may stay silent: an idle or stalled browser does not hold a thread forever.
    timeout = 30

    def send_head(self) -> BinaryIO | None:
        """Both GET and HEAD answer through here (http.server's hook), so they always agree."""
        try:
            return self._answer()
        except _Refused as refused:
            self.send_error(refused.status)
            return None

    def _answer(self) -> BinaryIO | None:
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        if route == BUILD_ROUTE:
            return self._body(str(self.builds()).encode(), "text/plain; charset=utf-8")
        if route == SCRIPT_ROUTE:
            return self._body(RELOAD_SCRIPT, "text/javascript; charset=utf-8")
        path = self.translate_path(self.path)
        try:
            page = Path(path).read_bytes() if path.endswith(".html") else None
        except OSError:
            page = None  # not there (or being replaced by a build): as http.server answers
        if page is None:
            return super().send_head()
        end = page.rfind(b"</body>")
        if end >= 0:
            page = page[:end] + (RELOAD_TAG % (SCRIPT_ROUTE, self.builds())).encode() + page[end:]
        return self._body(page, "text/html; charset=utf-8")

    def translate_path(self, path: str) -> str:
        """The real path of the file `path` names, refused unless it is inside the site.

        The site's root is resolved at each request: `_build/site` may be a symlink that a
        publish swaps, and a symlink in the site must not reach out of it. A folder is only
        served as its index.html, never listed.
        """
        if not path.startswith("/"):
            raise _Refused(HTTPStatus.BAD_REQUEST)
        try:
            local = super().translate_path(path)  # decoded, its '..' dropped
            folder = local.endswith("/")
            real = os.path.realpath(local + "index.html" if folder else local)
        except ValueError:  # a NUL byte, bytes that are not UTF-8: no file has that name
            raise _Refused(HTTPStatus.BAD_REQUEST) from None
        root = os.path.realpath(self.directory)
        if os.path.commonpath([root, real]) != root or (folder and os.path.isdir(real)):
            raise _Refused(HTTPStatus.NOT_FOUND)
        return real

    def list_directory(self, path: str) -> None:
        # translate_path already sends no folder here; this keeps listings off whatever changes there
        self.send_error(HTTPStatus.NOT_FOUND)

    def _body(self, body: bytes, kind: str) -> io.BytesIO:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass  # the terminal shows the builds, not every request


class _Server(http.server.ThreadingHTTPServer):
    # A page asks for dozens of files at once, and several tabs may reload together:
    # socketserver's backlog of 5 made connections wait and time out.
    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away or stalled (a reload, a closed tab): nothing to report
        super().handle_error(request, client_address)


class _Restart(Exception):
    """The build's code changed on disk: start this command again."""


def serve(site: Path, port: int, builds: Callable[[], int]) -> http.server.ThreadingHTTPServer:
    """Serve `site` on 127.0.0.1:`port` (0: any free port) in a background thread; `builds`
    tells the pages which build they come from (they reload when it changes).

    The folder is looked up at each request: a build replaces its changed files when it publishes.
    """
    handler = type("Handler", (_Handler,), {"builds": staticmethod(builds)})
    server = _Server(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


def run(root: Path, port: int = 8000, jobs: int | None = None,
        say: Callable[[str], None] = functools.partial(print, flush=True)) -> int:
    """Build, serve, and build again after every change until stopped. Returns an exit code."""
    preview = Preview(root, jobs)
    try:
        site = load_config(preview.root).path("output_dir")
    except InvalidInput as failure:
        _report(failure, say)
        return 1
    try:
        server = serve(site, port, lambda: preview.published)
    except OSError as error:
        say(f"cannot serve on port {port}: {error.strerror}; choose another with --port")
        return 1
    for name in ("SIGTERM", "SIGHUP"):  # a closed terminal stops the kernels too
        signal.signal(getattr(signal, name), _stop)
    say(f"previewing {preview.root} at http://127.0.0.1:{server.server_address[1]}/ "
        "(rebuilt when a file changes; Ctrl+C stops)")
    restart = False
    try:
        _watch(preview, say)
    except KeyboardInterrupt:
        say("preview stopped")
    except _Restart:
        restart = True
    finally:
        server.shutdown()
        server.server_close()
        preview.close()
    if restart:
        say("the build's code changed: starting again")
        os.execv(sys.executable, [sys.executable, "-m", "webinars", *sys.argv[1:]])
    return 0


def _stop(_signal, _frame) -> None:
    raise KeyboardInterrupt


def _watch(preview: Preview, say: Callable[[str], None]) -> None:
    """Build now, then after every burst of changes (an editor saving several files is one)."""
    from watchfiles import watch

    # Until the watcher runs (it starts after the first build and its search index), a
    # change is seen by the files' times: one saved meanwhile builds again at once.
    while True:
        before = stat_digest(tuple(preview.watched()))
        _build(preview, say)
        if stat_digest(tuple(preview.watched())) == before:
            break
    # Changes made while a build runs are kept and start the next one at once.
    for _changes in watch(*preview.watched(), debounce=1000, step=100):
        if preview.code_changed():
            raise _Restart
        _build(preview, say)


def _build(preview: Preview, say: Callable[[str], None]) -> None:
    if _build_and_say(preview, say):
        try:
            seconds = preview.index()
        except Exception as error:  # noqa: BLE001 - a defect of ours: the pages are published
            say(f"[{time.strftime('%H:%M:%S')}] the search index was not made: {type(error).__name__}: {error}")
        else:
            say(f"[{time.strftime('%H:%M:%S')}] search index made in {seconds:.1f} s")
    preview.get_ready()


def _build_and_say(preview: Preview, say: Callable[[str], None]) -> bool:
    """Build, and say how it went; whether a new site was published."""
    try:
        report = preview.build()
    except InvalidInput as failure:
        _report(failure, say)
        say(f"[{time.strftime('%H:%M:%S')}] not built: the site served is the last good one; fix the problems above and save")
        return False
    except Exception as error:  # noqa: BLE001 - a defect of ours: say so, keep serving the last site
        say(f"[{time.strftime('%H:%M:%S')}] the build stopped: {type(error).__name__}: {error}; the site served is the last good one")
        return False
    for warning in report.warnings:
        say(str(warning))
    stamp = time.strftime("%H:%M:%S")
    if "build" not in report.timings:
        say(f"[{stamp}] up to date (checked in {report.timings['total']:.1f} s)")
        return False
    say(f"[{stamp}] built in {report.timings['total']:.1f} s")
    return True


def _report(failure: InvalidInput, say: Callable[[str], None]) -> None:
    for problem in failure.problems:
        say(str(problem))
    say(f"{len(failure.problems)} problem(s) found")
