"""The announcement of a planned webinar, in each site language: plain text and HTML, ready
to paste into an e-mail or a post (title; date and time where it is held and in UTC;
duration; languages with interpretation; audience; speakers; the summary's first
paragraph; registration and page links).

``webinars announce SLUG`` prints it; the site offers it to staff at ``staff/`` (one page
per planned webinar with every language's text to copy, and a list of them), which no
page of the site links to, search engines are asked not to index, and the sitemap and
the search index leave out.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import urls
from ..assemble.myst import first_paragraph
from ..config import Config
from ..content.catalogue import Catalogue
from ..content.models import Webinar
from ..languages import Language
from ..messages import ROLES, messages_for

def staff_file(slug: str | None = None) -> str:
    """The staff's page of a planned webinar's announcements (or the list of them), from the site's root."""
    return f"{urls.STAFF_ROOT}{slug or 'index'}.html"


@dataclass(frozen=True)
class Announcement:
    lang: str
    direction: str
    title: str
    title_lang: str  # the language the title is written in (the original's, if not translated)
    rows: tuple[tuple[str, str], ...]  # label, value
    summary: str
    summary_lang: str
    registration: str
    register_label: str
    page: str  # absolute, or "" (the site's base_url is not set)
    page_label: str
    pair: str  # "%(label)s: %(value)s" in this language

    def line(self, label: str, value: str) -> str:
        return self.pair % {"label": label, "value": value}

    @property
    def text(self) -> str:
        lines = [self.title, "", *(self.line(label, value) for label, value in self.rows)]
        if self.summary:
            lines += ["", self.summary]
        links = [(self.register_label, self.registration), (self.page_label, self.page)]
        lines += ["", *(self.line(label, link) for label, link in links if link)]
        return "\n".join(lines).rstrip("\n") + "\n"

    @property
    def html(self) -> str:
        return _env().get_template("announcement.html").render(a=self)


def announcement(config: Config, catalogue: Catalogue, summary_names: set[str], webinar: Webinar,
                 language: Language) -> Announcement:
    m = messages_for(language, config.path("locales_dir"))
    facts, document, lang = webinar.facts, webinar.document(language.code), language.code
    rows = [(m.gettext("Date"), m.date_and_time(facts.date, facts.start))]
    if facts.duration:
        rows.append((m.gettext("Duration"), m.minutes(facts.duration)))
    rows.append((m.gettext("Languages (with interpretation)"),
                 m.gettext(", ").join(m.language_name(code) for code in facts.languages)))
    topic = catalogue.topics.get(facts.topic)
    if topic is not None and topic.facts.audience:
        rows.append((m.gettext("Target audience"), topic.facts.audience))
    speakers = facts.speakers
    if speakers:
        rows.append((m.gettext("Speakers"), "; ".join(
            f"{s.name}{m.gettext(', ') + s.affiliation if s.affiliation else ''} ({m.label(ROLES, s.role)})"
            for s in speakers)))
    summary = first_paragraph(document.section_text(summary_names) or "", limit=600)
    base = config.settings.base_url  # a message needs an absolute address
    page = urls.absolute(base, urls.in_language(lang, urls.webinar(webinar.id))) if base else ""
    return Announcement(lang, language.direction, document.title, document.lang, tuple(rows), summary, document.lang,
                        facts.registration or "", m.gettext("Register for this webinar"), page,
                        m.gettext("Webinar page"), m.gettext("%(label)s: %(value)s"))


def staff_pages(config: Config, catalogue: Catalogue, summary_names: set[str]) -> dict[str, str]:
    """The staff's pages: one per planned webinar, with its announcement in every language,
    and the list of them (path in the site -> text)."""
    planned = catalogue.by_status("planned")
    default = config.default_language
    m = messages_for(default, config.path("locales_dir"))
    files = {}
    for webinar in planned:
        announcements = [announcement(config, catalogue, summary_names, webinar, language)
                         for language in config.languages]
        files[staff_file(webinar.id)] = _env().get_template("staff_announcements.html").render(
            default=default, title=webinar.document(default.code).title, announcements=announcements,
            native=lambda code: Language(code).native_name, back=m.gettext("Announcements of the planned webinars"),
            heading=m.gettext("Announcement of a planned webinar"), text_label=m.gettext("Plain text"),
            html_label=m.gettext("As HTML (to paste into a message)"))
    files[staff_file()] = _env().get_template("staff_index.html").render(
        default=default, title=m.gettext("Announcements of the planned webinars"),
        intro=m.gettext("For staff: the text announcing each planned webinar, in every language. "
                        "Visitors' pages do not link here."),
        none=m.gettext("No webinar is scheduled at the moment."),
        webinars=[(webinar, webinar.document(default.code), m.weekday_date(webinar.facts.date)) for webinar in planned])
    return files


_ENV: list[Environment] = []


def _env() -> Environment:
    if not _ENV:
        _ENV.append(Environment(loader=PackageLoader("webinars", "templates"), autoescape=select_autoescape(["html"]),
                                trim_blocks=True, lstrip_blocks=True))
    return _ENV[0]
