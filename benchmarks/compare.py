"""Evaluate the compare and brief stages on gold folders in the spec layout.

usage: python benchmarks/compare.py [GOLD_DIR ARTICLES_DIR]...
Without arguments: the spec (../shared/spec) and the bundled sample (its expected/ folder).
Prints slot grouping and status accuracy, brief citation and faithfulness (scored by
../shared/tools/score.py), the slots' independent sources against the gold's (quellenlage.eval.slots: names
paired by shared content words, and the share of slots with the right number of them) and how many expected
timeline events are reproduced, then the missed ones.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from common import SHARED, print_table
from quellenlage import pipeline
from quellenlage.brief import brief
from quellenlage.compare import compare, timeline
from quellenlage.corpus import Corpus
from quellenlage.eval.slots import score_slots

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "quellenlage" / "sample"


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timeline_misses(corpus: Corpus, gold: Path) -> tuple[list[str], int]:
    """Expected events not found (an event at the same time value citing at least the listed articles),
    and how many are expected."""
    path = gold / "expected_timeline.json"
    if not path.exists():
        return [], 0
    stem = {a.id: Path(a.origin).name.rsplit(".", 1)[0] for a in corpus.articles}
    events = [(e.when, {stem[a] for a in e.articles}) for s in corpus.stories for e in timeline(corpus, s.id)]
    expected: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    missed = [
        f"{x['when']} {', '.join(sorted(x['articles']))}"
        for x in expected
        if not any(w == x["when"] and set(x["articles"]) <= cited for w, cited in events)
    ]
    return missed, len(expected)


def evaluate(gold: Path, articles: Path) -> tuple[list[object], list[str]]:
    """The table row of one gold folder, and the timeline events it misses."""
    files = sorted(p for p in articles.iterdir() if p.is_file())
    corpus = pipeline.run_stages(pipeline.ingest(files))
    compare(corpus)  # warm-up: loads the lemma dictionaries once
    started = time.perf_counter()
    compare(corpus)
    brief(corpus)
    seconds = time.perf_counter() - started
    score = scorer()
    out: dict[str, Any] = {}
    data = json.loads(json.dumps(corpus.to_json()))
    export = score.Export(data)
    sources: dict[str, Any] = {"sources": {"f1": 0.0}, "source_count_accuracy": 0.0}
    if (gold / "expected_slots.json").exists():
        score.score_slots(export, gold / "expected_slots.json", out)
        sources = score_slots(data, json.loads((gold / "expected_slots.json").read_text(encoding="utf-8")))
    score.score_briefs(export, out)
    missed, total = timeline_misses(corpus, gold)
    name = gold.name if gold.name != "expected" else gold.parent.name
    row: list[object] = [
        name,
        out.get("slots.grouped", 0.0),
        out.get("slots.status_accuracy", 0.0),
        sources["sources"]["f1"],
        sources["source_count_accuracy"],
        out["brief.cited"],
        out["brief.faithful"],
        f"{total - len(missed)}/{total}",
        f"{1000 * seconds / max(len(corpus.articles), 1):.1f}",
    ]
    return row, [f"{name}: timeline event missed: {m}" for m in missed]


def main() -> None:
    args = sys.argv[1:]
    pairs = [(Path(args[i]), Path(args[i + 1])) for i in range(0, len(args) - 1, 2)] or [
        (SHARED / "spec", SHARED / "spec" / "articles"),
        (SAMPLE / "expected", SAMPLE),
    ]
    results = [evaluate(gold, arts) for gold, arts in pairs if gold.exists()]
    header = [
        "gold",
        "slots.grouped",
        "slots.status",
        "independent sources F1",
        "right number",
        "brief.cited",
        "brief.faithful",
        "timeline",
        "ms/article",
    ]
    print_table(header, [row for row, _missed in results])
    for line in (m for _row, missed in results for m in missed):
        print(line)


if __name__ == "__main__":
    main()
