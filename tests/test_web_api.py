"""The REST API over a real store and writer process: adding articles, reading stories, security."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quellenlage import pipeline
from quellenlage.store import Store
from quellenlage.web.app import create_app
from quellenlage.web.reader import Reader
from quellenlage.web.settings import Settings
from quellenlage.web.writer import Writer

from .test_cli import sample_inputs

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
OTHER_STORY = (
    "Hamburg (dpa) - Der Hamburger Hafen hat im vergangenen Jahr 7,7 Millionen Container umgeschlagen, "
    "teilte die Hafenbehörde am Dienstag mit. Das seien rund drei Prozent mehr als im Vorjahr. Der Chef "
    "der Hafenbehörde sprach von einem guten Ergebnis in schwierigen Zeiten für den Welthandel."
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("web") / "web.db"
    settings = Settings(db=str(db), token=TOKEN, max_upload_bytes=200_000, write_rate="1000/minute")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def sample_story(client: TestClient) -> dict[str, Any]:
    """The bundled sample added as uploaded files: five reports of one story."""
    files = [("files", (Path(p).name, Path(p).read_bytes())) for p in sample_inputs()]
    response = client.post("/api/articles/files", files=files, headers=AUTH)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_uploaded_sample_forms_one_story(sample_story: dict[str, Any]) -> None:
    assert sample_story["failures"] == []
    assert len(sample_story["articles"]) == 5 and all(a["new"] for a in sample_story["articles"])
    (story,) = sample_story["stories"]
    assert story["articles"] == 5
    assert {a["story"] for a in sample_story["articles"]} == {story["id"]}


def test_story_figures_cite_the_words_they_show(client: TestClient, sample_story: dict[str, Any]) -> None:
    story_id = sample_story["stories"][0]["id"]
    listing = client.get("/api/stories").json()
    assert listing["total"] == 1 and listing["items"][0]["articles"] == 5
    assert len(listing["items"][0]["outlets"]) == 5 and listing["items"][0]["coverage"]
    story = client.get(f"/api/stories/{story_id[:12]}").json()  # a unique prefix is enough
    assert story["story"]["id"] == story_id
    assert {"agree", "conflict"} <= {slot["status"] for slot in story["slots"] if slot["values"]}
    texts = {a["id"]: client.get(f"/api/articles/{a['id']}").json()["text"] for a in story["articles"]}
    values = [v for slot in story["slots"] for v in slot["values"]]
    assert values and all(texts[v["article"]][v["start"] : v["end"]] == v["text"] for v in values)
    cells = [item for row in story["source_matrix"] for cell in row["cells"] for item in cell["items"]]
    assert cells and all(texts[i["article"]][i["start"] : i["end"]] == i["text"] for i in cells)
    assert all(s["citations"] for s in story["brief"]["sentences"])
    assert story["timeline"] and all(0 <= o["wire_share"] <= 1 for o in story["outlets"])
    assert any(o["wire_share"] > 0 for o in story["outlets"])  # the sample shares wire copy
    assert "## Figures" in client.get(f"/api/stories/{story_id}/brief?format=md").text
    assert client.get(f"/api/stories/{story_id}/claims").json()
    assert client.get("/api/stories/story-nothing-here").json()["status"] == 404


def test_article_findings_are_spans_of_its_text(client: TestClient, sample_story: dict[str, Any]) -> None:
    article_id = sample_story["articles"][0]["id"]
    article = client.get(f"/api/articles/{article_id[:8]}").json()
    assert article["id"] == article_id and article["story"] == sample_story["stories"][0]["id"]
    for kind in ("mentions", "claims", "quotes", "timerefs"):
        assert article[kind], kind
        for item in article[kind]:
            assert item["article"] == article_id and 0 <= item["start"] < item["end"] <= len(article["text"])
    assert {e["id"] for e in article["entities"]} == {m["entity"] for m in article["mentions"]}
    missing = client.get("/api/articles/ffffffffffff")
    assert missing.status_code == 404 and "no single article" in missing.json()["error"]


def test_json_articles_single_and_batch(client: TestClient, sample_story: dict[str, Any]) -> None:
    single = {"text": OTHER_STORY, "title": "Hafen wächst", "outlet": "Hafenblatt", "published": "2026-01-13"}
    first = client.post("/api/articles", json=single, headers=AUTH)
    assert first.status_code == 201, first.text
    (added,) = first.json()["articles"]
    assert added["new"] and added["story"] != sample_story["stories"][0]["id"]
    again = client.post("/api/articles", json=single, headers=AUTH)
    assert again.status_code == 200 and not again.json()["articles"][0]["new"]
    page_without_article = "<html><body><nav><a href='/'>Start</a></nav></body></html>"
    batch = {
        "articles": [
            {**single, "text": OTHER_STORY + " Neu ist ein Terminal."},
            {"html": page_without_article},
        ]
    }
    mixed = client.post("/api/articles/batch", json=batch, headers=AUTH).json()
    assert len(mixed["articles"]) == 1 and mixed["articles"][0]["new"]
    (failure,) = mixed["failures"]
    assert failure["origin"] == "upload:articles.jsonl#2"  # named by its place in the request
    assert client.get(f"/api/articles/{mixed['articles'][0]['id']}").json()["title"] == "Hafen wächst"


def test_search_entities_and_export(client: TestClient, sample_story: dict[str, Any]) -> None:
    hits = client.get("/api/search", params={"q": "Talsperre Hollbach"}).json()["hits"]
    assert hits and all(h["article"]["story"] == sample_story["stories"][0]["id"] for h in hits)
    entities = client.get("/api/entities?limit=500").json()
    assert entities["total"] == len(entities["items"]) > 5
    person = next(e for e in entities["items"] if e["kind"] == "PER")
    found = client.get(f"/api/entities/{person['id']}").json()
    assert found["entity"]["name"] == person["name"] and found["mentions"] and found["stories"]
    everything = json.loads(client.get("/api/export").text)
    assert {a["id"] for a in everything["articles"]} >= {a["id"] for a in sample_story["articles"]}
    assert len(everything["failures"]) == 1  # the page without an article


def test_export_of_a_story_matches_the_command_line(
    client: TestClient, sample_story: dict[str, Any], tmp_path: Path
) -> None:
    """The web app's analysis of the uploaded sample is what `quellenlage analyze` finds, and the slots of
    its export point at the same claims."""
    story_id = sample_story["stories"][0]["id"]
    web = json.loads(client.get("/api/export", params={"story": story_id}).text)
    cli = pipeline.analyze(sample_inputs(), tmp_path / "cli.db").to_json()
    for export in (web, cli):
        assert all(0 <= n < len(export["claims"]) for slot in export["slots"] for n in slot["claims"])

    def key(claim: dict[str, Any]) -> tuple[str, int, int, str]:
        return (claim["article"], claim["start"], claim["end"], claim["text"])

    def slots(export: dict[str, Any]) -> set[tuple[str, frozenset[tuple[str, int, int, str]]]]:
        return {
            (s["status"], frozenset(key(export["claims"][n]) for n in s["claims"]))
            for s in export["slots"]
            if s["claims"]
        }

    assert {key(c) for c in web["claims"]} == {key(c) for c in cli["claims"]}
    assert slots(web) == slots(cli)
    assert {a["id"] for a in web["articles"]} == {a["id"] for a in cli["articles"]}


def test_writer_adopts_a_store_made_by_the_command_line(tmp_path: Path) -> None:
    """A store analysed by `quellenlage analyze` gets its story index, pages and list when the writer
    opens it; a second opening rebuilds the same index from the stored features alone."""
    db = str(tmp_path / "cli.db")
    pipeline.analyze(sample_inputs(), db)
    first = Writer(db)
    assert first.status()["articles"] == 5 and first.status()["stories"] == 1
    again = Writer(db)
    assert again.story_of == first.story_of
    (stored,) = again.store.objects("stories")
    assert set(stored["articles"]) == set(first.story_of)
    assert again.store.objects_by_id("web_views", [stored["id"]])
    first.store.close()
    again.store.close()


def test_reader_follows_writes_by_the_change_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After its first load a reader reloads only the stories the writer's change log names, and ends
    where a full load of the store ends; after a writer restart it loads everything again."""
    db = str(tmp_path / "log.db")
    writer = Writer(db)
    follower = Reader(Store(db))
    follower.refresh()
    table = tmp_path / "other.jsonl"
    table.write_text(json.dumps({"text": OTHER_STORY, "outlet": "Hafenblatt"}) + "\n", encoding="utf-8")

    def full_load(kind: str) -> list[dict[str, Any]]:
        raise AssertionError(f"full reload of {kind}")

    for inputs in (sample_inputs(), [str(table)]):
        writer.add(inputs, {}, False)
        with monkeypatch.context() as patch:
            patch.setattr(follower.store, "objects", full_load)
            follower.refresh()
        fresh = Reader(Store(db))
        assert follower.summaries("recent") == fresh.summaries("recent")
        assert follower.summaries("size") == fresh.summaries("size")
        assert {a: follower.story_of(a) for a in writer.story_of} == writer.story_of
        fresh.store.close()
    assert len(follower.summaries()) == 2
    writer.store.close()
    Writer(db).store.close()  # a restart: what it did is not in the change log
    with monkeypatch.context() as patch:
        patch.setattr(follower.store, "objects", full_load)
        with pytest.raises(AssertionError, match="full reload"):
            follower.refresh()
    follower.store.close()


