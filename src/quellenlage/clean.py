"""Clean: cut page furniture and credit lines from a document, turning credits into metadata.

German and English news pages carry section labels, audio-player notices, photo
captions and credits, newsletter prompts, copyright lines and credit lines such as
"(sda/afp)" or "Quelle: ntv.de, ino/AFP/dpa". No library knows these conventions,
so the rules are hand-written here, with the patterns themselves in `rules/`.
Every cut is kept as a `Removed` span of `Article.source` for audit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from .model import Article, Hints, PartialDate, RawDocument, Removed, parse_date_hint
from .rules import read_rows

MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 25
MAX_CAPTION_CHARS = 300
# Page furniture is a short line; a longer one is body text whatever words it starts with.
MAX_FURNITURE_CHARS = 300
# Enough text to tell the language of a news article, little enough to keep ingest fast.
LANGUAGE_SAMPLE_CHARS = 200
LANGUAGES = (
    "GERMAN",
    "ENGLISH",
    "FRENCH",
    "ITALIAN",
    "SPANISH",
    "DUTCH",
    "PORTUGUESE",
    "POLISH",
    "CZECH",
    "DANISH",
    "SWEDISH",
    "TURKISH",
    "RUSSIAN",
    "UKRAINIAN",
)
# Lowercase tokens of up to four letters in a credit are author or desk initials ("ino", "red").
_INITIALS = re.compile(r"^[a-zäöü]{2,4}$")
_HEADER = re.compile(r"^[ \ufeff]*date[ \t]+(\S+)[ \t]*")
_CREDIT_PREFIX = re.compile(
    r"^(quelle|source|mit material (von|der|aus)|material|agenturen|agencies)\s*:?\s+", re.I
)
_COPYRIGHT = re.compile(
    r"(?:\(c\)|©|copyright)\s*(?:\(c\)|©|copyright)?\s*(?:\d{4}\s*)?([^.,;|]+?)\s*(?:\d{4})?\s*(?:[.,;|]|$)",
    re.I,
)
_TRAILING_CREDIT = re.compile(r"\s*\(([A-Za-zÄÖÜäöü][\w./ -]{0,40})\)\s*$")
_DATELINE = re.compile(
    r"^(?P<place>[A-ZÄÖÜ][\w'.-]+(?:[ /-][A-ZÄÖÜ][\w'.-]+){0,3})"
    r"(?:,\s*(?P<date>[^()\n]{3,30}?))?\s*\((?P<credit>[^()\n]{2,40})\)\s*[-–—:]\s+"
)
_SENTENCE_END = (".", ":", ";", ",")


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str  # stripped


@dataclass(slots=True)
class _Cleaning:
    """What the rules find in one document before the body text is assembled."""

    source: str
    cuts: list[Removed] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    outlet: str | None = None
    dateline: str | None = None
    title: str | None = None
    published: PartialDate | None = None

    def cut(self, start: int, end: int, reason: str) -> None:
        self.cuts.append(Removed(start, end, reason))

    def credit(self, names: list[str]) -> None:
        self.agencies.extend(n for n in names if n not in self.agencies)


def clean(doc: RawDocument) -> Article:
    """A raw document to an article: clean body text plus outlet, agencies, dateline, date, title."""
    source = unicodedata.normalize("NFC", doc.text.replace("\r\n", "\n").replace("\r", "\n"))
    work = _Cleaning(source)
    lines = _lines(source, _header(work))
    _cut_furniture(work, lines, doc.hints)
    _cut_trailing_credit(work)
    _cut_dateline(work)
    text = _assemble(source, work.cuts)
    if not text:
        raise ValueError("nothing left after cleaning: the document holds page furniture only")
    return Article(
        id=article_id(text),
        origin=doc.origin,
        text=text,
        source=source,
        removed=sorted(work.cuts, key=lambda r: r.start),
        outlet=doc.hints.outlet or work.outlet or _domain(doc.hints.url),
        agencies=work.agencies,
        dateline=work.dateline,
        published=doc.hints.published or work.published,
        language=doc.hints.language or detect_language(text),
        title=doc.hints.title or work.title,
        authors=list(doc.hints.authors),
        url=doc.hints.url,
    )


@cache
def _detector() -> LanguageDetector:
    # Low-accuracy mode loads trigram models only: a fraction of the memory and start-up time,
    # and as accurate as the full models on a paragraph of news text.
    languages = (getattr(Language, name) for name in LANGUAGES)
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (lingua), None when it cannot tell."""
    found = _detector().detect_language_of(text[:LANGUAGE_SAMPLE_CHARS])
    return found.iso_code_639_1.name.lower() if found else None


