"""The REST API: add articles (JSON, batch, URLs, files), read stories, articles, entities, search, export.

Reads come from the store (see ``reader``); writes hand files to the writer process and wait for it.
Uploads are written to a temporary folder and read by the same ingest code as the command line, so
every format the command line reads can be uploaded, with the same error per bad input.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.concurrency import run_in_threadpool

from ..corpus import article_json
from ..ingest import ColumnMapping
from ..ingest.web import is_url
from ..model import Article
from .reader import Reader
from .security import Guard
from .writer import WriterProcess

router = APIRouter(prefix="/api")
bearer = HTTPBearer(auto_error=False, description="The server's token (QUELLENLAGE_TOKEN).")
MAX_BATCH = 500
MAX_URLS = 50
UPLOAD_PREFIX = "quellenlage-upload-"


def readable(request: Request) -> Reader:
    """The app's reader, once the guard lets this request read (the API's and the pages' check)."""
    guard: Guard = request.app.state.guard
    guard.read(request)
    reader: Reader = request.app.state.reader
    return reader


async def read_access(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Reader:
    """Async, as the cached pages are answered on the event loop: no thread hop for a check this small."""
    return readable(request)


async def write_access(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> WriterProcess:
    guard: Guard = request.app.state.guard
    guard.write(request)
    writer: WriterProcess = request.app.state.writer
    return writer


Reading = Annotated[Reader, Depends(read_access)]
Writing = Annotated[WriterProcess, Depends(write_access)]
Limit = Annotated[int, Query(ge=1, le=500, description="At most this many items.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many items.")]
StoryId = Annotated[str, PathParam(min_length=6, max_length=80, description="Story id or a unique prefix.")]
ArticleId = Annotated[
    str, PathParam(min_length=4, max_length=64, description="Article id or a unique prefix.")
]


# --- models -------------------------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """One article: its text (or its HTML page) and what is known about it beside the text."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, description="The article as plain text.")
    html: str | None = Field(None, description="The article's HTML page (the body is extracted).")
    title: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=40, description="YYYY[-MM[-DD]], a datetime, or D.M.YYYY.")
    outlet: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=4000)
    language: str | None = Field(None, max_length=16)
    key: str | None = Field(None, max_length=200, description="Your own id for it, kept in its origin.")

    @model_validator(mode="after")
    def _has_body(self) -> ArticleIn:
        if not (self.text or "").strip() and not (self.html or "").strip():
            raise ValueError("an article needs its text or its html")
        return self


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_BATCH)


class UrlsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    urls: list[str] = Field(min_length=1, max_length=MAX_URLS, description="Pages, feeds or URL lists.")

    @field_validator("urls")
    @classmethod
    def _http(cls, urls: list[str]) -> list[str]:
        bad = [u for u in urls if not is_url(u) or len(u) > 4000 or any(c.isspace() for c in u)]
        if bad:
            raise ValueError(f"not an http(s) URL: {bad[0][:200]!r}")
        return urls


class FailureOut(BaseModel):
    origin: str
    reason: str


class AddedArticle(BaseModel):
    id: str
    title: str | None
    outlet: str
    story: str | None = Field(description="The story it belongs to (None if its story failed).")
    new: bool = Field(description="False if the same text was stored before.")


class StoryRef(BaseModel):
    id: str
    label: str
    articles: int


class AddResult(BaseModel):
    articles: list[AddedArticle]
    failures: list[FailureOut] = Field(description="Every input that could not be read, with the reason.")
    stories: list[StoryRef] = Field(description="The stories that changed.")
    error: str | None = None


class Status(BaseModel):
    articles: int
    stories: int
    version: int
    writer: str = Field(description="starting (rebuilding the story index), ready, or failed: why")


class StorySummary(BaseModel):
    id: str
    label: str
    articles: int
    outlets: list[str]
    first: str | None
    last: str | None
    coverage: list[tuple[str, int]] = Field(description="Reports per publication day.")
    figures: dict[str, int] = Field(description="Figures (claim slots) by status.")


class StoryPage(BaseModel):
    total: int
    items: list[StorySummary]


class StoryOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    story: dict[str, Any]
    label: str
    articles: list[dict[str, Any]]
    outlets: list[dict[str, Any]] = Field(description="Per outlet: reports, credited agencies, wire share.")
    brief: dict[str, Any]
    slots: list[dict[str, Any]] = Field(description="Figures: values by outlet with their spans, status.")
    source_matrix: list[dict[str, Any]] = Field(description="Who says what: source -> outlet -> words.")
    matrix_outlets: list[str]
    timeline: list[dict[str, Any]]
    coverage: list[tuple[str, int]]
    stamp: str


class ArticleSummary(BaseModel):
    id: str
    outlet: str | None
    title: str | None
    published: str | None
    language: str | None
    agencies: list[str]
    url: str | None
    origin: str
    story: str | None = None


class ArticlePage(BaseModel):
    total: int
    items: list[ArticleSummary]


