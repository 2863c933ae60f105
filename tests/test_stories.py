"""Stories stage: German/English reports of one event join, unrelated ones stay apart, order determinism."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quellenlage.clean import clean
from quellenlage.eval.stories import (
    GoldSet,
    assignment,
    bcubed,
    evaluate,
    evaluate_gold,
    pairwise,
    read_ecbplus,
    thread_assignment,
)
from quellenlage.ingest import read
from quellenlage.model import Article, PartialDate, RawDocument
from quellenlage.stories import (
    StoryConfig,
    StoryFeatures,
    StoryIndex,
    arrival_order,
    cluster,
    content_lemmas,
    features_from_article,
)
from quellenlage.stories.features import date_span
from quellenlage.stories.index import _gap_days

ECB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus-event-coref" / "ecbplus_dev.tar.gz"

QUAKE_DE = StoryFeatures(
    "quake-de",
    "Schweres Erdbeben erschüttert Japans Nordosten",
    "Ein Erdbeben der Stärke 7,4 hat den Nordosten Japans erschüttert. Die Behörden gaben eine "
    "Tsunami-Warnung für die Präfektur Fukushima heraus. Mindestens vier Menschen kamen ums Leben, "
    "Hunderte wurden verletzt. Ministerpräsident Kishida berief einen Krisenstab ein.",
    PartialDate.parse("2024-03-16"),
    "de",
    entities=("e-japan", "e-fukushima", "e-kishida"),
)
QUAKE_EN = StoryFeatures(
    "quake-en",
    "Strong earthquake shakes northeastern Japan",
    "A magnitude 7.4 earthquake struck northeastern Japan, and authorities issued a tsunami warning for "
    "Fukushima prefecture. At least four people were killed and hundreds injured. Prime Minister Kishida "
    "set up a crisis task force.",
    PartialDate.parse("2024-03-17"),
    "en",
    entities=("e-japan", "e-fukushima", "e-kishida"),
)
FOOTBALL_DE = StoryFeatures(
    "football-de",
    "Bayern München gewinnt das Spitzenspiel gegen Dortmund",
    "Der FC Bayern München hat das Bundesliga-Spitzenspiel gegen Borussia Dortmund mit 3:1 gewonnen. "
    "Harry Kane traf zweimal, die Münchner bauen ihre Tabellenführung aus.",
    PartialDate.parse("2024-03-16"),
    "de",
    entities=("e-bayern", "e-dortmund", "e-kane"),
)
BUDGET_EN = StoryFeatures(
    "budget-en",
    "Parliament passes budget after long night of talks",
    "Lawmakers approved the annual budget after negotiations that lasted through the night. The finance "
    "minister said spending on schools and railways would rise next year, while taxes stay unchanged.",
    PartialDate.parse("2024-03-17"),
    "en",
    entities=("e-parliament",),
)
QUAKE_TR = StoryFeatures(
    "quake-tr",
    "Earthquake kills dozens in eastern Turkey",
    "A magnitude 6.1 earthquake struck the province of Elazig in eastern Turkey on Friday night. At least 29 "
    "people were killed and more than 1,000 injured as buildings collapsed in several villages. President "
    "Erdogan said rescue teams were searching the rubble for survivors.",
    PartialDate.parse("2024-03-20"),
    "en",
    entities=("e-turkey", "e-elazig", "e-erdogan"),
)
FIXTURE = [FOOTBALL_DE, QUAKE_EN, BUDGET_EN, QUAKE_DE]


def test_german_and_english_reports_of_one_event_join_unrelated_stay_apart() -> None:
    stories = assignment(cluster(FIXTURE))
    assert stories["quake-de"] == stories["quake-en"]
    assert len({stories["quake-de"], stories["football-de"], stories["budget-en"]}) == 3


def test_another_event_of_the_same_kind_is_a_new_story_in_the_same_thread() -> None:
    stories = {s.id: s for s in cluster([*FIXTURE, QUAKE_TR])}
    assert assignment(stories.values())["quake-tr"] == "story-quake-tr"
    threads = thread_assignment(stories.values())
    assert threads["quake-tr"] == threads["quake-de"] == threads["quake-en"] == "thread-quake-de"
    assert len({threads["quake-de"], threads["football-de"], threads["budget-en"]}) == 3


def test_story_has_label_time_span_and_id_of_its_first_article() -> None:
    story = next(s for s in cluster(FIXTURE) if "quake-de" in s.articles)
    assert story.id == "story-quake-de"  # the earlier of the two reports starts it
    assert (story.first, story.last) == ("2024-03-16", "2024-03-17")
    assert story.entities[:3] and set(story.entities) <= {"e-japan", "e-fukushima", "e-kishida"}
    assert story.label


def test_clustering_is_deterministic() -> None:
    assert cluster(FIXTURE) == cluster(list(reversed(FIXTURE)))


def test_incremental_add_equals_batch_on_the_same_order() -> None:
    index = StoryIndex()
    returned = {f.id: index.add(f) for f in arrival_order(FIXTURE)}
    assert index.stories() == cluster(FIXTURE)
    assert returned == assignment(index.stories())
    assert index.add(QUAKE_EN) == returned["quake-en"]  # a known article is not added twice


def test_time_far_apart_separates_recurring_events_threads_link_them_for_two_years() -> None:
    again = [
        replace(QUAKE_DE, id=f"quake-de-{when}", published=PartialDate.parse(when))
        for when in ("2025-09", "2028")
    ]
    stories = cluster([QUAKE_DE, *again])
    assert len({*assignment(stories).values()}) == 3
    threads = thread_assignment(stories)
    assert threads["quake-de-2025-09"] == threads["quake-de"] != threads["quake-de-2028"]


def test_a_small_batch_of_one_story_does_not_fall_apart() -> None:
    """Six reports of one strike from several angles: the words they all share are the story's, so a batch
    this small must not weigh them least (the background prior of the document frequencies)."""
    folder = Path(__file__).resolve().parents[1] / "benchmarks" / "gold" / "tarifstreit-bahn" / "articles"
    features = [features_from_article(clean(doc)) for doc in read([folder]) if isinstance(doc, RawDocument)]

    def largest(config: StoryConfig) -> int:
        return max(Counter(assignment(cluster(features, config)).values()).values())

    assert len(features) == 6
    assert largest(StoryConfig()) >= 5
    assert largest(StoryConfig(background_docs=0)) <= 3


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Die Soldaten kämpften in Kursk", "de", ("Soldat", "kämpfen", "Kursk")),
        ("Nordkorea schickt weitere Truppen", "de", ("Nordkorea", "schicken", "Truppe")),
        ("The soldiers were fighting in Kursk", "en", ("soldier", "fight", "Kursk")),
        ("und der die das 2024", "de", ()),
    ],
)
def test_content_lemmas(text: str, language: str, expected: tuple[str, ...]) -> None:
    assert content_lemmas(text, language) == expected


@pytest.mark.parametrize(
    ("value", "days"),
    [("2025-07-12", 1), ("2025-07", 31), ("2025-02", 28), ("2024", 366)],
)
def test_date_span_covers_the_precision(value: str, days: int) -> None:
    span = date_span(PartialDate.parse(value))
    assert span is not None and span[1] - span[0] + 1 == days


@pytest.mark.parametrize(
    ("a", "b", "gap"),
    [("2025-04", "2025-07", 62.0), ("2025-07", "2025-07-12", 0.0), ("2025-07-01", "2025-06-30", 1.0)],
)
def test_gap_days_between_spans(a: str, b: str, gap: float) -> None:
    assert _gap_days(date_span(PartialDate.parse(a)), date_span(PartialDate.parse(b))) == gap


def test_features_from_article_without_language_stage() -> None:
    article = Article("a1", "x.txt", "Lawrow besuchte Nordkorea.", "", language="de", title="Besuch")
    features = features_from_article(article)
    assert features.body_lemmas() == ("Lawrow", "besuchen", "Nordkorea")
    assert features.head_lemmas() == ("Besuch",)


@pytest.mark.parametrize(
    ("gold", "predicted", "precision", "recall"),
    [
        ({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "x"}, 5 / 9, 1.0),
        ({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "y", "c": "z"}, 1.0, 2 / 3),
    ],
)
def test_bcubed_known_values(
    gold: dict[str, str], predicted: dict[str, str], precision: float, recall: float
) -> None:
    scores = bcubed(gold, predicted)
    assert scores["precision"] == pytest.approx(precision, abs=1e-4)
    assert scores["recall"] == pytest.approx(recall, abs=1e-4)


def test_bcubed_counts_outside_articles_against_precision() -> None:
    gold = {"a": "s", "b": "s"}
    assert bcubed(gold, {"a": "x", "b": "x", "z": "x"}, ["a", "b"])["precision"] == pytest.approx(
        2 / 3, abs=1e-4
    )


labels = st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.sampled_from("pqrs"), min_size=1)


@given(labels)
def test_identical_clusterings_score_one(gold: dict[str, str]) -> None:
    assert bcubed(gold, gold)["f1"] == 1.0
    assert pairwise(gold, gold)["f1"] == 1.0


WORDS = ["Regierung", "Wahl", "Erdbeben", "Hafen", "Streik", "Bahn", "Gericht", "Urteil", "Klima", "Börse"]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(WORDS), max_size=8), st.integers(0, 3), st.integers(0, 60)),
        min_size=1,
        max_size=12,
    )
)
def test_every_article_lands_in_exactly_one_story(docs: list[tuple[list[str], int, int]]) -> None:
    axes = np.eye(4, 512, dtype=np.float32)  # embeddings given directly: four orthogonal themes
    features = [
        StoryFeatures(
            f"d{i}",
            text=" ".join(words),
            published=PartialDate.parse(f"2024-01-{1 + day % 28:02d}") if day < 40 else None,
            language="de",
            embedding=axes[theme],
        )
        for i, (words, theme, day) in enumerate(docs)
    ]
    stories = cluster(features, StoryConfig())
    placed = [a for s in stories for a in s.articles]
    assert sorted(placed) == sorted(f.id for f in features)
    assert all(s.articles and s.id == f"story-{s.articles[0]}" for s in stories)


@pytest.fixture(scope="module")
def ecb_dev() -> GoldSet:
    if not ECB.is_file():
        pytest.skip("../shared data not available")
    return read_ecbplus(ECB)


def test_ecbplus_dev_reads_topics_and_subtopics(ecb_dev: GoldSet) -> None:
    assert len(ecb_dev.features) == 197
    assert len(set(ecb_dev.levels["topic"].values())) == 8
    assert len(set(ecb_dev.levels["subtopic"].values())) == 16


def test_ecbplus_dev_both_levels_from_one_run_beat_the_baseline(ecb_dev: GoldSet) -> None:
    results = evaluate_gold(ecb_dev)
    f1 = {
        (level, system): scores["bcubed"]["f1"]  # type: ignore[index]
        for level in ("topic", "subtopic")
        for system, scores in results[f"ecbplus_dev/{level}"].items()
    }
    assert f1["topic", "stories"] >= 0.95 and f1["subtopic", "stories"] >= 0.85
    assert f1["topic", "stories"] > f1["topic", "baseline"]
    assert f1["subtopic", "stories"] > f1["subtopic", "baseline"]


def test_jsonl_gold_is_scored_with_the_baseline(tmp_path: Path) -> None:
    rows = [
        {"id": f.id, "title": f.title, "text": f.text, "published": str(f.published), "language": f.language}
        for f in FIXTURE
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(json.dumps({**row, "story": row["id"].split("-")[0]}) for row in rows), encoding="utf-8"
    )
    results = evaluate(gold)["gold/story"]
    assert results["stories"]["bcubed"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert set(results["baseline"]) == {"bcubed", "pairwise", "clusters", "intruders"}
