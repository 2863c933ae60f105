"""Entity canonicalisation: within articles, across articles and across German and English."""

from __future__ import annotations

import re

import pytest

from quellenlage.language import get_nlp
from quellenlage.language.canonical import RawMention, canonicalise, fold, roles_around, translit_key
from quellenlage.model import Entity, EntityKind

Names = list[tuple[str, EntityKind]]


def mentions_in(article: str, text: str, names: Names) -> list[RawMention]:
    """Every occurrence of each name in ``text`` (longest names first, no overlaps), as NER would give."""
    taken: set[int] = set()
    found = []
    for name, kind in sorted(names, key=lambda n: -len(n[0])):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            span = set(range(match.start(), match.end()))
            if not span & taken:
                taken |= span
                found.append(RawMention(article, match.start(), match.end(), name, kind))
    return found


def run(articles: list[tuple[str, str, str, Names]]) -> list[Entity]:
    raw = [m for art, _, text, names in articles for m in mentions_in(art, text, names)]
    entities, mentions = canonicalise(raw, {art: lang for art, lang, _, _ in articles})
    assert len(mentions) == len(raw)
    return entities


def owner(entities: list[Entity], variant: str) -> list[Entity]:
    return [e for e in entities if variant in e.variants]


def test_surname_genitive_and_full_name_merge_within_article() -> None:
    text = "Sergej Lawrow kam nach Wonsan. Lawrow lobte Pjöngjang. Lawrows Besuch endet am Sonntag."
    names: Names = [("Sergej Lawrow", "PER"), ("Lawrow", "PER"), ("Lawrows", "PER"), ("Wonsan", "LOC")]
    entities = run([("a", "de", text, names)])
    (lawrow,) = owner(entities, "Lawrows")
    assert lawrow.name == "Sergej Lawrow" and lawrow.kind == "PER"
    assert {"Sergej Lawrow", "Lawrow", "Lawrows"} <= set(lawrow.variants)


def test_korean_family_name_joins_full_name() -> None:
    text = "Nordkoreas Kim traf Besuch. Machthaber Kim Jong Un lachte. Kim sagte nichts."
    entities = run([("a", "de", text, [("Kim", "PER"), ("Kim Jong Un", "PER"), ("Nordkoreas", "LOC")])])
    (kim,) = owner(entities, "Kim")
    assert kim.name == "Kim Jong Un" and "Kim Jong Un" in kim.variants


def test_exonyms_merge_across_languages_with_german_name() -> None:
    entities = run(
        [
            (
                "a",
                "de",
                "Er reiste nach Pjöngjang. Pjöngjangs Führung jubelte.",
                [("Pjöngjang", "LOC"), ("Pjöngjangs", "LOC")],
            ),
            ("b", "de", "Nordkorea und Moskau.", [("Nordkorea", "LOC"), ("Moskau", "LOC")]),
            (
                "c",
                "en",
                "He flew to Pyongyang from Moscow. North Korea said.",
                [("Pyongyang", "LOC"), ("Moscow", "LOC"), ("North Korea", "LOC")],
            ),
        ]
    )
    for german, english in [("Pjöngjang", "Pyongyang"), ("Moskau", "Moscow"), ("Nordkorea", "North Korea")]:
        (entity,) = owner(entities, english)
        assert entity.name == german and german in entity.variants and entity.kind == "LOC"
    (pj,) = owner(entities, "Pjöngjangs")
    assert pj.name == "Pjöngjang"


def test_a_kind_of_body_of_one_place_merges_across_languages() -> None:
    entities = run(
        [
            (
                "a",
                "de",
                "Der Wasserverband Wendtal und die Feuerwehr Hollbach halfen.",
                [("Wasserverband Wendtal", "ORG"), ("Feuerwehr Hollbach", "ORG")],
            ),
            (
                "b",
                "en",
                "The Wendtal Water Authority and the Hollbach police helped.",
                [("Wendtal Water Authority", "ORG"), ("Hollbach police", "ORG")],
            ),
        ]
    )
    (water,) = owner(entities, "Wendtal Water Authority")
    assert water.name == "Wasserverband Wendtal"
    assert owner(entities, "Hollbach police") != owner(entities, "Feuerwehr Hollbach")  # another kind of body


def test_a_name_and_its_bracketed_acronym_are_one_entity_across_languages() -> None:
    entities = run(
        [
            (
                "a",
                "de",
                "Das Institut für Geophysik und Vulkanologie (INGV) maß 6,1. Das INGV zählte Nachbeben.",
                [("Institut für Geophysik und Vulkanologie", "ORG"), ("INGV", "ORG")],
            ),
            (
                "b",
                "en",
                "The National Institute of Geophysics and Volcanology (INGV) said so.",
                [("National Institute of Geophysics and Volcanology", "ORG"), ("INGV", "ORG")],
            ),
            ("c", "de", "Die WHO (INGV) und Lee (INGV).", [("Lee", "PER")]),
        ]
    )
    (ingv,) = owner(entities, "INGV")
    assert ingv.name == "Institut für Geophysik und Vulkanologie"
    assert "National Institute of Geophysics and Volcanology" in ingv.variants
    assert owner(entities, "Lee")[0] is not ingv  # a person before a bracket is no name of an acronym


