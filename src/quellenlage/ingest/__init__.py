"""Ingest: files, folders, globs, URLs, feeds, WARC archives and tables → RawDocument.

`read` never raises for one bad input: it yields a `Failure` naming the input and the
reason, and goes on with the rest of the batch.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Failure, Hints, RawDocument
from .decode import InputError, decode, read_bytes
from .html import from_html
from .tables import ColumnMapping, is_table, read_table
from .warc import is_warc, read_warc
from .web import Fetcher, is_url

__all__ = ["ColumnMapping", "read"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
TEXT_SUFFIXES = (".txt", ".text")
KNOWN_SUFFIXES = HTML_SUFFIXES + FEED_SUFFIXES + TEXT_SUFFIXES + (".urls",)


def read(
    inputs: Iterable[str | Path],
    mapping: ColumnMapping | None = None,
    allow_private: bool = True,
) -> Iterator[RawDocument | Failure]:
    """Every document in the inputs, in a stable order; folders are walked, globs expanded."""
    fetcher = Fetcher(allow_private=allow_private)
    try:
        for item in inputs:
            name = str(item)
            if is_url(name):
                yield from fetcher.documents(name)
                continue
            paths = expand(name)
            if not paths:
                yield Failure(name, "no such file or folder")
            for path in paths:
                yield from _read_path(path, mapping or ColumnMapping(), fetcher)
    finally:
        fetcher.close()


def expand(name: str) -> list[Path]:
    if glob.has_magic(name):
        return sorted(Path(p) for p in glob.glob(name, recursive=True) if Path(p).is_file())
    path = Path(name)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and _known(p) and not p.name.startswith("."))
    return [path] if path.exists() else []


def _known(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(KNOWN_SUFFIXES) or is_table(path) or is_warc(path)


def _read_path(path: Path, mapping: ColumnMapping, fetcher: Fetcher) -> Iterator[RawDocument | Failure]:
    try:
        if is_warc(path):
            yield from read_warc(path)
        elif is_table(path):
            yield from read_table(path, mapping)
        else:
            yield from _read_document(path, fetcher)
    except (InputError, OSError, ValueError) as err:
        yield Failure(str(path), str(err))


def _read_document(path: Path, fetcher: Fetcher) -> Iterator[RawDocument | Failure]:
    raw = read_bytes(path)
    name = path.name.lower().removesuffix(".gz")
    head = raw[:512].lstrip().lower()
    if name.endswith(FEED_SUFFIXES) and (b"<rss" in head or b"<feed" in head or b"<rdf" in head):
        yield from fetcher.feed_documents(str(path), raw)
    elif name.endswith(HTML_SUFFIXES) or head.startswith((b"<!doctype html", b"<html")):
        yield from_html(str(path), raw)
    else:
        text = decode(raw)
        urls = _url_list(text)
        if urls:
            yield from read(urls, allow_private=fetcher.allow_private)
        else:
            yield RawDocument(str(path), raw, text, "text/plain", Hints())


def _url_list(text: str) -> list[str]:
    """A text file holding only URLs (one a line, # comments allowed) is a list to fetch."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return lines if lines and all(is_url(line) and " " not in line for line in lines) else []
