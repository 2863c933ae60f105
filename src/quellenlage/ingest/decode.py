"""Bytes to text: encoding detection and repair, binary and size checks."""

from __future__ import annotations

import re
import unicodedata
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# cp1252 readings of UTF-8 multibyte sequences (ä → Ã¤, „ → â€ž): the fingerprints of mojibake.
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf\u0152-\u0178\u2013-\u2122]|â€|Â[«»°§]")
_TEXT_BYTES = bytes(range(32, 256)) + b"\t\n\f\r"


class InputError(Exception):
    """A document that cannot be read; the message is the reason shown to the user."""


def read_bytes(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Read a file, gunzipping `.gz`; refuse what is larger than one article can be."""
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file")
    if size > limit:
        raise InputError(f"too large for one document ({size / 1e6:.1f} MB > {limit / 1e6:.0f} MB)")
    data = path.read_bytes()
    return gunzip(data, limit) if path.suffix == ".gz" else data


def gunzip(data: bytes, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    stream = zlib.decompressobj(wbits=31)
    try:
        out = stream.decompress(data, limit + 1)
    except zlib.error as err:
        raise InputError(f"corrupt gzip data ({err})") from err
    if len(out) > limit:
        raise InputError(f"too large for one document (> {limit / 1e6:.0f} MB uncompressed)")
    if not stream.eof:
        raise InputError("truncated gzip file")
    return out


def decode(raw: bytes, declared: str | None = None) -> str:
    """Decode bytes to NFC text: declared charset, else UTF-8, else the detector's best guess.

    cp1252 comes before latin-1 because German news files mislabelled as latin-1 use
    its typographic quotes; mojibake (UTF-8 once decoded as cp1252) is repaired.
    """
    if not raw.strip():
        raise InputError("empty file")
    if _looks_binary(raw):
        raise InputError("binary data, not text")
    text = _decode_with(raw, declared) or _decode_with(raw, "utf-8-sig") or _detect(raw)
    return unicodedata.normalize("NFC", repair_mojibake(text))


def _decode_with(raw: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(raw: bytes) -> str:
    best = from_bytes(raw[:65536], cp_isolation=["utf_8", "cp1252", "latin_1", "iso8859_15", "cp850"]).best()
    encoding = best.encoding if best else "cp1252"
    return raw.decode(encoding, errors="replace")


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _TEXT_BYTES))
    return controls > len(head) * 0.05


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as cp1252 once, if that is what the text shows."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
