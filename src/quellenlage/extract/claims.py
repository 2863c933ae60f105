"""Numeric claims: the figure, what it counts, on whose authority, and whether it is hedged.

Shallow rules over tokens (the hot path has no parser): the counted noun phrase follows the figure
(``rund 14.000 Soldaten aus Nordkorea``), the event verb is the first participle or listed verb in the
clause (``getötet``, ``gekämpft``), an elliptic figure (``tausende weitere verletzt``) borrows the noun of the
claim before it in the sentence. Sources come from extract/attribution.py; tables from rules/claims_*.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy
from spacy.attrs import IDX
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from quellenlage.extract.attribution import (
    Analysis,
    Attribution,
    Phrase,
    all_attributions,
    analyse,
    frame_opener,
    is_adj,
    is_cap,
    konjunktiv,
    mention_end,
    np_or_pronoun,
    phrase_after,
    phrase_text,
)
from quellenlage.extract.attribution import (
    tables as attribution_tables,
)
from quellenlage.extract.numbers import NumberMatch, Token, find_numbers
from quellenlage.model import Claim
from quellenlage.rules import read_json, read_rows

VERB_CUES = ("speech", "figure")  # attribution kinds whose verb has a subject as source
# Function words end an English counted phrase ("23 pirates who threatened", "five vessels through").
ENGLISH_STOP = STOP_WORDS | {"aboard", "onboard", "worth"}


@cache
def _counting() -> dict[str, Any]:
    raw: dict[str, Any] = read_json("claims_counting.json")
    out: dict[str, Any] = {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}
    out["event_forms"] = dict(raw["event_forms"])
    out["participle"] = re.compile(raw["participle_pattern"])
    return out


@cache
def _hedges() -> dict[tuple[str, ...], str]:
    return {tuple(word.split()): kind for word, kind in read_rows("claims_hedges.tsv")}


@cache
def _hedge_firsts() -> frozenset[str]:
    return frozenset(k[0] for k in _hedges())


@dataclass(slots=True)
class _Counted:
    words: list[str]
    head: Token | None
    end: int  # last token index of the counted phrase


def _language(doc: Doc) -> str:
    return "en" if doc.lang_ == "en" else "de"


def _counted_phrase(an: Analysis, num: NumberMatch, end: int) -> _Counted:
    """Adjectives, head noun and a short ``aus X`` after the figure; for a share, what it is a share of."""
    toks, c = an.tokens, _counting()
    j = num.last + 1
    if num.unit and num.unit.lower() in c["share_units"] and j < end and toks[j].lower in c["share_links"]:
        whole = phrase_after(an, j + (toks[j].lower == "of"), end, genitive=False)
        if whole is not None:
            last = _first_word_end(an, whole) if an.lang == "de" else whole.last
            return _Counted([an.text[toks[num.last].start : toks[last].end]], toks[last], last)
    words: list[str] = []
    if an.lang == "en":
        while not num.unit and j < end and toks[j].kind == "word" and len(words) < 3:
            low = toks[j].lower
            if low in ENGLISH_STOP and low not in c["elliptic_adjectives"]:
                break
            words.append(toks[j].text)
            j += 1
            if _english_plural(low):  # the head: "two speedboats suspected of", "1,200 jobs would go"
                break
        head = toks[j - 1] if words else None
    else:
        while (
            j < end
            and (is_adj(toks[j]) or toks[j].lower in c["elliptic_adjectives"])
            and toks[j].lower not in c["event_forms"]
            and not c["participle"].match(toks[j].lower)
        ):
            words.append(toks[j].text)
            j += 1
        head = toks[j] if j < end and is_cap(toks[j]) else None
        if head is None:
            return _Counted(words, None, j - 1)
        words.append(head.text)
        j += 1
    if j + 1 < end and toks[j].lower in c["np_postmodifiers"] and is_cap(toks[j + 1]):
        words += [toks[j].text, toks[j + 1].text]
        j += 2
    return _Counted(words, head, j - 1)


def _first_word_end(an: Analysis, phrase: Phrase) -> int:
    """German nouns do not stack: a phrase's head ends at its first space ("der Blutproben Antikörper
    gefunden" -> "Blutproben"; "der Corona-Patienten" stays whole)."""
    toks = an.tokens
    k = an.tok_at(phrase.nouns[0].start)  # by position: an age noun ("58-Jährigen") spans three tokens
    while k < phrase.last and toks[k + 1].start == toks[k].end:
        k += 1
    return k


def _english_plural(word: str) -> bool:
    """A regular or listed irregular English plural noun (a figure's head noun is nearly always one)."""
    if word in _counting()["english_plurals"] or word.endswith("men"):
        return True
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous"))


