"""Shared fixtures: the small fixture site, built once per run, and a real browser on it."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
CHROMIUM = "/usr/bin/chromium"
# The day the tests run on, for the warnings that depend on it (webinars.content.planning):
# the same results any day; the builds the tests start inherit it.
os.environ["WEBINARS_TODAY"] = "2026-12-07"


def planned_webinar(title: str, summary: str, languages: str = "[en, ar]", speakers: str = "") -> str:
    """The ``index.md`` of a webinar of the fixture site's tech-transfer series, planned for
    2027-02-03 at 16:00 (+04:00) for 75 minutes, with a registration link; `speakers` are
    YAML flow mappings, one per line."""
    people = "speakers:\n" + "".join(f"  - {line}\n" for line in speakers.splitlines()) if speakers else ""
    return (f'---\ntitle: "{title}"\nlang: en\ndate: 2027-02-03\nstart: "2027-02-03T16:00+04:00"\nduration: 75\n'
            f"status: planned\ntopic: tech-transfer\nlanguages: {languages}\nregions: [arab]\n{people}"
            f"registration: https://events.example.int/register/gulf\n---\n\n## Summary\n{summary}\n")


def copy_fixture(name: str, dest: Path) -> Path:
    """A fixture site copied to `dest`, its relative paths to the repository made absolute."""
    root = dest / name
    shutil.copytree(FIXTURES / name, root, ignore=shutil.ignore_patterns("_build"))
    config = (root / "_config.yml").read_text(encoding="utf-8")
    (root / "_config.yml").write_text(config.replace("../../../", f"{REPO}/"), encoding="utf-8")
    return root


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the small fixture site, to change freely."""
    return copy_fixture("mini", tmp_path)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A copy of the repository's own content and configuration (no build)."""
    root = tmp_path / "site"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(REPO / name, root / name)
    for folder in ("content", "book"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory) -> Path:
    """The small fixture site, built once for the whole run; returns its root."""
    from webinars.pipeline import build_site

    root = copy_fixture("mini", tmp_path_factory.mktemp("built"))
    build_site(root)
    return root


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Path:
    """The repository's own sample content, built in a copy of the repository."""
    from webinars.pipeline import build_site

    root = tmp_path_factory.mktemp("sample")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("content", "book"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo"))
    build_site(root)
    return root


def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def served(built_mini: Path):
    """Base URL of the built fixture site, served over HTTP on loopback."""
    server = serve(built_mini / "_build" / "site")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def served_sample(built_sample: Path):
    """Base URL of the built sample site."""
    server = serve(built_sample / "_build" / "site")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs it with apt-get")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, server, what: str) -> None:
    """Wait until `server` (a Popen, its output piped) listens on `port`; fail if it stops."""
    import socket
    import time

    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"{what} did not start: {server.stdout.read()}")
            time.sleep(0.05)
    pytest.fail(f"{what} does not answer on port {port}")


def offline_context(browser, served: str, asked: list[str] | None = None):
    """A browser context that reaches only `served`: any other request (there is no internet
    here) is noted in `asked` and stopped."""
    context = browser.new_context()

    def outside(route) -> None:
        if asked is not None:
            asked.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(served), outside)
    return context
