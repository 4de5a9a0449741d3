"""Build speed and memory, measured in one run on this machine, printed as a table.

    python benchmarks/run.py [--sizes 100 300 1000] [--dir /tmp/webinar-bench] [--no-plain]

For each size N it generates a corpus (benchmarks/corpus.py) and measures:
  (a) a plain `jupyter-book build` of the same pages in one language, default theme settings;
  (b) our clean build of all languages;
  (c) our rebuild after adding one webinar, and whether its output equals a clean build's;
  (d) our rebuild with nothing changed: notebooks executed, pages rewritten;
  (e) peak memory of the whole process tree (sampled).
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
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


def timed(command: list[str]) -> tuple[float, int]:
    """Seconds and peak resident memory (bytes) of a command and all its children."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-3000:]}")
    return time.perf_counter() - started, peak


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
    """Notebook results stored in the execution caches after `moment` (a time stamp)."""
    from jupyter_cache import get_cache

    total = 0
    for cache in (root / "_build" / "work").glob("*/jupyter_cache"):
        total += sum(1 for r in get_cache(cache).list_cache_records() if r.created.replace(tzinfo=timezone.utc).timestamp() > moment)
    return total


def page_stamps(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (root / "_build" / "work").glob("*/html/**/*.html")}


def differing(a: Path, b: Path) -> list[str]:
    """Files that differ between two sites, Sphinx's ?v= cache-busting checksums aside."""
    strip = re.compile(rb"\?v=[0-9a-f]{8}")
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    found = [str(n) for n in names_a ^ names_b]
    for name in names_a & names_b:
        if not filecmp.cmp(a / name, b / name, shallow=False):
            if strip.sub(b"", (a / name).read_bytes()) != strip.sub(b"", (b / name).read_bytes()):
                found.append(str(name))
    return sorted(found)


def add_webinar(root: Path) -> None:
    topic = sorted((root / "content" / "topics").glob("topic-*"))[-1].name
    folder = root / "content" / "webinars" / f"2026-11-23-{topic}-added"
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
    add_webinar(ours)
    row["c"], peak_c = timed([*webinars, str(ours), "build"])
    shutil.copytree(ours, clean, ignore=shutil.ignore_patterns("_build"))
    timed([*webinars, str(clean), "build"])
    row["diff"] = differing(ours / "_build" / "site", clean / "_build" / "site")
    stamps, moment = page_stamps(ours), time.time()
    row["d"], peak_d = timed([*webinars, str(ours), "build"])
    row["executed"] = executions_since(ours, moment)
    after = page_stamps(ours)
    row["rewritten"] = sum(1 for p, t in after.items() if stamps.get(p) != t)
    row["pages"] = len(after)
    row["peak"] = max(peak_b, peak_c, peak_d)
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
          f"{'c = clean':>9} {'(d) same':>9} {'d/a':>5} {'nb run':>6} {'rewritten':>9} {'peak MiB':>8} {'s/page b':>8}")
    for r in rows:
        same = "yes" if not r["diff"] else f"no ({len(r['diff'])})"
        a = f"{r['a']:>9.1f}s" if r["a"] else f"{'-':>10}"
        ba = f"{r['b'] / r['a']:>5.2f}" if r["a"] else f"{'-':>5}"
        da = f"{r['d'] / r['a']:>5.2f}" if r["a"] else f"{'-':>5}"
        print(f"{r['n']:>8} {a} {r['b']:>9.1f}s {ba} {r['c']:>7.1f}s "
              f"{r['c'] / r['b']:>5.2f} {same:>9} {r['d']:>8.1f}s {da} {r['executed']:>6} "
              f"{r['rewritten']:>9} {r['peak'] / 2**20:>8.0f} {r['b'] / r['n']:>8.3f}")
    for r in rows:
        if r["diff"]:
            print(f"{r['n']}: differs from a clean build: {', '.join(r['diff'][:10])}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"seconds per webinar (b): {first['b'] / first['n']:.3f} at {first['n']}, "
              f"{last['b'] / last['n']:.3f} at {last['n']} (ratio {last['b'] * first['n'] / (first['b'] * last['n']):.2f})")


if __name__ == "__main__":
    main()
