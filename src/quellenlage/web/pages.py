"""Server-rendered pages (Jinja2, autoescaped): story list, story, article, entity, search, add, login.

Every string that comes from an article reaches the page through Jinja2's escaping, or through the
script's ``textContent``; the only markup passed through unescaped is the timeline chart, which
``brief.timeline_svg`` builds with every text escaped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from .api import find_article, readable, story_id_of, story_view
from .reader import Reader

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
STATUS_ORDER = ("conflict", "evolving", "range", "agree", "single-source")  # most telling first
SPARK_POINTS = 60


async def page_access(request: Request) -> Reader:
    """As the API's ``read_access``, without the bearer scheme in the OpenAPI schema (pages are not in it)."""
    return readable(request)


Reading = Annotated[Reader, Depends(page_access)]


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/", response_class=HTMLResponse)
def story_list(
    request: Request,
    reader: Reading,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    order: Annotated[str, Query(pattern="^(recent|size)$")] = "recent",
) -> HTMLResponse:
    per_page = 50
    found = reader.summaries(order)
    rows = [
        dict(
            s,
            spark=sparkline(s["coverage"]),
            chips=[(x, s["figures"][x]) for x in STATUS_ORDER if x in s["figures"]],
        )
        for s in found[(page - 1) * per_page : page * per_page]
    ]
    pages = max(1, -(-len(found) // per_page))
    return render(
        request, "stories.html", stories=rows, total=len(found), page=page, pages=pages, order=order
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, reader: Reading, story_id: str) -> HTMLResponse:
    found = story_id_of(reader, story_id)

    def build() -> bytes:
        view = story_view(reader, found)
        sections: dict[str, list[dict[str, Any]]] = {}
        for sentence in view["brief"]["sentences"]:
            sections.setdefault(sentence["section"] or "", []).append(sentence)
        page = render(
            request,
            "story.html",
            view=view,
            story=view["story"],
            sections=sections,
            slots=[s for s in view["slots"] if s["values"]],
            timeline_svg=Markup(view["timeline_svg"]),  # built by brief.timeline_svg, every text escaped
            spark=sparkline(view["coverage"]),
        )
        return bytes(page.body)

    return HTMLResponse(await reader.page(("story-page", found), found, build))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(
    request: Request,
    reader: Reading,
    article_id: str,
    mark: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$", description="start-end to mark")] = None,
) -> HTMLResponse:
    story = reader.story_of(article_id)

    def build() -> bytes:
        article = find_article(reader, article_id)
        found = reader.findings(article.id)
        spans = annotation_spans(found, story)
        if mark:
            start, end = (int(x) for x in mark.split("-"))
            spans.append(Span(start, end, "cited", None, "the cited words", "cited"))
        page = render(
            request,
            "article.html",
            article=article,
            story=reader.story_of(article.id),
            segments=segments(article.text, spans),
            found=found,
            marked=bool(mark),
        )
        return bytes(page.body)

    return HTMLResponse(await reader.page(("article-page", article_id, mark or ""), story, build))


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, reader: Reading, entity_id: str) -> HTMLResponse:
    found = reader.entity(entity_id)
    if found is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    entity, mentions = found
    articles = reader.articles([m["article"] for m in mentions])
    rows = [
        {"mention": m, "article": articles[m["article"]], "context": context(articles[m["article"]].text, m)}
        for m in mentions
        if m["article"] in articles
    ]
    stories = [s for s in dict.fromkeys(reader.story_of(m["article"]) for m in mentions) if s]
    labels = {s["id"]: s["label"] for s in reader.summaries() if s["id"] in stories}
    return render(request, "entity.html", entity=entity, rows=rows, stories=stories, labels=labels)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    reader: Reading,
    q: Annotated[str, Query(max_length=300)] = "",
) -> HTMLResponse:
    words = "".join(c if c.isprintable() else " " for c in q).strip()
    hits = [(a, snippet_parts(s)) for a, s in reader.store.search(words, 50)] if words else []
    return render(request, "search.html", q=q, hits=hits, story_of=reader.story_of)


