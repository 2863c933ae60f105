"""Loaders for the language stage's rule data in ``quellenlage/rules`` (aliases, roles, tokenizer lists)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from quellenlage.model import EntityKind
from quellenlage.rules import alternation, read_json, read_rows

_KINDS: tuple[EntityKind, ...] = ("PER", "ORG", "LOC", "MISC")


@dataclass(frozen=True, slots=True)
class AliasGroup:
    """One row of aliases.tsv: a well-known entity with its German and English names and other spellings."""

    kind: EntityKind
    de: str
    en: str
    variants: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.de, self.en, *self.variants)


@cache
def alias_groups() -> tuple[AliasGroup, ...]:
    groups = []
    for cols in read_rows("aliases.tsv"):
        if len(cols) < 3 or cols[0] not in _KINDS:
            raise ValueError(f"aliases.tsv: malformed row {cols!r}")
        variants = tuple(v.strip() for v in cols[3].split("|") if v.strip()) if len(cols) > 3 else ()
        groups.append(AliasGroup(cols[0], cols[1].strip(), cols[2].strip(), variants))
    return tuple(groups)


@cache
def agency_names() -> tuple[str, ...]:
    """News agencies of ``agencies.tsv`` as written in text: the canonical name, and each variant in upper
    case and, from four letters on, in title case ("TASS", "Tass", "Associated Press"; not "Ap")."""
    names: set[str] = set()
    for cols in read_rows("agencies.tsv"):
        names.add(cols[0].strip())
        for variant in (v.strip() for v in (cols[1].split("|") if len(cols) > 1 else ()) if v.strip()):
            names.add(variant.upper())
            if len(variant) >= 4:
                names.add(variant.title())
    return tuple(sorted(names))


@cache
def role_heads(language: str) -> tuple[str, ...]:
    """Role heads for ``language`` ("de" or "en"), longest first so compounds match their longest head."""
    return _heads("roles_en.txt" if language == "en" else "roles_de.txt")


@cache
def org_heads(language: str) -> tuple[str, ...]:
    """Nouns naming a kind of organisation, longest first: ``org_heads_de.txt`` for German; there is no
    English list yet, so the rule is German only."""
    return _heads("org_heads_de.txt") if language == "de" else ()


@cache
def institution_heads() -> dict[str, str]:
    """Nouns naming a public body or district that takes the name of its place (German) -> the label of
    the whole name."""
    return {
        row[0].strip().lower(): (row[1].strip() if len(row) > 1 else "ORG")
        for row in read_rows("institution_heads_de.txt")
    }


@cache
def body_kinds() -> dict[str, tuple[str, ...]]:
    """Kinds of public bodies and sources -> their German and English names, lower case (``bodies.json``)."""
    kinds: dict[str, list[str]] = read_json("bodies.json")["kinds"]
    return {kind: tuple(forms) for kind, forms in kinds.items()}


@cache
def body_kind_pattern(key: Callable[[str], str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern for the names of the kinds of bodies as whole words, each normalised by ``key``, and each
    normalised name's kind (canonicalisation keys names by transliteration, the compare stage by its fold)."""
    table = {key(form): kind for kind, forms in body_kinds().items() for form in forms}
    return re.compile(rf"\b(?:{alternation(table)})\b"), table


@cache
def name_particles() -> dict[str, frozenset[str]]:
    """Lower-case particles inside person names ("von", "van der", "zu") -> the particles that must precede
    them (none: it may follow the given name)."""
    rows = read_rows("name_particles.txt")
    return {row[0].strip(): frozenset(row[1].split()) if len(row) > 1 else frozenset() for row in rows}


@cache
def speech_verb_forms(language: str) -> frozenset[str]:
    """Finite singular forms of the verbs that introduce speech ("sagte", "erklärt"), lower case, from the
    quote cue table (``quotes_verbs.tsv``): the name right after one at a clause's end is its speaker."""
    return frozenset(
        form.strip()
        for forms, _lemma, _particle, strength, lang in read_rows("quotes_verbs.tsv")
        if strength == "strong" and lang.strip() == language
        for form in forms.split(",")
        if not form.strip().endswith("en")
    )


@cache
def place_descriptors() -> frozenset[str]:
    """Nouns naming a kind of place before a place's name ("Hafenstadt", "Region"), lower case."""
    return frozenset(_heads("place_descriptors.txt"))


@cache
def english_calendar_words() -> frozenset[str]:
    """English month and weekday names, lower case: capitalised, yet no part of a name."""
    data = read_json("temporal_en.json")
    return frozenset(data["months"]) | frozenset(data["weekdays"])


def _heads(name: str) -> tuple[str, ...]:
    return tuple(sorted({row[0].strip().lower() for row in read_rows(name)}, key=lambda r: (-len(r), r)))


@dataclass(frozen=True, slots=True)
class TokenizerRules:
    abbreviations: tuple[str, ...]
    months: frozenset[str]
    sentence_final: frozenset[str]
    openers_after_number: frozenset[str]


@cache
def tokenizer_rules() -> TokenizerRules:
    data = read_json("tokenizer_de.json")
    return TokenizerRules(
        abbreviations=tuple(a for a in data["abbreviations"] if a.endswith(".")),
        months=frozenset(data["months"]),
        sentence_final=frozenset(data["sentence_final"]),
        openers_after_number=frozenset(data["openers_after_number"]),
    )
