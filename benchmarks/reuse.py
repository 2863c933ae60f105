"""Reuse benchmark: passage and near-duplicate quality, false links, indexing speed and memory.

Built from real DER STANDARD articles (10kGNAD test split). A sample of base articles gets derived
versions (sentence deletions, sentences inserted from articles outside the collection, word
substitutions and paraphrased words, changed quote marks, ß -> ss, inserted clauses, reordered
paragraphs, short boilerplate lines), mixed among unrelated articles. Every sentence of every document
carries its provenance, so the true shared passages between any two documents are known: maximal runs of
sentences adjacent in both. Quality is measured on the 1k collection; speed and memory at each size in
``--sizes`` (beyond 1k the collection is topped up with further derived versions of random articles).

    .venv/bin/python benchmarks/reuse.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import re
import sys
import time
import tracemalloc
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from quellenlage.model import Article, ReuseLink
from quellenlage.reuse import ReuseIndex, find_reuse, normalize, split_sentences

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "10kgnad-news" / "test.csv.gz"

PARAPHRASES = {
    "sagte": "erklärte",
    "erklärte": "sagte",
    "würden": "werden",
    "werden": "würden",
    "Kollegin": "Amtskollegin",
    "Kollege": "Amtskollege",
    "rund": "etwa",
    "etwa": "rund",
    "bereits": "schon",
    "jedoch": "aber",
    "sei": "ist",
    "ist": "sei",
    "Dienstag": "Mittwoch",
    "Menschen": "Personen",
}
CLAUSES = [", wie es hieß,", ", so die Agentur,", ", teilte ein Sprecher mit,", ", hieß es weiter,"]
# Page furniture shorter than one sentence of 12 words: longer furniture is the clean stage's job.
BOILERPLATE = [
    "Foto: APA/dpa",
    "Lesen Sie auch:",
    "Teilen auf Facebook und Twitter",
    "(red, APA)",
    "Diese Audioversion wurde künstlich generiert. Mehr Infos",
    "Newsletter abonnieren",
]
Unit = tuple[int, int]  # (base article number, sentence number); (-1, n) for boilerplate


@dataclass
class Doc:
    id: str
    text: str
    units: list[Unit | None]
    spans: list[tuple[int, int]]
    base: int
    derived: bool = False
    index_of: dict[Unit, int] = field(default_factory=dict)


def load() -> list[str]:
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        return [row[1] for row in csv.reader(f, delimiter=";", quotechar="'") if len(row) == 2]


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def edit_sentence(sentence: str, rng: random.Random, vocab: list[str]) -> str:
    words = sentence.split(" ")
    if rng.random() < 0.3 and len(words) > 3:
        k = rng.randrange(len(words))
        core = words[k].strip('.,;:!?"„“«»')
        if core in PARAPHRASES:
            words[k] = words[k].replace(core, PARAPHRASES[core])
        elif len(core) > 3:
            words[k] = words[k].replace(core, rng.choice(vocab))
    if rng.random() < 0.1 and len(words) > 6:
        k = rng.randrange(2, len(words) - 2)
        words[k] = words[k] + rng.choice(CLAUSES)
    return " ".join(words)


def derive(
    base: int, sents: list[str], rng: random.Random, vocab: list[str], pool: list[str]
) -> list[tuple[Unit | None, str]]:
    kept = [((base, i), edit_sentence(s, rng, vocab)) for i, s in enumerate(sents) if rng.random() > 0.15]
    out: list[tuple[Unit | None, str]] = []
    for unit in kept:
        out.append(unit)
        if rng.random() < 0.08:
            k = rng.randrange(len(pool))
            out.append(((-2, k), pool[k]))
    paragraphs: list[list[tuple[Unit | None, str]]] = []
    while len(out) > sum(map(len, paragraphs)):
        done = sum(map(len, paragraphs))
        paragraphs.append(out[done : done + rng.randint(3, 5)])
    if rng.random() < 0.5 and len(paragraphs) > 2:
        first, rest = paragraphs[0], paragraphs[1:]
        rng.shuffle(rest)
        paragraphs = [first, *rest]
    joined: list[tuple[Unit | None, str]] = []
    if rng.random() < 0.5:
        joined.append((None, rng.choice(BOILERPLATE) + "\n"))
    for p in paragraphs:
        joined.extend(p)
        joined.append((None, "\n"))
    if rng.random() < 0.5:
        joined.append((None, rng.choice(BOILERPLATE)))
    return joined


def restyle(rng: random.Random) -> dict[str, str]:
    """A document's house style: guillemets instead of straight quotes, Swiss ss for ß."""
    table: dict[str, str] = {}
    if rng.random() < 0.5:
        table |= {'"': "«"}
    if rng.random() < 0.3:
        table |= {"ß": "ss"}
    return table


