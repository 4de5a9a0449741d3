"""The site's URL scheme, relative to a language's root (clean, directory-style URLs).

The only module that knows how one page reaches another: every ``../`` of a link is
made here. A language's root is ``<site>/<lang>/``; the files every language shares
(media, downloads) are at the site's root.
"""

from __future__ import annotations

HOME = ""
WEBINARS = "webinars/"
TOPICS = "topics/"
REPORT = "annual-report/"  # the annual report's overview (a notebook); a year's page is report_year(year)
SEARCH = "search/"  # Sphinx's own page (its docname is "search"), made by webinars.engine.search
MEDIA_ROOT = "media/"  # shared by all languages, at the site root


def webinar(slug: str) -> str:
    return f"webinars/{slug}/"


def topic(topic_id: str) -> str:
    return f"topics/{topic_id}/"


def report_year(year: int) -> str:
    return f"{REPORT}{year}/"


def page(name: str) -> str:
    return f"{name}/"


def source_file(url: str) -> str:
    """The MyST file that the build turns into `url`."""
    return f"{url}index.md" if url else "index.md"


def docname(url: str) -> str:
    return source_file(url).removesuffix(".md")


def relative(from_url: str, to_url: str) -> str:
    """Link from the page at `from_url` to `to_url`, both under one language root."""
    return "../" * from_url.count("/") + to_url or "./"


def site_root(from_url: str) -> str:
    """Link from the page at `from_url` to the site's root, above the languages' folders."""
    return "../" * (from_url.count("/") + 1)


def media_path(slug: str, file: str) -> str:
    """Where a webinar's material is in the site (from its root), once for all languages."""
    return f"{MEDIA_ROOT}{slug}/{file}"


def transcript(lang: str) -> str:
    """The id of a webinar page's transcript in language `lang` (an address's fragment)."""
    return f"wb-transcript-{lang}"


def media(from_url: str, slug: str, file: str) -> str:
    """Link to a webinar's material, stored once for all languages."""
    return site_root(from_url) + media_path(slug, file)


def shared_file(from_url: str, path: str) -> str:
    """Link to a file every language shares (``data/topic-list.csv``)."""
    return site_root(from_url) + path


DATA_ROOT = "data/"  # the downloads, shared by all languages, at the site root
REPORT_FILE = f"{DATA_ROOT}annual-report.csv"  # the annual report's figures, every year, in codes


def topic_list_file(kind: str, code: str | None = None) -> str:
    """The topic list as `kind` (csv, json) for readers of `code` (None: the default language's),
    from the site's root."""
    return f"{DATA_ROOT}topic-list{f'.{code}' if code else ''}.{kind}"


FEEDS_ROOT = "feeds/"  # the Atom feeds, one per language, at the site root
CALENDAR_ROOT = "calendar/"  # the iCalendar files, at the site root
STAFF_ROOT = "staff/"  # the announcements of planned webinars, for staff (no page links there)


def feed_file(code: str) -> str:
    """The Atom feed of the webinars in `code`, from the site's root."""
    return f"{FEEDS_ROOT}{code}.xml"


def calendar_file(code: str, slug: str | None = None) -> str:
    """The calendar of every webinar in `code`, or of the webinar `slug` alone, from the site's root."""
    return f"{CALENDAR_ROOT}{f'{slug}.' if slug else ''}{code}.ics"


def absolute(base_url: str, path: str) -> str:
    """The address of `path` (from the site's root): absolute with the site's `base_url`,
    else from the root of the server (``/en/webinars/...``)."""
    return base_url.rstrip("/") + "/" + path


def in_language(code: str, url: str) -> str:
    """The page at `url` of the language `code`, from the site's root (for an absolute address)."""
    return f"{code}/{url}"


def other_language(from_url: str, code: str) -> str:
    """Link from the page at `from_url` to the same page in the language `code`."""
    return site_root(from_url) + f"{code}/{from_url}"
