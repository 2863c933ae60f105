"""The spaCy pipelines of the language stage: news-robust tokens and sentences, lemmas, entities.

German: ``spacy.blank("de")`` with extra news abbreviations, a rule-based sentence splitter, simplemma
lemmas, a gazetteer from ``rules/aliases.tsv`` and ``rules/agencies.tsv``, the shipped NER model
(``quellenlage/models/ner_de``) and document-level name rules (``names``).
English: ``spacy.blank("en")`` with the same sentence splitter and lemmatiser, the gazetteer, and the German
NER model run over its tokens, since no English NER model ships with the package.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from typing import Any, cast

import numpy
import simplemma
import spacy
from spacy.attrs import LEMMA, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.strings import StringStore
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from thinc.types import Ints2d

from quellenlage.language import names as _names  # noqa: F401  (registers quellenlage_name_rules)
from quellenlage.language.rules import (
    TokenizerRules,
    agency_names,
    alias_groups,
    tokenizer_rules,
)
from quellenlage.models import read_ner

NER_MODEL_PACKAGE = "quellenlage.models"
NER_MODEL_DIR = "ner_de"
TRAIN_HINT = "train it with the NER training script in training/ (see issue 3)"

# Quote/bracket characters: attached after a full stop they close the sentence, after a space they open one.
_QUOTES_BRACKETS = frozenset("«»„“”‚‘’'\"()[]{}‹›")
_OPENERS = frozenset("«»„“”‚‘’'\"([{‹›-–—")
_YEAR_DOT = re.compile(r"\d{4}\.")
_ORDINAL = re.compile(r"\d{1,3}\.")
_AMOUNT_DOT = re.compile(r"\d+,\d+\.|\d{1,3}(?:\.\d{3})+\.")  # "6,3.", "14.000."


class NerModelMissingError(RuntimeError):
    """The shipped German NER model directory is absent (not trained yet or not packaged)."""


def ner_model_available() -> bool:
    """Whether ``quellenlage/models/ner_de`` holds a spaCy pipeline (a ``config.cfg``)."""
    try:
        return files(NER_MODEL_PACKAGE).joinpath(NER_MODEL_DIR, "config.cfg").is_file()
    except ModuleNotFoundError:
        return False


@cache
def get_nlp(language: str, ner: bool = True) -> Language:
    """The cached pipeline for ``language`` ("en" gets English, anything else German).

    With ``ner=True`` the German pipeline needs the shipped NER model and raises ``NerModelMissingError``
    when it is absent; ``ner=False`` gives tokens, sentences and lemmas only.
    """
    if language == "en":
        return _english(ner)
    return _german(ner)


def _german(ner: bool) -> Language:
    # The NER model is loaded fresh (not the shared cached copy) since we add components and tokenizer rules;
    # loading it whole keeps its vocab and any static vectors its tok2vec layer needs.
    nlp = _load_ner_model() if ner else spacy.blank("de")
    rules = tokenizer_rules()
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    for abbreviation in rules.abbreviations:
        tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    model_pipes = list(nlp.pipe_names)
    for name in model_pipes:
        if name in {"senter", "sentencizer", "parser", "lemmatizer", "entity_ruler", "gazetteer"}:
            nlp.remove_pipe(name)  # sentences and lemmas come from our own components
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("quellenlage_sentences", before=first)
    nlp.add_pipe("quellenlage_lemmas", config={"lang": "de"}, before=first)
    if ner:
        ruler = nlp.add_pipe("entity_ruler", name="gazetteer", before=first)
        _add_gazetteer(ruler, german=True)
        nlp.add_pipe("quellenlage_name_rules")
    return nlp


def _english(ner: bool) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("quellenlage_sentences")
    nlp.add_pipe("quellenlage_lemmas", config={"lang": "en"})
    if ner:
        ruler = nlp.add_pipe("entity_ruler", name="gazetteer")
        _add_gazetteer(ruler, german=False)
        nlp.add_pipe("quellenlage_borrowed_names")
        nlp.add_pipe("quellenlage_name_rules")
    return nlp


def _load_ner_model() -> Language:
    if not ner_model_available():
        raise NerModelMissingError(
            f"German NER model not found in {NER_MODEL_PACKAGE}/{NER_MODEL_DIR}: {TRAIN_HINT}; "
            "use get_nlp('de', ner=False) for tokens, sentences and lemmas only"
        )
    return read_ner()


def _genitives(name: str) -> list[str]:
    """German genitive forms of a name ("Moskaus", "Sergej Lawrows"); names ending in a sibilant take none."""
    if name[-1:].lower() in {"s", "ß", "x", "z"} or not name[-1:].isalpha():
        return []
    return [name + "s"]


def _add_gazetteer(ruler: Any, *, german: bool) -> None:
    """Alias-table names and news agencies as entity patterns; German also gets genitives and "-ministerium"
    institutions."""
    assert isinstance(ruler, EntityRuler)
    patterns: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for group in alias_groups():
        for name in group.names:
            forms = [name, *(_genitives(name) if german else [])]
            for form in forms:
                if (form, group.kind) not in seen:
                    seen.add((form, group.kind))
                    patterns.append({"label": group.kind, "pattern": form})
    patterns.extend({"label": "ORG", "pattern": name} for name in agency_names())
    if german:
        ministry = {"TEXT": {"REGEX": r"^[A-ZÄÖÜ][a-zäöüß]*ministeriums?$"}}
        patterns.append({"label": "ORG", "pattern": [ministry]})
    ruler.add_patterns(patterns)


# --- sentence splitting -------------------------------------------------------------------------------
# Hand-written: spaCy's sentencizer splits after any full stop (also "3. Oktober", "2,5 Mio. Euro" when the
# abbreviation is unknown), ignores paragraph breaks and attaches an opening quote to the previous sentence.


def _is_terminal(texts: list[str], i: int, rules: TokenizerRules) -> bool:
    """A full stop, or a number whose attached full stop ends the sentence: the tokeniser keeps "3." whole
    for ordinals ("am 3. Oktober"), so "im Jahr 2024.", "auf 6,3." and "auf 12. Am Montag" are read here."""
    text = texts[i]
    if text in rules.sentence_final:
        return True
    if not text[:1].isdigit() or not text.endswith("."):
        return False
    following = texts[i + 1].strip() if i + 1 < len(texts) else ""
    if _YEAR_DOT.fullmatch(text) or _AMOUNT_DOT.fullmatch(text):  # no ordinal has a decimal or four digits
        return i + 1 < len(texts) and following not in rules.months
    return _ORDINAL.fullmatch(text) is not None and following in rules.openers_after_number


def _starts_sentence(texts: list[str], k: int) -> bool:
    """Whether the token at ``k`` can begin a sentence: its first word is capitalised or a number."""
    for text in texts[k:]:
        if text.isspace():
            continue
        first = text[0]
        if first in _OPENERS and len(text) == 1:
            continue
        return first.isupper() or first.isdigit() or first in _OPENERS
    return False


def sentence_starts(texts: list[str], spaces: list[str], rules: TokenizerRules) -> list[bool]:
    """Sentence-start flags for tokens ``texts`` with trailing whitespace ``spaces``."""
    n = len(texts)
    starts = [False] * n
    if n:
        starts[0] = True
    i = 0
    while i < n:
        text = texts[i]
        if _is_terminal(texts, i, rules):
            j = i + 1
            while (
                j < n
                and not spaces[j - 1]
                and (texts[j] in rules.sentence_final or texts[j] in _QUOTES_BRACKETS)
            ):
                j += 1
            k = _skip_space(texts, j)
            if k < n and _starts_sentence(texts, k):
                starts[k] = True
            i = j
            continue
        if text.isspace() and "\n" in text:
            k = _skip_space(texts, i)
            paragraph = text.count("\n") >= 2
            if (
                k < n
                and (paragraph or _starts_sentence(texts, k))
                and not (i > 0 and _ORDINAL.fullmatch(texts[i - 1]))
            ):
                starts[k] = True
            i = k
            continue
        i += 1
    return starts


def _skip_space(texts: list[str], j: int) -> int:
    while j < len(texts) and texts[j].isspace():
        j += 1
    return j


@Language.component("quellenlage_sentences")
def set_sentences(doc: Doc) -> Doc:
    rules = tokenizer_rules()
    texts = [t.text for t in doc]
    spaces = [t.whitespace_ for t in doc]
    starts = sentence_starts(texts, spaces, rules)
    if starts:  # one array write: the per-token setter re-checks the whole doc each time (quadratic)
        values = numpy.array([1 if s else -1 for s in starts], dtype="int64").astype("uint64").reshape(-1, 1)
        doc.from_array([SENT_START], cast(Ints2d, values))
    return doc


# --- lemmas -------------------------------------------------------------------------------------------


class SimplemmaLemmatizer:
    """Dictionary lemmas from simplemma (fast, pure Python), memoised per surface form."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.cache: dict[str, str] = {}
        # surface-form hash -> (lemma hash, lemma hash at a sentence start), for the string store below
        self._hashes: dict[int, tuple[int, int]] = {}
        self._strings: StringStore | None = None

    def lemma(self, text: str) -> str:
        found = self.cache.get(text)
        if found is None:
            found = text if not text[:1].isalpha() else simplemma.lemmatize(text, lang=self.lang)
            if len(self.cache) < 500_000:
                self.cache[text] = found
        return found

    def _lemma_hashes(self, text: str, strings: StringStore) -> tuple[int, int]:
        found = self.lemma(text)
        initial = found
        if found == text and text[:1].isupper():
            lowered = text.lower()  # sentence-initial verbs and adjectives: "Kommen" -> "kommen"
            if self.lemma(lowered) != lowered or simplemma.is_known(lowered, lang=self.lang):
                initial = self.lemma(lowered)
        return strings.add(found), strings.add(initial)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        if strings is not self._strings:
            self._hashes, self._strings = {}, strings
        known = self._hashes
        out: list[int] = []
        for orth, start in zip(doc.to_array(ORTH).tolist(), doc.to_array(SENT_START).tolist(), strict=True):
            pair = known.get(orth)
            if pair is None:
                pair = self._lemma_hashes(strings[orth], strings)
                if len(known) < 500_000:
                    known[orth] = pair
            out.append(pair[1] if start == 1 else pair[0])
        doc.from_array([LEMMA], cast(Ints2d, numpy.array(out, dtype="uint64").reshape(-1, 1)))
        return doc


