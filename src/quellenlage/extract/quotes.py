"""Direct and reported speech with its speaker.

Direct speech is text between paired quotation marks (« », „ “, " ", » «, “ ”, ‚ ‘). A short quote of one to
three words counts only when the sentence has a speech cue (else it is a scare quote or the name of a treaty
or term). The speaker comes from the nearest speech verb before the quote in its sentence, else after it,
else from a prepositional cue (``laut X``, ``nach Einschätzung des X``), else from the sentence before when
it ends in a colon, else from the quote just before (quotes running across sentences). Reported speech is
the clause a speech verb introduces (``erklärte, ... werde ...``) or closes (``..., teilte X mit``), or that
follows a noun of a speech act or stance (``die Behauptung, die Kartoffel werde ...``).

The corpus scope (``sourced``, the conventions of the German News Quotation Attribution corpus) adds:
statements under a source cue (``laut X``, ``nach Angaben des X``) or around a ``so``/``wie`` frame
(``Tatsächlich, so betont die Polizei, ist ...``); the speech act itself when a speech verb has no clause
(``Die Polizei warnte vor Glätte.``, "Reported"); reported clauses with a partial quote nested inside; and
sentences in Konjunktiv I that continue an account up to ``account_gap`` sentences later. Speaker mentions
are the whole noun phrase the corpus marks (``Der 85-jährige Joseph Ratzinger``, ``Tegaye Mununhe, der
Polizeichef der Region``); speaker names stay canonical.

Two small models trained on that corpus (extract/speakers.py) then pick every quote's speaker among the
mentions around it (in the product scope only the speakers the rules leave open) and, in the corpus scope,
add the sentences the rules miss.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from functools import cache

from spacy.tokens import Doc

from quellenlage.extract.attribution import (
    CLAUSE_COMMAS,
    SEPARABLE,
    Analysis,
    Attribution,
    Phrase,
    SpeakerMemory,
    all_attributions,
    analyse,
    clause_bounds,
    first_subject,
    frame_opener,
    is_cap,
    is_nominal,
    konjunktiv,
    may_open_phrase,
    mention_end,
    phrase_after,
    phrase_text,
    quoted_spans,
    speaker_of,
)
from quellenlage.extract.attribution import tables as attribution_tables
from quellenlage.extract.numbers import find_numbers
from quellenlage.extract.speakers import (
    QUOTE_MARKS,
    SENTENCE_MODEL_FILE,
    Context,
    LinearModel,
    article_cues,
    candidates,
    char_span,
    context,
    features,
    load_model,
    none_features,
    sentence_features,
    speaker_name,
)
from quellenlage.model import Quote, QuoteKind

__all__ = ["QuoteMatch", "find_quote_matches", "find_quotes", "quoted_spans"]
from quellenlage.rules import read_json

SPEECH_COMPLEMENTS = frozenset({"dass", "daß", "ob", "that", "whether"})
WEB_ADDRESS = re.compile(r"(?:www\.)?[a-z][\w-]*(?:\.[\w-]+)*\.[a-z]{2,4}", re.IGNORECASE)
QUOTE_EDGES = "".join(sorted(QUOTE_MARKS)) + " \n"  # what lies between a quote's text and its clause
ZU_PARTICLES = SEPARABLE | {"her", "hin", "dar", "weg", "zurück"}  # "herzustellen", "darzulegen"


@dataclass(slots=True)
class QuoteMatch:
    """A quote with the mention its speaker was read from (for evaluation against span-annotated gold)."""

    quote: Quote
    speaker_span: tuple[int, int] | None
    form: str = "Direct"  # the corpus' quotation type: Direct, Indirect, FreeIndirect
    frame: tuple[int, int] | None = None  # cue and source inside the quote's span, not part of it
    learned: bool = False  # found by the sentence model, not by the rules


@dataclass(frozen=True, slots=True)
class _Rules:
    max_short_words: int
    naming_verbs: frozenset[str]
    not_accounts: frozenset[str]
    account_gap: int
    speech_nouns: tuple[str, ...]
    not_speech_nouns: frozenset[str]
    noun_links: frozenset[str]
    english_finite: frozenset[str]


@cache
def _rules() -> _Rules:
    raw = read_json("quotes_rules.json")
    return _Rules(
        int(raw["max_short_words"]),
        frozenset(raw["naming_verbs"]),
        frozenset(raw["not_accounts"]),
        int(raw["account_gap"]),
        tuple(raw["speech_nouns"]),
        frozenset(raw["not_speech_nouns"]),
        frozenset(raw["noun_links"]),
        frozenset(raw["english_finite"]),
    )


def find_quotes(article_id: str, text: str, doc: Doc) -> list[Quote]:
    """Direct and reported quotes of one article, in text order, with offsets into ``text``."""
    return [m.quote for m in find_quote_matches(article_id, text, doc)]


def find_quote_matches(
    article_id: str, text: str, doc: Doc, sourced: bool = False, learned: bool = True
) -> list[QuoteMatch]:
    """Quotes with the mention of their speaker. ``sourced`` adds what a quotation corpus annotates beyond
    speech proper: statements under a source cue (``laut X``, ``nach Angaben des X``, ``X zufolge``,
    ``demnach``, ``wie X mitteilte``), indicative clauses closed by ``so X``/``sagte X``, and sentences in
    Konjunktiv I or with ``soll`` that continue a source's account (free indirect speech). ``learned``: the
    speaker model (extract/speakers.py) picks each speaker among the mentions around the quote."""
    an = analyse(text, doc, "en" if doc.lang_ == "en" else "de")
    memory = SpeakerMemory()
    sentence_atts = cue_attributions(an)
    direct = _direct(article_id, an, sentence_atts, an.quoted, memory, sourced)
    reported = _reported(article_id, an, sentence_atts, [m.quote for m in direct], sourced)
    reported += _noun_clauses(article_id, an, [m.quote for m in direct], reported, sourced)
    if sourced:
        reported += _continued(article_id, an, sentence_atts, direct + reported)
    matches = _continued_accounts(an, sorted(direct + reported, key=lambda m: (m.quote.start, m.quote.end)))
    model = load_model() if learned and an.lang == "de" else None
    if model is None:
        return matches
    sentences = load_model(SENTENCE_MODEL_FILE) if sourced else None
    if sentences is not None:
        matches = _learned_sentences(article_id, an, matches, sentence_atts, sentences)
    return _learned_speakers(an, matches, sentence_atts, model, keep_rules=not sourced)


def _continued_accounts(an: Analysis, matches: list[QuoteMatch]) -> list[QuoteMatch]:
    """A quote without a cue in a Konjunktiv sentence goes on with the account just before it ("..., rief er
    zu. Seine Gewerkschaft lasse sich „nicht ... abspeisen“."): the same speaker."""
    for before, m in itertools.pairwise(matches):
        if m.quote.speaker is not None or before.quote.speaker is None:
            continue
        si = _sentence_index(an, m.quote.start)
        if si - _sentence_index(an, before.quote.end - 1) > 1:
            continue
        first, end = an.sentences[si]
        qa, qb = an.tok_at(m.quote.start), an.tok_at(m.quote.end - 1) + 1
        if konjunktiv(an, first, qa, mood_one_only=True) or konjunktiv(an, qb, end, mood_one_only=True):
            m.quote.speaker, m.speaker_span = before.quote.speaker, before.speaker_span
    return matches


def cue_attributions(an: Analysis) -> list[list[Attribution]]:
    """The cues of every sentence outside quotation marks (a cue inside a quote is the quoted speaker's)."""
    sentence_atts = all_attributions(an)
    spans = an.quoted
    if spans:
        sentence_atts = [[a for a in atts if not _inside(a.cue_start, spans)] for atts in sentence_atts]
    return sentence_atts


def speaker_contexts(
    an: Analysis, matches: list[QuoteMatch], sentence_atts: list[list[Attribution]]
) -> list[Context]:
    """What the speaker model knows of each quote, the previous quote's speaker as the rules read it."""
    out = []
    previous: tuple[int, int] | None = None
    cues = article_cues(an, sentence_atts)
    for m in matches:
        quote = (m.quote.start, m.quote.end)
        out.append(context(an, quote, m.form, m.speaker_span, previous, cues, m.frame, m.learned))
        previous = m.speaker_span or previous
    return out


def covered_sentences(an: Analysis, matches: list[QuoteMatch]) -> dict[int, str]:
    """Sentence index -> the form of the quote that touches it."""
    return {
        k: m.form
        for m in matches
        for k in range(_sentence_index(an, m.quote.start), _sentence_index(an, m.quote.end - 1) + 1)
    }


def _learned_sentences(
    article_id: str,
    an: Analysis,
    matches: list[QuoteMatch],
    sentence_atts: list[list[Attribution]],
    model: LinearModel,
) -> list[QuoteMatch]:
    """The corpus scope's quotes the rules miss: a sentence the sentence model rates as more likely a quote
    than not becomes one (its speaker is left to the speaker model)."""
    covered = covered_sentences(an, matches)
    added = [
        sentence_match(article_id, an, si, sentence_atts)
        for si in range(len(an.sentences))
        if si not in covered and model.score(sentence_features(an, si, sentence_atts, covered)) > 0
    ]
    return sorted(matches + added, key=lambda m: (m.quote.start, m.quote.end))


def sentence_match(
    article_id: str, an: Analysis, si: int, sentence_atts: list[list[Attribution]]
) -> QuoteMatch:
    """Sentence ``si`` as a quote the sentence model found, without its closing punctuation; a speech cue
    in it names the speaker the rules would read (the speaker model weighs it)."""
    first, end = an.sentences[si]
    stop = end
    while stop > first + 1 and an.tokens[stop - 1].text in ".!?":
        stop -= 1
    s, e = an.tokens[first].start, an.tokens[stop - 1].end
    speech = [a for a in sentence_atts[si] if a.kind == "speech"]
    named = next((a for a in speech if a.sources and a.source_span is not None), None)
    speaker, cue, span = (named.sources[0], named.cue, named.source_span) if named else (None, None, None)
    quote = Quote(article_id, s, e, an.text[s:e], speaker, cue, "reported")
    return QuoteMatch(quote, span, "Indirect" if speech else "FreeIndirect", learned=True)


def _learned_speakers(
    an: Analysis,
    matches: list[QuoteMatch],
    sentence_atts: list[list[Attribution]],
    model: LinearModel,
    keep_rules: bool = False,
) -> list[QuoteMatch]:
    """Each quote's speaker becomes the candidate mention the model ranks first, or none when the option
    "no speaker" ranks above them all. ``keep_rules`` (the product scope): a speaker the rules read from a
    cue stays, the model only names the speakers the rules leave open; it learned the corpus' conventions,
    which leave out speakers the product reports (``„…“, hieß es aus dem Krisenstab``)."""
    names = {a.source_span: a.sources for atts in sentence_atts for a in atts if a.source_span is not None}
    out = []
    memo: dict[int, tuple[Phrase, int] | None] = {}
    for m, ctx in zip(matches, speaker_contexts(an, matches, sentence_atts), strict=True):
        if keep_rules and m.speaker_span is not None:
            out.append(m)
            continue
        scored = [(model.score(features(an, c, ctx)), c) for c in candidates(an, ctx, memo)]
        best = max(scored, key=lambda sc: sc[0], default=None)
        if best is None or best[0] <= model.score(none_features(ctx)):
            out.append(replace(m, quote=replace(m.quote, speaker=None), speaker_span=None))
            continue
        span = char_span(an, best[1])
        if span == m.speaker_span:
            out.append(m)
            continue
        name = speaker_name(an, best[1], names, m.quote.speaker)
        out.append(replace(m, quote=replace(m.quote, speaker=name), speaker_span=span))
    return out


def _sentence_index(an: Analysis, char: int) -> int:
    return an.sentence_of(max(0, an.tok_at(char)))


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _direct(
    article_id: str,
    an: Analysis,
    sentence_atts: list[list[Attribution]],
    spans: list[tuple[int, int]],
    memory: SpeakerMemory,
    sourced: bool,
) -> list[QuoteMatch]:
    rules = _rules()
    out: list[QuoteMatch] = []
    last: tuple[int, QuoteMatch] | None = None  # (sentence index, match) of the previous direct quote
    for qs, qe in spans:
        si = _sentence_index(an, qs)
        se = _sentence_index(an, max(qs, qe - 1))
        atts = [a for k in {si, se} for a in sentence_atts[k] if not (qs <= a.cue_start < qe)]
        speech = [a for a in atts if a.kind == "speech"]
        short = len(an.text[qs:qe].split()) <= rules.max_short_words
        strong = [a for a in atts if a.strength == "strong"]
        # a short quote needs a speech cue or a naming verb before it; the corpus scope takes any source cue
        named = any(_names_quote(an, a, qs) for a in speech)
        # a naming verb's quoted noun is a characterisation ("nannte das eine „Mogelpackung“"), not a title
        if (short and not (strong or named or (sourced and atts))) or (_is_name(an, qs, qe) and not named):
            continue
        chosen = _choose(atts, qs, qe)
        if chosen is None:
            chosen = _neighbour_cue(an, si, se, sentence_atts, qs, memory)
        speaker: str | None = None
        span: tuple[int, int] | None = None
        cue: str | None = None
        if chosen is not None:
            speaker = chosen.sources[0] if chosen.sources else None
            span, cue = chosen.source_span, chosen.cue
        elif last is not None and si - last[0] <= 2 and not speech:
            speaker, span, cue = last[1].quote.speaker, last[1].speaker_span, last[1].quote.cue
        quote = Quote(article_id, qs, qe, an.text[qs:qe], speaker, cue, "direct")
        match = QuoteMatch(quote, span)
        out.append(match)
        last = (se, match)
    return out


def _names_quote(an: Analysis, att: Attribution, qs: int) -> bool:
    """``nannte die Talsperre eine „tickende Zeitbombe“``: a naming verb whose clause runs on to the quote."""
    if att.lemma not in _rules().naming_verbs or att.cue_end > qs:
        return False
    return all(
        an.tokens[k].text not in CLAUSE_COMMAS for k in range(an.tok_at(att.cue_end - 1) + 1, an.tok_at(qs))
    )


def _is_name(an: Analysis, qs: int, qe: int) -> bool:
    """``die „New York Times“``, ``„2001: Odyssee im Weltraum“``, ``„news.bbc.co.uk“``: titles, names and
    web addresses, no speech."""
    words = an.text[qs:qe].split()
    if len(words) == 1 and WEB_ADDRESS.fullmatch(words[0]):
        return True
    if not words or words[-1][-1:] in ".!?" or len(words) > 8:
        return False
    before = an.text[max(0, qs - 12) : qs - 1].split()
    if len(words) > 4 and not (before and before[-1].lower() in attribution_tables()["determiners"]):
        return False
    fillers = attribution_tables()["name_words"]
    return all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in fillers or not w[:1].isalpha() for w in words
    )


