"""Train the speaker model of extract/speakers.py on the quotation corpus' TRAIN split (never dev).

    .venv/bin/pip install '.[train]'
    nice -n 19 env OMP_NUM_THREADS=1 .venv/bin/python training/train_quote_speakers.py

For every quote the rules find in a train article (paired with the corpus' quotes as the evaluation pairs
them), the options are its candidate mentions and "no speaker". The right option is the candidate with the
highest token F1 against the annotated speaker mention when that reaches 0.5, else "no speaker" (a quote the
corpus does not have, one without a speaker, or one whose speaker no candidate covers). A conditional logit
(softmax over each quote's options, L2-penalised, fitted with scipy's L-BFGS) learns a linear score that
ranks the right option first. Its penalty is chosen by five-fold cross-validation over train articles on the
evaluation's speaker F1. Writes ``src/quellenlage/models/quote_speakers.json`` (feature ->
weight). Deterministic; a few minutes.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
from scipy.optimize import minimize
from scipy.sparse import csr_matrix
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict, cross_val_score

from quellenlage.eval.quotes import (
    GoldDocument,
    Macro,
    pair_quotes,
    product_nlp,
    read_documents,
    token_f1,
    tokens_in,
)
from quellenlage.extract.attribution import Analysis, Attribution, analyse
from quellenlage.extract.quotes import (
    QuoteMatch,
    covered_sentences,
    cue_attributions,
    find_quote_matches,
    sentence_match,
    speaker_contexts,
)
from quellenlage.extract.speakers import (
    MODEL_FILE,
    SENTENCE_MODEL_FILE,
    candidates,
    char_span,
    features,
    none_features,
    sentence_features,
)

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "data" / "german-news-quotation-attribution" / "train.jsonl.gz"
OUT = ROOT / "src" / "quellenlage" / "models" / MODEL_FILE
POSITIVE_F1 = 0.5
IN_QUOTE = 0.4  # share of a sentence's tokens inside a corpus quote that makes it a quote sentence
C_GRID = (0.03, 0.1, 0.3, 1.0)
PENALTIES = (1.0, 3.0, 10.0, 30.0)  # of the speaker model's squared weights
OFFSETS = (0.0, -0.5, -1.0, -1.5, -2.0, -3.0)


@dataclass(slots=True)
class Article:
    """A train article as the rules read it."""

    doc: GoldDocument
    an: Analysis
    atts: list[list[Attribution]]
    matches: list[QuoteMatch]  # the rules' quotes, then those the sentence model adds
    sentences: list[int] = field(default_factory=list)  # sentences no rule quote touches


@dataclass(slots=True)
class Examples:
    """Per quote: its options (0 = no speaker), their corpus tokens, the right ones, the article."""

    feats: list[dict[str, int]] = field(default_factory=list)  # every option of every quote
    option_tokens: list[list[int]] = field(default_factory=list)
    quotes: list[range] = field(default_factory=list)  # quote -> its rows in feats
    right: list[set[int]] = field(default_factory=list)  # quote -> rows of its right options
    gold: list[list[int]] = field(default_factory=list)  # quote -> annotated speaker tokens
    article: list[int] = field(default_factory=list)  # quote -> article index, for folds
    missed: list[int] = field(default_factory=list)  # article -> its speakers on quotes no match finds


def read_articles(path: Path) -> list[Article]:
    nlp = product_nlp()
    out = []
    for doc in read_documents(path):
        spacy_doc = nlp(doc.text)
        matches = find_quote_matches(doc.name, doc.text, spacy_doc, sourced=True, learned=False)
        an = analyse(doc.text, spacy_doc)
        out.append(Article(doc, an, cue_attributions(an), matches))
    return out


def sentence_examples(articles: list[Article]) -> tuple[list[dict[str, int]], np.ndarray, np.ndarray]:
    """Features, labels (1: at least ``IN_QUOTE`` of the sentence inside a corpus quote) and articles of the
    sentences no rule quote touches."""
    feats, labels, groups = [], [], []
    for di, art in enumerate(articles):
        covered = covered_sentences(art.an, art.matches)
        quoted = {k for g in art.doc.quotes for k in g.quote_tokens}
        for si, (first, end) in enumerate(art.an.sentences):
            if si in covered:
                continue
            toks = tokens_in((art.an.tokens[first].start, art.an.tokens[end - 1].end), art.doc.token_spans)
            art.sentences.append(si)
            feats.append(dict.fromkeys(sentence_features(art.an, si, art.atts, covered), 1))
            labels.append(int(bool(toks) and len(quoted.intersection(toks)) >= IN_QUOTE * len(toks)))
            groups.append(di)
    return feats, np.array(labels), np.array(groups)


def train_sentences(articles: list[Article]) -> dict[str, object]:
    """The sentence model: a logistic regression, C by cross-validated log loss over train articles. The
    sentences it takes out of fold become quotes of their articles, so that the speaker model learns on
    them as it will meet them."""
    feats, y, groups = sentence_examples(articles)
    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    folds = list(GroupKFold(n_splits=5).split(x, y, groups))
    losses = {
        c: -cross_val_score(
            LogisticRegression(C=c, max_iter=3000), x, y, cv=folds, scoring="neg_log_loss"
        ).mean()
        for c in C_GRID
    }
    c = min(losses, key=lambda k: losses[k])
    model = LogisticRegression(C=c, max_iter=3000).fit(x, y)
    taken = cross_val_predict(LogisticRegression(C=c, max_iter=3000), x, y, cv=folds)
    print(
        f"sentences: {len(y)} outside rule quotes, {int(y.sum())} inside a corpus quote; C={c}; "
        f"cross-validated: {int(taken.sum())} taken, {int((taken & y).sum())} right"
    )
    rows = iter(taken)
    for art in articles:
        added = [sentence_match(art.doc.name, art.an, si, art.atts) for si in art.sentences if next(rows)]
        art.matches = sorted(art.matches + added, key=lambda m: (m.quote.start, m.quote.end))
    return {
        "_doc": "extract/speakers.py: logistic regression, a sentence no rule quote touches is a quote when "
        "its score is above 0; written by training/train_quote_speakers.py from the train split only",
        "sklearn": sklearn.__version__,
        "C": c,
        "cross_validated_log_loss": round(losses[c], 4),
        "bias": round(float(model.intercept_[0]), 4),
        "weights": _weights(vec, model.coef_[0]),
    }


def speaker_examples(articles: list[Article]) -> Examples:
    ex = Examples()
    for di, art in enumerate(articles):
        doc, an = art.doc, art.an
        pred_q, pairs = pair_quotes(doc, art.matches)
        gold_of = {
            pi: doc.quotes[gi].speaker_tokens
            for gi, pi in pairs
            if set(doc.quotes[gi].quote_tokens) & set(pred_q[pi])
        }
        found = {gi for gi, pi in pairs if set(doc.quotes[gi].quote_tokens) & set(pred_q[pi])}
        ex.missed.append(sum(bool(g.speaker_tokens) for gi, g in enumerate(doc.quotes) if gi not in found))
        for pi, ctx in enumerate(speaker_contexts(an, art.matches, art.atts)):
            gold = gold_of.get(pi, [])
            first = len(ex.feats)
            ex.feats.append(dict.fromkeys(none_features(ctx), 1))
            ex.option_tokens.append([])
            scores = [0.0]
            for cand in candidates(an, ctx):
                toks = tokens_in(char_span(an, cand), doc.token_spans)
                ex.feats.append(dict.fromkeys(features(an, cand, ctx), 1))
                ex.option_tokens.append(toks)
                scores.append(token_f1(gold, toks) if gold else 0.0)
            top = max(scores)
            right = [k for k, f in enumerate(scores) if f == top] if top >= POSITIVE_F1 else [0]
            ex.quotes.append(range(first, len(ex.feats)))
            ex.right.append({first + k for k in right})
            ex.gold.append(gold)
            ex.article.append(di)
    return ex


def _weights(vec: DictVectorizer, coef: np.ndarray) -> dict[str, float]:
    names = vec.get_feature_names_out()
    return dict(sorted((n, round(float(w), 4)) for n, w in zip(names, coef, strict=True) if abs(w) >= 1e-3))


def speaker_f1(ex: Examples, scores: np.ndarray, offset: float = 0.0) -> float:
    """The evaluation's speaker F1 on train, the corpus' speakers on quotes the rules miss counted as
    missed; ``offset`` is added to the score of "no speaker"."""
    macro = Macro()
    for q, rows in enumerate(ex.quotes):
        option = scores[rows.start : rows.stop].copy()
        option[0] += offset
        macro.add(ex.gold[q], ex.option_tokens[rows[int(np.argmax(option))]])
    macro.recalls.extend([0.0] * sum(ex.missed))
    return float(macro.result()["f1"])


def fit(ex: Examples, quotes: list[int], x: csr_matrix, penalty: float) -> np.ndarray:
    """Weights of a conditional logit over each quote's options: the loss is minus the log of the share of
    probability on its right options (softmax over the options of the quote), plus ``penalty`` times the
    squared weights. Hand-written with scipy's L-BFGS because scikit-learn has no grouped (listwise)
    logistic loss; it beats the pairwise one because every quote weighs alike however many mentions surround
    it."""
    rows = np.concatenate([np.arange(ex.quotes[q].start, ex.quotes[q].stop) for q in quotes])
    xs = x[rows]
    group = np.repeat(np.arange(len(quotes)), [len(ex.quotes[q]) for q in quotes])
    right = np.array([r in ex.right[q] for q in quotes for r in ex.quotes[q]], dtype=float)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = xs @ w
        top = np.full(len(quotes), -np.inf)
        np.maximum.at(top, group, s)
        e = np.exp(s - top[group])
        total = np.bincount(group, weights=e)
        on_right = np.bincount(group, weights=e * right)
        value = float(np.log(total).sum() - np.log(on_right).sum() + penalty * w @ w)
        grad = xs.T @ (e / total[group] - e * right / on_right[group]) + 2 * penalty * w
        return value, grad

    return minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x


def cross_validate(ex: Examples, x: csr_matrix) -> tuple[float, float, float]:
    """(penalty, offset of "no speaker", F1) with the best cross-validated speaker F1. The offset trades
    precision for recall: the loss weighs both alike, the evaluation's F1 does not when recall is lower."""
    quotes = np.arange(len(ex.quotes))
    best = (0.0, 0.0, -1.0)
    for c in PENALTIES:
        scores = np.zeros(x.shape[0])
        for train_q, test_q in GroupKFold(n_splits=5).split(quotes, groups=np.array(ex.article)):
            weights = fit(ex, list(train_q), x, c)
            rows = np.concatenate([np.arange(ex.quotes[q].start, ex.quotes[q].stop) for q in test_q])
            scores[rows] = x[rows] @ weights
        for offset in OFFSETS:
            f1 = speaker_f1(ex, scores, offset)
            print(f"penalty={c:<5} offset={offset:<5} cross-validated speaker F1 {f1:.3f}")
            if f1 > best[2]:
                best = (c, offset, f1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, default=TRAIN)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    articles = read_articles(args.train)
    sentence_model = train_sentences(articles)
    ex = speaker_examples(articles)
    vec = DictVectorizer()
    x = csr_matrix(vec.fit_transform(ex.feats))
    quotes = list(range(len(ex.quotes)))
    print(f"{len(ex.quotes)} quotes, {x.shape[0]} options, {x.shape[1]} features")
    rules = np.array([f.get("rule=same", 0) + 0.5 * f.get("NONE", 0) for f in ex.feats], dtype=float)
    rules_f1 = speaker_f1(ex, rules)
    print(f"rules' speakers: speaker F1 {rules_f1:.3f}")
    c, offset, f1 = cross_validate(ex, x)
    print(f"chosen penalty={c} offset={offset} (cross-validated speaker F1 {f1:.3f})")
    weights = _weights(vec, fit(ex, quotes, x, c))
    weights["NONE"] = round(weights.get("NONE", 0.0) + offset, 4)
    out = {
        "_doc": "extract/speakers.py: linear scores of candidate speaker mentions and of no speaker; "
        "written by training/train_quote_speakers.py from the train split only",
        "sklearn": sklearn.__version__,
        "penalty": c,
        "cross_validated_speaker_f1": round(f1, 3),
        "rules_speaker_f1": round(rules_f1, 3),
        "weights": weights,
    }
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(weights)} weights)")
    sentence_out = args.out.with_name(SENTENCE_MODEL_FILE)
    sentence_out.write_text(json.dumps(sentence_model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {sentence_out}")


if __name__ == "__main__":
    main()
