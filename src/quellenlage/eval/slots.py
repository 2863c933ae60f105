"""Claim slots and their independent sources on a gold folder in the layout of shared/spec
(``articles/`` + ``expected_slots.json``; or the bundled sample's ``expected/``, beside its articles).

The whole pipeline runs on the folder's articles (as ``analyze``). A gold slot is grouped when one predicted
slot holds the claims at all its values (as shared/tools/score.py finds them); for those slots the status is
compared, and the independent sources: gold and predicted names are paired one to one when they share content
words (``same_source``, as the scorer matches sources), giving precision, recall and F1 over all grouped
slots, and the share of slots whose number of independent sources is right.

Usage: ``python -m quellenlage.eval.slots GOLD_DIR [--json]``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from quellenlage.eval.claims import locate, prf, same_source
from quellenlage.pipeline import analyze

Item = dict[str, Any]
_SUFFIX = re.compile(r"(\.(txt|html?|json|xml|gz))+$")


def _gold_id(origin: str) -> str:
    return _SUFFIX.sub("", Path(origin).name)


def _slot_of_value(export: Item, articles: dict[str, Item], value: Item) -> int | None:
    """Index of the predicted slot holding the claim at a gold value's text, else None."""
    article = articles.get(value["article"])
    loc = locate(article["text"], value["text"]) if article else None
    if article is None or loc is None:
        return None
    for s, slot in enumerate(export["slots"]):
        for c in slot["claims"]:
            claim = export["claims"][c]
            if claim["article"] == article["id"] and min(loc[1], claim["end"]) > max(loc[0], claim["start"]):
                return s
    return None


def _paired(gold: list[str], pred: list[str]) -> int:
    """Gold and predicted source names paired one to one by shared content words."""
    free = list(pred)
    hits = 0
    for g in gold:
        match = next((p for p in free if same_source(g, p) or same_source(p, g)), None)
        if match is not None:
            free.remove(match)
            hits += 1
    return hits


def score_slots(export: Item, golds: list[Item]) -> dict[str, Any]:
    articles = {_gold_id(str(a["origin"])): a for a in export["articles"]}
    grouped = status_ok = count_ok = hits = n_gold = n_pred = 0
    errors = []
    for gold in golds:
        owners = [_slot_of_value(export, articles, v) for v in gold["values"]]
        if None in owners or len(set(owners)) != 1:
            continue
        slot = export["slots"][owners[0]]
        grouped += 1
        status_ok += slot["status"] == gold["status"]
        want, got = gold.get("independent_original_sources", []), slot["independent_sources"]
        paired = _paired(want, got)
        hits, n_gold, n_pred = hits + paired, n_gold + len(want), n_pred + len(got)
        count_ok += len(want) == len(got)
        if paired < max(len(want), len(got)):
            errors.append({"slot": gold["slot"], "gold": want, "pred": got})
    return {
        "grouped": round(grouped / len(golds), 3) if golds else 0.0,
        "status_accuracy": round(status_ok / grouped, 3) if grouped else 0.0,
        "sources": prf(hits, n_pred, n_gold),
        "source_count_accuracy": round(count_ok / grouped, 3) if grouped else 0.0,
        "errors": errors,
    }


def evaluate_slots(gold_dir: Path) -> dict[str, Any]:
    """``gold_dir`` holds ``articles/``, or lies beside the articles (the bundled sample's ``expected/``)."""
    golds = json.loads((gold_dir / "expected_slots.json").read_text(encoding="utf-8"))
    folder = gold_dir / "articles" if (gold_dir / "articles").is_dir() else gold_dir.parent
    export = analyze(sorted(p for p in folder.iterdir() if p.is_file())).to_json()
    return score_slots(export, golds)


def main(path: str, as_json: bool = False) -> dict[str, Any]:
    result = evaluate_slots(Path(path))
    if not as_json:
        print(f"slots grouped {result['grouped']}  status accuracy (grouped) {result['status_accuracy']}")
        src = result["sources"]
        print(
            f"independent sources p={src['p']} r={src['r']} f1={src['f1']} (gold {src['gold']}, pred "
            f"{src['pred']}); right number {result['source_count_accuracy']}"
        )
        for e in result["errors"]:
            print(f"  {e['slot']}: gold {e['gold']} / ours {e['pred']}")
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main(sys.argv[1], "--json" in sys.argv)
