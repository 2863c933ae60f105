"""Document-level name rules run after the NER model (``quellenlage_name_rules``), German and English.

Hand-written: a sentence-level statistical model trained on 2,000 sentences misses names that their context
in the article makes plain. General news conventions, applied in order:
1. a role descriptor right before capitalised words names a person ("Außenminister Sergej Lawrow",
   "Machthaber Kim Jong Un", "seine Amtskollegin, Choe Son Hui.", "leader Kim Jong Un");
2. an acronym right after a noun naming a kind of organisation is one ("Nachrichtenagentur KCNA";
   German only);
3. a public body or district and the place it is named after are one name ("Staatsanwaltschaft Hollbach",
   "Landkreis Oberes Wendtal"; German only);
4. a person's name goes on over particles and initials ("Heinrich Gottlob von Miltitz", "Clarence E. Case");
5. one or two name words right after a speech verb, closing the clause, are its speaker ("..., so
   Ketterer."; German only);
6. a person named in full somewhere in the article is that name wherever its first words recur
   ("Kim Jong" -> "Kim Jong Un");
7. the first and last word of a person's name, alone or with genitive -s, refer to that person elsewhere
   in the article ("Lawrow", "Lawrows");
8. a word no German dictionary knows is a place after "in", "nach", "aus", "im benachbarten" or in a list
   of places ("in Ebersried"; German only);
9. (applied first) the capitalised name before a bracketed acronym is one organisation, and so is the
   acronym ("Nationale Institut für Geophysik und Vulkanologie (INGV)").
Inflected common nouns (their lemma differs: "Waffen") never count as name words, so a model error such as
"Kim Waffen" does not spread.
Rules add names, lengthen them or join a place to the body named after it; otherwise they never relabel what
the model found. They drop only its lower-case inflected adjectives ("die chinesischen Behörden": a name's
derivative, not a name) and the noun naming a place's kind at the start of a place ("Hafenstadt Wonsan" ->
"Wonsan", as GermEval marks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import simplemma
from spacy.attrs import IS_PUNCT, IS_STOP, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from quellenlage.language.canonical import ACRONYM, fold, role_at
from quellenlage.language.rules import (
    english_calendar_words,
    institution_heads,
    name_particles,
    org_heads,
    place_descriptors,
    role_heads,
    speech_verb_forms,
)
from quellenlage.rules import alternation

MAX_NAME_WORDS = 4
_PLACE_PREPOSITIONS = frozenset({"in", "nach", "aus"})
_PLACE_ARTICLES = frozenset({"im", "ins", "vom", "beim"})
_ADJECTIVE_EN = re.compile(r"[a-zäöüß]+en")
_NAME_WORD = re.compile(r"[A-ZÄÖÜ][\w'’-]*[a-zäöüß][\w'’-]*|[A-ZÄÖÜ]{2,}")


@dataclass(frozen=True, slots=True)
class _Words:
    """Per token of a Doc its text and whether it can be part of a name (read once: spaCy builds a Token
    object on every ``doc[i]``)."""

    texts: list[str]
    lower: list[str]
    name_like: list[bool]
    uninflected: list[bool]
    punct: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> _Words:
        strings = doc.vocab.strings
        columns = (
            doc.to_array([ORTH, LOWER, LEMMA, IS_STOP, SENT_START, IS_PUNCT]).tolist() if len(doc) else []
        )
        texts, lowers, name_like, uninflected, punct = [], [], [], [], []
        for orth, lower, lemma, stop, sent_start, is_punct in columns:
            text = strings[orth]
            own_lemma = strings[lemma].lower() == strings[lower]  # names are their own lemma, "Waffen" is not
            texts.append(text)
            lowers.append(strings[lower])
            uninflected.append(own_lemma)
            name_like.append(own_lemma and not stop and sent_start != 1 and bool(_NAME_WORD.fullmatch(text)))
            punct.append(bool(is_punct))
        return cls(texts, lowers, name_like, uninflected, punct)


def _taken(ents: list[Span]) -> set[int]:
    """The indices of the tokens inside names."""
    return {i for e in ents for i in range(e.start, e.end)}


def _place(doc: Doc, ents: list[Span], start: int, end: int, label: str) -> list[Span]:
    """``ents`` with a new span, which may only swallow entities of the same label lying inside it."""
    inside = [e for e in ents if e.start < end and start < e.end]
    if any(e.label_ != label or e.start < start or e.end > end for e in inside):
        return ents
    return [e for e in ents if e not in inside] + [Span(doc, start, end, label=label)]


def _role_appositions(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    heads = role_heads(doc.lang_)
    n = len(doc)
    for i in range(n - 1):
        start = i + 2 if words.texts[i + 1] == "," else i + 1
        if start >= n or not words.name_like[start] or not role_at(doc, i, heads):
            continue  # the cheap test first: most tokens are not followed by a name word
        end = start
        while end < n and end - start < MAX_NAME_WORDS and words.name_like[end]:
            end += 1
        # after a comma only a closed apposition counts ("Amtskollegin, Choe Son Hui."), not a clause
        closed = end == n or words.punct[end]
        if start == i + 1 or closed:
            ents = _place(doc, ents, start, end, "PER")
    return ents


def _org_appositions(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    heads = org_heads(doc.lang_)
    for i in range(len(doc) - 1):
        if heads and ACRONYM.fullmatch(words.texts[i + 1]) and role_at(doc, i, heads):
            ents = _place(doc, ents, i + 1, i + 2, "ORG")
    return ents


@cache
def _institution_heads() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern for a folded word ending in an institution head, also in the genitive ("Wasserverbands"),
    whose group is the head; and each folded head's label."""
    labels = {fold(head): label for head, label in institution_heads().items()}
    return re.compile(f"({alternation(labels)})(?:e?s)?$"), labels


