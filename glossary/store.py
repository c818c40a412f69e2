"""The Glossary: one object that owns the store and offers every operation on it."""

from __future__ import annotations

import enum
import gc
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import config
from .csvio import read_terms
from .engine import BulkInserter, advisory_lock, chunks, create_engine_for, safe_url
from .engine import read as db_read
from .errors import ImportConflict, InvalidInput, NothingToExport, Problem, StoreError, TermNotFound
from .gcpause import collector_paused
from .rows import TERM_COLUMNS, aware, checksum, key_rows, summary_from_values, term_from_values, term_row
from .rows import SUMMARY_COLUMNS as _SUMMARY_COLUMNS
from .schema import Meta, SearchKey, TermRow
from .search import (KEY_MAX, KEYS_VERSION, WORD_END, Query, QueryKind, explain, match_kind, read_query, scan_plan,
                     word_length)
from .terms import Domain, Hit, Status, Term, TermSummary

if TYPE_CHECKING:  # imported when first used: the web app's searches never build a matcher
    from .matcher import Match, Matcher

__all__ = ["Glossary", "Conflict", "ImportReport", "open"]

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class Conflict(str, enum.Enum):
    """What an import does with an entry whose id already exists with other content."""

    #: Stop and list the conflicting ids; nothing is written.
    REPORT = "report"
    #: Keep what the store has; add only new entries.
    SKIP = "skip"
    #: Overwrite the stored entry with the imported one.
    REPLACE = "replace"


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        parts += [f"{self.skipped} skipped"] if self.skipped else []
        parts += [f"{self.removed} removed"] if self.removed else []
        return f"{verb}: " + ", ".join(parts)


def open(url: str | None = None, seed: bool = True) -> Glossary:  # noqa: A001 - the public name
    """Open a store (the default SQLite store when no URL is given), creating and seeding it.

    >>> import glossary
    >>> g = glossary.open("sqlite://")          # an in-memory store, seeded from terms.csv
    >>> g.lookup("mingyun gongtongti")[0].simplified
    '命运共同体'
    """
    glossary = Glossary(url or config.database_url())
    if seed:
        glossary.seed_from(config.terms_csv())
    return glossary


#: How many decoded term records, and how many search-result rows, a Glossary keeps (per
#: revision). Kept modest: a record is objects the garbage collector walks, a CC-CEDICT row
#: about a kilobyte.
_RECORD_CACHE_SIZE = 10_000


