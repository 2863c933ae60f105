"""Reading for the web: stored story pages, the story list, articles with their findings, the export.

Nothing here runs a stage. What changes only when the writer writes (the story list, which story an
article belongs to) is reloaded when the store's version changes, checked at most every
``max_age`` seconds (at once after a write through this server): only the stories the writer's change
log names, unless the log does not reach back far enough. Rendered story pages are cached by the
fingerprint of the stored view they come from, so a page stays valid until its story changes.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..corpus import article_json
from ..model import Article
from ..store import Store
from .digest import SUMMARIES, VIEWS
from .writer import CHANGES, KEEP_CHANGES, META

ANNOTATIONS = ("mentions", "claims", "quotes", "timerefs")


class Reader:
    def __init__(self, store: Store, max_age: float = 0.5, cache_size: int = 2048) -> None:
        self.store = store
        self.max_age = max_age
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._checked = float("-inf")
        self._version = -1
        self._summaries: dict[str, dict[str, Any]] = {}
        self._ordered: dict[str, list[dict[str, Any]]] = {}
        self._story_of: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}  # story id -> its articles
        self._pages: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
        self._pages_lock = threading.Lock()

    def version(self) -> int:
        stored = self.store.objects_by_id(META, ["version"]).get("version")
        return int(stored["n"]) if stored else 0

    def refresh(self) -> None:
        """Reload now if the store changed (after a write through this server: read your writes)."""
        with self._lock:
            self._checked = time.monotonic()
            version = self.version()
            if version == self._version:
                return
            changed = self._changed_since(version)
            if changed is None:
                self._load(self.store.objects(SUMMARIES), self.store.objects("stories"))
            else:
                self._update(changed)
            self._version = version

    def _changed_since(self, version: int) -> set[str] | None:
        """The stories changed or dropped after the loaded version; None when a full reload is needed."""
        wanted = [str(v) for v in range(self._version + 1, version + 1)]
        if self._version < 0 or len(wanted) > KEEP_CHANGES:
            return None
        logs = self.store.objects_by_id(CHANGES, wanted)
        if len(logs) < len(wanted) or any(log["everything"] for log in logs.values()):
            return None
        return {i for log in logs.values() for i in (*log["changed"], *log["dropped"])}

    def _load(self, summaries: list[dict[str, Any]], stories: list[dict[str, Any]]) -> None:
        self._members = {s["id"]: s["articles"] for s in stories}
        self._story_of = {a: s["id"] for s in stories for a in s["articles"]}
        self._publish({s["id"]: s for s in summaries})

    def _update(self, story_ids: set[str]) -> None:
        """Reload these stories as stored now (gone if the store no longer has them). Copies are changed
        and then swapped in: request threads may be iterating over the current ones."""
        summaries, story_of, members = dict(self._summaries), dict(self._story_of), dict(self._members)
        found = self.store.objects_by_id(SUMMARIES, story_ids)
        stories = self.store.objects_by_id("stories", story_ids)
        for story_id in story_ids:
            for article in members.pop(story_id, []):
                if story_of.get(article) == story_id:
                    del story_of[article]
            summaries.pop(story_id, None)
            if story_id in stories:
                members[story_id] = stories[story_id]["articles"]
                story_of.update(dict.fromkeys(members[story_id], story_id))
            if story_id in found:
                summaries[story_id] = found[story_id]
        self._members, self._story_of = members, story_of
        self._publish(summaries)

    def _publish(self, summaries: dict[str, dict[str, Any]]) -> None:
        self._ordered = {
            "recent": sorted(summaries.values(), key=_recent, reverse=True),
            "size": sorted(summaries.values(), key=_size, reverse=True),
        }
        self._summaries = summaries

    def _fresh(self) -> None:
        """The first read loads; later reads use what is loaded and, when it is older than ``max_age``,
        start one reload in the background: a request never waits for another's reload."""
        if self._version < 0:
            self.refresh()
        elif time.monotonic() - self._checked >= self.max_age and not self._lock.locked():
            self._checked = time.monotonic()
            threading.Thread(target=self.refresh, daemon=True).start()

    def summaries(self, order: str = "recent") -> list[dict[str, Any]]:
        """Every story's line in the list: most recent coverage first, or largest first."""
        self._fresh()
        return self._ordered.get(order, [])

    def story_id(self, prefix: str) -> str | None:
        """A story's id from its id or an unambiguous prefix of it."""
        self._fresh()
        if prefix in self._summaries:
            return prefix
        found = [i for i in self._summaries if i.startswith(prefix)]
        return found[0] if len(found) == 1 else None

    def story_of(self, article_id: str) -> str | None:
        self._fresh()
        return self._story_of.get(article_id)

    async def page(self, what: tuple[str, ...], story_id: str | None, build: Callable[[], bytes]) -> bytes:
        """A rendering of (a part of) a story, built once per version of the story's stored page. A
        cached one is answered on the event loop; building one (store reads, templates) runs in a thread.
        Without a story there is no version to check against, so nothing is cached."""
        if story_id is None:
            return await run_in_threadpool(build)
        key = (*what, str(self._summaries.get(story_id or "", {}).get("stamp")))
        with self._pages_lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        page = await run_in_threadpool(build)
        with self._pages_lock:
            self._pages[key] = page
            while len(self._pages) > self.cache_size:
                self._pages.popitem(last=False)
        return page

    def view(self, story_id: str) -> dict[str, Any] | None:
        return self.store.objects_by_id(VIEWS, [story_id]).get(story_id)

    def findings(self, article_id: str) -> dict[str, list[dict[str, Any]]]:
        """The article's mentions, claims, quotes and time expressions, and the entities it names."""
        found = {kind: self.store.annotations(kind, article_id) for kind in ANNOTATIONS}
        entities = self.store.objects_by_id("entities", {m["entity"] for m in found["mentions"]})
        found["entities"] = sorted(entities.values(), key=lambda e: (e["kind"], e["name"]))
        return found

    def entity(self, entity_id: str, limit: int = 200) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        found = self.store.objects_by_id("entities", [entity_id]).get(entity_id)
        if found is None:
            return None
        return found, self.store.annotations_where("mentions", "entity", entity_id, limit)

    def articles(self, ids: list[str]) -> dict[str, Article]:
        return {i: a for i in dict.fromkeys(ids) if (a := self.store.article(i)) is not None and a.id == i}

    def export(self, story_id: str | None = None) -> Iterator[str]:
        """The JSON export (the contract of `quellenlage analyze --json`), streamed: of the whole store, or
        of one story. Slots point into this export's claim list."""
        stories = self.store.objects("stories")
        if story_id is not None:
            stories = [s for s in stories if s["id"] == story_id]
        ids = [a for s in stories for a in s["articles"]] if story_id else self.store.article_ids()
        wanted = set(ids)
        yield '{"articles": ['
        yield from _joined(
            json.dumps(article_json(a), ensure_ascii=False) for a in map(self.store.article, ids) if a
        )
        annotations = {
            kind: [x for x in self.store.annotations(kind) if x["article"] in wanted] for kind in ANNOTATIONS
        }
        order = {a: n for n, a in enumerate(ids)}
        for items in annotations.values():
            items.sort(key=lambda x: order[x["article"]])  # stable: per article in the order found
        named = {m["entity"] for m in annotations["mentions"]}
        sections: dict[str, list[Any]] = {
            "entities": [e for e in self.store.objects("entities") if e["id"] in named],
            **annotations,
            "reuse": [r for r in self.store.objects("reuse") if r["a"] in wanted and r["b"] in wanted],
            "stories": stories,
            "slots": _slots(self.store, stories, annotations["claims"]),
            "briefs": [b for b in self.store.objects("briefs") if b["story"] in {s["id"] for s in stories}],
            "failures": [] if story_id else [asdict(f) for f in self.store.failures()],
        }
        for name, items in sections.items():
            yield f'], "{name}": ['
            yield from _joined(json.dumps(x, ensure_ascii=False) for x in items)
        yield "]}\n"


def _recent(s: dict[str, Any]) -> tuple[str, int, str]:
    return (s.get("last") or "", s["articles"], s["id"])


def _size(s: dict[str, Any]) -> tuple[int, str, str]:
    return (s["articles"], s.get("last") or "", s["id"])


def _joined(items: Iterator[str]) -> Iterator[str]:
    for n, item in enumerate(items):
        yield item if n == 0 else "," + item


def _slots(store: Store, stories: list[dict[str, Any]], claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The slots of the stored story pages, their claims numbered as in this export's claim list (a
    stored page names each value by its span, which does not depend on how the story was analysed)."""
    index = {(c["article"], c["start"], c["end"]): n for n, c in enumerate(claims)}
    out = []
    for story in stories:
        view = store.objects_by_id(VIEWS, [story["id"]]).get(story["id"])
        for slot in view["slots"] if view else []:
            members = [
                index[key] for v in slot["values"] if (key := (v["article"], v["start"], v["end"])) in index
            ]
            out.append({**{k: x for k, x in slot.items() if k != "values"}, "claims": members})
    return out
