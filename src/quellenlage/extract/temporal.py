"""Rule-based temporal tagger for German and English news: spans normalised to TIMEX3 values.

Hand-written because no maintained Python library tags German temporal expressions
(HeidelTime is Java; dateparser/parsedatetime parse a given string but do not find spans
nor resolve "im vergangenen Oktober" against a publication date). Number words go
through text2num; all cue words live in ``rules/temporal_<lang>.json``.

Extents follow TimeML: determiners and modifiers belong to the expression ("der kommenden
Woche", "Ende Juni"), prepositions do not ("seit drei Jahren" -> "drei Jahren").

Anchoring (recorded in ``TimeRef.anchor``):
- Deictic expressions (gestern, vergangene Woche, im vergangenen Jahr, vor einem Jahr, heuer)
  refer to the time of writing, so only the publication date anchors them. If it is missing
  or too coarse (a week from a month-precision date) the value is None: a date mentioned in
  the text is not the time of writing.
- Anaphoric expressions (im April, Ende Juni, am Samstag, 14. März, im Vorjahr) use the
  publication date when precise enough, else the latest explicit date named in the text
  before them ("text:2024-08"; latest in time, not in position).
- Counted from a date the text names ("zwei Tage später", "drei Jahre zuvor", "am Tag darauf",
  "am folgenden Tag", "am Abend desselben Tages"): the date mentioned last, by position, at the
  precision the unit needs; never the publication date. Without one, "zwei Tage später" stays
  the DURATION "zwei Tage" and the others get None. "um ein Jahr früher", "später als geplant"
  measure a difference: durations.
- Weekdays need a day-precision anchor; in news "am Samstag" is the most recent Saturday on
  or before the anchor, or the next one on or after it when the sentence has a future cue
  ("wird", "findet ... statt") nearer than any past cue, or follows "bis"/"ab" in a sentence
  without a past cue. With only a text date known to the day (the publication date too coarse),
  the weekday is the first on or after that date, within the publication's month, else None.
  A month after another and a coordinating word ("Juli oder August") takes the first one's year.
  A month (or day of month) without a
  year is its occurrence nearest the anchor among those the tense allows (past: at most a
  month after the anchor; future: at most a month before). With a month-precision anchor
  "heute" gets the month, other day expressions get None: no day is invented.
- "vor einem Jahr" is a DATE (2024), as in TimeBank; with ``guideline="it-timeml"`` (KRAUTS)
  it is the DURATION "einem Jahr", and "zwei Tage später" the DURATION "zwei Tage". Clock times
  take the day named earlier in their sentence, else the publication day; after a SET in their
  sentence ("jeden Samstag, 6-18 Uhr") they recur and get no day (XXXX-XX-XXT06:00). "Nacht
  zum/auf Sonntag" is Saturday night (TNI of the day before).
- Two-digit years take the century that puts them at most ten years after the anchor;
  "2013/14" is the decade 201 (TimeML has no value for two years). A year alone on its line (a
  heading) is a year; a number before a noun is a count ("und 1370 Boote") unless a strong cue
  ("im", "seit") or another year ("2012 und 2013 Gewinne") precedes it.
- ``guideline="it-timeml"`` also follows what KRAUTS' gold keeps from its HeidelTime
  pre-annotation: a bare weekday is the last one on or before the document date, whatever the
  tense, and "heutigen"/"morgigen" stay outside its extent; "am Wochenende" is the weekend of
  the document date's week; a month (or day of month) in a sentence with a past verb form or a
  clause-final participle is the last such month up to the document's month; a person's age and
  "künftig", "zurzeit", "vor kurzem" are unmarked.
- "in der dritten Woche", "am zweiten Tag" count from the date named last; a clock time after
  "heute und morgen, jeweils" takes the first of the two days.
- ``narrative=True`` (histories, WikiWarsDE): the last date named anchors everything, flashbacks
  included, except a date after "seit", "bis", "von" that lies before the current one (background,
  not the story's time).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal

import simplemma
from text_to_num import text2num

from quellenlage.model import PartialDate, Precision, TimeRef
from quellenlage.rules import read_json

_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_PART_START = {**_SEASON_START, "Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10, "H1": 1, "H2": 7}
_DAY_VALUE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CAL_VALUE = re.compile(r"^(\d{4})(?:-(\d{2}|SP|SU|FA|WI|Q[1-4]|H[12]))?$")
_SENTENCE_END = re.compile(r"(?<!\d)[.!?](?:\s|$)")
_TIME_UNITS = {"H": "H", "MIN": "M", "S": "S"}


@dataclass(frozen=True, slots=True)
class _Ref:
    """A reference point: a day plus the precision it is known to."""

    day: date
    precision: Precision
    label: str

    def covers(self, need: Precision) -> bool:
        return _RANK[self.precision] >= _RANK[need]


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    type: str
    value: str | None
    vague: bool = False
    mod: str | None = None
    anchor: str | None = None
    explicit: bool = False  # names a calendar date itself: may anchor later expressions


@dataclass(slots=True)
class _State:
    text: str
    published: _Ref | None
    narrative: bool = False
    it_timeml: bool = False  # "vor drei Jahren" is the DURATION "drei Jahren" (It-TimeML, KRAUTS)
    day_links: frozenset[str] = frozenset()  # words coordinating two days ("heute und morgen")
    last_text: _Ref | None = None  # latest explicit date named so far
    last_day: _Ref | None = None  # most recent day mentioned, for clock times
    last_day_end: int = 0
    paired_day: _Ref | None = None  # the first of two coordinated days ("heute und morgen")
    recent: dict[str, _Ref] = field(default_factory=dict)  # per precision: the date mentioned last
    last_set_end: int = -1  # end of the last SET ("jeden Samstag"): clock times after it recur
    last_date: tuple[int, str] | None = (
        None  # end and value of the last date: "Juli oder August" shares a year
    )

    def antecedent(self, need: Precision) -> _Ref | None:
        """The date mentioned last (by position) that is at least as precise as ``need``: what "zwei Tage
        später" counts from. Not the publication date: the text speaks of some earlier event."""
        return self.recent.get(need)

    def ref(self, need: Precision, deictic: bool, text_first: bool = False) -> _Ref | None:
        pub = self.published if self.published and self.published.covers(need) else None
        text = self.last_text if self.last_text and self.last_text.covers(need) else None
        if self.narrative:  # a history: every expression hangs on the dates the text names
            return text or pub
        if deictic:
            return pub
        # a text date anchors only inside what the publication date allows
        published = self.published.label.split(":", 1)[1] if self.published else ""
        if text and not text_first and not text.day.isoformat().startswith(published):
            text = None
        if text_first:
            return text or pub
        return pub or text

    def day_ref(self, pos: int, same_sentence: bool = True) -> _Ref | None:
        """The day a clock time belongs to: a day named earlier in the same sentence, else publication.

        Parts of the day ("am Nachmittag") follow the narrative's day beyond the sentence.
        """
        if self.last_day and not (same_sentence and _SENTENCE_END.search(self.text, self.last_day_end, pos)):
            return self.last_day
        return self.published if self.published and self.published.covers("day") else None

    def recurring(self, pos: int) -> bool:
        """Whether a clock time at ``pos`` belongs to a SET named earlier in its sentence, not to a day."""
        return self.last_set_end > self.last_day_end and not _SENTENCE_END.search(
            self.text, self.last_set_end, pos
        )

    def update(self, hit: _Hit, background: bool = False) -> None:
        """Remember a date named; ``background`` ones ("seit 1939", "von 1856") do not take a history back."""
        if hit.type == "SET":
            self.last_set_end = hit.end
        if hit.value is None or hit.type not in ("DATE", "TIME"):
            return
        self.last_date = (hit.end, hit.value)
        day = _DAY_VALUE.match(hit.value[:10])
        if day:
            ref = _Ref(date(*map(int, day.groups())), "day", f"text:{hit.value[:10]}")
            link = self.text[self.last_day_end : hit.start].strip().lower()
            self.paired_day = self.last_day if self.last_day and link in self.day_links else None
            self.last_day, self.last_day_end = ref, hit.end
            self.recent.update(day=ref, month=ref, year=ref)
            if hit.explicit and hit.type == "DATE":
                self._text_anchor(ref, background)
            return
        if hit.type != "DATE":
            return
        cal = _CAL_VALUE.match(hit.value)
        if not cal:
            return
        year, part = cal.groups()
        if part and part.isdigit():
            ref = _Ref(date(int(year), int(part), 1), "month", f"text:{hit.value}")
            self.recent.update(month=ref, year=ref)
        else:
            ref = _Ref(date(int(year), 1, 1), "year", f"text:{year}")
            self.recent["year"] = ref
            if part:  # "im dritten Quartal 2015 ... ein Quartal zuvor": counts from its first month
                self.recent["month"] = _Ref(
                    date(int(year), _PART_START[part], 1), "month", f"text:{hit.value}"
                )
        if hit.explicit:
            self._text_anchor(ref, background)

    def _text_anchor(self, ref: _Ref, background: bool) -> None:
        # the latest date named so far, not the last one: in news a background date
        # ("im August 2024") must not pull "im April" back before a later one
        last = self.last_text
        if last is None or ref.day >= last.day:
            self.last_text = ref
        elif self.narrative and not background:
            self.last_text = ref  # a history follows the last date named, flashbacks included


