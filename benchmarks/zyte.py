"""HTML extraction quality on the Zyte article-extraction benchmark, with its own metric.

usage: python benchmarks/zyte.py [DATA_DIR] [--json]

Each page goes through quellenlage's ingest and clean stages; the cleaned body is compared
with the gold `articleBody` by the benchmark's token-shingle precision/recall (4-gram
shingles, per-page normalised counts, averaged over pages, F1 of the averages).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from statistics import mean

from quellenlage.clean import clean
from quellenlage.ingest import read
from quellenlage.model import Failure

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "article-extraction-benchmark-zyte"
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(gold: str, predicted: str) -> tuple[float, float, float]:
    """Shingle matches of one page, normalised so that long pages do not weigh more."""
    truth, pred = shingles(gold), shingles(predicted)
    tp = sum((truth & pred).values())
    fp = sum((pred - truth).values())
    fn = sum((truth - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = mean(1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in counts if tp + fp > 0)
    recall = mean(1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in counts if tp + fn > 0)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    data = Path(args[0]) if args else DEFAULT
    gold = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [data / "html" / f"{key}.html.gz" for key in gold]
    predicted: dict[str, str] = {}
    failures = 0
    start = time.perf_counter()
    for item in read(pages):
        key = Path(item.origin).name.removesuffix(".html.gz")
        if isinstance(item, Failure):
            failures += 1
            continue
        predicted[key] = clean(item).text
    seconds = time.perf_counter() - start
    result = scores([tp_fp_fn(gold[k]["articleBody"], predicted.get(k, "")) for k in gold])
    result |= {"pages": len(gold), "failed": failures, "pages_per_s": len(gold) / seconds}
    print(f"{'pages':<12}{result['pages']:>10}")
    for key in ("precision", "recall", "f1"):
        print(f"{key:<12}{result[key]:>10.3f}")
    print(f"{'failed':<12}{failures:>10}")
    print(f"{'pages/s':<12}{result['pages_per_s']:>10.1f}")
    if "--json" in sys.argv:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
