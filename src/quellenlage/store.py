"""Store: one SQLAlchemy schema, embedded SQLite by default (WAL, FTS5 full-text search),
PostgreSQL for shared deployments (a `postgresql://` URL; full-text search through its German
text search configuration). Alembic migrations in `quellenlage/migrations` build the schema on both.

Each document is written in one transaction (raw input, article, search index), so
a crash mid-batch leaves every earlier document intact and no half-written one. Writers may run
concurrently: a text stored twice at once is kept once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row, make_url

from .corpus import article_json
from .model import Article, Failure, PartialDate, RawDocument, Removed

DEFAULT_DB = "quellenlage.db"
metadata = MetaData()

raw_documents = Table(
    "raw_documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("origin", Text, nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("added", DateTime(timezone=True), nullable=False),
)
articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("raw_id", String(64), nullable=False, index=True),
    Column("origin", Text, nullable=False),
    Column("url", Text),
    Column("outlet", Text, index=True),
    Column("agencies", JSON, nullable=False),
    Column("dateline", Text),
    Column("published", String(10), index=True),
    Column("published_precision", String(5)),
    Column("language", String(8)),
    Column("title", Text),
    Column("authors", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("removed", JSON, nullable=False),
    Column("added", DateTime(timezone=True), nullable=False),
)
failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
# What later stages find, keyed by kind: spans in an article, and corpus-wide objects.
annotations_table = Table(
    "annotations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("data", JSON, nullable=False),
)
objects_table = Table(
    "objects",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
)
# Full-text search lives beside the shared schema: SQLite's FTS5 table (and its shadow tables), PostgreSQL's
# generated `articles.search` column and its index. Alembic's schema comparison leaves them out.
FTS_TABLE = "articles_fts"
SEARCH_OBJECTS = ("search", "ix_articles_search")
BASELINE_REVISION = "0001"  # the schema of databases made before migrations existed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def engine_for(db: str | Path) -> Engine:
    """A database URL as given (`postgresql://` through psycopg 3), or a file path for SQLite."""
    url = make_url(str(db) if "://" in str(db) else f"sqlite:///{Path(db).expanduser()}")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database {url.get_backend_name()!r}: use a SQLite file or PostgreSQL")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def schema_object_included(name: str | None, type_: str, _parents: Any) -> bool:
    """Alembic's filter: everything but the full-text search objects outside the shared metadata."""
    fts = type_ == "table" and (name or "").startswith(FTS_TABLE)
    return not fts and name not in SEARCH_OBJECTS


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; a database made before migrations counts as the baseline."""
    from alembic import command  # imported here: a slow import that only opening a store needs
    from alembic.config import Config

    with as_file(files("quellenlage").joinpath("migrations")) as scripts, engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one migrating process at a time; the others wait, then skip
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('quellenlage.migrate'))"))
        config = Config()
        config.set_main_option("script_location", str(scripts))
        config.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and "articles" in tables:
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")


class Store:
    def __init__(self, db: str | Path = DEFAULT_DB) -> None:
        self.engine = engine_for(db)
        self.sqlite = self.engine.dialect.name == "sqlite"
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def add(self, doc: RawDocument, article: Article) -> bool:
        """Store a document and its article in one transaction; False if the text is already stored."""
        with self.engine.begin() as conn:
            if conn.scalar(select(articles.c.id).where(articles.c.id == article.id)):
                return False
            raw_id = _sha256(doc.raw)
            raw = {"id": raw_id, "origin": doc.origin, "media_type": doc.media_type, "raw": doc.raw}
            self._insert_new(conn, raw_documents, dict(raw, added=_now()))
            if not self._insert_new(conn, articles, dict(article_row(article), raw_id=raw_id, added=_now())):
                return False  # a concurrent writer stored the same text first
            if self.sqlite:
                conn.execute(
                    text("INSERT INTO articles_fts(article_id, title, text) VALUES (:id, :title, :text)"),
                    {"id": article.id, "title": article.title or "", "text": article.text},
                )
        return True

    def _insert_new(self, conn: Connection, table: Table, row: dict[str, Any]) -> bool:
        """Insert unless the primary key is taken (also by a concurrent writer); whether it was inserted."""
        dialect = sqlite if self.sqlite else postgresql
        statement = dialect.insert(table).values(row).on_conflict_do_nothing()
        return conn.execute(statement.returning(*table.primary_key.columns)).first() is not None

    def add_failure(self, failure: Failure) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(failures).values(origin=failure.origin, reason=failure.reason, at=_now()))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(articles)) or 0)

    def articles(self, limit: int | None = None, offset: int = 0) -> list[Article]:
        query = select(articles).order_by(articles.c.published.desc(), articles.c.id).offset(offset)
        with self.engine.connect() as conn:
            return [row_article(row) for row in conn.execute(query.limit(limit) if limit else query)]

    def article(self, article_id: str) -> Article | None:
        """By full id or an unambiguous prefix of it."""
        query = select(articles).where(articles.c.id.startswith(article_id, autoescape=True)).limit(2)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return row_article(rows[0]) if len(rows) == 1 else None

    def raw(self, article_id: str) -> bytes | None:
        query = select(raw_documents.c.raw).join(articles, articles.c.raw_id == raw_documents.c.id)
        with self.engine.connect() as conn:
            value = conn.scalar(query.where(articles.c.id == article_id))
        return bytes(value) if value is not None else None

    def failures(self) -> list[Failure]:
        with self.engine.connect() as conn:
            return [
                Failure(r.origin, r.reason) for r in conn.execute(select(failures).order_by(failures.c.id))
            ]

    def search(self, query: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search for articles holding all the words: FTS5 on SQLite, tsvector on PostgreSQL."""
        terms = [t.replace('"', "") for t in query.split() if t.replace('"', "")]
        if not terms:
            return []
        with self.engine.connect() as conn:
            hits = list(self._fts(conn, terms, limit) if self.sqlite else self._tsquery(conn, terms, limit))
            found = {
                r.id: row_article(r)
                for r in conn.execute(select(articles).where(articles.c.id.in_([h[0] for h in hits])))
            }
        return [(found[i], snippet) for i, snippet in hits if i in found]

    def _fts(self, conn: Connection, terms: list[str], limit: int) -> Iterator[tuple[str, str]]:
        match = " ".join(f'"{t}"' for t in terms)
        rows = conn.execute(
            text(
                "SELECT article_id, snippet(articles_fts, 2, '[', ']', ' … ', 12) FROM articles_fts "
                "WHERE articles_fts MATCH :match ORDER BY rank LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        )
        for article_id, snippet in rows:
            yield str(article_id), str(snippet)

    def _tsquery(self, conn: Connection, terms: list[str], limit: int) -> Iterator[tuple[str, str]]:
        """PostgreSQL: German stemming, ranked by cover density; snippets marked like FTS5's."""
        rows = conn.execute(
            text(
                "WITH q AS (SELECT plainto_tsquery('german', :query) AS q), hits AS ("
                " SELECT id, text, ts_rank_cd(search, q) AS rank FROM articles, q WHERE search @@ q"
                " ORDER BY rank DESC, id LIMIT :limit)"
                " SELECT id, ts_headline('german', text, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8')"
                " FROM hits, q ORDER BY rank DESC, id"
            ),
            {"query": " ".join(terms), "limit": limit},
        )
        for article_id, snippet in rows:
            yield str(article_id), str(snippet)

    def save_annotations(self, kind: str, items: Iterable[tuple[str, int, int, dict[str, Any]]]) -> None:
        """Replace the annotations of one kind for the articles given, in one transaction."""
        rows = [{"article": a, "kind": kind, "start": s, "end": e, "data": d} for a, s, e, d in items]
        article_ids = sorted({str(r["article"]) for r in rows})
        with self.engine.begin() as conn:
            if not self.sqlite:  # SQLite has one writer at a time; PostgreSQL writers lock the articles
                _lock_articles(conn, article_ids)
            for article_id in article_ids:
                conn.execute(
                    annotations_table.delete().where(
                        annotations_table.c.article == article_id, annotations_table.c.kind == kind
                    )
                )
            if rows:
                conn.execute(insert(annotations_table), rows)

    def save_objects(self, kind: str, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Insert or replace objects by id, the last of equal ids winning.

        An upsert, so concurrent writers cannot collide; rows go in sorted by id so that two
        PostgreSQL writers lock the same keys in the same order and cannot deadlock.
        """
        rows = [{"kind": kind, "id": i, "data": d} for i, d in sorted(dict(items).items())]
        if not rows:
            return
        statement = (sqlite if self.sqlite else postgresql).insert(objects_table)
        upsert = statement.on_conflict_do_update(
            index_elements=[objects_table.c.kind, objects_table.c.id], set_={"data": statement.excluded.data}
        )
        with self.engine.begin() as conn:
            conn.execute(upsert, rows)

    def annotations(self, kind: str, article_id: str | None = None) -> list[dict[str, Any]]:
        query = (
            select(annotations_table).where(annotations_table.c.kind == kind).order_by(annotations_table.c.id)
        )
        if article_id:
            query = query.where(annotations_table.c.article == article_id)
        with self.engine.connect() as conn:
            return [dict(r.data, article=r.article, start=r.start, end=r.end) for r in conn.execute(query)]

    def objects(self, kind: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            query = (
                select(objects_table.c.data).where(objects_table.c.kind == kind).order_by(objects_table.c.id)
            )
            return [dict(data) for data in conn.scalars(query)]

    # Targeted reads (and clean-up) for the web app: a page must not load every object of a kind.
    def objects_by_id(self, kind: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        query = select(objects_table.c.id, objects_table.c.data).where(
            objects_table.c.kind == kind, objects_table.c.id.in_(list(ids))
        )
        with self.engine.connect() as conn:
            return {row.id: dict(row.data) for row in conn.execute(query)}

    def object_page(self, kind: str, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        query = select(objects_table.c.data).where(objects_table.c.kind == kind).order_by(objects_table.c.id)
        with self.engine.connect() as conn:
            return [dict(data) for data in conn.scalars(query.limit(limit).offset(offset))]

    def count_objects(self, kind: str) -> int:
        query = select(func.count()).select_from(objects_table).where(objects_table.c.kind == kind)
        with self.engine.connect() as conn:
            return int(conn.scalar(query) or 0)

    def delete_objects(self, kind: str, ids: Iterable[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                objects_table.delete().where(objects_table.c.kind == kind, objects_table.c.id.in_(list(ids)))
            )

    def article_ids(self) -> list[str]:
        """Every stored article's id, in the order they were added."""
        with self.engine.connect() as conn:
            return list(conn.scalars(select(articles.c.id).order_by(articles.c.added, articles.c.id)))

    def annotations_where(self, kind: str, key: str, value: str, limit: int) -> list[dict[str, Any]]:
        """Annotations of one kind whose data has ``key`` equal to ``value`` (the mentions of an entity)."""
        query = (
            select(annotations_table)
            .where(annotations_table.c.kind == kind, annotations_table.c.data[key].as_string() == value)
            .order_by(annotations_table.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(r.data, article=r.article, start=r.start, end=r.end) for r in conn.execute(query)]


def _lock_articles(conn: Connection, article_ids: list[str]) -> None:
    """Transaction-level advisory locks on PostgreSQL, taken in the (sorted) order given: no deadlocks."""
    conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(a)) FROM unnest(CAST(:ids AS text[])) AS a"),
        {"ids": article_ids},
    )


def article_row(article: Article) -> dict[str, Any]:
    """The export's fields, with each removed span keeping its reason in the row."""
    row = article_json(article)
    del row["removed_reasons"]
    row["removed"] = [[r.start, r.end, r.reason] for r in article.removed]
    return row


def row_article(row: Row[Any]) -> Article:
    published = PartialDate.parse(row.published) if row.published else None
    return Article(
        id=row.id,
        origin=row.origin,
        text=row.text,
        source=row.source,
        removed=[Removed(s, e, reason) for s, e, reason in _json(row.removed)],
        outlet=row.outlet,
        agencies=list(_json(row.agencies)),
        dateline=row.dateline,
        published=published,
        language=row.language,
        title=row.title,
        authors=list(_json(row.authors)),
        url=row.url,
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)
