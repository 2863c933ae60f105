"""Brief: every sentence cited and faithful to its spans, sections present, safe HTML, spec acceptance."""

from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from quellenlage.brief import SECTIONS, brief, build_brief, render_html, render_json, render_markdown
from quellenlage.compare import compare
from quellenlage.corpus import Corpus

from .conftest import shared_path
from .test_compare import make_corpus

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def words(text: str) -> list[str]:
    """The spec scorer's notion of a content word: six-letter prefixes of words of three letters or more."""
    stop = {"der", "die", "das", "des", "dem", "den", "und", "von", "nach", "laut", "the", "of", "and", "auf"}
    text = unicodedata.normalize("NFC", text.lower()).translate(_FOLD)
    return [w[:6] for w in re.findall(r"\w+", text) if len(w) >= 3 and w not in stop]


TEXTS = [
    (
        "a",
        "Nach dem Dammbruch in Ebersried wurden nach Angaben der Feuerwehr rund 2.500 Menschen evakuiert. "
        "Zwölf Menschen kamen ums Leben, sagte ein Polizeisprecher. "
        "Die Talsperre war im Jahr 1968 fertiggestellt worden.",
        "2026-03-14",
    ),
    (
        "b",
        "Etwa 2500 Menschen wurden laut Polizei in Ebersried evakuiert. <script>alert(1)</script> "
        "Nach Angaben der Polizei kamen rund 15 Menschen ums Leben. <img src=x onerror=alert(2)>",
        "2026-03-14",  # the same day as "a": 12 and 15 dead conflict (on different days they evolve)
    ),
]
CLAIMS: list[dict[str, object]] = [
    {
        "article": "a",
        "text": "rund 2.500 Menschen",
        "value": 2500,
        "approx": "rund",
        "counts": "Menschen evakuiert",
        "counts_head": "Mensch",
        "attributed_to": ["Feuerwehr"],
    },
    {
        "article": "a",
        "text": "Zwölf Menschen",
        "value": 12,
        "approx": None,
        "counts": "Menschen ums Leben",
        "counts_head": "Mensch",
        "attributed_to": ["Polizeisprecher"],
    },
    {
        "article": "b",
        "text": "Etwa 2500 Menschen",
        "value": 2500,
        "approx": "Etwa",
        "counts": "Menschen evakuiert",
        "counts_head": "Mensch",
        "attributed_to": ["Polizei"],
    },
    {
        "article": "b",
        "text": "rund 15 Menschen",
        "value": 15,
        "approx": "rund",
        "counts": "Menschen ums Leben",
        "counts_head": "Mensch",
        "attributed_to": ["Polizei"],
    },
]


def corpus() -> Corpus:
    built = make_corpus(TEXTS, [dict(c) for c in CLAIMS])
    compare(built)
    brief(built)
    return built


def test_every_sentence_is_cited_and_faithful() -> None:
    built = corpus()
    texts = {a.id: a.text for a in built.articles}
    sentences = [s for b in built.briefs for s in b.sentences]
    assert sentences
    for sentence in sentences:
        assert sentence.citations, sentence.text
        cited: set[str] = set()
        for c in sentence.citations:
            assert 0 <= c.start < c.end <= len(texts[c.article])
            cited |= set(words(texts[c.article][c.start : c.end]))
        own = words(sentence.text)
        assert sum(w in cited for w in own) / len(own) >= 0.5, sentence.text


def test_figures_section_has_one_row_per_slot_with_status() -> None:
    built = corpus()
    figures = [s for s in built.briefs[0].sentences if s.section == "figures"]
    assert len(figures) == len(built.slots) == 2
    assert {s.text.rsplit("– ", 1)[1] for s in figures} == {"agree.", "conflict."}
    assert all(s.section in SECTIONS for s in built.briefs[0].sentences)


def test_figure_row_says_how_many_outlets_name_each_source() -> None:
    texts = [
        (n, f"Nach Angaben der Behörden wurden rund 2.500 Menschen evakuiert ({n}).", "2026-03-14")
        for n in "abc"
    ]
    claims: list[dict[str, object]] = [
        {
            "article": n,
            "text": "rund 2.500 Menschen",
            "value": 2500,
            "approx": "rund",
            "counts": "Menschen evakuiert",
            "counts_head": "Mensch",
            "attributed_to": sources,
        }
        for n, sources in (("a", ["Feuerwehr"]), ("b", ["Feuerwehr", "Polizei"]), ("c", ["Feuerwehr"]))
    ]
    built = make_corpus(texts, claims)
    compare(built)
    brief(built)
    (row,) = [s.text for s in built.briefs[0].sentences if s.section == "figures"]
    # the sentence keeps to the words it cites; the table names the outlets as well
    sources = "rests on Feuerwehr (3 of 3), Polizei (1 of 3)"
    assert row == f"Menschen evakuiert: rund 2.500 Menschen in 3 outlets, {sources} – agree."
    table = render_markdown(built, "s1")
    assert (
        "rund 2.500 Menschen in 3 outlets (A, B, C), rests on Feuerwehr (3 of 3), Polizei (1 of 3)" in table
    )


