"""How the web app is configured: `quellenlage serve` options, their environment variables, or Python."""

from __future__ import annotations

from dataclasses import dataclass

from ..ingest.decode import MAX_DOCUMENT_BYTES
from ..store import DEFAULT_DB


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = DEFAULT_DB
    # Writes need this bearer token; without one, writes are refused.
    token: str | None = None
    # Reads need the token too (header, or the cookie the login page sets).
    protect_reads: bool = False
    # A request body larger than this is refused before it is read (413).
    max_upload_bytes: int = MAX_DOCUMENT_BYTES
    # Requests per client address, in the notation of the `limits` library ("60/minute"); None: no limit.
    write_rate: str | None = "60/minute"
    read_rate: str | None = None
    # URL ingestion refuses loopback, private and link-local hosts unless this is set.
    allow_private_urls: bool = False
