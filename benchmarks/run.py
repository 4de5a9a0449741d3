"""Build speed and memory, measured in one run on this machine, printed as a table.

    python benchmarks/run.py [--sizes 100 300 1000] [--dir /tmp/webinar-bench] [--no-plain]

For each size N it generates a corpus (benchmarks/corpus.py) and measures:
  (a) a plain `jupyter-book build` of the same pages in one language, default theme settings;
  (b) our clean build of all languages;
  (c) our rebuild after adding one webinar, and whether its output equals a clean build's;
      the median of three (a webinar added before each), as this machine's timings vary;
  (d) our rebuild with nothing changed: notebooks executed, pages rewritten;
  (p) the rebuild after adding one more webinar while `webinars preview` runs (the staff's
      loop: kernels and imports kept warm), as the preview reports it, the time from the file
      written to the site published, and whether that site equals a clean build's once the
      preview has made its search index (it does so after publishing the pages; the time
      that takes is printed below the table); the median of three, as for (c);
  (e) peak memory of the whole process tree (sampled).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import timezone
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

BIN = Path(sys.executable).parent
REPEATS = 3  # (c) and (p) are the median of this many rebuilds


class PeakMemory:
    """Samples the resident memory of a process and all its children until stopped."""

    def __init__(self, process: psutil.Popen) -> None:
        self.process, self.peak, self._done = process, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def timed(command: list[str]) -> tuple[float, int]:
    """Seconds and peak resident memory (bytes) of a command and all its children."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = PeakMemory(process)
    _, err = process.communicate()
    peak = memory.stop()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-3000:]}")
    return time.perf_counter() - started, peak


_BUILT = re.compile(r"\] (?:built in (?P<seconds>[0-9.]+) s|up to date)")
_INDEXED = re.compile(r"\] search index made in (?P<seconds>[0-9.]+) s")


