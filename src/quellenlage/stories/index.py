"""Online story clustering: each arriving article joins the closest recent story or starts a new one, and
each new story joins the thread (related stories, one topic) of the closest story or starts a new thread.

Hand-written single-pass clustering in the manner of Miranda et al. (EMNLP 2018, "Multilingual clustering of
streaming news"): no library clusters a stream with mixed lexical, entity, embedding and time evidence.
Candidate stories come from an HNSW index (usearch) over article embeddings, so the work per article is a
nearest-neighbour query plus a fixed number of comparisons, whatever the size of the archive. Story centroids
are pruned sparse vectors of fixed size. The outcome depends only on the order of arrival.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from usearch.index import Index

from quellenlage.model import PartialDate, Story
from quellenlage.stories.embed import DIMENSIONS, Embedder, default_embedder
from quellenlage.stories.features import StoryFeatures, date_span, lead

Sparse = tuple[np.ndarray, np.ndarray]  # sorted term ids (int64), weights (float32)
_EMPTY: Sparse = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
_EXACT_BELOW = 4096  # below this many articles, exact search: same cost bound, no approximation at all


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Weights of the evidence and the two thresholds, chosen on ECB+ dev only (benchmarks/RESULTS.md)."""

    threshold: float = 0.4  # weighted similarity an article needs to join a story
    thread_threshold: float = 0.28  # similarity to a story that puts a new story in that story's thread
    lexical: float = 0.4  # TF-IDF of lemmas, same language only
    # Fixed, not searched: ECB+ is English only with rule-based English entities, while canonical entities
    # are what German and English reports of one story share besides the embedding.
    entities: float = 0.2  # TF-IDF of canonical entity ids, any language
    embedding: float = 0.4  # multilingual sentence embedding of title and lead
    title_weight: float = 2.0  # a title lemma counts as this many body occurrences
    neighbours: int = 32  # nearest articles asked of the ANN index
    article_terms: int = 100  # terms kept per article vector
    story_terms: int = 200  # terms kept per story centroid and language
    # Time separates recurring events of one kind (annual ceremonies, seasonal disasters: half a year and
    # more apart); within a quarter, matching content is one developing story. Not tunable on ECB+ (undated).
    grace_days: float = 90.0  # gap outside a story's time span without penalty
    half_life_days: float = 60.0  # beyond the grace, similarity halves per this many days
    max_gap_days: float = 365.0  # older stories are not candidates
    # Threads link the stories that time keeps apart (last year's earthquake, the previous trial): no decay,
    # only a limit.
    thread_max_gap_days: float = 730.0
    lead_words: int = 60  # words of title and lead that get embedded (fewer lose quality on ECB+ dev)
    # Document frequencies count this many unseen background documents that share no term: in a small batch
    # of one story the story's own words would otherwise weigh least (in every document, lowest IDF) and its
    # reports fall apart; over a large archive the prior fades. 20 leaves ECB+ dev unchanged (50 costs it).
    background_docs: float = 20.0


class _Vocabulary:
    """Term ids, display forms and document frequencies, updated as articles arrive."""

    def __init__(self, background: float = 0.0) -> None:
        self.ids: dict[str, int] = {}
        self.display: list[str] = []
        self.df: list[int] = []
        self.docs = 0
        self.background = background

    def vector(self, weighted: dict[str, float], limit: int) -> Sparse:
        """Count a document and return its L2-normalised, sublinear TF-IDF vector (top ``limit`` terms)."""
        self.docs += 1
        tids = []
        for term in weighted:
            tid = self.ids.get(term.casefold())
            if tid is None:
                tid = self.ids[term.casefold()] = len(self.display)
                self.display.append(term)
                self.df.append(0)
            self.df[tid] += 1
            tids.append(tid)
        weights = [
            (1.0 + math.log(tf)) * (math.log((1 + self.docs + self.background) / (1 + self.df[tid])) + 1.0)
            for tid, tf in zip(tids, weighted.values(), strict=True)
        ]
        return _top(np.asarray(tids, dtype=np.int64), np.asarray(weights, dtype=np.float32), limit, True)


def _top(ids: np.ndarray, weights: np.ndarray, limit: int, normalise: bool) -> Sparse:
    if len(ids) > limit:
        keep = np.lexsort((ids, -weights))[:limit]  # by weight, ties by id: deterministic
        ids, weights = ids[keep], weights[keep]
    order = np.argsort(ids, kind="stable")
    ids, weights = ids[order], weights[order].astype(np.float32)
    if normalise and len(weights):
        weights = weights / np.float32(max(_norm(weights), 1e-12))
    return ids, weights


def _dot(a: Sparse, b: Sparse) -> float:
    """Dot product of two sparse vectors (binary search of a's terms in b's: cheaper than intersect1d)."""
    if not len(a[0]) or not len(b[0]):
        return 0.0
    at = np.minimum(np.searchsorted(b[0], a[0]), len(b[0]) - 1)
    hit = b[0][at] == a[0]
    return float(np.dot(a[1][hit], b[1][at[hit]]))


def _norm(weights: np.ndarray) -> float:
    return math.sqrt(float(np.dot(weights, weights)))


