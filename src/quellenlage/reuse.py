"""Reuse: near-duplicate articles and passages shared through wire copy.

Three outlets reporting "about 14,000 soldiers" may be one agency text repeated. This stage finds

- near-duplicates: MinHash signatures (one permutation hashing) over normalised word shingles, banded
  for LSH in the layout datasketch chooses for the threshold;
- shared passages: every sentence of enough words puts its few smallest shingle hashes as anchors in a
  passage index, so two articles sharing a sentence (even an edited one) become a candidate pair
  without comparing every pair;
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
from itertools import chain
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from datasketch import MinHashLSH
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel
from scipy.cluster.hierarchy import DisjointSet

from quellenlage.clean import agency
from quellenlage.model import Article, Claim, PartialDate, ReuseLink
from quellenlage.rules import read_json

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
_Int = TypeVar("_Int", np.uint64, np.int64)

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
    anchors_per_sentence: int
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
# A sentence stop: end punctuation (with closing quotes) before a capital, digit or opening quote.
_STOP = re.compile(r"[.!?…]+[\"'»«“”„‘’)\]]*(?=\s+[\"'»«“”„‚‘(\[]?[A-ZÄÖÜ0-9])")
_CAPITAL_CODES = np.zeros(256, dtype=np.bool_)  # what _STOP's lookahead ends with, by code point
_CAPITAL_CODES[[ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ0123456789"]] = True
_OTHER, _STOP_CHAR, _LINE_BREAK, _WORD_CHAR = range(4)  # character classes


def normalize(text: str) -> str:
    """Fold case (ß -> ss), unify quote marks and collapse whitespace, so edited copies compare equal."""
    return _SPACE.sub(" ", text.casefold().translate(_QUOTES)).strip()


@cache
def _char_classes() -> npt.NDArray[np.uint8]:
    r"""The class of every code point: a word character (what ``\w`` matches), a stop character, a line
    break or other.

    A table lookup per character finds words and stop candidates in numpy: a regex tokenizer
    (re.findall) took 120 µs per article, ten times the lookup (measured on the same machine).
    """
    every = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.full(0x110000, _OTHER, dtype=np.uint8)
    for match in _WORD.finditer(every):
        table[match.start() : match.end()] = _WORD_CHAR
    table[[ord(c) for c in ".!?…"]] = _STOP_CHAR
    table[ord("\n")] = _LINE_BREAK
    return table


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    """One array item per character, so array positions are string offsets."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _word_spans(is_word: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    r"""Start and end offsets of every run of word characters (``\w+``)."""
    padded = np.zeros(len(is_word) + 2, dtype=np.bool_)
    padded[1:-1] = is_word
    edges = (padded[1:] != padded[:-1]).nonzero()[0]
    return edges[::2], edges[1::2]


@cache
def _longest(abbreviations: frozenset[str]) -> int:
    """The longest word before a full stop that may keep it from ending a sentence (ordinals: 2)."""
    return max([2, *map(len, abbreviations)])


def _sentence_ends(
    text: str,
    codes: npt.NDArray[np.uint32],
    classes: npt.NDArray[np.uint8],
    starts: I64,
    ends: I64,
    abbreviations: frozenset[str],
) -> tuple[I64, I64]:
    """Offset after, and words before, every sentence end; line breaks always end a sentence.

    Hand-written splitter: spaCy's sentencizer would cost more than the whole reuse stage (the throughput
    goal is 1,000 articles/s); abbreviations come from rules/reuse.json. Candidates are the first
    character of each run of stop characters; the common case ". Der" is answered with array lookups, the
    regex looks only at the rest. A full stop after an abbreviation, an initial or an ordinal ("am 1.
    Juli") does not end a sentence: only words of at most an abbreviation's length are looked at in Python.
    Array methods instead of numpy functions: on these short arrays the functions' dispatch costs more
    than the work (measured).
    """
    stop = classes == _STOP_CHAR
    candidate = classes == _LINE_BREAK
    candidate[:1] |= stop[:1]
    candidate[1:] |= stop[1:] > stop[:-1]
    first = candidate.nonzero()[0]
    after = first + 1
    # "clip" repeats the last character: no false space and capital at the end, the regex decides there
    fast = (codes.take(after, mode="clip") == 32) & _CAPITAL_CODES.take(
        codes.take(after + 1, mode="clip"), mode="clip"
    )
    fast |= codes[first] == 10
    slow = (~fast).nonzero()[0]
    if len(slow):
        token = np.ones(len(first), dtype=np.bool_)
        for k, position in zip(slow.tolist(), first[slow].tolist(), strict=True):
            match = _STOP.match(text, position)
            if match is None:
                token[k] = False  # a full stop inside a number or before lower case: no token at all
            else:
                after[k] = match.end()
        first, after = first[token], after[token]
    words = starts.searchsorted(first)
    # the length of the word right before each stop token; a stop right after another has none
    length = (ends - starts)[words - 1] if len(starts) else np.zeros_like(words)
    length[words == np.concatenate(([0], words[:-1]))] = 0
    dot = codes[first] == 46
    initial = dot & (length == 1)
    for k in (dot & (length >= 2) & (length <= _longest(abbreviations))).nonzero()[0].tolist():
        word = text[starts[words[k] - 1] : ends[words[k] - 1]]
        initial[k] = (len(word) <= 2 and word.isdigit()) or word.casefold() in abbreviations
    ending = ~initial
    return after[ending], words[ending]


def split_sentences(text: str, rules: ReuseRules | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of ``text``, without surrounding whitespace; line breaks end a sentence."""
    codes = _code_points(text)
    classes = _char_classes().take(codes)
    starts, ends = _word_spans(classes == _WORD_CHAR)
    abbreviations = (rules or ReuseRules.load()).abbreviations
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _sentence_ends(text, codes, classes, starts, ends, abbreviations)[0].tolist():
        _push_span(spans, text, start, end)
        start = end
    _push_span(spans, text, start, len(text))
    return spans


def _push_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


# --- hashing ---------------------------------------------------------------------------------------------

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S20, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(20), np.uint64(32)
_SENTENCE_SHIFT = np.uint64(44)  # anchors: sentence number (up to 2**20 sentences) above 44 hash bits
_HASH_BITS = np.uint64((1 << 44) - 1)


def _mix(x: U64) -> U64:
    """splitmix64 finaliser (wrapping uint64 array arithmetic): combined word hashes act as random keys."""
    x = x ^ (x >> _S30)  # a new array: the argument stays as it was; the rest works in place
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)  # odd: multiplying is a bijection


