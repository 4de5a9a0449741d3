"""The built sample site, every page template in six languages: valid HTML, and every link and anchor works.

Two outside checkers, each run once over the whole site:

* the Nu Html Checker (npm `vnu-jar`, pinned in package.json, installed by `make test`
  with `npm ci`), errors only, on every page of the site;
* LinkChecker (PyPI `linkchecker`, pinned in requirements.txt) over HTTP, recursively,
  anchors included, starting from every page and from every page address the downloads
  (`data/*.csv`, `data/*.json`) give. Links to other hosts (https://, mailto:) are only
  checked for syntax: the machine has no internet.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = [pytest.mark.build]

REPO = Path(__file__).parent.parent
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _site(root: Path) -> Path:
    return root / "_build" / "site"


def _pages(site: Path) -> list[str]:
    """Every HTML page of the site, relative to it. Not `_static/`: the theme ships its Jinja
    macro files there (webpack-macros.html), fragments that are no page and no one links to."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if "_static" not in path.relative_to(site).parts)


def _templates(root: Path) -> dict[str, str]:
    """One built page for each template of the site, in each language: what the checks must cover."""
    from webinars.pipeline import check

    config, catalogue, _pages_, _warnings = check(root)
    wanted = {"root language chooser": "index.html", "404 page": "404.html"}
    webinars = {webinar.facts.status: slug for slug, webinar in sorted(catalogue.webinars.items())}
    topics = {topic.facts.status: topic_id for topic_id, topic in sorted(catalogue.topics.items())}
    for lang in config.settings.languages:
        wanted[f"{lang} home"] = f"{lang}/index.html"
        for name in ("webinars", "topics", "topic-list", "series", "propose", "search"):
            wanted[f"{lang} {name}"] = f"{lang}/{name}/index.html"
        for status, slug in webinars.items():
            wanted[f"{lang} webinar ({status})"] = f"{lang}/webinars/{slug}/index.html"
        for status, topic_id in topics.items():
            wanted[f"{lang} topic ({status})"] = f"{lang}/topics/{topic_id}/index.html"
    return wanted


def _missing_templates(root: Path, pages: list[str]) -> list[str]:
    present = set(pages)
    return [f"{name}: {path}" for name, path in _templates(root).items() if path not in present]


# ---- HTML: the Nu Html Checker ----------------------------------------------------------------


def test_every_page_of_the_sample_is_valid_html(built_sample: Path) -> None:
    if not VNU.is_file():
        pytest.fail(f"{VNU.relative_to(REPO)} is missing: run `make test`, which installs it with `npm ci`")
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: the Nu Html Checker (vnu.jar) needs Java 11 or later "
                    "(Debian: apt-get install default-jre-headless)")
    site = _site(built_sample)
    pages = _pages(site)
    missing = _missing_templates(built_sample, pages)
    assert not missing, "page templates not built, so not validated:\n" + "\n".join(missing)

    # One run for the whole site; with --format json the report is written to stderr.
    result = subprocess.run(
        [java, "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json", *pages],
        cwd=site, capture_output=True, text=True, timeout=600,
    )
    try:
        report = json.loads(result.stderr)
    except ValueError:
        pytest.fail(f"vnu.jar exited with {result.returncode} without a JSON report:\n"
                    f"{result.stdout}\n{result.stderr}")
    assert result.returncode in (0, 1), result.stderr
    problems = []
    for message in report["messages"]:
        if message["type"] == "info":  # warnings: --errors-only leaves none, but be sure
            continue
        url = message.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        where = path.relative_to(site.resolve()).as_posix() if path.is_relative_to(site.resolve()) else url
        line = message.get("lastLine", message.get("firstLine", "?"))
        column = message.get("firstColumn", message.get("lastColumn", "?"))
        extract = message.get("extract", "").replace("\n", "⏎")
        problems.append(f"{where}:{line}:{column}: {message['type']}: {message['message']}\n"
                        f"      {extract}")
    assert not problems, (f"{len(problems)} HTML errors in {len(pages)} pages (Nu Html Checker):\n"
                          + "\n".join(problems))
    assert result.returncode == 0, result.stderr