class _G:
    """Group access for one rule of the combined regex (its groups are prefixed by the rule name)."""

    __slots__ = ("m", "rule")

    def __init__(self, m: re.Match[str], rule: str) -> None:
        self.m = m
        self.rule = rule

    def g(self, key: str) -> str | None:
        name = f"{self.rule}_{key}"
        return self.m.group(name) if name in self.m.re.groupindex else None

    def span(self, key: str | None = None) -> tuple[int, int]:
        return self.m.span(f"{self.rule}_{key}" if key else self.rule)


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so that "Frühjahr" wins over "Früh"."""
    parts = sorted({w for w in words if w}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts) + ")"


def _initials(*word_lists: Iterable[str]) -> str:
    """A lookahead on the first letters of the words: a rule that cannot start here fails at once (speed)."""
    letters = {w[0].lower() for words in word_lists for w in words if w}
    return "(?=[" + "".join(sorted(re.escape(c) for c in letters)) + "])"


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _fmt_number(n: float | str) -> str:
    if isinstance(n, str):
        return n
    return str(int(n)) if float(n).is_integer() else str(n)


def _duration(n: float | str, unit: str) -> str:
    if unit in _TIME_UNITS:
        return f"PT{_fmt_number(n)}{_TIME_UNITS[unit]}"
    if unit == "Q":
        return f"P{_fmt_number(n * 3)}M" if not isinstance(n, str) else "PXM"
    return f"P{_fmt_number(n)}{unit}"


Handler = Callable[["_Tagger", _G, _State], list[_Hit]]
Guideline = Literal["news", "timeml", "it-timeml"]


class _Tagger:
    """One language: its cue tables and the combined regex built from them."""

    def __init__(self, lang: str, cues: dict[str, Any]) -> None:
        self.lang = lang
        self.c = cues
        self.months: dict[str, int] = {**cues["month_abbrev"], **cues["months"]}
        self.rel: dict[str, int | str] = cues["relative_adjectives"]
        self.units: dict[str, list[Any]] = cues["units"]
        self.numbers: dict[str, float] = cues["number_words"]
        self.vague_q = {w.lower() for w in cues["vague_quantities"]}
        rules = _rules_de(self) if lang == "de" else _rules_en(self)
        # every rule starts at a word start: checking that once per position saves most of the time
        alternatives = "|".join(f"(?P<{name}>{pat})" for name, pat in rules)
        self.regex = re.compile(rf"(?<!\w)(?<!\d[.,])(?:{alternatives})", re.IGNORECASE)  # not inside "3,5"
        self.handlers: dict[str, Handler] = {name: _HANDLERS[name.rstrip("0123456789")] for name, _ in rules}
        self.future = re.compile(r"\b" + _alt(cues["future_cues"]) + r"\b", re.IGNORECASE)
        self.past = re.compile(r"\b" + _alt(cues["past_cues"]) + r"\b", re.IGNORECASE)
        self.past_forms = re.compile(r"\b" + _alt(cues["past_verb_forms"]) + r"\b", re.IGNORECASE)
        prefixes = cues["participle_prefixes"]
        self.participle = (
            re.compile(
                rf"(?:{_alt(cues['separable_prefixes'])})?{_alt(prefixes)}[a-zäöüß]{{2,}}(?:t|en)|[a-zäöüß]{{3,}}iert"
            )
            if prefixes
            else None
        )
        self.participle_followers = frozenset(cues["participle_followers"])
        self.boundary_words = frozenset(cues["boundary_words"])
        self.year_after = re.compile(r"\s+" + _alt(cues["year_phrases_after"]) + r"\b", re.IGNORECASE)
        self.trigger_words, self.trigger_prefixes, self.trigger_infixes = _trigger_words(cues)

    def windows(self, text: str) -> list[tuple[int, int]]:
        """Stretches of text around trigger words; the full regex only runs there (10x faster)."""
        out: list[tuple[int, int]] = []
        words, prefixes, infixes = self.trigger_words, self.trigger_prefixes, self.trigger_infixes
        for m in _WORD.finditer(text.lower()):
            tok = m.group(0)
            if not (
                tok in words
                or tok[0].isdigit()
                or any(tok.startswith(p) for p in prefixes.get(tok[:4], ()))
                or (len(tok) > 7 and any(i in tok for i in infixes))
            ):
                continue
            lo, hi = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], hi)
                continue
            while lo > 0 and text[lo - 1].isalnum():
                lo -= 1  # start on a word boundary
            out.append((lo, hi))
        return out

    # --- pattern fragments -------------------------------------------------
    def p(self, key: str) -> str:
        return _alt(self.c[key])

    @property
    def rel_pat(self) -> str:
        endings = "|".join(re.escape(e) for e in self.c["adjective_endings"] if e)
        return _alt(self.rel) + (f"(?:{endings})?" if endings else "")

    @property
    def month_pat(self) -> str:
        return f"(?:{_alt(self.c['months'])}|{_alt(self.c['month_abbrev'])}\\.)"

    @property
    def num_pat(self) -> str:
        stems = _alt(self.c["number_stems"])
        digits = r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?"  # "40.000", "3,5"
        return f"(?:{digits}|{_alt(self.numbers)}|{stems}{{2,}}|{_alt(self.vague_q)})"

    # --- helpers for handlers -------------------------------------------------
    def number(self, word: str) -> float | str | None:
        w = word.lower().strip()
        if w in self.vague_q:
            return "X"
        if w in self.numbers:
            return self.numbers[w]
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", w):  # "40.000 Jahre"
            return float(w.replace(".", ""))
        if re.fullmatch(r"\d+(?:,\d+)?", w):
            return float(w.replace(",", "."))
        try:
            return float(text2num(w, self.lang))
        except ValueError:
            return None

    def rel_offset(self, word: str) -> int | str | None:
        w = word.lower()
        for stem in sorted(self.rel, key=len, reverse=True):
            if w.startswith(stem):
                return self.rel[stem]
        return None

    def unit(self, word: str) -> tuple[str, bool]:
        code, number = self.units[word.lower()]
        return str(code), number > 1

    def tense(self, state: _State, start: int, end: int) -> str | None:
        """'future' or 'past' from the cue nearest to the expression within its sentence."""
        text = state.text
        lo, hi = _sentence_bounds(text, start, end)
        best: tuple[int, str] | None = None
        for kind, regex in (("future", self.future), ("past", self.past)):
            for m in regex.finditer(text, lo, hi):
                if m.start() < end and m.end() > start:
                    continue  # the expression's own words ("vergangenen") are no tense cue
                dist = start - m.end() if m.end() <= start else m.start() - end
                if best is None or dist < best[0]:
                    best = (dist, kind)
        return best[1] if best else None

    def past_form(self, state: _State, start: int, end: int) -> bool:
        """Whether the expression's sentence has a past verb form or a participle closing its clause
        ("ist bereits ausverkauft", "aufgestellt wurde"): the past as KRAUTS' gold marks it (its
        pre-annotation read the tense from part-of-speech tags, where only these are past)."""
        text = state.text
        lo, hi = _sentence_bounds(text, start, end)
        if any(not start <= m.start() < end for m in self.past_forms.finditer(text, lo, hi)):
            return True
        if self.participle is None:
            return False
        for m in _WORD.finditer(text, lo, hi):
            word = m.group(0)
            if start <= m.start() < end or not word.islower() or not self.participle.fullmatch(word):
                continue
            after = _NEXT_TOKEN.match(text, m.end())
            nxt = after.group(1) if after else ""
            if nxt[:1].isalnum() and nxt.lower() not in self.participle_followers:
                continue  # not at the end of its clause: a finite verb ("verkauft Karten")
            lemma = simplemma.lemmatize(word, lang=self.lang)
            if lemma != word and lemma.endswith("n"):  # an inflected verb, not an adjective ("bereit")
                return True
        return False

    def prev_word(self, state: _State, start: int) -> str:
        m = re.search(r"(\S+)\s*$", state.text[max(0, start - 40) : start])
        return m.group(1).lower().strip("„“\"'(,") if m else ""


_BEFORE, _AFTER = 32, 40  # longest lead-in ("den vergangenen zwei ") and tail ("oder August 2024")
_TRIGGER_KEYS = (
    "months",
    "month_abbrev",
    "seasons",
    "weekdays",
    "weekday_sets",
    "relative_days",
    "relative_day_adjectives",
    "previous_units",
    "this_year",
    "units",
    "long_adverbs",
    "sets",
    "year_mod_compounds",
    "quarter_words",
    "half_words",
    "day_parts",
    "daypart_sets",
    "decade_words",
    "frequencies",
    "former_adjectives",
    "former_prefixes",
)


_WORD = re.compile(r"\w+")
_NEXT_TOKEN = re.compile(r"\s*(\w+|[^\s\w])?")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``start:end``, at most 250 characters to either side."""
    lo = max(0, start - 250)
    ends = list(_SENTENCE_END.finditer(text, lo, start))
    lo = ends[-1].end() if ends else lo
    nxt = _SENTENCE_END.search(text, end, min(len(text), end + 250))
    return lo, nxt.start() if nxt else min(len(text), end + 250)


def _trigger_words(cues: dict[str, Any]) -> tuple[frozenset[str], dict[str, list[str]], tuple[str, ...]]:
    """Words one of which every temporal expression contains: exact short ones, prefixes, infixes."""
    words: set[str] = set()
    for key in _TRIGGER_KEYS:
        words.update(w.lower() for w in cues[key])
    words.update(phrase.split()[-1] for phrase in cues["vague"])
    prefixes: dict[str, list[str]] = {}
    for w in sorted(words):
        if len(w) >= 4:
            prefixes.setdefault(w[:4], []).append(w)
    return frozenset(words), prefixes, tuple(cues["duration_adjectives"])


