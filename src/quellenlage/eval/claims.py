"""Claim evaluation on a gold folder in the layout of shared/spec (articles/*.txt + expected_claims.jsonl).

Matching follows shared/tools/score.py: a gold item is found when a prediction overlaps its text span;
it is correct when the figure (value/low/high) and every gold source match (shared content words, umlauts
folded, six-letter prefixes). Usage: ``python -m quellenlage.eval.claims GOLD_DIR [--json]``.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from quellenlage.model import Claim

FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
STOP = {"der", "die", "das", "des", "dem", "den", "und", "von", "nach", "laut", "the", "of", "and", "auf"}
DATE_HEADER = re.compile(r"^\s*date \d{4}(?:-\d{2}){0,2}\s+")
Item = dict[str, Any]


def words(text: str | None) -> list[str]:
    text = unicodedata.normalize("NFC", (text or "").lower()).translate(FOLD)
    return [w[:6] for w in re.findall(r"\w+", text) if len(w) >= 3 and w not in STOP]


def same_source(gold: str, pred: str) -> bool:
    g, p = words(gold), set(words(pred))
    return bool(g) and sum(w in p for w in g) / len(g) >= 0.5


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f1, 3), "gold": n_gold, "pred": n_pred}


def _norm_quotes(s: str) -> str:
    return re.sub(r"[«»„“”\"‚‘’']", '"', s)


def locate(body: str, text: str) -> tuple[int, int] | None:
    i = body.find(text)
    if i < 0:
        i = _norm_quotes(body).find(_norm_quotes(text))
    return (i, i + len(text)) if i >= 0 else None


def _numbers(x: Item) -> set[float]:
    return {round(float(x[f]), 6) for f in ("value", "low", "high") if x.get(f) is not None}


def claim_ok(g: Item, p: Item) -> bool:
    if _numbers(g) and not _numbers(g) <= _numbers(p):
        return False
    gold_src = g.get("attributed_to") or []
    preds = p.get("attributed_to") or []
    if gold_src:
        return all(any(same_source(s, str(q)) for q in preds) for s in gold_src)
    return not preds


def score_spans(
    golds: list[Item],
    bodies: dict[str, str],
    preds: dict[str, list[Item]],
    check: Callable[[Item, Item], bool],
) -> tuple[dict[str, Any], list[tuple[Item, Item | None, bool]]]:
    """Each gold item takes the unused overlapping prediction it finds correct, else the largest overlap."""
    tp = correct = 0
    used: set[int] = set()
    n_pred = sum(len(preds.get(a, [])) for a in {g["article"] for g in golds})
    details: list[tuple[Item, Item | None, bool]] = []
    for g in golds:
        loc = locate(bodies.get(g["article"], ""), g["text"])
        cands = [
            p
            for p in preds.get(g["article"], [])
            if loc and id(p) not in used and min(loc[1], p["end"]) > max(loc[0], p["start"])
        ]
        if not loc or not cands:
            details.append((g, None, False))
            continue
        right = [p for p in cands if check(g, p)]
        best = (
            right[0] if right else max(cands, key=lambda p: min(loc[1], p["end"]) - max(loc[0], p["start"]))
        )
        used.add(id(best))
        tp += 1
        correct += bool(right)
        details.append((g, best, bool(right)))
    out = {
        "detect": prf(tp, n_pred, len(golds)),
        "correct_given_detected": round(correct / tp, 3) if tp else 0.0,
        "end_to_end_recall": round(correct / len(golds), 3) if golds else 0.0,
    }
    out["unmatched_predictions"] = [p for ps in preds.values() for p in ps if id(p) not in used]
    return out, details


def read_jsonl(path: Path) -> list[Item]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def spec_bodies(gold_dir: Path) -> dict[str, str]:
    """Article texts of a spec-layout folder with the `` date ...`` header line removed."""
    return {
        p.stem: DATE_HEADER.sub("", p.read_text(encoding="utf-8"))
        for p in sorted((gold_dir / "articles").glob("*.txt"))
    }


def default_nlp() -> Language:
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def claim_items(claims: Iterable[Claim]) -> list[Item]:
    return [
        {
            "start": c.start,
            "end": c.end,
            "text": c.text,
            "value": c.value,
            "low": c.low,
            "high": c.high,
            "approx": c.approx,
            "vague": c.vague,
            "counts": c.counts,
            "attributed_to": c.attributed_to,
            "cue": c.cue,
            "hedged": c.hedged,
        }
        for c in claims
    ]


def evaluate_claims(gold_dir: Path, nlp: Language | None = None) -> dict[str, Any]:
    from quellenlage.extract.claims import find_claims

    nlp = nlp or default_nlp()
    bodies = spec_bodies(gold_dir)
    golds = read_jsonl(gold_dir / "expected_claims.jsonl")
    preds = {a: claim_items(find_claims(a, body, nlp(body))) for a, body in bodies.items()}
    if not any(g.get("vague") for g in golds):
        preds = {a: [p for p in ps if not p["vague"]] for a, ps in preds.items()}
    out, details = score_spans(golds, bodies, preds, claim_ok)
    out["errors"] = [
        {
            "gold": g["text"],
            "gold_sources": g.get("attributed_to"),
            "pred": p and p["text"],
            "pred_sources": p and p["attributed_to"],
            "value": p and [p["value"], p["low"], p["high"]],
        }
        for g, p, ok in details
        if not ok
    ]
    out["unmatched_predictions"] = [
        {"text": p["text"], "sources": p["attributed_to"]} for p in out["unmatched_predictions"]
    ]
    return out


def main(path: str, as_json: bool = False) -> dict[str, Any]:
    result = evaluate_claims(Path(path))
    det = result["detect"]
    print(
        f"{'claims.detect':32} p={det['p']} r={det['r']} f1={det['f1']} "
        f"(gold {det['gold']}, pred {det['pred']})"
    )
    print(f"{'claims.correct_given_detected':32} {result['correct_given_detected']}")
    print(f"{'claims.end_to_end_recall':32} {result['end_to_end_recall']}")
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main(sys.argv[1], "--json" in sys.argv)
