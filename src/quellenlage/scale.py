"""Scale: the pipeline's stages over sharded inputs, in this process or as Ray Data map operations.

A shard is one input file (or URL), read as `pipeline.ingest` reads it. Each shard runs through the
per-article stages (`MAP_STAGES`: ingest and clean, language, extract) on a worker that loads the models
once, and lands in ``OUT/shards/KEY/`` as Parquet tables: a shard's folder is written under a temporary
name and renamed when complete, so a rerun skips the shards already done and never reads half a shard.
The driver then reads the shards in input order and runs what needs the whole corpus: canonical entities
across articles, and the remaining registered stages (reuse, stories, compare, brief). It writes one
Parquet table per kind and the JSON export (``export.json``); both engines give the same bytes there.

On Ray (``engine="ray"``) the shards are a Ray Data dataset mapped by an actor pool (one actor per worker,
each with its own spaCy models); ``OUT`` and the inputs must be on a file system every node sees.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import resource
import shutil
import time
import types
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import pyarrow as pa
import pyarrow.parquet as pq
from spacy.tokens import Doc, DocBin

from . import pipeline
from .corpus import Corpus
from .ingest import ColumnMapping, expand
from .ingest.web import is_url
from .language import get_nlp, pipeline_language, raw_mentions
from .language.canonical import RawMention, canonicalise
from .model import (
    Article,
    Brief,
    Claim,
    ClaimSlot,
    Entity,
    Failure,
    Mention,
    Quote,
    ReuseLink,
    Story,
    TimeRef,
)

Engine = Literal["local", "ray"]
ENGINES: tuple[Engine, ...] = ("local", "ray")
# Registered stages that work article by article run on the workers; the others need the whole corpus.
MAP_STAGES = ("language", "extract")
SHARDS = "shards"
EXPORT = "export.json"
# The tables of a finished batch, one Parquet file each, with the dataclass that gives its columns.
TABLES: dict[str, type] = {
    "articles": Article,
    "entities": Entity,
    "mentions": Mention,
    "claims": Claim,
    "quotes": Quote,
    "timerefs": TimeRef,
    "reuse": ReuseLink,
    "stories": Story,
    "slots": ClaimSlot,
    "briefs": Brief,
    "failures": Failure,
}
# A shard's tables: what its articles gave before any corpus-wide stage.
SHARD_TABLES: dict[str, type] = {
    "articles": Article,
    "raw_mentions": RawMention,
    "claims": Claim,
    "quotes": Quote,
    "timerefs": TimeRef,
    "failures": Failure,
}
DOCS_TABLE = "docs"  # article id, pipeline language, its spaCy Doc as DocBin bytes

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Shard:
    source: str  # a file path or URL, read as one input
    key: str  # its folder below OUT/shards: the same for the same file, size, mtime and column mapping


@dataclass(slots=True)
class ShardResult:
    source: str
    key: str
    articles: int = 0
    failures: int = 0
    skipped: bool = False  # done by an earlier run
    error: str | None = None  # the shard could not be processed; it is tried again on the next run
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the worker's CPU time on it (the machine may be shared)
    worker: int = 0  # process id of the worker that ran it
    peak_mb: float = 0.0  # the worker's peak resident memory so far


ShardProgress = Callable[[ShardResult], None]


@dataclass(slots=True)
class BatchResult:
    corpus: Corpus
    shards: list[ShardResult] = field(default_factory=list)

    @property
    def errors(self) -> list[ShardResult]:
        return [s for s in self.shards if s.error]


def plan(inputs: Sequence[str | Path], mapping: ColumnMapping | None = None) -> list[Shard]:
    """One shard per input file or URL, in the order `ingest.read` visits them (folders walked, globs
    expanded); an input that names nothing stays a shard, whose reading reports the failure."""
    mapping = mapping or ColumnMapping()
    shards: list[Shard] = []
    for item in inputs:
        name = str(item)
        sources = [name] if is_url(name) else [str(p) for p in expand(name)] or [name]
        shards.extend(Shard(source, _key(source, mapping)) for source in sources)
    return shards


def _key(source: str, mapping: ColumnMapping) -> str:
    """A changed file or mapping gets a new key, so its old output is not taken for the new one."""
    path = Path(source)
    stat = path.stat() if not is_url(source) and path.is_file() else None
    basis = repr(
        (os.path.abspath(source) if stat else source, stat and stat.st_size, stat and stat.st_mtime_ns)
    )
    digest = hashlib.sha1(f"{basis}\t{mapping!r}".encode()).hexdigest()[:16]
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '_', path.name)[-48:]}-{digest}"


class ShardWorker:
    """Runs shards through the per-article stages; one per worker, so the models load once per worker.

    Called by Ray Data with a batch (columns ``source`` and ``key``), or directly with `process`.
    """

    def __init__(self, out: str | Path, mapping: ColumnMapping | None = None) -> None:
        self.folder = Path(out) / SHARDS
        self.mapping = mapping or ColumnMapping()
        for language in ("de", "en"):
            get_nlp(language)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        results = [
            self.process(Shard(str(s), str(k))) for s, k in zip(batch["source"], batch["key"], strict=True)
        ]
        return {f.name: [getattr(r, f.name) for r in results] for f in fields(ShardResult)}

    def process(self, shard: Shard) -> ShardResult:
        started, cpu = time.perf_counter(), time.process_time()
        result = ShardResult(shard.source, shard.key, worker=os.getpid())
        try:
            corpus = pipeline.ingest([shard.source], mapping=self.mapping)
            for name in MAP_STAGES:
                pipeline.STAGES[name](corpus)
            _write_shard(self.folder / shard.key, corpus)
            result.articles, result.failures = len(corpus.articles), len(corpus.failures)
        except Exception as err:  # one bad shard must not stop the others; the next run tries it again
            result.error = f"{type(err).__name__}: {err}"
        result.seconds, result.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        result.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return result


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    engine: Engine = "local",
    mapping: ColumnMapping | None = None,
    address: str | None = None,
    workers: int | None = None,
    progress: ShardProgress | None = None,
) -> BatchResult:
    """Every stage over the inputs: shard by shard, then the corpus-wide stages; tables and export written."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose {' or '.join(ENGINES)}")
    out = Path(out)
    shards = plan(inputs, mapping)
    done = {s.key for s in shards if (out / SHARDS / s.key).is_dir()}
    pending = list({s.key: s for s in shards if s.key not in done}.values())
    results = [ShardResult(s.source, s.key, skipped=True) for s in shards if s.key in done]
    for result in results:
        if progress:
            progress(result)
    running = (
        _run_ray(pending, out, mapping, address, workers)
        if engine == "ray"
        else _run_local(pending, out, mapping)
    )
    for result in running:
        results.append(result)
        if progress:
            progress(result)
    corpus = assemble(out, shards, {r.key: r.error for r in results if r.error})
    for name, stage in pipeline.STAGES.items():
        if name not in MAP_STAGES:
            stage(corpus)
    write_outputs(out, corpus)
    return BatchResult(corpus, results)


