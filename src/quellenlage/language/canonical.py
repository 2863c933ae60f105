"""One canonical entity per real-world referent, within and across articles and languages.

Hand-written: no library links German news entities. Within an article a surname or a short form joins the
full name it belongs to ("Lawrow" -> "Sergej Lawrow", "Kim" -> "Kim Jong Un"), genitives join their base
("Lawrows", "Moskaus"), and spellings fold together (ß/ss, umlauts, hyphens, case). Across articles and
languages, names merge by the alias table (exonyms), by a transliteration-folded key ("Sergei Lavrov" =
"Sergej Lawrow") and, between languages, by rapidfuzz similarity of those keys. A surname seen without a full
name merges across articles only when exactly one full name in the corpus fits it.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz
from scipy.cluster.hierarchy import DisjointSet
from spacy.tokens import Doc, Span

from quellenlage.language.rules import AliasGroup, alias_groups, body_kind_pattern, role_heads
from quellenlage.model import Entity, EntityKind, Mention
from quellenlage.rules import alternation

KIND_ORDER: tuple[EntityKind, ...] = ("PER", "ORG", "LOC", "MISC")
FUZZY_MIN = 90.0  # rapidfuzz ratio of transliteration keys for a cross-language merge

_TRANSLIT = (  # German/English romanisation differences, applied in order to a folded name
    ("tsch", "ch"),
    ("dsch", "j"),
    ("sch", "sh"),
    ("zh", "sh"),
    ("kh", "ch"),
    ("ph", "f"),
    ("ou", "u"),
    ("w", "v"),
    ("z", "s"),
    ("j", "y"),
)
_REPEAT = re.compile(r"(.)\1+")
_FINAL_Y = re.compile(r"(?:iy|yy|y)\b")
_GENITIVE = re.compile(r"^(.*\w)(?:s|'s|’s|'|’)$")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Spelling key: case, ß/ss, umlauts (also ae/oe/ue), diacritics, hyphens and apostrophes folded."""
    text = text.casefold().replace("ß", "ss")
    text = re.sub(r"(?<=[aou])e", "", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[-‐–'’`´.]", " ", text).split())


@cache
def translit_key(text: str) -> str:
    """Folded key with Cyrillic/Korean romanisation variants merged: "Sergej Lawrow" == "Sergei Lavrov"."""
    key = fold(text)
    for old, new in _TRANSLIT:
        key = key.replace(old, new)
    key = _REPEAT.sub(r"\1", key)
    return _FINAL_Y.sub("i", key)


@dataclass(frozen=True, slots=True)
class RawMention:
    """A name found by NER in one article, before canonicalisation."""

    article: str
    start: int
    end: int
    text: str
    label: EntityKind
    roles: tuple[str, ...] = ()


@dataclass(slots=True)
class _Cluster:
    article: str
    language: str
    mentions: list[int] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    alias: int | None = None
    acronyms: set[str] = field(default_factory=set)  # keys of acronyms introduced as this name's

    def full_keys(self) -> set[str]:
        return {k for k in self.keys if " " in k}


@cache
def _alias_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, group in enumerate(alias_groups()):
        for name in group.names:
            index.setdefault(translit_key(name), i)
    return index


def base_form(text: str, known: AbstractSet[str]) -> str:
    """``text`` without a genitive ending when the base is a known name ("Lawrows" -> "Lawrow"); in a name
    of several words the genitive may end any one of them ("des Wasserverbands Wendtal")."""
    words = text.split(" ")
    for i in reversed(range(len(words))):
        match = _GENITIVE.match(words[i])
        if match:
            base = " ".join([*words[:i], match.group(1), *words[i + 1 :]])
            if translit_key(base) in known:
                return base
    return text


def roles_around(span: Span, language: str) -> tuple[str, ...]:
    """Role descriptors right before a name or in an apposition after it ("Außenminister Lawrow")."""
    heads = role_heads(language)
    doc, found = span.doc, []
    if span.start > 0 and (role := role_at(doc, span.start - 1, heads)):
        found.append(role)
    if span.end + 1 < len(doc) and doc[span.end].text == ",":
        for i in range(span.end + 1, min(span.end + 6, len(doc))):
            if doc[i].is_punct:
                break
            if role := role_at(doc, i, heads):
                found.append(role)
                break
    return tuple(found)


@cache
def _head_patterns(heads: tuple[str, ...]) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """Folded two-word heads, and one pattern for a word ending in a one-word head or its feminine form
    ("-in"; "Kollege" -> "Kollegin")."""
    folded = [fold(head) for head in heads]
    forms = {f for h in folded if " " not in h for f in (h, h + "in", h.removesuffix("e") + "in")}
    return tuple(h for h in folded if " " in h), re.compile(f"(?:{alternation(forms) or '(?!)'})$")


def role_at(doc: Doc, i: int, heads: tuple[str, ...]) -> str | None:
    """The role descriptor at token ``i`` (a role head or a compound ending in one), else None."""
    token = doc[i]
    if not token.is_alpha:
        return None
    word = fold(token.text)
    if len(word) < 4:
        return None
    pairs, single = _head_patterns(heads)
    if pairs and i > 0:
        pair = fold(f"{doc[i - 1].text} {token.text}")
        if pair.endswith(pairs):
            return f"{doc[i - 1].text} {token.text}"
    return str(token.text) if single.search(word) else None


def canonicalise(
    raw: Sequence[RawMention], languages: Mapping[str, str]
) -> tuple[list[Entity], list[Mention]]:
    """Entities and mentions for ``raw`` mentions; ``languages`` maps article id to its language."""
    known = {translit_key(m.text) for m in raw} | set(_alias_index())
    bases = [base_form(m.text, known) for m in raw]
    clusters: list[_Cluster] = []
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, mention in enumerate(raw):
        by_article[mention.article].append(i)
    for article in sorted(by_article):
        order = sorted(by_article[article], key=lambda i: (raw[i].start, raw[i].end))
        clusters.extend(_local_clusters(raw, bases, order, languages.get(article, "de")))
    groups = _merge_across(raw, clusters)
    preferred = _preferred_language(languages)
    return _entities(raw, bases, clusters, groups, preferred)


def _local_clusters(
    raw: Sequence[RawMention], bases: list[str], order: list[int], language: str
) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    by_key: dict[str, _Cluster] = {}
    aliases = _alias_index()
    singles: list[int] = []
    for i in order:
        key = translit_key(bases[i])
        alias = aliases.get(key)
        if alias is None and " " not in key:
            singles.append(i)
            continue
        cluster_key = f"alias:{alias}" if alias is not None else key
        cluster = by_key.get(cluster_key)
        if cluster is None:
            cluster = by_key[cluster_key] = _Cluster(raw[i].article, language, alias=alias)
            clusters.append(cluster)
        cluster.mentions.append(i)
        cluster.keys.add(key)
    for i in singles:
        key = translit_key(bases[i])
        target = by_key.get(key) or _nearest_full_name(raw, clusters, key, raw[i].start)
        if target is None:
            target = by_key[key] = _Cluster(raw[i].article, language)
            clusters.append(target)
        target.mentions.append(i)
        target.keys.add(key)
    return _join_acronyms(raw, order, clusters)


ACRONYM = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ0-9&-]*[A-ZÄÖÜ0-9]")  # "KCNA", "G7", "AT&T"


def _join_acronyms(raw: Sequence[RawMention], order: list[int], clusters: list[_Cluster]) -> list[_Cluster]:
    """ "Institut der deutschen Wirtschaft (IW)": the acronym's cluster joins the name's, and the acronym
    keys the name across articles and languages (the English name and the German share it)."""
    owner = {i: c for c in clusters for i in c.mentions}
    for i, j in itertools.pairwise(order):
        a, b = raw[i], raw[j]
        if not (a.label == b.label == "ORG" and b.start == a.end + 2 and ACRONYM.fullmatch(b.text)):
            continue
        name, acronym = owner[i], owner[j]
        name.acronyms.add(translit_key(b.text))
        if acronym is not name:
            name.mentions = sorted(name.mentions + acronym.mentions)
            name.keys |= acronym.keys
            name.acronyms |= acronym.acronyms
            owner.update(dict.fromkeys(acronym.mentions, name))
            clusters = [c for c in clusters if c is not acronym]
    return clusters


def _name_tokens(key: str) -> tuple[str, str]:
    tokens = key.split()
    return tokens[0], tokens[-1]


def _nearest_full_name(
    raw: Sequence[RawMention], clusters: list[_Cluster], key: str, at: int
) -> _Cluster | None:
    """The person cluster whose full name starts or ends with ``key``, mentioned closest before ``at``."""
    best: tuple[int, _Cluster] | None = None
    for cluster in clusters:
        if _kind(raw, cluster) != "PER" or not any(key in _name_tokens(k) for k in cluster.full_keys()):
            continue
        starts = [raw[i].start for i in cluster.mentions]
        before = [s for s in starts if s < at]
        distance = at - max(before) if before else 10**9 + min(starts) - at
        if best is None or distance < best[0]:
            best = (distance, cluster)
    return best[1] if best else None


def _kind(raw: Sequence[RawMention], cluster: _Cluster) -> EntityKind:
    if cluster.alias is not None:
        return alias_groups()[cluster.alias].kind
    votes = Counter(raw[i].label for i in cluster.mentions)
    return max(KIND_ORDER, key=lambda k: (votes[k], -KIND_ORDER.index(k)))


def _merge_across(raw: Sequence[RawMention], clusters: list[_Cluster]) -> DisjointSet[int]:
    uf: DisjointSet[int] = DisjointSet(range(len(clusters)))
    first_by_key: dict[str, int] = {}
    for c, cluster in enumerate(clusters):
        keys = {f"alias:{cluster.alias}"} if cluster.alias is not None else set()
        keys |= (cluster.full_keys() | cluster.acronyms) or cluster.keys
        for key in sorted(keys):
            uf.merge(first_by_key.setdefault(key, c), c)
    _merge_fuzzy(raw, clusters, uf)
    _merge_bodies(raw, clusters, uf)
    _merge_surnames(raw, clusters, uf)
    return uf


def body_key(key: str) -> str | None:
    """An organisation's transliteration key as its kind of body and its other words, in any order, when it
    names a known kind and something more: "Wasserverband Wendtal" and "Wendtal Water Authority" share one."""
    pattern, table = body_kind_pattern(translit_key)
    kinds = [f"={table[m.group(0)]}" for m in pattern.finditer(key)]
    rest = pattern.sub(" ", key).split()
    return " ".join(sorted(kinds + rest)) if kinds and rest else None


def _merge_bodies(raw: Sequence[RawMention], clusters: list[_Cluster], uf: DisjointSet[int]) -> None:
    """Organisations of different languages named as the same kind of body of the same place ("Wasserverband
    Wendtal", "Wendtal Water Authority")."""
    first: dict[str, tuple[int, str]] = {}
    for c, cluster in enumerate(clusters):
        if _kind(raw, cluster) != "ORG":
            continue
        for key in sorted(k for k in map(body_key, cluster.full_keys()) if k):
            seen = first.setdefault(key, (c, cluster.language))
            if seen[1] != cluster.language:
                uf.merge(seen[0], c)


def _merge_fuzzy(raw: Sequence[RawMention], clusters: list[_Cluster], uf: DisjointSet[int]) -> None:
    """Full names of different languages whose transliteration keys are near-identical."""
    buckets: dict[tuple[str, int, str], list[tuple[int, str]]] = defaultdict(list)
    for c, cluster in enumerate(clusters):
        for key in sorted(cluster.full_keys()):
            buckets[(_kind(raw, cluster), len(key.split()), key[0])].append((c, key))
    for members in buckets.values():
        for n, (a, key_a) in enumerate(members):
            for b, key_b in members[n + 1 :]:
                if clusters[a].language != clusters[b].language and fuzz.ratio(key_a, key_b) >= FUZZY_MIN:
                    uf.merge(a, b)


def _merge_surnames(raw: Sequence[RawMention], clusters: list[_Cluster], uf: DisjointSet[int]) -> None:
    """A surname-only cluster joins the one corpus group whose full name starts or ends with it."""
    owners: dict[str, set[int]] = defaultdict(set)
    for c, cluster in enumerate(clusters):
        if _kind(raw, cluster) == "PER":
            for key in cluster.full_keys():
                for token in set(_name_tokens(key)):
                    owners[token].add(uf[c])
    for c, cluster in enumerate(clusters):
        if cluster.full_keys() or cluster.alias is not None or _kind(raw, cluster) == "LOC":
            continue
        candidates = owners.get(min(cluster.keys), set())
        if len(candidates) == 1:
            uf.merge(next(iter(candidates)), c)


def _preferred_language(languages: Mapping[str, str]) -> str:
    counts = Counter("en" if lang == "en" else "de" for lang in languages.values())
    return "en" if counts["en"] > counts["de"] else "de"


def _entities(
    raw: Sequence[RawMention],
    bases: list[str],
    clusters: list[_Cluster],
    groups: DisjointSet[int],
    preferred: str,
) -> tuple[list[Entity], list[Mention]]:
    members = {min(group): sorted(group) for group in groups.subsets()}
    entities: list[Entity] = []
    owned: list[list[int]] = []
    for root in sorted(members):
        mention_ids = sorted(i for c in members[root] for i in clusters[c].mentions)
        alias = next((clusters[c].alias for c in members[root] if clusters[c].alias is not None), None)
        in_preferred = [
            i for c in members[root] if clusters[c].language == preferred for i in clusters[c].mentions
        ]
        entity = _entity(raw, bases, mention_ids, alias, preferred, sorted(in_preferred) or mention_ids)
        entities.append(entity)
        owned.append(mention_ids)
    _assign_ids(entities, [[raw[i] for i in ids] for ids in owned])
    mentions = [
        Mention(raw[i].article, raw[i].start, raw[i].end, entity.id)
        for entity, ids in zip(entities, owned, strict=True)
        for i in ids
    ]
    mentions.sort(key=lambda m: (m.article, m.start, m.end))
    return entities, mentions


def _entity(
    raw: Sequence[RawMention],
    bases: list[str],
    ids: list[int],
    alias: int | None,
    preferred: str,
    name_ids: list[int],
) -> Entity:
    """The entity of mentions ``ids``; its name comes from ``name_ids`` (those in the preferred language)."""
    group: AliasGroup | None = alias_groups()[alias] if alias is not None else None
    votes = Counter(raw[i].label for i in ids)
    kind = group.kind if group else max(KIND_ORDER, key=lambda k: (votes[k], -KIND_ORDER.index(k)))
    surfaces = Counter(raw[i].text for i in ids)
    if group:
        name = group.en if preferred == "en" else group.de
    else:
        forms = Counter(raw[i].text for i in name_ids)
        full_forms = Counter({raw[i].text: forms[raw[i].text] for i in name_ids if bases[i] == raw[i].text})
        name = _best_name(full_forms or forms)
    variants = sorted(surfaces, key=lambda s: (-surfaces[s], s))
    roles = _roles([r for i in ids for r in raw[i].roles]) if kind == "PER" else []
    return Entity(id="", kind=kind, name=name, variants=variants, roles=roles)


def _best_name(forms: Counter[str]) -> str:
    """The longest frequent full form: most tokens, then most frequent, then longest, then alphabetical."""
    return min(forms, key=lambda s: (-len(s.split()), -forms[s], -len(s), s))


def _roles(roles: list[str]) -> list[str]:
    """Roles deduplicated by spelling key, the ß spelling preferred, most frequent first."""
    counts = Counter(fold(r) for r in roles)
    spelling: dict[str, str] = {}
    for role in roles:
        key = fold(role)
        if key not in spelling or ("ß" in role and "ß" not in spelling[key]):
            spelling[key] = role
    return [spelling[k] for k in sorted(counts, key=lambda k: (-counts[k], k))]


def _assign_ids(entities: list[Entity], mentions: list[list[RawMention]]) -> None:
    """Deterministic ids: a hash of kind and name, plus the first mention when two entities share both."""
    seen = Counter((e.kind, e.name) for e in entities)
    for entity, owned in zip(entities, mentions, strict=True):
        basis = f"{entity.kind}\t{entity.name}"
        if seen[(entity.kind, entity.name)] > 1:
            first = min((m.article, m.start) for m in owned)
            basis += f"\t{first[0]}:{first[1]}"
        entity.id = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