def _word_hashes(
    codes: npt.NDArray[np.uint32], is_word: npt.NDArray[np.bool_], starts: I64, ends: I64
) -> U64:
    """Deterministic 64-bit hashes of the case-folded words (unlike hash()), vectorised: the sum of the
    hashed character trigrams of each word, its edges included. The words, one NUL after each, are folded
    as one string: folding changes lengths (ß -> ss), so it comes after cutting the words out.
    Measured on the 48,277 distinct words of the 10kGNAD test split: no two share a hash."""
    if not len(ends):
        return np.zeros(0, np.uint64)
    keep = is_word.copy()
    keep[ends[:-1]] = True  # the non-word character after each word but the last, made a NUL
    masked = codes.copy()
    masked[ends[:-1]] = 0
    joined = masked[keep].tobytes().decode("utf-32-le", "surrogatepass")
    folded = _code_points(joined.casefold())
    chars = np.zeros(len(folded) + 2, dtype=np.uint64)  # NUL before the first and after the last word
    chars[1:-1] = folded
    centred = chars[:-2] * _K1  # one trigram centred on each character
    centred += chars[1:-1]
    centred *= _K2
    centred += chars[2:]
    trigrams = _mix(centred)
    trigrams[folded == 0] = 0  # those centred on a NUL span two words
    return np.add.reduceat(trigrams, (chars[:-2] == 0).nonzero()[0])


