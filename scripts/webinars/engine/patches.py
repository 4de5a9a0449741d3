"""Every change this project makes to a library's internals.

Whoever upgrades Sphinx, Jupyter Book, myst-nb, sphinx-external-toc, PyYAML... reads
this first. :data:`PATCHES` lists each patch with the versions of the libraries it was
written against; ``tests/test_patches.py`` fails as soon as an installed version
differs, and checks that what each patch relies on is still there (the attribute it
replaces, its signature, the lines of upstream code that make the patch correct).
When a test fails, read the patch's docstring, read the new upstream code, then adjust
the patch (or drop it, if upstream now does the same) and its row here.

What a patch is for stays in the module that uses it (:mod:`.notebooks`,
:mod:`.jupyterbook`); here is only how it reaches into the library. Nothing is imported
from the libraries until a patch is applied: :func:`defer_notebook_runners` must run
before myst-nb's execution clients are imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Patch:
    name: str  # the function of this module that applies it
    libraries: dict[str, str]  # distribution -> the version the patch was written against
    replaces: str  # what of the library it replaces or reaches into
    why: str


PATCHES = (
    Patch("apply_section_numbers_only_when_numbered", {"sphinx-external-toc": "1.1.0", "sphinx": "7.4.7"},
          "sphinx_external_toc.collectors.TocTreeCollectorWithStyles.assign_section_numbers",
          "deep-copies every page's title into the environment on every build: 5 % of a rebuild"),
    Patch("notebook_outputs_from", {"myst-nb": "1.4.0"},
          "myst_nb.sphinx_.create_client (and a NotebookClientBase subclass using its _notebook, _kwargs)",
          "myst-nb shows the outputs of the notebooks our kernels executed ahead of the build"),
    Patch("keep_static_files", {"sphinx": "7.4.7"},
          "StandaloneHTMLBuilder.copy_static_files, on the builder instance",
          "static files are copied (and rendered) on every build: 5 % of a rebuild"),
    Patch("yaml_with_libyaml", {"PyYAML": "6.0.4", "jupyter-book": "1.0.4.post1", "myst-nb": "1.4.0",
                                "myst-parser": "3.0.1"},
          "yaml.safe_load, in a language's process",
          "the libraries read every page's front matter with PyYAML's pure-Python parser"),
    Patch("no_debug_records", {"sphinx": "7.4.7"},
          "sphinx.util.logging.setup",
          "Sphinx makes about a thousand DEBUG records per build that no handler takes"),
    Patch("defer_notebook_runners", {"myst-nb": "1.4.0"},
          "sys.modules['myst_nb.core.execute.cache'] and ['myst_nb.core.execute.direct']",
          "their import (jupyter-cache, SQLAlchemy) took 0.22 s of every build"),
    Patch("drop_unused_extensions", {"jupyter-book": "1.0.4.post1"},
          "the extensions and settings of Jupyter Book's final Sphinx configuration",
          "sphinx_thebe, sphinx_comments and sphinx_togglebutton write inline scripts (CSP)"),
)


# -- Sphinx's table of contents ---------------------------------------------------------------


def apply_section_numbers_only_when_numbered() -> None:
    """sphinx-external-toc's table-of-contents collector restyles section numbers (roman,
    alphabetic) after Sphinx has assigned them. To do so it deep-copies the title of every
    page into the environment (``env.titles_old``) on every build, pickled with it, and
    compares old and new numbers page by page: 5 % of a language's rebuild here, where
    nothing is numbered (see ``numfig`` in assemble.tree). With no numbered table of
    contents there is nothing to restyle: Sphinx's own numbering (none) is kept as is.

    Process-wide; applying it again changes nothing."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    try:
        from sphinx_external_toc.collectors import TocTreeCollectorWithStyles
    except ImportError:
        return
    restyle = TocTreeCollectorWithStyles.assign_section_numbers
    if getattr(restyle, "_webinars", False):
        return

    def assign_section_numbers(self, env):
        if env.numbered_toctrees:
            return restyle(self, env)
        if hasattr(env, "titles_old"):
            del env.titles_old  # left by an earlier build: no longer read
        return TocTreeCollector.assign_section_numbers(self, env)

    assign_section_numbers._webinars = True
    assign_section_numbers.__wrapped__ = restyle
    TocTreeCollectorWithStyles.assign_section_numbers = assign_section_numbers


