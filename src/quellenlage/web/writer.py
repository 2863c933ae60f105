"""The writer: one process adds articles, keeps the live story index and stores what the pages show.

The web server's threads only read the store; every write goes through this process, so SQLite has
a single writer and the CPU-heavy stages never hold the server's interpreter lock while readers wait.
Stories form online (``StoryIndex``): each new article joins a story or starts one, and only the
stories that changed are analysed again (``pipeline.story_corpus``) and their pages stored
(``digest``). The features each article was clustered with are stored as well, so that a restart
rebuilds the same index without running the language stage again.
"""

from __future__ import annotations

import asyncio
import base64
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, replace
from typing import Any

import numpy as np

from .. import language, pipeline
from ..compare import outlet_name
from ..corpus import Corpus
from ..ingest import ColumnMapping
from ..model import Article, Failure, PartialDate, Story
from ..store import Store
from ..stories import StoryFeatures, StoryIndex, arrival_order, default_embedder, features_from_language
from ..stories.features import lead
from .digest import SUMMARIES, VIEWS, slot_ids, story_view, summary

FEATURES = "web_features"  # what each article was clustered with, and in which order
META = "web_meta"  # the store's version: it grows with every write, so readers know when to reload
# Per version, the stories it changed or dropped: a reader reloads only those, not every story (a full
# reload of 10,000 articles' stories holds the interpreter lock for ~0.4 s, which readers would feel).
CHANGES = "web_changes"
KEEP_CHANGES = 1024  # versions whose change log is kept; a reader further behind reloads everything
WRITER_NICENESS = 5  # adding articles is background work: readers get more of the CPU
CHUNK = 256  # articles analysed together when many arrive at once (bounds memory)