def _neighbour_cue(
    an: Analysis, si: int, se: int, sentence_atts: list[list[Attribution]], qs: int, memory: SpeakerMemory
) -> Attribution | None:
    """``X wörtlich: „…“``, a cue sentence ending in a colon, or ``„…“ erklärte X.`` split off."""
    toks = an.tokens
    first = an.sentences[si][0]
    q_tok = an.tok_at(qs)
    if (q_tok - 1 > first and toks[q_tok - 1].text in '„«»"“' and toks[q_tok - 2].text == ":") or (
        q_tok > first and toks[q_tok - 1].text == ":"
    ):
        colon = q_tok - 2 if toks[q_tok - 1].text != ":" else q_tok - 1
        ph = first_subject(an, first, colon)
        if ph is not None:
            return Attribution(
                "speech",
                ":",
                toks[colon].start,
                toks[colon].end,
                speaker_of(an, ph, memory),
                (toks[ph.first].start, toks[ph.last].end),
            )
    if si > 0 and an.text[: toks[first].start].rstrip().endswith(":"):
        colon_atts = [a for a in sentence_atts[si - 1] if a.kind == "speech"]
        if colon_atts:
            return colon_atts[-1]
    if se + 1 < len(an.sentences):
        nxt_first = an.sentences[se + 1][0]
        opening = [
            a for a in sentence_atts[se + 1] if a.kind == "speech" and an.tok_at(a.cue_start) <= nxt_first + 1
        ]
        if opening and (toks[nxt_first].text[:1].islower() or toks[nxt_first].lower == "so"):
            return opening[0]
    return None