@Language.factory("quellenlage_lemmas", default_config={"lang": "de"})
def make_lemmatizer(nlp: Language, name: str, lang: str) -> SimplemmaLemmatizer:
    return SimplemmaLemmatizer(lang)


# --- English names -------------------------------------------------------------------------------------
# No English NER model can be had here. The German model, run over the English pipeline's tokens, finds
# English names better than capitalisation rules did (benchmarks/ner.py, ECB+ dev): names look alike in
# both languages and its sub-word vectors come from a multilingual encoder.


class BorrowedNames:
    """Entities of the shipped German NER model for the tokens of another pipeline's Docs; names already
    found (by the gazetteer before it) are kept."""

    def __init__(self) -> None:
        self.model = _load_ner_model()

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        originals, to_copy = itertools.tee(docs)
        copies = (
            Doc(self.model.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d])
            for d in to_copy
        )
        for doc, found in zip(originals, self.model.pipe(copies, batch_size=batch_size), strict=True):
            taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
            new = [
                Span(doc, start, e.end, label=e.label_)
                for e in found.ents
                if not taken.intersection(range(e.start, e.end)) and (start := _without_article(e)) < e.end
            ]
            doc.ents = filter_spans([*doc.ents, *new])
            yield doc


def _without_article(span: Span) -> int:
    """Where the name starts: the German model takes a leading English article into it ("The Wendtal Water
    Authority"), which English names leave out."""
    return span.start + (span.end - span.start > 1 and span[0].lower_ == "the")


@Language.factory("quellenlage_borrowed_names")
def make_borrowed_names(nlp: Language, name: str) -> BorrowedNames:
    return BorrowedNames()
