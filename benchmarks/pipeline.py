"""Whole-pipeline throughput on 10kGNAD, next to a bare spaCy tokeniser pass in the same run.

usage: OMP_NUM_THREADS=1 python benchmarks/pipeline.py [--limit N] [--db FILE]

Goals: >= 25 articles/s on one core, and <= 25x the time of `spacy.blank("de")` tokenising
the same articles (machines are noisy; the ratio is what compares across machines).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import spacy

from common import gnad_texts, peak_rss_mb, print_table
from quellenlage import pipeline
from quellenlage.store import Store

GOAL_PER_S = 25
GOAL_RATIO = 25


def blank_pass(texts: list[str]) -> float:
    nlp = spacy.blank("de")
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    return time.perf_counter() - start


def pipeline_pass(jsonl: Path, db: Path | None) -> tuple[int, float, list[str]]:
    """Every registered stage over the articles, as `quellenlage analyze` runs them."""
    start = time.perf_counter()
    store = Store(db) if db else None
    corpus = pipeline.run_stages(pipeline.ingest([jsonl], store))
    if store:
        pipeline.save(store, corpus)
        store.close()
    return len(corpus.articles), time.perf_counter() - start, ["ingest", "clean", *pipeline.STAGES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--db", type=Path, default=None, help="also store into this SQLite file")
    args = parser.parse_args()
    texts = gnad_texts(args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        jsonl.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        blank = blank_pass(texts)
        count, seconds, stages = pipeline_pass(jsonl, args.db)
    print(f"stages: {' -> '.join(stages)}")
    print_table(
        ("measure", "articles", "seconds", "articles/s", "goal"),
        [
            ("spacy.blank('de') tokeniser", len(texts), blank, len(texts) / blank, ""),
            ("quellenlage pipeline", count, seconds, count / seconds, f">= {GOAL_PER_S}/s"),
            ("ratio pipeline / blank", "", seconds / blank, "", f"<= {GOAL_RATIO}x"),
        ],
    )
    print(f"peak memory: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
