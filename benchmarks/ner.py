"""German NER benchmark: held-out GermEval quality, single-threaded speed on 10kGNAD, size, spec recall;
and the English entity layer's quality on the proper names annotated in ECB+ dev.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner.py [--model DIR] [--articles N]

Held-out = every 5th sentence of GermEval 2014 dev (quellenlage.eval.ner.split_germeval), never trained on.
Speed = the whole NER pipeline (tokenizer + tok2vec + ner) over 10kGNAD test articles, one thread.
English = ECB+ dev (English news; only the entities taking part in the annotated events are marked):
person/organisation/place markables (HUMAN_PART_PER, HUMAN_PART_ORG, LOC_GEO, HUMAN_PART_GPE) that are
proper names (every word capitalised after an optional "the") in the annotated sentences are the gold; the
sentences go through quellenlage's English pipeline on ECB+'s tokens. Recall is exact (span and label);
since other names in those sentences are not marked, precision is a lower bound.
Spec recall = share of (entity, article) pairs of /work/shared/spec/expected_entities.json for which the model
finds a span whose text is one of the entity's variants (with the expected label, and with any label).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import spacy
from spacy.language import Language
from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from quellenlage.eval.ner import Span3, evaluate_sentences, read_germeval, score_spans, split_germeval  # noqa: E402
from quellenlage.language import get_nlp  # noqa: E402
from quellenlage.language.pipeline import BorrowedNames  # noqa: E402
from quellenlage.models import load_ner  # noqa: E402

SHARED = ROOT.parent / "shared"
GERMEVAL = SHARED / "data" / "germeval2014-ner" / "NER-de-dev.tsv"
GNAD = SHARED / "data" / "10kgnad-news" / "test.csv.gz"
SPEC = SHARED / "spec"
ECB = SHARED / "data" / "ecbplus-event-coref"
ECB_KINDS = {"HUMAN_PART_PER": "PER", "HUMAN_PART_ORG": "ORG", "LOC_GEO": "LOC", "HUMAN_PART_GPE": "LOC"}


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def largest_file(path: Path) -> tuple[str, float]:
    """The project keeps each model file to a few MB: report the biggest one."""
    biggest = max((p for p in path.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    return str(biggest.relative_to(path)), biggest.stat().st_size / 1e6


def throughput(nlp: Language, limit: int) -> dict[str, float]:
    """Tokens/s per stage in CPU seconds of this process (the machine is shared, so wall time is noisy)."""
    with gzip.open(GNAD, "rt", encoding="utf-8") as f:
        texts = [row[1] for row in csv.reader(f, delimiter=";", quotechar="'")][:limit]
    list(nlp.pipe(texts[:20]))  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    docs = list(nlp.tokenizer.pipe(texts, batch_size=64))
    seconds = {"tokenizer": time.process_time() - cpu}
    for name, proc in nlp.pipeline:
        cpu = time.process_time()
        docs = list(proc.pipe(docs, batch_size=64))  # type: ignore[attr-defined]
        seconds[name] = time.process_time() - cpu
    tokens = sum(len(doc) for doc in docs)
    model_cpu = sum(v for k, v in seconds.items() if k != "tokenizer")
    return {
        "articles": len(texts),
        "tokens": tokens,
        "pipeline_tps": tokens / sum(seconds.values()),
        "model_tps": tokens / model_cpu,
        "articles_per_s": len(texts) / sum(seconds.values()),
        "wall_tps": tokens / (time.perf_counter() - wall),
    }


def spec_recall(nlp: Language) -> dict[str, float | int]:
    entities = json.loads((SPEC / "expected_entities.json").read_text(encoding="utf-8"))
    found: dict[str, set[tuple[str, str]]] = {}
    for path in sorted((SPEC / "articles").glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        found[path.stem] = {(" ".join(e.text.split()), e.label_) for e in doc.ents}
    pairs = labelled = unlabelled = 0
    for entity in entities:
        variants = set(entity["variants"])
        for article in entity["articles"]:
            ents = found.get(article, set())
            pairs += 1
            labelled += any(text in variants and label == entity["kind"] for text, label in ents)
            unlabelled += any(text in variants for text, _ in ents)
    return {"pairs": pairs, "recall_label": labelled / pairs, "recall_any_label": unlabelled / pairs}


def ecb_sentences() -> Iterator[tuple[list[str], list[Span3]]]:
    """Tokens and gold proper-name spans of each annotated sentence of ECB+ dev."""
    with (ECB / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as f:
        annotated = {
            (f"{row['Topic']}_{row['File']}.xml", row["Sentence Number"]) for row in csv.DictReader(f)
        }
    with tarfile.open(ECB / "ecbplus_dev.tar.gz") as tar:
        for member in tar:
            name = member.name.rsplit("/", 1)[-1]
            if not member.isfile() or not name.endswith(".xml"):
                continue
            root = ET.parse(tar.extractfile(member)).getroot()  # type: ignore[arg-type]
            tokens = {t.get("t_id"): (t.get("sentence"), t.text or "") for t in root.iter("token")}
            sentences: dict[str, list[str]] = {}
            position: dict[str | None, tuple[str, int]] = {}
            for t_id, (sent, text) in tokens.items():
                if sent is not None and (name, sent) in annotated:
                    position[t_id] = (sent, len(sentences.setdefault(sent, [])))
                    sentences[sent].append(text)
            gold: dict[str, list[Span3]] = {sent: [] for sent in sentences}
            for markable in root.find("Markables") or []:
                anchors = [position.get(a.get("t_id")) for a in markable.iter("token_anchor")]
                if markable.tag in ECB_KINDS and anchors and all(anchors):
                    sent, first = anchors[0]  # type: ignore[misc]
                    span = _proper_name(sentences[sent], first, first + len(anchors))
                    if span:
                        gold[sent].append((*span, ECB_KINDS[markable.tag]))
            for sent, words in sentences.items():
                yield words, gold[sent]


def _proper_name(words: list[str], start: int, end: int) -> tuple[int, int] | None:
    if words[start].lower() == "the":
        start += 1
    name = [w for w in words[start:end] if w.isalpha()]
    return (start, end) if name and all(w[0].isupper() for w in name) else None


def english_names(model: Language) -> dict[str, float | int]:
    """The English pipeline with ``model`` (not necessarily the shipped one) lending it the names."""
    nlp = get_nlp("en")
    gold: list[list[Span3]] = []
    pred: list[list[Span3]] = []
    for words, spans in ecb_sentences():
        doc = Doc(nlp.vocab, words=words)
        for _, proc in nlp.pipeline:
            if isinstance(proc, BorrowedNames):
                proc.model = model  # this process measures ``model`` only
            doc = proc(doc)
        gold.append(spans)
        pred.append([(e.start, e.end, e.label_) for e in doc.ents])
    labelled = score_spans(gold, pred)["overall"]
    unlabelled = score_spans(
        *([[(s, e, "") for s, e, _ in spans] for spans in side] for side in (gold, pred))
    )["overall"]
    assert isinstance(labelled, dict) and isinstance(unlabelled, dict)
    return {
        "gold": labelled["gold"],
        "recall": labelled["recall"],
        "recall_any_label": unlabelled["recall"],
        "precision_lower_bound": labelled["precision"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None, help="pipeline dir (default: the shipped model)")
    parser.add_argument("--articles", type=int, default=1028)
    args = parser.parse_args()
    if not GERMEVAL.exists():
        sys.exit(f"missing shared data: {GERMEVAL}")
    nlp = spacy.load(args.model) if args.model else load_ner()
    model_dir = args.model or Path(str(nlp.path))
    heldout = evaluate_sentences(split_germeval(read_germeval(GERMEVAL))["heldout"], nlp)
    speed = throughput(nlp, args.articles)
    spec = spec_recall(nlp)
    english = english_names(nlp)
    overall = heldout["overall"]
    assert isinstance(overall, dict)
    rows = [
        (
            "held-out GermEval outer chunks (440 sent.)",
            f"P {overall['precision']:.3f}  R {overall['recall']:.3f}  F1 {overall['f1']:.3f}",
        ),
        (
            f"speed, 1 thread, 10kGNAD ({speed['articles']:.0f} art., {speed['tokens']:,.0f} tok.)",
            f"{speed['pipeline_tps']:,.0f} tok/s incl. tokenizer, "
            f"{speed['model_tps']:,.0f} tok/s tok2vec+ner, "
            f"{speed['articles_per_s']:.1f} art/s (CPU time; wall {speed['wall_tps']:,.0f} tok/s)",
        ),
        ("model size on disk", f"{dir_size_mb(model_dir):.1f} MB"),
        ("largest model file", "{} {:.1f} MB".format(*largest_file(model_dir))),
        (
            "spec entity recall (entity x article)",
            f"{spec['recall_label']:.3f} label ok, "
            f"{spec['recall_any_label']:.3f} any label ({spec['pairs']} pairs)",
        ),
        (
            f"English entity layer, ECB+ dev names ({english['gold']} gold)",
            f"R {english['recall']:.3f} (any label {english['recall_any_label']:.3f}), "
            f"P >= {english['precision_lower_bound']:.3f}",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    per_label = heldout["per_label"]
    assert isinstance(per_label, dict)
    for label, m in per_label.items():
        detail = f"(P {m['precision']:.3f} R {m['recall']:.3f}, gold {m['gold']})"
        print(f"{'  F1 ' + label:<{width}}  {m['f1']:.3f}  {detail}")


if __name__ == "__main__":
    main()
