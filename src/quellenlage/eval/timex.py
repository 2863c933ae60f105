"""Evaluate the temporal tagger against TimeML (TIMEX3) and WikiWarsDE (TIMEX2) gold data.

TempEval-3 style: strict extent (same span) and relaxed extent (overlap) precision, recall
and F1; type and value accuracy over the relaxed matches. Values are compared after a light
normalisation of clock times ("T20.30", "T8:30" -> "T20:30", "T08:30") and of durations that
TimeML spells in more than one way (P1.5Y = P1Y6M = P18M).
When a HeidelTime output folder sits beside the gold (``<gold>_Heideltime``), it is scored
in the same run as the baseline.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quellenlage.extract.temporal import Guideline, find_timerefs
from quellenlage.model import PartialDate


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(slots=True)
class TimexDoc:
    name: str
    text: str
    dct: PartialDate | None
    timexes: list[Timex] = field(default_factory=list)


def _walk(elem: ET.Element, parts: list[str], timexes: list[Timex], offset: list[int]) -> None:
    """Concatenate the element's text, recording TIMEX3 spans (other inline tags are dropped)."""

    def add(s: str | None) -> None:
        if s:
            parts.append(s)
            offset[0] += len(s)

    start = offset[0]
    add(elem.text)
    for child in elem:
        _walk(child, parts, timexes, offset)
        add(child.tail)
    if elem.tag == "TIMEX3":
        text = "".join(parts)[start : offset[0]]
        timexes.append(Timex(start, offset[0], text, elem.get("type", ""), elem.get("value", "")))


def read_timeml(path: Path) -> TimexDoc:
    """One TimeML file: the TEXT content, its TIMEX3 spans and the document creation time."""
    root = ET.parse(path).getroot()
    dct_elem = root.find("DCT/TIMEX3")
    dct = None
    if dct_elem is not None and dct_elem.get("value"):
        dct = PartialDate.parse((dct_elem.get("value") or "")[:10])
    body = root.find("TEXT")
    parts: list[str] = []
    timexes: list[Timex] = []
    if body is not None:
        body.tail = None
        _walk(body, parts, timexes, [0])
    return TimexDoc(path.name, "".join(parts), dct, sorted(timexes, key=lambda t: t.start))


