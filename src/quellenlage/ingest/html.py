"""HTML pages to article text and metadata: trafilatura for the body, htmldate for the date.

The page is parsed once. trafilatura's own metadata pass costs more than the body
extraction (category and author heuristics we do not use), so title, site name and
author are read from the page's meta tags here, before trafilatura prunes the tree.
"""

from __future__ import annotations

import re

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from ..model import Hints, PartialDate, RawDocument
from .decode import InputError, decode

# Less than this is navigation or a teaser, not an article (trafilatura's fallbacks return any text).
MIN_ARTICLE_WORDS = 15
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_META = "string(//meta[@{attr}='{name}']/@content)"
TITLE_META = (("property", "og:title"), ("name", "twitter:title"), ("name", "title"))
SITE_META = (("property", "og:site_name"), ("name", "application-name"), ("name", "publisher"))
AUTHOR_META = (("name", "author"), ("property", "article:author"), ("name", "byl"))
# "Headline | Site" and "Headline - Site": the site part of a <title> is not the headline.
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def html_charset(raw: bytes) -> str | None:
    match = _CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii") if match else None


def from_html(origin: str, raw: bytes, hints: Hints | None = None, text: str | None = None) -> RawDocument:
    """Extract the article body of a page; a page without one is an input error."""
    tree = load_html(text if text is not None else decode(raw, html_charset(raw)))
    if tree is None:
        raise InputError("not parseable as HTML")
    hints = _page_hints(tree, hints or Hints())
    doc = trafilatura.bare_extraction(
        tree, url=hints.url, fast=True, include_comments=False, include_tables=False, deduplicate=False
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(body.split()) < MIN_ARTICLE_WORDS:
        raise InputError(f"no article text found in the HTML page ({len(body.split())} words of text)")
    return RawDocument(origin, raw, body, "text/html", hints)


def _page_hints(tree: HtmlElement, hints: Hints) -> Hints:
    """Container metadata wins over what the page says about itself."""
    author = _first_meta(tree, AUTHOR_META)
    return Hints(
        title=hints.title or _title(tree),
        published=hints.published or _page_date(tree, hints.url),
        url=hints.url
        or _first_meta(tree, (("property", "og:url"),))
        or tree.xpath("string(//link[@rel='canonical']/@href)")
        or None,
        outlet=hints.outlet or _first_meta(tree, SITE_META),
        language=hints.language,
        authors=hints.authors or ([author] if author and not author.startswith("http") else []),
    )


def _first_meta(tree: HtmlElement, names: tuple[tuple[str, str], ...]) -> str | None:
    for attr, name in names:
        value = " ".join(str(tree.xpath(_META.format(attr=attr, name=name))).split())
        if value:
            return value
    return None


def _title(tree: HtmlElement) -> str | None:
    title = _first_meta(tree, TITLE_META) or " ".join(str(tree.xpath("string(//h1)")).split())
    if title:
        return title
    page_title = " ".join(str(tree.xpath("string(//title)")).split())
    return _TITLE_SUFFIX.sub("", page_title) or None


def _page_date(tree: HtmlElement, url: str | None) -> PartialDate | None:
    found = find_date(tree, url=url, original_date=True, extensive_search=False)
    return PartialDate.parse(found) if found else None
