"""Helpers shared by the benchmarks: where the data is, how to read it, how to print a table."""

from __future__ import annotations

import csv
import gzip
import resource
from collections.abc import Sequence
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
GNAD = SHARED / "data" / "10kgnad-news" / "test.csv.gz"
ZYTE = SHARED / "data" / "article-extraction-benchmark-zyte"


def gnad_texts(limit: int | None = None) -> list[str]:
    """The 10kGNAD test articles (title, lead and body flattened in one field)."""
    with gzip.open(GNAD, "rt", encoding="utf-8") as stream:
        texts = [row[1] for row in csv.reader(stream, delimiter=";", quotechar="'")]
    return texts[:limit] if limit else texts


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [
        [str(c) for c in header],
        *[[f"{c:.3f}" if isinstance(c, float) else str(c) for c in row] for row in rows],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for number, row in enumerate(cells):
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if number == 0:
            print("  ".join("-" * w for w in widths))