def _cosine(a: Sparse, b: Sparse) -> float:
    norm = _norm(b[1])
    return _dot(a, b) / norm if norm > 0 else 0.0


def _merge(centroid: Sparse, vector: Sparse, limit: int) -> Sparse:
    ids, inverse = np.unique(np.concatenate([centroid[0], vector[0]]), return_inverse=True)
    sums = np.bincount(inverse, weights=np.concatenate([centroid[1], vector[1]]), minlength=len(ids))
    return _top(ids, sums.astype(np.float32), limit, False)


def _term_weights(body: Iterable[str], title: Iterable[str], title_weight: float) -> dict[str, float]:
    counts: dict[str, float] = {}
    for lemma in body:
        counts[lemma] = counts.get(lemma, 0.0) + 1.0
    for lemma in title:
        counts[lemma] = counts.get(lemma, 0.0) + title_weight
    folded: dict[str, float] = {}
    display: dict[str, str] = {}
    for lemma, count in counts.items():  # casefold, keep the first spelling for labels
        key = lemma.casefold()
        display.setdefault(key, lemma)
        folded[key] = folded.get(key, 0.0) + count
    return {display[k]: v for k, v in folded.items()}


@dataclass(slots=True)
class _State:
    """A story: its articles, its thread and the running sums its similarity is measured against."""

    id: str
    thread: str
    articles: list[str] = field(default_factory=list)
    embedding: np.ndarray = field(default_factory=lambda: np.zeros(DIMENSIONS, dtype=np.float32))
    lexical: dict[str, Sparse] = field(default_factory=dict)
    entities: Sparse = _EMPTY
    span: tuple[int, int] | None = None
    first: PartialDate | None = None
    last: PartialDate | None = None


@dataclass(slots=True)
class _Arrival:
    features: StoryFeatures
    embedding: np.ndarray
    lexical: Sparse
    entities: Sparse
    span: tuple[int, int] | None


