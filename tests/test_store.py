"""The SQLite store: one copy per text, raw input kept, full-text search, no harm from a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from quellenlage.clean import clean
from quellenlage.model import Failure, Hints, PartialDate, RawDocument
from quellenlage.store import Store


def doc(text: str, origin: str = "a.txt") -> RawDocument:
    return RawDocument(
        origin, text.encode("cp1252"), text, "text/plain", Hints(published=PartialDate("2026-03", "month"))
    )


TEXTS = [
    "Talheim (dpa) - Nach dem Dammbruch an der Salm sinkt der Pegel langsam, teilte die Feuerwehr mit.",
    "Die Landrätin dankte den Helfern in Talheim. Die Aufräumarbeiten dürften Wochen dauern. (afp/red)",
]


def test_store_roundtrip_dedup_and_raw(tmp_path: Path) -> None:
    with Store(tmp_path / "q.db") as store:
        first = clean(doc(TEXTS[0]))
        assert store.add(doc(TEXTS[0]), first) is True
        assert store.add(doc(TEXTS[0], "copy.txt"), clean(doc(TEXTS[0], "copy.txt"))) is False
        assert store.count() == 1
        loaded = store.article(first.id[:6])
        assert loaded == first
        assert store.raw(first.id) == TEXTS[0].encode("cp1252")


def test_search(tmp_path: Path) -> None:
    with Store(tmp_path / "q.db") as store:
        for text in TEXTS:
            store.add(doc(text), clean(doc(text)))
        hits = store.search("Landrätin Helfer")
        assert len(hits) == 0  # all words must match: "Helfer" is not "Helfern"
        ((article, snippet),) = store.search("landratin helfern")  # diacritics and case folded
        assert "Helfern" in article.text and "[" in snippet
        assert store.search('"Salm') and not store.search("   ")


def test_failures_are_recorded(tmp_path: Path) -> None:
    with Store(tmp_path / "q.db") as store:
        store.add_failure(Failure("x.txt", "empty file"))
        assert store.failures() == [Failure("x.txt", "empty file")]


def test_crash_mid_document_leaves_store_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the raw input and the article row were written rolls the whole document back."""
    path = tmp_path / "q.db"
    with Store(path) as store:
        store.add(doc(TEXTS[0]), clean(doc(TEXTS[0])))
        real_execute = type(store.engine.connect()).execute

        def crash_on_fts(self, statement, *args, **kwargs):  # type: ignore[no-untyped-def]
            if "articles_fts" in str(statement):
                raise RuntimeError("power cut")
            return real_execute(self, statement, *args, **kwargs)

        monkeypatch.setattr(type(store.engine.connect()), "execute", crash_on_fts)
        with pytest.raises(RuntimeError):
            store.add(doc(TEXTS[1]), clean(doc(TEXTS[1])))
        monkeypatch.undo()
    with Store(path) as store:
        assert store.count() == 1
        assert store.search("Dammbruch")
        assert store.add(doc(TEXTS[1]), clean(doc(TEXTS[1]))) is True
        assert store.count() == 2
