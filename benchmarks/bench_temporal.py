"""Throughput of the temporal tagger on 10kGNAD test articles (single thread); prints a table.

.venv/bin/python benchmarks/bench_temporal.py [N]
"""

from __future__ import annotations

import csv
import gzip
import sys
import time
from pathlib import Path

from quellenlage.extract.temporal import find_timerefs
from quellenlage.model import PartialDate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "10kgnad-news" / "test.csv.gz"


def main(limit: int = 1000) -> None:
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        texts = [
            row[1] for row, _ in zip(csv.reader(f, delimiter=";", quotechar="'"), range(limit), strict=False)
        ]
    anchor = PartialDate.parse("2016-05-12")
    find_timerefs("warm-up", texts[0], anchor)  # builds the regex once
    start, cpu_start = time.perf_counter(), time.process_time()
    found = sum(len(find_timerefs(str(i), text, anchor)) for i, text in enumerate(texts))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    chars = sum(map(len, texts))
    # CPU time as well: the machine is shared, wall time depends on the neighbours' load
    heads = ["articles", "chars", "timerefs", "wall s", "cpu s", "art/s wall", "art/s cpu"]
    widths = [9, 10, 9, 7, 7, 11, 10]
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    print(
        f"{len(texts):>9} {chars:>10} {found:>9} {wall:>7.2f} {cpu:>7.2f} {len(texts) / wall:>11.0f} "
        f"{len(texts) / cpu:>10.0f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
