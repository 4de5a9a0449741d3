"""The ``webinars`` command: ``webinars check``, ``webinars build``, ``webinars preview`` and
``webinars announce``."""

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
    announce = commands.add_parser("announce", help="print the announcement of a planned webinar, "
                                                     "in every site language (or one), to paste into a message")
    announce.add_argument("slug", help="the webinar's folder name in content/webinars/")
    announce.add_argument("--lang", help="only this site language (default: every one)")
    announce.add_argument("--html", action="store_true", help="HTML instead of plain text")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "check":
            from .pipeline import check

            _config, catalogue, _pages, warnings = check(root)
            _print(warnings)
            print(f"content is valid: {len(catalogue.webinars)} webinars, {len(catalogue.topics)} topics")
            return 0
        if args.command == "announce":
            return _announce(root, args.slug, args.lang, args.html)
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
        published = "; nothing was published" if args.command in ("build", "preview") else ""
        print(f"\n{len(failure.problems)} problem(s) found{published}.", file=sys.stderr)
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


def _announce(root: Path, slug: str, lang: str | None, html: bool) -> int:
    from .config import load_config
    from .content.load import load
    from .finish.announce import announcement

    config = load_config(root)
    content = load(config)
    catalogue = content.catalogue
    planned = [w.id for w in catalogue.by_status("planned")]
    webinar = catalogue.webinars.get(slug)
    if webinar is None or webinar.facts.status != "planned":
        what = "no such webinar" if webinar is None else f"this webinar is {webinar.facts.status}"
        raise InvalidInput([Problem(f"{config.settings.content_dir}/webinars/{slug}/index.md", None, "", (
            f"{what}; announcements are for planned webinars: "
            f"{', '.join(planned) if planned else 'none is planned at the moment'}"))])
    languages = [language for language in config.languages if lang in (None, language.code)]
    if not languages:
        raise InvalidInput([Problem("_config.yml", None, "webinars.languages", (
            f"{lang} is not a language of this site; use one of "
            f"{', '.join(language.code for language in config.languages)}"))])
    texts = [announcement(config, catalogue, content.heading_names["summary"], webinar, language)
             for language in languages]
    print("\n".join(text.html if html else text.text for text in texts), end="")
    if not config.settings.base_url:
        print("(the webinar page's address is left out: set webinars: base_url: in _config.yml)", file=sys.stderr)
    return 0


def _print(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


if __name__ == "__main__":
    run()
