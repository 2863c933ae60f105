"""The Corpus: everything the stages found in one batch, and its JSON export.

The export follows the contract in the spec README: the field names and meanings
are fixed; objects may carry more fields.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from .model import (
    Article,
    Brief,
    Claim,
    ClaimSlot,
    Entity,
    Failure,
    Mention,
    Quote,
    ReuseLink,
    Story,
    TimeRef,
)


@dataclass(slots=True)
class Corpus:
    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timerefs: list[TimeRef] = field(default_factory=list)
    reuse: list[ReuseLink] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    slots: list[ClaimSlot] = field(default_factory=list)
    briefs: list[Brief] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # The language stage's spaCy Doc per article id: input to later stages, never exported.
    docs: dict[str, Doc] = field(default_factory=dict)

    def article(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": [article_json(a) for a in self.articles],
            "entities": [asdict(e) for e in self.entities],
            "mentions": [asdict(m) for m in self.mentions],
            "claims": [asdict(c) for c in self.claims],
            "quotes": [asdict(q) for q in self.quotes],
            "timerefs": [asdict(t) for t in self.timerefs],
            "reuse": [asdict(r) for r in self.reuse],
            "stories": [asdict(s) for s in self.stories],
            "slots": [asdict(s) for s in self.slots],
            "briefs": [asdict(b) for b in self.briefs],
            "failures": [asdict(f) for f in self.failures],
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")


def article_json(article: Article) -> dict[str, Any]:
    """`published` is the date as written at its precision ("2025-07"); `removed` spans index `source`."""
    return {
        "id": article.id,
        "origin": article.origin,
        "url": article.url,
        "outlet": article.outlet,
        "agencies": article.agencies,
        "dateline": article.dateline,
        "published": article.published.value if article.published else None,
        "published_precision": article.published.precision if article.published else None,
        "language": article.language,
        "title": article.title,
        "authors": article.authors,
        "text": article.text,
        "removed": [[r.start, r.end] for r in article.removed],
        "removed_reasons": [r.reason for r in article.removed],
        "source": article.source,
    }
