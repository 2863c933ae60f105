"""Language stage: sentence splitting, tokens, lemmas, the English entity layer and analyse()."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from quellenlage.language import NerModelMissingError, analyse, get_nlp, ner_model_available
from quellenlage.language.names import apply_name_rules
from quellenlage.language.pipeline import _without_article
from quellenlage.model import Article

SENTENCES = [
    (
        "Wonsan (dpa) - Russlands Außenminister hat am 3. Oktober 2,5 Mio. Euro bzw. 3 Mrd. Dollar erhalten. "
        "Das sind u.a. z.B. Nr. 5 und ca. 300 Soldaten.",
        [
            "Wonsan (dpa) - Russlands Außenminister hat am 3. Oktober 2,5 Mio. Euro bzw. 3 Mrd. Dollar "
            "erhalten.",
            "Das sind u.a. z.B. Nr. 5 und ca. 300 Soldaten.",
        ],
    ),
    ("Dr. Müller wohnt in St. Gallen. Er ist da.", ["Dr. Müller wohnt in St. Gallen.", "Er ist da."]),
    ("Er sagte: «Ja.» „Nein“, meinte er.", ["Er sagte: «Ja.»", "„Nein“, meinte er."]),
    ("«Wir kommen», sagte er. »Gut«, sagte sie.", ["«Wir kommen», sagte er.", "»Gut«, sagte sie."]),
    ("„Wir kommen.“ Dann ging er.", ["„Wir kommen.“", "Dann ging er."]),
    ("Kommen weitere Soldaten? Kim sagt zu.", ["Kommen weitere Soldaten?", "Kim sagt zu."]),
    ("Im Jahr 2024. Dann kam er.", ["Im Jahr 2024.", "Dann kam er."]),
    ("Die 2. Bundesliga spielt am 12. März.", ["Die 2. Bundesliga spielt am 12. März."]),
    ("Titel ohne Punkt\n\nDer Text beginnt.", ["Titel ohne Punkt", "Der Text beginnt."]),
    ("Er kam... und ging. Was?! Nein.", ["Er kam... und ging.", "Was?!", "Nein."]),
    ("Das Treffen war am Samstag. (sda/afp)", ["Das Treffen war am Samstag. (sda/afp)"]),
    ("Der Preis stieg um ca. drei Prozent.", ["Der Preis stieg um ca. drei Prozent."]),
    # a number's full stop ends the sentence when no ordinal can be meant: a decimal or grouped figure, or a
    # function word after it
    (
        "Die USGS gab 6,3 an, das INGV 6,1. Seit Sonntag gab es 14.000. Die Zahl stieg auf 12. Am Montag "
        "kam der 3. Oktober. Der 2. Platz ging an ihn.",
        [
            "Die USGS gab 6,3 an, das INGV 6,1.",
            "Seit Sonntag gab es 14.000.",
            "Die Zahl stieg auf 12.",
            "Am Montag kam der 3. Oktober.",
            "Der 2. Platz ging an ihn.",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_german_sentences(text: str, expected: list[str]) -> None:
    doc = get_nlp("de", ner=False)(text)
    assert [s.text.strip() for s in doc.sents] == expected


@pytest.mark.parametrize(
    "abbreviation", ["Mio.", "Mrd.", "Nr.", "u.a.", "z.B.", "bzw.", "Dr.", "St.", "ca.", "Tsd."]
)
def test_abbreviations_stay_one_token(abbreviation: str) -> None:
    doc = get_nlp("de", ner=False)(f"Es waren {abbreviation} 12 Leute da.")
    assert abbreviation in [t.text for t in doc]


LEMMAS = [
    ("Die Soldaten kamen.", "Soldaten", "Soldat"),
    ("Er sagte nichts.", "sagte", "sagen"),
    ("Die Häuser brannten.", "Häuser", "Haus"),
    ("Nordkorea bestätigte die Entsendung.", "bestätigte", "bestätigen"),
    ("Sie ging nach Hause.", "ging", "gehen"),
    ("Kommen weitere Soldaten?", "Kommen", "kommen"),
    ("Er hat Raketen geliefert.", "Raketen", "Rakete"),
]


@pytest.mark.parametrize(("text", "word", "lemma"), LEMMAS)
def test_german_lemmas(text: str, word: str, lemma: str) -> None:
    doc = get_nlp("de", ner=False)(text)
    assert {t.text: t.lemma_ for t in doc}[word] == lemma


def test_english_lemmas_and_sentences() -> None:
    doc = get_nlp("en", ner=False)("The soldiers were sent. Troops arrived in Kursk.")
    assert [t.lemma_ for t in doc][:3] == ["the", "soldier", "be"]
    assert len(list(doc.sents)) == 2


needs_model = pytest.mark.skipif(not ner_model_available(), reason="German NER model not shipped yet")


@needs_model
def test_english_entities_from_gazetteer_and_model() -> None:
    text = "Russian Foreign Minister Sergei Lavrov met North Korean leader Kim Jong Un in Pyongyang."
    result = analyse([Article(id="a", origin="t", text=text, source=text, language="en")])
    found = {(e.name, e.kind) for e in result.entities}
    assert {("Sergei Lavrov", "PER"), ("Kim Jong Un", "PER"), ("Pyongyang", "LOC")} <= found
    assert ("North Korean", "PER") not in found
    lavrov = next(e for e in result.entities if e.name == "Sergei Lavrov")
    assert lavrov.roles == ["Foreign Minister"]


@pytest.mark.parametrize(
    ("words", "start"),
    [(["The", "Wendtal", "Water", "Authority"], 1), (["the", "Hague"], 1), (["The"], 0), (["Reuters"], 0)],
)
def test_borrowed_english_names_leave_out_the_article(words: list[str], start: int) -> None:
    doc = Doc(get_nlp("en", ner=False).vocab, words=words)
    assert _without_article(doc[:]) == start


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("He said the Wendtal Water Authority had warned them.", "Wendtal Water", "Wendtal Water Authority"),
        (
            "Officials told Reuters Monday that it was over.",
            "Reuters",
            "Reuters",
        ),  # a weekday is no name part
        ("The Wendtal Water. Authority figures rose.", "Wendtal Water", "Wendtal Water"),  # a new sentence
    ],
)
def test_english_names_take_the_capitalised_words_after_them(text: str, name: str, expected: str) -> None:
    doc = get_nlp("en", ner=False)(text)
    start = text.index(name)
    doc.ents = [doc.char_span(start, start + len(name), label="ORG")]
    assert [e.text for e in apply_name_rules(doc).ents] == [expected]


def test_missing_model_is_a_clear_error() -> None:
    if ner_model_available():
        pytest.skip("the German NER model is present")
    with pytest.raises(NerModelMissingError, match="ner_de"):
        get_nlp("de")


@needs_model
def test_german_analyse_finds_and_merges_names() -> None:
    text = (
        "Wonsan (dpa) - Russlands Außenminister Sergej Lawrow hat Nordkorea besucht. "
        "Lawrow traf in Pjöngjang den Machthaber Kim Jong Un. Lawrows Besuch dauert bis Sonntag."
    )
    result = analyse([Article(id="a", origin="t", text=text, source=text, language="de")])
    lawrow = next(e for e in result.entities if "Lawrow" in e.variants)
    assert lawrow.kind == "PER" and lawrow.name == "Sergej Lawrow"
    assert "Außenminister" in lawrow.roles
    assert {"Sergej Lawrow", "Lawrow"} <= set(lawrow.variants)
    for m in result.mentions:
        assert text[m.start : m.end].strip() == text[m.start : m.end]


WORDS = st.sampled_from(
    [
        "Der",
        "Mann",
        "sagte",
        "Mio.",
        "z.B.",
        "3.",
        "2024.",
        "Kim",
        "«Ja.»",
        "„Nein“",
        "(dpa)",
        "-",
        "u.a.",
        "Er",
    ]
)
PUNCT = st.sampled_from([" ", " ", ". ", "? ", "! ", ", ", "\n", "\n\n", "... ", ": "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORDS, PUNCT), min_size=1, max_size=40), st.sampled_from(["de", "en"]))
def test_sentences_cover_text_in_order(parts: list[tuple[str, str]], language: str) -> None:
    text = "".join(w + p for w, p in parts)
    doc = get_nlp(language, ner=False)(text)
    sents = list(doc.sents)
    assert "".join(s.text_with_ws for s in sents) == text
    for a, b in itertools.pairwise(sents):
        assert a.end_char <= b.start_char


NAMES = st.sampled_from(
    ["Sergei Lavrov", "Lavrov", "Moscow", "Kyiv", "United Nations", "Foreign Minister", "NATO"]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(NAMES, PUNCT), min_size=1, max_size=30))
def test_mention_offsets_slice_to_surface(parts: list[tuple[str, str]]) -> None:
    text = "".join(w + p for w, p in parts)
    result = analyse([Article(id="x", origin="t", text=text, source=text, language="en")])
    variants = {v for e in result.entities for v in e.variants}
    for m in result.mentions:
        assert text[m.start : m.end] in variants


def _with_rules(text: str, ents: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Apply the document-level name rules to ``text`` with ``ents`` standing in for the model's output."""
    doc = get_nlp("de", ner=False)(text)
    spans = []
    for name, label in ents:
        start = text.index(name)
        span = doc.char_span(start, start + len(name), label=label)
        assert span is not None
        spans.append(span)
    doc.ents = spans
    return {(e.text, e.label_) for e in apply_name_rules(doc).ents}


