"""Sphinx extension: language switcher, hreflang links, text direction, site navigation.

It only registers handlers; what a page shows is decided by the assembly stage
and passed in through ``html_context`` and each page's metadata.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import pickle
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

__version__ = "1.0"


def setup(app) -> dict[str, Any]:
    from . import safety

    safety.setup(app)
    app.connect("config-inited", no_numbering, priority=900)
    app.connect("builder-inited", keep_compiled_templates)
    app.connect("html-page-context", page_context)
    app.connect("html-collect-pages", drop_emptied_search_terms)
    app.add_css_file("webinars.css")
    app.add_js_file("topic-list.js", loading_method="defer")
    if str(app.config.language or "").startswith("zh"):
        # Only there: Sphinx's Chinese search imports jieba (0.1 s) with it.
        app.add_search_language(_chinese_search())
    app.connect("builder-inited", _CHINESE_WORDS.open)
    app.connect("builder-inited", index_list_pages_by_headings)
    app.connect("build-finished", _CHINESE_WORDS.save)
    _restyle_section_numbers_only_when_numbered()
    _prune_search_index_only_when_a_page_is_gone()
    _outputs_of_notebooks_executed_ahead(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}


def _outputs_of_notebooks_executed_ahead(app) -> None:
    """myst-nb takes a notebook page's outputs from the copy our kernels executed ahead of
    the build (see :mod:`webinars.engine.kernels`), where there is one made from the page's
    code cells; otherwise it does as configured (``execute_notebooks``: it runs the page,
    or takes it from its execution cache, and reports what fails).

    Before, the copies went into myst-nb's jupyter-cache: writing them there (SQLite,
    through SQLAlchemy) and finding them again took about 0.05 s of each language's
    rebuild, and 0.02 s per language in the process that runs the kernels."""
    try:
        import myst_nb.sphinx_ as nb_sphinx
        from myst_nb.core.execute import NotebookClientBase
    except ImportError:
        return
    from .kernels import executed_outputs, executed_path

    create = getattr(nb_sphinx.create_client, "_original", nb_sphinx.create_client)
    srcdir = Path(app.srcdir)

    class Executed(NotebookClientBase):
        def start_client(self):
            self._notebook, seconds = self._kwargs["merged"]
            self.exec_metadata = {"mtime": self._kwargs["mtime"], "runtime": seconds,
                                  "method": self.nb_config.execution_mode, "succeeded": True,
                                  "error": None, "traceback": None}
            self.logger.info("Using the notebook executed ahead of the build")

    def create_client(notebook, source, nb_config, logger, read_fmt=None):
        if nb_config.execution_mode != "off":
            try:
                copy = executed_path(srcdir, Path(source))
                merged = executed_outputs(notebook, copy)
            except (OSError, ValueError):  # not a page of this tree
                merged = None
            if merged is not None:
                return Executed(notebook, Path(source), nb_config, logger, merged=merged,
                                mtime=copy.stat().st_mtime)
        return create(notebook, source, nb_config, logger, read_fmt)

    create_client._original = create
    nb_sphinx.create_client = create_client


def _restyle_section_numbers_only_when_numbered() -> None:
    """sphinx-external-toc's table-of-contents collector restyles section numbers (roman,
    alphabetic) after Sphinx has assigned them. To do so it deep-copies the title of every
    page into the environment (``env.titles_old``) on every build, pickled with it, and
    compares old and new numbers page by page: 5 % of a language's rebuild here, where
    nothing is numbered (see ``numfig`` in assemble.tree). With no numbered table of
    contents there is nothing to restyle: Sphinx's own numbering (none) is kept as is."""
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
    TocTreeCollectorWithStyles.assign_section_numbers = assign_section_numbers


def _prune_search_index_only_when_a_page_is_gone() -> None:
    """Sphinx prunes the search index it loaded to the pages that still exist on every
    build, intersecting the page set of each of its words with them (thousands of sets)
    even when no page is gone. When every indexed page is still there, the index is left
    as it is: the same as pruning it (the index is sorted when written)."""
    from sphinx.search import IndexBuilder

    prune = IndexBuilder.prune
    if getattr(prune, "_webinars", False):
        return

    def prune_if_needed(self, docnames) -> None:
        docnames = set(docnames)
        if self._titles.keys() <= docnames:
            return
        prune(self, docnames)

    prune_if_needed._webinars = True
    IndexBuilder.prune = prune_if_needed


