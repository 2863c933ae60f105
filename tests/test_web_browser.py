"""End to end in headless Chromium (Debian's, driven by playwright): `quellenlage serve` on a loopback port,
the sample added through the page, a figure clicked and its words found; an article carrying markup
proves that nothing from an article runs in the browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .test_cli import sample_inputs
from .test_story_cli import chromium

TOKEN = "browser-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MARKUP = (
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    '"><svg onload="window.__pwned=\'svg\'"></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<a href=\"javascript:alert('a')\" onmouseover=\"window.__pwned='a'\">Hier klicken</a>",
)
HOSTILE_TEXT = (
    f"Nach Angaben der Polizei wurden am Montag 12 Menschen verletzt. {MARKUP[0]} Ein Sprecher sagte, "
    f"{MARKUP[1]} die Lage sei unter Kontrolle. {MARKUP[2]} {MARKUP[3]} Die Feuerwehr war mit 40 "
    f"Einsatzkräften vor Ort und räumte die Straße bis zum Abend. {MARKUP[4]} für mehr Bilder."
)
HOSTILE = {
    "text": HOSTILE_TEXT,
    "title": "<script>window.__pwned='title'</script>Verletzte in Berlin",
    "outlet": "<img src=x onerror=\"window.__pwned='outlet'\">Böse Zeitung",
    "published": "2026-02-02",
}
# Anything of these in a page means markup from an article became markup in the page.
INJECTED = "[onerror],[onload],[onmouseover],iframe,img,script:not([src='/static/app.js'])"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(folder: Path, *options: str) -> Iterator[str]:
    """`quellenlage serve` itself, on a free loopback port over a new store; ready when its writer is."""
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from quellenlage.cli import app; app()",
        "serve",
        "--db",
        str(folder / "w.db"),
    ]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [*command, "--port", str(port), "--no-access-log", *options],
        env=dict(os.environ, QUELLENLAGE_TOKEN=TOKEN),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, folder / "server.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=120)
        log.close()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 900) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            if httpx.get(f"{base}/api/status").json()["writer"] == "ready":
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    pytest.fail(f"server not ready after {timeout} s: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium()
    with running_server(tmp_path_factory.mktemp("serve")) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        found = driver.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield found
        found.close()


def watched(page: Page) -> list[str]:
    """Every script error and error message of the page, collected as it runs."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    return problems


def test_add_the_sample_open_the_story_and_check_a_figure(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watched(page)
    page.goto(f"{server}/add")
    page.fill("#token", TOKEN)
    page.set_input_files("#add-files input[type=file]", sample_inputs())
    page.click("#add-files button")
    page.wait_for_selector(".result-stories a", timeout=900_000)
    assert page.inner_text(".result-status") == "5 new article(s), 0 already stored."
    page.click(".result-stories a")
    page.wait_for_selector("table.figures")
    assert page.locator("section#reports tbody tr").count() == 5
    page.screenshot(path=tmp_path / "story.png", full_page=True)
    conflict = page.eval_on_selector(
        "tr.status-conflict td.status", "cell => getComputedStyle(cell).backgroundColor"
    )
    assert conflict == "rgb(179, 38, 30)"  # conflicts in red

    figure = page.locator("tr.status-conflict a.figure").first
    words, article_id = figure.inner_text(), figure.get_attribute("data-article")
    start, end = int(figure.get_attribute("data-start") or -1), int(figure.get_attribute("data-end") or -1)
    figure.click()
    mark = page.locator("#evidence mark")
    mark.wait_for()
    text = httpx.get(f"{server}/api/articles/{article_id}").json()["text"]
    assert mark.inner_text() == words == text[start:end]
    assert page.locator("#evidence .evidence-text").text_content() == text  # in its whole article
    assert mark.is_visible()
    page.screenshot(path=tmp_path / "figure.png")

    page.click("#evidence .evidence-open")
    page.wait_for_selector("#text .cited")
    assert page.locator("#cited").count() == 1  # the anchor the link scrolls to
    assert "".join(page.locator("#text .cited").all_text_contents()) == words
    assert page.locator("#text .ent a").count() > 0 and page.locator("#text .claim").count() > 0
    page.screenshot(path=tmp_path / "article.png", full_page=True)
    assert problems == []


def test_markup_in_an_article_stays_text(server: str, browser: Browser, tmp_path: Path) -> None:
    added = httpx.post(f"{server}/api/articles", json=HOSTILE, headers=AUTH, timeout=900).json()
    (article,) = added["articles"]
    # Without the content security policy only escaping stands between an article and the page.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = watched(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    story = f"/stories/{article['story']}"
    pages = ("/", story, f"/articles/{article['id']}", "/search?q=" + quote("script pwned <img src=x>"))
    for number, url in enumerate(pages):
        page.goto(server + url)
        page.mouse.move(300, 300)  # over whatever is there: no handler may fire
        assert _untouched(page), url
        page.screenshot(path=tmp_path / f"hostile-{number}.png", full_page=True)
    text = httpx.get(f"{server}/api/articles/{article['id']}").json()["text"]
    assert all(markup in text for markup in MARKUP)  # stored as written
    page.goto(server + f"/articles/{article['id']}")
    assert page.text_content("#text") == text
    assert page.inner_text("h1") == HOSTILE["title"]
    page.goto(server + story)
    page.locator("a.figure").first.click()
    page.locator("#evidence mark").wait_for()
    assert page.locator("#evidence .evidence-text").text_content() == text
    assert _untouched(page)
    assert dialogs == [] and problems == []


def _untouched(page: Page) -> bool:
    flag: Any = page.evaluate("window.__pwned")
    injected: int = page.evaluate(f"document.querySelectorAll({INJECTED!r}).length")
    return flag is None and injected == 0
