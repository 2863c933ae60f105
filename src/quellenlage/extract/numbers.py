"""Numbers in German and English news: digits, number words, scales, ranges, bounds and vague amounts.

Number words go through text2num; what it does not cover (``Dutzend``, ``tausende``, ``einige Millionen``,
approximators, ranges, and excluding years, dates, clock times, ordinals and labels such as ``Boeing 747``)
is hand-written here from the tables in ``rules/claims_numbers.json``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from text_to_num import text2num

from quellenlage.rules import read_json

TokenKind = Literal["num", "word", "punct"]

# One pass over the text: grouped digit strings (14.000, 30 000, 1,200,000) before plain ones.
TOKEN_RE = re.compile(
    # words first: most tokens are words, and no word starts like a number
    r"(?P<word>[^\W\d_]\w*(?:[-'’]\w+)*)"
    r"|(?P<num>\d{1,3}(?:(?:[.,]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?(?![\d\w])"
    r"|\d+(?:[.,]\d+)?)"
    r"|(?P<punct>\S)"
)
# Spans that hold digits but no amount: dates, clock times, scores, phone numbers. English writes no
# "6.3." date, so there "magnitude 6.3." stays an amount.
_MASKS = (
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b\d{1,2}[:.]\d{2}\s*(?:Uhr|h)\b|\b\d{1,3}:\d{1,3}\b"
    r"|\b\d{1,2}(?:[:.]\d{2})?\s?[ap]\.m\.(?!\w)"
    r"|(?:\+\d{1,3}[\s/-]?)?\(?\b0\d{2,5}\)?[\s/-]+\d{3,}(?:[\s-]\d+)*"
)
_BRACKET_AFTER_UNIT = re.compile(r"\s*([^\W\d]+)?\s*\(\s*")  # " euros (" between an amount and its conversion
_GERMAN_DATE = r"\b\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4}\b)?"
# every alternative starts with one of these: fail fast elsewhere
MASK_RE = re.compile(rf"(?=[\d+(])(?:{_GERMAN_DATE}|{_MASKS})")
ENGLISH_MASK_RE = re.compile(rf"(?=[\d+(])(?:{_MASKS})")
GERMAN_NUMBER_WORD = re.compile(
    r"(?:ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|"
    r"sechzehn|siebzehn|achtzehn|neunzehn|zwanzig|dreißig|dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig|"
    r"neunzig|hundert|tausend|und)+"
)
ENGLISH_NUMBER_WORD = re.compile(
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
)


@dataclass(slots=True)
class Token:  # not frozen: a frozen dataclass is three times slower to build, and there is one per word
    start: int
    end: int
    text: str
    kind: TokenKind
    lower: str


@dataclass(slots=True)
class NumberMatch:
    """One amount in the text: the span covers approximator, figure, scale and unit."""

    start: int
    end: int
    text: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    approx: str | None = None
    vague: bool = False
    unit: str | None = None
    first: int = 0  # token index of the first token of the phrase
    last: int = 0  # token index of the last token of the phrase


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.start(), m.end(), (t := m.group()), m.lastgroup, t.lower())  # type: ignore[arg-type]
        for m in TOKEN_RE.finditer(text)
    ]


@cache
def _tables() -> dict[str, Any]:
    raw: dict[str, Any] = read_json("claims_numbers.json")
    sets = ["word_numbers_excluded", "excluded_after", "excluded_compound_after", "percent", "year_context"]
    sets += ["months", "ordinal_context", "label_words", "measures", "vague_quantifiers", "vague_scales"]
    tables: dict[str, Any] = {k: frozenset(raw[k]) for k in sets}
    tables["approximators"] = _multiword(raw["approximators"])
    tables["vague"] = _multiword(raw["vague"])
    tables["scales"] = dict(raw["scales"])
    tables["scales_lang"] = raw["scales_lang"]
    tables["word_numbers_extra"] = _multiword(raw["word_numbers_extra"])
    tables["currencies"] = dict(raw["currencies"])
    tables["quantifiers"] = _multiword({q: q for q in raw["vague_quantifiers"]})
    return tables


def _multiword(table: dict[str, Any]) -> dict[tuple[str, ...], Any]:
    """Keys as token tuples (``ca.`` -> ``("ca", ".")``), so they match the token stream."""
    return {tuple(t.lower for t in tokenize(key)): value for key, value in table.items()}


def parse_digits(text: str, lang: str = "de") -> float:
    """``14.000`` / ``2,5`` (German) or ``14,000`` / ``1.2`` (English) or ``30 000`` as a float."""
    s = re.sub(r"[ \u00a0\u202f]", "", text)
    group, decimal = (".", ",") if lang != "en" else (",", ".")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", s) and s.count(decimal) and not s.count(group):
        # only one kind of separator, each followed by three digits: "1.200" in English text is 1.2
        if s.count(decimal) > 1:
            return float(s.replace(decimal, ""))
        return float(s.replace(decimal, "."))
    return float(s.replace(group, "").replace(decimal, "."))


@lru_cache(maxsize=4096)
def parse_number_word(word: str, lang: str = "de") -> int | None:
    """Value of one number word (``vierzehntausend``, ``zwölf``, ``twenty-five``); None if it is none."""
    w = word.lower()
    if w in _tables()["word_numbers_excluded"] or w == "und":
        return None
    pattern = ENGLISH_NUMBER_WORD if lang == "en" else GERMAN_NUMBER_WORD
    if not pattern.fullmatch(w):
        return None
    try:
        return int(text2num(w.replace("-", " "), "en" if lang == "en" else "de"))
    except ValueError:
        return None


_FIRSTS: dict[int, frozenset[str]] = {}
_LASTS: dict[int, frozenset[str]] = {}


def first_words(table: dict[tuple[str, ...], Any]) -> frozenset[str]:
    key = id(table)
    if key not in _FIRSTS:
        _FIRSTS[key] = frozenset(k[0] for k in table)
        _LASTS[key] = frozenset(k[-1] for k in table)
    return _FIRSTS[key]


def _match_seq(tokens: list[Token], i: int, table: dict[tuple[str, ...], Any]) -> tuple[int, Any] | None:
    """Longest key of ``table`` starting at token ``i``: (number of tokens, value)."""
    if i >= len(tokens) or tokens[i].lower not in first_words(table):
        return None
    for n in (4, 3, 2, 1):
        key = tuple(t.lower for t in tokens[i : i + n])
        if len(key) == n and key in table:
            return n, table[key]
    return None


def _match_before(tokens: list[Token], i: int, table: dict[tuple[str, ...], Any]) -> tuple[int, Any] | None:
    """Longest key of ``table`` ending right before token ``i``."""
    first_words(table)
    if i < 1 or tokens[i - 1].lower not in _LASTS[id(table)]:
        return None
    for n in (3, 2, 1):
        if i - n < 0:
            continue
        key = tuple(t.lower for t in tokens[i - n : i])
        if key in table:
            return n, table[key]
    return None


def _simple_value(tokens: list[Token], i: int, lang: str) -> tuple[int, float] | None:
    """A bare figure at token i (digits or number words, not yet scaled): (tokens used, value)."""
    tok = tokens[i]
    if tok.kind == "num":
        return 1, parse_digits(tok.text, lang)
    if tok.kind != "word":
        return None
    extra = _match_seq(tokens, i, _tables()["word_numbers_extra"])
    if extra:
        return extra[0], float(extra[1])
    value = parse_number_word(tok.text, lang)
    if value is None:
        return None
    used = 1
    if lang == "en":  # "two hundred thousand": text2num reads the whole run
        while i + used < len(tokens) and parse_number_word(tokens[i + used].text, "en") is not None:
            used += 1
        if used > 1:
            try:
                value = int(text2num(" ".join(t.lower for t in tokens[i : i + used]), "en"))
            except ValueError:
                used = 1
    return used, float(value)


def _scale(tokens: list[Token], i: int, lang: str) -> tuple[int, float]:
    """Scale words after a figure (``2,5 Millionen``, ``3 Mrd.``): (tokens used, factor)."""
    tables = _tables()
    factor, used = 1.0, 0
    while i + used < len(tokens):
        tok = tokens[i + used]
        key = tok.lower
        if key in tables["scales"] and tok.kind == "word":
            f = float(tables["scales_lang"].get(lang, {}).get(key, tables["scales"][key]))
            nxt = tokens[i + used + 1] if i + used + 1 < len(tokens) else None
            step = 2 if nxt and nxt.text == "." and nxt.start == tok.end and key in ("mio", "mrd") else 1
            factor *= f
            used += step
        else:
            break
    return used, factor


def _next(tokens: list[Token], i: int) -> Token | None:
    return tokens[i] if 0 <= i < len(tokens) else None


def _is_capitalized(tok: Token | None) -> bool:
    return tok is not None and tok.kind == "word" and tok.text[:1].isupper()


def _sentence_initial(tokens: list[Token], i: int) -> bool:
    prev = _next(tokens, i - 1)
    return prev is None or prev.text in {".", "!", "?", ":", "«", "»", "„", '"', "“", "(", "-", "–"}


class _Scanner:
    def __init__(self, text: str, tokens: list[Token], lang: str) -> None:
        self.text, self.tokens, self.lang = text, tokens, lang
        self.t = _tables()
        self.masked: list[tuple[int, int]] | None = None
        self.mask_starts: list[int] = []

    def in_mask(self, tok: Token) -> bool:
        if self.masked is None:  # only texts with digits need the (slow) date and time patterns
            masks = MASK_RE if self.lang == "de" else ENGLISH_MASK_RE
            self.masked = [(m.start(), m.end()) for m in masks.finditer(self.text)]
            self.mask_starts = [s for s, _ in self.masked]
        k = bisect.bisect_right(self.mask_starts, tok.start) - 1
        return k >= 0 and self.masked[k][0] <= tok.start < self.masked[k][1]

    def candidate(self, tok: Token) -> bool:
        """Cheap test before the full match: digits, number words, vague words, quantifiers."""
        if tok.kind == "num":
            return True
        low = tok.lower
        t = self.t
        return (
            low in first_words(t["vague"])
            or low in first_words(t["quantifiers"])
            or low in first_words(t["word_numbers_extra"])
            or parse_number_word(low, self.lang) is not None
        )

    def figure(self, i: int) -> tuple[int, float, int, float] | None:
        """Figure at i with its scale: (tokens used incl. scale, value, scale tokens, factor)."""
        tok = self.tokens[i]
        if tok.kind == "num" and self.in_mask(tok):
            return None
        simple = _simple_value(self.tokens, i, self.lang)
        if not simple:
            return None
        used, value = simple
        n_scale, factor = _scale(self.tokens, i + used, self.lang)
        return used + n_scale, value * factor, n_scale, factor

    def excluded(self, i: int, used: int, n_scale: int) -> bool:
        """Years, ordinals, durations, ages, labels and phone-like strings are no amounts."""
        tokens, t = self.tokens, self.t
        tok = tokens[i]
        prev, nxt = _next(tokens, i - 1), _next(tokens, i + used)
        if tok.kind == "num":
            digits = tok.text
            if digits.isdigit() and digits.startswith("0") and len(digits) > 1:
                return True
            if nxt and nxt.text == "." and nxt.start == tok.end and digits.isdigit() and len(digits) <= 3:
                after = _next(tokens, i + used + 1)
                if after and (after.lower in t["months"] or after.text[:1].islower()):
                    return True
                if prev and prev.lower in t["ordinal_context"] and after and after.kind == "word":
                    return True
            if digits.isdigit() and len(digits) == 4 and 1800 <= int(digits) <= 2100 and not n_scale:
                unit_next = self.unit_word(nxt)
                if not unit_next and (
                    (prev and prev.lower in t["year_context"])
                    or not _is_capitalized(nxt)
                    or tok.end == len(self.text)
                ):
                    return True
            if prev and prev.kind == "word" and prev.end == tok.start:
                return True  # glued to a word: "Nr5"
            if nxt and nxt.start == tok.end and nxt.lower in ("st", "nd", "rd", "th"):
                return True  # an English ordinal: "5th Fleet", "10th Nov"
            if digits.isdigit() and int(digits) <= 120 and self.age_after_name(i):
                return True
            if not n_scale and digits.isdigit() and int(digits) <= 31 and self.next_to_month(i, used):
                return True  # "October 23", "Nov. 12", "23 October": a day of the month
        if nxt and nxt.lower in t["excluded_after"] and not n_scale:
            return True
        if nxt and nxt.text in "-–" and nxt.start == tokens[i + used - 1].end:
            compound = _next(tokens, i + used + 1)
            if compound and compound.lower in ("bis", "und", "oder", "to", "and", "or"):
                compound = self.partner_head(i + used + 2)  # "18- bis 29-Jährige": the partner's head
            if compound and compound.lower in t["excluded_compound_after"]:
                return True
        if nxt and nxt.kind == "word" and nxt.lower.startswith(("jährig", "year-old")):
            return True
        return self.is_label(i, used, n_scale)

    def partner_head(self, j: int) -> Token | None:
        """The word after the hyphen of the figure at ``j`` ("29-Jährigen"): the head a truncated compound
        before it shares."""
        fig, dash, head = (_next(self.tokens, k) for k in (j, j + 1, j + 2))
        return head if fig and fig.kind == "num" and dash and dash.text in "-–" else None

    def unit_word(self, tok: Token | None) -> bool:
        """A percent or currency word: what follows a figure as its unit ("16 Euro", "40 Prozent")."""
        return tok is not None and (tok.lower in self.t["percent"] or tok.lower in self.t["currencies"])

    def age_after_name(self, i: int) -> bool:
        """ "Pietro Colella, 71, was pulled": in English a bare number between commas right after a name is
        the person's age (German capitalises every noun, so "Tote (12)" stays a count)."""
        tokens = self.tokens
        prev, nxt, name = _next(tokens, i - 1), _next(tokens, i + 1), _next(tokens, i - 2)
        if self.lang != "en" or prev is None or nxt is None or _sentence_initial(tokens, i - 2):
            return False
        return prev.text == "," and nxt.text == "," and _is_capitalized(name)

    def next_to_month(self, i: int, used: int) -> bool:
        """A capitalised month name right after the figure ("23 October"), or in English before it
        ("October 23", "Nov. 19"; German writes "ab September 16 Euro" for an amount). Capitalised, because
        English "may" and "march" are also verbs."""
        tokens, t = self.tokens, self.t
        prev, nxt = _next(tokens, i - 1), _next(tokens, i + used)
        if self.unit_word(nxt):
            return False
        if prev is not None and prev.text == "." and i >= 2:
            prev = tokens[i - 2]
        before = prev if self.lang == "en" else None
        return any(w is not None and w.lower in t["months"] and _is_capitalized(w) for w in (before, nxt))

    def is_label(self, i: int, used: int, n_scale: int) -> bool:
        tokens, t = self.tokens, self.t
        prev, nxt = _next(tokens, i - 1), _next(tokens, i + used)
        if prev is None or tokens[i].kind != "num":
            return False
        if prev.lower in t["label_words"] or (
            prev.text == "."
            and _next(tokens, i - 2) is not None
            and tokens[i - 2].lower + "." in t["label_words"]
        ):
            return True
        if prev.kind == "word" and len(prev.text) == 1 and prev.text.isupper():
            return True  # "A 340", "A 2"
        if n_scale or not _is_capitalized(prev) or _sentence_initial(tokens, i - 1):
            return False
        if prev.lower in t["currencies"] or prev.lower in t["months"] or prev.lower in t["measures"]:
            return False  # "Beben der Stärke 6,1" is a measurement, "Boeing 747" a label
        unit_next = self.unit_word(nxt)
        range_next = nxt is not None and nxt.lower in ("bis", "to")  # "in Roccamara 40 bis 60 Prozent"
        return not (_is_capitalized(nxt) or unit_next or range_next)

    def unit(self, i: int, end: int) -> tuple[str | None, int, int]:
        """Percent or currency around the figure: (unit, tokens before, tokens after)."""
        tokens, t = self.tokens, self.t
        prev, nxt = _next(tokens, i - 1), _next(tokens, end)
        if nxt and nxt.lower in t["percent"]:
            return "Prozent", 0, 1
        pair = (nxt.lower + " " + tokens[end + 1].lower) if nxt and end + 1 < len(tokens) else ""
        if pair in t["percent"]:
            return "Prozent", 0, 2
        if nxt and nxt.lower in t["currencies"]:
            return str(t["currencies"][nxt.lower]), 0, 1
        if prev and prev.lower in t["currencies"] and prev.kind == "punct":
            return str(t["currencies"][prev.lower]), 1, 0
        return None, 0, 0

    def vague(self, i: int) -> NumberMatch | None:
        """``tausende``, ``Hunderte``, ``einige Millionen``, ``hundreds of``, bare ``Millionen``."""
        tokens, t = self.tokens, self.t
        quant = _match_seq(tokens, i, t["quantifiers"])
        if quant:
            nxt = _next(tokens, i + quant[0])
            if nxt and nxt.lower in t["vague_scales"]:
                last = i + quant[0]
                return self._vague_match(i, last)
            return None
        hit = _match_seq(tokens, i, t["vague"])
        if not hit:
            return None
        last = i + hit[0] - 1
        prev = _next(tokens, i - 1)
        if prev and (prev.kind == "num" or parse_number_word(prev.text, self.lang) is not None):
            return None  # "2,5 Millionen" is a scale, not vague
        of = _next(tokens, last + 1)
        if of and of.lower == "of" and self.lang == "en":
            last += 1
        return self._vague_match(i, last)

    def _vague_match(self, first: int, last: int) -> NumberMatch:
        tokens = self.tokens
        phrase = self.text[tokens[first].start : tokens[last].end]
        approx = phrase[: -len(" of")] if phrase.endswith(" of") else phrase
        return NumberMatch(
            tokens[first].start, tokens[last].end, phrase, approx=approx, vague=True, first=first, last=last
        )

    def match_at(self, i: int) -> NumberMatch | None:
        tokens, t = self.tokens, self.t
        tok = tokens[i]
        excluded_word = tok.kind == "word" and tok.lower in t["word_numbers_excluded"]
        if excluded_word and not (
            _match_seq(tokens, i, t["word_numbers_extra"]) or _match_seq(tokens, i, t["quantifiers"])
        ):
            return None  # "ein" is no figure, but "ein Dutzend" is one and "ein paar Hundert" a vague one
        vague = self.vague(i) if tok.kind == "word" else None
        if vague:
            return vague
        fig = self.figure(i)
        if not fig:
            return None
        used, value, n_scale, factor = fig
        if self.excluded(i, used, n_scale):
            return None
        first, last = i, i + used - 1
        low = high = None
        approx: str | None = None
        kind: str | None = None
        # ranges: "zwischen 200 und 300", "200 bis 300", "200-300", "two to three million"
        rng = self.range_after(i, used)
        if rng:
            last, high, time_like = rng
            if time_like:  # "10 bis 12 Uhr", "zwei bis drei Jahre": a time or duration, no amount
                return None
            low = value if n_scale or factor != 1 else value * self._range_factor(last)
            between = _next(tokens, i - 1)
            if between and between.lower in ("zwischen", "between", "von", "from"):
                first = i - 1
            approx = None
            value_out: float | None = None
        unit, n_before, n_after = self.unit(i, last + 1)
        if unit is None and factor < 1:  # "zwei Drittel": a share, as "Prozent" is
            unit = tokens[i + used - 1].text
        last += n_after
        if not rng:
            value_out = value
            first = i - n_before  # the approximator comes before a currency sign: "nearly $100 billion"
            before = _match_before(tokens, first, t["approximators"])
            if before:
                n, kind = before
                approx = self.text[tokens[first - n].start : tokens[first - 1].end]
                first -= n
        if kind == "low":
            low, value_out = value_out, None
        elif kind == "high":
            high, value_out = value_out, None
        start, end = tokens[first].start, tokens[last].end
        return NumberMatch(
            start,
            end,
            self.text[start:end],
            value=value_out,
            low=low,
            high=high,
            approx=approx,
            unit=unit,
            first=first,
            last=last,
        )

    def _range_factor(self, last: int) -> float:
        """'zwei bis drei Millionen': the scale after the second figure applies to the first."""
        j, factor = last, 1.0
        while j > 0 and self.tokens[j].lower in self.t["scales"]:
            factor *= float(self.t["scales"][self.tokens[j].lower])
            j -= 1
        return factor

    def range_after(self, i: int, used: int) -> tuple[int, float, bool] | None:
        """End and upper figure of a range starting at i, and whether its upper figure is no amount."""
        tokens = self.tokens
        sep = _next(tokens, i + used)
        if sep is None or sep.lower not in ("bis", "und", "-", "–", "to", "and"):
            return None
        if sep.lower in ("und", "and"):
            prev = _next(tokens, i - 1)
            if not prev or prev.lower not in ("zwischen", "between"):
                return None
        if sep.lower in ("-", "–") and (sep.start != tokens[i + used - 1].end or tokens[i].kind != "num"):
            return None
        j = i + used + 1
        if j >= len(tokens):
            return None
        fig = self.figure(j)
        if not fig:
            return None
        used2, value2, n_scale2, _ = fig
        return j + used2 - 1, value2, self.excluded(j, used2, n_scale2)


