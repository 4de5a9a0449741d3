"""Notebooks executed at build time: the right language, the right content, never run twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from webinars.messages import messages_for
from webinars.fingerprints import content_key
from webinars.config import load_config
from webinars.languages import Language
from webinars.pipeline import build_site
from webinars.problems import InvalidInput
from webinars.work import Work

pytestmark = pytest.mark.build
LOCALES = Path(__file__).parent.parent / "book" / "locales"


def html(root: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((root / "_build/site" / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def executed_copies(root: Path, lang: str) -> dict[str, tuple[int, str | None]]:
    """The language's notebooks as the build's kernels executed them: page -> (time written,
    who executed it)."""
    import json

    folder = root / "_build/work" / lang / "executed"
    return {path.relative_to(folder).as_posix(): (
        path.stat().st_mtime_ns, json.loads(path.read_text(encoding="utf-8"))["metadata"].get("webinars", {}).get(
            "executed_by")) for path in sorted(folder.rglob("*.ipynb"))}


def executed_by_myst_nb(root: Path, lang: str) -> int:
    """How many notebooks myst-nb executed itself (it keeps each in its jupyter-cache)."""
    from jupyter_cache import get_cache

    cache = root / "_build/work" / lang / "jupyter_cache"
    return len(get_cache(cache).list_cache_records()) if cache.is_dir() else 0


def assert_run_ahead(root: Path, langs=("en", "ar", "zh")) -> None:
    from webinars.engine.kernels import EXECUTED_BY

    for lang in langs:
        copies = executed_copies(root, lang)
        assert sorted(copies) == ["annual-report/index.ipynb", "series/index.ipynb", "topic-list/index.ipynb"], lang
        assert all(by == EXECUTED_BY for _written, by in copies.values()), lang
        assert executed_by_myst_nb(root, lang) == 0, lang


def test_each_language_runs_its_own_notebooks(built_mini: Path) -> None:
    for lang in ("en", "ar", "zh"):
        page = html(built_mini, f"{lang}/topic-list")
        held = page.select_one("section[aria-labelledby=wb-tl-held]")
        heading = messages_for(Language(lang), LOCALES).gettext("Webinars held")
        assert held["lang"] == lang and heading in held.get_text(), lang
        assert len(held.select("tbody tr")) == 2
        series = html(built_mini, f"{lang}/series")
        assert series.select_one(".wb-series-index")["lang"] == lang
        source = (built_mini / "_build/work" / lang / "src/topic-list/index.md").read_text(encoding="utf-8")
        assert f"lang={lang!r}" in source


def test_the_cache_key_holds_the_content(mini: Path) -> None:
    config = load_config(mini)
    notebooks = Path(__file__).parent.parent / "book" / "notebooks"
    before = content_key(config, notebooks)
    assert content_key(config, notebooks) == before
    path = mini / "content/webinars/2024-03-05-tto-policies/index.md"
    path.write_text(path.read_text(encoding="utf-8").replace("regions: [africa]", "regions: [global]"), encoding="utf-8")
    assert content_key(config, notebooks) != before


def test_unchanged_content_executes_nothing_and_changed_content_executes_again(mini: Path) -> None:
    build_site(mini)
    records = {lang: executed_copies(mini, lang) for lang in ("en", "ar", "zh")}
    assert all(len(r) == 3 for r in records.values())  # topic list, series and annual report, once each
    pages = sorted((mini / "_build/work/zh/html").rglob("*.html"))
    stamps = {p: p.stat().st_mtime_ns for p in pages}

    build_site(mini)  # nothing changed
    assert {lang: executed_copies(mini, lang) for lang in records} == records
    assert {p: p.stat().st_mtime_ns for p in pages} == stamps, "an unchanged page was rewritten"

    path = mini / "content/webinars/2027-01-12-tto-advanced/index.md"
    path.write_text(path.read_text(encoding="utf-8").replace("regions: [global]", "regions: [arab]"), encoding="utf-8")
    build_site(mini)
    for lang in records:
        after = executed_copies(mini, lang)
        assert after.keys() == records[lang].keys(), lang
        assert all(after[page] != records[lang][page] for page in after), lang  # executed again
        row = html(mini, f"{lang}/topic-list").select_one("tr[data-year='2027']")
        assert row["data-regions"] == "arab", lang


def test_a_change_the_notebooks_do_not_show_rebuilds_the_site_without_running_them(mini: Path) -> None:
    """The site's style sheet is not in what the notebooks read: a change to it rebuilds the
    pages, which keep the notebooks' outputs of the last build, and runs no notebook."""
    from conftest import REPO

    shutil.copytree(REPO / "book/_static", mini / "static")
    config = mini / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"{REPO}/book/_static", "static"), encoding="utf-8")
    build_site(mini)
    copies = {lang: executed_copies(mini, lang) for lang in ("en", "ar", "zh")}
    style = mini / "static/webinars.css"
    style.write_text(style.read_text(encoding="utf-8") + "\n.wb-changed { color: inherit; }\n", encoding="utf-8")
    report = build_site(mini)
    assert report.timings["notebooks"] == 0.0
    assert {lang: executed_copies(mini, lang) for lang in copies} == copies
    assert executed_by_myst_nb(mini, "en") == 0
    published = sorted((mini / "_build/site").rglob("webinars.css"))
    assert published and all(".wb-changed" in path.read_text(encoding="utf-8") for path in published)
    for lang in copies:
        assert len(html(mini, f"{lang}/topic-list").select("section[aria-labelledby=wb-tl-held] tbody tr")) == 2


