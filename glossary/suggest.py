"""Suggestions for a search that finds nothing: the store's own keys nearest to what was typed.

A translator who types ``mingyun gongtongi`` (one letter short) or ``comunity of shared future``
should be shown 命运共同体, not an empty page. The keys a term is found by (its pinyin letters,
its English renderings, its Chinese forms) are compared with the query by edit distance, with
RapidFuzz (C++; about 10 ms over the 117k-entry store's keys).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .packed import PackedLists
from .search import Query, QueryKind

__all__ = ["Suggester", "Suggestion", "max_edits"]

#: The key fields compared: pinyin letters (py), whole English renderings (en), Chinese forms (hz).

def max_edits(text: str, hanzi: bool = False) -> int:
    """How many typos a query of this length may hold and still be matched: 1 up to 5 letters
    (or 4 Chinese characters), 2 up to 12 letters (or longer Chinese), then 3.

    >>> max_edits("hexin"), max_edits("mingyungongtongi"), max_edits("命运共同休", hanzi=True)
    (1, 3, 2)
    """
    size = len(text)
    if hanzi:
        return 1 if size <= 4 else 2
    return 1 if size <= 5 else 2 if size <= 12 else 3


@dataclass(frozen=True)
class Suggestion:
    """A term whose key is a few edits away from the query."""

    term_id: str
    field: str  # "pinyin", "english" or "hanzi"
    key: str  # the key it was found by
    edits: int


class _Keys:
    """One field's keys and who owns each: the keys in a list (RapidFuzz reads it), their owners
    (positions in ``Suggester._ids``) packed, with the owners a patch changed laid over."""

    __slots__ = ("keys", "owners", "changed")

    def __init__(self, keys: list[str], owners: PackedLists, changed: dict[int, tuple[int, ...]]) -> None:
        self.keys, self.owners, self.changed = keys, owners, changed

    def owners_of(self, position: int) -> Sequence[int]:
        found = self.changed.get(position)
        return found if found is not None else self.owners[position]


class Suggester:
    """The keys of one store revision, grouped by field, ready to be compared with queries.

    Built once per process and shared by a server's workers, it holds no small object per key
    owner: a term id is kept once, and each key's owners are numbers in one array
    (glossary.packed), so that reading them writes nothing shared.
    """

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """``rows``: (field, key, term id) for the py, en and hz fields of the search index."""
        self._ids: list[str] = []  # term ids; an owner is a position here
        self._gone: frozenset[int] = frozenset()  # positions of ids whose keys a patch replaced
        keys: dict[str, list[str]] = {}
        owners: dict[str, list[list[int]]] = {}
        positions: dict[str, dict[str, int]] = {}
        numbers: dict[str, int] = {}
        for field, key, term_id in rows:
            where = positions.setdefault(field, {})
            position = where.get(key)
            if position is None:
                position = where[key] = len(where)
                keys.setdefault(field, []).append(key)
                owners.setdefault(field, []).append([])
            number = numbers.get(term_id)
            if number is None:
                number = numbers[term_id] = len(self._ids)
                self._ids.append(term_id)
            if number not in owners[field][position]:
                owners[field][position].append(number)
        self._fields = {field: _Keys(keys[field], PackedLists(owners[field]), {}) for field in keys}

    def patched(self, changed: Iterable[str], rows: Sequence[tuple[str, str, str]]) -> Suggester:
        """A copy that no longer offers the ``changed`` entries' old keys and offers ``rows``
        (their keys now): what a write to a few entries changes, without reading every key."""
        gone = set(changed)
        copy = Suggester(())
        copy._ids = list(self._ids)
        copy._gone = self._gone | {number for number, term_id in enumerate(self._ids) if term_id in gone}
        copy._fields = {field: _Keys(list(found.keys), found.owners, dict(found.changed))
                        for field, found in self._fields.items()}
        numbers: dict[str, int] = {}  # the changed entries' ids, each at a new position
        positions: dict[str, dict[str, int]] = {}
        for field, key, term_id in rows:
            found = copy._fields.get(field)
            if found is None:
                found = copy._fields[field] = _Keys([], PackedLists(), {})
            where = positions.get(field)
            if where is None:
                where = positions[field] = {text: position for position, text in enumerate(found.keys)}
            number = numbers.get(term_id)
            if number is None:
                number = numbers[term_id] = len(copy._ids)
                copy._ids.append(term_id)
            position = where.get(key)
            if position is None:
                position = where[key] = len(found.keys)
                found.keys.append(key)
                found.changed[position] = (number,)
            else:
                owners = found.owners_of(position)
                if number not in owners:
                    found.changed[position] = (*owners, number)
        return copy

    def suggest(self, query: Query, limit: int = 5) -> list[Suggestion]:
        """The terms nearest to the query, fewest edits first (each term once)."""
        found: list[Suggestion] = []
        ids, gone = self._ids, self._gone
        for field, text in _texts(query):
            keys = self._fields.get(field)
            if len(text) < 3 or keys is None:
                continue
            cutoff = max_edits(text, hanzi=field == "hz")
            label = {"py": "pinyin", "en": "english", "hz": "hanzi"}[field]
            for key, edits, position in process.extract(text, keys.keys, scorer=Levenshtein.distance,
                                                        score_cutoff=cutoff, limit=limit * 4):
                if edits == 0:
                    continue  # an exact key would have been found by the search itself
                found += [Suggestion(ids[number], label, key, int(edits)) for number in keys.owners_of(position)
                          if number not in gone]
        found.sort(key=lambda s: (s.edits, len(s.key)))
        seen: set[str] = set()
        unique = [s for s in found if not (s.term_id in seen or seen.add(s.term_id))]  # type: ignore[func-returns-value]
        return unique[:limit]


def _texts(query: Query) -> list[tuple[str, str]]:
    """(field, text) to compare: folded hanzi; or the query's letters as pinyin (tone marks and
    numbers, spaces and apostrophes dropped: a query with a typo does not parse as pinyin) and
    its English."""
    if QueryKind.HANZI in query.kinds and query.hanzi:
        return [("hz", query.hanzi)]
    letters = "".join(c for c in unicodedata.normalize("NFD", query.text.lower()) if "a" <= c <= "z")
    found = [("py", letters)] if letters else []
    return found + ([("en", query.english)] if query.english else [])
