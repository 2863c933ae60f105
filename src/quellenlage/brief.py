"""Brief: an extractive, cited summary of a story, rendered as Markdown, self-contained HTML or JSON.

Every sentence of a brief carries citations ``(article, start, end)`` into the cleaned text, and its
words come from the cited spans: sentences are taken from the reports (chosen by MMR for centrality
without repetition), and the rows of figures and conflicts restate the claims they cite and their
sources, adding little more than outlet counts and a status word. The rendered tables also name the
outlets and give the times as TIMEX3 values, which no report's text holds.
"""

from __future__ import annotations

import html
from dataclasses import asdict
from typing import Any

from .compare import (
    ClaimView,
    Event,
    SlotRow,
    SourceNames,
    article_by_id,
    content_set,
    corpus_index,
    doc_sentences,
    outlet_name,
    slot_rows,
    source_matrix,
    story_group,
    timeline,
)
from .corpus import Corpus
from .model import Article, Brief, BriefSentence, Citation, Story

__all__ = ["SECTIONS", "brief", "build_brief", "render_html", "render_json", "render_markdown"]

SECTIONS = ("what happened", "figures", "who says what", "timeline", "conflicts and single sources")
_SUMMARY_SENTENCES = 4
_MMR_LAMBDA = 0.7


def _articles(corpus: Corpus, story_id: str) -> tuple[Story, list[Article]]:
    found = story_group(corpus, story_id)
    if found is None:
        raise KeyError(f"no story {story_id!r}")
    return found


def _sentence_spans(corpus: Corpus, article: Article) -> list[tuple[int, int]]:
    """Full sentences of six words or more (headings and captions left out); memoised per Doc."""
    doc = corpus.docs.get(article.id)
    if doc is not None and id(doc) in _SPANS and _SPANS[id(doc)][0] is doc:
        return _SPANS[id(doc)][1]
    spans = _full_sentences(corpus, article)
    if doc is not None:
        if len(_SPANS) > 4096:
            _SPANS.clear()
        _SPANS[id(doc)] = (doc, spans)
    return spans


_SPANS: dict[int, tuple[Any, list[tuple[int, int]]]] = {}


def _full_sentences(corpus: Corpus, article: Article) -> list[tuple[int, int]]:
    index = corpus_index(corpus)
    spans = index.sentences.get(article.id) if article.id in index.articles else None
    if spans is None:
        spans = doc_sentences(corpus, article) or []
    text = article.text
    return [(a, b) for a, b in spans if len(text[a:b].split()) >= 6 and text[a:b].rstrip()[-1:] in '.!?«»"“”']


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _what_happened(corpus: Corpus, arts: list[Article]) -> list[BriefSentence]:
    """Maximal marginal relevance: central sentences (told by other reports too, early in their
    report), each new one as unlike the chosen ones as possible."""
    pool: list[tuple[Citation, str, frozenset[str], int]] = []
    for article in arts:
        for rank, (start, end) in enumerate(_sentence_spans(corpus, article)):
            text = article.text[start:end].strip()
            pool.append((Citation(article.id, start, start + len(text)), text, content_set(text), rank))
    scores = []
    for cit, _text, words, rank in pool:
        others = [_overlap(words, w) for c, _t, w, _r in pool if c.article != cit.article]
        centrality = sum(sorted(others, reverse=True)[:3]) / 3 if others else 0.0
        scores.append(centrality + 0.3 / (1 + rank))
    chosen: list[int] = []
    while len(chosen) < min(_SUMMARY_SENTENCES, len(pool)):
        best = max(
            (i for i in range(len(pool)) if i not in chosen),
            key=lambda i: (
                _MMR_LAMBDA * scores[i]
                - (1 - _MMR_LAMBDA) * max((_overlap(pool[i][2], pool[j][2]) for j in chosen), default=0.0)
            ),
        )
        chosen.append(best)
    return [BriefSentence(pool[i][1], [pool[i][0]], "what happened") for i in chosen]


def _claim_citations(corpus: Corpus, view: ClaimView) -> list[Citation]:
    """The claim's sentence, and the earlier sentence naming its source when the attribution carries over
    ("Nach ukrainischen Angaben ... Darunter seien 3000 Soldaten")."""
    own = Citation(view.claim.article, view.sentence[0], view.sentence[1])
    article = article_by_id(corpus, view.claim.article)
    if article is None:
        return [own]
    out = [own]
    here = content_set(article.text[own.start : own.end])
    spans = _sentence_spans(corpus, article)
    for phrase in view.sources:
        words = content_set(phrase)
        if not words or words <= here:
            continue
        earlier = [
            sp for sp in spans if sp[1] <= own.start and words & content_set(article.text[sp[0] : sp[1]])
        ]
        if earlier:
            out.append(Citation(article.id, *earlier[-1]))
    return _unique(out)


