"""The store on PostgreSQL (a real, throwaway server) and the Alembic migrations on both dialects.

The server is Debian's PostgreSQL (`scripts/test.sh` installs it), started here in a temporary
folder on a free local port. Without it these tests skip on a developer's machine and fail in CI.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from quellenlage.clean import clean
from quellenlage.cli import app
from quellenlage.model import Hints, PartialDate, RawDocument
from quellenlage.store import Store, engine_for, metadata, schema_object_included

from .conftest import shared_path
from .test_store import TEXTS, doc


def _server_binaries() -> Path | None:
    """The bin folder of the newest installed PostgreSQL server (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """URL of a running server's maintenance database: $QUELLENLAGE_TEST_POSTGRES or one started here."""
    if url := os.environ.get("QUELLENLAGE_TEST_POSTGRES"):
        yield url
        return
    binaries = _server_binaries()
    if binaries is None:
        message = "PostgreSQL server not installed (Debian: apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # The server refuses to run as root: then it runs as Debian's postgres user, in a folder it owns.
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = Path(tempfile.mkdtemp(prefix="quellenlage-pg-"))
    if as_user:
        shutil.chown(data, "postgres")
    port = _free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)  # noqa: E731
    run(str(binaries / "initdb"), "-D", str(data / "db"), "-U", "quellenlage", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data / "db"),
        "-l",
        str(data / "log"),
        "-o",
        options,
        "-w",
        "start",
    )
    try:
        yield f"postgresql://quellenlage@127.0.0.1:{port}/postgres"
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg(server: str) -> Iterator[str]:
    """A fresh, empty database on the server for one test."""
    name = f"q_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _schema_differences(url: str) -> list[object]:
    with engine_for(url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": schema_object_included})
        return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migrations_build_exactly_the_schema(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = str(request.getfixturevalue("pg")) if dialect == "postgresql" else f"sqlite:///{tmp_path / 'q.db'}"
    Store(url).close()
    Store(url).close()  # a second open finds the schema at the newest revision and changes nothing
    assert _schema_differences(url) == []
    with engine_for(url).connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0001"


def test_sqlite_database_made_before_migrations_is_adopted(tmp_path: Path) -> None:
    """A store file from before Alembic keeps its data and gets a version; nothing is created twice."""
    path = tmp_path / "old.db"
    engine = engine_for(path)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "article_id UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 2')"
        )
        conn.execute(text("INSERT INTO objects (kind, id, data) VALUES ('stories', 's1', '{}')"))
    engine.dispose()
    with Store(path) as store:
        assert store.objects("stories") == [{}]
        assert store.add(doc(TEXTS[0]), clean(doc(TEXTS[0])))
        assert store.search("Dammbruch")
    assert _schema_differences(f"sqlite:///{path}") == []


def test_postgres_store_roundtrip_dedup_and_search(pg: str) -> None:
    with Store(pg) as store:
        first = clean(doc(TEXTS[0]))
        assert store.add(doc(TEXTS[0]), first) is True
        assert store.add(doc(TEXTS[0], "copy.txt"), clean(doc(TEXTS[0], "copy.txt"))) is False
        store.add(doc(TEXTS[1]), clean(doc(TEXTS[1])))
        assert store.count() == 2
        assert store.article(first.id[:6]) == first
        assert store.raw(first.id) == TEXTS[0].encode("cp1252")
        # German stemming: "Helfer" finds "Helfern", all words must occur, the hit is marked in the snippet.
        ((article, snippet),) = store.search("Landrätin Helfer")
        assert "Helfern" in article.text and "[Helfern]" in snippet
        assert not store.search("Landrätin Dammbruch") and not store.search("   ")
        assert [a.id for a, _ in store.search("Pegel")] == [first.id]


def _writer_documents(count: int) -> list[RawDocument]:
    hints = Hints(published=PartialDate("2026-03", "month"))
    return [
        RawDocument(
            f"w{i}.txt",
            f"Bericht {i}: {TEXTS[i % 2]}".encode(),
            f"Bericht {i}: {TEXTS[i % 2]}",
            "text/plain",
            hints,
        )
        for i in range(count)
    ]


def test_concurrent_writers_keep_one_copy_of_everything(pg: str) -> None:
    """Four writers store the same documents and findings at once, in different orders."""
    Store(pg).close()
    documents = _writer_documents(24)
    articles = [clean(d) for d in documents]
    start = threading.Barrier(4)
    added: list[int] = []
    errors: list[BaseException] = []

    def write(seed: int) -> None:
        order = list(range(len(documents)))
        random.Random(seed).shuffle(order)
        try:
            with Store(pg) as store:
                start.wait()
                added.append(sum(store.add(documents[i], articles[i]) for i in order))
                for i in order[:8]:
                    spans = [(articles[i].id, n, n + 3, {"writer": seed}) for n in range(3)]
                    store.save_annotations("claims", spans)
                stories = [(f"s{n}", {"id": f"s{n}", "writer": seed}) for n in order]
                start.wait()  # all upsert the same objects at once, each in its own order
                store.save_objects("stories", stories)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=write, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(added) == len(documents)  # each text stored by exactly one writer
    with Store(pg) as store:
        assert store.count() == len(documents)
        writers: dict[str, list[int]] = defaultdict(list)
        for claim in store.annotations("claims"):
            writers[claim["article"]].append(claim["writer"])
        # Each article's findings replaced whole by one writer, never doubled or mixed by a racing one.
        assert writers and all(len(w) == 3 and len(set(w)) == 1 for w in writers.values())
        assert sorted(s["id"] for s in store.objects("stories")) == sorted(f"s{i}" for i in range(24))


def test_cli_on_postgres(pg: str) -> None:
    """`--db postgresql://...` reaches the same commands: analyse, list, search, stories, brief."""
    runner = CliRunner()
    articles = str(shared_path("spec", "articles"))
    result = runner.invoke(app, ["analyze", articles, "--db", pg, "-q"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["articles", "--db", pg])
    assert listing.exit_code == 0 and "5 of 5 article(s)" in listing.output
    assert runner.invoke(app, ["search", "Pjöngjang", "--db", pg]).exit_code == 0
    with Store(pg) as store:
        story = max(store.objects("stories"), key=lambda s: len(s["articles"]))
        assert store.annotations("claims") and store.objects("entities")
    brief = runner.invoke(app, ["brief", story["id"], "--db", pg])
    assert brief.exit_code == 0 and brief.output.strip()
