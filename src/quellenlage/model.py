"""The data model: plain dataclasses that flow one way through the stages.

Every extracted object keeps character offsets into ``Article.text`` (the cleaned
body), so any figure can be traced back to the words it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Precision = Literal["year", "month", "day"]
EntityKind = Literal["PER", "ORG", "LOC", "MISC"]
QuoteKind = Literal["direct", "reported"]
SlotStatus = Literal["agree", "range", "conflict", "evolving", "single-source"]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to a precision: ``2025``, ``2025-07`` or ``2025-07-12``."""

    value: str
    precision: Precision

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PARTIAL_DATE.match(text.strip())
        if not match:
            raise ValueError(f"not a date of the form YYYY[-MM[-DD]]: {text!r}")
        year, month, day = match.groups()
        date(int(year), int(month or 1), int(day or 1))  # rejects 2025-13 and 2025-02-30
        precision: Precision = "day" if day else "month" if month else "year"
        return cls(match.group(0), precision)

    @classmethod
    def of(cls, when: date, precision: Precision = "day") -> PartialDate:
        width = {"year": 4, "month": 7, "day": 10}[precision]
        return cls(when.isoformat()[:width], precision)

    def first_day(self) -> date:
        parts = [int(p) for p in self.value.split("-")] + [1, 1]
        return date(parts[0], parts[1], parts[2])

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True)
class Hints:
    """Metadata a container supplies beside the text (HTML meta, feed entry, table row, WARC header)."""

    title: str | None = None
    published: PartialDate | None = None
    url: str | None = None
    outlet: str | None = None
    language: str | None = None
    authors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RawDocument:
    """One input document as read: the raw bytes kept for the store, its text decoded."""

    origin: str
    raw: bytes
    text: str
    media_type: str = "text/plain"
    hints: Hints = field(default_factory=Hints)


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be read or cleaned; the batch goes on without it."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Removed:
    """A span of ``Article.source`` cut from the body, with why (boilerplate, credit, dateline, title)."""

    start: int
    end: int
    reason: str


@dataclass(slots=True)
class Article:
    id: str
    origin: str
    text: str
    source: str
    removed: list[Removed] = field(default_factory=list)
    outlet: str | None = None
    agencies: list[str] = field(default_factory=list)
    dateline: str | None = None
    published: PartialDate | None = None
    language: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None


@dataclass(slots=True)
class Entity:
    id: str
    kind: EntityKind
    name: str
    variants: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Mention:
    article: str
    start: int
    end: int
    entity: str


@dataclass(slots=True)
class TimeRef:
    article: str
    start: int
    end: int
    text: str
    value: str | None
    type: str
    vague: bool = False
    mod: str | None = None
    anchor: str | None = None


@dataclass(slots=True)
class Claim:
    article: str
    start: int
    end: int
    text: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    approx: str | None = None
    vague: bool = False
    counts: str | None = None
    counts_head: str | None = None
    attributed_to: list[str] = field(default_factory=list)
    cue: str | None = None
    hedged: bool = False
    when: str | None = None
    where: str | None = None


@dataclass(slots=True)
class Quote:
    article: str
    start: int
    end: int
    text: str
    speaker: str | None
    cue: str | None
    kind: QuoteKind


@dataclass(slots=True)
class ReuseLink:
    a: str
    a_start: int
    a_end: int
    b: str
    b_start: int
    b_end: int
    similarity: float
    origin: str | None = None


@dataclass(slots=True)
class Story:
    id: str
    label: str
    articles: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    first: str | None = None
    last: str | None = None
    thread: str | None = None  # id of the thread of related stories (same topic) this story belongs to


@dataclass(slots=True)
class ClaimSlot:
    id: str
    story: str
    counts: str
    claims: list[int] = field(default_factory=list)
    status: SlotStatus = "single-source"
    independent_sources: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Citation:
    article: str
    start: int
    end: int


@dataclass(slots=True)
class BriefSentence:
    text: str
    citations: list[Citation] = field(default_factory=list)
    section: str | None = None


@dataclass(slots=True)
class Brief:
    story: str
    sentences: list[BriefSentence] = field(default_factory=list)
    format: str = "json"


_GERMAN_DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})")


def parse_date_hint(text: str) -> PartialDate | None:
    """A date given by a container (feed, table, header): ISO with optional time, or German D.M.YYYY.

    Unreadable values give None: a wrong date hint must not cost the article.
    """
    text = text.strip()
    german = _GERMAN_DATE.match(text)
    if german:
        day, month, year = german.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
    try:
        return PartialDate.parse(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        return None
