"""The ``webinars`` command: ``webinars check``, ``webinars build`` and ``webinars preview``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .problems import InvalidInput, Problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="webinars", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: here)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate content/ and report every problem")
    build = commands.add_parser("build", help="validate, then build the site into _build/site")
    build.add_argument("--jobs", type=int, default=None, help="languages built at once (default: cores)")
    build.add_argument("--fresh", action="store_true", help="ignore what earlier builds saved")
    preview = commands.add_parser("preview", help="build, serve on this machine, build again when a file changes")
    preview.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    preview.add_argument("--jobs", type=int, default=None, help="languages built at once (default: cores)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "check":
            from .pipeline import check

            _config, catalogue, _pages, warnings = check(root)
            _print(warnings)
            print(f"content is valid: {len(catalogue.webinars)} webinars, {len(catalogue.topics)} topics")
            return 0
        if args.command == "preview":
            from .preview import run

            return run(root, port=args.port, jobs=args.jobs)
        from .pipeline import build_site

        report = build_site(root, jobs=args.jobs, fresh=args.fresh)
        _print(report.warnings)
        site = report.site
        if "build" not in report.timings:
            print(f"nothing changed since the last build: {site} is up to date "
                  f"(checked in {report.timings['total']:.1f} s)")
            return 0
        times = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items())
        print(f"site built in {site} ({times})")
        return 0
    except InvalidInput as failure:
        _print(failure.problems)
        print(f"\n{len(failure.problems)} problem(s) found; nothing was published.", file=sys.stderr)
        return 1
    except OSError as error:  # the machine, not the content: a folder that cannot be written, a full disk
        where = error.filename or root
        _print([Problem(str(where), None, "", f"{error.strerror or error}: check that this folder can be written "
                                              "and that the disk has room, then build again")])
        print("\nnothing was published.", file=sys.stderr)
        return 1


def run() -> None:
    """The command itself: :func:`main`, then end the process at once.

    Left to itself, the interpreter would free every object of the build one by one
    before exiting: 0.6 s after a build of 300 webinars. By then the build has closed its
    kernels and written and closed every file; only the terminal's buffers are left.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _print(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


if __name__ == "__main__":
    run()