def _sorted_runs(values: npt.NDArray[_Int]) -> tuple[npt.NDArray[_Int], I64]:
    """``values`` sorted, and where each run of equal values starts."""
    ordered = values.copy()
    ordered.sort()
    first = np.ones(len(ordered), dtype=np.bool_)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered, first.nonzero()[0]


def _unique(values: npt.NDArray[_Int]) -> npt.NDArray[_Int]:
    """Sorted distinct values; np.unique costs several times more on the short arrays of one article."""
    ordered, starts = _sorted_runs(values)
    return ordered[starts]


def _distinct(values: npt.NDArray[_Int]) -> tuple[npt.NDArray[_Int], I64]:
    """Sorted distinct values and how often each occurs."""
    ordered, starts = _sorted_runs(values)
    counts = np.empty_like(starts)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1:] = len(ordered) - starts[-1:]
    return ordered[starts], counts


class _OnePermutationHash:
    """MinHash signatures from one hash instead of one per slot: one permutation hashing with optimal
    densification (Li, Owen & Zhang 2012; Shrivastava 2017). Slot i holds the smallest shingle hash
    whose top bits are i; an empty slot copies the slot its own fixed random probe sequence reaches
    first among the non-empty ones. Each slot still collides with probability = Jaccard similarity.

    Hand-written: datasketch has no one-permutation scheme, and its MinHash.update_batch computes every
    permutation of every shingle (measured 175 µs per article at 128 permutations; this: 50 µs).
    """

    def __init__(self, slots: int, rng: np.random.Generator) -> None:
        if slots & (slots - 1):
            raise ValueError(f"num_perm must be a power of two, not {slots}")
        self._shift = np.uint64(64 - slots.bit_length() + 1)
        self._bounds = np.arange(slots, dtype=np.uint64) << self._shift  # smallest hash of every slot
        self._probes = rng.permuted(np.tile(np.arange(slots), (slots, 1)), axis=1)

    def signature(self, ordered: U64) -> npt.NDArray[np.uint32]:
        """Signature of a set of random 64-bit hashes, given sorted; low 32 bits of each chosen hash."""
        first = ordered.searchsorted(self._bounds)
        after = np.empty_like(first)  # first hash of the next slot
        after[:-1] = first[1:]
        after[-1] = len(ordered)
        filled = first < after
        found = ordered[np.minimum(first, len(ordered) - 1)]
        empty = (~filled).nonzero()[0]
        if len(empty):  # the first filled slot of each empty slot's probe sequence
            probes = self._probes[empty]
            found[empty] = found[probes[np.arange(len(empty)), filled[probes].argmax(axis=1)]]
        return found.astype(np.uint32)


@dataclass(slots=True)
class _Features:
    """An article's text cut into sentences and normalised words, with shingle hashes per sentence."""

    text: str
    words: U64  # hash of every normalised word, in text order
    starts: I64  # character offset of every word in ``text``
    ends: I64
    sentence_ends: I64  # word number after each sentence's last word; sentences without words left out
    shingles: U64  # word shingles that do not cross a sentence end, in text order
    shingle_sentence: I64  # sentence number of each shingle
    _word_list: list[int] | None = None
    _bounds: list[tuple[int, int]] | None = None

    @property
    def bounds(self) -> list[tuple[int, int]]:
        """Word range of each sentence; only alignment needs them as Python ints, so made lazily."""
        if self._bounds is None:
            ends = self.sentence_ends.tolist()
            self._bounds = list(zip([0, *ends[:-1]], ends, strict=True)) if ends else []
        return self._bounds

    def sentence_words(self, i: int) -> list[int]:
        lo, hi = self.bounds[i]
        return self.word_list()[lo:hi]

    def word_list(self) -> list[int]:
        """The word hashes as Python ints for rapidfuzz; only alignment needs them, so made lazily."""
        if self._word_list is None:
            self._word_list = self.words.tolist()
        return self._word_list


