"""What the stories stage needs of an article: content lemmas, canonical entities, date and one embedding.

``StoryFeatures`` can be built from an ``Article`` alone (lemmas by simplemma, no entities), from the language
stage (lemmas of the spaCy Doc, canonical entity ids of its mentions), or directly by tests and evaluations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np
import simplemma
from spacy.lang.de.stop_words import STOP_WORDS as STOP_DE
from spacy.lang.en.stop_words import STOP_WORDS as STOP_EN

from quellenlage.model import Article, PartialDate

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from quellenlage.language import LanguageResult

Vector = np.ndarray

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """One article as the clustering sees it. ``lemmas`` None: derived from ``title`` and ``text``."""

    id: str
    title: str = ""
    text: str = ""
    published: PartialDate | None = None
    language: str | None = None
    lemmas: tuple[str, ...] | None = None  # content lemmas of the body
    title_lemmas: tuple[str, ...] | None = None
    entities: tuple[str, ...] = ()  # canonical entity ids, one per mention
    entity_names: Mapping[str, str] = field(default_factory=dict)
    embedding: Vector | None = None  # precomputed multilingual embedding (L2-normalised)

    def lang(self) -> str:
        return "en" if self.language == "en" else "de"

    def body_lemmas(self) -> tuple[str, ...]:
        return self.lemmas if self.lemmas is not None else content_lemmas(self.text, self.lang())

    def head_lemmas(self) -> tuple[str, ...]:
        return self.title_lemmas if self.title_lemmas is not None else content_lemmas(self.title, self.lang())


@cache
def _stop_words(language: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in (STOP_EN if language == "en" else STOP_DE))


@lru_cache(maxsize=200_000)
def _lemma(word: str, language: str) -> str:
    return str(simplemma.lemmatize(word, lang=language))


def keep_lemma(lemma: str, language: str) -> bool:
    """Content words only: letters, at least two characters, not a stop word."""
    return len(lemma) > 1 and lemma.casefold() not in _stop_words(language) and not lemma.isdigit()


def content_lemmas(text: str, language: str) -> tuple[str, ...]:
    """Lemmas of the content words of ``text`` (simplemma dictionary lemmas, stop words dropped)."""
    lemmas = (_lemma(w, language) for w in _WORD.findall(text))
    return tuple(lemma for lemma in lemmas if keep_lemma(lemma, language))


def doc_lemmas(doc: Doc, language: str, start: int = 0, end: int | None = None) -> tuple[str, ...]:
    """Content lemmas of the tokens of a spaCy Doc whose characters lie in ``[start, end)``."""
    stop = len(doc.text) if end is None else end
    found = (t.lemma_ or t.text for t in doc if t.is_alpha and start <= t.idx < stop)
    return tuple(lemma for lemma in found if keep_lemma(lemma, language))


def lead(features: StoryFeatures, words: int) -> str:
    """Title and lead of an article, at most ``words`` words: the one text that gets embedded."""
    body = " ".join(_SENTENCE_END.split(features.text.strip(), maxsplit=3)[:3])
    tokens = f"{features.title.strip()}. {body}".strip(". ").split()
    return " ".join(tokens[:words])


def date_span(published: PartialDate | None) -> tuple[int, int] | None:
    """First and last day (proleptic ordinals) a partial date may stand for."""
    if published is None:
        return None
    first = published.first_day()
    if published.precision == "day":
        last = first
    elif published.precision == "month":
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        last = date(first.year, 12, 31)
    return first.toordinal(), last.toordinal()


def features_from_article(
    article: Article,
    doc: Doc | None = None,
    entities: Sequence[str] = (),
    entity_names: Mapping[str, str] | None = None,
) -> StoryFeatures:
    """Features of one article; with its spaCy ``doc`` (over ``article.text``) the lemmas come from there."""
    language = "en" if article.language == "en" else "de"
    return StoryFeatures(
        id=article.id,
        title=article.title or "",
        text=article.text,
        published=article.published,
        language=article.language,
        lemmas=doc_lemmas(doc, language) if doc is not None else None,
        entities=tuple(entities),
        entity_names=dict(entity_names or {}),
    )


def features_from_language(articles: Iterable[Article], result: LanguageResult) -> list[StoryFeatures]:
    """Features of articles analysed by the language stage: Doc lemmas and canonical entity ids."""
    names = {e.id: e.name for e in result.entities}
    by_article: dict[str, list[str]] = defaultdict(list)
    for mention in sorted(result.mentions, key=lambda m: (m.article, m.start)):
        by_article[mention.article].append(mention.entity)
    out = []
    for article in articles:
        ids = by_article.get(article.id, [])
        mine = {i: names[i] for i in ids if i in names}
        out.append(features_from_article(article, result.docs.get(article.id), ids, mine))
    return out