def _outlet(corpus: Corpus, article_id: str) -> str:
    article = article_by_id(corpus, article_id)
    return outlet_name(article) if article else article_id


def _sources(views: list[ClaimView]) -> list[str]:
    """Original sources of some claims, one name per identity, relays ("Medien") left out."""
    return [name for name, _views in _by_source(views)]


def _by_source(views: list[ClaimView]) -> list[tuple[str, list[ClaimView]]]:
    """Each original source (one name per identity, relays left out) with the claims resting on it."""
    names = SourceNames()
    carried: dict[str, list[ClaimView]] = {}
    for view in views:
        for phrase in view.sources:
            key = names.add(phrase)
            if key is not None:
                carried.setdefault(key, []).append(view)
    out: dict[str, list[ClaimView]] = {}
    for key, resting in carried.items():
        shared = out.setdefault(names.name(key), [])
        shared += [v for v in resting if all(v is not w for w in shared)]
    return list(out.items())


def _rests_on(corpus: Corpus, cluster: list[ClaimView], outlets: list[str]) -> str:
    """Whom a figure carried by several outlets rests on, and in how many of them each source is named:
    "rests on X (3 of 3), Y (1 of 3)". Counts, not outlet names again: a row must stay mostly the words
    of the reports it cites."""
    parts = []
    for name, views in sorted(_by_source(cluster), key=lambda kv: -len(kv[1])):
        carrying = {_outlet(corpus, v.claim.article) for v in views}
        parts.append(f"{name} ({len(carrying)} of {len(outlets)})")
    return ", rests on " + ", ".join(parts) if parts else ""


def cluster_text(corpus: Corpus, cluster: list[ClaimView], named: bool = True) -> str:
    """One group of agreeing values: the figures as written, the outlets carrying them, whom they rest on.
    ``named`` adds what no report's text holds, the outlet names and the times as TIMEX3 values: the
    rendered tables show them, while a brief sentence keeps to the words of the spans it cites (its
    citations name the articles, and so the outlets)."""
    figures = " / ".join(dict.fromkeys(v.claim.text for v in cluster))
    outlets = list(dict.fromkeys(_outlet(corpus, v.claim.article) for v in cluster))
    times = sorted({v.claim.when for v in cluster if v.claim.when})
    when = f" [{', '.join(times)}]" if times and named else ""
    if len(outlets) == 1:
        sources = ", ".join(_sources(cluster))
        shown = f"{outlets[0]}: {sources}" if named and sources else (outlets[0] if named else sources)
        return f"{figures}{when} ({shown})" if shown else f"{figures}{when}"
    listed = f" ({', '.join(outlets)})" if named else ""
    return f"{figures}{when} in {len(outlets)} outlets{listed}{_rests_on(corpus, cluster, outlets)}"


def row_text(corpus: Corpus, row: SlotRow) -> str:
    clusters = "; ".join(cluster_text(corpus, c, named=False) for c in row.clusters)
    return f"{row.slot.counts}: {clusters} – {row.slot.status}."


def _figures(corpus: Corpus, rows: list[SlotRow]) -> list[BriefSentence]:
    return [
        BriefSentence(
            row_text(corpus, row),
            _unique(c for v in row.values for c in _claim_citations(corpus, v)),
            "figures",
        )
        for row in rows
    ]


def _unique(citations: Any) -> list[Citation]:
    return list(dict.fromkeys(citations))


def _who_says_what(corpus: Corpus, story_id: str, limit: int = 6) -> list[BriefSentence]:
    """For the sources most outlets carry: the first sentence where one of its quotes or claims stands."""
    matrix = source_matrix(corpus, story_id)
    ranked = sorted(
        matrix.items(),
        key=lambda kv: (-len(kv[1]), -sum(len(c.claims) + len(c.quotes) for c in kv[1].values())),
    )
    out: list[BriefSentence] = []
    for source, row in ranked[:limit]:
        spans: list[Citation] = []
        for cell in row.values():
            spans += [Citation(q.article, q.start, q.end) for q in (corpus.quotes[i] for i in cell.quotes)]
            spans += [Citation(c.article, c.start, c.end) for c in (corpus.claims[i] for i in cell.claims)]
        if not spans:
            continue
        first = _sentence_around(corpus, spans[0])
        text = article_by_id(corpus, first.article).text[first.start : first.end].strip()  # type: ignore[union-attr]
        outlets = ", ".join(row)
        out.append(BriefSentence(f"{source} ({outlets}): {text}", [first], "who says what"))
    return out


