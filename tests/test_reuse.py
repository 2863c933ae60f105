"""Tests for quellenlage.reuse: wire passages, near-duplicates, independent sources."""

from __future__ import annotations

import random
import re
from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quellenlage.model import Article, Claim, PartialDate, ReuseLink
from quellenlage.reuse import (
    ReuseIndex,
    ReuseRules,
    _features,
    _OnePermutationHash,
    _Postings,
    find_reuse,
    independent_groups,
    independent_sources,
    normalize,
    reused_share,
    split_sentences,
)

AFP_A = (
    "Auf die Frage, ob nordkoreanische Truppen in Zukunft in anderen Bereichen der Front eingesetzt würden, "
    "verwies Lawrow nach Angaben der russischen Nachrichtenagentur Tass auf Pjöngjang. Nordkorea werde "
    "«die Formen, in denen wir unser Abkommen über strategische Partnerschaft umsetzen, selbst bestimmen», "
    "sagte Lawrow nach einem Treffen mit seiner nordkoreanischen Kollegin Choe Son Hui."
)
AFP_B = (
    "Bei der Frage, ob nordkoreanische Truppen in Zukunft in anderen Bereichen der Front eingesetzt werden, "
    "verwies Lawrow nach Angaben der russischen Nachrichtenagentur Tass auf Pjöngjang. Nordkorea werde "
    '"die Formen, in denen wir unser Abkommen über strategische Partnerschaft umsetzen, selbst bestimmen", '
    "sagte Lawrow nach einem Treffen mit seiner nordkoreanischen Amtskollegin Choe Son Hui."
)
OWN_A = "Der Bürgermeister eröffnete am Sonntag das neue Hallenbad in der Innenstadt von Graz."
OWN_B = "Die Zahl der Arbeitslosen ist im Juni überraschend deutlich auf 300.000 gestiegen."
STOCK_A = "Das Feuer in der Lagerhalle ist inzwischen unter Kontrolle, sagte ein Sprecher am Montag."
STOCK_B = "Der Konzern will bis Jahresende rund 200 Stellen in Linz streichen, sagte ein Sprecher am Montag."