_TIMEX2_TAG = re.compile(r"<(/?)TIMEX2([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_timex2(path: Path) -> TimexDoc:
    """One WikiWarsDE ``keyinline`` file: TEXT with inline (possibly nested) TIMEX2 tags."""
    raw = path.read_text(encoding="utf-8")
    body = raw[raw.index("<TEXT>") + len("<TEXT>") : raw.rindex("</TEXT>")]
    parts: list[str] = []
    stack: list[tuple[int, dict[str, str]]] = []
    timexes: list[Timex] = []
    pos = length = 0
    for m in _TIMEX2_TAG.finditer(body):
        piece = html.unescape(body[pos : m.start()])
        parts.append(piece)
        length += len(piece)
        pos = m.end()
        if m.group(1):
            start, attrs = stack.pop()
            val = attrs.get("val", "")
            kind = (
                "SET"
                if attrs.get("set")
                else "DURATION"
                if val.startswith("P")
                else "TIME"
                if "T" in val
                else "DATE"
            )
            timexes.append(Timex(start, length, "".join(parts)[start:length], kind, val))
        else:
            stack.append((length, dict(_ATTR.findall(m.group(2)))))
    parts.append(html.unescape(body[pos:]))
    return TimexDoc(path.name, "".join(parts), None, sorted(timexes, key=lambda t: t.start))


_NUM = r"(\d+(?:\.\d+)?)"
_DURATION = re.compile(
    rf"^P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$"
)


def _norm_duration(value: str) -> str:
    """One spelling per length: P1.5Y, P1Y6M and P18M are the same duration, as are P1W and P7D.

    Calendar units (years, months), days and clock units stay apart: a day is not always 24 hours.
    """
    m = _DURATION.match(value)
    if not m or value in ("P", "PT"):
        return value
    y, mo, w, d, h, mi, sec = (float(x) if x else 0.0 for x in m.groups())
    months, days, seconds = 12 * y + mo, 7 * w + d, 3600 * h + 60 * mi + sec
    return f"P{months:g}M{days:g}DT{seconds:g}S"


def _norm_value(value: str) -> str:
    v = value.strip().upper()
    if v.startswith("P"):
        return _norm_duration(v)
    v = re.sub(r"T(\d{1,2})[.:](\d{2})", lambda m: f"T{int(m.group(1)):02d}:{m.group(2)}", v)
    return re.sub(r"T(\d{1,2})$", lambda m: f"T{int(m.group(1)):02d}:00", v)


@dataclass(slots=True)
class _Tally:
    gold: int = 0
    pred: int = 0
    strict: int = 0
    relaxed: int = 0
    type_ok: int = 0
    value_ok: int = 0
    outcome: list[bool | None] = field(default_factory=list)  # per gold: unmatched / value right or wrong
    found: list[Timex | None] = field(default_factory=list)  # per gold: the prediction matched to it

    def add(self, gold: list[Timex], pred: list[Timex]) -> None:
        self.gold += len(gold)
        self.pred += len(pred)
        spans = {(p.start, p.end) for p in pred}
        self.strict += sum((g.start, g.end) in spans for g in gold)
        used: set[int] = set()
        for g in gold:
            best, best_overlap = -1, 0
            for i, p in enumerate(pred):
                overlap = min(g.end, p.end) - max(g.start, p.start)
                if i not in used and overlap > best_overlap:
                    best, best_overlap = i, overlap
            if best < 0:
                self.outcome.append(None)
                self.found.append(None)
                continue
            used.add(best)
            p = pred[best]
            self.relaxed += 1
            self.type_ok += p.type == g.type
            right = _norm_value(p.value) == _norm_value(g.value)
            self.value_ok += right
            self.outcome.append(right)
            self.found.append(p)

    def scores(self) -> dict[str, float | int]:
        def prf(tp: int) -> tuple[float, float, float]:
            p = tp / self.pred if self.pred else 0.0
            r = tp / self.gold if self.gold else 0.0
            return p, r, 2 * p * r / (p + r) if p + r else 0.0

        sp, sr, sf = prf(self.strict)
        rp, rr, rf = prf(self.relaxed)
        rel = self.relaxed or 1
        return {
            "gold": self.gold,
            "predicted": self.pred,
            "strict_p": round(sp, 3),
            "strict_r": round(sr, 3),
            "strict_f1": round(sf, 3),
            "relaxed_p": round(rp, 3),
            "relaxed_r": round(rr, 3),
            "relaxed_f1": round(rf, 3),
            "type_accuracy": round(self.type_ok / rel, 3),
            "value_accuracy": round(self.value_ok / rel, 3),
            "value_recall": round(self.value_ok / self.gold, 3) if self.gold else 0.0,
        }


def _common_value_accuracy(a: _Tally, b: _Tally) -> tuple[int, float, float]:
    """Value accuracy of two systems over the gold expressions both of them found."""
    both = [(x, y) for x, y in zip(a.outcome, b.outcome, strict=True) if x is not None and y is not None]
    n = len(both) or 1
    return len(both), round(sum(bool(x) for x, _ in both) / n, 3), round(sum(bool(y) for _, y in both) / n, 3)


def _value_errors(docs: list[TimexDoc], ours: _Tally, heidel: _Tally | None) -> list[dict[str, str | None]]:
    """Every gold expression we found with a different value, beside HeidelTime's value for it: where the
    gold repeats HeidelTime's output against the text, the gold kept its pre-annotation."""
    golds = [(d.name, g) for d in docs for g in d.timexes]
    out: list[dict[str, str | None]] = []
    for i, ((name, g), right, mine) in enumerate(zip(golds, ours.outcome, ours.found, strict=True)):
        if right is False and mine is not None:
            theirs = heidel.found[i] if heidel else None
            out.append(
                {
                    "document": name,
                    "gold_text": g.text,
                    "gold": g.value,
                    "text": mine.text,
                    "value": mine.value,
                    "heideltime": theirs.value if theirs else None,
                }
            )
    return out


def _tag(doc: TimexDoc, narrative: bool = False, guideline: Guideline = "timeml") -> list[Timex]:
    refs = find_timerefs(doc.name, doc.text, doc.dct, "de", narrative=narrative, guideline=guideline)
    return [Timex(r.start, r.end, r.text, r.type, r.value or "") for r in refs]


def _tally(docs: Iterable[tuple[list[Timex], list[Timex]]]) -> _Tally:
    tally = _Tally()
    for gold, pred in docs:
        tally.add(gold, pred)
    return tally


def evaluate_timeml(gold_dir: Path, guideline: Guideline = "it-timeml") -> dict[str, Any]:
    """Score the tagger (anchored at each file's DCT) and, if present, HeidelTime's output on TimeML gold.

    The tagger follows ``guideline``: KRAUTS, the German TimeML corpus, is annotated by It-TimeML
    and its German annex ("vor drei Jahren" is the DURATION "drei Jahren").
    """
    gold_dir = Path(gold_dir)
    docs = [read_timeml(p) for p in sorted(gold_dir.glob("*.tml"))]
    result: dict[str, Any] = {
        "corpus": gold_dir.name,
        "documents": len(docs),
    }
    ours = _tally((d.timexes, _tag(d, guideline=guideline)) for d in docs)
    result["systems"] = {"quellenlage": ours.scores()}
    heidel_dir = gold_dir.parent / f"{gold_dir.name}_Heideltime"
    heidel: _Tally | None = None
    if heidel_dir.is_dir():
        pairs = []
        for d in docs:
            path = heidel_dir / d.name
            if path.exists():
                h = read_timeml(path)
                if h.text != d.text:
                    raise ValueError(f"HeidelTime text differs from gold: {d.name}")
                pairs.append((d.timexes, h.timexes))
            else:
                pairs.append((d.timexes, []))
        heidel = _tally(pairs)
        result["systems"]["heideltime"] = heidel.scores()
        # HeidelTime finds fewer, easier expressions (and the gold was corrected from its output):
        # compare values on the expressions both systems found
        n, mine, theirs = _common_value_accuracy(ours, heidel)
        result["found_by_both"] = {
            "gold": n,
            "quellenlage_value_accuracy": mine,
            "heideltime_value_accuracy": theirs,
        }
    result["value_errors"] = _value_errors(docs, ours, heidel)
    return result


def evaluate_wikiwars(corpus_dir: Path) -> dict[str, Any]:
    """Score the tagger on WikiWarsDE (TIMEX2, narratives): no publication date, text dates anchor."""
    corpus_dir = Path(corpus_dir)
    inline = corpus_dir / "keyinline" if (corpus_dir / "keyinline").is_dir() else corpus_dir
    docs = [read_timex2(p) for p in sorted(inline.glob("*.key.xml"))]
    ours = _tally((d.timexes, _tag(d, narrative=True)) for d in docs)
    return {
        "corpus": corpus_dir.name,
        "documents": len(docs),
        "systems": {"quellenlage": ours.scores()},
        "value_errors": _value_errors(docs, ours, None),
    }


def evaluate(path: Path) -> dict[str, Any]:
    """A TimeML folder (``*.tml``), a WikiWarsDE folder (``keyinline/``), or a folder holding one."""
    path = Path(path)
    if any(path.glob("*.tml")):
        return evaluate_timeml(path)
    if (path / "keyinline").is_dir() or any(path.glob("*.key.xml")):
        return evaluate_wikiwars(path)
    for sub in sorted(p for p in path.iterdir() if p.is_dir()):
        if (sub / "keyinline").is_dir():
            return evaluate_wikiwars(sub)
    raise FileNotFoundError(f"no TimeML (*.tml) or WikiWarsDE (keyinline/) files under {path}")


def main(path: str, as_json: bool = False) -> dict[str, Any]:
    """Print a table of the scores and, as the last line, the JSON; return the result."""
    result = evaluate(Path(path))
    if not as_json:
        keys = ["gold", "predicted", "strict_f1", "relaxed_p", "relaxed_r", "relaxed_f1", "type_accuracy"]
        keys += ["value_accuracy", "value_recall"]
        print(f"{result['corpus']}: {result['documents']} documents")
        print(f"{'system':<12}" + "".join(f"{k:>15}" for k in keys))
        for name, scores in result["systems"].items():
            print(f"{name:<12}" + "".join(f"{scores[k]:>15}" for k in keys))
        if "found_by_both" in result:
            both = result["found_by_both"]
            mine, theirs = both["quellenlage_value_accuracy"], both["heideltime_value_accuracy"]
            print(
                f"value accuracy on the {both['gold']} expressions both found: {mine} vs heideltime {theirs}"
            )
        errors = result["value_errors"]
        same = sum(
            e["heideltime"] is not None and _norm_value(e["heideltime"]) == _norm_value(e["gold"])
            for e in errors
        )
        tail = (
            f", {same} of them where the gold value is HeidelTime's own" if "found_by_both" in result else ""
        )
        print(f"value errors (listed in the JSON): {len(errors)}{tail}")
    print(json.dumps(result, ensure_ascii=False))
    return result