def _count_noun_before(an: Analysis, num: NumberMatch, first: int) -> _Counted | None:
    """ "Die Zahl der Toten stieg auf 15", "the number of people killed rose to 15": a figure with no noun
    of its own counts what a count noun before it names."""
    toks, c = an.tokens, _counting()
    for k in range(num.first - 2, first - 1, -1):
        if toks[k].lower in c["count_nouns"]:
            start = k + 2 if toks[k + 1].lower == "of" else k + 1
            ph = phrase_after(an, start, num.first, genitive=False)
            if ph is None:
                return None
            return _Counted([t.text for t in (*ph.adjs, *ph.nouns)], ph.nouns[-1], num.last)
    return None


def _event(an: Analysis, counted_end: int, stop: int, num_first: int, clause_start: int) -> str | None:
    """The event verb of the figure's clause: after the phrase, else a listed verb before it."""
    toks, c = an.tokens, _counting()
    for k in range(counted_end + 1, min(stop, counted_end + 14)):
        tok = toks[k]
        if tok.text in ",;:.!?":
            break
        low = tok.lower
        if (
            tok.kind == "word"
            and tok.text[:1].islower()
            and low not in c["not_participles"]
            and (low in c["event_forms"] or c["participle"].match(low))
        ):
            return tok.text
    for k in range(num_first - 1, clause_start - 1, -1):
        if toks[k].lower in c["event_forms"] and toks[k].text[:1].islower():
            return toks[k].text
    return None


def _hedged(an: Analysis, a: int, b: int, sourced: bool) -> bool:
    toks = an.tokens
    hedges = _hedges()
    firsts = _hedge_firsts()
    for k in range(a, b):
        if toks[k].lower not in firsts:
            continue
        for n in (3, 1):
            key = tuple(t.lower for t in toks[k : k + n])
            kind = hedges.get(key)
            if kind and (kind != "estimate" or not sourced):
                return True
    return False


def _segment(an: Analysis, i: int, first: int, end: int) -> tuple[int, int]:
    toks = an.tokens
    a = i
    while a > first and toks[a - 1].text not in ",;:–":
        a -= 1
    b = i
    while b < end and toks[b].text not in ",;:–":
        b += 1
    return a, b


def _contrast_cuts(an: Analysis, first: int, end: int) -> list[int]:
    """Char offsets where the coordinate parts of a sentence begin: at a semicolon and at a contrastive
    conjunction after a comma ("put the damage at 250 million euros, while the government pledged 2.5
    million")."""
    toks, contrasts = an.tokens, attribution_tables()["clause_contrasts"]
    return [
        toks[k].start
        for k in range(first + 1, end)
        if toks[k].text == ";" or (toks[k - 1].text == "," and toks[k].lower in contrasts)
    ]


def _sources_for(
    num: NumberMatch, atts: list[Attribution], an: Analysis, seg: tuple[int, int], cuts: list[int]
) -> tuple[list[str], str | None]:
    """Speech-verb speakers of the figure's part of the sentence (of the whole sentence when the part has
    none; ``cuts`` from ``_contrast_cuts``), then the prepositional cue nearest the figure."""
    sources: list[str] = []
    cues: list[str] = []
    speech = [a for a in atts if a.kind in VERB_CUES and a.sources]
    part_of = {id(a): bisect_right(cuts, a.cue_start) for a in speech}
    # "Lee führte aus, ... habe Pjöngjang 4000 Soldaten zugesagt": a pledge inside what a speaker reports is
    # part of the report, not a second source
    speech = [
        a
        for a in speech
        if a.strength != "weak"
        or not any(
            b.strength == "strong" and b.cue_start < a.cue_start and part_of[id(b)] == part_of[id(a)]
            for b in speech
        )
    ]
    part = bisect_right(cuts, num.start)
    # a cue governs its own part of the sentence, else one before it, else one after it unless that stands
    # in a contrasting clause (", while operators reported ...") or a clause cut off as its own
    own = [a for a in speech if part_of[id(a)] == part]
    earlier = [a for a in speech if part_of[id(a)] < part]
    later = [a for a in speech if not _contrasts(an, a) and a.clause_start not in cuts]  # not a cut clause
    for att in own or earlier or later:
        sources += att.sources
        cues.append(att.cue)
    preps = [a for a in atts if a.kind == "prep" and a.sources]
    seg_start, seg_end = an.tokens[seg[0]].start, an.tokens[seg[1] - 1].end
    inside = [a for a in preps if seg_start <= a.cue_start < seg_end]
    before = [a for a in preps if a.cue_start < num.start]
    chosen = inside[-1] if inside else before[-1] if before else preps[0] if preps else None
    if chosen is not None:
        sources += chosen.sources
        cues.append(chosen.cue)
    unique = list(dict.fromkeys(s for s in sources if s))
    return unique, " + ".join(cues) if cues else None


