"""Web load: concurrent readers on loopback while articles are being added, on a store of 10,000 articles.

usage: OMP_NUM_THREADS=1 python benchmarks/load.py [--store FILE] [--articles N] [--readers N] [--adds N]

The store holds reports replicated from the 10kGNAD test articles (1,028 real texts): each text and
versions of it with one sentence left out, credited to invented outlets on nearby days, so stories of
three reports form. It is built once through the web app's own writer (every stage, stories placed
online, story pages stored) and kept in --store for later runs; the build time is printed. Each run
measures on a copy of it, so every run starts from the same 10,000 articles. Then
`quellenlage serve` runs on a free loopback port; while one client adds new reports one by one through
the API, --readers clients read story pages, story JSON, the story list and articles as fast as they
can. Printed: p50/p95/max latency per kind of request, failed requests with their reasons (the
server's log is kept next to --store), and whether every added article is stored. Goal: p95 of the
story page < 200 ms, no failed request, nothing lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np

from common import gnad_texts, print_table
from quellenlage.store import Store
from quellenlage.web.writer import Writer

TOKEN = "load-benchmark"
LONG = aiohttp.ClientTimeout(total=600)  # adding an article waits for the writer
OUTLETS = (
    "Abendkurier",
    "Morgenpost am Fluss",
    "Tagesblatt Nord",
    "Rundschau 24",
    "Der Landbote",
    "Stadtanzeiger",
    "Wochenspiegel",
    "Alpenecho",
    "Kurier Online",
    "Nachrichten am Mittag",
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
GOAL_P95_MS = 200.0


def reports(texts: list[str], copies: range, story_size: int = 3, stories: int = 4) -> list[dict[str, str]]:
    """Version k of each text leaves out its k-th sentence (version 0 is the text as it is). Versions
    are grouped by ``story_size`` into ``stories`` stories two years apart (the story index never joins
    reports a year apart; later versions join the earlier groups); within a story they come from
    different outlets on nearby days."""
    rows = []
    for i, text in enumerate(texts):
        sentences = _SENTENCE.split(text)
        day = date(2019, 1, 1) + timedelta(days=(i * 7) % 365)
        for k in copies:
            if k >= len(sentences):
                break
            body = " ".join(s for n, s in enumerate(sentences) if n != k or k == 0)
            published = day + timedelta(days=730 * (k // story_size % stories) + (k % story_size) // 2)
            rows.append(
                {
                    "text": body,
                    "outlet": OUTLETS[k % len(OUTLETS)],
                    "published": published.isoformat(),
                    "key": f"{i}.{k}",
                }
            )
    return rows


def build(store: Path, rows: list[dict[str, str]], piece: int = 512) -> float:
    """Add the rows through the writer (as the server does), in pieces; a rerun goes on where it stopped."""
    with Store(store) as existing:
        if existing.count() >= len(rows):
            return 0.0
    started = time.perf_counter()
    writer = Writer(str(store))
    done = writer.status()["articles"]
    with tempfile.TemporaryDirectory() as tmp:
        for start in range(done, len(rows), piece):
            table = Path(tmp) / "piece.jsonl"
            table.write_text(
                "".join(json.dumps(r) + "\n" for r in rows[start : start + piece]), encoding="utf-8"
            )
            result = writer.add([str(table)], {}, False)
            status = writer.status()
            print(
                f"  {status['articles']:>6} articles, {status['stories']:>5} stories, "
                f"{len(result['failures'])} failures, {time.perf_counter() - started:7.0f} s",
                flush=True,
            )
    writer.store.close()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, QUELLENLAGE_TOKEN=TOKEN)
    command = [sys.executable, "-c", "from quellenlage.cli import app; app()", "serve", "--db", str(store)]
    command += ["--port", str(port), "--write-rate", "none", "--no-access-log"]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


async def get_json(client: aiohttp.ClientSession, url: str) -> Any:
    """The JSON at ``url``; {} when there is none (404)."""
    async with client.get(url) as response:
        if response.status == 404:
            return {}
        response.raise_for_status()
        return await response.json()


async def wait_ready(client: aiohttp.ClientSession, timeout: float = 1800) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            status = await get_json(client, "/api/status")
            if status["writer"] == "ready":
                return time.perf_counter() - started
            if status["writer"].startswith("failed"):
                raise SystemExit(f"writer failed: {status['writer']}")
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(1)
    raise SystemExit("server not ready in time")


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.reasons: list[str] = []

    async def get(self, client: aiohttp.ClientSession, kind: str, url: str) -> None:
        started = time.perf_counter()
        reason = None
        try:
            async with client.get(url) as response:
                body = await response.read()  # the whole page, as a browser would
                if response.status != 200:
                    reason = f"{response.status} {body[:200]!r}"
        except aiohttp.ClientError as err:
            reason = f"{type(err).__name__}: {err}"
        self.times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        self.errors[kind] = self.errors.get(kind, 0) + (reason is not None)
        if reason is not None:
            self.reasons.append(f"{kind} {url}: {reason}")


async def reader(
    client: aiohttp.ClientSession,
    record: Recorder,
    stories: list[str],
    articles: list[str],
    done: asyncio.Event,
    seed: int,
) -> None:
    """A closed loop: the next request as soon as the last one is answered."""
    rng = random.Random(seed)
    while not done.is_set():
        story = rng.choice(stories)
        roll = rng.random()
        if roll < 0.5:
            await record.get(client, "story page (HTML)", f"/stories/{story}")
        elif roll < 0.75:
            await record.get(client, "story (API)", f"/api/stories/{story}")
        elif roll < 0.9:
            await record.get(client, "story list (API)", "/api/stories?limit=50")
        else:
            await record.get(client, "article (API)", f"/api/articles/{rng.choice(articles)}")


async def feed(
    client: aiohttp.ClientSession, rows: list[dict[str, str]], done: asyncio.Event
) -> tuple[list[str], list[float], int]:
    """Add reports one at a time, as a newsroom feed would; the ids of the new articles."""
    added, times, failed = [], [], 0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        for row in rows:
            started = time.perf_counter()
            async with client.post("/api/articles", json=row, headers=headers, timeout=LONG) as response:
                result = await response.json() if response.status in (200, 201) else None
            times.append((time.perf_counter() - started) * 1000)
            if result is None:
                failed += 1
                continue
            added += [a["id"] for a in result["articles"] if a["new"]]
    finally:
        done.set()
    return added, times, failed


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used (Linux): what a request costs, whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(port: int, server: int, readers: int, fresh: list[dict[str, str]]) -> None:
    # aiohttp's client (C parser): a load client that costs the cores a fraction of what the server does
    # (httpx measured 3.5 ms of client CPU per page, aiohttp 0.3 ms). It closes idle connections after
    # 15 s, before the server does (75 s), so no request goes out on a connection the server is closing.
    connector = aiohttp.TCPConnector(limit=readers + 4, keepalive_timeout=15)
    timeout = aiohttp.ClientTimeout(total=60)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as client:
        ready = await wait_ready(client)
        before = await get_json(client, "/api/status")
        print(f"server ready after {ready:.0f} s (story index rebuilt from stored features): {before}")
        stories = [s["id"] for s in (await get_json(client, "/api/stories?order=size&limit=500"))["items"]]
        articles = [a["id"] for a in (await get_json(client, "/api/articles?limit=500"))["items"]]
        record, done = Recorder(), asyncio.Event()
        started, cpu, load = time.perf_counter(), cpu_seconds(server), os.getloadavg()[0]
        tasks = [
            asyncio.create_task(reader(client, record, stories, articles, done, n)) for n in range(readers)
        ]
        added, add_times, add_failed = await feed(client, fresh, done)
        await asyncio.gather(*tasks)
        seconds, cpu = time.perf_counter() - started, cpu_seconds(server) - cpu
        after = await get_json(client, "/api/status")
        stored = [await get_json(client, f"/api/articles/{i}") for i in added]
        missing = [i for i, found in zip(added, stored, strict=True) if found.get("id") != i]
        unplaced = [i for i, found in zip(added, stored, strict=True) if not found.get("story")]
    rows: list[list[object]] = []
    for kind, times in sorted(record.times.items()):
        p50, p95 = np.percentile(times, [50, 95])
        rows.append([kind, len(times), float(p50), float(p95), max(times), record.errors[kind]])
    p50, p95 = np.percentile(add_times, [50, 95])
    rows.append(
        ["add article (API, writer)", len(add_times), float(p50), float(p95), max(add_times), add_failed]
    )
    print(f"\n{readers} readers for {seconds:.0f} s while {len(fresh)} reports were added one by one:")
    print_table(["request", "count", "p50 ms", "p95 ms", "max ms", "failed"], rows)
    for reason in record.reasons[:20]:
        print(f"failed: {reason}")
    requests = sum(len(t) for t in record.times.values()) + len(add_times)
    print(
        f"web server process: {1000 * cpu / requests:.2f} ms CPU per request, "
        f"{requests / seconds:.0f} requests/s; load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end (2 cores)"
    )
    story_p95 = next(r[3] for r in rows if r[0] == "story page (HTML)")
    failed = sum(int(r[5]) for r in rows)  # type: ignore[call-overload]
    print(
        f"\nstored: {before['articles']} -> {after['articles']} articles; {len(added)} new, "
        f"{len(missing)} missing, {len(unplaced)} without a story"
    )
    verdict = (
        story_p95 < GOAL_P95_MS
        and failed == 0
        and not missing
        and after["articles"] == before["articles"] + len(added)
    )
    goal = f"story page p95 < {GOAL_P95_MS:.0f} ms, no failed request, nothing lost"
    print(f"goal ({goal}): {'met' if verdict else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "quellenlage-load-10k.db")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--adds", type=int, default=60)
    parser.add_argument("--build-only", action="store_true", help="build the store, measure nothing")
    args = parser.parse_args()
    texts = gnad_texts()
    stored = reports(texts, range(12))[: args.articles]
    print(f"store {args.store}: {len(stored)} reports from {len(texts)} 10kGNAD texts")
    seconds = build(args.store, stored)
    print(
        f"built in {seconds:.0f} s (all stages, stories online, pages stored)" if seconds else "already built"
    )
    fresh = random.Random(1).sample(reports(texts, range(14, 16)), args.adds)  # versions never stored
    with tempfile.TemporaryDirectory(dir=args.store.parent) as tmp:
        copy, log = Path(tmp) / args.store.name, args.store.with_suffix(".server.log")
        shutil.copyfile(args.store, copy)
        port = free_port()
        server = serve(copy, port, log)
        try:
            asyncio.run(measure(port, server.pid, args.readers, fresh))
        finally:
            server.terminate()
            server.wait(timeout=120)
    print(f"server log: {log}")


if __name__ == "__main__":
    main()
