"""``webinars preview``: the site served on this machine, built again whenever its sources change.

For staff writing a webinar's folder: save a file, and the page open in the browser
reloads itself once the site is built again (a small script the preview adds to the
pages it serves; the built files are left as ``webinars build`` writes them).
Each build is exactly the build of ``webinars build`` (same checks, same site in
``_build/site``), but this process keeps between builds what a build otherwise
pays for at every start: the imports of Jupyter Book, Sphinx and pandas, and the
kernels that run the notebooks, warmed up. Content with problems is reported
and the last good site stays served.

The problems of a build that failed are shown on the open page too (a panel over it,
gone once they are fixed); before a first good build, every address answers with a page
that lists them and turns into the site when it is built. The page learns of each build
as it ends (server-sent events), not by asking every second.

It serves on 127.0.0.1 unless told otherwise (``--host``), and stops with Ctrl+C,
its terminal, or a SIGTERM, taking its kernels with it. When the build's own code
changes it starts itself again, so that it never builds with code older than what is
on disk.
"""

from __future__ import annotations

import functools
import gc
import html
import http.server
import io
import json
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
        self.problems: list[str] = []  # of the last build, if it failed: shown on the open page
        self.changed = threading.Condition()  # notified after each build, to the pages listening

    def ended(self, problems: list[str]) -> None:
        """A build ended, with these problems (none: it succeeded, or nothing changed)."""
        with self.changed:
            self.problems = problems
            self.changed.notify_all()

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
        # A build leaves cycles (Sphinx's environment and its nodes) that Python's collector
        # reaches only after many more objects are made: without this the preview grew by
        # 0.44 MiB a save (+13 MiB over 30), with it it stays flat (+0.3 MiB over 20).
        gc.collect()

    def close(self) -> None:
        self.pool.close()


# The preview's own addresses, next to the site's files.
BUILD_ROUTE = "/_preview/build"  # the build number, as text
STATE_ROUTE = "/_preview/state"  # the build a page should show and the last build's problems, as JSON
EVENTS_ROUTE = "/_preview/events"  # the same, pushed after each build (server-sent events)
SCRIPT_ROUTE = "/_preview/reload.js"
HEARTBEAT = 15  # seconds between two events when nothing happens: the connection stays open

# Loaded by every page the preview serves (not by the built files): the page reloads itself
# once the site has been built again, and shows the problems of a build that failed. A file,
# not an inline script, so that the pages work under the site's Content-Security-Policy
# (script-src 'self'). Problems become text nodes, never HTML.
RELOAD_SCRIPT = ("""/* webinars preview: reload once the site is built again; show a failed build's problems */
(function () {
  var shown = new URL(document.currentScript.src).searchParams.get("build");  // the build this page comes from
  var panel = null;
  function show(state) {
    if (String(state.build) !== shown) { location.reload(); return; }
    if (panel) { panel.remove(); panel = null; }
    if (!state.problems.length) { return; }
    panel = document.createElement("section");
    panel.setAttribute("role", "alert");
    panel.setAttribute("lang", "en");
    panel.setAttribute("dir", "ltr");
    panel.style.cssText = "position:fixed;inset:auto 0 0 0;z-index:9999;max-height:45vh;overflow:auto;" +
      "margin:0;padding:1rem 1.25rem;background:#fff4e5;color:#3b2300;border-top:4px solid #b54708;" +
      "font:14px/1.45 system-ui,sans-serif;text-align:left";
    var heading = document.createElement("h2");
    heading.style.cssText = "font-size:16px;margin:0 0 .5rem";
    heading.textContent = "Not built: this page is the last good one. Fix these and save:";
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.25rem;font-family:ui-monospace,monospace;white-space:pre-wrap";
    state.problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem;
      list.appendChild(item);
    });
    panel.appendChild(heading);
    panel.appendChild(list);
    document.body.appendChild(panel);
  }
  function poll() {
    setInterval(function () {
      fetch("%(state)s", {cache: "no-store"}).then(function (r) { return r.json(); }).then(show)
        .catch(function () {});  // the preview stopped: the page stays as it is
    }, 1000);
  }
  if (!window.EventSource) { poll(); return; }
  var events = new EventSource("%(events)s");
  events.onmessage = function (event) { show(JSON.parse(event.data)); };
})();
""" % {"state": STATE_ROUTE, "events": EVENTS_ROUTE}).encode()
RELOAD_TAG = '<script src="%s?build=%d" defer></script>'

