"""Reuse: near-duplicate articles and passages shared through wire copy.

Three outlets reporting "about 14,000 soldiers" may be one agency text repeated. This stage finds

- near-duplicates: datasketch MinHash signatures over normalised word shingles, banded for LSH;
- shared passages: every sentence of enough words gets a few MinHash anchors in a passage index, so two
  articles sharing a sentence (even an edited one) become a candidate pair without comparing every pair;
  candidate pairs are aligned sentence by sentence with rapidfuzz, adjacent aligned sentences merge into
  passages, and each passage becomes a ``ReuseLink`` with character offsets into both ``Article.text``.

Both indexes are incremental (``ReuseIndex.add``). ``independent_sources`` and ``independent_groups``
turn the links and agency credits into groups of articles (or claims) that count as one source.

A passage link needs at least ``passage_min_words`` (12) aligned words - about one full sentence - made of
sentences aligned with word-level similarity >= 0.6, and a character similarity >= 0.7 over the trimmed
spans; a stock phrase ("sagte ein Sprecher am Montag") or one shared short clause never qualifies.
"""

from __future__ import annotations

import calendar
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel
from scipy.cluster.hierarchy import DisjointSet

from quellenlage.clean import agency
from quellenlage.model import Article, Claim, PartialDate, ReuseLink
from quellenlage.rules import read_json

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

__all__ = [
    "Candidates",
    "ReuseIndex",
    "ReuseRules",
    "find_reuse",
    "independent_groups",
    "independent_sources",
    "normalize",
    "reused_share",
    "split_sentences",
]


@dataclass(frozen=True, slots=True)
class ReuseRules:
    """Thresholds from ``rules/reuse.json`` (documented there)."""

    shingle_words: int
    num_perm: int
    duplicate_threshold: float
    lsh_threshold: float
    duplicate_min_shared: int
    anchor_perms: int
    anchor_min_words: int
    anchor_max_df: int
    anchor_min_shared: int
    max_candidates: int
    sentence_min_similarity: float
    sentence_min_containment: float
    passage_min_words: int
    passage_min_similarity: float
    abbreviations: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def load(cls) -> ReuseRules:
        return _load_rules()


@cache
def _load_rules() -> ReuseRules:
    data = {k: v for k, v in read_json("reuse.json").items() if not k.startswith("_")}
    data["abbreviations"] = frozenset(a.casefold() for a in data.get("abbreviations", ()))
    return ReuseRules(**data)


# --- normalisation, sentences, words ---------------------------------------------------------------------

_QUOTES = str.maketrans(dict.fromkeys('«»„“”‟"〝〞＂', '"') | dict.fromkeys("‚‘’‛‹›'`´", "'"))
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# A word, or a sentence stop: end punctuation (with closing quotes) before a capital, digit or opening
# quote, or a line break. Both kinds in one pattern so one findall yields words and stops in order.
_TOKEN = re.compile(r"\w+|[.!?…]+[\"'»«“”„‘’)\]]*(?=\s+[\"'»«“”„‚‘(\[]?[A-ZÄÖÜ0-9])|\n")
_STOP_CHARS = frozenset(".!?…\n")


def normalize(text: str) -> str:
    """Fold case (ß -> ss), unify quote marks and collapse whitespace, so edited copies compare equal."""
    return _SPACE.sub(" ", text.casefold().translate(_QUOTES)).strip()


def _is_stop(stop: str, previous_word: str, abbreviations: frozenset[str]) -> bool:
    """A full stop after an abbreviation, an initial or an ordinal ("am 1. Juli") does not end a sentence."""
    if stop[0] != ".":
        return True
    is_ordinal = previous_word.isdigit() and len(previous_word) <= 2
    return not (is_ordinal or len(previous_word) == 1 or previous_word.casefold() in abbreviations)


