"""What every page shows around its content: the language switcher and hreflang links,
the text direction, the site navigation, and the project's CSS and JavaScript.

What a page shows is decided by the assembly stage and passed in through
``html_context`` and each page's metadata; here it is handed to the theme's templates.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .. import urls
from ..languages import Language
from ..work import LanguageWork


def setup(app) -> None:
    app.connect("config-inited", no_numbering, priority=900)
    app.connect("builder-inited", keep_compiled_templates)
    app.connect("html-page-context", page_context)
    app.add_css_file("webinars.css")
    app.add_js_file("topic-list.js", loading_method="defer")


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


def page_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    lang = context.get("webinars_lang", "en")
    direction = context.get("webinars_dir", "ltr")
    # pydata-sphinx-theme writes <html lang="{{ language }}"> and has no place for dir:
    # give it the BCP 47 code and the direction together.
    context["language"] = Markup(f'{escape(lang)}" dir="{escape(direction)}')
    target = app.builder.get_target_uri(pagename)
    # Sphinx's <link rel="prev/next"> follow the table of contents, and a page is not
    # rewritten when its neighbour changes: they would go stale. Series navigation is
    # part of each page's content instead.
    context["prev"] = context["next"] = None
    context["webinars_alternates"] = [
        {**language, "href": urls.other_language(target, language["code"]), "current": language["code"] == lang}
        for language in context.get("webinars_languages", [])
    ]
    context["webinars_nav_links"] = [
        {"title": item["title"], "href": urls.relative(target, app.builder.get_target_uri(item["doc"])),
         "current": item["doc"] == pagename,
         "lang": item.get("lang") if item.get("lang") not in ("", lang) else None, "dir": item.get("dir")}
        for item in context.get("webinars_nav", [])
    ]
    content = Language((app.env.metadata.get(pagename) or {}).get("content_lang", lang))
    context["webinars_content_lang"], context["webinars_content_dir"] = content.code, content.direction
    if content.code != lang and "body" in context:
        # The page falls back to its original: mark the text with the language it is in.
        context["body"] = Markup('<div lang="{}" dir="{}">').format(content.code, content.direction) + \
            Markup(context["body"]) + Markup("</div>")
