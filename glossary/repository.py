"""The store in the database: reading entries, writing them one by one or in batches with their
history, and the change log that tells every process what changed.

Every write — ``Glossary.put``, ``withdraw``, an import — goes through ``Repository.write``: in
one transaction it compares each entry's version with the one the writer read (a conflict when
they differ), changes the entry and only its search keys, and appends for each entry a revision
(the whole record before and after, author, time, comment, origin) and a change-log row. The
store revision counts these transactions; caches key on it and read the change log to learn
which entries moved.
"""

from __future__ import annotations

import enum
import json
import logging
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from .csvio import COLUMNS, term_to_row
from .engine import (BulkInserter, advisory_lock, chunks, consistent_read, create_engine_for, driver_sql,
                     is_database_error, safe_url, store_error, write_transaction)
from .engine import read as db_read
from .engine import stream
from .errors import InvalidInput, Problem, StoreError, VersionConflict
from .gcpause import collector_paused
from .parallel import made_beside
from .rows import TERM_COLUMNS, aware, checksum, key_rows, term_from_driver_row, term_row
from .schema import Change, Revision as RevisionRow, SearchKey, TermRow
from .search import KEYS_VERSION
from .timing import step
from .terms import Term
from .validate import LIMITS

__all__ = ["Repository", "Write", "Action", "Revision", "Progress"]

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
#: A change-log entry meaning "every entry may have changed" (a rebuilt index).
EVERYTHING = "*"
#: Past this many entries in one write, the search index's secondary index is built once at the
#: end on SQLite (a load bigger than the store), and caches start over rather than patch.
BULK = 20000


class Action(str, enum.Enum):
    """What a revision did to an entry."""

    #: The entry was added.
    CREATE = "create"
    #: The entry's content changed.
    UPDATE = "update"
    #: The entry was withdrawn from the glossary; its id stays taken, its history stays.
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Write:
    """One entry to write: its new content (None: withdraw it) and, for compare-and-swap, the
    version the writer read (None: whatever is stored; 0: it must not exist yet)."""

    term_id: str
    after: Term | None
    if_match: int | None = None
    #: Keep a later ``updated_at`` the entry carries (an import of a dated terms.csv row) instead
    #: of dating the change now.
    keep_date: bool = False


@dataclass(frozen=True)
class Revision:
    """One write to one entry, as history shows it."""

    revision: int
    term_id: str
    version: int
    action: Action
    before: Term | None
    after: Term | None
    author: str
    comment: str
    origin: str
    at: datetime


@dataclass
class _Stored:
    """What a write needs to know of an entry already in the store."""

    version: int
    checksum: str
    term: Term


@dataclass
class Outcome:
    """What one ``write`` did: the new store revision (None if nothing changed) and the entries
    written, by action."""

    revision: int | None = None
    written: dict[str, Term] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)