def split_sentences(text: str, rules: ReuseRules | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of ``text``; line breaks always end a sentence.

    Hand-written regex splitter: spaCy's sentencizer would cost more than the whole reuse stage
    (the throughput goal is 1,000 articles/s); abbreviations come from rules/reuse.json.
    """
    abbreviations = (rules or ReuseRules.load()).abbreviations
    spans: list[tuple[int, int]] = []
    start, previous = 0, ""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0] not in _STOP_CHARS:
            previous = token
            continue
        if _is_stop(token, previous, abbreviations):
            _push_span(spans, text, start, match.end())
            start = match.end()
        previous = ""
    _push_span(spans, text, start, len(text))
    return spans


def _scan(text: str, abbreviations: frozenset[str]) -> tuple[list[str], list[int]]:
    r"""All words of ``text`` (``\w+`` in order) and how many fall in each sentence (same rule as above)."""
    tokens = _TOKEN.findall(text)
    stops = [i for i, token in enumerate(tokens) if token[0] in _STOP_CHARS]
    lengths: list[int] = []
    done = 0  # words already assigned to sentences
    for k, i in enumerate(stops):
        previous = tokens[i - 1] if i and tokens[i - 1][0] not in _STOP_CHARS else ""
        if _is_stop(tokens[i], previous, abbreviations) and i - k > done:
            lengths.append(i - k - done)  # i - k: words before token i
            done = i - k
    words = [token for token in tokens if token[0] not in _STOP_CHARS] if stops else tokens
    if len(words) > done:
        lengths.append(len(words) - done)
    return words, lengths


def _push_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


# --- hashing ---------------------------------------------------------------------------------------------

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix(x: U64) -> U64:
    """splitmix64 finaliser (wrapping uint64 array arithmetic): combined word hashes act as random keys."""
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


_CHAR_WEIGHTS = np.random.default_rng(1905).integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)


def _word_hashes(words: list[str]) -> U64:
    """Deterministic 64-bit hashes of words (unlike hash()), vectorised: code points times per-position
    random weights; padding code points are 0, so a word hashes alike whatever its neighbours' widths."""
    if not words:
        return np.zeros(0, np.uint64)
    codes = np.array(words).view(np.uint32).reshape(len(words), -1)[:, :64].astype(np.uint64)
    return _mix(codes @ _CHAR_WEIGHTS[: codes.shape[1]])


@dataclass(slots=True)
class _Features:
    """An article's text cut into sentences and normalised words, with shingle hashes per sentence."""

    text: str
    words: list[str]
    bounds: list[tuple[int, int]]  # word range of each sentence
    shingles: U64  # word shingles that do not cross a sentence end, in text order
    shingle_sentence: I64  # sentence number of each shingle
    _offsets: tuple[list[int], list[int]] | None = None

    def sentence_words(self, i: int) -> list[str]:
        lo, hi = self.bounds[i]
        return self.words[lo:hi]

    def offsets(self) -> tuple[list[int], list[int]]:
        """Start and end offsets of every word; only alignment needs them, so they are found lazily."""
        if self._offsets is None:
            spans = [m.span() for m in _WORD.finditer(self.text)]
            self._offsets = [a for a, _ in spans], [b for _, b in spans]
        return self._offsets


def _features(text: str, rules: ReuseRules) -> _Features:
    words, lengths = _scan(text, rules.abbreviations)
    # one casefold call for all words; NUL is no word character and casefold never makes one
    words = "\0".join(words).casefold().split("\0") if words else []
    ends = np.cumsum(lengths, dtype=np.int64)
    bounds = list(zip((ends - lengths).tolist(), ends.tolist(), strict=True))
    width = rules.shingle_words
    count = len(words) - width + 1
    if count <= 0:
        return _Features(text, words, bounds, np.zeros(0, np.uint64), np.zeros(0, np.int64))
    hashes = _word_hashes(words)
    sentence = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    shingles = np.zeros(count, dtype=np.uint64)
    for k in range(width):
        shingles = _mix(shingles ^ hashes[k : k + count])
    inside = sentence[:count] == sentence[width - 1 :]
    return _Features(text, words, bounds, shingles[inside], sentence[:count][inside])


# --- compact posting store -------------------------------------------------------------------------------


class _Postings:
    """Append-only multimap from 64-bit keys to article numbers.

    Hand-written because datasketch's MinHashLSH keeps a Python set per bucket (measured: 7.8 KB per
    article at 128 permutations, 780 MB per 100,000 articles). Here recent postings sit in a bounded dict
    and older ones in sorted numpy segments (12 bytes per posting) merged like a binary counter, so a
    lookup is a few vectorised binary searches and memory grows linearly.
    """

    def __init__(self, flush_at: int = 1 << 16) -> None:
        self._recent: dict[int, list[int]] = {}
        self._recent_count = 0
        self._flush_at = flush_at
        self._keys: list[U64] = []
        self._values: list[npt.NDArray[np.int32]] = []

    def add(self, keys: Iterable[int], value: int) -> None:
        recent = self._recent
        for key in keys:
            if key in recent:
                recent[key].append(value)
            else:
                recent[key] = [value]
            self._recent_count += 1
        if self._recent_count >= self._flush_at:
            self._flush()

    def lookup(self, keys: U64, max_df: I64) -> tuple[I64, I64]:
        """(value, position of its key in ``keys``) for every posting of every key held by <= max_df."""
        recent = [self._recent.get(k) for k in keys.tolist()]
        ranges = [(np.searchsorted(k, keys, "left"), np.searchsorted(k, keys, "right")) for k in self._keys]
        totals = np.fromiter((len(r) if r else 0 for r in recent), dtype=np.int64, count=len(keys))
        for lo, hi in ranges:
            totals += hi - lo
        skip = totals > max_df
        held_values: list[int] = []
        held_positions: list[int] = []
        for i, (held, skipped) in enumerate(zip(recent, skip.tolist(), strict=True)):
            if held and not skipped:
                held_values.extend(held)
                held_positions.extend([i] * len(held))
        values = [np.array(held_values, dtype=np.int64)]
        positions = [np.array(held_positions, dtype=np.int64)]
        for segment, (lo, hi) in zip(self._values, ranges, strict=True):
            counts = np.where(skip, 0, hi - lo)
            total = int(counts.sum())
            if total:  # the positions lo[i] .. hi[i] - 1 of every key, flattened without a Python loop
                firsts = np.repeat(lo - np.cumsum(counts) + counts, counts)
                values.append(segment[firsts + np.arange(total)].astype(np.int64))
                positions.append(np.repeat(np.arange(len(keys), dtype=np.int64), counts))
        return np.concatenate(values), np.concatenate(positions)

    def nbytes(self) -> int:
        return sum(k.nbytes for k in self._keys) + sum(v.nbytes for v in self._values)

    def _flush(self) -> None:
        count = self._recent_count
        keys = np.fromiter((k for k, vs in self._recent.items() for _ in vs), dtype=np.uint64, count=count)
        values = np.fromiter((v for vs in self._recent.values() for v in vs), dtype=np.int32, count=count)
        self._recent, self._recent_count = {}, 0
        self._keys.append(keys)
        self._values.append(values)
        self._sort_last()
        while len(self._keys) > 1 and len(self._keys[-2]) <= len(self._keys[-1]):
            keys, values = self._keys.pop(), self._values.pop()
            self._keys[-1] = np.concatenate([self._keys[-1], keys])
            self._values[-1] = np.concatenate([self._values[-1], values])
            self._sort_last()

    def _sort_last(self) -> None:
        order = np.argsort(self._keys[-1], kind="stable")  # timsort: merging two sorted runs is linear
        self._keys[-1] = self._keys[-1][order]
        self._values[-1] = self._values[-1][order]


# --- the incremental index -------------------------------------------------------------------------------


@dataclass(slots=True)
class Candidates:
    """What the index knows about a newly added article, as ids of earlier articles."""

    duplicates: list[str]  # near-duplicates (estimated Jaccard >= duplicate_threshold)
    candidates: list[str]  # share a sentence anchor: to be aligned for passage reuse


class ReuseIndex:
    """Incremental near-duplicate and passage index: ``add`` queries and updates without rebuilding.

    The index keeps a reference to every added Article (to align passages later); its own memory is
    signatures (4 bytes per permutation) plus 12 bytes per band and sentence-anchor posting.
    """

    def __init__(self, rules: ReuseRules | None = None, feature_cache: int = 256) -> None:
        self.rules = rules or ReuseRules.load()
        # datasketch chooses the band layout that balances false positives and negatives at the threshold.
        lsh = MinHashLSH(threshold=self.rules.lsh_threshold, num_perm=self.rules.num_perm)
        self._bands, self._rows = int(lsh.b), int(lsh.r)
        self._permutations = MinHash(num_perm=self.rules.num_perm, seed=1).permutations
        rng = np.random.default_rng(20250712)
        self._anchor_seeds = rng.integers(0, 2**63, size=self.rules.anchor_perms, dtype=np.uint64)
        self._band_seeds = rng.integers(0, 2**63, size=self._bands, dtype=np.uint64)
        self._articles: list[Article] = []
        self._number: dict[str, int] = {}
        self._signatures = np.zeros((64, self.rules.num_perm), dtype=np.uint32)
        self._sizes = np.zeros(64, dtype=np.int32)  # distinct shingles per article; 0: no signature
        self._postings = _Postings()  # LSH band keys and sentence anchors (both random 64-bit values)
        self._cache: OrderedDict[int, _Features] = OrderedDict()
        self._cache_size = feature_cache

    def __len__(self) -> int:
        return len(self._articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._number

    def add(self, article: Article) -> list[str]:
        """Index ``article``; return the ids of earlier near-duplicates."""
        return self.add_with_candidates(article).duplicates

    def add_with_candidates(self, article: Article) -> Candidates:
        return self._add(article)[0]

    def link(self, article: Article) -> list[ReuseLink]:
        """Index ``article`` and return its passage links to earlier articles (earlier article as ``a``)."""
        found, features = self._add(article)
        links: list[ReuseLink] = []
        for other_id in found.candidates:
            number = self._number[other_id]
            other = self._articles[number]
            for a0, a1, b0, b1, sim in _passages(self._features_of(number), features, self.rules):
                links.append(ReuseLink(other.id, a0, a1, article.id, b0, b1, sim, _origin(other, article)))
        return links

    def memory_bytes(self) -> int:
        """Bytes held in numpy arrays (signatures and merged postings); recent postings not counted."""
        sigs = self._signatures[: len(self)].nbytes + self._sizes[: len(self)].nbytes
        return sigs + self._postings.nbytes()

    def _add(self, article: Article) -> tuple[Candidates, _Features]:
        if article.id in self._number:
            raise ValueError(f"article already indexed: {article.id}")
        features = _features(article.text, self.rules)
        size = len(np.unique(features.shingles))
        signature = self._signature(features.shingles)
        band_keys = self._band_keys(signature) if size else np.zeros(0, np.uint64)
        anchors = self._anchors(features)
        # one store and one lookup for both kinds of key: fewer numpy calls per article
        keys = np.concatenate([band_keys, anchors])
        max_df = np.full(len(keys), self.rules.anchor_max_df, dtype=np.int64)
        max_df[: len(band_keys)] = len(self._articles)  # copies of one text are all near-duplicates
        values, positions = self._postings.lookup(keys, max_df)
        duplicates = self._duplicates(signature, values[positions < len(band_keys)], size)
        candidates = self._candidates(values[positions >= len(band_keys)], duplicates)
        number = len(self._articles)
        self._articles.append(article)
        self._number[article.id] = number
        self._store_signature(number, signature, size)
        self._postings.add(keys.tolist(), number)
        self._remember(number, features)
        ids = [self._articles[n].id for n in duplicates]
        return Candidates(ids, [self._articles[n].id for n in candidates]), features

    def _signature(self, shingles: U64) -> npt.NDArray[np.uint32]:
        minhash = MinHash(
            num_perm=self.rules.num_perm, hashfunc=int, permutations=self._permutations, scheme="affine32"
        )
        minhash.update_batch((shingles & np.uint64(0xFFFFFFFF)).tolist())
        return np.asarray(minhash.hashvalues, dtype=np.uint32)

    def _band_keys(self, signature: npt.NDArray[np.uint32]) -> U64:
        rows = signature[: self._bands * self._rows].reshape(self._bands, self._rows).astype(np.uint64)
        keys = self._band_seeds.copy()
        for r in range(self._rows):
            keys = _mix(keys ^ rows[:, r])
        return keys

    def _anchors(self, features: _Features) -> U64:
        """Per long-enough sentence, the minimum of its shingles under each of a few random permutations."""
        if not len(features.shingles):
            return np.zeros(0, np.uint64)
        sentence = features.shingle_sentence
        starts = np.flatnonzero(np.r_[True, sentence[1:] != sentence[:-1]])
        permuted = _mix(features.shingles[None, :] ^ self._anchor_seeds[:, None])
        minima = np.minimum.reduceat(permuted, starts, axis=1)
        lengths = np.array([hi - lo for lo, hi in features.bounds], dtype=np.int64)[sentence[starts]]
        return np.unique(minima[:, lengths >= self.rules.anchor_min_words])

    def _duplicates(self, signature: npt.NDArray[np.uint32], sharing: I64, size: int) -> list[int]:
        numbers = np.unique(sharing)
        if not len(numbers):
            return []
        jaccard = (self._signatures[numbers] == signature).mean(axis=1)
        shared = jaccard * (self._sizes[numbers] + size) / (1 + jaccard)  # |A & B| from J and |A|, |B|
        keep = (jaccard >= self.rules.duplicate_threshold) & (shared >= self.rules.duplicate_min_shared)
        return [int(n) for n in numbers[keep]]

    def _candidates(self, sharing: I64, duplicates: list[int]) -> list[int]:
        numbers, counts = np.unique(sharing, return_counts=True)
        # one shared anchor is mostly a common phrase that happened to be a sentence's minimum
        keep = counts >= self.rules.anchor_min_shared
        numbers, counts = numbers[keep], counts[keep]
        best = numbers[np.lexsort((numbers, -counts))[: self.rules.max_candidates]]
        return sorted({int(n) for n in best} | set(duplicates))

    def _store_signature(self, number: int, signature: npt.NDArray[np.uint32], size: int) -> None:
        if number >= len(self._signatures):
            self._signatures = np.concatenate([self._signatures, np.zeros_like(self._signatures)])
            self._sizes = np.concatenate([self._sizes, np.zeros_like(self._sizes)])
        self._signatures[number] = signature
        self._sizes[number] = size

    def _features_of(self, number: int) -> _Features:
        features = self._cache.get(number)
        if features is None:
            features = _features(self._articles[number].text, self.rules)
        self._remember(number, features)
        return features

    def _remember(self, number: int, features: _Features) -> None:
        self._cache[number] = features
        self._cache.move_to_end(number)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


# --- passage alignment -----------------------------------------------------------------------------------


def _sentence_shingles(features: _Features) -> dict[int, set[int]]:
    by_sentence: dict[int, set[int]] = {}
    for shingle, sentence in zip(features.shingles.tolist(), features.shingle_sentence.tolist(), strict=True):
        by_sentence.setdefault(sentence, set()).add(shingle)
    return by_sentence


def _aligned_sentences(fa: _Features, fb: _Features, rules: ReuseRules) -> dict[tuple[int, int], int]:
    """Sentence pairs sharing a shingle whose words align well; value: aligned word count (LCS)."""
    where: dict[int, list[int]] = {}
    for j, shingles in _sentence_shingles(fb).items():
        for shingle in shingles:
            where.setdefault(shingle, []).append(j)
    pairs: set[tuple[int, int]] = set()
    for i, shingles in _sentence_shingles(fa).items():
        for shingle in shingles:
            pairs.update((i, j) for j in where.get(shingle, ()))
    aligned: dict[tuple[int, int], int] = {}
    for i, j in sorted(pairs):
        wa, wb = fa.sentence_words(i), fb.sentence_words(j)
        lcs = (len(wa) + len(wb) - Indel.distance(wa, wb)) // 2
        similar = 2 * lcs >= rules.sentence_min_similarity * (len(wa) + len(wb))
        contained = lcs >= rules.passage_min_words and lcs >= rules.sentence_min_containment * min(
            len(wa), len(wb)
        )
        if similar or contained:
            aligned[i, j] = lcs
    return aligned


def _runs(aligned: dict[tuple[int, int], int]) -> list[list[tuple[int, int]]]:
    """Merge diagonally adjacent sentence pairs into runs; keep the longest runs that do not overlap."""
    runs: list[list[tuple[int, int]]] = []
    for i, j in sorted(aligned):
        if (i - 1, j - 1) in aligned:
            continue
        run = [(i, j)]
        while (run[-1][0] + 1, run[-1][1] + 1) in aligned:
            run.append((run[-1][0] + 1, run[-1][1] + 1))
        runs.append(run)
    runs.sort(key=lambda run: (-sum(aligned[p] for p in run), run[0]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    kept: list[list[tuple[int, int]]] = []
    for run in runs:
        if used_a.isdisjoint(i for i, _ in run) and used_b.isdisjoint(j for _, j in run):
            kept.append(run)
            used_a.update(i for i, _ in run)
            used_b.update(j for _, j in run)
    return sorted(kept)


def _passages(fa: _Features, fb: _Features, rules: ReuseRules) -> list[tuple[int, int, int, int, float]]:
    """Shared passages as (a_start, a_end, b_start, b_end, similarity), trimmed to the aligned words."""
    passages: list[tuple[int, int, int, int, float]] = []
    for run in _runs(_aligned_sentences(fa, fb, rules)):
        a_lo, a_hi = fa.bounds[run[0][0]][0], fa.bounds[run[-1][0]][1]
        b_lo, b_hi = fb.bounds[run[0][1]][0], fb.bounds[run[-1][1]][1]
        equal = [op for op in Indel.opcodes(fa.words[a_lo:a_hi], fb.words[b_lo:b_hi]) if op.tag == "equal"]
        if sum(op.src_end - op.src_start for op in equal) < rules.passage_min_words:
            continue
        (a_starts, a_ends), (b_starts, b_ends) = fa.offsets(), fb.offsets()
        a0, a1 = a_starts[a_lo + equal[0].src_start], a_ends[a_lo + equal[-1].src_end - 1]
        b0, b1 = b_starts[b_lo + equal[0].dest_start], b_ends[b_lo + equal[-1].dest_end - 1]
        similarity = fuzz.ratio(normalize(fa.text[a0:a1]), normalize(fb.text[b0:b1])) / 100
        if similarity >= rules.passage_min_similarity:
            passages.append((a0, a1, b0, b1, round(similarity, 3)))
    return passages


# --- origin and independence -----------------------------------------------------------------------------


def _agencies(article: Article) -> set[str]:
    return {agency(a) or a.strip() for a in article.agencies if a.strip()}


def _last_day(when: PartialDate) -> date:
    first = when.first_day()
    if when.precision == "year":
        return date(first.year, 12, 31)
    if when.precision == "month":
        return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    return first


def _origin(a: Article, b: Article) -> str | None:
    """The agency credited by both articles, else the id of the one published first, else None."""
    shared = _agencies(a) & _agencies(b)
    if shared:
        return "/".join(sorted(shared, key=str.casefold))
    if a.published and b.published:
        if _last_day(a.published) < b.published.first_day():
            return a.id
        if _last_day(b.published) < a.published.first_day():
            return b.id
    return None


def find_reuse(articles: Sequence[Article], rules: ReuseRules | None = None) -> list[ReuseLink]:
    """All passage links among ``articles``; ``a`` is the article with the smaller id, order is stable."""
    index = ReuseIndex(rules)
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.id, article)
    links: list[ReuseLink] = []
    for article_id in sorted(unique):
        links.extend(index.link(unique[article_id]))
    return sorted(links, key=lambda x: (x.a, x.b, x.a_start, x.b_start))


def reused_share(article: Article, links: Iterable[ReuseLink]) -> dict[str, float]:
    """Share of the article's characters inside shared passages, per origin ("unknown" if none)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for link in links:
        key = link.origin or "unknown"
        if link.a == article.id:
            spans.setdefault(key, []).append((link.a_start, link.a_end))
        if link.b == article.id:
            spans.setdefault(key, []).append((link.b_start, link.b_end))
    size = max(len(article.text), 1)
    return {origin: _covered(found) / size for origin, found in sorted(spans.items())}


def _covered(spans: list[tuple[int, int]]) -> int:
    total, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def independent_sources(
    article_ids: Sequence[str], links: Iterable[ReuseLink], articles: Iterable[Article]
) -> list[list[str]]:
    """Group articles that share a passage or credit the same agency; one group = one independent source."""
    ids = sorted(set(article_ids))
    position = {article_id: n for n, article_id in enumerate(ids)}
    groups = DisjointSet(range(len(ids)))
    for link in links:
        if link.a in position and link.b in position:
            groups.merge(position[link.a], position[link.b])
    _join_by_agency(groups, [_agencies_by_id(articles).get(i, set()) for i in ids])
    return [[ids[n] for n in group] for group in sorted_groups(groups)]


def independent_groups(
    claims: Sequence[Claim], links: Iterable[ReuseLink], articles: Iterable[Article]
) -> list[list[int]]:
    """Group claims (by index) that cannot count as independent: same article, same credited agency,
    or both inside one shared passage. ``len(result)`` is the number of independent sources behind them."""
    groups = DisjointSet(range(len(claims)))
    by_pair: dict[tuple[str, str], list[ReuseLink]] = {}
    for link in links:
        by_pair.setdefault((link.a, link.b), []).append(link)
    for x, cx in enumerate(claims):
        for y in range(x + 1, len(claims)):
            cy = claims[y]
            if cx.article == cy.article or _in_shared_passage(cx, cy, by_pair):
                groups.merge(x, y)
    agencies = _agencies_by_id(articles)
    _join_by_agency(groups, [agencies.get(c.article, set()) for c in claims])
    return sorted_groups(groups)


def _in_shared_passage(cx: Claim, cy: Claim, by_pair: dict[tuple[str, str], list[ReuseLink]]) -> bool:
    for link in by_pair.get((cx.article, cy.article), []):
        if _overlaps(cx, link.a_start, link.a_end) and _overlaps(cy, link.b_start, link.b_end):
            return True
    for link in by_pair.get((cy.article, cx.article), []):
        if _overlaps(cy, link.a_start, link.a_end) and _overlaps(cx, link.b_start, link.b_end):
            return True
    return False


def _overlaps(claim: Claim, start: int, end: int) -> bool:
    return claim.start < end and start < claim.end


def _agencies_by_id(articles: Iterable[Article]) -> dict[str, set[str]]:
    return {article.id: {a.casefold() for a in _agencies(article)} for article in articles}


def _join_by_agency(groups: DisjointSet[int], agencies: list[set[str]]) -> None:
    first_with: dict[str, int] = {}
    for item, names in enumerate(agencies):
        for name in sorted(names):
            groups.merge(first_with.setdefault(name, item), item)


def sorted_groups(groups: DisjointSet[int]) -> list[list[int]]:
    """The groups, each sorted, in the order of their smallest member: deterministic output."""
    return sorted(sorted(group) for group in groups.subsets())
