"""The learned parts of quote attribution: candidate speaker mentions, their ranking, the sentence model."""

from __future__ import annotations

import spacy

from quellenlage.extract.attribution import Analysis, Attribution, analyse
from quellenlage.extract.quotes import (
    QuoteMatch,
    _learned_speakers,
    cue_attributions,
    find_quote_matches,
    sentence_match,
    speaker_contexts,
)
from quellenlage.extract.speakers import (
    MODEL_FILE,
    SENTENCE_MODEL_FILE,
    Context,
    LinearModel,
    candidates,
    char_span,
    features,
    load_model,
)

NLP = spacy.blank("de")
NLP.add_pipe("sentencizer")


def _contexts(
    text: str,
) -> tuple[Analysis, list[QuoteMatch], list[list[Attribution]], list[Context]]:
    doc = NLP(text)
    matches = find_quote_matches("a", text, doc, sourced=True, learned=False)
    an = analyse(text, doc)
    atts = cue_attributions(an)
    return an, matches, atts, speaker_contexts(an, matches, atts)


def test_candidates_are_the_mentions_around_the_quote() -> None:
    text = "Der Bürgermeister trat vor die Presse. „Wir bleiben hier“, sagte er am Montag in Talheim."
    an, matches, _, (ctx,) = _contexts(text)
    found = {text[s:e] for s, e in (char_span(an, c) for c in candidates(an, ctx))}
    assert {"Der Bürgermeister", "er", "Talheim"} <= found
    assert not any("Wir" in f or "hier" in f for f in found)  # nothing inside the quote
    assert matches[0].speaker_span is not None
    assert text[slice(*matches[0].speaker_span)] in found  # the rules' choice is always a candidate


def test_adverbs_pointing_to_a_source_are_candidates() -> None:
    """The corpus marks ``demnach`` as the speaker mention of the statement it carries on."""
    text = "Laut dem Bericht starben drei Menschen. Der Fahrer soll demnach betrunken gewesen sein."
    an, _, _, contexts = _contexts(text)
    found = {text[s:e] for s, e in (char_span(an, c) for c in candidates(an, contexts[-1]))}
    assert {"demnach", "dem Bericht"} <= found


def test_features_tell_the_inner_cue_from_the_outer() -> None:
    """``X sagte, ... „…“ ..., meldete Y``: one cue opens a clause before the quote, another closes it."""
    text = "Der Minister sagte, man hoffe auf „baldige Gespräche“ mit Kiew, meldete die Agentur."
    an, matches, _, contexts = _contexts(text)
    (ctx,) = [c for m, c in zip(matches, contexts, strict=True) if m.quote.text == "baldige Gespräche"]
    assert ctx.sides == "ba"
    by_text = {text[slice(*char_span(an, c))]: features(an, c, ctx) for c in candidates(an, ctx)}
    assert "pos=before0|sides=ba" in by_text["Der Minister"]
    assert "pos=after0|sides=ba" in by_text["die Agentur"]


def test_sentence_model_quote_keeps_the_speaker_of_its_cue() -> None:
    text = "Der Streit ging weiter. Die Polizei warnte vor Glätte."
    doc = NLP(text)
    an = analyse(text, doc)
    m = sentence_match("a", an, 1, cue_attributions(an))
    assert m.learned and m.quote.text == "Die Polizei warnte vor Glätte"
    assert m.speaker_span is not None and text[slice(*m.speaker_span)] == "Die Polizei"
    assert (m.quote.speaker, m.form) == ("Polizei", "Indirect")


def test_whole_mention_and_bare_phrase_are_both_candidates() -> None:
    text = "„Das ist ein Erfolg“, sagte Anna Berg, die Sprecherin der Stadtwerke, am Montag."
    an, _, _, (ctx,) = _contexts(text)
    found = {text[s:e] for s, e in (char_span(an, c) for c in candidates(an, ctx))}
    assert {"Anna Berg", "Anna Berg, die Sprecherin der Stadtwerke"} <= found


def test_features_describe_position_and_the_rules_choice() -> None:
    text = "Der Bürgermeister trat vor die Presse. „Wir bleiben hier“, sagte er am Montag."
    an, _, _, (ctx,) = _contexts(text)
    by_text = {text[slice(*char_span(an, c))]: features(an, c, ctx) for c in candidates(an, ctx)}
    assert "rule=same" in by_text["er"] and "where=after" in by_text["er"] and "sd=0" in by_text["er"]
    assert "where=before" in by_text["Der Bürgermeister"] and "sd=-1" in by_text["Der Bürgermeister"]
    assert "prev_speech=True" in by_text["er"]


def test_the_option_no_speaker_wins_when_the_model_says_so() -> None:
    text = "„Wir bleiben hier“, sagte der Bürgermeister am Montag."
    an, matches, atts, _ = _contexts(text)
    assert matches[0].quote.speaker is not None
    silent = LinearModel({"NONE": 100.0})
    (m,) = _learned_speakers(an, matches, atts, silent)
    assert m.quote.speaker is None and m.speaker_span is None
    keen = LinearModel({"NONE": -100.0, "rule=same": 1.0})
    (m,) = _learned_speakers(an, matches, atts, keen)
    assert m.speaker_span == matches[0].speaker_span and m.quote.speaker == matches[0].quote.speaker
    (m,) = _learned_speakers(an, matches, atts, silent, keep_rules=True)  # the product scope
    assert m == matches[0]


def test_models_ship_with_the_package() -> None:
    speakers = load_model(MODEL_FILE)
    sentences = load_model(SENTENCE_MODEL_FILE)
    assert speakers is not None and len(speakers.weights) > 1000 and "NONE" in speakers.weights
    assert sentences is not None and sentences.bias != 0.0
    assert load_model("no_such_model.json") is None


def test_shipped_model_keeps_clear_speakers() -> None:
    text = (
        "Außenminister Sergej Lawrow reiste nach Wonsan. "
        "„Wir danken unseren Freunden sehr herzlich“, sagte Lawrow. "
        "Die Ministerin erklärte, die Gespräche seien gut verlaufen."
    )
    doc = NLP(text)
    got = [
        (m.quote.speaker, m.speaker_span and text[slice(*m.speaker_span)])
        for m in find_quote_matches("a", text, doc)
    ]
    assert got == [("Sergej Lawrow", "Lawrow"), ("Ministerin", "Die Ministerin")]


def test_learned_parts_change_speakers_not_the_product_quotes() -> None:
    text = (
        "Der Polizeisprecher sagte am Abend, die Lage sei ruhig. "
        "„Es gab keine Verletzten“, sagte er. Laut Feuerwehr brannte das Haus völlig aus."
    )
    doc = NLP(text)
    spans = [(m.quote.start, m.quote.end) for m in find_quote_matches("a", text, doc, learned=False)]
    assert [(m.quote.start, m.quote.end) for m in find_quote_matches("a", text, doc)] == spans


def test_sentence_model_adds_what_the_rules_miss_in_the_corpus_scope_only() -> None:
    text = (
        "Das Unternehmen legte am Montag seine Zahlen vor. "
        "Analysten schätzen, dass der Umsatz um zehn Prozent gestiegen sei."
    )
    doc = NLP(text)
    assert find_quote_matches("a", text, doc, sourced=True, learned=False) == []
    assert find_quote_matches("a", text, doc) == []  # the product's quotes stay the rules'
    (m,) = find_quote_matches("a", text, doc, sourced=True)
    assert m.learned and m.quote.text == "Analysten schätzen, dass der Umsatz um zehn Prozent gestiegen sei"
