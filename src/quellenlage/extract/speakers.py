"""Learned parts of quote attribution: each quote's speaker among the mentions around it, and the
sentences that are quotes although no rule finds one.

The rules in extract/quotes.py find quotes and name one speaker each; they are weakest where German word
order alone cannot say who speaks (objects before the verb, pronouns, speakers a sentence or two away, a
speaker carried over from the previous account). Here every noun phrase or pronoun near a quote is a
candidate mention, described by sparse binary features (the rules' choice, position and distance to the
quote, the words around it, speech cues nearby, entity labels, the previous quote's speaker; no parser),
and so is the option "no speaker". A linear ranker (a conditional logit: softmax over each quote's options)
scores them; the best scoring option wins (in the product scope only where the rules name no speaker). In
the corpus scope a second linear model (logistic regression over a sentence's words, cues, mood and the
quotes around it) takes sentences no rule quote touches as quotes.
Both are trained on the train split of the German News Quotation Attribution corpus by
``training/train_quote_speakers.py`` and ship as ``models/quote_speakers.json`` and
``models/quote_sentences.json`` (feature name -> weight); without the files the rules stand alone.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import repeat

from quellenlage.extract.attribution import (
    Analysis,
    Attribution,
    Phrase,
    is_nach_noun,
    is_title,
    konjunktiv,
    may_open_phrase,
    mention_end,
    np_or_pronoun,
    phrase_text,
    speech_verbs,
    tables,
)
from quellenlage.extract.numbers import Token
from quellenlage.rules import read_json

MODEL_FILE = "quote_speakers.json"
SENTENCE_MODEL_FILE = "quote_sentences.json"
QUOTE_MARKS = frozenset('«»„“”"‚‘')
WINDOW_BEFORE = 2  # sentences before the quote's first sentence that may hold its speaker
WINDOW_AFTER = 1  # sentences after its last sentence
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A mention that may be a quote's speaker: token range [first, last] in one sentence."""

    first: int
    last: int
    sentence: int
    phrase: Phrase | None  # None for the rules' own span when no phrase starts there
    whole: bool  # the mention with its appositions and attributes, not the bare phrase


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Weights of sparse binary features; the score of an option is the sum over its features."""

    weights: dict[str, float]
    bias: float = 0.0

    def score(self, feats: list[str]) -> float:
        return self.bias + sum(map(self.weights.get, feats, repeat(0.0)))


@cache
def load_model(name: str = MODEL_FILE) -> LinearModel | None:
    resource = files("quellenlage.models").joinpath(name)
    if not resource.is_file():
        return None
    raw = json.loads(resource.read_text(encoding="utf-8"))
    return LinearModel(dict(raw["weights"]), float(raw.get("bias", 0.0)))


def sentence_features(
    an: Analysis, si: int, sentence_atts: list[list[Attribution]], covered: dict[int, str]
) -> list[str]:
    """Features of a sentence no rule quote touches, for the model that finds the corpus' quotes the rules
    miss (statements without a cue the rules know, free indirect speech): its words, its cues and mood,
    and the quotes of the sentences around it (``covered``: sentence -> form of the quote there)."""
    first, end = an.sentences[si]
    toks, t = an.tokens, tables()
    words = {toks[k].lower for k in range(first, end) if toks[k].kind == "word"}
    lemmas = {v.lemma for k in range(first, end) for v in speech_verbs().get(toks[k].lower, ())}
    kinds = {a.kind for a in sentence_atts[si]}
    last = max((k for k in covered if k < si), default=-99)
    return [
        *(f"w={w}" for w in sorted(words)),
        *(f"speech={lemma}" for lemma in sorted(lemmas)),
        *(f"cue={kind}" for kind in sorted(kinds)),
        f"speech_verb={bool(lemmas)}",
        f"konjunktiv1={konjunktiv(an, first, end, mood_one_only=True)}",
        f"konjunktiv={konjunktiv(an, first, end)}",
        f"modal={bool(words & t['report_modals'])}",
        f"modal_perfect={bool(words & t['report_modals']) and _perfect_infinitive(an, first, end)}",
        f"before={covered.get(si - 1, 'none')}",
        f"after={covered.get(si + 1, 'none')}",
        f"since_quote={_bucket(si - last)}",
        f"opens={toks[first].lower}",
        f"size={_bucket(end - first)}",
        f"marks={any(toks[k].text in QUOTE_MARKS for k in range(first, end))}",
        f"index={_bucket(si)}",
    ]


def _perfect_infinitive(an: Analysis, first: int, end: int) -> bool:
    """``verletzt worden sein``, ``gestiegen sein``, ``erhängt haben``: with ``soll`` the hearsay of news."""
    toks = an.tokens
    return any(
        toks[k].lower in ("sein", "haben")
        and toks[k - 1].kind == "word"
        and toks[k - 1].text[:1].islower()
        and toks[k - 1].lower.endswith(("t", "en"))
        for k in range(first + 1, end)
    )


def char_span(an: Analysis, cand: Candidate) -> Span:
    return an.tokens[cand.first].start, an.tokens[cand.last].end


def _sentence_range(an: Analysis, qs: int, qe: int) -> tuple[int, int]:
    si = an.sentence_of(max(0, an.tok_at(qs)))
    se = an.sentence_of(max(0, an.tok_at(max(qs, qe - 1))))
    return si, se


def candidates(
    an: Analysis, ctx: Context, memo: dict[int, tuple[Phrase, int] | None] | None = None
) -> list[Candidate]:
    """Noun phrases and pronouns outside the quote in its sentences and the window around them, each as
    the phrase alone and as the whole mention the corpus marks (appositions, attributes); the rules' span
    is always one of them. ``memo`` keeps the phrases found at a token for the next quotes of the article."""
    memo = {} if memo is None else memo
    quote, frame = ctx.quote, ctx.frame
    # a sentence the sentence model took may hold its own speaker ("Timoschenko bestreitet den Vorwurf")
    closed = not ctx.learned
    si, se = ctx.sentences
    seen: set[tuple[int, int]] = set()
    out: list[Candidate] = []
    adverbs = _speaker_adverbs()
    for s in range(max(0, si - WINDOW_BEFORE), min(len(an.sentences), se + WINDOW_AFTER + 1)):
        first, end = an.sentences[s]
        for k in range(first, end):
            tok = an.tokens[k]
            inside_frame = frame is not None and frame[0] <= tok.start < frame[1]
            if closed and quote[0] <= tok.start < quote[1] and not inside_frame:
                continue
            if k not in memo:
                found = np_or_pronoun(an, k, end) if may_open_phrase(an, k) else None
                memo[k] = None if found is None else (found, mention_end(an, found.first, found.last, end))
            hit = memo[k]
            if hit is None:
                # "demnach" points back to a source: the corpus marks it as the speaker mention
                if tok.lower in adverbs and (k, k) not in seen:
                    seen.add((k, k))
                    out.append(Candidate(k, k, s, None, True))
                continue
            ph, whole = hit
            for last in dict.fromkeys((whole, ph.last)):
                if closed and an.tokens[last].end > quote[0] and tok.start < quote[1] and not inside_frame:
                    continue
                if (k, last) not in seen:
                    seen.add((k, last))
                    out.append(Candidate(k, last, s, ph, last == whole))
    if ctx.rule is not None:
        a, b = an.tok_at(ctx.rule[0]), an.tok_at(ctx.rule[1] - 1)
        if (a, b) not in seen:
            out.append(Candidate(a, b, an.sentence_of(a), None, True))
    return out


def _bucket(n: int) -> str:
    for top in (0, 2, 5, 10, 20, 40):
        if n <= top:
            return str(top)
    return "more"


@dataclass(slots=True)
class Context:
    """What the features of one quote's candidates share."""

    quote: Span
    form: str
    rule: Span | None
    previous: Span | None  # the previous quote's speaker mention
    previous_text: str | None
    cue_tokens: list[int]  # speech verbs and source cues of the article (token indices, sorted)
    sources: dict[Span, str]  # source spans of the cues -> "speech" / "prep"
    window_sources: list[Span]  # the source spans around the quote
    near_sources: tuple[Span | None, Span | None]  # the last cue source before the quote, the first after
    quote_cue: bool  # a speech or source cue in the quote's own sentences
    sides: str  # "b": a speech verb opens a clause before the quote in its sentence, "a": one closes it after
    shape: tuple[str, bool, bool]  # the quote's words (bucket), whether it is its sentences, ends a sentence
    ents: list[tuple[int, int, str]]  # entities around the quote
    frame: Span | None  # cue and source inside the quote's span
    learned: bool  # a quote of the sentence model, not of the rules
    sentences: tuple[int, int]  # the quote's first and last sentence
    tokens: tuple[int, int]  # the quote's first token and the token at its end (computed once per quote)


