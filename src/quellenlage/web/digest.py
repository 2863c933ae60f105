"""What the web shows of a story, computed once when the story changes and stored with it.

A request then reads one stored object instead of running the stages again: the brief as JSON
and Markdown, the figures with the spans they cite, the who-says-what matrix with the words behind
each cell, the timeline chart, the outlets with their share of wire copy, and the story list's
summary. The timeline is the costliest part of the brief, so it is computed once here (inside
``render_json``) and the chart is drawn from that result.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from ..brief import render_json, render_markdown, timeline_svg
from ..compare import Event, outlet_name, story_group
from ..corpus import Corpus
from ..model import Article, Citation, Claim, Quote
from ..reuse import reused_share

VIEWS = "web_views"  # the story page's data, one object per story
SUMMARIES = "web_summaries"  # a story's line in the story list


def story_view(corpus: Corpus, story_id: str) -> dict[str, Any]:
    """Everything the story page and the story endpoints show, as plain JSON data."""
    found = story_group(corpus, story_id)
    if found is None:
        raise KeyError(f"no story {story_id!r}")
    story, articles = found
    view = render_json(corpus, story_id)
    outlets = {a.id: outlet_name(a) for a in articles}
    rows = [_article_row(corpus, a, outlets) for a in articles]
    slot_of: dict[int, dict[str, Any]] = {}
    for slot in view["slots"]:
        for value in slot["values"]:
            claim = corpus.claims[value["claim"]]
            value.update(start=claim.start, end=claim.end)
            slot_of[value["claim"]] = slot
    matrix_outlets = list(dict.fromkeys(o for row in view["source_matrix"].values() for o in row))
    view.update(
        story=asdict(story),
        matrix_outlets=matrix_outlets,
        source_matrix=_matrix(corpus, view["source_matrix"], matrix_outlets),
        articles=rows,
        outlets=_outlet_rows(rows),
        claims=[
            dict(asdict(c), outlet=outlets.get(c.article), slot=slot_of.get(n, {}).get("id"))
            for n, c in enumerate(corpus.claims)
            if c.article in outlets
        ],
        quotes=[
            dict(asdict(q), outlet=outlets.get(q.article)) for q in corpus.quotes if q.article in outlets
        ],
        entities=_entities(corpus, outlets),
        coverage=_coverage(articles),
        timeline_svg=timeline_svg([_event(e) for e in view["timeline"]]),
        markdown=render_markdown(corpus, story_id),
    )
    # A fingerprint of the content: pages rendered from an unchanged view stay valid in a cache.
    view["stamp"] = hashlib.sha1(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16]
    return view


def summary(view: dict[str, Any]) -> dict[str, Any]:
    """The story's line in the story list: size, outlets by number of reports, coverage over time."""
    outlets = Counter(a["outlet"] for a in view["articles"])
    statuses = Counter(slot["status"] for slot in view["slots"] if slot["values"])
    story = view["story"]
    return {
        "id": story["id"],
        "label": story["label"],
        "articles": len(view["articles"]),
        "outlets": [name for name, _ in outlets.most_common()],
        "first": story.get("first"),
        "last": story.get("last"),
        "coverage": view["coverage"],
        "figures": dict(statuses),
        "stamp": view["stamp"],
    }


def slot_ids(view: dict[str, Any] | None) -> set[str]:
    return {slot["id"] for slot in view["slots"]} if view else set()


def _matrix(
    corpus: Corpus, matrix: dict[str, dict[str, dict[str, list[int]]]], outlets: list[str]
) -> list[dict[str, Any]]:
    """Source -> one cell per outlet (in ``outlets`` order) with the quotes and claims behind it."""
    rows = []
    for source, cells in matrix.items():
        row = []
        for outlet in outlets:
            cell = cells.get(outlet, {"claims": [], "quotes": []})
            items: list[tuple[str, Claim | Quote]] = [("claim", corpus.claims[i]) for i in cell["claims"]]
            items += [("quote", corpus.quotes[i]) for i in cell["quotes"]]
            row.append(
                {
                    "outlet": outlet,
                    "items": [
                        {"kind": kind, "article": x.article, "start": x.start, "end": x.end, "text": x.text}
                        for kind, x in items
                    ],
                }
            )
        rows.append({"source": source, "cells": row})
    return rows


def _event(data: dict[str, Any]) -> Event:
    """An event of ``render_json``'s timeline, back as the object the chart is drawn from."""
    citations = [Citation(**c) for c in data["citations"]]
    return Event(data["when"], data["text"], citations, explicit=True)  # the chart does not read explicit


def _wire(corpus: Corpus, article: Article, outlets: dict[str, str]) -> dict[str, float]:
    """Share of the article inside passages it shares with other reports, by origin (agency or outlet)."""
    shares = reused_share(article, (r for r in corpus.reuse if article.id in (r.a, r.b)))
    return {outlets.get(origin, origin): share for origin, share in shares.items()}


def _article_row(corpus: Corpus, article: Article, outlets: dict[str, str]) -> dict[str, Any]:
    wire = _wire(corpus, article, outlets)
    return {
        "id": article.id,
        "outlet": outlets[article.id],
        "title": article.title,
        "published": article.published.value if article.published else None,
        "language": article.language,
        "agencies": article.agencies,
        "chars": len(article.text),
        "wire_share": min(1.0, sum(wire.values())),
        "wire_origins": wire,
    }


def _outlet_rows(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per outlet: its reports, the agencies it credits, and how much of its text is shared wire copy."""
    rows: dict[str, dict[str, Any]] = {}
    for article in articles:
        row = rows.setdefault(
            article["outlet"],
            {"outlet": article["outlet"], "articles": 0, "agencies": [], "chars": 0, "wire": 0.0},
        )
        row["articles"] += 1
        row["agencies"] = sorted({*row["agencies"], *article["agencies"]})
        row["chars"] += article["chars"]
        row["wire"] += article["wire_share"] * article["chars"]
    return sorted(
        (
            {
                "outlet": r["outlet"],
                "articles": r["articles"],
                "agencies": r["agencies"],
                "wire_share": r["wire"] / max(r["chars"], 1),
            }
            for r in rows.values()
        ),
        key=lambda r: (-r["articles"], r["outlet"]),
    )


def _entities(corpus: Corpus, outlets: dict[str, str]) -> list[dict[str, Any]]:
    counts = Counter(m.entity for m in corpus.mentions if m.article in outlets)
    return [
        dict(asdict(e), mentions=counts[e.id])
        for e in sorted(corpus.entities, key=lambda e: (-counts[e.id], e.name))
        if counts[e.id]
    ]


def _coverage(articles: list[Article]) -> list[list[Any]]:
    """Reports per publication day (a month or year date counts on its first day), in date order."""
    days = Counter(a.published.first_day().isoformat() for a in articles if a.published)
    return [[day, count] for day, count in sorted(days.items())]