# Every address before a first good build: what went wrong, and the reload script.
WAITING_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not built yet</title></head>
<body><main><h1>The site is not built yet</h1>
<p>This page turns into the site as soon as it is built. %s</p>%s</main></body></html>
"""


class _Refused(Exception):
    """The request names no file the preview may serve: answered with `status`."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status)
        self.status = status


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files, never cached by the browser; pages reload themselves after a build."""

    builds: Callable[[], int]  # changes each time a build is published
    problems: Callable[[], list[str]]  # of the last build, if it failed
    changed: threading.Condition | None  # notified after each build
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
        if route == STATE_ROUTE:
            return self._body(self._state(), "application/json")
        if route == EVENTS_ROUTE:
            self._events()
            return None
        if not os.path.isdir(self.directory):  # no good build yet: say why, reload when there is one
            return self._waiting()
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

    def _state(self) -> bytes:
        return json.dumps({"build": self.builds(), "problems": self.problems()}).encode()

    def _events(self) -> None:
        """Server-sent events: the state now, then after each build (a comment line every
        HEARTBEAT seconds meanwhile), until the page goes away."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.close_connection = True
        last = None
        while True:
            state = self._state()
            message = b": still here\n\n" if state == last else b"data: " + state + b"\n\n"
            last = state
            self.wfile.write(message)  # a page gone away ends this (ConnectionError, quiet)
            self.wfile.flush()
            if self.changed is None:
                time.sleep(HEARTBEAT)
            else:
                with self.changed:  # the state is checked under the lock a build's end takes: none is missed
                    self.changed.wait_for(lambda: self._state() != last, HEARTBEAT)

    def _waiting(self) -> io.BytesIO:
        problems = self.problems()
        said = (f"It could not be built: fix {'this' if len(problems) == 1 else 'these'} and save.") if problems else \
            "The first build is running."
        listed = "<ul>" + "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems) + "</ul>" if problems else ""
        page = WAITING_PAGE % (said, listed)
        page = page.replace("</body>", RELOAD_TAG % (SCRIPT_ROUTE, self.builds()) + "</body>")
        return self._body(page.encode(), "text/html; charset=utf-8")

    def translate_path(self, path: str) -> str:
        """The real path of the file `path` names, refused unless it is inside the site.

        The site's root is resolved at each request: `_build/site` may be a symlink that a
        publish swaps, and a symlink in the site must not reach out of it. A folder is only
        served as its index.html, never listed.
        """
        if not path.startswith("/"):
            raise _Refused(HTTPStatus.BAD_REQUEST)
        for _look in range(2):
            root = os.path.realpath(self.directory)
            try:
                local = super().translate_path(path)  # decoded, its '..' dropped
                folder = local.endswith("/")
                real = os.path.realpath(local + "index.html" if folder else local)
            except ValueError:  # a NUL byte, bytes that are not UTF-8: no file has that name
                raise _Refused(HTTPStatus.BAD_REQUEST) from None
            if os.path.commonpath([root, real]) == root:
                break
            # Outside the site; or a publish swapped the site between the two lookups (a page
            # asked for during a save was once answered 404 so): look once more.
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


def serve(site: Path, port: int, builds: Callable[[], int], problems: Callable[[], list[str]] = list,
          changed: threading.Condition | None = None, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """Serve `site` on `host`:`port` (0: any free port) in a background thread; `builds`
    tells the pages which build they come from (they reload when it changes), `problems`
    what went wrong with the last one, and `changed` is notified after each build.

    The folder is looked up at each request: a build replaces its changed files when it publishes.
    """
    handler = type("Handler", (_Handler,), {"builds": staticmethod(builds), "problems": staticmethod(problems),
                                            "changed": changed})
    server = _Server((host, port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


def run(root: Path, port: int = 8000, jobs: int | None = None,
        say: Callable[[str], None] = functools.partial(print, flush=True), host: str = "127.0.0.1",
        open_browser: bool = False) -> int:
    """Build, serve, and build again after every change until stopped. Returns an exit code.
    With `open_browser`, the site opens in the browser once it is first built."""
    preview = Preview(root, jobs)
    try:
        site = load_config(preview.root).path("output_dir")
    except InvalidInput as failure:
        _report(failure, say)
        return 1
    try:
        server = serve(site, port, lambda: preview.published, lambda: preview.problems, preview.changed, host)
    except OSError as error:
        say(f"cannot serve on {host} port {port}: {error.strerror}; choose another with --port (or --host)")
        return 1
    for name in ("SIGTERM", "SIGHUP"):  # a closed terminal stops the kernels too
        signal.signal(getattr(signal, name), _stop)
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    url = f"http://{shown}:{server.server_address[1]}/"
    say(f"previewing {preview.root} at {url} (rebuilt when a file changes; Ctrl+C stops)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"served on {host or 'every address'} of this machine: others on the network can read the site")
    restart = False
    try:
        _watch(preview, say, url if open_browser else None)
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


def _watch(preview: Preview, say: Callable[[str], None], open_url: str | None = None) -> None:
    """Build now, then after every burst of changes (an editor saving several files is one);
    open `open_url` in the browser after the first build."""
    from watchfiles import watch

    # Until the watcher runs (it starts after the first build and its search index), a
    # change is seen by the files' times: one saved meanwhile builds again at once.
    while True:
        before = stat_digest(tuple(preview.watched()))
        _build(preview, say)
        if open_url:
            import webbrowser

            webbrowser.open(open_url)  # a failed first build opens the page that lists its problems
            open_url = None
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
        preview.ended([str(problem) for problem in failure.problems])
        return False
    except Exception as error:  # noqa: BLE001 - a defect of ours: say so, keep serving the last site
        say(f"[{time.strftime('%H:%M:%S')}] the build stopped: {type(error).__name__}: {error}; the site served is the last good one")
        preview.ended([f"the build stopped: {type(error).__name__}: {error}"])
        return False
    preview.ended([])
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