@dataclass(frozen=True, slots=True)
class ArticleCues:
    """The cues of an article, gathered once for all its quotes."""

    tokens: list[int]  # sorted token indices of speech verbs and source cues
    sources: dict[Span, str]  # source spans of the cues -> "speech" / "prep"
    ordered: list[Span]  # the source spans in text order
    openers: list[int]  # sorted tokens of speech verbs that open a clause ("X erklärte, ...")
    closers: list[int]  # sorted tokens of speech verbs that close one ("..., berichtete Y")


def article_cues(an: Analysis, sentence_atts: list[list[Attribution]]) -> ArticleCues:
    cues = {an.tok_at(a.cue_start) for atts in sentence_atts for a in atts if a.kind in ("speech", "prep")}
    sources = {
        a.source_span: str(a.kind) for atts in sentence_atts for a in atts if a.source_span is not None
    }
    speech = [a for atts in sentence_atts for a in atts if a.kind == "speech"]
    openers = sorted(an.tok_at(a.cue_start) for a in speech if not a.verb_first)
    closers = sorted(an.tok_at(a.cue_start) for a in speech if a.verb_first)
    return ArticleCues(sorted(cues), sources, sorted(sources), openers, closers)


def context(
    an: Analysis,
    quote: Span,
    form: str,
    rule: Span | None,
    previous: Span | None,
    cues: ArticleCues,
    frame: Span | None,
    learned: bool = False,
) -> Context:
    si, se = _sentence_range(an, *quote)
    lo = an.tokens[an.sentences[max(0, si - WINDOW_BEFORE)][0]].start
    hi = an.tokens[an.sentences[min(len(an.sentences), se + WINDOW_AFTER + 1) - 1][1] - 1].end
    ents = [e for e in an.ents if e[0] < hi and e[1] > lo]
    prev_text = an.text[previous[0] : previous[1]] if previous else None
    i = bisect.bisect_left(cues.ordered, (quote[0], quote[0]))
    before = next((sp for sp in reversed(cues.ordered[:i]) if sp[1] <= quote[0]), None)
    after = next((sp for sp in cues.ordered[i:] if sp[0] >= quote[1]), None)
    quote_cue = _any_in(cues.tokens, an.sentences[si][0], an.sentences[se][1])
    q_first, q_end = an.tok_at(quote[0]), an.tok_at(quote[1])
    sides = "b" * _any_in(cues.openers, an.sentences[si][0], q_first) + "a" * _any_in(
        cues.closers, q_end, an.sentences[se][1]
    )
    text = an.text[quote[0] : quote[1]]
    outside = (
        an.text[an.tokens[an.sentences[si][0]].start : quote[0]]
        + an.text[quote[1] : an.tokens[an.sentences[se][1] - 1].end]
    )
    shape = (_bucket(len(text.split())), not any(c.isalnum() for c in outside), text.rstrip()[-1:] in ".!?")
    return Context(
        quote,
        form,
        rule,
        previous,
        prev_text,
        cues.tokens,
        cues.sources,
        [sp for sp in cues.ordered if sp[0] < hi and sp[1] > lo],
        (before, after),
        quote_cue,
        sides,
        shape,
        ents,
        frame,
        learned,
        (si, se),
        (q_first, q_end),
    )


