"""Temporal tagger: TIMEX3 values for German and English expressions against given anchors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quellenlage.compare import timeline
from quellenlage.corpus import Corpus
from quellenlage.eval.timex import evaluate, evaluate_timeml, read_timeml
from quellenlage.extract import extract
from quellenlage.extract.temporal import find_timerefs
from quellenlage.language import get_nlp
from quellenlage.model import Article, PartialDate, Story, TimeRef

from .conftest import shared_path

RULES = Path(__file__).resolve().parents[1] / "src" / "quellenlage" / "rules"


def tag(text: str, anchor: str | None, language: str = "de") -> list[TimeRef]:
    return find_timerefs("a", text, PartialDate.parse(anchor) if anchor else None, language)


def found(text: str, anchor: str | None, language: str = "de") -> dict[str, str | None]:
    return {r.text: r.value for r in tag(text, anchor, language)}


# (sentence, publication date, matched text, expected value, expected type)
CASES: list[tuple[str, str | None, str, str | None, str]] = [
    (
        "Lee sagte, Nordkorea habe im vergangenen Oktober Soldaten entsandt.",
        "2025-07",
        "vergangenen Oktober",
        "2024-10",
        "DATE",
    ),
    ("Ende Juni zeigte das Staatsfernsehen Fotos.", "2025-07", "Ende Juni", "2025-06", "DATE"),
    (
        "Im Herbst vergangenen Jahres gab es erste Berichte.",
        "2025-07",
        "Herbst vergangenen Jahres",
        "2024-FA",
        "DATE",
    ),
    ("Im Sommer 2024 besiegelten sie eine Partnerschaft.", None, "Sommer 2024", "2024-SU", "DATE"),
    ("Die Region war bis zum Frühjahr 2025 besetzt.", None, "Frühjahr 2025", "2025-SP", "DATE"),
    ("Erst im April bestätigte Pjöngjang die Entsendung.", "2025-07", "April", "2025-04", "DATE"),
    ("Im Jänner 2024 begann der Umbau.", None, "Jänner 2024", "2024-01", "DATE"),
    ("Der Vertrag wurde am 14. März 2025 unterzeichnet.", None, "14. März 2025", "2025-03-14", "DATE"),
    ("Der Vertrag wurde am 14.03.2025 unterzeichnet.", None, "14.03.2025", "2025-03-14", "DATE"),
    ("Der Vertrag wurde im März 2025 unterzeichnet.", None, "März 2025", "2025-03", "DATE"),
    ("Das Werk wurde 1928 gebaut.", None, "1928", "1928", "DATE"),
    (
        "Das Ministerium teilte am Samstag mit, Lawrow sei empfangen worden.",
        "2025-07-09",
        "Samstag",
        "2025-07-05",
        "DATE",
    ),
    (
        "Das Ministerium teilte am Samstag mit, Lawrow sei empfangen worden.",
        "2025-07",
        "Samstag",
        None,
        "DATE",
    ),
    ("Am Samstag wird der Minister in Wonsan erwartet.", "2025-07-09", "Samstag", "2025-07-12", "DATE"),
    ("Schoigu war vergangene Woche in Pjöngjang.", "2025-07-09", "vergangene Woche", "2025-W27", "DATE"),
    ("Schoigu war vergangene Woche in Pjöngjang.", "2025-07", "vergangene Woche", None, "DATE"),
    ("Nach dem Treffen vor einem Jahr kamen Soldaten.", "2025-07", "vor einem Jahr", "2024", "DATE"),
    ("Nach dem Treffen vor einem Jahr kamen Soldaten.", None, "vor einem Jahr", None, "DATE"),
    ("Die Wahl findet nächsten Monat statt.", "2025-07", "nächsten Monat", "2025-08", "DATE"),
    (
        "Im vergangenen Jahr schlossen beide Länder ein Abkommen.",
        "2025-07",
        "vergangenen Jahr",
        "2024",
        "DATE",
    ),
    ("Der Umsatz stieg gegenüber dem Vorjahr.", "2025-07", "dem Vorjahr", "2024", "DATE"),
    ("Er sagte gestern in Bozen, die Lage sei ernst.", "2025-07-09", "gestern", "2025-07-08", "DATE"),
    ("Heute beginnt der Gipfel.", "2025-07", "Heute", "2025-07", "DATE"),
    ("Die Sitzung beginnt heuer später.", "2013-11-30", "heuer", "2013", "DATE"),
    ("Das Budget für das erste Quartal 2025 steht.", None, "das erste Quartal 2025", "2025-Q1", "DATE"),
    ("Im ersten Quartal 2025 wuchs die Wirtschaft.", None, "ersten Quartal 2025", "2025-Q1", "DATE"),
    ("Der Markt öffnet um 20.30 Uhr.", "2010-02-20", "20.30 Uhr", "2010-02-20T20:30", "TIME"),
    ("Der Umzug war am Montagvormittag.", "2010-04-21", "Montagvormittag", "2010-04-19TMO", "TIME"),
    ("Moskau führt seinen seit drei Jahren währenden Krieg.", "2025-07", "drei Jahren", "P3Y", "DURATION"),
    ("Lawrow ist zu einem dreitägigen Besuch in Nordkorea.", None, "dreitägigen", "P3D", "DURATION"),
    ("Die Messe dauert drei Tage.", None, "drei Tage", "P3D", "DURATION"),
    (
        "Die Ukraine wirft Nordkorea seit Monaten vor, Russland zu helfen.",
        "2025-04",
        "Monaten",
        "PXM",
        "DURATION",
    ),
    (
        "In den vergangenen zwei Jahrzehnten kamen 25.000 Menschen.",
        "2013-10-05",
        "den vergangenen zwei Jahrzehnten",
        "P2DE",
        "DURATION",
    ),
    ("Die Gebühr wird jährlich erhoben.", None, "jährlich", "P1Y", "SET"),
    ("Der Markt findet jeden Montag statt.", None, "jeden Montag", "XXXX-WXX-1", "SET"),
    ("Sonntags bleibt das Geschäft zu.", None, "Sonntags", "XXXX-WXX-7", "SET"),
    ("Kim hatte kürzlich eine Ferienanlage eröffnet.", "2025-07", "kürzlich", "PAST_REF", "DATE"),
    ("Lawrow hält sich derzeit in Nordkorea auf.", "2025-07", "derzeit", "PRESENT_REF", "DATE"),
    ("Nordkorea könnte demnächst weitere Soldaten schicken.", "2025-07", "demnächst", "FUTURE_REF", "DATE"),
    ("Ob Truppen in Zukunft eingesetzt werden, blieb offen.", "2025-07", "Zukunft", "FUTURE_REF", "DATE"),
    ("Die Talks on March 14, 2025 were cordial.", None, "March 14, 2025", "2025-03-14", "DATE"),
    ("Talks began on 14 March 2025 in Seoul.", None, "14 March 2025", "2025-03-14", "DATE"),
]
EN = {"Die Talks on March 14, 2025 were cordial.", "Talks began on 14 March 2025 in Seoul."}


@pytest.mark.parametrize(("sentence", "anchor", "span", "value", "type_"), CASES)
def test_german_and_english_values(
    sentence: str, anchor: str | None, span: str, value: str | None, type_: str
) -> None:
    refs = {r.text: r for r in tag(sentence, anchor, "en" if sentence in EN else "de")}
    assert span in refs, refs
    assert (refs[span].value, refs[span].type) == (value, type_)


ENGLISH: list[tuple[str, str | None, str, str | None]] = [
    ("The minister said last week that talks would resume.", "2025-07-09", "last week", "2025-W27"),
    # "at the weekend" in a Monday's report: the one just past; in the future tense the next one
    ("The dam burst at the weekend.", "2026-03-16", "the weekend", "2026-W11-WE"),
    ("They will meet over the weekend.", "2026-03-16", "the weekend", "2026-W12-WE"),
    ("Troops arrived two years ago.", "2025-07", "two years ago", "2023"),
    ("Prices have risen recently.", "2025-07", "recently", "PAST_REF"),
    ("The plant opened in the fall of 2024.", None, "fall of 2024", "2024-FA"),
    ("Early June saw heavy fighting.", "2025-07", "Early June", "2025-06"),
    ("The three-day visit ends tomorrow.", "2025-07-09", "three-day", "P3D"),
    ("Growth slowed in the first quarter of 2025.", None, "the first quarter of 2025", "2025-Q1"),
    ("He may come back.", "2025-07", "", None),
]


@pytest.mark.parametrize(("sentence", "anchor", "span", "value"), ENGLISH)
def test_english(sentence: str, anchor: str | None, span: str, value: str | None) -> None:
    got = found(sentence, anchor, "en")
    if not span:
        assert got == {}
        return
    assert got.get(span) == value, got


MORE: list[tuple[str, str, str, str]] = [
    ("Das Treffen findet zweimal im Jahr statt.", "zweimal im Jahr", "P1Y", "SET"),
    ("Abends ist der Platz leer.", "Abends", "XXXX-XX-XXTEV", "SET"),
    ("In den Neunzigerjahren war es anders.", "den Neunzigerjahren", "199", "DATE"),
    ("Die Musik der 80er Jahre.", "der 80er Jahre", "198", "DATE"),
    ("Die Kirche stammt aus dem 12. Jahrhundert.", "dem 12. Jahrhundert", "11", "DATE"),
    ("Bis Ende des Monats soll es fertig sein.", "Ende des Monats", "2025-07", "DATE"),
    ("Die Fabrik schließt Ende des Jahres.", "Ende des Jahres", "2025", "DATE"),
    ("Die Fabrik schloss Ende 2002.", "Ende 2002", "2002", "DATE"),
    ("Vor kurzem kam er.", "Vor kurzem", "PAST_REF", "DATE"),
    ("Es starben 2000 im Jahr 2011.", "Jahr 2011", "2011", "DATE"),
    ("Am Montagabend sprach er.", "Montagabend", "2025-07-07TEV", "TIME"),
    ("Er kam am morgigen Sonntag.", "morgigen Sonntag", "2025-07-10", "DATE"),
    ("Es regnete tagelang.", "tagelang", "PXD", "DURATION"),
]


@pytest.mark.parametrize(("sentence", "span", "value", "type_"), MORE)
def test_sets_decades_and_parts(sentence: str, span: str, value: str, type_: str) -> None:
    refs = tag(sentence, "2025-07-09")
    assert [(r.text, r.value, r.type) for r in refs] == [(span, value, type_)]


# (text, publication date, matched text, value, type): rules that need a longer context
CONTEXT: list[tuple[str, str, str, str | None, str]] = [
    (
        "Am 3. Mai 2010 begann es. Zwei Tage später kam er.",
        "2013-11-27",
        "Zwei Tage später",
        "2010-05-05",
        "DATE",
    ),
    (
        "Im Jänner 2016 testete es. Einen Monat später flog eine Rakete.",
        "2016-05-12",
        "Einen Monat später",
        "2016-02",
        "DATE",
    ),
    (
        "Vittorini starb 1966, dreißig Jahre später die Duras.",
        "2016-05-12",
        "dreißig Jahre später",
        "1996",
        "DATE",
    ),
    (
        "Am 2. März siegten sie, drei Tage zuvor verloren sie.",
        "2016-05-12",
        "drei Tage zuvor",
        "2016-02-28",
        "DATE",
    ),
    ("Er kam. Wenige Tage später ging er.", "2016-05-12", "Wenige Tage später", "FUTURE_REF", "DATE"),
    ("Zwei Tage später ging er.", "2016-05-12", "Zwei Tage", "P2D", "DURATION"),  # no date to count from
    ("Das Gesetz tritt um ein Jahr früher in Kraft.", "2016-05-12", "ein Jahr", "P1Y", "DURATION"),
    ("Es wurde zwei Jahre später als geplant fertig.", "2016-05-12", "zwei Jahre", "P2Y", "DURATION"),
    (
        "Start war am 1. Juli. In der Woche darauf regnete es.",
        "2013-09-13",
        "der Woche darauf",
        "2013-W28",
        "DATE",
    ),
    ("Am 7. Mai kam sie. Tags zuvor hatte sie abgesagt.", "2016-05-12", "Tags zuvor", "2016-05-06", "DATE"),
    (
        "Am 2. August kam er. Am Abend desselben Tages ging er.",
        "2016-09-01",
        "Abend desselben Tages",
        "2016-08-02TEV",
        "TIME",
    ),
    (
        "Am 2. August kam er. Am nächsten Morgen ging er.",
        "2016-09-01",
        "nächsten Morgen",
        "2016-08-03TMO",
        "TIME",
    ),
    (
        "In der Nacht auf Sonntag brannte eine Scheune.",
        "2016-05-12",
        "Nacht auf Sonntag",
        "2016-05-07TNI",
        "TIME",
    ),
    (
        "Am frühen Morgen des 22. Juni 1941 griffen sie an.",
        "2016-05-12",
        "frühen Morgen des 22. Juni 1941",
        "1941-06-22TMO",
        "TIME",
    ),
    (
        "In der Nacht vom 16. auf den 17. April 1945 fiel die Stadt.",
        None,
        "Nacht vom 16.",
        "1945-04-16TNI",
        "TIME",
    ),
    ("Der Flohmarkt ist jeden Samstag, 6–18 Uhr.", "2013-11-30", "6", "XXXX-XX-XXT06:00", "TIME"),
    ("Die Schlacht begann am 1.9.39 um 4 Uhr.", "2013-11-27", "1.9.39 um 4 Uhr", "1939-09-01T04:00", "TIME"),
    ("Die Tagung 2014/15 war gut besucht.", "2016-05-12", "2014/15", "201", "DATE"),
    ("Die Saison 1999/00 war gut.", "2016-05-12", "1999/00", "1999", "DATE"),
    ("Die Rede war vor bereits 40.000 Jahren.", "2016-05-12", "40.000 Jahren", "P40000Y", "DURATION"),
]


@pytest.mark.parametrize(("text", "anchor", "span", "value", "type_"), CONTEXT)
def test_anaphora_day_parts_two_digit_years_and_year_spans(
    text: str, anchor: str | None, span: str, value: str | None, type_: str
) -> None:
    refs = {r.text: r for r in tag(text, anchor)}
    assert span in refs, refs
    assert (refs[span].value, refs[span].type) == (value, type_)


SETS: list[tuple[str, str, str]] = [
    ("Die Straße ist jeden ersten Sonntag im Monat autofrei.", "jeden ersten Sonntag im Monat", "P1M"),
    ("Er kommt jeden zweiten Tag vorbei.", "jeden zweiten Tag", "P2D"),
    ("Die Partner zahlen 200.000 Euro pro Jahr.", "pro Jahr", "P1Y"),
    ("Sie verdienen ein paar Hundert Euro im Monat.", "im Monat", "P1M"),
    ("Das Land wächst mit 6,5 Prozent im Jahr.", "im Jahr", "P1Y"),
    ("Sie kostet 100 Millionen Euro (116 Millionen Dollar) am Tag.", "am Tag", "P1D"),
    ("It costs up to 100 million euros ($116 million) a day.", "a day", "P1D"),
    ("The operator carries some 5 million passengers a day.", "a day", "P1D"),
]


@pytest.mark.parametrize(("text", "span", "value"), SETS)
def test_rates_and_ordinal_sets(text: str, span: str, value: str) -> None:
    language = "de" if text.startswith(("Die", "Sie", "Er", "Das")) else "en"
    assert [(r.text, r.value, r.type) for r in tag(text, "2016-05-12", language)] == [(span, value, "SET")]


@pytest.mark.parametrize(
    "text",
    [
        "Am Tag, als die Amerikaner kamen, schwieg er.",  # a day, not a rate
        "Das Spiel ist ab 16 Jahren freigegeben.",  # an age limit
        "Es waren 34 Schiffe und 1370 Landungsboote beteiligt.",  # a count after a weak cue
    ],
)
def test_days_ages_and_counts_are_not_rates_durations_or_years(text: str) -> None:
    assert tag(text, "2016-05-12") == []


def test_a_weekend_after_am_is_not_taken_for_a_rate() -> None:
    assert found("Die Athleten am Wochenende waren stark.", "2014-01-13") == {"Wochenende": "2014-W02-WE"}


def test_years_after_years_and_headings_are_years() -> None:
    assert found("In den Jahren 2012 und 2013 Gewinne.", None) == {"2012": "2012", "2013": "2013"}
    assert found("Verlauf\n\n1861\n\nIm Juli kam es zu Kämpfen.", None) == {"1861": "1861", "Juli": "1861-07"}


def test_it_timeml_marks_ago_and_later_as_durations() -> None:
    text = "Vor drei Jahren begann es. Am 3. Mai 2010 kam er, zwei Tage später der ehemalige Chef."
    default = [(r.text, r.type, r.value) for r in find_timerefs("a", text, PartialDate.parse("2013-11-27"))]
    it = [
        (r.text, r.type, r.value)
        for r in find_timerefs("a", text, PartialDate.parse("2013-11-27"), guideline="it-timeml")
    ]
    assert default == [
        ("Vor drei Jahren", "DATE", "2010"),
        ("3. Mai 2010", "DATE", "2010-05-03"),
        ("zwei Tage später", "DATE", "2010-05-05"),
    ]
    assert it == [
        ("drei Jahren", "DURATION", "P3Y"),
        ("3. Mai 2010", "DATE", "2010-05-03"),
        ("zwei Tage", "DURATION", "P2D"),
        ("ehemalige", "DATE", "PAST_REF"),
    ]
    english = find_timerefs("a", "Troops arrived two years ago.", None, "en", guideline="it-timeml")
    assert [(r.text, r.value) for r in english] == [("two years", "P2Y")]


def test_a_history_is_not_taken_back_by_a_background_year() -> None:
    text = (
        "Am 28. Oktober 1940 griffen sie das seit 1939 besetzte Land an. Am 3. November kam der Gegenangriff."
    )
    refs = {r.text: r.value for r in find_timerefs("a", text, None, narrative=True)}
    assert refs["3. November"] == "1940-11-03"


def test_mod_and_anchor_are_recorded() -> None:
    (ende,) = tag("Ende Juni zeigte KCTV Fotos.", "2025-07")
    assert (ende.mod, ende.anchor) == ("END", "published:2025-07")


def test_text_anchor_when_publication_date_missing() -> None:
    refs = {
        r.text: r for r in tag("Im August 2024 begann die Offensive. Im April kam die Bestätigung.", None)
    }
    assert (refs["April"].value, refs["April"].anchor) == ("2024-04", "text:2024-08")


def test_text_anchor_is_the_latest_date_named() -> None:
    text = "Bis zum Frühjahr 2025 war Kursk besetzt, seit August 2024. Im April bestätigte Pjöngjang alles."
    refs = {r.text: r for r in tag(text, None)}
    assert refs["April"].value == "2025-04"


def test_deictic_expressions_need_the_publication_date() -> None:
    assert found("Im vergangenen Jahr, im August 2024, begann es. Gestern sprach er.", None) == {
        "vergangenen Jahr": None,
        "August 2024": "2024-08",
        "Gestern": None,
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "Insgesamt kämpften 2000 Soldaten.",
        "Der Fonds hat 2025 Euro.",
        "Er ging, als der Morgen graute.",
        "Die 44-Jährige lachte.",
        "Der Politiker August Bebel sprach.",
        "Nach tagelangem Starkregen und monatelangen Vorwürfen brach der Damm.",  # an adjective, no time
    ],
)
def test_counts_names_and_nouns_are_not_timexes(sentence: str) -> None:
    assert tag(sentence, "2025-07-09") == []


def test_tomorrow_needs_lower_case_or_sentence_start() -> None:
    assert found("Morgen reist er ab. Er kommt morgen.", "2025-07-09") == {
        "Morgen": "2025-07-10",
        "morgen": "2025-07-10",
    }


def test_cue_tables_are_valid_json() -> None:
    for lang in ("de", "en"):
        cues = json.loads((RULES / f"temporal_{lang}.json").read_text(encoding="utf-8"))
        assert set(cues["months"].values()) == set(range(1, 13))
        assert set(cues["seasons"].values()) == {"SP", "SU", "FA", "WI"}


MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    anchor=st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))),
)
def test_explicit_german_dates_round_trip(day: date, anchor: date | None) -> None:
    text = f"Die Sitzung fand am {day.day}. {MONTHS_DE[day.month - 1]} {day.year} statt."
    refs = find_timerefs("a", text, PartialDate.of(anchor) if anchor else None)
    assert [(r.value, r.type) for r in refs] == [(day.isoformat(), "DATE")]


WORDS = [
    "am",
    "Samstag",
    "im",
    "vergangenen",
    "Oktober",
    "seit",
    "drei",
    "Jahren",
    "Ende",
    "Juni",
    "2024",
    "14.",
    "März",
    "gestern",
    "um",
    "20.30",
    "Uhr",
    "kürzlich",
    "jährlich",
    "Herbst",
    "nächsten",
    "Monat",
    "Die",
    "Lage",
    ",",
    ".",
    "vor",
    "einem",
    "Jahr",
    "dreitägigen",
    "heute",
    "Morgen",
    "Woche",
    "the",
    "last",
    "week",
    "May",
]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), max_size=30),
    anchor=st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))),
    precision=st.sampled_from(["year", "month", "day"]),
    language=st.sampled_from(["de", "en"]),
)
def test_offsets_slice_to_the_matched_text(
    words: list[str], anchor: date | None, precision: str, language: str
) -> None:
    text = " ".join(words)
    pub = PartialDate.of(anchor, precision) if anchor else None  # type: ignore[arg-type]
    refs = find_timerefs("a", text, pub, language)
    for r in refs:
        assert 0 <= r.start < r.end <= len(text)
        assert text[r.start : r.end] == r.text
        assert r.type in {"DATE", "TIME", "DURATION", "SET"}
    assert [r.start for r in refs] == sorted(r.start for r in refs)


TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>t.xml</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2025-07-09" functionInDocument="CREATION_TIME">\
2025-07-09</TIMEX3></DCT>
<TEXT>
Lawrow traf am <TIMEX3 tid="t1" type="DATE" value="2025-07-05">Samstag</TIMEX3> in Wonsan ein. Der seit \
<TIMEX3 tid="t2" type="DURATION" value="P3Y">drei Jahren</TIMEX3> dauernde Krieg geht weiter. \
<TIMEX3 tid="t3" type="DATE" value="2024-FA">Im Herbst 2024</TIMEX3> kamen Soldaten, \
<TIMEX3 tid="t4" type="TIME" value="2025-07-09T20.30">um 20 Uhr</TIMEX3> auch.
</TEXT>
</TimeML>
"""


