"""Command line: a thin shell around the pipeline and the store (Typer + Rich)."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from . import pipeline
from .brief import render_html, render_json, render_markdown
from .corpus import Corpus
from .ingest import ColumnMapping
from .model import Article, Failure
from .store import DEFAULT_DB, Store
from .web.command import serve

app = typer.Typer(help="quellenlage: what is known about a news story, according to whom, since when.")
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
app.command()(serve)  # the web app and REST API (quellenlage.web)

# A string, not a Path: a Path would fold the "//" of a postgresql:// URL.
DbOption = Annotated[str, typer.Option("--db", envvar="QUELLENLAGE_DB", help="SQLite file or database URL.")]
Inputs = Annotated[
    list[str],
    typer.Argument(help="Files, folders, globs or URLs (txt, html, rss/atom, warc, jsonl/csv/parquet)."),
]
MapOption = Annotated[
    str | None,
    typer.Option(
        "--map", help="Table columns, e.g. text=body,published=date (or text=1 for headerless CSV)."
    ),
]
DelimiterOption = Annotated[
    str | None, typer.Option("--delimiter", help="CSV delimiter (sniffed if not given).")
]
QuoteOption = Annotated[str, typer.Option("--quotechar", help="CSV quote character.")]


def _mapping(spec: str | None, delimiter: str | None, quotechar: str) -> ColumnMapping:
    try:
        return ColumnMapping.parse(spec, delimiter, quotechar)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--map") from err


def _reporting(task: pipeline.Progress) -> pipeline.Progress:
    """Wrap a progress callback so that every failure is reported on its own line as it happens."""

    def report(origin: str, failure: Failure | None) -> None:
        if failure:
            errors.print(
                f"[red]error[/red] {failure.origin}: {failure.reason}", highlight=False, soft_wrap=True
            )
        task(origin, failure)

    return report


@app.command()
def ingest(
    inputs: Inputs,
    db: DbOption = DEFAULT_DB,
    columns: MapOption = None,
    delimiter: DelimiterOption = None,
    quotechar: QuoteOption = '"',
) -> None:
    """Read, clean and store articles (each text once); bad inputs are reported and skipped."""
    mapping = _mapping(columns, delimiter, quotechar)
    with Store(db) as store:
        before = store.count()
        corpus = _ingest_with_progress(inputs, store, mapping)
        added = store.count() - before
    console.print(f"{added} new article(s) stored in {db}, {len(corpus.articles) - added} already there.")
    _exit_for(corpus)


def _ingest_with_progress(inputs: list[str], store: Store | None, mapping: ColumnMapping) -> Corpus:
    bar, report = _progress_bar("ingest")
    with bar:
        return pipeline.ingest(inputs, store, mapping, progress=report)


def _progress_bar(label: str) -> tuple[Progress, pipeline.Progress]:
    bar = Progress(
        SpinnerColumn(),
        TextColumn(f"[bold]{label}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    )
    task = bar.add_task("", total=None)

    def advance(origin: str, _failure: Failure | None) -> None:
        bar.update(task, advance=1, description=Path(origin).name[-40:])

    return bar, _reporting(advance)


def _exit_for(corpus: Corpus) -> None:
    if corpus.failures:
        errors.print(f"{len(corpus.failures)} input(s) failed; the rest were processed.")
        raise typer.Exit(1)


@app.command()
def analyze(
    inputs: Inputs,
    db: DbOption = DEFAULT_DB,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON export here.")] = None,
    columns: MapOption = None,
    delimiter: DelimiterOption = None,
    quotechar: QuoteOption = '"',
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Run every stage on the inputs, store the results and optionally write the JSON export."""
    corpus = _analyze(inputs, db, _mapping(columns, delimiter, quotechar))
    if json_out:
        corpus.write_json(json_out)
    if not quiet:
        _print_report(corpus, db)
    _exit_for(corpus)


def _analyze(inputs: list[str], db: str, mapping: ColumnMapping) -> Corpus:
    bar, report = _progress_bar("analyze")
    with bar:
        return pipeline.analyze(inputs, db, mapping, progress=report)


@app.command()
def batch(
    inputs: Inputs,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the Parquet tables, export.json, shard state.")
    ],
    engine: Annotated[str, typer.Option("--engine", help="local (this process) or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster to join (default: start a local one).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Ray workers (default: CPUs).")
    ] = None,
    columns: MapOption = None,
    delimiter: DelimiterOption = None,
    quotechar: QuoteOption = '"',
) -> None:
    """Run every stage over sharded inputs (a shard per file), here or on Ray; reruns skip finished shards."""
    from .scale import ENGINES, run_batch  # Parquet and Ray are needed by this command only

    if engine not in ENGINES:
        raise typer.BadParameter(f"choose {' or '.join(ENGINES)}", param_hint="--engine")
    mapping = _mapping(columns, delimiter, quotechar)
    bar, report = _progress_bar(f"batch ({engine})")
    with bar:
        result = run_batch(
            inputs,
            out,
            engine,
            mapping,
            address,
            workers,
            progress=lambda s: report(s.source, Failure(s.source, s.error) if s.error else None),
        )
    skipped = sum(s.skipped for s in result.shards)
    console.print(
        f"{len(result.shards)} shard(s): {len(result.shards) - skipped - len(result.errors)} processed, "
        f"{skipped} done before, {len(result.errors)} failed; {len(result.corpus.articles)} article(s), "
        f"{len(result.corpus.stories)} stories. Tables and {out / 'export.json'} in {out}."
    )
    if result.corpus.failures:
        errors.print(f"{len(result.corpus.failures)} input(s) failed (see {out / 'failures.parquet'}).")
        raise typer.Exit(1)


