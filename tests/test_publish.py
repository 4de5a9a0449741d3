"""Publishing is all or nothing for readers: the site is a link to a complete release,
switched at once; a build stopped at any moment, or a release that cannot be written,
leaves the site published before."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from webinars.finish import site
from webinars.finish.site import DROPPED, add_language, add_search_index, clear_leftovers, publish, start_staging
from webinars.problems import InvalidInput

# --- publish() on small folders ---------------------------------------------------------


def stage(staging: Path, changed: dict[str, str], dropped: tuple[str, ...] = ()) -> Path:
    """A staging folder as the build leaves it: the changed files, and the dropped paths."""
    start_staging(staging)
    for name, text in changed.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, encoding="utf-8")
    (staging / f"{DROPPED}en").write_text("".join(f"{path}\n" for path in dropped), encoding="utf-8")
    return staging


def files(folder: Path) -> dict[str, str]:
    """Every file under `folder` (a link to a folder included), as a reader finds it."""
    found = {}
    for top, _subfolders, names in os.walk(folder):
        for name in names:
            path = Path(top, name)
            found[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
    return found


def releases(output: Path) -> list[str]:
    return sorted(os.listdir(output.with_name(output.name + site.RELEASES)))


FIRST = {"index.html": "root", "en/index.html": "home", "en/a/index.html": "a", "en/b/index.html": "b"}


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A site published once: `_build/site`, a link to its first release."""
    output = tmp_path / "_build" / "site"
    publish(stage(output.with_name("site.new"), FIRST), output)
    return output


def test_the_first_site_is_the_staging_folder_itself_as_the_first_release(published: Path) -> None:
    assert published.is_symlink() and os.readlink(published) == "site.releases/000001"
    assert files(published) == FIRST
    assert not published.with_name("site.new").exists()
    assert releases(published) == ["000001"]


def test_a_release_started_while_the_languages_build_is_the_one_published(published: Path) -> None:
    before = published.resolve()
    prepared = site.prepare_release(published)
    assert prepared is not None and files(prepared) == FIRST  # hard links of the current release
    assert (prepared / "en/index.html").stat().st_ino == (before / "en/index.html").stat().st_ino
    publish(stage(published.with_name("site.new"), {"en/c/index.html": "c"}), published, prepared)
    assert files(published) == {**FIRST, "en/c/index.html": "c"} and files(before) == FIRST
    assert releases(published) == ["000001", "000002"] and not prepared.exists()
    # Nothing changed: the started release goes, and no new one is made.
    again = site.prepare_release(published)
    publish(stage(published.with_name("site.new"), {}), published, again)
    assert releases(published) == ["000001", "000002"] and not again.exists()


def test_publishing_makes_a_new_release_and_switches_the_link_to_it(published: Path) -> None:
    before = published.resolve()
    staging = stage(published.with_name("site.new"), {"en/a/index.html": "a, again", "en/c/index.html": "c"},
                    dropped=("en/b",))
    publish(staging, published)
    assert os.readlink(published) == "site.releases/000002"
    assert files(published) == {"index.html": "root", "en/index.html": "home", "en/a/index.html": "a, again",
                                "en/c/index.html": "c"}
    # The release before is kept as it was, for going back to it.
    assert releases(published) == ["000001", "000002"]
    assert files(before) == FIRST
    # What did not change is the same file in both (hard-linked), not a copy.
    after = published.resolve()
    assert (after / "en/index.html").stat().st_ino == (before / "en/index.html").stat().st_ino
    assert (after / "en/a/index.html").stat().st_ino != (before / "en/a/index.html").stat().st_ino
    assert not published.with_name("site.new").exists() and not published.with_name("site.link").exists()


def test_the_releases_before_the_last_two_go(published: Path) -> None:
    first = published.resolve()
    for n in range(2, 5):
        publish(stage(published.with_name("site.new"), {"en/index.html": f"home {n}"}), published)
    assert releases(published) == ["000003", "000004"]
    assert files(published)["en/index.html"] == "home 4"
    assert not first.exists()
    # Moved out of the releases at once; removed by the next build.
    retired = sorted(published.parent.glob(f"site{site.REMOVING}release-*"))
    assert len(retired) == 2
    clear_leftovers(published).wait()
    assert not any(path.exists() for path in retired)
    assert releases(published) == ["000003", "000004"]


