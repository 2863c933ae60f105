"""Tables of articles, one row each: JSONL, CSV/TSV and Parquet, with a column mapping."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Failure, Hints, PartialDate, RawDocument, parse_date_hint
from .decode import InputError, decode, gunzip
from .html import from_html

# Column names tried, in order, for each field when the mapping does not name one.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "maintext", "article", "articleBody"),
    "html": ("html", "raw_html"),
    "title": ("title", "headline"),
    "published": ("published", "date", "date_publish", "pubdate", "datePublished"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "sitename", "site", "domain"),
    "language": ("language", "lang"),
    "id": ("id", "key"),
}
TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv", ".parquet")
MAX_TABLE_BYTES = 4 * 1024**3


@dataclass(slots=True)
class ColumnMapping:
    """Which column holds which field; a value may be a column name or a 0-based index (headerless CSV)."""

    columns: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    quotechar: str = '"'

    @classmethod
    def parse(cls, spec: str | None, delimiter: str | None = None, quotechar: str = '"') -> ColumnMapping:
        """`text=body,published=date` → mapping; unknown fields are an error, not a silent skip."""
        columns: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in (spec or "").split(","))):
            key, sep, value = part.partition("=")
            if not sep or key not in DEFAULT_COLUMNS:
                raise ValueError(f"bad column mapping {part!r}; fields are {', '.join(DEFAULT_COLUMNS)}")
            columns[key] = value
        return cls(columns, delimiter, quotechar)

    def pick(self, row: Mapping[str, Any] | list[Any], name: str) -> Any:
        if isinstance(row, list):
            index = self.columns.get(name)
            return (
                row[int(index)] if index is not None and index.isdigit() and int(index) < len(row) else None
            )
        wanted = (self.columns[name],) if name in self.columns else DEFAULT_COLUMNS[name]
        return next((row[c] for c in wanted if row.get(c) not in (None, "")), None)


def is_table(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(TABLE_SUFFIXES)


def read_table(path: Path, mapping: ColumnMapping) -> Iterator[RawDocument | Failure]:
    """Each row becomes a document, its origin `path#row`; a bad row fails alone."""
    rows = _rows(path, mapping)
    for number, row in enumerate(rows, start=1):
        origin = f"{path}#{number}"
        try:
            if isinstance(row, InputError):
                raise row
            yield _document(origin, row, mapping)
        except (InputError, ValueError) as err:
            yield Failure(origin, str(err))


Row = Mapping[str, Any] | list[Any] | InputError


def _rows(path: Path, mapping: ColumnMapping) -> Iterator[Row]:
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise InputError(f"table larger than {MAX_TABLE_BYTES / 1024**3:.0f} GB; split it into shards")
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".parquet"):
        yield from _parquet_rows(path)
        return
    data = path.read_bytes()
    text = decode(gunzip(data, MAX_TABLE_BYTES) if path.suffix == ".gz" else data)
    if name.endswith((".jsonl", ".ndjson")):
        yield from _json_rows(text)
    else:
        yield from _csv_rows(text, mapping, "\t" if name.endswith(".tsv") else None)


def _parquet_rows(path: Path) -> Iterator[Mapping[str, Any]]:
    import pyarrow.parquet as pq  # heavy import, only for Parquet input

    for batch in pq.ParquetFile(path).iter_batches(batch_size=512):
        yield from batch.to_pylist()


def _json_rows(text: str) -> Iterator[Mapping[str, Any] | InputError]:
    """A broken line is reported in its place; the lines after it are still read."""
    for line in filter(str.strip, text.splitlines()):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputError(f"not JSON ({err.msg})")
            continue
        yield row if isinstance(row, dict) else InputError("not a JSON object")


def _csv_rows(
    text: str, mapping: ColumnMapping, delimiter: str | None
) -> Iterator[Mapping[str, Any] | list[Any]]:
    csv.field_size_limit(MAX_TABLE_BYTES)
    delimiter = mapping.delimiter or delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=mapping.quotechar)
    if any(v.isdigit() for v in mapping.columns.values()):
        yield from reader  # positional mapping: the file has no header
        return
    header = next(reader, None)
    if header is None:
        return
    for values in reader:
        yield dict(zip(header, values, strict=False))


def _sniff_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _document(origin: str, row: Mapping[str, Any] | list[Any], mapping: ColumnMapping) -> RawDocument:
    hints = Hints(
        title=_str(mapping.pick(row, "title")),
        published=_date(mapping.pick(row, "published")),
        url=_str(mapping.pick(row, "url")),
        outlet=_str(mapping.pick(row, "outlet")),
        language=_str(mapping.pick(row, "language")),
    )
    row_id = _str(mapping.pick(row, "id"))
    origin = f"{origin}:{row_id}" if row_id else origin
    html = _str(mapping.pick(row, "html"))
    if html:
        return from_html(origin, html.encode("utf-8"), hints, text=html)
    text = _str(mapping.pick(row, "text"))
    if not text or not text.strip():
        raise InputError("row has no article text (map the column with --map text=COLUMN)")
    return RawDocument(origin, text.encode("utf-8"), text, "text/plain", hints)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _date(value: Any) -> PartialDate | None:
    """ISO dates and datetimes, Parquet date objects and German 14.03.2025; time of day is dropped."""
    if value in (None, ""):
        return None
    return parse_date_hint(value.isoformat() if hasattr(value, "isoformat") else str(value))
