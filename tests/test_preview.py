"""`webinars preview`: the staff's loop of saving a file and reloading the page."""

from __future__ import annotations

import fcntl
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from test_notebooks import executed_copies, executed_by_myst_nb
from test_site import NEW_WEBINAR, indexed, site_files
from webinars.pipeline import build_site
from webinars.work import Work
from webinars.preview import Preview
from webinars.problems import InvalidInput

pytestmark = pytest.mark.build

NEW_SLUG = "2024-06-11-licensing-start-ups"


def run_again_ahead(root: Path, lang: str, before: dict) -> bool:
    """True if every notebook of `lang` was executed again by the build's kernels since
    `before` (what :func:`executed_copies` said then), and none by myst-nb."""
    from webinars.engine.kernels import EXECUTED_BY

    now = executed_copies(root, lang)
    return (now.keys() == before.keys() and len(now) == 3 and executed_by_myst_nb(root, lang) == 0
            and all(now[page] != before[page] and now[page][1] == EXECUTED_BY for page in now))


def test_a_rebuild_in_the_preview_runs_the_notebooks_in_its_warm_kernels_and_equals_a_clean_build(
        mini: Path, tmp_path: Path) -> None:
    preview = Preview(mini)
    try:
        preview.build()
        preview.get_ready()
        kernels = preview.pool.current  # started for the next build as soon as this one is done
        assert kernels is not None
        before = {lang: executed_copies(mini, lang) for lang in ("en", "ar", "zh")}
        folder = mini / "content/webinars" / NEW_SLUG
        folder.mkdir()
        (folder / "index.md").write_text(NEW_WEBINAR, encoding="utf-8")
        preview.index()
        report = preview.build()
        assert "build" in report.timings
        assert preview.pool.current is kernels and kernels.usable()
        assert not (mini / "_build/site.new").exists()  # its changes were moved into the site
        # The page shows first; the search index follows, made from the pages published.
        assert (mini / f"_build/site/en/webinars/{NEW_SLUG}/index.html").is_file()
        assert f"/webinars/{NEW_SLUG}/" not in indexed(mini, "en")
        assert preview.index() > 0
        assert f"/webinars/{NEW_SLUG}/" in indexed(mini, "en")
    finally:
        preview.close()
    for lang in ("en", "ar", "zh"):
        assert run_again_ahead(mini, lang, before[lang]), lang
    clean = tmp_path / "clean"
    shutil.copytree(mini, clean, ignore=shutil.ignore_patterns("_build"))
    build_site(clean)
    previewed, fresh = site_files(mini), site_files(clean)
    assert previewed.keys() == fresh.keys()
    assert [name for name in previewed if previewed[name] != fresh[name]] == []


def test_a_kernel_that_died_is_replaced_before_the_next_build(mini: Path) -> None:
    preview = Preview(mini)
    try:
        preview.build()
        preview.get_ready()
        kernels = preview.pool.current
        os.kill(kernels.process_ids()[0], signal.SIGKILL)
        for _ in range(50):
            if not kernels.usable():
                break
            time.sleep(0.1)
        path = mini / "content/webinars/2024-03-05-tto-policies/index.md"
        path.write_text(path.read_text(encoding="utf-8").replace("regions: [africa]", "regions: [global]"),
                        encoding="utf-8")
        before = executed_copies(mini, "en")
        preview.build()
        assert preview.pool.current is not kernels
    finally:
        preview.close()
    assert run_again_ahead(mini, "en", before)


def test_a_second_build_of_the_same_site_is_refused_while_one_runs(mini: Path) -> None:
    work = Work(mini / "_build/work")
    work.root.mkdir(parents=True)
    with work.lock.open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(InvalidInput) as refused:
            build_site(mini)
    assert "another build of this site is running" in str(refused.value.problems[0])
    assert not (mini / "_build/site").exists()


class Running:
    """`webinars preview` in a child process, its output read line by line."""

    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webinars", "--root", str(root), "preview", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 180) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.output)
                continue
            self.output.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.output))


@pytest.mark.browser
def test_saving_a_webinar_shows_it_on_reload_and_bad_content_keeps_the_last_site(mini: Path, browser) -> None:
    running = Running(mini)
    try:
        url = running.wait_for(r"at (http://127\.0\.0\.1:\d+/)").group(1)
        running.wait_for(r"\] built in")
        page = browser.new_page()
        page.goto(url + "en/webinars/")
        assert "Licensing for start-ups" not in page.inner_text("main")
        folder = mini / "content/webinars" / NEW_SLUG
        folder.mkdir()
        (folder / "index.md").write_text(NEW_WEBINAR, encoding="utf-8")
        running.wait_for(r"\] built in")
        # The page reloads itself once the site is built again.
        page.wait_for_function("document.querySelector('main')?.innerText.includes('Licensing for start-ups')",
                               timeout=30_000)
        page.goto(url + f"en/webinars/{NEW_SLUG}/")
        assert page.locator("h1").inner_text() == "Licensing for start-ups"
        # The search index follows the pages, made once they are published.
        running.wait_for(r"\] search index made in")
        page.goto(url + "en/search/?q=start-ups")
        found = page.locator(".wb-search-results li a")
        found.first.wait_for(timeout=15_000)
        assert any(NEW_SLUG in found.nth(i).get_attribute("href") for i in range(found.count()))
        page.goto(url + f"en/webinars/{NEW_SLUG}/")

        (folder / "index.md").write_text(NEW_WEBINAR.replace("status: held", "status: finished"), encoding="utf-8")
        problem = running.wait_for(r"index\.md:\d+: status: .*")
        assert f"content/webinars/{NEW_SLUG}/index.md" in problem.string
        running.wait_for(r"not built: the site served is the last good one")
        # No build was published: no reload, but the open page shows what is wrong, over it.
        panel = page.locator("section[role=alert]")
        panel.wait_for(timeout=10_000)
        assert f"content/webinars/{NEW_SLUG}/index.md" in panel.inner_text() and "Not built" in panel.inner_text()
        assert page.locator("h1").inner_text() == "Licensing for start-ups"
        page.reload()
        assert page.locator("h1").inner_text() == "Licensing for start-ups"
        panel.wait_for(timeout=10_000)  # said again to a page opened meanwhile
        (folder / "index.md").write_text(NEW_WEBINAR, encoding="utf-8")  # fixed: the panel goes
        panel.wait_for(state="detached", timeout=30_000)
        built = Path(mini / "_build/site/en/webinars" / NEW_SLUG / "index.html").read_text(encoding="utf-8")
        assert "_preview/build" not in built  # the reloading script is only in what is served
        page.close()
        kernels = [child for child in psutil.Process(running.process.pid).children(recursive=True)
                   if "ipykernel" in " ".join(child.cmdline())]
        assert kernels, "the preview keeps its kernels warm"
    finally:
        running.process.send_signal(signal.SIGTERM)
        code = running.process.wait(timeout=60)
    running.wait_for("preview stopped")
    assert code == 0
    gone, alive = psutil.wait_procs(kernels, timeout=30)
    assert not alive, "the preview's kernels outlived it"
