"""Speed and memory of the language stage on 10kGNAD test articles, single-threaded.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/language.py [--limit N]

Prints tokens/s and articles/s of ``quellenlage.language.analyse`` next to a bare ``spacy.blank("de")``
tokenisation pass over the same articles in the same run, their ratio, and the peak resident memory.
Without the shipped NER model the stage runs without NER and says so.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import spacy

from quellenlage.language import analyse, get_nlp, ner_model_available
from quellenlage.model import Article

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "10kgnad-news" / "test.csv.gz"


def load_articles(limit: int) -> list[Article]:
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=";", quotechar="'"))[:limit]
    return [
        Article(id=f"gnad-{i}", origin=str(DATA), text=r[1], source=r[1], language="de")
        for i, r in enumerate(rows)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=1028)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"missing {DATA}")
    articles = load_articles(args.limit)
    texts = [a.text for a in articles]
    with_ner = ner_model_available()

    blank = spacy.blank("de")
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in blank.pipe(texts, batch_size=64))
    bare = time.perf_counter() - started

    get_nlp("de", ner=with_ner)  # build (and load the model) outside the timed run
    started = time.perf_counter()
    if with_ner:
        result = analyse(articles)
        stage_tokens = sum(len(doc) for doc in result.docs.values())
        entities = len(result.entities)
    else:
        stage_tokens = sum(len(doc) for doc in get_nlp("de", ner=False).pipe(texts, batch_size=64))
        entities = 0
    stage = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"10kGNAD test: {len(articles)} articles, {tokens} tokens, NER model: {'yes' if with_ner else 'NO'}"
    )
    print(f"{'pass':<34}{'seconds':>9}{'tokens/s':>11}{'articles/s':>12}")
    print(
        f"{'spacy.blank(de) tokenisation':<34}{bare:>9.2f}{tokens / bare:>11.0f}{len(articles) / bare:>12.1f}"
    )
    label = "language stage (analyse)" if with_ner else "language stage without NER"
    print(f"{label:<34}{stage:>9.2f}{stage_tokens / stage:>11.0f}{len(articles) / stage:>12.1f}")
    print(f"ratio stage/bare time: {stage / bare:.1f}x; entities: {entities}; peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
