"""GermEval reader, outer-chunk metric, and the shipped German NER model."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from quellenlage.eval.ner import (
    bio_spans,
    evaluate_germeval,
    format_germeval,
    parse_germeval,
    read_germeval,
    score_spans,
)
from quellenlage.models import load_ner
from quellenlage.models.pieces import PieceVectors, sentencepiece_model_path, sentencepiece_processor

TSV = (
    "#\thttp://de.wikipedia.org/wiki/X\t[2009-08-13]\t\n"
    "1\tAngela\tB-PER\tO\n"
    "2\tMerkel\tI-PER\tO\n"
    "3\treist\tO\tO\n"
    "4\tnach\tO\tO\n"
    "5\tBerlin\tB-LOC\tO\n"
    "6\t.\tO\tO\n"
    "\n"
    "#\thttp://www.n-tv.de/y.html\t[2009-09-02]\t\n"
    "1\tDie\tO\tO\n"
    "2\tdeutschen\tB-LOCderiv\tO\n"
    "3\tEU-Budget\tB-ORGpart\tO\n"
    "4\tder\tO\tO\n"
    "5\tADAC\tB-ORG\tB-ORG\n"
    "6\tGT\tI-ORG\tO\n"
    "7\tMasters\tI-ORG\tO\n"
    "8\tin\tO\tO\n"
    "9\tEuro\tB-OTH\tO\n"
)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["B-LOC", "B-LOC"], [(0, 1, "LOC"), (1, 2, "LOC")]),
        (["I-ORG", "I-ORG", "O"], [(0, 2, "ORG")]),  # conlleval: a leading I- opens a chunk
        (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),  # label change opens a new chunk
        (["B-OTH", "I-OTH"], [(0, 2, "MISC")]),
        (["B-LOCderiv", "O", "B-ORGpart", "I-ORGpart"], []),  # deriv/part count as O
        (["B-PERpart", "I-PER"], [(1, 2, "PER")]),
        ([], []),
        (["O", "O"], []),
    ],
)
def test_bio_spans(tags: list[str], expected: list[tuple[int, int, str]]) -> None:
    assert bio_spans(tags) == expected


def test_parse_germeval_reads_sentences_and_sources() -> None:
    sentences = list(parse_germeval(TSV.splitlines()))
    assert [len(s.tokens) for s in sentences] == [6, 9]
    assert sentences[0].source == "http://de.wikipedia.org/wiki/X"
    assert sentences[1].tokens[2] == "EU-Budget"
    assert sentences[1].outer[4:7] == ("B-ORG", "I-ORG", "I-ORG")


def test_parse_germeval_rejects_malformed_row() -> None:
    with pytest.raises(ValueError):
        list(parse_germeval(["1\tnur-zwei-Spalten"]))


@pytest.mark.parametrize(
    ("gold", "pred", "p", "r"),
    [
        ([[(0, 2, "PER")]], [[(0, 2, "PER")]], 1.0, 1.0),
        ([[(0, 2, "PER")]], [[(0, 2, "ORG")]], 0.0, 0.0),  # wrong label
        ([[(0, 2, "PER")]], [[(1, 2, "PER")]], 0.0, 0.0),  # partial span
        ([[(0, 2, "PER"), (4, 5, "LOC")]], [[(0, 2, "PER")]], 1.0, 0.5),
        ([[(0, 1, "LOC")], []], [[(0, 1, "LOC")], [(3, 4, "ORG")]], 0.5, 1.0),
        ([[]], [[]], 0.0, 0.0),
    ],
)
def test_score_spans(
    gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]], p: float, r: float
) -> None:
    overall = score_spans(gold, pred)["overall"]
    assert isinstance(overall, dict)
    assert overall["precision"] == pytest.approx(p)
    assert overall["recall"] == pytest.approx(r)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    assert overall["f1"] == pytest.approx(f1)


class _FixedNer:
    """A pipeline component that tags fixed token offsets, to test evaluate_germeval end to end."""

    def __init__(self, spans: dict[str, list[tuple[int, int, str]]]) -> None:
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in self.spans.get(doc[0].text, [])]
        return doc


def test_evaluate_germeval_on_gold_tokenisation(tmp_path: Path) -> None:
    path = tmp_path / "tiny.tsv"
    path.write_text(TSV, encoding="utf-8")
    nlp = spacy.blank("de")
    # first sentence: both right; second: ADAC GT Masters cut short, Euro found, "deutschen" wrongly tagged
    fixed = _FixedNer(
        {"Angela": [(0, 2, "PER"), (4, 5, "LOC")], "Die": [(1, 2, "MISC"), (4, 6, "ORG"), (8, 9, "MISC")]}
    )
    Language.component("test_fixed_ner", func=fixed)
    nlp.add_pipe("test_fixed_ner")
    result = evaluate_germeval(path, nlp)
    overall = result["overall"]
    assert isinstance(overall, dict)
    assert (overall["tp"], overall["pred"], overall["gold"]) == (3, 5, 4)
    per_label = result["per_label"]
    assert isinstance(per_label, dict)
    assert per_label["ORG"]["recall"] == 0.0
    assert per_label["MISC"]["precision"] == pytest.approx(0.5)
    assert result["tokens"] == 15
    assert len(read_germeval(path)) == 2


@pytest.fixture(scope="module")
def ner() -> Language:
    try:
        return load_ner()
    except OSError:
        pytest.skip("shipped NER model missing (run training/train_ner.py)")


@pytest.mark.parametrize(
    ("text", "entity", "label"),
    [
        (
            "Bundeskanzlerin Angela Merkel hat am Montag in Berlin mit Vertretern der Länder beraten.",
            "Angela Merkel",
            "PER",
        ),
        (
            "Bundeskanzlerin Angela Merkel hat am Montag in Berlin mit Vertretern der Länder beraten.",
            "Berlin",
            "LOC",
        ),
        ("Der Vorstand von Siemens hat am Dienstag in München neue Zahlen vorgelegt.", "München", "LOC"),
    ],
)
def test_shipped_model_finds_entities(ner: Language, text: str, entity: str, label: str) -> None:
    found = {(e.text, e.label_) for e in ner(text).ents}
    assert (entity, label) in found, found


def test_shipped_model_labels(ner: Language) -> None:
    assert set(ner.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "MISC"}


def test_shipped_model_flags_person_names(ner: Language) -> None:
    """The last two vector columns flag first names and surnames (Faker's name lists, see train_ner.py)."""
    vectors = ner.vocab.vectors
    doc = ner.make_doc("Angela Schmidt regiert")
    assert len(vectors.gazetteers) == 4
    assert vectors.get_batch(doc.to_array("ORTH"))[:, -2:].tolist() == [[1, 0], [0, 1], [0, 0]]


def _piece_vectors(gazetteer: set[str]) -> PieceVectors:
    """A small table over the real USE SentencePiece model: one random row per piece of a few words."""
    digest = hashlib.sha256(sentencepiece_model_path().read_bytes()).hexdigest()
    sp = sentencepiece_processor(digest)
    ids = np.array(sorted({i for w in ("Berlin", "Lawrow", "Kiew", "reist") for i in sp.encode(w)}))
    table = np.random.default_rng(0).normal(size=(len(ids), 8)).astype(np.float32)
    return PieceVectors(piece_ids=ids, table=table, gazetteers=[gazetteer], sp_digest=digest)


def test_piece_vectors_cover_unseen_words_and_flag_gazetteer_names() -> None:
    nlp = spacy.blank("de")
    nlp.vocab.vectors = _piece_vectors({"Kiew"})
    doc = nlp("Kiew Lawrows Xyzzy")
    vectors = nlp.vocab.vectors.get_batch(doc.to_array("ORTH"))
    assert vectors.shape == (3, 9)
    assert vectors[:, -1].tolist() == [1.0, 0.0, 0.0]
    assert np.abs(vectors[1, :8]).sum() > 0  # "Lawrows" was never listed: its pieces still have rows
    assert np.allclose(nlp.vocab.vectors["Kiew"], vectors[0])


def test_piece_vectors_round_trip_through_disk(tmp_path: Path) -> None:
    vectors = _piece_vectors({"Berlin"})
    vectors.to_disk(tmp_path)
    loaded = PieceVectors(strings=spacy.blank("de").vocab.strings).from_disk(tmp_path)
    assert loaded.shape == vectors.shape and loaded.gazetteers == vectors.gazetteers
    assert np.allclose(loaded["Berlin reist"], vectors["Berlin reist"], atol=1e-2)  # float16 on disk


def test_piece_vectors_refuse_another_sentencepiece_model() -> None:
    vectors = PieceVectors(piece_ids=np.array([5]), table=np.ones((1, 4)), sp_digest="0" * 64)
    with pytest.raises(RuntimeError, match="differs from the one"):
        vectors["Berlin"]


def test_format_germeval_round_trips() -> None:
    sentences = list(parse_germeval(TSV.splitlines()))
    assert list(parse_germeval(format_germeval(sentences).splitlines())) == sentences
