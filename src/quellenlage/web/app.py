"""The FastAPI app: API and pages over one store, one writer process, security around both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .. import __version__
from ..store import Store
from . import api, pages
from .reader import Reader
from .security import BodyLimit, Guard, SecurityHeaders
from .settings import Settings
from .writer import WriterProcess, WriterUnavailableError


def create_app(settings: Settings) -> FastAPI:
    store = Store(settings.db)  # creates the schema before the writer process opens it
    writer = WriterProcess(settings.db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        writer.start()
        try:
            yield
        finally:
            writer.close()
            store.close()

    app = FastAPI(
        title="quellenlage",
        version=__version__,
        description="What is known about a news story: who reports what, on whose authority, since when.",
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
        redoc_url=None,
    )
    app.state.guard = Guard(settings)
    app.state.reader = Reader(store)
    app.state.writer = writer
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static")
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(WriterUnavailableError, _unavailable)
    app.add_exception_handler(Exception, _crash)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/static/")) or request.url.path == "/api"


def _error(request: Request, status: int, message: str, headers: Any = None, detail: Any = None) -> Response:
    if _wants_json(request):
        body: dict[str, Any] = {"error": message, "status": status}
        if detail is not None:
            body["detail"] = jsonable_encoder(detail)
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return pages.render(request, "error.html", status=status, status_code=status, message=message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, str(exc.detail), exc.headers)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return _error(request, 422, "invalid request – " + "; ".join(problems), detail=exc.errors())


async def _unavailable(request: Request, exc: Exception) -> Response:
    return _error(request, 503, str(exc), {"Retry-After": "30"})


async def _crash(request: Request, exc: Exception) -> Response:
    return _error(request, 500, f"internal error ({type(exc).__name__})")