def preview_rebuild(root: Path, name: str) -> tuple[float, float, float, int]:
    """Start `webinars preview` on `root`, let it build and warm up, add a webinar `name`-i
    and wait for the rebuild, REPEATS times; return the medians of (the rebuild's time as
    the preview reports it, seconds from the file written to the site published, the time
    it then takes to make the search index), and the peak memory."""
    process = psutil.Popen([str(BIN / "webinars"), "--root", str(root), "preview", "--port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(process)

    def next_line(pattern: re.Pattern) -> re.Match:
        for line in process.stdout:
            found = pattern.search(line)
            if found:
                return found
            if "problem(s) found" in line or "the build stopped" in line or "was not made" in line:
                break
        process.kill()
        raise SystemExit(f"webinars preview failed on {root} (see its output above)")

    seconds, latencies, indexing = [], [], []
    try:
        if next_line(_BUILT).group("seconds"):  # built, not up to date: its index follows
            next_line(_INDEXED)
        for i in range(REPEATS):
            time.sleep(10)  # its kernels start, and the replaced site goes, once a build is done
            written = time.perf_counter()
            add_webinar(root, f"{name}-{i}")
            seconds.append(float(next_line(_BUILT).group("seconds")))
            latencies.append(time.perf_counter() - written)
            # The site equals a clean build's once its search index is made too.
            indexing.append(float(next_line(_INDEXED).group("seconds")))
    finally:
        process.terminate()
        process.wait(timeout=60)
    return statistics.median(seconds), statistics.median(latencies), statistics.median(indexing), memory.stop()


def plain_book(source: Path, dest: Path) -> None:
    """The same pages as a one-language Jupyter Book, as a user would first write it."""
    if dest.exists():
        shutil.rmtree(dest)
    for kind in ("webinars", "topics"):
        for page in sorted((source / "content" / kind).glob("*/index.md")):
            target = dest / kind / page.parent.name / "index.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(page, target)
    (dest / "index.md").write_text("# Webinars\n\nAll webinars and topics.\n", encoding="utf-8")
    (dest / "_config.yml").write_text("title: Webinars\nauthor: Secretariat\n", encoding="utf-8")
    (dest / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n- glob: webinars/*/index\n- glob: topics/*/index\n",
        encoding="utf-8")


def executions_since(root: Path, moment: float) -> int:
    """Notebooks executed after `moment` (a time stamp): the copies the build's kernels wrote,
    and those myst-nb ran itself (kept in its execution caches)."""
    from jupyter_cache import get_cache

    work = root / "_build" / "work"
    total = sum(1 for copy in work.glob("*/executed/**/*.ipynb") if copy.stat().st_mtime > moment)
    for cache in work.glob("*/jupyter_cache"):
        total += sum(1 for r in get_cache(cache).list_cache_records() if r.created.replace(tzinfo=timezone.utc).timestamp() > moment)
    return total


def page_stamps(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (root / "_build" / "work").glob("*/html/**/*.html")}


def differing(a: Path, b: Path) -> list[str]:
    """Files that differ between two sites, Sphinx's ?v= cache-busting checksums and the
    order of Pagefind's filter values aside (webinars.engine.search.comparable)."""
    from webinars.engine.search import comparable

    strip = re.compile(rb"\?v=[0-9a-f]{8}")

    def files(site: Path) -> dict[str, bytes]:
        return comparable({p.relative_to(site).as_posix(): strip.sub(b"", p.read_bytes())
                           for p in site.rglob("*") if p.is_file()})

    mine, theirs = files(a), files(b)
    return sorted(name for name in mine.keys() | theirs.keys() if mine.get(name) != theirs.get(name))


def add_webinar(root: Path, name: str = "added") -> None:
    topic = sorted((root / "content" / "topics").glob("topic-*"))[-1].name
    folder = root / "content" / "webinars" / f"2026-11-23-{topic}-{name}"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        f"---\ntitle: An added webinar\nlang: en\ndate: 2026-11-23\nstatus: held\ntopic: {topic}\n"
        "languages: [en, fr]\nregions: [global]\nrecording: https://vimeo.com/76979871\n---\n\n"
        "## Summary\nWhat was presented.\n\n## Follow-up answers\n\n### A question?\nAn answer.\n",
        encoding="utf-8")


def measure(n: int, base: Path, plain_build: bool = True) -> dict:
    ours, plain, clean = base / f"{n}" / "site", base / f"{n}" / "plain", base / f"{n}" / "clean"
    for folder in (ours, clean):
        if folder.exists():
            shutil.rmtree(folder)
    corpus.generate(n, ours)
    plain_book(ours, plain)
    row: dict = {"n": n}
    row["a"] = timed([str(BIN / "jupyter-book"), "build", "--quiet", str(plain)])[0] if plain_build else None
    webinars = [str(BIN / "webinars"), "--root"]
    row["b"], peak_b = timed([*webinars, str(ours), "build"])
    rebuilds = []
    for i in range(REPEATS):
        add_webinar(ours, f"added-{i}")
        rebuilds.append(timed([*webinars, str(ours), "build"]))
    row["c"], peak_c = statistics.median(seconds for seconds, _ in rebuilds), max(peak for _, peak in rebuilds)
    shutil.copytree(ours, clean, ignore=shutil.ignore_patterns("_build"))
    timed([*webinars, str(clean), "build"])
    row["diff"] = differing(ours / "_build" / "site", clean / "_build" / "site")
    stamps, moment = page_stamps(ours), time.time()
    row["d"], peak_d = timed([*webinars, str(ours), "build"])
    row["executed"] = executions_since(ours, moment)
    after = page_stamps(ours)
    row["rewritten"] = sum(1 for p, t in after.items() if stamps.get(p) != t)
    row["pages"] = len(after)
    row["p"], row["p_latency"], row["p_index"], peak_p = preview_rebuild(ours, "previewed")
    shutil.rmtree(clean)
    shutil.copytree(ours, clean, ignore=shutil.ignore_patterns("_build"))
    timed([*webinars, str(clean), "build"])
    row["p_diff"] = differing(ours / "_build" / "site", clean / "_build" / "site")
    row["peak"] = max(peak_b, peak_c, peak_d, peak_p)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/webinar-bench"))
    parser.add_argument("--no-plain", action="store_true",
                        help="skip (a), the plain build (about 30 minutes at 1000 webinars)")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        print(f"measuring {n} webinars ...", file=sys.stderr, flush=True)
        rows.append(measure(n, args.dir, plain_build=not args.no_plain))
    print(f"{'webinars':>8} {'(a) plain':>10} {'(b) clean':>10} {'b/a':>5} {'(c) +1':>8} {'c/b':>5} "
          f"{'c = clean':>9} {'(d) same':>9} {'d/a':>5} {'nb run':>6} {'rewritten':>9} {'(p) +1':>7} {'p/b':>5} "
          f"{'p = clean':>9} {'saved→seen':>10} {'peak MiB':>8} {'s/page b':>8}")
    for r in rows:
        same = "yes" if not r["diff"] else f"no ({len(r['diff'])})"
        p_same = "yes" if not r["p_diff"] else f"no ({len(r['p_diff'])})"
        a = f"{r['a']:>9.1f}s" if r["a"] else f"{'-':>10}"
        ba = f"{r['b'] / r['a']:>5.2f}" if r["a"] else f"{'-':>5}"
        da = f"{r['d'] / r['a']:>5.2f}" if r["a"] else f"{'-':>5}"
        print(f"{r['n']:>8} {a} {r['b']:>9.1f}s {ba} {r['c']:>7.1f}s "
              f"{r['c'] / r['b']:>5.2f} {same:>9} {r['d']:>8.1f}s {da} {r['executed']:>6} "
              f"{r['rewritten']:>9} {r['p']:>6.1f}s {r['p'] / r['b']:>5.2f} {p_same:>9} {r['p_latency']:>9.1f}s "
              f"{r['peak'] / 2**20:>8.0f} {r['b'] / r['n']:>8.3f}")
    for r in rows:
        print(f"{r['n']}: the preview's search index, made once the pages are published: {r['p_index']:.1f} s")
        if r["diff"]:
            print(f"{r['n']}: differs from a clean build: {', '.join(r['diff'][:10])}")
        if r["p_diff"]:
            print(f"{r['n']}: the preview's site differs from a clean build: {', '.join(r['p_diff'][:10])}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"seconds per webinar (b): {first['b'] / first['n']:.3f} at {first['n']}, "
              f"{last['b'] / last['n']:.3f} at {last['n']} (ratio {last['b'] * first['n'] / (first['b'] * last['n']):.2f})")


if __name__ == "__main__":
    main()