def _features(text: str, rules: ReuseRules) -> _Features:
    codes = _code_points(text)
    classes = _char_classes().take(codes)
    is_word = classes == _WORD_CHAR
    starts, ends = _word_spans(is_word)
    cuts = np.concatenate(
        (_sentence_ends(text, codes, classes, starts, ends, rules.abbreviations)[1], [len(starts)])
    )
    sentence_ends = cuts[cuts > np.concatenate(([0], cuts[:-1]))]  # word counts ascend: drop repeats, zeros
    hashes = _word_hashes(codes, is_word, starts, ends)
    width = rules.shingle_words
    count = len(hashes) - width + 1
    if count <= 0:
        empty = np.zeros(0, np.uint64)
        return _Features(text, hashes, starts, ends, sentence_ends, empty, empty.astype(np.int64))
    sentence = np.zeros(len(hashes), dtype=np.int64)  # sentence number of every word
    sentence[sentence_ends[:-1]] = 1
    sentence = sentence.cumsum()
    shingles = hashes[:count].copy()
    for k in range(1, width):  # a polynomial in the word hashes, mixed once: order matters
        shingles = shingles * _K1 + hashes[k : k + count]
    shingles = _mix(shingles)
    inside = sentence[:count] == sentence[width - 1 :]
    return _Features(text, hashes, starts, ends, sentence_ends, shingles[inside], sentence[:count][inside])