class ArticleOut(ArticleSummary):
    model_config = ConfigDict(extra="allow")
    text: str
    dateline: str | None
    authors: list[str]
    entities: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    timerefs: list[dict[str, Any]]


class EntityPage(BaseModel):
    total: int
    items: list[dict[str, Any]]


class EntityOut(BaseModel):
    entity: dict[str, Any]
    mentions: list[dict[str, Any]] = Field(description="Where it is named (at most 200).")
    stories: list[str]


class SearchHit(BaseModel):
    article: ArticleSummary
    snippet: str


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHit]


# --- writing ------------------------------------------------------------------------------------------


@router.post("/articles", status_code=201, response_model=AddResult, tags=["add"])
async def add_article(article: ArticleIn, writer: Writing, request: Request) -> JSONResponse:
    """Add one article given as JSON; it is analysed and placed in a story before the answer."""
    return await _add_rows(writer, request, [article])


@router.post("/articles/batch", status_code=201, response_model=AddResult, tags=["add"])
async def add_batch(batch: BatchIn, writer: Writing, request: Request) -> JSONResponse:
    """Add several articles given as JSON; a bad one is reported and the others are stored."""
    return await _add_rows(writer, request, batch.articles)


@router.post("/articles/urls", status_code=201, response_model=AddResult, tags=["add"])
async def add_urls(body: UrlsIn, writer: Writing, request: Request) -> JSONResponse:
    """Fetch pages, RSS/Atom feeds or URL lists; loopback and private hosts are refused unless allowed."""
    return await _add(writer, request, body.urls, {})


@router.post("/articles/files", status_code=201, response_model=AddResult, tags=["add"])
async def add_files(
    writer: Writing,
    request: Request,
    files: Annotated[list[UploadFile], File(description="txt, html, rss/atom, warc, jsonl/csv/tsv/parquet")],
    columns: Annotated[
        str | None, Form(max_length=500, description="Table columns, e.g. text=body,published=date")
    ] = None,
) -> JSONResponse:
    """Upload files in any format the command line reads; each bad file is reported by name."""
    try:
        mapping = ColumnMapping.parse(columns)
    except ValueError as err:
        raise HTTPException(422, str(err)) from err
    with _upload_folder() as folder:
        paths = []
        for number, upload in enumerate(files, start=1):
            path = folder / f"{number:03d}-{_safe_name(upload.filename or 'upload.txt')}"
            await run_in_threadpool(_save, upload, path)
            paths.append(str(path))
        return await _add(writer, request, paths, mapping.columns, folder)


async def _add_rows(writer: WriterProcess, request: Request, articles: list[ArticleIn]) -> JSONResponse:
    with _upload_folder() as folder:
        table = folder / "articles.jsonl"
        table.write_text(
            "".join(json.dumps(a.model_dump(exclude_none=True)) + "\n" for a in articles), encoding="utf-8"
        )
        return await _add(writer, request, [str(table)], {}, folder)


async def _add(
    writer: WriterProcess,
    request: Request,
    inputs: list[str],
    columns: dict[str, str],
    folder: Path | None = None,
) -> JSONResponse:
    settings = request.app.state.guard.settings
    result = await writer.add(inputs, columns, settings.allow_private_urls)
    await run_in_threadpool(request.app.state.reader.refresh)
    if folder is not None:  # name uploads as the client did, not by the temporary folder
        for failure in result["failures"]:
            failure["origin"] = failure["origin"].replace(f"{folder}/", "upload:")
    status = 201 if any(a["new"] for a in result["articles"]) else 200
    if not result["articles"]:
        status = 400
        result["error"] = "no article could be read from the input: " + "; ".join(
            f"{f['origin']}: {f['reason']}" for f in result["failures"][:5]
        )
    return JSONResponse(AddResult.model_validate(result).model_dump(), status_code=status)


def _save(upload: UploadFile, path: Path) -> None:
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out)


@contextmanager
def _upload_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _safe_name(name: str) -> str:
    """The client's file name without folders or odd characters (its suffix picks the reader)."""
    base = re.sub(r"[^\w.-]+", "_", Path(name.replace("\\", "/")).name).lstrip(".")
    return base[-100:] or "upload.txt"


# --- reading ------------------------------------------------------------------------------------------


@router.get("/status", response_model=Status, tags=["read"])
def status(reader: Reading, request: Request) -> dict[str, Any]:
    summaries = reader.summaries()
    return {
        "articles": reader.store.count(),
        "stories": len(summaries),
        "version": reader.version(),
        "writer": request.app.state.writer.state(),
    }


@router.get("/stories", response_model=StoryPage, tags=["read"])
async def stories(
    reader: Reading,
    limit: Limit = 50,
    offset: Offset = 0,
    order: Annotated[Literal["recent", "size"], Query()] = "recent",
) -> dict[str, Any]:
    """Stories with their article counts, outlets and coverage over time."""
    found = reader.summaries(order)
    return {"total": len(found), "items": found[offset : offset + limit]}