def test_notebooks_run_ahead_in_shared_kernels_so_sphinx_executes_none(built_mini: Path) -> None:
    assert_run_ahead(built_mini)


def test_a_site_given_by_a_relative_path_has_its_notebooks_run_ahead_too(mini: Path, monkeypatch) -> None:
    """The kernels move from one notebook's folder to the next: with a relative root they
    once lost their way after the first notebook, and Sphinx ran the others itself."""
    monkeypatch.chdir(mini.parent)
    build_site(Path(mini.name))
    assert_run_ahead(mini)


def test_notebooks_run_by_myst_nb_itself_give_the_same_pages(built_mini: Path, mini: Path, monkeypatch) -> None:
    """Running ahead is only a shortcut: without it (myst-nb executes), the pages are the same."""
    from webinars import run_ahead
    from webinars.engine.kernels import NotebookRun

    monkeypatch.setattr(run_ahead, "start",
                        lambda *args: NotebookRun(None, [], "not run ahead", [], own=False))
    build_site(mini)
    for lang in ("en", "ar", "zh"):
        assert executed_copies(mini, lang) == {} and executed_by_myst_nb(mini, lang) == 3, lang
        for url in ("topic-list", "series", "annual-report"):
            ours = (built_mini / "_build/site" / lang / url / "index.html").read_text(encoding="utf-8")
            theirs = (mini / "_build/site" / lang / url / "index.html").read_text(encoding="utf-8")
            assert ours == theirs, f"{lang}/{url}"
    # No kernel made the downloads: the build made them itself, the same.
    assert not Work(mini / "_build/work").downloads.exists()
    for name in ("data/topic-list.csv", "data/topic-list.json"):
        assert (mini / "_build/site" / name).read_text(encoding="utf-8") == \
            (built_mini / "_build/site" / name).read_text(encoding="utf-8"), name


def test_the_notebooks_kernel_makes_the_downloads_for_this_content(built_mini: Path) -> None:
    """The kernel that ran the notebooks has pandas and the content loaded: it makes the
    topic list's CSV and JSON, and the build publishes what it made for this content."""
    import json

    from webinars.finish.site import downloads, made_downloads
    from webinars.pipeline import check

    made = Work(built_mini / "_build/work").downloads
    files = json.loads(made.read_text(encoding="utf-8"))["files"]
    assert sorted(files) == ["data/annual-report.csv", "data/topic-list.ar.csv", "data/topic-list.ar.json", "data/topic-list.csv",
                             "data/topic-list.en.csv", "data/topic-list.en.json", "data/topic-list.json",
                             "data/topic-list.zh.csv", "data/topic-list.zh.json"]
    for name, text in files.items():
        assert (built_mini / "_build/site" / name).read_text(encoding="utf-8") == text, name
    config, catalogue, _pages, _warnings = check(built_mini)
    assert files == downloads(config, catalogue)  # as the build's own process makes them
    assert made_downloads(made, "other content") is None


def test_jupyter_cache_is_imported_only_once_myst_nb_executes_a_notebook(tmp_path: Path) -> None:
    """What the languages' builds import ahead leaves out jupyter-cache (and SQLAlchemy): our
    kernels execute the notebooks. myst-nb still gets its own client when it must run one."""
    import subprocess
    import sys

    check = f"""
import sys
from webinars.engine.jupyterbook import preload
preload()
assert "jupyter_cache" not in sys.modules and "sqlalchemy" not in sys.modules, "imported ahead"
import nbformat
from myst_nb.core.config import NbParserConfig
from myst_nb.core.execute import create_client
notebook = nbformat.v4.new_notebook()
source = {str(tmp_path / "page.md")!r}
open(source, "w").close()
for mode, kind in (("cache", "NotebookClientCache"), ("force", "NotebookClientDirect")):
    config = NbParserConfig(execution_mode=mode, execution_cache_path={str(tmp_path / "cache")!r})
    client = create_client(notebook, source, config, None)
    assert type(client).__name__ == kind and type(client).__module__.startswith("myst_nb.core.execute."), client
assert "jupyter_cache" in sys.modules
from myst_nb.core.execute.cache import NotebookClientCache
assert isinstance(NotebookClientCache, type), "the real module, once imported"
"""
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_failing_cell_fails_the_build_naming_the_notebook_and_cell(mini: Path) -> None:
    notebooks = mini / "notebooks"
    shutil.copytree(Path(__file__).parent.parent / "book" / "notebooks", notebooks)
    config = mini / "_config.yml"
    config.write_text("\n".join(
        line for line in config.read_text(encoding="utf-8").splitlines() if "notebooks_dir" not in line
    ).replace("webinars:\n", "webinars:\n  notebooks_dir: notebooks\n"), encoding="utf-8")
    source = notebooks / "series.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "series.all_series(site)", "series.all_series(site)\nraise RuntimeError('no series today')"), encoding="utf-8")
    with pytest.raises(InvalidInput) as failure:
        build_site(mini)
    messages = [str(p) for p in failure.value.problems]
    assert len(messages) == 1, messages
    assert messages[0].startswith("notebooks/series.md:")
    assert "a notebook cell failed: RuntimeError: no series today (the cell beginning " in messages[0]
    assert "(in the en, ar, zh versions)" in messages[0]
    assert not (mini / "_build/site").exists()


