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
import marshal
import os
import threading
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring as _json_string  # as json.dumps(ensure_ascii=False)
from typing import Any, Protocol

from . import config, dictionary
from .pinyin import PinyinStyle, key_letters
from .search import KEY_MAX, STOPWORDS, Query, QueryKind, normalize_english, read_query, stem
from .terms import Hit

log = logging.getLogger(__name__)

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


class _Sorted:
    """Keys in order with the entry each belongs to, scanned by prefix."""

    def __init__(self, keys: list[str], ids: array[int]) -> None:
        self.keys, self.ids = keys, ids

    @classmethod
    def of(cls, pairs: list[tuple[str, int]], ranks: Sequence[int]) -> _Sorted:
        """From (key, entry) pairs: in key order, and the entries of one key best first."""
        pairs.sort(key=lambda pair: (pair[0], ranks[pair[1]], pair[1]))
        return cls([key for key, _ in pairs], array("i", [number for _, number in pairs]))

    @classmethod
    def load(cls, state: tuple[list[str], bytes]) -> _Sorted:
        return cls(state[0], _ints(state[1]))

    def dump(self) -> tuple[list[str], bytes]:
        return self.keys, self.ids.tobytes()

    def scan(self, prefix: str, most: int) -> Iterable[tuple[str, int]]:
        """Up to ``most`` (key, entry) pairs whose key starts with ``prefix``, in key order."""
        start = bisect_left(self.keys, prefix)
        end = min(start + most, len(self.keys))
        keys, ids = self.keys, self.ids
        upper = prefix + KEY_MAX
        for position in range(start, end):
            if keys[position] >= upper:
                return
            yield keys[position], ids[position]


#: The version of the index layout: a cached index of another version is built again.
INDEX_VERSION = 4

#: A hanzi prefix that more than half this many headwords start with (一, 中, 城, 国家 …: some
#: 1,900 of them) has its best this many entries listed when the index is built, so that a
#: search for it reads the first few of that list instead of ranking dozens or hundreds of
#: words; a shorter range is ranked whole.
PREFIX_LISTED = 48


def _ints(data: bytes) -> array[int]:
    ids = array("i")
    ids.frombytes(data)
    return ids


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


