"""Claims: what is counted, by whose account, and whether it is hedged (German examples)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from quellenlage.extract.claims import find_claims
from quellenlage.language import get_nlp, ner_model_available
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
        ("Nach einer ersten Bilanz der Feuerwehr wurden rund 250 Gebäude beschädigt.", ["Feuerwehr"], False),
        ("Der Täter soll 12 Menschen verletzt haben.", [], True),
        ("Gestern meldete man 12 Verletzte.", [], False),  # an impersonal subject vouches for nothing
        ("Der Nationalrat beschloss im letzten Jahr 123 Gesetze.", [], False),  # a decision, not a report
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


NLP_EN = spacy.blank("en")
NLP_EN.add_pipe("sentencizer")


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        # English common nouns are lower-case: "police" is a source as "Polizei" is
        ("At least 12 people were killed on Saturday, according to police.", ["police"]),
        ("According to the district office, about 2,500 residents were evacuated.", ["district office"]),
        ("Some local media have reported up to 20 deaths.", ["local media"]),
        ("Rescue services said 11 injured people were being treated.", ["Rescue services"]),
        ("The district office put the damage at around 250 million euros.", ["district office"]),
        ("The regional government has pledged 2.5 million euros in aid.", ["regional government"]),
        (
            "About 11,000 troops were sent, according to South Korean intelligence officials in Seoul.",
            ["South Korean intelligence officials"],
        ),
        ("The dam was built for 40 million euros in 1968.", []),
        # English word order: the subject before the verb, after it only in a clause-final inversion
        ("The authority, which runs the dam, said 12 homes were damaged.", ["authority"]),
        ("Residents say they counted 12 damaged homes.", ["Residents"]),
        ("Twelve homes were damaged, said the mayor.", ["mayor"]),
    ],
)
def test_english_sources(text: str, sources: list[str]) -> None:
    (c,) = find_claims("a", text, NLP_EN(text))
    assert c.attributed_to == sources


@pytest.mark.skipif(not ner_model_available(), reason="needs the shipped NER model")
@pytest.mark.parametrize(
    ("language", "text", "source"),
    [
        # English puts the comma inside the quote: the subject stands before the verb, not its object after
        ("en", "“We counted 12 dead,” Oberle told Reuters.", "Oberle"),
        # a role noun with the name in apposition: the name speaks
        ("en", "“We counted 12 dead,” said its director, Peter Lammers.", "Peter Lammers"),
        ("de", "„Wir zählten 12 Tote“, sagte ihr Sprecher, Jan Beck.", "Jan Beck"),
    ],
)
def test_speaker_of_a_quote_with_a_figure(language: str, text: str, source: str) -> None:
    (c,) = find_claims("a", text, get_nlp(language)(text))
    assert c.attributed_to == [source]


@pytest.mark.parametrize(
    ("language", "text", "sources"),
    [
        # each part of a contrast has its own speaker; a figure in a part without one takes the sentence's
        (
            "en",
            "The office put the damage at 250 million euros, while the state has pledged 2.5 million euros.",
            [["office"], ["state"]],
        ),
        (
            "de",
            "Die Polizei meldete fünf Tote, während die Feuerwehr von sieben Toten sprach.",
            [["Polizei"], ["Feuerwehr"]],
        ),
        (
            "de",
            "Die Polizei sagte, fünf Menschen seien gestorben, 20 würden vermisst.",
            [["Polizei"], ["Polizei"]],
        ),
        # a pledge inside what a speaker reports is part of the report
        ("de", "Lee führte aus, Pjöngjang habe 4000 Soldaten zugesagt.", [["Lee"]]),
        ("de", "Die Regierung sagte 400 Millionen Euro zu.", [["Regierung"]]),
    ],
)
def test_each_part_of_a_contrast_has_its_own_source(
    language: str, text: str, sources: list[list[str]]
) -> None:
    nlp = NLP_EN if language == "en" else NLP
    assert [c.attributed_to for c in find_claims("a", text, nlp(text))] == sources


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Die Zahl der Toten stieg nach Angaben der Polizei auf 15.", "Toten"),
        ("Die Zahl der Todesopfer stieg auf mindestens zwölf.", "Todesopfer"),
        ("Die Gesamtzahl der Verletzten liegt bei 90.", "Verletzten"),
        ("Die Polizei zählte bislang 15.", None),
    ],
)
def test_a_figure_counts_the_noun_after_zahl(text: str, counts: str | None) -> None:
    (c,) = claims(text)
    assert c.counts == counts


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # an English counted phrase ends at its plural head or at a function word
        ("The navy captured 23 pirates who threatened a vessel.", "pirates"),
        ("It escorted five merchant vessels through the corridor.", "merchant vessels"),
        ("Two speedboats suspected of piracy approached.", "speedboats"),
        ("They had 26 crewmen aboard.", "crewmen"),
        ("At least 12 people were killed.", "people killed"),
        ("Another 40 others were injured.", "others injured"),
        # money counts its currency, not the verb after it
        ("Trade worth nearly $100 billion passes the strait.", "Dollar"),
    ],
)
def test_english_counted_phrase(text: str, counts: str) -> None:
    (c,) = find_claims("a", text, NLP_EN(text))
    assert c.counts == counts


@pytest.mark.parametrize(
    ("text", "language", "counts", "head"),
    [
        # a share counts what it is a share of; a German head noun ends at its first space (heads are
        # lemmas with the language stage, surface forms in a blank pipeline)
        (
            "Nach Angaben der Bahn fallen rund 80 Prozent der Fernzüge aus.",
            "de",
            "Prozent der Fernzüge",
            "Fernzüge",
        ),
        (
            "Damit fiel rund 70 Prozent des Fernverkehrs aus.",
            "de",
            "Prozent des Fernverkehrs",
            "Fernverkehrs",
        ),
        ("In zehn Prozent der Blutproben Antikörper.", "de", "Prozent der Blutproben", "Blutproben"),
        # an age as the noun of the whole ("der 58-Jährigen") spans three tokens
        ("Etwa 40 Prozent der 58-Jährigen arbeiten.", "de", "Prozent der 58-Jährigen", "Jährigen"),
        (
            "About 70 percent of long-distance trains were canceled.",
            "en",
            "percent of long-distance trains",
            "trains",
        ),
        ("Die Bahn bietet 4,8 Prozent.", "de", "Prozent", "Prozent"),
    ],
)
def test_a_share_counts_its_whole(text: str, language: str, counts: str, head: str) -> None:
    (c,) = find_claims("a", text, (NLP_EN if language == "en" else NLP)(text))
    assert (c.counts, c.counts_head) == (counts, head)


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


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        # "Das teilte X mit": a figureless sentence that points back names the previous sentence's source
        (
            "Die Zahl der Toten ist auf 38 gestiegen. Das teilte der Zivilschutz am Montag mit.",
            [["Zivilschutz"]],
        ),
        ("Es gab 12 Tote. Dies berichtete der Sender Skai.", [["Skai"]]),
        # a sentence with a source of its own keeps it; one with other words first does not point back
        ("Laut Polizei gab es 12 Tote. Das sagte auch die Feuerwehr.", [["Polizei"]]),
        ("Es gab 12 Tote. Die Feuerwehr sagte, man suche weiter.", [[]]),
    ],
)
def test_a_sentence_pointing_back_names_the_source(text: str, sources: list[list[str]]) -> None:
    assert [c.attributed_to for c in claims(text)] == sources


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # a bare definite noun stands for the last organisation whose name holds it
        (
            "Das Außenministerium in Wien meldete sich. "
            "Es zahle 1,2 Millionen Euro, teilte das Ministerium mit.",
            "Außenministerium",
        ),
        # "nach seinen Worten": the last person speaker
        (
            "Zivilschutzchef Fabrizio Cerulli sagte, die Lage sei ernst. "
            "Nach seinen Worten sind gut 400 Helfer im Einsatz.",
            "Fabrizio Cerulli",
        ),
    ],
)
@pytest.mark.skipif(not ner_model_available(), reason="needs the shipped NER model")
def test_a_source_refers_back(text: str, source: str) -> None:
    (c,) = find_claims("a", text, get_nlp("de")(text))
    assert c.attributed_to == [source]


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        # who measures or counts vouches for the figure, as who reports it; a passive names only its agent
        ("Das INGV registrierte um 3.17 Uhr ein Beben der Stärke 6,1.", [["INGV"]]),
        ("Die Polizei zählte am Abend rund 5000 Demonstranten.", [["Polizei"]]),
        ("Seit Sonntag wurden 200 Nachbeben registriert.", [[]]),
        ("Vom INGV wurden 200 Nachbeben registriert.", [["INGV"]]),
        ("Wir zählten 12 Tote.", [[]]),
        ("Somit wurden in dem Land, das ein Transitland ist, 144.100 Schutzsuchende gezählt.", [[]]),
        # gapping: a clause that repeats the cue's frame without its verb has its own source
        (
            "Die Polizei sprach von 5000 Teilnehmern, die Veranstalter von 20.000.",
            [["Polizei"], ["Veranstalter"]],
        ),
        ("Die Polizei meldete fünf Tote, der Großteil in Bayern.", [["Polizei"]]),
        ("Er plädierte dafür, Bargeldgeschäfte auf maximal 5.000 Euro zu begrenzen.", [["Er"]]),
        # a participle closing a clause after an inserted one belongs to the main clause's subject
        (
            "Die Regierung hat die Kosten, die der Sturm verursachte, auf 2 Milliarden Euro beziffert.",
            [["Regierung"]],
        ),
        (
            "Der Ölpreis ist gefallen, wo das Wirtschaftsministerium mit einem Defizit von drei Prozent "
            "rechnet.",
            [["Wirtschaftsministerium"]],
        ),
        # a chain after a postposition; a report's date is no source
        (
            "Medienberichten zufolge, die sich auf Behördenkreise berufen, sollen zwei Kinder unter den "
            "Toten sein.",
            [["Medienberichten", "Behördenkreise"]],
        ),
        ("Dem Bericht vom Donnerstag zufolge stieg die Zahl auf 173 Fälle.", [[]]),
        # "nach eigenen Angaben": the subject's own account, not when it qualifies a word
        ("Die EZG vertritt nach eigenen Angaben rund 38.000 Mitglieder.", [["EZG"]]),
        ("Dieser Tage zählt das Innenministerium nach eigenen Angaben 300 Anträge.", [["Innenministerium"]]),
        ("Die Firma investiert 58 Millionen Euro in den nach eigenen Angaben größten Windpark.", [[]]),
        # an offer is the figure of who makes it; a decision is not
        ("Die Bahn bot zuletzt 4,8 Prozent mehr Lohn an.", [["Bahn"]]),
        ("Der Nationalrat beschloss 123 Gesetze.", [[]]),
        # a main clause after a comma with its own cue and subject has its own source; reported speech not
        (
            "Die EZG sprach von 12.000 Streikenden, die Nationalbahn nannte 7.500.",
            [["EZG"], ["Nationalbahn"]],
        ),
        ("Wie PwC schrieb, wurde Korruption als Bedrohung genannt, die auf 56 Prozent zunahm.", [["PwC"]]),
        ("Lee führte aus, im Gegenzug habe Pjöngjang 4000 Soldaten zugesagt.", [["Lee"]]),
    ],
)
def test_measuring_gapping_and_chains(text: str, sources: list[list[str]]) -> None:
    assert [c.attributed_to for c in claims(text)] == sources


@pytest.mark.parametrize(
    ("language", "text", "sources"),
    [
        ("en", "The U.S. Geological Survey measured it at 6.3.", [["U. S. Geological Survey"]]),
        ("en", "The quake, measured at magnitude 6.1 by the INGV, hit at dawn.", [["INGV"]]),
        ("en", "More than 350 aftershocks had been recorded.", [[]]),
        ("en", "The damage was estimated by the IMF at 2 billion dollars.", [["IMF"]]),
        # "the agency" stands for the organisation named in this or the previous sentence
        (
            "en",
            "The toll rose to 47 dead, according to the Civil Protection Department. "
            "About 230 people were injured, the agency said.",
            [["Civil Protection Department"], ["Civil Protection Department"]],
        ),
        # a cue in a later contrasting clause does not source a figure before it
        (
            "en",
            "Hundreds of thousands of commuters took the car, while coach operators reported big sales.",
            [[]],
        ),
        # "the union is demanding": a progressive, no passive
        (
            "en",
            "The EZG union, which represents drivers, is demanding a raise of 555 euros.",
            [["EZG union"]],
        ),
        # "das Unternehmen": the last organisation named as a source, not a union or a news agency
        (
            "de",
            "Die Deutsche Nationalbahn teilte das am Montag mit. Auch die Eisenbahn- und "
            "Zugpersonalgewerkschaft (EZG) äußerte sich, wie AFP berichtete. "
            "Nach Angaben des Unternehmens fielen rund 80 Prozent der Fernzüge aus.",
            [["Deutsche Nationalbahn"]],
        ),
        (
            "de",
            "Die Deutsche Nationalbahn teilte das am Montag mit. Laut der Frankfurter Polizei kamen 3.000 "
            "Menschen. Knapp 75 Prozent der Fernzüge fielen aus, teilte das Unternehmen mit.",
            [["Frankfurter Polizei"], ["Deutsche Nationalbahn"]],
        ),
        # a name introduced with its acronym is shown as both, wherever either names the source
        (
            "de",
            "Das Institut der deutschen Wirtschaft (IW) beziffert den Schaden auf 100 Millionen Euro. "
            "Das IW zählte zudem 40 Ausfälle.",
            [["Institut der deutschen Wirtschaft (IW)"], ["Institut der deutschen Wirtschaft (IW)"]],
        ),
    ],
)
@pytest.mark.skipif(not ner_model_available(), reason="needs the shipped NER model")
def test_agents_generic_nouns_and_acronyms(language: str, text: str, sources: list[list[str]]) -> None:
    assert [c.attributed_to for c in find_claims("a", text, get_nlp(language)(text))] == sources
