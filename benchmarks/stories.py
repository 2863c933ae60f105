"""Stories benchmark: articles/s of online clustering with 1k, 10k and 100k articles already clustered.

The archive is replicated from the 10kGNAD test articles with perturbations, so no two copies are the same:
each copy loses a random 30 % of its lemmas, its embedding gets noise, and it is dated at random within ten
years (copies far apart in time start their own stories, linked by threads within two years). Lemmas and
embeddings of the originals are computed once; the embedding cost per article (USE on title and lead) is
measured apart and added. A second table gives the embedding cost by length of the embedded text and by
number of BLAS threads, all in the same run.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/stories.py [--sizes 1000 10000 100000] [--probe 500]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta

import numpy as np

from common import gnad_texts, peak_rss_mb, print_table
from quellenlage.model import PartialDate
from quellenlage.stories import StoryConfig, StoryFeatures, StoryIndex, content_lemmas, default_embedder
from quellenlage.stories.embed import Embedder, UseEmbedder
from quellenlage.stories.features import lead

START = date(2015, 1, 1)
WORDS = StoryConfig().lead_words


class Replicator:
    """Perturbed copies of real articles (seeded: the same run gives the same copies)."""

    def __init__(self, texts: list[str], seed: int = 7) -> None:
        self.base = [StoryFeatures(f"a{i}", "", t, language="de") for i, t in enumerate(texts)]
        self.lemmas = [content_lemmas(t, "de") for t in texts]
        self.embeddings = default_embedder()([lead(f, WORDS) for f in self.base])
        self.rng = np.random.default_rng(seed)
        self.count = 0

    def next(self) -> StoryFeatures:
        i = self.count % len(self.base)
        self.count += 1
        lemmas = self.lemmas[i]
        keep = self.rng.random(len(lemmas)) >= 0.3
        vector = self.embeddings[i] + self.rng.normal(0, 0.02, self.embeddings.shape[1]).astype(np.float32)
        day = START + timedelta(days=int(self.rng.integers(0, 3650)))
        return StoryFeatures(
            f"c{self.count}",
            text="",
            published=PartialDate.of(day),
            language="de",
            lemmas=tuple(lemma for lemma, k in zip(lemmas, keep, strict=True) if k),
            title_lemmas=(),
            embedding=vector / np.linalg.norm(vector),
        )


def embedding_ms(
    texts: list[str], words: int = WORDS, embedder: Embedder | None = None, count: int = 200
) -> float:
    """Milliseconds to embed one article's title and lead (batched as ``cluster`` does), the best of three
    runs: the machine is shared, and the fastest run is the one least disturbed by other jobs."""
    leads = [lead(StoryFeatures("x", "", t), words) for t in texts[:count]]
    embed = embedder or default_embedder()
    return min(_seconds(embed, leads) for _ in range(3)) * 1000 / len(leads)


def _seconds(embed: Embedder, leads: list[str]) -> float:
    started = time.perf_counter()
    embed(leads)
    return time.perf_counter() - started


def embedding_table(texts: list[str]) -> None:
    """Embedding cost by words embedded (one thread) and by BLAS threads (configured length). Every core is
    what OpenBLAS took before threadpoolctl made the one-thread setting work (unless OMP_NUM_THREADS=1)."""
    cores = os.cpu_count() or 1
    every_core = UseEmbedder(threads=cores)
    every_core(["warm up"])
    rows: list[list[object]] = [[words, 1, embedding_ms(texts, words)] for words in (30, 40, WORDS)]
    rows.append([WORDS, cores, embedding_ms(texts, WORDS, every_core)])
    print_table(["words embedded", "BLAS threads", "ms/article"], rows)


def run(sizes: list[int], probe: int) -> None:
    texts = gnad_texts()
    replicas = Replicator(texts)
    embed = embedding_ms(texts)
    rows: list[list[object]] = []
    base_ms = None
    for size in sizes:
        index = StoryIndex()
        started = time.perf_counter()
        for _ in range(size):
            index.add(replicas.next())
        fill = time.perf_counter() - started
        probes = [replicas.next() for _ in range(probe)]
        started = time.perf_counter()
        for item in probes:
            index.add(item)
        ms = (time.perf_counter() - started) * 1000 / probe
        base_ms = base_ms or ms
        threads = len({story.thread for story in index.stories()})
        per_s, with_embedding = round(1000 / ms), round(1000 / (ms + embed))
        rows.append([size, len(index), threads, round(fill, 1), ms, per_s, with_embedding, ms / base_ms])
    header = [
        "archive",
        "stories",
        "threads",
        "fill s",
        "ms/article",
        "art/s",
        "art/s +embed",
        "cost vs first",
    ]
    print_table(header, rows)
    print(f"embedding: {embed:.2f} ms/article (USE, one thread); peak RSS {peak_rss_mb():.0f} MB")
    embedding_table(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--probe", type=int, default=500)
    args = parser.parse_args()
    run(args.sizes, args.probe)


if __name__ == "__main__":
    main()
