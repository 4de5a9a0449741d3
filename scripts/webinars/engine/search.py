"""The search index Sphinx writes for each language.

- the lists of webinars and topics are indexed by their titles and headings only, since
  every item has its own page (``search: headings`` in a page's metadata);
- an incremental build's index equals a clean build's: words no page contains any more
  are dropped;
- Chinese text is split by jieba only where it is not plain ASCII, and each run's words are
  kept for the next build (:class:`ChineseWords`).

How each of these reaches into Sphinx is in :mod:`.patches`.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

from ..work import LanguageWork, Memo
from . import patches


def setup(app) -> None:
    app.connect("builder-inited", index_list_pages_by_headings)
    app.connect("html-page-context", share_stems_across_pages)
    app.connect("html-collect-pages", drop_emptied_search_terms)
    if str(app.config.language or "").startswith("zh"):
        # Only there: Sphinx's Chinese search imports jieba (0.1 s) with it.
        words = ChineseWords()
        app.add_search_language(patches.chinese_search(words.split_text))
        app.connect("builder-inited", words.open)
        app.connect("build-finished", words.save)


def index_list_pages_by_headings(app) -> None:
    """The search index takes only the title and headings of a page marked ``search: headings``
    (the lists of webinars and topics, whose every item has its own page)."""

    def what_to_index(pagename: str, doctree):
        if (app.env.metadata.get(pagename) or {}).get("search") == "headings":
            return _headings(doctree)
        return doctree

    patches.index_pages_as(app.builder, what_to_index)


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


def drop_emptied_search_terms(app) -> list:
    """Forget words that no page contains any more.

    On an incremental build Sphinx prunes the removed pages' documents from each
    word of its search index but keeps words left with none, so the index would
    differ from a clean build's. Runs before the index is written.
    """
    patches.forget_words_without_pages(getattr(app.builder, "indexer", None))
    return []


def share_stems_across_pages(app, *_page) -> None:
    """Sphinx's search index stems every word of every page and remembers stems only within
    one page; most words recur across pages, so remember them for the whole build."""
    patches.share_stems_across_pages(getattr(getattr(app.builder, "indexer", None), "lang", None))


# A run of characters outside ASCII: Chinese text, between the ASCII words, numbers and
# punctuation that Sphinx's regular expression finds.
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


class ChineseWords:
    """jieba's split of each run of Chinese text, kept from one build to the next.

    jieba runs only on the runs of characters outside ASCII (Sphinx's regular expression
    finds the ASCII words). Over every text of the Chinese pages at 300 webinars, jieba on
    whole texts took 4.8 s, on the runs of words with a character outside ASCII 2.1 s, on
    the runs of characters outside ASCII 0.8 s (533 different runs). Stopping the runs at
    ASCII characters lost one term of two characters or more: 时长 ("duration"), which
    jieba finds only when digits follow it ("时长90分钟").

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
        self.version = ""
        self.memo: Memo[tuple[str, ...]] | None = None
        self.added = False

    def open(self, app) -> None:
        if not str(app.config.language or "").startswith("zh"):
            return
        try:
            import jieba
        except ImportError:
            return  # Sphinx's Chinese search then splits without it
        jieba.setLogLevel(logging.WARNING)  # its progress is no news in the build's log

        options = app.config.html_search_options or {}
        self.path = LanguageWork.of_doctrees(app.doctreedir).chinese_words
        # "runs 2": the file of earlier versions held (key, {run: words}), the same shape as a
        # Memo's file: a different version reads it as empty.
        self.version = f"runs 2\0{jieba.__version__}\0{options.get('dict', '')}"

    def split_text(self, text: str) -> list[str]:
        """The words of the runs of characters outside ASCII in `text`."""
        return [word for run in _NOT_ASCII.finditer(text) for word in self.split(run.group())]

    def split(self, run: str) -> tuple[str, ...]:
        """jieba's words of `run`, kept or made now."""
        if self.memo is None:
            # Read on the first run split: a build that splits nothing does not read it.
            self.memo = Memo(self.path, version=self.version)
            if len(self.memo.kept) >= self.LIMIT:
                self.memo.kept = {}

        def make() -> tuple[str, ...]:
            import jieba

            self.added = True
            return tuple(jieba.cut_for_search(run))

        return self.memo.get(run, "", make)

    def save(self, app, exception) -> None:
        """Keep every run seen so far, if this build split one never seen and succeeded."""
        if exception is not None or self.path is None or not self.added or self.memo is None:
            return
        try:
            self.memo.save(keep_unused=True)
        except OSError:
            pass  # not kept: the next build splits these runs again
        self.added = False