@pytest.mark.parametrize(
    ("text", "ents", "expected", "absent"),
    [
        ("Die Außenministerin Annalena Baerbock reiste ab.", [], {("Annalena Baerbock", "PER")}, set()),
        ("Er traf seine Amtskollegin, Choe Son Hui.", [], {("Choe Son Hui", "PER")}, set()),
        ("Das sagte der Präsident, Europa müsse handeln.", [], set(), {("Europa", "PER")}),
        ("Das meldete die Nachrichtenagentur KCNA am Montag.", [], {("KCNA", "ORG")}, set()),
        (
            "Sergej Lawrow kam an. Dann sprach Lawrow lange. Lawrows Besuch endet.",
            [("Sergej Lawrow", "PER")],
            {("Lawrow", "PER"), ("Lawrows", "PER")},
            set(),
        ),
        (
            "Gestern kam Kim Jong Un an. Machthaber Kim Jong Un lachte.",
            [("Kim Jong", "PER")],
            {("Kim Jong Un", "PER")},
            {("Kim Jong", "PER")},
        ),
        ("Er lieferte Kim Waffen. Die Waffen kamen an.", [("Kim Waffen", "PER")], set(), {("Waffen", "PER")}),
        ("Minister Lawrow sprach. Lawrow ging.", [("Lawrow", "LOC")], {("Lawrow", "LOC")}, set()),
        # a place is its name, without the noun naming its kind; an organisation keeps it
        (
            "Schiffe lagen in der Hafenstadt Wonsan. Die Stadtwerke Hannover zahlen.",
            [("Hafenstadt Wonsan", "LOC"), ("Stadtwerke Hannover", "ORG")],
            {("Wonsan", "LOC"), ("Stadtwerke Hannover", "ORG")},
            {("Hafenstadt Wonsan", "LOC")},
        ),
        # a public body and the place it is named after are one organisation, also in the genitive; not a
        # body and an organisation's own name, nor a body and an adjective
        (
            "Die Staatsanwaltschaft Hollbach ermittelt gegen den Wasserverband Wendtal.",
            [("Hollbach", "LOC")],
            {("Staatsanwaltschaft Hollbach", "ORG"), ("Wasserverband Wendtal", "ORG")},
            {("Hollbach", "LOC")},
        ),
        ("Ein Sprecher des Wasserverbands Wendtal schwieg.", [], {("Wasserverbands Wendtal", "ORG")}, set()),
        (
            "Im Landkreis Oberes Wendtal regnet es.",
            [("Oberes Wendtal", "LOC")],
            {("Landkreis Oberes Wendtal", "LOC")},
            {("Oberes Wendtal", "LOC")},
        ),
        (
            "Der Chef des Arbeitgeberverbands Süd-West-Metall und des Verbands Norddeutscher Banken kam.",
            [],
            set(),
            {("Arbeitgeberverbands Süd-West-Metall", "ORG"), ("Verbands Norddeutscher", "ORG")},
        ),
        # a word no dictionary knows after "in", "nach", "aus", "im benachbarten" or in a list of places is a
        # place; an unknown compound of a common noun is not
        (
            "Sie zog von Ebersried nach Spiegelau, im benachbarten Schwelm lebt sie nicht.",
            [],
            {("Spiegelau", "LOC"), ("Schwelm", "LOC")},
            {("Ebersried", "LOC")},
        ),
        (
            "Betroffen sind Alfter, Swisttal und Wachtberg.",
            [("Alfter", "LOC")],
            {("Swisttal", "LOC"), ("Wachtberg", "LOC")},
            set(),
        ),
        ("Er fehlte aus Kapazitätsgründen.", [], set(), {("Kapazitätsgründen", "LOC")}),
        # a person's name goes on over particles and initials; "der" only after "von"
        (
            "Es gehörte Heinrich Gottlob von Miltitz und Ursula von der Leyen.",
            [("Heinrich Gottlob", "PER"), ("Ursula", "PER")],
            {("Heinrich Gottlob von Miltitz", "PER"), ("Ursula von der Leyen", "PER")},
            set(),
        ),
        (
            "Senatspräsident Clarence E. Case kam.",
            [("Clarence E.", "PER")],
            {("Clarence E. Case", "PER")},
            set(),
        ),
        (
            "Nach Skizzen von Heinrich Kimmel der Plan.",
            [("Heinrich Kimmel", "PER")],
            {("Heinrich Kimmel", "PER")},
            {("Heinrich Kimmel der Plan", "PER")},
        ),
        # name words closing the clause after a speech verb are its speaker; not a role, nor a plural subject
        (
            "„Wir sind froh“, sagte Winkler. „Gut“, so Ketterer. Das erzählte Deniz Naki.",
            [],
            {("Winkler", "PER"), ("Ketterer", "PER"), ("Deniz Naki", "PER")},
            set(),
        ),
        (
            "„Gut“, sagte Präsident Müller. Das sagen Händler.",
            [],
            set(),
            {("Präsident", "PER"), ("Händler", "PER")},
        ),
        # the capitalised name before a bracketed acronym is one organisation, and so is the acronym; not a
        # preposition before it, nor a person before a party
        (
            "Das Nationale Institut für Geophysik und Vulkanologie (INGV) maß 6,1. Laut der "
            "Weltgesundheitsorganisation (WHO) sterben viele. Olaf Scholz (SPD) kam.",
            [("Geophysik", "LOC"), ("Olaf Scholz", "PER")],
            {
                ("Institut für Geophysik und Vulkanologie", "ORG"),
                ("INGV", "ORG"),
                ("Weltgesundheitsorganisation", "ORG"),
                ("WHO", "ORG"),
                ("Olaf Scholz", "PER"),
            },
            {("Geophysik", "LOC"), ("Laut der Weltgesundheitsorganisation", "ORG"), ("Olaf Scholz", "ORG")},
        ),
        (
            "Das Eidgenössische Departement für auswärtige Angelegenheiten (EDA) schwieg.",
            [],
            {("Eidgenössische Departement für auswärtige Angelegenheiten", "ORG"), ("EDA", "ORG")},
            set(),
        ),
        # the name begins at a word with the acronym's first letter (German capitalises every noun)
        (
            "Am Donnerstag Streikende der Eisenbahn- und Zugpersonalgewerkschaft (EZG) kamen.",
            [],
            {("Eisenbahn- und Zugpersonalgewerkschaft", "ORG"), ("EZG", "ORG")},
            set(),
        ),
        # a lower-case inflected adjective is a name's derivative, not a name; "dpa" stays
        (
            "Die chinesischen Behörden und dpa berichten.",
            [("chinesischen", "LOC"), ("dpa", "ORG")],
            {("dpa", "ORG")},
            {("chinesischen", "LOC")},
        ),
    ],
)
def test_name_rules(
    text: str, ents: list[tuple[str, str]], expected: set[tuple[str, str]], absent: set[tuple[str, str]]
) -> None:
    found = _with_rules(text, ents)
    assert expected <= found, found
    assert not absent & found, found
