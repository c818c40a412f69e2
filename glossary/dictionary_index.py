"""CC-CEDICT as a search fallback: a read-only index beside the store, never part of it.

The curated store holds reviewed entries; CC-CEDICT holds some 120,000 words nobody here has
reviewed. Searches show the store's results first and then, marked "CC-CEDICT — not reviewed",
the dictionary's (``fallback``). The dictionary is read by the same query reader as the store
(``glossary.search.read_query``: hanzi in either script, pinyin in any form, English words), and
searched in memory:

- hanzi: the headwords in both scripts, exact, then words starting with the query;
- pinyin: toned, spelled and toneless keys like the store's ``pyt``, ``pyb`` and ``py`` keys,
  in sorted lists scanned by prefix with ``bisect``;
- English: a gloss equal to the query (a leading "to" dropped), then the glosses holding every
  query word (stemmed as the store stems), shortest gloss first.

The index is built once per process, when first needed (about a second; see the README for
time and memory), and cached. Nothing is written anywhere.
"""

from __future__ import annotations

import heapq
import logging
import os
import threading
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from json.encoder import encode_basestring as _json_string  # as json.dumps(ensure_ascii=False)
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload

from . import config, dictionary
from .packed import Image, ImageWriter, KeyTable, ListTable, StringColumn
from .pinyin import PinyinStyle, key_letters
from .search import KEY_MAX, STOPWORDS, Query, QueryKind, normalize_english, read_query, stem
from .terms import Hit

log = logging.getLogger(__name__)
_T = TypeVar("_T")

__all__ = ["SOURCE_ID", "DictionaryResult", "DictionaryIndex", "index", "fallback", "attribution"]

#: How a dictionary result is marked in JSON (``"source"``); the store's results are "glossary".
SOURCE_ID = "cc-cedict"
#: The label every dictionary result carries where people read it.
LABEL = "CC-CEDICT — not reviewed"


def attribution() -> dict[str, str]:
    """Who made the dictionary, under which licence, and which release this is (for the API,
    the site and the annotation outputs: CC BY-SA 4.0 asks for the attribution)."""
    return {"name": "CC-CEDICT", "publisher": "MDBG", "licence": "CC BY-SA 4.0",
            "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
            "url": "https://www.mdbg.net/chinese/dictionary?page=cc-cedict",
            "release": dictionary.release(), "reviewed": "no"}


class _Summary(Protocol):
    @property
    def simplified(self) -> str: ...


