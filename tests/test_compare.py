"""Compare stage: time values, claim slots and their status, source matrix, timeline."""

from __future__ import annotations

import pytest

from quellenlage.compare import SourceNames, compare, contains, source_key, source_matrix, time_span, timeline
from quellenlage.corpus import Corpus
from quellenlage.eval.slots import score_slots
from quellenlage.extract.temporal import find_timerefs
from quellenlage.model import Article, Claim, Entity, PartialDate, Story


def make_corpus(
    texts: list[tuple[str, str, str | None]],
    claims: list[dict[str, object]],
    english: frozenset[str] = frozenset(),
) -> Corpus:
    """Articles (id, text, published) in one story, those in ``english`` in English, claims located by
    their text."""
    corpus = Corpus()
    for article_id, text, published in texts:
        when = PartialDate.parse(published) if published else None
        language = "en" if article_id in english else "de"
        corpus.articles.append(
            Article(
                id=article_id,
                origin=f"{article_id}.txt",
                text=text,
                source=text,
                outlet=article_id.upper(),
                published=when,
                language=language,
            )
        )
        found = find_timerefs(article_id, text, when, language)
        corpus.timerefs += [t for t in found if t.value and not t.vague]
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


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Polizei", "police", True),
        ("Police", "der Polizei", True),
        ("Landratsamt", "district office", True),
        ("Rettungsdienst", "Rescue services", True),
        ("Polizei Hollbach", "Hollbach police", True),
        ("ukrainischer Geheimdienst", "ukrainische Angaben", True),
        ("Polizei", "Feuerwehr", False),
        ("ukrainischer Geheimdienst", "südkoreanischer Geheimdienst", False),
    ],
)
def test_source_identity_across_languages_and_spellings(a: str, b: str, same: bool) -> None:
    assert (source_key(a)[0] == source_key(b)[0]) is same


@pytest.mark.parametrize(
    ("phrase", "relay"), [("Medienberichten", True), ("local media", True), ("Polizei", False)]
)
def test_relays(phrase: str, relay: bool) -> None:
    assert source_key(phrase)[1] is relay


def test_a_source_named_short_is_the_one_longer_name_it_belongs_to() -> None:
    names = SourceNames()
    for phrase in ("Wasserverband", "Wasserverbands Wendtal", "Wasserverbands Wendtal", "Polizei"):
        names.add(phrase)
    assert names.names() == ["Wasserverbands Wendtal", "Polizei"]
    ambiguous = SourceNames()
    for phrase in ("Geheimdienst Kiew", "Geheimdienst Seoul", "Geheimdienst Kiews"):
        ambiguous.add(phrase)
    assert len(ambiguous.names()) == 3  # no specific word: stays apart


def test_independent_sources_are_stated_sources_relays_only_alone() -> None:
    claims = _evacuated([(2500, "rund"), (2500, "etwa"), (2500, "bis zu")])
    claims[0]["attributed_to"] = ["Medienberichte", "Polizei"]  # media relying on the police
    claims[1]["attributed_to"] = ["police"]
    claims[2]["attributed_to"] = []  # the outlet's own reporting adds no source
    corpus = make_corpus(EVACUATED, claims)
    compare(corpus)
    assert [s.independent_sources for s in corpus.slots] == [["Polizei"]]
    claims = _evacuated([(2500, "rund"), (2500, "etwa"), (2500, "bis zu")])
    claims[0]["attributed_to"] = ["Medienberichten"]
    corpus = make_corpus(EVACUATED, claims)
    compare(corpus)
    assert [s.independent_sources for s in corpus.slots] == [["Medienberichten"]]


def test_a_spokesperson_is_the_body_they_speak_for() -> None:
    claims = _evacuated([(2500, "rund"), (2500, "etwa"), (2500, "bis zu")])
    for claim, source in zip(claims, ["Jens Kaltenbach", "Polizei", "Klaus Brandner"], strict=True):
        claim["attributed_to"] = [source]
    corpus = make_corpus(EVACUATED, claims)
    corpus.entities = [
        Entity(id="e1", kind="PER", name="Jens Kaltenbach", roles=["Polizeisprecher"]),
        Entity(id="e2", kind="PER", name="Klaus Brandner", roles=["Pressesprecher"]),  # no known body
    ]
    compare(corpus)
    assert [s.independent_sources for s in corpus.slots] == [["Polizei", "Klaus Brandner"]]


