"""What a reader subscribes to, in each language: an Atom feed of the webinars held and
planned (``feeds/<lang>.xml``, with feedgen), a calendar of every webinar
(``calendar/<lang>.ics``) and one per planned webinar (``calendar/<slug>.<lang>.ics``,
with icalendar), made from the content like the downloads, at the site's root.

A feed lists every planned webinar and the latest held ones; a calendar every planned
webinar and the latest others (held, or cancelled: marked so). Every text comes from the
content or the catalogues and is escaped by the library that
writes it; a summary's MyST is rendered as CommonMark without HTML (an author's tags
come out as text, and markdown-it drops ``javascript:`` links). A title or summary shown
in its original language is marked with that language (``xml:lang`` on a feed entry's
title, ``lang`` on its summary's HTML, ``LANGUAGE=`` on a calendar event's title).

Addresses are absolute with the site's ``base_url``; without it a feed's links are from
the server's root (a feed reader resolves them against the feed's own address), and a
calendar, read outside the site, links to no page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import urls
from ..assemble.myst import first_paragraph
from ..config import Config
from ..content.models import Document, Webinar
from ..messages import WEBINAR_STATUS, Messages, messages_for

LATEST = 50  # a feed or calendar lists every planned webinar and this many of the latest others
_NAMESPACE = uuid.UUID("7d7bb2f0-4b9a-4c34-9a3e-6f1f1bde1d52")  # of this programme's identifiers
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ATOM = "{http://www.w3.org/2005/Atom}"
_RENDER = MarkdownIt("commonmark", {"html": False})


def subscriptions(config: Config, catalogue, heading_names: dict[str, set[str]]) -> dict[str, str]:
    """Every language's feed and calendars: path in the site -> text."""
    files: dict[str, str] = {}
    base = config.settings.base_url
    for language in config.languages:
        m = messages_for(language, config.path("locales_dir"))
        follow = _Language(config, m, base, heading_names["summary"])
        files[urls.feed_file(language.code)] = follow.feed(catalogue)
        planned = catalogue.by_status("planned")
        past = [webinar for webinar in catalogue.chronological() if webinar.facts.status != "planned"][:LATEST]
        files[urls.calendar_file(language.code)] = follow.calendar(planned + past)
        for webinar in catalogue.by_status("planned"):
            files[urls.calendar_file(language.code, webinar.id)] = follow.calendar([webinar], alone=True)
    return files


