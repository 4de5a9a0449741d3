"""Which topics and webinars are close to a text: for `webinars similar` (is a proposal
new?) and `webinars feedback` (is a suggested topic covered already?).

It compares words, not meanings (rapidfuzz's token set and token sort ratios, averaged, 0
to 100, on the words of both texts, case, accents and the commonest short words of the six languages left out;
Arabic words without the article they are written with; Chinese and Japanese text, which has
no spaces, as pairs of characters). So it finds a
topic through the words they share, in the language a text is written in: a French text
finds a topic through its French title, if it has one. It cannot match a synonym
("licensing" and "licence" share only their first letters), nor a translation that does
not exist.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from .content.catalogue import Catalogue

# Words that say nothing of a topic here: the commonest short words of the six languages (and
# Portuguese), and "intellectual property" and "webinar" in them (every topic is about IP).
_SHORT_WORDS = frozenset("""
a an and as at by for from in into of on or the to with ip intellectual property webinar webinars
au aux d de des du en et l la le les pour sur un une pi propriete intellectuelle webinaire webinaires
al con del el las los para por su un una y propiedad intelectual seminario seminarios web
e o os as da do das dos em no na nos nas um uma propriedade
в и к на о об по с для из от ис интеллектуальной интеллектуальная собственности собственность вебинар
في من على إلى عن و ال الملكية الفكرية ندوة الندوة
的 和 与 及 在 知识 识产 产权 网络 络研 研讨 讨会
""".split())
# Arabic writes "the" (and "and the", "with the", "for the") as the word's first letters.
_ARTICLE = re.compile(r"^(?:وال|بال|كال|فال|لل|ال)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")


def words(text: str) -> str:
    """`text` as the words compared: case-folded, without accents or the short words; a run
    of Chinese or Japanese characters as its pairs of characters."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    found: list[str] = []
    for token in re.findall(r"\w+", text):
        for part in re.split(f"({_CJK.pattern})", token):
            if not part:
                continue
            if _CJK.fullmatch(part):
                found += [part[i:i + 2] for i in range(max(1, len(part) - 1))]
            elif part not in _SHORT_WORDS and not part.isdigit():
                found.append(_ARTICLE.sub("", part) if len(part) > 4 else part)
    return " ".join(w for w in found if w not in _SHORT_WORDS)


def score(a: str, b: str) -> float:
    """How close two texts are, 0 to 100 (see the module's note)."""
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    # The set ratio alone scores a text found whole in a longer one 100 ("technology transfer"
    # in any title that has both words); the sorted ratio weighs what the texts do not share.
    return (fuzz.token_set_ratio(left, right) + fuzz.token_sort_ratio(left, right)) / 2


@dataclass(frozen=True)
class Match:
    score: float
    kind: str  # "topic" or "webinar"
    id: str
    status: str
    title: str  # the title in the language version that matched best
    lang: str


def closest(text: str, catalogue: Catalogue, limit: int = 5, at_least: float = 50.0) -> list[Match]:
    """The topics and webinars closest to `text`, best first: each compared with every
    language version it has (its title; for a topic, also its objective and audience)."""
    found = []
    for kind, pages in (("topic", catalogue.topics.values()), ("webinar", catalogue.webinars.values())):
        for page in pages:
            best, where = 0.0, page.original
            for document in (page.original, *page.translations.values()):
                texts = [document.title]
                if kind == "topic" and document is page.original:
                    texts += [page.facts.objective, page.facts.audience]
                here = max(score(text, t) for t in texts if t)
                if here > best:
                    best, where = here, document
            if best >= at_least:
                found.append(Match(round(best, 1), kind, page.id, page.facts.status, where.title, where.lang))
    found.sort(key=lambda m: (-m.score, m.kind != "topic", m.id))
    return found[:limit]