# --- compact posting store -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Segment:
    """Postings sorted by key, with a directory over the keys' top bits: keys are random 64-bit values,
    so a directory slot holds a few postings and a lookup costs two array reads instead of a binary
    search (measured at 10 million postings: 30 µs instead of 200 µs per 100 keys)."""

    keys: U64
    values: npt.NDArray[np.int32]
    directory: I64  # directory[p]: first posting in slot p or a later one
    slots: np.uint64

    @classmethod
    def build(cls, keys: U64, values: npt.NDArray[np.int32]) -> _Segment:
        """A segment of postings already sorted by key; 8 postings per directory slot on average."""
        slots = np.uint64(max(len(keys) // 8, 1))
        per_slot = np.bincount(_slot(keys, slots), minlength=int(slots))
        return cls(keys, values, np.concatenate([[0], np.cumsum(per_slot)]), slots)

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, needles: U64, owners: bool) -> tuple[I64 | None, npt.NDArray[np.int32]]:
        """Value of every posting whose key is one of ``needles``, and if asked its needle's number."""
        slot = _slot(needles, self.slots)
        lo = self.directory[slot]
        counts = self.directory[slot + 1] - lo
        # every slot position lo[i] .. lo[i] + counts[i] - 1, flattened without a Python loop
        index = np.arange(counts.sum()) + (lo - counts.cumsum() + counts).repeat(counts)
        hit = (self.keys[index] == needles.repeat(counts)).nonzero()[0]
        owner = np.arange(len(needles)).repeat(counts)[hit] if owners else None
        return owner, self.values[index[hit]]

    def merge(self, other: _Segment) -> _Segment:
        """Both segments' postings in one: a linear insertion of the sorted ``other``, no re-sort."""
        at = np.searchsorted(self.keys, other.keys)
        return _Segment.build(np.insert(self.keys, at, other.keys), np.insert(self.values, at, other.values))

    def nbytes(self) -> int:
        return self.keys.nbytes + self.values.nbytes + self.directory.nbytes


def _slot(keys: U64, slots: np.uint64) -> npt.NDArray[np.intp]:
    """Directory slot of each key: its top 32 bits scaled to [0, slots), so the slot order is key order
    and the directory has exactly the size asked for (a constant 1 byte per posting)."""
    return (((keys >> _S32) * slots) >> _S32).astype(np.intp)


class _Postings:
    """Append-only multimap from random 64-bit keys to article numbers.

    Hand-written because datasketch's MinHashLSH keeps a Python set per bucket (measured: 7.8 KB per
    article at 128 permutations, 780 MB per 100,000 articles). Recent postings sit in a bounded dict;
    older ones in at most two sorted ``_Segment``s (about 13 bytes per posting): a large one and a small
    one that takes every flush and is merged into the large one when it reaches an eighth of its size.
    So a lookup costs the same at any size, and every posting is copied a bounded number of times.
    """

    def __init__(self, flush_at: int = 1 << 16) -> None:
        # recent postings: the latest value of every key, and the earlier ones of the few keys added again
        # (near-duplicates' band keys); set operations and dict.update keep the Python work per key small
        self._latest: dict[int, int] = {}
        self._earlier: dict[int, list[int]] = {}
        self._recent_count = 0
        self._flush_at = flush_at
        self._segments: list[_Segment] = []

    def add(self, keys: list[int], value: int) -> None:
        """Add one posting (key, value) per distinct key of ``keys``."""
        for key in self._latest.keys() & keys:
            self._earlier.setdefault(key, []).append(self._latest[key])
        self._latest.update(dict.fromkeys(keys, value))
        self._recent_count += len(keys)
        if self._recent_count >= self._flush_at:
            self._flush()

    def lookup(self, keys: U64, max_df: int | None = None) -> I64:
        """Values of every posting of every key; keys with more than ``max_df`` postings are skipped."""
        wanted = keys.tolist()
        get = self._latest.get
        latest = np.array([get(k, -1) for k in wanted], dtype=np.int64)
        found = latest >= 0
        owners: list[I64] = [found.nonzero()[0]] if max_df is not None else []
        values: list[npt.NDArray[np.signedinteger]] = [latest[found]]
        again = list(self._earlier.keys() & wanted)
        if again:
            held = [self._earlier[key] for key in again]
            values.append(np.fromiter(chain.from_iterable(held), dtype=np.int64))
            if max_df is not None:
                number = {key: i for i, key in enumerate(wanted)}
                owners.append(np.array([number[key] for key in again]).repeat([len(h) for h in held]))
        for segment in self._segments:
            owner, value = segment.find(keys, owners=max_df is not None)
            values.append(value)
            if owner is not None:
                owners.append(owner)
        every = np.concatenate(values, dtype=np.int64)
        if max_df is None:
            return every
        owner = np.concatenate(owners)
        return every[np.bincount(owner, minlength=len(keys))[owner] <= max_df]

    def nbytes(self) -> int:
        return sum(segment.nbytes() for segment in self._segments)

    def _flush(self) -> None:
        latest, earlier = self._latest, self._earlier
        keys = np.concatenate(
            [
                np.fromiter(latest.keys(), dtype=np.uint64, count=len(latest)),
                np.repeat(np.fromiter(earlier.keys(), dtype=np.uint64), [len(vs) for vs in earlier.values()]),
            ]
        )
        values = np.concatenate(
            [
                np.fromiter(latest.values(), dtype=np.int32, count=len(latest)),
                np.fromiter(chain.from_iterable(earlier.values()), dtype=np.int32),
            ]
        )
        self._latest, self._earlier, self._recent_count = {}, {}, 0
        order = keys.argsort()  # the order of one key's values does not matter to any caller
        fresh = _Segment.build(keys[order], values[order])
        if len(self._segments) == 2:
            fresh = self._segments.pop().merge(fresh)
        self._segments.append(fresh)
        if len(self._segments) == 2 and 8 * len(self._segments[1]) >= len(self._segments[0]):
            small = self._segments.pop()
            self._segments[0] = self._segments[0].merge(small)


# --- the incremental index -------------------------------------------------------------------------------


@cache
def _band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows): datasketch chooses the layout that balances false positives and negatives at the
    threshold (a numerical integration per layout, so done once)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


