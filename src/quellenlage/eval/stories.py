"""Evaluation of story clustering: B-cubed and pairwise precision/recall/F1 against gold story labels.

Gold sets: ECB+ (a folder in the layout of ``ecbplus-event-coref`` or one of its ``ecbplus_*.tar.gz``;
English; scored at topic level and at sub-topic = seminal-event level), any JSONL with ``{"text", "published",
"story"}`` lines (optional ``id``, ``title``, ``language``), and the spec folder (its five articles mixed into
the 10kGNAD test articles, none of which may join them). A plain TF-IDF single-pass baseline runs alongside.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
import tarfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quellenlage.clean import article_id, clean
from quellenlage.language import analyse, ner_model_available
from quellenlage.model import Article, RawDocument, Story, parse_date_hint
from quellenlage.stories import (
    StoryFeatures,
    cluster,
    features_from_article,
    features_from_language,
)
from quellenlage.stories.features import content_lemmas

ECB_SPLITS = ("dev", "test")
# Threshold of the baseline, chosen on ECB+ dev like those of StoryConfig (a fair comparison): the best mean
# B-cubed F1 of the two levels over 0.15-0.40 in steps of 0.05.
BASELINE_THRESHOLD = 0.3
THREAD_LEVELS = ("topic",)  # gold levels scored against the threads of the stories, not the stories
Metrics = dict[str, float]


# --- metrics -----------------------------------------------------------------------------------------


def _prf(precision: float, recall: float) -> Metrics:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def bcubed(
    gold: Mapping[str, str], predicted: Mapping[str, str], items: Iterable[str] | None = None
) -> Metrics:
    """B-cubed P/R/F1 averaged over ``items`` (default: all gold items). Cluster sizes count every item of
    ``predicted``, so an outside article in a gold item's cluster lowers its precision."""
    chosen = list(gold if items is None else items)
    if not chosen:
        return _prf(1.0, 1.0)
    pred_size = Counter(predicted.values())
    gold_size = Counter(gold[i] for i in gold if i in predicted)
    both = Counter((gold[i], predicted[i]) for i in gold if i in predicted)
    precision = sum(both[gold[i], predicted[i]] / pred_size[predicted[i]] for i in chosen) / len(chosen)
    recall = sum(both[gold[i], predicted[i]] / gold_size[gold[i]] for i in chosen) / len(chosen)
    return _prf(precision, recall)