def test_slot_sources_are_scored_against_the_gold() -> None:
    export = {
        "articles": [{"id": "x1", "origin": "dir/a.txt", "text": "Laut Polizei starben 12 Menschen."}],
        "claims": [{"article": "x1", "start": 21, "end": 32}],
        "slots": [{"claims": [0], "status": "single-source", "independent_sources": ["Polizei", "dpa"]}],
    }
    gold = [
        {
            "slot": "dead",
            "values": [{"article": "a", "text": "12 Menschen"}],
            "status": "single-source",
            "independent_original_sources": ["Polizei"],
        },
        {"slot": "other", "values": [{"article": "a", "text": "Laut"}], "status": "agree"},
    ]
    result = score_slots(export, gold)
    assert result["grouped"] == 0.5
    assert result["status_accuracy"] == 1.0
    assert result["sources"] == {"p": 0.5, "r": 1.0, "f1": 0.667, "gold": 1, "pred": 2}
    assert result["source_count_accuracy"] == 0.0


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


def _claim(article: str, text: str, counts: str, head: str, **numbers: object) -> dict[str, object]:
    return {"article": article, "text": text, "counts": counts, "counts_head": head, **numbers}


def _statuses(
    texts: list[tuple[str, str, str | None]], claims: list[dict[str, object]]
) -> list[tuple[list[int], str]]:
    corpus = make_corpus(texts, claims, english=frozenset({"en"}))
    compare(corpus)
    return sorted((s.claims, s.status) for s in corpus.slots)


def test_passive_and_hearsay_are_not_future_figures() -> None:
    """ "werden ... vermisst" is a passive and "sollen ... ums Leben gekommen sein" hearsay about the past:
    both count what has happened, like the plain figures of other reports."""
    texts = [
        (
            "a",
            "Die Polizei hat zwölf Todesopfer bestätigt. Noch acht Menschen werden vermisst.",
            "2026-03-15",
        ),
        ("b", "Medienberichten zufolge sollen bis zu 20 Menschen ums Leben gekommen sein.", "2026-03-15"),
        ("c", "Nach Angaben der Polizei wurden acht Menschen vermisst.", "2026-03-15"),
    ]
    claims = [
        _claim("a", "zwölf Todesopfer", "Todesopfer", "Todesopfer", value=12),
        _claim("a", "acht Menschen", "Menschen vermisst", "Mensch", value=8),
        _claim("b", "bis zu 20 Menschen", "Menschen ums Leben gekommen", "Mensch", high=20, approx="bis zu"),
        _claim("c", "acht Menschen", "Menschen vermisst", "Mensch", value=8),
    ]
    assert _statuses(texts, claims) == [([0, 2], "conflict"), ([1, 3], "agree")]


def test_split_pledge_and_hedged_estimate_line_up_across_languages() -> None:
    """ "sagte ... zu" is the verb "zusagen" (a pledge, as "pledged"); "könnte ... betragen" hedges an
    amount and is no future figure; "belaufen sie sich" takes the damage of the sentence before."""
    texts = [
        (
            "a",
            "Die Landesregierung sagte eine Soforthilfe von 2,5 Millionen Euro zu. "
            "Nach Schätzungen der Versicherer könnte der Schaden mehr als 300 Millionen Euro betragen.",
            "2026-03-16",
        ),
        (
            "b",
            "Wie groß die Schäden sind, zeigt sich erst langsam. "
            "Nach ersten Schätzungen des Landratsamts belaufen sie sich auf rund 250 Millionen Euro.",
            "2026-03-16",
        ),
        (
            "en",
            "The regional government has pledged 2.5 million euros in emergency aid.",
            "2026-03-16",
        ),
    ]
    claims = [
        _claim("a", "2,5 Millionen Euro", "Euro", "Euro", value=2.5e6),
        _claim("a", "mehr als 300 Millionen Euro", "Euro", "Euro", low=3e8, approx="mehr als"),
        _claim("b", "rund 250 Millionen Euro", "Euro", "Euro", value=2.5e8, approx="rund"),
        _claim("en", "2.5 million euros", "euros", "euro", value=2.5e6),
    ]
    assert _statuses(texts, claims) == [([0, 3], "agree"), ([1, 2], "conflict")]


