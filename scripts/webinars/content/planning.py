"""Warnings about the programme's plan and about content that contradicts itself: worth a
look, never in the way of a build (``webinars check`` and every build print them, each with
its file and line).

- more webinars in a year than the programme holds (``webinars: webinars_per_year``, six by
  default: the strategy's rule iv);
- a region that requested webinars with none held or planned for it in the year the
  requests are for: the year after the one they were received in (the strategy's §9; §6:
  requests are collected in the second half of a year, for the next one);
- a planned webinar whose date has passed (its page still invites people to register) and a
  held webinar dated in the future;
- a webinar folder whose name starts with another date than its ``date:``;
- a declined topic that has webinars held;
- a section heading that is almost a conventional one (``## Sumary``): the page then has no
  summary, and says so.

They depend on today's date (`today`), unlike the errors: the same content can warn
tomorrow what it did not today. ``WEBINARS_TODAY=2026-12-07`` in the environment sets the
date (the tests do, so that they give the same result any day).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path

from ..config import Config
from ..problems import Problem, Problems
from .catalogue import Catalogue

_DATED = re.compile(r"(\d{4}-\d{2}-\d{2})-")


def planning_warnings(catalogue: Catalogue, config: Config, headings: dict[str, str],
                      today: dt.date | None = None) -> list[Problem]:
    """Every warning above. `headings` maps each conventional section heading, case-folded,
    to the way it is written (``résumé`` -> ``Résumé``), in every site language."""
    today = today or _today()
    problems = Problems(config.root)
    content = config.path("content_dir")

    def webinar_file(webinar) -> Path:
        return content / "webinars" / webinar.id / "index.md"

    def topic_file(topic) -> Path:
        return content / "topics" / topic.id / "index.md"

    running = [w for w in catalogue.webinars.values() if w.facts.status != "cancelled"]
    limit = config.settings.webinars_per_year
    by_year: dict[int, list] = {}
    for webinar in running:
        by_year.setdefault(webinar.facts.date.year, []).append(webinar)
    for year, webinars in sorted(by_year.items()):
        if len(webinars) > limit:
            webinars.sort(key=lambda w: (w.facts.date, w.id))
            last = webinars[-1]
            problems.warning(webinar_file(last), last.line("date"), "date", (
                f"{len(webinars)} webinars held or planned in {year}, more than the {limit} a year the programme "
                f"holds (webinars: webinars_per_year in _config.yml): {', '.join(w.id for w in webinars)}"))

    for year in sorted({w.facts.date.year for w in running} | {today.year}):
        if year < today.year:
            continue  # what a past year did not hold is for the annual report, not a warning
        served = {region for w in running if w.facts.date.year == year for region in w.facts.regions}
        if "global" in served:
            continue  # a webinar for every region serves each of them
        for topic in sorted(catalogue.topics.values(), key=lambda t: t.id):
            facts = topic.facts
            if facts.route != "request" or facts.status not in ("proposed", "accepted") \
                    or facts.proposed.year != year - 1:
                continue
            missing = [region for region in facts.regions if region not in served]
            if missing:
                problems.warning(topic_file(topic), topic.line("regions"), "regions", (
                    f"requested on {facts.proposed.isoformat()} for {', '.join(missing)}: no webinar for "
                    f"{'this region' if len(missing) == 1 else 'these regions'} is held or planned in {year}; "
                    "every requesting region gets at least one webinar a year"))

    for webinar in catalogue.webinars.values():
        facts, path = webinar.facts, webinar_file(webinar)
        if facts.status == "planned" and facts.date < today:
            problems.warning(path, webinar.line("status"), "status", (
                f"planned for {facts.date.isoformat()}, which has passed: its page still invites people to "
                "register; set `status: held` (and add the recording and summary) or `status: cancelled`"))
        if facts.status == "held" and facts.date > today:
            problems.warning(path, webinar.line("date"), "date", (
                f"held, but dated {facts.date.isoformat()}, after today: correct the date, or set "
                "`status: planned`"))
        named = _DATED.match(webinar.id)
        if named and named.group(1) != facts.date.isoformat():
            problems.warning(path, webinar.line("date"), "date", (
                f"the folder's name starts with {named.group(1)} but `date:` is {facts.date.isoformat()}: "
                "rename the folder or correct the date"))
        for document in (webinar.original, *webinar.translations.values()):
            for section in document.sections:
                if section.level != 2 or section.title.strip().casefold() in headings:
                    continue
                close = difflib.get_close_matches(section.title.strip().casefold(), headings, n=1, cutoff=0.75)
                if close:
                    problems.warning(document.path, document.body_line + section.start, "", (
                        f"'## {section.title.strip()}' is not a section the site knows: did you mean "
                        f"'## {headings[close[0]]}'? As written, the page shows no such section"))

    for topic in catalogue.topics.values():
        held = [w.id for w in catalogue.series(topic.id) if w.facts.status == "held"]
        if topic.facts.status == "declined" and held:
            problems.warning(topic_file(topic), topic.line("status"), "status", (
                f"declined, but webinars of this topic were held ({', '.join(held)}): "
                "set `status: accepted` or `concluded`"))
    return problems.warnings


def _today() -> dt.date:
    given = os.environ.get("WEBINARS_TODAY", "")
    try:
        return dt.date.fromisoformat(given) if given else dt.date.today()
    except ValueError:
        return dt.date.today()
