"""The pipeline: ingest → clean → language → extract → reuse → stories → compare → brief.

Each stage is a named function that reads the corpus built so far and adds to it;
nothing reaches back. Stages that are not built yet are simply not registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from . import language
from .brief import brief
from .clean import clean
from .compare import compare
from .corpus import Corpus
from .extract import extract
from .ingest import ColumnMapping, read
from .model import Article, Failure, RawDocument, Story
from .reuse import find_reuse
from .store import Store
from .stories import cluster_articles

Stage = Callable[[Corpus], None]
# Called once per input document: its origin and, if it failed, the failure.
Progress = Callable[[str, Failure | None], None]
STAGES: dict[str, Stage] = {}


def stage(name: str) -> Callable[[Stage], Stage]:
    """Register a corpus stage under a name, in flow order."""

    def register(function: Stage) -> Stage:
        STAGES[name] = function
        return function

    return register


def ingest(
    inputs: Iterable[str | Path],
    store: Store | None = None,
    mapping: ColumnMapping | None = None,
    progress: Progress | None = None,
    allow_private: bool = True,
) -> Corpus:
    """Read and clean every input into a corpus (and the store); bad inputs become failures."""
    corpus = Corpus()
    seen: set[str] = set()
    for item in read(inputs, mapping, allow_private=allow_private):
        failure = item if isinstance(item, Failure) else _accept(item, corpus, store, seen)
        if failure:
            corpus.failures.append(failure)
            if store:
                store.add_failure(failure)
        if progress:
            progress(item.origin, failure)
    return corpus


def _accept(doc: RawDocument, corpus: Corpus, store: Store | None, seen: set[str]) -> Failure | None:
    """Clean one document into the corpus (and the store) once per text; its failure, if any."""
    article = _clean(doc)
    if isinstance(article, Failure):
        return article
    if article.id not in seen:
        seen.add(article.id)
        corpus.articles.append(article)
        if store:
            store.add(doc, article)
    return None


def _clean(doc: RawDocument) -> Article | Failure:
    """One document's failure must not stop the batch, whatever its cause."""
    try:
        return clean(doc)
    except ValueError as err:
        return Failure(doc.origin, str(err))
    except Exception as err:
        return Failure(doc.origin, f"cannot clean ({type(err).__name__}: {err})")


@stage("language")
def _language(corpus: Corpus) -> None:
    result = language.analyse(corpus.articles)
    corpus.docs, corpus.entities, corpus.mentions = result.docs, result.entities, result.mentions


@stage("extract")
def _extract(corpus: Corpus) -> None:
    for article in corpus.articles:
        found = extract(article, corpus.docs[article.id])
        corpus.claims.extend(found.claims)
        corpus.quotes.extend(found.quotes)
        corpus.timerefs.extend(found.timerefs)


@stage("reuse")
def _reuse(corpus: Corpus) -> None:
    corpus.reuse = find_reuse(corpus.articles)


@stage("stories")
def _stories(corpus: Corpus) -> None:
    found = language.LanguageResult(corpus.docs, corpus.entities, corpus.mentions)
    corpus.stories = cluster_articles(corpus.articles, found)


stage("compare")(compare)
stage("brief")(brief)


def run_stages(corpus: Corpus) -> Corpus:
    for function in STAGES.values():
        function(corpus)
    return corpus


def analyze(
    inputs: Iterable[str | Path],
    db: str | Path | None = None,
    mapping: ColumnMapping | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Run every stage on the inputs; with `db`, store articles and findings in it."""
    store = Store(db) if db else None
    try:
        corpus = run_stages(ingest(inputs, store, mapping, progress))
        if store:
            save(store, corpus)
        return corpus
    finally:
        if store:
            store.close()


def story_corpus(store: Store, story_id: str) -> Corpus:
    """One stored story rebuilt for reading: its articles run again through the stages after
    clustering (deterministic, so the result is what `analyze` found), the story kept as stored."""
    stored = [s for s in store.objects("stories") if str(s["id"]).startswith(story_id)]
    if len(stored) != 1:
        raise KeyError(f"no single story with id {story_id!r}")
    story = Story(**stored[0])
    corpus = Corpus(articles=[a for a in map(store.article, story.articles) if a is not None])
    for name, function in STAGES.items():
        if name == "stories":
            corpus.stories = [story]
        else:
            function(corpus)
    return corpus


def save(store: Store, corpus: Corpus) -> None:
    """Store what the stages found, replacing earlier findings for the same articles."""
    export = corpus.to_json()
    for kind in ("mentions", "claims", "quotes", "timerefs"):
        store.save_annotations(kind, ((x["article"], x["start"], x["end"], x) for x in export[kind]))
    for kind in ("entities", "stories", "slots", "briefs"):
        store.save_objects(kind, [(str(x.get("id") or x.get("story")), x) for x in export[kind]])
    store.save_objects(
        "reuse", [(f"{x['a']}:{x['a_start']}:{x['b']}:{x['b_start']}", x) for x in export["reuse"]]
    )
