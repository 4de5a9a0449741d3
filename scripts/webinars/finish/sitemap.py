"""How search engines find every page: ``sitemap.xml`` (every page in every language, each
with its alternates in the others) and ``robots.txt`` pointing to it, at the site's root.

A sitemap lists absolute addresses only: it is made when ``_config.yml`` sets the site's
``base_url``, and ``robots.txt`` names it then. The search page is not listed (it has
nothing of its own to find), nor Sphinx's general index.
"""

from __future__ import annotations

from lxml import etree

from .. import report, urls
from ..config import Config
from ..content.catalogue import Catalogue

_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML = "http://www.w3.org/1999/xhtml"


def pages(catalogue: Catalogue, extra_pages: list[str], notebooks: list[str]) -> list[str]:
    """Every page's address under a language's root (the same in every language)."""
    found = [urls.HOME, urls.WEBINARS, urls.TOPICS]
    found += [urls.page(name) for name in sorted({*extra_pages, *notebooks}) if name != "index"]
    found += [urls.webinar(slug) for slug in sorted(catalogue.webinars)]
    found += [urls.topic(topic_id) for topic_id in sorted(catalogue.topics)]
    found += [urls.report_year(year) for year in report.years(catalogue)]
    return found


def found_files(config: Config, catalogue: Catalogue, extra_pages: list[str], notebooks: list[str]) -> dict[str, str]:
    """``sitemap.xml`` and ``robots.txt`` (path in the site -> text); without a ``base_url``,
    a ``robots.txt`` that allows everything and names no sitemap."""
    base = config.settings.base_url
    robots = "User-agent: *\nAllow: /\n"
    if not base:
        return {"robots.txt": robots}
    codes = [language.code for language in config.languages]
    root = etree.Element(f"{{{_SITEMAP}}}urlset", nsmap={None: _SITEMAP, "xhtml": _XHTML})
    for page in pages(catalogue, extra_pages, notebooks):
        for code in codes:
            url = etree.SubElement(root, f"{{{_SITEMAP}}}url")
            etree.SubElement(url, f"{{{_SITEMAP}}}loc").text = urls.absolute(base, urls.in_language(code, page))
            for other in codes:
                etree.SubElement(url, f"{{{_XHTML}}}link", rel="alternate", hreflang=other,
                                 href=urls.absolute(base, urls.in_language(other, page)))
    sitemap = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")
    return {"sitemap.xml": sitemap, "robots.txt": robots + f"Sitemap: {urls.absolute(base, 'sitemap.xml')}\n"}
