"""How the site is served (scripts/webinars/finish/serving.py): the `_headers` and
`_redirects` the build writes for Netlify and Cloudflare Pages, and the nginx and Apache
configuration in docs/serving/, the same; the sample site served by a real nginx (Debian's)
with docs/serving/'s configuration, its pages in Chromium under the Content-Security-Policy
without a violation."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from webinars.finish.serving import CSP, HEADERS, LONG_CACHE

from conftest import REPO, free_port, offline_context, wait_for_port

SERVING = REPO / "docs" / "serving"
SHOWCASE = "en/webinars/2024-05-21-licensing-negotiation/"

pytestmark = pytest.mark.build


def test_every_hosts_configuration_says_the_same_headers(built_sample: Path) -> None:
    site = built_sample / "_build/site"
    headers = (site / "_headers").read_text(encoding="utf-8")
    assert f"  Content-Security-Policy: {CSP}\n" in headers
    assert f"/zh/pagefind/fragment/*\n  Cache-Control: {LONG_CACHE}\n" in headers
    redirects = (site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/  /ar/  302!  Language=ar" in redirects and redirects.index("/  /en/  302!") == 5
    assert "/ar/*  /404.ar.html  404" in redirects
    nginx = (SERVING / "nginx-site.conf").read_text(encoding="utf-8")
    apache = (SERVING / "apache.htaccess").read_text(encoding="utf-8")
    for name, value in HEADERS.items():
        assert f'add_header {name} "{value}" always;' in nginx, name
        assert f'Header always set {name} "{value}"' in apache, name
    for lang in ("ar", "en", "es", "fr", "ru", "zh"):
        assert f"ErrorDocument 404 /404.{lang}.html" in apache
        page = (site / f"404.{lang}.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in page and page.index(f'<section lang="{lang}"') < page.index("<section lang=", page.index("</section>"))



@pytest.fixture(scope="module")
def nginx(built_sample: Path, tmp_path_factory) -> str:
    """The sample site served by nginx with docs/serving/'s configuration; its address."""
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        pytest.fail("nginx is missing: run `make test`, which installs it with apt-get")
    work = tmp_path_factory.mktemp("nginx")
    port = free_port()
    temp = "\n".join(f"  {kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
{temp}
  include {SERVING}/nginx-http.conf;
  server {{
    listen 127.0.0.1:{port};
    root {(built_sample / "_build/site").resolve()};
    include {SERVING}/nginx-site.conf;
  }}
}}
""", encoding="utf-8")
    server = subprocess.Popen([binary, "-c", str(work / "nginx.conf"), "-p", str(work), "-e", str(work / "error.log")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for_port(port, server, "nginx")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def _get(base: str, path: str, **headers) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def test_nginx_sends_the_headers_the_cache_the_404_of_each_language_and_the_root_redirect(nginx: str) -> None:
    status, headers, _ = _get(nginx, f"/{SHOWCASE}")
    assert status == 200
    for name, value in HEADERS.items():
        assert headers[name.lower()] == value, name
    assert headers["cache-control"] == "no-cache"  # a page: asked again at each visit
    page = _get(nginx, f"/{SHOWCASE}")[2].decode()
    styles = next(  # the theme's stylesheet, fingerprinted by ?v=
        part.split('"')[0] for part in page.split('href="') if "webinars-site.css?v=" in part.split('"')[0])
    status, headers, _ = _get(nginx, "/en/webinars/2024-05-21-licensing-negotiation/" + styles)
    assert status == 200 and headers["cache-control"] == LONG_CACHE, styles
    status, headers, _ = _get(nginx, "/media/2024-05-21-licensing-negotiation/captions.ar.vtt")
    assert status == 200 and headers["content-type"].startswith("text/vtt")
    status, headers, body = _get(nginx, "/ar/no-such-page/")
    assert status == 404 and b'<html lang="ar" dir="rtl">' in body
    assert headers["content-security-policy"] == CSP
    status, _, body = _get(nginx, "/no-such-page")
    assert status == 404 and b'<html lang="en"' in body
    assert _get(nginx, "/", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})[1]["location"].endswith("/zh/")
    assert _get(nginx, "/", **{"Accept-Language": "de-DE,de"})[1]["location"].endswith("/en/")
    assert _get(nginx, "/_headers")[0] == 404


@pytest.mark.browser
def test_pages_served_by_nginx_break_no_rule_of_the_policy(browser, nginx: str) -> None:
    context = offline_context(browser, nginx)
    context.add_init_script("""window.violations = [];
        document.addEventListener("securitypolicyviolation",
            e => window.violations.push(e.violatedDirective + " " + e.blockedURI));""")
    page = context.new_page()
    problems = {}
    for path in (SHOWCASE, "ar/", "zh/topic-list/", "fr/propose/", "ru/annual-report/", "es/series/"):
        page.goto(f"{nginx}/{path}")
        page.wait_for_load_state("networkidle")
        if path == SHOWCASE:
            page.locator("details.wb-transcript summary").first.click()
            page.locator("a.wb-facade").click()  # the host's player, in a frame the policy allows
            page.locator(".wb-player iframe").wait_for()
        found = page.evaluate("window.violations")
        if found:
            problems[path] = found
    page.goto(f"{nginx}/en/search/?q=licensing")  # Pagefind: its script, worker and WebAssembly
    page.locator(".wb-search-results li a").first.wait_for(timeout=15000)
    problems.update({"search": found} if (found := page.evaluate("window.violations")) else {})
    context.close()
    assert not problems, problems