class _ByRevision:
    """Values per term id for one store revision (decoded records, search-result rows), so a
    popular term is read once. At most ``size`` values: when full it starts again (cheap, and
    popular terms come back first)."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        self._revision = -1
        self._size = size

    def read(self, term_ids: Sequence[str], revision: int,
             load: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """The values of those ``term_ids`` that exist, the missing ones from ``load(ids)``."""
        with self._lock:
            if self._revision != revision:
                self._values, self._revision = {}, revision
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


def _sort_key(klass: int, rank: int, order: int, length: int) -> int:
    """How good a match is, lower first: (class, key rank, stage order, key length) packed in
    one int, so ranking sorts ints and then ids rather than 5-tuples. Each part is < 16 (the
    length < 256: keys are at most KEY_LENGTH characters)."""
    return (((klass << 4 | rank) << 4 | order) << 8) | min(length, 255)


def _rows_by_id(connection: Any, columns: Sequence[str], term_ids: Sequence[str]) -> list[Any]:
    """``columns`` of the terms with these ids, in no particular order."""
    sql = f"SELECT {', '.join(columns)} FROM terms WHERE id IN ({', '.join('?' * len(term_ids))})"
    return db_read(connection, sql, tuple(term_ids))


class Glossary:
    """A glossary store: lookup, get, import and export (and annotation, see annotate.py).

    Callers get frozen ``Term`` values; sessions never leave this class.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine_for(url)
            self._migrate()
        except SQLAlchemyError as error:
            raise StoreError(f"cannot open the store at {safe_url(url)}: {error.__class__.__name__}: "
                             f"{str(error).splitlines()[0]}; check GLOSSARY_DATABASE_URL") from error
        self._refresh_keys()
        self._cache_lock = threading.RLock()  # re-entrant: a cached build may read other cached values
        self._cache: dict[str, tuple[int, Any]] = {}
        self._records = _ByRevision(_RECORD_CACHE_SIZE)
        self._summary_rows = _ByRevision(_RECORD_CACHE_SIZE)

    def __repr__(self) -> str:
        return f"<Glossary {safe_url(self.url)}>"

    # --- schema and meta ------------------------------------------------------------------

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.begin() as connection:
            if MigrationContext.configure(connection).get_current_revision() == head:
                return
            advisory_lock(connection)
            if MigrationContext.configure(connection).get_current_revision() != head:
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")

    def _refresh_keys(self) -> None:
        """Rebuild the search index when it was written by another version of the key functions
        (``search.KEYS_VERSION``), so a store made before a change of keys finds what a new one
        finds. Once per store, under the import lock."""
        with Session(self.engine) as session:
            if self._meta(session, "keys_version") == KEYS_VERSION:
                return
        with Session(self.engine) as session, session.begin(), collector_paused():
            connection = session.connection()
            advisory_lock(connection)
            if self._meta(session, "keys_version") == KEYS_VERSION:
                return
            sql = f"SELECT {', '.join(TERM_COLUMNS)} FROM terms"
            rows = db_read(connection, sql, ())
            if rows:
                log.warning("rebuilding the search index of %s for this version (%d terms)", self, len(rows))
                session.execute(delete(SearchKey))
                writer = BulkInserter(connection, SearchKey.__table__)
                for chunk in chunks(rows, 20000):
                    writer.write(key_rows([term_from_values(dict(zip(TERM_COLUMNS, row))) for row in chunk]))
                self._set_meta(session, "revision", str(int(self._meta(session, "revision") or 0) + 1))
            self._set_meta(session, "keys_version", KEYS_VERSION)

    def _meta(self, session: Session, key: str) -> str | None:
        return session.scalar(select(Meta.value).where(Meta.key == key))

    def _set_meta(self, session: Session, key: str, value: str) -> None:
        if session.get(Meta, key) is None:
            session.add(Meta(key=key, value=value))
        else:
            session.execute(update(Meta).where(Meta.key == key).values(value=value))

    @property
    def revision(self) -> int:
        """Increases with every write; caches built from the store are keyed on it."""
        with self.engine.connect() as connection:
            return self._revision(connection)

    def _revision(self, connection: Any) -> int:
        # read through the driver: this runs on every lookup and every cached() call
        rows = db_read(connection, "SELECT value FROM meta WHERE key = ?", ("revision",))
        return int(rows[0][0]) if rows else 0

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """A value built from the store once per revision (term lists, matchers)."""
        revision = self.revision
        with self._cache_lock:
            entry = self._cache.get(name)
            if entry is None or entry[0] != revision:
                entry = (revision, build())
                self._cache[name] = entry
                # A big glossary's records and automata are hundreds of thousands of long-lived
                # objects: left in the collected generations, every full collection walks them
                # (pauses of 0.1-0.8 s seen on the 117k-term store). Built from acyclic values,
                # they are freed by reference counting when replaced, so the cyclic collector
                # can leave them alone.
                gc.collect()
                gc.freeze()
            return entry[1]

    # --- reading --------------------------------------------------------------------------

    def get(self, term_id: str) -> Term:
        """The term with this id; raises TermNotFound."""
        found = self.get_many([term_id])
        if not found:
            raise TermNotFound(term_id)
        return found[0]

    def get_many(self, term_ids: Sequence[str]) -> list[Term]:
        """Terms by id, in the order given; unknown ids are left out."""
        with self.engine.connect() as connection:
            return [term for part in chunks(list(term_ids), 500) for term in self._fetch(connection, part)]

    def terms(self, domain: Domain | str | None = None) -> list[Term]:
        """Every term, sorted by id (cached per revision), optionally of one domain."""
        everything: list[Term] = self.cached("terms", self._load_terms)
        if domain is None:
            return list(everything)
        wanted = Domain(domain)
        return [t for t in everything if t.domain is wanted]

    def _load_terms(self) -> list[Term]:
        # through the driver: ORM loading of 100k+ rows takes many seconds
        sql = f"SELECT {', '.join(TERM_COLUMNS)} FROM terms ORDER BY id"
        with self.engine.connect() as connection, collector_paused():
            return [term_from_values(dict(zip(TERM_COLUMNS, row))) for row in db_read(connection, sql, ())]

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(TermRow)) or 0)

    def info(self) -> dict[str, Any]:
        """Where the store is and what it holds."""
        with Session(self.engine) as session:
            domains = dict(session.execute(select(TermRow.domain, func.count()).group_by(TermRow.domain)).all())
            seeded = self._meta(session, "seed_sha256")
        return {"url": safe_url(self.url), "terms": sum(domains.values()), "domains": domains,
                "revision": self.revision, "seeded_from_sha256": seeded}

    # --- search ---------------------------------------------------------------------------

    def lookup(self, query: str, limit: int = 20, domain: Domain | str | None = None) -> list[Term]:
        """Find terms by hanzi (either script), pinyin (any form) or English, best first.

        The kind is detected, or forced with ``c:``, ``p:`` or ``e:``. Ranking: exact before
        prefix before substring, preferred renderings before outdated ones. Each term's ``hit``
        says what matched, including a superseded or deprecated rendering.

        >>> import glossary
        >>> hit = glossary.open("sqlite://").lookup("community of common destiny")[0]
        >>> hit.id, hit.hit.status.value
        ('community-with-a-shared-future', 'superseded')
        """
        parsed = read_query(query)
        with self.engine.connect() as connection:
            best, revision = self._rank(connection, parsed, limit, domain)
            terms = self._fetch(connection, list(best), revision)
        return [t.with_hit(explain(t, parsed, *best[t.id])) for t in terms]

    def search(self, query: str, limit: int = 20, domain: Domain | str | None = None) -> list[TermSummary]:
        """``lookup``, with each result a ``TermSummary``: the headline fields a result list
        shows, read straight from the store's columns. Decoding and serialising whole records
        is most of a lookup's cost on a big store; the site and the API's search use this, and
        ``get`` gives a result's full record.

        >>> import glossary
        >>> [(s.id, s.preferred.text) for s in glossary.open("sqlite://").search("mingyun gongtongti")][:1]
        [('community-with-a-shared-future', 'community with a shared future')]
        """
        parsed = read_query(query)
        with self.engine.connect() as connection:
            best, revision = self._rank(connection, parsed, limit, domain)
            if not best:
                return []

            def load(missing: list[str]) -> dict[str, tuple[Any, ...]]:
                return {row[0]: row for row in _rows_by_id(connection, _SUMMARY_COLUMNS, missing)}

            rows = self._summary_rows.read(list(best), revision, load)
        return [summary_from_values(rows[term_id], parsed, *how) for term_id, how in best.items() if term_id in rows]

    def _rank(self, connection: Any, parsed: Query, limit: int,
              domain: Domain | str | None) -> tuple[dict[str, tuple[str, str, int]], int]:
        """The best ``limit`` term ids for a query, best first, each with the search field,
        kind of match and key rank that found it (see ``explain``); and the store revision
        (read in the same statement)."""
        limit = max(1, min(limit, 200))
        domain_value = Domain(domain).value if domain else None
        # id -> (sort key, field, kind, key rank)
        found: dict[str, tuple[int, str, str, int]] = {}
        stages = scan_plan(parsed)
        if not stages:
            return {}, -1
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

    def _scan(self, connection: Any, stages: Sequence[tuple[int, str, str]], domain: str | None,
              limit: int) -> tuple[list[tuple[int, str, str, int]], int]:
        """Range scans of the search index, one per stage (keys starting with the stage's key,
        in key order) as (stage index, term id, key, rank) rows, and the store revision: all in
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

    def _all_words(self, connection: Any, words: Sequence[str], domain: str | None,
                   limit: int) -> list[tuple[str, int, int]]:
        """Terms having every word (in any of their renderings), as (id, best status rank, length of
        the shortest rendering with the first word), closest fits first."""
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

    def did_you_mean(self, query: str, limit: int = 5) -> list[TermSummary]:
        """Terms whose pinyin, English or Chinese is a few typos away from the query (for a search
        that found nothing), nearest first; each result's ``hit`` has kind "similar".

        >>> import glossary
        >>> [s.simplified for s in glossary.open("sqlite://").did_you_mean("mingyun gongtongi")][:1]
        ['命运共同体']
        """
        from .suggest import Suggester

        suggester: Suggester = self.cached("suggester", lambda: Suggester(self._suggestion_keys()))
        parsed = read_query(query)
        nearest = suggester.suggest(parsed, limit)
        if not nearest:
            return []
        with self.engine.connect() as connection:
            rows = {row[0]: row for row in _rows_by_id(connection, _SUMMARY_COLUMNS, [s.term_id for s in nearest])}
        return [replace(summary_from_values(rows[s.term_id], parsed, "py", "similar"),
                        hit=Hit(s.field, "similar", s.key)) for s in nearest if s.term_id in rows]

    def _suggestion_keys(self) -> list[tuple[str, str, str]]:
        sql = "SELECT field, key, term_id FROM search_keys WHERE field IN ('py', 'en', 'hz')"
        with self.engine.connect() as connection:
            return [(row[0], row[1], row[2]) for row in db_read(connection, sql, ())]

    def _fetch(self, connection: Any, term_ids: Sequence[str], revision: int | None = None) -> list[Term]:
        """Terms by id in the order given (the lookup's fast path; get_many is the general one).

        Records are kept for the current revision (read here unless the caller has just read
        it), so a popular term is decoded once.
        """
        if not term_ids:
            return []
        if revision is None:
            revision = self._revision(connection)

        def load(missing: list[str]) -> dict[str, Term]:
            return {row[0]: term_from_values(dict(zip(TERM_COLUMNS, row)))
                    for row in _rows_by_id(connection, TERM_COLUMNS, missing)}

        records = self._records.read(term_ids, revision, load)
        return [records[i] for i in term_ids if i in records]

    def select(self, domain: Domain | str | None = None, status: Status | str | None = None) -> list[Term]:
        """Terms of a domain and/or having a rendering of a status (for filtered exports)."""
        chosen = self.terms(domain)
        if status is not None:
            wanted = Status(status)
            chosen = [t for t in chosen if any(r.status is wanted for r in t.renderings)]
        return chosen

    def export(self, format: str = "csv", domain: Domain | str | None = None,
               status: Status | str | None = None) -> bytes:
        """Write terms in a registered export format (see glossary.formats); NothingToExport
        when a filter matches no term.

        >>> import glossary
        >>> glossary.open("sqlite://").export("csv", domain="places")[:17]
        b'id,simplified,tra'
        """
        from .formats import export_format

        writer = export_format(format)
        chosen = self.select(domain, status)
        if not chosen and (domain or status):  # say so, rather than write an empty file
            raise NothingToExport(Domain(domain).value if domain else None, Status(status).value if status else None)
        return writer.write(chosen)

    # --- annotation (glossary.matcher, annotate, english, check) --------------------------

    def _matcher(self, domain: Domain | str | None = None) -> Matcher:
        from .matcher import Matcher

        # the terms are fetched first: cached() holds a non-reentrant lock while it builds
        everything: list[Term] = self.cached("terms", self._load_terms)
        wanted = Domain(domain) if domain else None
        matcher: Matcher = self.cached(f"matcher:{wanted.value if wanted else ''}", lambda: Matcher(
            [t for t in everything if wanted is None or t.domain is wanted]))
        return matcher

    def _english_matcher(self) -> Any:
        from .english import EnglishMatcher

        everything: list[Term] = self.cached("terms", self._load_terms)
        return self.cached("english-matcher", lambda: EnglishMatcher(everything))

    def find(self, text: str, across_newlines: bool = False) -> list[Match]:
        """Every term in a Chinese text (any script), leftmost-longest; offsets index ``text``.

        >>> import glossary
        >>> [(m.start, m.end, m.form.value) for m in glossary.open("sqlite://").find("构建命運共同體")]
        [(2, 7, 'traditional')]
        """
        return self._matcher().find(text, across_newlines)

    def annotate(self, text: str, format: str = "html", pinyin: str = "marks", first_only: bool = False,
                 domain: Domain | str | None = None, across_newlines: bool = False, link: str | None = None) -> str:
        """Mark the terms of a Chinese text as html, brackets, markdown or json (glossary.annotate);
        ``link`` is where a term's page is, with ``{id}`` (default ``/terms/{id}``).

        >>> import glossary
        >>> glossary.open("sqlite://").annotate("维护核心利益", format="brackets")
        '维护核心利益 (héxīn lìyì, “core interests”)'
        """
        from .annotate import TERM_LINK, annotate

        return annotate(text, self._matcher(domain), format, pinyin, first_only, across_newlines, link or TERM_LINK)

    def annotate_english(self, text: str, pinyin: str = "plain", first_only: bool = True, format: str = "text",
                         source: str | None = None, findings: Sequence[Any] | None = None) -> str:
        """Insert “(中文, pinyin)” after the first occurrence of each known English rendering and
        mark what the terminology check finds (with the Chinese ``source``, if given): outdated
        wording gets its replacement, not a gloss. ``format``: "text" or "html"; ``findings``: the
        check's, when the caller has them already.

        >>> import glossary
        >>> glossary.open("sqlite://").annotate_english("their “core interests”.")
        'their “core interests” (核心利益, hexin liyi).'
        >>> glossary.open("sqlite://").annotate_english("the One Belt, One Road")
        'the One Belt, One Road [→ the Belt and Road Initiative]'
        """
        from .english import annotate_english

        if findings is None:  # the caller may have run the check already
            findings = self.check(text, source)
        return annotate_english(text, self._english_matcher(), pinyin, first_only, findings, format)

    def check(self, text: str, source: str | None = None) -> list[Any]:
        """Terminology QA of an English text (outdated and ruled-out renderings; with the Chinese
        ``source``, its terms missing from the translation).

        >>> import glossary
        >>> [f.replacement for f in glossary.open("sqlite://").check("a community of common destiny")]
        ['community with a shared future']
        """
        from .check import check

        chinese = self._matcher() if source is not None else None
        return check(text, self._english_matcher(), self.cached("terms", self._load_terms), source, chinese)

    # --- writing --------------------------------------------------------------------------

    def import_terms(self, terms: Iterable[Term], on_conflict: Conflict | str = Conflict.REPORT,
                     dry_run: bool = False, prune: bool = False, progress: Progress | None = None) -> ImportReport:
        """Write terms in one transaction: all of them or, on any error, none.

        New ids are added; unchanged entries are left alone; an entry whose content differs is
        a conflict, handled as ``on_conflict`` says. ``prune`` removes stored entries that the
        import does not contain (used when the store mirrors terms.csv).
        """
        with collector_paused():  # 100k+ terms make millions of small objects, none cyclic
            return self._import(list(terms), on_conflict, dry_run, prune, progress)

    def _import(self, incoming: list[Term], on_conflict: Conflict | str, dry_run: bool, prune: bool,
                progress: Progress | None) -> ImportReport:
        mode = Conflict(on_conflict)
        self._check_valid(incoming)
        self._check_links(incoming, prune)
        now = datetime.now(timezone.utc)
        try:
            with Session(self.engine) as session, session.begin():
                advisory_lock(session.connection())
                stored = dict(session.execute(select(TermRow.id, TermRow.checksum)).all())
                dates = {row[0]: (aware(row[1]), aware(row[2])) for row in session.execute(
                    select(TermRow.id, TermRow.created_at, TermRow.updated_at))} if stored else {}
                sums = {term.id: checksum(term) for term in incoming}
                new, changed, unchanged = [], [], 0
                for term in incoming:
                    if term.id not in stored:
                        new.append(term)
                    elif stored[term.id] == sums[term.id]:
                        unchanged += 1
                    else:
                        changed.append(term)
                if changed and mode is Conflict.REPORT:
                    raise ImportConflict([t.id for t in changed])
                kept = changed if mode is Conflict.REPLACE else []
                removed = set(stored) - {t.id for t in incoming} if prune else set()
                report = ImportReport(len(new), len(kept), unchanged, len(changed) - len(kept), len(removed), dry_run)
                if dry_run:
                    session.rollback()
                    return report
                gone = removed | {t.id for t in kept}
                for chunk in chunks(sorted(gone), 500):
                    session.execute(delete(SearchKey).where(SearchKey.term_id.in_(chunk)))
                    session.execute(delete(TermRow).where(TermRow.id.in_(chunk)))
                # a changed entry was updated now, unless the file says so with a later date
                writes = [replace(t, created_at=dates[t.id][0], updated_at=t.updated_at if t.updated_at and
                                  t.updated_at.date() > dates[t.id][1].date() else now) for t in kept] + new
                connection = session.connection()
                terms_writer = BulkInserter(connection, TermRow.__table__)
                keys_writer = BulkInserter(connection, SearchKey.__table__)
                bulk = len(writes) > max(20000, len(stored))
                if bulk:  # a load bigger than the store: build the secondary index once, at the end
                    connection.exec_driver_sql("DROP INDEX ix_search_keys_term_id")
                done = 0
                for chunk in chunks(writes, 20000):
                    terms_writer.write([term_row(t, now, sums[t.id]) for t in chunk])
                    keys_writer.write(key_rows(chunk))
                    done += len(chunk)
                    if progress:
                        progress(done, len(writes))
                if bulk:
                    connection.exec_driver_sql("CREATE INDEX ix_search_keys_term_id ON search_keys (term_id)")
                if writes or removed:
                    self._set_meta(session, "revision", str(int(self._meta(session, "revision") or 0) + 1))
                return report
        except SQLAlchemyError as error:
            raise StoreError(f"the import failed and the store is unchanged: {str(error).splitlines()[0]}") from error

    @staticmethod
    def _check_valid(incoming: list[Term]) -> None:
        problems: list[Problem] = []
        seen: set[str] = set()
        for number, term in enumerate(incoming, start=1):
            problems += [Problem("import", number, field, f"{term.id}: {message}") for field, message in term.problems()]
            if term.id in seen:
                problems.append(Problem("import", number, "id", f"duplicate id {term.id!r}"))
            seen.add(term.id)
        if problems:
            raise InvalidInput(problems)

    def _check_links(self, incoming: list[Term], prune: bool) -> None:
        known = {t.id for t in incoming}
        if not prune:
            with Session(self.engine) as session:
                known |= set(session.scalars(select(TermRow.id)))
        problems = [Problem("import", 0, "related", f"{t.id}: related id {other!r} names no entry")
                    for t in incoming for other in t.related if other not in known]
        if problems:
            raise InvalidInput(problems)

    def seed_from(self, path: Path) -> ImportReport | None:
        """Mirror terms.csv into the store: when it is empty, or when terms.csv changed and the
        store has had no other writes since it was last seeded. Returns None when nothing to do."""
        if not path.exists():
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with Session(self.engine) as session:
            seeded = self._meta(session, "seed_sha256")
            seeded_revision = self._meta(session, "seed_revision")
        if seeded == digest:
            return None
        if seeded is None and self.count():
            return None  # a store filled by other means: leave it alone
        if seeded is not None and seeded_revision != str(self.revision):
            log.warning("%s changed, but the store has other writes since it was seeded; "
                        "run 'glossary import %s --on-conflict replace' to update it", path, path)
            return None
        report = self.import_terms(read_terms(path), on_conflict=Conflict.REPLACE, prune=True)
        with Session(self.engine) as session, session.begin():
            self._set_meta(session, "seed_sha256", digest)
            self._set_meta(session, "seed_revision", str(int(self._meta(session, "revision") or 0)))
        return report