def _run_local(shards: list[Shard], out: Path, mapping: ColumnMapping | None) -> Iterator[ShardResult]:
    if shards:
        worker = ShardWorker(out, mapping)
        yield from map(worker.process, shards)


def _run_ray(
    shards: list[Shard], out: Path, mapping: ColumnMapping | None, address: str | None, workers: int | None
) -> Iterator[ShardResult]:
    """The shards as a Ray Data dataset, one block each, mapped by a pool of `ShardWorker` actors."""
    if not shards:
        return
    try:
        import ray
        import ray.data
    except ImportError as err:
        raise RuntimeError("the ray engine needs Ray Data: pip install 'quellenlage[scale]'") from err
    with _ray_session(address, workers):
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # progress is reported per shard by the caller
        context.max_errored_blocks = -1  # a shard whose worker died is reported below, the rest go on
        cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
        size = workers or max(1, int(cpus))
        rows = [{"source": s.source, "key": s.key} for s in shards]
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            ShardWorker,
            fn_constructor_args=(str(out.resolve()), mapping),
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(size, len(shards))),
            num_cpus=1,
        )
        seen = set()
        for row in dataset.iter_rows():
            seen.add(row["key"])
            yield ShardResult(**row)
        for shard in shards:
            if shard.key not in seen:
                yield ShardResult(shard.source, shard.key, error="its worker was lost before it finished")


@contextmanager
def _ray_session(address: str | None, workers: int | None) -> Iterator[None]:
    """Join the cluster at `address`, or start a local one; a session already open is used as it is."""
    import ray

    if ray.is_initialized():
        yield
        return
    ray.init(
        address=address,
        num_cpus=None if address else workers,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.WARNING,
    )
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        yield
    finally:
        ray.shutdown()


def assemble(out: Path, shards: Sequence[Shard], errors: dict[str, str] | None = None) -> Corpus:
    """The corpus the shards hold, as `pipeline.ingest` and the map stages would have built it in one run:
    articles in input order, each text once (its first copy wins), entities canonical across all shards."""
    corpus = Corpus()
    seen: set[str] = set()
    mentions: dict[str, list[RawMention]] = defaultdict(list)
    for shard in shards:
        if errors and shard.key in errors:
            corpus.failures.append(Failure(shard.source, f"shard not processed: {errors[shard.key]}"))
            continue
        folder = out / SHARDS / shard.key
        if not folder.is_dir():
            continue
        tables: dict[str, list[Any]] = {
            name: read_table(folder / f"{name}.parquet", kind) for name, kind in SHARD_TABLES.items()
        }
        corpus.failures.extend(tables["failures"])
        new = {a.id for a in tables["articles"] if a.id not in seen}
        seen |= new
        corpus.articles.extend(a for a in tables["articles"] if a.id in new)
        corpus.docs.update(_read_docs(folder / f"{DOCS_TABLE}.parquet", new))
        for name in ("claims", "quotes", "timerefs"):
            getattr(corpus, name).extend(x for x in tables[name] if x.article in new)
        for mention in tables["raw_mentions"]:
            if mention.article in new:
                mentions[mention.article].append(mention)
    # The language stage canonicalises German articles' mentions first, then English ones, in corpus order.
    languages = {a.id: pipeline_language(a) for a in corpus.articles}
    raw = [
        m for lang in ("de", "en") for a in corpus.articles if languages[a.id] == lang for m in mentions[a.id]
    ]
    corpus.entities, corpus.mentions = canonicalise(raw, languages)
    return corpus


