"""The patches of libraries' internals (webinars.engine.patches) against the installed libraries.

Each test fails when an upgrade changes what a patch relies on: first the version the
patch was written against, then the attribute it replaces, its signature and the lines of
upstream code that make the patch correct. Nothing is built: each test takes a fraction
of a second.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import logging
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import pytest

from webinars.engine import patches


def upstream(function):
    """The library's own function, whether or not this process has patched it already."""
    return getattr(function, "__wrapped__", function)


def parameters(function) -> list[str]:
    return list(inspect.signature(upstream(function)).parameters)


def package_file(package: str, *parts: str) -> str:
    """The text of a file of an installed package, without importing it (myst-nb's
    execution clients may be stand-ins in this process)."""
    return Path(importlib.util.find_spec(package).origin).parent.joinpath(*parts).read_text(encoding="utf-8")


def package_files_mentioning(package: str, text: str) -> list[str]:
    folder = Path(importlib.util.find_spec(package).origin).parent
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.py")
                  if text in path.read_text(encoding="utf-8"))


def an_indexer(lang: str = "en"):
    """Sphinx's search index builder over an empty environment."""
    from sphinx.search import IndexBuilder

    env = SimpleNamespace(**{f"_search_index_{name}": {} for name in (
        "titles", "filenames", "mapping", "title_mapping", "all_titles", "index_entries", "objtypes", "objnames")})
    return IndexBuilder(env, lang, {}, "")


def a_page(title: str, text: str):
    from docutils import nodes
    from sphinx.util.docutils import new_document

    document = new_document("")
    document += nodes.section("", nodes.title("", title), nodes.paragraph("", text), ids=["top"])
    return document


def test_every_patch_is_listed_once() -> None:
    functions = {name for name, value in vars(patches).items()
                 if inspect.isfunction(value) and value.__module__ == patches.__name__ and not name.startswith("_")}
    listed = [patch.name for patch in patches.PATCHES]
    assert sorted(listed) == sorted(functions)


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda patch: patch.name)
def test_each_patch_was_written_against_the_installed_libraries(patch) -> None:
    """An upgrade fails here until someone has read the patch again against the new version
    (the tests below say what it relies on) and updated its row in PATCHES."""
    for distribution, written_against in patch.libraries.items():
        assert version(distribution) == written_against, (
            f"patches.{patch.name} was written against {distribution} {written_against}: "
            f"read it again against {version(distribution)}")


def test_section_numbers_are_restyled_only_when_numbered() -> None:
    from docutils import nodes
    from sphinx.environment.collectors.toctree import TocTreeCollector
    from sphinx_external_toc.collectors import TocTreeCollectorWithStyles

    restyle = upstream(TocTreeCollectorWithStyles.assign_section_numbers)
    assert parameters(restyle) == ["self", "env"]
    assert parameters(TocTreeCollector.assign_section_numbers) == ["self", "env"]
    source = inspect.getsource(restyle)
    assert "super().assign_section_numbers(env)" in source  # Sphinx numbers first
    assert "for docname in env.numbered_toctrees:" in source  # only numbered tables are restyled
    assert "env.titles_old = copy.deepcopy(env.titles)" in source
    # The collector is the one sphinx-external-toc uses, and the only reader of titles_old.
    assert "app.add_env_collector(TocTreeCollectorWithStyles)" in package_file("sphinx_external_toc", "__init__.py")
    assert package_files_mentioning("sphinx_external_toc", "titles_old") == ["collectors.py"]

    def environment():
        return SimpleNamespace(numbered_toctrees=set(), toc_secnumbers={"a": {"": None}},
                               titles={"a": nodes.title("", "A")})

    collector = TocTreeCollectorWithStyles.__new__(TocTreeCollectorWithStyles)
    theirs, ours = environment(), environment()
    rewrite = restyle(collector, theirs)
    patches.apply_section_numbers_only_when_numbered()
    patches.apply_section_numbers_only_when_numbered()
    assert upstream(TocTreeCollectorWithStyles.assign_section_numbers) is restyle  # applied once
    ours.titles_old = "left by an earlier build"
    assert TocTreeCollectorWithStyles.assign_section_numbers(collector, ours) == rewrite
    assert ours.toc_secnumbers == theirs.toc_secnumbers and not hasattr(ours, "titles_old")


def test_myst_nb_takes_the_outputs_of_a_notebook_executed_ahead(monkeypatch) -> None:
    import nbformat
    import myst_nb.sphinx_ as nb_sphinx
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.execute import ExecutionResult

    assert parameters(nb_sphinx.create_client) == ["notebook", "source", "nb_config", "logger", "read_fmt"]
    # The parser looks it up in its module for each page.
    assert "with create_client(" in inspect.getsource(nb_sphinx.Parser.parse)
    base = package_file("myst_nb", "core", "execute", "base.py")
    for line in ("self._notebook = notebook", "self._kwargs = kwargs", "self.start_client()",
                 "def exec_metadata(self, value"):
        assert line in base
    assert set(ExecutionResult.__annotations__) == {"mtime", "runtime", "method", "succeeded", "error", "traceback"}

    monkeypatch.setattr(nb_sphinx, "create_client", nb_sphinx.create_client)  # put back afterwards
    page = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    done = copy.deepcopy(page)
    done.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    patches.notebook_outputs_from(lambda notebook, source: (done, 1.5, 100.0) if source.name == "ran.md" else None)
    logger = logging.getLogger(__name__)
    with nb_sphinx.create_client(page, "ran.md", NbParserConfig(execution_mode="force"), logger) as client:
        assert client.notebook is done
        assert client.exec_metadata == {"mtime": 100.0, "runtime": 1.5, "method": "force", "succeeded": True,
                                        "error": None, "traceback": None}
    # Execution off, or no copy: myst-nb does as configured.
    for source in ("ran.md", "other.md"):
        with nb_sphinx.create_client(page, source, NbParserConfig(execution_mode="off"), logger) as client:
            assert client.notebook is page and client.exec_metadata is None


