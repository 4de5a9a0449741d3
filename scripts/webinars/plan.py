"""`webinars plan YEAR`: a draft of the year's webinars from the topics under consideration
and accepted, by the strategy's rules, each choice with its reason.

- At most ``webinars_per_year`` webinars a year (rule iv), the year's webinars already
  held or planned included.
- Every region that requested webinars (a member states' request, ``route: request``,
  received the year before: requests are collected in the second half of a year for the
  next, §6) gets at least one (§9): first, for each such region in the configured order,
  the first request (in the order below) that targets it, unless a webinar of the year
  already does.
- Then the other slots, requests before the Secretariat's proposals (§7-8), accepted
  topics before those under consideration, the oldest first.
- Each webinar is in the languages its topic asks for; a series goes on with its next part.

What cannot be met is listed with the reason. The draft's dates are spread over the year
(the second Tuesday of a month), for staff to change; ``--write`` writes the webinars as
planned folders (``webinars new webinar``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import Config
from .content.catalogue import Catalogue
from .content.models import Topic


@dataclass(frozen=True)
class Choice:
    topic: Topic
    reason: str
    date: dt.date | None = None


@dataclass
class Plan:
    year: int
    limit: int
    existing: list[str]  # the year's webinars already held or planned
    chosen: list[Choice] = field(default_factory=list)
    unmet: list[tuple[str, str]] = field(default_factory=list)  # (what, why)


def candidates(catalogue: Catalogue, year: int) -> list[Topic]:
    """The topics a webinar of `year` can come from, in the order they are chosen: under
    consideration or accepted, with no webinar planned or held in that year; requests
    first, accepted first, oldest first."""
    found = []
    for topic in catalogue.topics.values():
        if topic.facts.status not in ("proposed", "accepted") or topic.facts.proposed.year > year:
            continue
        if any(w.facts.date.year == year and w.facts.status != "cancelled" for w in catalogue.series(topic.id)):
            continue
        found.append(topic)
    return sorted(found, key=lambda t: (t.facts.route != "request", t.facts.status != "accepted",
                                        t.facts.proposed, t.id))


def draft(config: Config, catalogue: Catalogue, year: int) -> Plan:
    limit = config.settings.webinars_per_year
    running = [w for w in catalogue.webinars.values() if w.facts.date.year == year and w.facts.status != "cancelled"]
    plan = Plan(year, limit, sorted(w.id for w in running))
    slots = limit - len(running)
    served = {region for w in running for region in w.facts.regions}
    pool = candidates(catalogue, year)
    requests = [t for t in pool if t.facts.route == "request" and t.facts.proposed.year == year - 1]
    requesting = [r for r in config.settings.regions
                  if r != "global" and any(r in t.facts.regions for t in requests)]

    def choose(topic: Topic, reason: str) -> None:
        plan.chosen.append(Choice(topic, reason))
        pool.remove(topic)
        served.update(topic.facts.regions)

    for region in requesting:
        if region in served or "global" in served:
            continue
        topic = next((t for t in requests if t in pool and region in t.facts.regions), None)
        if topic is None:
            continue
        if slots <= 0:
            plan.unmet.append((f"region {region}", f"requested ({topic.id}), but no slot is left "
                                                   f"({limit} webinars a year)"))
            continue
        slots -= 1
        choose(topic, f"the first request for {region} (received {topic.facts.proposed.isoformat()}): every "
                      "requesting region gets at least one webinar")
    for topic in list(pool):
        if slots <= 0:
            why = "request" if topic.facts.route == "request" else "Secretariat proposal"
            plan.unmet.append((f"topic {topic.id}", f"{why} received {topic.facts.proposed.isoformat()}: "
                                                    f"no slot left ({limit} webinars a year)"))
            continue
        slots -= 1
        if topic.facts.route == "request":
            reason = f"member states' request, received {topic.facts.proposed.isoformat()}"
        else:
            reason = f"Secretariat proposal, received {topic.facts.proposed.isoformat()}"
        if topic.facts.status == "accepted":
            reason += ", accepted"
        choose(topic, reason)
    for region in requesting:
        if region not in served and "global" not in served and not any(region in what for what, _ in plan.unmet):
            plan.unmet.append((f"region {region}", "no request for it can be planned"))
    dates = spread(year, len(plan.chosen), {w.facts.date for w in running})
    plan.chosen = [Choice(c.topic, c.reason, d) for c, d in zip(plan.chosen, dates)]
    return plan


def spread(year: int, n: int, taken: set[dt.date]) -> list[dt.date]:
    """`n` dates over `year`, the second Tuesday of months February to November, spaced
    evenly, none on a date already taken."""
    months = list(range(2, 12))
    picked = [months[round(i * (len(months) - 1) / (n - 1))] if n > 1 else 6 for i in range(n)]
    dates = []
    for month in picked:
        day = dt.date(year, month, 8)
        day += dt.timedelta(days=(1 - day.weekday()) % 7)  # the second Tuesday
        while day in taken or day in dates:
            day += dt.timedelta(days=7)
        dates.append(day)
    return dates