@dataclass(frozen=True)
class DictionaryResult:
    """One CC-CEDICT entry found by a search: not a glossary entry, not reviewed."""

    simplified: str
    traditional: str
    numbered: str  # as the dictionary writes it: "ming4 yun4"
    glosses: tuple[str, ...]
    hit: Hit

    @property
    def pinyin(self) -> str:
        """Tone-marked pinyin, one word ("mìngyùn"); the numbered form if it is not standard."""
        return dictionary.marks(self.numbered) or self.numbered

    def pinyin_as(self, style: PinyinStyle | str = PinyinStyle.MARKS) -> str:
        return dictionary.styled(self.numbered, style) or self.numbered

    @property
    def gloss(self) -> str:
        return "; ".join(self.glosses)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a dictionary result (``"source": "cc-cedict"``, ``"reviewed": false``)."""
        written = dictionary.styles(self.numbered)
        return {"source": SOURCE_ID, "reviewed": False, "label": LABEL, "simplified": self.simplified,
                "traditional": self.traditional,
                "pinyin": {name: written.get(name, self.numbered) for name in _STYLE_NAMES},
                "glosses": list(self.glosses),
                "match": {"field": self.hit.field, "kind": self.hit.kind, "text": self.hit.text}}

    def to_json(self) -> str:
        """``to_dict()`` as compact JSON (hanzi unescaped), the entry's part written once per
        entry and kept: a search's results are written on every request.

        >>> import json
        >>> result = index().search("电脑", 1)[0]
        >>> json.loads(result.to_json()) == result.to_dict()
        True
        """
        hit = self.hit
        return (f'{_entry_json(self.simplified, self.traditional, self.numbered, self.glosses)}'
                f'"match":{{"field":{_json_string(hit.field)},"kind":{_json_string(hit.kind)},'
                f'"text":{_json_string(hit.text)}}}}}')


@lru_cache(maxsize=8192)
def _entry_json(simplified: str, traditional: str, numbered: str, glosses: tuple[str, ...]) -> str:
    """The opening of a result's JSON object up to its ``"match"``: what the entry alone decides
    (the keys and values of ``to_dict``, written directly: a cold search writes ten of these)."""
    written = dictionary.styles(numbered)
    pinyin = ",".join(f'"{name}":{_json_string(written.get(name, numbered))}' for name in _STYLE_NAMES)
    return (f'{{"source":"{SOURCE_ID}","reviewed":false,"label":{_json_string(LABEL)},'
            f'"simplified":{_json_string(simplified)},"traditional":{_json_string(traditional)},'
            f'"pinyin":{{{pinyin}}},"glosses":[{",".join(map(_json_string, glosses))}],')


#: The names of the pinyin styles, as JSON gives them.
_STYLE_NAMES = tuple(style.value for style in PinyinStyle)


def _numbered_keys(numbered: str) -> tuple[str, str, str] | None:
    """(toneless, spelled, toned) search keys of CC-CEDICT pinyin, written as the store writes
    its ``py``, ``pyb`` and ``pyt`` keys; None when a syllable is not pinyin (letters, digits)."""
    toneless: list[str] = []
    toned: list[str] = []
    for token in numbered.split():
        tone = token[-1:]
        letters = token[:-1].lower().replace("u:", "v")
        if tone not in "12345" or not tone or not letters.isascii() or not letters.isalpha():
            return None
        toneless.append(key_letters(letters))
        toned.append(key_letters(letters, toned=True) + tone)
    if not toneless:
        return None
    return "".join(toneless), "'".join(toneless), "".join(toned)


def _gloss_key(gloss: str) -> str:
    """A gloss as an exact English key: normalised, a leading "to " (verbs) dropped."""
    key = normalize_english(gloss)
    return key[3:] if key.startswith("to ") else key


#: The version of the index layout: a cached index of another version is built again.
INDEX_VERSION = 5

#: A hanzi prefix that more than half this many headwords start with (一, 中, 城, 国家 …: some
#: 1,900 of them) has its best this many entries listed when the index is built, so that a
#: search for it reads the first few of that list instead of ranking dozens or hundreds of
#: words; a shorter range is ranked whole.
PREFIX_LISTED = 48

#: How many entries search results showed last are kept read (a few MB at most; see
#: ``DictionaryIndex._shown``).
SHOWN_KEPT = 4096

_RARE_GLOSS = ("variant of", "old variant of", "archaic variant of", "Japanese variant of", "erhua variant of",
               "used in ", "surname ")


def _rank(entry: dictionary.Entry) -> int:
    """Among entries that match alike: common words (0), then variant forms and rare characters
    (1), then proper names (2): 行 xíng before its variants, 振兴 before the Zhenxing district."""
    if entry.numbered[:1].isupper():
        return 2
    if entry.glosses[0].startswith(_RARE_GLOSS) or not all(0x4E00 <= ord(c) <= 0x9FFF for c in entry.simplified):
        return 1
    return 0


def _record(entry: dictionary.Entry) -> str:
    """An entry as the index keeps it, its fields in one string (one slice reads them all):
    simplified, traditional, numbered pinyin and the glosses "/"-joined as in the file."""
    fields = (entry.simplified, entry.traditional, entry.numbered, "/".join(entry.glosses))
    if any("\t" in field for field in fields):
        raise ValueError(f"a CC-CEDICT entry with a tab: {entry}")
    return "\t".join(fields)


def _tag() -> str:
    """What an index image says it is: a cached file of another release or layout is built again."""
    return f"cc-cedict {dictionary.release()} index v{INDEX_VERSION}"


def _build(entries: Iterable[dictionary.Entry]) -> bytes:
    """The index as an image (``glossary.packed``) from the dictionary's entries (a few
    seconds: done once, then kept in ``cache_file()``)."""
    records: list[str] = []
    ranks: list[int] = []
    words: dict[str, list[int]] = {}
    toneless: list[tuple[str, int]] = []
    spelled: list[tuple[str, int]] = []
    toned: list[tuple[str, int]] = []
    exact: dict[str, list[int]] = {}
    postings: dict[str, list[tuple[int, int]]] = {}
    stems: dict[str, str] = {}
    for number, entry in enumerate(entries):
        records.append(_record(entry))
        ranks.append(_rank(entry))
        words.setdefault(entry.simplified, []).append(number)
        if entry.traditional != entry.simplified:
            words.setdefault(entry.traditional, []).append(number)
        keys = _numbered_keys(entry.numbered)
        if keys is not None:
            toneless.append((keys[0], number))
            spelled.append((keys[1], number))
            toned.append((keys[2], number))
        seen: set[str] = set()
        for gloss in entry.glosses:
            key = _gloss_key(gloss)
            if not key:
                continue
            exact.setdefault(key, []).append(number)
            for word in key.split():
                if len(word) < 2 or word in STOPWORDS:
                    continue
                stemmed = stems.get(word) or stems.setdefault(word, stem(word))
                if stemmed not in seen:
                    seen.add(stemmed)
                    postings.setdefault(stemmed, []).append((len(key), number))
    best_first = lambda n: (ranks[n], n)  # noqa: E731 - the order of a word's entries
    headwords = sorted(words)
    image = ImageWriter()
    StringColumn.pack(image, "entries", records)
    image.add("rank", array("B", ranks).tobytes())
    KeyTable.pack(image, "headwords", headwords, hashed=True)
    if max(map(len, headwords), default=0) > 255:
        raise ValueError("a CC-CEDICT headword of more than 255 characters")
    image.add("headwords.lengths", array("B", map(len, headwords)).tobytes())
    ListTable.pack(image, "headwords.entries", (sorted(words[word], key=best_first) for word in headwords))
    listed = _listed(headwords, words, ranks)
    KeyTable.pack(image, "listed", sorted(listed), hashed=True)
    ListTable.pack(image, "listed.pairs", (listed[prefix] for prefix in sorted(listed)))
    for name, pairs in (("toneless", toneless), ("spelled", spelled), ("toned", toned)):
        # in key order, and the entries of one key best first
        pairs.sort(key=lambda pair: (pair[0], ranks[pair[1]], pair[1]))
        if not all(key.isascii() for key, _ in pairs):  # a key's length in bytes is its length
            raise ValueError(f"a {name} pinyin key that is not ASCII")
        KeyTable.pack(image, name, [key for key, _ in pairs])
        image.add(f"{name}.ids", array("i", [number for _, number in pairs]).tobytes())
    glosses = sorted(exact)
    KeyTable.pack(image, "exact", glosses, hashed=True)
    ListTable.pack(image, "exact.entries", (sorted(set(exact[key]), key=best_first) for key in glosses))
    stemmed_words = sorted(postings)
    KeyTable.pack(image, "postings", stemmed_words, hashed=True)
    # each word's entries best first, as search ranks them: common senses, then shorter glosses
    ListTable.pack(image, "postings.entries", ([n for _, _, n in sorted((ranks[n], length, n) for length, n in postings[word])]
                                               for word in stemmed_words))
    return image.finish(_tag())


def _ranked(found: Iterable[tuple[int, int, Iterable[int]]], ranks: Sequence[int]) -> list[tuple[int, int]]:
    """(entry, headword position) of the headwords ``found`` as (position, length, entries),
    best first as a prefix search ranks them (common senses, then shorter words), each entry once."""
    best: dict[int, tuple[int, int, int, int]] = {}
    for position, length, numbers in found:
        for number in numbers:
            rank = (ranks[number], length, number, position)
            if number not in best or rank < best[number]:
                best[number] = rank
    return [(number, position) for _, _, number, position in sorted(best.values())]


def _listed(headwords: list[str], words: dict[str, list[int]], ranks: list[int]) -> dict[str, list[int]]:
    """For each prefix more than ``PREFIX_LISTED // 2`` headwords start with: its best
    ``PREFIX_LISTED`` (entry, headword position) pairs, flat."""
    counts: dict[str, int] = {}
    for word in headwords:
        for length in range(1, len(word) + 1):
            counts[word[:length]] = counts.get(word[:length], 0) + 1
    listed = {}
    for prefix, count in counts.items():
        if count > PREFIX_LISTED // 2:
            start = bisect_left(headwords, prefix)
            positions = range(start, bisect_left(headwords, prefix + KEY_MAX, start))
            best = _ranked(((p, len(headwords[p]), words[headwords[p]]) for p in positions), ranks)[:PREFIX_LISTED]
            listed[prefix] = [n for pair in best for n in pair]
    return listed


def _take(items: Iterable[_T], limit: int) -> list[_T]:
    """``list(items)[:limit]``, reading no more of ``items`` than it keeps."""
    return list(islice(items, limit)) if limit >= 0 else list(items)[:limit]


class _Entries(StringColumn):
    """The entries, one record each: simplified, traditional, numbered pinyin, glosses."""

    __slots__ = ()

    def fields(self, number: int) -> list[str]:
        """An entry's simplified and traditional headwords, numbered pinyin ("ming4 yun4") and
        glosses ("/"-joined, as in the file)."""
        return self[number].split("\t")

    def simplified(self, number: int) -> str:
        buffer, start = self._buffer, self._starts[number]
        return buffer[start:buffer.find(b"\t", start)].decode()


class _Field(Sequence[str]):
    """One field of every entry, by entry number (``index.simplified[n]``)."""

    __slots__ = ("_entries", "_field")

    def __init__(self, entries: _Entries, field: int) -> None:
        self._entries, self._field = entries, field

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, number: int) -> str: ...

    @overload
    def __getitem__(self, number: slice) -> list[str]: ...

    def __getitem__(self, number: int | slice) -> str | list[str]:
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        return self._entries.fields(number)[self._field]


class Headwords(Mapping[str, int]):
    """Headword (either script) -> its best entry, read from the sorted headwords' table."""

    __slots__ = ("_table", "_entries")

    def __init__(self, table: KeyTable, entries: ListTable) -> None:
        self._table, self._entries = table, entries

    def __getitem__(self, word: str) -> int:
        at = self._table.find(word) if isinstance(word, str) else -1
        if at < 0:
            raise KeyError(word)
        return self._entries.first(at)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._table.find(word) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