def _choose(atts: list[Attribution], qs: int, qe: int) -> Attribution | None:
    """Nearest speech cue before the quote, else after it, else a prepositional cue."""
    speech = [a for a in atts if a.kind == "speech"]
    before = [a for a in speech if a.cue_end <= qs]
    after = [a for a in speech if a.cue_start >= qe]
    if before and not (after and after[0].verb_first and after[0].cue_start - qe < 4):
        return before[-1]
    if after:
        return after[0]
    preps = [a for a in atts if a.kind == "prep" and a.sources]
    return preps[-1] if preps else None


def _reported(
    article_id: str, an: Analysis, sentence_atts: list[list[Attribution]], direct: list[Quote], sourced: bool
) -> list[QuoteMatch]:
    out: list[QuoteMatch] = []
    for si, atts in enumerate(sentence_atts):
        first, end = an.sentences[si]
        before = len(out)
        speech = [a for a in atts if a.kind == "speech" and (a.strength == "strong" or sourced)]
        for k, att in enumerate(speech):
            framed = _framed(article_id, an, att, first, end) if sourced else None
            if framed is not None:
                fspan = (framed.quote.start, framed.quote.end)
                if not _blocked(fspan, direct, sourced) and not any(_overlaps(fspan, m.quote) for m in out):
                    out.append(framed)
                continue
            span = _reported_span(an, att, speech[:k], speech[k + 1 :], first, end, sourced)
            if span is None or _blocked(span, direct, sourced) or any(_overlaps(span, m.quote) for m in out):
                continue
            if not sourced and _is_claim(an, span, atts):
                continue
            s, e = span
            speaker = att.sources[0] if att.sources else None
            kind: QuoteKind = "reported"
            quote = Quote(article_id, s, e, an.text[s:e], speaker, att.cue, kind)
            out.append(QuoteMatch(quote, att.source_span, "Indirect"))
        if sourced and si > 0 and speech and _points_back(an, speech[0], first):
            prev_first, prev_end = an.sentences[si - 1]
            match = _sentence_quote(article_id, an, prev_first, prev_end, speech[0], None)
            span = (match.quote.start, match.quote.end)
            if not _blocked(span, direct, sourced) and not any(_overlaps(span, m.quote) for m in out):
                out.append(match)
        preps = [a for a in atts if a.kind == "prep" and (a.sources or sourced)]
        # in the corpus scope a source cue still frames the sentence when no speech verb yielded a clause
        if (len(out) > before if sourced else speech) or not preps:
            continue
        if sourced or (preps[0].sources and konjunktiv(an, first, end, mood_one_only=True)):
            match = _sentence_quote(
                article_id, an, first, end, preps[0], (preps[0].cue_start, preps[0].cue_end)
            )
            if not _blocked((match.quote.start, match.quote.end), direct, sourced) and not any(
                _overlaps((match.quote.start, match.quote.end), m.quote) for m in out
            ):
                out.append(match)
    return out


