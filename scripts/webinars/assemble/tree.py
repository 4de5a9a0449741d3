"""Write one language's source tree: MyST pages, Jupyter Book config, theme catalogue.

Files are rewritten only when their text changes, so that an unchanged page keeps
its time stamp and the build stage need not read it again.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config import YAML_LOADER, Config
from ..content.catalogue import Catalogue
from ..content.models import Page, Topic, Webinar
from ..languages import Language
from .. import urls
from ..messages import messages_for
from ..fingerprints import Fingerprints
from ..work import LanguageWork, Memo
from ..content.load import Content
from ..content.notebooks import NotebookSource
from .notebooks import notebook_page
from .pages import Origin, PageWriter, precompile_templates

SPHINX_DOMAIN = "sphinx"  # the theme's strings are in Sphinx's own catalogue


@dataclass(frozen=True)
class SourceTree:
    """A language's source tree, written."""

    src: Path
    origins: dict[str, Origin]  # file in `src` -> where its body comes from (to locate problems)
    late: dict[str, dict[str, str]]  # docname -> late part's name -> HTML (filled in once built)


@dataclass(frozen=True)
class Sources:
    """What every language's source tree is written from. The engine calls :meth:`write`
    in each language's own process (:func:`webinars.engine.jupyterbook.start_languages`)."""

    config: Config
    content: Content
    fingerprints: Fingerprints
    fragment_key: bytes  # signs the HTML our templates make
    fresh: bool  # render every page, none taken from the last build

    def warm_up(self) -> None:
        """Load what every language's process needs (locale data, compiled templates) once,
        here, before they are forked."""
        warm_up(self.config)

    def write(self, lang: str) -> SourceTree:
        here = self.config.work.language(lang)
        if self.fresh:
            here.kept_pages.unlink(missing_ok=True)
        content = self.content
        origins, late = assemble_language(content.catalogue, content.pages, self.config, self.config.language(lang),
                                          content.heading_names, here.src, content.notebooks, self.fingerprints.notebooks,
                                          self.fingerprints, self.fragment_key)
        return SourceTree(here.src, origins, late)


def warm_up(config: Config) -> None:
    """Load what writing every language's tree needs: locale data, compiled templates."""
    for language in config.languages:
        messages_for(language, config.path("locales_dir"))
        language.locale.date_formats  # noqa: B018 - loads the locale's data
    precompile_templates()


def assemble_language(catalogue: Catalogue, extra_pages: dict[str, Page], config: Config,
                      language: Language, heading_names: dict[str, set[str]], dest: Path,
                      notebooks: list[NotebookSource] = (), key: str = "",
                      fingerprints: Fingerprints | None = None, fragment_key: bytes = b""
                      ) -> tuple[dict[str, Origin], dict[str, dict[str, str]]]:
    """Write the source tree of `language` into `dest`.

    With `fingerprints`, a webinar or topic page whose inputs (the content folders it
    shows something of, see :func:`_page_key`, and everything that is not content) are
    as at the last run is taken from that run instead of rendered again.

    Returns where each page's body comes from (file in `dest` -> origin), so that a
    problem the build finds can be reported in the author's file; and the late parts of
    each page (docname -> name -> HTML), filled in once the page is built.
    """
    messages = messages_for(language, config.path("locales_dir"))
    writer = PageWriter(catalogue, config, messages, heading_names, extra_pages, fragment_key=fragment_key)
    here = LanguageWork(dest.parent)
    if fingerprints is not None:
        writer.keys = lambda item: _page_key(catalogue, fingerprints, language.code, item)
        writer.memo = Memo(here.kept_pages)
    # The kept pages are in the tree as they were kept (see `_sync`), unless this run
    # stops half-way through writing it: then the next run has no kept page to trust.
    here.kept_pages.unlink(missing_ok=True)
    notebook_pages = [notebook_page(nb, messages, config.root, key) for nb in notebooks]
    pages = writer.all_pages() + notebook_pages
    titles = {urls.docname(p.url): (p.title, p.lang) for p in pages}
    toc = yaml.load((config.root / "_toc.yml").read_text(encoding="utf-8"), Loader=YAML_LOADER)
    wanted = {p.file: p.text for p in pages}
    wanted["_toc.yml"] = yaml.safe_dump(toc, allow_unicode=True, sort_keys=False)
    wanted["_config.yml"] = yaml.safe_dump(
        book_config(config, language, messages.gettext, _nav(toc, titles), here.jupyter_cache,
                    fragment_key, [urls.docname(page.url) for page in notebook_pages]),
        allow_unicode=True, sort_keys=False)
    po = config.path("locales_dir") / language.code / "LC_MESSAGES" / f"{SPHINX_DOMAIN}.po"
    if po.is_file():
        wanted[f"_locales/{language.sphinx_locale}/LC_MESSAGES/{SPHINX_DOMAIN}.po"] = po.read_text("utf-8")
    _sync(dest, wanted, {p.file for p in pages if writer.memo is not None and p.url in writer.memo.reused})
    if writer.memo is not None:
        writer.memo.save()
    late = {urls.docname(p.url): dict(p.late) for p in pages if p.late}
    late["search"] = writer.search_filters()  # on the page Sphinx makes (it has no source)
    return {p.file: p.origin for p in pages if p.origin is not None}, late