# --- rule tables ---------------------------------------------------------------


def _common_tail(t: _Tagger, determiners: str) -> list[tuple[str, str]]:
    """Rules both languages share; ``determiners`` may open a duration ("die drei Jahre")."""
    unit = _alt(t.units)
    num = t.num_pat
    det = rf"(?:(?:{determiners})\s+)?" if determiners else ""
    return [
        ("set", rf"\b(?P<set_w>{t.p('sets')})\w*"),
        (
            "setq",
            rf"\b(?P<setq_q>{t.p('set_quantifiers')})\s+(?:(?P<setq_o>{t.p('set_ordinals')})\s+)?"
            rf"(?:(?P<setq_n>{num})\s+)?(?P<setq_u>{unit}|{t.p('weekdays')})(?!\w)"
            rf"(?:\s+(?P<setq_month>{t.p('set_month_tails')})(?!\w))?",
        ),
        ("wdset", rf"\b(?P<wdset_w>{t.p('weekday_sets')})(?!\w)"),
        (
            "perunit",
            rf"\b{_initials(t.c['per_words'], t.c['per_after_amount'])}"
            rf"(?:(?P<perunit_per>{t.p('per_words')})|{_after_amount(t)}(?P<perunit_in>{t.p('per_after_amount')}))\s+"
            rf"(?P<perunit_u>{unit})(?!\w)"
            rf"(?!\s*(?:\d|{_alt(t.c['anaphoric_shifts'])}|{t.p('per_blockers_after')}|{t.month_pat}))",
        ),
        ("dpset", rf"\b(?P<dpset_w>{t.p('daypart_sets')})(?!\w)"),
        (
            "freq",
            rf"\b(?P<freq_n>{t.p('frequencies')})\s+(?:{t.p('frequency_links')})\s+(?P<freq_u>{unit})(?!\w)",
        ),
        (  # "drei Jahre", and "drei Jahre später" counted from a date named before
            "dur",
            rf"\b{det}(?:(?P<dur_app>{t.p('approximators')})\s+)?(?P<dur_n>{num})(?:\s+|-)"
            rf"(?P<dur_u>{unit})(?!\w)(?:\s+(?P<dur_w>{_alt(t.c['anaphoric_shifts'])})(?!\w)"
            rf"(?!\s+{t.p('comparison_words')}\b))?",
        ),
        ("vague", rf"\b(?P<vague_w>{_alt(t.c['vague'])})(?!\w)"),
        (
            "former",
            rf"\b{_initials(t.c['former_adjectives'], t.c['former_prefixes'])}"
            rf"(?P<former_w>{t.p('former_adjectives')}\w*|{t.p('former_prefixes')}(?=-\w))",
        ),
    ]


def _after_amount(t: _Tagger) -> str:
    """A lookbehind for a number, a unit of measure or a bracketed conversion just before:
    "200 Euro im Monat", "100 million euros ($116 million) a day", not "am Tag, als"."""
    words = (rf"(?<=\b{re.escape(w)}\s)" for w in t.c["year_blockers_after"] if w[:1].isalpha())
    return "(?:" + "|".join([r"(?<=\d\s)", r"(?<=\)\s)", *words]) + ")"


def _rules_de(t: _Tagger) -> list[tuple[str, str]]:
    mon, rel, num, unit = t.month_pat, t.rel_pat, t.num_pat, _alt(t.units)
    year = r"(?:1[0-9]|20)\d\d"
    wd, dp, mods = t.p("weekdays"), t.p("day_parts"), t.p("mods")
    gen_year = t.p("genitive_year")
    name = f"(?:{mon}|{t.p('seasons')})"
    rdadj = f"{t.p('relative_day_adjectives')}(?:e|en|er|es|em)?"
    ordinal = _alt(t.c["ordinals"])
    next_day = t.p("next_day_adjectives")
    return [
        (
            "dpdate",
            rf"\b{_initials(t.c['day_part_mods'], t.c['day_parts'])}"
            rf"(?:(?P<dpdate_adj>{t.p('day_part_mods')})\s+)?(?P<dpdate_p>{dp})(?:stunden)?\s+"
            rf"(?:(?P<dpdate_same>{t.p('same_day_adjectives')})\s+Tages\b|"
            rf"(?:(?P<dpdate_eve>zum|auf)\s+(?:den\s+)?|(?:vom|von|des|am)\s+(?:(?:den|dem)\s+)?)"
            rf"(?:(?P<dpdate_d>\d{{1,2}})\.(?:\s*(?P<dpdate_m>{mon})(?!\w)(?:\s+(?P<dpdate_y>{year})(?!\d))?)?"
            rf"(?(dpdate_m)|(?=\s*(?:auf|zum|/|-|–)\s*(?:den\s+)?\d{{1,2}}\.\s*(?P<dpdate_m2>{mon})(?!\w)"
            rf"(?:\s+(?P<dpdate_y2>{year})(?!\d))?))"
            rf"|(?P<dpdate_wd>{wd})(?!\w)))",
        ),
        (
            "dpnext",
            rf"(?<=\bam\s)(?:(?P<dpnext_adj>{t.p('same_day_adjectives')}|{next_day})\s+(?P<dpnext_p>{dp})(?!\w)"
            rf"|(?P<dpnext_p2>{dp})\s+darauf\b)",
        ),
        ("iso", r"\b(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})\b"),
        (
            "dmy",
            rf"(?:\b(?P<dmy_wd>{wd}),?\s+(?:den\s+)?)?(?<![\d.])(?P<dmy_d>\d{{1,2}})\.\s?(?P<dmy_m>\d{{1,2}})\."
            rf"(?:\s?(?P<dmy_y>\d{{4}}|\d{{2}}))?(?![\d.])",
        ),
        (
            "dlist",
            rf"(?<![\d.])(?P<dlist_d>\d{{1,2}})\.(?=\s*(?:und|bis|-|–|/)\s*(?:zum\s+)?\d{{1,2}}\.\s*"
            rf"(?P<dlist_m>{mon})(?:\s+(?P<dlist_y>{year})(?!\d))?)",
        ),
        (
            "dm",
            rf"(?:\b(?P<dm_wd>{wd}),?\s+(?:(?:den|dem)\s+)?)?(?<![\d.])(?P<dm_d>\d{{1,2}})\.\s*"
            rf"(?P<dm_m>{mon})(?!\w)(?:\s+(?P<dm_y>{year})(?!\d))?",
        ),
        (
            "quarter",
            rf"\b(?:(?:das|dem|des)\s+)?(?P<quarter_n>{ordinal})\s+(?P<quarter_w>{t.p('quarter_words')}|"
            rf"{t.p('half_words')})(?!\w)(?:\s+(?P<quarter_y>{year})(?!\d)|\s+(?:des\s+)?(?P<quarter_rel>{rel})"
            rf"\s+{gen_year})?",
        ),
        ("quarter2", rf"\bQ(?P<quarter2_n>[1-4])[\s/]*(?P<quarter2_y>{year})\b"),
        (
            "ymod",
            rf"\b(?P<ymod_mod>{mods})\s+(?:(?:des|der)\s+)?(?:{gen_year}\s+(?P<ymod_y>{year})|(?P<ymod_y2>{year})"
            rf"|(?P<ymod_rel>{rel})\s+{gen_year}|(?P<ymod_this>{gen_year}|{t.p('mod_units')}))(?!\w)",
        ),
        ("ymod2", rf"\b(?P<ymod2_mod>{t.p('year_mod_compounds')})(?:\s+(?P<ymod2_y>{year}))?(?!\w)"),
        (
            "cal",
            rf"\b(?:(?P<cal_rel>{rel})\s+)?(?:(?P<cal_mod>{mods})\s+(?:(?:des|der)\s+)?)?(?P<cal_name>{name})s?"
            rf"(?!\w)(?:\s+(?P<cal_y>{year})(?!\d)|\s+(?:des\s+)?(?P<cal_yrel>{rel})\s+{gen_year}"
            rf"|\s+(?:des\s+)?{gen_year}\s+(?P<cal_y2>{year}))?"
            rf"(?=\s*(?:/|-|–|und|bis|oder)\s*(?:{mods}\s+)?{name}\s+(?P<cal_y3>{year}))?",
        ),
        ("decade", r"\b(?:(?:den|die|der)\s+)?(?P<decade_d>(?:1[0-9]|20)?\d0)er(?:\s+|-)?Jahren?\b"),
        (
            "decade2",
            rf"\b(?:(?:den|die|der)\s+)?(?P<decade2_w>{t.p('decade_words')})(?:jahre|jahren|\s+jahren?|n)?(?!\w)",
        ),
        ("century", r"\b(?:(?:des|dem|das)\s+)?(?P<century_n>\d{1,2})\.\s*Jahrhunderts?\b"),
        (
            "year",
            rf"(?:\b(?P<year_jahr>(?:(?:das|dem|des)\s+)?Jahr(?:es|s)?)\s+)?(?<![\d.,/:])(?P<year_y>{year})"
            rf"(?:\s*/\s*(?P<year_y2>\d{{2}})(?!/))?(?!\d|[.,]\d)",
        ),
        (
            "ago",
            rf"\bvor\s+(?:(?P<ago_app>{t.p('approximators')})\s+)?(?P<ago_n>{num})\s+(?P<ago_u>{unit})(?!\w)",
        ),
        (
            "rel",
            rf"\b(?:(?P<rel_det>{t.p('determiners')})\s+)?(?P<rel_adj>{rel})\s+(?:(?P<rel_n>{num})\s+)?"
            rf"(?P<rel_u>{unit})(?!\w)",
        ),
        (  # "in der dritten Woche" of what the text dated last
            "nth",
            rf"(?:(?<=\bam\s)|(?<=\bim\s)|(?<=\bzum\s)|(?<=\bvom\s)|\b(?:{t.p('determiners')})\s+)"
            rf"(?P<nth_o>{t.p('unit_ordinals')})\s+(?P<nth_u>{t.p('ordinal_units')})"
            rf"(?!\w)(?!\s+(?:{t.p('determiners')}|{t.p('nth_blockers_after')})\b)",
        ),
        ("prevunit", rf"\b(?:(?:das|dem|des)\s+)?(?P<prevunit_w>{t.p('previous_units')})(?!\w)"),
        (
            "after",
            rf"\b(?:(?:am|der|dem|den|die|das)\s+)?(?P<after_u>Tag|Tags|Woche|Monat|Jahr)\s+"
            rf"(?P<after_w>{_alt(t.c['anaphoric_shifts'])})(?!\w)(?!\s+{t.p('comparison_words')}\b)",
        ),
        ("heuer", rf"\b(?P<heuer_w>{t.p('this_year')})(?!\w)"),
        (
            "weekday",
            rf"\b(?:(?P<weekday_rel>{rel}|{rdadj})\s+)?(?P<weekday_d>{wd})(?P<weekday_p>{dp})?"
            rf"(?:\s+(?P<weekday_p2>vormittag|nachmittag|abend|nacht|früh))?(?!\w)",
        ),
        ("relday", rf"\b(?P<relday_d>{t.p('relative_days')})(?:\s+(?P<relday_p>{dp}))?(?!\w)"),
        ("daypart", rf"(?:(?<=\bam\s)|(?<=\bin\sder\s))(?P<daypart_p>(?:frühen\s+)?{dp})(?!\w)"),
        ("weekend", r"(?<=\bam\s)(?P<weekend_w>Wochenende)(?!\w)"),
        (
            "timerange",
            r"(?<![\d.,])(?P<timerange_h1>\d{1,2})(?:[.:](?P<timerange_m1>\d{2}))?\s*(?:bis|und|-|–)\s*"
            r"(?P<timerange_h2>\d{1,2})(?:[.:](?P<timerange_m2>\d{2}))?"
            # "8.30-12 und 14.30-16.30 Uhr": the first range shares the second one's "Uhr"
            r"(?:\s*Uhr\b|(?=\s*(?:und|,)\s*\d{1,2}(?:[.:]\d{2})?\s*(?:bis|-|–)\s*\d{1,2}(?:[.:]\d{2})?\s*Uhr\b))",
        ),
        (
            "time",
            r"(?<![\d.,])(?P<time_h>\d{1,2})(?:[.:](?P<time_m>\d{2}))?\s*Uhr(?:\s+(?P<time_m2>\d{2})(?!\d))?\b",
        ),
        (
            "adjdur",
            rf"\b(?P<adjdur_n>{_alt(t.c['number_stems'])}+|\d+)-?(?P<adjdur_u>{t.p('duration_adjectives')})\w*",
        ),
        # the adverb only ("tagelang"): the spec's analysts leave the adjective ("nach tagelangem Regen",
        # "monatelangen Vorwürfen") out; it describes a thing and places nothing in time
        ("longadv", rf"\b(?P<longadv_w>{t.p('long_adverbs')})(?!\w)"),
        (
            "durx",
            r"(?:(?<=\bseit\s)|(?<=\bnach\s))(?P<durx_u>Jahren|Monaten|Wochen|Tagen|Stunden|Jahrzehnten)\b",
        ),
        *_common_tail(t, "den|die"),
    ]