def pairwise(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Metrics:
    """Precision/recall/F1 of the same-story decisions over all pairs of gold items."""

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    items = [i for i in gold if i in predicted]
    together = pairs(Counter((gold[i], predicted[i]) for i in items).values())
    in_pred = pairs(Counter(predicted[i] for i in items).values())
    in_gold = pairs(Counter(gold[i] for i in items).values())
    return _prf(together / in_pred if in_pred else 1.0, together / in_gold if in_gold else 1.0)


def assignment(stories: Iterable[Story]) -> dict[str, str]:
    return {article: story.id for story in stories for article in story.articles}


def thread_assignment(stories: Iterable[Story]) -> dict[str, str]:
    return {article: story.thread or story.id for story in stories for article in story.articles}


# --- baseline ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Centroid:
    first: str
    weights: dict[str, float] = field(default_factory=dict)


def baseline(features: Sequence[StoryFeatures], threshold: float) -> dict[str, str]:
    """Plain single-pass TF-IDF: lower-cased words, running IDF, every story's centroid compared."""
    df: Counter[str] = Counter()
    centroids: list[_Centroid] = []
    out: dict[str, str] = {}
    for docs, item in enumerate(features, start=1):
        tf = Counter(w.casefold() for w in re.findall(r"\w+", f"{item.title} {item.text}") if not w.isdigit())
        df.update(tf.keys())
        vec = {w: (1 + math.log(n)) * (math.log((1 + docs) / (1 + df[w])) + 1) for w, n in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {w: v / norm for w, v in vec.items()}
        best, best_score = None, threshold
        for centroid in centroids:
            c_norm = math.sqrt(sum(v * v for v in centroid.weights.values())) or 1.0
            score = sum(v * centroid.weights.get(w, 0.0) for w, v in vec.items()) / c_norm
            if score >= best_score:
                best, best_score = centroid, score
        if best is None:
            best = _Centroid(item.id)
            centroids.append(best)
        for w, v in vec.items():
            best.weights[w] = best.weights.get(w, 0.0) + v
        out[item.id] = best.first
    return out


# --- data sets ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldSet:
    name: str
    features: list[StoryFeatures]
    levels: dict[str, dict[str, str]]  # level -> article id -> gold story
    items: list[str] | None = None  # the articles scored (default: all)


_DETOKENISE = re.compile(r" (?=[.,;:!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)|(?<=[(\[{$]) ")


def _ecb_document(xml: bytes) -> tuple[str, str]:
    """Title (first sentence) and body of an ECB+ file; the source URL of ``ecbplus`` files is dropped."""
    root = ET.fromstring(xml)
    sentences: dict[int, list[str]] = defaultdict(list)
    for token in root.iter("token"):
        sentences[int(token.get("sentence", "0"))].append(token.text or "")
    name = root.get("doc_name", "")
    lines = [_DETOKENISE.sub("", " ".join(sentences[k])) for k in sorted(sentences)]
    if name.endswith("ecbplus.xml"):
        lines = lines[1:]
    return (lines[0] if lines else ""), "\n".join(lines[1:])


def read_ecbplus(archive: Path) -> GoldSet:
    """Articles of one ECB+ split archive with their topic and sub-topic (topic + ecb/ecbplus) labels."""
    articles: list[Article] = []
    topic: dict[str, str] = {}
    subtopic: dict[str, str] = {}
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            match = re.search(r"/(\d+)_\d+(ecbplus|ecb)\.xml$", member.name)
            stream = tar.extractfile(member) if match else None
            if match is None or stream is None:
                continue
            title, body = _ecb_document(stream.read())
            doc_id = article_id(f"{title}\n{body}")
            articles.append(Article(doc_id, member.name, body, body, language="en", title=title))
            topic[doc_id] = match.group(1)
            subtopic[doc_id] = f"{match.group(1)}{match.group(2)}"
    result = analyse(articles)  # English entities are rule-based: no model needed
    features = features_from_language(articles, result)
    title_lemmas = {a.id: content_lemmas(a.title or "", "en") for a in articles}
    features = [_with_title(f, title_lemmas[f.id]) for f in features]
    name = archive.name.removesuffix(".tar.gz")
    return GoldSet(name, features, {"topic": topic, "subtopic": subtopic})


def _with_title(item: StoryFeatures, lemmas: tuple[str, ...]) -> StoryFeatures:
    return StoryFeatures(
        item.id,
        item.title,
        item.text,
        item.published,
        item.language,
        item.lemmas,
        lemmas,
        item.entities,
        item.entity_names,
    )


def read_jsonl(path: Path) -> GoldSet:
    """Lines ``{"text", "published", "story"}`` (optional ``id``, ``title``, ``language``)."""
    features: list[StoryFeatures] = []
    gold: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text = str(row["text"])
        item_id = str(row.get("id") or article_id(text))
        published = parse_date_hint(str(row["published"])) if row.get("published") else None
        features.append(
            StoryFeatures(item_id, str(row.get("title") or ""), text, published, row.get("language"))
        )
        gold[item_id] = str(row["story"])
    return GoldSet(path.stem, features, {"story": gold})


def _german_features(articles: list[Article]) -> list[StoryFeatures]:
    if ner_model_available():
        return features_from_language(articles, analyse(articles))
    return [features_from_article(a) for a in articles]


def read_spec(folder: Path, gnad: Path) -> GoldSet:
    """The spec articles (cleaned, dates from their headers) mixed into the 10kGNAD test articles."""
    articles: list[Article] = []
    gold: dict[str, str] = {}
    expected = {}
    for line in (folder / "expected_stories.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            expected[row["article"]] = row["story"]
    for path in sorted((folder / "articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        article = clean(RawDocument(str(path), text.encode("utf-8"), text))
        article.id = path.stem  # the spec's gold keys are file names
        articles.append(article)
        gold[article.id] = expected.get(path.stem, path.stem)
    items = [a.id for a in articles]
    with gzip.open(gnad, "rt", encoding="utf-8") as stream:
        for number, row in enumerate(csv.reader(stream, delimiter=";", quotechar="'")):
            text = row[1]
            articles.append(Article(f"gnad-{number:04d}", str(gnad), text, text, language="de"))
            gold[f"gnad-{number:04d}"] = f"gnad-{number:04d}"  # unknown stories: never the spec's
    return GoldSet("spec+10kgnad", _german_features(articles), {"story": gold}, items)


def gold_sets(path: Path) -> list[GoldSet]:
    if path.is_file() and path.name.endswith(".tar.gz"):
        return [read_ecbplus(path)]
    if path.is_file():
        return [read_jsonl(path)]
    if (path / "expected_stories.jsonl").is_file():
        gnad = path.parent / "data" / "10kgnad-news" / "test.csv.gz"
        return [read_spec(path, gnad)]
    archives = [path / f"ecbplus_{split}.tar.gz" for split in ECB_SPLITS]
    found = [read_ecbplus(a) for a in archives if a.is_file()]
    if not found:
        raise FileNotFoundError(f"no ECB+ dev/test archive, JSONL file or spec folder at {path}")
    return found


# --- running -----------------------------------------------------------------------------------------


def _score(gold: GoldSet, level: str, predicted: Mapping[str, str]) -> dict[str, object]:
    labels = gold.levels[level]
    return {
        "bcubed": bcubed(labels, predicted, gold.items),
        "pairwise": pairwise(labels if gold.items is None else {i: labels[i] for i in gold.items}, predicted),
        "clusters": len(set(predicted.values())),
        "intruders": _intruders(gold, predicted),
    }


def evaluate(path: Path) -> dict[str, dict[str, dict[str, object]]]:
    """Per data set and level: metrics of the stories stage and of the TF-IDF baseline."""
    return {key: scores for gold in gold_sets(path) for key, scores in evaluate_gold(gold).items()}


def evaluate_gold(gold: GoldSet) -> dict[str, dict[str, dict[str, object]]]:
    """Per level of one data set: metrics of the stories stage and of the baseline, each one run for all
    levels (topic levels scored against the threads of the stories, the other levels against the stories)."""
    stories = cluster(gold.features)
    plain = baseline(sorted(gold.features, key=lambda f: f.id), BASELINE_THRESHOLD)
    results: dict[str, dict[str, dict[str, object]]] = {}
    for level in gold.levels:
        found = thread_assignment(stories) if level in THREAD_LEVELS else assignment(stories)
        results[f"{gold.name}/{level}"] = {
            "stories": _score(gold, level, found),
            "baseline": _score(gold, level, plain),
        }
    return results


def _intruders(gold: GoldSet, predicted: Mapping[str, str]) -> int:
    """Articles outside the scored items that share a story with one of them (spec mix)."""
    if gold.items is None:
        return 0
    scored = set(gold.items)
    clusters = {predicted[i] for i in scored if i in predicted}
    return sum(1 for i, c in predicted.items() if c in clusters and i not in scored)


def main(path: str, as_json: bool = False) -> dict[str, dict[str, dict[str, object]]]:
    """Print a table of the results and, as the last line, their JSON."""
    results = evaluate(Path(path))
    header = f"{'data/level':<28} {'system':<9} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} "
    header += f"{'pair P':>6} {'pair R':>6} {'pair F1':>7} {'clusters':>8}"
    if not as_json:
        print(header)
        for key, systems in results.items():
            for system, scores in systems.items():
                b3, pw = scores["bcubed"], scores["pairwise"]
                assert isinstance(b3, dict) and isinstance(pw, dict)
                print(
                    f"{key:<28} {system:<9} {b3['precision']:>6.3f} {b3['recall']:>6.3f} {b3['f1']:>6.3f} "
                    f"{pw['precision']:>6.3f} {pw['recall']:>6.3f} {pw['f1']:>7.3f} {scores['clusters']:>8}"
                )
    print(json.dumps(results, sort_keys=True))
    return results
