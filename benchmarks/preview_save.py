"""How fast a staff member's save shows in `webinars preview`, and whether its memory stays
flat, measured on a copy of a site (the repository's own content by default).

    python benchmarks/preview_save.py [--root .] [--saves 10] [--memory-saves 50]

It starts the preview, waits for its first build and search index, then edits a held
webinar's summary `--saves` times (a change the notebooks do not show) and times each
from the file written to the page served with the new text; then saves `--memory-saves`
more times and prints the resident memory of the preview's processes (kernels included)
after every tenth save.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

BIN = Path(sys.executable).parent
SUMMARY_LINE = re.compile(r"^## Summary\n", re.MULTILINE)


def copy_site(root: Path, dest: Path) -> Path:
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(root / name, dest / name)
    for folder in ("content", "book"):
        shutil.copytree(root / folder, dest / folder)
    return dest


def memory(process: psutil.Process) -> tuple[int, int]:
    """Resident memory of the preview's own process, and of its children (the kernels)."""
    children = [p for p in process.children(recursive=True) if p.is_running()]
    return process.memory_info().rss, sum(p.memory_info().rss for p in children)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--memory-saves", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="preview-save-"))
    site = copy_site(args.root.resolve(), work)
    page = site / "content/webinars/2024-05-21-licensing-negotiation/index.md"
    original = page.read_text(encoding="utf-8")
    process = psutil.Popen([str(BIN / "webinars"), "--root", str(site), "preview", "--port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait_for(pattern: str) -> re.Match:
        for line in process.stdout:
            found = re.search(pattern, line)
            if found:
                return found
        raise SystemExit("the preview stopped")

    try:
        url = wait_for(r"at (http://127\.0\.0\.1:\d+/)").group(1)
        wait_for(r"search index made|up to date")
        time.sleep(3)  # its kernels are warmed up again after a build
        address = url + "en/webinars/2024-05-21-licensing-negotiation/"
        latencies, missing = [], []
        total = args.saves + args.memory_saves
        for n in range(1, total + 1):
            marker = f"Saved as version {n}."
            page.write_text(SUMMARY_LINE.sub(f"## Summary\n{marker}\n\n", original, count=1), encoding="utf-8")
            written = time.perf_counter()
            while True:
                try:
                    with urllib.request.urlopen(address) as answer:
                        if marker.encode() in answer.read():
                            break
                except urllib.error.HTTPError as error:  # counted: a page must never be missing
                    missing.append(f"save {n}: {error.code}")
                time.sleep(0.02)
            if n <= args.saves:
                latencies.append(time.perf_counter() - written)
            wait_for(r"search index made|search index was not made|up to date")
            time.sleep(1)  # as a person saves: a moment after the last build and its index
            if n > args.saves and (n - args.saves) % 10 == 0:
                own, children = memory(process)
                print(f"after {n - args.saves:3} more saves: {(own + children) / 2**20:7.1f} MiB "
                      f"(the preview {own / 2**20:.1f}, its kernels {children / 2**20:.1f})", flush=True)
        print(f"save -> page served: median {statistics.median(latencies):.2f} s of {len(latencies)} "
              f"(min {min(latencies):.2f} s, max {max(latencies):.2f} s)")
        print(f"requests answered with an error while the page was asked for every 20 ms: {len(missing)} "
              f"{missing[:5]}")
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
