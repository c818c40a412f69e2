"""Database plumbing: engines per backend, the advisory lock, bulk writes and raw reads.

SQLAlchemy builds the schema and runs the migrations; the two hot paths (bulk imports and
lookups) talk to the DB-API driver through the helpers here, because SQLAlchemy's per-row and
per-statement handling cost more than the database work itself.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.exc import OperationalError as WrappedOperationalError

from .errors import StoreError, StoreProblem

from .timing import step

__all__ = ["create_engine_for", "advisory_lock", "safe_url", "BulkInserter", "chunks", "read", "stream", "driver_sql",
           "write_transaction", "consistent_read", "is_database_error", "store_error", "CONNECT_TIMEOUT",
           "WRITE_WAIT", "LOCK_CLASS", "READ_CACHE", "WRITE_CACHE"]

#: Seconds a PostgreSQL connection attempt may take before it fails (unless the URL sets
#: ``connect_timeout``): a server that does not answer costs a request this long, not a hang.
CONNECT_TIMEOUT = 5

#: Seconds a write waits for the write before it (writers take turns) before it gives up with
#: StoreProblem.BUSY and writes nothing: long enough for a whole 117k-entry import (20 s end to end
#: on PostgreSQL, idle) to finish first, short enough that a stuck writer never holds the next one,
#: or the worker serving it, for ever. SQLite's busy timeout, PostgreSQL's lock_timeout.
WRITE_WAIT = 60

#: SQLite's page cache per connection (negative: KiB). Reads get a small one: the OS keeps the
#: store file's pages in its own cache, shared by every process, and each page a connection
#: caches is a private copy (a server worker that has read a 117k-entry store held 64 MiB of
#: them). The file is read with read() calls, not mapped (``PRAGMA mmap_size``): a mapped page a
#: worker has touched counts in its resident memory (140 MB of the store after a minute of
#: traffic). The price, on a quiet machine (``bench/lookup.py``, README): worst p99 unchanged,
#: search p50 of prefixes and English words 5-10% slower than mapped (32 MiB: 0-5%, and 25 MB
#: more per worker). A write transaction gets a big one for its duration (an import writes
#: 1.4M keys into the indexes).
READ_CACHE = -8192
WRITE_CACHE = -65536

#: The first key of the PostgreSQL advisory lock writers take; the second is a hash of the
#: store's schema, so stores in different schemas of one database (a staging store beside
#: production, parallel test runs) never wait for each other.
LOCK_CLASS = 7351902


def read(connection: Any, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """Run a read on the DB-API cursor of a SQLAlchemy connection.

    SQL is written with ``?`` placeholders and turned into the driver's parameter style.
    """
    dbapi_connection = connection.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(driver_sql(sql, connection.dialect.paramstyle), params)
        return list(cursor.fetchall())
    except Exception as error:
        _failed(connection, cursor, error)
        raise
    finally:
        _close(cursor)


def stream(connection: Any, sql: str, params: tuple[Any, ...], size: int = 2000) -> Iterator[Any]:
    """``read``, row by row: for reads of hundreds of thousands of rows kept in another form,
    so that the rows are never all in memory at once (the memory they took stays the
    process's, scattered among what is kept)."""
    dbapi_connection = connection.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(driver_sql(sql, connection.dialect.paramstyle), params)
        while rows := cursor.fetchmany(size):
            yield from rows
    except Exception as error:
        _failed(connection, cursor, error)
        raise
    finally:
        _close(cursor)


def _failed(connection: Any, cursor: Any, error: Exception) -> None:
    # SQLAlchemy never sees the driver's errors here: a lost connection must not go back to
    # the pool as if it were alive (the next checkout's pre-ping would catch it, one round later).
    if connection.dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor):
        connection.invalidate(error)


def _close(cursor: Any) -> None:
    try:
        cursor.close()
    except Exception:  # noqa: BLE001 - a cursor of a dead connection may refuse to close
        pass


