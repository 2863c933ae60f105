"""Compare stage: time values, claim slots and their status, source matrix, timeline."""

from __future__ import annotations

import pytest

from quellenlage.compare import compare, contains, source_matrix, time_span, timeline
from quellenlage.corpus import Corpus
from quellenlage.extract.temporal import find_timerefs
from quellenlage.model import Article, Claim, PartialDate, Story


def make_corpus(texts: list[tuple[str, str, str | None]], claims: list[dict[str, object]]) -> Corpus:
    """Articles (id, text, published) in one story, claims located by their text."""
    corpus = Corpus()
    for article_id, text, published in texts:
        when = PartialDate.parse(published) if published else None
        corpus.articles.append(
            Article(
                id=article_id,
                origin=f"{article_id}.txt",
                text=text,
                source=text,
                outlet=article_id.upper(),
                published=when,
                language="de",
            )
        )
        corpus.timerefs += [t for t in find_timerefs(article_id, text, when) if t.value and not t.vague]
    by_id = {a.id: a for a in corpus.articles}
    for spec in claims:
        article_id, span = str(spec.pop("article")), str(spec.pop("text"))
        start = by_id[article_id].text.index(span)
        corpus.claims.append(Claim(article=article_id, start=start, end=start + len(span), text=span, **spec))  # type: ignore[arg-type]
    corpus.stories = [Story(id="s1", label="test", articles=[a.id for a in corpus.articles])]
    return corpus


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024-10", "2024-10-01", "2024-10-31"),
        ("2024-SU", "2024-06-01", "2024-08-31"),
        ("2024-WI", "2024-12-01", "2025-02-28"),
        ("2025-Q2", "2025-04-01", "2025-06-30"),
        ("2026-03-14", "2026-03-14", "2026-03-14"),
    ],
)
def test_time_span(value: str, first: str, last: str) -> None:
    span = time_span(value)
    assert span is not None
    assert (span[0].isoformat(), span[1].isoformat()) == (first, last)


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("2024", "2024-SU", True),
        ("2024-SU", "2024-08", True),
        ("2024-08", "2024-SU", False),
        ("2025-SP", "2024-04", False),
    ],
)
def test_contains(outer: str, inner: str, expected: bool) -> None:
    assert contains(outer, inner) is expected
    assert time_span("P3Y") is None


EVACUATED = [
    ("a", "Nach Angaben der Feuerwehr wurden rund 2.500 Menschen evakuiert.", "2026-03-14"),
    ("b", "Etwa 2500 Menschen wurden laut Polizei evakuiert.", "2026-03-14"),
    ("c", "Die Behörden evakuierten bis zu 2500 Menschen.", "2026-03-15"),
]


def _evacuated(values: list[tuple[float | None, str | None]]) -> list[dict[str, object]]:
    texts = ["rund 2.500 Menschen", "Etwa 2500 Menschen", "bis zu 2500 Menschen"]
    out: list[dict[str, object]] = []
    for (article, _t, _p), text, (value, approx) in zip(EVACUATED, texts, values, strict=True):
        number: dict[str, object] = {"high": value} if approx == "bis zu" else {"value": value}
        out.append(
            {
                "article": article,
                "text": text,
                **number,
                "approx": approx,
                "counts": "Menschen evakuiert",
                "counts_head": "Mensch",
            }
        )
    return out


def test_agreeing_figures_share_one_slot() -> None:
    corpus = make_corpus(EVACUATED, _evacuated([(2500, "rund"), (2500, "etwa"), (2500, "bis zu")]))
    compare(corpus)
    assert len(corpus.slots) == 1
    assert corpus.slots[0].claims == [0, 1, 2]
    assert corpus.slots[0].status == "agree"


def test_incompatible_figures_conflict() -> None:
    corpus = make_corpus(EVACUATED, _evacuated([(2500, "rund"), (4000, None), (2500, "bis zu")]))
    compare(corpus)
    assert [s.status for s in corpus.slots] == ["conflict"]


