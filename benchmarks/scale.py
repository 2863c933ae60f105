"""`quellenlage batch` throughput: the local engine, then Ray with 1 and 2 workers, on the same shards.

usage: OMP_NUM_THREADS=1 python benchmarks/scale.py [--limit N] [--shards S] [--price USD_PER_CORE_HOUR]

The 10kGNAD test articles (and the spec articles) are split into S CSV shards in the corpus's own format;
each configuration runs in a fresh process into its own output folder. Printed per run: the map phase
(ingest, clean, language, extract on the workers, including worker start-up and model loading), the
driver phase (entities across the corpus, reuse, stories, compare, brief, writing the tables), articles/s
of the map phase, the peak memory of each worker, and whether the JSON export is byte-identical to the
local engine's. Cost per million articles is extrapolated from the per-worker busy time of the map phase
(worker start-up excluded) at the given price per core-hour, plus the driver phase scaled linearly
(an optimistic bound: story clustering and reuse grow faster than linearly with the corpus).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import GNAD, SHARED, print_table
from quellenlage.ingest import ColumnMapping
from quellenlage.scale import EXPORT, ShardResult, run_batch

MAP = ColumnMapping.parse("text=1", ";", "'")
CONFIGS = {"local": ("local", None), "ray, 1 worker": ("ray", 1), "ray, 2 workers": ("ray", 2)}


def write_shards(folder: Path, limit: int | None, shards: int) -> list[str]:
    with gzip.open(GNAD, "rt", encoding="utf-8") as stream:
        rows = list(csv.reader(stream, delimiter=";", quotechar="'"))[:limit]
    size = -(-len(rows) // shards)
    for n in range(shards):
        with (folder / f"gnad-{n:03d}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";", quotechar="'").writerows(rows[n * size : (n + 1) * size])
    return [str(SHARED / "spec" / "articles"), str(folder / "gnad-*.csv")]


def run_one(config: str, inputs: list[str], out: Path) -> dict[str, object]:
    """One configuration in this process: timings, articles and the workers' peak memory."""
    engine, workers = CONFIGS[config]
    finished: list[tuple[float, float, ShardResult]] = []
    start = time.perf_counter()
    result = run_batch(
        inputs,
        out,
        engine,
        MAP,
        workers=workers,
        progress=lambda r: finished.append((time.perf_counter(), time.process_time(), r)),
    )
    total, driver_cpu = time.perf_counter() - start, time.process_time()
    map_end, map_end_cpu = max((t - start, cpu) for t, cpu, _ in finished)
    peaks: dict[int, float] = {}
    for _, _, shard in finished:
        peaks[shard.worker] = max(peaks.get(shard.worker, 0.0), shard.peak_mb)
    return {
        "config": config,
        "articles": len(result.corpus.articles),
        "errors": len(result.errors),
        "map_s": map_end,
        "worker_cpu_s": sum(r.cpu_seconds for _, _, r in finished),
        "driver_s": total - map_end,
        "driver_cpu_s": driver_cpu - map_end_cpu,
        "total_s": total,
        "workers": len(peaks),
        "worker_peak_mb": sorted(peaks.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N 10kGNAD articles")
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--price", type=float, default=0.04, help="USD per core-hour (assumed cloud price)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one configuration
    parser.add_argument("--inputs", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.inputs, args.out)))
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = write_shards(folder, args.limit, args.shards)
        runs = []
        for config in CONFIGS:
            out = folder / config.replace(" ", "").replace(",", "-")
            command = [sys.executable, __file__, "--one", config, "--out", str(out), "--inputs", *inputs]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            run = json.loads(done.stdout.strip().splitlines()[-1])
            run["identical"] = (out / EXPORT).read_bytes() == (folder / "local" / EXPORT).read_bytes()
            runs.append(run)
    print(
        f"{runs[0]['articles']} articles in {args.shards} + 5 shards; "
        f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print_table(
        ("run", "map s", "art/s", "worker CPU s", "driver s", "driver CPU s", "worker MB", "= local"),
        [
            (
                r["config"],
                r["map_s"],
                r["articles"] / r["map_s"],
                r["worker_cpu_s"],
                r["driver_s"],
                r["driver_cpu_s"],
                " / ".join(f"{m:.0f}" for m in r["worker_peak_mb"]),
                "yes" if r["identical"] and not r["errors"] else "NO",
            )
            for r in runs
        ],
    )
    busy_per_article = runs[0]["worker_cpu_s"] / runs[0]["articles"]
    driver_per_article = runs[0]["driver_cpu_s"] / runs[0]["articles"]
    core_hours = 1e6 * (busy_per_article + driver_per_article) / 3600
    print(
        f"per million articles: {1e6 * busy_per_article / 3600:.1f} worker core-hours (map) + "
        f"{1e6 * driver_per_article / 3600:.1f} driver core-hours (linear bound) = "
        f"{core_hours:.0f} core-hours, about {core_hours * args.price:.0f} USD at {args.price} USD/core-hour"
    )


if __name__ == "__main__":
    main()
