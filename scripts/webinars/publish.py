"""``webinars publish``: put the site online, to one of two targets chosen in
``_config.yml`` (``webinars: publish:``), each driven by a well-kept tool:

- ``git: {remote: origin, branch: gh-pages}``: the built site becomes the content of a
  branch of a git remote (GitHub Pages, or any host that serves a branch), with
  ghp-import, as Jupyter Book sites are published. A second publish makes one commit whose
  changes are the files that changed.
- ``ssh: {host: ..., path: /srv/webinars}``: each publish a new release folder on a web
  server (``path/releases/<time>``), filled by rsync (files unchanged since the release
  before are hard links to it), then ``path/current`` switched to it by one rename: a
  reader gets the old site or the new, never a mix or a 404. The last ``keep`` releases
  stay; ``--rollback`` switches back to the one before, at once.

It builds first, and publishes only a site whose build succeeded (every check passed);
it says which pages are added, changed and removed before it switches, and asks unless
told ``yes``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import GitTarget, SshTarget, load_config
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


def publish(root: Path, yes: bool = False, dry_run: bool = False, rollback: bool = False,
            say: Callable[[str], None] = print, ask: Callable[[str], str] = input) -> int:
    """Build the site, say what changes, and publish it (after asking, unless `yes`); with
    `rollback`, serve the release before the current one again (SSH target)."""
    config = load_config(root)
    git, ssh = config.settings.publish.git, config.settings.publish.ssh
    if (git is None) == (ssh is None):
        said = "two places to publish to: keep one of `git:` and `ssh:`" if git else \
            "no place to publish to: add `publish: {git: {remote: origin, branch: gh-pages}}` (or `ssh:`) under " \
            "`webinars:`"
        raise InvalidInput([Problem("_config.yml", None, "webinars.publish", f"{said} (see docs/publishing.md)")])
    if rollback:
        if ssh is None:
            raise InvalidInput([Problem("_config.yml", None, "webinars.publish", "--rollback needs the `ssh:` "
                                        "target; on a git branch, publish the earlier content again")])
        return _Server(root, ssh).roll_back(yes, say, ask)
    if git is not None:
        _check_repository(root, git)
    else:
        server = _Server(root, ssh)
        server.state()  # the server answers, before a build of a minute
    from .pipeline import build_site

    report = build_site(root)  # problems in the content raise here: nothing is published
    for warning in report.warnings:
        say(str(warning))
    site = Path(report.site).resolve()
    if git is not None:
        say(f"fetching {git.remote} {git.branch} to compare ...")
        changes = compare(published_files(root, git), site_files(root, site))
        where = f"{git.remote} ({_git(root, 'remote', 'get-url', git.remote).strip()}), branch {git.branch}"
    else:
        changes = server.changes(site)
        where = f"{ssh.host}:{ssh.path}"
    if not changes:
        say(f"nothing to publish: {where} already has this site")
        return 0
    say(f"publishing {site} to {where}:")
    for line in changes.lines():
        say(line)
    if git is not None and _git(root, "status", "--porcelain", "--untracked-files=no", "--", "."):
        say("note: files of this repository have changes not committed: the site published has them, "
            "the repository's history does not")
    if dry_run:
        say("dry run: nothing was published")
        return 0
    if not _confirmed(yes, "publish? [y/N] ", say, ask):
        return 1
    if git is not None:
        _push(root, site, git)
    else:
        say(f"now served: release {server.upload(site)}")
    say(f"published: {len(changes.added)} files added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed, on {where}")
    return 0


def _confirmed(yes: bool, question: str, say: Callable[[str], None], ask: Callable[[str], str]) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        say("not published: say --yes to publish without being asked")
        return False
    if ask(question).strip().lower() not in ("y", "yes"):
        say("not published")
        return False
    return True


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


RSYNC = "rsync"


def release_name() -> str:
    """A new release's folder name: the time, so that names sort as releases were made."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


