"""`quellenlage batch`: the same results on Ray as in one process, shard-wise resumption, bad shards.

Inputs: the spec articles (a shard per file), a slice of 10kGNAD split into CSV shards in the corpus's
own format, and one corrupt Parquet shard. Ray runs as a local two-CPU cluster, started once here.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from quellenlage import pipeline
from quellenlage.cli import app
from quellenlage.ingest import ColumnMapping
from quellenlage.model import Claim
from quellenlage.scale import EXPORT, SHARDS, BatchResult, plan, read_table, run_batch

from .conftest import shared_path

GNAD_ROWS = 60
GNAD_SHARDS = 4
MAP = ("text=1", ";", "'")
MAPPING = ColumnMapping.parse(*MAP)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("inputs")
    with gzip.open(shared_path("data", "10kgnad-news", "test.csv.gz"), "rt", encoding="utf-8") as f:
        rows = [
            row for _, row in zip(range(GNAD_ROWS), csv.reader(f, delimiter=";", quotechar="'"), strict=False)
        ]
    size = GNAD_ROWS // GNAD_SHARDS
    for n in range(GNAD_SHARDS):
        with (folder / f"gnad-{n}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";", quotechar="'").writerows(rows[n * size : (n + 1) * size])
    (folder / "gnad-9-broken.parquet").write_bytes(b"PAR1 this is not a Parquet file")
    return [str(shared_path("spec", "articles")), str(folder / "*.*")]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def local_run(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchResult]:
    out = tmp_path_factory.mktemp("local")
    return out, run_batch(inputs, out, "local", MAPPING)


def _export(out: Path) -> dict[str, list[dict[str, object]]]:
    return dict(json.loads((out / EXPORT).read_text(encoding="utf-8")))


def test_plan_is_one_shard_per_file_in_reading_order(inputs: list[str]) -> None:
    shards = plan(inputs, MAPPING)
    assert len(shards) == 5 + GNAD_SHARDS + 1
    assert [Path(s.source).name for s in shards[5:]] == [
        *(f"gnad-{n}.csv" for n in range(GNAD_SHARDS)),
        "gnad-9-broken.parquet",
    ]
    assert len({s.key for s in shards}) == len(shards)
    assert plan(inputs, MAPPING) == shards  # keys are stable across runs


def test_local_batch_equals_the_one_process_pipeline(
    inputs: list[str], local_run: tuple[Path, BatchResult]
) -> None:
    """Sharding, Parquet round trips and cross-shard entity canonicalisation change nothing."""
    out, result = local_run
    assert not result.errors and len(result.corpus.articles) == 5 + GNAD_ROWS
    expected = pipeline.analyze(inputs, mapping=MAPPING).to_json()
    assert _export(out) == json.loads(json.dumps(expected))
    # The corrupt shard is reported by name; every other shard went through.
    (failure,) = result.corpus.failures
    assert failure.origin.endswith("gnad-9-broken.parquet")


def test_ray_engine_gives_identical_results(
    ray_cluster: None, inputs: list[str], local_run: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    local_out, local = local_run
    result = run_batch(inputs, tmp_path, "ray", MAPPING, workers=2)
    assert not result.errors and all(not s.skipped for s in result.shards)
    ray_export, local_export = _export(tmp_path), _export(local_out)
    assert [a["id"] for a in ray_export["articles"]] == [a.id for a in local.corpus.articles]
    for kind in (
        "claims",
        "quotes",
        "timerefs",
        "entities",
        "mentions",
        "stories",
        "slots",
        "briefs",
        "failures",
    ):
        assert ray_export[kind] == local_export[kind], kind
    assert [t["value"] for t in ray_export["timerefs"]] == [t.value for t in local.corpus.timerefs]
    assert (tmp_path / EXPORT).read_bytes() == (local_out / EXPORT).read_bytes()
    # The models were loaded in the workers, not in this process.
    assert {s.worker for s in result.shards} and os.getpid() not in {s.worker for s in result.shards}


def test_tables_are_typed_parquet(local_run: tuple[Path, BatchResult]) -> None:
    out, result = local_run
    claims = pq.read_table(out / "claims.parquet")
    assert str(claims.schema.field("value").type) == "double"
    assert read_table(out / "claims.parquet", Claim) == result.corpus.claims
    for name in (
        "articles",
        "mentions",
        "entities",
        "quotes",
        "timerefs",
        "reuse",
        "stories",
        "slots",
        "briefs",
    ):
        assert pq.read_table(out / f"{name}.parquet").num_rows == len(getattr(result.corpus, name)), name


def _resumable_copy(source: Path, target: Path, drop: int) -> list[str]:
    """A copy of a finished batch's shard state with `drop` shards missing, as after a crash."""
    shutil.copytree(source / SHARDS, target / SHARDS)
    dropped = sorted(p.name for p in (target / SHARDS).iterdir())[:drop]
    for name in dropped:
        shutil.rmtree(target / SHARDS / name)
    return dropped


