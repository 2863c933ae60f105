"""Ingest: every input format, and bad input that must fail alone with a clear reason."""

from __future__ import annotations

import gzip
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quellenlage.ingest import ColumnMapping, read, web
from quellenlage.ingest.decode import InputError, decode, repair_mojibake
from quellenlage.model import Failure, PartialDate, RawDocument

TEXT = (
    "Talheim (dpa) - Nach dem Dammbruch sinkt der Pegel der Salm. "
    "Rund 2.500 Menschen wurden in Sicherheit gebracht."
)


def documents(*inputs: str | Path, mapping: ColumnMapping | None = None) -> list[RawDocument | Failure]:
    return list(read([str(i) for i in inputs], mapping))


def only_docs(items: list[RawDocument | Failure]) -> list[RawDocument]:
    assert not [i for i in items if isinstance(i, Failure)], items
    return [i for i in items if isinstance(i, RawDocument)]


def test_text_folder_glob_and_gzip(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt.gz").write_bytes(gzip.compress(("Zweiter " + TEXT).encode()))
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")  # unknown suffix: not walked into
    assert [Path(d.origin).name for d in only_docs(documents(tmp_path))] == ["a.txt", "b.txt.gz"]
    assert len(only_docs(documents(tmp_path / "**" / "*.txt*"))) == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Straße über Köln „Zitat“".encode("cp1252"), "Straße über Köln „Zitat“"),
        ("Grüße aus Zürich".encode("latin-1"), "Grüße aus Zürich"),
        ("Grüße aus Zürich".encode().decode("cp1252").encode("utf-8"), "Grüße aus Zürich"),  # mojibake
        ("\ufeffMit BOM".encode(), "Mit BOM"),
    ],
)
def test_encoding_repair(raw: bytes, expected: str) -> None:
    assert decode(raw) == expected


