"""Page weight: what a visitor's first view of each page template costs, printed as a table.

    python benchmarks/weight.py [--site _build/site] [--dir /tmp/webinar-weight] [--webinar SLUG] [--no-mkdocs]

Many of the programme's visitors connect from offices with slow or metered links, so what a
page costs on a first visit matters more than how fast this machine renders it. For one page
of each template (home, a held and a planned webinar, a topic, the topic list, the series, the
proposal form, search, the Arabic home and a Chinese webinar) it opens the page in Chromium with
an empty cache, waits for the load event and for the network to be idle, and reports:

  requests   every response of the local server (the page, its styles, scripts, fonts, images);
  KB gz      the sum of each response body compressed with gzip level 6, as a static server
             compressing its responses would send it (a body that gzip does not shrink, such as
             a font or an image, counts at its own size, as a server would send it as is);
  KB raw     the same bodies uncompressed;
  budget     whether the page is within the budget set for a webinar page: at most 10 requests
             and 100 KB compressed, the video player excluded. Requests to any other host than
             the local server (the player, web fonts of a CDN) are blocked, not counted, and
             shown apart as "blocked ext".

For comparison, the same webinar's text (title, facts, summary, follow-up answers) is built as
the one page of a MkDocs Material site with the theme's defaults, in the same run, and weighed
the same way: what a plain, well-regarded documentation theme costs for the same text.
MkDocs and its theme are installed, once, in a venv of their own (<dir>/mkdocs-venv) from
benchmarks/requirements-weight.txt, so the project's .venv stays as its requirements.txt says.

Without --site, the repository's files (as `git ls-files` lists them, with the working tree's
edits) are copied to <dir>/repo and built there with `webinars build`. It prints numbers; it
asserts nothing. KB is 1024 bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from playwright.sync_api import Browser, Error as PlaywrightError, Response, Route, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REQUIREMENTS = Path(__file__).resolve().parent / "requirements-weight.txt"
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own browsers are never downloaded
BUDGET_REQUESTS = 10
BUDGET_BYTES = 100 * 1024
KB = 1024
LARGEST = 4  # resources named per page
PREFERRED_WEBINAR = "2024-05-21-licensing-negotiation"


@dataclass
class Target:
    """A page to weigh: the template it stands for and its path from the site's root."""

    template: str
    path: str
    shown: str = ""  # what the table says instead of the path, if anything

    @property
    def label(self) -> str:
        return self.shown or self.path


@dataclass
class Resource:
    """One response of the local server, as the browser received it."""

    url: str
    status: int
    raw: int
    gz: int

    @property
    def name(self) -> str:
        path = urlsplit(self.url).path
        return "index.html" if path.endswith("/") else path.rsplit("/", 1)[-1]

    @property
    def kind(self) -> str:
        suffix = Path(urlsplit(self.url).path).suffix.lower()
        return {".js": "js", ".mjs": "js", ".css": "css", ".woff": "font", ".woff2": "font", ".ttf": "font",
                ".png": "img", ".svg": "img", ".jpg": "img", ".gif": "img", ".ico": "img",
                ".json": "data"}.get(suffix, "html" if suffix in ("", ".html") else suffix.lstrip("."))


@dataclass
class PageWeight:
    """What one first view cost: the local responses, and the requests elsewhere that were blocked."""

    target: Target
    resources: list[Resource] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.resources)

    @property
    def gz(self) -> int:
        return sum(r.gz for r in self.resources)

    @property
    def raw(self) -> int:
        return sum(r.raw for r in self.resources)

    @property
    def within_budget(self) -> bool:
        return self.requests <= BUDGET_REQUESTS and self.gz <= BUDGET_BYTES


# --- the site and the pages to weigh -------------------------------------------------------------