def _rules_en(t: _Tagger) -> list[tuple[str, str]]:
    mon, rel, num, unit = t.month_pat, t.rel_pat, t.num_pat, _alt(t.units)
    year = r"(?:1[0-9]|20)\d\d"
    wd, dp, mods = t.p("weekdays"), t.p("day_parts"), t.p("mods")
    name = f"(?:{mon}|{t.p('seasons')})"
    ordinal = r"(?:first|second|third|fourth)"
    return [
        ("iso", r"\b(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})\b"),
        (
            "dm1",
            rf"(?:\b(?P<dm1_wd>{wd}),?\s+)?\b(?P<dm1_m>{mon})\s+(?P<dm1_d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
            rf"(?:,?\s+(?P<dm1_y>{year})(?!\d))?",
        ),
        (
            "dm",
            rf"(?:\b(?P<dm_wd>{wd}),?\s+)?(?:\bthe\s+)?(?<![\d.])(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<dm_m>{mon})(?!\w)(?:,?\s+(?P<dm_y>{year})(?!\d))?",
        ),
        (
            "quarter",
            rf"\b(?:the\s+)?(?P<quarter_n>{ordinal})\s+(?P<quarter_w>quarter|half)(?!\w)"
            rf"(?:\s+of\s+(?P<quarter_y>{year})(?!\d)|\s+of\s+(?P<quarter_rel>{rel})\s+year)?",
        ),
        ("quarter2", rf"\bQ(?P<quarter2_n>[1-4])[\s/]*(?P<quarter2_y>{year})\b"),
        # "at/over the weekend": the nearest one in the tense's direction, as German "am Wochenende"
        ("weekend", r"(?:(?<=\bat\s)|(?<=\bover\s)|(?<=\bduring\s))the\s+(?P<weekend_w>weekend)(?!\w)"),
        (
            "ymod",
            rf"\b(?P<ymod_mod>{mods})[\s-]+(?:(?P<ymod_y2>{year})|(?P<ymod_rel>{rel})\s+year|(?P<ymod_this>the\s+year|{t.p('mod_units')}))"
            rf"(?!\w)",
        ),
        (
            "cal",
            rf"\b(?:(?P<cal_rel>{rel})\s+)?(?:(?P<cal_mod>{mods})[\s-]+(?:the\s+)?)?(?P<cal_name>{name})(?!\w)"
            rf"(?:,?\s+(?:of\s+)?(?P<cal_y>{year})(?!\d)|\s+of\s+(?P<cal_yrel>{rel})\s+year)?"
            rf"(?=\s*(?:/|-|–|and|to|or)\s*(?:{mods}[\s-]+)?{name}\s+(?P<cal_y3>{year}))?",
        ),
        ("decade", r"\b(?:the\s+)?(?P<decade_d>(?:1[0-9]|20)?\d0)'?s\b"),
        ("decade2", rf"\b(?:the\s+)?(?P<decade2_w>{t.p('decade_words')})(?!\w)"),
        ("century", r"\b(?:the\s+)?(?P<century_n>\d{1,2})(?:st|nd|rd|th)\s+century\b"),
        (
            "year",
            rf"(?:\b(?P<year_jahr>(?:the\s+)?year)\s+)?(?<![\d.,/:$£€])(?P<year_y>{year})"
            rf"(?:\s*/\s*(?P<year_y2>\d{{2}})(?!/))?(?!\d|[.,]\d)",
        ),
        (
            "ago",
            rf"\b(?:(?P<ago_app>{t.p('approximators')})\s+)?(?P<ago_n>{num})\s+(?P<ago_u>{unit})\s+ago\b",
        ),
        (
            "rel",
            rf"\b(?:(?P<rel_det>the)\s+)?(?P<rel_adj>{rel})\s+(?:(?P<rel_n>{num})\s+)?(?P<rel_u>{unit})(?!\w)",
        ),
        (
            "weekday",
            rf"\b(?:(?P<weekday_rel>{rel})\s+)?(?P<weekday_d>{wd})(?:\s+(?P<weekday_p2>{dp}))?(?!\w)",
        ),
        ("relday", rf"\b(?P<relday_d>{t.p('relative_days')})(?:\s+(?P<relday_p>{dp}))?(?!\w)"),
        (
            "time",
            r"(?<![\d.,])(?P<time_h>\d{1,2})(?::(?P<time_m>\d{2}))?\s*(?P<time_ap>[ap])\.?m\b\.?",
        ),
        (
            "adjdur",
            rf"\b(?P<adjdur_n>{_alt(t.c['number_stems'])}|\d+)-(?P<adjdur_u>{t.p('duration_adjectives')})\b",
        ),
        ("durx", r"(?<=\bfor\s)(?P<durx_u>years|months|weeks|days|hours|decades)\b"),
        *_common_tail(t, ""),
    ]


# --- handlers -------------------------------------------------------------------


def _hit(r: _G, type_: str, value: str | None, key: str | None = None, **kw: Any) -> _Hit:
    start, end = r.span(key)
    return _Hit(start, end, type_, value, **kw)