class _Server:
    """The SSH target: `path/releases/<name>/` per release, `path/current` the one served."""

    def __init__(self, root: Path, target: SshTarget) -> None:
        self.target = target
        self.ssh = ["ssh", "-o", "BatchMode=yes"]
        if target.config:
            self.ssh += ["-F", str(root / target.config)]
        if target.port:
            self.ssh += ["-p", str(target.port)]
        if target.user:
            self.ssh += ["-l", target.user]
        self.path = target.path
        self.releases = f"{target.path}/releases"

    def run(self, script: str, what: str) -> str:
        """Run a shell script on the server; its output."""
        done = subprocess.run([*self.ssh, self.target.host, script], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise InvalidInput([Problem(f"{self.target.host}:{self.path}", None, "webinars.publish.ssh",
                                        f"{what} failed: {done.stderr.strip() or f'ssh exit {done.returncode}'}; "
                                        "check that `ssh` reaches the server (keys, host) and that the folder "
                                        "can be written")])
        return done.stdout

    def _rsync(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([RSYNC, "-e", shlex.join(self.ssh), *args], capture_output=True, text=True,
                              timeout=3600)

    def state(self) -> tuple[list[str], str | None]:
        """The releases (oldest first) and the one served."""
        p, r = shlex.quote(self.path), shlex.quote(self.releases)
        out = self.run(f"mkdir -p {r} && ls -1 {r} && echo /// && (readlink {p}/current || true)",
                       "reading the server's releases")
        listed, _, current = out.partition("///\n")
        releases = sorted(name for name in listed.split() if not name.endswith(".partial"))
        current = current.strip().rsplit("/", 1)[-1] or None
        return releases, current if current in releases else None

    def changes(self, site: Path) -> Changes:
        """What the new release changes against the one served (by content)."""
        _releases, current = self.state()
        if current is None:
            return Changes(added=sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()))
        done = self._rsync("-rcn", "--delete", "--itemize-changes", f"{site}/",
                           f"{self.target.host}:{self.releases}/{current}/")
        if done.returncode != 0:
            raise InvalidInput([Problem(f"{self.target.host}:{self.path}", None, "webinars.publish.ssh",
                                        f"comparing with the server failed: {done.stderr.strip()}")])
        changes = Changes()
        for line in done.stdout.splitlines():
            flags, _, path = line.partition(" ")
            if flags == "*deleting":
                path = path.strip()
                if not path.endswith("/"):
                    changes.removed.append(path)
            elif flags[:2] in ("<f", ">f"):  # a file sent (itemized "<f" when pushing)
                (changes.added if "+++" in flags else changes.changed).append(path)
        return changes

    def upload(self, site: Path) -> str:
        """A new release, uploaded whole, then served: `current` renamed onto it at once.
        A failed upload leaves `current` as it was. Returns the release's name."""
        releases, current = self.state()
        name = release_name()
        partial = f"{self.releases}/{name}.partial"
        link = ["--link-dest", f"../{current}"] if current else []
        done = self._rsync("-a", "--delete", *link, f"{site}/", f"{self.target.host}:{partial}/")
        if done.returncode != 0:
            with contextlib.suppress(InvalidInput):
                self.run(f"rm -rf {shlex.quote(partial)}", "removing the failed upload")
            raise InvalidInput([Problem(f"{self.target.host}:{self.path}", None, "webinars.publish.ssh",
                                        f"the upload failed ({done.stderr.strip() or done.returncode}): the site "
                                        "served is unchanged; publish again once the cause is fixed")])
        self._serve(name, then=f"mv {shlex.quote(partial)} {shlex.quote(f'{self.releases}/{name}')}")
        self._prune([*releases, name], name)
        return name

    def _serve(self, name: str, then: str = "true") -> None:
        """`current` points to release `name`: a new link renamed over the old, one step."""
        p = shlex.quote(self.path)
        self.run(f"{then} && ln -sfn releases/{shlex.quote(name)} {p}/current.next && "
                 f"mv -T {p}/current.next {p}/current", "switching to the new release")

    def _prune(self, releases: list[str], current: str) -> None:
        """Keep the newest `keep` releases (the served one always), and no failed upload."""
        old = [name for name in sorted(releases)[:-self.target.keep] if name != current]
        r = shlex.quote(self.releases)
        self.run(f"cd {r} && rm -rf -- *.partial {' '.join(shlex.quote(n) for n in old)}", "removing old releases")

    def roll_back(self, yes: bool, say: Callable[[str], None], ask: Callable[[str], str]) -> int:
        releases, current = self.state()
        if current is None or releases.index(current) == 0:
            say(f"nothing to roll back to: {self.target.host}:{self.path} has no release before "
                f"{current or 'the current one'} (kept: {', '.join(releases) or 'none'})")
            return 1
        before = releases[releases.index(current) - 1]
        say(f"serving {self.target.host}:{self.path} release {before} again instead of {current}")
        if not _confirmed(yes, "roll back? [y/N] ", say, ask):
            return 1
        self._serve(before)
        say(f"rolled back: release {before} is served; {current} is kept (publish serves a new one)")
        return 0


def _has_commits(root: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=root,
                          capture_output=True).returncode == 0


def _git(root: Path, *args: str, input: str | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, input=input)
    if done.returncode != 0:
        raise InvalidInput([Problem(str(root), None, "git", f"`git {' '.join(args)}` failed: "
                                    f"{done.stderr.strip() or done.returncode}")])
    return done.stdout
