"""What every page shows around its content: the language switcher and hreflang links,
the text direction, the site navigation, and the project's CSS and JavaScript.

What a page shows is decided by the assembly stage and passed in through
``html_context`` and each page's metadata; here it is handed to the theme's templates.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import Markup, escape

from .. import urls
from ..languages import Language
from ..work import LanguageWork


def setup(app) -> None:
    app.connect("config-inited", no_numbering, priority=900)
    app.connect("builder-inited", keep_compiled_templates)
    app.connect("doctree-read", answer_anchors)
    app.connect("html-page-context", page_context)
    app.add_css_file("webinars.css")
    app.add_js_file("topic-list.js", loading_method="defer")
    app.add_js_file("player.js", loading_method="defer")
    app.add_js_file("report.js", loading_method="defer")
    app.add_js_file("propose.js", type="module")


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
        folder = LanguageWork.of_doctrees(app.doctreedir).compiled_templates
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _icon(paths: str, filled: str = "") -> Markup:
    return Markup('<svg class="wb-icon" viewBox="0 0 24 24" width="1.1em" height="1.1em" aria-hidden="true" '
                  'focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
                  f'stroke-linejoin="round"><path d="{paths}"/>'
                  + (f'<path d="{filled}" fill="currentColor" stroke="none"/>' if filled else "") + "</svg>")


# The theme's icons, drawn inline: Font Awesome's script (1.45 MB, 530 KB compressed) and
# font (153 KB) were four fifths of every page's weight, for nine icons.
ICONS = {
    "bars": _icon("M4 6h16M4 12h16M4 18h16"),
    "list": _icon("M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01"),
    "outdent": _icon("M21 6H11M21 12H11M21 18H11M7 8l-4 4 4 4"),
    "search": _icon("M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13zM20 20l-4.8-4.8"),
    "language": _icon("M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM3.5 9h17M3.5 15h17"
                      "M12 3c-2.5 2.6-3.6 5.6-3.6 9s1.1 6.4 3.6 9M12 3c2.5 2.6 3.6 5.6 3.6 9s-1.1 6.4-3.6 9"),
    "sun": _icon("M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4"
                 "M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"),
    "moon": _icon("M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z"),
    "auto": _icon("M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z", filled="M12 3a9 9 0 0 1 0 18z"),
    "arrow_up": _icon("M12 19V5M5.5 11.5L12 5l6.5 6.5"),
}

# Files a page loads only when its body has what they serve: every request counts on a slow
# connection (test_site checks the pages that need them still have them).
_SCRIPTS_ONLY_FOR = {
    "topic-list.js": "data-wb-filters",  # the topic list's filters
    "player.js": "wb-player",  # a recording's click-to-load player, its transcript's times
    "report.js": "data-wb-report",  # a year of the annual report: its Print button
    "propose.js": "data-wb-propose",  # the request form of "How to propose a topic"
    "design-tabs.js": "sd-tab-set",  # sphinx-design's tabs (which also work without it)
}


def _wanted(filename: str, body: str) -> bool:
    name = filename.rpartition("/")[2]
    return all(marker in body for prefix, marker in _SCRIPTS_ONLY_FOR.items() if name.startswith(prefix))


_VIEWPORT = re.compile(r'\s*<meta name="viewport"[^>]*>')


def answer_anchors(app, doctree) -> None:
    """Each follow-up answer (a dropdown) gets an id to link to: ``answer-1``, ``answer-2``
    in the page's order, the same in every language version of the page. sphinx-design
    gives its <details> the ids of the dropdown's title."""
    from sphinx_design.shared import is_component

    number = 0
    for node in doctree.findall(lambda node: is_component(node, "dropdown")):
        if "wb-answer" in node.get("container_classes", ()) and node.get("has_title") and not node[0]["ids"]:
            number += 1
            node[0]["ids"].append(f"answer-{number}")