def _noun_clauses(
    article_id: str, an: Analysis, direct: list[Quote], found: list[QuoteMatch], sourced: bool
) -> list[QuoteMatch]:
    """``die Forderung des X, auf die SPD zuzugehen``, ``Einige vertreten die Auffassung, die Welt befinde
    sich ...``: the clause after a speech-act noun (rules/quotes_rules.json) is reported speech."""
    out: list[QuoteMatch] = []
    for n in _speech_noun_tokens(an):
        if _inside(an.tokens[n].start, an.quoted):
            continue
        first, end = an.sentences[an.sentence_of(n)]
        match = _noun_clause(article_id, an, n, first, end, sourced) if n + 3 < end else None
        if match is None:
            continue
        span = (match.quote.start, match.quote.end)
        if not _blocked(span, direct, sourced) and not any(_overlaps(span, m.quote) for m in found + out):
            out.append(match)
    return out


def _speech_noun_tokens(an: Analysis) -> list[int]:
    """Capitalised tokens that are or end in a speech-act noun (``Forderung``, ``Rücktrittsforderung``).
    A substring search per noun over the article is far cheaper than a test per token (or a regex
    alternation of the nouns), and most articles have few such words."""
    low = an.text.lower()
    found: set[int] = set()
    for noun in _rules().speech_nouns:
        pos = low.find(noun)
        while pos >= 0:
            end = pos + len(noun)
            n = an.tok_at(pos)
            tok = an.tokens[n]
            if tok.end == end and tok.text[:1].isupper() and tok.lower not in _rules().not_speech_nouns:
                found.add(n)
            pos = low.find(noun, end)
    return sorted(found)