# -- myst-nb's notebooks ------------------------------------------------------------------------


def notebook_outputs_from(executed: Callable) -> None:
    """myst-nb takes a notebook page's outputs from ``executed(notebook, source)`` where that
    returns ``(notebook with its outputs, seconds it ran, time it was executed)``;
    where it returns None, or execution is off (``execution_mode``), myst-nb does as
    configured: it runs the page, or takes it from its execution cache, and reports
    what fails.

    myst-nb's Sphinx parser calls the module's global ``create_client`` for each
    notebook page, which is replaced here; the client it returns for an executed copy is
    a ``NotebookClientBase`` that swaps in the executed notebook when started, and
    records it as executed (the execution table and the page's metadata show it).
    Before, the copies went into myst-nb's jupyter-cache: writing them there (SQLite,
    through SQLAlchemy) and finding them again took about 0.05 s of each language's
    rebuild, and 0.02 s per language in the process that runs the kernels.

    Each call replaces the last one's (a process builds several languages in turn)."""
    try:
        import myst_nb.sphinx_ as nb_sphinx
        from myst_nb.core.execute import NotebookClientBase
    except ImportError:
        return
    create = getattr(nb_sphinx.create_client, "__wrapped__", nb_sphinx.create_client)

    class Executed(NotebookClientBase):
        def start_client(self):
            self._notebook, seconds, mtime = self._kwargs["executed"]
            self.exec_metadata = {"mtime": mtime, "runtime": seconds,
                                  "method": self.nb_config.execution_mode, "succeeded": True,
                                  "error": None, "traceback": None}
            self.logger.info("Using the notebook executed ahead of the build")

    def create_client(notebook, source, nb_config, logger, read_fmt=None):
        if nb_config.execution_mode != "off":
            found = executed(notebook, Path(source))
            if found is not None:
                return Executed(notebook, Path(source), nb_config, logger, executed=found)
        return create(notebook, source, nb_config, logger, read_fmt)

    create_client.__wrapped__ = create
    nb_sphinx.create_client = create_client


# myst-nb's clients that execute a notebook themselves, and the module each is in.
_NOTEBOOK_RUNNERS = {"cache": "NotebookClientCache", "direct": "NotebookClientDirect"}


def defer_notebook_runners() -> None:
    """myst-nb imports its clients that execute a notebook themselves (from its execution
    cache, or directly) with its notebook support, and with them jupyter-cache and
    SQLAlchemy: 0.22 s of every build, before any language could start. A build's
    notebooks are executed ahead (:mod:`webinars.engine.kernels`), and myst-nb needs one of
    these only for a notebook that failed there (it runs it again and reports the error)
    or when nothing ran them. Until then each is a stand-in that imports the real module,
    under its own name, the first time a client is made.

    Process-wide, and only before myst-nb's execution package is imported: after, it
    changes nothing."""
    package = "myst_nb.core.execute"
    if package in sys.modules or importlib.util.find_spec("myst_nb") is None:
        return
    for module, name in _NOTEBOOK_RUNNERS.items():
        full = f"{package}.{module}"

        def make(*args, _full=full, _name=name, **kwargs):
            if getattr(sys.modules.get(_full), "_webinars_stand_in", False):
                del sys.modules[_full]
            return getattr(importlib.import_module(_full), _name)(*args, **kwargs)

        stand_in = types.ModuleType(full, f"Stands in for {full} until a notebook is executed by myst-nb.")
        stand_in._webinars_stand_in = True
        setattr(stand_in, name, make)
        sys.modules[full] = stand_in


# -- A language's process ---------------------------------------------------------------------


