"""The project's Sphinx extension (``webinars.engine.extension`` in every language's
``_config.yml``). It only registers; each concern is a module of its own:

- :mod:`.safety`: content stays data (no file inserted, no raw HTML but our signed fragments);
- :mod:`.chrome`: what every page shows around its content (language switcher, hreflang
  links, text direction, site navigation, the project's CSS and JavaScript);
- :mod:`.bundles`: the small stylesheets and head scripts joined, one request each;
- :mod:`.search`: Sphinx's search off, and the search page (Pagefind indexes each language);
- :mod:`.notebooks`: myst-nb shows the outputs of the notebooks executed ahead of the build;
- :mod:`.patches`: every change made to a library's internals, applied here when it
  holds for the whole process.
"""

from __future__ import annotations

from typing import Any

from . import bundles, chrome, notebooks, patches, safety, search

__version__ = "1.0"


def setup(app) -> dict[str, Any]:
    safety.setup(app)
    chrome.setup(app)
    bundles.setup(app)
    search.setup(app)
    notebooks.setup(app)
    patches.apply_section_numbers_only_when_numbered()
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
