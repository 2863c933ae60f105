"""End to end through the command line: analyze, ingest, articles, show, search, demo, exit codes."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from quellenlage.cli import app

from .conftest import shared_path

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "src" / "quellenlage" / "sample"


def score(export: Path, gold: Path) -> dict[str, Any]:
    """The shared scorer, run as the acceptance lines name it."""
    scorer = runpy.run_path(str(shared_path("tools", "score.py")))
    ex = scorer["Export"](json.loads(export.read_text(encoding="utf-8")))
    out: dict[str, Any] = {}
    scorer["score_articles"](ex, gold / "expected_articles.csv", out)
    scorer["score_removed"](ex, gold / "expected_removed.jsonl", out)
    return out


def sample_inputs() -> list[str]:
    return sorted(str(p) for p in SAMPLE.iterdir() if p.suffix in (".txt", ".html"))


def test_analyze_spec_articles_metadata_exact(tmp_path: Path) -> None:
    out = tmp_path / "spec.json"
    result = runner.invoke(
        app,
        ["analyze", str(shared_path("spec", "articles")), "--db", str(tmp_path / "s.db"), "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    figures = score(out, shared_path("spec"))
    assert figures.pop("articles.found") == "5/5"
    assert figures == dict.fromkeys(figures, 1.0)
    export = json.loads(out.read_text(encoding="utf-8"))
    texts = {Path(a["origin"]).stem: a["text"] for a in export["articles"]}
    for name in ("expected_claims.jsonl", "expected_quotes.jsonl"):
        for line in shared_path("spec", name).read_text(encoding="utf-8").splitlines():
            gold = json.loads(line)
            assert gold["text"] in texts[gold["article"]], gold["text"]


def test_sample_metadata_and_boilerplate(tmp_path: Path) -> None:
    out = tmp_path / "sample.json"
    result = runner.invoke(
        app, ["analyze", *sample_inputs(), "--db", str(tmp_path / "s.db"), "--json", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    figures = score(out, SAMPLE / "expected")
    assert figures.pop("articles.found") == "5/5"
    assert figures == dict.fromkeys(figures, 1.0)


def test_ingest_articles_show_search_and_failures(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", *sample_inputs(), str(tmp_path / "empty.txt"), "--db", db])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.output
    assert "5 new article(s)" in result.output

    again = runner.invoke(app, ["ingest", *sample_inputs(), "--db", db])
    assert again.exit_code == 0 and "0 new article(s)" in again.output and "5 already there" in again.output

    listing = runner.invoke(app, ["articles", "--db", db])
    assert listing.exit_code == 0 and "5 of 5 article(s)" in listing.output

    hits = runner.invoke(app, ["search", "Staumauer", "--db", db])
    assert hits.exit_code == 0 and "[Staumauer]" in hits.output
    article_id = hits.output.split()[0]
    shown = runner.invoke(app, ["show", article_id[:8], "--db", db, "--removed"])
    assert shown.exit_code == 0 and "Staumauer" in shown.output and "cut " in shown.output
    assert runner.invoke(app, ["show", "zzzz", "--db", db]).exit_code == 1
    assert runner.invoke(app, ["search", "Quantenchromodynamik", "--db", db]).exit_code == 1


def test_demo_and_console_script(tmp_path: Path) -> None:
    """The installed `quellenlage` command runs the demo on the bundled sample and stores it."""
    db = tmp_path / "demo.db"
    script = Path(sys.executable).with_name("quellenlage")
    done = subprocess.run(
        [str(script), "demo", "--db", str(db)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "5 article(s)" in done.stdout
    assert db.exists() and db.stat().st_size > 0


def test_bad_mapping_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(tmp_path), "--map", "nonsense", "--db", str(tmp_path / "q.db")]
    )
    assert result.exit_code == 2


def test_eval_commands_print_json_last(tmp_path: Path) -> None:
    """`quellenlage eval claims` on a gold folder in the spec layout ends with its JSON figures."""
    result = runner.invoke(app, ["eval", "claims", str(shared_path("spec")), "--json"])
    assert result.exit_code == 0
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["detect"]["f1"] >= 0.9
    assert runner.invoke(app, ["eval", "ner", str(tmp_path / "missing.tsv")]).exit_code == 2


def test_eval_slots_on_the_bundled_sample() -> None:
    """`quellenlage eval slots` runs the pipeline on the articles beside the sample's expected/ folder."""
    expected = Path(__file__).resolve().parents[1] / "src" / "quellenlage" / "sample" / "expected"
    result = runner.invoke(app, ["eval", "slots", str(expected), "--json"])
    assert result.exit_code == 0
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["grouped"] == 1.0
    assert figures["sources"]["f1"] >= 0.9  # "Polizei" and "police" are one source, the outlet none
    empty = runner.invoke(app, ["eval", "slots", str(expected.parent.parent / "rules")])
    assert empty.exit_code == 2 and "expected_slots.json" in empty.output
