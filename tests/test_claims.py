"""Claims: what is counted, by whose account, and whether it is hedged (German examples)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from quellenlage.extract.claims import find_claims
from quellenlage.model import Claim

NLP = spacy.blank("de")
NLP.add_pipe("sentencizer")
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"


def claims(text: str) -> list[Claim]:
    return find_claims("a", text, NLP(text))


def test_heart_of_the_matter() -> None:
    text = (
        "Insgesamt haben nach Einschätzung des ukrainischen Geheimdienstes rund 14.000 Soldaten "
        "aus Nordkorea an diesem Frontabschnitt gekämpft."
    )
    (c,) = claims(text)
    assert (c.value, c.approx, c.hedged) == (14000, "rund", False)
    assert c.counts == "Soldaten aus Nordkorea gekämpft"
    assert c.counts_head == "Soldaten"
    assert c.attributed_to == ["ukrainischer Geheimdienst"]
    assert c.cue == "nach Einschätzung"
    assert text[c.start : c.end] == c.text


@pytest.mark.parametrize(
    ("text", "sources", "hedged"),
    [
        ("Laut Polizei wurden 12 Menschen verletzt.", ["Polizei"], False),
        ("Der Polizei zufolge wurden 12 Menschen verletzt.", ["Polizei"], False),
        ("Nach Angaben von Tass starben 12 Menschen.", ["Tass"], False),
        ("Nach ukrainischen Angaben starben 12 Menschen.", ["ukrainische Angaben"], False),
        (
            "Bei dem Angriff wurden 12 Menschen getötet, sagte ein Sprecher der Armee.",
            ["Sprecher der Armee"],
            False,
        ),
        ("Wie die Polizei mitteilte, wurden 12 Menschen verletzt.", ["Polizei"], False),
        ("Die Polizei meldete 12 Verletzte.", ["Polizei"], False),
        # "sich melden" is coming forward, not reporting: no one vouches for the figure
        ("Tausende Freiwillige meldeten sich, um beim Aufräumen zu helfen.", [], False),
        ("Bei der Feuerwehr haben sich 200 Helfer gemeldet.", [], False),
        ("Der Täter soll 12 Menschen verletzt haben.", [], True),
        ("Nach ersten Schätzungen starben 300 Menschen.", [], True),
        (
            "Nach Schätzungen des ukrainischen und auch des südkoreanischen Geheimdienstes "
            "waren 14.000 Soldaten beteiligt.",
            ["ukrainischer Geheimdienst", "südkoreanischer Geheimdienst"],
            False,
        ),
        (
            "Laut Medienberichten, die sich auf eine Einschätzung des ukrainischen Geheimdienstes "
            "berufen, könnte Nordkorea bis zu 30.000 weitere Soldaten entsenden.",
            ["Medienberichten", "ukrainischer Geheimdienst"],
            True,
        ),
    ],
)
def test_sources_and_hedges(text: str, sources: list[str], hedged: bool) -> None:
    (c,) = claims(text)
    assert (c.attributed_to, c.hedged) == (sources, hedged)


def test_elliptic_figure_borrows_noun_and_keeps_own_event() -> None:
    first, second = claims(
        "Bei den Gefechten wurden laut Lee etwa 600 Soldaten getötet und tausende weitere verletzt."
    )
    assert first.counts == "Soldaten getötet"
    assert second.counts == "weitere Soldaten verletzt"
    assert second.vague and second.approx == "tausende"
    assert first.attributed_to == second.attributed_to == ["Lee"]


def test_surname_resolves_to_full_name_and_konjunktiv_carries_source() -> None:
    text = (
        "Der Abgeordnete Lee Seong Kweun sprach in Seoul. Lee sagte, es seien 11.000 Mann entsandt worden. "
        "Darunter seien 3000 Techniker. Bei einem Angriff starben 12 Menschen."
    )
    found = claims(text)
    assert [c.attributed_to for c in found] == [["Lee Seong Kweun"], ["Lee Seong Kweun"], []]


def test_years_and_durations_are_no_claims() -> None:
    assert claims("Seit drei Jahren, im Februar 2022, um 15:47 Uhr, am 5. August.") == []


def test_spec_claims_reach_the_bar() -> None:
    if not SPEC.exists():
        pytest.skip("shared/spec is missing")
    from quellenlage.eval.claims import evaluate_claims

    result = evaluate_claims(SPEC)
    assert result["detect"]["f1"] >= 0.9
    assert result["correct_given_detected"] >= 0.9
