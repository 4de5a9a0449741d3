"""The benchmark corpus is valid content of the promised shape."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))

import corpus  # noqa: E402

from webinars.pipeline import check  # noqa: E402


def test_corpus_passes_check_and_has_series_translations_and_proposals(tmp_path: Path) -> None:
    corpus.generate(40, tmp_path / "site")
    _config, catalogue, _pages, _warnings = check(tmp_path / "site")
    assert len(catalogue.webinars) == 40
    sizes = {len(catalogue.series(t)) for t in catalogue.topics}
    assert max(sizes) <= 5 and len(sizes - {0}) >= 3
    translated = sum(bool(w.translations) for w in catalogue.webinars.values())
    assert 5 <= translated <= 25
    assert {t.facts.route for t in catalogue.proposals()} == {"request", "secretariat"}
    corpus.generate(40, tmp_path / "again")
    first = sorted(p.read_text() for p in (tmp_path / "site/content").rglob("*.md"))
    assert first == sorted(p.read_text() for p in (tmp_path / "again/content").rglob("*.md"))