def assemble(doc_id: str, parts: list[tuple[Unit | None, str]], base: int, style: dict[str, str]) -> Doc:
    text, units, spans = "", [], []
    for unit, part in parts:
        if part.endswith("\n"):
            text = text.rstrip(" ") + ("\n" if part == "\n" else "\n" + part)
            continue
        for old, new in style.items():
            part = part.replace(old, new)
        units.append(unit)
        spans.append((len(text), len(text) + len(part)))
        text += part + " "
    return Doc(doc_id, text.strip(), units, spans, base, derived=True)


def build(texts: list[str], n_docs: int, seed: int = 7) -> list[Doc]:
    """700 originals, 150 of them with two derived versions each; above 1k, more derived versions."""
    rng = random.Random(seed)
    order = list(range(len(texts)))
    rng.shuffle(order)
    pool_ids, rest = order[:200], order[200:]
    pool = [s for i in pool_ids for s in sentences(texts[i]) if len(s.split()) >= 6]
    vocab = sorted({w for i in pool_ids for w in re.findall(r"\b[A-Za-zÄÖÜäöüß]{5,}\b", texts[i])})
    sents = {i: sentences(texts[i]) for i in rest}
    # a sentence that occurs in several originals (agency notices) is one unit: it really is shared
    canonical: dict[str, Unit] = {}
    for i in rest:
        for k, sentence in enumerate(sents[i]):
            canonical.setdefault(normalize(sentence), (i, k))
    n_orig = len(rest) if n_docs > 1000 else min(700, n_docs)
    docs: list[Doc] = []
    for i in rest[:n_orig]:
        parts: list[tuple[Unit | None, str]] = [(canonical[normalize(s)], s) for s in sents[i]]
        doc = assemble(f"orig-{i:04d}", parts, i, {})
        doc.derived = False
        docs.append(doc)
    targets = [b for b in rest[:150] for _ in range(2)]
    serial = 0
    while len(docs) < n_docs:
        b = targets[serial] if serial < len(targets) else rng.choice(rest[:n_orig])
        parts = derive(b, sents[b], rng, vocab, pool)
        parts = [(canonical[normalize(sents[u[0]][u[1]])] if u and u[0] >= 0 else u, p) for u, p in parts]
        docs.append(assemble(f"deriv-{serial:06d}-{b:04d}", parts, b, restyle(rng)))
        serial += 1
    for doc in docs:
        doc.index_of = {u: k for k, u in enumerate(doc.units) if u is not None}
    return docs[:n_docs]


