"""Throughput of the extract stage (claims + quotes) on 10kGNAD articles.

usage: python benchmarks/extract.py [N_ARTICLES]
Prints a table: articles/s for the language stage's German pipeline (quellenlage.language.get_nlp, with the
shipped NER model when present), for a blank spaCy pass with a sentencizer (the cheapest possible
tokenisation), for claims alone, quotes alone (each analysing the article itself) and both in turn on each
article as the pipeline calls them (sharing one analysis, on the language stage's Docs), and the extract
time as a share of the language stage's and of the blank pass measured in the same run (the machine is
shared: the ratios are steadier than the absolute figures). Issue 4's goal: claims + quotes add <= 20 %.
"""

from __future__ import annotations

import csv
import gzip
import os
import sys
import time
from pathlib import Path

import spacy

from quellenlage.extract.claims import find_claims
from quellenlage.extract.quotes import find_quotes
from quellenlage.language.pipeline import get_nlp, ner_model_available

os.environ.setdefault("OMP_NUM_THREADS", "1")
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "10kgnad-news" / "test.csv.gz"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1028
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        texts = [row[1] for row in csv.reader(f, delimiter=";", quotechar="'")][:n]
    language = get_nlp("de", ner=ner_model_available())
    language("Warm-up.")  # model loading is start-up, not per-article work
    t0 = time.perf_counter()
    docs = list(language.pipe(texts))
    t_language = time.perf_counter() - t0
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    t0 = time.perf_counter()
    blank_docs = [nlp(t) for t in texts]
    t_nlp = time.perf_counter() - t0
    del blank_docs
    t0 = time.perf_counter()
    n_claims = sum(len(find_claims(str(i), t, d)) for i, (t, d) in enumerate(zip(texts, docs, strict=True)))
    t_claims = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_quotes = sum(len(find_quotes(str(i), t, d)) for i, (t, d) in enumerate(zip(texts, docs, strict=True)))
    t_quotes = time.perf_counter() - t0
    # as the pipeline runs them: both on one document in turn, sharing the article's analysis
    t0 = time.perf_counter()
    for i, (t, d) in enumerate(zip(texts, docs, strict=True)):
        find_claims(str(i), t, d)
        find_quotes(str(i), t, d)
    t_both = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} articles, {chars / 1e6:.2f} M chars; {n_claims} claims, {n_quotes} quotes")
    print(f"{'stage':28} {'seconds':>8} {'articles/s':>11}")
    for name, secs in [
        ("language stage (get_nlp)", t_language),
        ("blank + sentencizer", t_nlp),
        ("claims alone", t_claims),
        ("quotes alone", t_quotes),
        ("claims + quotes per article", t_both),
    ]:
        print(f"{name:28} {secs:8.2f} {len(texts) / secs:11.1f}")
    print(f"claims + quotes add {100 * t_both / t_language:.1f} % to the language stage's time")
    print(f"claims + quotes take {t_both / t_nlp:.2f} x the time of blank spaCy + sentencizer")


if __name__ == "__main__":
    main()