def identifier(*parts: str) -> str:
    """A permanent identifier of a feed, an entry or an event (the same wherever the site moves)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _moment(webinar: Webinar) -> dt.datetime:
    """When the webinar starts, in UTC (the start of its day, if it has no start time)."""
    facts = webinar.facts
    if facts.start is not None:
        return facts.start.astimezone(dt.timezone.utc)
    return dt.datetime.combine(facts.date, dt.time(), dt.timezone.utc)


class _Language:
    """One language's feed and calendars."""

    def __init__(self, config: Config, m: Messages, base: str, summary_names: set[str]) -> None:
        self.config, self.m, self.base, self.summary_names = config, m, base, summary_names
        self.lang = m.code

    def page(self, webinar: Webinar) -> str:
        return urls.absolute(self.base, urls.in_language(self.lang, urls.webinar(webinar.id)))

    def summary(self, document: Document) -> str:
        """The MyST of the document's summary section ("" if it has none)."""
        return (document.section_text(self.summary_names) or "").strip()

    def when(self, webinar: Webinar) -> str:
        """The date (and time, local and UTC) as the webinar's page says it."""
        return self.m.date_and_time(webinar.facts.date, webinar.facts.start)

    # ---- the Atom feed ------------------------------------------------------------

    def feed(self, catalogue) -> str:
        from feedgen.feed import FeedGenerator
        from lxml import etree

        m, lang = self.m, self.lang
        chosen = catalogue.by_status("planned") + catalogue.by_status("held")[:LATEST]
        chosen.sort(key=lambda w: (w.facts.date, w.id), reverse=True)
        feed = FeedGenerator()
        feed.id(f"urn:uuid:{identifier('feed', lang)}")
        feed.title(self.config.title(lang))
        feed.subtitle(m.gettext("Webinars held and planned, newest first"))
        feed.language(lang)
        feed.author(name=self.config.organisation(lang))
        feed.link(href=urls.absolute(self.base, urls.in_language(lang, urls.HOME)), rel="alternate", type="text/html")
        feed.link(href=urls.absolute(self.base, urls.feed_file(lang)), rel="self", type="application/atom+xml")
        feed.generator("webinars")
        # The feed changed when its newest entry did (not at each build: a rebuild equals a clean build).
        feed.updated(max((_moment(w) for w in chosen), default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))
        for webinar in chosen:
            document = webinar.document(lang)
            entry = feed.add_entry(order="append")
            entry.id(f"urn:uuid:{identifier('webinar', webinar.id, lang)}")
            entry.title(document.title)
            entry.link(href=self.page(webinar), rel="alternate", type="text/html")
            entry.published(_moment(webinar))
            entry.updated(_moment(webinar))
            entry.category(term=webinar.facts.status, label=m.label(WEBINAR_STATUS, webinar.facts.status))
            entry.content(str(self.entry_html(webinar, document)), type="html")
        root = etree.fromstring(feed.atom_str(pretty=True))
        for element, webinar in zip(root.iter(f"{_ATOM}entry"), chosen):
            written_in = webinar.document(lang).lang
            if written_in != lang:  # its title is the original's (its summary is marked in the HTML)
                element.find(f"{_ATOM}title").set(_XML_LANG, written_in)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")

    def entry_html(self, webinar: Webinar, document: Document) -> Markup:
        m, facts = self.m, webinar.facts
        html = Markup("<p><strong>{}</strong> · {}</p>\n").format(m.label(WEBINAR_STATUS, facts.status),
                                                                 self.when(webinar))
        summary = self.summary(document)
        if summary:
            rendered = _html(summary)
            if document.lang != self.lang:
                rendered = Markup('<div lang="{}">{}</div>').format(document.lang, rendered)
            html += rendered
        if webinar.cues:  # the transcripts, each on its language's page (the default's if not a site language)
            links = Markup(" · ").join(
                Markup('<a href="{}#{}" hreflang="{}">{}</a>').format(
                    urls.absolute(self.base, urls.in_language(self.config.page_language(code), urls.webinar(webinar.id))),
                    urls.transcript(code), code, m.language_name(code)) for code in webinar.cues)
            html += Markup("<p>{} {}</p>\n").format(m.gettext("Transcript:"), links)
            files = Markup(" · ").join(
                Markup('<a href="{}" type="text/vtt" hreflang="{}">{}</a>').format(
                    urls.absolute(self.base, urls.media_path(webinar.id, webinar.facts.captions[code])),
                    code, m.gettext("Captions in %(language)s") % {"language": m.language_name(code)})
                for code in webinar.cues)
            html += Markup("<p>{}</p>\n").format(files)
        if facts.status == "planned" and facts.registration:
            html += Markup('<p><a href="{}">{}</a></p>\n').format(facts.registration,
                                                                  m.gettext("Register for this webinar"))
        return html

    # ---- iCalendar ------------------------------------------------------------------

    def calendar(self, webinars: list[Webinar], alone: bool = False) -> str:
        """A calendar of `webinars`: to subscribe to (every webinar, cancelled ones marked),
        or with `alone`, the one webinar to add to a calendar."""
        from icalendar import Calendar

        calendar = Calendar()
        calendar.add("prodid", f"-//{self.config.organisation(self.lang)}//Webinars//{self.lang.upper()}")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        if not alone:
            calendar.add("name", self.config.title(self.lang))
            calendar.add("x-wr-calname", self.config.title(self.lang))
            calendar.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
        for webinar in webinars:
            calendar.add_component(self.event(webinar))
        return calendar.to_ical().decode("utf-8")

    def event(self, webinar: Webinar):
        from icalendar import Event

        m, facts, document = self.m, webinar.facts, webinar.document(self.lang)
        event = Event()
        # One event in every language's calendar: subscribed twice, it is shown once.
        event.add("uid", identifier("webinar", webinar.id))
        event.add("dtstamp", _moment(webinar))  # of the content, not of the build
        if facts.start is not None:
            event.add("dtstart", _moment(webinar))
            if facts.duration:
                event.add("duration", dt.timedelta(minutes=facts.duration))
        else:
            event.add("dtstart", facts.date)  # a day: its time is not known yet
        written = {"LANGUAGE": document.lang}
        event.add("summary", document.title, parameters=written)
        event.add("status", "CANCELLED" if facts.status == "cancelled" else "CONFIRMED")
        lines = [self.when(webinar)]
        summary = _first_paragraph(self.summary(document))
        if summary:
            lines.append(summary)
        if facts.status == "planned" and facts.registration:
            lines.append(f"{m.gettext('Register for this webinar')}: {facts.registration}")
        if self.base:
            lines.append(self.page(webinar))
            event.add("url", self.page(webinar), parameters={"VALUE": "URI"})
        # The date and links are in the calendar's language; the summary may be the original's.
        event.add("description", "\n\n".join(lines),
                  parameters={"LANGUAGE": self.lang} if document.lang == self.lang else None)
        return event


# A summary is rendered once, not once per language (most are not translated).
@lru_cache(maxsize=4096)
def _html(markdown: str) -> Markup:
    """`markdown` as HTML: CommonMark without HTML (an author's tags come out as text)."""
    return Markup(_RENDER.render(markdown))


@lru_cache(maxsize=4096)
def _first_paragraph(markdown: str) -> str:
    """The first paragraph of `markdown` as plain text (what a calendar shows of a summary)."""
    return first_paragraph(markdown, limit=500)