class StoryIndex:
    """Stories and their threads built online. ``add`` returns the story an article joined or started.

    Two levels from one pass: an article joins the most similar candidate story at or above ``threshold``
    (one event); an article that starts a story puts it in the thread of the most similar candidate story at
    or above ``thread_threshold`` (related stories: one topic), else the story starts a thread. A story never
    changes thread, so threads are unions of whole stories.
    """

    def __init__(self, config: StoryConfig | None = None, embedder: Embedder | None = None) -> None:
        self.config = config or StoryConfig()
        self._embedder = embedder
        self._terms = _Vocabulary(self.config.background_docs)
        self._entity_terms = _Vocabulary(self.config.background_docs)
        self._names: dict[str, str] = {}
        self._states: list[_State] = []
        self._article_story: list[int] = []  # ANN key (arrival number) -> story number
        self._seen: dict[str, int] = {}
        self._ann = Index(ndim=DIMENSIONS, metric="cos", dtype="i8", connectivity=16, expansion_add=64)

    def __len__(self) -> int:
        return len(self._states)

    def add(self, features: StoryFeatures) -> str:
        """Place one article: join the best candidate story above the threshold, else start a story."""
        known = self._seen.get(features.id)
        if known is not None:
            return self._states[known].id
        cfg = self.config
        arrival = self._arrival(features)
        scored = [(n, *self._similarity(arrival, self._states[n])) for n in self._candidates(arrival)]
        best = _best(
            ((n, s * self._decay(gap)) for n, s, gap in scored if gap <= cfg.max_gap_days), cfg.threshold
        )
        if best < 0:
            near = _best(
                ((n, s) for n, s, gap in scored if gap <= cfg.thread_max_gap_days), cfg.thread_threshold
            )
            thread = self._states[near].thread if near >= 0 else f"thread-{features.id}"
            best = len(self._states)
            self._states.append(_State(f"story-{features.id}", thread))
        self._join(self._states[best], arrival)
        key = len(self._article_story)
        self._article_story.append(best)
        self._seen[features.id] = best
        self._ann.add(key, arrival.embedding, threads=1)
        return self._states[best].id

    def stories(self) -> list[Story]:
        """The stories so far, in the order they started."""
        return [self._story(state) for state in self._states]

    # --- placing an article ---------------------------------------------------------------------------

    def _arrival(self, features: StoryFeatures) -> _Arrival:
        cfg = self.config
        embedding = features.embedding
        if embedding is None:
            embedding = (self._embedder or default_embedder())([lead(features, cfg.lead_words)])[0]
        terms = _term_weights(features.body_lemmas(), features.head_lemmas(), cfg.title_weight)
        entity_counts: dict[str, float] = {}
        for entity in features.entities:
            entity_counts[entity] = entity_counts.get(entity, 0.0) + 1.0
            if entity in features.entity_names:
                self._names.setdefault(entity, features.entity_names[entity])
        return _Arrival(
            features,
            np.asarray(embedding, dtype=np.float32),
            self._terms.vector(terms, cfg.article_terms),
            self._entity_terms.vector(entity_counts, cfg.article_terms) if entity_counts else _EMPTY,
            date_span(features.published),
        )

    def _candidates(self, arrival: _Arrival) -> list[int]:
        size = len(self._article_story)
        if not size:
            return []
        count = min(self.config.neighbours, size)
        matches = self._ann.search(arrival.embedding, count, threads=1, exact=size < _EXACT_BELOW)
        found: list[int] = []
        for key in matches.keys:
            number = self._article_story[int(key)]
            if number not in found:
                found.append(number)
        return found

    def _similarity(self, arrival: _Arrival, state: _State) -> tuple[float, float]:
        """Weighted similarity of the evidence both sides have, and the gap in days between them."""
        cfg = self.config
        norm = _norm(state.embedding)
        parts = [(cfg.embedding, float(np.dot(arrival.embedding, state.embedding)) / max(norm, 1e-12))]
        lexical = state.lexical.get(arrival.features.lang())
        if lexical is not None and len(arrival.lexical[0]):
            parts.append((cfg.lexical, _cosine(arrival.lexical, lexical)))
        if len(arrival.entities[0]) and len(state.entities[0]):
            parts.append((cfg.entities, _cosine(arrival.entities, state.entities)))
        similarity = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
        return similarity, _gap_days(arrival.span, state.span)

    def _decay(self, gap: float) -> float:
        cfg = self.config
        return math.pow(0.5, max(0.0, gap - cfg.grace_days) / cfg.half_life_days)

    def _join(self, state: _State, arrival: _Arrival) -> None:
        cfg = self.config
        state.articles.append(arrival.features.id)
        state.embedding += arrival.embedding
        lang = arrival.features.lang()
        state.lexical[lang] = _merge(state.lexical.get(lang, _EMPTY), arrival.lexical, cfg.story_terms)
        state.entities = _merge(state.entities, arrival.entities, cfg.story_terms)
        published = arrival.features.published
        if arrival.span is None or published is None:
            return
        if state.span is None or arrival.span[0] < state.span[0]:
            state.first = published
        if state.span is None or arrival.span[1] > state.span[1]:
            state.last = published
        old = state.span or arrival.span
        state.span = (min(old[0], arrival.span[0]), max(old[1], arrival.span[1]))

    # --- output ---------------------------------------------------------------------------------------

    def _story(self, state: _State) -> Story:
        entity_ids = [self._entity_terms.display[i] for i in _ranked(state.entities)[:10]]
        return Story(
            id=state.id,
            label=self._label(state, entity_ids),
            articles=list(state.articles),
            entities=entity_ids,
            first=str(state.first) if state.first else None,
            last=str(state.last) if state.last else None,
            thread=state.thread,
        )

    def _label(self, state: _State, entity_ids: Sequence[str]) -> str:
        """Up to two key entities and three key nouns (capitalised lemmas first: German nouns, names)."""
        names = [self._names[e] for e in entity_ids if e in self._names][:2]
        taken = {w.casefold() for name in names for w in name.split()}
        lexical = max(state.lexical.values(), key=lambda s: (float(s[1].sum()), len(s[0])), default=_EMPTY)
        words = [self._terms.display[i] for i in _ranked(lexical)]
        words = [w for w in words if w.casefold() not in taken]
        nouns = sorted(words[:12], key=lambda w: not w[:1].isupper())[:3]
        return ", ".join([*names, *nouns])


def _best(scores: Iterable[tuple[int, float]], threshold: float) -> int:
    """The number with the highest score at or above ``threshold`` (the first of equals), else -1."""
    best, best_score = -1, threshold
    for number, score in scores:
        if score > best_score or (best < 0 and score >= best_score):
            best, best_score = number, score
    return best


def _ranked(vector: Sparse) -> list[int]:
    order = np.lexsort((vector[0], -vector[1]))
    return [int(vector[0][i]) for i in order]


def _gap_days(a: tuple[int, int] | None, b: tuple[int, int] | None) -> float:
    """Days between two date spans; 0 when they overlap or either date is unknown."""
    if a is None or b is None:
        return 0.0
    return float(max(0, a[0] - b[1], b[0] - a[1]))


def arrival_order(features: Iterable[StoryFeatures]) -> list[StoryFeatures]:
    """Batch order: by publication date (undated last), then by id."""

    def key(f: StoryFeatures) -> tuple[int, int, str]:
        span = date_span(f.published)
        return (0, span[0], f.id) if span else (1, 0, f.id)

    return sorted(features, key=key)


def cluster(
    features: Sequence[StoryFeatures], config: StoryConfig | None = None, embedder: Embedder | None = None
) -> list[Story]:
    """Cluster a batch in arrival order (date, then id); embeddings are computed in batches first."""
    cfg = config or StoryConfig()
    ordered = arrival_order(features)
    missing = [i for i, f in enumerate(ordered) if f.embedding is None]
    if missing:
        vectors = (embedder or default_embedder())([lead(ordered[i], cfg.lead_words) for i in missing])
        for i, vector in zip(missing, vectors, strict=True):
            ordered[i] = replace(ordered[i], embedding=vector)
    index = StoryIndex(cfg, embedder)
    for item in ordered:
        index.add(item)
    return index.stories()
