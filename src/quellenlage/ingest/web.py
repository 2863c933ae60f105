"""URLs, URL lists and RSS/Atom feeds: fetched with httpx, feeds parsed by feedparser."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from importlib.metadata import version
from urllib.parse import urlsplit

import feedparser
import httpx

from ..model import Failure, Hints, PartialDate, RawDocument
from .decode import MAX_DOCUMENT_BYTES, InputError, decode
from .html import from_html

USER_AGENT = f"quellenlage/{version('quellenlage')} (news source analysis)"
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# A feed entry shorter than this is a teaser: the linked page is fetched for the full text.
MIN_ENTRY_CHARS = 600


def is_url(value: str) -> bool:
    return urlsplit(value).scheme in ("http", "https")


class Fetcher:
    """One HTTP client for a batch; refuses loopback and private hosts unless allowed, at every
    redirect too (a public page may redirect to an internal address)."""

    def __init__(self, allow_private: bool = True, timeout: float = 20.0) -> None:
        self.allow_private = allow_private
        hooks = {} if allow_private else {"request": [_check_host]}
        self.client = httpx.Client(
            follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT}, event_hooks=hooks
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str) -> tuple[bytes, str]:
        """The body and content type of a URL, at most one document's size."""
        try:
            with self.client.stream("GET", url) as response:
                response.raise_for_status()
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise InputError(f"response larger than {MAX_DOCUMENT_BYTES / 1e6:.0f} MB")
                return bytes(body), response.headers.get("content-type", "")
        except httpx.HTTPStatusError as err:
            raise InputError(f"HTTP {err.response.status_code}") from err
        except httpx.HTTPError as err:
            raise InputError(f"cannot fetch ({type(err).__name__}: {err})") from err

    def documents(self, url: str) -> Iterator[RawDocument | Failure]:
        """A page becomes one document; a feed becomes one document per entry."""
        try:
            body, content_type = self.get(url)
            if _is_feed(body, content_type):
                yield from self.feed_documents(url, body)
            elif "html" in content_type or body.lstrip()[:1] == b"<":
                yield from_html(url, body, Hints(url=url))
            else:
                yield RawDocument(
                    url, body, decode(body, _charset(content_type)), "text/plain", Hints(url=url)
                )
        except InputError as err:
            yield Failure(url, str(err))

    def feed_documents(
        self, origin: str, body: bytes, fetch_links: bool = True
    ) -> Iterator[RawDocument | Failure]:
        parsed = feedparser.parse(body)
        if parsed.bozo and not parsed.entries:
            raise InputError(f"not a readable RSS/Atom feed ({parsed.get('bozo_exception')})")
        outlet = parsed.feed.get("title")
        for number, entry in enumerate(parsed.entries, start=1):
            link = entry.get("link")
            entry_origin = link or f"{origin}#{number}"
            try:
                yield self._entry_document(entry_origin, entry, outlet, fetch_links)
            except InputError as err:
                yield Failure(entry_origin, str(err))

    def _entry_document(
        self, origin: str, entry: feedparser.FeedParserDict, outlet: str | None, fetch_links: bool
    ) -> RawDocument:
        hints = Hints(
            title=entry.get("title"), published=_entry_date(entry), url=entry.get("link"), outlet=outlet
        )
        html = entry["content"][0]["value"] if entry.get("content") else entry.get("summary", "")
        if fetch_links and hints.url and len(html) < MIN_ENTRY_CHARS:
            body, _ = self.get(hints.url)
            return from_html(origin, body, hints)
        if not html.strip():
            raise InputError("feed entry has no text")
        return from_html(
            origin, html.encode("utf-8"), hints, text=f"<html><body><article>{html}</article></body></html>"
        )


def _check_host(request: httpx.Request) -> None:
    """httpx calls this before every request it sends, each redirect included."""
    refuse_private(str(request.url))


def refuse_private(url: str) -> None:
    """Refuse URLs whose host resolves to a loopback, private, link-local or reserved address."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as err:
        raise InputError(f"cannot resolve host {host!r}") from err
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise InputError(f"refusing to fetch from a private or loopback address ({host} → {ip})")


def _is_feed(body: bytes, content_type: str) -> bool:
    if any(t in content_type for t in FEED_TYPES):
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def _charset(content_type: str) -> str | None:
    _, _, charset = content_type.partition("charset=")
    return charset.split(";")[0].strip() or None


def _entry_date(entry: feedparser.FeedParserDict) -> PartialDate | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return PartialDate.parse(time.strftime("%Y-%m-%d", parsed)) if parsed else None