def story_id_of(reader: Reader, story_id: str) -> str:
    """A stored story's full id from its id or a unique prefix; 404 when there is none."""
    found = reader.story_id(story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return found


def story_view(reader: Reader, story_id: str) -> dict[str, Any]:
    view = reader.view(story_id)
    if view is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return view


HIDDEN = ("markdown", "timeline_svg")


@router.get("/stories/{story_id}", response_model=StoryOut, tags=["read"])
async def story(reader: Reading, story_id: StoryId) -> Response:
    """A story: brief, figures with their cited spans, who says what, timeline, outlets and wire share."""
    found = story_id_of(reader, story_id)

    def build() -> bytes:
        view = {k: v for k, v in story_view(reader, found).items() if k not in HIDDEN}
        return StoryOut.model_validate(view).model_dump_json().encode()

    return Response(await reader.page(("story-json", found), found, build), media_type="application/json")


@router.get(
    "/stories/{story_id}/brief",
    tags=["read"],
    responses={200: {"content": {"application/json": {}, "text/markdown": {}}}},
)
def brief(
    reader: Reading, story_id: StoryId, format: Annotated[Literal["json", "md"], Query()] = "json"
) -> Any:
    """The cited brief as JSON (sentences with their citations) or Markdown."""
    view = story_view(reader, story_id_of(reader, story_id))
    if format == "md":
        return PlainTextResponse(view["markdown"], media_type="text/markdown; charset=utf-8")
    return view["brief"]


@router.get("/stories/{story_id}/{part}", tags=["read"], response_model=list[dict[str, Any]])
def story_part(
    reader: Reading,
    story_id: StoryId,
    part: Literal["slots", "claims", "quotes", "entities", "articles", "outlets", "timeline"],
) -> list[dict[str, Any]]:
    """One part of a story: its slots (figures), claims, quotes, entities, articles, outlets or timeline."""
    items: list[dict[str, Any]] = story_view(reader, story_id_of(reader, story_id))[part]
    return items


@router.get("/articles", response_model=ArticlePage, tags=["read"])
def articles(reader: Reading, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Stored articles, newest first."""
    items = [_summary(reader, a) for a in reader.store.articles(limit=limit, offset=offset)]
    return {"total": reader.store.count(), "items": items}


def find_article(reader: Reader, article_id: str) -> Article:
    article = reader.store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no single article with id {article_id!r}")
    return article


@router.get("/articles/{article_id}", response_model=ArticleOut, tags=["read"])
async def article(reader: Reading, article_id: ArticleId) -> Response:
    """An article's clean text with its entities, claims, quotes and time expressions (spans into text)."""

    def build() -> bytes:
        found = find_article(reader, article_id)
        data = article_json(found)
        data.pop("source")
        out = {**data, **_summary(reader, found), **reader.findings(found.id)}
        return ArticleOut.model_validate(out).model_dump_json().encode()

    body = await reader.page(("article-json", article_id), reader.story_of(article_id), build)
    return Response(body, media_type="application/json")


@router.get("/entities", response_model=EntityPage, tags=["read"])
def entities(reader: Reading, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Canonical entities (people, organisations, places, other names) with their variants."""
    return {
        "total": reader.store.count_objects("entities"),
        "items": reader.store.object_page("entities", limit, offset),
    }


@router.get("/entities/{entity_id}", response_model=EntityOut, tags=["read"])
def entity(
    reader: Reading, entity_id: Annotated[str, PathParam(min_length=1, max_length=64)]
) -> dict[str, Any]:
    """An entity, where it is named, and the stories it appears in."""
    found = reader.entity(entity_id)
    if found is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    data, mentions = found
    stories = [s for s in dict.fromkeys(reader.story_of(m["article"]) for m in mentions) if s]
    return {"entity": data, "mentions": mentions, "stories": stories}


@router.get("/search", response_model=SearchOut, tags=["read"])
def search(
    reader: Reading,
    q: Annotated[str, Query(min_length=1, max_length=300, description="Words to find (all of them).")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Full-text search over the stored articles, best first, with a snippet around the words."""
    hits = reader.store.search(_plain(q), limit)
    return {"query": q, "hits": [{"article": _summary(reader, a), "snippet": s} for a, s in hits]}


@router.get(
    "/export",
    tags=["read"],
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    response_class=StreamingResponse,
)
def export(
    reader: Reading,
    story: Annotated[str | None, Query(min_length=6, max_length=80, description="Only this story.")] = None,
) -> StreamingResponse:
    """The JSON export of the whole store or of one story (the format of `quellenlage analyze --json`)."""
    story_id = None
    if story is not None:
        story_id = story_id_of(reader, story)
    return StreamingResponse(reader.export(story_id), media_type="application/json")


def _summary(reader: Reader, article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "outlet": article.outlet,
        "title": article.title,
        "published": article.published.value if article.published else None,
        "language": article.language,
        "agencies": article.agencies,
        "url": article.url,
        "origin": article.origin,
        "story": reader.story_of(article.id),
    }


def _plain(query: str) -> str:
    """Words only: control characters cannot reach the full-text engine."""
    return "".join(c if c.isprintable() else " " for c in query)