@app.command()
def demo(db: DbOption = "quellenlage-demo.db") -> None:
    """Analyse the bundled sample (a fictional story told by five outlets) and print the result."""
    sample = files("quellenlage").joinpath("sample")
    inputs = sorted(
        str(p) for p in Path(str(sample)).iterdir() if p.is_file() and p.suffix in (".txt", ".html")
    )
    corpus = _analyze(inputs, db, ColumnMapping())
    _print_report(corpus, db)
    _exit_for(corpus)


def _print_report(corpus: Corpus, db: str) -> None:
    """What the stages found, section by section; empty sections are left out."""
    label = {a.id: _label(a) for a in corpus.articles}
    texts = {a.id: a.text for a in corpus.articles}
    mentions = Counter(m.entity for m in corpus.mentions)
    sections: list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]] = [
        (
            f"{len(corpus.articles)} article(s)",
            ARTICLE_COLUMNS,
            [tuple(_article_cells(a)) for a in corpus.articles],
        ),
        (
            "Shared wire copy",
            ("article", "article", "origin", "similarity", "words"),
            [
                (
                    label[r.a],
                    label[r.b],
                    _label_or_id(r.origin, label),
                    f"{r.similarity:.2f}",
                    _short(texts[r.a][r.a_start : r.a_end]),
                )
                for r in corpus.reuse
            ],
        ),
        (
            "Most mentioned",
            ("name", "kind", "mentions", "variants"),
            [
                (e.name, e.kind, str(mentions[e.id]), ", ".join(v for v in e.variants if v != e.name))
                for e in sorted(corpus.entities, key=lambda e: (-mentions[e.id], e.name))[:12]
            ],
        ),
    ]
    for title, columns, rows in sections:
        if rows:
            console.print(_table(title, columns, rows))
    stories = sorted((s for s in corpus.stories if len(s.articles) > 1), key=lambda s: -len(s.articles))
    for story in stories[:MAX_BRIEFS_SHOWN]:
        console.rule(f"Brief: {story.label}")
        console.print(Markdown(render_markdown(corpus, story.id)))
    if len(stories) > MAX_BRIEFS_SHOWN:
        console.print(f"{len(stories) - MAX_BRIEFS_SHOWN} more stories with several reports.")
    console.print(f"Stored in {db}.")


MAX_BRIEFS_SHOWN = 3
ARTICLE_COLUMNS = ("id", "outlet", "agencies", "dateline", "published", "lang", "title")


def _table(title: str, columns: tuple[str, ...], rows: Iterable[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _label(article: Article) -> str:
    return article.outlet or "/".join(article.agencies) or article.id[:8]


def _label_or_id(origin: str | None, label: dict[str, str]) -> str:
    return label.get(origin or "", origin or "?")


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _article_cells(article: Article) -> list[str]:
    return [
        article.id,
        article.outlet or "",
        ", ".join(article.agencies),
        article.dateline or "",
        article.published.value if article.published else "",
        article.language or "",
        (article.title or "")[:80],
    ]


@app.command("articles")
def list_articles(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
) -> None:
    """List stored articles."""
    with Store(db) as store:
        rows = store.articles(limit=limit)
        total = store.count()
    console.print(
        _table(f"{len(rows)} of {total} article(s) in {db}", ARTICLE_COLUMNS, map(_article_cells, rows))
    )


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id or an unambiguous prefix.")],
    db: DbOption = DEFAULT_DB,
    removed: Annotated[bool, typer.Option("--removed", help="Also list what cleaning cut.")] = False,
) -> None:
    """Show one article: metadata and clean text."""
    with Store(db) as store:
        article = store.article(article_id)
    if article is None:
        errors.print(f"no single article with id {article_id!r} in {db}")
        raise typer.Exit(1)
    for label, value in zip(
        ("id", "outlet", "agencies", "dateline", "published", "language", "title"),
        _article_cells(article),
        strict=True,
    ):
        console.print(f"[bold]{label:10}[/bold] {value}", highlight=False)
    console.print(f"[bold]{'origin':10}[/bold] {article.origin}", highlight=False)
    console.print()
    console.print(article.text, highlight=False, markup=False)
    if removed:
        console.print()
        for cut in article.removed:
            console.print(
                f"[dim]cut {cut.reason}:[/dim] {article.source[cut.start : cut.end]!r}", highlight=False
            )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (all of them).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="At most this many hits.")] = 20,
) -> None:
    """Full-text search over stored articles."""
    with Store(db) as store:
        hits = store.search(query, limit)
    if not hits:
        console.print(f"no article matches {query!r}")
        raise typer.Exit(1)
    for article, snippet in hits:
        console.print(
            f"[bold]{article.id}[/bold] {article.outlet or ''} {article.title or ''}", highlight=False
        )
        console.print(f"    {snippet}", highlight=False, markup=False)


