"""Who says so: source phrases and cue words for claims and quotes (German first, English too).

Hand-written shallow rules over the token stream (no dependency parse in the hot path): prepositional cues
(``laut X``, ``X zufolge``, ``nach Angaben des X``, ``according to X``), speech verbs with their subject
(``sagte X``, ``X sagte``, ``wie X mitteilte``, ``hieß es in einer Erklärung des X``), chains
(``Medienberichte,
die sich auf den Geheimdienst berufen``, ``unter Berufung auf``) and coordinated sources. Source phrases are
put in a nominative base form (``des ukrainischen Geheimdienstes`` -> ``ukrainischer Geheimdienst``) and
surnames or pronouns are resolved to the full name seen earlier in the article.
Cue tables: rules/claims_attribution.json
and rules/quotes_verbs.tsv.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any, Literal

import simplemma
from spacy.tokens import Doc

from quellenlage.extract.numbers import Token, tokenize
from quellenlage.language.rules import agency_names, english_calendar_words, institution_heads, org_heads
from quellenlage.rules import alternation, read_json, read_rows

AttributionKind = Literal["prep", "speech", "figure", "carry"]
CLAUSE_PUNCT = frozenset({",", ";", ":", "«", "»", "„", "“", "”", '"', "(", ")", "–", "-", "‚", "‘"})
LINE_BREAK = re.compile(r"(?<![,;\-–])[ \t]*\n\s*")
CLAUSE_COMMAS = frozenset({",", ";", ":", "(", ")", "–"})
NAME_CLOSERS = frozenset({"“", "”", "»", "«", '"', "''"})
NAME_OPENERS = frozenset({"„", "«", "»", '"', "“", "(", "''"})
CAPITAL_RUN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w.-]*(?:[ \t]+[A-ZÀ-ÖØ-Þ][\w.-]*){2,}")
COORD = frozenset({"und", "sowie", "oder", "and", "or"})
GENERIC_ADJ = frozenset(
    [
        "erste",
        "ersten",
        "vorläufige",
        "vorläufigen",
        "jüngste",
        "jüngsten",
        "neue",
        "neuen",
        "neuesten",
        "bisherige",
        "bisherigen",
        "eigene",
        "eigenen",
        "weitere",
        "weiteren",
        "aktuelle",
        "aktuellen",
        "übereinstimmenden",
        "übereinstimmende",
        "verschiedenen",
        "verschiedene",
        "anderen",
        "andere",
        "gleichen",
    ]
)
FEM_SUFFIXES = ("ung", "heit", "keit", "schaft", "ion", "tät", "ei", "ik", "ur", "enz", "anz", "ie", "e")
NEUT_SUFFIXES = (
    "ium",
    "um",
    "ment",
    "chen",
    "lein",
    "tum",
    "amt",
    "militär",
    "fernsehen",
    "parlament",
    "land",
)
TITLE_SUFFIXES = (
    "minister",
    "ministerin",
    "sprecher",
    "sprecherin",
    "präsident",
    "präsidentin",
    "chef",
    "chefin",
    "agentur",
    "kollege",
    "kollegin",
    "führer",
    "leiter",
    "leiterin",
    "abgeordnete",
    "abgeordneter",
    "vorsitzende",
    "vorsitzender",
    "sender",
    "zeitung",
    "fernsehen",
    "haber",
    "sekretär",
    "kommissar",
    "kommissarin",
    "experte",
    "expertin",
    "direktor",
    "direktorin",
    "berater",
    "beraterin",
    "kandidat",
    "kandidatin",
    "botschafter",
)


@dataclass(slots=True)
class Phrase:
    """A shallow noun phrase: token indices and its parts."""

    first: int
    last: int
    det: str | None = None
    adjs: list[Token] = field(default_factory=list)
    nouns: list[Token] = field(default_factory=list)
    genitive: Phrase | None = None
    coord_adjs: list[list[Token]] = field(default_factory=list)


@dataclass(slots=True)
class Attribution:
    """A cue in a sentence and the sources it names, outermost first (``[Lee, Südkorea]``)."""

    kind: AttributionKind
    cue: str
    cue_start: int
    cue_end: int
    sources: list[str]
    source_span: tuple[int, int] | None = None
    strength: str = "strong"
    clause_start: int = 0  # char offset of the clause the cue governs
    verb_first: bool = False  # ", sagte X" after the speech it closes
    lemma: str = ""  # the speech verb's lemma (speech cues only)
    passive: bool = False  # "wurde ... kritisiert": the subject is what is spoken about, not the speaker


@cache
def tables() -> dict[str, Any]:
    raw: dict[str, Any] = read_json("claims_attribution.json")
    out: dict[str, Any] = {
        k: frozenset(v) for k, v in raw.items() if isinstance(v, list) and all(isinstance(x, str) for x in v)
    }
    out["laut_seq"] = frozenset(tuple(t.lower for t in tokenize(x)) for x in raw["laut"])
    out["berufung_seq"] = frozenset(tuple(t.lower for t in tokenize(x)) for x in raw["berufung"])
    out["nach_suffixes"] = tuple(raw["nach_noun_suffixes"])
    return out


def is_nach_noun(word: str) -> bool:
    """``Angaben``, ``Polizeiangaben``, ``UNHCR-Angaben``: a noun that makes ``nach X`` a source cue."""
    t = tables()
    return word in t["nach_nouns"] or (len(word) > 8 and word.endswith(t["nach_suffixes"]))


@dataclass(frozen=True, slots=True)
class Verb:
    lemma: str
    particle: str | None
    strength: str
    lang: str


@cache
def speech_verbs() -> dict[str, list[Verb]]:
    """Form -> readings; separable verbs also get their joined forms (``mitteilte``). Verbs of measuring
    and offering (``registrierte``, ``measured``, ``offered``) are read alike with the strength ``figure``:
    they source figures only."""
    out: dict[str, list[Verb]] = {}
    figures = [
        (forms, lemma, "-", "figure", lang)
        for forms, lemma, lang in read_json("claims_attribution.json")["figure_verbs"]
    ]
    for forms, lemma, particle, strength, lang in [*read_rows("quotes_verbs.tsv"), *figures]:
        part = None if particle == "-" else particle
        for form in forms.split(","):
            if part and form.startswith(part):  # "mitgeteilt", "ausgeführt": particle already joined
                out.setdefault(form, []).append(Verb(lemma, None, strength, lang))
                continue
            out.setdefault(form, []).append(Verb(lemma, part, strength, lang))
            if part:
                out.setdefault(part + form, []).append(Verb(lemma, None, strength, lang))
    return out


SEPARABLE = frozenset(
    {"zu", "ab", "an", "aus", "vor", "ein", "auf", "nach", "zurück", "mit", "fest", "bei", "los"}
)


def is_adj(tok: Token) -> bool:
    return tok.kind == "word" and _adj_word(tok.text)


def _adj_word(w: str) -> bool:
    """An inflected adjective or participle by its form (lower case, German ending)."""
    return (
        w[:1].islower()
        and w.endswith(("e", "en", "er", "es", "em"))
        and len(w) > 3
        and w not in tables()["determiners"]
        and w not in tables()["prepositions"]
        and w not in tables()["not_adjectives"]
    )


@lru_cache(maxsize=1 << 16)
def _lemma_is_lower(word: str) -> bool:
    """German nouns keep their capital in the lemma; ``Erst``, ``Als``, ``Offiziell`` lose it."""
    return simplemma.lemmatize(word, lang="de")[:1].islower()


def is_function_word(an: Analysis, j: int) -> bool:
    """A capitalised word that is no noun and opens no noun phrase: a sentence-initial adverb or
    conjunction (``Erst vor zwei Tagen ...``, ``Als X sagte ...``), not a determiner or quantifier
    (``Mehrere Experten``)."""
    tok, t = an.tokens[j], tables()
    low = tok.lower
    if an.lang != "de" or not is_cap(tok) or low in t["determiners"] or low in t["quantifiers"]:
        return False
    if low in t["not_subjects"] or low in t["prepositions"]:
        return True
    nxt = an.tokens[j + 1] if j + 1 < len(an.tokens) else None
    if _adj_word(low) and is_cap(nxt):
        return False  # "Zahlreiche Experten"
    if not _lemma_is_lower(tok.text):
        return False
    # a name that looks like a word ("Gall", lemma "gallen") keeps its capital inside sentences too
    if tok.text not in an.capital_inside:  # searched once per word and article
        found = re.search(rf"[a-zäöüß,] {re.escape(tok.text)}\b", an.text) is not None
        an.capital_inside[tok.text] = found
    return not an.capital_inside[tok.text]


def _age_adj(toks: list[Token], j: int, end: int, noun: bool = False) -> bool:
    """``85-jährige``, ``23-jährigen``: a number joined to an adjective by a hyphen (``noun``: to a
    capitalised word, ``58-Jährige``)."""
    return (
        j + 2 < end
        and toks[j].kind == "num"
        and toks[j + 1].text == "-"
        and toks[j + 1].start == toks[j].end
        and toks[j + 2].start == toks[j + 1].end
        and (is_cap(toks[j + 2]) if noun else is_adj(toks[j + 2]))
    )


def _initial(toks: list[Token], j: int, end: int) -> bool:
    """``Jürgen R. Thumann``, ``Prof. Dr. Beckmann``: an initial or title with its full stop, then a name."""
    return (
        j + 2 < end
        and (len(toks[j].text) <= 2 or toks[j].lower in tables()["name_abbreviations"])
        and toks[j + 1].text == "."
        and toks[j + 1].start == toks[j].end
        and is_cap(toks[j + 2])
    )


def _truncated(toks: list[Token], j: int, end: int) -> bool:
    """``Such- und Rettungsagentur``: a compound cut short before a conjunction, the full noun after it."""
    return (
        j + 3 < end
        and toks[j + 1].text == "-"
        and toks[j + 1].start == toks[j].end
        and toks[j + 2].lower in COORD
        and is_cap(toks[j + 3])
    )


def _noun_text(an: Analysis, tok: Token) -> str:
    """A name part as written, with the full stop of an initial (``R.``)."""
    initial = len(tok.text) <= 2 or tok.lower in tables()["name_abbreviations"]
    end = tok.end + 1 if initial and an.text[tok.end : tok.end + 1] == "." else tok.end
    return an.text[tok.start : end]


def is_cap(tok: Token | None) -> bool:
    return tok is not None and tok.kind == "word" and tok.text[:1].isupper()


def is_nominal(an: Analysis, tok: Token) -> bool:
    """A word that can stand in a noun phrase: German nouns and names are capitalised, English common
    nouns are not ("according to police", "the district office said"), so there any word but a function
    word, adverb or verb of report counts."""
    if is_cap(tok):
        return True
    return an.lang == "en" and tok.kind == "word" and tok.lower not in tables()["en_not_nominal"]


@dataclass(slots=True)
class Analysis:
    """An article prepared once for the extractors: tokens, sentence token ranges, entities, names."""

    text: str
    tokens: list[Token]
    starts: list[int]
    sentences: list[tuple[int, int]]  # token index ranges [first, end)
    ents: list[tuple[int, int, str]]
    names: list[tuple[int, str]] = field(default_factory=list)  # (char offset, full name)
    lang: str = "de"
    attributions: list[list[Attribution]] | None = None  # per sentence, see all_attributions
    quoted: list[tuple[int, int]] = field(default_factory=list)
    firsts: list[int] = field(default_factory=list)
    capital_inside: dict[str, bool] = field(default_factory=dict)  # word -> capitalised after a word
    introduced: dict[str, str] = field(default_factory=dict)  # name or acronym -> "Name (ACRONYM)"
    org_sources: list[tuple[int, str]] = field(default_factory=list)  # (char offset, organisation) of sources

    def tok_at(self, char: int) -> int:
        return bisect.bisect_right(self.starts, char) - 1

    def sentence_of(self, tok: int) -> int:
        if len(self.firsts) != len(self.sentences):
            self.firsts = [s for s, _ in self.sentences]
        return max(0, bisect.bisect_right(self.firsts, tok) - 1)


_LAST: list[tuple[Doc, str, Analysis]] = []


def analyse(text: str, doc: Doc, lang: str = "de") -> Analysis:
    """Prepare an article once; claims and quotes of the same Doc share the result."""
    if _LAST and _LAST[0][0] is doc and _LAST[0][1] is text and _LAST[0][2].lang == lang:
        return _LAST[0][2]
    an = _analyse(text, doc, lang)
    _LAST[:] = [(doc, text, an)]
    return an


def _analyse(text: str, doc: Doc, lang: str) -> Analysis:
    tokens = tokenize(text)
    starts = [t.start for t in tokens]
    sentences: list[tuple[int, int]] = []
    if doc.has_annotation("SENT_START"):
        spans = [(s.start_char, s.end_char) for s in doc.sents]
    else:
        spans = [(0, len(text))]
    for s, e in _split_lines(text, spans):
        a = bisect.bisect_left(starts, s)
        b = bisect.bisect_left(starts, e)
        if b > a:
            sentences.append((a, b))
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    an = Analysis(text, tokens, starts, sentences, ents, lang=lang)
    an.names = _collect_names(an)
    an.introduced = _introduced_acronyms(text, ents)
    return an


def _introduced_acronyms(text: str, ents: list[tuple[int, int, str]]) -> dict[str, str]:
    """Organisations named once with their acronym ("Institut der deutschen Wirtschaft (IW)"): the name, the
    acronym and later references all show as that pair, which names the source for readers of either
    form and lets the story's sources merge by their words."""
    out: dict[str, str] = {}
    for (s1, e1, label1), (s2, e2, label2) in itertools.pairwise(ents):
        if label1 == label2 == "ORG" and text[e1:s2] == " (" and text[e2 : e2 + 1] == ")":
            shown = f"{text[s1:e1]} ({text[s2:e2]})"
            out.setdefault(text[s1:e1], shown)
            out.setdefault(text[s2:e2], shown)
    return out