def test_the_same_site_again_makes_no_release(published: Path) -> None:
    publish(stage(published.with_name("site.new"), {}), published)
    assert releases(published) == ["000001"] and files(published) == FIRST
    assert not published.with_name("site.new").exists()


def test_staging_compares_with_the_site_through_its_link(published: Path, tmp_path: Path) -> None:
    """The build stages only what differs from ``_build/site``, a link to the release."""
    html = tmp_path / "html"
    shutil.copytree(published.resolve() / "en", html)  # the same files, times kept
    (html / "a/index.html").write_text("a, again", encoding="utf-8")
    (html / "d").mkdir()
    (html / "d/index.html").write_text("d", encoding="utf-8")
    shutil.rmtree(html / "b")
    staging = published.with_name("site.new")
    start_staging(staging)
    assert published.is_dir()  # the pipeline's test of a published site
    add_language(html, staging, "en", published)
    assert files(staging) == {"en/a/index.html": "a, again", "en/d/index.html": "d", ".dropped-en": "en/b\n"}


def test_a_search_index_is_staged_by_its_bytes_and_the_pages_leave_it_alone(published: Path, tmp_path: Path) -> None:
    """Pagefind writes every file of an index anew (new times): only those whose bytes
    changed are staged. Staging the pages neither stages nor drops ``<lang>/pagefind``."""
    index = {"pagefind/pagefind.js": "js", "pagefind/fragment/en_1.pf_fragment": "one",
             "pagefind/fragment/en_2.pf_fragment": "two", "pagefind/index/en_a.pf_index": "a"}
    staging = published.with_name("site.new")
    publish(stage(staging, {f"en/{name}": text for name, text in index.items()}), published)
    made = tmp_path / "made"
    for name, text in {**index, "pagefind/index/en_a.pf_index": "a, again", "pagefind/index/en_b.pf_index": "b",
                       "pagefind/fragment/en_2.pf_fragment": "tw0"}.items():
        (made / name).parent.mkdir(parents=True, exist_ok=True)
        (made / name).write_text(text, encoding="utf-8")
    (made / "pagefind/fragment/en_1.pf_fragment").unlink()
    html = tmp_path / "html"
    shutil.copytree(published.resolve() / "en", html)
    (html / "pagefind/pagefind.js").write_text("an index an older version made among the pages", encoding="utf-8")
    start_staging(staging)
    add_language(html, staging, "en", published)
    add_search_index(made / "pagefind", staging, "en", published)
    assert files(staging) == {
        "en/pagefind/index/en_a.pf_index": "a, again", "en/pagefind/index/en_b.pf_index": "b",
        "en/pagefind/fragment/en_2.pf_fragment": "tw0",
        ".dropped-en": "", ".dropped-en-pagefind": "en/pagefind/fragment/en_1.pf_fragment\n"}


def test_a_search_index_is_made_again_only_when_the_pages_changed(tmp_path: Path, monkeypatch) -> None:
    from webinars.engine.search import index

    html, into, stamp = tmp_path / "html", tmp_path / "search", tmp_path / "search.stamp"
    for name, text in {"index.html": "Home", "a/index.html": "Licensing"}.items():
        (html / name).parent.mkdir(parents=True, exist_ok=True)
        (html / name).write_text(f'<html lang="en"><body><main data-pagefind-body><h1>{text}</h1>'
                                 f'<p>{text} text</p></main></body></html>', encoding="utf-8")
    assert index(html, into, stamp) == []
    made = (into / "pagefind-entry.json").stat().st_ino
    assert index(html, into, stamp) == [] and (into / "pagefind-entry.json").stat().st_ino == made
    (html / "a/index.html").write_text('<html lang="en"><body><main data-pagefind-body><h1>Royalties</h1>'
                                       '</main></body></html>', encoding="utf-8")
    assert index(html, into, stamp) == [] and (into / "pagefind-entry.json").stat().st_ino != made
    assert not into.with_name("search.new").exists() and not into.with_name("search.old").exists()
    # An index that cannot be made leaves the one before, and says why.
    (html / "index.html").write_text("again", encoding="utf-8")
    made = (into / "pagefind-entry.json").stat().st_ino
    monkeypatch.setattr(sys, "executable", "/bin/false")
    assert index(html, into, stamp) == [f"ERROR: Pagefind could not index the pages in {html}: exit status 1"]
    assert (into / "pagefind-entry.json").stat().st_ino == made and not into.with_name("search.new").exists()