def _sentence_around(corpus: Corpus, citation: Citation) -> Citation:
    article = article_by_id(corpus, citation.article)
    if article is None:
        return citation
    for start, end in _sentence_spans(corpus, article) or [(0, len(article.text))]:
        if start <= citation.start < end:
            return Citation(article.id, start, max(end, min(citation.end, len(article.text))))
    return citation


def _timeline(events: list[Event]) -> list[BriefSentence]:
    return [BriefSentence(f"{e.when}: {e.text}", list(e.citations), "timeline") for e in events]


def _open_questions(corpus: Corpus, rows: list[SlotRow]) -> list[BriefSentence]:
    out: list[BriefSentence] = []
    for row in rows:
        cites = _unique(c for v in row.values for c in _claim_citations(corpus, v))
        if row.slot.status == "conflict":
            versus = " vs ".join(cluster_text(corpus, c, named=False) for c in row.clusters)
            out.append(
                BriefSentence(
                    f"Conflict – {row.slot.counts}: {versus}.", cites, "conflicts and single sources"
                )
            )
        elif row.slot.status == "single-source":
            out.append(
                BriefSentence(
                    f"{row.slot.counts}: {cluster_text(corpus, row.values, named=False)}.",
                    cites,
                    "conflicts and single sources",
                )
            )
    return out


def _shown_rows(corpus: Corpus, story_id: str) -> list[SlotRow]:
    """The slots a brief shows: those with a figure whose report names what it counts ("23" alone,
    often a day of the month read as a figure, tells a reader nothing)."""
    return [row for row in slot_rows(corpus, story_id) if any(v.claim.counts_head for v in row.values)]


def build_brief(corpus: Corpus, story_id: str) -> Brief:
    _story, arts = _articles(corpus, story_id)
    rows = _shown_rows(corpus, story_id)
    sentences = (
        _what_happened(corpus, arts)
        + _figures(corpus, rows)
        + _who_says_what(corpus, story_id)
        + _timeline(timeline(corpus, story_id))
        + _open_questions(corpus, rows)
    )
    return Brief(story=story_id, sentences=[s for s in sentences if s.citations])


def brief(corpus: Corpus) -> None:
    """Fill ``corpus.briefs``: one brief per story (run after ``compare``)."""
    corpus.briefs = [build_brief(corpus, story.id) for story, _arts in corpus_index(corpus).stories]


def _brief_for(corpus: Corpus, story_id: str) -> Brief:
    return next((b for b in corpus.briefs if b.story == story_id), None) or build_brief(corpus, story_id)


# ---------------------------------------------------------------- rendering


def _cite_label(corpus: Corpus, citation: Citation) -> str:
    return f"{_outlet(corpus, citation.article)} {citation.start}–{citation.end}"


def render_markdown(corpus: Corpus, story_id: str) -> str:
    story, arts = _articles(corpus, story_id)
    result = _brief_for(corpus, story_id)
    notes: list[Citation] = []

    def marks(citations: list[Citation]) -> str:
        out = []
        for c in citations:
            if c not in notes:
                notes.append(c)
            out.append(f"[^{notes.index(c) + 1}]")
        return "".join(out)

    lines = [
        f"# {_md(story.label)}",
        "",
        f"{len(arts)} reports: " + ", ".join(_md(outlet_name(a)) for a in arts),
        "",
    ]
    rows = {row.slot.id: row for row in _shown_rows(corpus, story_id)}
    for section in SECTIONS:
        sentences = [s for s in result.sentences if s.section == section]
        if not sentences:
            continue
        lines += [f"## {section.capitalize()}", ""]
        if section == "figures":
            lines += [
                "| Figure | Values (outlets, sources, time) | Status | Independent sources |",
                "|---|---|---|---|",
            ]
            for s, row in zip(sentences, rows.values(), strict=False):
                values = "; ".join(cluster_text(corpus, c) for c in row.clusters)
                lines.append(
                    f"| {_md(row.slot.counts)} | {_md(values)} {marks(s.citations)} | {row.slot.status} | "
                    f"{_md(', '.join(row.slot.independent_sources))} |"
                )
        else:
            lines += [f"- {_md(s.text)} {marks(s.citations)}" for s in sentences]
        lines.append("")
    for n, c in enumerate(notes, 1):
        article = article_by_id(corpus, c.article)
        excerpt = article.text[c.start : c.end] if article else ""
        lines.append(f"[^{n}]: {_md(_cite_label(corpus, c))}: “{_md(_shorten(excerpt))}”")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Markdown-safe: table pipes and HTML-significant characters escaped (renderers pass raw HTML)."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return escaped.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
