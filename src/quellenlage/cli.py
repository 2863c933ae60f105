"""Command line: a thin shell around the pipeline and the store (Typer + Rich)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
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
from .corpus import Corpus
from .ingest import ColumnMapping
from .model import Article, Failure
from .store import DEFAULT_DB, Store

app = typer.Typer(help="quellenlage: what is known about a news story, according to whom, since when.")
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[Path, typer.Option("--db", envvar="QUELLENLAGE_DB", help="SQLite file or database URL.")]
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
    db: DbOption = Path(DEFAULT_DB),
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
    db: DbOption = Path(DEFAULT_DB),
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


def _analyze(inputs: list[str], db: Path, mapping: ColumnMapping) -> Corpus:
    bar, report = _progress_bar("analyze")
    with bar:
        return pipeline.analyze(inputs, db, mapping, progress=report)


@app.command()
def demo(db: DbOption = Path("quellenlage-demo.db")) -> None:
    """Analyse the bundled sample (a fictional story told by five outlets) and print the result."""
    sample = files("quellenlage").joinpath("sample")
    inputs = sorted(
        str(p) for p in Path(str(sample)).iterdir() if p.is_file() and p.suffix in (".txt", ".html")
    )
    corpus = _analyze(inputs, db, ColumnMapping())
    _print_report(corpus, db)
    _exit_for(corpus)


def _print_report(corpus: Corpus, db: Path) -> None:
    table = Table(title=f"{len(corpus.articles)} article(s)", show_lines=False)
    for column in ("id", "outlet", "agencies", "dateline", "published", "lang", "title"):
        table.add_column(column, overflow="fold")
    for article in corpus.articles:
        table.add_row(*_article_cells(article))
    console.print(table)
    console.print(f"Stored in {db}.")


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
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
) -> None:
    """List stored articles."""
    with Store(db) as store:
        rows = store.articles(limit=limit)
        total = store.count()
    table = Table(title=f"{len(rows)} of {total} article(s) in {db}")
    for column in ("id", "outlet", "agencies", "dateline", "published", "lang", "title"):
        table.add_column(column, overflow="fold")
    for article in rows:
        table.add_row(*_article_cells(article))
    console.print(table)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id or an unambiguous prefix.")],
    db: DbOption = Path(DEFAULT_DB),
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
    db: DbOption = Path(DEFAULT_DB),
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