def test_a_site_published_in_place_by_an_older_version_becomes_a_release(tmp_path: Path) -> None:
    output = tmp_path / "_build" / "site"
    for name, text in FIRST.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(text, encoding="utf-8")
    publish(stage(output.with_name("site.new"), {"en/index.html": "home, again"}), output)
    assert os.readlink(output) == "site.releases/000002"
    assert releases(output) == ["000001", "000002"]
    assert files(output.with_name("site.releases") / "000001") == FIRST
    assert files(output) == {**FIRST, "en/index.html": "home, again"}


def test_where_hard_links_cannot_be_made_the_files_are_copied(published: Path, monkeypatch) -> None:
    def cannot_link(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cannot_link)
    before = published.resolve()
    publish(stage(published.with_name("site.new"), {"en/a/index.html": "a, again"}), published)
    after = published.resolve()
    assert files(published) == {**FIRST, "en/a/index.html": "a, again"}
    assert (after / "en/index.html").stat().st_ino != (before / "en/index.html").stat().st_ino
    # A copy keeps its original's time: the next build still finds it unchanged.
    assert (after / "en/index.html").stat().st_mtime_ns == (before / "en/index.html").stat().st_mtime_ns


def refusing(function, number: int, text: str, target: str = ""):
    """`function` (a file operation with a source and a target) failing as the file system
    would, where the target's path ends with `target`."""
    def refused(source, destination, *args, **kwargs):
        if not str(destination).endswith(target):
            return function(source, destination, *args, **kwargs)
        raise OSError(number, text, str(source), None, str(destination))
    return refused


@pytest.mark.parametrize(("function", "target", "number", "text", "where", "hint"), [
    # linking the files of the release into the new one
    ("link", "", errno.EACCES, "Permission denied", "site.releases/.partial-", "check the permissions of"),
    ("link", "", errno.ENOSPC, "No space left on device", "site.releases/.partial-", "free some space on the disk"),
    # moving a staged file into it
    ("replace", "a/index.html", errno.EACCES, "Permission denied", "site.releases/.partial-", "check the permissions"),
    # the last step: switching the link
    ("replace", "_build/site", errno.EACCES, "Permission denied", "site:", "check the permissions of"),
])
def test_a_release_that_cannot_be_written_is_a_problem_and_the_site_stays(
        published: Path, monkeypatch, function: str, target: str, number: int, text: str, where: str,
        hint: str) -> None:
    """Tests run as root, whom permissions do not stop: the file system's refusal is made up."""
    before = published.resolve()
    staging = stage(published.with_name("site.new"), {"en/a/index.html": "a, again"}, dropped=("en/b",))
    monkeypatch.setattr(os, function, refusing(getattr(os, function), number, text, target))
    with pytest.raises(InvalidInput) as failure:
        publish(staging, published)
    monkeypatch.undo()
    [problem] = failure.value.problems
    assert problem.path == str(published)
    assert problem.message.startswith(f"cannot write {published.parent}/{where}"), problem.message
    assert f"{text}; {hint}" in problem.message, problem.message
    assert problem.message.endswith("then build again; the site published before is unchanged")
    assert published.resolve() == before and files(published) == FIRST
    # What it made is left for the next build to remove.
    clearing = clear_leftovers(published)
    if clearing is not None:
        clearing.wait()
    assert releases(published) == ["000001"]
    assert sorted(os.listdir(published.parent)) == ["site", "site.releases"]


def test_a_file_in_the_way_of_the_releases_is_a_problem(tmp_path: Path) -> None:
    output = tmp_path / "_build" / "site"
    staging = stage(output.with_name("site.new"), FIRST)
    output.with_name("site.releases").write_text("not a folder", encoding="utf-8")
    with pytest.raises(InvalidInput) as failure:
        publish(staging, output)
    [problem] = failure.value.problems
    assert problem.message.startswith(f"cannot write {output.parent}/site.releases: File exists; check the "
                                      f"permissions of {output.parent}")
    assert not output.exists()