@dataclass(slots=True)
class Candidates:
    """What the index knows about a newly added article, as ids of earlier articles."""

    duplicates: list[str]  # near-duplicates (estimated Jaccard >= duplicate_threshold)
    candidates: list[str]  # share a sentence anchor: to be aligned for passage reuse


class ReuseIndex:
    """Incremental near-duplicate and passage index: ``add`` queries and updates without rebuilding.

    The index keeps a reference to every added Article (to align passages later); its own memory is
    signatures (4 bytes per permutation) plus about 13 bytes per band and sentence-anchor posting.
    """

    def __init__(self, rules: ReuseRules | None = None, feature_cache: int = 256) -> None:
        self.rules = rules or ReuseRules.load()
        self._bands, self._rows = _band_layout(self.rules.lsh_threshold, self.rules.num_perm)
        rng = np.random.default_rng(20250712)
        self._hasher = _OnePermutationHash(self.rules.num_perm, rng)
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
        return self._add(article, with_candidates=False)[0].duplicates

    def add_with_candidates(self, article: Article) -> Candidates:
        return self._add(article, with_candidates=True)[0]

    def link(self, article: Article) -> list[ReuseLink]:
        """Index ``article`` and return its passage links to earlier articles (earlier article as ``a``)."""
        found, features = self._add(article, with_candidates=True)
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

    def _add(self, article: Article, with_candidates: bool) -> tuple[Candidates, _Features]:
        """Query, then store. Passage candidates are looked up only when asked for: ``add`` returns none."""
        if article.id in self._number:
            raise ValueError(f"article already indexed: {article.id}")
        features = _features(article.text, self.rules)
        ordered = features.shingles.copy()
        ordered.sort()
        size = int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1 if len(ordered) else 0
        signature = self._signature(ordered)
        band_keys = self._band_keys(signature) if size else np.zeros(0, np.uint64)
        anchors = self._anchors(features)
        duplicates = self._duplicates(signature, self._postings.lookup(band_keys), size)
        candidates: list[int] = []
        if with_candidates:
            sharing = self._postings.lookup(_unique(anchors), self.rules.anchor_max_df)
            candidates = self._candidates(sharing, duplicates)
        number = len(self._articles)
        self._articles.append(article)
        self._number[article.id] = number
        self._store_signature(number, signature, size)
        self._postings.add(np.concatenate([band_keys, anchors]).tolist(), number)
        self._remember(number, features)
        ids = [self._articles[n].id for n in duplicates]
        return Candidates(ids, [self._articles[n].id for n in candidates]), features

    def _signature(self, ordered: U64) -> npt.NDArray[np.uint32]:
        """MinHash signature of the sorted shingle hashes (4 bytes per slot)."""
        if not len(ordered):
            return np.full(self.rules.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        return self._hasher.signature(ordered)

    def _band_keys(self, signature: npt.NDArray[np.uint32]) -> U64:
        rows = signature[: self._bands * self._rows].reshape(self._bands, self._rows).astype(np.uint64)
        keys = self._band_seeds.copy()
        for r in range(self._rows):  # a polynomial in the band's rows, mixed once
            keys *= _K1
            keys += rows[:, r]
        return _mix(keys)

    def _anchors(self, features: _Features) -> U64:
        """The few smallest shingle hashes of every long-enough sentence (a bottom-k sketch per sentence),
        mixed again: they are small numbers, posting keys must be spread over all 64 bits."""
        sentence = features.shingle_sentence
        if not len(sentence):
            return np.zeros(0, np.uint64)
        # one sort by (sentence, hash): the sentence number in the top bits, the hash's top bits below
        ordered = (sentence.astype(np.uint64) << _SENTENCE_SHIFT) | (features.shingles >> _S20)
        ordered.sort()
        start = sentence.searchsorted(sentence)  # sentence numbers ascend: sorting keeps them in place
        rank = np.arange(len(sentence)) - start
        ends = features.sentence_ends
        long_enough = ends - np.concatenate(([0], ends[:-1])) >= self.rules.anchor_min_words
        keep = (rank < self.rules.anchors_per_sentence) & long_enough[sentence]
        return _mix(ordered[keep] & _HASH_BITS)  # repeats (a sentence twice) are dropped by the caller

    def _duplicates(self, signature: npt.NDArray[np.uint32], sharing: I64, size: int) -> list[int]:
        numbers = _unique(sharing)
        if not len(numbers):
            return []
        jaccard = (self._signatures[numbers] == signature).sum(axis=1) / len(signature)
        shared = jaccard * (self._sizes[numbers] + size) / (1 + jaccard)  # |A & B| from J and |A|, |B|
        keep = (jaccard >= self.rules.duplicate_threshold) & (shared >= self.rules.duplicate_min_shared)
        found: list[int] = numbers[keep].tolist()
        return found

    def _candidates(self, sharing: I64, duplicates: list[int]) -> list[int]:
        numbers, counts = _distinct(sharing)
        # one shared anchor is mostly a common phrase that happened to be a sentence's minimum
        keep = counts >= self.rules.anchor_min_shared
        numbers, counts = numbers[keep], counts[keep]
        best = numbers[np.lexsort((numbers, -counts))[: self.rules.max_candidates]]
        return sorted({int(n) for n in best} | set(duplicates))

    def _store_signature(self, number: int, signature: npt.NDArray[np.uint32], size: int) -> None:
        if number >= len(self._signatures):  # grow by a quarter: at most 20% of the rows unused
            more = len(self._signatures) // 4
            self._signatures = np.concatenate([self._signatures, np.zeros_like(self._signatures[:more])])
            self._sizes = np.concatenate([self._sizes, np.zeros_like(self._sizes[:more])])
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


def _sharing_sentences(fa: _Features, fb: _Features) -> list[tuple[int, int]]:
    """Sentence pairs (i in a, j in b) that share a shingle, sorted; found with array lookups."""
    if not len(fa.shingles) or not len(fb.shingles):
        return []
    order = np.argsort(fb.shingles)
    ordered = fb.shingles[order]
    lo, hi = np.searchsorted(ordered, fa.shingles, "left"), np.searchsorted(ordered, fa.shingles, "right")
    counts = hi - lo
    at = np.arange(counts.sum()) + np.repeat(lo - np.cumsum(counts) + counts, counts)  # lo .. hi - 1, flat
    i = np.repeat(fa.shingle_sentence, counts)
    j = fb.shingle_sentence[order[at]]
    first, second = divmod(_unique(i * len(fb.sentence_ends) + j), len(fb.sentence_ends))
    return list(zip(first.tolist(), second.tolist(), strict=True))


def _aligned_sentences(fa: _Features, fb: _Features, rules: ReuseRules) -> dict[tuple[int, int], int]:
    """Sentence pairs sharing a shingle whose words align well; value: aligned word count (LCS)."""
    aligned: dict[tuple[int, int], int] = {}
    for i, j in _sharing_sentences(fa, fb):
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
        words_a, words_b = fa.word_list()[a_lo:a_hi], fb.word_list()[b_lo:b_hi]
        equal = [op for op in Indel.opcodes(words_a, words_b) if op.tag == "equal"]
        if sum(op.src_end - op.src_start for op in equal) < rules.passage_min_words:
            continue
        a0, a1 = int(fa.starts[a_lo + equal[0].src_start]), int(fa.ends[a_lo + equal[-1].src_end - 1])
        b0, b1 = int(fb.starts[b_lo + equal[0].dest_start]), int(fb.ends[b_lo + equal[-1].dest_end - 1])
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