def yaml_with_libyaml() -> None:
    """In a language's process: the libraries read YAML with PyYAML's C parser (libyaml), as
    our own code does. Jupyter Book reads its configuration and myst-nb and myst-parser the
    frontmatter of every page with ``yaml.safe_load``, in pure Python: 0.2 s of the six
    languages' processes in a rebuild at 300 webinars. The values are the same: only the
    parser differs (the constructor, which makes the values, is the same Python code).

    They call ``yaml.safe_load`` through the module, so replacing the module's is enough."""
    import functools

    import yaml

    from ..config import YAML_LOADER

    if YAML_LOADER is not yaml.SafeLoader and yaml.safe_load.__module__ == "yaml":
        original = yaml.safe_load
        yaml.safe_load = functools.partial(yaml.load, Loader=YAML_LOADER)
        yaml.safe_load.__wrapped__ = original


def no_debug_records() -> None:
    """In a language's process: Sphinx's logger makes no record of a message no handler
    takes. Sphinx sets its logger to DEBUG and leaves the choice to its handlers, which at
    the default verbosity take INFO and above: each build made and dropped about a
    thousand records (extensions set up, events connected, files read)."""
    import logging as std_logging

    from sphinx.util import logging as sphinx_logging

    setup = sphinx_logging.setup
    if getattr(setup, "_webinars", False):
        return

    def quiet_setup(app, status, warning) -> None:
        setup(app, status, warning)
        if app.verbosity == 0:
            std_logging.getLogger(sphinx_logging.NAMESPACE).setLevel(std_logging.INFO)

    quiet_setup._webinars = True
    quiet_setup.__wrapped__ = setup
    sphinx_logging.setup = quiet_setup


def keep_static_files(app, out: Path) -> None:
    """Sphinx copies (and renders, for its ``_t`` templates) every static file of the theme and
    of ``html_static_path`` on every build: 5 % of a language's rebuild, and five files whose
    time changes. They depend only on what `rewrite` covers (templates, static files, our code,
    the packages' versions) and on the language's configuration: when neither changed since
    the last build (Sphinx's own checks: the environment's configuration, and the hash of the
    HTML configuration in ``.buildinfo``), the files it left are kept. A logo or favicon may
    be a file anywhere, whose changes nothing here sees: with one, they are copied as before.

    Call it between making the Sphinx application (`app`, writing to `out`) and building."""
    from sphinx.builders.html import BuildInfo
    from sphinx.environment import CONFIG_OK

    builder, config = app.builder, app.config
    if app.env.config_status != CONFIG_OK or not (out / "_static").is_dir() or not hasattr(builder, "build_info") \
            or config.html_logo or config.html_favicon:
        return
    try:
        with open(out / ".buildinfo", encoding="utf-8") as handle:
            if BuildInfo.load(handle) != builder.build_info:
                return
    except (OSError, ValueError):
        return
    builder.copy_static_files = lambda: None


# Extensions Jupyter Book adds to every build that this site does not use, and that break
# it under a strict Content-Security-Policy (script-src 'self'): each writes inline scripts
# into every page. sphinx_thebe (Binder) also throws "Identifier 'THEBE_JS_URL' has already
# been declared" on every page; sphinx_comments (Hypothesis, utterances) is switched off;
# sphinx_togglebutton styles admonitions as dropdowns, which nothing here writes: the
# follow-up answers are sphinx-design dropdowns (<details>), and myst-nb hides or removes
# cells by itself. sphinx_copybutton adds a copy button to code blocks, which visitors of
# this site do not copy: three files on every page. The setting Jupyter Book always passes
# to sphinx_comments goes too (Sphinx warns about a setting no extension declares, and a
# warning fails the build).
UNUSED_EXTENSIONS = ("sphinx_thebe", "sphinx_comments", "sphinx_togglebutton", "sphinx_copybutton")
_UNUSED_SETTINGS = ("comments_config",)


def drop_unused_extensions(sphinx_config: dict) -> None:
    """Jupyter Book's configuration (from ``jupyter_book.config.get_final_config``) without
    :data:`UNUSED_EXTENSIONS` and their settings."""
    sphinx_config["extensions"] = [name for name in sphinx_config.get("extensions", [])
                                   if name not in UNUSED_EXTENSIONS]
    for name in _UNUSED_SETTINGS:
        sphinx_config.pop(name, None)
