"""The series page: every series in order, and the chains of topics building on each other."""

from __future__ import annotations

from .. import urls
from . import HTML, NotebookSite

HERE = urls.page("series")


def all_series(site: NotebookSite) -> HTML:
    catalogue = site.catalogue
    topics = catalogue.series_topics()
    roots = [t for t in catalogue.topics.values()
             if not t.facts.builds_on and catalogue.continued_by(t)]
    series = [(topic, [(w, catalogue.part_of(w)) for w in catalogue.series(topic.id)]) for topic in topics]
    return HTML(site.writer.render("series_index.html", HERE, roots=sorted(roots, key=lambda t: t.facts.proposed),
                                   series=series))