@app.command("stories")
def list_stories(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many, largest first.")] = 30,
) -> None:
    """List stored stories: their articles, time span and label."""
    with Store(db) as store:
        stories = sorted(store.objects("stories"), key=lambda s: (-len(s["articles"]), s["id"]))
    rows = [
        (s["id"], str(len(s["articles"])), s.get("first") or "", s.get("last") or "", s["label"])
        for s in stories
    ]
    console.print(
        _table(f"{min(limit, len(rows))} of {len(rows)} stories in {db}", STORY_COLUMNS, rows[:limit])
    )


STORY_COLUMNS = ("id", "articles", "first", "last", "label")
StoryArgument = Annotated[
    str, typer.Argument(help="Story id or an unambiguous prefix (see `quellenlage stories`).")
]


def _story(db: str, story_id: str) -> Corpus:
    with Store(db) as store:
        try:
            return pipeline.story_corpus(store, story_id)
        except KeyError as err:
            errors.print(str(err.args[0]))
            raise typer.Exit(1) from err


@app.command("brief")
def story_brief(
    story_id: StoryArgument,
    db: DbOption = DEFAULT_DB,
    form: Annotated[str, typer.Option("--format", help="md, html or json.")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing.")] = None,
) -> None:
    """A story's brief: what happened, figures, who says what, timeline, conflicts; every sentence cited."""
    renderers = {"md": render_markdown, "html": render_html, "json": _json_brief}
    if form not in renderers:
        raise typer.BadParameter("choose md, html or json", param_hint="--format")
    corpus = _story(db, story_id)
    text = renderers[form](corpus, corpus.stories[0].id)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        console.print(text, markup=False, highlight=False)


def _json_brief(corpus: Corpus, story_id: str) -> str:
    return json.dumps(render_json(corpus, story_id), ensure_ascii=False, indent=1)


@app.command("claims")
def story_claims(story_id: StoryArgument, db: DbOption = DEFAULT_DB) -> None:
    """A story's figures, one row per claim: who reports it, on whose authority, the status of its slot."""
    corpus = _story(db, story_id)
    slot_of = {index: slot for slot in corpus.slots for index in slot.claims}
    label = {a.id: _label(a) for a in corpus.articles}
    rows = [
        (
            label[c.article],
            c.text,
            c.counts or "",
            "; ".join(c.attributed_to),
            "yes" if c.hedged else "",
            c.when or "",
            slot_of[i].status if i in slot_of else "",
        )
        for i, c in enumerate(corpus.claims)
    ]
    console.print(_table(corpus.stories[0].label, CLAIM_COLUMNS, rows))


CLAIM_COLUMNS = ("outlet", "figure", "counts", "according to", "hedged", "when", "status")


eval_app = typer.Typer(
    help="Measure an extractor against gold data; the JSON result is the last line printed."
)
app.add_typer(eval_app, name="eval")
GoldPath = Annotated[
    Path, typer.Argument(exists=True, help="Gold data: a file or folder in the task's format.")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print only the JSON result.")]


def _evaluation(module: str) -> Callable[[Path, bool], None]:
    """Each evaluation lives beside its gold format in `quellenlage.eval`; imported on demand."""

    def run(path: GoldPath, as_json: JsonFlag = False) -> None:
        try:
            importlib.import_module(f"quellenlage.eval.{module}").main(str(path), as_json)
        except (FileNotFoundError, ValueError) as exc:  # a folder or file not in the gold format
            errors.print(f"{path}: not {module} gold data: {exc}")
            raise typer.Exit(2) from exc

    return run


EVALUATIONS = {
    "ner": "Named entities on a GermEval 2014 .tsv: outer-chunk precision, recall, F1.",
    "timex": "Temporal expressions on TimeML (KRAUTS) or WikiWarsDE, beside HeidelTime's output if present.",
    "quotes": "Quotes and speakers on german-news-quotation-attribution .jsonl(.gz).",
    "claims": "Numeric claims on a gold folder in the spec layout (expected_claims.jsonl beside articles/).",
    "slots": "Claim slots, status and independent sources on a spec-layout folder (expected_slots.json).",
    "stories": "Story clustering on ECB+ (topic, sub-topic), JSONL of {text, published, story}, or the spec.",
}
for _name, _help in EVALUATIONS.items():
    eval_app.command(_name, help=_help)(_evaluation(_name))
