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


class Suggester:
    """The keys of one store revision, grouped by field, ready to be compared with queries."""

    def __init__(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """``rows``: (field, key, term id) for the py, en and hz fields of the search index."""
        self._keys: dict[str, list[str]] = {}
        self._owners: dict[str, list[list[str]]] = {}
        self._index: dict[tuple[str, str], int] = {}
        self._add(rows)

    def _add(self, rows: Iterable[tuple[str, str, str]]) -> None:
        for field, key, term_id in rows:
            position = self._index.get((field, key))
            if position is None:
                position = self._index[(field, key)] = len(self._keys.setdefault(field, []))
                self._keys[field].append(key)
                self._owners.setdefault(field, []).append([])
            if term_id not in self._owners[field][position]:
                self._owners[field][position] = self._owners[field][position] + [term_id]

    def patched(self, changed: Iterable[str], rows: Sequence[tuple[str, str, str]]) -> Suggester:
        """A copy that no longer offers the ``changed`` entries' old keys and offers ``rows``
        (their keys now): what a write to a few entries changes, without reading every key."""
        gone = set(changed)
        copy = Suggester(())
        copy._keys = {field: list(keys) for field, keys in self._keys.items()}
        copy._owners = {field: [[i for i in owners if i not in gone] if gone.intersection(owners) else owners
                                for owners in self._owners[field]] for field in self._owners}
        copy._index = dict(self._index)
        copy._add(rows)
        return copy

    def suggest(self, query: Query, limit: int = 5) -> list[Suggestion]:
        """The terms nearest to the query, fewest edits first (each term once)."""
        found: list[Suggestion] = []
        for field, text in _texts(query):
            if len(text) < 3 or field not in self._keys:
                continue
            cutoff = max_edits(text, hanzi=field == "hz")
            label = {"py": "pinyin", "en": "english", "hz": "hanzi"}[field]
            for key, edits, position in process.extract(text, self._keys[field], scorer=Levenshtein.distance,
                                                        score_cutoff=cutoff, limit=limit * 4):
                if edits == 0:
                    continue  # an exact key would have been found by the search itself
                found += [Suggestion(term_id, label, key, int(edits)) for term_id in self._owners[field][position]]
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