def test_swiss_spelling_merges() -> None:
    entities = run(
        [
            ("a", "de", "Das Aussenministerium teilte mit.", [("Aussenministerium", "ORG")]),
            ("b", "de", "Das Außenministerium teilte mit.", [("Außenministerium", "ORG")]),
        ]
    )
    (ministry,) = owner(entities, "Aussenministerium")
    assert set(ministry.variants) == {"Aussenministerium", "Außenministerium"}


def test_transliteration_variants_merge() -> None:
    entities = run(
        [
            (
                "a",
                "de",
                "Vizeaußenminister Sergej Rjabkow sagte. Choe Son Hui kam.",
                [("Sergej Rjabkow", "PER"), ("Choe Son Hui", "PER")],
            ),
            (
                "b",
                "en",
                "Deputy minister Sergei Ryabkov said. Choe Son-hui came.",
                [("Sergei Ryabkov", "PER"), ("Choe Son-hui", "PER")],
            ),
        ]
    )
    assert (
        len(owner(entities, "Sergei Ryabkov")) == 1
        and owner(entities, "Sergei Ryabkov")[0].name == "Sergej Rjabkow"
    )
    assert owner(entities, "Choe Son-hui") == owner(entities, "Choe Son Hui")


def test_two_different_muellers_stay_apart() -> None:
    entities = run(
        [
            (
                "a",
                "de",
                "Thomas Müller schoss ein Tor. Müller jubelte.",
                [("Thomas Müller", "PER"), ("Müller", "PER")],
            ),
            (
                "b",
                "de",
                "Gerd Müller war Stürmer. Müller traf oft.",
                [("Gerd Müller", "PER"), ("Müller", "PER")],
            ),
            ("c", "de", "Müller sagte nichts.", [("Müller", "PER")]),
        ]
    )
    (thomas,) = owner(entities, "Thomas Müller")
    (gerd,) = owner(entities, "Gerd Müller")
    assert thomas is not gerd and thomas.id != gerd.id
    assert len(owner(entities, "Müller")) == 3  # the surname-only article is ambiguous and stays on its own


def test_unambiguous_surname_merges_across_articles() -> None:
    entities = run(
        [
            ("a", "de", "Bundeskanzler Olaf Scholz reiste ab.", [("Olaf Scholz", "PER")]),
            ("b", "de", "Scholz sagte nichts.", [("Scholz", "PER")]),
        ]
    )
    assert owner(entities, "Scholz") == owner(entities, "Olaf Scholz")


def test_genitive_is_kept_when_base_unknown() -> None:
    entities = run([("a", "de", "Paris ist schön.", [("Paris", "LOC")])])
    assert [e.name for e in entities] == ["Paris"]


def test_kind_is_majority_vote() -> None:
    entities = run(
        [
            ("a", "de", "Die Firma Zalando wächst.", [("Zalando", "ORG")]),
            ("b", "de", "Zalando meldet Gewinne.", [("Zalando", "ORG")]),
            ("c", "de", "Bei Zalando streiken sie.", [("Zalando", "LOC")]),
        ]
    )
    (zalando,) = entities
    assert zalando.kind == "ORG"


def test_ids_are_deterministic() -> None:
    articles = [
        ("a", "de", "Olaf Scholz traf Emmanuel Macron.", [("Olaf Scholz", "PER"), ("Emmanuel Macron", "PER")])
    ]
    assert [e.id for e in run(articles)] == [e.id for e in run(articles)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Außenministerium", "Aussenministerium"),
        ("Choe Son-hui", "Choe Son Hui"),
        ("Müller", "Mueller"),
        ("KCNA", "Kcna"),
    ],
)
def test_fold(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sergej Lawrow", "Sergei Lavrov"),
        ("Pjöngjang", "Pyongyang"),
        ("Selenskyj", "Zelensky"),
        ("Schoigu", "Shoigu"),
    ],
)
def test_translit_key(a: str, b: str) -> None:
    assert translit_key(a) == translit_key(b)


@pytest.mark.parametrize(
    ("text", "name", "roles"),
    [
        ("Russlands Außenminister Sergej Lawrow sagte das.", "Sergej Lawrow", ("Außenminister",)),
        ("Lawrow, der russische Aussenminister, sagte das.", "Lawrow", ("Aussenminister",)),
        ("Machthaber Kim Jong Un lachte.", "Kim Jong Un", ("Machthaber",)),
        ("Die Außenministerin Annalena Baerbock reiste.", "Annalena Baerbock", ("Außenministerin",)),
        ("Der Abgeordnete Lee Seong Kweun sprach.", "Lee Seong Kweun", ("Abgeordnete",)),
        ("Der Mann Peter Meier sprach.", "Peter Meier", ()),
    ],
)
def test_roles(text: str, name: str, roles: tuple[str, ...]) -> None:
    doc = get_nlp("de", ner=False)(text)
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    assert span is not None
    assert roles_around(span, "de") == roles