class Writer:
    """Lives in the writer process; ``add`` is the only way the web app changes the store."""

    def __init__(self, db: str) -> None:
        self.store = Store(db)
        self.index = StoryIndex()
        self.story_of: dict[str, str] = {}
        self.seq = 0
        stored = self.store.objects_by_id(META, ["version"]).get("version")
        self.version = int(stored["n"]) if stored else 0
        self._changed: set[str] = set()
        self._dropped: set[str] = set()
        self._replay()
        # Loaded now, not on the first article: "ready" means an article is added without that wait.
        for name in ("de", "en"):
            language.get_nlp(name)
        default_embedder()

    def add(self, inputs: list[str], columns: dict[str, str], allow_private: bool) -> dict[str, Any]:
        """Read, clean and store the inputs; place new articles in stories; analyse changed stories."""
        corpus = pipeline.ingest(inputs, self.store, ColumnMapping(columns), allow_private=allow_private)
        fresh = [a for a in corpus.articles if a.id not in self.story_of]
        touched, failures = self._place(fresh)
        self._bump()
        stories = self.store.objects_by_id("stories", touched)
        new = {a.id for a in fresh}
        return {
            "articles": [
                {
                    "id": a.id,
                    "title": a.title,
                    "outlet": outlet_name(a),
                    "story": self.story_of.get(a.id),
                    "new": a.id in new,
                }
                for a in corpus.articles
            ],
            "failures": [asdict(f) for f in [*corpus.failures, *failures]],
            "stories": [
                {"id": s["id"], "label": s["label"], "articles": len(s["articles"])} for s in stories.values()
            ],
        }

    def status(self) -> dict[str, Any]:
        return {"articles": len(self.story_of), "stories": len(self.index), "version": self.version}

    # --- stories --------------------------------------------------------------------------------------

    def _replay(self) -> None:
        """Rebuild the index from stored features in their order; place stored articles it lacks (added
        by `quellenlage analyze`, or left by a crash); drop stories that no longer exist."""
        rows = sorted(self.store.objects(FEATURES), key=lambda r: int(r["seq"]))
        for row in rows:
            self.story_of[row["id"]] = self.index.add(_features(row))
        self.seq = int(rows[-1]["seq"]) + 1 if rows else 0
        waiting = [i for i in self.store.article_ids() if i not in self.story_of]
        for start in range(0, len(waiting), CHUNK):
            self._place([a for a in map(self.store.article, waiting[start : start + CHUNK]) if a])
        live = set(self.story_of.values())
        self._drop([s["id"] for s in self.store.objects("stories") if s["id"] not in live])
        shown = {s["id"] for s in self.store.objects(SUMMARIES)}
        for story_id in sorted(live - shown):
            self._analyse(story_id)
        self._bump(everything=True)  # what happened before a restart is not in the change log

    def _place(self, articles: list[Article]) -> tuple[list[str], list[Failure]]:
        """Cluster articles into the live stories, in chunks; analyse and store every story they touched."""
        touched: list[str] = []
        failures: list[Failure] = []
        for start in range(0, len(articles), CHUNK):
            chunk = articles[start : start + CHUNK]
            found = language.analyse(chunk)
            features = arrival_order(self._features(chunk, found))
            joined = [self.index.add(f) for f in features]
            changed = list(dict.fromkeys(joined))
            stories = {s.id: s for s in self.index.stories() if s.id in set(changed)}
            self.store.save_objects("stories", [(i, asdict(stories[i])) for i in changed])
            self._changed.update(changed)
            ids = {a.id for a in chunk}
            new = [stories[i] for i in changed if set(stories[i].articles) <= ids]
            failures += self._analyse_new(chunk, found, new)
            failures += [f for i in changed if stories[i] not in new and (f := self._analyse(i))]
            # Stored last: an article whose story was not stored yet is placed again after a crash.
            self.store.save_objects(FEATURES, [(f.id, self._row(f)) for f in features])
            self.story_of.update((f.id, story) for f, story in zip(features, joined, strict=True))
            touched += [i for i in changed if i not in touched]
        return touched, failures

    def _features(self, articles: list[Article], found: language.LanguageResult) -> list[StoryFeatures]:
        """As the stories stage computes them: lemmas and entities from the language stage, one embedding
        of title and lead per article (embedded in one batch)."""
        features = features_from_language(articles, found)
        vectors = default_embedder()([lead(f, self.index.config.lead_words) for f in features])
        return [
            replace(f, lemmas=f.body_lemmas(), title_lemmas=f.head_lemmas(), embedding=v)
            for f, v in zip(features, vectors, strict=True)
        ]

    def _analyse_new(
        self, chunk: list[Article], found: language.LanguageResult, stories: list[Story]
    ) -> list[Failure]:
        """Stories made only of this chunk's articles are analysed together, as `quellenlage analyze` does
        (one reuse index, the language stage's result reused); if that fails, each story alone."""
        members = {a for s in stories for a in s.articles}
        if not members:
            return []
        mentions = [m for m in found.mentions if m.article in members]
        named = {m.entity for m in mentions}
        corpus = Corpus(
            articles=[a for a in chunk if a.id in members],
            entities=[e for e in found.entities if e.id in named],
            mentions=mentions,
            stories=stories,
            docs={a: d for a, d in found.docs.items() if a in members},
        )
        try:
            for name, stage in pipeline.STAGES.items():
                if name not in ("language", "stories"):
                    stage(corpus)
        except Exception:  # one story may be the cause: analyse each alone, so that only it fails
            return [f for s in stories if (f := self._analyse(s.id))]
        pipeline.save(self.store, corpus)
        return [f for s in stories if (f := self._store_view(corpus, s.id))]

    def _analyse(self, story_id: str) -> Failure | None:
        """Run the stages after clustering on one stored story and store its findings and its page."""
        try:
            corpus = pipeline.story_corpus(self.store, story_id)
        except Exception as err:  # one story's failure must not stop the batch; its articles stay stored
            return Failure(story_id, f"cannot analyse the story ({type(err).__name__}: {err})")
        pipeline.save(self.store, corpus)
        return self._store_view(corpus, story_id)

    def _store_view(self, corpus: Corpus, story_id: str) -> Failure | None:
        try:
            view = story_view(corpus, story_id)
        except Exception as err:  # as above: the story's findings are stored, its page is not
            return Failure(story_id, f"cannot build the story page ({type(err).__name__}: {err})")
        old = self.store.objects_by_id(VIEWS, [story_id]).get(story_id)
        self.store.delete_objects("slots", slot_ids(old) - slot_ids(view))
        self.store.save_objects(VIEWS, [(story_id, view)])
        self.store.save_objects(SUMMARIES, [(story_id, summary(view))])
        self._changed.add(story_id)
        return None

    def _drop(self, story_ids: list[str]) -> None:
        """Stories an earlier batch run stored that the live index does not have (each article belongs to
        one story), with their slots, briefs and pages."""
        if not story_ids:
            return
        for kind in ("stories", "briefs", VIEWS, SUMMARIES):
            self.store.delete_objects(kind, story_ids)
        dropped = set(story_ids)
        self._dropped |= dropped
        self.store.delete_objects(
            "slots", [s["id"] for s in self.store.objects("slots") if s["story"] in dropped]
        )

    def _row(self, features: StoryFeatures) -> dict[str, Any]:
        self.seq += 1
        embedding = np.asarray(features.embedding, dtype="<f4")
        return {
            "id": features.id,
            "seq": self.seq,
            "published": features.published.value if features.published else None,
            "language": features.language,
            "lemmas": list(features.body_lemmas()),
            "title_lemmas": list(features.head_lemmas()),
            "entities": list(features.entities),
            "entity_names": dict(features.entity_names),
            "embedding": base64.b64encode(embedding.tobytes()).decode("ascii"),
        }

    def _bump(self, everything: bool = False) -> None:
        """A new version, with its change log stored before it, so a reader that sees the version finds
        the log (a crash in between leaves a log no reader looks for: the replay overwrites it)."""
        self.version += 1
        log = {"changed": sorted(self._changed - self._dropped), "dropped": sorted(self._dropped)}
        self.store.save_objects(CHANGES, [(str(self.version), {**log, "everything": everything})])
        self.store.delete_objects(CHANGES, [str(self.version - KEEP_CHANGES)])
        self.store.save_objects(META, [("version", {"id": "version", "n": self.version})])
        self._changed.clear()
        self._dropped.clear()