def _year_for(t: _Tagger, state: _State, r: _G, month: int, day: int | None) -> tuple[int, str] | None:
    """Year of an anaphoric month (or day of month) without year, with the anchor's label.

    The occurrence nearest to the anchor, among those the sentence's tense allows (a past
    cue allows at most a month after the anchor, a future cue at most a month before it).
    """
    ref = state.ref("year", deictic=False)
    if ref is None:
        return None
    if not ref.covers("month"):
        return ref.day.year, ref.label
    start, end = r.span()
    if state.it_timeml and not state.narrative and t.past_form(state, start, end):
        # KRAUTS (HeidelTime's news rule): in the past, the last such month up to the document's month
        return ref.day.year - (month > ref.day.month), ref.label
    tense = None if state.narrative else t.tense(state, start, end)  # a history is told in the past
    there = ref.day if ref.covers("day") else ref.day.replace(day=15)
    best: tuple[int, int] | None = None
    for year in (ref.day.year - 1, ref.day.year, ref.day.year + 1):
        try:
            dist = (date(year, month, day or 15) - there).days
        except ValueError:
            continue
        if (tense == "past" and dist > 31) or (tense == "future" and dist < -31):
            continue
        if best is None or abs(dist) < abs(best[1]):
            best = (year, dist)
    return (best[0] if best else ref.day.year), ref.label


