"""`quellenlage serve`: the web app with uvicorn (imported only when the command runs)."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from ..store import DEFAULT_DB
from .settings import Settings

KEEP_ALIVE_SECONDS = 75


def _rate(value: str | None) -> str | None:
    """A rate in the `limits` notation ("60/minute"), or none for no limit."""
    if value is None or value.lower() in ("", "none", "0"):
        return None
    from limits import parse

    try:
        parse(value)
    except ValueError as err:
        raise typer.BadParameter(f"{value!r} is not a rate like 60/minute") from err
    return value


def serve(
    db: Annotated[
        str, typer.Option("--db", envvar="QUELLENLAGE_DB", help="SQLite file or database URL.")
    ] = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="QUELLENLAGE_TOKEN",
            help="Token that writes need (Authorization: Bearer). Without one, a random token is printed.",
            show_default=False,
        ),
    ] = None,
    protect_reads: Annotated[
        bool,
        typer.Option("--protect-reads", envvar="QUELLENLAGE_PROTECT_READS", help="Reads need the token too."),
    ] = False,
    max_upload_mb: Annotated[
        float, typer.Option(envvar="QUELLENLAGE_MAX_UPLOAD_MB", help="Largest request body, in MB.")
    ] = 20.0,
    write_rate: Annotated[
        str, typer.Option(envvar="QUELLENLAGE_WRITE_RATE", help="Writes per client address, or none.")
    ] = "60/minute",
    read_rate: Annotated[
        str, typer.Option(envvar="QUELLENLAGE_READ_RATE", help="Reads per client address, or none.")
    ] = "none",
    allow_private_urls: Annotated[
        bool,
        typer.Option(
            "--allow-private-urls",
            envvar="QUELLENLAGE_ALLOW_PRIVATE_URLS",
            help="Let URL ingestion fetch from loopback and private addresses.",
        ),
    ] = False,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Web app and REST API: browse stories, check figures against their articles, add articles."""
    import uvicorn

    from .app import create_app

    if token is None:
        token = secrets.token_urlsafe(18)
        typer.echo(f"No QUELLENLAGE_TOKEN given; writes need this token: {token}", err=True)
    settings = Settings(
        db=db,
        token=token,
        protect_reads=protect_reads,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        write_rate=_rate(write_rate),
        read_rate=_rate(read_rate),
        allow_private_urls=allow_private_urls,
    )
    typer.echo(f"quellenlage on http://{host}:{port}/ over {db} (API schema: /api/openapi.json)", err=True)
    # Idle connections are kept as long as nginx keeps its own (75 s), longer than most clients and proxies
    # keep theirs (aiohttp 15 s, nginx upstream 60 s; uvicorn's default is 5 s): the side that closes an
    # idle connection should be the client, else a request it sends just then meets a closing connection.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        access_log=access_log,
        log_level="info",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