@router.get("/add", response_class=HTMLResponse)
def add_page(request: Request, _reader: Reading) -> HTMLResponse:
    return render(request, "add.html")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str, Query(max_length=500)] = "/") -> HTMLResponse:
    return render(
        request, "login.html", next=next if next.startswith("/") and not next.startswith("//") else "/"
    )


# --- what pages compute from stored data -----------------------------------------------------------------


def sparkline(coverage: list[list[Any]], width: int = 120, height: int = 24) -> str:
    """SVG polyline points for reports per day from the first to the last day (numbers only)."""
    if not coverage:
        return ""
    days = [(date.fromisoformat(day).toordinal(), int(n)) for day, n in coverage]
    first, last = days[0][0], days[-1][0]
    buckets = [0] * min(last - first + 1, SPARK_POINTS)
    for day, n in days:
        buckets[(day - first) * len(buckets) // (last - first + 1)] += n
    top = max(buckets)
    step = width / max(len(buckets) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (height - 4) * n / top:.1f}" for i, n in enumerate(buckets)
    )


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted span of an article: its kind (a CSS class), where it links, its tooltip, its anchor."""

    start: int
    end: int
    kind: str
    href: str | None
    title: str
    anchor: str | None = None


@dataclass(slots=True)
class Segment:
    text: str
    classes: list[str] = field(default_factory=list)
    href: str | None = None
    title: str = ""
    anchors: list[str] = field(default_factory=list)


LINK_ORDER = ("ent", "claim", "quote", "time", "cited")


def annotation_spans(found: dict[str, list[dict[str, Any]]], story: str | None) -> list[Span]:
    names = {e["id"]: e for e in found["entities"]}
    story_href = f"/stories/{story}" if story else None
    spans = []
    for m in found["mentions"]:
        entity = names.get(m["entity"], {})
        spans.append(
            Span(
                m["start"],
                m["end"],
                "ent",
                f"/entities/{m['entity']}",
                f"{entity.get('kind', '')} {entity.get('name', '')}",
            )
        )
    for c in found["claims"]:
        source = "; ".join(c.get("attributed_to") or []) or "no source named"
        spans.append(
            Span(
                c["start"],
                c["end"],
                "claim",
                f"{story_href}#figures" if story_href else None,
                f"figure: {c.get('counts') or c['text']} – according to {source}",
                f"claim-{c['start']}",
            )
        )
    for q in found["quotes"]:
        spans.append(
            Span(
                q["start"],
                q["end"],
                "quote",
                f"{story_href}#who-says-what" if story_href else None,
                f"{q['kind']} quote – {q.get('speaker') or 'speaker unknown'}",
            )
        )
    for t in found["timerefs"]:
        spans.append(
            Span(
                t["start"],
                t["end"],
                "time",
                f"{story_href}#timeline" if story_href else None,
                f"time: {t.get('value') or '?'} ({t.get('type')})",
            )
        )
    return spans


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """The text cut at every span boundary; each piece knows the spans covering it. Overlapping spans
    (a name inside a quote) give a piece several classes; its link is the first kind in LINK_ORDER."""
    inside = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in inside), *(s.end for s in inside)})
    out = []
    for a, b in itertools.pairwise(cuts):
        covering = sorted(
            (s for s in inside if s.start <= a and b <= s.end), key=lambda s: LINK_ORDER.index(s.kind)
        )
        out.append(
            Segment(
                text[a:b],
                list(dict.fromkeys(s.kind for s in covering)),
                next((s.href for s in covering if s.href), None),
                " | ".join(dict.fromkeys(s.title for s in covering)),
                [s.anchor for s in covering if s.anchor and s.start == a],
            )
        )
    return out


def context(text: str, span: dict[str, Any], width: int = 80) -> tuple[str, str, str]:
    """Words before, the span, and words after: for a mention shown in a list."""
    start, end = span["start"], span["end"]
    return text[max(0, start - width) : start], text[start:end], text[end : end + width]


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet split at the store's [ ] match markers: (text, matched) pieces, escaped later."""
    parts: list[tuple[str, bool]] = []
    for n, piece in enumerate(snippet.replace("]", "[").split("[")):
        if piece:
            parts.append((piece, n % 2 == 1))
    return parts