class _Sorted:
    """Pinyin keys in order with the entry each belongs to, scanned by prefix."""

    __slots__ = ("keys", "ids")

    def __init__(self, image: Image, name: str) -> None:
        self.keys = KeyTable(image, name)
        self.ids = image.ints(f"{name}.ids", "i")
        if len(self.ids) != len(self.keys):
            raise ValueError(f"the image's {name!r} ids do not hold together")

    def scan(self, prefix: str, most: int) -> list[tuple[int, int]]:
        """Up to ``most`` (key position, key length) of the keys that start with ``prefix``, in
        key order (``ids[position]`` is the key's entry; the keys are ASCII: the length in bytes
        is the length)."""
        return self.keys.between(prefix.encode("utf-8", "surrogatepass"),
                                 (prefix + KEY_MAX).encode("utf-8", "surrogatepass"), most)


class _Keys:
    """The search keys: headwords and pinyin in sorted tables, English glosses and words."""

    def __init__(self, image: Image, headwords: KeyTable, entries: ListTable) -> None:
        self.headwords, self.entries = headwords, entries
        #: each headword's length in characters
        self.lengths = image.ints("headwords.lengths", "B")
        if len(self.lengths) != len(headwords):
            raise ValueError("the image's headword lengths do not hold together")
        #: prefix -> its best (entry, headword position) pairs, flat: see ``PREFIX_LISTED``
        self.listed, self.listed_pairs = KeyTable(image, "listed", directory=False), ListTable(image, "listed.pairs")
        self.toneless, self.spelled, self.toned = (_Sorted(image, name) for name in ("toneless", "spelled", "toned"))
        self.exact, self.exact_entries = KeyTable(image, "exact", directory=False), ListTable(image, "exact.entries")
        self.postings = KeyTable(image, "postings", directory=False)
        self.posting_entries = ListTable(image, "postings.entries")

    def listed_of(self, prefix: str) -> memoryview | None:
        at = self.listed.find(prefix)
        return self.listed_pairs[at] if at >= 0 else None

    def exact_of(self, key: str) -> Sequence[int]:
        at = self.exact.find(key)
        return self.exact_entries[at] if at >= 0 else ()

    def posting(self, word: str) -> Sequence[int]:
        at = self.postings.find(word)
        return self.posting_entries[at] if at >= 0 else ()


