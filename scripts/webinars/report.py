"""The annual report's figures (the strategy's §27): what the Secretariat reports to the
committee each year on the webinars, counted from the content. Plain Python (no pandas):
each language's process writes a page per year from them (``annual-report/<year>/``,
:meth:`webinars.assemble.pages.PageWriter.report_year`); the overview notebook and the
CSV take them as a table (:func:`webinars.tables.report_figures`).
"""

from __future__ import annotations

from .content.catalogue import Catalogue
from .content.models import Topic, Webinar

COLUMNS = ["year", "figure", "key", "value"]  # one row per year, figure and key
RESPONDENTS = ("participant", "expert")


def years(catalogue: Catalogue) -> list[int]:
    """The years the report covers, newest first: each with a webinar (held, cancelled or
    planned) or a proposal received."""
    found = {w.facts.date.year for w in catalogue.webinars.values()}
    found |= {t.facts.proposed.year for t in catalogue.topics.values()}
    return sorted(found, reverse=True)


def webinars_of(catalogue: Catalogue, year: int) -> list[Webinar]:
    """The webinars of `year` (held, cancelled or planned), in date order."""
    return sorted((w for w in catalogue.webinars.values() if w.facts.date.year == year),
                  key=lambda w: (w.facts.date, w.id))


def series_moves(catalogue: Catalogue, year: int) -> dict[str, list[str]]:
    """The series of `year` (topic ids, in id order): ``started`` (its first webinar held that
    year), ``continued`` (a webinar held that year after earlier ones) and ``concluded`` (a
    topic marked concluded whose last webinar was held that year)."""
    moves: dict[str, list[str]] = {"started": [], "continued": [], "concluded": []}
    for topic in sorted(catalogue.topics.values(), key=lambda t: t.id):
        held = [w.facts.date.year for w in catalogue.series(topic.id) if w.facts.status == "held"]
        if year not in held:
            continue
        moves["started" if min(held) == year else "continued"].append(topic.id)
        if topic.facts.status == "concluded" and max(held) == year:
            moves["concluded"].append(topic.id)
    return moves


def requests_of(catalogue: Catalogue, year: int) -> list[Topic]:
    """The proposals received in `year` (both routes), oldest first."""
    return sorted((t for t in catalogue.topics.values() if t.facts.proposed.year == year),
                  key=lambda t: (t.facts.proposed, t.id))


def met(catalogue: Catalogue, topic: Topic) -> bool:
    """Whether a proposal was met: a webinar of its topic held or planned."""
    return any(w.facts.status in ("held", "planned") for w in catalogue.series(topic.id))


def suggestions_accepted(catalogue: Catalogue, year: int) -> list[Topic]:
    """Topics suggested in the surveys of webinars of `year` that staff accepted: a topic
    with ``suggested_at`` one of them, not declined."""
    return sorted((t for t in catalogue.topics.values() if t.facts.suggested_at in catalogue.webinars
                   and catalogue.webinars[t.facts.suggested_at].facts.date.year == year
                   and t.facts.status != "declined"), key=lambda t: t.id)


def shown(catalogue: Catalogue, year: int) -> tuple[list[Webinar], list[Topic]]:
    """The webinars and topics whose titles (and facts) the page of `year` shows."""
    webinars = webinars_of(catalogue, year)
    topic_ids = {w.facts.topic for w in webinars} | {t.id for t in requests_of(catalogue, year)}
    topic_ids |= {t.id for t in suggestions_accepted(catalogue, year)}
    topic_ids |= {t for ids in series_moves(catalogue, year).values() for t in ids}
    return webinars, [catalogue.topics[t] for t in sorted(topic_ids) if t in catalogue.topics]


def figures(catalogue: Catalogue, regions: list[str]) -> list[dict]:
    """Every year's figures, oldest year first (see :data:`COLUMNS`); a mean is rounded to
    one decimal, and None without an answer.

    - ``webinars``: held, cancelled, planned (key: the status);
    - ``participants``, ``registrations``: totals of the webinars held that give them, and
      ``reporting attendance``: how many webinars held give their participants;
    - ``region``, ``language``: webinars held per target region (configured order) and per
      delivery language (a webinar counts in each of its regions and languages);
    - ``requests``, ``requests met``: proposals received that year per route, and those of
      them with a webinar held or planned;
    - ``responses``, ``rating``, ``usefulness``: the surveys of the webinars held, per
      respondent (participant, expert): answers, and the mean answer out of 5;
    - ``suggestions accepted``: topics suggested in that year's surveys that staff accepted;
    - ``series``: started, continued, concluded.
    """
    rows = []
    for year in sorted(years(catalogue)):
        webinars = webinars_of(catalogue, year)
        held = [w for w in webinars if w.facts.status == "held"]

        def add(figure: str, key: str, value) -> None:
            rows.append({"year": year, "figure": figure, "key": key, "value": value})

        for status in ("held", "cancelled", "planned"):
            add("webinars", status, sum(w.facts.status == status for w in webinars))
        add("participants", "", sum(w.facts.participants or 0 for w in held))
        add("registrations", "", sum(w.facts.registrations or 0 for w in held))
        add("reporting attendance", "", sum(w.facts.participants is not None for w in held))
        for region in regions:
            n = sum(region in w.facts.regions for w in held)
            if n:
                add("region", region, n)
        for code in sorted({code for w in held for code in w.facts.languages}):
            add("language", code, sum(code in w.facts.languages for w in held))
        received = requests_of(catalogue, year)
        for route in ("request", "secretariat"):
            of_route = [t for t in received if t.facts.route == route]
            add("requests", route, len(of_route))
            add("requests met", route, sum(met(catalogue, t) for t in of_route))
        surveys = [w.feedback for w in held if w.feedback]
        for who in RESPONDENTS:
            add("responses", who, sum(getattr(f, f"{who}s") for f in surveys))
            for column, figure in (("rating", "rating"), ("useful", "usefulness")):
                total = sum(f.scores.get(who, {}).get(column, (0, 0))[0] for f in surveys)
                count = sum(f.scores.get(who, {}).get(column, (0, 0))[1] for f in surveys)
                add(figure, who, round(total / count, 1) if count else None)
        add("suggestions accepted", "", len(suggestions_accepted(catalogue, year)))
        for move, topic_ids in series_moves(catalogue, year).items():
            add("series", move, len(topic_ids))
    return rows


def of_year(rows: list[dict], year: int) -> dict[tuple[str, str], object]:
    """One year's figures: (figure, key) -> value."""
    return {(row["figure"], row["key"]): row["value"] for row in rows if row["year"] == year}