def article(
    article_id: str, text: str, agencies: list[str] | None = None, published: str | None = None
) -> Article:
    return Article(
        id=article_id,
        origin=f"{article_id}.txt",
        text=text,
        source=text,
        agencies=agencies or [],
        published=PartialDate.parse(published) if published else None,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("«Straße»", '"strasse"'),
        ("„Groß“  und\n‚klein‘", "\"gross\" und 'klein'"),
        ("  Außenminister LAWROW ", "aussenminister lawrow"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Er kam am 1. Juli an. Dann ging er.", 2),
        ("Laut Dr. Müller ist das z. B. falsch. Sie widersprach.", 2),
        ("Titel ohne Punkt\nErster Satz. Zweiter Satz!", 3),
        ("«Wir bleiben.» Sagte sie.", 2),
    ],
)
def test_split_sentences(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count


def test_afp_passage_with_changed_quotes_and_one_word_links() -> None:
    a = article("a", f"{OWN_A} {AFP_A}", ["SDA", "AFP"], "2025-07-12")
    b = article("b", f"{OWN_B}\n\n{AFP_B}", ["afp", "dpa"], "2025-07-12")
    links = find_reuse([b, a])
    assert len(links) == 1
    link = links[0]
    assert (link.a, link.b, link.origin) == ("a", "b", "AFP")
    assert "nordkoreanische Truppen" in a.text[link.a_start : link.a_end]
    assert "Choe Son Hui" in b.text[link.b_start : link.b_end]
    assert OWN_A not in a.text[link.a_start : link.a_end]
    assert link.similarity >= 0.9


def test_origin_is_earliest_article_without_shared_agency() -> None:
    a = article("a", AFP_A, ["Reuters"], "2025-07-11")
    b = article("b", AFP_B, ["dpa"], "2025-07")
    c = article("c", AFP_B, [], "2025-08-02")
    links = {(x.a, x.b): x.origin for x in find_reuse([a, b, c])}
    assert links[("a", "c")] == "a"
    assert links[("b", "c")] == "b"
    assert links[("a", "b")] is None  # 2025-07 may be before or after 11 July


def test_stock_phrase_does_not_link() -> None:
    assert find_reuse([article("a", f"{OWN_A} {STOCK_A}"), article("b", f"{OWN_B} {STOCK_B}")]) == []


def test_unrelated_articles_do_not_link() -> None:
    assert find_reuse([article("a", f"{OWN_A} {OWN_B}"), article("b", AFP_A)]) == []


def test_incremental_add_finds_duplicate() -> None:
    index = ReuseIndex()
    assert index.add(article("a", f"{OWN_A} {AFP_A} {OWN_B}")) == []
    assert index.add(article("b", f"{STOCK_A} {STOCK_B}")) == []
    assert index.add(article("c", f"{OWN_A} {AFP_B} {OWN_B}")) == ["a"]
    assert len(index) == 3 and "c" in index
    with pytest.raises(ValueError):
        index.add(article("a", OWN_A))


def test_link_returns_passages_to_earlier_articles() -> None:
    index = ReuseIndex()
    assert index.link(article("a", AFP_A)) == []
    links = index.link(article("b", f"{OWN_B} {AFP_B}"))
    assert [(x.a, x.b) for x in links] == [("a", "b")]


def test_reused_share_per_origin() -> None:
    a = article("a", "x" * 100)
    links = [
        ReuseLink("a", 0, 40, "b", 0, 40, 1.0, "AFP"),
        ReuseLink("a", 20, 60, "c", 0, 40, 1.0, "AFP"),
        ReuseLink("d", 0, 10, "a", 90, 100, 1.0, None),
    ]
    assert reused_share(a, links) == {"AFP": 0.6, "unknown": 0.1}


def test_independent_sources_groups_shared_passages_and_agencies() -> None:
    articles = [
        article("dpa1", OWN_A, ["dpa"]),
        article("ntv", OWN_B, ["AFP", "dpa"]),
        article("rtr", STOCK_A, ["Reuters"]),
        article("own1", STOCK_B),
        article("own2", AFP_A),
    ]
    links = [ReuseLink("own1", 0, 10, "own2", 0, 10, 1.0, None)]
    groups = independent_sources([a.id for a in articles], links, articles)
    assert groups == [["dpa1", "ntv"], ["own1", "own2"], ["rtr"]]


def test_independent_groups_counts_claims_inside_shared_passage_once() -> None:
    articles = [article("a", AFP_A), article("b", AFP_B), article("c", OWN_B)]
    links = [ReuseLink("a", 0, 200, "b", 0, 200, 0.95, "AFP")]
    claims = [
        Claim(article="a", start=10, end=20, text="x"),
        Claim(article="b", start=12, end=22, text="x"),
        Claim(article="b", start=300, end=310, text="y"),  # same article as claim 1
        Claim(article="c", start=0, end=10, text="z"),
    ]
    assert independent_groups(claims, links, articles) == [[0, 1, 2], [3]]
    outside = [
        Claim(article="a", start=10, end=20, text="x"),
        Claim(article="b", start=250, end=260, text="x"),
    ]
    assert len(independent_groups(outside, links, articles)) == 2


@given(st.text(max_size=300))
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


_WORDS = st.sampled_from(
    ["Nordkorea", "Soldaten", "sagte", "Lawrow", "«", "»", "„", "“", "am", "Montag", "rund", "14.000", "."]
)
_SENTENCES = st.lists(_WORDS, min_size=1, max_size=25).map(" ".join)


# No deadline: the first example builds the one-time tables (character classes, band layout), and
# speed is the benchmark's business, not a unit test's.
NO_DEADLINE = settings(deadline=None)


@NO_DEADLINE
@given(st.lists(_SENTENCES, min_size=1, max_size=8), st.lists(_SENTENCES, min_size=1, max_size=8))
def test_link_offsets_lie_within_texts(first: list[str], second: list[str]) -> None:
    a = article("a", ". ".join(first + second))
    b = article("b", ". ".join(second + first))
    for link in find_reuse([a, b]):
        assert 0 <= link.a_start < link.a_end <= len(a.text)
        assert 0 <= link.b_start < link.b_end <= len(b.text)
        assert 0.0 <= link.similarity <= 1.0


@NO_DEADLINE
@given(st.text(alphabet="aßSİﬁ1_ .!?…\n«»-Éé\U0001d400", max_size=80))
def test_words_are_regex_words_folded(text: str) -> None:
    features = _features(text, ReuseRules.load())
    spans = [m.span() for m in re.finditer(r"\w+", text)]
    assert list(zip(features.starts.tolist(), features.ends.tolist(), strict=True)) == spans
    folded = [text[a:b].casefold() for a, b in spans]
    hashes = features.words.tolist()
    for i in range(len(spans)):
        for j in range(i):
            assert (folded[i] == folded[j]) == (hashes[i] == hashes[j])


def test_word_hashes_fold_case_and_sharp_s() -> None:
    words = _features("Straße STRASSE strasse Strasse Gasse", ReuseRules.load()).words.tolist()
    assert len(set(words[:4])) == 1 and words[4] != words[0]


@pytest.mark.parametrize("flush_at", [5, 64, 1 << 16])
def test_postings_return_every_posting_across_flushes(flush_at: int) -> None:
    rng = random.Random(flush_at)
    pool = [rng.getrandbits(64) for _ in range(300)]
    postings, expected = _Postings(flush_at), {}
    for value in range(400):
        keys = rng.sample(pool, rng.randint(0, 12))
        postings.add(keys, value)
        for key in keys:
            expected.setdefault(key, []).append(value)
    wanted = pool[:150] + [rng.getrandbits(64) for _ in range(5)]  # some keys never added
    found = postings.lookup(np.array(wanted, dtype=np.uint64))
    assert Counter(found.tolist()) == Counter(v for k in wanted for v in expected.get(k, []))
    rare = postings.lookup(np.array(wanted, dtype=np.uint64), max_df=15)
    assert Counter(rare.tolist()) == Counter(
        v for k in wanted if len(expected.get(k, [])) <= 15 for v in expected.get(k, [])
    )


# The splitting rule written plainly, one regex pass over the text, as an oracle for the vectorised one.
_TOKEN = re.compile(r"\w+|[.!?…]+[\"'»«“”„‘’)\]]*(?=\s+[\"'»«“”„‚‘(\[]?[A-ZÄÖÜ0-9])|\n")


def _reference_sentences(text: str) -> list[tuple[int, int]]:
    abbreviations = ReuseRules.load().abbreviations
    cuts, previous = [0], ""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0] not in ".!?…\n":
            previous = token
            continue
        initial = len(previous) == 1 or (previous.isdigit() and len(previous) <= 2)
        if token[0] != "." or not (initial or previous.casefold() in abbreviations):
            cuts.append(match.end())
        previous = ""
    cuts.append(len(text))
    spans = [
        (len(text[a:b]) - len(text[a:b].lstrip()) + a, len(text[a:b].rstrip()) + a) for a, b in pairwise(cuts)
    ]
    return [(a, b) for a, b in spans if a < b]