def test_what_a_stopped_build_left_goes_and_is_never_taken_for_the_site(published: Path) -> None:
    publish(stage(published.with_name("site.new"), {"en/index.html": "home 2"}), published)
    folder = published.with_name("site.releases")
    # A release half-made, one made but not published (newer than the site's), the new link,
    # the changes staged.
    (folder / f"{site.PARTIAL}123-456" / "en").mkdir(parents=True)
    shutil.copytree(folder / "000002", folder / "000003")
    os.symlink("site.releases/000003", published.with_name("site.link"))
    stage(published.with_name("site.new"), {"en/index.html": "home 3"})
    clear_leftovers(published).wait()
    assert releases(published) == ["000001", "000002"]
    assert not published.with_name("site.link").is_symlink() and not published.with_name("site.new").exists()
    assert not list(published.parent.glob("site.removing-*"))
    assert os.readlink(published) == "site.releases/000002"
    # The next release is numbered after the published one, and the one before is kept.
    publish(stage(published.with_name("site.new"), {"en/index.html": "home 3"}), published)
    assert os.readlink(published) == "site.releases/000003" and releases(published) == ["000002", "000003"]


# --- a build stopped at any moment ------------------------------------------------------

# Run in a child process: `webinars build`, with one function of the publishing stage made
# to say so and wait when it is called (or once it returned, with "after"), there to be killed.
CHILD = r"""
import functools, os, sys, time, types
from webinars import cli
from webinars.finish import site

def pause(function, after=False):
    @functools.wraps(function)
    def paused(*args, **kwargs):
        if after:
            function(*args, **kwargs)
        print("PAUSED", flush=True)
        time.sleep(600)
    return paused

moment, root = sys.argv[1], sys.argv[2]
name, after = moment.removesuffix(" after"), moment.endswith(" after")
if name == "os.symlink":  # inside the switch: the new link beside the site, not yet renamed
    site.os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)})
    site.os.symlink = pause(os.symlink, after)
else:
    setattr(site, name, pause(getattr(site, name), after))
sys.exit(cli.main(["--root", root, "build"]))
"""

# Where the build is stopped, whether readers then see the new site, and what shows that
# the build was stopped there (in `_build`).
MOMENTS = [
    ("add_media", False,  # while the languages build
     lambda build: (build / "site.new").is_dir()),
    ("_apply", False,  # the new release hard-linked, its changes not yet in
     lambda build: any((build / "site.releases").glob(f"{site.PARTIAL}*"))),
    ("_switch", False,  # the new release complete, not published
     lambda build: os.readlink(build / "site") != f"site.releases/{releases(build / 'site')[-1]}"),
    ("os.symlink after", False,  # its link made beside the site's
     lambda build: (build / "site.link").is_symlink()),
    ("_switch after", True,  # published; the release before the last one still there
     lambda build: len(releases(build / "site")) == 3),
    ("publish after", True,  # published; the build's stamps not written
     lambda build: not (build / "work/site.stamp").exists()),
]


def build_killed_at(root: Path, moment: str) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, moment, str(root)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "PAUSED", f"the build ended before {moment} (exit code {child.wait()})"
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the build and its languages' processes
        child.wait()
        child.stdout.close()


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


@pytest.mark.build
def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_and_the_next_equals_a_clean_build(
        mini: Path, tmp_path: Path) -> None:
    from test_site import add_new_webinar, site_files

    from webinars.pipeline import build_site

    build_site(mini)
    old = site_files(mini)
    clean = tmp_path / "clean"
    shutil.copytree(mini, clean, ignore=shutil.ignore_patterns("_build"))
    add_new_webinar(clean)
    build_site(clean)
    new = site_files(clean)
    assert differing(old, new)
    for step, (moment, published, stopped_there) in enumerate(MOMENTS):
        # Add the webinar, then take it away again, and so on: each build publishes a change.
        if step % 2 == 0:
            add_new_webinar(mini)
            before, after = old, new
        else:
            shutil.rmtree(mini / "content/webinars/2024-06-11-licensing-start-ups")
            before, after = new, old
        build_killed_at(mini, moment)
        assert stopped_there(mini / "_build"), moment
        seen = site_files(mini)
        assert not differing(seen, after if published else before), (moment, differing(seen, before))
        build_site(mini)
        assert not differing(site_files(mini), after), (moment, differing(site_files(mini), after))
        output = mini / "_build/site"
        kept = releases(output)
        assert len(kept) == 2 and os.readlink(output) == f"site.releases/{kept[-1]}", (moment, kept)
        assert not output.with_name("site.new").exists() and not output.with_name("site.link").is_symlink()
