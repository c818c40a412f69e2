"""Searching the store: ranking index scans, and the entries and result rows a process keeps.

A query is read into keys (``glossary.search``); each key is a range scan of the search index,
all of them in one statement that also reads the store revision. The rows found are ranked in
Python. Result rows and decoded entries are kept per process, by id, and follow the store: when
the revision moves, the change log names the entries to forget (``_ByIdCache``), so a write to
one entry costs one entry's rows, not every cached row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from .engine import chunks
from .engine import read as db_read
from .engine import stream
from .errors import TermNotFound
from .repository import Repository
from .rows import SUMMARY_COLUMNS, TERM_COLUMNS, summary_from_values, term_from_driver_row
from .search import (KEY_MAX, WORD_END, Query, QueryKind, explain, match_kind, read_query, scan_plan,
                     word_length)
from .terms import Domain, Hit, Term, TermSummary

__all__ = ["SearchIndex"]

#: How many decoded entries, and how many search-result rows, a process keeps. Kept modest: an
#: entry is objects the garbage collector walks, a CC-CEDICT row about a kilobyte.
CACHE_SIZE = 10_000


class _ByIdCache:
    """Values per entry id (decoded entries, result rows), kept in step with the store: when the
    revision moves, the change log says which ids to forget. At most ``size`` values: when full
    it starts again (cheap, and popular entries come back first)."""

    def __init__(self, repository: Repository, size: int) -> None:
        self._repository = repository
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        self._revision = -1
        self._size = size

    def read(self, connection: Any, term_ids: Sequence[str], revision: int,
             load: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """The values of those ``term_ids`` that exist, the missing ones from ``load(ids)``."""
        with self._lock:
            if self._revision != revision:
                self._follow(connection, revision)
            values = self._values
        found = {i: values[i] for i in term_ids if i in values}
        missing = [i for i in term_ids if i not in found]
        if missing:
            loaded = load(missing)
            with self._lock:
                if self._revision == revision:  # not if a newer revision came meanwhile
                    if len(self._values) + len(loaded) > self._size:
                        self._values = {}
                    self._values.update(loaded)
            found.update(loaded)
        return found

    def _follow(self, connection: Any, revision: int) -> None:
        """Forget what changed between the kept revision and ``revision`` (everything if the
        kept one is newer, unknown, or the change was store-wide)."""
        if self._revision < 0 or revision < self._revision:
            self._values = {}
        else:
            _now, changed = self._repository.changes_since(self._revision, connection)
            if changed is None:
                self._values = {}
            else:
                self._values = {i: v for i, v in self._values.items() if i not in changed}
        self._revision = revision


def _sort_key(klass: int, rank: int, order: int, length: int) -> int:
    """How good a match is, lower first: (class, key rank, stage order, key length) packed in
    one int, so ranking sorts ints and then ids rather than 5-tuples. Each part is < 16 (the
    length < 256: keys are at most KEY_LENGTH characters)."""
    return (((klass << 4 | rank) << 4 | order) << 8) | min(length, 255)


def _rows_by_id(connection: Any, columns: Sequence[str], term_ids: Sequence[str]) -> list[Any]:
    """``columns`` of the entries with these ids, in no particular order."""
    rows: list[Any] = []
    for part in chunks(list(term_ids), 500):
        sql = f"SELECT {', '.join(columns)} FROM terms WHERE id IN ({', '.join('?' * len(part))})"
        rows += db_read(connection, sql, tuple(part))
    return rows


class SearchIndex:
    """Lookup, search and reads by id over one store."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.engine = repository.engine
        self._records = _ByIdCache(repository, CACHE_SIZE)
        self._summary_rows = _ByIdCache(repository, CACHE_SIZE)
        self._suggester_lock = threading.Lock()
        self._suggester: Any = None  # (revision, Suggester), built on the first search that finds nothing

    # --- by id ----------------------------------------------------------------------------------

    def get(self, term_id: str) -> Term:
        found = self.get_many([term_id])
        if not found:
            raise TermNotFound(term_id)
        return found[0]

    def get_many(self, term_ids: Sequence[str]) -> list[Term]:
        with self.engine.connect() as connection:
            return self._fetch(connection, list(term_ids), self.repository.revision(connection))

    def _fetch(self, connection: Any, term_ids: Sequence[str], revision: int) -> list[Term]:
        """Entries by id in the order given (kept decoded, so a popular entry is decoded once)."""
        if not term_ids:
            return []

        def load(missing: list[str]) -> dict[str, Term]:
            return {row[0]: term_from_driver_row(row) for row in _rows_by_id(connection, TERM_COLUMNS, missing)}

        records = self._records.read(connection, term_ids, revision, load)
        return [records[i] for i in term_ids if i in records]

    # --- search ---------------------------------------------------------------------------------

    def lookup(self, query: str, limit: int = 20, domain: Domain | str | None = None) -> list[Term]:
        parsed = read_query(query)
        with self.engine.connect() as connection:
            best, revision = self._rank(connection, parsed, limit, domain)
            terms = self._fetch(connection, list(best), revision)
        return [t.with_hit(explain(t, parsed, *best[t.id])) for t in terms]

    def search(self, query: str, limit: int = 20, domain: Domain | str | None = None) -> list[TermSummary]:
        parsed = read_query(query)
        with self.engine.connect() as connection:
            best, revision = self._rank(connection, parsed, limit, domain)
            if not best:
                return []

            def load(missing: list[str]) -> dict[str, tuple[Any, ...]]:
                return {row[0]: row for row in _rows_by_id(connection, SUMMARY_COLUMNS, missing)}

            rows = self._summary_rows.read(connection, list(best), revision, load)
        return [summary_from_values(rows[term_id], parsed, *how) for term_id, how in best.items() if term_id in rows]

    def did_you_mean(self, query: str, limit: int = 5) -> list[TermSummary]:
        from .suggest import Suggester

        with self.engine.connect() as connection:
            revision = self.repository.revision(connection)
            with self._suggester_lock:
                if self._suggester is None or self._suggester[0] != revision:
                    self._suggester = (revision, self._follow_suggester(connection, revision))
                suggester: Suggester = self._suggester[1]
            parsed = read_query(query)
            nearest = suggester.suggest(parsed, limit)
            if not nearest:
                return []
            rows = {row[0]: row for row in _rows_by_id(connection, SUMMARY_COLUMNS, [s.term_id for s in nearest])}
        return [replace(summary_from_values(rows[s.term_id], parsed, "py", "similar"),
                        hit=Hit(s.field, "similar", s.key)) for s in nearest if s.term_id in rows]

    def _follow_suggester(self, connection: Any, revision: int) -> Any:
        """The suggester for ``revision``: the kept one patched with the entries that changed, or
        (the first time, or after a store-wide change) one built from every key."""
        from .suggest import Suggester

        sql = "SELECT field, key, term_id FROM search_keys WHERE field IN ('py', 'en', 'hz')"

        def keys(term_ids: Sequence[str]) -> list[tuple[str, str, str]]:
            found: list[tuple[str, str, str]] = []
            for part in chunks(list(term_ids), 500):
                found += [(r[0], r[1], r[2]) for r in db_read(
                    connection, f"{sql} AND term_id IN ({', '.join('?' * len(part))})", tuple(part))]
            return found

        if self._suggester is not None:
            _now, changed = self.repository.changes_since(self._suggester[0], connection)
            if changed is not None:
                kept: Suggester = self._suggester[1]
                return kept.patched(changed, keys(sorted(changed)))
        return Suggester((r[0], r[1], r[2]) for r in stream(connection, sql, ()))

    def _rank(self, connection: Any, parsed: Query, limit: int,
              domain: Domain | str | None) -> tuple[dict[str, tuple[str, str, int]], int]:
        """The best ``limit`` entry ids for a query, best first, each with the search field,
        kind of match and key rank that found it (see ``explain``); and the store revision
        (read in the same statement)."""
        limit = max(1, min(limit, 200))
        domain_value = Domain(domain).value if domain else None
        # id -> (sort key, field, kind, key rank)
        found: dict[str, tuple[int, str, str, int]] = {}
        stages = scan_plan(parsed)
        if not stages:
            return {}, self.repository.revision(connection)
        rows, revision = self._scan(connection, stages, domain_value, limit * 2)
        # per stage: (order, field, key, (kind, class) of an exact match, of a longer one)
        plans = [(order, field, key, match_kind(field, True), match_kind(field, False))
                 for order, field, key in stages]
        for stage, term_id, matched, rank in rows:
            order, field, key, exact_match, longer_match = plans[stage]
            kind, klass = exact_match if matched == key else longer_match
            # a word key ranks by the length of its rendering: the closest fit first
            sort = _sort_key(klass, rank, order, word_length(matched) if field == "enw" else len(matched))
            current = found.get(term_id)
            if current is None or sort < current[0]:
                found[term_id] = (sort, field, kind, rank)
        exact = any(entry[0] < _sort_key(1, 0, 0, 0) for entry in found.values())  # class 0
        if QueryKind.ENGLISH in parsed.kinds and len(parsed.words) > 1 and len(found) < limit and not exact:
            for term_id, rank, length in self._all_words(connection, parsed.words, domain_value, limit * 2):
                found.setdefault(term_id, (_sort_key(3, rank, 0, length), "enw", "words", rank))
        best = sorted([(entry[0], term_id) for term_id, entry in found.items()])[:limit]
        return {term_id: found[term_id][1:] for _sort, term_id in best}, revision

    @staticmethod
    def _scan(connection: Any, stages: Sequence[tuple[int, str, str]], domain: str | None,
              limit: int) -> tuple[list[tuple[int, str, str, int]], int]:
        """Range scans of the search index, one per stage (keys starting with the stage's key,
        in key order) as (stage index, entry id, key, rank) rows, and the store revision: all in
        one statement, one round trip.

        Lookups use the driver directly: SQLAlchemy's statement handling costs more than the
        index scans themselves; and a server thread gives up the interpreter on every call
        into the database, so fewer calls also mean less waiting under load.
        """
        if domain:
            one = ("SELECT k.term_id, k.key, k.rank FROM search_keys k JOIN terms t ON t.id = k.term_id "
                   "WHERE k.field = ? AND k.key >= ? AND k.key < ? AND t.domain = ? ORDER BY k.key, k.rank LIMIT ?")
        else:
            one = ("SELECT term_id, key, rank FROM search_keys "
                   "WHERE field = ? AND key >= ? AND key < ? ORDER BY key, rank LIMIT ?")
        parts = ["SELECT -1 AS stage, value AS term_id, '' AS key, 0 AS rank FROM meta WHERE key = 'revision'"]
        params: list[Any] = []
        for index, (_order, field, key) in enumerate(stages):
            parts.append(f"SELECT {index} AS stage, s{index}.* FROM ({one}) AS s{index}")
            params += [field, key, key + KEY_MAX] + ([domain] if domain else []) + [limit]
        rows = db_read(connection, " UNION ALL ".join(parts), tuple(params))
        revision = next((int(row[1]) for row in rows if row[0] < 0), 0)
        return [row for row in rows if row[0] >= 0], revision

    @staticmethod
    def _all_words(connection: Any, words: Sequence[str], domain: str | None,
                   limit: int) -> list[tuple[str, int, int]]:
        """Entries having every word (in any of their renderings), as (id, best status rank,
        length of the shortest rendering with the first word), closest fits first."""
        def having(word: str) -> tuple[str, list[Any]]:
            part = "SELECT term_id FROM search_keys WHERE field = 'enw' AND key >= ? AND key < ?"
            params: list[Any] = [word + WORD_END, word + chr(ord(WORD_END) + 1)]
            if domain:
                part += " AND term_id IN (SELECT id FROM terms WHERE domain = ?)"
                params.append(domain)
            return part, params

        others = [having(word) for word in words[1:]]
        sql = ("SELECT term_id, MIN(rank), MIN(key) FROM search_keys WHERE field = 'enw' AND key >= ? AND key < ? "
               f"AND term_id IN ({' INTERSECT '.join(part for part, _ in others)}) "
               "GROUP BY term_id ORDER BY 2, 3 LIMIT ?")
        params: list[Any] = [words[0] + WORD_END, words[0] + chr(ord(WORD_END) + 1)]
        for _part, values in others:
            params += values
        return [(row[0], int(row[1]), word_length(row[2]))
                for row in db_read(connection, sql, tuple(params + [limit]))]