def test_myst_nb_imports_its_notebook_runners_only_when_it_makes_one() -> None:
    init = package_file("myst_nb", "core", "execute", "__init__.py")
    for module, name in (("cache", "NotebookClientCache"), ("direct", "NotebookClientDirect")):
        assert f"from .{module} import {name}\n" in init  # a stand-in module gives the name
        assert f"return {name}(notebook, path, nb_config, logger" in init  # and it is only called
        assert f"class {name}(NotebookClientBase):" in package_file("myst_nb", "core", "execute", f"{module}.py")
        assert package_files_mentioning("myst_nb", name) == ["core/execute/__init__.py", f"core/execute/{module}.py"]
    # In a new process (here myst-nb's execution package may be imported already).
    check = ("import sys\n"
             "from webinars.engine import patches\n"
             "patches.defer_notebook_runners()\n"
             "import myst_nb.core.execute as execute\n"
             "assert 'jupyter_cache' not in sys.modules, 'jupyter-cache imported'\n"
             "assert callable(execute.NotebookClientCache) and callable(execute.NotebookClientDirect)\n")
    scripts = str(Path(patches.__file__).parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([scripts, *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_static_files_are_kept_when_nothing_they_depend_on_changed(tmp_path: Path) -> None:
    from sphinx.builders.html import BuildInfo, StandaloneHTMLBuilder
    from sphinx.environment import CONFIG_OK, BuildEnvironment

    assert parameters(StandaloneHTMLBuilder.copy_static_files) == ["self"]
    # Looked up on the builder when the files are copied: replacing it on the instance is enough.
    assert "self.finish_tasks.add_task(self.copy_static_files)" in inspect.getsource(StandaloneHTMLBuilder.copy_assets)
    assert "self.build_info = self.create_build_info()" in inspect.getsource(StandaloneHTMLBuilder.init)
    assert "self.config_status = CONFIG_OK" in inspect.getsource(BuildEnvironment)
    assert parameters(BuildInfo.load) == ["f"]

    def build_info(config_hash: str) -> BuildInfo:
        info = BuildInfo()
        info.config_hash, info.tags_hash = config_hash, "tags"
        return info

    out = tmp_path / "html"
    (out / "_static").mkdir(parents=True)
    with open(out / ".buildinfo", "w", encoding="utf-8") as handle:
        build_info("config").dump(handle)

    def app(build_info: BuildInfo, logo: str | None = None):
        copied = []
        builder = SimpleNamespace(build_info=build_info, copy_static_files=lambda: copied.append(True))
        return SimpleNamespace(env=SimpleNamespace(config_status=CONFIG_OK), builder=builder,
                               config=SimpleNamespace(html_logo=logo, html_favicon=None)), copied

    same, copied = app(build_info("config"))
    patches.keep_static_files(same, out)
    same.builder.copy_static_files()
    assert not copied
    for changed, copied in (app(build_info("another config")), app(build_info("config"), logo="logo.png")):
        patches.keep_static_files(changed, out)
        changed.builder.copy_static_files()
        assert copied


def test_yaml_is_read_with_libyaml(monkeypatch) -> None:
    import yaml

    safe_load = upstream(yaml.safe_load)
    assert parameters(safe_load) == ["stream"] and parameters(yaml.load) == ["stream", "Loader"]
    # The libraries look it up in the module at each call.
    for package, *parts in (("jupyter_book", "config.py"), ("myst_nb", "core", "read.py"),
                            ("myst_parser", "config", "main.py"), ("myst_parser", "mdit_to_docutils", "base.py")):
        assert "yaml.safe_load(" in package_file(package, *parts)

    monkeypatch.setattr(yaml, "safe_load", safe_load)  # put back afterwards
    patches.yaml_with_libyaml()
    patches.yaml_with_libyaml()
    assert upstream(yaml.safe_load) is safe_load  # applied once
    text = "a: [1, 2.5, yes, null, 2026-12-01, '007']\nb: {c: d}\nc: |\n  两行\n  text\n"
    assert yaml.safe_load(text) == safe_load(text)


def test_sphinx_makes_no_debug_records() -> None:
    import sphinx.application
    from sphinx.util import logging as sphinx_logging

    setup = upstream(sphinx_logging.setup)
    assert parameters(setup) == ["app", "status", "warning"]
    assert sphinx_logging.NAMESPACE == "sphinx"
    # Looked up in the module when an application starts.
    assert "logging.setup(self, self._status, self._warning)" in inspect.getsource(sphinx.application.Sphinx.__init__)
    # Sphinx's logger takes everything, its handlers take INFO and above at the default verbosity.
    source = inspect.getsource(setup)
    assert "logger.setLevel(logging.DEBUG)" in source and "setLevel(VERBOSITY_MAP[app.verbosity])" in source
    assert sphinx_logging.VERBOSITY_MAP[0] == logging.INFO


def test_jupyter_books_unused_extensions_are_dropped() -> None:
    from jupyter_book.config import get_default_sphinx_config

    extensions = get_default_sphinx_config()["extensions"]
    assert set(patches.UNUSED_EXTENSIONS) <= set(extensions)
    assert '("comments_config", "comments")' in package_file("jupyter_book", "config.py")

    config = {"extensions": list(extensions), "comments_config": {"hypothesis": False}, "html_theme": "theme"}
    patches.drop_unused_extensions(config)
    assert config == {"extensions": [name for name in extensions if name not in patches.UNUSED_EXTENSIONS],
                      "html_theme": "theme"}
