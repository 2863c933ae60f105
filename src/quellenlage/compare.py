"""Compare: claim times, claim slots with agreement status, independent sources, source matrix, timeline.

Entry: ``compare(corpus)`` fills ``claim.when`` and ``corpus.slots``. Public helpers for the brief:
``source_matrix``, ``timeline``, ``slot_rows``.

Decisions (hand-written because no library lines up news figures across reports):
- ``claim.when`` comes only from a date expression in the claim's own clause (the comma-delimited
  part of its sentence). A claim without one is read as "as of writing" when statuses are compared,
  but ``when`` stays empty: the export must not state a time the text does not give.
- Undated articles are anchored on the story's latest publication date, so "im vergangenen Oktober"
  in an undated report resolves (anchor ``story:<date>``).
- Figures are compared as stated: "rund 14.000" and "bis zu 14.000" agree, "mindestens 12" and
  "rund 15" do not although their bounds overlap; an interval ("zwischen 200 und 300") holding the
  other figures makes a range. Figures that disagree *evolve* when their times differ: a date in the
  text, else the day of the report ("30 vermisst" on Saturday, "acht vermisst" on Monday); two
  undated reports, or reports of the same day, conflict.
- Slot keys are the counted object and the event verb's class (term tables in
  ``rules/compare_terms.json``), with German grammar read from word shapes (the pipeline has no
  tagger): passives and hearsay ("werden vermisst", "sollen ums Leben gekommen sein") count what has
  happened, split verbs are joined ("sagte ... zu" = "zusagen", a pledge like "pledged").
- The timeline lists each point in time once: dated sentences that tell of a happening, merged across
  reports and languages.
- Independence counts reports: claims of one article or of one shared wire passage are one report.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

import simplemma
from scipy.cluster.hierarchy import DisjointSet

from .corpus import Corpus
from .extract.temporal import find_timerefs
from .language.canonical import base_form, translit_key
from .language.rules import body_kind_pattern
from .model import Article, Citation, Claim, ClaimSlot, PartialDate, Quote, SlotStatus, Story, TimeRef
from .rules import read_json

__all__ = [
    "ClaimView",
    "CorpusIndex",
    "Event",
    "SlotRow",
    "TimePoint",
    "article_by_id",
    "compare",
    "content_set",
    "content_words",
    "corpus_index",
    "outlet_name",
    "slot_rows",
    "source_matrix",
    "story_articles",
    "story_group",
    "time_span",
    "timeline",
]

_CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—]|\s-\s")
_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
_WORD = re.compile(r"\w+")
_ROUGH_SENTENCE = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d))+[.!?]*")
_SENTENCE_END = re.compile(r"[.!?»«\"“”'’)]\s*$")
_DEMONYM_ENDINGS = ("er", "aner", "ner", "n", "ns", "ese", "ier")  # place name + ending: "Ukrainer"


@cache
def terms() -> dict[str, Any]:
    data: dict[str, Any] = read_json("compare_terms.json")
    return data


@cache
def _lookup(table: str) -> dict[str, str]:
    """Word -> class for a table of classes (objects, events)."""
    return {word: name for name, words in terms()[table].items() for word in words}


@cache
def _wordset(name: str) -> frozenset[str]:
    return frozenset(terms()[name])


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower()).translate(_FOLD)


# ---------------------------------------------------------------- time values


def time_span(value: str | None) -> tuple[date, date] | None:
    """First and last day a TIMEX3 date value covers (2024, 2024-10, 2024-SU, 2024-Q3, 2024-W10, ...)."""
    if not value:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2}|SP|SU|FA|WI|Q[1-4]|H[12]|W\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        return None
    year, part, day = int(match.group(1)), match.group(2), match.group(3)
    try:
        if part is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day:
            exact = date(year, int(part), int(day))
            return exact, exact
        if part.isdigit():
            month = int(part)
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if part in _SEASONS:
            first, last = _SEASONS[part]
            end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
            return date(year, first, 1), date(
                end_year, end_month, calendar.monthrange(end_year, end_month)[1]
            )
        if part.startswith("Q"):
            first = 3 * int(part[1]) - 2
            return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        if part.startswith("H"):
            return (
                (date(year, 1, 1), date(year, 6, 30))
                if part == "H1"
                else (date(year, 7, 1), date(year, 12, 31))
            )
        monday = date.fromisocalendar(year, int(part[1:]), 1)
        return monday, monday + timedelta(days=6)
    except ValueError:
        return None


def _width(value: str) -> int:
    span = time_span(value)
    return (span[1] - span[0]).days if span else 10**6


def contains(outer: str, inner: str) -> bool:
    a, b = time_span(outer), time_span(inner)
    return bool(a and b and a[0] <= b[0] and b[1] <= a[1])


def compatible_times(a: str, b: str) -> bool:
    return contains(a, b) or contains(b, a)


@dataclass(slots=True)
class TimePoint:
    """A date expression placed on the calendar; ``explicit`` is False for the publication-date fallback."""

    article: str
    start: int
    end: int
    value: str
    explicit: bool
    anchor: str | None = None


# ---------------------------------------------------------------- article views


@dataclass(slots=True)
class ArticleView:
    article: Article
    sentences: list[tuple[int, int]]
    times: list[TimePoint]
    anchor: PartialDate | None


def story_articles(corpus: Corpus) -> list[tuple[Story, list[Article]]]:
    """Stories with their articles; articles no story holds become stories of their own."""
    by_id = {a.id: a for a in corpus.articles}
    out: list[tuple[Story, list[Article]]] = []
    seen: set[str] = set()
    for story in corpus.stories:
        arts = [by_id[i] for i in story.articles if i in by_id]
        seen.update(a.id for a in arts)
        out.append((story, arts))
    for article in corpus.articles:
        if article.id not in seen:
            out.append(
                (
                    Story(id=f"story-{article.id}", label=article.title or article.id, articles=[article.id]),
                    [article],
                )
            )
    return out


def doc_sentences(corpus: Corpus, article: Article) -> list[tuple[int, int]] | None:
    """Character spans of the sentences of the article's Doc (None without a Doc or its sentences)."""
    doc = corpus.docs.get(article.id)
    if doc is None or not doc.has_annotation("SENT_START"):
        return None
    return [(s.start_char, s.end_char) for s in doc.sents]