def test_figures_without_a_counted_thing_are_left_out() -> None:
    """A bare number ("23", often a day of the month read as a figure) tells a reader nothing."""
    texts = [("a", "Die Marine nahm am 23. Tag 23 fest. Rund 2.500 Menschen wurden evakuiert.", "2026-03-14")]
    claims: list[dict[str, object]] = [
        {"article": "a", "text": "23", "value": 23},
        {
            "article": "a",
            "text": "Rund 2.500 Menschen",
            "value": 2500,
            "approx": "Rund",
            "counts": "Menschen evakuiert",
            "counts_head": "Mensch",
        },
    ]
    built = make_corpus(texts, claims)
    compare(built)
    brief(built)
    assert len(built.slots) == 2
    rows = [s.text for s in built.briefs[0].sentences if s.section == "figures"]
    assert rows == ["Menschen evakuiert: Rund 2.500 Menschen – single-source."]


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _v in attrs]


def test_html_is_standalone_and_escapes_article_markup() -> None:
    built = corpus()
    page = render_html(built, "s1")
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert not any(a.startswith("on") for a in parser.attrs)
    assert "svg" in parser.tags and "table" in parser.tags
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_markdown_and_json() -> None:
    built = corpus()
    markdown = render_markdown(built, "s1")
    assert "| Figure |" in markdown and "## Timeline" in markdown
    assert "<script>" not in markdown
    data = render_json(built, "s1")
    assert json.loads(json.dumps(data))["brief"]["story"] == "s1"
    assert {"slots", "source_matrix", "timeline"} <= set(data)
    assert build_brief(built, "s1").sentences == built.briefs[0].sentences


def test_spec_acceptance() -> None:
    spec = shared_path("spec")
    from quellenlage import pipeline

    files = sorted(p for p in (spec / "articles").iterdir() if p.is_file())
    built = pipeline.run_stages(pipeline.ingest(files))
    compare(built)
    brief(built)
    stem = {a.id: Path(a.origin).stem for a in built.articles}
    texts = {a.id: a.text for a in built.articles}
    gold = json.loads((spec / "expected_slots.json").read_text(encoding="utf-8"))
    slot_of = {i: s for s in built.slots for i in s.claims}
    grouped = status = 0
    for g in gold:
        owners = set()
        for v in g["values"]:
            art = next(a for a, s in stem.items() if s == v["article"])
            start = texts[art].find(v["text"])
            idx = next(
                i
                for i, c in enumerate(built.claims)
                if c.article == art and c.start < start + len(v["text"]) and start < c.end
            )
            owners.add(slot_of[idx].id if idx in slot_of else None)
        if len(owners) == 1 and None not in owners:
            grouped += 1
            status += next(s for s in built.slots if s.id in owners).status == g["status"]
    assert grouped / len(gold) >= 0.85 and status / len(gold) >= 0.7
    # the figures table: ~14,000 in three outlets, resting on Ukrainian intelligence (plus South Korean
    # intelligence in one); the next-deployment figures (up to 30,000 vs 4,000 soldiers and 6,000 workers)
    # conflict
    table = [
        line for line in render_markdown(built, built.stories[0].id).splitlines() if line.startswith("| ")
    ]
    total = next(line for line in table if "14.000" in line)
    assert re.search(
        r"14\.000[^;]* in 3 outlets \([^)]*\), rests on ukrainischer Geheimdienst \(3 of 3\), "
        r"südkoreanischer Geheimdienst \(1 of 3\)",
        total,
    )
    assert total.split(" | ")[-2] == "evolving"
    following = next(line for line in table if "30.000" in line)
    assert re.search(r"bis zu 30\.000[^|]*; 4000 [^|]*Soldaten[^|]*; 6000 [^|]*Kräften", following)
    assert following.split(" | ")[-2] == "conflict"
