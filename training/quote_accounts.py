"""Which speech verbs, used without a reported clause, are accounts of speech in the quotation corpus.

    OMP_NUM_THREADS=1 .venv/bin/python training/quote_accounts.py [--min-count 3] [--min-rate 0.25]

Reads the TRAIN split of ../shared/data/german-news-quotation-attribution (never dev). For every sentence
with a speech cue that has a named, active subject and no clause after it (``Die Polizei warnte vor
Glätte.``), it checks whether
the corpus marks a quote in that sentence whose speaker overlaps the subject. Per verb lemma it prints how
often that holds, and at the end the lemmas seen at least ``--min-count`` times that hold less often than
``--min-rate``: the ``not_accounts`` list of ``rules/quotes_rules.json`` (extract/quotes.py emits the other
uses as the corpus' "Reported" quotes). Deterministic; about a minute.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from quellenlage.eval.quotes import read_documents
from quellenlage.extract.attribution import Analysis, all_attributions, analyse
from quellenlage.language.pipeline import get_nlp

TRAIN = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "german-news-quotation-attribution"
    / "train.jsonl.gz"
)
CLAUSE_MARKS = frozenset(',:„“”«»"')


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _has_clause(an: Analysis, cue: int, end: int) -> bool:
    """A comma, colon or quotation mark after the cue: it may introduce speech of its own."""
    return any(an.tokens[k].text in CLAUSE_MARKS for k in range(cue + 1, end))


def measure(path: Path) -> dict[str, list[int]]:
    """lemma -> [uses, uses whose subject the corpus marks as a speaker of a quote in the sentence]."""
    nlp = get_nlp("de", ner=False)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc in read_documents(path):
        an = analyse(doc.text, nlp(doc.text))
        for si, atts in enumerate(all_attributions(an)):
            named = [a for a in atts if a.kind == "speech" and a.sources and a.source_span and not a.passive]
            if not named:
                continue
            att = named[-1]
            first, end = an.sentences[si]
            if att.verb_first or _has_clause(an, an.tok_at(att.cue_start), end):
                continue
            sentence = (an.tokens[first].start, an.tokens[end - 1].end)
            source = att.source_span
            assert source is not None
            hit = any(
                _overlaps(g.span, sentence) and any(_overlaps(source, s) for s in g.speaker_spans)
                for g in doc.quotes
            )
            counts[att.lemma][0] += 1
            counts[att.lemma][1] += hit
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--min-rate", type=float, default=0.25)
    args = parser.parse_args()
    counts = measure(TRAIN)
    print(f"{'lemma':16} {'uses':>5} {'speaker':>8}")
    for lemma, (n, hit) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
        print(f"{lemma:16} {n:5} {hit / n:8.2f}")
    rare = sorted(
        lemma for lemma, (n, hit) in counts.items() if n >= args.min_count and hit / n < args.min_rate
    )
    print(json.dumps({"not_accounts": rare}, ensure_ascii=False))


if __name__ == "__main__":
    main()
