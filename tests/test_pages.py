"""What a page shows of other content folders is declared beside the code that renders it
(PageWriter.webinar_shows, PageWriter.topic_shows): a page is taken from the last build
while those folders are unchanged, so a template that shows more than is declared would
leave stale pages. Here every page is rendered through a catalogue that records what it
hands out, and each page must have read only what its declaration names."""

from __future__ import annotations

from pathlib import Path

import pytest

from webinars.assemble.pages import PageWriter
from webinars.config import load_config
from webinars.content.catalogue import Catalogue
from webinars.content.load import load
from webinars.content.models import Topic, Webinar
from webinars.messages import messages_for

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
# The catalogue's methods that hand out webinars or topics to a page.
HANDING_OUT = ("series", "neighbours", "builds_on_chain", "continued_by", "proposals", "series_topics",
               "by_status", "chronological")


class _Recorded(dict):
    """A catalogue's webinars or topics: what is taken out is recorded."""

    def __init__(self, items: dict, record) -> None:
        super().__init__(items)
        self.record = record

    def __getitem__(self, key):
        return self.record(super().__getitem__(key))

    def get(self, key, default=None):
        return self.record(super().get(key, default)) if key in self else default

    def values(self):
        return self.record(list(super().values()))

    def items(self):
        return [(key, self.record(value)) for key, value in super().items()]


class RecordingCatalogue(Catalogue):
    """A catalogue that records every webinar and topic it hands out (a method's own
    reading, to find what it returns, is not recorded: only what it returns)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.read: set[str] = set()
        self._inside = 0
        super().__init__(_Recorded(catalogue.webinars, self._record), _Recorded(catalogue.topics, self._record))

    def _record(self, value):
        if self._inside == 0:
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, Webinar):
                    self.read.add(f"webinars/{item.id}")
                elif isinstance(item, Topic):
                    self.read.add(f"topics/{item.id}")
        return value


def _handing_out(name: str):
    method = getattr(Catalogue, name)

    def recorded(self, *args, **kwargs):
        self._inside += 1
        try:
            value = method(self, *args, **kwargs)
        finally:
            self._inside -= 1
        return self._record(value)

    return recorded


for _name in HANDING_OUT:
    setattr(RecordingCatalogue, _name, _handing_out(_name))


def undeclared(writer: PageWriter, catalogue: RecordingCatalogue, item: Webinar | Topic) -> set[str]:
    """The folders the page of `item` read beyond those its declaration names."""
    catalogue.read.clear()
    if isinstance(item, Webinar):
        writer.webinar(item)
        declared = set(PageWriter.webinar_shows(catalogue, item))
    else:
        writer.topic(item)
        folders, counted = PageWriter.topic_shows(catalogue, item)
        declared = set(folders) | {f"webinars/{entry.split('/', 1)[1]}" for entry in counted}
    return catalogue.read - declared


@pytest.fixture(scope="module")
def writers():
    config = load_config(FIXTURE)
    content = load(config)
    catalogue = RecordingCatalogue(content.catalogue)
    return catalogue, [PageWriter(catalogue, config, messages_for(language, config.path("locales_dir")),
                                  content.heading_names, content.pages) for language in config.languages]


def test_every_page_reads_only_the_folders_it_declares(writers) -> None:
    catalogue, pages = writers
    items = [*catalogue.webinars.values(), *catalogue.topics.values()]
    read_beyond_own = 0
    for writer in pages:
        for item in items:
            assert undeclared(writer, catalogue, item) == set(), (writer.lang, item.id)
            read_beyond_own += len(catalogue.read) > 1
    assert read_beyond_own > len(pages)  # the fixture's pages do show other folders


def test_a_page_that_reads_an_undeclared_folder_is_found(writers, monkeypatch) -> None:
    """The check itself: a declaration that forgets the webinar's topic is caught."""
    catalogue, pages = writers
    webinar = next(w for w in catalogue.webinars.values() if w.facts.topic in catalogue.topics)
    monkeypatch.setattr(PageWriter, "webinar_shows",
                        staticmethod(lambda cat, w: [f"webinars/{w.id}",
                                                     *(f"webinars/{o.id}" for o in cat.series(w.facts.topic))]))
    assert undeclared(pages[0], catalogue, webinar) == {f"topics/{webinar.facts.topic}"}