def _noun_clause(
    article_id: str, an: Analysis, n: int, first: int, end: int, sourced: bool
) -> QuoteMatch | None:
    """The clause after speech-act noun ``n``, its holder the noun's genitive (``der Polizei``, ``ihres
    Trainers, Greg Poss``, ``Frankreichs``) or else the subject before it."""
    toks = an.tokens
    holder, comma = _noun_holder(an, n, end)
    if comma >= end or toks[comma].text != ",":
        return None
    span = _clause_after(an, comma + 1, end, sourced)
    if span is None or (not sourced and _is_claim(an, span, [])):
        return None
    mention: tuple[int, int] | None = None
    if holder is None:
        holder = first_subject(an, first, n)
        if holder is not None:
            mention = (toks[holder.first].start, toks[mention_end(an, holder.first, holder.last, n)].end)
    else:
        mention = (toks[n + 1].start, toks[comma - 1].end)
    names = phrase_text(an, holder) if holder is not None else []
    speaker = names[0] if names else None
    s, e = span
    quote = Quote(article_id, s, e, an.text[s:e], speaker, toks[n].text, "reported")
    return QuoteMatch(quote, mention, "Indirect")


def _noun_holder(an: Analysis, n: int, end: int) -> tuple[Phrase | None, int]:
    """The genitive phrase right after noun ``n`` with its appositions, and the token after them."""
    toks, k = an.tokens, n + 1
    low = toks[k].lower
    if low in _rules().noun_links:
        ph = phrase_after(an, k if low in attribution_tables()["determiners"] else k + 1, end)
    elif is_cap(toks[k]) and toks[k].text.endswith("s"):  # "eine Forderung Frankreichs"
        ph = phrase_after(an, k, end, genitive=False)
    else:
        return None, k
    if ph is None:
        return None, k
    return ph, mention_end(an, ph.first, ph.last, end) + 1