@contextmanager
def consistent_read(engine: Engine) -> Iterator[Any]:
    """A connection whose reads all see one state of the store, even while a writer commits.

    PostgreSQL's default (READ COMMITTED) gives each statement its own snapshot, and SQLite's
    driver runs each SELECT outside a transaction: reading the revision and then the rows it
    names could mix two states. A REPEATABLE READ transaction (PostgreSQL) or an explicit
    deferred transaction (SQLite, WAL) reads them all from the first statement's snapshot.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            finally:
                connection.exec_driver_sql("ROLLBACK")
        else:
            with connection.begin():
                connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield connection


def is_database_error(error: BaseException) -> bool:
    """Whether an exception came from the database (through SQLAlchemy or straight from the driver)."""
    if isinstance(error, (SQLAlchemyError, sqlite3.Error)):
        return True
    psycopg = sys.modules.get("psycopg")  # imported only by PostgreSQL stores
    return psycopg is not None and isinstance(error, psycopg.Error)


_READ_ONLY = ("readonly database", "read-only file system", "unable to open database file", "permission denied",
              "readonly_", "attempt to write a readonly")
_FULL = ("database or disk is full", "no space left on device", "file too large", "disk full")


def store_error(error: BaseException, url: str, done: str = "nothing was changed") -> StoreError:
    """The StoreError a database error means for the user: what happened, and what to do next.

    ``done`` says what became of the operation ("nothing was written"); the store is left as
    it was in every case (each write is one transaction).

    >>> import sqlite3
    >>> str(store_error(sqlite3.OperationalError("database or disk is full"), "sqlite:///g.sqlite3"))[:62]
    'the disk holding the store sqlite:///g.sqlite3 is full (databa'
    """
    original = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    detail = (str(original).strip().splitlines() or [original.__class__.__name__])[0]
    lowered = detail.lower()
    where = safe_url(url)
    if url.startswith("sqlite") and any(marker in lowered for marker in _FULL):
        return StoreError(f"the disk holding the store {where} is full ({detail}); {done}. Free some space (or move "
                          "the store and set GLOSSARY_DATABASE_URL), then try again", StoreProblem.FULL)
    if "database is locked" in lowered or "lock timeout" in lowered or getattr(original, "sqlstate", None) == "55P03":
        return StoreError(f"another write has held the store {where} for more than {WRITE_WAIT} s (an import?); "
                          f"{done}. Try again when it has finished", StoreProblem.BUSY)
    if url.startswith("sqlite") and "disk i/o error" in lowered:  # also a write past the file size limit
        return StoreError(f"the store {where} could not be written to disk ({detail}): the disk may be full or "
                          f"failing, or the file past the size this process may write; {done}. Free some space or "
                          "check the disk, then try again", StoreProblem.FULL)
    if url.startswith("sqlite") and any(marker in lowered for marker in _READ_ONLY):
        return StoreError(f"the store {where} cannot be opened or written ({detail}); {done}. Give this process write access "
                          "to the file and to its folder (SQLite keeps its -wal and -shm files beside it), or copy "
                          "the store somewhere writable and set GLOSSARY_DATABASE_URL", StoreProblem.READ_ONLY)
    psycopg = sys.modules.get("psycopg")
    lost = isinstance(error, (WrappedOperationalError, DisconnectionError)) or (
        isinstance(error, DBAPIError) and error.connection_invalidated) or (
        psycopg is not None and isinstance(original, (psycopg.OperationalError, psycopg.InterfaceError)))
    if lost and not url.startswith("sqlite"):
        return StoreError(f"the database {where} does not answer ({detail}); {done}. Try again in a moment; if this "
                          "lasts, check that the server is running and reachable, and GLOSSARY_DATABASE_URL",
                          StoreProblem.UNAVAILABLE)
    return StoreError(f"the store {where} failed ({original.__class__.__name__}: {detail}); {done}. Try again; if "
                      "this lasts, run 'glossary info' to check the store", StoreProblem.FAILED)


@lru_cache(maxsize=1024)
def driver_sql(sql: str, paramstyle: str) -> str:
    """SQL written with ``?`` placeholders in the driver's style: for ``format`` (psycopg), each
    ``?`` outside a quoted literal becomes ``%s`` and a literal ``%`` is doubled; quoted text
    (``'?'``, ``'%x%'``) is left as written.

    >>> driver_sql("SELECT '?', x FROM t WHERE a = ? AND b LIKE 'a%'", "format")
    "SELECT '?', x FROM t WHERE a = %s AND b LIKE 'a%'"
    """
    if paramstyle == "qmark":
        return sql
    parts = _QUOTED.split(sql)  # odd items are quoted literals
    return "".join(part if index % 2 else part.replace("%", "%%").replace("?", "%s")
                   for index, part in enumerate(parts))


_QUOTED = re.compile(r"('(?:[^']|'')*')")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Any]:
    """A transaction for a write: writers take turns, readers never wait.

    SQLite: ``BEGIN IMMEDIATE`` takes the write lock at once, so a writer that has to wait does
    so before reading what it will change (a deferred transaction would read, then fail with
    "database is locked" when it tries to write). PostgreSQL: an advisory lock held to the end
    of the transaction serialises imports, single writes and schema changes between servers.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA cache_size={WRITE_CACHE}")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    connection.exec_driver_sql("ROLLBACK")
                    raise
                with step("commit"):
                    connection.exec_driver_sql("COMMIT")
            finally:
                with suppress(SQLAlchemyError):  # a connection that cannot take it is broken: the error says why
                    connection.exec_driver_sql(f"PRAGMA cache_size={READ_CACHE}")
        else:
            transaction = connection.begin()
            try:
                advisory_lock(connection)
                yield connection
            except BaseException:
                transaction.rollback()
                raise
            with step("commit"):
                transaction.commit()