def _build(entries: Iterable[dictionary.Entry]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The index's columns and search keys from the dictionary's entries (a few seconds: done
    once, then cached)."""
    simplified: list[str] = []
    traditional: list[str] = []
    numbered: list[str] = []
    glosses: list[str] = []
    ranks: list[int] = []
    words: dict[str, list[int]] = {}
    toneless: list[tuple[str, int]] = []
    spelled: list[tuple[str, int]] = []
    toned: list[tuple[str, int]] = []
    exact: dict[str, list[int]] = {}
    postings: dict[str, list[tuple[int, int]]] = {}
    stems: dict[str, str] = {}
    for number, entry in enumerate(entries):
        simplified.append(entry.simplified)
        traditional.append(entry.traditional)
        numbered.append(entry.numbered)
        glosses.append("/".join(entry.glosses))
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
    order = ranks.__getitem__
    headwords = sorted(words)
    columns = {
        "simplified": simplified, "traditional": traditional, "numbered": numbered, "glosses": glosses,
        "words": {w: min(ids, key=order) for w, ids in words.items()},
        "more": {w: tuple(sorted(ids, key=order)) for w, ids in words.items() if len(ids) > 1},
        "rank": array("i", ranks).tobytes()}
    return columns, {
        "headwords": headwords,
        "listed": _listed(headwords, words, ranks),
        "toneless": _Sorted.of(toneless, ranks).dump(), "spelled": _Sorted.of(spelled, ranks).dump(),
        "toned": _Sorted.of(toned, ranks).dump(),
        "exact": {key: tuple(sorted(set(ids), key=lambda n: (ranks[n], n))) for key, ids in exact.items()},
        # each word's entries best first, as search ranks them: common senses, then shorter glosses
        "postings": {word: array("i", [n for _, _, n in sorted((ranks[n], length, n) for length, n in found)]).tobytes()
                     for word, found in postings.items()},
    }


def _prefix_range(headwords: Sequence[str], prefix: str) -> range:
    """The positions of the (sorted) headwords that start with ``prefix``."""
    start = bisect_left(headwords, prefix)
    return range(start, bisect_left(headwords, prefix + KEY_MAX, start))


def _ranked(headwords: Sequence[str], positions: Iterable[int], entries_of: Any,
            ranks: Sequence[int]) -> list[tuple[int, int]]:
    """(entry, headword position) of the headwords at ``positions``, best first as a prefix
    search ranks them (common senses, then shorter words), each entry once."""
    best: dict[int, tuple[int, int, int, int]] = {}
    for position in positions:
        length = len(headwords[position])
        for number in entries_of(headwords[position]):
            rank = (ranks[number], length, number, position)
            if number not in best or rank < best[number]:
                best[number] = rank
    return [(number, position) for _, _, number, position in sorted(best.values())]


def _listed(headwords: list[str], words: dict[str, list[int]], ranks: list[int]) -> dict[str, bytes]:
    """For each prefix more than ``PREFIX_LISTED // 2`` headwords start with: its best
    ``PREFIX_LISTED`` (entry, headword position) pairs, as packed ints."""
    counts: dict[str, int] = {}
    for word in headwords:
        for length in range(1, len(word) + 1):
            counts[word[:length]] = counts.get(word[:length], 0) + 1
    entries_of = words.__getitem__
    listed = {}
    for prefix, count in counts.items():
        if count > PREFIX_LISTED // 2:
            best = _ranked(headwords, _prefix_range(headwords, prefix), entries_of, ranks)[:PREFIX_LISTED]
            listed[prefix] = array("i", [n for pair in best for n in pair]).tobytes()
    return listed


class _Keys:
    """The search keys: pinyin in sorted lists, English glosses and words."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.headwords: list[str] = state["headwords"]
        #: prefix -> its best (entry, headword position) pairs, flat: see ``PREFIX_LISTED``
        self.listed = {prefix: _ints(data) for prefix, data in state["listed"].items()}
        self.toneless, self.spelled, self.toned = (_Sorted.load(state[name]) for name in ("toneless", "spelled", "toned"))
        self.exact: dict[str, tuple[int, ...]] = state["exact"]
        self.postings = {word: _ints(data) for word, data in state["postings"].items()}


class DictionaryIndex:
    """CC-CEDICT in memory: the entries in columns and by headword (what annotation needs), and
    the search keys (``keys()``, loaded on the first search)."""

    def __init__(self, state: dict[str, Any], keys: dict[str, Any] | Path) -> None:
        self.simplified: list[str] = state["simplified"]
        self.traditional: list[str] = state["traditional"]
        self.numbered: list[str] = state["numbered"]
        self.glosses: list[str] = state["glosses"]  # "/"-joined, as in the file
        #: headword (either script) -> its best entry; ``entries(word)`` gives them all, best first
        self.words: dict[str, int] = state["words"]
        self._more: dict[str, tuple[int, ...]] = state["more"]
        self.rank = _ints(state["rank"])
        self._keys_from = keys
        self._keys: _Keys | None = None
        self._keys_lock = threading.Lock()

    @classmethod
    def build(cls, entries: Iterable[dictionary.Entry]) -> DictionaryIndex:
        columns, keys = _build(entries)
        return cls(columns, keys)

    def entries_of(self, word: str) -> tuple[int, ...]:
        """Every entry of a headword (either script), best first; () when it has none."""
        more = self._more.get(word)
        if more is not None:
            return more
        best = self.words.get(word)
        return () if best is None else (best,)

    def keys(self) -> _Keys:
        """The search keys, loaded (or built) on first use."""
        if self._keys is None:
            with self._keys_lock:
                if self._keys is None:
                    source = self._keys_from
                    if isinstance(source, Path):
                        state = _read(source)
                        if state is None:  # gone or broken: build everything again
                            state = _build(dictionary.read_entries())[1]
                        source = state
                    self._keys = _Keys(source)
        return self._keys

    def __len__(self) -> int:
        return len(self.simplified)

    def entry(self, number: int) -> dictionary.Entry:
        return dictionary.Entry(self.traditional[number], self.simplified[number], self.numbered[number],
                                tuple(self.glosses[number].split("/")))

    # --- search -----------------------------------------------------------------------------

    def search(self, query: str | Query, limit: int = 10, exclude: Collection[str] = ()) -> list[DictionaryResult]:
        """Entries for a query read as the store reads it, best first: exact before prefix
        before words, common senses before proper names, shorter keys first.

        >>> [r.simplified for r in index().search("mingyun", 3)][:1]
        ['命运']
        """
        parsed = read_query(query) if isinstance(query, str) else query
        found: dict[int, tuple[tuple[int, int, int], str, str, str]] = {}  # entry -> (rank, field, kind, text)
        most = limit + len(exclude)  # pinyin keys read in key order: enough for `limit` exact matches
        keys = self.keys()
        ranks = self.rank

        def add(number: int, klass: int, length: int, field: str, kind: str, text: str = "") -> None:
            rank = (klass, ranks[number], length)
            if number not in found or rank < found[number][0]:
                found[number] = (rank, field, kind, text)

        if parsed.hanzi:
            for key in dict.fromkeys((parsed.hanzi, "".join(parsed.text.split()))):
                for number in self.entries_of(key):
                    add(number, 0, len(key), "hanzi", "exact", key)
                for number, position in self._prefixed(key, limit, exclude):
                    word = keys.headwords[position]
                    add(number, 1, len(word), "hanzi", "prefix", word)
        if QueryKind.PINYIN in parsed.kinds and parsed.pinyin is not None:
            reading = parsed.pinyin
            scans: list[tuple[_Sorted, str]] = [(keys.toned, key) for key in reading.toned]
            if reading.loose:
                scans += [(keys.spelled, key) for key in reading.spelled] or [(keys.toneless, reading.letters)]
            for table, key in scans:
                for matched, number in table.scan(key, most):
                    exact = matched == key
                    add(number, 0 if exact else 1, len(matched), "pinyin", "exact" if exact else "prefix")
        if QueryKind.ENGLISH in parsed.kinds and parsed.english:
            key = _gloss_key(parsed.english)
            for number in self._first(keys.exact.get(key, ()), limit, exclude):
                add(number, 0, 0, "english", "exact")
            if parsed.words:
                # the rarest word's entries (best first), kept if they have the others
                lists = sorted((keys.postings.get(word, array("i")) for word in parsed.words), key=len)
                rarest: Iterable[int] = lists[0]
                if len(lists) > 1:  # the entries that have every word: the rarest's, narrowed list by list
                    common = set(rarest)
                    for other in lists[1:]:
                        common.intersection_update(other)  # C-level, no set made of a long list
                    rarest = (number for number in rarest if number in common)
                for order, number in enumerate(self._first(rarest, limit, exclude)):
                    add(number, 2, order, "english", "words")
        if exclude:  # headwords the caller shows already: left out before any result is made
            simplified = self.simplified
            found = {number: value for number, value in found.items() if simplified[number] not in exclude}
        best = heapq.nsmallest(limit, found.items(), key=lambda item: (item[1][0], item[0]))
        # an English match shows the gloss holding the query's last word (lowercased, as a stem)
        last = parsed.words[-1] if parsed.words else parsed.english
        needle = last[:-1] if last.endswith("y") else last
        results = []
        for number, (_rank, field, kind, text) in best:
            glosses = tuple(self.glosses[number].split("/"))
            if not text:
                text = (self.pinyin_of(number) if field == "pinyin" else
                        next((gloss for gloss in glosses if needle in gloss.lower()), glosses[0]))
            results.append(DictionaryResult(self.simplified[number], self.traditional[number],
                                            self.numbered[number], glosses, Hit(field, kind, text)))
        return results

    def _first(self, numbers: Iterable[int], limit: int, exclude: Collection[str]) -> Iterator[int]:
        """The first ``limit`` of ``numbers`` (entries best first) whose headword is not in
        ``exclude``: enough for the ``limit`` best of a search, whatever else it finds."""
        if limit <= 0:
            return
        simplified = self.simplified
        for number in numbers:
            if simplified[number] not in exclude:
                yield number
                limit -= 1
                if not limit:
                    return

    def _prefixed(self, prefix: str, limit: int, exclude: Collection[str]) -> list[tuple[int, int]]:
        """The best ``limit`` (entry, headword position) pairs of the headwords starting with
        ``prefix``, leaving out ``exclude``: from the list made at build time when the prefix
        has one and it holds enough, else by ranking every headword with the prefix."""
        keys = self.keys()
        pairs = keys.listed.get(prefix)
        if pairs is not None:
            chosen = [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)
                      if self.simplified[pairs[i]] not in exclude][:limit]
            if len(chosen) == limit:
                return chosen
        ranked = _ranked(keys.headwords, _prefix_range(keys.headwords, prefix), self.entries_of, self.rank)
        return [(number, position) for number, position in ranked if self.simplified[number] not in exclude][:limit]

    def pinyin_of(self, number: int) -> str:
        return dictionary.marks(self.numbered[number]) or self.numbered[number]

