"""Ingest + clean throughput and peak memory: 10kGNAD plain text and the Zyte HTML pages.

usage: OMP_NUM_THREADS=1 python benchmarks/ingest.py

Each corpus runs in a fresh process, so that its peak memory is its own; one core.
Text goes through the table reader (the 10kGNAD CSV, column mapping `text=1`), HTML
through the file reader; both through the clean stage (furniture, credits, language).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from common import GNAD, ZYTE, peak_rss_mb, print_table
from quellenlage.clean import clean
from quellenlage.ingest import ColumnMapping, read
from quellenlage.model import Failure


def run(kind: str) -> dict[str, float]:
    if kind == "text":
        inputs, mapping = [str(GNAD)], ColumnMapping.parse("text=1", delimiter=";", quotechar="'")
    else:
        inputs, mapping = sorted(str(p) for p in (ZYTE / "html").glob("*.html.gz")), None
    start = time.perf_counter()
    done = failed = 0
    for item in read(inputs, mapping):
        if isinstance(item, Failure):
            failed += 1
            continue
        clean(item)
        done += 1
    seconds = time.perf_counter() - start
    return {
        "documents": done,
        "failed": failed,
        "seconds": seconds,
        "per_s": done / seconds,
        "peak_mb": peak_rss_mb(),
    }


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1])))
        return
    rows = []
    for kind, label, goal in (("text", "10kGNAD text", 500), ("html", "Zyte HTML", 50)):
        done = subprocess.run(
            [sys.executable, __file__, kind],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(
            (
                label,
                figures["documents"],
                figures["failed"],
                figures["seconds"],
                figures["per_s"],
                goal,
                figures["peak_mb"],
            )
        )
    print_table(("corpus", "docs", "failed", "seconds", "docs/s", "goal/s", "peak MB"), rows)


if __name__ == "__main__":
    main()