# ---- Links: LinkChecker ------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A quiet static server that lets LinkChecker go at full speed. LinkChecker waits between
    requests to a host (at most 10 a second) unless the server answers with a `LinkChecker`
    header: without it the check of the sample takes about 7 minutes instead of 40 seconds.
    (The conftest `serve()` helper cannot add a header, hence this one.)"""

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # LinkChecker closes connections early (broken pipes); a real failure shows as a broken link


def _page_addresses(site: Path, base: str, base_url: str) -> dict[str, str]:
    """The page addresses the downloads give (column or key `page`), as local URLs -> where found."""
    found: dict[str, str] = {}

    def add(value: object, where: str) -> None:
        if not isinstance(value, str) or not value:
            return
        if base_url and value.startswith(base_url.rstrip("/") + "/"):
            value = "/" + value[len(base_url.rstrip("/") + "/"):]
        if value.startswith("/"):
            found.setdefault(base + value, where)

    def walk(value: object, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "page":
                    add(item, where)
                else:
                    walk(item, where)
        elif isinstance(value, list):
            for item in value:
                walk(item, where)

    for path in sorted((site / "data").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), f"data/{path.name}")
    for path in sorted((site / "data").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for number, row in enumerate(csv.DictReader(stream), start=2):
                add(row.get("page"), f"data/{path.name}:{number}")
    return found


def _where(url: str, base: str) -> str:
    """A local URL as the file the site serves for it."""
    if not url.startswith(base + "/"):
        return url
    path = unquote(urlsplit(url).path).lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def test_every_link_and_anchor_of_the_sample_works(built_sample: Path, tmp_path: Path) -> None:
    try:
        import linkcheck  # noqa: F401
    except ImportError:
        pytest.fail("LinkChecker is not installed in .venv: run `make test`, which installs requirements.txt")
    from webinars.config import load_config

    site = _site(built_sample)
    pages = _pages(site)
    missing = _missing_templates(built_sample, pages)
    assert not missing, "page templates not built, so not checked:\n" + "\n".join(missing)

    server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        local = re.escape(base + "/")
        # As root, LinkChecker reads this file first, then runs as `nobody`: nothing else is read
        # from disk (the site comes over HTTP), the report comes back on stdout.
        config = tmp_path / "linkcheckerrc"
        config.write_text(
            "[checking]\n"
            "threads=10\n"
            "maxrequestspersecond=1000\n"
            "[filtering]\n"
            f"internlinks=^{local}\n"
            "checkextern=0\n"
            # Every other URL (other hosts, mailto:, tel:) is checked for its syntax only.
            f"ignore=^(?!{local})\n"
            "[AnchorCheck]\n",
            encoding="utf-8",
        )
        addresses = _page_addresses(site, base, load_config(built_sample).settings.base_url)
        # Pages by the address the site links them with (a folder's, for index.html), so that
        # LinkChecker's cache knows them when the recursion reaches them.
        starts = [f"{base}/{page.removesuffix('index.html')}" for page in pages] + sorted(addresses)
        result = subprocess.run(
            [sys.executable, "-m", "linkcheck", "--config", str(config), "--no-status", "--verbose",
             "--output", "xml", "--recursion-level", "-1", "--stdin"],
            input="\n".join(starts), capture_output=True, text=True, timeout=900,
        )
    finally:
        server.shutdown()
        server.server_close()
    # 0: no problem; 1: broken links or warnings (listed below); 2: LinkChecker itself failed.
    assert result.returncode in (0, 1), f"LinkChecker failed ({result.returncode}):\n{result.stderr}"
    checked = ET.fromstring(result.stdout).findall("urldata")
    problems = []
    for item in checked:
        valid = item.find("valid")
        warnings = [(w.get("tag", ""), w.text or "") for w in item.iterfind("warnings/warning")]
        if valid is not None and valid.text == "1" and not warnings:
            continue
        link = item.findtext("url", "")
        real = item.findtext("realurl", "") or link
        parent = item.find("parent")
        if parent is not None and parent.text:
            where = f"{_where(parent.text, base)}:{parent.get('line', '?')}:{parent.get('column', '?')}"
        else:
            where = addresses.get(real, addresses.get(link, "(start URL)"))
        target = _where(real, base)
        anchor = urlsplit(real).fragment
        if anchor:
            target += "#" + anchor
        what = []
        if valid is None or valid.text != "1":
            what.append(f"broken: {valid.get('result', '') if valid is not None else 'not checked'}")
        # An anchor warning lists every anchor of the target page: the first few say enough.
        what += [f"{tag or 'warning'}: {text if len(text) < 300 else text[:300] + '…'}" for tag, text in warnings]
        problems.append(f"{where}: {link!r} -> {target}: " + "; ".join(what))
    problems.sort()
    assert not problems, (f"{len(problems)} broken links or anchors among {len(checked)} URLs checked "
                          f"(LinkChecker):\n" + "\n".join(problems))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