def _features(row: dict[str, Any]) -> StoryFeatures:
    return StoryFeatures(
        id=row["id"],
        published=PartialDate.parse(row["published"]) if row["published"] else None,
        language=row["language"],
        lemmas=tuple(row["lemmas"]),
        title_lemmas=tuple(row["title_lemmas"]),
        entities=tuple(row["entities"]),
        entity_names=row["entity_names"],
        embedding=np.frombuffer(base64.b64decode(row["embedding"]), dtype="<f4").copy(),
    )


# --- the writer process's entry points (ProcessPoolExecutor calls these by name) -----------------------

_db: str | None = None
_writer: Writer | None = None


def _start(db: str) -> None:
    global _db
    _db = db
    if hasattr(os, "nice"):  # POSIX only
        os.nice(WRITER_NICENESS)


def _the_writer() -> Writer:
    """Built on the first job, so that a failure to start is that job's error, with its message."""
    global _writer
    if _writer is None:
        assert _db is not None, "the writer process was started without a store"
        _writer = Writer(_db)
    return _writer


def _add(inputs: list[str], columns: dict[str, str], allow_private: bool) -> dict[str, Any]:
    return _the_writer().add(inputs, columns, allow_private)


def _status() -> dict[str, Any]:
    return _the_writer().status()


class WriterUnavailableError(Exception):
    """The writer process stopped (it is being restarted) or failed to start."""


class WriterProcess:
    """The server's handle on the writer process: jobs queue and run one at a time."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._pool: ProcessPoolExecutor | None = None
        self.ready: Future[dict[str, Any]] | None = None

    def start(self) -> None:
        # spawn, not fork: the server runs threads, and a forked copy of them is not safe.
        self._pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(self.db,)
        )
        self.ready = self._pool.submit(_status)

    def state(self) -> str:
        if self.ready is None:
            return "stopped"
        if not self.ready.done():
            return "starting"
        error = self.ready.exception()
        return f"failed: {type(error).__name__}: {error}" if error else "ready"

    async def add(self, inputs: list[str], columns: dict[str, str], allow_private: bool) -> dict[str, Any]:
        if self._pool is None:
            raise WriterUnavailableError("the writer process is not running")
        try:
            result: dict[str, Any] = await asyncio.wrap_future(
                self._pool.submit(_add, inputs, columns, allow_private)
            )
        except BrokenProcessPool as err:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self.start()
            raise WriterUnavailableError("the writer process stopped and is restarting; try again") from err
        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
