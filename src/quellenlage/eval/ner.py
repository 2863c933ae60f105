"""GermEval 2014 reader and outer-chunk NER evaluation (precision/recall/F1, micro, exact span + label).

Label scheme of quellenlage: PER, ORG, LOC, MISC. GermEval's outer chunks PER/ORG/LOC/OTH map to
PER/ORG/LOC/MISC; its ``*deriv`` (``deutsche``) and ``*part`` (``EU-Gipfel``) chunks are not names of an
entity but words derived from or containing one, so they map to O (neither trained nor scored).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

LABELS = ("PER", "ORG", "LOC", "MISC")
GERMEVAL_TO_OURS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "OTH": "MISC"}

Span3 = tuple[int, int, str]


@dataclass(frozen=True)
class GermEvalSentence:
    """One sentence of a GermEval tsv: its tokens and outer-level BIO tags as in the file."""

    source: str
    tokens: tuple[str, ...]
    outer: tuple[str, ...]


def read_germeval(path: Path) -> list[GermEvalSentence]:
    """Read a GermEval 2014 tsv (``#`` comment line, then ``idx<TAB>token<TAB>outer<TAB>inner`` rows)."""
    return list(parse_germeval(path.read_text(encoding="utf-8").splitlines()))


def parse_germeval(lines: Iterable[str]) -> Iterator[GermEvalSentence]:
    source = ""
    tokens: list[str] = []
    tags: list[str] = []
    for raw in lines:
        line = raw.rstrip("\n\r")
        if line.startswith("#\t") or line == "#":
            source = line.split("\t")[1] if "\t" in line else ""
            continue
        if not line.strip():
            if tokens:
                yield GermEvalSentence(source, tuple(tokens), tuple(tags))
            tokens, tags = [], []
            continue
        cols = line.split("\t")
        if len(cols) < 3:
            raise ValueError(f"malformed GermEval row: {line!r}")
        tokens.append(cols[1])
        tags.append(cols[2])
    if tokens:
        yield GermEvalSentence(source, tuple(tokens), tuple(tags))


def format_germeval(sentences: Iterable[GermEvalSentence]) -> str:
    """Sentences as a GermEval tsv (outer tags as read; the inner column is written as O)."""
    blocks = []
    for sent in sentences:
        rows = [f"#\t{sent.source}"]
        rows += [
            f"{i}\t{tok}\t{tag}\tO"
            for i, (tok, tag) in enumerate(zip(sent.tokens, sent.outer, strict=True), 1)
        ]
        blocks.append("\n".join(rows) + "\n")
    return "\n".join(blocks)


def split_germeval(sentences: list[GermEvalSentence]) -> dict[str, list[GermEvalSentence]]:
    """The fixed split of GermEval dev used by training/train_ner.py, by sentence index i in file order:
    i % 5 == 4 -> "heldout" (never trained on nor used for model selection), i % 10 == 3 -> "dev"
    (best-checkpoint selection), the rest -> "train"."""
    parts: dict[str, list[GermEvalSentence]] = {"heldout": [], "dev": [], "train": []}
    for i, sent in enumerate(sentences):
        part = "heldout" if i % 5 == 4 else "dev" if i % 10 == 3 else "train"
        parts[part].append(sent)
    return parts


def map_label(germeval_label: str) -> str | None:
    """PER/ORG/LOC/OTH -> PER/ORG/LOC/MISC; deriv/part variants (and anything unknown) -> None (= O)."""
    return GERMEVAL_TO_OURS.get(germeval_label)


def bio_spans(tags: Iterable[str]) -> list[Span3]:
    """Chunks (start, end, label) of a BIO sequence in our label scheme, conlleval-style: an I- tag whose
    label differs from the open chunk starts a new chunk."""
    spans: list[Span3] = []
    start, label = -1, ""
    n = 0
    for i, tag in enumerate(tags):
        n = i + 1
        prefix, _, raw = tag.partition("-")
        if label and (prefix != "I" or raw != label):
            spans.append((start, i, label))
            label = ""
        if prefix in ("B", "I") and not label:
            start, label = i, raw
    if label:
        spans.append((start, n, label))
    return [(s, e, m) for s, e, raw in spans if (m := map_label(raw)) is not None]


def gold_spans(sentence: GermEvalSentence) -> list[Span3]:
    return bio_spans(sentence.outer)


def sentence_doc(nlp: Language, sentence: GermEvalSentence) -> Doc:
    """A Doc on the gold tokenisation (the official metric compares on the file's tokens)."""
    return Doc(nlp.vocab, words=list(sentence.tokens))


def predict_spans(
    nlp: Language, sentences: list[GermEvalSentence], batch_size: int = 256
) -> list[list[Span3]]:
    docs = (sentence_doc(nlp, s) for s in sentences)
    return [
        [(e.start, e.end, e.label_) for e in doc.ents if e.label_ in LABELS]
        for doc in nlp.pipe(docs, batch_size=batch_size)
    ]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def score_spans(gold: list[list[Span3]], pred: list[list[Span3]]) -> dict[str, object]:
    """Micro P/R/F1 over exact (start, end, label) matches, overall and per label."""
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(g), set(p)
        n_gold.update(s[2] for s in gs)
        n_pred.update(s[2] for s in ps)
        tp.update(s[2] for s in gs & ps)
    labels = sorted(set(LABELS) | set(n_gold) | set(n_pred))
    return {
        "overall": _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values())),
        "per_label": {lab: _prf(tp[lab], n_pred[lab], n_gold[lab]) for lab in labels},
    }


def evaluate_sentences(sentences: list[GermEvalSentence], nlp: Language) -> dict[str, object]:
    result = score_spans([gold_spans(s) for s in sentences], predict_spans(nlp, sentences))
    result["sentences"] = len(sentences)
    result["tokens"] = sum(len(s.tokens) for s in sentences)
    return result


def evaluate_germeval(path: Path, nlp: Language) -> dict[str, object]:
    """Outer-chunk P/R/F1 of ``nlp`` on any GermEval-format tsv (deriv/part chunks count as O)."""
    result = evaluate_sentences(read_germeval(path), nlp)
    result["path"] = str(path)
    return result


def format_table(result: dict[str, object]) -> str:
    overall = result["overall"]
    per_label = result["per_label"]
    assert isinstance(overall, dict) and isinstance(per_label, dict)
    rows = [f"{'label':<8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
    for name, m in [*per_label.items(), ("overall", overall)]:
        rows.append(
            f"{name:<8}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['gold']:>7}{m['pred']:>7}"
        )
    return "\n".join(rows)


def main(path: str, as_json: bool) -> dict[str, object]:
    """Evaluate the German entity layer as the language stage runs it (gazetteer, the shipped NER model and
    the document-level name rules) on a GermEval tsv; print a table (unless as_json) and the JSON last."""
    from quellenlage.language import get_nlp

    result = evaluate_germeval(Path(path), get_nlp("de"))
    if not as_json:
        print(f"GermEval outer chunks, {result['sentences']} sentences: {path}")
        print(format_table(result))
    print(json.dumps(result, sort_keys=True))
    return result