@given(st.text(alphabet=st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")), min_size=1))
def test_mojibake_repair_is_harmless_on_clean_text(text: str) -> None:
    broken = text.encode("utf-8").decode("cp1252", errors="ignore")
    assert repair_mojibake(text) == text or "Ã" in text or "â€" in text or "Â" in text
    assert isinstance(repair_mojibake(broken), str)


def test_html_page(tmp_path: Path, article_html: str) -> None:
    (tmp_path / "page.html").write_text(article_html, encoding="utf-8")
    (doc,) = only_docs(documents(tmp_path / "page.html"))
    assert doc.media_type == "text/html"
    assert "2.500 Menschen" in doc.text
    assert "Cookies" not in doc.text and "pwned" not in doc.text and "Startseite" not in doc.text
    assert doc.hints.title == "Hochwasser in Talheim: Pegel sinkt langsam"
    assert doc.hints.outlet == "Abendpost"
    assert doc.hints.published == PartialDate("2026-03-14", "day")


def test_tables_with_mapping(tmp_path: Path) -> None:
    rows = [
        {"body": TEXT, "date": "2026-03-14T10:00:00Z", "headline": "Pegel sinkt"},
        {"body": "", "date": "x"},
    ]
    (tmp_path / "a.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8"
    )
    items = documents(tmp_path / "a.jsonl", mapping=ColumnMapping.parse("text=body,title=headline"))
    assert isinstance(items[0], RawDocument)
    assert items[0].hints.published == PartialDate("2026-03-14", "day")
    assert items[0].hints.title == "Pegel sinkt"
    assert [type(i).__name__ for i in items] == ["RawDocument", "Failure", "Failure"]
    assert "no article text" in str(items[1]) and "not JSON" in str(items[2])

    (tmp_path / "b.csv").write_text(
        "Panorama;'" + TEXT + "'\nSport;'Zweiter Text, mit Komma.'\n", encoding="utf-8"
    )
    items = documents(tmp_path / "b.csv", mapping=ColumnMapping.parse("text=1", delimiter=";", quotechar="'"))
    assert [d.text for d in only_docs(items)] == [TEXT, "Zweiter Text, mit Komma."]

    pq.write_table(
        pa.table({"text": [TEXT], "published": ["14.03.2026"], "url": ["https://talpost.de/x"]}),
        tmp_path / "c.parquet",
    )
    (doc,) = only_docs(documents(tmp_path / "c.parquet"))
    assert doc.origin.endswith("c.parquet#1")
    assert doc.hints.published == PartialDate("2026-03-14", "day")
    assert doc.hints.url == "https://talpost.de/x"


def test_bad_column_mapping() -> None:
    with pytest.raises(ValueError, match="bad column mapping"):
        ColumnMapping.parse("txt=body")


def test_warc(tmp_path: Path, article_html: str) -> None:
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body, ctype in [
            ("https://abendpost.de/hochwasser", article_html.encode(), "text/html; charset=utf-8"),
            ("https://abendpost.de/logo.png", b"\x89PNG", "image/png"),
            (
                "https://abendpost.de/leer",
                b"<html><body><nav>Nur Navigation</nav></body></html>",
                "text/html",
            ),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )
    items = documents(path)
    assert isinstance(items[0], RawDocument) and items[0].origin == "https://abendpost.de/hochwasser"
    assert "2.500 Menschen" in items[0].text
    assert isinstance(items[1], Failure) and "no article text" in items[1].reason
    assert len(items) == 2  # the image is not a document


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Talpost</title><link>{base}</link>
<item><title>Pegel sinkt</title><link>{base}/artikel</link><pubDate>Sat, 14 Mar 2026 09:00:00 +0100</pubDate>
<description>Kurzer Anriss.</description></item>
<item><title>Kaputt</title><link>{base}/fehlt</link><description>Nur ein Anriss.</description></item>
</channel></rss>
"""


@pytest.fixture
def server(article_html: str) -> Iterator[str]:
    """A local HTTP server with a page, a feed linking to it, and a missing page."""
    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            content_type, body = pages.get(self.path, ("text/plain", b""))
            if self.path == "/weiter":
                self.send_response(302)
                self.send_header("Location", "/artikel")
            else:
                self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    pages["/artikel"] = ("text/html; charset=utf-8", article_html.encode())
    pages["/feed.xml"] = ("application/rss+xml", FEED.format(base=base).encode())
    pages["/text"] = ("text/plain; charset=iso-8859-1", TEXT.replace("Pegel", "Pegelstand").encode("latin-1"))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()


def test_urls_feeds_and_url_lists(server: str, tmp_path: Path) -> None:
    items = documents(f"{server}/feed.xml")
    assert isinstance(items[0], RawDocument)
    assert items[0].origin == f"{server}/artikel" and "2.500 Menschen" in items[0].text
    assert items[0].hints.title == "Pegel sinkt" and items[0].hints.published == PartialDate(
        "2026-03-14", "day"
    )
    assert isinstance(items[1], Failure) and "HTTP 404" in items[1].reason

    (tmp_path / "urls.txt").write_text(f"# zu holen\n{server}/artikel\n{server}/text\n", encoding="utf-8")
    docs = only_docs(documents(tmp_path / "urls.txt"))
    assert [d.media_type for d in docs] == ["text/html", "text/plain"]
    assert "Pegelstand" in docs[1].text


def test_private_addresses_refused_when_asked(server: str) -> None:
    (failure,) = list(read([f"{server}/artikel"], allow_private=False))
    assert isinstance(failure, Failure) and "private or loopback" in failure.reason


def test_every_redirect_is_checked(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that passes the check may redirect to one that does not: the redirect is refused too.
    (The loopback server stands for both; the check here refuses only the redirect's target.)"""
    checked: list[str] = []

    def refuse_target(url: str) -> None:
        checked.append(url)
        if url.endswith("/artikel"):
            raise InputError("refusing to fetch from a private or loopback address")

    monkeypatch.setattr(web, "refuse_private", refuse_target)
    (failure,) = list(read([f"{server}/weiter"], allow_private=False))
    assert isinstance(failure, Failure) and "private or loopback" in failure.reason
    assert checked == [f"{server}/weiter", f"{server}/artikel"]
    assert isinstance(next(iter(read([f"{server}/weiter"], allow_private=True))), RawDocument)


def test_bad_inputs_fail_alone(tmp_path: Path) -> None:
    bad = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n ",
        "binary.txt": bytes(range(256)) * 10,
        "truncated.txt.gz": gzip.compress(TEXT.encode() * 50)[:-30],
        "corrupt.txt.gz": b"\x1f\x8b\x08\x00garbage",
        "no-article.html": b"<html><body><nav><a href='/'>Start</a></nav></body></html>",
        "broken.warc.gz": b"\x1f\x8b\x08\x00 not a warc",
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    with (tmp_path / "huge.txt").open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    items = documents(*sorted(tmp_path.iterdir()), tmp_path / "missing.txt")
    failures = {Path(i.origin).name: i.reason for i in items if isinstance(i, Failure)}
    assert set(failures) == {*bad, "huge.txt", "missing.txt"}
    assert failures["empty.txt"] == "empty file"
    assert failures["binary.txt"] == "binary data, not text"
    assert "truncated" in failures["truncated.txt.gz"]
    assert "gzip" in failures["corrupt.txt.gz"]
    assert "no article text" in failures["no-article.html"]
    assert "too large" in failures["huge.txt"]
    assert failures["missing.txt"] == "no such file or folder"
    assert [Path(d.origin).name for d in items if isinstance(d, RawDocument)] == ["good.txt"]
