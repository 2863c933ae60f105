"""Who may read and write, how much and how often; headers that keep a page's text inert.

Writes need the bearer token; reads need it (header or the login page's cookie) only when the
server protects them. Rates are counted per client address with the `limits` library. The body
size limit and the security headers are small ASGI middlewares: Starlette has no body limit, and
a plain ASGI wrapper costs less per request than Starlette's middleware base class.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from .settings import Settings

TOKEN_COOKIE = "quellenlage_token"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Article text is shown as text: no inline script can run, nothing is loaded from elsewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class Guard:
    """Token checks and rate limits for one app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._write = parse(settings.write_rate) if settings.write_rate else None
        self._read = parse(settings.read_rate) if settings.read_rate else None

    def write(self, request: Request) -> None:
        if self.settings.token is None:
            raise HTTPException(403, "writing is disabled: start the server with a token (QUELLENLAGE_TOKEN)")
        if not _matches(_bearer(request), self.settings.token):
            raise HTTPException(
                401,
                "this needs the write token: send the header 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        self._count(request, self._write, "write")

    def read(self, request: Request) -> None:
        if self.settings.protect_reads and not self.may_read(request):
            raise HTTPException(
                401,
                "reading needs the token: send 'Authorization: Bearer <token>' or log in at /login",
                headers={"WWW-Authenticate": "Bearer"},
            )
        self._count(request, self._read, "read")

    def may_read(self, request: Request) -> bool:
        token = self.settings.token
        if not self.settings.protect_reads:
            return True
        return token is not None and (
            _matches(_bearer(request), token) or _matches(request.cookies.get(TOKEN_COOKIE), token)
        )

    def _count(self, request: Request, item: RateLimitItem | None, kind: str) -> None:
        client = request.client.host if request.client else "unknown"
        if item is not None and not self._limiter.hit(item, kind, client):
            reset = self._limiter.get_window_stats(item, kind, client).reset_time
            raise HTTPException(
                429,
                f"too many {kind} requests from {client}: at most {item} (per client address)",
                headers={"Retry-After": str(max(1, int(reset - time.time())))},
            )


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _matches(given: str | None, token: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), token.encode())


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes: at once by Content-Length, else while reading."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _json_error(send, 413, self._message())
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"request body larger than {self.limit} bytes"


class SecurityHeaders:
    """Content-Security-Policy and friends on every response that does not set its own policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers + HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


async def _json_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message, "status": status}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
