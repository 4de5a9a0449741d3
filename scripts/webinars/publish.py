"""``webinars publish``: put the site online, the way Jupyter Book users do it: the built
site becomes the content of a branch of a git remote (``gh-pages`` for GitHub Pages, or
any host that serves a branch), with ghp-import, the tool ``jupyter-book``'s own guide
uses. Configured in ``_config.yml``::

    webinars:
      publish:
        git: {remote: origin, branch: gh-pages}

It builds first, and publishes only a site whose build succeeded (every check passed);
it says which pages the remote gains, changes and loses before it pushes, and asks
unless told ``yes``. A second publish makes one commit whose changes are the files that
changed.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import GitTarget, load_config
from .problems import InvalidInput, Problem

SHOWN = 15  # pages listed per kind of change; the rest are counted


@dataclass
class Changes:
    """What publishing changes on the remote: paths in the site."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """As said before publishing: pages (each page's address) first, then other files."""
        out = []
        for verb, paths in (("added", self.added), ("changed", self.changed), ("removed", self.removed)):
            pages = [_address(p) for p in paths if p.endswith(".html")]
            others = len(paths) - len(pages)
            out.append(f"pages {verb}: {len(pages)}" + (f" (and {others} other files)" if others else ""))
            out += [f"  {page}" for page in pages[:SHOWN]]
            if len(pages) > SHOWN:
                out.append(f"  ... and {len(pages) - SHOWN} more")
        return out


def _address(path: str) -> str:
    return path.removesuffix("index.html") or "/"


def compare(before: dict[str, str], after: dict[str, str]) -> Changes:
    """`before`, `after`: path -> git blob id."""
    return Changes(added=sorted(p for p in after if p not in before),
                   changed=sorted(p for p in after if p in before and before[p] != after[p]),
                   removed=sorted(p for p in before if p not in after))


def publish(root: Path, yes: bool = False, dry_run: bool = False, say: Callable[[str], None] = print,
            ask: Callable[[str], str] = input) -> int:
    """Build the site, say what changes, and publish it (after asking, unless `yes`)."""
    config = load_config(root)
    target = config.settings.publish.git
    if target is None:
        raise InvalidInput([Problem("_config.yml", None, "webinars.publish", "no place to publish to: add "
                                    "`publish: {git: {remote: origin, branch: gh-pages}}` under `webinars:` "
                                    "(see docs/publishing.md)")])
    _check_repository(root, target)
    from .pipeline import build_site

    report = build_site(root)  # problems in the content raise here: nothing is published
    for warning in report.warnings:
        say(str(warning))
    site = Path(report.site).resolve()
    say(f"fetching {target.remote} {target.branch} to compare ...")
    before = published_files(root, target)
    changes = compare(before, site_files(root, site))
    where = f"{target.remote} ({_git(root, 'remote', 'get-url', target.remote).strip()}), branch {target.branch}"
    if not changes:
        say(f"nothing to publish: {where} already has this site")
        return 0
    say(f"publishing {site} to {where}:")
    for line in changes.lines():
        say(line)
    if _git(root, "status", "--porcelain", "--untracked-files=no", "--", "."):
        say("note: files of this repository have changes not committed: the site published has them, "
            "the repository's history does not")
    if dry_run:
        say("dry run: nothing was published")
        return 0
    if not yes:
        if not sys.stdin.isatty():
            say("not published: say --yes to publish without being asked")
            return 1
        if ask("publish? [y/N] ").strip().lower() not in ("y", "yes"):
            say("not published")
            return 1
    _push(root, site, target)
    say(f"published: {len(changes.added)} files added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed, on {where}")
    return 0


def _check_repository(root: Path, target: GitTarget) -> None:
    problems = []
    try:
        _git(root, "rev-parse", "--git-dir")
    except InvalidInput:
        raise InvalidInput([Problem(str(root), None, "webinars.publish.git", "this folder is not in a git "
                                    "repository: publish from a clone of the site's repository "
                                    "(`git clone ...`), or run `git init` and add a remote")]) from None
    try:
        _git(root, "remote", "get-url", target.remote)
    except InvalidInput:
        remotes = _git(root, "remote").split()
        problems.append(Problem("_config.yml", None, "webinars.publish.git.remote",
                                f"no remote {target.remote!r} in this repository"
                                + (f" (it has {', '.join(remotes)})" if remotes else " (it has none)")
                                + f": add it with `git remote add {target.remote} <address>` or name another"))
    if problems:
        raise InvalidInput(problems)


def published_files(root: Path, target: GitTarget) -> dict[str, str]:
    """What the remote's branch holds now (path -> blob id); nothing if it has no such branch."""
    heads = _git(root, "ls-remote", "--heads", target.remote, target.branch)
    if not heads.strip():
        return {}
    _git(root, "fetch", "--quiet", target.remote,
         f"+refs/heads/{target.branch}:refs/remotes/{target.remote}/{target.branch}")
    listing = _git(root, "ls-tree", "-r", "-z", f"refs/remotes/{target.remote}/{target.branch}")
    found = {}
    for entry in listing.split("\0"):
        if entry:
            meta, path = entry.split("\t", 1)
            found[path] = meta.split()[2]
    return found


def site_files(root: Path, site: Path) -> dict[str, str]:
    """The built site's files (path -> the blob id git gives their content)."""
    paths = sorted(p for p in site.rglob("*") if p.is_file())
    ids = _git(root, "hash-object", "--stdin-paths", input="\n".join(str(p) for p in paths) + "\n").split()
    found = {p.relative_to(site).as_posix(): blob for p, blob in zip(paths, ids)}
    found.setdefault(".nojekyll", _git(root, "hash-object", "--stdin", input="").strip())  # ghp-import adds it
    return found


def _push(root: Path, site: Path, target: GitTarget) -> None:
    from ghp_import import GhpError, ghp_import

    source = _git(root, "rev-parse", "--short", "HEAD").strip() if _has_commits(root) else "no commit"
    message = f"Publish the site built from {source}"
    try:
        with contextlib.chdir(root):
            ghp_import(str(site), mesg=message, remote=target.remote, branch=target.branch, push=True,
                       nojekyll=True)
    except (GhpError, subprocess.CalledProcessError) as error:
        raise InvalidInput([Problem(f"{target.remote} {target.branch}", None, "webinars.publish.git",
                                    f"the push failed ({error}): nothing changed on the remote; check that "
                                    "you may push there (`git push` says why) and publish again")]) from None


def _has_commits(root: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=root,
                          capture_output=True).returncode == 0


def _git(root: Path, *args: str, input: str | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, input=input)
    if done.returncode != 0:
        raise InvalidInput([Problem(str(root), None, "git", f"`git {' '.join(args)}` failed: "
                                    f"{done.stderr.strip() or done.returncode}")])
    return done.stdout
