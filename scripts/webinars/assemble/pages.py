"""Turn the catalogue into one language's MyST pages.

Generated parts are HTML fragments from autoescaping Jinja templates (text stays
text), embedded as raw blocks; authors' bodies pass through as MyST, with the
follow-up answers turned into collapsible items.

The parts of a page that show other pages (the lists, a series' parts, a topic's
progression) are *late parts*: a template marks them ``{% call late("name") %}``, the
page's source holds an empty pair of markers in their place, and the built page is
filled in once Sphinx has written it (:mod:`webinars.engine.late`). So adding a webinar
changes the sources of no other page, and Sphinx reads and writes again only the new
page; the pages that show it get their late parts filled in again.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from jinja2 import BytecodeCache, Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..config import Config
from ..content.catalogue import Catalogue
from ..content.models import Document, Page, Topic, Webinar
from ..content.captions import clock
from ..languages import Language, direction_of
from ..work import Memo
from .. import messages as labels
from .. import names, report, urls
from . import myst
from .media import embed, embed_at, media_type, seek_template
from .structured import script_json, webinar_event
from ..messages import Messages

RECENT = 6


@dataclass(frozen=True)
class Origin:
    """Where an assembled page's body comes from, to report problems in the author's file."""

    path: str  # the content file, relative to the repository
    start: int  # line of the assembled file where the body starts (1-based)
    line: int  # the same line in the content file
    verbatim: int  # how many body lines are copied unchanged (line numbers map exactly)

    def locate(self, assembled_line: int) -> int | None:
        offset = assembled_line - self.start
        return self.line + offset if 0 <= offset < self.verbatim else None


@dataclass(frozen=True)
class Body:
    text: str
    document: Document
    verbatim: int


@dataclass(frozen=True)
class SourcePage:
    """One MyST file of a language's tree."""

    url: str  # relative to the language root, e.g. "webinars/<slug>/"
    text: str
    origin: Origin | None = None
    title: str = ""  # as shown in the navigation
    lang: str = ""  # the language the page's text is in
    late: tuple[tuple[str, str], ...] = field(default=())  # (name, HTML) of each late part

    @property
    def file(self) -> str:
        return urls.source_file(self.url)


def compose(url: str, parts: list[str | Body], title: str, lang: str,
            late: tuple[tuple[str, str], ...] = ()) -> SourcePage:
    """Join a page's parts, remembering where the author's body landed."""
    text, origin = "", None
    for part in parts:
        if isinstance(part, Body):
            start = text.count("\n") + 1
            origin = Origin(part.document.path, start, part.document.body_line, part.verbatim)
            part = part.text
        text += part.rstrip("\n") + "\n\n"  # a blank line between blocks
    return SourcePage(url, text, origin, title, lang, late)


def late_markers(name: str) -> tuple[str, str]:
    """The HTML comments a late part is filled in between, in the built page."""
    return f"<!--wb:late {name}-->", f"<!--/wb:late {name}-->"


class _Compiled(BytecodeCache):
    """Templates compiled once per process (and inherited by the languages' processes)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("webinars", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
        bytecode_cache=_COMPILED,
    )


def precompile_templates() -> None:
    """Compile every template now, so that each language's process finds it compiled."""
    env = _environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


# The hand-written page that ends with the request form (templates/propose_form.html).
PROPOSE = "propose"
# The search page's filters, in the order it shows them (see `PageWriter.search_filters`).
SEARCH_FILTERS = ("kind", "status", "region", "language", "year", "scope")


