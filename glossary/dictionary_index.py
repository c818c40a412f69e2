"""CC-CEDICT as a search fallback: a read-only index beside the store, never part of it.

The curated store holds reviewed entries; CC-CEDICT holds some 120,000 words nobody here has
reviewed. Searches show the store's results first and then, marked "CC-CEDICT — not reviewed",
the dictionary's (``fallback``). The dictionary is read by the same query reader as the store
(``glossary.search.read_query``: hanzi in either script, pinyin in any form, English words), and
searched in memory:

- hanzi: the headwords in both scripts, exact, then words starting with the query;
- pinyin: toned, spelled and toneless keys like the store's ``pyt``, ``pyb`` and ``py`` keys,
  in sorted, packed lists (glossary.packed) scanned by prefix with ``bisect``;
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
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Protocol

from . import config, dictionary
from .pinyin import PinyinStyle, key_letters
from .packed import PackedLists, PackedStrings
from .search import STOPWORDS, Query, QueryKind, normalize_english, read_query, stem
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

    def __init__(self, keys: PackedStrings, ids: array[int]) -> None:
        self.keys, self.ids = keys, ids

    @classmethod
    def of(cls, pairs: list[tuple[str, int]]) -> _Sorted:
        pairs.sort()
        return cls(PackedStrings(key for key, _ in pairs), array("i", [number for _, number in pairs]))

    @classmethod
    def load(cls, state: tuple[tuple[bytes, bytes], bytes]) -> _Sorted:
        return cls(PackedStrings.load(state[0]), _ints(state[1]))

    def dump(self) -> tuple[tuple[bytes, bytes], bytes]:
        return self.keys.dump(), self.ids.tobytes()

    def scan(self, prefix: str, most: int) -> Iterable[tuple[str, int]]:
        """Up to ``most`` (key, entry) pairs whose key starts with ``prefix``, in key order."""
        ids = self.ids
        for position, key in self.keys.prefixed(prefix, most):
            yield key, ids[position]


class _Table:
    """Sorted string keys, each with a list of entries (English glosses, English words)."""

    def __init__(self, keys: PackedStrings, lists: PackedLists) -> None:
        self.keys, self.lists = keys, lists

    @classmethod
    def of(cls, table: dict[str, list[int]]) -> _Table:
        ordered = sorted(table)
        return cls(PackedStrings(ordered), PackedLists(table[key] for key in ordered))

    @classmethod
    def load(cls, state: tuple[tuple[bytes, bytes], tuple[bytes, bytes]]) -> _Table:
        return cls(PackedStrings.load(state[0]), PackedLists.load(state[1]))

    def dump(self) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
        return self.keys.dump(), self.lists.dump()

    def get(self, key: str) -> Sequence[int]:
        """The entries of a key; empty when it has none."""
        at = self.keys.find(key)
        return self.lists[at] if at >= 0 else ()


#: The version of the index layout: a cached index of another version is built again.
INDEX_VERSION = 3


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


def _record(entry: dictionary.Entry) -> str:
    """An entry as the index keeps it: its fields in one string (one slice reads them all), the
    glosses "/"-joined as in the file. CC-CEDICT's lines hold no tab."""
    fields = (entry.simplified, entry.traditional, entry.numbered, "/".join(entry.glosses))
    if any("\t" in field for field in fields):
        raise ValueError(f"a CC-CEDICT entry with a tab: {entry}")
    return "\t".join(fields)