def test_writes_need_the_token(client: TestClient) -> None:
    body = {"text": OTHER_STORY}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = client.post("/api/articles", json=body, headers=headers)
        assert refused.status_code == 401 and "token" in refused.json()["error"]
        assert refused.headers["www-authenticate"] == "Bearer"
    no_token = TestClient(create_app(Settings(db=":memory:", token=None)))
    assert no_token.post("/api/articles", json=body, headers=AUTH).status_code == 403


def test_bad_requests_get_clear_json_errors(client: TestClient) -> None:
    empty = client.post("/api/articles", json={"title": "nothing else"}, headers=AUTH)
    assert empty.status_code == 422 and "text or its html" in empty.json()["error"]
    broken = client.post(
        "/api/articles", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and broken.json()["error"].startswith("invalid request")
    extra = client.post("/api/articles", json={"text": OTHER_STORY, "colour": "red"}, headers=AUTH)
    assert extra.status_code == 422 and "colour" in extra.json()["error"]
    bad_map = client.post(
        "/api/articles/files", files=[("files", ("a.csv", b"x"))], data={"columns": "x=1"}, headers=AUTH
    )
    assert bad_map.status_code == 422 and "bad column mapping" in bad_map.json()["error"]
    assert client.get("/api/nothing").json() == {"error": "Not Found", "status": 404}
    assert client.get("/api/stories?limit=0").status_code == 422


def test_upload_size_is_limited(client: TestClient) -> None:
    big = {"text": "Wort " * 50_000}
    declared = client.post("/api/articles", json=big, headers=AUTH)
    assert declared.status_code == 413 and "larger than 200000 bytes" in declared.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"text": "'
        for _ in range(300):
            yield b"Wort " * 200
        yield b'"}'

    streamed = client.post(
        "/api/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


def test_url_ingestion_refuses_private_addresses(client: TestClient) -> None:
    # Loopback only: a refusal that failed would send nothing beyond this machine.
    for url in ("http://127.0.0.1:9/feed.xml", "http://localhost:9/page.html", "http://[::1]:9/a"):
        refused = client.post("/api/articles/urls", json={"urls": [url]}, headers=AUTH)
        assert refused.status_code == 400, refused.text
        (failure,) = refused.json()["failures"]
        assert "refusing to fetch from a private or loopback address" in failure["reason"]
    not_http = client.post("/api/articles/urls", json={"urls": ["file:///etc/passwd"]}, headers=AUTH)
    assert not_http.status_code == 422 and "not an http(s) URL" in not_http.json()["error"]


def test_writes_are_rate_limited_per_client(client: TestClient) -> None:
    limited = create_app(Settings(db=":memory:", token=TOKEN, write_rate="3/minute"))
    other = TestClient(limited, client=("192.0.2.7", 50000))
    answers = [other.post("/api/articles", json={}, headers=AUTH) for _ in range(5)]
    assert [a.status_code for a in answers] == [422, 422, 422, 429, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1 and "192.0.2.7" in answers[-1].json()["error"]


def test_protected_reads(tmp_path: Path) -> None:
    private = TestClient(create_app(Settings(db=str(tmp_path / "p.db"), token=TOKEN, protect_reads=True)))
    assert private.get("/api/stories").status_code == 401
    page = private.get("/stories/story-x", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/stories/story-x"
    assert private.get("/login").status_code == 200


def test_pages_and_api_answer_each_in_their_own_form(
    client: TestClient, sample_story: dict[str, Any]
) -> None:
    """A story and an article as JSON and as pages, alternately (each is cached once built)."""
    story_id, article_id = sample_story["stories"][0]["id"], sample_story["articles"][0]["id"]
    for _ in range(2):
        assert client.get(f"/api/stories/{story_id}").json()["story"]["id"] == story_id
        page = client.get(f"/stories/{story_id}")
        assert page.headers["content-type"].startswith("text/html") and '<table class="figures">' in page.text
        assert client.get(f"/api/articles/{article_id}").json()["id"] == article_id
        article = client.get(f"/articles/{article_id}")
        assert article.headers["content-type"].startswith("text/html") and 'id="text"' in article.text


def test_pages_carry_a_content_security_policy(client: TestClient, sample_story: dict[str, Any]) -> None:
    page = client.get(f"/stories/{sample_story['stories'][0]['id']}")
    assert page.status_code == 200 and "<h1>" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text.replace('<script src="/static/app.js" defer></script>', "")
    assert client.get("/api/openapi.json").json()["info"]["title"] == "quellenlage"