def true_passages(x: Doc, y: Doc) -> list[tuple[tuple[int, int], tuple[int, int], int]]:
    """Maximal runs of sentences adjacent in both documents: (span in x, span in y, sentence count)."""
    out = []
    k = 0
    while k < len(x.units):
        u = x.units[k]
        if u is None or u not in y.index_of:
            k += 1
            continue
        j = y.index_of[u]
        n = 1
        while (
            k + n < len(x.units)
            and j + n < len(y.units)
            and x.units[k + n] is not None
            and x.units[k + n] == y.units[j + n]
        ):
            n += 1
        out.append(((x.spans[k][0], x.spans[k + n - 1][1]), (y.spans[j][0], y.spans[j + n - 1][1]), n))
        k += n
    return out


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def quality(docs: list[Doc]) -> dict[str, float]:
    by_id = {d.id: d for d in docs}
    articles = [Article(id=d.id, origin=d.id, text=d.text, source=d.text) for d in docs]
    start = time.process_time()
    links = find_reuse(articles)
    link_seconds = time.process_time() - start
    index = ReuseIndex()
    dup_pred = set()
    for article in sorted(articles, key=lambda a: a.id):
        dup_pred.update(tuple(sorted((article.id, other))) for other in index.add(article))
    # truth: pairs of documents sharing any sentence
    holders: dict[Unit, list[str]] = defaultdict(list)
    for d in docs:
        for u in d.units:
            if u is not None:
                holders[u].append(d.id)
    related = {tuple(sorted((p, q))) for ids in holders.values() for p in ids for q in ids if p < q}
    truth = {pair: true_passages(by_id[pair[0]], by_id[pair[1]]) for pair in related}
    same_base = {
        pair
        for pair in related
        if by_id[pair[0]].base == by_id[pair[1]].base and (by_id[pair[0]].derived or by_id[pair[1]].derived)
    }
    by_pair: dict[tuple[str, str], list[ReuseLink]] = defaultdict(list)
    for link in links:
        by_pair[link.a, link.b].append(link)
    correct = unrelated = 0
    for link in links:
        passages = truth.get((link.a, link.b))
        if passages is None:
            unrelated += 1
            print("UNRELATED LINK", link.a, link.b, repr(by_id[link.a].text[link.a_start : link.a_end][:160]))
            continue
        a_in = sum(overlap((link.a_start, link.a_end), p[0]) for p in passages)
        b_in = sum(overlap((link.b_start, link.b_end), p[1]) for p in passages)
        if a_in >= 0.5 * (link.a_end - link.a_start) and b_in >= 0.5 * (link.b_end - link.b_start):
            correct += 1
    gold = [(pair, p) for pair, ps in truth.items() for p in ps if p[2] >= 2]
    found = 0
    for pair, (sa, sb, _) in gold:
        if any(
            overlap(sa, (x.a_start, x.a_end)) >= 0.5 * (sa[1] - sa[0])
            and overlap(sb, (x.b_start, x.b_end)) >= 0.5 * (sb[1] - sb[0])
            for x in by_pair.get(pair, [])
        ):
            found += 1
    dup_tp = len(dup_pred & same_base)
    return {
        "documents": len(docs),
        "links": len(links),
        "passage_precision": correct / len(links) if links else 1.0,
        "passage_recall": found / len(gold) if gold else 1.0,
        "gold_passages_2plus": len(gold),
        "dup_precision": dup_tp / len(dup_pred) if dup_pred else 1.0,
        "dup_recall": dup_tp / len(same_base) if same_base else 1.0,
        "dup_pairs_true": len(same_base),
        "unrelated_links": unrelated,
        "find_reuse_docs_per_s": len(docs) / link_seconds,
    }


def speed(docs: list[Doc]) -> dict[str, float]:
    articles = [Article(id=d.id, origin=d.id, text=d.text, source=d.text) for d in docs]
    ReuseIndex().add(Article(id="warm-up", origin="", text="Ein Satz.", source=""))  # one-time tables
    index = ReuseIndex()
    load = os.getloadavg()[0]
    start = time.process_time()  # CPU time: the machine is shared, wall time would count others' work
    duplicates = 0
    for article in articles:
        duplicates += len(index.add(article))
    seconds = time.process_time() - start
    print(
        f"{len(docs)} documents: add() {len(docs) / seconds:.0f}/s; tracing memory",
        file=sys.stderr,
        flush=True,
    )
    del index
    tracemalloc.start()  # a second pass: tracing slows allocation several times over
    index = ReuseIndex()
    for article in articles:
        index.add(article)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "documents": len(docs),
        "add_per_s": len(docs) / seconds,
        "traced_mb": current / 1e6,
        "peak_mb": peak / 1e6,
        "numpy_mb": index.memory_bytes() / 1e6,
        "bytes_per_doc": current / len(docs),
        "traced_bytes": current,
        "dups_returned": duplicates,
        "load": (load + os.getloadavg()[0]) / 2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    texts = load()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not args.no_quality:
        docs = build(texts, 1000)
        q = quality(docs)
        print("\n| quality (1k collection) | value |\n|---|---|")
        for key, value in q.items():
            print(f"| {key} | {value:.3f} |" if isinstance(value, float) else f"| {key} | {value} |")
    # bytes/doc includes fixed costs (recent postings, feature cache); the growth column is the
    # difference to the previous size per added document, which is what scales
    print(
        "\n| documents | add() docs/s | load avg | traced MB | peak MB | numpy MB | bytes/doc "
        "| growth bytes/doc | dups returned |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    previous: tuple[int, float] | None = None
    for size in sizes:
        docs = build(texts, size)
        s = speed(docs)
        growth = (s["traced_bytes"] - previous[1]) / (size - previous[0]) if previous else float("nan")
        previous = (size, s["traced_bytes"])
        print(
            f"| {size} | {s['add_per_s']:.0f} | {s['load']:.1f} | {s['traced_mb']:.1f} | "
            f"{s['peak_mb']:.1f} | {s['numpy_mb']:.1f} | {s['bytes_per_doc']:.0f} | {growth:.0f} | "
            f"{s['dups_returned']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