class PageWriter:
    """Renders the pages of one language."""

    def __init__(self, catalogue: Catalogue, config: Config, messages: Messages,
                 heading_names: dict[str, set[str]], extra_pages: dict[str, Page],
                 defer_late: bool = True, fragment_key: bytes = b"") -> None:
        """With `defer_late` false (a notebook's output, which nothing fills in later), late parts
        are rendered in place. `fragment_key` signs the HTML the templates make (see
        :func:`myst.html_fragment`)."""
        self.catalogue = catalogue
        self.fragment_key = fragment_key
        self.defer_late = defer_late
        self.config = config
        self.m = messages
        self.lang = messages.code
        self.headings = heading_names
        self.extra_pages = extra_pages
        # Webinar and topic pages kept from the last build, by url, each with the key of
        # the page's inputs: `keys(webinar or topic)` gives that key, or None to render
        # anyway. Late parts made from a key are kept there too, as "url#name".
        self.keys: Callable[[Webinar | Topic], str | None] | None = None
        self.memo: Memo[SourcePage | str] | None = None
        self._late: dict[str, dict[str, str]] = {}  # page -> late parts rendered so far
        self._report: list[dict] | None = None  # the annual report's figures, once needed
        self.env = _environment()
        self.env.install_gettext_translations(messages.translations, newstyle=True)

    # ---- helpers passed to templates ---------------------------------------------

    def title(self, page: Page) -> Markup:
        """A page's title in this language, marked with its own language if it falls back."""
        document = page.document(self.lang)
        if document.lang == self.lang:
            return escape(document.title)
        other = Language(document.lang)
        return Markup(f'<span lang="{escape(other.code)}" dir="{escape(other.direction)}">'
                      f'{escape(document.title)}</span>')  # as Markup.format would, ten times faster

    def foreign(self, text: str, lang: str) -> Markup:
        """Text written in `lang` (facts keep the language of index.md), marked if not this page's."""
        if lang == self.lang:
            return escape(text)
        other = Language(lang)
        return Markup(f'<span lang="{escape(other.code)}" dir="{escape(other.direction)}">{escape(text)}</span>')

    def isolated(self, text: str, lang: str) -> Markup:
        """Text written in `lang` inside this page's text (a name, an affiliation), isolated
        from it: a Latin name in Arabic keeps its commas, an Arabic one in English its order."""
        if lang == self.lang:
            return Markup(f"<bdi>{escape(text)}</bdi>")
        return self.foreign(text, lang)

    def proposer(self, value: str, lang: str) -> Markup:
        """A proposer as written in `lang`: a known group, the Secretariat or a member state in
        this page's language, anything else as written."""
        known = names.proposer_id(value, lang)
        if known is None:
            return self.isolated(value, lang)
        if known in names.GROUPS:
            return self.isolated(self.m.gettext(names.GROUPS[known]), self.lang)
        return self.isolated(names.state_name(known, self.lang), self.lang)

    def unit(self, value: str, lang: str) -> Markup:
        """An organising unit as written in `lang`: a configured unit in this page's language."""
        known = names.unit_id(value, self.config.settings.units)
        if known is None:
            return self.isolated(value, lang)
        return self.isolated(self.config.unit(known, self.lang), self.lang)

    def render(self, template: str, here: str, **values) -> str:
        return self.env.get_template(template).render(
            m=self.m, labels=labels, url=urls, catalogue=self.catalogue, t=self.title,
            href=lambda target: urls.relative(here, target),
            shared=lambda path: urls.shared_file(here, path),
            late=lambda name, caller, key=None: self._late_part(here, name, caller, key), **values,
        )

    def _late_part(self, here: str, name: str, caller: Callable[[], str], key: str | None = None) -> Markup:
        """``{% call late(name) %}…{% endcall %}``: the part is kept for the built page, and
        the source gets its empty markers.

        With ``key=`` (what the part is made from, see :meth:`_list_key`), a part made from
        the same as at the last run is taken from it, not rendered again."""
        if not self.defer_late:
            return Markup(caller())
        parts = self._late.setdefault(here, {})
        if name in parts:
            raise ValueError(f"two late parts named {name!r} on {here}")
        if key is None or self.memo is None:
            parts[name] = str(caller())
        else:
            parts[name] = self.memo.get(f"{here}#{name}", key, lambda: str(caller()))
        return Markup("".join(late_markers(name)))

    def _list_key(self, webinars: list[Webinar]) -> str | None:
        """What a list of webinars is made from: the keys of their pages (see `keys`), which
        cover all a list shows of each (title, date, status, topic, part), in order; None to
        render it anyway."""
        if self.keys is None:
            return None
        keys = [self.keys(w) for w in webinars]
        if None in keys:
            return None
        return hashlib.sha256("\n".join(keys).encode()).hexdigest()

    def _late_parts(self, here: str) -> tuple[tuple[str, str], ...]:
        return tuple(self._late.pop(here, {}).items())

    # ---- pages ----------------------------------------------------------------------

    def all_pages(self) -> list[SourcePage]:
        pages = [self.home(), self.webinar_index(), self.topic_index()]
        pages += [self.webinar(w) for w in self.catalogue.webinars.values()]
        pages += [self.topic(t) for t in self.catalogue.topics.values()]
        pages += [self.extra(name, page) for name, page in self.extra_pages.items() if name != "index"]
        pages += [self.report_year(year) for year in report.years(self.catalogue)]
        return pages

    def webinar(self, w: Webinar) -> SourcePage:
        """A webinar's page; the one rendered last time if its inputs are the same (see `keys`)."""
        return self._kept_or(urls.webinar(w.id), w, self._webinar)

    def topic(self, topic: Topic) -> SourcePage:
        """A topic's page; the one rendered last time if its inputs are the same (see `keys`)."""
        return self._kept_or(urls.topic(topic.id), topic, self._topic)

    def _kept_or(self, here: str, item, render: Callable) -> SourcePage:
        key = self.keys(item) if self.keys is not None else None
        if key is None or self.memo is None:
            return render(item)
        return self.memo.get(here, key, lambda: render(item))

    # What a webinar's or topic's page shows of other content folders, declared beside the
    # code that renders it: a page is taken from the last build only while these folders
    # (and everything that is not content) are unchanged (see `assemble.tree`).
    # tests/test_site.py renders every page through a catalogue that records what it reads,
    # and fails if a page reads a folder not declared here.

    @staticmethod
    def webinar_shows(catalogue: Catalogue, w: Webinar) -> list[str]:
        """Its own folder, its topic's, and those of its series (titles, dates, parts,
        statuses of the other parts)."""
        return [f"webinars/{w.id}", f"topics/{w.facts.topic}",
                *(f"webinars/{other.id}" for other in catalogue.series(w.facts.topic))]

    @staticmethod
    def topic_shows(catalogue: Catalogue, topic: Topic) -> tuple[list[str], list[str]]:
        """Its own folder, its series', the webinar whose feedback suggested it, and the
        topics it continues or that continue it; and, apart, the webinars of those topics,
        which it only counts (their ids are enough)."""
        related = catalogue.builds_on_chain(topic) + catalogue.continued_by(topic)
        folders = [f"topics/{topic.id}", *(f"webinars/{w.id}" for w in catalogue.series(topic.id))]
        if topic.facts.suggested_at:
            folders.append(f"webinars/{topic.facts.suggested_at}")
        folders += [f"topics/{other.id}" for other in related]
        counted = [f"{other.id}/{w.id}" for other in related for w in catalogue.series(other.id)]
        return folders, counted

    def _webinar(self, w: Webinar) -> SourcePage:
        here = urls.webinar(w.id)
        document = w.document(self.lang)
        topic = self.catalogue.topics.get(w.facts.topic)
        series = self.catalogue.series(topic.id) if topic else []
        running = [x for x in series if x.facts.status != "cancelled"]
        parts = [self._head(document, here, w)]
        parts.append(self.fragment(self.render(
            "webinar_facts.html", here, w=w, topic=topic, part=self.catalogue.part_of(w) if topic else 0,
            total=len(running), c=lambda text: self.isolated(text, w.original.lang),
            unit=lambda text: self.unit(text, w.original.lang))))
        channels = self._channels(w, here)
        if channels:
            player = self._player(channels, document.lang)
            parts.append(self.fragment(self.render(
                "recordings.html", here, channels=channels, player=player,
                transcripts=self._transcripts(w, channels, here), elsewhere=self._transcripts_elsewhere(w, here),
                tracks=self._tracks(w, player, here) if player and player["file"] else [],
                duration=self.m.minutes(w.facts.duration) if w.facts.duration else "")))
        slides = self._slides(w, here)
        if slides:
            parts.append(self.fragment(self.render("slides.html", here, slides=slides)))
        parts.append(self._body(document))
        if topic:
            previous, following = self.catalogue.neighbours(w)
            parts.append(self.fragment(self.render(
                "series.html", here, w=w, topic=topic, series=series, previous=previous, following=following)))
        if w.feedback and w.feedback.responses:
            parts.append(self.fragment(self.render("feedback.html", here, fb=w.feedback)))
        return compose(here, parts, document.title, document.lang, self._late_parts(here))

    def _topic(self, topic: Topic) -> SourcePage:
        here = urls.topic(topic.id)
        document = topic.document(self.lang)
        at = topic.facts.suggested_at
        parts = [
            self._head(document, here, topic),
            self.fragment(self.render(
                "topic_facts.html", here, topic=topic, c=lambda text: self.isolated(text, topic.original.lang),
                proposer=lambda text: self.proposer(text, topic.original.lang),
                suggested_at=self.catalogue.webinars.get(at) if at else None)),
            self._body(document),
            self.fragment(self.render(
                "topic_series.html", here, series=self.catalogue.series(topic.id),
                chain=self.catalogue.builds_on_chain(topic), continued=self.catalogue.continued_by(topic))),
        ]
        return compose(here, parts, document.title, document.lang, self._late_parts(here))

    def home(self) -> SourcePage:
        here = urls.HOME
        intro = self.extra_pages.get("index")
        title = self.config.title(self.lang)
        translated = intro is not None and intro.document(self.lang).lang == self.lang
        description = self._description(intro.document(self.lang)) if translated else ""
        parts = [myst.frontmatter(self._meta(self.lang, description)), f"# {myst.text(title)}\n"]
        if translated:
            # The introduction appears only where it is translated: the home page's own
            # title and lists are in the page's language, and must not be marked otherwise.
            parts.append(self._body(intro.document(self.lang)))
        parts.append(self.fragment(self.render(
            "home.html", here, planned=self.catalogue.by_status("planned"),
            held=self.catalogue.by_status("held")[:RECENT], series_topics=self.catalogue.series_topics(),
            proposals=self.catalogue.proposals())))
        return compose(here, parts, title, self.lang, late=self._late_parts(here))

    def webinar_index(self) -> SourcePage:
        here = urls.WEBINARS
        everything = self.catalogue.chronological()
        years = [(year, list(items)) for year, items in groupby(everything, key=lambda w: w.facts.date.year)]
        # Adding a webinar changes one year's list: the others are taken from the last run
        # (rendering every year's list took a fifth of writing a language's tree).
        html = self.render("webinar_index.html", here, years=years,
                           year_keys={year: self._list_key(items) for year, items in years},
                           held=len(self.catalogue.by_status("held")),
                           planned=len(self.catalogue.by_status("planned")))
        return self._generated(here, self.m.gettext("Webinars"), html)

    def topic_index(self) -> SourcePage:
        here = urls.TOPICS
        series = self.catalogue.series_topics()
        proposals = self.catalogue.proposals()
        others = sorted((t for t in self.catalogue.topics.values() if t not in series and t not in proposals),
                        key=lambda t: t.id)
        html = self.render("topic_index.html", here, series_topics=series, proposals=proposals, others=others)
        return self._generated(here, self.m.gettext("Topics and proposals"), html)

    def report_year(self, year: int) -> SourcePage:
        """A year's page of the annual report; the one rendered last time if what it shows is
        the same (its figures, and the webinars and topics it names: see `keys`)."""
        here = urls.report_year(year)
        if self._report is None:
            self._report = report.figures(self.catalogue, self.config.settings.regions)
        value = report.of_year(self._report, year)
        webinars, topics = report.shown(self.catalogue, year)
        key = None
        if self.keys is not None and self.memo is not None:
            keys = [self.keys(item) for item in (*webinars, *topics)]
            if None not in keys:
                key = hashlib.sha256(repr((sorted(value.items(), key=repr), keys)).encode()).hexdigest()
        if key is None:
            return self._report_year(here, year, value)
        return self.memo.get(here, key, lambda: self._report_year(here, year, value))

    def _report_year(self, here: str, year: int, value: dict) -> SourcePage:
        catalogue, m = self.catalogue, self.m
        requests = []
        for topic in report.requests_of(catalogue, year):
            series = catalogue.series(topic.id)
            held = sum(w.facts.status == "held" for w in series)
            if held:
                outcome = m.ngettext("%(num)s webinar held", "%(num)s webinars held", held) % {"num": m.number(held)}
            elif any(w.facts.status == "planned" for w in series):
                outcome = m.gettext("Webinar planned")
            else:
                outcome = m.label(labels.TOPIC_STATUS, topic.facts.status)
            requests.append((topic, outcome))
        html = self.render(
            "report_year.html", here, year=year, value=value, webinars=report.webinars_of(catalogue, year),
            requests=requests,
            regions=[(r, value[("region", r)]) for r in self.config.settings.regions if ("region", r) in value],
            languages=sorted(((k, v) for (f, k), v in value.items() if f == "language"),
                             key=lambda item: (-item[1], m.language_name(item[0]))),
            suggestions=report.suggestions_accepted(catalogue, year),
            moves=[(move, [catalogue.topics[t] for t in ids]) for move, ids in report.series_moves(catalogue, year).items()],
            proposer=lambda topic: (lambda text: self.proposer(text, topic.original.lang)))
        return self._generated(here, m.gettext("Annual report %(year)s") % {"year": year}, html)

    def search_filters(self) -> dict[str, str]:
        """The search page's filters (late parts ``search-<filter>`` of ``search``): each value a
        webinar's or topic's page gives Pagefind (``search_facts`` in ``_macros.html``), with
        the number of pages that have it, as Pagefind counts them. Written with the site, so
        that the search page shows its filters without loading the index."""
        counts: dict[str, dict[str, int]] = {name: {} for name in SEARCH_FILTERS}

        def add(name: str, values) -> None:
            for value in dict.fromkeys(values):  # a page counts once for a value
                counts[name][value] = counts[name].get(value, 0) + 1

        topics = self.catalogue.topics
        for w in self.catalogue.webinars.values():
            f = w.facts
            topic = topics.get(f.topic)
            add("kind", [self.m.gettext("Webinar")])
            add("status", [self.m.label(labels.WEBINAR_STATUS, f.status)])
            add("region", map(self.m.region, f.regions))
            add("language", map(self.m.language_name, f.languages))
            add("year", [str(f.date.year)])
            add("scope", [self.m.label(labels.SCOPES, topic.facts.scope)] if topic else [])
        for topic in topics.values():
            f = topic.facts
            add("kind", [self.m.gettext("Topic")])
            add("status", [self.m.label(labels.TOPIC_STATUS, f.status)])
            add("region", map(self.m.region, f.regions))
            add("language", map(self.m.language_name, f.languages))
            add("year", [str(f.proposed.year)])
            add("scope", [self.m.label(labels.SCOPES, f.scope)])
        # In the order a reader expects: the newest year first; kinds, statuses, regions and
        # scopes as the programme lists them; languages are put in the reader's alphabetical
        # order by the page's script (Intl.Collator, which Python has no equivalent of here).
        listed = {
            "kind": [self.m.gettext("Webinar"), self.m.gettext("Topic")],
            "status": [self.m.label(table, key) for table in (labels.WEBINAR_STATUS, labels.TOPIC_STATUS)
                       for key in table],
            "region": [self.m.region(key) for key in self.config.settings.regions],
            "scope": [self.m.label(labels.SCOPES, key) for key in labels.SCOPES],
        }
        for name, order in listed.items():
            rank = {value: i for i, value in enumerate(order)}
            counts[name] = dict(sorted(counts[name].items(), key=lambda item: rank.get(item[0], len(rank))))
        counts["year"] = dict(sorted(counts["year"].items(), reverse=True))
        return {f"search-{name}": self.render("search_filters.html", urls.SEARCH, counts=values)
                for name, values in counts.items()}

    def extra(self, name: str, page: Page) -> SourcePage:
        here = urls.page(name) if name != "index" else urls.HOME
        document = page.document(self.lang)
        parts = [self._head(document, here, page), self._body(document)]
        if name == PROPOSE:  # the request form, after the page's text
            coordinators = self.config.settings.coordinators
            groups = [(key, self.m.gettext(label), coordinators.get(key, ""))
                      for key, label in names.GROUPS.items() if key != "secretariat"]
            parts.append(self.fragment(self.render(
                "propose_form.html", here, languages=[l.code for l in self.config.languages],
                regions=self.config.settings.regions, groups=groups)))
        return compose(here, parts, document.title, document.lang)

    # ---- parts ----------------------------------------------------------------------

    def fragment(self, html: str) -> str:
        return myst.html_fragment(html, self.fragment_key)

    def _meta(self, content_lang: str, description: str = "", structured: dict | None = None) -> dict:
        meta: dict = {"content_lang": content_lang}
        if description:  # written by docutils, escaped, as <meta name="description">; and for shared links
            meta["myst"] = {"html_meta": {"description": description}}
            meta["webinars_description"] = description
        if structured:  # schema.org data, in the page's head (webinars.engine.chrome)
            meta["webinars_jsonld"] = script_json(structured)
        return meta

    def _description(self, document: Document) -> str:
        """What a search engine or a shared link shows of the page: the summary's first
        paragraph (else the text's), as plain text."""
        summary = document.section_text(self.headings["summary"])
        text = summary if summary is not None else document.body
        return myst.first_paragraph(text) or myst.first_paragraph(document.body)

    def _generated(self, here: str, title: str, html: str) -> SourcePage:
        meta = self._meta(self.lang)
        return SourcePage(here, myst.frontmatter(meta) + f"# {myst.text(title)}\n\n"
                          + self.fragment(html), title=title, lang=self.lang, late=self._late_parts(here))

    def _head(self, document: Document, here: str, page: Page) -> str:
        description = self._description(document)
        structured = webinar_event(page, document, self.lang, description, self.config.settings.base_url,
                                   self.config.organisation(self.lang), self.inlined_captions(page)) \
            if isinstance(page, Webinar) else None
        head = myst.frontmatter(self._meta(document.lang, description, structured)) + \
            f"# {myst.text(document.title)}\n"
        if document.lang != self.lang:
            others = [(code, self._switch(here, code)) for code in page.languages]
            head += "\n" + self.fragment(self.render(
                "fallback_notice.html", here, original=document.lang, others=others,
                native=lambda code: Language(code).native_name))
        return head

    def _switch(self, here: str, code: str) -> str:
        return urls.other_language(here, code)

    def _body(self, document: Document) -> Body:
        """The author's body, with each follow-up question made a collapsible item."""
        lines = document.body.splitlines()
        answers = document.section(self.headings["answers"])
        if answers is None:
            return Body(document.body, document, len(lines))
        questions = [s for s in document.sections
                     if s.level == 3 and answers.start < s.start < answers.end]
        out = lines[:questions[0].start] if questions else lines
        for question in questions:
            answer = "\n".join(lines[question.start + 1:question.end]).strip("\n")
            out.append(myst.fence("dropdown", answer + "\n", question.title.strip(),
                                  {"class-container": "wb-answer"}))
        if questions:
            out += lines[questions[-1].end:]
        verbatim = questions[0].start if questions else len(lines)
        return Body("\n".join(out) + "\n", document, verbatim)

    def _channels(self, w: Webinar, here: str) -> list[dict]:
        """Each recording channel: where it is, how it plays (a host's player behind a facade,
        a media file in the page's own player, or a link), and its captions' language."""
        channels = []
        for code, address in w.facts.recordings.items():
            embedded, host = embed(address)
            kind = media_type(address)
            channels.append({"code": code, "url": address, "embed": embedded, "host": host, "file": kind,
                             "label": self.m.language_name(code) if code else "",
                             "at": seek_template(address, embedded, kind)})
        return channels

    def _player(self, channels: list[dict], content_lang: str) -> dict | None:
        """Play the channel in the reader's language, else the original's, else the first."""
        playable = [c for c in channels if c["embed"] or c["file"]]
        for wanted in (self.lang, content_lang):
            for channel in playable:
                if channel["code"] == wanted:
                    return channel
        return playable[0] if playable else None

    def _captions_channel(self, lang: str, channels: list[dict]) -> dict:
        """The recording channel whose captions are in `lang`: its own, or the single one."""
        return next((c for c in channels if c["code"] == lang), channels[0])

    def inlined_captions(self, w: Webinar) -> list[str]:
        """The captions whose transcript this language's page shows (one transcript of an
        hour is 15 KB gz: a page carries one, not every channel's): the reader's language's,
        else the recording's original language's, else the first; and on the default
        language's page, those in no language of the site. The others are on their
        language's page, linked from here (`_transcripts_elsewhere`)."""
        if not w.cues:
            return []
        if self.lang in w.cues:
            shown = [self.lang]
        else:
            spoken = [c for c in w.facts.languages if c in w.cues]
            shown = [w.original.lang if w.original.lang in w.cues else (spoken or list(w.cues))[0]]
        shown += [lang for lang in w.cues if self.config.page_language(lang) == self.lang and lang not in shown]
        return shown

    def _transcripts(self, w: Webinar, channels: list[dict], here: str) -> list[dict]:
        """The transcripts this page shows (`inlined_captions`): each cue with its time, a
        link that plays the recording from there where the recording can (a host's page or
        a file), and who speaks when the voice changes."""
        found = []
        for lang in self.inlined_captions(w):
            channel = self._captions_channel(lang, channels)
            template = channel["at"]
            shown, last = [], None
            for cue in w.cues[lang]:
                seconds = int(cue.start)
                shown.append({"time": clock(cue.start), "seconds": seconds, "text": cue.text,
                              "href": template.replace("{t}", str(seconds)) if template else "",
                              "voice": cue.voice if cue.voice and cue.voice != last else ""})
                last = cue.voice or last
            found.append({"lang": lang, "label": self.m.language_name(lang), "dir": direction_of(lang),
                          "id": urls.transcript(lang), "cues": shown, "channel": channel,
                          "embed_at": embed_at(channel["embed"]) if channel["embed"] else "",
                          "vtt": urls.media(here, w.id, w.facts.captions[lang]),
                          "size": w.files.get(w.facts.captions[lang], 0)})
        return found

    def _transcripts_elsewhere(self, w: Webinar, here: str) -> list[dict]:
        """The transcripts this page does not show: a link to the page that does."""
        shown = self.inlined_captions(w)
        return [{"lang": lang, "label": self.m.language_name(lang),
                 "href": self._switch(here, self.config.page_language(lang)) + "#" + urls.transcript(lang)}
                for lang in w.cues if lang not in shown]

    def _tracks(self, w: Webinar, player: dict, here: str) -> list[dict]:
        """The captions a media file plays with: its channel's, or all of a single recording's."""
        langs = [lang for lang in w.cues if player["code"] is None or lang == player["code"]]
        default = self.lang if self.lang in langs else (langs[0] if langs else None)
        return [{"src": urls.media(here, w.id, w.facts.captions[lang]), "srclang": lang,
                 "label": self.m.language_name(lang), "default": lang == default} for lang in langs]

    def _slides(self, w: Webinar, here: str) -> list[dict]:
        slides = []
        for slide in w.facts.slides:
            mime = mimetypes.guess_type(slide.file)[0] or "application/octet-stream"
            kind = Path(slide.file).suffix.lstrip(".").upper() or "file"
            slides.append({"title": slide.title, "lang": slide.lang, "href": urls.media(here, w.id, slide.file),
                           "mime": mime, "kind": kind, "size": w.files.get(slide.file, 0)})
        return slides