def _contrasts(an: Analysis, att: Attribution) -> bool:
    return an.tokens[an.tok_at(att.clause_start)].lower in attribution_tables()["clause_contrasts"]


def _clause_cuts(an: Analysis, cues: list[Attribution], first: int) -> list[int]:
    """ "Die EZG sprach von 12.000 Streikenden, die Nationalbahn nannte 7.500": a clause after a comma with
    a cue and a subject of its own has its own source; not reported speech (Konjunktiv I: "Lee führte aus, ...
    habe Pjöngjang 4000 Soldaten zugesagt"), nor a cue closing the sentence (", sagte X"). ``cues``: the
    sentence's verb cues that name a source."""
    mains = [b for b in cues if frame_opener(an, an.tok_at(b.clause_start), an.tok_at(b.cue_start)) is None]
    out = []
    for a in cues:
        # a clause is cut from a main clause's cue before it: not from "Wie PwC schrieb, ...", nor after
        # the cue of the whole sentence ("..., the agency said, as ..."); a passive names no subject
        if a.verb_first or a.passive or not any(b.cue_start < a.clause_start for b in mains):
            continue
        k, verb = an.tok_at(a.clause_start), an.tok_at(a.cue_start)
        if first < k and an.tokens[k - 1].text == "," and not konjunktiv(an, k, verb + 1, mood_one_only=True):
            out.append(a.clause_start)
    return out


def _gapped(an: Analysis, cues: list[Attribution], here: list[NumberMatch], end: int) -> list[Attribution]:
    """ "Die Polizei sprach von 5000 Teilnehmern, die Veranstalter von 20.000": a clause after a comma that
    repeats a cue's frame without its verb (a noun phrase, then a preposition or the figure) has that
    phrase as its own source (hand-written: gapping needs a parser we do not run)."""
    toks, t = an.tokens, attribution_tables()
    out: list[Attribution] = []
    for num in here:
        k = num.first - 1
        while k > 0 and toks[k].text not in ",;" and toks[k].start > cues[0].cue_end:
            k -= 1
        if toks[k].text != "," or toks[k].start < cues[0].cue_end or k + 1 >= num.first:
            continue
        ph = np_or_pronoun(an, k + 1, num.first)
        if (
            ph is None
            or ph.nouns[-1].lower in t["partitive_nouns"]
            or ph.nouns[-1].lower in t["pronouns_other"]
        ):
            continue
        if len(ph.nouns) == 1 and ph.nouns[-1].lower in t["pronouns_person"]:
            continue
        nxt = mention_end(an, ph.first, ph.last, num.first) + 1
        framed = nxt == num.first or (nxt + 1 == num.first and toks[nxt].lower in t["prepositions"])
        if framed and _ends_gap(toks, num.last + 1, end):
            cue = cues[-1]
            span = (toks[ph.first].start, toks[ph.last].end)
            out.append(
                Attribution(cue.kind, cue.cue, span[0], span[1], phrase_text(an, ph), span, cue.strength)
            )
    return out


def _ends_gap(toks: list[Token], k: int, end: int) -> bool:
    """Only the counted nouns follow the figure up to the clause's end: a verb would make it a clause of
    its own ("Bargeldgeschäfte auf 5.000 Euro zu begrenzen")."""
    while k < end and toks[k].text not in ",;.":
        if not is_cap(toks[k]):
            return False
        k += 1
    return True


def _carries(an: Analysis, first: int, end: int) -> bool:
    """Does the sentence continue the previous one's source (``demnach``, Konjunktiv I)?"""
    toks, t = an.tokens, attribution_tables()
    if t["carry_words"] & {toks[k].lower for k in range(first, end)}:
        return True
    return konjunktiv(an, first, end, mood_one_only=True)