class Repository:
    """The database side of a store: one engine, the schema, reads and the one write path."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine_for(url)
            self._migrate()
            self._refresh_keys()
        except Exception as error:
            if not is_database_error(error):
                raise
            found = store_error(error, url)
            raise StoreError(f"cannot open the store: {found}", found.problem) from error

    # --- schema -----------------------------------------------------------------------------

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
        finds. Once per store, as one revision that changes everything."""
        if self.meta("keys_version") == KEYS_VERSION:
            return
        with write_transaction(self.engine) as connection, collector_paused():
            if self._meta(connection, "keys_version") == KEYS_VERSION:
                return
            rows = db_read(connection, f"SELECT {', '.join(TERM_COLUMNS)} FROM terms", ())
            if rows:
                log.warning("rebuilding the search index of %s for this version (%d terms)", safe_url(self.url),
                            len(rows))
                connection.exec_driver_sql("DELETE FROM search_keys")
                writer = BulkInserter(connection, SearchKey.__table__)
                for chunk in chunks(rows, BULK):
                    writer.write(key_rows([term_from_driver_row(row) for row in chunk]))
                revision = self._bump(connection)
                BulkInserter(connection, Change.__table__).write([(revision, EVERYTHING)])
            self._set_meta(connection, "keys_version", KEYS_VERSION)

    # --- meta ---------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        with self.engine.connect() as connection:
            return self._meta(connection, key)

    @staticmethod
    def _meta(connection: Any, key: str) -> str | None:
        rows = db_read(connection, "SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    @staticmethod
    def _set_meta(connection: Any, key: str, value: str) -> None:
        paramstyle = connection.dialect.paramstyle
        updated = connection.exec_driver_sql(driver_sql("UPDATE meta SET value = ? WHERE key = ?", paramstyle),
                                             (value, key))
        if not updated.rowcount:
            connection.exec_driver_sql(driver_sql("INSERT INTO meta (key, value) VALUES (?, ?)", paramstyle),
                                       (key, value))

    def _bump(self, connection: Any) -> int:
        revision = int(self._meta(connection, "revision") or 0) + 1
        self._set_meta(connection, "revision", str(revision))
        return revision

    def revision(self, connection: Any | None = None) -> int:
        """The store revision: it grows with every write transaction."""
        if connection is not None:
            return int(self._meta(connection, "revision") or 0)
        with self.engine.connect() as opened:
            return int(self._meta(opened, "revision") or 0)

    # --- reading --------------------------------------------------------------------------------

    def terms_by_id(self, connection: Any, term_ids: Sequence[str]) -> dict[str, Term]:
        """The stored entries with these ids (unknown ids left out)."""
        found: dict[str, Term] = {}
        for part in chunks(list(term_ids), 500):
            sql = f"SELECT {', '.join(TERM_COLUMNS)} FROM terms WHERE id IN ({', '.join('?' * len(part))})"
            for row in db_read(connection, sql, tuple(part)):
                term = term_from_driver_row(row)
                found[term.id] = term
        return found

    def all_terms(self) -> tuple[int, list[Term]]:
        """The store revision and every entry, sorted by id, read in one transaction."""
        sql = f"SELECT {', '.join(TERM_COLUMNS)} FROM terms ORDER BY id"
        with consistent_read(self.engine) as connection, collector_paused():  # the revision and rows agree
            revision = self.revision(connection)
            shared: dict[Any, Any] = {}  # one object for the values many entries repeat
            # row by row: all 117k rows at once left their freed texts (the JSON columns) as holes
            # among the entries kept, in a server's master before it forks (engine.stream)
            return revision, [term_from_driver_row(row, shared) for row in stream(connection, sql, ())]

    def changes_since(self, revision: int, connection: Any | None = None) -> tuple[int, set[str] | None]:
        """The current revision and the ids of the entries changed after ``revision`` (None:
        every entry may have changed, or too many to patch)."""
        def read(opened: Any) -> tuple[int, set[str] | None]:
            # the revision first, then the changes up to it: read in two statements, a commit
            # between them must not leave changes out of a revision said to include them
            now = self.revision(opened)
            rows = db_read(opened, "SELECT revision, term_id FROM changes WHERE revision > ? AND revision <= ? "
                                   "ORDER BY revision", (revision, now))
            ids = {row[1] for row in rows}
            return now, None if EVERYTHING in ids or len(ids) > BULK else ids

        if connection is not None:
            return read(connection)
        with consistent_read(self.engine) as opened:
            return read(opened)

    def history(self, term_id: str) -> list[Revision]:
        """Every revision of an entry, oldest first.

        A revision keeps the record as it was *before* (see ``_apply``); the record after it is
        the next revision's before, or, for the latest, the stored entry.
        """
        sql = ("SELECT revision, term_id, version, action, before, after, author, comment, origin, at "
               "FROM revisions WHERE term_id = ? ORDER BY id")
        with self.engine.connect() as connection:
            rows = db_read(connection, sql, (term_id,))
            current = self.terms_by_id(connection, [term_id]).get(term_id) if rows else None
        befores = [_from_json(row[4]) for row in rows]
        latest = _from_json(_to_json(current)) if current is not None else None  # as history records it
        revisions = []
        for index, row in enumerate(rows):
            action = Action(row[3])
            after = _from_json(row[5])  # stores written before 2026-12 kept it
            if after is None and action is not Action.WITHDRAW:
                after = befores[index + 1] if index + 1 < len(rows) else latest
            revisions.append(Revision(row[0], row[1], row[2], action, befores[index], after, row[6], row[7], row[8],
                                      aware(datetime.fromisoformat(row[9]) if isinstance(row[9], str) else row[9])))
        return revisions

    # --- writing ---------------------------------------------------------------------------------

    def write(self, writes: Sequence[Write], author: str = "", comment: str = "", origin: str = "",
              progress: Progress | None = None, meta: Mapping[str, str] | None = None,
              check: Callable[[Any, Mapping[str, Term]], None] | None = None) -> Outcome:
        """Write entries in one transaction: all of them or, on any error, none.

        Each write names the version it read (``if_match``): a different stored version is a
        ``VersionConflict`` and nothing is written. An entry whose content is unchanged is left
        alone. ``check(connection, stored)`` runs inside the transaction, under the write lock,
        with the stored entries the writes touch (the store-wide validation); ``meta`` values
        are set in the same transaction (what seeded the store).
        """
        if len(author) > LIMITS["author"]:  # a database error on PostgreSQL otherwise
            raise InvalidInput([Problem("author", 0, None, f"is {len(author):,} characters, over the limit of "
                                                          f"{LIMITS['author']}; give a shorter name")], done="written")
        if len(origin) > LIMITS["origin"]:  # a long path: its end says most
            origin = "…" + origin[-(LIMITS["origin"] - 1):]
        now = datetime.now(timezone.utc)
        outcome = Outcome()
        try:
            with write_transaction(self.engine) as connection, collector_paused():
                with step("read store"):
                    stored = self._stored(connection, [w.term_id for w in writes])
                for write in writes:
                    current = stored.get(write.term_id)
                    if write.if_match is not None and (current.version if current else 0) != write.if_match:
                        raise VersionConflict(write.term_id, write.if_match, current.version if current else None)
                if check is not None:
                    with step("check against store"):
                        check(connection, {i: s.term for i, s in stored.items()})
                with step("plan"):
                    plan = self._plan(writes, stored, now)
                if plan:
                    revision = self._apply(connection, plan, stored, now, author, comment, origin, progress)
                    outcome.revision = revision
                    for term_id, action, after in plan:
                        outcome.actions[term_id] = action
                        if after is not None:
                            outcome.written[term_id] = after
                for key, value in (meta or {}).items():
                    self._set_meta(connection, key, value)
        except Exception as error:  # the driver's own errors too: COPY and raw reads bypass SQLAlchemy
            if not is_database_error(error):
                raise
            raise store_error(error, self.url, "nothing was written, the store is unchanged") from error
        return outcome

    def _stored(self, connection: Any, term_ids: Sequence[str]) -> dict[str, _Stored]:
        """Version, checksum and record of the stored entries among ``term_ids`` (the whole
        table, read in one scan, when they are many)."""
        columns = ", ".join(TERM_COLUMNS)
        if len(term_ids) > BULK:
            rows = db_read(connection, f"SELECT {columns} FROM terms", ())
        else:
            rows = []
            for part in chunks(list(dict.fromkeys(term_ids)), 500):
                rows += db_read(connection, f"SELECT {columns} FROM terms WHERE id IN ({', '.join('?' * len(part))})",
                                tuple(part))
        version, digest = TERM_COLUMNS.index("version"), TERM_COLUMNS.index("checksum")
        return {row[0]: _Stored(int(row[version]), row[digest], term_from_driver_row(row)) for row in rows}

    @staticmethod
    def _plan(writes: Sequence[Write], stored: Mapping[str, _Stored],
              now: datetime) -> list[tuple[str, Action, Term | None]]:
        """(id, action, entry as it will be stored) for every write that changes something."""
        plan: list[tuple[str, Action, Term | None]] = []
        for write in writes:
            current = stored.get(write.term_id)
            if write.after is None:
                if current is not None:
                    plan.append((write.term_id, Action.WITHDRAW, None))
                continue
            if current is not None and current.checksum == checksum(write.after):
                continue  # nothing to write
            dated = write.keep_date and write.after.updated_at is not None and (
                current is None or current.term.updated_at is None
                or write.after.updated_at.date() > current.term.updated_at.date())
            after = write.after.with_version((current.version + 1) if current else 1,
                                             current.term.created_at if current else (write.after.created_at or now),
                                             write.after.updated_at if dated else now)
            plan.append((write.term_id, Action.UPDATE if current else Action.CREATE, after))
        return plan

    def _apply(self, connection: Any, plan: list[tuple[str, Action, Term | None]], stored: Mapping[str, _Stored],
               now: datetime, author: str, comment: str, origin: str, progress: Progress | None) -> int:
        """Change the rows, then append the revisions and the change log; return the revision."""
        withdrawn = [term_id for term_id, action, _ in plan if action is Action.WITHDRAW]
        written = [after for _, action, after in plan if after is not None]
        updated = [after for _, action, after in plan if action is Action.UPDATE and after is not None]
        if len(plan) == 1 and updated:
            self._update_one(connection, updated[0], stored[updated[0].id].version)
        else:  # a batch, under the write lock: the versions read above are the stored ones
            self._delete(connection, [t.id for t in updated] + withdrawn)
            self._insert(connection, written, progress)
        revision = self._bump(connection)
        with step("history"):
            self._log(connection, plan, stored, now, author, comment, origin, revision)
        return revision

    @staticmethod
    def _log(connection: Any, plan: list[tuple[str, Action, Term | None]], stored: Mapping[str, _Stored],
             now: datetime, author: str, comment: str, origin: str, revision: int) -> None:
        """Append the revisions and the change log of a write."""
        # Each revision keeps the record before it; the record after it is the next revision's
        # before, or the stored entry (see ``history``): an import of new entries writes no copies.
        BulkInserter(connection, RevisionRow.__table__, _REVISION_COLUMNS).write([
            (revision, term_id, after.version if after is not None else stored[term_id].version + 1, action.value,
             _to_json(stored[term_id].term if term_id in stored else None), None, author, comment, origin, now)
            for term_id, action, after in plan])
        BulkInserter(connection, Change.__table__).write([(revision, term_id) for term_id, _, _ in plan])

    @staticmethod
    def _insert(connection: Any, terms: Sequence[Term], progress: Progress | None) -> None:
        """Insert entries and their search keys, in chunks."""
        bulk = False
        if connection.dialect.name == "sqlite" and len(terms) > BULK:
            # a load bigger than the store: build the secondary index once, at the end (PostgreSQL
            # keeps it: dropping it would lock every other server's readers out until the commit)
            present = int(db_read(connection, "SELECT COUNT(*) FROM terms", ())[0][0])
            bulk = len(terms) > present
        if bulk:
            connection.exec_driver_sql("DROP INDEX ix_search_keys_term_id")
        terms_writer = BulkInserter(connection, TermRow.__table__)
        keys_writer = BulkInserter(connection, SearchKey.__table__)

        clustered = connection.dialect.name == "sqlite"

        def make(part: Sequence[Term]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            """A chunk's rows as the driver takes them (JSON encoded, dates converted)."""
            rows, keys = _rows(part)
            if clustered:
                # SQLite keeps search_keys in its primary key's order (WITHOUT ROWID), so the
                # order of insertion changes nothing stored; in key order, each row lands next to
                # the one before: a quarter less of the writer's time than in the terms' order
                keys.sort(key=_KEY)
            return terms_writer.prepare(rows), keys_writer.prepare(keys)

        done = 0
        parts = list(chunks(list(terms), 2500))  # small: the first waits, and the two share the last
        # the rows (10+ search keys a term, JSON and dates encoded: pure Python) are made on
        # another core where there is one
        made = made_beside(parts, make)
        try:
            for chunk in parts:
                with step("rows"):  # made here, or waited for and taken in
                    rows, keys = next(made)
                with step("insert terms"):
                    terms_writer.write(rows, prepared=True)
                with step("insert keys"):
                    keys_writer.write(keys, prepared=True)
                done += len(chunk)
                if progress:
                    progress(done, len(terms))
        finally:
            made.close()
        if bulk:
            with step("key index"):
                connection.exec_driver_sql("CREATE INDEX ix_search_keys_term_id ON search_keys (term_id)")

    @staticmethod
    def _update_one(connection: Any, term: Term, version: int) -> None:
        """Compare-and-swap of one entry: its row changes only if it still has ``version``; its
        search keys, and nothing else's, are rewritten."""
        paramstyle = connection.dialect.paramstyle
        row = BulkInserter(connection, TermRow.__table__).process(
            term_row(term, term.updated_at or datetime.now(timezone.utc), checksum(term), version + 1))
        names = [name for name in TERM_COLUMNS if name not in ("id", "created_at")]
        sql = f"UPDATE terms SET {', '.join(f'{name} = ?' for name in names)} WHERE id = ? AND version = ?"
        params = tuple(row[TERM_COLUMNS.index(name)] for name in names) + (term.id, version)
        if connection.exec_driver_sql(driver_sql(sql, paramstyle), params).rowcount != 1:
            raise VersionConflict(term.id, version, None)
        connection.exec_driver_sql(driver_sql("DELETE FROM search_keys WHERE term_id = ?", paramstyle), (term.id,))
        BulkInserter(connection, SearchKey.__table__).write(key_rows([term]))

    @staticmethod
    def _delete(connection: Any, term_ids: Sequence[str]) -> None:
        paramstyle = connection.dialect.paramstyle
        for part in chunks(list(term_ids), 500):
            marks = ", ".join("?" * len(part))
            connection.exec_driver_sql(driver_sql(f"DELETE FROM search_keys WHERE term_id IN ({marks})", paramstyle),
                                       tuple(part))
            connection.exec_driver_sql(driver_sql(f"DELETE FROM terms WHERE id IN ({marks})", paramstyle), tuple(part))

    def ids(self, connection: Any) -> set[str]:
        return {row[0] for row in db_read(connection, "SELECT id FROM terms", ())}

    def headword_owners(self, connection: Any, headwords: Iterable[str]) -> dict[str, str]:
        """Which stored entry has each of these simplified headwords."""
        owners: dict[str, str] = {}
        for part in chunks(list(dict.fromkeys(headwords)), 500):
            sql = f"SELECT simplified, id FROM terms WHERE simplified IN ({', '.join('?' * len(part))})"
            owners.update({row[0]: row[1] for row in db_read(connection, sql, tuple(part))})
        return owners

    def dispose(self) -> None:
        self.engine.dispose()


def _rows(terms: Sequence[Term]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The terms rows and the search_keys rows of entries being written."""
    return ([term_row(t, t.updated_at or datetime.now(timezone.utc), checksum(t), t.version or 1) for t in terms],
            key_rows(terms))


#: A search_keys row's key (field, key, rank, term_id): sorting by it alone is half the cost of
#: sorting by the whole row, and keeps as much of the order the index wants.
_KEY = operator.itemgetter(1)

_REVISION_COLUMNS = ("revision", "term_id", "version", "action", "before", "after", "author", "comment", "origin", "at")


def _to_json(term: Term | None) -> str | None:
    """An entry's record as history keeps it: its terms.csv cells, as a JSON object."""
    if term is None:
        return None
    return json.dumps(dict(zip(COLUMNS, term_to_row(term))), ensure_ascii=False, separators=(",", ":"))


def _from_json(text: str | None) -> Term | None:
    if text is None:
        return None
    from .csvio import _Row, row_to_term

    problems: list[Any] = []
    term = row_to_term(json.loads(text), _Row("history", 0, problems))
    return term
