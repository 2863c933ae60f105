"""Number parsing: German and English figures, bounds, ranges, vague amounts and what is no amount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quellenlage.extract.numbers import find_numbers, parse_digits, parse_number_word


@pytest.mark.parametrize(
    ("text", "phrase", "value", "low", "high", "approx", "vague"),
    [
        ("rund 14.000 Soldaten aus Nordkorea", "rund 14.000", 14000, None, None, "rund", False),
        ("bis zu 30.000 Nordkoreaner", "bis zu 30.000", None, None, 30000, "bis zu", False),
        ("mindestens zwölf Menschen getötet", "mindestens zwölf", None, 12, None, "mindestens", False),
        ("mehr als 90 verletzt", "mehr als 90", None, 90, None, "mehr als", False),
        ("2,5 Millionen Euro", "2,5 Millionen Euro", 2_500_000, None, None, None, False),
        ("30 000 Menschen", "30 000", 30000, None, None, None, False),
        ("vierzehntausend Soldaten", "vierzehntausend", 14000, None, None, None, False),
        ("zwei Dutzend Kinder", "zwei Dutzend", 24, None, None, None, False),
        ("zwischen 200 und 300 Tote", "zwischen 200 und 300", None, 200, 300, None, False),
        ("200 bis 300 Tote", "200 bis 300", None, 200, 300, None, False),
        ("200-300 Tote", "200-300", None, 200, 300, None, False),
        ("ca. 50 Personen", "ca. 50", 50, None, None, "ca.", False),
        ("tausende Soldaten", "tausende", None, None, None, "tausende", True),
        ("einige Millionen Geschosse", "einige Millionen", None, None, None, "einige Millionen", True),
        ("Hunderte Menschen", "Hunderte", None, None, None, "Hunderte", True),
        ("ein paar Hundert Helfer", "ein paar Hundert", None, None, None, "ein paar Hundert", True),
        ("Das INGV registrierte ein Beben der Stärke 6,1.", "6,1", 6.1, None, None, None, False),
        (
            "In Roccamara sind 40 bis 60 Prozent der Häuser unbewohnbar.",
            "40 bis 60 Prozent",
            None,
            40,
            60,
            None,
            False,
        ),
        # German writes a date "16. September": after a month name a figure is an amount
        ("ab September 16 Euro teurer", "16 Euro", 16, None, None, None, False),
        # a fraction is its share
        ("zeigten zwei Drittel Verständnis", "zwei Drittel", 2 / 3, None, None, None, False),
        # an amount in brackets in another currency is the editor's conversion of the one before
        (
            "ein Schaden von 100 Millionen Euro (116 Millionen Dollar)",
            "100 Millionen Euro",
            100_000_000,
            None,
            None,
            None,
            False,
        ),
    ],
)
def test_german_amounts(
    text: str,
    phrase: str,
    value: float | None,
    low: float | None,
    high: float | None,
    approx: str | None,
    vague: bool,
) -> None:
    (m,) = find_numbers(text)
    assert (m.text, m.value, m.low, m.high, m.approx, m.vague) == (phrase, value, low, high, approx, vague)


@pytest.mark.parametrize(
    ("text", "value", "low", "high"),
    [
        ("about 1.2 million people", 1_200_000, None, None),
        ("at least 14,000 soldiers", None, 14000, None),
        ("a dozen men", 12, None, None),
        ("two hundred thousand people", 200_000, None, None),
        ("up to 30 000 troops", None, None, 30000),
        # the approximator stands before the currency sign
        ("nearly $100 billion", 100_000_000_000, None, None),
        ("more than $2 million", None, 2_000_000, None),
        ("up to £5 billion", None, None, 5_000_000_000),
        # English writes no "6.3." date
        ("The USGS put its magnitude at 6.3.", 6.3, None, None),
        ("It cost 100 million euros ($116 million) a day.", 100_000_000, None, None),  # and no conversion
    ],
)
def test_english_amounts(text: str, value: float | None, low: float | None, high: float | None) -> None:
    (m,) = find_numbers(text, "en")
    assert (m.value, m.low, m.high) == (value, low, high)


@pytest.mark.parametrize(
    "text",
    [
        "seit drei Jahren",
        "im Februar 2022",
        "Im Sommer 2024 besiegelten sie",
        "um 15:47 Uhr",
        "am 5. August",
        "am 12.04.2016",
        "eine Boeing 747 der Lufthansa",
        "ein A 340 landete",
        "die G7 tagt",
        "Die 37 Jahre alte Frau",
        "ein 20-Jähriger",
        "zum achten Mal",
        "Tel. 030 1234567",
        "ein Mann und eine Frau",
        "geöffnet von 10 bis 12 Uhr",  # a range of clock times
        "zwei bis drei Jahre lang",
        "das junge Paar",  # a couple, not the number two
        "ein paar Menschen",
        "seit fünf Dekaden",
        "eine rund 14-minütige Demo",
        "a 12-hour shift",
        "unter den 18- bis 29-Jährigen",  # the truncated compound shares its partner's head
        "eine Erhöhung in zwei Stufen",  # the steps of a raise
    ],
)
def test_no_amount(text: str) -> None:
    assert find_numbers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "On October 23, India agreed.",
        "It sank a ship on Nov. 19 and another on 23 October.",
        "after the November 18 sinking",
        "The 5th Fleet doubted it.",
        "in the morning of 10th Nov",
        "The attack came about 1100 hrs IST.",
        "at 0930 GMT",
        "said Pietro Colella, 71, who was pulled out",  # an age
        "The strike was due to end at 6 p.m. on Friday.",
    ],
)
def test_no_english_amount(text: str) -> None:
    assert find_numbers(text, "en") == []


def test_a_lower_case_month_word_is_a_verb() -> None:
    assert [m.value for m in find_numbers("Officials said 12 may have died.", "en")] == [12]


def test_percent_money_and_fractions_keep_unit() -> None:
    text = "14 Prozent, 4,6 Milliarden Euro und zwei Drittel der Befragten"
    assert [m.unit for m in find_numbers(text)] == ["Prozent", "Euro", "Drittel"]


def test_number_words_via_text2num() -> None:
    assert parse_number_word("dreihundertfünfzig") == 350
    assert parse_number_word("eine") is None
    assert parse_number_word("Einsatz") is None


@given(st.integers(min_value=1000, max_value=10**9))
def test_german_grouping_round_trips(n: int) -> None:
    german = f"{n:,}".replace(",", ".")
    assert parse_digits(german, "de") == n
    assert parse_digits(f"{n:,}", "en") == n


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=99))
def test_decimal_comma(whole: int, frac: int) -> None:
    assert parse_digits(f"{whole},{frac:02d}", "de") == pytest.approx(whole + frac / 100)


@given(st.text(alphabet="0123456789 .,:-abcXYZäß€%\n", max_size=60))
def test_find_numbers_spans_are_in_text(text: str) -> None:
    for m in find_numbers(text):
        assert text[m.start : m.end] == m.text