def article_id(text: str) -> str:
    """Hash of the text with white space folded: the same article ingested twice has one id."""
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


def split_header(text: str) -> tuple[PartialDate | None, int]:
    """The optional ` date YYYY-MM[-DD] ` header of plain-text articles: its date and its length."""
    match = _HEADER.match(text)
    published = parse_date_hint(match.group(1)) if match else None
    return (published, match.end()) if match and published else (None, 0)


def _header(work: _Cleaning) -> int:
    work.published, end = split_header(work.source)
    if end:
        work.cut(0, end, "header")
    return end


def _lines(source: str, offset: int) -> list[_Line]:
    lines = []
    for match in re.finditer(r"[^\n]+", source[offset:]):
        text = match.group().strip()
        if text:
            start = offset + match.start() + (len(match.group()) - len(match.group().lstrip()))
            lines.append(_Line(start, start + len(text), text))
    return lines


def _cut_furniture(work: _Cleaning, lines: list[_Line], hints: Hints) -> None:
    """Walk the lines once: the lead (before the body starts) may also hold a section label and a title."""
    captions = _captions(lines)
    in_lead = True
    for index, line in enumerate(lines):
        reason = _furniture(line.text, in_lead)
        if reason is None and index in captions:
            reason = "caption"
        if reason is None and _credit_line(work, line.text):
            reason = "credit"
        if (
            reason is None
            and in_lead
            and work.title is None
            and _is_title(line.text, lines[index + 1 :], hints)
        ):
            work.title = hints.title or line.text
            reason = "title"
        if reason is None:
            in_lead = False
            continue
        if reason == "copyright":
            _copyright_credit(work, line.text)
        work.cut(line.start, line.end, reason)


@cache
def _furniture_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (reason, re.compile(rf"(?:{pattern})", re.I)) for reason, pattern in read_rows("boilerplate.tsv")
    )


def _furniture(text: str, in_lead: bool) -> str | None:
    if len(text) > MAX_FURNITURE_CHARS:
        return None
    for reason, pattern in _furniture_rules():
        if (reason != "section" or in_lead) and pattern.fullmatch(text):
            return reason
    return None


def _captions(lines: list[_Line]) -> set[int]:
    """Photo captions: a short sentence printed twice, or the line right above a photo credit."""
    counts = Counter(
        line.text for line in lines if len(line.text) <= MAX_CAPTION_CHARS and len(line.text.split()) > 3
    )
    found = {i for i, line in enumerate(lines) if counts[line.text] > 1}
    for i, line in enumerate(lines[1:], start=1):
        if _furniture(line.text, False) == "photo" and len(lines[i - 1].text) <= MAX_CAPTION_CHARS:
            found.add(i - 1)
    return found


def _is_title(text: str, rest: list[_Line], hints: Hints) -> bool:
    """A headline: one short line without closing punctuation, with body text after it."""
    if hints.title:
        return _fold(text) == _fold(hints.title)
    return (
        bool(rest)
        and len(text) <= MAX_TITLE_CHARS
        and len(text.split()) <= MAX_TITLE_WORDS
        and not text.endswith(_SENTENCE_END)
        and not _DATELINE.match(text + " ")
        and text[0].isalnum()
    )


