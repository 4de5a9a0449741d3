"""`webinars publish` onto a branch of a git remote (GitHub Pages' way), against a local
bare repository as the remote: the branch holds exactly the site, a second publish makes
one commit with only the files that changed, and nothing is pushed when the build fails."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from webinars.problems import InvalidInput
from webinars.publish import publish

from test_content import replace

pytestmark = pytest.mark.build
TARGET = "webinars:\n  publish:\n    git: {remote: origin, branch: gh-pages}\n"


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=where, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(mini: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The fixture site in a git repository whose `origin` is a bare repository next to it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(mini, "init", "--quiet", "--initial-branch=main")
    git(mini, "config", "user.name", "Staff Member")
    git(mini, "config", "user.email", "staff@example.org")
    replace(mini, "_config.yml", "webinars:\n", TARGET)
    git(mini, "add", "-A")
    git(mini, "commit", "--quiet", "-m", "Content")
    git(mini, "remote", "add", "origin", str(remote))
    return mini, remote


def branch_files(remote: Path) -> list[str]:
    return sorted(git(remote, "ls-tree", "-r", "-z", "--name-only", "gh-pages").split("\0")[:-1])


def test_the_branch_holds_exactly_the_site_and_a_second_publish_only_what_changed(repository) -> None:
    root, remote = repository
    said: list[str] = []
    assert publish(root, yes=True, say=said.append) == 0
    site = (root / "_build/site").resolve()
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    held = branch_files(remote)
    assert held == sorted({*built, ".nojekyll"})  # Jupyter Book's .nojekyll, or ghp-import's
    assert f"pages added: {sum(p.endswith('.html') for p in built)}" in "\n".join(said)
    page = "en/webinars/2024-03-05-tto-policies/index.html"
    assert git(remote, "show", f"gh-pages:{page}") == (root / "_build/site" / page).read_text(encoding="utf-8")

    replace(root, "content/webinars/2024-03-05-tto-policies/index.md", "Institutional IP policies were discussed.",
            "Institutional IP policies were discussed, with two examples.")
    said.clear()
    assert publish(root, yes=True, say=said.append) == 0
    assert git(remote, "rev-list", "--count", "gh-pages").strip() == "2"
    changed = git(remote, "diff", "--name-only", "gh-pages~1", "gh-pages").split()
    assert page in changed and "ar/webinars/2024-03-05-tto-policies/index.html" in changed
    assert "en/webinars/2024-01-10-tto-basics/index.html" not in changed  # unchanged pages stay as they were
    assert not [p for p in changed if p.startswith("_static/") or p.startswith("media/")], changed
    report = "\n".join(said)
    assert "pages changed: " in report and "  en/webinars/2024-03-05-tto-policies/" in report
    assert "pages added: 0" in report and "pages removed: 0" in report
    assert "note: files of this repository have changes not committed" in report

    said.clear()
    assert publish(root, yes=True, say=said.append) == 0
    assert "nothing to publish" in said[-1]
    assert git(remote, "rev-list", "--count", "gh-pages").strip() == "2"


def test_nothing_is_pushed_when_the_build_fails_or_when_not_confirmed(repository) -> None:
    root, remote = repository
    said: list[str] = []
    assert publish(root, dry_run=True, say=said.append) == 0
    assert said[-1] == "dry run: nothing was published"
    assert publish(root, say=said.append, ask=lambda _question: "n") == 1  # under pytest stdin is no terminal
    assert said[-1] == "not published: say --yes to publish without being asked"
    assert not git(remote, "branch", "--list", "gh-pages")
    replace(root, "content/webinars/2024-03-05-tto-policies/index.md", "status: held", "status: finished")
    with pytest.raises(InvalidInput) as failure:
        publish(root, yes=True, say=said.append)
    assert "status" in str(failure.value.problems[0])
    assert not git(remote, "branch", "--list", "gh-pages")


def test_a_missing_target_or_remote_says_how_to_set_it_up(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as failure:
        publish(mini, yes=True)
    assert "add `publish: {git: {remote: origin, branch: gh-pages}}` (or `ssh:`) under `webinars:`" in \
        str(failure.value.problems[0])
    replace(mini, "_config.yml", "webinars:\n", TARGET)
    with pytest.raises(InvalidInput) as failure:
        publish(mini, yes=True)
    assert "not in a git repository" in str(failure.value.problems[0])
    git(mini, "init", "--quiet")
    with pytest.raises(InvalidInput) as failure:
        publish(mini, yes=True)
    assert "no remote 'origin' in this repository (it has none): add it with `git remote add origin" in \
        str(failure.value.problems[0])
    replace(mini, "_config.yml", "branch: gh-pages", "branch: ../main")
    with pytest.raises(InvalidInput) as failure:
        publish(mini, yes=True)
    assert "'../main' is not a git remote or branch name" in str(failure.value.problems[0])