def _clause_after(an: Analysis, b: int, end: int, sourced: bool) -> tuple[int, int] | None:
    """A reported clause opening at token ``b``: in Konjunktiv (to the sentence's end), or in the corpus
    scope a ``dass``/``ob`` clause or a ``zu`` infinitive (to the infinitive)."""
    toks = an.tokens
    stop = end
    while stop > b + 1 and toks[stop - 1].text in ".!?":
        stop -= 1
    if stop - b < 3:
        return None
    if konjunktiv(an, b, stop) or (sourced and toks[b].lower in SPEECH_COMPLEMENTS):
        return toks[b].start, toks[stop - 1].end
    if not sourced:
        return None
    for k in range(b + 2, stop):
        word = toks[k].lower
        infinitive = _zu_infinitive(word) or (toks[k - 1].lower == "zu" and word.endswith("n"))
        if infinitive and (k + 1 == stop or toks[k + 1].text in ",;:–"):
            return toks[b].start, toks[k].end
    return None


def _framed(article_id: str, an: Analysis, att: Attribution, first: int, end: int) -> QuoteMatch | None:
    """``Tatsächlich, so betont die Polizei, ist dies ...``, ``Denn wie X berichtete, leidet ...``: the
    sentence around a ``so``/``wie`` clause is the statement, the clause its frame."""
    cue_tok = an.tok_at(att.cue_start)
    opener = frame_opener(an, an.tok_at(att.clause_start), cue_tok)
    if opener is None:
        return None
    _, b = clause_bounds(an, cue_tok, first, end, CLAUSE_COMMAS)
    if opener == cue_tok and b >= end - 1:
        return None  # "..., so der Sprecher.": a clause closed by its source (_reported_span)
    frame_end = an.tokens[b - 1].end
    if att.source_span is not None:
        frame_end = max(frame_end, att.source_span[1])
    frame = (an.tokens[an.tok_at(att.clause_start)].start, frame_end)
    match = _sentence_quote(article_id, an, first, end, att, frame)
    outside = an.text[match.quote.start : frame[0]] + an.text[frame[1] : match.quote.end]
    return match if len(outside.split()) >= 3 else None


def _is_claim(an: Analysis, span: tuple[int, int], atts: list[Attribution]) -> bool:
    """A reported clause with a figure, or with a source of its own inside (``sagte, nach Einschätzung des X
    habe ...``), is a sourced claim: the claims stage carries it with its source chain."""
    if any(a.kind == "prep" and span[0] <= a.cue_start < span[1] for a in atts):
        return True
    return bool(find_numbers(an.text[span[0] : span[1]], an.lang))


def _points_back(an: Analysis, att: Attribution, first: int) -> bool:
    """``Das erklärte ein Sprecher.``: the cue's object is the sentence before."""
    return an.tokens[first].lower in ("das", "dies", "dieses") and an.tok_at(att.cue_start) == first + 1


def _sentence_quote(
    article_id: str, an: Analysis, first: int, end: int, att: Attribution, frame: tuple[int, int] | None
) -> QuoteMatch:
    """The sentence as a statement of ``att``'s source, without its closing punctuation and frame."""
    stop = end
    while stop > first + 1 and an.tokens[stop - 1].text in ".!?":
        stop -= 1
    s, e = an.tokens[first].start, an.tokens[stop - 1].end
    if frame is not None and frame[0] <= s < frame[1]:  # "Laut Polizei wurden ...": the quote starts after
        k = an.tok_at(frame[1]) + 1
        while k < stop and an.tokens[k].text in ",":
            k += 1
        if k < stop:
            s = an.tokens[k].start
    speaker = att.sources[0] if att.sources else _mention(an, att)
    quote = Quote(article_id, s, e, an.text[s:e], speaker, att.cue, "reported")
    return QuoteMatch(quote, att.source_span, "Indirect", frame)


def _mention(an: Analysis, att: Attribution) -> str | None:
    """A source without a name (``nach ersten Schätzungen``) is quoted as written."""
    return an.text[att.source_span[0] : att.source_span[1]] if att.source_span else None