def write_outputs(out: Path, corpus: Corpus) -> None:
    """One Parquet table per kind and the JSON export, each written whole or not at all."""
    for name, kind in TABLES.items():
        write_table(out / f"{name}.parquet", kind, getattr(corpus, name))
    export = out / EXPORT
    corpus.write_json(export.with_name(f".{EXPORT}.tmp"))
    os.replace(export.with_name(f".{EXPORT}.tmp"), export)


def _write_shard(folder: Path, corpus: Corpus) -> None:
    """Write a shard's tables into a temporary folder and rename it: a shard is complete or absent."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    languages = {a.id: pipeline_language(a) for a in corpus.articles}
    raw = [m for a in corpus.articles for m in raw_mentions(a.id, corpus.docs[a.id], languages[a.id])]
    rows: dict[str, list[Any]] = {
        "articles": corpus.articles,
        "raw_mentions": raw,
        "claims": corpus.claims,
        "quotes": corpus.quotes,
        "timerefs": corpus.timerefs,
        "failures": corpus.failures,
    }
    for name, kind in SHARD_TABLES.items():
        write_table(tmp / f"{name}.parquet", kind, rows[name])
    docs = pa.table(
        {
            "article": [a.id for a in corpus.articles],
            "language": [languages[a.id] for a in corpus.articles],
            "doc": [DocBin(docs=[corpus.docs[a.id]]).to_bytes() for a in corpus.articles],
        },
        schema=pa.schema([("article", pa.string()), ("language", pa.string()), ("doc", pa.binary())]),
    )
    pq.write_table(docs, tmp / f"{DOCS_TABLE}.parquet")
    try:
        os.rename(tmp, folder)
    except OSError:
        if not folder.is_dir():
            raise
        shutil.rmtree(tmp)  # another run finished the same shard first: its output is the same


def _read_docs(path: Path, wanted: set[str]) -> Iterator[tuple[str, Doc]]:
    for row in pq.read_table(path).to_pylist():
        if row["article"] in wanted:
            vocab = get_nlp(row["language"], ner=False).vocab
            yield row["article"], next(iter(DocBin().from_bytes(row["doc"]).get_docs(vocab)))


# --- dataclasses <-> Arrow ----------------------------------------------------------------------------
# Hand-written: pyarrow infers types from values (a column of only None becomes null-typed, an empty table
# has no columns), so each table's schema is derived from the type hints of its dataclass instead.


def write_table(path: Path, kind: type, items: Sequence[Any]) -> None:
    """Items of dataclass `kind` as a Parquet file, written under a temporary name and renamed."""
    schema = pa.schema([(f.name, _arrow_type(t)) for f, t in _hints(kind)])
    table = pa.Table.from_pylist([asdict(item) for item in items], schema=schema)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_table(path: Path, kind: type[T]) -> list[T]:
    hints = _hints(kind)
    return [
        kind(**{f.name: _value(t, row[f.name]) for f, t in hints}) for row in pq.read_table(path).to_pylist()
    ]


def _hints(kind: type) -> list[tuple[Any, Any]]:
    types_ = get_type_hints(kind)
    return [(f, types_[f.name]) for f in fields(kind)]


def _optional(hint: Any) -> Any:
    """`X | None` -> X."""
    if get_origin(hint) in (Union, types.UnionType):
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        return inner
    return hint


SCALARS = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(), bytes: pa.binary()}


def _arrow_type(hint: Any) -> pa.DataType:
    hint = _optional(hint)
    origin = get_origin(hint)
    if origin is Literal:
        return pa.string()
    if origin in (list, tuple):
        return pa.list_(_arrow_type(get_args(hint)[0]))
    if is_dataclass(hint):
        return pa.struct([(f.name, _arrow_type(t)) for f, t in _hints(hint)])  # type: ignore[arg-type]
    return SCALARS[hint]


def _value(hint: Any, value: Any) -> Any:
    """A value read from Arrow, turned back into what the dataclass field holds."""
    hint = _optional(hint)
    if value is None:
        return None
    if is_dataclass(hint):
        return hint(**{f.name: _value(t, value[f.name]) for f, t in _hints(hint)})  # type: ignore[arg-type, operator]
    origin = get_origin(hint)
    if origin in (list, tuple):
        items = [_value(get_args(hint)[0], v) for v in value]
        return tuple(items) if origin is tuple else items
    return value