def _page_key(catalogue: Catalogue, fingerprints: Fingerprints, lang: str, item: Webinar | Topic) -> str | None:
    """What a webinar's or topic's page is made from: the content folders it shows something
    of (:meth:`PageWriter.webinar_shows`, :meth:`PageWriter.topic_shows`, declared beside
    the code that renders the page), and everything that is not content
    (`fingerprints.rest`). Which folders those are is worked out from today's content, so
    a webinar or topic that joins or leaves a series or a progression changes the key.
    """
    if isinstance(item, Webinar):
        folders, counted = PageWriter.webinar_shows(catalogue, item), []
    else:
        folders, counted = PageWriter.topic_shows(catalogue, item)
    if any(folder not in fingerprints.folders for folder in folders):
        return None
    digest = hashlib.sha256(f"{lang}\0{fingerprints.rest}\0{type(item).__name__}\0".encode())
    for folder in folders:
        digest.update(f"{folder}\0{fingerprints.folders[folder]}\n".encode())
    digest.update("\n".join(counted).encode())
    return digest.hexdigest()


def book_config(config: Config, language: Language, _, nav: list[dict], cache: Path, fragment_key: bytes = b"",
                notebooks: list[str] = ()) -> dict[str, Any]:
    """Jupyter Book's ``_config.yml`` for one language: the project's, plus the language's settings.

    The build takes the HTML fragments signed with `fragment_key` and no other HTML, except
    in the outputs of the project's own `notebooks` (their docnames)."""
    book = copy.deepcopy(config.book)
    execute = book.setdefault("execute", {})
    execute["cache"] = str(cache.resolve())  # one execution cache per language
    book["title"] = config.title(language.code)
    book["author"] = config.organisation(language.code)
    # The tree holds only the pages its table of contents lists (`_sync` removes the others):
    # no need for Jupyter Book to match every file of it against the table at each start.
    book["only_build_toc_files"] = False
    sphinx = book.setdefault("sphinx", {})
    sphinx.setdefault("extra_extensions", [])
    if "webinars.engine.extension" not in sphinx["extra_extensions"]:
        sphinx["extra_extensions"].append("webinars.engine.extension")
    settings = sphinx.setdefault("config", {})
    settings.update({
        # Nothing here is numbered; with numbering on, Sphinx reads every page's
        # doctree again whenever the table of contents changes.
        "numfig": False,
        "language": language.sphinx_locale,
        "locale_dirs": ["_locales"],
        "templates_path": [str(config.path("templates_dir").resolve())],
        "html_static_path": [str(config.path("static_dir").resolve())],
        "webinars_fragment_key": fragment_key.hex(),
        "webinars_notebooks": list(notebooks),
    })
    theme = settings.setdefault("html_theme_options", {})
    theme["search_bar_text"] = _("Search this site…")
    context = settings.setdefault("html_context", {})
    context.update({
        "webinars_lang": language.code,
        "webinars_dir": language.direction,
        "webinars_languages": [
            {"code": l.code, "name": l.native_name, "dir": l.direction} for l in config.languages
        ],
        "webinars_default_language": config.default_language.code,
        "webinars_base_url": config.settings.base_url,
        "webinars_og_locale": language.og_locale,
        "webinars_share_image": urls.absolute(config.settings.base_url, urls.in_language(
            language.code, f"_static/{config.settings.share_image}")) if config.settings.base_url and
        config.settings.share_image else "",
        "webinars_og_alternates": [l.og_locale for l in config.languages if l.code != language.code],
        "webinars_nav": nav,
        "webinars_labels": {
            "languages": _("Languages"),
            "language_menu": _("Language: %(language)s") % {"language": language.native_name},
            "navigation": _("Site navigation"),
        },
    })
    return book


def _nav(toc: dict, titles: dict[str, tuple[str, str]]) -> list[dict]:
    """The site navigation, from the table of contents' root and chapters."""
    entries = [toc["root"]] + [c["file"] for c in toc.get("chapters", []) if "file" in c]
    nav = []
    for doc in entries:
        title, lang = titles.get(doc, (doc, ""))
        nav.append({"doc": doc, "title": title, "lang": lang, "dir": Language(lang).direction if lang else ""})
    return nav


def _sync(dest: Path, wanted: dict[str, str], kept: set[str] = frozenset()) -> None:
    """Make `dest` hold exactly the `wanted` files (name -> text), writing only those whose
    text changed. The `kept` ones are pages taken from the last run, which left them in
    `dest` as they are: they are not read again (375 files per language at 300 webinars),
    only written if missing."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, text in wanted.items():
        path = dest / name
        if name in kept and path.is_file():
            continue
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # Pages no longer wanted go, and the folders they leave empty (deepest first).
    keep = {os.path.join(dest, name) for name in wanted}
    for folder, _subfolders, names in os.walk(dest, topdown=False):
        for name in names:
            if name.endswith(".md") and os.path.join(folder, name) not in keep:
                os.unlink(os.path.join(folder, name))
        if folder != str(dest) and not os.listdir(folder):
            os.rmdir(folder)