@pytest.mark.parametrize(
    ("first", "second", "status"),
    [
        ("2026-03-14", "2026-03-16", "evolving"),  # a count of two days: the later report updates it
        ("2026-03-16", "2026-03-16", "conflict"),
        (None, None, "conflict"),  # undated reports: no sign the times differ
    ],
)
def test_figures_of_reports_of_different_days_evolve(
    first: str | None, second: str | None, status: str
) -> None:
    texts = [
        ("a", "Nach mehr als 30 Menschen werde noch gesucht, sagte ein Polizeisprecher.", first),
        ("b", "Nach Angaben der Polizei werden noch acht Menschen vermisst.", second),
    ]
    claims = [
        _claim("a", "mehr als 30 Menschen", "Menschen gesucht", "Mensch", low=30, approx="mehr als"),
        _claim("b", "acht Menschen", "Menschen vermisst", "Mensch", value=8),
    ]
    assert _statuses(texts, claims) == [([0, 1], status)]


def test_compatible_bounds_naming_different_numbers_conflict_and_an_interval_holds_a_range() -> None:
    """ "mindestens zwölf" and "rund 15" say different things although the bounds overlap; an interval that
    holds the other figure is a range."""
    texts = [
        (
            "a",
            "Die Zahl der Toten ist nach Angaben der Polizei auf mindestens zwölf Tote gestiegen. "
            "Zwischen 200 und 300 Häuser wurden beschädigt.",
            "2026-03-15",
        ),
        (
            "b",
            "Die Feuerwehr geht von rund 15 Toten aus. Nach einer Bilanz wurden rund 250 Gebäude beschädigt.",
            "2026-03-15",
        ),
    ]
    claims = [
        _claim("a", "mindestens zwölf Tote", "Tote", "Toter", low=12, approx="mindestens"),
        _claim(
            "a",
            "Zwischen 200 und 300 Häuser",
            "Häuser beschädigt",
            "Haus",
            low=200,
            high=300,
            approx="zwischen",
        ),
        _claim("b", "rund 15 Toten", "Toten", "Toter", value=15, approx="rund"),
        _claim("b", "rund 250 Gebäude", "Gebäude beschädigt", "Gebäude", value=250, approx="rund"),
    ]
    assert _statuses(texts, claims) == [([0, 2], "conflict"), ([1, 3], "range")]


def test_timeline_lists_each_time_once_across_languages() -> None:
    """One entry per point in time: the German and the English report of 1968 and the two reports of
    "Ende März" (different happenings, the same time) each make one entry; a page whose paragraphs are
    single lines has only its first line as the lead."""
    texts = [
        (
            "a",
            "Die 1968 fertiggestellte Talsperre fasst bis zu vier Millionen Kubikmeter Wasser.\n"
            "Der Kreistag will Ende März in einer Sondersitzung über Hilfen beraten.\n"
            "Die Hydrologin sagte, das Wasser habe die Mauer unterspült.",
            "2026-03-15",
        ),
        ("b", "Ein Gutachten zur Ursache des Dammbruchs soll bis Ende März vorliegen.", "2026-03-16"),
        ("en", "The dam, completed in 1968, holds up to four million cubic metres of water.", "2026-03-16"),
    ]
    events = timeline(make_corpus(texts, [], english=frozenset({"en"})), "s1")
    assert [(e.when, e.articles) for e in events] == [("1968", ["a", "en"]), ("2026-03", ["a", "b"])]