@lru_cache(maxsize=1 << 16)
def _institution_label(text: str) -> str | None:
    if not text[:1].isupper():
        return None
    pattern, labels = _institution_heads()
    match = pattern.search(fold(text))
    return labels[match.group(1)] if match else None


def _institutions(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    """A public body or district and the place it is named after are one name ("Staatsanwaltschaft
    Hollbach", "des Wasserverbands Wendtal", "Landkreis Oberes Wendtal"): the place, found or a name word the
    model left, joins the head (German)."""
    if doc.lang_ != "de":
        return ents
    starts = {e.start: e for e in ents}
    taken = _taken(ents)
    for i in range(len(doc) - 1):
        place = starts.get(i + 1)
        if place is not None and place.label_ != "LOC":
            continue
        if place is None and not _unknown_place_word(words, i + 1, taken):
            continue
        label = None if i in taken else _institution_label(words.texts[i])
        if label is None:
            continue
        end = place.end if place is not None else i + 2
        ents = [e for e in ents if e is not place] + [Span(doc, i, end, label=label)]
        taken.update(range(i, end))
    return ents


def _unknown_word(text: str) -> bool:
    """Neither a word of simplemma's German dictionary nor a compound ending in one of five or more letters
    ("Kapazitätsgründen"; place names end in shorter words: "-berg", "-burg", "-furt")."""
    if simplemma.is_known(text, lang="de"):
        return False
    return not any(simplemma.is_known(text[k:].capitalize(), lang="de") for k in range(3, len(text) - 4))


def _unknown_place_word(words: _Words, i: int, taken: set[int]) -> bool:
    """A name word the model left that may be an unknown place: in no dictionary, no hyphenated compound
    ("Süd-West-Metall" is an organisation's own name)."""
    text = words.texts[i]
    return i not in taken and words.name_like[i] and "-" not in text and _unknown_word(text)


def _places_after_prepositions(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    """A name word that no German dictionary knows is a place after "in", "nach" or "aus", after "im"/"vom"
    and an adjective ("im benachbarten Kleinwende"), or in a list with a place ("Alfter, Swisttal und
    Wachtberg"); unknown compounds of common nouns are the exception (German)."""
    if doc.lang_ != "de":
        return ents
    taken = _taken(ents)
    places = {i for e in ents if e.label_ == "LOC" for i in range(e.start, e.end)}
    lower = words.lower
    for i in range(1, len(doc)):
        if not (_after_place_cue(lower, i, places) and _unknown_place_word(words, i, taken)):
            continue
        ents = [*ents, Span(doc, i, i + 1, label="LOC")]
        taken.add(i)
        places.add(i)
    return ents


def _after_place_cue(lower: list[str], i: int, places: set[int]) -> bool:
    before = lower[i - 1]
    if before in _PLACE_PREPOSITIONS:
        return True
    if i >= 2 and lower[i - 2] in _PLACE_ARTICLES and _ADJECTIVE_EN.fullmatch(before):
        return True
    listed = before == "und" or (before == "," and i + 1 < len(lower) and lower[i + 1] in {",", "und"})
    return listed and i - 2 in places


_INITIAL = re.compile(r"[A-ZÄÖÜ]\.?")


def _inside_name(text: str, before: str, particles: dict[str, frozenset[str]]) -> bool:
    """A particle (after the words it must follow), an initial, or the full stop of an initial."""
    after = particles.get(text)
    if after is not None:
        return not after or before in after
    return bool(_INITIAL.fullmatch(text) or (text == "." and _INITIAL.fullmatch(before)))


def _person_tails(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    """A person's name goes on over particles and initials to the family name ("Heinrich Gottlob" + "von
    Miltitz", "Clarence E." + "Case"), which no other name may hold."""
    particles = name_particles()
    taken = _taken(ents)
    out = []
    for ent in ents:
        end = ent.end
        if ent.label_ == "PER":
            j = end
            while j < len(doc) and j - end < 3 and j not in taken:
                if not _inside_name(words.texts[j], words.texts[j - 1], particles):
                    break
                j += 1
            # an initial at the name's end leaves it open too ("Clarence E." + "Case")
            open_end = len(ent) > 1 and _inside_name(words.texts[end - 1], words.texts[end - 2], particles)
            if (j > end or open_end) and j < len(doc) and j not in taken and words.name_like[j]:
                end = j + 1
        out.append(ent if end == ent.end else Span(doc, ent.start, end, label="PER"))
    return out


def _speakers_after_verbs(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    """One or two name words right after a speech verb or ", so", closing the clause, name its speaker
    ("..., sagte Winkler.", "so Ketterer.", "erzählte Deniz Naki."), unless a role noun opens them
    (German)."""
    if doc.lang_ != "de":
        return ents
    verbs = speech_verb_forms("de")
    taken = _taken(ents)
    lower = words.lower
    for i in range(1, len(doc)):
        cue = lower[i - 1] in verbs or (lower[i - 1] == "so" and i >= 2 and lower[i - 2] == ",")
        if not cue or i in taken or not words.name_like[i] or role_at(doc, i, role_heads("de")):
            continue
        end = i + 2 if i + 1 < len(doc) and words.name_like[i + 1] and i + 1 not in taken else i + 1
        if end == len(doc) or words.punct[end]:
            ents = [*ents, Span(doc, i, end, label="PER")]
            taken.update(range(i, end))
    return ents


def _complete_names(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    full = {tuple(words.texts[e.start : e.end]) for e in ents if e.label_ == "PER" and len(e) > 1}
    for ent in [e for e in ents if e.label_ == "PER"]:
        found = tuple(words.texts[ent.start : ent.end])
        for name in sorted(full, key=len, reverse=True):
            end = ent.start + len(name)
            if len(name) > len(found) and tuple(words.texts[ent.start : end]) == name:
                ents = _place(doc, ents, ent.start, end, "PER")
                break
    return ents


def _propagate_names(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    names = {
        words.texts[i]
        for e in ents
        if e.label_ == "PER"
        for i in (e.start, e.end - 1)
        if words.uninflected[i]
    }
    names = {w for w in names if _NAME_WORD.fullmatch(w)}
    taken = _taken(ents)
    for i, text in enumerate(words.texts):
        if i not in taken and (text in names or (text.endswith("s") and text[:-1] in names)):
            ents = _place(doc, ents, i, i + 1, "PER")
    return ents


def _english_name_tails(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    """English capitalises names, not nouns: a capitalised word right after a name inside a sentence belongs
    to it ("Wendtal Water" + "Authority"), unless it names a month or weekday."""
    if doc.lang_ != "en":
        return ents
    calendar = english_calendar_words()
    taken = _taken(ents)
    out = []
    for ent in ents:
        end = ent.end
        while (
            end < len(doc) and end not in taken and words.name_like[end] and words.lower[end] not in calendar
        ):
            end += 1
        out.append(ent if end == ent.end else Span(doc, ent.start, end, label=ent.label))
    return out


# words that join the parts of an organisation's name, and articles that open the phrase but not the name
_NAME_JOINERS = frozenset(
    {"für", "und", "der", "des", "von", "vom", "zur", "of", "and", "for", "on", "de", "di"}
)
_ARTICLES = frozenset({"der", "die", "das", "den", "dem", "des", "the"})
# never a name's first word: joiners, and words capitalised at a sentence's start ("Laut der
# Weltgesundheitsorganisation (WHO)")
_NOT_FIRST = (
    _ARTICLES
    | _NAME_JOINERS
    | frozenset(
        {"laut", "gemäß", "nach", "bei", "mit", "seit", "über", "unter", "gegen", "wie"}
        | {"auch", "so", "according", "with", "by", "from", "as"}
    )
)


def _bracketed_acronyms(doc: Doc, words: _Words, ents: list[Span]) -> list[Span]:
    """ "das Nationale Institut für Geophysik und Vulkanologie (INGV)", "the U.S. Geological Survey
    (USGS)": the capitalised name before a bracketed acronym is one organisation, whatever pieces the model
    found in it, and the acronym is that organisation too. The acronym's letters must occur in the name in
    order (compounds hide initials: "Bundesamt für Migration und Flüchtlinge (BAMF)"), so a party after a
    person ("Olaf Scholz (SPD)") is no name's acronym."""
    texts, n, heads = words.texts, len(doc), org_heads(doc.lang_)
    for i in range(1, n - 2):
        if texts[i] != "(" or texts[i + 2] != ")" or not ACRONYM.fullmatch(texts[i + 1]):
            continue
        start = _name_start(words, i)
        if start is None or not _spells(texts[i + 1], " ".join(texts[start:i])):
            continue
        initial = texts[i + 1][:1].lower()  # the name begins at a word with the acronym's first letter
        start = next((k for k in range(start, i) if texts[k][:1].lower() == initial), start)
        if start == i - 1 and _institution_label(texts[start]) is None and not role_at(doc, start, heads):
            continue  # one word must name a body ("Bundeskriminalamt (BKA)"), not a unit ("Megawatt (MW)")
        if any(e.label_ == "PER" and e.start < i and start < e.end for e in ents):
            continue
        ents = [e for e in ents if not (e.start < i + 2 and start < e.end)]
        ents += [Span(doc, start, i, label="ORG"), Span(doc, i + 1, i + 2, label="ORG")]
    return ents


def _name_start(words: _Words, end: int) -> int | None:
    """First token of the capitalised name ending before token ``end``: name words joined by ``für``,
    ``und``, ``of`` and lower-case adjectives after them ("für auswärtige Angelegenheiten")."""
    start = None
    k = end - 1
    while k >= 0 and end - k <= 10:
        text, low = words.texts[k], words.lower[k]
        if text[:1].isupper() and low not in _ARTICLES and not words.punct[k]:
            start = k
        elif not (low in _NAME_JOINERS or (text.isalpha() and k > 0 and words.lower[k - 1] in _NAME_JOINERS)):
            break
        k -= 1
    while (
        start is not None
        and start < end
        and (words.lower[start] in _NOT_FIRST or not words.texts[start][:1].isupper())
    ):
        start += 1
    return start if start is not None and start < end else None


def _spells(acronym: str, name: str) -> bool:
    """The acronym's letters occur in the name in order."""
    letters = iter(name.lower())
    return all(ch in letters for ch in acronym.lower() if ch.isalpha())


_INFLECTED_ADJECTIVE = re.compile(r"[a-zäöüß]+(?:e|en|er|es|em)")


def _is_adjective(ent: Span) -> bool:
    return all(_INFLECTED_ADJECTIVE.fullmatch(t.text) for t in ent)


def _name_part(ent: Span) -> Span:
    """A place without the noun naming its kind that the model took into it ("Hafenstadt Wonsan" ->
    "Wonsan", "Nachbarland Thüringen" -> "Thüringen"): the name is the entity."""
    if ent.label_ == "LOC" and len(ent) > 1 and ent[0].lower_ in place_descriptors() and ent[1].is_title:
        return Span(ent.doc, ent.start + 1, ent.end, label=ent.label)
    return ent


@Language.component("quellenlage_name_rules")
def apply_name_rules(doc: Doc) -> Doc:
    words = _Words.of(doc)
    ents = [_name_part(e) for e in doc.ents if not _is_adjective(e)]
    for rule in (
        _bracketed_acronyms,
        _english_name_tails,
        _role_appositions,
        _org_appositions,
        _institutions,
        _person_tails,
        _speakers_after_verbs,
        _complete_names,
        _propagate_names,
        _places_after_prepositions,
    ):
        ents = rule(doc, words, ents)
    doc.ents = sorted(ents, key=lambda e: e.start)
    return doc
