"""Cleaning rules: page furniture, credit lines, datelines, titles (German examples)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quellenlage.clean import agency, article_id, clean, split_header
from quellenlage.model import Hints, PartialDate, RawDocument

BODY = "Die Feuerwehr meldete am Abend, der Pegel sinke langsam. Viele Keller stehen weiter unter Wasser."


def cleaned(text: str, hints: Hints | None = None):  # type: ignore[no-untyped-def]
    return clean(RawDocument("t.txt", text.encode(), text, "text/plain", hints or Hints()))


@pytest.mark.parametrize(
    ("text", "agencies", "dateline"),
    [
        (f"Talheim (dpa) - {BODY}", ["dpa"], "Talheim"),
        (f"Berlin/Kiew (dpa/AFP) – {BODY}", ["dpa", "AFP"], "Berlin/Kiew"),
        (f"SEOUL, April 28 (Reuters) - {BODY}", ["Reuters"], "Seoul"),
        (f"{BODY} (sda/afp)", ["SDA", "AFP"], None),
        (f"{BODY} (afp/red)", ["AFP"], None),
        (f"{BODY}\n\nQuelle: ntv.de, ino/AFP/dpa", ["AFP", "dpa"], None),
        (f"{BODY}\n\nMit Material von dpa und epd", ["dpa", "epd"], None),
        (
            f"Quelle: (c) Copyright Thomson Reuters 2025. Click For Restrictions - https://x.y/c\n\n{BODY}",
            ["Reuters"],
            None,
        ),
        (f"Helfer am Ufer der Salm.\n(Foto: dpa)\n\n{BODY}", [], None),  # a photo credit is no agency credit
        (f"{BODY} Das meldete die Nachrichtenagentur AFP.", [], None),  # cited, not credited
        (f"{BODY} (Kiew)", [], None),  # a parenthesis that is no credit stays
    ],
)
def test_credits_and_datelines(text: str, agencies: list[str], dateline: str | None) -> None:
    article = cleaned(text)
    assert article.agencies == agencies
    assert article.dateline == dateline
    assert "Feuerwehr meldete" in article.text


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        (f"{BODY}\n\nQuelle: ntv.de, ino/AFP/dpa", "ntv.de"),
        (f"{BODY}\n\n© Abendpost 2026", "Abendpost"),
        (f"{BODY}\n\n(c) Copyright Thomson Reuters 2025", None),
    ],
)
def test_outlet(text: str, outlet: str | None) -> None:
    assert cleaned(text).outlet == outlet


def test_outlet_from_url_domain() -> None:
    assert cleaned(BODY, Hints(url="https://www.talpost.de/a/1")).outlet == "talpost.de"


@pytest.mark.parametrize(
    "furniture",
    [
        "00:00",
        "Diese Audioversion wurde künstlich generiert. Mehr Infos",
        "Newsletter",
        "Ich möchte gerne Nachrichten und redaktionelle Artikel von der Abendpost GmbH per E-Mail erhalten.",
        "Nicht mehr anzeigen",
        "Lesen Sie auch: Weiterer Regen erwartet",
        "Mehr zum Thema",
        "(Foto: picture alliance / dpa)",
        "Alle Rechte vorbehalten.",
        "Anzeige",
        "dpa-infocom, dpa:260114-930-204517/3",  # dpa's document id line
        "(Schluss) jw/mk",  # APA's end mark with the editors' initials
        "APA0247 2026-01-16/12:31",  # and its item number and time stamp
    ],
)
def test_furniture_is_cut_and_kept_for_audit(furniture: str) -> None:
    article = cleaned(f"{BODY}\n\n{furniture}\n\nZweiter Absatz mit weiteren Einzelheiten zum Hochwasser.")
    assert furniture not in article.text
    assert any(article.source[r.start : r.end] == furniture for r in article.removed)
    assert "Zweiter Absatz" in article.text


def test_section_label_title_and_duplicated_caption() -> None:
    text = (
        "Panorama\n\nPegel in Talheim sinkt langsam\n\n00:00\n"
        "Helfer füllen Sandsäcke am Ufer der Salm.\n\nHelfer füllen Sandsäcke am Ufer der Salm.\n\n"
        f"(Foto: dpa)\n\n{BODY}\n\nPanorama\n\nDer Bürgermeister dankte den Helfern."
    )
    article = cleaned(text)
    assert article.title == "Pegel in Talheim sinkt langsam"
    assert "Sandsäcke" not in article.text
    assert [r.reason for r in article.removed][:3] == ["section", "title", "audio"]
    assert "Panorama" in article.text  # a section word inside the body is not a label
    assert article.text.startswith("Die Feuerwehr")


def test_subheading_stays_and_no_title_for_a_paragraph() -> None:
    article = cleaned(f"{BODY}\n\nPegel sinkt langsam\n\nDer Bürgermeister dankte den Helfern.")
    assert article.title is None
    assert "Pegel sinkt langsam" in article.text


def test_header_date_with_precision() -> None:
    article = cleaned(f" date 2025-07 {BODY}")
    assert article.published == PartialDate("2025-07", "month")
    assert article.text.startswith("Die Feuerwehr")


def test_furniture_only_is_an_error() -> None:
    with pytest.raises(ValueError, match="furniture only"):
        cleaned("Newsletter\n\nNicht mehr anzeigen")


def test_same_text_same_id() -> None:
    assert article_id("Ein  Text\nmit Umbruch") == article_id("Ein Text mit Umbruch")
    assert cleaned(BODY).id == cleaned(f"\n{BODY}  \n").id


def test_language_is_detected() -> None:
    assert cleaned(BODY).language == "de"
    assert cleaned("The fire brigade said the river level was slowly falling on Saturday.").language == "en"


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("afp", "AFP"), ("Thomson Reuters", "Reuters"), ("Keystone-SDA", "SDA"), ("red", None), ("ino", None)],
)
def test_agency_names(name: str, canonical: str | None) -> None:
    assert agency(name) == canonical


dates = st.dates(
    min_value=__import__("datetime").date(1900, 1, 1), max_value=__import__("datetime").date(2100, 12, 31)
)


@given(
    dates, st.sampled_from(["year", "month", "day"]), st.text(min_size=1).filter(lambda s: not s[0].isspace())
)
def test_header_roundtrip(day, precision, rest) -> None:  # type: ignore[no-untyped-def]
    published = PartialDate.of(day, precision)
    found, end = split_header(f" date {published.value} {rest}")
    assert found == published
    assert end == len(f" date {published.value} ")


@given(st.text())
def test_header_never_fails(text: str) -> None:
    found, end = split_header(text)
    assert (found is None) == (end == 0)
    assert 0 <= end <= len(text)


places = st.from_regex(r"[A-ZÄÖÜ][a-zäöüß]{2,12}(/[A-Z][a-z]{3,8})?", fullmatch=True)
credits = st.lists(
    st.sampled_from(["dpa", "AFP", "afp", "Reuters", "sda", "epd", "red", "ino"]), min_size=1, max_size=3
)


@given(places, credits, st.sampled_from(["-", "–", "—"]))
def test_dateline_property(place: str, credit: list[str], dash: str) -> None:
    article = cleaned(f"{place} ({'/'.join(credit)}) {dash} {BODY}")
    expected = list(dict.fromkeys(a for a in map(agency, credit) if a))
    if expected:
        assert article.dateline == place
        assert article.agencies == expected
        assert article.text == BODY
    else:
        assert article.dateline is None


@given(credits)
def test_trailing_credit_property(credit: list[str]) -> None:
    article = cleaned(f"{BODY} ({'/'.join(credit)})")
    assert article.agencies == list(dict.fromkeys(a for a in map(agency, credit) if a))
    assert article.text == BODY
    assert all(0 <= r.start < r.end <= len(article.source) for r in article.removed)