def build_site(root: Path, workdir: Path) -> Path:
    """Copy the repository's files to `workdir`/repo and build it there; return the site.

    A copy, so that measuring never touches the owner's _build/. It holds what `git ls-files`
    lists (tracked files, with their edits in the working tree, and new files not ignored),
    so that .venv and earlier builds stay behind.
    """
    copy = workdir / "repo"
    if copy.exists():
        shutil.rmtree(copy)
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = root / name
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    command = [str(BIN / "webinars"), "--root", str(copy), "build"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return (copy / "_build" / "site").resolve()


def read_page(index: Path) -> tuple[dict, str]:
    """The frontmatter (as data) and the Markdown body of a content page."""
    found = re.match(r"---\n(.*?)\n---\n(.*)", index.read_text(encoding="utf-8"), re.DOTALL)
    if not found:
        raise SystemExit(f"{index}: no frontmatter between two --- lines")
    return yaml.safe_load(found.group(1)) or {}, found.group(2)


def has_answers(body: str) -> bool:
    """Whether a webinar body has a follow-up answers section with at least one question."""
    section = re.search(r"^## Follow-up answers\s*$(.*?)(?=^## |\Z)", body, re.MULTILINE | re.DOTALL)
    return bool(section and re.search(r"^### ", section.group(1), re.MULTILINE))


def choose_webinars(content: Path, wanted: str | None) -> tuple[str, str | None]:
    """The held webinar to weigh (with a recording and follow-up answers: the heaviest kind of
    webinar page) and a planned one, discovered from content/webinars."""
    held, planned = [], []
    for index in sorted(content.glob("webinars/*/index.md")):
        facts, body = read_page(index)
        if facts.get("status") == "held" and facts.get("recording") and has_answers(body):
            held.append(index.parent.name)
        elif facts.get("status") == "planned":
            planned.append(index.parent.name)
    if wanted and wanted not in held:
        raise SystemExit(f"--webinar {wanted}: not a held webinar with a recording and follow-up answers "
                         f"in {content / 'webinars'} (these are: {', '.join(held) or 'none'})")
    if not held:
        raise SystemExit(f"no held webinar with a recording and follow-up answers in {content / 'webinars'}")
    slug = wanted or (PREFERRED_WEBINAR if PREFERRED_WEBINAR in held else held[0])
    return slug, (planned[0] if planned else None)


def targets(content: Path, site: Path, held: str, planned: str | None) -> list[Target]:
    """One page per template, in the order of the table; the search page is where this build
    put it (search.html or search/)."""
    topic = read_page(content / "webinars" / held / "index.md")[0].get("topic")
    search = next((p for p in ("en/search.html", "en/search/") if (site / p).exists()), "en/search/")
    pages = [Target("home", "en/"), Target("webinar (held)", f"en/webinars/{held}/")]
    if planned:
        pages.append(Target("webinar (planned)", f"en/webinars/{planned}/"))
    if topic:
        pages.append(Target("topic", f"en/topics/{topic}/"))
    pages += [Target("topic list", "en/topic-list/"), Target("series", "en/series/"),
              Target("propose", "en/propose/"), Target("search", search),
              Target("home (ar)", "ar/"), Target("webinar (zh)", f"zh/webinars/{held}/")]
    return pages


# --- serving and weighing ------------------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files as any static server would, without a log line per request."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A threading server that does not print a traceback when the browser drops a connection."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) in a thread; yield its base URL, stop on exit."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def compressed_size(body: bytes) -> int:
    """What a static server compressing at gzip level 6 sends; a body that does not shrink
    (a font, an image) is sent as it is."""
    return min(len(body), len(gzip.compress(body, compresslevel=6, mtime=0)))


def body_of(response: Response, site: Path, base: str) -> bytes:
    """The body the browser received; from disk when the browser no longer holds it (a redirect
    has none), which is the same bytes, as the server only sends files."""
    try:
        return response.body()
    except PlaywrightError:
        local = site / unquote(urlsplit(response.url).path.removeprefix(urlsplit(base).path))
        local = local / "index.html" if local.is_dir() else local
        return local.read_bytes() if response.status < 300 and local.is_file() else b""


def weigh(browser: Browser, base: str, site: Path, target: Target) -> PageWeight:
    """Open one page as a first visitor does (a new context: empty cache, no cookies), blocking
    every request to another host, and record every response of the local server."""
    weight = PageWeight(target)
    responses: list[Response] = []

    def only_local(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            weight.blocked.append(route.request.url)
            route.abort()

    context = browser.new_context()
    try:
        context.route("**/*", only_local)
        context.on("response", lambda r: responses.append(r) if r.url.startswith(base) else None)
        page = context.new_page()
        page.goto(base + target.path, wait_until="load", timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=120_000)
        for response in responses:
            body = body_of(response, site, base)
            weight.resources.append(Resource(response.url, response.status, len(body), compressed_size(body)))
    finally:
        context.close()
    return weight


def weigh_all(site: Path, pages: list[Target]) -> list[PageWeight]:
    """Weigh each page of `site` that exists; a missing one is said and skipped."""
    present = []
    for target in pages:
        file = site / target.path
        if (file / "index.html").is_file() or file.is_file():
            present.append(target)
        else:
            print(f"{target.template}: {target.path} is not in {site}; skipped", file=sys.stderr)
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            weights = []
            for target in present:
                print(f"weighing {target.template}: {target.label} ...", file=sys.stderr, flush=True)
                weights.append(weigh(browser, base, site, target))
            return weights
        finally:
            browser.close()


# --- the MkDocs Material comparison --------------------------------------------------------------

def mkdocs_venv(workdir: Path) -> Path:
    """A venv holding MkDocs Material as pinned in requirements-weight.txt: made once, made again
    when the pins change. Raises OSError or CalledProcessError when it cannot be made."""
    venv = workdir / "mkdocs-venv"
    stamp, pins = venv / "requirements-weight.txt", REQUIREMENTS.read_text(encoding="utf-8")
    if (venv / "bin" / "mkdocs").is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == pins:
        return venv
    print(f"installing MkDocs Material into {venv} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True, text=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(REQUIREMENTS)], check=True, capture_output=True, text=True)
    stamp.write_text(pins, encoding="utf-8")
    return venv


def fact_text(value: object) -> str:
    """A frontmatter value as a line of text: lists joined, a speaker or slide as its values."""
    if isinstance(value, dict):
        return ", ".join(fact_text(v) for v in value.values())
    if isinstance(value, list):
        return "; ".join(fact_text(v) for v in value)
    return str(value)


def webinar_markdown(index: Path) -> str:
    """The webinar's page as a MkDocs author would write it: its title, its facts as a list, then
    its body (the summary and the follow-up answers) as written."""
    facts, body = read_page(index)
    lines = [f"# {facts.get('title', index.parent.name)}", ""]
    lines += [f"- **{key.capitalize()}:** {fact_text(value)}" for key, value in facts.items()
              if key not in ("title", "lang")]
    return "\n".join(lines) + "\n\n" + body.strip() + "\n"


def mkdocs_site(root: Path, slug: str, workdir: Path) -> Path | None:
    """Build the webinar's page with MkDocs Material's defaults; None (and why) when MkDocs
    cannot be installed or the build fails, so that the other rows are still printed."""
    try:
        venv = mkdocs_venv(workdir)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = str(getattr(error, "stderr", None) or error).strip().splitlines()[-2:]  # pip ends with its reason
        print(f"no MkDocs Material row: its venv could not be made: {' / '.join(line[:300] for line in detail)}",
              file=sys.stderr)
        return None
    project = workdir / "mkdocs"
    if project.exists():
        shutil.rmtree(project)
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text(webinar_markdown(root / "content" / "webinars" / slug / "index.md"),
                                               encoding="utf-8")
    (project / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "Webinars", "theme": {"name": "material"}}),
                                        encoding="utf-8")
    done = subprocess.run([str(venv / "bin" / "mkdocs"), "build", "--quiet", "--clean", "-f",
                           str(project / "mkdocs.yml"), "-d", str(project / "site")], capture_output=True, text=True)
    if done.returncode:
        print(f"no MkDocs Material row: mkdocs build failed:\n{done.stderr[-1500:]}", file=sys.stderr)
        return None
    return project / "site"


# --- the report ----------------------------------------------------------------------------------

def report(weights: list[PageWeight]) -> None:
    """The table, then for each page what it loads by kind and its largest resources."""
    url_width = max(len(w.target.label) for w in weights) + 2
    print("first view, empty cache, viewport 1280x720 (gzip -6 of each response; external requests blocked; "
          "KB = 1024 bytes)")
    print(f"{'template':<18}{'url':<{url_width}}{'requests':>8}{'KB gz':>9}{'KB raw':>9}  "
          f"{'budget (<=' + str(BUDGET_REQUESTS) + ', <=' + str(BUDGET_BYTES // KB) + ' KB)':<24}{'blocked ext':>11}")
    for w in weights:
        print(f"{w.target.template:<18}{w.target.label:<{url_width}}{w.requests:>8}{w.gz / KB:>9.1f}"
              f"{w.raw / KB:>9.1f}  {'yes' if w.within_budget else 'no':<24}{len(w.blocked):>11}")
    print()
    for w in weights:
        kinds: dict[str, int] = {}
        for r in w.resources:
            kinds[r.kind] = kinds.get(r.kind, 0) + r.gz
        by_kind = ", ".join(f"{k} {v / KB:.1f}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
        largest = ", ".join(f"{r.name} {r.gz / KB:.1f} ({r.raw / KB:.1f} raw)"
                            for r in sorted(w.resources, key=lambda r: -r.gz)[:LARGEST])
        print(f"{w.target.label}: KB gz by kind: {by_kind}; largest: {largest}")
        failed = [f"{r.name} {r.status}" for r in w.resources if r.status >= 400]
        if failed:
            print(f"  failed locally: {', '.join(failed)}")
        if w.blocked:
            hosts = sorted({urlsplit(u).netloc or urlsplit(u).scheme for u in w.blocked})
            print(f"  blocked external: {', '.join(hosts)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built site (_build/site); default: build a copy")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/webinar-weight"),
                        help="where the copy, the MkDocs project and its venv are made (default: %(default)s)")
    parser.add_argument("--webinar", help=f"the held webinar to weigh (default: {PREFERRED_WEBINAR} if it has "
                                          "a recording and follow-up answers, else the first that does)")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip the MkDocs Material comparison")
    args = parser.parse_args(argv)
    content = ROOT / "content"
    held, planned = choose_webinars(content, args.webinar)
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.site:
        site = args.site.resolve()
        if not site.is_dir():
            raise SystemExit(f"--site {args.site}: no such folder")
    else:
        print(f"building a copy of {ROOT} in {args.dir / 'repo'} ...", file=sys.stderr, flush=True)
        site = build_site(ROOT, args.dir)
    weights = weigh_all(site, targets(content, site, held, planned))
    if not args.no_mkdocs:
        material = mkdocs_site(ROOT, held, args.dir)
        if material:
            weights += weigh_all(material, [Target("MkDocs Material", "", shown="(same webinar)")])
    report(weights)


if __name__ == "__main__":
    main()