# A run of characters outside ASCII: Chinese text, between the ASCII words, numbers and
# punctuation that Sphinx's regular expression finds.
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _chinese_search() -> type:
    """Sphinx's Chinese search index, with jieba only for the words that are not plain ASCII.

    Sphinx runs jieba (pure Python) over every text of a Chinese page, and much of the
    Chinese site is English: pages shown where a translation is missing, names and titles
    in the lists. In ASCII text jieba finds the words a regular expression finds (Sphinx
    adds those anyway), the parts of words joined by ``_`` (added here), and punctuation
    the index has no use for. jieba runs only on the runs of characters outside ASCII, and
    each run's words are kept from one build to the next (:class:`_ChineseWords`).
    Over every text of the Chinese pages at 300 webinars, jieba on whole texts took 4.8 s,
    on the runs of words with a character outside ASCII 2.1 s, on the runs of characters
    outside ASCII 0.8 s (533 different runs). Stopping the runs at ASCII characters lost one
    term of two characters or more: 时长 ("duration"), which jieba finds only when digits
    follow it ("时长90分钟").
    """
    from sphinx.search import zh

    class ChineseSearch(zh.SearchChinese):
        def init(self, options: dict[str, str]) -> None:
            super().init(options)
            self.latin_terms = set()  # Sphinx's is a list, looked up once per word stemmed

        def split(self, input: str) -> list[str]:  # noqa: A002 - Sphinx's name
            latin = [term.strip() for term in self.latin1_letters.findall(input)]
            self.latin_terms.update(latin)
            words = latin + [part for term in latin if "_" in term for part in term.split("_") if part]
            if zh.JIEBA and not input.isascii():
                for run in _NOT_ASCII.finditer(input):
                    words.extend(_CHINESE_WORDS.split(run.group()))
            return words

    return ChineseSearch


class _ChineseWords:
    """jieba's split of each run of Chinese text, kept from one build to the next.

    jieba needs its word list before it splits anything (0.7 s to load), and a rebuild
    reads again the pages around an added webinar, whose Chinese is almost all seen
    before (headings, labels, the notices of untranslated pages). Each run's words
    are kept in the Chinese language's work folder, beside the doctrees; the word list
    is loaded only for a run never split before. jieba's split depends only on its
    version and its word list (Sphinx's ``html_search_options`` ``dict``), which the
    kept file records: another one starts the file again.
    """

    LIMIT = 500_000  # runs kept at most: the file starts again beyond it

    def __init__(self) -> None:
        self.path: Path | None = None
        self.key = ""
        self.runs: dict[str, tuple[str, ...]] | None = None
        self.added = False

    def open(self, app) -> None:
        # A process builds several languages one after another: nothing is kept from the last.
        self.path, self.runs, self.added = None, None, False
        if not str(app.config.language or "").startswith("zh"):
            return
        try:
            import jieba
        except ImportError:
            return  # Sphinx's Chinese search then splits without it
        jieba.setLogLevel(logging.WARNING)  # its progress is no news in the build's log

        options = app.config.html_search_options or {}
        self.path = Path(app.doctreedir).parent / "chinese-words.pickle"
        self.key = f"{jieba.__version__}\0{options.get('dict', '')}"

    def split(self, run: str) -> tuple[str, ...]:
        from sphinx.search import zh

        if self.runs is None:
            self.runs = self._load()
        words = self.runs.get(run)
        if words is None:
            words = self.runs[run] = tuple(zh.jieba.cut_for_search(run))
            self.added = True
        return words

    def _load(self) -> dict[str, tuple[str, ...]]:
        if self.path is None:
            return {}
        try:
            with self.path.open("rb") as handle:
                key, runs = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            return {}
        return runs if key == self.key and isinstance(runs, dict) and len(runs) < self.LIMIT else {}

    def save(self, app, exception) -> None:
        if exception is not None or self.path is None or not self.added or self.runs is None:
            return
        partial = self.path.with_name(self.path.name + ".partial")
        try:
            with partial.open("wb") as handle:
                pickle.dump((self.key, self.runs), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, self.path)
        except OSError:
            partial.unlink(missing_ok=True)  # not kept: the next build splits these runs again
        self.added = False


_CHINESE_WORDS = _ChineseWords()