def find_numbers(text: str, lang: str = "de", tokens: list[Token] | None = None) -> list[NumberMatch]:
    """All amounts in ``text`` in order; years, dates, times, ordinals and labels are left out."""
    tokens = tokenize(text) if tokens is None else tokens
    scanner = _Scanner(text, tokens, lang)
    words, prefixes = _candidate_words(lang)
    out: list[NumberMatch] = []
    resume = 0
    for i, tok in enumerate(tokens):
        # cheap set lookups first; the full candidate test only for plausible tokens
        if i < resume or not (tok.kind == "num" or tok.lower in words or tok.lower[:3] in prefixes):
            continue
        if not scanner.candidate(tok):
            continue
        match = scanner.match_at(i)
        if (
            match is not None
            and (not out or match.start >= out[-1].end)
            and not _conversion(text, out, match)
        ):
            out.append(match)
            resume = match.last + 1
    return out


def _conversion(text: str, before: list[NumberMatch], match: NumberMatch) -> bool:
    """ "100 million euros ($116 million)": an amount in brackets right after one in another currency is the
    editor's conversion of it, no figure of its own."""
    if not before or not match.unit or text[match.end : match.end + 1] != ")":
        return False
    between = _BRACKET_AFTER_UNIT.fullmatch(text, before[-1].end, match.start)
    if between is None:
        return False
    word = (between.group(1) or "").lower()
    currencies = _tables()["currencies"]
    unit = before[-1].unit or currencies.get(word) or currencies.get(word.removesuffix("s"))  # "euros"
    return unit is not None and unit != match.unit


@cache
def _candidate_words(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """First words of vague amounts and quantifiers; three-letter beginnings of number words."""
    t = _tables()
    words = frozenset(k[0] for table in ("vague", "quantifiers", "word_numbers_extra") for k in t[table])
    stems = (ENGLISH_NUMBER_WORD if lang == "en" else GERMAN_NUMBER_WORD).pattern
    prefixes = frozenset(w[:3] for w in re.findall(r"[a-zäöüß]+", stems) if len(w) >= 3)
    short = frozenset(w for w in re.findall(r"[a-zäöüß]+", stems) if len(w) < 3)
    return words | short, prefixes
