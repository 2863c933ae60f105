"""Quote and speaker evaluation.

1. The German News Quotation Attribution format (Petersen-Frey & Biemann 2024; the news track of the
   GermEval 2023 SpkAtt shared task): a ``.jsonl[.gz]`` file with one article per line (``originalText``,
   ``sentences`` with tokens, ``annotations`` with ``quote`` and ``speaker`` spans). Scoring follows the
   authors' ``eval_quotes.py`` (uhh-lt/seq2seq-quotation-attribution): predicted and gold quotes are
   paired one to one by the Hungarian method on the F1 of their token overlap; within every pair (and for
   every unpaired quote against nothing) quote tokens and speaker-mention tokens are counted as TP/FP/FN;
   precision and recall are averaged over the pairs where they are defined (macro), F1 is their harmonic
   mean; as there, the same quotation type only breaks ties between overlapping quotes. ``speakers`` is
   that figure for the speaker role alone: the mention we read the speaker from must cover the annotated
   mention's tokens (``er`` is right where the gold marks ``er``; the corpus marks whole phrases with
   appositions, which extract/attribution.py's ``mention_end`` reproduces). Texts go through the
   language stage's German pipeline, as in the product.
   ``speaker_ceiling`` is the speakers' figure with the annotated speaker on every quote paired with a
   prediction: what choosing speakers alone could reach on the quotes found.
   Also printed: ``detect`` (a prediction overlapping a gold quote, counted one to one) and
   ``speaker_names`` (matched quotes whose resolved speaker shares content words with the gold mention).
2. A folder in the layout of shared/spec (``articles/`` + ``expected_quotes.jsonl``), scored like
   shared/tools/score.py (span overlap; the speaker right when names share content words), on the
   language stage's German pipeline as ``analyze`` runs it.

Usage: ``python -m quellenlage.eval.quotes PATH [--json]``.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language

from quellenlage.eval.claims import prf, read_jsonl, same_source, score_spans, spec_bodies
from quellenlage.extract.quotes import QuoteMatch, find_quote_matches, find_quotes
from quellenlage.language.pipeline import get_nlp, ner_model_available

Span = tuple[int, int]
OPEN_MARKS = "«»„“\"‚'‹›"
CLOSE_MARKS = "«»“”\"‘'‹›"


@dataclass(slots=True)
class GoldQuote:
    span: Span
    speaker: str
    speaker_spans: tuple[Span, ...]
    type: str
    nested: bool
    quote_tokens: list[int] = field(default_factory=list)
    speaker_tokens: list[int] = field(default_factory=list)


@dataclass(slots=True)
class GoldDocument:
    name: str
    text: str
    quotes: list[GoldQuote]
    token_spans: list[Span]  # char span of every document token, by token id


def _spans(part: dict[str, Any] | None) -> list[Span]:
    if not part:
        return []
    return [(int(s["charBegin"]), int(s["charEnd"])) for s in part.get("spans", [])]


def _token_ids(part: dict[str, Any] | None) -> list[int]:
    return sorted(set(int(t) for t in (part or {}).get("tokenIds", [])))


def _token_spans(text: str, sentences: list[dict[str, Any]]) -> list[Span]:
    """Char spans of the corpus tokens, found in order in the text (a few normalised tokens are guessed)."""
    spans: dict[int, Span] = {}
    for sent in sentences:
        pos = int(sent["charBegin"])
        for tid, tok in zip(sent["tokenIds"], sent["tokens"], strict=True):
            j = text.find(tok, pos)
            if j < 0 or j - pos > 3:
                j = pos
                while j < len(text) and text[j].isspace():
                    j += 1
            spans[int(tid)] = (j, j + len(tok))
            pos = j + len(tok)
    return [spans.get(i, (0, 0)) for i in range(max(spans, default=-1) + 1)]


def read_documents(path: Path) -> Iterator[GoldDocument]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            golds = []
            for ann in doc.get("annotations", []):
                spans = _spans(ann.get("quote"))
                if not spans:
                    continue
                speaker = ann.get("speaker") or {}
                golds.append(
                    GoldQuote(
                        (min(s for s, _ in spans), max(e for _, e in spans)),
                        str(speaker.get("text", "")).strip(),
                        tuple(_spans(speaker)),
                        str(ann.get("type")),
                        bool(ann.get("isNested")),
                        _token_ids(ann.get("quote")),
                        _token_ids(speaker),
                    )
                )
            text = str(doc["originalText"])
            yield GoldDocument(
                str(doc.get("documentName", "")), text, golds, _token_spans(text, doc.get("sentences", []))
            )


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def tokens_in(span: Span | None, token_spans: list[Span]) -> list[int]:
    if span is None:
        return []
    return [i for i, t in enumerate(token_spans) if _overlap(span, t) > 0]


def _with_marks(text: str, m: QuoteMatch) -> Span:
    """The corpus counts the quotation marks as part of a direct quote; ours stop inside them."""
    s, e = m.quote.start, m.quote.end
    if m.quote.kind == "direct":
        if s > 0 and text[s - 1] in OPEN_MARKS:
            s -= 1
        if e < len(text) and text[e] in CLOSE_MARKS:
            e += 1
    return s, e


def token_f1(gold: list[int], pred: list[int]) -> float:
    both = len(set(gold) & set(pred))
    if not both:
        return 0.0
    p, r = both / len(pred), both / len(gold)
    return 2 * p * r / (p + r)


def _assign(golds: list[list[int]], preds: list[list[int]], bonus: np.ndarray) -> list[tuple[int, int]]:
    """Hungarian pairing on token-overlap F1, as in the authors' script: the same form breaks ties between
    overlapping quotes only (a bonus on non-overlapping pairs would steer which quotes stay unpaired)."""
    from scipy.optimize import linear_sum_assignment

    if not golds or not preds:
        return []
    overlap = np.array([[token_f1(g, p) for p in preds] for g in golds])
    scores = overlap + np.where(overlap > 0, bonus, 0.0)
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]


@dataclass(slots=True)
class Macro:
    """Per-pair precision and recall, averaged over the pairs where they are defined."""

    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)

    def add(self, gold: list[int], pred: list[int]) -> None:
        tp = len(set(gold) & set(pred))
        if pred:
            self.precisions.append(tp / len(set(pred)))
        if gold:
            self.recalls.append(tp / len(set(gold)))

    def result(self) -> dict[str, float | int]:
        p = sum(self.precisions) / len(self.precisions) if self.precisions else 0.0
        r = sum(self.recalls) / len(self.recalls) if self.recalls else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 3), "r": round(r, 3), "f1": round(f1, 3)}


def pair_quotes(doc: GoldDocument, preds: list[QuoteMatch]) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """The corpus tokens of every predicted quote and the (gold, prediction) index pairs of the scoring."""
    pred_q = [
        [k for k in tokens_in(_with_marks(doc.text, m), doc.token_spans) if k not in frame]
        for m, frame in ((m, set(tokens_in(m.frame, doc.token_spans))) for m in preds)
    ]
    bonus = np.array([[0.01 * (p.form == g.type) for p in preds] for g in doc.quotes]).reshape(
        len(doc.quotes), len(preds)
    )
    return pred_q, _assign([g.quote_tokens for g in doc.quotes], pred_q, bonus)


def _speaker_name_right(gold: GoldQuote, pred: QuoteMatch) -> bool:
    if not gold.speaker or not pred.quote.speaker:
        return False
    if pred.speaker_span and any(_overlap(pred.speaker_span, s) for s in gold.speaker_spans):
        return True
    return same_source(gold.speaker, pred.quote.speaker) or same_source(pred.quote.speaker, gold.speaker)


def _detect_pairs(golds: list[GoldQuote], preds: list[QuoteMatch]) -> list[tuple[GoldQuote, QuoteMatch]]:
    """One-to-one pairs of overlapping quotes, largest character overlap first."""
    pairs = sorted(
        (
            (_overlap(g.span, (p.quote.start, p.quote.end)), gi, pi)
            for gi, g in enumerate(golds)
            for pi, p in enumerate(preds)
        ),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for ov, gi, pi in pairs:
        if ov <= 0:
            break
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((golds[gi], preds[pi]))
    return out


@dataclass(slots=True)
class _Tally:
    quote: Macro = field(default_factory=Macro)
    speaker: Macro = field(default_factory=Macro)
    ceiling: Macro = field(default_factory=Macro)  # the gold speaker on every paired quote
    n_gold: int = 0
    n_pred: int = 0
    detected: int = 0
    gold_named: int = 0
    pred_named: int = 0
    names_right: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)

    def add_document(self, doc: GoldDocument, preds: list[QuoteMatch]) -> None:
        golds = doc.quotes
        pred_q, pairs = pair_quotes(doc, preds)
        pred_s = [tokens_in(m.speaker_span, doc.token_spans) for m in preds]
        for gi, pi in pairs:
            self.quote.add(golds[gi].quote_tokens, pred_q[pi])
            self.speaker.add(golds[gi].speaker_tokens, pred_s[pi])
            self.ceiling.add(golds[gi].speaker_tokens, golds[gi].speaker_tokens)
        for pi in set(range(len(preds))) - {pi for _, pi in pairs}:
            self.quote.add([], pred_q[pi])
            self.speaker.add([], pred_s[pi])
        for gi in set(range(len(golds))) - {gi for gi, _ in pairs}:
            self.quote.add(golds[gi].quote_tokens, [])
            self.speaker.add(golds[gi].speaker_tokens, [])
            self.ceiling.add(golds[gi].speaker_tokens, [])
        detected = _detect_pairs(golds, preds)
        self.n_gold += len(golds)
        self.n_pred += len(preds)
        self.detected += len(detected)
        self.gold_named += sum(bool(g.speaker) for g in golds)
        self.pred_named += sum(p.quote.speaker is not None for p in preds)
        self.names_right += sum(_speaker_name_right(g, p) for g, p in detected)
        found = {id(g) for g, _ in detected}
        for g in golds:
            counts = self.by_type.setdefault(g.type, [0, 0])
            counts[0] += 1
            counts[1] += id(g) in found


def product_nlp() -> Language:
    """The language stage's German pipeline (its sentences decide the clauses), with NER when it ships."""
    return get_nlp("de", ner=ner_model_available())