def _sentences(text: str, spans: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    if spans is not None:
        return [(a, b) for a, b in spans if text[a:b].strip()]
    # without a Doc: sentences end at . ! ? or a line break, but not at the point of "2.5" or "14.000"
    return [(m.start(), m.end()) for m in _ROUGH_SENTENCE.finditer(text) if m.group().strip()]


def _story_anchor(articles: Sequence[Article]) -> PartialDate | None:
    dated = [a.published for a in articles if a.published]
    return max(dated, key=lambda p: p.value) if dated else None


def _article_times(
    timerefs: Sequence[TimeRef], article: Article, story_anchor: PartialDate | None
) -> list[TimePoint]:
    """The extract stage's dates (``timerefs`` of this article), plus what an undated article gives against
    the story anchor, plus deictic expressions too fine for a coarse publication date ("am Samstag")."""
    points = [
        TimePoint(t.article, t.start, t.end, t.value, True, t.anchor)
        for t in timerefs
        if t.type == "DATE" and t.value and time_span(t.value)
    ]
    anchor = article.published or story_anchor
    if anchor is None:
        return points
    language = "en" if article.language == "en" else "de"
    for ref in find_timerefs(article.id, article.text, anchor, language):
        if ref.type != "DATE" or ref.vague or any(p.start < ref.end and ref.start < p.end for p in points):
            continue
        if article.published is None and ref.value and time_span(ref.value):
            points.append(TimePoint(article.id, ref.start, ref.end, ref.value, True, f"story:{anchor.value}"))
        elif article.published is not None and ref.value is None:
            points.append(TimePoint(article.id, ref.start, ref.end, anchor.value, False, "published"))
    return sorted(points, key=lambda p: p.start)


@dataclass(slots=True)
class CorpusIndex:
    """What every story of a corpus looks up: built once per corpus, so the work per story does not grow
    with the size of the corpus."""

    stories: list[tuple[Story, list[Article]]]
    by_story: dict[str, tuple[Story, list[Article]]]
    articles: dict[str, Article]
    views: dict[str, ArticleView]  # per article: sentences and dates
    sentences: dict[str, list[tuple[int, int]]]  # per article with a Doc: all its sentences
    locations: frozenset[str]  # folded names and variants of the corpus's places
    claims: dict[str, list[int]]  # article id -> indices into corpus.claims, in corpus order
    quotes: dict[str, list[int]]  # article id -> indices into corpus.quotes, in corpus order
    claim_views: dict[str, list[ClaimView]] = field(default_factory=dict)  # per story, kept by ``compare``
    timelines: dict[tuple[str, float], list[Event]] = field(default_factory=dict)  # kept by ``timeline``


_INDEX: list[tuple[Corpus, tuple[int, ...], CorpusIndex]] = []


def corpus_index(corpus: Corpus, fresh: bool = False) -> CorpusIndex:
    """The index of ``corpus``; kept for the last corpus while its lists stay the same objects of the same
    sizes (``compare`` builds it afresh, so a story changed in place is seen from there on)."""
    lists: tuple[list[Any], ...] = (
        corpus.articles,
        corpus.timerefs,
        corpus.claims,
        corpus.quotes,
        corpus.entities,
        corpus.stories,
    )
    key = (*(id(x) for x in lists), *(len(x) for x in lists))
    if not fresh and _INDEX and _INDEX[0][0] is corpus and _INDEX[0][1] == key:
        return _INDEX[0][2]
    index = _build_index(corpus)
    _INDEX[:] = [(corpus, key, index)]
    return index


def _positions(items: Iterable[Claim | Quote | TimeRef]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        out.setdefault(item.article, []).append(n)
    return out


def _build_index(corpus: Corpus) -> CorpusIndex:
    stories = story_articles(corpus)
    timerefs = _positions(corpus.timerefs)
    views: dict[str, ArticleView] = {}
    sentences: dict[str, list[tuple[int, int]]] = {}
    for _story, arts in stories:
        anchor = _story_anchor(arts)
        for article in arts:
            own = [corpus.timerefs[n] for n in timerefs.get(article.id, [])]
            spans = doc_sentences(corpus, article)
            if spans is not None:
                sentences[article.id] = spans
            views[article.id] = ArticleView(
                article,
                _sentences(article.text, spans),
                _article_times(own, article, anchor),
                article.published or anchor,
            )
    places = [e for e in corpus.entities if e.kind == "LOC"]
    return CorpusIndex(
        stories=stories,
        by_story={story.id: (story, arts) for story, arts in reversed(stories)},  # first of an id wins
        articles={a.id: a for a in reversed(corpus.articles)},
        views=views,
        sentences=sentences,
        locations=frozenset({fold(e.name) for e in places} | {fold(v) for e in places for v in e.variants}),
        claims=_positions(corpus.claims),
        quotes=_positions(corpus.quotes),
    )


def _views(corpus: Corpus) -> dict[str, ArticleView]:
    return corpus_index(corpus).views


def story_group(corpus: Corpus, story_id: str) -> tuple[Story, list[Article]] | None:
    """The story ``story_id`` with its articles, as ``story_articles`` gives it."""
    return corpus_index(corpus).by_story.get(story_id)


def _story_arts(corpus: Corpus, story_id: str) -> list[Article]:
    found = story_group(corpus, story_id)
    return found[1] if found else []


def article_by_id(corpus: Corpus, article_id: str) -> Article | None:
    """``corpus.article`` by a dictionary lookup."""
    return corpus_index(corpus).articles.get(article_id)


def _enclosing(spans: Sequence[tuple[int, int]], start: int) -> tuple[int, int]:
    return next((s for s in spans if s[0] <= start < s[1]), (start, start))


def clause_of(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The comma-delimited part of the sentence around [start, end) (a German clause, roughly)."""
    lo, hi = sentence
    for match in _CLAUSE_BREAK.finditer(text, lo, hi):
        if match.end() <= start:
            lo = match.end()
        elif match.start() >= end:
            hi = match.start()
            break
    return lo, hi


@cache
def lemmas(word: str) -> tuple[str, ...]:
    """The word and its German and English lemmas (simplemma), lower-cased."""
    word = word.lower()
    return tuple(
        dict.fromkeys(
            (word, simplemma.lemmatize(word, lang="de").lower(), simplemma.lemmatize(word, lang="en").lower())
        )
    )


@cache
def term_class(table: str, word: str) -> str | None:
    """The class of a word in a term table, by form, lemma or compound tail ("Truppenentsendung")."""
    lookup = _lookup(table)
    forms = lemmas(word)
    for form in forms:
        if form in lookup:
            return lookup[form]
    # compound nouns end in their head: Truppenentsendung -> entsendung, Wiederaufbaukraft -> kraft;
    # the longest listed tail of four letters or more that starts with another letter than the word
    head = forms[0]
    for i in range(1, len(head) - 3):
        tail = head[i:]
        if tail[0] != head[0] and tail in lookup:
            return lookup[tail]
    return None


@cache
def _canonical(raw: str) -> str:
    found = term_class("objects", raw) or term_class("events", raw)
    if found:
        return found
    forms = lemmas(raw)
    word = fold(forms[1] if len(forms) > 1 else raw)
    stem = re.sub(r"(isch|land)$", "", word)  # russisch / Russland -> russ
    return stem if len(stem) >= 3 else word


@lru_cache(maxsize=1 << 18)
def _content_form(word: str) -> str | None:
    """The canonical form of a lower-case word of three letters or more, None for stop words."""
    if word.isdigit() or _wordset("stopwords").intersection(lemmas(word)):
        return None
    return _canonical(word)


def content_words(text: str) -> list[str]:
    """Folded content words, classes of the term tables replacing their members (cross-language)."""
    forms = (_content_form(w) for w in _WORD.findall(text.lower()) if len(w) >= 3)
    return [f for f in forms if f is not None]


@lru_cache(maxsize=1 << 16)
def content_set(text: str) -> frozenset[str]:
    """``content_words`` as a set, memoised: the brief compares the same sentences many times."""
    return frozenset(content_words(text))


def outlet_name(article: Article) -> str:
    if article.outlet:
        return article.outlet
    if article.agencies:
        return "/".join(article.agencies)
    return re.sub(r"\.\w+$", "", article.origin.rsplit("/", 1)[-1])


# ---------------------------------------------------------------- claims


@dataclass(slots=True)
class ClaimView:
    index: int
    claim: Claim
    obj: str
    event: str | None
    aspect: bool
    subset: bool
    rate: str | None  # "day", "month", "year": a figure per unit of time ("555 Euro pro Monat")
    clause: tuple[int, int]
    sentence: tuple[int, int]
    interval: tuple[float, float] | None
    explicit_range: bool
    time: str | None  # its own date, else the day its report appeared (the story's last for an undated one)
    reported: str | None  # the publication date of its report, if it has one
    sources: list[str] = field(default_factory=list)
    era: str | None = None  # the date of a past event the figure counts ("2009 kamen 309 Menschen ums Leben")


def _object_class(head: str | None, corpus_locations: frozenset[str]) -> str:
    if not head:
        return "?"
    word = head.lower()
    for candidate in (word, word.rsplit("-", 1)[-1]):
        found = term_class("objects", candidate) if candidate else None  # "Corona-" has no tail
        if found:
            return found
    folded = fold(word)
    if any(
        len(folded) - len(ending) >= 4
        and folded.endswith(ending)
        and folded[: len(folded) - len(ending)] in corpus_locations
        for ending in _DEMONYM_ENDINGS
    ):
        return "demonym"
    return fold(word)


def _measure(clause_text: str) -> str | None:
    """A scale the clause names for a figure without a noun of its own (``measure_objects``)."""
    scales = _wordset("measure_objects")
    return next((c for w in _words(clause_text) if (c := term_class("objects", w)) in scales), None)


def _event_class(claim: Claim, clause_text: str, claim_offset: int) -> str | None:
    events = _lookup("events")
    for word in reversed(_WORD.findall(claim.counts or "")):
        found = term_class("events", word)
        if found:
            return found
    lower = clause_text.lower()
    for phrase, name in events.items():
        if " " in phrase and phrase in lower:
            return name  # fixed phrases ("ums Leben") are the strongest cue
    best: tuple[int, str] | None = None
    for match in _WORD.finditer(lower):
        found = term_class("events", match.group())
        if found:
            distance = abs(match.start() - claim_offset)
            if best is None or distance < best[0]:
                best = (distance, found)
    if best:
        return best[1]
    return next((e for v in _separable_verbs(_words(clause_text)) if (e := _lookup("events").get(v))), None)


def _anaphoric_event(
    text: str, sentences: Sequence[tuple[int, int]], sentence: tuple[int, int], clause_text: str
) -> str | None:
    """A figure that names no event but refers back ("... belaufen sie sich auf 250 Millionen Euro")
    counts what the previous sentence names ("Wie gross die Schäden sind, ...")."""
    if not _wordset("anaphors").intersection(_words(clause_text)):
        return None
    before = [s for s in sentences if s[1] <= sentence[0]]
    if not before:
        return None
    words = _words(text[before[-1][0] : before[-1][1]])
    return next((e for w in reversed(words) if (e := term_class("events", w))), None)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@cache
def _participle_pattern() -> re.Pattern[str]:
    """German past participles by their shape (the pipeline has no tagger): ge-...-t/-en, a separable
    particle before ge- ("zugesagt"), an inseparable prefix ending in -t ("vermisst", "behandelt"), -iert."""
    particles = "|".join(map(re.escape, terms()["separable_particles"]))
    prefixes = "|".join(map(re.escape, terms()["inseparable_prefixes"]))
    return re.compile(rf"^(?:(?:{particles})?ge\w{{2,}}(?:t|en)|(?:{prefixes})\w{{2,}}t|\w{{3,}}iert)$")


ATTRIBUTIVE = re.compile(r"\s+([a-zäöüß]+?)(?:e|en|er|es|em)\b")
COMPOUND_PARTICIPLE = re.compile(r"^[a-zäöüß]{2,}ge[a-zäöüß]{2,}t$")  # "fertiggestellt", "instandgesetzt"


def _dates_a_noun(text: str, end: int) -> bool:
    """A date before an attributive participle ("die 1968 gebaute Talsperre") dates the noun, not the
    figure of the clause."""
    match = ATTRIBUTIVE.match(text, end)
    stem = match.group(1) if match else ""
    return _is_participle(stem) or COMPOUND_PARTICIPLE.match(stem) is not None


def _is_participle(word: str) -> bool:
    return word not in _wordset("stopwords") and bool(_participle_pattern().match(word))


def _separable_verbs(words: Sequence[str]) -> set[str]:
    """Split German verbs of a clause joined again: "sagte ... zu" -> "zusagen" (the particle ends it)."""
    if not words or words[-1] not in _wordset("separable_particles"):
        return set()
    return {words[-1] + _german_lemma(w) for w in words[:-1]}


@cache
def _german_lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="de").lower()


def _modal_is_future(word: str, words: Sequence[str], participle: bool) -> bool:
    """A modal verb points ahead unless it builds the passive ("werden ... vermisst"), reports hearsay
    about the past ("sollen ums Leben gekommen sein"), or hedges an amount ("könnte ... betragen")."""
    if word not in _wordset("modal"):
        return False
    if word in _wordset("passive_werden") and participle:
        return False
    if word in _wordset("hearsay_modals") and any(
        _is_participle(a) and b in _wordset("perfect_auxiliaries") for a, b in pairwise(words)
    ):
        return False
    return not any(lemma in _wordset("measure_verbs") for w in words for lemma in lemmas(w))


def _aspect(claim: Claim, clause_text: str) -> bool:
    """Prospective (modal, promised, future) or additive ("weitere") figures count a different quantity."""
    words = _words(clause_text)
    own = _words(f"{claim.text} {claim.counts or ''}")
    participle = any(_is_participle(w) for w in words)
    prospective = _wordset("prospective")
    if any(_modal_is_future(w, words, participle) or w in prospective for w in words):
        return True
    if prospective.intersection(_separable_verbs(words)):
        return True
    return any(w in _wordset("additive") for w in own)


PAST_EVENT_DAYS = 365  # a figure dated over a year before its report counts an earlier event


def _era(when: str | None, reported: str | None) -> str | None:
    dated, report = time_span(when), time_span(reported)
    return when if dated and report and (report[0] - dated[1]).days > PAST_EVENT_DAYS else None


@cache
def _rate_cue() -> re.Pattern[str]:
    """Any rate cue ("pro Monat", "a day") as a whole word, in one pattern, the longest first."""
    cues = "|".join(re.escape(c) for c in sorted(_lookup("rates"), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{cues})(?!\w)")


def _rate(claim: Claim, text: str, clause: tuple[int, int]) -> str | None:
    """The unit of time the figure is counted per, by the cue nearest to it in its clause."""
    at = claim.start - clause[0]
    found = [
        (min(abs(m.start() - at), abs(m.end() - at)), _lookup("rates")[m.group()])
        for m in _rate_cue().finditer(text[clause[0] : clause[1]].lower())
    ]
    return min(found)[1] if found else None


@cache
def _subset_cue() -> re.Pattern[str] | None:
    """Any subset cue ("darunter") as a whole word, in one pattern."""
    cues = "|".join(re.escape(fold(m)) for m in terms()["subset"])
    return re.compile(rf"(^|\W)(?:{cues})(\W|$)") if cues else None


def _is_subset(text: str, clause: tuple[int, int], claim: Claim) -> bool:
    cue = _subset_cue()
    return bool(cue and cue.search(fold(text[clause[0] : claim.start])))


def _interval(claim: Claim) -> tuple[tuple[float, float] | None, bool]:
    if claim.vague:
        return None, False
    factors: dict[str, list[float]] = terms()["approx_intervals"]
    approx = (claim.approx or "").lower().strip()
    if claim.low is not None and claim.high is not None:
        return (claim.low, claim.high), True
    if claim.value is not None:
        lo, hi = factors.get(approx, [1.0, 1.0])
        return (claim.value * lo, claim.value * hi), False
    if claim.high is not None:
        lo, hi = factors.get(approx, [0.66, 1.0])
        return (claim.high * lo, claim.high * hi), False
    if claim.low is not None:
        lo, hi = factors.get(approx, [1.0, 1.5])
        return (claim.low * lo, claim.low * hi), False
    return None, False


@lru_cache(maxsize=1 << 14)
def source_key(phrase: str) -> tuple[str, bool]:
    """A source phrase's identity (its kind of source, if a known one, and its specific words, in any
    order) and whether it only relays ("Medienberichte", "local media")."""
    generic = _wordset("generic_sources") | _wordset("stopwords")
    words = [w for w in _WORD.findall(phrase.lower()) if len(w) >= 3 and w not in _wordset("stopwords")]
    relay = all(w in _wordset("relay_only") for w in words) if words else True
    pattern, table = body_kind_pattern(fold)  # "Polizei" and "police" are one kind of source
    folded = fold(phrase)
    kinds = {f"={table[m.group(0)]}" for m in pattern.finditer(folded)}
    rest = pattern.sub(" ", folded)
    specific = kinds | {fold(w)[:6] for w in _WORD.findall(rest) if len(w) >= 3 and w not in generic}
    return (" ".join(sorted(specific)) if specific else folded), relay


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What naming a story's sources needs: the language of each report (names are shown in the story's main
    language) and the entities' keys (a genitive source is shown in its entity's base form)."""

    languages: dict[str, str | None] = field(default_factory=dict)
    entities: frozenset[str] = frozenset()
    main: str | None = None  # the most frequent language of the reports

    @classmethod
    def of(cls, corpus: Corpus, articles: Iterable[Article]) -> SourceContext:
        languages = {a.id: a.language for a in articles}
        counts = Counter(languages.values())
        main = counts.most_common(1)[0][0] if counts else None
        return cls(languages, frozenset(translit_key(e.name) for e in corpus.entities), main)


@dataclass(slots=True)
class SourceNames:
    """One identity and one shown name per source: phrases of one key are one source, shown by their most
    frequent form in the story's main language; a key whose words all belong to exactly one longer key is
    that source ("Wasserverband" and "Wasserverband Wendtal")."""

    context: SourceContext = field(default_factory=SourceContext)
    forms: dict[str, dict[str, float]] = field(default_factory=dict)

    def add(self, phrase: str, article: str = "", relay_ok: bool = False) -> str | None:
        """The phrase's key; None for a relay unless ``relay_ok``."""
        key, relay = source_key(phrase)
        if relay and not relay_ok:
            return None
        shown = base_form(phrase, self.context.entities)
        main = self.context.main
        weight = 1.0 if self.context.languages.get(article, main) == main else 0.001
        forms = self.forms.setdefault(key, {})
        forms[shown] = forms.get(shown, 0.0) + weight
        return key

    def owner(self, key: str) -> str:
        words = set(key.split())
        longer = [k for k in self.forms if k != key and words < set(k.split())]
        return longer[0] if len(longer) == 1 else key

    def name(self, key: str) -> str:
        forms = self.forms[self.owner(key)]
        return max(forms, key=forms.__getitem__)

    def names(self) -> list[str]:
        return list(dict.fromkeys(self.name(key) for key in self.forms))


def _claim_time(claim: Claim, view: ArticleView, clause: tuple[int, int]) -> str | None:
    text = view.article.text
    inside = [
        p
        for p in view.times
        if p.explicit and clause[0] <= p.start and p.end <= clause[1] and not _dates_a_noun(text, p.end)
    ]
    if not inside:
        return None
    return min(inside, key=lambda p: min(abs(p.start - claim.end), abs(claim.start - p.end))).value


def _claim_views(
    corpus: Corpus, views: dict[str, ArticleView], articles: Sequence[Article]
) -> list[ClaimView]:
    found = corpus_index(corpus)
    locations = found.locations
    out: list[ClaimView] = []
    own = sorted({n for a in {a.id for a in articles} for n in found.claims.get(a, [])})
    for index in own:
        claim = corpus.claims[index]
        view = views[claim.article]
        text = view.article.text
        sentence = _enclosing(view.sentences, claim.start)
        clause = clause_of(text, sentence, claim.start, claim.end)
        obj = _object_class(claim.counts_head, locations)
        clause_text = text[clause[0] : clause[1]]
        if obj == "?":  # "ein Beben der Stärke 6,1", "measured the magnitude at 6.3": the figure has no noun
            obj = _measure(clause_text) or obj
        event = _event_class(claim, clause_text, claim.start - clause[0])
        if event is None and obj in terms()["object_events"]:
            event = terms()["object_events"][obj]
        if event is None:
            event = _anaphoric_event(text, view.sentences, sentence, clause_text)
        if obj in _wordset("measure_objects"):
            event = None  # a scale's reading is one quantity whatever the clause tells of the event
        if event in terms()["casualty_events"] and obj in terms()["casualty_objects"]:
            obj = "person"  # "12 Tote", "12 Menschen getötet", "12 Ukrainer getötet": one count of people
        interval, explicit_range = _interval(claim)
        published = view.anchor.value if view.anchor else None
        out.append(
            ClaimView(
                index=index,
                claim=claim,
                obj=obj,
                event=event,
                aspect=_aspect(claim, clause_text),
                rate=_rate(claim, text, clause),
                subset=_is_subset(text, clause, claim),
                clause=clause,
                sentence=sentence,
                interval=interval,
                explicit_range=explicit_range,
                time=claim.when or published,
                reported=view.article.published.value if view.article.published else None,
                sources=[s for s in claim.attributed_to if s.strip()],
            )
        )
    return out


def _family(event: str | None) -> str | None:
    if event is None:
        return None
    families: dict[str, str] = terms()["event_families"]
    return families.get(event, event)


def _objects_match(a: str, b: str) -> bool:
    if a == b:
        return a != "?"
    persons = set(terms()["person_objects"])
    return (a == "demonym" and b in persons) or (b == "demonym" and a in persons)


def _same_quantity(a: ClaimView, b: ClaimView) -> bool:
    if a.aspect != b.aspect or a.subset != b.subset or (a.rate and b.rate and a.rate != b.rate):
        return False
    if (a.era or b.era) and not (a.era and b.era and compatible_times(a.era, b.era)):
        return False  # a figure of an earlier event ("beim Beben von 2009") is another quantity
    fa, fb = _family(a.event), _family(b.event)
    same_clause = a.claim.article == b.claim.article and a.clause == b.clause
    if same_clause:
        return True  # coordinated figures of one predicate: "4000 Soldaten sowie 6000 Arbeiter zugesagt"
    if a.subset:
        return False  # "darunter 3000": a part of some other figure, not comparable across reports
    if fa is None or fb is None:
        # without an event only a specific object says what is counted ("Kubikmeter", "Euro"), not a
        # generic one: "2.500 Menschen" and "30 Menschen" may count anything that befell people
        return fa == fb and a.obj == b.obj and a.obj not in terms()["generic_objects"]
    return fa == fb and _objects_match(a.obj, b.obj)


# ---------------------------------------------------------------- slots


def _report_groups(corpus: Corpus, claims: Sequence[ClaimView]) -> dict[int, int]:
    """Claim index -> report id: one article, or one wire passage shared by several, is one report."""
    groups: DisjointSet[int] = DisjointSet([c.index for c in claims])
    first_of: dict[str, int] = {}
    for c in claims:
        groups.merge(first_of.setdefault(c.claim.article, c.index), c.index)
    arts = {c.claim.article for c in claims}
    for link in (x for x in corpus.reuse if x.a in arts and x.b in arts):
        for x in claims:
            for y in claims:
                if (
                    x.claim.article == link.a
                    and y.claim.article == link.b
                    and x.claim.start < link.a_end
                    and link.a_start < x.claim.end
                    and y.claim.start < link.b_end
                    and link.b_start < y.claim.end
                ):
                    groups.merge(x.index, y.index)
    return {c.index: min(groups.subset(c.index)) for c in claims}


def _group(claims: Sequence[ClaimView]) -> list[list[ClaimView]]:
    precise = [c for c in claims if c.interval is not None]
    vague = [c for c in claims if c.interval is None]
    sets: DisjointSet[int] = DisjointSet([c.index for c in claims])
    for n, a in enumerate(precise):
        for b in precise[n + 1 :]:
            if _same_quantity(a, b):
                sets.merge(a.index, b.index)
    for a in vague:
        partner = next((b for b in precise if _same_quantity(a, b)), None)
        if partner:
            sets.merge(a.index, partner.index)
    for n, a in enumerate(vague):
        for b in vague[n + 1 :]:
            # vague figures form a slot of their own only when no precise figure counts the same
            if _same_quantity(a, b) and not any(_same_quantity(a, p) for p in precise):
                sets.merge(a.index, b.index)
    by_index = {c.index: c for c in claims}
    groups = [sorted((by_index[i] for i in subset), key=lambda c: c.index) for subset in sets.subsets()]
    return sorted(groups, key=lambda g: (-sum(c.interval is not None for c in g), g[0].index))


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _distinct_times(a: ClaimView, b: ClaimView) -> bool:
    """Not the same time: an earlier figure, not a conflict. Against a date the text gives, an undated
    figure stands at the day its report appeared (for an undated report, the story's last day); two
    undated figures differ in time only when both reports carry different dates."""
    if a.claim.when or b.claim.when:
        return bool(a.time and b.time and not compatible_times(a.time, b.time))
    return bool(a.reported and b.reported and not compatible_times(a.reported, b.reported))


def _stated(claim: Claim) -> float:
    for number in (claim.value, claim.high, claim.low):
        if number is not None:
            return number
    return 0.0


def _agree(a: ClaimView, b: ClaimView) -> bool:
    """Two figures say the same when they name the same number ("rund 14.000", "bis zu 14.000",
    "14,000"), or when one source gives an interval ("zwischen 200 und 300") that holds the other.
    Compatible bounds alone ("mindestens 12" and "rund 15") do not make different statements agree."""
    if a.explicit_range or b.explicit_range:
        return bool(a.interval and b.interval and _overlap(a.interval, b.interval))
    x, y = _stated(a.claim), _stated(b.claim)
    # rounding tolerance only where a source rounds ("rund 14.000", "about 14,000"): "6,1" and "6,3" differ
    tolerance = float(terms()["agree_tolerance"]) if a.claim.approx or b.claim.approx else 1e-9
    return abs(x - y) <= tolerance * max(abs(x), abs(y))


def _comparable(a: ClaimView, b: ClaimView) -> bool:
    return _objects_match(a.obj, b.obj) and (a.event == b.event or a.event is None or b.event is None)


def status_of(group: Sequence[ClaimView], reports: dict[int, int]) -> SlotStatus:
    """single-source (one report), conflict (different figures for the same time), evolving (different
    figures at different times), range (an interval holds the other figures), else agree."""
    if len({reports[c.index] for c in group}) <= 1:
        return "single-source"
    precise = [c for c in group if c.interval is not None]
    pairs = [(a, b) for n, a in enumerate(precise) for b in precise[n + 1 :] if _comparable(a, b)]
    differing = [(a, b) for a, b in pairs if not _agree(a, b)]
    if any(not _distinct_times(a, b) for a, b in differing):
        return "conflict"
    if differing:
        return "evolving"
    if not pairs:
        return "agree" if len(precise) > 1 else "single-source"
    if any(a.explicit_range or b.explicit_range for a, b in pairs):
        return "range"
    return "agree"


_SPOKESPERSON = re.compile(r"(?P<body>\w+?)(?:sprecher|sprecherin)", re.IGNORECASE)


def _body_word(word: str) -> str:
    """ "Regierungs" -> "Regierung" (the linking s of a compound), "Polizei" stays."""
    for form in (word, word[:-1] if word.endswith("s") else word):
        if simplemma.is_known(form, lang="de") and simplemma.lemmatize(form, lang="de") == form:
            return form
    return word


def spokespeople(corpus: Corpus) -> dict[str, str]:
    """Person -> the body they speak for, from their role ("Polizeisprecher Jens Kaltenbach" -> "Polizei")
    when it is a known kind of source: what a spokesperson says, the body says; one source with it."""
    out = {}
    for entity in corpus.entities:
        for role in entity.roles if entity.kind == "PER" else ():
            match = _SPOKESPERSON.fullmatch(role)
            body = _body_word(match["body"].capitalize()) if match else ""
            if source_key(body)[0].startswith("="):  # a known kind of body, not "Presse" or "Partei"
                out[entity.name] = body
    return out


def independent_sources(
    group: Sequence[ClaimView], speaks_for: dict[str, str], context: SourceContext
) -> list[str]:
    """The original sources behind a slot's claims after merging wire copy, one name per identity: what each
    claim is attributed to (a spokesperson as the body they speak for), relays ("Medienberichten zufolge")
    only when they stand alone; a claim no source is stated for adds none (the outlet's own reporting is no
    source of its own)."""
    names = SourceNames(context)
    for c in group:
        phrases = [speaks_for.get(phrase, phrase) for phrase in c.sources]
        stated = [phrase for phrase in phrases if not source_key(phrase)[1]]
        for phrase in stated or phrases:
            names.add(phrase, c.claim.article, relay_ok=True)
    return names.names()


def _slot_id(story: str, group: Sequence[ClaimView]) -> str:
    key = "|".join(f"{c.claim.article}:{c.claim.start}" for c in group)
    return "slot-" + hashlib.sha1(f"{story}|{key}".encode()).hexdigest()[:12]


def _label(group: Sequence[ClaimView]) -> str:
    """What the slot counts, as most of its figures say it; a phrase that names the counted thing
    ("Toten") before one that does not ("gestiegen")."""
    precise = [c for c in group if c.interval is not None] or list(group)
    named = [c for c in precise if c.claim.counts and c.claim.counts_head] or precise
    counts = Counter(c.claim.counts or c.claim.text for c in named)
    return counts.most_common(1)[0][0]


def compare(corpus: Corpus) -> None:
    """Fill ``claim.when`` from the claim's clause and ``corpus.slots`` per story."""
    index = corpus_index(corpus, fresh=True)
    views = index.views
    speaks_for = spokespeople(corpus)
    corpus.slots = []
    for story, arts in index.stories:
        claims = _claim_views(corpus, views, arts)
        for c in claims:
            when = _claim_time(c.claim, views[c.claim.article], c.clause)
            if when:
                c.claim.when = when
                c.time = when
                anchor = views[c.claim.article].anchor
                c.era = _era(when, c.reported or (anchor.value if anchor else None))
        index.claim_views.setdefault(story.id, claims)  # the first story of an id, as slot_rows reads it
        reports = _report_groups(corpus, claims)
        context = SourceContext.of(corpus, arts)
        for group in _group(claims):
            corpus.slots.append(
                ClaimSlot(
                    id=_slot_id(story.id, group),
                    story=story.id,
                    counts=_label(group),
                    claims=[c.index for c in group],
                    status=status_of(group, reports),
                    independent_sources=independent_sources(group, speaks_for, context),
                )
            )


# ---------------------------------------------------------------- rows for the brief


@dataclass(slots=True)
class SlotRow:
    """One slot as a reader sees it: the values grouped into clusters that agree, each with its outlets."""

    slot: ClaimSlot
    values: list[ClaimView]
    clusters: list[list[ClaimView]]


def slot_rows(corpus: Corpus, story_id: str) -> list[SlotRow]:
    index = corpus_index(corpus)
    known = index.claim_views.get(story_id)
    if known is None:
        known = _claim_views(corpus, index.views, _story_arts(corpus, story_id))
    by_index = {c.index: c for c in known}
    rows: list[SlotRow] = []
    for slot in corpus.slots:
        if slot.story != story_id:
            continue
        values = [by_index[i] for i in slot.claims if i in by_index]
        clusters: list[list[ClaimView]] = []
        for value in values:
            home = next(
                (
                    cl
                    for cl in clusters
                    if value.interval
                    and cl[0].interval
                    and _comparable(value, cl[0])
                    and _agree(value, cl[0])
                ),
                None,
            )
            if home is None:
                clusters.append([value])
            else:
                home.append(value)
        rows.append(SlotRow(slot, values, clusters))
    return rows


# ---------------------------------------------------------------- source matrix


@dataclass(slots=True)
class MatrixCell:
    claims: list[int] = field(default_factory=list)
    quotes: list[int] = field(default_factory=list)


def source_matrix(corpus: Corpus, story_id: str) -> dict[str, dict[str, MatrixCell]]:
    """Original source -> outlet -> the claims and quotes that outlet carries from that source."""
    arts = {a.id: a for a in _story_arts(corpus, story_id)}
    index = corpus_index(corpus)
    names = SourceNames(SourceContext.of(corpus, arts.values()))
    cells: dict[str, dict[str, MatrixCell]] = {}

    def add(phrase: str, article_id: str, kind: str, index: int) -> None:
        key = names.add(phrase, article_id)
        if key is None:
            return
        cell = cells.setdefault(key, {}).setdefault(outlet_name(arts[article_id]), MatrixCell())
        (cell.claims if kind == "claim" else cell.quotes).append(index)

    for n in sorted(n for a in arts for n in index.claims.get(a, [])):
        claim = corpus.claims[n]
        for phrase in claim.attributed_to:
            add(phrase, claim.article, "claim", n)
    for n in sorted(n for a in arts for n in index.quotes.get(a, [])):
        quote = corpus.quotes[n]
        if quote.speaker:
            add(quote.speaker, quote.article, "quote", n)
    matrix: dict[str, dict[str, MatrixCell]] = {}
    for key, row in cells.items():
        merged = matrix.setdefault(names.name(key), {})
        for outlet, cell in row.items():
            target = merged.setdefault(outlet, MatrixCell())
            target.claims = sorted({*target.claims, *cell.claims})
            target.quotes = sorted({*target.quotes, *cell.quotes})
    return matrix


# ---------------------------------------------------------------- timeline


@dataclass(slots=True)
class _Candidate:
    """A sentence that may tell of an event: ``focus`` words are those of the clause that holds the date."""

    point: TimePoint | None
    sentence: tuple[int, int]
    article: str
    focus: frozenset[str]
    context: frozenset[str]
    text: str


@dataclass(slots=True)
class Event:
    """Sentences of several reports that tell of one happening at one time."""

    when: str
    text: str
    citations: list[Citation]
    explicit: bool
    members: list[_Candidate] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return sorted({c.article for c in self.citations})


def _overlap_coefficient(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the larger: same stem (six letters) or same compound head
    (last seven letters: Gegenoffensive / Offensive)."""
    if not a or not b:
        return 0.0
    small, large = sorted((a, b), key=len)
    stems, tails = _stems_and_tails(large)
    hits = sum(w[:6] in stems or (len(w) >= 7 and w[-7:] in tails) for w in small)
    return hits / len(small)


@lru_cache(maxsize=1 << 14)
def _stems_and_tails(words: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(w[:6] for w in words), frozenset(w[-7:] for w in words if len(w) >= 7)


def _similarities(cand: _Candidate, event: Event) -> list[float]:
    """Per member: what one dated clause says, found in the other's sentence."""
    return [
        max(_overlap_coefficient(cand.focus, m.context), _overlap_coefficient(cand.context, m.focus))
        for m in event.members
    ]


def _similarity(cand: _Candidate, event: Event) -> float:
    return max(_similarities(cand, event), default=0.0)


def _best(cand: _Candidate, events: Iterable[Event], need: float) -> Event | None:
    """The event whose members resemble the candidate most on the whole (mean and best), if the best
    member reaches ``need``: a large event must not win on one loosely related sentence."""
    best: tuple[float, Event] | None = None
    for event in events:
        sims = _similarities(cand, event)
        if sims and max(sims) >= need:
            score = (max(sims) + sum(sims) / len(sims)) / 2
            if best is None or score > best[0]:
                best = (score, event)
    return best[1] if best else None


def _is_event_sentence(text: str, language: str | None) -> bool:
    """A full sentence that tells of a happening: German sentences need a verb other than an auxiliary,
    a modal or a verb of being ("Die Lage ist unübersichtlich" tells of none)."""
    words = _WORD.findall(text)
    if len(words) < 5 or not _SENTENCE_END.search(text):
        return False
    return language == "en" or any(_happening_verb(w) for w in words[1:])


@cache
def _happening_verb(word: str) -> bool:
    """A German verb of happening by its lemma, an infinitive (the pipeline has no tagger): "gab" ->
    "geben", "eingeleitet" -> "einleiten", or a participle the dictionary lacks ("vertieft"); not
    "deutschen" -> "deutsch", not "ist" -> "sein"."""
    if not word.islower() or len(word) < 3 or word in _wordset("stopwords"):
        return False
    lemma = _german_lemma(word)
    verb = bool(re.search(r"(en|ern|eln)$", lemma)) or (lemma == word and _is_participle(word))
    return verb and not any(
        lemma in _wordset(name) for name in ("auxiliary_verbs", "stative_verbs", "measure_verbs")
    )


def _candidates(view: ArticleView) -> list[_Candidate]:
    text, article = view.article.text, view.article
    out: list[_Candidate] = []
    dated: set[tuple[int, int]] = set()
    previous_end = 0
    for point in view.times:
        sentence = _enclosing(view.sentences, point.start)
        sentence_text = text[sentence[0] : sentence[1]]
        # "im Juli oder August": one happening at one of two times, not two events
        alternative = text[previous_end : point.start].strip(' \t„“”"«»,').lower() in _wordset(
            "time_alternatives"
        )
        previous_end = point.end
        if not _is_event_sentence(sentence_text, article.language) or (
            (not point.explicit or alternative) and sentence in dated
        ):
            continue
        without = text[sentence[0] : point.start] + " " + text[point.end : sentence[1]]
        context = content_set(without)
        focus = context
        if point.explicit:
            clause = clause_of(text, sentence, point.start, point.end)
            clause_words = content_set(text[clause[0] : point.start] + " " + text[point.end : clause[1]])
            focus = clause_words if len(clause_words) >= 3 else context
        dated.add(sentence)
        out.append(_Candidate(point, sentence, article.id, focus, context, sentence_text.strip()))
    # The lead (first paragraph) reports the news of the day: dated by publication, else left to merge.
    # Paragraphs end at a blank line; a page whose paragraphs came out as single lines ends them there.
    first_break = text.find("\n\n" if "\n\n" in text else "\n")
    lead_end = first_break if first_break > 0 else len(text)
    for sentence in view.sentences:
        sentence_text = text[sentence[0] : sentence[1]]
        if (
            sentence[0] >= lead_end
            or sentence in dated
            or not _is_event_sentence(sentence_text, article.language)
        ):
            continue
        lead: TimePoint | None = None
        if article.published:
            lead = TimePoint(
                article.id, sentence[0], sentence[0], article.published.value, False, "published"
            )
        words = content_set(sentence_text)
        out.append(_Candidate(lead, sentence, article.id, words, words, sentence_text.strip()))
    return out


def timeline(corpus: Corpus, story_id: str, threshold: float = 0.3) -> list[Event]:
    """Events ordered by time, one per point in time. Computed once per story of a corpus index: the
    brief, its renderings and the web page all ask for it, and it is the costliest part of them."""
    kept = corpus_index(corpus).timelines
    if (story_id, threshold) not in kept:
        kept[story_id, threshold] = _timeline(corpus, story_id, threshold)
    return kept[story_id, threshold]


def _timeline(corpus: Corpus, story_id: str, threshold: float) -> list[Event]:
    """Finer explicit dates first; a candidate joins the most similar event at a compatible time (equal,
    or one within the other), and the event keeps the finest explicit date. Publication-date fallbacks
    and undated leads need more similarity to join, and never set the time of an event that an
    expression in the text dates."""
    views = _views(corpus)
    arts = _story_arts(corpus, story_id)
    candidates = [c for a in arts for c in _candidates(views[a.id])]
    dated = sorted(
        (c for c in candidates if c.point),
        key=lambda c: (not c.point.explicit, _width(c.point.value)) if c.point else (True, 0),
    )
    events: list[Event] = []
    for cand in dated:
        assert cand.point is not None
        value = cand.point.value
        need = threshold if cand.point.explicit else threshold + 0.05
        found = _best(cand, (e for e in events if _may_join(cand, e)), need)
        if found:
            _join(found, cand)
        else:
            events.append(
                Event(value, cand.text, [Citation(cand.article, *cand.sentence)], cand.point.explicit, [cand])
            )
    for cand in (c for c in candidates if c.point is None):
        found = _best(cand, events, threshold + 0.15)
        if found:
            _join(found, cand)
    return sorted(_one_per_time(events), key=lambda e: (time_span(e.when) or (date.max, date.max))[0])


def _one_per_time(events: Iterable[Event]) -> list[Event]:
    """A timeline lists each point in time once, with everything the reports tell of it; the happening
    that most reports tell speaks for it (on a tie, one the text dates before a publication-date one)."""
    merged: dict[str, Event] = {}
    for event in sorted(events, key=lambda e: (-len(e.articles), not e.explicit)):
        home = merged.setdefault(event.when, event)
        if home is not event:
            home.citations += [c for c in event.citations if c not in home.citations]
            home.members += event.members
            home.explicit = home.explicit or event.explicit
    return list(merged.values())


def _may_join(cand: _Candidate, event: Event) -> bool:
    """Compatible times, and no report dates one event twice: a different explicit date in the same
    article ("im April" ... "bis zum Frühjahr 2025") marks a different event."""
    assert cand.point is not None
    if not compatible_times(event.when, cand.point.value):
        return False
    return not any(
        m.article == cand.article
        and m.point
        and m.point.explicit
        and cand.point.explicit
        and m.point.value != cand.point.value
        for m in event.members
    )


def _join(event: Event, cand: _Candidate) -> None:
    citation = Citation(cand.article, *cand.sentence)
    if citation not in event.citations:
        event.citations.append(citation)
    event.members.append(cand)
    if cand.point and cand.point.explicit:
        if not event.explicit or _width(cand.point.value) < _width(event.when):
            event.when = cand.point.value
        event.explicit = True


def citations_text(corpus: Corpus, citations: Iterable[Citation]) -> str:
    by_id = {a.id: a for a in corpus.articles}
    return " ".join(by_id[c.article].text[c.start : c.end] for c in citations if c.article in by_id)
