"""Language stage: sentences, lemmas, named entities and one canonical name per entity.

Entry point: ``analyse(articles)``. German (and any language other than English) runs through the German
pipeline with the shipped NER model; English through the English pipeline (see ``pipeline``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from quellenlage.language.canonical import KIND_ORDER, RawMention, canonicalise, roles_around
from quellenlage.language.pipeline import NerModelMissingError, get_nlp, ner_model_available
from quellenlage.model import Article, Entity, Mention

__all__ = [
    "LanguageResult",
    "NerModelMissingError",
    "analyse",
    "get_nlp",
    "ner_model_available",
    "pipeline_language",
]

BATCH_SIZE = 64


@dataclass(slots=True)
class LanguageResult:
    """Per article its spaCy Doc (over ``Article.text``); corpus-wide canonical entities and mentions."""

    docs: dict[str, Doc] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


def pipeline_language(article: Article) -> str:
    """ "en" for English articles, "de" for German and every other or unknown language."""
    return "en" if article.language == "en" else "de"


def analyse(articles: Sequence[Article]) -> LanguageResult:
    """Run the language pipelines over ``articles`` and canonicalise their entities across the corpus.

    Raises ``NerModelMissingError`` when German articles are present and the shipped NER model is absent.
    """
    result = LanguageResult()
    raw: list[RawMention] = []
    for language in ("de", "en"):
        batch = [a for a in articles if pipeline_language(a) == language]
        if not batch:
            continue
        nlp = get_nlp(language)
        for article, doc in zip(batch, nlp.pipe((a.text for a in batch), batch_size=BATCH_SIZE), strict=True):
            result.docs[article.id] = doc
            raw.extend(raw_mentions(article.id, doc, language))
    languages = {a.id: pipeline_language(a) for a in articles}
    result.entities, result.mentions = canonicalise(raw, languages)
    return result


_DERIVED = re.compile(r"[a-zäöüß]+isch(?:e|en|er|es|em)?")


def _without_derived_adjectives(span: Span) -> Span | None:
    """``span`` without leading lower-case adjectives derived from names ("russischen Armee" -> "Armee")."""
    start = span.start
    while start < span.end and _DERIVED.fullmatch(span.doc[start].text):
        start += 1
    return span.doc[start : span.end] if start < span.end else None


def raw_mentions(article_id: str, doc: Doc, language: str) -> Iterator[RawMention]:
    """The named-entity spans of ``doc`` with our four labels (GermEval *deriv/*part labels are dropped)."""
    for found in doc.ents:
        label = found.label_.upper()
        ent = _without_derived_adjectives(found)
        if label not in KIND_ORDER or ent is None or not ent.text.strip():
            continue
        roles = roles_around(ent, language) if label == "PER" else ()
        yield RawMention(article_id, ent.start_char, ent.end_char, ent.text, label, roles)