def test_generic_counts_without_an_event_stay_apart() -> None:
    """ "2.500 Menschen" and "30 Menschen" with no verb of what befell them may count anything."""
    texts = [
        ("a", "In Ebersried leben etwa 2.500 Menschen.", "2026-03-14"),
        ("b", "Im Dorf: 30 Menschen.", None),
    ]
    claims = [
        _claim("a", "etwa 2.500 Menschen", "Menschen", "Mensch", value=2500, approx="etwa"),
        _claim("b", "30 Menschen", "Menschen", "Mensch", value=30),
    ]
    assert _statuses(texts, claims) == [([0], "single-source"), ([1], "single-source")]


@pytest.mark.parametrize(
    ("texts", "claims", "expected"),
    [
        (  # what a party demands and what the other offers are two quantities, across languages
            [
                (
                    "a",
                    "Die Gewerkschaft fordert 555 Euro mehr, die Bahn bietet 1.000 Euro einmalig.",
                    "2026-01-14",
                ),
                (
                    "en",
                    "The union is demanding 555 euros, while the company has offered 1,000 euros.",
                    "2026-01-15",
                ),
            ],
            [
                _claim("a", "555 Euro", "Euro", "Euro", value=555),
                _claim("a", "1.000 Euro", "Euro", "Euro", value=1000),
                _claim("en", "555 euros", "euros", "euro", value=555),
                _claim("en", "1,000 euros", "euros", "euro", value=1000),
            ],
            [([0, 2], "agree"), ([1, 3], "agree")],
        ),
        (  # a figure per day and one per year never measure the same
            [
                ("a", "Der Streik kostet bis zu 100 Millionen Euro täglich.", "2026-01-14"),
                ("b", "Der Streik kostet jährlich 2,5 Milliarden Euro.", "2026-01-14"),
            ],
            [
                _claim("a", "bis zu 100 Millionen Euro", "Euro", "Euro", high=100e6, approx="bis zu"),
                _claim("b", "2,5 Milliarden Euro", "Euro", "Euro", value=2.5e9),
            ],
            [([0], "single-source"), ([1], "single-source")],
        ),
        (  # the toll of an earthquake years before is another count than today's toll
            [
                (
                    "a",
                    "Bei dem Beben kamen 46 Menschen ums Leben. 2009 kamen 309 Menschen ums Leben.",
                    "2025-05-06",
                ),
                ("b", "Mindestens zwölf Menschen kamen ums Leben.", "2025-05-04"),
            ],
            [
                _claim("a", "46 Menschen", "Menschen", "Mensch", value=46),
                _claim("a", "309 Menschen", "Menschen", "Mensch", value=309),
                _claim("b", "Mindestens zwölf Menschen", "Menschen", "Mensch", low=12, approx="mindestens"),
            ],
            [([0, 2], "evolving"), ([1], "single-source")],
        ),
        (  # a scale's reading has no noun of its own: "Stärke", "magnitude" say what it measures
            [
                ("a", "Ein Beben der Stärke 6,1 erschütterte die Region.", "2025-05-04"),
                ("en", "The quake had a magnitude of 6.3, the survey said.", "2025-05-04"),
            ],
            [_claim("a", "6,1", "", "", value=6.1), _claim("en", "6.3", "", "", value=6.3)],
            [([0, 1], "conflict")],
        ),
    ],
)
def test_what_a_figure_measures(
    texts: list[tuple[str, str, str | None]],
    claims: list[dict[str, object]],
    expected: list[tuple[list[int], str]],
) -> None:
    assert _statuses(texts, claims) == expected


def test_a_date_before_a_participle_dates_the_noun_not_the_figure() -> None:
    corpus = make_corpus(
        [("a", "Die 1968 fertiggestellte Talsperre fasst vier Millionen Kubikmeter.", "2026-03-14")],
        [_claim("a", "vier Millionen Kubikmeter", "Kubikmeter", "Kubikmeter", value=4e6)],
    )
    compare(corpus)
    assert corpus.claims[0].when is None
