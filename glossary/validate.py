"""The one validator: what an entry needs to be stored, what terms.csv needs more, what a set needs.

Every door into the store calls it — the CSV, TSV, XLSX and TBX readers, the store's writes
(``Glossary.put`` and imports), ``glossary lint`` — and nothing else decides what is valid.
Readers still report what they cannot read (a bracket left open, an unknown column); once they
have a ``Term``, the rules are here.

Two profiles for one entry:

- ``Profile.ENTRY``: what the store accepts, from any source (a client's spreadsheet, a CAT
  tool's TBX, the edit form): a slug id, Chinese in the headword, one preferred rendering,
  pinyin with one syllable per character, sources that numbered references point to, every
  column within its limit.
- ``Profile.CURATED``: a row of the reviewed terms.csv, on top of that: a definition, dated
  sources, cited preferred and superseded renderings with years, curated pinyin for every
  variant, pinyin differences from the generator explained, a policy domain, a date.

And for a set of entries (a file, or the store after a write): unique ids and headwords, links
to entries that exist, and (curated) links that go both ways.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence

from . import pinyin as _pinyin
from .pinyin_generate import suggest
from .errors import PinyinError
from .terms import Domain, Status, Term

__all__ = ["Profile", "ID_PATTERN", "LIMITS", "entry_problems", "set_problems", "valid_id"]

#: An entry id: a lowercase ASCII slug.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: The longest value each sized column of the store takes (characters): the one place for them.
#: The schema's column sizes are these (``glossary.schema``), and so the same on SQLite, which does
#: not enforce them, and PostgreSQL, which does; a longer value is a problem found when the file
#: is read, never a database error. ``preferred`` bounds every rendering (the columns holding
#: renderings are TEXT and JSON: a CC-CEDICT gloss runs to ~500 characters); search keys
#: are cut to ``key`` characters, never refused; ``author`` and ``origin`` are a revision's.
LIMITS: Mapping[str, int] = {
    "id": 80, "simplified": 200, "traditional": 200, "pinyin": 400, "preferred": 2000, "domain": 40,
    "key": 200, "author": 200, "origin": 400,
}
#: Citations that date themselves: a year from 1800 on, or a URL.
_DATED = re.compile(r"\b(?:1[89]|20)\d\d\b|https?://")


class Profile(str, enum.Enum):
    """Which rules an entry is held to."""

    #: What the store accepts from any source.
    ENTRY = "entry"
    #: A row of the curated terms.csv.
    CURATED = "curated"


def valid_id(value: str) -> bool:
    """Whether ``value`` can be an entry id.

    >>> valid_id("core-interests"), valid_id("Core_Interests")
    (True, False)
    """
    return bool(ID_PATTERN.fullmatch(value)) and len(value) <= LIMITS["id"]


def entry_problems(term: Term, profile: Profile = Profile.ENTRY) -> list[tuple[str, str]]:
    """What keeps one entry from being stored (or, curated, from being in terms.csv), as (field,
    message) pairs; empty when it is valid.

    >>> from glossary.terms import Rendering
    >>> entry_problems(Term("core-interests", "核心利益", "核心利益", "héxīn lì", Domain.SOVEREIGNTY, "",
    ...                     (Rendering("core interests", Status.PREFERRED),)))
    [('pinyin', 'pinyin has 3 syllables but 核心利益 is read with 4; give one syllable per character (digits read out)')]
    """
    memo = term._memo()  # an import checks what its reader checked: once per entry and profile
    key = _MEMO_KEYS[profile]
    if key not in memo:
        memo[key] = tuple(_entry_problems(term, profile))
    return list(memo[key])


#: The memo's key per profile: one string object, and a valid entry's answer is the one empty
#: tuple, so that a reader's entries, pickled to the importing process (``glossary.parallel``),
#: carry a reference to each instead of a copy (a third less time taking 60k entries in).
_MEMO_KEYS = {profile: f"problems-{profile.value}" for profile in Profile}


def _entry_problems(term: Term, profile: Profile) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not valid_id(term.id):
        found.append(("id", f"id {term.id!r} must be a lowercase ASCII slug such as 'core-interests', at most "
                            f"{LIMITS['id']} characters"))
    if not any(_pinyin.is_hanzi(c) for c in term.simplified):
        found.append(("simplified", "the simplified headword is missing or has no Chinese characters"))
    for field, value in (("simplified", term.simplified), ("traditional", term.traditional),
                         ("pinyin", term.pinyin), ("domain", term.domain.value)):
        if field == "traditional" and not term.traditional_curated and len(term.simplified) > LIMITS["simplified"]:
            continue  # generated from the simplified headword: that one is too long
        if len(value) > LIMITS[field]:
            found.append((field, f"{field} is {len(value)} characters long; the limit is {LIMITS[field]}"))
    preferred = [r for r in term.renderings if r.status is Status.PREFERRED]
    if len(preferred) != 1:
        found.append(("english", "give exactly one preferred rendering (others go in english_admitted)"))
    for rendering in term.renderings:
        if not rendering.text.strip():
            found.append(("english", "a rendering is empty"))
        if len(rendering.text) > LIMITS["preferred"]:
            found.append(("english", f"{rendering.text[:40]!r}… is {len(rendering.text)} characters long; the "
                                     f"limit is {LIMITS['preferred']}"))
        if rendering.source and rendering.source.isdigit() and not 1 <= int(rendering.source) <= len(term.sources):
            found.append(("english", f"{rendering.text!r} cites source {rendering.source} but sources has "
                                     f"{len(term.sources)} entries"))
    if len(set(term.sources)) != len(term.sources):
        found.append(("sources", "a citation is listed twice; list it once and point to it with [source: N]"))
    if any(not citation.strip() for citation in term.sources):
        found.append(("sources", "a citation is empty"))
    found += [("pinyin", message) for message in _pinyin.count_problems(term.simplified, term.pinyin)]
    for form in term.variants:
        if not form.text.strip():
            found.append(("variants", "a variant is empty"))
        if form.pinyin:
            found += [("variants", f"{form.text}: {message}")
                      for message in _pinyin.count_problems(form.text, form.pinyin)]
        else:
            try:
                suggest(form.text)
            except PinyinError as error:
                found.append(("variants", f"{form.text}: {error}"))
    for other in term.related:
        if not ID_PATTERN.fullmatch(other):
            found.append(("related", f"related {other!r} is not an id"))
        elif other == term.id:
            found.append(("related", "an entry cannot be related to itself"))
    if profile is Profile.CURATED:
        found += _curated_problems(term)
    return found


def _curated_problems(term: Term) -> list[tuple[str, str]]:
    """The rules a row of terms.csv meets on top of the entry rules."""
    found: list[tuple[str, str]] = []
    if len(term.definition) <= 20:
        found.append(("definition", "write a short definition in our own words (one or two sentences)"))
    if term.domain is Domain.GENERAL:
        found.append(("domain", "choose a policy domain; 'general' is for imported glossaries"))
    if not term.sources:
        found.append(("sources", "cite at least one source (publication, title, date or URL)"))
    for citation in term.sources:
        if not _DATED.search(citation):
            found.append(("sources", f"citation {citation!r} has no year or URL; add the date of publication"))
    for rendering in term.renderings:
        if rendering.status in (Status.PREFERRED, Status.SUPERSEDED) and not term.citation(rendering):
            column = "english" if rendering.status is Status.PREFERRED else "english_deprecated"
            found.append((column, f"{rendering.status.value} {rendering.text!r} needs a source: add "
                                  "'[source: N]' pointing into sources"))
        if rendering.status is Status.SUPERSEDED and not rendering.years:
            found.append(("english_deprecated", f"superseded {rendering.text!r} needs its years of official use"))
    readable = not _pinyin.count_problems(term.simplified, term.pinyin)
    if readable and term.pinyin != _pinyin.render(term.pinyin, "marks"):
        found.append(("pinyin", f"write the pinyin in normal form: {_pinyin.render(term.pinyin, 'marks')!r}"))
    if _differs(term.pinyin, term.simplified) and not term.pinyin_note:
        found.append(("pinyin_note", "the pinyin differs from what pypinyin generates; say why in pinyin_note"))
    for form in term.variants:
        if not form.pinyin:
            found.append(("variants", f"give {form.text} its pinyin ('{form.text} [pinyin: …]')"))
        elif _differs(form.pinyin, form.text) and form.text not in term.pinyin_note:
            found.append(("pinyin_note", f"{form.text} is {form.pinyin!r}, not what pypinyin generates; say why in "
                                         f"pinyin_note, naming {form.text}"))
    if term.updated_at is None:
        found.append(("updated", "give the date the entry last changed (YYYY-MM-DD)"))
    return found


def _differs(pinyin: str, hanzi: str) -> bool:
    """Whether curated pinyin has other syllables or tones than pypinyin suggests (or pypinyin
    has none to suggest)."""
    try:
        curated = [(s.letters, s.tone) for s in _pinyin.syllables(pinyin)]
    except ValueError:
        return False  # reported as a pinyin problem already
    try:
        return curated != [(s.letters, s.tone) for s in _pinyin.syllables(suggest(hanzi))]
    except ValueError:
        return True


def set_problems(terms: Sequence[Term], profile: Profile = Profile.ENTRY,
                 known: Iterable[str] = ()) -> list[tuple[int, str, str]]:
    """What is wrong with a set of entries as a whole, as (index into ``terms``, field, message):
    duplicate ids and headwords, related ids that name no entry (of the set, or ``known``: the
    store's), and, curated, links that do not go both ways.

    >>> from glossary.terms import Rendering
    >>> a = Term("a", "甲", "甲", "jiǎ", Domain.PARTY, "", (Rendering("a", Status.PREFERRED),), related=("b",))
    >>> set_problems([a])
    [(0, 'related', "related id 'b' names no entry")]
    """
    found: list[tuple[int, str, str]] = []
    ids: dict[str, int] = {}
    headwords: dict[str, int] = {}
    for index, term in enumerate(terms):
        if term.id in ids:
            found.append((index, "id", f"duplicate id {term.id!r} (entry {ids[term.id] + 1} has it too)"))
        else:
            ids[term.id] = index
        if term.simplified in headwords:
            other = terms[headwords[term.simplified]]
            found.append((index, "simplified", f"duplicate headword {term.simplified} (entry {other.id!r} has it "
                                               "too); merge the two entries"))
        else:
            headwords[term.simplified] = index
    names = set(ids) | set(known)
    by_id = {term.id: term for term in terms}
    for index, term in enumerate(terms):
        for linked in term.related:
            if linked not in names:
                found.append((index, "related", f"related id {linked!r} names no entry"))
            elif profile is Profile.CURATED and linked in by_id and term.id not in by_id[linked].related:
                found.append((index, "related", f"{linked} does not link back to {term.id}; links go both ways"))
    return found
