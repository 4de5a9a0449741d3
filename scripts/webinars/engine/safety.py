"""The build's own check that content stayed data (the loader's policy comes first:
:mod:`webinars.content.policy`).

- docutils may insert no file and pass no raw markup (``file_insertion_enabled`` and
  ``raw_enabled`` off): ``{include}``, ``{literalinclude}``, ``{raw}``, ``:file:`` and
  ``:url:`` options fail, wherever they come from;
- the only HTML a page holds is the fragments our templates made, which reach Sphinx
  signed (the ``wb-html`` directive), and the outputs of the project's own notebooks;
- an image is shown by its https:// address, a link has a web or mail address: no
  file of the machine is copied into the site, no ``javascript:`` link reaches it.

What breaks these rules is reported as a problem of the page and left out of it.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx import addnodes
from sphinx.util import logging

from ..assemble.myst import FRAGMENT, fragment_text
from ..content.policy import is_safe_comment, is_safe_link, verify

logger = logging.getLogger(__name__)


def setup(app) -> None:
    app.add_config_value("webinars_fragment_key", "", "env")
    app.add_config_value("webinars_notebooks", [], "env")
    app.add_directive(FRAGMENT, Fragment)
    app.connect("builder-inited", no_file_insertion_no_raw)
    # Before Sphinx's collectors note the page's images and downloads, to copy them.
    app.connect("doctree-read", only_safe_nodes, priority=100)


def no_file_insertion_no_raw(app) -> None:
    app.env.settings["file_insertion_enabled"] = False
    app.env.settings["raw_enabled"] = False


class Fragment(Directive):
    """HTML made by our templates, taken only with the signature the assembly gave it."""

    has_content = True
    option_spec = {"signature": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        html = fragment_text("\n".join(self.content))
        key = bytes.fromhex(env.config.webinars_fragment_key or "")
        if not verify(key, html, self.options.get("signature", "")):
            raise self.error("HTML without the build's signature: raw HTML is not allowed in content")
        node = nodes.raw("", html, format="html")
        node["wb_signed"] = True
        return [node]


def only_safe_nodes(app, doctree: nodes.document) -> None:
    if app.env.docname in app.config.webinars_notebooks:
        return  # the project's own code: its outputs are made by our package
    for node in list(doctree.findall(nodes.raw)):
        if node.get("wb_signed"):
            continue
        if not is_safe_comment(node.astext()):
            _refuse(node, "raw HTML is not allowed in content: write the text in Markdown")
        node.parent.remove(node)
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        if not uri.startswith("https://"):
            _refuse(node, f"image {uri[:80]!r}: show an image by its https:// address")
            node.parent.remove(node)
    for node in list(doctree.findall(addnodes.download_reference)):
        _refuse(node, "a link to a file: a file is published only when `slides:` lists it")
        node.replace_self(nodes.Text(node.astext()))
    for node in list(doctree.findall(nodes.reference)):
        uri = node.get("refuri")
        if uri and ":" in uri.split("/", 1)[0] and not is_safe_link(uri):
            _refuse(node, f"link to {uri[:80]!r} is not allowed: link to an https:// address")
            node.replace_self(nodes.Text(node.astext()))


def _refuse(node: nodes.Node, message: str) -> None:
    logger.warning(message, location=node, type="webinars", subtype="content")
