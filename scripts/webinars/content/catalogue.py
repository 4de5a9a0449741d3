"""Everything loaded, and what is derived from it: series, chains, the topic list.

Derived facts are computed here, once, and never typed twice in content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..work import Latest
from .models import Topic, Webinar


@dataclass
class Catalogue:
    webinars: dict[str, Webinar] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    _series: Latest = field(default_factory=Latest, init=False, repr=False, compare=False)

    # ---- series --------------------------------------------------------------

    def series(self, topic_id: str) -> list[Webinar]:
        """The webinars of a topic in series order: by ``part``, else by date."""
        return list(self._series_index().get(topic_id, ()))

    def _series_index(self) -> dict[str, tuple[Webinar, ...]]:
        """Every topic's series, computed once for the webinars present (a page asks many times).

        Computed again when webinars were added or removed since (the loader only adds them);
        checking which webinars are present would cost as much as computing the series."""
        def index() -> dict[str, tuple[Webinar, ...]]:
            members: dict[str, list[Webinar]] = {}
            for webinar in self.webinars.values():
                members.setdefault(webinar.facts.topic, []).append(webinar)
            return {topic: tuple(sorted(series, key=lambda w: (w.facts.part or 10**6, w.facts.date, w.id)))
                    for topic, series in members.items()}

        return self._series.get((id(self.webinars), len(self.webinars)), index)

    def part_of(self, webinar: Webinar) -> int:
        """Position in its series, counting only webinars not cancelled."""
        if webinar.facts.part:
            return webinar.facts.part
        running = [w for w in self.series(webinar.facts.topic) if w.facts.status != "cancelled"]
        return running.index(webinar) + 1 if webinar in running else 0

    def neighbours(self, webinar: Webinar) -> tuple[Webinar | None, Webinar | None]:
        """Previous and next webinar of the same series, skipping cancelled ones."""
        running = [
            w for w in self.series(webinar.facts.topic)
            if w.facts.status != "cancelled" or w is webinar
        ]
        i = running.index(webinar)
        previous = running[i - 1] if i > 0 else None
        following = running[i + 1] if i + 1 < len(running) else None
        return previous, following

    # ---- topics ---------------------------------------------------------------

    def builds_on_chain(self, topic: Topic) -> list[Topic]:
        """The earlier topics this one continues, nearest first."""
        chain, seen = [], {topic.id}
        current = topic
        while current.facts.builds_on and current.facts.builds_on in self.topics:
            current = self.topics[current.facts.builds_on]
            if current.id in seen:
                break
            seen.add(current.id)
            chain.append(current)
        return chain

    def continued_by(self, topic: Topic) -> list[Topic]:
        """Topics that build on this one."""
        return sorted(
            (t for t in self.topics.values() if t.facts.builds_on == topic.id),
            key=lambda t: (t.facts.proposed, t.id),
        )

    def proposals(self) -> list[Topic]:
        """Proposals under consideration: topics still ``proposed`` with no webinar."""
        return sorted(
            (t for t in self.topics.values() if t.facts.status == "proposed" and not self.series(t.id)),
            key=lambda t: (t.facts.proposed, t.id),
        )

    def series_topics(self) -> list[Topic]:
        """Topics that have at least one webinar, most recent activity first."""
        active = [t for t in self.topics.values() if self.series(t.id)]
        return sorted(active, key=lambda t: max(w.facts.date for w in self.series(t.id)), reverse=True)

    # ---- webinars --------------------------------------------------------------

    def by_status(self, status: str) -> list[Webinar]:
        chosen = [w for w in self.webinars.values() if w.facts.status == status]
        return sorted(chosen, key=lambda w: (w.facts.date, w.id), reverse=(status != "planned"))

    def chronological(self) -> list[Webinar]:
        return sorted(self.webinars.values(), key=lambda w: (w.facts.date, w.id), reverse=True)