def test_timeml_evaluation_on_an_inline_document(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.tml").write_text(TIMEML, encoding="utf-8")
    doc = read_timeml(gold / "a.tml")
    assert doc.dct == PartialDate.parse("2025-07-09")
    assert [t.text for t in doc.timexes] == ["Samstag", "drei Jahren", "Im Herbst 2024", "um 20 Uhr"]
    scores = evaluate_timeml(gold)["systems"]["quellenlage"]
    # "Herbst 2024" and "20 Uhr" overlap the gold only partly; "20 Uhr" is 20:00, gold says 20:30
    assert scores["strict_f1"] == 0.5
    assert scores["relaxed_f1"] == 1.0
    assert scores["value_accuracy"] == 0.75
    assert scores["type_accuracy"] == 1.0


def test_value_errors_are_listed_with_heideltimes_value(tmp_path: Path) -> None:
    gold, heidel = tmp_path / "G", tmp_path / "G_Heideltime"
    gold.mkdir()
    heidel.mkdir()
    (gold / "a.tml").write_text(TIMEML, encoding="utf-8")
    (heidel / "a.tml").write_text(TIMEML, encoding="utf-8")
    (error,) = evaluate_timeml(gold)["value_errors"]
    assert (error["gold_text"], error["gold"], error["value"]) == (
        "um 20 Uhr",
        "2025-07-09T20.30",
        "2025-07-09T20:00",
    )
    assert error["heideltime"] == "2025-07-09T20.30"


def test_durations_spelt_differently_score_as_equal(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    doc = TIMEML.replace('value="P3Y">drei Jahren', 'value="P36M">drei Jahren')
    (gold / "a.tml").write_text(doc, encoding="utf-8")
    assert evaluate_timeml(gold)["systems"]["quellenlage"]["value_accuracy"] == 0.75


def test_heideltime_output_beside_the_gold_is_scored(tmp_path: Path) -> None:
    gold, heidel = tmp_path / "G", tmp_path / "G_Heideltime"
    gold.mkdir()
    heidel.mkdir()
    (gold / "a.tml").write_text(TIMEML, encoding="utf-8")
    plain = TIMEML.replace(
        '<TIMEX3 tid="t4" type="TIME" value="2025-07-09T20.30">um 20 Uhr</TIMEX3>', "um 20 Uhr"
    )
    (heidel / "a.tml").write_text(plain, encoding="utf-8")
    systems = evaluate_timeml(gold)["systems"]
    assert systems["heideltime"]["relaxed_r"] == 0.75
    assert systems["heideltime"]["relaxed_p"] == 1.0


def test_krauts_dolomiten_beats_the_baseline() -> None:
    systems = evaluate_timeml(shared_path("data", "krauts-temporal", "KRAUTS_Dolomiten-42"))["systems"]
    ours, heidel = systems["quellenlage"], systems["heideltime"]
    assert ours["relaxed_f1"] >= heidel["relaxed_f1"]
    assert ours["value_accuracy"] >= 0.9


def test_wikiwarsde_narratives_keep_their_values() -> None:
    ours = evaluate(shared_path("data", "wikiwarsde-temporal"))["systems"]["quellenlage"]
    assert ours["relaxed_f1"] >= 0.9
    assert ours["value_accuracy"] >= 0.85


# Weekdays (sentence, publication date, weekday, value, anchor recorded). A month-precision date cannot
# place a weekday; a day the text names before it can (the report goes on from it), but only inside the
# publication's month. "bis"/"ab" point forward unless the sentence is in the past.
WEEKDAYS: list[tuple[str, str, str, str | None, str | None]] = [
    (
        "Die Mauer war am 14. März gebrochen. Landrätin Oberle kündigte am Sonntag eine Aufklärung an.",
        "2026-03",
        "Sonntag",
        "2026-03-15",
        "text:2026-03-14",
    ),
    ("Landrätin Oberle kündigte am Sonntag eine Aufklärung an.", "2026-03", "Sonntag", None, None),
    ("Am 30. März brach der Damm. Am Sonntag kamen die ersten Helfer.", "2026-03", "Sonntag", None, None),
    (
        "Die Schulen bleiben bis Freitag geschlossen.",
        "2026-03-16",
        "Freitag",
        "2026-03-20",
        "published:2026-03-16",
    ),
    (
        "Ab Mittwoch gilt im Tal ein Fahrverbot.",
        "2026-03-16",
        "Mittwoch",
        "2026-03-18",
        "published:2026-03-16",
    ),
    (
        "Nach Angaben der Polizei wurden bis Montag zwölf Leichen geborgen.",
        "2026-03-16",
        "Montag",
        "2026-03-16",
        "published:2026-03-16",
    ),
    (
        "Seit Freitag gilt im Tal ein Fahrverbot.",
        "2026-03-16",
        "Freitag",
        "2026-03-13",
        "published:2026-03-16",
    ),
    (
        "Am kommenden Freitag tagt der Kreistag.",
        "2026-03-16",
        "kommenden Freitag",
        "2026-03-20",
        "published:2026-03-16",
    ),
    ("Schools stay closed until Friday.", "2026-03-16", "Friday", "2026-03-20", "published:2026-03-16"),
    # the end of something is ahead ("soll ... enden"); "started" looks back
    ("Der Streik soll am Freitag enden.", "2026-01-14", "Freitag", "2026-01-16", "published:2026-01-14"),
    (
        "The walkout, which started on Wednesday and is due to end on Friday, goes on.",
        "2026-01-15",
        "Wednesday",
        "2026-01-14",
        "published:2026-01-15",
    ),
]


@pytest.mark.parametrize(("sentence", "anchor", "span", "value", "used"), WEEKDAYS)
def test_weekdays_invent_no_day_and_follow_direction_cues(
    sentence: str, anchor: str, span: str, value: str | None, used: str | None
) -> None:
    refs = {
        r.text: r for r in tag(sentence, anchor, "en" if sentence.startswith(("Schools", "The")) else "de")
    }
    assert (refs[span].value, refs[span].anchor) == (value, used)


# A day and its clock time are one TIME in the product ("news"); TimeML gold keeps two expressions.
CLOCK_TIMES: list[tuple[str, str, str, str, int]] = [
    ("Der Streik soll am Freitag um 18 Uhr enden.", "de", "Freitag um 18 Uhr", "2026-01-16T18:00", 2),
    (
        "Seit 2 Uhr in der Nacht zum Mittwoch wird gestreikt.",
        "de",
        "2 Uhr in der Nacht zum Mittwoch",
        "2026-01-14T02:00",
        2,
    ),
    (
        "Um 23 Uhr in der Nacht zum Mittwoch kam es zum Unfall.",
        "de",
        "23 Uhr in der Nacht zum Mittwoch",
        "2026-01-13T23:00",
        2,
    ),
    (
        "Der Ausstand hatte am Dienstagabend um 18 Uhr begonnen.",
        "de",
        "Dienstagabend um 18 Uhr",
        "2026-01-13T18:00",
        2,
    ),
    (
        "The talks will resume on Thursday at 2:30 p.m. in Berlin.",
        "en",
        "Thursday at 2:30 p.m.",
        "2026-01-15T14:30",
        2,
    ),
    ("It happened at 3:17 a.m. on Sunday.", "en", "3:17 a.m. on Sunday", "2026-01-11T03:17", 2),
    # the first number of a range is no clock time of its own: three expressions stay three
    ("Die Messe öffnet am Samstag, 10-17 Uhr.", "de", "17 Uhr", "2026-01-10T17:00", 3),
]


@pytest.mark.parametrize(("sentence", "lang", "span", "value", "timeml_count"), CLOCK_TIMES)
def test_a_day_and_its_clock_time_are_one_time(
    sentence: str, lang: str, span: str, value: str, timeml_count: int
) -> None:
    anchor = PartialDate.parse("2026-01-14")
    news = {r.text: (r.value, r.type) for r in find_timerefs("a", sentence, anchor, lang)}
    assert news[span] == (value, "TIME")
    assert len(find_timerefs("a", sentence, anchor, lang, guideline="timeml")) == timeml_count


def test_a_disjunction_of_times_is_one_timeline_event() -> None:
    """ "im Juli oder August": two values, one happening; the sentence is listed once."""
    text = "Die Stationierung der Soldaten könne bereits im „Juli oder August“ erfolgen, sagte Lee."
    corpus = Corpus()
    when = PartialDate.parse("2025-06-20")  # "sagte" alone would put August in 2024
    corpus.articles.append(
        Article(id="a", origin="a.txt", text=text, source=text, outlet="A", published=when, language="de")
    )
    corpus.timerefs += [t for t in find_timerefs("a", text, when) if t.value]
    corpus.stories.append(Story(id="s1", label="test", articles=["a"]))
    assert {t.value for t in corpus.timerefs} == {"2025-07", "2025-08"}
    assert [(e.when, e.articles) for e in timeline(corpus, "s1")] == [("2025-07", ["a"])]


# KRAUTS conventions (It-TimeML, gold pre-annotated by HeidelTime's news rules), beside the default:
# (sentence, document date, matched text, value under guideline="it-timeml", default value)
KRAUTS_CASES: list[tuple[str, str, str, str | None, str | None]] = [
    # a bare weekday is the last one on or before the document date, whatever the tense
    ("Eurosur steht am Mittwoch zur Abstimmung.", "2013-10-05", "Mittwoch", "2013-10-02", "2013-10-09"),
    (
        "Der Rücktritt wiegt schwer, weil am Sonntag die neue Spitze gewählt wird.",
        "2014-02-13",
        "Sonntag",
        "2014-02-09",
        "2014-02-16",
    ),
    # ... and its extent leaves out "heutigen"/"morgigen" (the value keeps them)
    ("Am morgigen Sonntag beginnt der Markt.", "2011-04-30", "Sonntag", "2011-05-01", None),
    ("Am kommenden Freitag tagt der Rat.", "2014-01-13", "kommenden Freitag", "2014-01-17", "2014-01-17"),
    # "am Wochenende": the weekend of the document date's ISO week
    (
        "Die Besten am Wochenende waren Svendsen und Soukalova.",
        "2014-01-13",
        "Wochenende",
        "2014-W03-WE",
        "2014-W02-WE",
    ),
    ("Am Wochenende wird gewählt.", "2014-01-15", "Wochenende", "2014-W03-WE", "2014-W03-WE"),
    # past (a past verb form, or a participle closing its clause): a month after the document's is last year's
    (
        "Die Vorstellung am 6. November ist bereits ausverkauft.",
        "2013-10-11",
        "6. November",
        "2012-11-06",
        "2013-11-06",
    ),
    (
        "Das Sperrmüllfest wird auf den 7. Dezember verschoben.",
        "2013-11-30",
        "7. Dezember",
        "2012-12-07",
        "2013-12-07",
    ),
    (
        "Die Messe, die am 1. Mai stattfindet, wurde gestern angekündigt.",
        "2011-04-30",
        "1. Mai",
        "2010-05-01",
        "2011-05-01",
    ),
    ("Start war am 1. Juli.", "2013-09-13", "1. Juli", "2013-07-01", "2013-07-01"),
    ("Ende Dezember war der Einzug geplant.", "2016-01-14", "Ende Dezember", "2015-12", "2015-12"),
    # no past form: the occurrence nearest the document date; a finite verb inside its clause is no participle
    (
        "Die Zusatzvorstellung am 22. November bietet freie Plätze.",
        "2013-10-11",
        "22. November",
        "2013-11-22",
        "2013-11-22",
    ),
    ("Der Verein verkauft am 6. Jänner Karten.", "2013-12-20", "6. Jänner", "2014-01-06", "2014-01-06"),
    # the n-th unit counted from the date named last
    (
        "Start war am 1. Juli. In der dritten Woche kamen alle.",
        "2013-09-13",
        "der dritten Woche",
        "2013-W29",
        "2013-W29",
    ),
    (
        "Die Messe begann am 3. Mai. Am zweiten Tag kamen mehr.",
        "2013-09-13",
        "zweiten Tag",
        "2013-05-04",
        "2013-05-04",
    ),
    # a person's age stays unmarked (in the product too), the age of a thing does not; a few vague adverbs
    # stay unmarked in KRAUTS
    ("Der Richter hat den 55-jährigen Luigi Gastrini verurteilt.", "2013-09-13", "55-jährigen", None, None),
    ("Der 38-jährige Eventmanager leitet sie.", "2013-09-13", "38-jährige", None, None),
    (
        "Damit soll ein fast 100-jähriges Problem gelöst werden.",
        "2013-09-13",
        "100-jähriges",
        "P100Y",
        "P100Y",
    ),
    ("Künftig sollen die Staaten zahlen.", "2013-09-13", "Künftig", None, "FUTURE_REF"),
    ("Jetzt sollen die Staaten zahlen.", "2013-09-13", "Jetzt", "PRESENT_REF", "PRESENT_REF"),
    # a time range shares the "Uhr" of the range after it
    (
        "Markt am morgigen Sonntag von 8.30-12 und 14-16 Uhr.",
        "2013-11-30",
        "12",
        "2013-12-01T12:00",
        "2013-12-01T12:00",
    ),
    # a clock time after "jeweils" belongs to the first of the coordinated days
    (
        "Flohmarkt heute und morgen, jeweils 7-17 Uhr.",
        "2013-11-30",
        "17 Uhr",
        "2013-11-30T17:00",
        "2013-11-30T17:00",
    ),
    (
        "Weihnachtsmarkt heute ab 15 Uhr, morgen von 10-16 Uhr.",
        "2013-11-30",
        "16 Uhr",
        "2013-12-01T16:00",
        "2013-12-01T16:00",
    ),
]


@pytest.mark.parametrize(("text", "dct", "span", "krauts", "default"), KRAUTS_CASES)
def test_krauts_conventions(text: str, dct: str, span: str, krauts: str | None, default: str | None) -> None:
    anchor = PartialDate.parse(dct)
    it = {r.text: r.value for r in find_timerefs("a", text, anchor, guideline="it-timeml")}
    plain = {r.text: r.value for r in find_timerefs("a", text, anchor)}
    assert (it.get(span), plain.get(span)) == (krauts, default)


def test_extract_keeps_dates_and_durations_not_frequencies() -> None:
    text = "Am Montag begann ein dreitägiger Streik. Täglich fielen 80 Prozent der Züge aus, 40 Züge pro Tag."
    article = Article(id="a", origin="t", text=text, source=text, published=PartialDate.parse("2026-01-14"))
    found = extract(article, get_nlp("de", ner=False)(text)).timerefs
    assert [(t.text, t.type) for t in found] == [("Montag", "DATE"), ("dreitägiger", "DURATION")]
