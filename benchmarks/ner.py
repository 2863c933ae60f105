"""German NER benchmark: held-out GermEval quality, single-threaded speed on 10kGNAD, size, spec recall.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner.py [--model DIR] [--articles N]

Held-out = every 5th sentence of GermEval 2014 dev (quellenlage.eval.ner.split_germeval), never trained on.
Speed = the whole NER pipeline (tokenizer + tok2vec + ner) over 10kGNAD test articles, one thread.
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
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import spacy
from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from quellenlage.eval.ner import evaluate_sentences, read_germeval, split_germeval  # noqa: E402
from quellenlage.models import load_ner  # noqa: E402

SHARED = ROOT.parent / "shared"
GERMEVAL = SHARED / "data" / "germeval2014-ner" / "NER-de-dev.tsv"
GNAD = SHARED / "data" / "10kgnad-news" / "test.csv.gz"
SPEC = SHARED / "spec"


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