.status{font-weight:600}.conflict{color:#b00020}.agree{color:#1b5e20}.evolving{color:#8a5a00}.range{color:#0d47a1}
sup a{text-decoration:none}ol.cites{font-size:.85rem;color:#555}svg text{font:11px system-ui,sans-serif}"""


def render_html(corpus: Corpus, story_id: str) -> str:
    """A self-contained page (inline CSS and SVG, no scripts, no external resources); every string from an
    article is escaped, so markup inside a report stays text."""
    story, arts = _articles(corpus, story_id)
    result = _brief_for(corpus, story_id)
    notes: list[Citation] = []
    esc = html.escape

    def marks(citations: list[Citation]) -> str:
        out = []
        for c in citations:
            if c not in notes:
                notes.append(c)
            n = notes.index(c) + 1
            out.append(f'<sup><a href="#c{n}">[{n}]</a></sup>')
        return "".join(out)

    body = [
        f"<h1>{esc(story.label)}</h1>",
        f"<p>{len(arts)} reports: {esc(', '.join(outlet_name(a) for a in arts))}</p>",
    ]
    rows = _shown_rows(corpus, story_id)
    events = timeline(corpus, story_id)
    for section in SECTIONS:
        sentences = [s for s in result.sentences if s.section == section]
        if not sentences:
            continue
        body.append(f"<h2>{esc(section.capitalize())}</h2>")
        if section == "figures":
            body.append(
                "<table><tr><th>Figure</th><th>Values (outlets, sources, time)</th><th>Status</th>"
                "<th>Independent sources</th></tr>"
            )
            for s, row in zip(sentences, rows, strict=False):
                values = "; ".join(cluster_text(corpus, c) for c in row.clusters)
                body.append(
                    f"<tr><td>{esc(row.slot.counts)}</td><td>{esc(values)} {marks(s.citations)}</td>"
                    f'<td class="status {esc(row.slot.status)}">{esc(row.slot.status)}</td>'
                    f"<td>{esc(', '.join(row.slot.independent_sources))}</td></tr>"
                )
            body.append("</table>")
            continue
        if section == "timeline":
            body.append(timeline_svg(events))
        body.append(
            "<ul>" + "".join(f"<li>{esc(s.text)} {marks(s.citations)}</li>" for s in sentences) + "</ul>"
        )
    items = []
    for n, c in enumerate(notes, 1):
        article = article_by_id(corpus, c.article)
        excerpt = article.text[c.start : c.end] if article else ""
        items.append(f'<li id="c{n}">{esc(_cite_label(corpus, c))}: “{esc(_shorten(excerpt))}”</li>')
    body.append('<h2>Citations</h2><ol class="cites">' + "".join(items) + "</ol>")
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{esc(story.label)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def timeline_svg(events: list[Event], width: int = 900) -> str:
    """The events on a horizontal axis in time order; dot size grows with the number of reports."""
    if not events:
        return ""
    step = (width - 80) / max(len(events) - 1, 1)
    height = 150
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="timeline">'
    ]
    parts.append(f'<line x1="30" y1="60" x2="{width - 30}" y2="60" stroke="#888" stroke-width="2"/>')
    for n, event in enumerate(events):
        x = 40 + n * step
        radius = 4 + 2 * min(len(event.articles), 5)
        label = html.escape(event.when)
        tip = html.escape(_shorten(event.text, 200))
        parts.append(
            f"<g><title>{tip}</title>"
            f'<circle cx="{x:.1f}" cy="60" r="{radius}" fill="#3366aa" fill-opacity=".75"/>'
            f'<text x="{x:.1f}" y="{95 + (n % 2) * 16}" text-anchor="middle">{label}</text>'
            f'<text x="{x:.1f}" y="35" text-anchor="middle" fill="#555">{len(event.articles)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_json(corpus: Corpus, story_id: str) -> dict[str, Any]:
    """The brief with the slots, source matrix and timeline it was built from, as plain JSON data."""
    story, arts = _articles(corpus, story_id)
    matrix = source_matrix(corpus, story_id)
    return {
        "story": story_id,
        "label": story.label,
        "articles": [
            {"id": a.id, "outlet": outlet_name(a), "published": a.published.value if a.published else None}
            for a in arts
        ],
        "brief": asdict(_brief_for(corpus, story_id)),
        "slots": [
            {
                **asdict(row.slot),
                "values": [
                    {
                        "claim": v.index,
                        "article": v.claim.article,
                        "outlet": _outlet(corpus, v.claim.article),
                        "text": v.claim.text,
                        "sources": v.sources,
                        "when": v.claim.when,
                    }
                    for v in row.values
                ],
            }
            for row in slot_rows(corpus, story_id)
        ],
        "source_matrix": {
            src: {outlet: asdict(cell) for outlet, cell in row.items()} for src, row in matrix.items()
        },
        "timeline": [
            {
                "when": e.when,
                "text": e.text,
                "articles": e.articles,
                "citations": [asdict(c) for c in e.citations],
            }
            for e in timeline(corpus, story_id)
        ],
    }
