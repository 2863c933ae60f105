"""HTML pages to article text and metadata, through trafilatura (body, title, author) and htmldate (date)."""

from __future__ import annotations

import re

import trafilatura
from htmldate import find_date

from ..model import Hints, PartialDate, RawDocument
from .decode import InputError, decode

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


def html_charset(raw: bytes) -> str | None:
    match = _CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii") if match else None


def from_html(origin: str, raw: bytes, hints: Hints | None = None, text: str | None = None) -> RawDocument:
    """Extract the article body of a page; a page without one is an input error."""
    html = text if text is not None else decode(raw, html_charset(raw))
    hints = hints or Hints()
    doc = trafilatura.bare_extraction(
        html,
        url=hints.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body:
        raise InputError("no article text found in the HTML page")
    return RawDocument(origin, raw, body, "text/html", _merge_hints(hints, doc, html))


def _merge_hints(hints: Hints, doc: object, html: str) -> Hints:
    """Container metadata wins over what is guessed from the page itself."""
    published = hints.published or _page_date(html, hints.url)
    author = getattr(doc, "author", None)
    return Hints(
        title=hints.title or getattr(doc, "title", None),
        published=published,
        url=hints.url or getattr(doc, "url", None),
        outlet=hints.outlet or getattr(doc, "sitename", None),
        language=hints.language,
        authors=hints.authors or ([a.strip() for a in author.split(";") if a.strip()] if author else []),
    )


def _page_date(html: str, url: str | None) -> PartialDate | None:
    found = find_date(html, url=url, original_date=True, extensive_search=False)
    return PartialDate.parse(found) if found else None