def find_claims(article_id: str, text: str, doc: Doc) -> list[Claim]:
    """Numeric claims of one article, in text order, with offsets into ``text``."""
    an = analyse(text, doc, _language(doc))
    numbers = find_numbers(text, an.lang, an.tokens)
    lemma_at = _lemma_lookup(doc)
    all_atts = all_attributions(an)
    previous: tuple[list[str], str | None] = ([], None)
    claims: list[Claim] = []
    n = 0
    for si, (first, end) in enumerate(an.sentences):
        # "Das Parlament beschloss 123 Gesetze": who decides or takes a stance does not report the figure,
        # unless it is their negotiating position ("Die Bahn bot 4,8 Prozent an")
        atts = [
            a
            for a in all_atts[si]
            if a.strength != "act" or a.lemma in attribution_tables()["position_verbs"]
        ]
        here: list[NumberMatch] = []
        while n < len(numbers) and numbers[n].first < end:
            if numbers[n].first >= first:
                here.append(numbers[n])
            n += 1
        own = [a for a in atts if a.sources]
        verbs = [a for a in own if a.kind in VERB_CUES]
        gaps = _gapped(an, verbs, here, end) if verbs and here else []
        atts += gaps
        cuts = sorted(
            [*_contrast_cuts(an, first, end), *(g.cue_start for g in gaps), *_clause_cuts(an, verbs, first)]
        )
        carried = not own and _carries(an, first, end)
        last_counted: _Counted | None = None
        for k, num in enumerate(here):
            stop = here[k + 1].first if k + 1 < len(here) else end
            counted = _counted_phrase(an, num, stop)
            # an amount of money or a share counts itself, not a noun borrowed from before
            borrows = counted.head is None and not num.unit
            if borrows and not counted.words:
                counted = _count_noun_before(an, num, first) or counted
            borrows = borrows and counted.head is None
            if borrows and last_counted is not None and last_counted.head is not None:
                words = [*counted.words, last_counted.words[-1]] if counted.words else last_counted.words
                counted = _Counted(words, last_counted.head, counted.end)
            elif counted.head is not None:
                last_counted = counted
            seg = _segment(an, num.first, first, end)
            event = _event(an, max(counted.end, num.last), stop, num.first, seg[0])
            if own:
                sources, cue = _sources_for(num, atts, an, seg, cuts)
            elif carried:
                sources, cue = previous
            else:
                sources, cue = [], None
            claims.append(_claim(article_id, an, num, counted, event, sources, cue, seg, lemma_at))
        if own and not here and _points_back(an, first, own):
            _credit_previous(claims, an.sentences[si - 1][0] if si else first, an, _sentence_sources(own))
        if own:
            previous = _sentence_sources(atts)
        elif not carried:
            previous = ([], None)
    return claims


def _points_back(an: Analysis, first: int, own: list[Attribution]) -> bool:
    """ "Das teilte der Zivilschutz mit.": a figureless sentence whose first word stands for the previous
    sentence and whose second word is its speech verb names that sentence's source."""
    toks = an.tokens
    if first + 1 >= len(toks) or toks[first].lower not in attribution_tables()["back_references"]:
        return False
    verb = toks[first + 1]
    return any(a.kind == "speech" and a.cue_start <= verb.start < a.cue_end for a in own)


def _credit_previous(
    claims: list[Claim], previous_start: int, an: Analysis, sources: tuple[list[str], str | None]
) -> None:
    """Give the previous sentence's claims that name no source of their own the sources that follow."""
    start_char = an.tokens[previous_start].start
    for k in range(len(claims) - 1, -1, -1):
        c = claims[k]
        if c.start < start_char:
            break
        if not c.attributed_to:
            claims[k] = replace(c, attributed_to=list(sources[0]), cue=sources[1])


def _sentence_sources(atts: list[Attribution]) -> tuple[list[str], str | None]:
    sources = [s for a in atts if a.sources for s in a.sources]
    cues = [a.cue for a in atts if a.sources]
    return list(dict.fromkeys(sources)), " + ".join(cues) if cues else None


def _lemma_lookup(doc: Doc) -> Callable[[int], str | None]:
    """The lemma of the token starting at a character offset; the offsets are read as one array and a Token
    is made only for the few heads asked for (one per token would cost more than the whole claim search)."""
    if not len(doc) or not doc.has_annotation("LEMMA"):
        return lambda _start: None
    starts = doc.to_array(IDX)

    def lemma_at(start: int) -> str | None:
        i = int(numpy.searchsorted(starts, start))
        return (doc[i].lemma_ or None) if i < len(starts) and starts[i] == start else None

    return lemma_at


def _claim(
    article_id: str,
    an: Analysis,
    num: NumberMatch,
    counted: _Counted,
    event: str | None,
    sources: list[str],
    cue: str | None,
    seg: tuple[int, int],
    lemma_at: Callable[[int], str | None],
) -> Claim:
    end_tok = max(num.last, counted.end) if counted.head is not None and counted.end > num.last else num.last
    if counted.head is None and counted.words:
        end_tok = max(end_tok, counted.end)
    start, end = num.start, an.tokens[end_tok].end
    counts_words = list(counted.words) if counted.words else ([num.unit] if num.unit else [])
    if event and event not in counts_words:
        counts_words.append(event)
    head = counted.head
    counts_head = (lemma_at(head.start) or head.text) if head is not None else num.unit
    # "den man für 220 Dollar anbietet": an impersonal subject vouches for nothing
    sources = [s for s in sources if s.lower() not in _counting()["impersonal_sources"]]
    return Claim(
        article=article_id,
        start=start,
        end=end,
        text=an.text[start:end],
        value=num.value,
        low=num.low,
        high=num.high,
        approx=num.approx,
        vague=num.vague,
        counts=" ".join(counts_words) or None,
        counts_head=counts_head,
        attributed_to=sources,
        cue=cue,
        hedged=_hedged(an, seg[0], seg[1], bool(sources)),
    )
