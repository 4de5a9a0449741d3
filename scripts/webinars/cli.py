"""The ``webinars`` command: ``check``, ``build``, ``preview``, ``publish``, ``new``, ``announce`` and the planning commands."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from .problems import InvalidInput, Problem, printable


DESCRIPTION = """Check, build, preview and publish the webinars site; start a new webinar or topic;
print a planned webinar's announcement; find the topics close to a proposal; review
the topics suggested in the surveys. Run it from the repository's root, or give
--root."""

EPILOG = """examples:
  webinars check
  webinars new webinar 2027-03-02-ip-and-startups --topic technology-licensing
  webinars new topic ip-and-startups --title "IP for start-ups"
  webinars build
  webinars preview --port 8001
  webinars publish --dry-run
  webinars announce 2027-03-02-ip-and-startups --lang fr
  webinars similar "licensing of green technologies"
  webinars feedback
  webinars plan 2027
each command explains itself: webinars COMMAND --help"""


def main(argv: list[str] | None = None) -> int:
    # --root is accepted before the command and after it (webinars check --root ../site).
    root_option = argparse.ArgumentParser(add_help=False)
    root_option.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                             help="the repository's root (default: this folder)")
    parser = argparse.ArgumentParser(prog="webinars", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository's root (default: this folder)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, example: str, parents=(root_option,)) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=f"{textwrap.fill(summary[:1].upper() + summary[1:], 78)}.\n\nexample:\n  {example}",
                                   parents=list(parents), formatter_class=argparse.RawDescriptionHelpFormatter)

    command("check", "validate content/ and report every problem and warning, with its file and line",
            "webinars check")
    build = command("build", "validate, then build the site into _build/site", "webinars build --jobs 2")
    build.add_argument("--jobs", type=int, default=None, help="languages built at once (default: cores)")
    build.add_argument("--fresh", action="store_true", help="ignore what earlier builds saved")
    preview = command("preview", "build, serve on this machine, build again when a file changes; the open "
                      "page reloads itself, and shows the problems of a build that failed",
                      "webinars preview --port 8001 --open")
    preview.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    preview.add_argument("--host", default="127.0.0.1", help="address to serve on (default: 127.0.0.1, this "
                         "machine only; 0.0.0.0: every address, for a phone on the same network)")
    preview.add_argument("--open", action="store_true", help="open the site in the browser once it is built")
    preview.add_argument("--jobs", type=int, default=None, help="languages built at once (default: cores)")
    publish = command("publish", "build, say which pages change, and publish the site where _config.yml says "
                      "(webinars: publish:), after asking", "webinars publish --dry-run")
    publish.add_argument("--yes", action="store_true", help="publish without asking (for CI)")
    publish.add_argument("--dry-run", action="store_true", help="say what would change, publish nothing")
    publish.add_argument("--rollback", action="store_true", help="serve the release before the current one again "
                         "(the ssh target)")
    announce = command("announce", "print the announcement of a planned webinar, in every site language (or "
                       "one), to paste into a message", "webinars announce 2027-03-02-ip-and-startups --lang fr --html")
    announce.add_argument("slug", help="the webinar's folder name in content/webinars/")
    announce.add_argument("--lang", help="only this site language (default: every one)")
    announce.add_argument("--html", action="store_true", help="HTML instead of plain text")
    similar = command("similar", "list the topics and webinars closest to a text (a proposal's title or "
                      "objective), in any of the site's languages", 'webinars similar "licensing green technologies"')
    similar.add_argument("text", help="the text to compare, in quotes")
    similar.add_argument("--limit", type=int, default=8, help="at most this many (default: 8)")
    similar.description += "\n\n" + textwrap.fill(
        "It compares words, not meanings: it finds what shares words with the text (case, accents and "
        "short words like 'and' or 'de' left aside; Chinese as pairs of characters), in every language "
        "version a topic or webinar has. It cannot match a synonym ('licence' and 'licensing' share few "
        "letters), nor a translation that does not exist: a French text finds a topic only through a "
        "French version.", 78)
    feedback = command("feedback", "the topics suggested in every survey (feedback.csv), grouped, each marked "
                       "as covered by a topic or new; --accept N makes group N a draft topic",
                       "webinars feedback --accept 2")
    feedback.add_argument("--accept", type=int, metavar="N", help="write group N as a draft topic (suggested_at: "
                          "the webinar where it was first suggested)")
    feedback.add_argument("--id", help="the draft topic's id (default: from the suggestion's words)")
    plan = command("plan", "a draft of a year's webinars from the topics under consideration and accepted, by "
                   "the programme's rules, with the reason for each choice and what cannot be met",
                   "webinars plan 2027 --write")
    plan.add_argument("year", type=int, help="the year to plan")
    plan.add_argument("--write", action="store_true", help="write the draft's webinars as planned folders")
    plan.description += "\n\n" + textwrap.fill(
        "The rules: at most webinars_per_year (6) webinars a year, those held or planned already included; "
        "each region that requested webinars the year before gets at least one; then requests before "
        "the Secretariat's proposals, accepted topics first, the oldest first; each webinar in the languages "
        "its topic asks for. The dates are spread over the year, for you to change.", 78)
    new = command("new", "start a new webinar's or topic's folder, filled in from the content, that passes "
                  "webinars check as it is", "webinars new webinar 2027-03-02-ip-and-startups --topic technology-licensing")
    kinds = new.add_subparsers(dest="kind", required=True, metavar="KIND")
    webinar = kinds.add_parser(
        "webinar", parents=[root_option], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="content/webinars/DATE-NAME/: index.md and an empty feedback.csv",
        description=textwrap.fill(
            "A new webinar of a topic's series: its regions and languages are the topic's, its part number the "
            "next one, its status planned (a date ahead) or held; the section headings are in its language. "
            "Complete what the comments ask for.", 78) + "\n\nexample:\n"
                     "  webinars new webinar 2027-03-02-ip-and-startups --topic technology-licensing --lang fr")
    webinar.add_argument("slug", metavar="DATE-NAME", help="the folder's name: its date and a few words "
                                                            "(2027-03-02-ip-and-startups)")
    webinar.add_argument("--topic", required=True, help="the id of its topic (a folder of content/topics/)")
    webinar.add_argument("--lang", help="the language it is written in (default: the site's default)")
    webinar.add_argument("--title", help="its title (default: from the folder's name)")
    topic = kinds.add_parser(
        "topic", parents=[root_option], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="content/topics/ID/index.md: a proposal of the Secretariat, received today",
        description=textwrap.fill(
            "A new topic: a proposal of the Secretariat received today, for every region; the comments list "
            "the other values each field may take.", 78) + "\n\nexample:\n"
                     '  webinars new topic ip-and-startups --title "IP for start-ups"')
    topic.add_argument("id", metavar="ID", help="the topic's id: a few words with hyphens (ip-and-startups)")
    topic.add_argument("--lang", help="the language it is written in (default: the site's default)")
    topic.add_argument("--title", help="its title (default: from the id)")
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
        if args.command == "new":
            return _new(root, args)
        if args.command == "plan":
            return _plan(root, args.year, args.write)
        if args.command == "similar":
            return _similar(root, args.text, args.limit)
        if args.command == "feedback":
            return _feedback(root, args.accept, args.id)
        if args.command == "publish":
            from .publish import publish

            return publish(root, yes=args.yes, dry_run=args.dry_run, rollback=args.rollback)
        if args.command == "preview":
            from .preview import run

            return run(root, port=args.port, jobs=args.jobs, host=args.host, open_browser=args.open)
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
        published = "; nothing was published" if args.command in ("build", "preview", "publish") else ""
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


def _new(root: Path, args: argparse.Namespace) -> int:
    from .content.load import load
    from .config import load_config
    from .scaffold import new_topic, new_webinar

    config = load_config(root)
    catalogue = load(config).catalogue
    if args.kind == "webinar":
        folder = new_webinar(config, catalogue, args.slug, args.topic, args.lang, args.title)
    else:
        folder = new_topic(config, catalogue, args.id, args.lang, args.title)
    made = folder.relative_to(root) if folder.is_relative_to(root) else folder
    content = load(config)  # what was written passes the checks, or they say why
    _print([w for w in content.warnings if w.path.startswith(made.as_posix())])
    print(f"created {made}/: complete index.md (see the comments), then run webinars check")
    return 0


def _plan(root: Path, year: int, write: bool) -> int:
    from .config import load_config
    from .content.load import load
    from .plan import draft
    from .scaffold import new_webinar

    config = load_config(root)
    catalogue = load(config).catalogue
    plan = draft(config, catalogue, year)
    already = f": {', '.join(plan.existing)}" if plan.existing else ""
    print(f"Draft plan for {year} ({plan.limit} webinars a year; held or planned already: "
          f"{len(plan.existing)}{already})")
    if not plan.chosen:
        print("\nNothing to plan: no topic under consideration or accepted can have a webinar that year.")
    for n, choice in enumerate(plan.chosen, start=1):
        facts = choice.topic.facts
        print(printable(f"\n{n}. {choice.date.isoformat()}  {choice.topic.id}: {facts.title}"))
        print(f"   regions: {', '.join(facts.regions)}; languages: {', '.join(facts.languages)}")
        print(f"   why: {choice.reason}")
    if plan.unmet:
        print("\nNot met:")
        for what, why in plan.unmet:
            print(f"- {what}: {why}")
    if write and plan.chosen:
        print()
        for choice in plan.chosen:
            topic = choice.topic
            folder = new_webinar(config, catalogue, f"{choice.date.isoformat()}-{topic.id}", topic.id,
                                 topic.facts.lang, topic.facts.title, today=choice.date)
            print(f"created {folder.relative_to(root) if folder.is_relative_to(root) else folder}/")
    elif plan.chosen:
        print(f"\n`webinars plan {year} --write` writes these as planned webinars.")
    return 0


def _similar(root: Path, text: str, limit: int) -> int:
    from .config import load_config
    from .content.load import load
    from .similar import closest

    catalogue = load(load_config(root)).catalogue
    found = closest(text, catalogue, limit=limit)
    if not found:
        print("nothing close: no topic or webinar shares words with this text")
        return 0
    print("score  kind     status       id: title")
    for match in found:
        print(printable(f"{match.score:5.0f}  {match.kind:<8} {match.status:<12} {match.id}: {match.title} "
                        f"[{match.lang}]"))
    return 0


def _feedback(root: Path, accept: int | None, topic_id: str | None) -> int:
    from .config import load_config
    from .content.load import load
    from .scaffold import new_topic
    from .suggestions import gather, grouped, topic_id as make_id

    config = load_config(root)
    catalogue = load(config).catalogue
    suggestions = gather(config, catalogue)
    groups = grouped(suggestions, catalogue)
    if accept is None:
        surveys = len({s.webinar for s in suggestions})
        print(f"{len(suggestions)} topic(s) suggested in {surveys} survey(s), in {len(groups)} group(s):")
        for n, group in enumerate(groups, start=1):
            print(printable(f"\n{n:2}. {group.text!r} x{len(group.suggestions)}"))
            where = ", ".join(f"{s.webinar} (line {s.line})" for s in group.suggestions)
            print(f"    suggested at: {where}")
            if group.accepted:
                print(f"    accepted: topic {', '.join(group.accepted)}")
            elif group.covered:
                c = group.covered
                print(printable(f"    covered ({c.score:.0f}): {c.kind} {c.id}, {c.title!r} ({c.status})"))
            else:
                print(f"    new: `webinars feedback --accept {n}` makes it a draft topic")
        return 0
    if not 1 <= accept <= len(groups):
        raise InvalidInput([Problem(f"{config.settings.content_dir}/webinars", None, "--accept", (
            f"there is no group {accept}: run `webinars feedback` to see the {len(groups)} group(s)"))])
    group = groups[accept - 1]
    first = group.suggestions[0]
    webinar = catalogue.webinars[first.webinar]
    made = new_topic(config, catalogue, topic_id or make_id(group.text, set(catalogue.topics)),
                     webinar.original.lang, group.text, suggested_at=first.webinar)
    print(f"created {made.relative_to(root) if made.is_relative_to(root) else made}/: a draft topic suggested at "
          f"{first.webinar}; complete index.md (see the comments), then run webinars check")
    return 0


def _print(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


if __name__ == "__main__":
    run()
