"""End to end: stories, claims and briefs read back from the store, and the HTML brief in Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import quellenlage
from quellenlage.cli import app

from .test_cli import sample_inputs

runner = CliRunner()
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The bundled sample analysed once into a store; its one story's id."""
    db = str(tmp_path_factory.mktemp("story") / "sample.db")
    result = runner.invoke(app, ["analyze", *sample_inputs(), "--db", db, "-q"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["stories", "--db", db])
    assert listing.exit_code == 0
    (story_id,) = re.findall(r"story-[0-9a-f]{6}", listing.output)
    return db, story_id


def test_stories_and_claims(sample_db: tuple[str, str]) -> None:
    db, story_id = sample_db
    listing = runner.invoke(app, ["stories", "--db", db])
    assert "1 of 1 stories" in listing.output
    claims = runner.invoke(app, ["claims", story_id, "--db", db])
    assert claims.exit_code == 0
    assert "conflict" in claims.output and "agree" in claims.output
    assert runner.invoke(app, ["claims", "story-nope", "--db", db]).exit_code == 1


def test_brief_formats(sample_db: tuple[str, str], tmp_path: Path) -> None:
    db, story_id = sample_db
    markdown = runner.invoke(app, ["brief", story_id, "--db", db])
    assert markdown.exit_code == 0
    assert "## Figures" in markdown.output and "## Timeline" in markdown.output
    out = tmp_path / "brief.json"
    assert (
        runner.invoke(app, ["brief", story_id, "--db", db, "--format", "json", "--out", str(out)]).exit_code
        == 0
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["story"].startswith(story_id)
    assert runner.invoke(app, ["brief", story_id, "--db", db, "--format", "pdf"]).exit_code == 2


def chromium() -> str:
    """Debian's Chromium; CI installs it, so there it must be found."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; the test command installs Debian's chromium")
        pytest.skip("chromium is not installed")
    return path


def test_html_brief_renders_in_headless_chromium(sample_db: tuple[str, str], tmp_path: Path) -> None:
    db, story_id = sample_db
    page = tmp_path / "brief.html"
    assert (
        runner.invoke(app, ["brief", story_id, "--db", db, "--format", "html", "--out", str(page)]).exit_code
        == 0
    )
    shot = tmp_path / "brief.png"
    base = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    done = subprocess.run(
        [*base, f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    page_errors = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert page_errors == []
    dom = subprocess.run(
        [*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    ).stdout
    assert "<svg" in dom and "Figures" in dom and "<script" not in dom


def test_python_api_opens_a_stored_story(sample_db: tuple[str, str]) -> None:
    db, story_id = sample_db
    corpus = quellenlage.open_story(db, story_id)
    assert corpus.stories[0].id.startswith(story_id)
    assert len(corpus.articles) == 5
    assert {slot.status for slot in corpus.slots} >= {"agree", "conflict"}
    assert all(
        c.article in {a.id for a in corpus.articles}
        for b in corpus.briefs
        for s in b.sentences
        for c in s.citations
    )