def test_rerun_does_only_the_missing_shards(
    inputs: list[str], local_run: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    local_out, _ = local_run
    dropped = _resumable_copy(local_out, tmp_path, drop=2)
    partial = tmp_path / SHARDS / f".{dropped[0]}.12345.tmp"  # a shard a killed worker was writing
    partial.mkdir()
    (partial / "articles.parquet").write_bytes(b"PAR1 trunc")
    result = run_batch(inputs, tmp_path, "local", MAPPING)
    assert sorted(s.key for s in result.shards if not s.skipped) == dropped
    assert (tmp_path / EXPORT).read_bytes() == (local_out / EXPORT).read_bytes()


def test_bad_shard_is_reported_and_retried(
    inputs: list[str], local_run: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    """A shard whose output cannot be written fails alone; the next run does it and nothing else."""
    local_out, local = local_run
    (blocked,) = _resumable_copy(local_out, tmp_path, drop=1)
    (tmp_path / SHARDS / blocked).write_text("a file where the shard's folder belongs")
    first = run_batch(inputs, tmp_path, "local", MAPPING)
    (error,) = first.errors
    assert error.key == blocked and "Error" in (error.error or "")
    assert any("shard not processed" in f.reason for f in first.corpus.failures)
    assert len(first.corpus.articles) < len(local.corpus.articles)
    (tmp_path / SHARDS / blocked).unlink()
    second = run_batch(inputs, tmp_path, "local", MAPPING)
    assert [s.key for s in second.shards if not s.skipped] == [blocked]
    assert (tmp_path / EXPORT).read_bytes() == (local_out / EXPORT).read_bytes()


def _batch_command(inputs: list[str], out: Path) -> list[str]:
    cli = Path(sys.executable).with_name("quellenlage")
    return [
        str(cli),
        "batch",
        *inputs,
        "--out",
        str(out),
        "--map",
        MAP[0],
        "--delimiter",
        MAP[1],
        "--quotechar",
        MAP[2],
    ]


def test_killed_batch_resumed_gives_the_same_output(
    inputs: list[str], local_run: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    """Kill the CLI (SIGKILL, no clean-up) once it has finished a shard; the rerun completes the batch."""
    local_out, _ = local_run
    total = len(plan(inputs, MAPPING))
    process = subprocess.Popen(
        _batch_command(inputs, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    done: list[Path] = []
    while time.monotonic() < deadline and process.poll() is None and not done:
        time.sleep(0.05)
        done = [p for p in (tmp_path / SHARDS).glob("[!.]*")] if (tmp_path / SHARDS).exists() else []
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list((tmp_path / SHARDS).glob("[!.]*")))
    assert 0 < finished < total, "the batch was not interrupted mid-way"
    assert not (tmp_path / EXPORT).exists()
    rerun = subprocess.run(
        _batch_command(inputs, tmp_path), capture_output=True, text=True, timeout=600, check=False
    )
    assert rerun.returncode == 1  # the corrupt shard is a failed input
    assert f"{finished} done before" in rerun.stdout
    assert (tmp_path / EXPORT).read_bytes() == (local_out / EXPORT).read_bytes()


def test_cli_batch_reports_and_checks_the_engine(tmp_path: Path) -> None:
    runner = CliRunner()
    articles = str(shared_path("spec", "articles"))
    result = runner.invoke(app, ["batch", articles, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "5 shard(s): 5 processed, 0 done before, 0 failed; 5 article(s)" in result.output
    again = runner.invoke(app, ["batch", articles, "--out", str(tmp_path)])
    assert "0 processed, 5 done before" in again.output
    wrong = runner.invoke(app, ["batch", articles, "--out", str(tmp_path), "--engine", "spark"])
    assert wrong.exit_code == 2 and "local or ray" in wrong.output