def _nearest(sorted_tokens: list[int], k: int) -> int:
    """Distance from token k to the nearest token of the sorted list (99 when it is empty)."""
    i = bisect.bisect_left(sorted_tokens, k)
    near = [abs(sorted_tokens[j] - k) for j in (i - 1, i) if 0 <= j < len(sorted_tokens)]
    return min(near, default=99)


def _any_in(sorted_tokens: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(sorted_tokens, lo)
    return i < len(sorted_tokens) and sorted_tokens[i] < hi


def features(an: Analysis, cand: Candidate, ctx: Context) -> list[str]:
    """Binary features of one candidate (names only; the model holds their weights)."""
    toks = an.tokens
    span = char_span(an, cand)
    si, se = ctx.sentences
    q_first, q_end = ctx.tokens
    verbs, (pronouns, determiners) = speech_verbs(), _word_sets()
    before = span[1] <= ctx.quote[0]
    framed = ctx.rule == span or (ctx.frame is not None and ctx.frame[0] <= span[0] < ctx.frame[1])
    where = "before" if before else "after" if span[0] >= ctx.quote[1] else "frame" if framed else "inside"
    sd = cand.sentence - si if before or where == "frame" else cand.sentence - se
    gap = (q_first - cand.last) if before else (cand.first - an.tok_at(ctx.quote[1] - 1))
    first_tok, last_tok = toks[cand.first], toks[cand.last]
    s_first, s_end = an.sentences[cand.sentence]
    prev = toks[cand.first - 1].lower if cand.first > s_first else "<s>"
    nxt = toks[cand.last + 1].lower if cand.last + 1 < s_end else "</s>"
    size = cand.last - cand.first + 1
    pron = size == 1 and first_tok.lower in pronouns
    rule = "none" if ctx.rule is None else "same" if ctx.rule == span else _relation(span, ctx.rule)
    kinds = {lbl for s, e, lbl in ctx.ents if s < span[1] and e > span[0]}
    cue_dist = min(_nearest(ctx.cue_tokens, cand.first), _nearest(ctx.cue_tokens, cand.last))
    cues = ctx.cue_tokens
    cue_between = _any_in(cues, cand.last + 1, q_first) if before else _any_in(cues, q_end, cand.first)
    source = ctx.sources.get(span, "no")
    prev_speaker = (
        "same"
        if ctx.previous == span
        else "text"
        if ctx.previous_text and an.text[span[0] : span[1]] == ctx.previous_text
        else "no"
    )
    prev_speech, next_speech, cue_b = prev in verbs, nxt in verbs, _bucket(cue_dist)
    head = _head_class(first_tok, last_tok, pron, determiners)
    src_rel = source if source != "no" else _source_relation(span, ctx.window_sources)
    near = "before" if ctx.near_sources[0] == span else "after" if ctx.near_sources[1] == span else "no"
    near_in = near != "no" or any(sp and _relation(span, sp) != "other" for sp in ctx.near_sources)
    prev_kind = "prep" if prev in tables()["prepositions"] else "det" if prev in determiners else "-"
    base = [
        f"rule={rule}",
        f"where={where}",
        f"sd={sd}",
        f"gap={_bucket(gap)}",
        f"size={min(size, 6)}",
        f"pron={first_tok.lower if pron else 'no'}",
        f"prev={prev}",
        f"next={nxt}",
        f"prev_speech={prev_speech}",
        f"next_speech={next_speech}",
        f"first={first_tok.lower if first_tok.lower in determiners else '-'}",
        f"head_title={is_title(last_tok.text)}",
        f"cue_dist={cue_b}",
        f"cue_between={cue_between}",
        f"source={source}",
        f"prev_speaker={prev_speaker}",
        f"sentence_start={cand.first == s_first}",
        *(f"ent={k}" for k in sorted(kinds) or ["none"]),
        f"head={head}",
        f"src_rel={src_rel}",
        f"near_source={near}",
        f"near_in={near_in}",
        f"prev_kind={prev_kind}",
    ]
    # the same cue means different things for direct and reported quotes, near and far
    pos = f"{where}{sd}"
    crossed = [f"{ctx.form}|{f}" for f in (*base[:8], f"pos={pos}")] + [
        f"whole={cand.whole}",
        f"rule={rule}|whole={cand.whole}",
        f"rule={rule}|source={source}",
        f"rule={rule}|prev_speaker={prev_speaker}",
        f"pos={pos}|rule={rule}",
        f"pos={pos}|pron={pron}",
        f"pos={pos}|cue_dist={cue_b}",
        f"pos={pos}|cue_between={cue_between}",
        f"pos={pos}|prev_speech={prev_speech}",
        f"pos={pos}|next_speech={next_speech}",
        f"pos={pos}|source={source}",
        f"pos={pos}|whole={cand.whole}",
        f"pos={pos}|sentence_start={cand.first == s_first}",
        f"learned={ctx.learned}|pos={pos}",
        f"learned={ctx.learned}|prev_speaker={prev_speaker}",
        f"learned={ctx.learned}|cue_between={cue_between}",
        *(f"pos={pos}|ent={k}" for k in sorted(kinds) or ["none"]),
        f"{ctx.form}|head={head}",
        f"pos={pos}|head={head}",
        f"{ctx.form}|src_rel={src_rel}",
        f"pos={pos}|src_rel={src_rel}",
        f"pos={pos}|near_source={near}",
        f"{ctx.form}|near_source={near}|quote_cue={ctx.quote_cue}",
        f"pos={pos}|quote_cue={ctx.quote_cue}",
        f"pos={pos}|prev_kind={prev_kind}",
        f"rule={rule}|quote_cue={ctx.quote_cue}|learned={ctx.learned}",
        f"pos={pos}|alone={ctx.shape[1]}",
        f"pos={pos}|sides={ctx.sides}",  # "X erklärt, ... „…“ ..., berichtete Y": X, the inner cue, speaks
        f"{ctx.form}|pos={pos}|sides={ctx.sides}|rule={rule}",
    ]
    return base + crossed


def _head_class(first: Token, last: Token, pron: bool, determiners: frozenset[str]) -> str:
    """What kind of thing the candidate names, by its words alone (the entity labels are features of their
    own): a pronoun, a role, a document or statement (``Angaben``, ``Berichten``), a name (capitalised words
    without a determiner), another noun, or no noun at all."""
    if pron:
        return "pron"
    if is_title(last.text):
        return "title"
    if is_nach_noun(last.lower):
        return "statement"
    if not last.text[:1].isupper():
        return "other"
    several = first is not last and first.text[:1].isupper() and first.lower not in determiners
    return "name" if several else "noun"


def _source_relation(span: Span, sources: list[Span]) -> str:
    """How the candidate meets a cue's source span when it is not the span itself."""
    rels = {_relation(span, sp) for sp in sources if sp[0] < span[1] and span[0] < sp[1]}
    return next((r for r in ("contains", "inside", "overlaps") if r in rels), "no")


def none_features(ctx: Context) -> list[str]:
    """Features of the option "no speaker": the quote's form, whether the rules found one, cues near it."""
    cue = ctx.quote_cue
    rule = ctx.rule is not None
    return [
        "NONE",
        f"NONE|form={ctx.form}",
        f"NONE|rule={rule}",
        f"NONE|cue={cue}",
        f"NONE|form={ctx.form}|rule={rule}|cue={cue}",
        f"NONE|previous={ctx.previous is not None}",
        f"NONE|learned={ctx.learned}|cue={cue}",
        f"NONE|form={ctx.form}|words={ctx.shape[0]}",
        f"NONE|form={ctx.form}|alone={ctx.shape[1]}|ends={ctx.shape[2]}",
        f"NONE|rule={rule}|cue={cue}|alone={ctx.shape[1]}|ends={ctx.shape[2]}",
        f"NONE|rule={rule}|cue={cue}|words={ctx.shape[0]}",
    ]


@cache
def _speaker_adverbs() -> frozenset[str]:
    return frozenset(read_json("quotes_rules.json")["speaker_adverbs"])


@cache
def _word_sets() -> tuple[frozenset[str], frozenset[str]]:
    """Pronouns (and the adverbs that stand for a source), and determiners of any case."""
    t = tables()
    pronouns = t["pronouns_person"] | t["pronouns_other"] | _speaker_adverbs()
    return pronouns, t["determiners"] | t["oblique_determiners"]


def _relation(a: Span, b: Span) -> str:
    if a[0] <= b[0] and b[1] <= a[1]:
        return "contains"
    if b[0] <= a[0] and a[1] <= b[1]:
        return "inside"
    return "overlaps" if a[0] < b[1] and b[0] < a[1] else "other"


def speaker_name(
    an: Analysis, cand: Candidate, ctx_sources: dict[Span, list[str]], fallback: str | None
) -> str:
    """The canonical name of a chosen mention: the cue's source when the rules read one there, the phrase's
    base form, or (for a pronoun) the speaker the rules resolved."""
    span = char_span(an, cand)
    named = ctx_sources.get(span)
    if named:
        return named[0]
    t = tables()
    ph = cand.phrase
    if ph is None or (len(ph.nouns) == 1 and ph.nouns[0].lower in t["pronouns_person"] | t["pronouns_other"]):
        return fallback or an.text[span[0] : span[1]]
    names = phrase_text(an, ph)
    return names[0] if names else an.text[span[0] : span[1]]
