"""How a web server should serve the site, said once: the response headers (a
Content-Security-Policy that runs only the site's own scripts, no sniffing, a referrer
policy), long caching for the files whose address changes with their content, the "page
not found" page of each language, and the root's redirect to the reader's language.

Written into the site for the hosts that read it from there (``_headers`` and
``_redirects``: Netlify, Cloudflare Pages); for nginx and Apache, ``docs/serving/`` holds
the configuration to include (a test keeps it equal to what is said here, and serves the
site with nginx under it).
"""

from __future__ import annotations

from ..config import Config

# script-src 'self': no inline script, no event attribute, no script of another site (the
# safety work made the pages so); 'wasm-unsafe-eval': the search (Pagefind) compiles its
# WebAssembly. style-src 'unsafe-inline': the pages carry style attributes (bars of charts)
# and the 404 page its own <style>: styles run no code. img-src https: an author's image is
# an https:// address; media-src https: a recording the organisation hosts; frame-src: the
# video hosts' players, loaded on a click.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' https: data:; media-src 'self' https:; font-src 'self' data:; connect-src 'self'; "
       "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; worker-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Files named by their content (Pagefind's index): their address changes when they do.
FINGERPRINTED = ("pagefind/fragment/", "pagefind/index/", "pagefind/filter/")
LONG_CACHE = "public, max-age=31536000, immutable"


def not_found_file(lang: str) -> str:
    """The "page not found" page with `lang` first, served for a missing page under /<lang>/."""
    return f"404.{lang}.html"


def headers_file(config: Config) -> str:
    """``_headers`` (Netlify, Cloudflare Pages): every response's headers; long caching for
    the fingerprinted files. (The theme's files are fingerprinted by a ``?v=`` in their
    address, which these hosts cannot match: they revalidate them, by their ETag.)"""
    lines = ["/*", *(f"  {name}: {value}" for name, value in HEADERS.items())]
    for language in config.languages:
        for folder in FINGERPRINTED:
            lines += [f"/{language.code}/{folder}*", f"  Cache-Control: {LONG_CACHE}"]
    return "\n".join(lines) + "\n"


def redirects_file(config: Config) -> str:
    """``_redirects`` (Netlify): the root to the reader's language (by Accept-Language; the
    root page says the same with links for the other hosts), and each language's 404."""
    default = config.settings.default_language
    lines = [f"/  /{language.code}/  302!  Language={language.code}"
             for language in config.languages if language.code != default]
    lines.append(f"/  /{default}/  302!")
    lines += [f"/{language.code}/*  /{not_found_file(language.code)}  404" for language in config.languages]
    return "\n".join(lines) + "\n"