def index_list_pages_by_headings(app) -> None:
    """The search index takes only the title and headings of a page marked ``search: headings``
    (the lists of webinars and topics, whose every item has its own page)."""
    builder = app.builder
    original = getattr(builder, "index_page", None)
    if original is None:
        return

    def index_page(pagename: str, doctree, title: str) -> None:
        if (builder.env.metadata.get(pagename) or {}).get("search") == "headings":
            doctree = _headings(doctree)
        original(pagename, doctree, title)

    builder.index_page = index_page


# A heading in a fragment of raw HTML, and a tag within it.
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^<]+?>")


def _headings(doctree):
    """A document with the titles of `doctree`'s sections (and their anchors), and the text of
    the headings in its raw HTML."""
    from docutils import nodes
    from sphinx.util.docutils import new_document

    document = new_document("")
    for section in doctree.findall(nodes.section):
        for title in section.children[:1]:
            if isinstance(title, nodes.title):
                document += nodes.section("", title.deepcopy(), ids=list(section["ids"]))
    headings = [html.unescape(_HTML_TAG.sub("", match.group(2))) for raw in doctree.findall(nodes.raw)
                if "html" in raw.get("format", "").split() for match in _HTML_HEADING.finditer(raw.astext())]
    if headings:
        document += nodes.paragraph("", "", nodes.Text("\n".join(headings)))
    return document


def no_numbering(app, config) -> None:
    """sphinx-jupyterbook-latex turns figure numbering on for every builder; nothing on this
    site is numbered, and with numbering on Sphinx reads every page's doctree again
    whenever the table of contents changes (each added webinar)."""
    config.numfig = False


def keep_compiled_templates(app) -> None:
    """Compile the theme's templates once, not in every build of every language."""
    from jinja2 import FileSystemBytecodeCache

    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        folder = Path(app.doctreedir).parent / "compiled-templates"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def page_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    _share_stems_across_pages(app)
    lang = context.get("webinars_lang", "en")
    direction = context.get("webinars_dir", "ltr")
    # pydata-sphinx-theme writes <html lang="{{ language }}"> and has no place for dir:
    # give it the BCP 47 code and the direction together.
    context["language"] = Markup(f'{escape(lang)}" dir="{escape(direction)}')
    target = app.builder.get_target_uri(pagename)
    to_root = "../" * target.count("/")
    # Sphinx's <link rel="prev/next"> follow the table of contents, and a page is not
    # rewritten when its neighbour changes: they would go stale. Series navigation is
    # part of each page's content instead.
    context["prev"] = context["next"] = None
    context["webinars_alternates"] = [
        {**language, "href": f"{to_root}../{language['code']}/{target}", "current": language["code"] == lang}
        for language in context.get("webinars_languages", [])
    ]
    context["webinars_nav_links"] = [
        {"title": item["title"], "href": to_root + app.builder.get_target_uri(item["doc"]) or "./",
         "current": item["doc"] == pagename,
         "lang": item.get("lang") if item.get("lang") not in ("", lang) else None, "dir": item.get("dir")}
        for item in context.get("webinars_nav", [])
    ]
    from ..languages import Language

    content = Language((app.env.metadata.get(pagename) or {}).get("content_lang", lang))
    context["webinars_content_lang"], context["webinars_content_dir"] = content.code, content.direction
    if content.code != lang and "body" in context:
        # The page falls back to its original: mark the text with the language it is in.
        context["body"] = Markup('<div lang="{}" dir="{}">').format(content.code, content.direction) + \
            Markup(context["body"]) + Markup("</div>")


def drop_emptied_search_terms(app) -> list:
    """Forget words that no page contains any more.

    On an incremental build Sphinx prunes the removed pages' documents from each
    word of its search index but keeps words left with none, so the index would
    differ from a clean build's. Runs before the index is written.
    """
    indexer = getattr(app.builder, "indexer", None)
    for mapping in (getattr(indexer, "_mapping", {}), getattr(indexer, "_title_mapping", {})):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]
    return []


def _share_stems_across_pages(app) -> None:
    """Sphinx's search index stems every word of every page and remembers stems only within
    one page; most words recur across pages, so remember them for the whole build."""
    language = getattr(getattr(app.builder, "indexer", None), "lang", None)
    if language is not None and not getattr(language, "_wb_shared_stems", False):
        language.stem = functools.lru_cache(maxsize=200_000)(language.stem)
        language._wb_shared_stems = True