class DictionaryIndex:
    """CC-CEDICT as packed tables read in place from an image (``glossary.packed``): a file the
    process maps (``index()``) or, where none can be kept, bytes in memory. Opening it reads only
    what says where each table lies (and a small directory of each sorted table's keys);
    ``ValueError`` when the image does not hold together."""

    def __init__(self, image: Image) -> None:
        self.image = image
        self._entries = _Entries(image, "entries")
        self.simplified, self.traditional, self.numbered, self.glosses = (_Field(self._entries, n) for n in range(4))
        self.rank = image.ints("rank", "B")
        self._headwords = KeyTable(image, "headwords")
        self._headword_entries = ListTable(image, "headwords.entries")
        if not len(self.rank) == len(self._entries) or len(self._headword_entries) != len(self._headwords):
            raise ValueError("the image's entries do not hold together")
        #: headword (either script) -> its best entry; ``entries_of(word)`` gives them all, best first
        self.words = Headwords(self._headwords, self._headword_entries)
        self._keys = _Keys(image, self._headwords, self._headword_entries)
        #: the entries searches showed last, read from their records: a search shows ten, and
        #: common words come again and again (the same strings also keep their hashes for
        #: ``_entry_json``'s cache)
        self._shown = lru_cache(maxsize=SHOWN_KEPT)(self._read)

    def _read(self, number: int) -> tuple[str, str, str, tuple[str, ...]]:
        simplified, traditional, numbered, glosses = self._entries.fields(number)
        return simplified, traditional, numbered, tuple(glosses.split("/"))

    @classmethod
    def build(cls, entries: Iterable[dictionary.Entry]) -> DictionaryIndex:
        """An index in memory (nothing written)."""
        return cls(Image(_build(entries), _tag(), checked=True))

    def entries_of(self, word: str) -> tuple[int, ...]:
        """Every entry of a headword (either script), best first; () when it has none."""
        at = self._headwords.find(word)
        return () if at < 0 else tuple(self._headword_entries[at])

    def keys(self) -> _Keys:
        """The search keys."""
        return self._keys

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, number: int) -> dictionary.Entry:
        simplified, traditional, numbered, glosses = self._entries.fields(number)
        return dictionary.Entry(traditional, simplified, numbered, tuple(glosses.split("/")))

    # --- search -----------------------------------------------------------------------------

    def search(self, query: str | Query, limit: int = 10, exclude: Collection[str] = ()) -> list[DictionaryResult]:
        """Entries for a query read as the store reads it, best first: exact before prefix
        before words, common senses before proper names, shorter keys first.

        >>> [r.simplified for r in index().search("mingyun", 3)][:1]
        ['命运']
        """
        parsed = read_query(query) if isinstance(query, str) else query
        # entry -> (rank, field, kind, text); for a hanzi prefix, the text is the headword's position
        found: dict[int, tuple[tuple[int, int, int], str, str, str | int]] = {}
        most = limit + len(exclude)  # pinyin keys read in key order: enough for `limit` exact matches
        keys = self._keys
        ranks = self.rank
        shown = {word.encode("utf-8", "surrogatepass") for word in exclude}  # compared with the records' UTF-8

        def add(number: int, klass: int, length: int, field: str, kind: str, text: str | int = "") -> None:
            rank = (klass, ranks[number], length)
            if number not in found or rank < found[number][0]:
                found[number] = (rank, field, kind, text)

        if parsed.hanzi:
            for key in dict.fromkeys((parsed.hanzi, "".join(parsed.text.split()))):
                exact_entries, prefixed = self._hanzi(key, limit, shown)
                for number in exact_entries:
                    add(number, 0, len(key), "hanzi", "exact", key)
                for number, position, length in prefixed:
                    add(number, 1, length, "hanzi", "prefix", position)
        if QueryKind.PINYIN in parsed.kinds and parsed.pinyin is not None:
            reading = parsed.pinyin
            scans: list[tuple[_Sorted, str]] = [(keys.toned, key) for key in reading.toned]
            if reading.loose:
                scans += [(keys.spelled, key) for key in reading.spelled] or [(keys.toneless, reading.letters)]
            for table, key in scans:
                ids, size = table.ids, len(key)
                for position, length in table.scan(key, most):
                    exact = length == size  # the key starts with the query: the same if as long
                    add(ids[position], 0 if exact else 1, length, "pinyin", "exact" if exact else "prefix")
        if QueryKind.ENGLISH in parsed.kinds and parsed.english:
            key = _gloss_key(parsed.english)
            for number in self._first(keys.exact_of(key), limit, shown):
                add(number, 0, 0, "english", "exact")
            if parsed.words:
                # the rarest word's entries (best first), kept if they have the others
                lists = sorted((keys.posting(word) for word in parsed.words), key=len)
                rarest: Iterable[int] = lists[0]
                if len(lists) > 1:  # the entries that have every word: the rarest's, narrowed list by list
                    common = set(rarest)
                    for other in lists[1:]:
                        common.intersection_update(other)  # C-level, no set made of a long list
                    rarest = (number for number in rarest if number in common)
                for order, number in enumerate(self._first(rarest, limit, shown)):
                    add(number, 2, order, "english", "words")
        buffer, starts = self._entries.parts()
        if shown:  # headwords the caller shows already: left out before any result is made
            tab = buffer.find
            found = {number: value for number, value in found.items()
                     if buffer[starts[number]:tab(b"\t", starts[number])] not in shown}
        best = heapq.nsmallest(limit, found.items(), key=lambda item: (item[1][0], item[0]))
        # an English match shows the gloss holding the query's last word (lowercased, as a stem)
        last = parsed.words[-1] if parsed.words else parsed.english
        needle = last[:-1] if last.endswith("y") else last
        results = []
        words, word_starts = keys.headwords.parts()
        shown_entry = self._shown
        for number, (_rank, field, kind, text) in best:
            simplified, traditional, numbered, glosses = shown_entry(number)
            if isinstance(text, int):  # a headword's position
                text = words[word_starts[text]:word_starts[text + 1] - 1].decode()
            elif not text:
                text = ((dictionary.marks(numbered) or numbered) if field == "pinyin" else
                        next((gloss for gloss in glosses if needle in gloss.lower()), glosses[0]))
            results.append(DictionaryResult(simplified, traditional, numbered, glosses, Hit(field, kind, text)))
        return results

    def _first(self, numbers: Iterable[int], limit: int, shown: Collection[bytes]) -> Iterator[int]:
        """The first ``limit`` of ``numbers`` (entries best first) whose headword is not
        ``shown`` (UTF-8): enough for the ``limit`` best of a search, whatever else it finds."""
        if limit <= 0:
            return
        buffer, starts = self._entries.parts()
        tab = buffer.find
        for number in numbers:
            if not shown or buffer[starts[number]:tab(b"\t", starts[number])] not in shown:
                yield number
                limit -= 1
                if not limit:
                    return

    def _hanzi(self, key: str, limit: int, shown: Collection[bytes]) -> tuple[Sequence[int], list[tuple[int, int, int]]]:
        """The entries of the headword ``key`` (best first), and the best ``limit`` (entry,
        headword position, headword length) of the headwords starting with it, leaving out
        the entries of the headwords ``shown`` (UTF-8): from the list made at build time when the prefix has one and it holds
        enough, else by ranking every headword with the prefix. (A prefix without a list starts
        few headwords: one bisection finds them, and the headword itself, if there is one, first.)"""
        keys = self._keys
        headwords, entries, lengths = keys.headwords, keys.entries, keys.lengths
        buffer, starts = self._entries.parts()
        tab = buffer.find
        upper = (key + KEY_MAX).encode("utf-8", "surrogatepass")
        pairs = keys.listed_of(key)
        if pairs is None:
            data = key.encode("utf-8", "surrogatepass")
            start = headwords.bisect(data)
            few = headwords.scan(start, upper, PREFIX_LISTED)
            exact: Sequence[int] = entries[start] if few and few[0][1] == len(data) else ()
            positions: Iterable[int] = ((position for position, _ in few) if len(few) < PREFIX_LISTED else
                                        range(start, max(start, headwords.bisect(upper))))
        else:
            exact = self.entries_of(key)
            chosen = _take(((pairs[i], pairs[i + 1], lengths[pairs[i + 1]]) for i in range(0, len(pairs), 2)
                            if not shown or buffer[starts[pairs[i]]:tab(b"\t", starts[pairs[i]])] not in shown),
                           limit)
            if len(chosen) == limit:
                return exact, chosen
            start = headwords.bisect(key.encode("utf-8", "surrogatepass"))
            positions = range(start, max(start, headwords.bisect(upper)))
        ranked = _ranked(((p, lengths[p], entries[p]) for p in positions), self.rank)
        return exact, _take(((number, position, lengths[position]) for number, position in ranked
                             if not shown or buffer[starts[number]:tab(b"\t", starts[number])] not in shown),
                            limit)

    def pinyin_of(self, number: int) -> str:
        numbered = self._entries.fields(number)[2]
        return dictionary.marks(numbered) or numbered