def _h_iso(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    try:
        d = date(int(r.g("y") or 0), int(r.g("m") or 0), int(r.g("d") or 0))
    except ValueError:
        return []
    return [_hit(r, "DATE", d.isoformat(), explicit=True)]


def _day_hit(t: _Tagger, r: _G, s: _State, month: int, day: int, year_text: str | None) -> list[_Hit]:
    anchor = None
    if year_text:
        year = int(year_text)
        if len(year_text) == 2:
            year = _full_year(s, year)
    else:
        found = _year_for(t, s, r, month, day)
        if found is None:
            return [_hit(r, "DATE", None)]
        year, anchor = found
    try:
        value = date(year, month, day).isoformat()
    except ValueError:
        return []
    return [_hit(r, "DATE", value, anchor=anchor, explicit=True)]


def _full_year(s: _State, two_digits: int) -> int:
    """ "1.9.39": the century that puts the year at most ten years after the anchor (else 1950-2049)."""
    ref = s.ref("year", deictic=False)
    base = ref.day.year if ref else 2000
    year = base // 100 * 100 + two_digits
    if ref is None:
        return year - 100 if two_digits >= 50 else year
    return year - 100 if year > base + 10 else year


def _h_dmy(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    if (
        r.g("y") is None
        and r.g("wd") is None
        and t.prev_word(s, r.span()[0]) not in {"am", "vom", "bis", "zum"}
    ):
        return []
    return _day_hit(t, r, s, int(r.g("m") or 0), int(r.g("d") or 0), r.g("y"))


def _h_dm(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    month = t.months[(r.g("m") or "").lower().rstrip(".")]
    return _day_hit(t, r, s, month, int(r.g("d") or 0), r.g("y"))


def _h_quarter(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    n_text = (r.g("n") or "").lower()
    n = int(n_text[0]) if n_text[:1].isdigit() else t.c["ordinals"].get(n_text, 0)
    half = (r.g("w") or "q").lower() in {w.lower() for w in t.c["half_words"]}
    if n == 0 or (half and n > 2):
        return []
    part = f"H{n}" if half else f"Q{n}"
    year_text, anchor, explicit = r.g("y"), None, True
    if year_text is None and r.g("rel"):
        ref = s.ref("year", deictic=True)
        off = t.rel_offset(r.g("rel") or "")
        if ref is None or not isinstance(off, int):
            return [_hit(r, "DATE", None)]
        year_text, anchor, explicit = str(ref.day.year + off), ref.label, False
    if year_text is None:
        found = _year_for(t, s, r, 1, None)
        if found is None:
            return [_hit(r, "DATE", None)]
        year_text, anchor = str(found[0]), found[1]
    return [_hit(r, "DATE", f"{year_text}-{part}", anchor=anchor, explicit=explicit)]


def _h_ymod(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    mod_word = re.sub(r"\s+", " ", (r.g("mod") or "").lower())
    mod = t.c["mods"].get(mod_word) or t.c["year_mod_compounds"].get(mod_word)
    year_text = r.g("y") or r.g("y2")
    if year_text:
        return [_hit(r, "DATE", year_text, mod=mod, explicit=True)]
    off = t.rel_offset(r.g("rel") or "") if r.g("rel") else 0
    unit = t.c["mod_units"].get((r.g("this") or "").lower(), "Y")  # Ende des Monats, Anfang der Woche
    ref = s.ref(_NEED.get(unit, "day"), deictic=off != "next-anaphoric", text_first=True)
    if ref is None:
        return [_hit(r, "DATE", None, mod=mod)]
    step = 1 if off == "next-anaphoric" else int(off or 0)
    return [_hit(r, "DATE", _shift(ref, unit, step), mod=mod, anchor=ref.label)]


def _season_year(code: str, ref: _Ref, direction: int) -> int:
    """Year of the nearest season ``code`` before (-1), around (0) or after (+1) the anchor."""
    start = _SEASON_START[code]
    month = ref.day.month if ref.covers("month") else 6
    year = ref.day.year
    if code == "WI" and month <= 2:
        year -= 1  # January belongs to the winter that began in December
        month += 12
    if direction < 0 and start >= month - 2:
        year -= 1  # the season has not yet ended (or begun) at the anchor
    elif direction > 0 and start <= month:
        year += 1
    return year


def _h_cal(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    name = (r.g("name") or "").lower().rstrip(".")
    if name.endswith("s") and name not in t.months and name not in t.c["seasons"]:
        name = name[:-1]
    month = t.months.get(name)
    season = t.c["seasons"].get(name)
    if month is None and season is None:
        return []
    mod_word = re.sub(r"\s+", " ", (r.g("mod") or "").lower())
    mod = t.c["mods"].get(mod_word)
    year_text = r.g("y") or r.g("y2") or r.g("y3")
    allowed = t.c["ambiguous_months"].get(name)
    cued = year_text or r.g("rel") or r.g("mod") or r.g("yrel")
    if allowed is not None and not cued and t.prev_word(s, r.span()[0]) not in allowed:
        return []

    def value(year: int) -> str:
        return f"{year}-{month:02d}" if month else f"{year}-{season}"

    if year_text:
        return [_hit(r, "DATE", value(int(year_text)), mod=mod, explicit=True)]
    if r.g("yrel"):  # Herbst vergangenen Jahres
        off = t.rel_offset(r.g("yrel") or "")
        anaphoric = off == "next-anaphoric"
        ref = s.ref("year", deictic=not anaphoric, text_first=anaphoric)
        if ref is None:
            return [_hit(r, "DATE", None, mod=mod)]
        return [
            _hit(
                r,
                "DATE",
                value(ref.day.year + (1 if anaphoric else int(off or 0))),
                mod=mod,
                anchor=ref.label,
            )
        ]
    if r.g("rel"):  # im vergangenen Oktober, kommenden Sommer
        off = t.rel_offset(r.g("rel") or "")
        direction = 1 if off == "next-anaphoric" else int(off or 0)
        ref = s.ref("month", deictic=off != "next-anaphoric", text_first=off == "next-anaphoric")
        if ref is None:
            return [_hit(r, "DATE", None, mod=mod)]
        if season:
            return [_hit(r, "DATE", value(_season_year(season, ref, direction)), mod=mod, anchor=ref.label)]
        year = ref.day.year
        if direction < 0 and (month or 0) >= ref.day.month:
            year -= 1
        elif direction > 0 and (month or 0) <= ref.day.month:
            year += 1
        return [_hit(r, "DATE", value(year), mod=mod, anchor=ref.label)]
    if season:
        ref = s.ref("year", deictic=False)
        if ref is None:
            return [_hit(r, "DATE", None, mod=mod)]
        start, end = r.span()
        tense = t.tense(s, start, end) if ref.covers("month") else None
        direction = -1 if tense == "past" else 1 if tense == "future" else 0
        year = _season_year(season, ref, direction) if direction else ref.day.year
        if not direction and season == "WI" and ref.covers("month") and ref.day.month <= 2:
            year -= 1
        return [_hit(r, "DATE", value(year), mod=mod, anchor=ref.label, explicit=True)]
    found = _coordinated_year(t, s, r.span()[0], month or 1) or _year_for(t, s, r, month or 1, None)
    if found is None:
        return [_hit(r, "DATE", None, mod=mod)]
    return [_hit(r, "DATE", value(found[0]), mod=mod, anchor=found[1], explicit=True)]


def _coordinated_year(t: _Tagger, s: _State, start: int, month: int) -> tuple[int, str] | None:
    """ "Juli oder August", "Dezember bis Januar": the second month follows the first one's year (the next
    year when it comes earlier in the calendar), whatever the tense would pick for it alone."""
    if s.last_date is None:
        return None
    end, value = s.last_date
    first = re.fullmatch(r"(\d{4})-(\d{2})", value)
    link = s.text[end:start].strip(' „“”"«»').lower()
    if first is None or link not in t.c["coordination_words"]:
        return None
    year = int(first.group(1)) + (month < int(first.group(2)))
    return year, f"text:{value}"


def _h_decade(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    if r.g("w"):
        return [_hit(r, "DATE", str(t.c["decade_words"][(r.g("w") or "").lower()]))]
    d = r.g("d") or ""
    full = d if len(d) == 4 else f"19{d[-2:]}"  # "die 90er Jahre": the 20th century is the usual referent
    return [_hit(r, "DATE", full[:3])]


def _h_century(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    n = int(r.g("n") or 0)
    return [_hit(r, "DATE", f"{n - 1:02d}")] if 0 < n <= 21 else []


_YEAR_BEFORE = re.compile(r"(?<!\d)(?:1[0-9]|20)\d\d\s*\S{0,5}\s*$")


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """A heading ("1861" over a section of a history, a year in a chronicle): a year by itself."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return not text[line_start:start].strip() and not text[end : None if line_end < 0 else line_end].strip()


def _year_is_count(t: _Tagger, s: _State, start: int, end: int, y: int) -> bool:
    """A bare four-digit number that is a quantity, not a year ("2000 Soldaten", "und 1370 Boote")."""
    if _alone_on_line(s.text, start, end):
        return False
    prev = t.prev_word(s, start)
    # a weak cue ("und", "(") makes a year only after another year: "2012 und 2013"
    weak = prev in t.c["year_cues_weak"] and not _YEAR_BEFORE.search(s.text, max(0, start - 14), start)
    cued = prev in t.c["year_cues_before"] or prev in t.c["year_cues_weak"]
    if not cued and not 1900 <= y <= 2099:
        return True
    nxt = re.match(r"[^\S\n]*(\S+)", s.text[end : end + 40])  # the next word on the same line
    word = nxt.group(1).strip('.,;:!?"“”)') if nxt else ""
    if word.lower() in t.c["year_blockers_after"] or word.startswith("%"):
        return True
    if t.year_after.match(s.text, end):
        return True  # "2000 im Jahr 2011": a count followed by its own year
    noun_after = (
        t.lang == "de" and word[:1].isupper() and nxt is not None and nxt.group(1)[-1:] not in ".,;:!?"
    )
    return noun_after and (weak or not cued)  # "2000 Soldaten": a German noun after a number makes it a count


def _year_span_value(y: int, y2: int) -> str | None:
    """ "1925/26", "Saison 2013/14": TimeML has no value for two years, so the smallest unit that covers
    both (the decade 192, or the century when they straddle one). None when "/NN" is no later year
    or the two years share no century."""
    if not 1 <= (y2 - y) % 100 <= 5:
        return None
    first, last = str(y), str(y + (y2 - y) % 100)
    common = next(i for i in range(4) if first[i] != last[i])
    return first[:common] if common >= 2 else None


def _h_year(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    y = int(r.g("y") or 0)
    start, end = r.span("y")
    if not r.g("jahr") and _year_is_count(t, s, start, end, y):
        return []
    covering = _year_span_value(y, int(r.g("y2") or 0)) if r.g("y2") else None
    if covering:
        return [_hit(r, "DATE", covering)]
    return [_hit(r, "DATE", str(y), explicit=True)]


def _shift(ref: _Ref, unit: str, n: int) -> str | None:
    """The calendar unit ``n`` steps from the anchor, at the unit's precision."""
    d = ref.day
    if unit == "Y":
        return str(d.year + n)
    if unit == "M":
        y, m = _add_months(d, n)
        return f"{y}-{m:02d}"
    if unit == "W":
        return _iso_week(d + timedelta(weeks=n))
    if unit == "D":
        return (d + timedelta(days=n)).isoformat()
    if unit == "Q":
        y, m = _add_months(d, 3 * n)
        return f"{y}-Q{(m - 1) // 3 + 1}"
    if unit == "WE":
        return _iso_week(d + timedelta(weeks=n)) + "-WE"
    if unit == "DE":
        return str((d.year + 10 * n) // 10)
    return None


_NEED: dict[str, Precision] = {"Y": "year", "DE": "year", "CE": "year", "M": "month", "Q": "month"}


def _h_ago(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    n = t.number(r.g("n") or "")
    unit, _ = t.unit(r.g("u") or "")
    if n is None:
        return []
    if s.it_timeml:  # "vor drei Jahren": the duration "drei Jahren", "vor" its signal
        return [_counted_duration(r, n, unit)]
    if isinstance(n, str) or r.g("app") or not float(n).is_integer():
        return [_hit(r, "DATE", "PAST_REF", vague=True)]
    ref = s.ref(_NEED.get(unit, "day"), deictic=True)
    if ref is None:
        return [_hit(r, "DATE", None)]
    value = _shift(ref, unit, -int(n))
    return [_hit(r, "DATE", value, anchor=ref.label if value else None)]


def _counted_duration(r: _G, n: float | str, unit: str) -> _Hit:
    """The duration inside "vor drei Jahren" / "drei Jahre später", without preposition or adverb."""
    start = r.span("app")[0] if r.g("app") else r.span("n")[0]
    return _Hit(start, r.span("u")[1], "DURATION", _duration(n, unit))


def _anaphoric_shift(ref: _Ref, unit: str, n: int) -> str | None:
    """``n`` units from a date the text named; weeks from a day count days ("eine Woche später")."""
    if unit == "W" and ref.covers("day"):
        return (ref.day + timedelta(weeks=n)).isoformat()
    return _shift(ref, unit, n)


def _later(t: _Tagger, r: _G, s: _State, n: float | str, unit: str) -> list[_Hit]:
    """ "zwei Tage später", "drei Jahre zuvor": counted from the date the text named last."""
    direction = int(t.c["anaphoric_shifts"][(r.g("w") or "").lower()])
    if s.it_timeml or t.prev_word(s, r.span()[0]) in t.c["difference_words"]:
        return [_counted_duration(r, n, unit)]  # It-TimeML; "um ein Jahr früher": by how much
    if isinstance(n, str) or not float(n).is_integer():
        return [_hit(r, "DATE", "FUTURE_REF" if direction > 0 else "PAST_REF", vague=True)]
    ref = s.antecedent(_NEED.get(unit, "day"))
    value = _anaphoric_shift(ref, unit, direction * int(n)) if ref else None
    if ref is None or value is None:  # no date named before, or hours: the duration itself
        return [_counted_duration(r, n, unit)]
    start = r.span("app")[0] if r.g("app") else r.span("n")[0]  # without a determiner ("die neun Jahre")
    return [_Hit(start, r.span()[1], "DATE", value, mod="APPROX" if r.g("app") else None, anchor=ref.label)]


def _h_after(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "am Tag darauf", "in der Woche darauf", "tags zuvor": the unit after (before) the date named last."""
    unit, _ = t.unit(r.g("u") or "")
    ref = s.antecedent(_NEED.get(unit, "day"))
    if ref is None:
        return [_hit(r, "DATE", None)]
    step = int(t.c["anaphoric_shifts"][(r.g("w") or "").lower()])
    return [_hit(r, "DATE", _shift(ref, unit, step), anchor=ref.label)]


def _h_rel(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    unit, plural = t.unit(r.g("u") or "")
    off = t.rel_offset(r.g("adj") or "")
    if off is None:
        return []
    if r.g("n") or plural:
        n = t.number(r.g("n") or "") if r.g("n") else "X"
        return [_hit(r, "DURATION", _duration(n, unit))] if n is not None else []
    anaphoric = off == "next-anaphoric"  # "am folgenden Tag": after the date mentioned last
    need = _NEED.get(unit, "day")
    ref = (anaphoric and s.antecedent(need)) or s.ref(need, deictic=not anaphoric, text_first=anaphoric)
    if ref is None:
        return [_hit(r, "DATE", None)]
    value = _shift(ref, unit, 1 if anaphoric else int(off))
    return [_hit(r, "DATE", value, anchor=ref.label if value else None)]


def _h_nth(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "in der ersten Woche", "am dritten Tag": the n-th unit counted from the date the text named last
    ("Start war am 1. Juli ... in der dritten Woche" = 2013-W29)."""
    n = t.c["unit_ordinals"][(r.g("o") or "").lower()]
    unit = t.c["ordinal_units"][(r.g("u") or "").lower()]
    ref = s.antecedent(_NEED.get(unit, "day"))
    if ref is None:
        return [_hit(r, "DATE", None)]
    return [_hit(r, "DATE", _shift(ref, unit, n - 1), anchor=ref.label)]


def _h_prevunit(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    unit = t.c["previous_units"][(r.g("w") or "").lower()]
    ref = s.ref(_NEED.get(unit, "day"), deictic=False)
    if ref is None:
        return [_hit(r, "DATE", None)]
    return [_hit(r, "DATE", _shift(ref, unit, -1), anchor=ref.label)]


def _h_heuer(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    ref = s.ref("year", deictic=True)
    return [_hit(r, "DATE", str(ref.day.year) if ref else None, anchor=ref.label if ref else None)]


def _weekday_date(ref: date, weekday: int, direction: int, strict: bool) -> date:
    """The given ISO weekday on/before (direction -1) or on/after (+1) ``ref``; strict skips ref itself."""
    diff = (ref.isoweekday() - weekday) % 7 if direction < 0 else (weekday - ref.isoweekday()) % 7
    if strict and diff == 0:
        diff = 7
    return ref - timedelta(days=diff) if direction < 0 else ref + timedelta(days=diff)


def _with_part(t: _Tagger, day: str, *parts: str | None) -> tuple[str, str]:
    for part in parts:
        if part:
            return "TIME", f"{day}T{t.c['day_parts'][part.lower()]}"
    return "DATE", day


def _weekday_day(t: _Tagger, r: _G, s: _State, weekday: int, rel: str) -> tuple[date, str] | None:
    """The day a weekday names ("am Samstag", "vergangenen Samstag", "morgigen Sonntag"), with its anchor."""
    ref = s.ref("day", deictic=False)
    if ref is None:
        return None
    rdadj = next((v for k, v in t.c["relative_day_adjectives"].items() if rel.startswith(k)), None)
    off = t.rel_offset(rel) if rel and rdadj is None else None
    if rdadj is not None:
        day = ref.day + timedelta(days=int(rdadj))
    elif isinstance(off, int) and off != 0:
        day = _weekday_date(ref.day, weekday, off, strict=True)
    elif off == 0:
        day = ref.day + timedelta(days=weekday - ref.day.isoweekday())
    elif off == "next-anaphoric":
        day = _weekday_date(ref.day, weekday, 1, strict=True)
    elif ref.label.startswith("text:") and not s.narrative:
        return _after_text_date(s, ref, weekday)
    else:
        day = _weekday_date(ref.day, weekday, _weekday_direction(t, r, s), strict=False)
    return day, ref.label


def _weekday_direction(t: _Tagger, r: _G, s: _State) -> int:
    """From the time of writing: back, or forward with a future cue nearer than any past cue, or after
    "bis"/"ab" unless the sentence is in the past ("bleiben bis Freitag geschlossen", but "wurden bis
    Montag geborgen"). KRAUTS (It-TimeML, HeidelTime's news rule) always goes back: a bare weekday is
    the last one on or before the document date ("steht am Mittwoch zur Abstimmung")."""
    if s.it_timeml:
        return -1
    start, end = r.span()
    tense = t.tense(s, start, end)
    forward = t.prev_word(s, start) in t.c["forward_prepositions"]
    return 1 if tense == "future" or (forward and tense != "past") else -1


def _after_text_date(s: _State, ref: _Ref, weekday: int) -> tuple[date, str] | None:
    """A weekday when only a date the text names is known to the day, not the time of writing: the
    report goes on from that date ("war am 14. März gebrochen ... kündigte am Sonntag an" is the 15th),
    so the first such weekday on or after it; None when that day leaves the publication's period,
    where the time of writing cannot lie (no day is invented)."""
    day = _weekday_date(ref.day, weekday, 1, strict=False)
    published = s.published.label.split(":", 1)[1] if s.published else ""
    return (day, ref.label) if day.isoformat().startswith(published) else None


def _h_weekday(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    weekday = t.c["weekdays"][(r.g("d") or "").lower()]
    part, part2 = r.g("p"), r.g("p2")
    found = _weekday_day(t, r, s, weekday, (r.g("rel") or "").lower())
    if found is None:
        return [_hit(r, "TIME" if part or part2 else "DATE", None)]
    type_, value = _with_part(t, found[0].isoformat(), part, part2)
    hit = _hit(r, type_, value, anchor=found[1])
    rel = (r.g("rel") or "").lower()
    if s.it_timeml and any(rel.startswith(k) for k in t.c["relative_day_adjectives"]):
        hit.start = r.span("d")[0]  # KRAUTS marks "am heutigen Samstag" as "Samstag" (same value)
    return [hit]


def _h_dpdate(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """A part of a named day: "Morgen des 22. Juni", "Nacht vom 16. auf den 17. April", "Nacht zum Sonntag".

    The night "zum"/"auf" a day is the one that ends on it, so it belongs to the day before.
    """
    part = t.c["day_parts"][(r.g("p") or "").lower()]
    mod = t.c["day_part_mods"].get((r.g("adj") or "").lower())
    found: tuple[date, str | None] | None
    if r.g("wd"):
        found = _weekday_day(t, r, s, t.c["weekdays"][(r.g("wd") or "").lower()], "")
    elif r.g("same"):
        found = (s.last_day.day, s.last_day.label) if s.last_day else None
    else:
        month = t.months[(r.g("m") or r.g("m2") or "").lower().rstrip(".")]
        year_text = r.g("y") or r.g("y2")
        yfound = (int(year_text), None) if year_text else _year_for(t, s, r, month, int(r.g("d") or 0))
        try:
            found = (date(yfound[0], month, int(r.g("d") or 0)), yfound[1]) if yfound else None
        except ValueError:
            return []
    if found is None:
        return [_hit(r, "TIME", None, mod=mod)]
    day = found[0] - timedelta(days=1) if r.g("eve") and part == "NI" else found[0]
    return [_hit(r, "TIME", f"{day.isoformat()}T{part}", mod=mod, anchor=found[1])]


def _h_dpnext(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "am selben Abend", "am nächsten Morgen", "am Morgen darauf": a part of the day the text named last."""
    if s.last_day is None:
        return [_hit(r, "TIME", None)]
    step = 0 if (r.g("adj") or "").lower() in t.c["same_day_adjectives"] else 1
    day = s.last_day.day + timedelta(days=step)
    part = t.c["day_parts"][(r.g("p") or r.g("p2") or "").lower()]
    return [_hit(r, "TIME", f"{day.isoformat()}T{part}", anchor=s.last_day.label)]


def _h_relday(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    word = r.g("d") or ""
    start = r.span()[0]
    if word == "Morgen" and t.lang == "de":
        before = s.text[:start].rstrip()
        if before and before[-1] not in '.!?:"„«»“':
            return []  # capitalised "Morgen" inside a sentence is the morning, not tomorrow
    offset = int(t.c["relative_days"][word.lower()])
    if s.narrative and offset == 0:
        return [_hit(r, "DATE", "PRESENT_REF", vague=True)]  # "bis heute" in a history: the present
    ref = s.ref("day", deictic=True)
    if ref is None:
        pub = s.published
        if offset == 0 and pub is not None and pub.covers("month") and not r.g("p"):
            return [_hit(r, "DATE", pub.day.isoformat()[:7], anchor=pub.label)]  # "heute" is in that month
        return [_hit(r, "TIME" if r.g("p") else "DATE", None)]
    type_, value = _with_part(t, (ref.day + timedelta(days=offset)).isoformat(), r.g("p"))
    return [_hit(r, type_, value, anchor=ref.label)]


def _h_daypart(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    part = (r.g("p") or "").split()[-1]
    ref = s.day_ref(r.span()[0], same_sentence=False)
    if ref is None:
        return [_hit(r, "TIME", None)]
    return [_hit(r, "TIME", f"{ref.day.isoformat()}T{t.c['day_parts'][part.lower()]}", anchor=ref.label)]


def _h_weekend(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "am Wochenende": the nearest one in the tense's direction; KRAUTS (It-TimeML) values it as the
    weekend of the document date's ISO week, even in a Monday's report on the one just past."""
    ref = s.ref("day", deictic=True)
    if ref is None:
        return [_hit(r, "DATE", None)]
    if s.it_timeml:
        return [_hit(r, "DATE", _iso_week(ref.day) + "-WE", anchor=ref.label)]
    start, end = r.span()
    direction = 1 if t.tense(s, start, end) == "future" else -1
    saturday = _weekday_date(ref.day, 6, direction, strict=False)
    return [_hit(r, "DATE", _iso_week(saturday) + "-WE", anchor=ref.label)]


def _clock(t: _Tagger, s: _State, pos: int, hour: int, minute: int) -> tuple[str | None, str | None]:
    if hour > 24 or minute > 59:
        return None, None
    if s.recurring(pos):  # "jeden Samstag, 6-18 Uhr": every Saturday, no day of its own
        return f"XXXX-XX-XXT{hour:02d}:{minute:02d}", None
    ref = s.day_ref(pos)
    between = s.text[s.last_day_end : pos].lower()
    if s.paired_day and ref is s.last_day and any(w in between.split() for w in t.c["distributive_words"]):
        ref = s.paired_day  # "heute und morgen, jeweils 7-17 Uhr": a value names one day, the first
    if ref is None:
        return None, None
    return f"{ref.day.isoformat()}T{hour:02d}:{minute:02d}", ref.label


def _h_time(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    hour, minute = int(r.g("h") or 0), int(r.g("m") or r.g("m2") or 0)
    ap = (r.g("ap") or "").lower()
    if ap:
        if hour > 12:
            return []
        hour = hour % 12 + (12 if ap == "p" else 0)
    if hour > 24 or minute > 59:
        return []
    value, anchor = _clock(t, s, r.span()[0], hour, minute)
    return [_hit(r, "TIME", value, anchor=anchor)]


def _h_timerange(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    out = []
    for i in ("1", "2"):
        hour, minute = int(r.g("h" + i) or 0), int(r.g("m" + i) or 0)
        if hour > 24 or minute > 59:
            return []
        start = r.span("h" + i)[0]
        value, anchor = _clock(t, s, start, hour, minute)
        end = r.span("m" + i)[1] if r.g("m" + i) else r.span("h" + i)[1]
        if i == "2":
            end = r.span()[1]
        out.append(_Hit(start, end, "TIME", value, anchor=anchor))
    return out


_NEXT_TWO_WORDS = re.compile(r"\s+(\w+)(?:\s+(\w+))?")


def _person_follows(t: _Tagger, s: _State, end: int) -> bool:
    """Whether the noun after an age adjective names a person: a name ("den 55-jährigen Luigi Gastrini")
    or a person noun ("der 38-jährige Eventmanager"), not a thing ("ein 100-jähriges Problem")."""
    m = _NEXT_TWO_WORDS.match(s.text, end)
    if m is None or not m.group(1)[:1].isupper():
        return False
    noun, after = m.group(1), m.group(2) or ""
    if noun.lower().endswith(tuple(t.c["person_noun_endings"])):
        return True
    is_name = after[:1].isupper() and not after.endswith("s")  # "Luigi Gastrini", not "Geschichte Südtirols"
    return is_name


def _h_adjdur(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    if (r.g("u") or "")[:1].isupper():
        return []  # "die 44-Jährige": a person of that age, not a duration
    if _person_follows(t, s, r.span()[1]):
        return []  # a person's age is no time of the story (KRAUTS leaves it unmarked too)
    n = t.number(r.g("n") or "")
    unit = t.c["duration_adjectives"][(r.g("u") or "").lower()]
    return [_hit(r, "DURATION", _duration(n, unit))] if n is not None else []


def _h_longadv(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    return [_hit(r, "DURATION", _duration("X", t.c["long_adverbs"][(r.g("w") or "").lower()]))]


def _h_durx(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    unit, _ = t.unit(r.g("u") or "")
    return [_hit(r, "DURATION", _duration("X", unit))]


def _h_dur(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    n = t.number(r.g("n") or "")
    unit, _ = t.unit(r.g("u") or "")
    if n is None or (unit == "Y" and t.prev_word(s, r.span()[0]) in t.c["age_cues_before"]):
        return []  # "ab 16 Jahren": an age limit, not a stretch of time
    if r.g("w"):
        return _later(t, r, s, n, unit)
    return [_hit(r, "DURATION", _duration(n, unit))]


def _h_set(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    return [_hit(r, "SET", t.c["sets"][(r.g("w") or "").lower()])]


def _h_setq(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "jeden Montag", "alle drei Jahre", "jeden zweiten Tag", "jeden letzten Samstag im Monat"."""
    word = (r.g("u") or "").lower()
    nth = t.c["set_ordinals"].get(re.sub(r"\s+", " ", (r.g("o") or "").lower()))
    if word in t.c["weekdays"]:
        if nth is not None and r.g("month"):
            return [_hit(r, "SET", "P1M")]  # once a month (which Saturday is TimeML's quant, not the value)
        if nth == 2:
            return [_hit(r, "SET", "P2W")]  # every other Saturday
        if nth is not None:
            return [_hit(r, "SET", "P1M")]  # "jeden ersten Samstag": of each month
        return [_hit(r, "SET", f"XXXX-WXX-{t.c['weekdays'][word]}")]
    n = t.number(r.g("n") or "") if r.g("n") else nth if nth and nth > 0 else 1
    if n is None:
        return []
    unit, _ = t.unit(word)
    return [_hit(r, "SET", _duration(n, unit))]


def _h_perunit(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "pro Tag", "je Stunde"; "im Jahr", "am Tag" right after an amount ("200 Euro im Monat"): a rate."""
    unit, plural = t.unit(r.g("u") or "")
    return [] if plural else [_hit(r, "SET", _duration(1, unit))]


def _h_dpset(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    return [_hit(r, "SET", f"XXXX-XX-XXT{t.c['daypart_sets'][(r.g('w') or '').lower()]}")]


def _h_freq(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "zweimal im Jahr": a set with one period per unit (the count is TimeML's freq, not in the value)."""
    unit, _ = t.unit(r.g("u") or "")
    return [_hit(r, "SET", _duration(1, unit))]


def _h_wdset(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    return [_hit(r, "SET", f"XXXX-WXX-{t.c['weekday_sets'][(r.g('w') or '').lower()]}")]


def _h_former(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    """ "ehemalige", "Ex-Minister": It-TimeML marks them as a vague past; other guidelines do not."""
    return [_hit(r, "DATE", "PAST_REF", vague=True)] if s.it_timeml else []


def _h_vague(t: _Tagger, r: _G, s: _State) -> list[_Hit]:
    phrase = re.sub(r"\s+", " ", (r.g("w") or "").lower())
    if s.it_timeml and phrase in t.c["vague_unmarked_it_timeml"]:
        return []
    start, end = r.span()
    for prefix in t.c["vague_strip_prefix"]:
        if phrase.startswith(prefix) and phrase != prefix.strip():
            start += len(re.match(r"\S+\s+", s.text[start:end]).group(0))  # type: ignore[union-attr]
            break
    return [_Hit(start, end, "DATE", t.c["vague"][phrase], vague=True)]


_HANDLERS: dict[str, Handler] = {
    "iso": _h_iso,
    "dmy": _h_dmy,
    "dlist": _h_dm,
    "dm": _h_dm,
    "quarter": _h_quarter,
    "ymod": _h_ymod,
    "cal": _h_cal,
    "decade": _h_decade,
    "century": _h_century,
    "year": _h_year,
    "ago": _h_ago,
    "rel": _h_rel,
    "prevunit": _h_prevunit,
    "nth": _h_nth,
    "after": _h_after,
    "heuer": _h_heuer,
    "weekday": _h_weekday,
    "dpdate": _h_dpdate,
    "dpnext": _h_dpnext,
    "relday": _h_relday,
    "daypart": _h_daypart,
    "weekend": _h_weekend,
    "timerange": _h_timerange,
    "time": _h_time,
    "adjdur": _h_adjdur,
    "longadv": _h_longadv,
    "durx": _h_durx,
    "dur": _h_dur,
    "set": _h_set,
    "setq": _h_setq,
    "wdset": _h_wdset,
    "dpset": _h_dpset,
    "perunit": _h_perunit,
    "freq": _h_freq,
    "vague": _h_vague,
    "former": _h_former,
}


@cache
def _tagger(lang: str) -> _Tagger:
    return _Tagger(lang, read_json(f"temporal_{lang}.json"))


def _published(anchor: PartialDate | None) -> _Ref | None:
    if anchor is None:
        return None
    return _Ref(anchor.first_day(), anchor.precision, f"published:{anchor.value}")


def find_timerefs(
    article_id: str,
    text: str,
    anchor: PartialDate | None,
    language: str = "de",
    *,
    narrative: bool = False,
    guideline: Guideline = "news",
) -> list[TimeRef]:
    """Temporal expressions in ``text`` with TIMEX3 values, resolved against ``anchor`` (publication date).

    ``narrative=True`` is for histories (WikiWarsDE): the last date named anchors every
    relative expression, no tense shifting. ``guideline="it-timeml"`` follows the German
    annex of It-TimeML that KRAUTS is annotated with: "vor drei Jahren" and "drei Jahre
    später" are the DURATION "drei Jahre" (the preposition a signal), not a date; weekdays,
    weekends and past-tense months are valued as KRAUTS' gold does (see the module docstring).
    ``"timeml"`` follows TimeML gold (WikiWarsDE); ``"news"``, the product's, also makes a day and its
    clock time one TIME ("am Freitag um 18 Uhr").
    """
    tagger = _tagger("en" if language.lower().startswith("en") else "de")
    state = _State(
        text,
        _published(anchor),
        narrative,
        it_timeml=guideline == "it-timeml",
        day_links=frozenset(tagger.c["coordination_words"]),
    )
    out: list[TimeRef] = []
    for m in (m for lo, hi in tagger.windows(text) for m in tagger.regex.finditer(text, lo, hi)):
        rule = m.lastgroup or ""
        for hit in tagger.handlers[rule](tagger, _G(m, rule), state):
            out.append(
                TimeRef(
                    article=article_id,
                    start=hit.start,
                    end=hit.end,
                    text=text[hit.start : hit.end],
                    value=hit.value,
                    type=hit.type,
                    vague=hit.vague,
                    mod=hit.mod,
                    anchor=hit.anchor,
                )
            )
            state.update(hit, tagger.prev_word(state, hit.start) in tagger.boundary_words)
    return _join_clock_times(tagger, text, out) if guideline == "news" else out


_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T([A-Z]{2}))?")
_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2})")


def _join_clock_times(t: _Tagger, text: str, refs: list[TimeRef]) -> list[TimeRef]:
    """A day and its clock time are one point in time ("am Freitag um 18 Uhr", "2 Uhr in der Nacht zum
    Mittwoch", "Thursday at 2:30 p.m."), as the spec's analysts mark them; TimeML gold (KRAUTS, WikiWarsDE)
    keeps two expressions."""
    out: list[TimeRef] = []
    for ref in refs:
        joined = _day_and_clock(t, text, out[-1], ref) if out else None
        if joined is None:
            out.append(ref)
        else:
            out[-1] = joined
    return out


def _day_and_clock(t: _Tagger, text: str, first: TimeRef, second: TimeRef) -> TimeRef | None:
    """The two as one TIME when one names a day, the other a clock time, and only a link word is between."""
    gap = text[first.end : second.start].strip().lower()
    for day, clock, links in ((first, second, "clock_after_day"), (second, first, "clock_before_day")):
        d = _DAY.fullmatch(day.value or "")
        c = _CLOCK.fullmatch(clock.value or "")
        if d is None or c is None or gap not in t.c[links] or not re.search(r"[^\W\d_]", clock.text):
            continue  # "Samstag, 10-17 Uhr": the range's first number is no clock time of its own
        hour = int(c.group(1))
        on = date.fromisoformat(d.group(1)) + timedelta(days=int(d.group(2) == "NI" and hour < 12))
        value = f"{on.isoformat()}T{c.group(1)}:{c.group(2)}"  # 2 Uhr in the night to Wednesday: Wednesday
        return replace(
            clock,
            start=first.start,
            end=second.end,
            text=text[first.start : second.end],
            value=value,
            anchor=day.anchor,
        )
    return None