def _continued(
    article_id: str, an: Analysis, sentence_atts: list[list[Attribution]], found: list[QuoteMatch]
) -> list[QuoteMatch]:
    """Sentences that carry on the previous sentence's account: ``Demnach ...``, Konjunktiv I, ``soll``; and
    speech acts, also around a partial quote (``X griff den Iran als „führenden Förderer“ an.``)."""
    toks, t = an.tokens, attribution_tables()
    touching: dict[int, list[QuoteMatch]] = {}  # every sentence a found quote touches, to the quotes
    for m in found:
        for k in range(_sentence_index(an, m.quote.start), _sentence_index(an, m.quote.end - 1) + 1):
            touching.setdefault(k, []).append(m)
    out: list[QuoteMatch] = []
    last: QuoteMatch | None = None
    last_si = -2
    for si, atts in enumerate(sentence_atts):
        first, end = an.sentences[si]
        speaking = [a for a in atts if a.kind == "speech" and a.sources]
        if si in touching and not (speaking and _only_partial(an, touching[si], first, end)):
            last = touching[si][-1]
            last_si = _sentence_index(an, last.quote.end - 1)
            continue
        if speaking:  # "X berichtet von ...", "X warnte vor ...": an account the next sentences may continue
            att = speaking[-1]
            s, e = toks[first].start, toks[end - 1].end
            quote = Quote(article_id, s, e, an.text[s:e], att.sources[0], att.cue, "reported")
            last, last_si = QuoteMatch(quote, att.source_span, "Reported"), si
            if not (att.passive or att.lemma in _rules().not_accounts or _points_back(an, att, first)):
                out.append(last)  # the speech act is itself a quote of the corpus' "Reported" kind
            continue
        gap = si - last_si
        if last is None or atts or gap > _rules().account_gap:
            continue
        carry = [k for k in range(first, end) if toks[k].lower in t["carry_words"]]
        # next to the account any reporting mood continues it; past a sentence only Konjunktiv I does
        mood = konjunktiv(an, first, end, mood_one_only=gap > 1) or (
            gap == 1 and any(toks[k].lower in t["report_modals"] for k in range(first, end))
        )
        if not carry and not mood:
            continue
        s, e = toks[first].start, toks[end - 1].end
        speaker, cue = last.quote.speaker, last.quote.cue
        if not carry and gap == 1 and last.form == "FreeIndirect" and out and out[-1] is last:
            merged = Quote(
                article_id, last.quote.start, e, an.text[last.quote.start : e], speaker, cue, "reported"
            )
            out[-1] = QuoteMatch(merged, last.speaker_span, "FreeIndirect")
        elif carry:
            frame = (toks[carry[0]].start, toks[carry[0]].end)
            quote = Quote(article_id, s, e, an.text[s:e], speaker, cue, "reported")
            out.append(QuoteMatch(quote, last.speaker_span, "Indirect", frame))
        else:
            quote = Quote(article_id, s, e, an.text[s:e], speaker, cue, "reported")
            out.append(QuoteMatch(quote, last.speaker_span, "FreeIndirect"))
        last, last_si = out[-1], si
    return out


def _only_partial(an: Analysis, matches: list[QuoteMatch], first: int, end: int) -> bool:
    """The sentence's quotes are partial direct quotes inside it (``bezeichnete ihn als „Verräter“``): the
    corpus marks the speech act around them as a quote of its own, the partial quotes nested in it."""
    span = (an.tokens[first].start, an.tokens[end - 1].end)
    return all(
        m.form == "Direct" and span[0] < m.quote.start and m.quote.end < span[1] and _embedded(an, m.quote)
        for m in matches
    )


def _embedded(an: Analysis, q: Quote) -> bool:
    """A quote inside a clause, not speech of its own: no colon before it, no comma or sentence end after it
    (``sagte: „…“``, ``„…“, sagte X.`` and ``„Das ist alles.“`` are whole quotes)."""
    before = an.text[max(0, q.start - 8) : q.start].rstrip(QUOTE_EDGES)
    after = an.text[q.end : q.end + 8].lstrip(QUOTE_EDGES)
    return not before.endswith(":") and not after.startswith(",") and q.text.rstrip()[-1:] not in ".!?,"