#: From this many rows, a PostgreSQL insert streams them with COPY.
COPY_FROM = 100


class BulkInserter:
    """Bulk INSERT through the driver's executemany, values converted by the column types.

    SQLAlchemy's per-row parameter handling dominates big imports (120k terms, 1.4M keys);
    this keeps the types' own conversions (JSON, dates, booleans) and skips the rest.
    """

    def __init__(self, connection: Any, table: Any, columns: Sequence[str] | None = None) -> None:
        dialect = connection.dialect
        self.connection = connection
        chosen = [c for c in table.columns if columns is None or c.name in columns]
        self.columns = [c.name for c in chosen]
        self.processors = [(i, p) for i, c in enumerate(chosen)
                           if (p := c.type._cached_bind_processor(dialect)) is not None]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(dialect.identifier_preparer.quote(name) for name in self.columns)
        self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(self.columns))})"
        self.copy_sql = f"COPY {table.name} ({names}) FROM STDIN" if dialect.driver == "psycopg" else None

    def process(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """One row's values as the driver takes them (JSON encoded, dates converted)."""
        values = list(row)
        for index, process in self.processors:
            values[index] = process(values[index])
        return tuple(values)

    def prepare(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Rows as the driver takes them (the column types' conversions: JSON encoded, dates
        converted): pure Python, so a forked process can do it for ``write(…, prepared=True)``."""
        if not self.processors or not rows:
            return rows
        columns = list(zip(*rows))
        for index, process in self.processors:
            columns[index] = tuple(map(_Memo(process), columns[index]))
        return list(zip(*columns))

    def write(self, rows: list[tuple[Any, ...]], prepared: bool = False) -> None:
        """Insert rows given as tuples in the order of ``columns`` (the table's, by default);
        ``prepared``: converted by ``prepare`` already.

        On PostgreSQL many rows go through ``COPY … FROM STDIN`` (psycopg's copy protocol): one
        stream instead of a statement per row, several times faster on a 1.5M-key import.
        """
        if not rows:
            return
        if not prepared:
            rows = self.prepare(rows)
        if self.copy_sql is not None and len(rows) >= COPY_FROM:
            with self.connection.connection.driver_connection.cursor() as cursor:
                with cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        self.connection.exec_driver_sql(self.sql, rows)


class _Memo(dict[Any, Any]):
    """A column type's bind processor, run once per distinct value: an import repeats the same
    timestamp on every row and the same empty list or citation on most."""

    def __init__(self, process: Any) -> None:
        super().__init__()
        self.process = process

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):  # JSON columns: lists of strings are keyed by their items
            if not all(isinstance(item, str) for item in value):
                return self.process(value)
            key: Any = (list, *value)
        else:
            key = (type(value), value)
        try:
            return self[key]
        except KeyError:
            result = self[key] = self.process(value)
            return result


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def create_engine_for(url: str) -> Engine:
    """An engine for a store URL. SQLite: the file's folder is created, WAL journal (readers do
    not wait for the writer), foreign keys on, one shared connection for in-memory stores."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"cannot create the folder of the store {url} ({error.strerror}); create it, or "
                                 "choose a writable place with GLOSSARY_DATABASE_URL",
                                 StoreProblem.READ_ONLY) from error
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": WRITE_WAIT})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA cache_size={READ_CACHE}")
            if path and path != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    from sqlalchemy.engine import make_url

    # pre-ping: a pooled connection the server (or the network) dropped is replaced on checkout,
    # so the first requests after an outage do not fail on stale connections.
    connect_args = {} if "connect_timeout" in make_url(url).query else {"connect_timeout": CONNECT_TIMEOUT}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def advisory_lock(connection: Any) -> None:
    """Serialise schema changes and writes between app servers sharing a PostgreSQL store, for
    the rest of the transaction; wait at most WRITE_WAIT seconds for the lock."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITE_WAIT}s'")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, hashtext(coalesce(current_schema(), '')))")
        connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")


def safe_url(url: str) -> str:
    """The URL with any password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL we cannot parse is shown as given
        return url