def evaluate_quotes(path: Path, nlp: Language | None = None, sourced: bool = True) -> dict[str, Any]:
    """``sourced``: the corpus' full scope (statements under ``laut``/``nach Angaben``, free indirect speech);
    without it, only what ``find_quotes`` reports as quotes."""
    nlp = nlp or product_nlp()
    tally = _Tally()
    for doc in read_documents(path):
        tally.add_document(doc, find_quote_matches(doc.name, doc.text, nlp(doc.text), sourced))
    return {
        "quotes": tally.quote.result(),
        "speakers": tally.speaker.result(),
        "speaker_ceiling": tally.ceiling.result(),
        "detect": prf(tally.detected, tally.n_pred, tally.n_gold),
        "speaker_names": prf(tally.names_right, tally.pred_named, tally.gold_named),
        "recall_by_type": {t: round(c[1] / c[0], 3) for t, c in sorted(tally.by_type.items())},
    }


def quote_ok(g: dict[str, Any], p: dict[str, Any]) -> bool:
    """shared/tools/score.py: the speaker names share content words (or both are missing)."""
    if not g.get("speaker"):
        return not p.get("speaker")
    return same_source(str(g["speaker"]), str(p.get("speaker") or ""))


def evaluate_spec_quotes(gold_dir: Path, nlp: Language | None = None) -> dict[str, Any]:
    nlp = nlp or product_nlp()  # as `analyze` runs it: the speaker model reads the entities
    bodies = spec_bodies(gold_dir)
    golds = read_jsonl(gold_dir / "expected_quotes.jsonl")
    preds = {
        a: [
            {"start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker, "kind": q.kind}
            for q in find_quotes(a, body, nlp(body))
        ]
        for a, body in bodies.items()
    }
    out, details = score_spans(golds, bodies, preds, quote_ok)
    out["errors"] = [
        {
            "gold": g["text"],
            "gold_speaker": g.get("speaker"),
            "pred": p and p["text"],
            "pred_speaker": p and p["speaker"],
        }
        for g, p, ok in details
        if not ok
    ]
    out["unmatched_predictions"] = [
        {"text": p["text"], "speaker": p["speaker"]} for p in out["unmatched_predictions"]
    ]
    return out


def main(path: str, as_json: bool = False, sourced: bool = True) -> dict[str, Any]:
    if Path(path).is_dir():
        result = evaluate_spec_quotes(Path(path))
        det = result["detect"]
        print(
            f"quotes.detect p={det['p']} r={det['r']} f1={det['f1']} (gold {det['gold']}, pred {det['pred']})"
        )
        print(f"quotes.correct_given_detected {result['correct_given_detected']}")
    else:
        result = evaluate_quotes(Path(path), sourced=sourced)
        for part in ("quotes", "speakers"):
            r = result[part]
            print(
                f"{part:14} p={r['p']:.3f} r={r['r']:.3f} f1={r['f1']:.3f}  (token level, macro over pairs)"
            )
        r = result["speaker_ceiling"]
        ceiling = f"p={r['p']:.3f} r={r['r']:.3f} f1={r['f1']:.3f}"
        print(f"{'ceiling':14} {ceiling}  (every paired quote's speaker right)")
        for part in ("detect", "speaker_names"):
            r = result[part]
            print(
                f"{part:14} p={r['p']:.3f} r={r['r']:.3f} f1={r['f1']:.3f}"
                f"  (gold {r['gold']}, pred {r['pred']})"
            )
        for t, r in result["recall_by_type"].items():
            print(f"  detect recall {t:22} {r}")
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main(sys.argv[1], "--json" in sys.argv, "--narrow" not in sys.argv)