def _split_lines(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Headings and paragraphs end a sentence even when the splitter ran on (blank ``sentencizer``)."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        cut = s
        for m in LINE_BREAK.finditer(text, s, e):
            if m.start() > cut:
                out.append((cut, m.start()))
            cut = m.end()
        if e > cut:
            out.append((cut, e))
    return out


def is_title(word: str) -> bool:
    w = word.lower()
    return w in tables()["titles"] or w.endswith(TITLE_SUFFIXES)


def _collect_names(an: Analysis) -> list[tuple[int, str]]:
    """Full person names of the article: PER entities, else a title followed by capitalised words."""
    names = [(s, an.text[s:e]) for s, e, label in an.ents if label == "PER" and " " in an.text[s:e]]
    toks = an.tokens
    titles = tables()["titles"]
    candidates = (
        k
        for m in CAPITAL_RUN.finditer(an.text)  # only runs of three capitalised words can hold "title + name"
        for k in range(an.tok_at(m.start()), an.tok_at(m.end() - 1) + 1)
    )
    for i in candidates:
        tok = toks[i]
        if not (tok.lower in titles or tok.lower.endswith(TITLE_SUFFIXES)) or not tok.text[:1].isupper():
            continue
        j = i + 1
        while j < len(toks) and is_cap(toks[j]) and not is_title(toks[j].text) and j - i <= 4:
            j += 1
        if j - i >= 3:  # at least two name tokens after the title
            names.append((toks[i + 1].start, an.text[toks[i + 1].start : toks[j - 1].end]))
    names.sort()
    return names


def resolve_name(an: Analysis, name: str, pos: int) -> str:
    """``Lawrow`` -> ``Sergej Lawrow`` when the full name appears in the article (earlier ones first)."""
    if " " in name.strip():
        return name
    key = name[:-1] if name.endswith("s") and len(name) > 4 else name
    best: str | None = None
    for at, full in an.names:
        parts = full.split()
        if (name in parts or key in parts) and (at <= pos or best is None):
            best = full
    return best or name


# --- noun phrases -----------------------------------------------------------------------------------------


def phrase_after(an: Analysis, i: int, end: int, genitive: bool = True) -> Phrase | None:
    """A noun phrase starting at token i (determiner, adjectives, capitalised words, genitive)."""
    toks, t = an.tokens, tables()
    j = i
    det = None
    if j < end and toks[j].lower in t["determiners"] and toks[j].kind == "word":
        det = toks[j].lower
        j += 1
    elif an.lang == "en" and j < end and toks[j].lower in t["en_quantifiers"]:
        j += 1  # "some local media", "many residents": the quantifier is no part of the source's name
    adjs: list[Token] = []
    coord: list[list[Token]] = []
    if det is not None:  # "die in New York City geborene Lopez": an attribute with its own phrase
        j = _past_attribute(an, j, end)
    # German adjectives by their endings; English ones ("local", "police" ends like one) are read as nouns
    while (
        j < end
        and an.lang != "en"
        and (is_adj(toks[j]) or toks[j].lower in ("auch",) or _age_adj(toks, j, end))
    ):
        if _age_adj(toks, j, end):  # "der 85-jährige Joseph Ratzinger": part of the mention, not of the name
            j += 3
            continue
        if toks[j].lower != "auch":
            adjs.append(toks[j])
        j += 1
        # "des ukrainischen und auch des südkoreanischen Geheimdienstes": elliptic first conjunct
        if j < end and toks[j].lower in COORD and adjs:
            k = j + 1
            while k < end and toks[k].lower in ("auch", "des", "der", "dem", "den", "die"):
                k += 1
            if k < end and is_adj(toks[k]):
                coord.append(adjs)
                adjs = []
                j = k
    nouns: list[Token] = []
    # inside a name in quotation marks: "die „Bild“-Zeitung", "das „National Hurricane Centre“"
    quoted = False
    while j < end:
        if not quoted and _enclosed(an, j, end) is not None and toks[j].text != "(":
            quoted = True
            j += 1
            continue
        if quoted and nouns and toks[j].text in NAME_CLOSERS:
            quoted = False
            j += 2 if j + 2 < end and toks[j + 1].text == "-" and toks[j + 2].start == toks[j + 1].end else 1
            continue
        if not nouns and _age_adj(toks, j, end, noun=True):  # "der 58-Jährige": the age is the noun
            age = an.text[toks[j].start : toks[j + 2].end]
            nouns.append(Token(toks[j].start, toks[j + 2].end, age, "word", age.lower()))
            j += 3
            continue
        if not (is_nominal(an, toks[j]) and (not nouns or toks[j].start - toks[j - 1].end <= 1)):
            break
        if nouns and toks[j].lower in t["determiners"] and not _initial(toks, j, end):
            break
        nouns.append(toks[j])
        j += 2 if _initial(toks, j, end) else 4 if _truncated(toks, j, end) else 1
    if not nouns or quoted:
        return None
    ph = Phrase(i, j - 1, det, adjs, nouns, None, coord)
    head = nouns[-1].lower
    if genitive and j < end and toks[j].lower in ("des", "der", "von", "of") and toks[j].kind == "word":
        carrier = head in t["carrier_nouns"] or is_title(head)
        if toks[j].lower != "von" or carrier:
            gen = phrase_after(an, j if toks[j].lower != "von" else j + 1, end, genitive=True)
            if gen is not None:
                ph.genitive = gen
                ph.last = gen.last
    return ph


def phrases_coordinated(an: Analysis, i: int, end: int) -> list[Phrase]:
    """``Medien und dem ukrainischen Geheimdienst`` -> two phrases."""
    out: list[Phrase] = []
    j = i
    while j < end:
        ph = phrase_after(an, j, end)
        if ph is None:
            break
        out.append(ph)
        k = ph.last + 1
        if k < end and an.tokens[k].lower in COORD:
            j = k + 1
            continue
        break
    return out


def phrase_before(an: Analysis, i: int, start: int) -> Phrase | None:
    """The noun phrase ending right before token i (for ``X zufolge``)."""
    toks, t = an.tokens, tables()
    j = i - 1
    while j >= start and (
        is_nominal(an, toks[j])
        or is_adj(toks[j])
        or toks[j].lower in t["determiners"]
        or toks[j].lower in COORD
    ):
        j -= 1
    k = j + 1
    while k < i:
        phs = phrases_coordinated(an, k, i)
        if phs and phs[-1].last == i - 1:
            return phs[0] if len(phs) == 1 else _merge(phs)
        k += 1
    return None


def _merge(phs: list[Phrase]) -> Phrase:
    first = phs[0]
    first.coord_adjs = [p.adjs for p in phs[:-1]]
    last = phs[-1]
    return Phrase(first.first, last.last, last.det, last.adjs, last.nouns, last.genitive, first.coord_adjs)


def mention_end(an: Analysis, first: int, last: int, limit: int) -> int:
    """Last token of the whole mention that starts with the phrase [first, last], as a quotation corpus
    marks a speaker: with attributes (``vom Zentralrat der Juden``, ``in Flensburg``), names in quotation
    marks or brackets (``die Zeitung „Yemen Observer“``, ``(SPD)``), appositions between commas
    (``Tegaye Mununhe, der Polizeichef der Region,``) and coordinated names; never past ``limit``."""
    toks, t = an.tokens, tables()
    j = last
    while j + 1 < limit:
        k = j + 1
        low = toks[k].lower
        nxt = _enclosed(an, k, limit)
        if nxt is not None:
            j = nxt
            continue
        if low in t["mention_links"] or (low in t["mention_place_links"] and is_cap(_tok(an, k + 1, limit))):
            ph = phrase_after(an, k + 1, limit)
            if ph is None or toks[ph.first].lower in t["pronouns_person"]:
                break
            j = ph.last
            continue
        if low in COORD and low != "oder":
            ph = np_or_pronoun(an, k + 1, limit)
            if ph is None or not _ends_mention(an, mention_end(an, ph.first, ph.last, limit) + 1, limit):
                break
            j = ph.last
            continue
        if low == "," and k + 1 < limit:
            ph = np_or_pronoun(an, k + 1, limit)
            if ph is None or toks[ph.first].lower in t["pronouns_person"] | t["pronouns_other"]:
                break
            tail = mention_end(an, ph.first, ph.last, limit)
            if not _ends_mention(an, tail + 1, limit):
                break
            j = tail
            continue
        break
    return j


def _past_attribute(an: Analysis, j: int, end: int) -> int:
    """Index of the participle that closes an extended attribute starting at j (``von der Regierung
    eingesetzte``), or j when there is none."""
    toks = an.tokens
    if j >= end or toks[j].lower not in tables()["prepositions"]:
        return j
    for k in range(j + 1, min(end - 1, j + 8)):
        if toks[k].kind == "punct":
            return j
        if is_adj(toks[k]) and is_cap(toks[k + 1]) and k > j + 1:
            return k
    return j


def _tok(an: Analysis, k: int, limit: int) -> Token | None:
    return an.tokens[k] if k < limit else None


def _enclosed(an: Analysis, k: int, limit: int) -> int | None:
    """Index of the mark closing the short bracketed or quoted name that opens at k, if any."""
    toks = an.tokens
    if toks[k].text not in NAME_OPENERS:
        return None
    closers = {"(": ")", "''": "''", '"': '"', "«": "»", "»": "«"}.get(toks[k].text, "“”")
    for m in range(k + 1, min(limit, k + 9)):
        if toks[m].text in closers:
            return m if m > k + 1 and (toks[k].text == "(" or is_cap(toks[k + 1])) else None
        if toks[m].text in ".!?;:" or (toks[k].text != "(" and toks[m].text == ","):
            return None
    return None


def _ends_mention(an: Analysis, k: int, limit: int) -> bool:
    """An apposition or conjunct is part of the mention only when the mention ends right after it."""
    return k >= limit or an.tokens[k].text in ",:.!?;)–"


# --- base forms -------------------------------------------------------------------------------------------


def _gender(noun: str) -> str:
    w = noun.lower()
    if w.endswith(NEUT_SUFFIXES):
        return "n"
    if w.endswith(FEM_SUFFIXES):
        return "f"
    return "m"


def _adj_base(adj: str, plural: bool, gender: str) -> str:
    stem = adj
    for suffix in ("en", "em", "er", "es", "e"):
        if adj.endswith(suffix):
            stem = adj[: -len(suffix)]
            break
    ending = "e" if plural or gender == "f" else "es" if gender == "n" else "er"
    return stem + ending


def _noun_base(noun: str, det: str | None) -> str:
    if det in ("des", "eines") and len(noun) > 5:
        if noun.endswith("es") and not noun.endswith(("ses", "ies")):
            return noun[:-2]
        if noun.endswith("s"):
            return noun[:-1]
    if det in ("den", None) and noun.endswith("ern"):
        return noun[:-1]
    return noun


def phrase_text(an: Analysis, ph: Phrase) -> list[str]:
    """Source names of a phrase: a named entity, a full name, or the nominative base form (may be several)."""
    t = tables()
    head = ph.nouns[-1]
    if ph.genitive is not None and _calendar_word(ph.genitive.nouns[-1].lower):
        ph = replace(ph, genitive=None, last=ph.genitive.first - 2)  # "dem Bericht vom Donnerstag zufolge"
    if ph.genitive is not None and (head.lower in t["carrier_nouns"]):
        return phrase_text(an, ph.genitive)
    ent = _entity_in(an, ph) or _antecedent(an, ph)
    if ent:
        return [an.introduced.get(ent) or resolve_name(an, ent, head.start)]
    if len(ph.nouns) >= 2 and is_title(ph.nouns[0].text) and not ph.genitive:
        name = " ".join(_noun_text(an, n) for n in ph.nouns[1:])
        return [resolve_name(an, name, head.start)]
    if not ph.adjs and not ph.coord_adjs and not ph.det and len(ph.nouns) == 1 and not ph.genitive:
        word = head.text
        resolved = resolve_name(an, word, head.start)
        if resolved != word:
            return [resolved]
        if word.endswith("s") and len(word) > 4 and _as_word(an, word[:-1]):  # "Südkoreas" -> "Südkorea"
            return (
                [word]
                if head.lower in t["carrier_nouns"]
                else [word[:-1]]
                if word[:-2].isalpha() and word[-2] in "aeiou"
                else [word]
            )
    plural = ph.det in ("den",) or (ph.det is None and any(a.text.endswith("en") for a in ph.adjs))
    nouns = [_noun_text(an, n) for n in ph.nouns]
    nouns[-1] = _noun_base(nouns[-1], ph.det)
    gender = _gender(nouns[-1])
    groups = [*ph.coord_adjs, ph.adjs] if ph.coord_adjs else [ph.adjs]
    out = []
    for adjs in groups:
        words = [
            _adj_base(a.text, plural, gender) for a in adjs if a.lower not in GENERIC_ADJ or len(groups) > 1
        ]
        words += nouns
        if ph.genitive is not None:
            words.append(an.text[an.tokens[ph.genitive.first].start : an.tokens[ph.genitive.last].end])
        out.append(" ".join(words))
    return out


@cache
def _calendar_words() -> frozenset[str]:
    """Weekdays, months and units of time: a phrase headed by one is a date or time, no source or subject
    ("dem Bericht vom Donnerstag", "Dieser Tage zählt das Ministerium ...")."""
    data = read_json("temporal_de.json")
    return frozenset([*data["weekdays"], *data["months"], *data["units"]]) | english_calendar_words()


def _calendar_word(word: str) -> bool:
    return word in _calendar_words()


def _as_word(an: Analysis, word: str) -> bool:
    """``Südkorea`` stands alone somewhere in the text (``Paris`` holds ``Pari`` only inside a word)."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", an.text) is not None


def _entity_in(an: Analysis, ph: Phrase) -> str | None:
    s, e = an.tokens[ph.first].start, an.tokens[ph.last if not ph.genitive else ph.genitive.first - 2].end
    best: str | None = _name_after_role(an, s, e)
    if best is not None:
        return best
    head = ph.nouns[-1].start
    limit = an.tokens[ph.genitive.last].end if ph.genitive else len(an.text)
    for es, ee, label in an.ents:
        # inside the phrase before its genitive, or a name that holds the phrase's head and goes on past it
        # (into its genitive: "das Institut der deutschen Wirtschaft"; past it: "das Institut für Geophysik")
        inside = s <= es and (ee <= e or es <= head < ee <= limit)
        if inside and label in ("PER", "ORG") and (best is None or ee - es > len(best)):
            best = an.text[es:ee]
    return best


def _name_after_role(an: Analysis, s: int, e: int) -> str | None:
    """``Civil Protection chief Fabrizio Cerulli``, ``Siemens-Chef Joe Kaeser``: a person named right after a
    role noun is who the phrase names; an organisation before the role only says whose role it is."""
    for es, ee, label in an.ents:
        if label == "PER" and s < es and ee <= e and is_title(an.tokens[an.tok_at(es) - 1].text):
            return an.text[es:ee]
    return None


def _antecedent(an: Analysis, ph: Phrase) -> str | None:
    """ "nach Angaben des Instituts" after "das Nationale Institut für Geophysik (INGV)", "des Ministeriums"
    after "das Außenministerium in Wien": a bare definite noun is the last organisation whose name holds it.
    A generic one ("teilte das Unternehmen mit", "the agency said") is the last organisation that was named
    as a source before, leaving out news agencies and, in German, names of another kind of body
    ("…gewerkschaft (EZG)"; English names mix kind words freely: "the agency" may be a "Department").
    Hand-written: the shallow analysis has no coreference; compounds count by their last part."""
    t = tables()
    if ph.det not in t["definite_determiners"] or ph.genitive or len(ph.nouns) != 1:
        return None
    noun = _noun_base(ph.nouns[0].text, ph.det).lower()
    best: str | None = None
    for es, ee, label in an.ents:
        if es >= ph.nouns[0].start:
            break
        if label != "ORG":
            continue
        k = an.tok_at(es)
        kind = an.tokens[k - 1].text if k > 0 else ""  # "der Hilfsorganisation X"
        if _holds(f"{kind} {an.text[es:ee]}", noun):
            best = an.introduced.get(an.text[es:ee], an.text[es:ee])
    group = _generic_groups().get(noun)
    if best or group is None or ph.adjs or _has_attribute(an, ph.last + 1):
        return best
    for at, name in reversed(an.org_sources):
        if at >= ph.nouns[0].start:
            continue
        other_kind = an.lang != "en" and any(_holds(name, kind) for kind in _kind_words() - group)
        if name not in _agencies() and not other_kind:
            return name
    return None


@cache
def _generic_groups() -> dict[str, frozenset[str]]:
    """Each generic organisation noun -> the nouns of its kind of body."""
    return {
        noun: frozenset(group)
        for group in read_json("claims_attribution.json")["generic_org_groups"]
        for noun in group
    }


@cache
def _kind_words() -> frozenset[str]:
    """Words that name a kind of body inside a German name: the generic nouns and the name rules' heads."""
    return frozenset(_generic_groups()) | frozenset(org_heads("de")) | frozenset(institution_heads())


def _has_attribute(an: Analysis, k: int) -> bool:
    """ "der Organisation für das Verbot chemischer Waffen": what follows names the noun; it is no generic
    reference."""
    return k < len(an.tokens) and an.tokens[k].lower in ("für", "for", "of", "von", "zur", "zum")


def _holds(name: str, noun: str) -> bool:
    return any(w == noun or (len(noun) >= 6 and w.endswith(noun)) for w in name.lower().split())


@cache
def _agencies() -> frozenset[str]:
    return frozenset(agency_names())


def is_source_less(ph: Phrase) -> bool:
    """``nach ersten Schätzungen``: a carrier noun with only generic adjectives names no source."""
    head = ph.nouns[-1].lower
    return (
        head in tables()["carrier_nouns"]
        and ph.genitive is None
        and all(a.lower in GENERIC_ADJ for a in ph.adjs)
        and len(ph.nouns) == 1
        and not ph.coord_adjs
    )


# --- cues -------------------------------------------------------------------------------------------------


KONJ2 = frozenset(
    "würde würden wäre wären hätte hätten könnten müssten gäbe trügen wollten sollen".split()  # noqa: SIM905
)


def konjunktiv(an: Analysis, a: int, b: int, mood_one_only: bool = False) -> bool:
    """Reported-speech mood in tokens [a, b): Konjunktiv I, or II as its substitute (unless mood_one_only)."""
    if b <= a:
        return False
    start, end = an.tokens[a].start, an.tokens[b - 1].end
    if _konjunktiv_re(mood_one_only).search(an.text, start, end) is not None:
        return True
    return any(_konjunktiv_one(m.group()) for m in LOWER_E_WORD.finditer(an.text, start, end))


LOWER_E_WORD = re.compile(r"(?<![\w-])[a-zäöüß]{3,}(?<!t)e(?![\w-])")  # "befinde", not "sagte" or "Rede"


@lru_cache(maxsize=65536)
def _konjunktiv_one(word: str) -> bool:
    """A third-person Konjunktiv I form beyond the table (``befinde``, ``verstoße``, ``handle``): the
    infinitive less its ``n``, by simplemma's lemma; ``-te`` forms are past tense, not mood."""
    if len(word) < 4 or word.endswith("te"):
        return False
    lemma = simplemma.lemmatize(word, lang="de")
    if lemma == word + "n":
        return True
    # "ändere" (ändern), "handle" (handeln)
    return word.endswith(("le", "re")) and lemma in (word[:-1] + "n", word[:-2] + "e" + word[-2] + "n")


@cache
def _konjunktiv_re(mood_one_only: bool) -> re.Pattern[str]:
    forms = tables()["konjunktiv"] - KONJ2 if mood_one_only else tables()["konjunktiv"]
    return _words_re(forms, ignore_case=False)


def _words_re(words: frozenset[str] | set[str], ignore_case: bool = True) -> re.Pattern[str]:
    """Any of ``words`` as a whole word (lower-case words match lower-case text only without ignore_case)."""
    return re.compile(rf"(?<![\w-])(?:{alternation(words)})(?![\w-])", re.IGNORECASE if ignore_case else 0)


def clause_bounds(
    an: Analysis, i: int, first: int, end: int, marks: frozenset[str] = CLAUSE_PUNCT
) -> tuple[int, int]:
    a = i
    while a > first and an.tokens[a - 1].text not in marks:
        a -= 1
    b = i
    while b < end and an.tokens[b].text not in marks and not _full_stop(an.tokens, b):
        b += 1
    return a, b


def _full_stop(toks: list[Token], k: int) -> bool:
    """Sentence-final punctuation, not the full stop of an initial or title (``R.``, ``Dr.``)."""
    if toks[k].text not in ".!?":
        return False
    inside = 0 < k < len(toks) - 1 and toks[k - 1].end == toks[k].start and toks[k].end == toks[k + 1].start
    return not (toks[k].text == "." and k > 0 and (inside or _initial(toks, k - 1, len(toks))))


def sentence_attributions(an: Analysis, si: int, ctx: SpeakerMemory) -> list[Attribution]:
    first, end = an.sentences[si]
    out: list[Attribution] = []
    if end <= first:
        return out
    toks, t = an.tokens, tables()
    triggers = _triggers()
    for i in range(first, end):
        tok = toks[i]
        low = tok.lower
        if low not in triggers:  # a set lookup per token is cheaper than any regex over the sentence
            continue
        att: Attribution | None = None
        n_laut = _match_seq(toks, i, end, t["laut_seq"])
        n_berufung = _match_seq(toks, i, end, t["berufung_seq"])
        if n_laut:
            att = _prep(an, i, i + n_laut, end, an.text[tok.start : toks[i + n_laut - 1].end])
        elif low == "so" and i > first and toks[i - 1].text in ",–-":
            att = _so(an, i, end)
        elif low == "nach" and i + 1 < end:
            att = _nach(an, i, end, ctx.last_person)
        elif n_berufung:
            att = _prep(an, i, i + n_berufung, end, an.text[tok.start : toks[i + n_berufung - 1].end])
        elif low in t["postpositions"]:
            att = _postposition(an, i, first)
        elif (
            tok.kind == "word"
            and low in speech_verbs()
            and (
                tok.text[:1].islower() or (i == first and _lemma_is_lower(tok.text))
            )  # not "Berichten zufolge"
        ):
            att = _speech(an, i, first, end, ctx)
            if att is not None and an.lang == "en" and low.endswith("ing") and out and out[-1].sources:
                # "..., a spokeswoman said, adding that ...": the participle's subject is the finite verb's
                att = replace(att, sources=out[-1].sources, source_span=out[-1].source_span)
        if att is not None:
            out.append(att)
    return _attach_chains(an, out, first, end)


@cache
def _triggers() -> frozenset[str]:
    """Words that can start a cue."""
    t = tables()
    words = set(_first_words(t["laut_seq"])) | set(_first_words(t["berufung_seq"])) | set(t["postpositions"])
    return frozenset(words | {"so", "nach"} | set(speech_verbs()))


def _postposition(an: Analysis, i: int, first: int) -> Attribution | None:
    """``dem Bericht zufolge``; a source-less phrase (``ersten Schätzungen zufolge``) names no source."""
    toks = an.tokens
    ph = phrase_before(an, i, first)
    if ph is not None and _calendar_word(ph.nouns[-1].lower) and toks[ph.first - 1].lower in ("vom", "von"):
        ph = phrase_before(an, ph.first - 1, first)  # "dem Bericht vom Donnerstag zufolge": the report
    if ph is None:
        return None
    generic = is_source_less(ph)
    att = Attribution(
        "prep",
        toks[i].text,
        toks[ph.first].start,
        toks[i].end,
        [] if generic else phrase_text(an, ph),
        (toks[ph.first].start, toks[ph.last].end),
        "weak" if generic else "strong",
    )
    if not generic:  # "Medienberichten zufolge, die sich auf Behördenkreise berufen"
        _relative_chain(an, att, i + 1, an.sentences[an.sentence_of(i)][1])
    return att


def all_attributions(an: Analysis) -> list[list[Attribution]]:
    """Cues of every sentence, computed once per article; pronouns resolve to the last person speaker
    outside quotation marks."""
    if an.attributions is None:
        memory = SpeakerMemory()
        an.quoted = spans = quoted_spans(an.text)
        starts = [s for s, _ in spans]
        out = []
        organisations = {an.text[s:e] for s, e, label in an.ents if label == "ORG"} | set(
            an.introduced.values()
        )
        for si in range(len(an.sentences)):
            atts = sentence_attributions(an, si, memory)
            memory.note([a for a in atts if not _inside(a.cue_start, spans, starts)])
            if not any(a.kind == "speech" for a in atts):
                memory.mention(_first_name_in(an, si))
            an.org_sources += [(a.cue_start, s) for a in atts for s in a.sources if s in organisations]
            out.append(atts)
        an.attributions = out
    return an.attributions


def _first_name_in(an: Analysis, si: int) -> str | None:
    """The first full person name of a sentence (German puts the subject first: "EZG-Chef Carsten Wöhrle
    gab sich kämpferisch. ..., rief er zu."), else a role that opens it ("Ein Konzernsprecher wollte das
    nicht kommentieren. ..., sagte er")."""
    first, end = an.sentences[si]
    lo, hi = an.tokens[first].start, an.tokens[end - 1].end
    k = bisect.bisect_left(an.names, (lo, ""))
    if k < len(an.names) and an.names[k][0] < hi:
        return an.names[k][1]
    ph = phrase_after(an, first, end, genitive=False)
    if ph is None or ph.det is None or ph.adjs or len(ph.nouns) != 1 or not is_title(ph.nouns[0].text):
        return None  # "Präsident wurde Escobar nie": without an article, no subject
    names = phrase_text(an, ph)
    return names[0] if names else None


def _inside(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


# --- quotation marks --------------------------------------------------------------------------------------

PAIRS = {"«": "»", "»": "«", "„": "“”", "“": "”", '"': '"', "‚": "‘’", "”": "”"}
PARAGRAPH = re.compile(r"\n\s*\n")
MARKS = re.compile("[" + re.escape("".join(PAIRS)) + "]")
MAX_QUOTE = 3000


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside paired quotation marks, outermost only, within one paragraph."""
    out: list[tuple[int, int]] = []
    n = len(text)
    resume = 0
    for m in MARKS.finditer(text):
        i = m.start()
        if i < resume:
            continue
        closers = PAIRS[text[i]]
        if not _opens(text, i):
            continue
        para = PARAGRAPH.search(text, i)
        limit = min(n, i + MAX_QUOTE, para.start() if para else n)
        j = min((k for k in (text.find(c, i + 1, limit) for c in closers) if k >= 0), default=-1)
        if j > i + 1:
            out.append((i + 1, j))
            resume = j + 1
    return out


def _opens(text: str, i: int) -> bool:
    """An opening mark precedes a word; ``‚`` and ``"`` also need a space or bracket before them."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prev = text[i - 1] if i > 0 else " "
    if nxt.isspace():
        return False
    if text[i] in '"‚”':
        return prev.isspace() or prev in "([—–-/:" or i == 0
    return True


def _match_seq(toks: list[Token], i: int, end: int, seqs: frozenset[tuple[str, ...]]) -> int:
    if toks[i].lower not in _first_words(seqs):
        return 0
    for n in (3, 2, 1):
        if i + n <= end and tuple(x.lower for x in toks[i : i + n]) in seqs:
            return n
    return 0


@cache
def _first_words(seqs: frozenset[tuple[str, ...]]) -> frozenset[str]:
    return frozenset(s[0] for s in seqs)


def _so(an: Analysis, i: int, end: int) -> Attribution | None:
    """``..., so der Sprecher.``, ``..., so Obama weiter, ...``, ``..., so X im Fernsehen.``: a source closing
    the sentence or a clause."""
    ph = phrase_after(an, i + 1, end)
    toks = an.tokens
    if ph is None:
        return None
    k = mention_end(an, ph.first, ph.last, end) + 1
    if k < end and toks[k].lower in tables()["so_trailers"]:
        k += 1
    if k < end and toks[k].lower in tables()["prepositions"]:  # "im libanesischen Fernsehen"
        while k < end and toks[k].text not in ",(.!?:;":
            k += 1
    if k + 1 < end and toks[k].text not in ",(":
        return None
    return Attribution(
        "speech",
        "so",
        toks[i].start,
        toks[ph.last].end,
        phrase_text(an, ph),
        (toks[ph.first].start, toks[mention_end(an, ph.first, ph.last, end)].end),
        "strong",
        toks[i].start,
        True,
    )


def _prep(an: Analysis, i: int, j: int, end: int, cue: str) -> Attribution | None:
    phs = phrases_coordinated(an, j, end)
    if not phs:
        return None
    sources: list[str] = []
    for ph in phs:
        if not is_source_less(ph):
            sources.extend(phrase_text(an, ph))
    last = mention_end(an, phs[0].first, phs[-1].last, end)
    att = Attribution(
        "prep",
        cue,
        an.tokens[i].start,
        an.tokens[last].end,
        sources,
        (an.tokens[phs[0].first].start, an.tokens[last].end),
        "strong" if sources else "weak",
    )
    _relative_chain(an, att, last + 1, end)
    return att


def _nach(an: Analysis, i: int, end: int, last_person: str | None) -> Attribution | None:
    """``nach Angaben des X``, ``nach ukrainischen Angaben``, ``nach Südkoreas Einschätzung``, ``nach seinen
    Worten`` (the last person speaker)."""
    toks = an.tokens
    j = i + 1
    possessor: Token | None = None
    if (
        is_cap(toks[j])
        and not is_nach_noun(toks[j].lower)
        and toks[j].text.endswith("s")
        and j + 1 < end
        and is_nach_noun(toks[j + 1].lower)
    ):
        possessor = toks[j]
        j += 1
    ph = phrase_after(an, j, end)
    if ph is None or not (is_nach_noun(ph.nouns[0].lower) or is_nach_noun(ph.nouns[-1].lower)):
        return None
    cue = an.text[toks[i].start : ph.nouns[0].end]
    if possessor is not None:
        sources = phrase_text(an, Phrase(j - 1, j - 1, None, [], [possessor]))
    elif toks[ph.first].lower in tables()["his"]:
        sources = [last_person] if last_person else []
    elif any(a.lower.startswith("eigen") for a in ph.adjs):
        # "in den nach eigenen Angaben größten Windpark" qualifies a word, not the sentence's figures
        attributive = i > 0 and toks[i - 1].lower in tables()["determiners"] | tables()["oblique_determiners"]
        sources = [] if attributive else _own_account(an, i, ph.last + 1, end)
    elif is_source_less(ph):
        sources = []
    else:
        sources = [
            s for p in phrases_coordinated(an, j, end) if not is_source_less(p) for s in phrase_text(an, p)
        ]
    last = mention_end(an, ph.first, ph.last, end)
    span = (toks[ph.first if possessor is None else j - 1].start, toks[last].end)
    att = Attribution(
        "prep", cue, toks[i].start, toks[last].end, sources, span, "strong" if sources else "weak"
    )
    _relative_chain(an, att, last + 1, end)
    return att


def _own_account(an: Analysis, i: int, k: int, end: int) -> list[str]:
    """``Die EZG vertritt nach eigenen Angaben 38.000 Mitglieder``, ``Nach eigenen Angaben hat die Polizei
    ...``: the subject vouches for its own figures."""
    a = _clause_start(an, i, an.sentences[an.sentence_of(i)][0])  # after a dateline's dash or a colon
    for start, stop in ((a, i), (k, end)):
        subject = first_subject(an, start, stop)
        while subject is not None and _calendar_word(subject.nouns[-1].lower):  # not "Dieser Tage"
            subject = first_subject(an, subject.last + 1, stop)
        if subject is not None:
            return phrase_text(an, subject)
    return []


def _relative_chain(an: Analysis, att: Attribution, k: int, end: int) -> None:
    """``Berichten, die sich auf eine Einschätzung des Geheimdienstes berufen``: append the inner source."""
    toks, t = an.tokens, tables()
    if k + 3 >= end or toks[k].text != "," or toks[k + 1].lower not in ("die", "der", "das", "which", "that"):
        return
    m = k + 2
    while m < min(end, k + 6) and toks[m].lower != "auf":
        m += 1
    if m >= end or toks[m].lower != "auf":
        return
    ph = phrase_after(an, m + 1, end)
    if ph is None:
        return
    after = ph.last + 1
    if after < end and toks[after].lower in t["chain_verbs"]:
        att.sources.extend(phrase_text(an, ph))
        att.cue_end = toks[after].end


def _attach_chains(an: Analysis, atts: list[Attribution], first: int, end: int) -> list[Attribution]:
    """``unter Berufung auf X`` right after another cue extends that cue's chain."""
    out: list[Attribution] = []
    for att in atts:
        if (
            out
            and att.cue.lower().startswith(("unter berufung", "mit berufung", "citing"))
            and att.cue_start - out[-1].cue_end < 80
        ):
            out[-1].sources.extend(s for s in att.sources if s not in out[-1].sources)
            out[-1].cue_end = att.cue_end
            continue
        out.append(att)
    return out


def _speech(an: Analysis, i: int, first: int, end: int, ctx: SpeakerMemory) -> Attribution | None:
    toks, t = an.tokens, tables()
    low = toks[i].lower
    readings = speech_verbs()[low]
    a, b = _clause_start(an, i, first), _clause_end(an, i, end)
    clause_words = {toks[k].lower for k in range(i + 1, b)}
    if b < end and end - 2 > i and not _full_stop(toks, b):  # "teilte X, Direktor der Y, mit.": the particle
        clause_words.add(toks[end - 2].lower if toks[end - 1].text in ".!?" else toks[end - 1].lower)
    last_word = toks[b - 1].lower if b - 1 > i else ""
    verb: Verb | None = None
    before = toks[i - 1].lower if i > first else ""
    for r in readings:
        plain = r.particle is None and not (last_word in SEPARABLE and b - 1 > i)
        # the particle follows a finite verb ("gab ... bekannt") or, written apart, precedes a verb-final
        # or non-finite one ("wie X bekannt gab", "hat bekannt gegeben")
        if plain or (r.particle is not None and (r.particle in clause_words or r.particle == before)):
            verb = r
    if verb is None:
        return None
    if verb.lemma in ("heißen",) and not (
        (i + 1 < end and toks[i + 1].lower == "es") or toks[i - 1].lower == "es"
    ):
        return None
    if verb.lemma in t["reflexive_not_speech"] and any(
        toks[k].lower == "sich" for k in range(a, min(i + 2, end))
    ):
        return None  # "Tausende Freiwillige meldeten sich": they came forward, they reported nothing
    if an.lang == "en":
        subject = _english_agent(an, i, b) or _english_subject(an, i, a, b, first)
        if (
            verb.strength == "figure"
            and subject is not None
            and subject.first < i
            and _english_passive(an, i)
        ):
            return None  # "350 aftershocks had been recorded": the subject is what was counted
    elif verb.lemma in t["pp_source_verbs"]:
        subject = _heisst_es_source(an, i, b)
        if verb.lemma in t["document_source_verbs"] and not (
            subject is not None and subject.nouns and is_nach_noun(subject.nouns[0].lower)
        ):
            return None  # "Aus der Partei ging die Bewegung hervor": no document, no source
    else:
        subject = _subject(an, i, a, b, first, verb.lemma)
    apposition = subject is not None and subject.first < a  # "Lee, Chef der X, sagte ..."
    if subject is None and a == i and i + 1 < end and toks[i + 1].text in ",:" and a - 1 > first:
        # "Sergei Voznyak, Sprecher des Teams, sagte, ...": the subject opens the sentence
        subject = first_subject(an, first, a - 1)
        if subject is not None and mention_end(an, subject.first, subject.last, i) < a - 2:
            subject = None  # something other than an apposition stands between subject and verb
        apposition = subject is not None
    sources: list[str] = []
    span: tuple[int, int] | None = None
    relative = _relative_subject(an, a, i, b, first)
    if (
        relative is not None
    ):  # "Ägypten, das vorschlug, ...": the pronoun is the mention, its antecedent the source
        span = (toks[a].start, toks[a].end)
        sources = phrase_text(an, relative)
    elif subject is not None:
        limit = i if subject.first < i else end
        if subject.first > i and verb.lemma in t["von_object_verbs"]:  # "spricht die Polizei von X"
            objects = (k for k in range(subject.last + 1, limit) if toks[k].lower in ("von", "vom"))
            limit = next(objects, limit)
        last = mention_end(an, subject.first, subject.last, limit)
        begin = subject.first
        if verb.lemma == "heißen" and toks[begin - 1].lower in t["heisst_es_prepositions"]:
            begin -= 1  # "Aus Paris hieß es": the corpus marks the source with its preposition
        span = (toks[begin].start, toks[last].end)
        head = subject.nouns[-1].lower
        if (
            len(subject.nouns) == 1
            and not subject.adjs
            and head in t["pronouns_person"] | t["pronouns_other"]
        ):
            if verb.strength == "figure" and head in t["pronouns_other"] - t["pronouns_person"]:
                return None  # "Wir zählten 12 Tote": whoever "we" are, the speaker around them vouches
            person = ctx.last_person if head in t["pronouns_person"] else None
            sources = [person] if person else [subject.nouns[-1].text]
        else:
            sources = (
                _named_apposition(an, subject, end)
                or _role_antecedent(an, subject)
                or phrase_text(an, subject)
            )
    if (
        not sources
        and verb.lemma == "heißen"
        and ctx.last_speaker
        and any(toks[k].lower in t["goes_on_adverbs"] for k in range(i + 1, b))
    ):
        # "hieß es weiter": the account before goes on, with its speaker's mention
        sources, span = [ctx.last_speaker[0]], ctx.last_speaker[1]
    verb_final = i + 1 < end and toks[i + 1].text in ",:"  # "..., Larry A. Silverstein, zugesagt, ..."
    # "..., sagte X" and English "..., the minister said": the cue closes the sentence after the speech
    closes = a == i or (an.lang == "en" and b >= end - 1)
    verb_first = closes and a > first and toks[a - 1].text in ",:" and not apposition and not verb_final
    cue = toks[i].text if verb.particle is None else f"{toks[i].text} {verb.particle}"
    # a passive cue names no speaker unless its agent is the subject found ("wurde von X kritisiert"); a
    # figure verb's auxiliary may stand before an inserted clause ("wurden in dem Land, das …, gezählt")
    figure = verb.strength == "figure"
    passive = any(
        toks[k].lower in t["passive_auxiliaries"] for k in range(first if figure else a, b)
    ) and not (subject is not None and subject.first > 0 and toks[subject.first - 1].lower in ("von", "vom"))
    if passive and figure:
        return None  # "wurden 200 Nachbeben registriert": the subject is what was counted
    return Attribution(
        "figure" if figure else "speech",
        cue,
        toks[i].start,
        toks[i].end,
        sources,
        span,
        verb.strength,
        toks[a].start,
        verb_first,
        verb.lemma,
        passive,
    )


def _role_antecedent(an: Analysis, ph: Phrase) -> list[str]:
    """ "betonte der Minister" after "Bundesverkehrsminister Jochen Hartlieb": a definite role noun names the
    last person the article introduced with that role; "sagte der 73-Jährige" the last person named."""
    if ph.det not in ("der", "die", "the") or ph.adjs or len(ph.nouns) != 1:
        return []
    noun, toks = ph.nouns[0], an.tokens
    age = AGE_NOUN.fullmatch(noun.text) is not None
    if not (age or is_title(noun.text)):
        return []
    for at, full in reversed(an.names):
        k = an.tok_at(at) - 1
        if at < toks[ph.first].start and (age or (k >= 0 and toks[k].lower.endswith(noun.lower))):
            return [full]
    return []


AGE_NOUN = re.compile(r"\d+-Jährige[rn]?")


def _named_apposition(an: Analysis, ph: Phrase, limit: int) -> list[str]:
    """The person named right after a role noun ("said its director, Peter Lammers", "sagte ihr Sprecher,
    Jan Beck"): the name, not the role, is the source."""
    k = ph.last + 1
    if k < limit and an.tokens[k].lower == "of":  # "its head of personnel, Petra Albrecht-Sommer"
        attribute = phrase_after(an, k + 1, limit, genitive=False)
        k = attribute.last + 1 if attribute is not None else k
    if k + 1 >= limit or an.tokens[k].text != "," or not is_title(ph.nouns[-1].text):
        return []
    start = an.tokens[k + 1].start
    # to the end of the word: the entity recogniser may stop at a hyphen ("Petra Albrecht-Sommer")
    ends = (an.tokens[an.tok_at(e - 1)].end for s, e, label in an.ents if s == start and label == "PER")
    end = next(ends, None)
    return [resolve_name(an, an.text[start:end], start)] if end else []


def _relative_subject(an: Analysis, a: int, i: int, b: int, first: int) -> Phrase | None:
    """The antecedent when the cue's clause is a relative clause whose pronoun is its subject
    (``Ägypten, das vorschlug, ...``, ``ein Sprecher, der sagte, ...``). A German relative clause ends in
    its verb: ``, die Nationalbahn bietet 4,8 Prozent`` is a main clause with an article."""
    toks, t = an.tokens, tables()
    if not (first < a < i and toks[a - 1].text == "," and toks[a].lower in t["relative_pronouns"]):
        return None
    if an.lang != "en" and any(toks[k].lower not in SEPARABLE for k in range(i + 1, b)):
        return None
    if any(toks[k].lower in t["relative_pronouns"] | t["determiners"] for k in range(a + 1, i)):
        return None  # "der den Minister ... bat": the pronoun may be an object; keep it simple
    return phrase_before(an, a - 1, first)


def _clause_start(an: Analysis, i: int, first: int) -> int:
    """First token of the clause holding token i; a short bracket (``Westerwelle (FDP) sagte``) is none."""
    toks = an.tokens
    a = i
    while a > first:
        prev = toks[a - 1].text
        if prev == ")":
            o = a - 2
            while o > max(first, a - 12) and toks[o].text != "(":
                o -= 1
            if toks[o].text == "(":
                a = o
                continue
        if prev in CLAUSE_COMMAS or _full_stop(toks, a - 1):
            break
        a -= 1
    while a < i and toks[a].text in NAME_CLOSERS:
        a += 1  # English puts the comma inside the quote: "“…,” Oberle told Reuters" starts at Oberle
    return a


def _clause_end(an: Analysis, i: int, end: int) -> int:
    """End (exclusive) of the clause holding token i, reading over short brackets like ``(CDU)``."""
    toks = an.tokens
    b = i
    while b < end and not _full_stop(toks, b):
        if toks[b].text == "(":
            c = next((k for k in range(b + 1, min(end, b + 12)) if toks[k].text == ")"), None)
            if c is not None:
                b = c + 1
                continue
        if toks[b].text in CLAUSE_COMMAS:
            break
        b += 1
    return b


def _heisst_es_source(an: Analysis, i: int, b: int) -> Phrase | None:
    """``hieß es in einer Erklärung des Ministeriums`` / ``hieß es aus Regierungskreisen`` / ``Das geht aus
    einem Bericht hervor`` / ``Wie aus einer Mitteilung hervorgeht``: the source is a prepositional phrase."""
    toks = an.tokens
    j = i + 1
    while j < b and toks[j].lower in tables()["heisst_es_fillers"]:
        j += 2 if toks[j].lower == "am" and j + 1 < b and is_cap(toks[j + 1]) else 1
    while j < b and toks[j].lower in tables()["heisst_es_prepositions"]:
        j += 1
        ph = phrase_after(an, j, b)
        if ph is not None:
            return ph
    a = i  # "In dem Antrag heißt es"
    while a > 0 and toks[a - 1].text not in CLAUSE_COMMAS and toks[a - 1].text not in ".!?":
        a -= 1
    if a + 1 < i and toks[a].lower in ("wie", "as"):  # "Wie aus dem Bericht hervorgeht"
        a += 1
    if a < i and toks[a].lower in tables()["heisst_es_prepositions"]:
        return phrase_after(an, a + 1, i)
    return None


def _subject(an: Analysis, i: int, a: int, b: int, first: int, lemma: str) -> Phrase | None:
    """Subject of the speech verb at i in clause [a, b) by German word order: the Vorfeld before the
    finite verb (``Lee sagte``, ``Lee hat ... gesagt``, ``Lee, Chef der X, sagte``), else the Mittelfeld
    right after it (``sagte Lee``, ``hatte der Investor ... zugesagt``); a subject pronoun right after the
    finite verb wins over a Vorfeld object (``Der Politik schlug er vor``). In a subordinate clause the
    subject follows the conjunction; a passive cue's speaker is its ``von`` agent (``wird von X kritisiert``),
    except for cited speech (``X wird von Y zitiert``)."""
    toks, t = an.tokens, tables()
    opener = frame_opener(an, a, i)
    if opener is not None and toks[opener].lower != "so":
        return phrase_after(an, opener + 1, i)
    if a + 1 < i and toks[a].lower in t["subordinators"]:  # "indem er sagte", "weil die Polizei mitteilte"
        return np_or_pronoun(an, a + 1, i)
    agent = _passive_agent(an, a, i, b) if lemma not in t["cited_verbs"] else None
    if agent is not None:  # "wird von der „Netzeitung“ zitiert": the agent speaks
        return agent
    fin = next((k for k in range(a, i) if toks[k].lower in t["finite_auxiliaries"]), i)
    mittel = _skip_adverbs(an, fin + 1, b if fin == i else i)
    pronoun = mittel < b and toks[mittel].lower in t["subject_pronouns"]
    if not pronoun:
        for start in (a, first) if a > first and toks[a - 1].text == "," else (a,):
            ph = np_or_pronoun(an, start, fin) if start < fin and not oblique_article(an, start) else None
            if ph is not None and _calendar_word(ph.nouns[-1].lower):
                continue  # "Dieser Tage zählt das Ministerium"
            last = mention_end(an, ph.first, ph.last, fin) if ph is not None else 0
            while last + 1 < fin and toks[last + 1].lower in t["emphatic_after_subject"]:
                last += 1  # "Die EZG selbst beziffert ..."
            if (
                ph is not None
                and last >= fin - 1 - (start < a)
                and toks[start].lower not in t["prepositions"]
            ):
                return ph  # "Lee sagte", "Lee, Chef der X, sagte", "Südkorea hat ... bezeichnet"
    if mittel < (b if fin == i else i):
        ph = np_or_pronoun(an, mittel, b if fin == i else i)
        if ph is not None:
            return ph
    own = first_subject(an, a, i)
    if own is None and fin == i and a > first and b == i + 1:
        return _main_clause_subject(an, first, a)
    return own


def _english_subject(an: Analysis, i: int, a: int, b: int, first: int) -> Phrase | None:
    """Subject of the speech verb at i by English word order: before the verb (``Residents say they ...``,
    ``as police said``, ``because officials said``); after it only in the inversion that closes a clause
    (``..., said the minister.``); a verb right after an apposition or relative clause takes the sentence's
    first phrase (``The authority, which runs the dam, said ...``)."""
    toks, t = an.tokens, tables()
    opener = frame_opener(an, a, i)
    if opener is not None:
        return phrase_after(an, opener + 1, i)
    if a + 1 < i and toks[a].lower in t["subordinators"]:
        return np_or_pronoun(an, a + 1, i)
    fin = next((k for k in range(a, i) if toks[k].lower in t["finite_auxiliaries"]), i)
    before = np_or_pronoun(an, a, fin) if a < fin else None
    if before is not None:
        return before
    # the sentence's subject, after a quote that opens it ("„We will …,“ its head, X, said")
    quoted = [an.tok_at(e - 1) + 1 for s, e in an.quoted if toks[first].start <= s and e <= toks[a].start]
    start = max([first, *quoted])
    lead = first_subject(an, start, a - 1) if a - 1 > start else None
    if lead is not None and mention_end(an, lead.first, lead.last, a - 1) >= a - 2:
        return lead  # the stretch before the verb is the subject: "its chief, Tom Baker, told reporters"
    after = np_or_pronoun(an, i + 1, b) if i + 1 < b else None
    if after is not None and mention_end(an, after.first, after.last, b) >= b - 1:
        return after
    return lead


def _main_clause_subject(an: Analysis, first: int, a: int) -> Phrase | None:
    """``Das INGV hatte die Stärke, die ..., mit 6,1 angegeben``: a participle closing a clause of its own
    after an inserted clause belongs to the main clause, whose subject stands before its auxiliary."""
    ph = np_or_pronoun(an, first, a)
    if ph is None:
        return None
    nxt = mention_end(an, ph.first, ph.last, a) + 1
    return ph if nxt < a and an.tokens[nxt].lower in tables()["finite_auxiliaries"] else None


def _english_agent(an: Analysis, i: int, b: int) -> Phrase | None:
    """The ``by`` agent of an English participle cue (``measured at magnitude 6.1 by the INGV``, ``was
    estimated by the IMF``)."""
    toks = an.tokens
    if not toks[i].lower.endswith("ed"):
        return None
    k = next((k for k in range(i + 1, b) if toks[k].lower == "by"), None)
    return phrase_after(an, k + 1, b) if k is not None else None


def _english_passive(an: Analysis, i: int) -> bool:
    """``was measured``, ``had been recorded``, and a participle opening a clause (``The quake, measured
    at ...``)."""
    prev = an.tokens[i - 1] if i else None
    participle = an.tokens[i].lower.endswith("ed")  # "is demanding" is no passive
    return participle and (
        prev is None or prev.text == "," or prev.lower in tables()["en_passive_auxiliaries"]
    )


def frame_opener(an: Analysis, a: int, i: int) -> int | None:
    """Index of ``wie``/``so`` opening the cue's clause [a, i] (``denn wie X berichtete``, ``so betont X``):
    the clause is a frame around the statement, not the statement."""
    toks, t = an.tokens, tables()
    k = a + 1 if a < i and toks[a].lower in COORD | t["frame_conjunctions"] else a
    if k < i and toks[k].lower in ("wie", "as"):
        return k
    if i - 1 <= k <= i and toks[k].lower == "so" and k > 0 and toks[k - 1].text in ",–-":
        return k  # "so betont X" (k = i - 1), or "so X weiter" (the cue is "so" itself)
    return None


def _passive_agent(an: Analysis, a: int, i: int, b: int) -> Phrase | None:
    toks, t = an.tokens, tables()
    if not any(toks[k].lower in t["passive_auxiliaries"] for k in range(a, b)):
        return None
    for k in range(a, b):
        if toks[k].lower in ("von", "vom") and k != i:
            ph = phrase_after(an, k + 1, b)
            if ph is not None:
                return ph
    return None


def _skip_adverbs(an: Analysis, j: int, b: int) -> int:
    while j < b and an.tokens[j].lower in tables()["mittelfeld_adverbs"]:
        j += 1
    return j


def oblique_article(an: Analysis, k: int) -> bool:
    """A determiner at k that cannot open a nominative phrase: ``dem``/``des``/``einem`` …, ``einer``
    before a noun or adjective (``einer Sprecherin zufolge``), and ``der`` before an adjective in ``-en``
    (``Der englischsprachigen Zeitung sagte X``: a nominative would end in ``-e``). Hand-written: German
    case from the article and the adjective's ending, which no library here reads."""
    low = an.tokens[k].lower
    if low in tables()["oblique_determiners"]:
        return True
    nxt = an.tokens[k + 1] if k + 1 < len(an.tokens) else None
    if nxt is None or nxt.kind != "word":
        return False
    if low == "einer":
        return is_adj(nxt) or (is_cap(nxt) and nxt.lower not in tables()["determiners"])
    return low == "der" and is_adj(nxt) and nxt.lower.endswith("en")


def first_subject(an: Analysis, a: int, i: int) -> Phrase | None:
    """The first nominative-looking phrase in tokens [a, i) that no preposition governs."""
    toks, t = an.tokens, tables()
    k = a
    while k < i:
        low = toks[k].lower
        if low in t["prepositions"] or oblique_article(an, k):
            ph = phrase_after(an, k + 1 if low in t["prepositions"] else k, i, genitive=False)
            if ph is None and low in t["prepositions"]:  # "vor zwei Tagen": the object after a numeral
                nxt = next((m for m in range(k + 1, min(i, k + 4)) if is_cap(toks[m])), None)
                ph = phrase_after(an, nxt, i, genitive=False) if nxt is not None else None
            k = ph.last + 1 if ph is not None else k + 1
            continue
        ph = np_or_pronoun(an, k, i)
        if ph is not None:
            return ph
        k += 1
    return None


def speaker_of(an: Analysis, ph: Phrase, ctx: SpeakerMemory) -> list[str]:
    """Source names of a subject phrase; person pronouns become the last person speaker."""
    t = tables()
    head = ph.nouns[-1].lower
    if len(ph.nouns) == 1 and not ph.adjs and head in t["pronouns_person"] | t["pronouns_other"]:
        person = ctx.last_person if head in t["pronouns_person"] else None
        return [person] if person else [ph.nouns[-1].text]
    return phrase_text(an, ph)


def may_open_phrase(an: Analysis, j: int) -> bool:
    """False for a token at which ``np_or_pronoun`` surely finds nothing (a cheap test before it, for
    callers that try every token): no capital, determiner, pronoun, adjective, number or name opener."""
    tok, t = an.tokens[j], tables()
    if tok.kind == "num" or tok.text in NAME_OPENERS:
        return True
    if tok.kind != "word":
        return False
    low = tok.lower
    return (
        tok.text[:1].isupper()
        or low in t["determiners"]
        or low in t["pronouns_person"]
        or low in SPEAKER_PRONOUNS
        or low == "auch"
        or is_adj(tok)
    )


SPEAKER_PRONOUNS = frozenset({"man", "wir", "we", "they", "i", "ich"})


def np_or_pronoun(an: Analysis, j: int, b: int) -> Phrase | None:
    tok = an.tokens[j]
    t = tables()
    if tok.lower in t["pronouns_person"] or tok.lower in SPEAKER_PRONOUNS:
        return Phrase(j, j, None, [], [tok])
    if (
        tok.lower in t["oblique_determiners"]
        or tok.lower in t["prepositions"]
        or tok.lower in t["not_subjects"]
        or is_function_word(an, j)
    ):
        return None
    return phrase_after(an, j, b)


@dataclass(slots=True)
class SpeakerMemory:
    """Running state across sentences: the last person speaker, for ``er``/``sie``."""

    last_person: str | None = None
    last_speaker: tuple[str, tuple[int, int] | None] | None = None  # the last speech cue's source, mention

    def mention(self, name: str | None) -> None:
        """A person named in a sentence without speech is whom the next "er"/"sie" means."""
        if name is not None:
            self.last_person = name

    def note(self, atts: list[Attribution]) -> None:
        for att in (a for a in atts if a.kind == "speech" and a.sources):
            source = att.sources[0]
            self.last_speaker = (source, att.source_span)
            if " " in source or (
                len(att.sources) == 1 and source[:1].isupper() and source.split()[-1][:1].isupper()
            ):
                self.last_person = source
