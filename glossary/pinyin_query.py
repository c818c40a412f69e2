"""Reading pinyin as users type it: marks, numbers or none; spaced, joined or with our own
punctuation; every way a run of letters splits into syllables (``xian`` is xian or xi'an).

The stored form, and the keys it is searched under, are ``glossary.pinyin``'s.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .pinyin import INTERJECTIONS, LONGEST, QUERY_SYLLABLES, decompose, key_letters, syllable_prefixes

__all__ = ["QueryPinyin", "parse_query", "MAX_READINGS"]


@dataclass(frozen=True)
class QueryPinyin:
    """A user's pinyin query reduced to the keys it is searched under.

    A run of letters can often be read as syllables in more than one way (``xian`` is xian or
    xi'an, ``fangan`` fang'an or fan'gan); every reading the query allows is kept:

    - ``letters``: the toneless letters run together, the ``py`` key. It stands for every
      reading at once, so a query that fixes no syllable boundary is searched by it alone.
    - ``spelled``: when the query fixes syllable boundaries (a space, an apostrophe, a hyphen,
      a quote…), one toneless key per reading, syllables joined by ``'`` (the ``pyb`` key):
      ``xi'an`` is then only xi+an. Empty when the query fixes none, or allows too many
      readings to list (``letters`` is searched instead: it finds them all).
    - ``toned``: when the query carries tones (marks or numbers) on every syllable but the last
      (still being typed), one toned key per reading (``pyt``), e.g. ``xi1an1``.
    - ``loose``: tone marks were left off some syllable: the toneless keys are searched too.
    - ``complete``: every syllable is whole (not a prefix being typed) in some reading.
    """

    letters: str
    spelled: tuple[str, ...] = ()
    toned: tuple[str, ...] = ()
    loose: bool = False
    complete: bool = True


_WITH_INTERJECTIONS = QUERY_SYLLABLES | INTERJECTIONS
#: Most readings a query is searched under, one index scan each; past it, the toneless letters
#: (which find every reading, only without the boundaries the query fixed).
MAX_READINGS = 8
#: Characters that separate syllables in a query: any space or punctuation (apostrophes, hyphens,
#: quotes, commas, middle dots as our own pinyin shows them, and their full-width forms).
_QUERY_PIECE = re.compile(r"((?:[^\W\d_]|[\u0300-\u036f])+)([0-9]?)|((?:[^\w\u0300-\u036f]|_)+)")


def _split_readings(letters: str, partial_end: bool = False,
                    inventory: frozenset[str] = QUERY_SYLLABLES) -> list[tuple[str, ...]]:
    """Every way to split a run of toneless letters (ü as v) into syllables of ``inventory``,
    zero-initial ones (an, er, ou…) anywhere; with ``partial_end`` the last piece may be the
    start of a syllable. At most ``MAX_READINGS + 1`` readings (more means: too many to list).

    >>> _split_readings("xian")
    [('xian',), ('xi', 'an')]
    >>> _split_readings("mingyungongt", True)
    [('ming', 'yun', 'gong', 't')]
    """
    size = len(letters)
    prefixes = syllable_prefixes()
    memo: dict[int, list[tuple[str, ...]]] = {}

    def tails(start: int) -> list[tuple[str, ...]]:
        if start == size:
            return [()]
        if start in memo:
            return memo[start]
        found: list[tuple[str, ...]] = []
        for end in range(min(size, start + LONGEST), start, -1):
            piece = letters[start:end]
            if piece in inventory:
                found += [(piece, *rest) for rest in tails(end)]
            elif partial_end and end == size and piece in prefixes:
                found.append((piece,))
            if len(found) > MAX_READINGS:
                break
        memo[start] = found[:MAX_READINGS + 1]
        return memo[start]

    return tails(0)


@lru_cache(maxsize=4096)
def parse_query(query: str) -> QueryPinyin | None:
    """Read pinyin as users type it: marks, numbers or none; spaced, joined, or with our own
    pinyin's apostrophes, hyphens, quotes and commas; ü as ü, v, u: or u. Returns None when
    the text cannot be pinyin.

    >>> parse_query("Ming4yun4 gong4tong2ti3").toned
    ('ming4yun4gong4tong2ti3',)
    >>> parse_query("jiu'er gongshi").spelled
    ("jiu'er'gong'shi",)
    >>> parse_query("xian").spelled, parse_query("xian").letters
    ((), 'xian')
    >>> parse_query("fāngàn").toned
    ('fang1an4', 'fan1gan4')
    """
    text = unicodedata.normalize("NFD", query.strip().lower()).replace("u:", "v")
    pieces = _QUERY_PIECE.findall(text)
    if not pieces or "".join(word + digit + between for word, digit, between in pieces) != text:
        return None  # stray digits: "12", "ming44"
    chunks: list[tuple[str, dict[int, int], int | None]] = []  # letters, {index: marked tone}, digit
    bounded = False  # the query fixes a syllable boundary (a separator, or a tone number)
    for word, digit, between in pieces:
        if between:
            bounded = bounded or bool(chunks)
            continue
        letters, tones = decompose(word)
        if not letters or (not letters.isascii() and letters != "ê") or digit in ("0", "6", "7", "8", "9"):
            return None  # a tone mark with no letter under it ("ming ̀"), stray digits, not Latin
        bounded = bounded or bool(chunks)
        chunks.append((letters, tones, int(digit) if digit else None))
    if not chunks:
        return None
    per_chunk: list[list[tuple[tuple[str, int | None], ...]]] = []
    for index, (letters, tones, digit) in enumerate(chunks):
        partial = index == len(chunks) - 1 and digit is None  # the last syllable may be half typed
        # Readings with interjections (ng, m, hm…) only when there is no other (or "ming" would be
        # mi+ng too); a half-typed last syllable only when the letters end no syllable (the keys
        # are searched by prefix: "ming yun" also finds ming'yun'ge…).
        options: list[tuple[tuple[str, int | None], ...]] = []
        for half, inventory in ((False, QUERY_SYLLABLES), (False, _WITH_INTERJECTIONS), (partial, _WITH_INTERJECTIONS)):
            options = [read for reading in _split_readings(letters, half, inventory)
                       if (read := _tones_of(reading, tones, digit)) is not None]
            if options:
                break
        if not options:
            return None
        per_chunk.append(options)
    letters = key_letters("".join(chunk[0] for chunk in chunks))
    readings = _combine(per_chunk)
    if readings is None:  # too many readings to list: the toneless letters find them all
        return QueryPinyin(letters, loose=True)
    complete = any(r[-1][0] in _WITH_INTERJECTIONS for r in readings)
    spelled = tuple(dict.fromkeys("'".join(key_letters(s) for s, _ in r) for r in readings)) if bounded else ()
    marked = any(tones for _, tones, _ in chunks)
    toned: list[str] = []
    loose = False
    if marked or any(digit for _, _, digit in chunks):
        for reading in readings:
            untoned = any(tone is None for _, tone in reading[:-1])
            if untoned and not marked:
                continue  # tone numbers missing in the middle: search without tones
            # with tone marks, a syllable written without one has the neutral tone, or the
            # typist left it off: both are searched
            loose = loose or untoned
            head = "".join(key_letters(s, toned=True) + str(tone or 5) for s, tone in reading[:-1])
            last, tone = reading[-1]
            toned.append(head + key_letters(last, toned=True) + (str(tone) if tone else ""))
    return QueryPinyin(letters, spelled, tuple(dict.fromkeys(toned)), loose or not toned, complete)


def _tones_of(reading: tuple[str, ...], tones: dict[int, int],
              digit: int | None) -> tuple[tuple[str, int | None], ...] | None:
    """A reading's syllables with their tones (marks by position, the digit on the last);
    None when a syllable would carry two marks."""
    out: list[tuple[str, int | None]] = []
    start = 0
    for index, piece in enumerate(reading):
        end = start + len(piece)
        marks = [tone for position, tone in tones.items() if start <= position < end]
        if len(marks) > 1:
            return None
        tone = marks[0] if marks else None
        if digit is not None and index == len(reading) - 1:
            tone = digit
        out.append((_fix_lue(piece), tone))
        start = end
    return tuple(out)


def _combine(per_chunk: list[list[tuple[tuple[str, int | None], ...]]]
             ) -> list[tuple[tuple[str, int | None], ...]] | None:
    """Every reading of the whole query, one per choice of reading per chunk; None past
    MAX_READINGS."""
    readings: list[tuple[tuple[str, int | None], ...]] = [()]
    for options in per_chunk:
        readings = [done + option for done in readings for option in options]
        if len(readings) > MAX_READINGS:
            return None
    return readings




def _fix_lue(piece: str) -> str:
    """``lue``/``nue`` only exist with ü: write them ``lve``/``nve`` in the toned key."""
    return {"lue": "lve", "nue": "nve"}.get(piece, piece)
