"""Quotes: direct and reported speech with speakers; scare quotes and names are not quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from quellenlage.extract.quotes import find_quote_matches, find_quotes, quoted_spans
from quellenlage.language import get_nlp, ner_model_available
from quellenlage.model import Quote

NLP = spacy.blank("de")
NLP.add_pipe("sentencizer")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "german-news-quotation-attribution"


def quotes(text: str) -> list[Quote]:
    return find_quotes("a", text, NLP(text))


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        (
            "«Wir bleiben standhaft und helfen weiter», sagte Lawrow nach dem Treffen.",
            "Wir bleiben standhaft",
            "Lawrow",
        ),
        ("„Das ist ein großer Erfolg für uns“, erklärte die Ministerin.", "Das ist ein großer", "Ministerin"),
        ('Der Minister sagte: "Wir werden das Abkommen sofort umsetzen."', "Wir werden das", "Minister"),
        ("»Wir werden das nicht hinnehmen«, so der Sprecher.", "Wir werden das", "Sprecher"),
        (
            "Es sei «heroisch» gewesen, hieß es in einer Erklärung des russischen Außenministeriums.",
            "heroisch",
            "russisches Außenministerium",
        ),
        (  # a short quote as the object of a naming verb is the speaker's words, not a scare quote
            "Ihr Sprecher Klaus Brandner nannte die Talsperre damals eine „tickende Zeitbombe“.",
            "tickende Zeitbombe",
            "Klaus Brandner",
        ),
        ("Der Minister sprach von einem „großen Erfolg“.", "großen Erfolg", "Minister"),
    ],
)
def test_direct_quotes(text: str, quote: str, speaker: str) -> None:
    (q,) = quotes(text)
    assert q.kind == "direct"
    assert q.text.startswith(quote)
    assert q.speaker == speaker
    assert text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("„Die Lage bleibt angespannt“, hieß es am Abend aus dem Krisenstab.", "Krisenstab"),
        ("„Wir prüfen das“, hieß es gestern aus dem Ministerium.", "Ministerium"),
        ("„Es gibt keine Gefahr“, hieß es am Montag zudem in einer Mitteilung der Stadt.", "Stadt"),
    ],
)
def test_source_after_heisst_es_and_a_time(text: str, speaker: str) -> None:
    """The rules read the source after ``hieß es`` past a time (``am Abend``, ``gestern``), and the product
    keeps the speaker its rules read from a cue (the speaker model only fills the ones they leave open)."""
    (m,) = find_quote_matches("a", text, NLP(text), learned=False)
    assert m.quote.speaker == speaker
    (q,) = quotes(text)
    assert q.speaker == speaker


def test_surname_and_pronoun_resolve_to_full_name() -> None:
    text = (
        "Außenminister Sergej Lawrow reiste nach Wonsan. "
        "«Wir danken unseren Freunden sehr herzlich», sagte Lawrow. "
        "«Das Denkmal wird bald gebaut werden», sagte er."
    )
    assert [q.speaker for q in quotes(text)] == ["Sergej Lawrow", "Sergej Lawrow"]


@pytest.mark.parametrize(
    ("text", "clause", "speaker"),
    [
        (
            "Lawrow sei von Kim empfangen worden, teilte das russische Außenministerium mit.",
            "Lawrow sei von Kim empfangen worden",
            "russisches Außenministerium",
        ),
        (
            "Lawrow erklärte, für die gefallenen Soldaten werde ein Denkmal errichtet.",
            "für die gefallenen Soldaten werde ein Denkmal errichtet",
            "Lawrow",
        ),
    ],
)
def test_reported_speech(text: str, clause: str, speaker: str) -> None:
    (q,) = quotes(text)
    assert (q.kind, q.text, q.speaker) == ("reported", clause, speaker)


@pytest.mark.parametrize(
    "text",
    [
        "Beide Länder schlossen ein Abkommen über eine «umfassende strategische Partnerschaft».",
        "Mit «militärischer Spezialoperation» bezeichnet Moskau den Krieg.",
        'Nordkoreas Kim sagt Moskau "bedingungslose" Unterstützung zu.',
        "Das erklärte er, bevor er abreiste.",  # an indicative clause after the cue is no reported speech
    ],
)
def test_not_quotes(text: str) -> None:
    assert quotes(text) == []


def test_quote_marks_pairing() -> None:
    text = "Er sagte „erstens“ und «zweitens», dann ‚drittens‘."
    assert [text[s:e] for s, e in quoted_spans(text)] == ["erstens", "zweitens", "drittens"]


def test_corpus_evaluation_runs_on_train_sample(tmp_path: Path) -> None:
    if not CORPUS.exists():
        pytest.skip("shared/data is missing")
    import gzip

    from quellenlage.eval.quotes import evaluate_quotes

    sample = tmp_path / "sample.jsonl"
    with gzip.open(CORPUS / "train.jsonl.gz", "rt", encoding="utf-8") as f:
        sample.write_text("".join(next(f) for _ in range(40)), encoding="utf-8")
    result = evaluate_quotes(sample)
    assert result["detect"]["gold"] > 0
    assert 0.0 < result["quotes"]["p"] <= 1.0
    assert 0.0 < result["speakers"]["f1"] <= 1.0
    # the gold speaker on every paired quote: precision 1, only the quotes never found cost recall
    assert result["speaker_ceiling"]["p"] == 1.0
    assert result["speakers"]["r"] <= result["speaker_ceiling"]["r"] < 1.0


def sourced(text: str) -> list[tuple[str, str | None, str]]:
    return [(m.quote.text, m.quote.speaker, m.form) for m in find_quote_matches("a", text, NLP(text), True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a source cue makes the rest of the sentence a statement of that source
            "Laut Polizei wurden zwölf Menschen verletzt.",
            [("wurden zwölf Menschen verletzt", "Polizei", "Indirect")],
        ),
        (  # compound carrier nouns after "nach"
            "Nach Polizeiangaben brannte das Haus völlig aus.",
            [("brannte das Haus völlig aus", "Polizeiangaben", "Indirect")],
        ),
        (  # indicative clause closed by "so X"
            "Die Kosten liegen bei zwei Millionen Euro, so die FIFA.",
            [("Die Kosten liegen bei zwei Millionen Euro", "FIFA", "Indirect")],
        ),
        (  # a dass-clause after a verb of saying
            "Ein Sprecher sagte, dass mehrere Verletzte in Krankenhäuser gebracht wurden.",
            [("dass mehrere Verletzte in Krankenhäuser gebracht wurden", "Sprecher", "Indirect")],
        ),
        (  # Konjunktiv in the next sentences continues the account (free indirect speech)
            "Die Ministerin erklärte, das Gesetz komme. Es gelte ab Mai. Die Opposition lehnt es ab.",
            [
                ("das Gesetz komme", "Ministerin", "Indirect"),
                ("Es gelte ab Mai.", "Ministerin", "FreeIndirect"),
            ],
        ),
        (  # "Demnach" carries the source over
            "Die Polizei veröffentlichte einen Bericht. Laut dem Bericht starben drei Menschen. "
            "Demnach war der Fahrer betrunken.",
            [
                ("starben drei Menschen", "dem Bericht", "Indirect"),
                ("Demnach war der Fahrer betrunken.", "dem Bericht", "Indirect"),
            ],
        ),
        (  # a speech act without a clause is reported speech and opens an account Konjunktiv continues
            "Die Polizei berichtete von einem Unfall. Der Fahrer sei zu schnell gewesen.",
            [
                ("Die Polizei berichtete von einem Unfall.", "Polizei", "Reported"),
                ("Der Fahrer sei zu schnell gewesen.", "Polizei", "FreeIndirect"),
            ],
        ),
        (  # an infinitive clause after a cue verb
            "Zudem kündigte der Präsident an, gegen den Schmuggel zu kämpfen.",
            [("gegen den Schmuggel zu kämpfen", "Präsident", "Indirect")],
        ),
        (  # separable verb whose forms begin with "ge" (gehen ... aus)
            "Die Hilfsorganisation geht davon aus, dass die Zahl steigt.",
            [("dass die Zahl steigt", "Hilfsorganisation", "Indirect")],
        ),
        (  # "Das erklärte X": the sentence before is X's statement
            "Die Enten waren mit H5N1 infiziert. Das erklärte ein Sprecher des Ministeriums.",
            [("Die Enten waren mit H5N1 infiziert", "Sprecher des Ministeriums", "Indirect")],
        ),
    ],
)
def test_sourced_statements(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert sourced(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Laut Polizei wurden zwölf Menschen verletzt.",  # a claim's source, not a quote
        "Ein Sprecher sagte, dass die Lage ruhig ist.",  # indicative dass-clause: only in the corpus scope
        "Lee sagte, nach Einschätzung des Geheimdienstes habe Nordkorea Raketen geliefert.",  # nested source
        "Lee sagte, es seien 11.000 Mann entsandt worden.",  # the figure makes it a claim
        "Er las die „New York Times“ und sagte nichts.",  # a name in quotation marks
        # "Herausforderung" ends like "Forderung" but is no speech act
        "Der Klimawandel bleibe eine Herausforderung, doch zeige das Abkommen, dass alle arbeiteten.",
    ],
)
def test_not_quotes_in_product_scope(text: str) -> None:
    assert quotes(text) == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Weiter sagte Müller, das Werk werde geschlossen.", "Müller"),  # sentence adverb is no subject
        ("Heute erklärte die Ministerin, sie sei zurückgetreten.", "Ministerin"),
        (  # an apposition between subject and verb: the subject opens the sentence
            "Sergei Voznyak, Sprecher des Wahlkampfteams, sagte, er sei in Sicherheit.",
            "Sergei Voznyak",
        ),
    ],
)
def test_adverbs_are_not_speakers(text: str, speaker: str) -> None:
    (q,) = quotes(text)
    assert q.speaker == speaker


def speaker_mentions(text: str) -> list[tuple[str, str | None, str | None]]:
    """(form, speaker name, speaker mention as written) in the corpus scope."""
    return [
        (m.form, m.quote.speaker, text[m.speaker_span[0] : m.speaker_span[1]] if m.speaker_span else None)
        for m in find_quote_matches("a", text, NLP(text), True)
    ]


@pytest.mark.parametrize(
    ("text", "speaker", "mention"),
    [
        (
            "Der 85-jährige Joseph Ratzinger sagte, er sei müde.",
            "Joseph Ratzinger",
            "Der 85-jährige Joseph Ratzinger",
        ),
        (  # an apposition after the verb closes the sentence
            "Die Lage sei schlimm, so Matthias Freude, Präsident des Landesumweltamtes.",
            "Matthias Freude",
            "Matthias Freude, Präsident des Landesumweltamtes",
        ),
        (
            "Nach Angaben des Polizeichefs von Kandahar wurden 14 Häftlinge gefangen.",
            "Polizeichef",
            "Angaben des Polizeichefs von Kandahar",
        ),
        (  # a party in brackets does not end the clause
            "Bundesaußenminister Guido Westerwelle (FDP) erklärte, es sei gut.",
            "Guido Westerwelle",
            "Bundesaußenminister Guido Westerwelle (FDP)",
        ),
        ("Das sei gut, erklärte der BDI-Präsident Jürgen R. Thumann.", "Jürgen R. Thumann", None),
        (  # the subject after the finite auxiliary, an apposition between it and the participle
            "Erst vor zwei Tagen hatte der Investor, Larry A. Silverstein, zugesagt, die Steuer zu senken.",
            "Investor",
            "der Investor, Larry A. Silverstein",
        ),
        (  # a relative pronoun is the mention, its antecedent the source
            "Der Vorschlag kam von Ägypten, das vorschlug, eine neue Zone einzurichten.",
            "Ägypten",
            "das",
        ),
        (  # the cited person speaks, not the newspaper that cites
            "Volker Ratzmann wird von der „Netzeitung“ mit den Worten zitiert: „Das ist falsch.“",
            "Volker Ratzmann",
            "Volker Ratzmann",
        ),
        ("Sarkozy bestritt das, indem er sagte, es sei falsch.", None, "er"),  # subject after the conjunction
        (  # "der" before an adjective in -en opens no nominative: the subject follows the verb
            "Der englischsprachigen Zeitung sagte Filep Karma: „Ich werde weiter kämpfen.“",
            None,
            "Filep Karma",
        ),
        ("Der 58-Jährige sagte, er sei müde.", "58-Jährige", "Der 58-Jährige"),  # an age as the noun
    ],
)
def test_speaker_mention_is_the_whole_phrase(text: str, speaker: str | None, mention: str | None) -> None:
    found = speaker_mentions(text)
    assert found, text
    _, name, written = found[-1]
    assert speaker is None or name == speaker
    assert mention is None or written == mention


def test_object_of_sprechen_von_is_no_attribute_of_the_speaker() -> None:
    text = "Insgesamt spricht die Polizei von weniger Auseinandersetzungen der beiden Lager."
    (m,) = find_quote_matches("a", text, NLP(text), True, learned=False)
    assert m.speaker_span is not None
    assert (m.quote.speaker, text[m.speaker_span[0] : m.speaker_span[1]]) == ("Polizei", "die Polizei")


def test_corpus_scope_nests_partial_quotes_and_reads_frames() -> None:
    text = "Sie sei „vollkommen geschockt“ über das Geschehen, sagte die Königin."
    assert [(form, mention) for form, _, mention in speaker_mentions(text)] == [
        ("Indirect", "die Königin"),  # the reported clause ...
        ("Direct", "die Königin"),  # ... and the partial quote nested in it
    ]
    assert [q.kind for q in quotes(text)] == ["direct"]  # the product keeps the quote alone
    framed = "Tatsächlich, so betont die Polizei, ist dies keine zutreffende Darstellung."
    assert speaker_mentions(framed) == [("Indirect", "Polizei", "die Polizei")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Meteorologen sagten für Montag weitere Regenfälle voraus.", [("Reported", "Meteorologen")]),
        ("Die Polizei zeigte sich zufrieden.", []),  # "zeigen" is no account of speech (not_accounts)
        ("Für das kommende Jahr wird eine höhere Dividende erwartet.", []),  # passive: no speaker, no account
    ],
)
def test_speech_acts_without_clause(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(form, name) for form, name, _ in speaker_mentions(text)] == expected


def rules_only(text: str, scope: bool = True) -> list[tuple[str, str | None, str]]:
    """The rules' quotes (no learned speaker model), in the corpus scope or the product's."""
    matches = find_quote_matches("a", text, NLP(text), scope, learned=False)
    return [(m.quote.text, m.quote.speaker, m.form) for m in matches]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a zu-infinitive after a speech-act noun; the holder is the noun's genitive
            "Die CSU reagierte auf die Forderung des Vorsitzenden Edmund Stoiber, auf die SPD zuzugehen.",
            [("auf die SPD zuzugehen", "Edmund Stoiber", "Indirect")],
        ),
        (  # the infinitive clause ends before the main clause resumes; the genitive has an apposition
            "Trotz der Ankündigung ihres Trainers, Greg Poss, den Verein zu verlassen, siegte das Team.",
            [("den Verein zu verlassen", "Trainers", "Indirect")],
        ),
        (  # without a genitive the subject holds the position
            "Die Grünen fassten am Donnerstag den Beschluss, Gespräche mit der CDU zu führen.",
            [("Gespräche mit der CDU zu führen", "Grünen", "Indirect")],
        ),
        (  # a Konjunktiv clause after a noun of opinion
            "Einige vertreten die Auffassung, die Welt befinde sich in der Endzeit.",
            [("die Welt befinde sich in der Endzeit", "Einige", "Indirect")],
        ),
        (  # a dass-clause after a compound of a speech-act noun
            "Die Opposition erneuerte am Montag ihre Rücktrittsforderung, dass der Minister gehen müsse.",
            [("dass der Minister gehen müsse", "Opposition", "Indirect")],
        ),
        ("Der Plan, der seit Jahren besteht, wurde verworfen.", []),  # a relative clause is no speech
    ],
)
def test_speech_noun_clauses(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert rules_only(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the product takes a noun's clause only in Konjunktiv
            "Er wandte sich gegen die Behauptung, die Kartoffel werde nicht in die Nahrung gelangen.",
            [("die Kartoffel werde nicht in die Nahrung gelangen", "Er", "Indirect")],
        ),
        ("Die Grünen fassten den Beschluss, Gespräche mit der CDU zu führen.", []),
    ],
)
def test_speech_noun_clauses_in_product_scope(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert rules_only(text, scope=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a separable verb's particle written before it: verb-final ("bekannt gab")
            "Wie die Polizei bekannt gab, werde es mehr Kontrollen geben.",
            [("werde es mehr Kontrollen geben", "Polizei", "Indirect")],
        ),
        (  # ... and before an infinitive ("bekannt geben")
            "Der Minister will morgen bekannt geben, dass das Verfahren ausgesetzt werde.",
            [("dass das Verfahren ausgesetzt werde", "Minister", "Indirect")],
        ),
        (  # joined participle of a separable verb
            "Amnesty International hat darauf hingewiesen, dass die Strafe unnötig sei.",
            [("dass die Strafe unnötig sei", "Amnesty International", "Indirect")],
        ),
        (
            "Ein Augenzeuge erzählte der Agentur, Anhänger hätten Unterstützer angegriffen.",
            [("Anhänger hätten Unterstützer angegriffen", "Augenzeuge", "Indirect")],
        ),
        (  # a Konjunktiv I form the mood table does not list, found by its infinitive
            "Der Sprecher sagte, die Delegation befinde sich auf dem Rückweg.",
            [("die Delegation befinde sich auf dem Rückweg", "Sprecher", "Indirect")],
        ),
        (
            "Der Sprecher sagte, die Regierung handle im Interesse aller.",
            [("die Regierung handle im Interesse aller", "Sprecher", "Indirect")],
        ),
        ("Der Sprecher sagte, die große Halle ist voll.", []),  # indicative: the product leaves it
        ("Der Sprecher sagte, die Lage verschärfte sich.", []),  # "-te" is past tense, not mood
    ],
)
def test_reported_cues_in_product_scope(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert rules_only(text, scope=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a "so X weiter" frame inside the sentence: the sentence around it is the statement
            "Sein Rivale, so Obama weiter, werde massiv Spenden erhalten.",
            [("Sein Rivale, so Obama weiter, werde massiv Spenden erhalten", "Obama", "Indirect")],
        ),
        (  # the source's prepositional phrase still closes the clause
            "Ägypten müsse die Grenze öffnen, so Hisbollah-Chef Hassan Nasrallah im Fernsehen.",
            [("Ägypten müsse die Grenze öffnen", "Hassan Nasrallah", "Indirect")],
        ),
        (  # documents after "nach" are sources ("dokument" also as the end of a compound)
            "Nach einem EU-Dokument leben viele Roma in Armut.",
            [("leben viele Roma in Armut", "EU-Dokument", "Indirect")],
        ),
        ("Nach dem Spiel gingen alle nach Hause.", []),
        (  # "hervorgehen" names its source in a prepositional phrase, after the verb ...
            "Die Rakete explodierte. Dies geht aus einer Meldung der Agentur hervor.",
            [("Die Rakete explodierte", "Meldung der Agentur", "Indirect")],
        ),
        (  # ... or before it
            "Wie aus einer Mitteilung der Polizei hervorgeht, wurden fünf Menschen verletzt.",
            [("wurden fünf Menschen verletzt", "Polizei", "Indirect")],
        ),
        ("Aus der Partei ging die Bewegung hervor.", []),  # no document: no source
    ],
)
def test_frames_and_documents_in_corpus_scope(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert rules_only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Er verwies auf „tagesschau.de“, sagte der Sprecher.",
        "Das Ministerium verwies auf die Website „www.bund.de“.",
    ],
)
def test_web_addresses_are_names_not_quotes(text: str) -> None:
    """Under a cue the corpus scope takes short quotes, but a web address in quotation marks is a name."""
    assert all(form != "Direct" for _, _, form in rules_only(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a speech act around a partial quote is a quote of its own, the partial quote nested in it
            "Sarkozy bezeichnete die Worte als „inakzeptabel“.",
            [
                ("Sarkozy bezeichnete die Worte als „inakzeptabel“.", "Sarkozy", "Reported"),
                ("inakzeptabel", "Sarkozy", "Direct"),
            ],
        ),
        (
            "Das Fernsehen berichtete von „schweren Verlusten“ bei der Eroberung der Stadt.",
            [
                (
                    "Das Fernsehen berichtete von „schweren Verlusten“ bei der Eroberung der Stadt.",
                    "Fernsehen",
                    "Reported",
                ),
                ("schweren Verlusten", "Fernsehen", "Direct"),
            ],
        ),
        # a whole quote after a colon or before its cue is the speech itself, no act around it
        ("Merkel sagte: „Wir schaffen das.“", [("Wir schaffen das.", "Merkel", "Direct")]),
        (
            "„Es besteht Bedarf“, sagte Jelpke gegenüber Spiegel Online.",
            [("Es besteht Bedarf", "Jelpke", "Direct")],
        ),
        ("Der Zug kam mit „leichter Verspätung“ an.", []),  # no speech act: a scare quote
    ],
)
def test_speech_acts_around_partial_quotes(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert rules_only(text) == expected


@pytest.mark.skipif(not ner_model_available(), reason="needs the shipped NER model")
@pytest.mark.parametrize(
    ("language", "text", "speaker"),
    [
        # a role noun before a name gives the person, not the organisation whose role it is
        ("de", "„Wir geben niemanden auf“, sagte der Volkswagen Sprecher Jan Li.", "Jan Li"),
        ("de", "„Wir geben niemanden auf“, sagte der Siemens Präsident Jan Li.", "Jan Li"),
        ("de", "„Wir geben niemanden auf“, sagte Bundesinnenministerin Nancy Faeser.", "Nancy Faeser"),
        (
            "en",
            "Civil Protection chief Fabrizio Cerulli told reporters that the search would go on.",
            "Fabrizio Cerulli",
        ),
        ("en", "“We will not give up,” Civil Protection chief Fabrizio Cerulli said.", "Fabrizio Cerulli"),
        ("en", "“We will not give up,” said Civil Protection chief Fabrizio Cerulli.", "Fabrizio Cerulli"),
        ("en", "Mayor Anna Rossi said the school would stay closed.", "Anna Rossi"),
        # no role noun before the name: the organisation speaks
        ("en", "“We will not give up,” the Civil Protection said.", "Civil Protection"),
    ],
)
def test_role_before_name(language: str, text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes("a", text, get_nlp(language)(text))] == [speaker]


@pytest.mark.skipif(not ner_model_available(), reason="needs the shipped NER model")
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # a definite role noun names the person the article introduced with that role
        (
            "de",
            "Bundesverkehrsminister Jochen Hartlieb rief zur Einigung auf. "
            "Eine Einschränkung des Streikrechts lehne er ab, betonte der Minister.",
            [("Eine Einschränkung des Streikrechts lehne er ab", "Jochen Hartlieb")],
        ),
        # "er" after a sentence that names a person without speech; a Konjunktiv sentence with a partial
        # quote and no cue goes on with that account
        (
            "de",
            "Die Polizei sprach von 1.200 Teilnehmern, teilte die Polizei mit. "
            "EZG-Chef Carsten Wöhrle gab sich kämpferisch. "
            "Solange kein Angebot vorliege, werde gestreikt, rief er den Demonstrierenden zu. "
            "Seine Gewerkschaft lasse sich „nicht mit Zeitungsmeldungen abspeisen“.",
            [
                ("Solange kein Angebot vorliege, werde gestreikt", "Carsten Wöhrle"),
                ("nicht mit Zeitungsmeldungen abspeisen", "Carsten Wöhrle"),
            ],
        ),
        # ... or a role with an article opening such a sentence (no predicate noun: "Präsident wurde X nie")
        (
            "de",
            "Ein Konzernsprecher wollte das nicht kommentieren. "
            "„Wir verhandeln nicht über die Presse“, sagte er.",
            [("Wir verhandeln nicht über die Presse", "Konzernsprecher")],
        ),
        # "hieß es weiter": the account before goes on (reported figures are claims, not quotes)
        (
            "de",
            "Pro Tag seien 40 Züge ausgefallen, teilte SBB-Sprecher Reto Imhof mit. "
            "Reisende ab Zürich müssten mit Umwegen rechnen, hiess es weiter.",
            [("Reisende ab Zürich müssten mit Umwegen rechnen", "Reto Imhof")],
        ),
        # an age for a noun is the person named before it
        (
            "de",
            "Angolas Präsident José Eduardo Dos Santos will gehen. "
            "„Ich gehe“, sagte der 73-Jährige am Freitag.",
            [("Ich gehe", "José Eduardo Dos Santos")],
        ),
        # a naming verb's quoted noun is a characterisation, not a title
        ("de", "Gewerkschaftschef Wöhrle nannte das eine „Mogelpackung“.", [("Mogelpackung", "Wöhrle")]),
        (
            "de",
            "Eine Reisende schilderte, sie sei seit sechs Uhr unterwegs.",
            [("sie sei seit sechs Uhr unterwegs", "Reisende")],
        ),
        # an English participle cue has the finite cue's subject
        (
            "en",
            '"We regret it," a Nationalbahn spokeswoman said, adding that the offer remained on the table.',
            [
                ("We regret it,", "Nationalbahn spokeswoman"),
                ("the offer remained on the table", "Nationalbahn spokeswoman"),
            ],
        ),
    ],
)
def test_speakers_carried_across_sentences(language: str, text: str, expected: list[tuple[str, str]]) -> None:
    found = find_quotes("a", text, get_nlp(language)(text))
    assert [(q.text, q.speaker) for q in found] == expected
