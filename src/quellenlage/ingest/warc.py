"""WARC and WARC.gz web archives: every archived HTML response becomes a document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..model import Failure, Hints, RawDocument
from .decode import MAX_DOCUMENT_BYTES, InputError
from .html import from_html

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def read_warc(path: Path) -> Iterator[RawDocument | Failure]:
    """Stream the archive; a bad record fails alone, a broken archive stops at the break."""
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type not in ("response", "resource"):
                    continue
                url = (
                    record.rec_headers.get_header("WARC-Target-URI")
                    or f"{path}#{record.rec_headers.get_header('WARC-Record-ID')}"
                )
                content_type = _content_type(record)
                if "html" not in content_type:
                    continue
                body = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
                try:
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise InputError("archived page too large")
                    yield from_html(url, body, Hints(url=url))
                except InputError as err:
                    yield Failure(url, str(err))
    except (ArchiveLoadFailed, OSError, EOFError) as err:
        yield Failure(str(path), f"broken or truncated WARC archive ({err})")


def _content_type(record: object) -> str:
    http = getattr(record, "http_headers", None)
    if http is not None:
        return str(http.get_header("Content-Type") or "").lower()
    return str(record.rec_headers.get_header("Content-Type") or "").lower()  # type: ignore[attr-defined]