_lock = threading.Lock()
_index: list[DictionaryIndex] = []


def cache_files() -> tuple[Path, Path]:
    """Where the built index is kept between processes, beside the default store: the columns
    (what annotation needs) and the search keys."""
    stem_ = config.home() / f"cc-cedict-{dictionary.release()}-v{INDEX_VERSION}"
    return stem_.with_suffix(".words.marshal"), stem_.with_suffix(".keys.marshal")


def index() -> DictionaryIndex:
    """The process's dictionary index (thread-safe), made on first use: loaded from
    ``cache_files()`` when a process has built it before, built and saved there otherwise."""
    if not _index:
        with _lock:
            if not _index:
                _index.append(_load_or_build(*cache_files()))
    return _index[0]


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            state = marshal.load(handle)
        return state if isinstance(state, dict) else None
    except (OSError, ValueError, EOFError, TypeError) as error:
        if path.exists():
            log.warning("rebuilding the CC-CEDICT index: %s is unreadable (%s)", path, error)
        return None


def _write(path: Path, state: dict[str, Any]) -> None:
    try:  # a read-only home just means building again next time
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            marshal.dump(state, handle)
        os.replace(partial, path)
    except OSError as error:
        log.warning("could not keep the CC-CEDICT index in %s: %s", path, error)


def _load_or_build(words: Path, keys: Path) -> DictionaryIndex:
    columns = _read(words) if keys.exists() else None
    if columns is not None:
        try:
            return DictionaryIndex(columns, keys)
        except (KeyError, TypeError) as error:
            log.warning("rebuilding the CC-CEDICT index: %s is not this version's (%s)", words, error)
    built_columns, built_keys = _build(dictionary.read_entries())
    _write(keys, built_keys)
    _write(words, built_columns)
    return DictionaryIndex(built_columns, built_keys)


def fallback(query: str, curated: Sequence[_Summary], limit: int = 10) -> list[DictionaryResult]:
    """The dictionary's results for a query, after the store's ``curated`` ones: entries whose
    headword a curated result has are left out (the reviewed entry says it better).

    >>> [r.simplified for r in fallback("振兴", [])][:2]
    ['振兴', '振兴']
    """
    if not query.strip():
        return []
    return index().search(query, limit, exclude={summary.simplified for summary in curated})