def _reported_span(
    an: Analysis,
    att: Attribution,
    earlier: list[Attribution],
    later: list[Attribution],
    first: int,
    end: int,
    sourced: bool,
) -> tuple[int, int] | None:
    toks = an.tokens
    if an.lang == "en" and not att.verb_first:
        return _english_clause(an, att, later, end)
    if att.verb_first:
        # "<clause>, teilte X mit": the clause runs back to the sentence start or the previous cue's comma
        comma = an.tok_at(att.clause_start) - 1
        start_tok = first
        for prev in earlier:
            k = an.tok_at(prev.cue_end)
            while k < comma and toks[k].text != ",":
                k += 1
            if k < comma:
                start_tok = max(start_tok, k + 1)
        cue_tok = an.tok_at(att.cue_start)
        _, clause_end = clause_bounds(an, cue_tok, first, end, CLAUSE_COMMAS)
        # ", so Matthias Freude, Präsident des Landesumweltamtes.": the speaker's apposition closes it
        if att.source_span:
            clause_end = max(clause_end, an.tok_at(att.source_span[1] - 1) + 1)
        if comma - start_tok < 3 or clause_end < end - 1 or toks[start_tok].lower in ("wie", "as"):
            return None  # the cue must close the sentence
        if not sourced and an.lang != "en" and not konjunktiv(an, start_tok, comma):
            return None
        return toks[start_tok].start, toks[comma - 1].end
    cue_tok = an.tok_at(att.cue_start)
    a, _ = clause_bounds(an, cue_tok, first, end, CLAUSE_COMMAS)
    # "X erklärte, <clause>": the clause after the verb's own clause
    k = an.tok_at(att.cue_end - 1) + 1
    while k < end and toks[k].text not in ",:;.!?":
        k += 1
    if k >= end or toks[k].text not in ",:":
        return None
    stop = end
    for nxt in later:  # "..., teilte X mit" or "..., indem er sagte, ...": the next cue's clause is not ours
        nxt_start = an.tok_at(nxt.clause_start)
        if nxt.verb_first or toks[nxt_start].lower in attribution_tables()["subordinators"]:
            stop = min(stop, nxt_start - 1)
    while stop > k + 1 and toks[stop - 1].text in ".!?":
        stop -= 1
    b = k + 1
    if stop - b < 3:
        return None
    opener = toks[b].lower
    wie = toks[a].lower in ("wie", "as") and sourced  # "Wie die Polizei mitteilte, wurden ..."
    complement = (
        opener in SPEECH_COMPLEMENTS or toks[stop - 2].lower == "zu" or _zu_infinitive(toks[stop - 1].lower)
    )
    if not (konjunktiv(an, b, stop) or (sourced and (wie or complement))):
        return None
    return toks[b].start, toks[stop - 1].end


def _english_clause(
    an: Analysis, att: Attribution, later: list[Attribution], end: int
) -> tuple[int, int] | None:
    """English reported speech has neither comma nor mood: the clause after the verb (``Police said (that)
    eight people were missing``), after its addressee for ``tell`` (``told reporters (that) ...``), to the
    sentence's end or the next cue's clause; it opens with a phrase or ``that``, not a preposition."""
    toks = an.tokens
    if att.source_span and att.source_span[0] >= att.cue_end:
        return None  # "..., said its director": the speaker, not speech, follows the verb
    b = an.tok_at(att.cue_end - 1) + 1
    if att.lemma == "tell":
        while b < end and toks[b].lower != "that" and is_nominal(an, toks[b]):
            b += 1
    t = attribution_tables()
    that = next((k for k in range(b, min(end, b + 5)) if toks[k].lower == "that"), None)
    if that is not None and all(toks[k].kind == "word" for k in range(b, that)):
        b = that + 1  # "said on Monday that ...": a short adverbial before "that"
    elif b < end and toks[b].lower in t["prepositions"]:  # "said in a statement it would appeal"
        adverbial = phrase_after(an, b + 1, end, genitive=False)
        b = adverbial.last + 1 if adverbial is not None else b
    stop = min([end, *(an.tok_at(n.clause_start) - 1 for n in later if n.verb_first)])
    while stop > b and toks[stop - 1].text in ".!?":
        stop -= 1
    if stop - b < 3 or toks[b].lower in t["prepositions"]:
        return None  # the length test first: "told reporters" at the text's end leaves b past the last token
    if not (may_open_phrase(an, b) or toks[b].lower in t["subject_pronouns"]):
        return None
    finite = _rules().english_finite
    if not any(w.lower in finite or (len(w.text) > 3 and w.lower.endswith("ed")) for w in toks[b:stop]):
        return None  # "promised a full inquiry": an object, not a clause
    return toks[b].start, toks[stop - 1].end


def _zu_infinitive(word: str) -> bool:
    """``zuzugehen``, ``einzurichten``, ``abzuschaffen``: an infinitive with ``zu`` (after a particle)."""
    if not word.endswith("n"):
        return False
    return word.startswith("zu") or any(word.startswith(p + "zu") for p in ZU_PARTICLES)


def _has_direct(span: tuple[int, int], direct: list[Quote]) -> bool:
    """A reported clause around a direct quote is represented by the quote itself."""
    return any(_overlaps(span, q) for q in direct)


def _blocked(span: tuple[int, int], direct: list[Quote], sourced: bool) -> bool:
    """In the corpus scope a reported clause with a partial quote inside (``Sie sei „vollkommen geschockt“``)
    is a quote of its own, the partial quote nested in it; the clause that is only the quote is not."""
    if not sourced:
        return _has_direct(span, direct)
    return any(
        _overlaps(span, q) and not (span[0] <= q.start - 1 and q.end + 1 <= span[1] and _shorter(q, span))
        for q in direct
    )


def _shorter(q: Quote, span: tuple[int, int]) -> bool:
    return (q.end - q.start) < 0.8 * (span[1] - span[0])


def _overlaps(span: tuple[int, int], q: Quote) -> bool:
    return min(span[1], q.end) > max(span[0], q.start)