def test_the_kernels_say_when_each_languages_notebooks_have_run(mini: Path) -> None:
    """Each language's results are stored as soon as its notebooks have run, while the
    others' run: the kernels say when, one language after another in the order given."""
    from webinars import run_ahead
    from webinars.fingerprints import fingerprint

    config = load_config(mini)
    run = run_ahead.start(config, fingerprint(config), ["zh", "en", "ar"], 1, None)
    kernels, jobs = run.kernels, run.jobs
    assert [job.lang for job in jobs] == ["zh"] * 3 + ["en"] * 3 + ["ar"] * 3
    done: list[tuple[str, int]] = []
    try:
        running = kernels.start_run(jobs, run.extensions, lambda lang, results: done.append((lang, len(results))))
        results = running.result(timeout=300)
    finally:
        run.finish()
    assert done == [("zh", 3), ("en", 3), ("ar", 3)]  # one kernel: one language after another
    assert sorted(job.lang for job, _notebook, _seconds in results) == ["ar"] * 3 + ["en"] * 3 + ["zh"] * 3


def test_a_notebook_renders_late_parts_in_place(mini: Path) -> None:
    """A template part marked late is filled in after Sphinx writes a page; a notebook's
    output is not such a page, so there the part is rendered where it stands."""
    from webinars.notebooks import open_site

    site = open_site(str(mini), "en")
    values = {"series": [], "chain": [], "continued": []}
    in_notebook = site.writer.render("topic_series.html", "topics/green-ip/", **values)
    assert "Webinars of this series" in in_notebook and "wb:late" not in in_notebook
    on_page = site.writer.__class__(site.catalogue, site.config, site.messages, {"answers": set(), "summary": set()},
                                    {}).render("topic_series.html", "topics/green-ip/", **values)
    assert on_page == "<!--wb:late topic-series--><!--/wb:late topic-series-->"


def test_the_tables_every_language_shares_are_made_once_for_the_same_content(built_mini: Path) -> None:
    import re

    from webinars.notebooks import open_site

    source = (built_mini / "_build/work/en/src/topic-list/index.md").read_text(encoding="utf-8")
    key = re.search(r"content_key='([0-9a-f]+)'", source).group(1)
    en, ar = (open_site(str(built_mini), lang, key) for lang in ("en", "ar"))
    assert en.catalogue is ar.catalogue and en.topic_list is ar.topic_list
    again = open_site(str(built_mini), "en")  # the content loaded again, not the build's
    assert again.topic_list is not en.topic_list and again.topic_list.equals(en.topic_list)


def test_a_summary_edited_runs_no_notebook_and_rewrites_only_its_pages(mini: Path) -> None:
    """The notebooks read the content's facts, not its texts: a body edited leaves their
    executed copies, their pages and the downloads as they were."""
    build_site(mini)
    copies = {lang: executed_copies(mini, lang) for lang in ("en", "ar", "zh")}
    topic_list = mini / "_build/work/en/html/topic-list/index.html"
    before = topic_list.stat().st_mtime_ns
    path = mini / "content/webinars/2024-03-05-tto-policies/index.md"
    path.write_text(path.read_text(encoding="utf-8").replace("were discussed.", "were discussed at length."),
                    encoding="utf-8")
    report = build_site(mini)
    assert report.timings["notebooks"] == 0.0
    assert {lang: executed_copies(mini, lang) for lang in copies} == copies
    assert topic_list.stat().st_mtime_ns == before
    assert "discussed at length" in (mini / "_build/site/en/webinars/2024-03-05-tto-policies/index.html").read_text(
        encoding="utf-8")
    assert (mini / "_build/site/data/topic-list.csv").is_file()
