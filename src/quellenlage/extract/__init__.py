"""Extract: numeric claims with their sources, quotes with their speakers, time expressions.

Entry point: ``extract(article, doc)`` over one article and its language-stage Doc.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..model import Article, Claim, Quote, TimeRef
from .claims import find_claims
from .quotes import find_quotes
from .temporal import find_timerefs

__all__ = ["Extraction", "extract"]


@dataclass(slots=True)
class Extraction:
    claims: list[Claim] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timerefs: list[TimeRef] = field(default_factory=list)


def extract(article: Article, doc: Doc) -> Extraction:
    """What one article claims, quotes and dates.

    Only time expressions that resolve to a calendar value or a duration are kept: a vague
    "derzeit" places nothing on a timeline, nor does a frequency ("täglich", "pro Monat"), and a
    reader cannot check either against anything.
    """
    language = "en" if article.language == "en" else "de"
    timerefs = find_timerefs(article.id, article.text, article.published, language)
    return Extraction(
        claims=find_claims(article.id, article.text, doc),
        quotes=find_quotes(article.id, article.text, doc),
        timerefs=[t for t in timerefs if t.value and not t.vague and t.type != "SET"],
    )
