"""Stories stage: online, multilingual clustering of articles into stories.

Entry points: ``cluster_articles(articles, language)`` for a batch of ``Article`` objects (with the language
stage's result when there is one), ``cluster(features)`` for prepared ``StoryFeatures`` and ``StoryIndex``
for articles arriving one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from quellenlage.model import Article, Story
from quellenlage.stories.embed import Embedder, UseEmbedder, default_embedder
from quellenlage.stories.features import (
    StoryFeatures,
    content_lemmas,
    features_from_article,
    features_from_language,
)
from quellenlage.stories.index import StoryConfig, StoryIndex, arrival_order, cluster

if TYPE_CHECKING:
    from quellenlage.language import LanguageResult

__all__ = [
    "Embedder",
    "StoryConfig",
    "StoryFeatures",
    "StoryIndex",
    "UseEmbedder",
    "arrival_order",
    "cluster",
    "cluster_articles",
    "content_lemmas",
    "default_embedder",
    "features_from_article",
    "features_from_language",
]


def cluster_articles(
    articles: Sequence[Article], language: LanguageResult | None = None, config: StoryConfig | None = None
) -> list[Story]:
    """The stories of a batch of articles; lemmas and entities come from ``language`` when given."""
    if language is not None:
        features = features_from_language(articles, language)
    else:
        features = [features_from_article(a) for a in articles]
    return cluster(features, config)