_lock = threading.Lock()
_index: list[DictionaryIndex] = []


def cache_file() -> Path:
    """Where the built index is kept between processes, beside the default store: one image a
    process maps (see ``glossary.packed.Image``)."""
    return config.home() / f"cc-cedict-{dictionary.release()}-v{INDEX_VERSION}.index"


def index() -> DictionaryIndex:
    """The process's dictionary index (thread-safe), made on first use: mapped from
    ``cache_file()`` when a process has built it before, built and kept there otherwise."""
    if not _index:
        with _lock:
            if not _index:
                _index.append(_load_or_build(cache_file()))
    return _index[0]


def _open(path: Path) -> DictionaryIndex | None:
    """The index kept in ``path``, mapped; None when there is none, or one not to trust
    (another layout or release, truncated, corrupt: it is built again)."""
    try:
        return DictionaryIndex(Image.open(path, _tag()))
    except (FileNotFoundError, NotADirectoryError):  # none kept (yet)
        return None
    except (OSError, ValueError) as error:
        log.warning("rebuilding the CC-CEDICT index: %s is unusable (%s)", path, error)
        return None


def _write(path: Path, data: bytes) -> bool:
    """Keeps an image in ``path``, written whole under another name and then renamed (a reader
    sees the old file or the new one, never part of one); False when it cannot."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as handle:
            handle.write(data)
        os.replace(partial, path)
        return True
    except OSError as error:  # a read-only home: the index is held in memory instead
        log.warning("could not keep the CC-CEDICT index in %s (%s); holding it in memory", path, error)
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
        return False


def _load_or_build(path: Path) -> DictionaryIndex:
    found = _open(path)
    if found is not None:
        return found
    data = _build(dictionary.read_entries())
    if _write(path, data):
        found = _open(path)
        if found is not None:
            return found
    return DictionaryIndex(Image(data, _tag(), checked=True))


def fallback(query: str, curated: Sequence[_Summary], limit: int = 10) -> list[DictionaryResult]:
    """The dictionary's results for a query, after the store's ``curated`` ones: entries whose
    headword a curated result has are left out (the reviewed entry says it better).

    >>> [r.simplified for r in fallback("振兴", [])][:2]
    ['振兴', '振兴']
    """
    if not query.strip():
        return []
    return index().search(query, limit, exclude={summary.simplified for summary in curated})