def test_dated_figures_evolve_and_get_their_time() -> None:
    texts = [
        ("a", "Im Oktober 2024 hatte Nordkorea 11.000 Soldaten nach Russland entsandt.", "2025-04"),
        ("b", "Nordkorea hat insgesamt etwa 14.000 Soldaten nach Russland entsandt.", "2025-04"),
    ]
    claims: list[dict[str, object]] = [
        {
            "article": "a",
            "text": "11.000 Soldaten",
            "value": 11000,
            "counts": "Soldaten entsandt",
            "counts_head": "Soldat",
        },
        {
            "article": "b",
            "text": "etwa 14.000 Soldaten",
            "value": 14000,
            "approx": "etwa",
            "counts": "Soldaten entsandt",
            "counts_head": "Soldat",
        },
    ]
    corpus = make_corpus(texts, claims)
    compare(corpus)
    assert corpus.claims[0].when == "2024-10"
    assert corpus.claims[1].when is None
    assert [s.status for s in corpus.slots] == ["evolving"]


def test_prospective_and_subset_figures_are_other_quantities() -> None:
    text = (
        "Nordkorea hat etwa 14.000 Soldaten nach Russland entsandt. "
        "Darunter seien 3000 Soldaten als Verstärkung. "
        "Nordkorea könnte demnächst bis zu 30.000 weitere Soldaten entsenden."
    )
    claims: list[dict[str, object]] = [
        {
            "article": "a",
            "text": "etwa 14.000 Soldaten",
            "value": 14000,
            "approx": "etwa",
            "counts": "Soldaten entsandt",
            "counts_head": "Soldat",
        },
        {
            "article": "a",
            "text": "3000 Soldaten",
            "value": 3000,
            "counts": "Soldaten",
            "counts_head": "Soldat",
        },
        {
            "article": "a",
            "text": "bis zu 30.000 weitere Soldaten",
            "high": 30000,
            "approx": "bis zu",
            "counts": "weitere Soldaten entsenden",
            "counts_head": "Soldat",
        },
    ]
    corpus = make_corpus([("a", text, "2025-04")], claims)
    compare(corpus)
    assert sorted(s.claims for s in corpus.slots) == [[0], [1], [2]]
    assert {s.status for s in corpus.slots} == {"single-source"}


def test_killed_and_injured_of_one_sentence_share_a_slot_and_vague_figures_join_precise_ones() -> None:
    texts = [
        (
            "a",
            "Bei dem Angriff wurden mindestens zwölf Menschen getötet und mehr als 90 verletzt.",
            "2025-04",
        ),
        ("b", "Dutzende Menschen wurden bei dem Angriff getötet.", "2025-04"),
    ]
    claims: list[dict[str, object]] = [
        {
            "article": "a",
            "text": "mindestens zwölf Menschen",
            "low": 12,
            "approx": "mindestens",
            "counts": "Menschen getötet",
            "counts_head": "Mensch",
        },
        {
            "article": "a",
            "text": "mehr als 90",
            "low": 90,
            "approx": "mehr als",
            "counts": "Menschen verletzt",
            "counts_head": "Mensch",
        },
        {
            "article": "b",
            "text": "Dutzende Menschen",
            "approx": "Dutzende",
            "vague": True,
            "counts": "Menschen getötet",
            "counts_head": "Mensch",
        },
    ]
    corpus = make_corpus(texts, claims)
    compare(corpus)
    assert [s.claims for s in corpus.slots] == [[0, 1, 2]]


def test_source_matrix_lists_sources_by_outlet() -> None:
    claims = _evacuated([(2500, "rund"), (2500, "etwa"), (2500, "bis zu")])
    claims[0]["attributed_to"] = ["Feuerwehr"]
    claims[1]["attributed_to"] = ["Polizei"]
    corpus = make_corpus(EVACUATED, claims)
    matrix = source_matrix(corpus, "s1")
    assert matrix["Feuerwehr"]["A"].claims == [0]
    assert matrix["Polizei"]["B"].claims == [1]


def test_timeline_merges_reports_of_one_event() -> None:
    texts = [
        (
            "a",
            "Im August 2024 hatte die Ukraine eine Überraschungsoffensive in Kursk gestartet.",
            "2025-07",
        ),
        (
            "b",
            "Die ukrainische Armee hatte im August 2024 eine Offensive in der Region Kursk gestartet.",
            None,
        ),
        (
            "c",
            "Im Februar 2022 begann der russische Angriffskrieg gegen die Ukraine mit dem Einmarsch.",
            "2025-07",
        ),
    ]
    corpus = make_corpus(texts, [])
    events = timeline(corpus, "s1")
    assert [(e.when, e.articles) for e in events] == [("2022-02", ["c"]), ("2024-08", ["a", "b"])]