class _Headings(HTMLParser):
    """The second-level headings of a page's body, each with the id to link to (its own, or
    its section's), and its text without the theme's "#" link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []  # ids of the open <section> elements ("" without one)
        self.found: list[tuple[str, str]] = []
        self.heading: tuple[str, list[str]] | None = None
        self.skip = 0  # inside the heading's link to itself

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self.sections.append(attributes.get("id") or "")
        elif tag == "h2":
            self.heading = (attributes.get("id") or (self.sections[-1] if self.sections else ""), [])
        elif self.heading is not None and tag == "a" and "headerlink" in (attributes.get("class") or ""):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.sections:
            self.sections.pop()
        elif tag == "a" and self.skip:
            self.skip -= 1
        elif tag == "h2" and self.heading is not None:
            anchor, words = self.heading
            text = " ".join("".join(words).split())
            if anchor and text:
                self.found.append((anchor, text))
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None and not self.skip:
            self.heading[1].append(data)


def _page_toc(body: str) -> Markup:
    """The page's contents as the theme lists them: every section, also those our templates
    write (recordings, slides, series, feedback), which Sphinx's own list does not see."""
    headings = _Headings()
    headings.feed(body)
    items = "".join(f'<li class="toc-h2 nav-item toc-entry"><a class="reference internal nav-link" '
                    f'href="#{escape(anchor)}">{escape(text)}</a></li>' for anchor, text in headings.found)
    return Markup(f'<ul class="visible nav section-nav flex-column">{items}</ul>') if items else Markup("")


def _within(pagename: str, doc: str) -> bool:
    """Whether `pagename` is a page of the section whose index is `doc` (a webinar's page is
    within "Webinars"); the home page has no section."""
    folder = doc.rpartition("/")[0]
    return bool(folder) and pagename != doc and pagename.startswith(folder + "/")


def page_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    lang = context.get("webinars_lang", "en")
    direction = context.get("webinars_dir", "ltr")
    context["wb_icon"] = ICONS
    # pydata-sphinx-theme writes <html lang="{{ language }}"> and has no place for dir:
    # give it the BCP 47 code and the direction together.
    context["language"] = Markup(f'{escape(lang)}" dir="{escape(direction)}')
    target = app.builder.get_target_uri(pagename)
    body = context.get("body") or ""
    context["script_files"] = [js for js in context.get("script_files", ())
                               if not getattr(js, "filename", None) or _wanted(js.filename, body)]
    # docutils writes a viewport tag too: Sphinx's layout has one already.
    context["metatags"] = _VIEWPORT.sub("", context.get("metatags") or "")
    # Sphinx's <link rel="prev/next"> follow the table of contents, and a page is not
    # rewritten when its neighbour changes: they would go stale. Series navigation is
    # part of each page's content instead.
    context["prev"] = context["next"] = None
    base = context.get("webinars_base_url", "")
    # Alternates are absolute with the site's address (search engines want them so), and
    # the page has a canonical address; without it, links from this page.
    context["webinars_alternates"] = [
        {**language, "current": language["code"] == lang,
         "href": urls.absolute(base, urls.in_language(language["code"], target)) if base
         else urls.other_language(target, language["code"])}
        for language in context.get("webinars_languages", [])
    ]
    context["webinars_canonical"] = urls.absolute(base, urls.in_language(lang, target)) if base else ""
    meta = app.env.metadata.get(pagename) or {}
    context["webinars_description"] = meta.get("webinars_description", "")
    context["webinars_jsonld"] = Markup(meta.get("webinars_jsonld", ""))  # made safe by assemble.structured
    context["webinars_feed"] = urls.shared_file(target, urls.feed_file(lang))  # found by feed readers
    context["webinars_nav_links"] = [
        {"title": item["title"], "href": urls.relative(target, app.builder.get_target_uri(item["doc"])),
         "current": item["doc"] == pagename, "within": _within(pagename, item["doc"]),
         "lang": item.get("lang") if item.get("lang") not in ("", lang) else None, "dir": item.get("dir")}
        for item in context.get("webinars_nav", [])
    ]
    if pagename.startswith(("webinars/", "topics/")) and pagename not in ("webinars/index", "topics/index") \
            and "body" in context:
        context["webinars_page_toc"] = _page_toc(context["body"])
    content = Language((app.env.metadata.get(pagename) or {}).get("content_lang", lang))
    context["webinars_content_lang"], context["webinars_content_dir"] = content.code, content.direction
    if content.code != lang and "body" in context:
        # The page falls back to its original: mark the text with the language it is in.
        context["body"] = Markup('<div lang="{}" dir="{}">').format(content.code, content.direction) + \
            Markup(context["body"]) + Markup("</div>")