def _build(entries: Iterable[dictionary.Entry]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The index's columns and search keys from the dictionary's entries (a few seconds: done
    once, then cached)."""
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
    order = ranks.__getitem__
    columns = {
        "records": PackedStrings(records).dump(),
        "words": {w: min(ids, key=order) for w, ids in words.items()},
        "more": {w: tuple(sorted(ids, key=order)) for w, ids in words.items() if len(ids) > 1},
        "rank": array("i", ranks).tobytes()}
    return columns, {
        "headwords": PackedStrings(sorted(words)).dump(),
        "toneless": _Sorted.of(toneless).dump(), "spelled": _Sorted.of(spelled).dump(),
        "toned": _Sorted.of(toned).dump(),
        "exact": _Table.of({key: sorted(set(ids), key=order) for key, ids in exact.items()}).dump(),
        "postings": _Table.of({word: [n for _, n in sorted(found)] for word, found in postings.items()}).dump(),
    }


class _Keys:
    """The search keys: headwords and pinyin in sorted order, English glosses and words (all
    packed: see glossary.packed)."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.headwords = PackedStrings.load(state["headwords"])
        self.toneless, self.spelled, self.toned = (_Sorted.load(state[name]) for name in ("toneless", "spelled", "toned"))
        self.exact = _Table.load(state["exact"])
        self.postings = _Table.load(state["postings"])


class DictionaryIndex:
    """CC-CEDICT in memory: the entries in columns and by headword (what annotation needs), and
    the search keys (``keys()``, loaded on the first search)."""

    def __init__(self, state: dict[str, Any], keys: dict[str, Any] | Path) -> None:
        #: per entry: simplified, traditional, numbered pinyin and "/"-joined glosses (``fields``)
        self._records = PackedStrings.load(state["records"])
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
        return len(self._records)

    def entry(self, number: int) -> dictionary.Entry:
        simplified, traditional, numbered, glosses = self.fields(number)
        return dictionary.Entry(traditional, simplified, numbered, tuple(glosses.split("/")))

    def fields(self, number: int) -> list[str]:
        """An entry's simplified and traditional headwords, numbered pinyin ("ming4 yun4") and
        glosses ("/"-joined, as in the file)."""
        return self._records[number].split("\t")

    def result(self, number: int, hit: Hit) -> DictionaryResult:
        simplified, traditional, numbered, glosses = self.fields(number)
        return DictionaryResult(simplified, traditional, numbered, tuple(glosses.split("/")), hit)

    # --- search -----------------------------------------------------------------------------

    def search(self, query: str | Query, limit: int = 10, exclude: Collection[str] = ()) -> list[DictionaryResult]:
        """Entries for a query read as the store reads it, best first: exact before prefix
        before words, common senses before proper names, shorter keys first.

        >>> [r.simplified for r in index().search("mingyun", 3)][:1]
        ['命运']
        """
        parsed = read_query(query) if isinstance(query, str) else query
        found: dict[int, tuple[tuple[int, int, int], str, str, str]] = {}  # entry -> (rank, field, kind, text)
        most = max(limit + len(exclude), 1) * 2
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
                for _position, word in keys.headwords.prefixed(key, most):
                    for number in self.entries_of(word):
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
            for number in keys.exact.get(key)[:most]:
                add(number, 0, 0, "english", "exact")
            if parsed.words:
                # the rarest word's entries (shortest gloss first), kept if they have the others
                lists = sorted((keys.postings.get(word) for word in parsed.words), key=len)
                rarest, wanted = lists[0], most
                if len(lists) > 1:  # the entries that have every word: the rarest's, narrowed list by list
                    common = set(rarest)
                    for other in lists[1:]:
                        common.intersection_update(other)  # C-level, no set made of a long list
                    wanted = min(wanted, len(common))
                taken = 0
                for order, number in enumerate(rarest):
                    if taken >= wanted:
                        break
                    if len(lists) == 1 or number in common:
                        add(number, 2, order, "english", "words")
                        taken += 1
        if exclude:  # headwords the caller shows already: left out before any result is made
            # the entries whose simplified headword is one of them (entries_of also gives the
            # entries a headword is the traditional form of)
            shown = {number for word in exclude for number in self.entries_of(word) if self.fields(number)[0] == word}
            found = {number: value for number, value in found.items() if number not in shown}
        best = heapq.nsmallest(limit, found.items(), key=lambda item: (item[1][0], item[0]))
        return [self.result(number, Hit(field, kind, text or self._hit_text(number, field, parsed)))
                for number, (_rank, field, kind, text) in best]

    def _hit_text(self, number: int, field: str, parsed: Query) -> str:
        return self.pinyin_of(number) if field == "pinyin" else self._gloss_with(number, parsed)

    def pinyin_of(self, number: int) -> str:
        numbered = self.fields(number)[2]
        return dictionary.marks(numbered) or numbered

    def _gloss_with(self, number: int, parsed: Query) -> str:
        """The gloss of an entry holding the query's last word (lowercased, as a stem); the
        first gloss, else."""
        glosses = self.fields(number)[3].split("/")
        last = parsed.words[-1] if parsed.words else parsed.english
        needle = last[:-1] if last.endswith("y") else last
        return next((gloss for gloss in glosses if needle in gloss.lower()), glosses[0])


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