def _credit_line(work: _Cleaning, text: str) -> bool:
    """`Quelle: ntv.de, ino/AFP/dpa` or `Mit Material von dpa`: outlet and agencies, never body text."""
    prefix = _CREDIT_PREFIX.match(text)
    if not prefix or len(text) > 160:
        return False
    rest = text[prefix.end() :]
    if _COPYRIGHT.search(rest):
        return False  # a copyright line, handled with the copyright rule
    tokens = [t.strip() for t in re.split(r"[,;/]| und | and ", rest) if t.strip()]
    agencies = [a for a in map(agency, tokens) if a]
    domains = [t.lower() for t in tokens if re.fullmatch(r"[\w-]+(\.[\w-]+)+", t)]
    if not agencies and not domains:
        return False
    work.credit(agencies)
    work.outlet = work.outlet or (domains[0] if domains else None)
    return True


def _copyright_credit(work: _Cleaning, text: str) -> None:
    """`(c) Copyright Thomson Reuters 2025` credits an agency; `© Abendblick` names the outlet."""
    match = _COPYRIGHT.search(text)
    holder = match.group(1).strip() if match else ""
    if not holder:
        return
    name = agency(holder)
    if name:
        work.credit([name])
    elif len(holder.split()) <= 4:
        work.outlet = work.outlet or holder


def _cut_trailing_credit(work: _Cleaning) -> None:
    """`(sda/afp)` or `(afp/red)` closing the last paragraph: agencies, with desk and initials dropped."""
    body = _assemble_spans(work.source, work.cuts)
    if not body:
        return
    start, end = body[-1]
    match = _TRAILING_CREDIT.search(work.source, start, end)
    names = _credit_names(match.group(1)) if match else None
    if match and names is not None:
        work.credit(names)
        work.cut(match.start(), match.end(), "credit")


def _cut_dateline(work: _Cleaning) -> None:
    """`Wonsan (dpa) - ` or `SEOUL, April 28 (Reuters) - ` opening the body: place and agency."""
    body = _assemble_spans(work.source, work.cuts)
    if not body:
        return
    start, end = body[0]
    match = _DATELINE.match(work.source[start:end])
    names = _credit_names(match.group("credit")) if match else None
    if match and names is not None and names:
        place = match.group("place")
        work.dateline = place.title() if place.isupper() else place
        work.credit(names)
        work.cut(start, start + match.end(), "dateline")


def _credit_names(credit: str) -> list[str] | None:
    """Agencies in a credit like `sda/afp`; None if a token is neither an agency nor initials."""
    names = []
    for token in re.split(r"[/,;]|\s+", credit.strip()):
        if not token:
            continue
        name = agency(token)
        if name:
            names.append(name)
        elif not _INITIALS.match(token):
            return None
    return names


@cache
def _agency_table() -> dict[str, str]:
    return {
        variant: canonical
        for canonical, variants in read_rows("agencies.tsv")
        for variant in variants.split("|")
    }


def agency(name: str) -> str | None:
    """The canonical name of a news agency (`afp` → `AFP`, `Thomson Reuters` → `Reuters`), or None."""
    return _agency_table().get(" ".join(name.lower().split()))


def _assemble_spans(source: str, cuts: list[Removed]) -> list[tuple[int, int]]:
    """The kept paragraphs of the source, as (start, end) spans without surrounding white space."""
    kept = []
    position = 0
    for cut in sorted(cuts, key=lambda r: r.start):
        kept.append((position, cut.start))
        position = max(position, cut.end)
    kept.append((position, len(source)))
    spans = []
    for start, end in kept:
        for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", source[start:end]):
            chunk = match.group()
            if chunk.strip():
                left = start + match.start() + len(chunk) - len(chunk.lstrip())
                spans.append((left, start + match.start() + len(chunk.rstrip())))
    return spans


def _assemble(source: str, cuts: list[Removed]) -> str:
    """Body text: kept pieces in order; a piece that ends a source line ends a paragraph."""
    parts: list[str] = []
    for start, end in _assemble_spans(source, cuts):
        piece = source[start:end]
        joiner = "\n\n" if parts and _paragraph_break(source, start) else " " if parts else ""
        parts.append(joiner + piece)
    return "".join(parts).strip()


def _paragraph_break(source: str, start: int) -> bool:
    before = source[max(0, start - 1000) : start].rstrip(" \t")
    return not before or before.endswith("\n")


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _domain(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None