_PIECES = st.sampled_from(
    [
        "Der",
        "dr",
        "Dr",
        "z",
        "B",
        "1",
        "12",
        "123",
        "Juli",
        "ÄRA",
        "über",
        " ",
        "  ",
        "\n",
        ".",
        "...",
        "!",
        "?",
        "…",
        "«",
        "»",
        "„",
        "“",
        '"',
        "(",
        ")",
        "ß",
        "-",
    ]
)


@NO_DEADLINE
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_split_sentences_follows_the_plain_rule(text: str) -> None:
    assert split_sentences(text) == _reference_sentences(text)


def _random_hashes(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, np.iinfo(np.uint64).max, size=count, dtype=np.uint64, endpoint=True)


@pytest.mark.parametrize(("size", "shared"), [(400, 200), (400, 40), (60, 45), (1000, 900)])
def test_one_permutation_signatures_estimate_jaccard(size: int, shared: int) -> None:
    rng = np.random.default_rng(size + shared)
    hasher = _OnePermutationHash(128, np.random.default_rng(1))
    common = _random_hashes(rng, shared)
    a = np.sort(np.concatenate([common, _random_hashes(rng, size - shared)]))
    b = np.sort(np.concatenate([common, _random_hashes(rng, size - shared)]))
    estimate = np.mean(hasher.signature(a) == hasher.signature(b))
    assert abs(estimate - shared / (2 * size - shared)) < 0.12


def test_one_permutation_signature_fills_empty_slots_from_the_set() -> None:
    hasher = _OnePermutationHash(128, np.random.default_rng(1))
    few = np.sort(_random_hashes(np.random.default_rng(3), 5))
    signature = hasher.signature(few)
    assert set(signature.tolist()) == {int(x) & 0xFFFFFFFF for x in few.tolist()}
    with pytest.raises(ValueError):
        _OnePermutationHash(100, np.random.default_rng(1))
