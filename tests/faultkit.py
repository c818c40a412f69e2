"""What the fault tests (tests/test_faults.py) and bench/faults.py share: real processes killed
with SIGKILL, a full dump of a store to compare, and a TCP proxy that stands in for the network
between the app servers and PostgreSQL (stop it, and the database is gone; start it, and it is
back), so no test ever stops the shared server.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import contextmanager
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from glossary import Domain, Rendering, Status, Term
from glossary.config import CHECKOUT
from glossary.engine import LOCK_CLASS

BENCH = CHECKOUT / "bench"


def dump(url: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table of a store, as text, sorted: two dumps are equal when the stores are."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sorted(inspect(connection).get_table_names())
            return {table: sorted(tuple("" if v is None else str(v) for v in row)
                                  for row in connection.execute(text(f'SELECT * FROM "{table}"')))
                    for table in tables}
    finally:
        engine.dispose()


def differences(before: dict[str, list[tuple[str, ...]]], after: dict[str, list[tuple[str, ...]]]) -> list[str]:
    """Which tables differ, and by how many rows (for an assertion message)."""
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        if old != new:
            found.append(f"{table}: {len(new - old)} rows added, {len(old - new)} removed")
    return found


def cedict_terms(count: int, skip: set[str] | frozenset[str] = frozenset()) -> list[Term]:
    """``count`` CC-CEDICT entries as Terms (bench/cedict.py), leaving out the headwords in ``skip``."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from cedict import cedict_terms as read  # type: ignore[import-not-found]

    terms: list[Term] = [t for t in read(count + len(skip)) if t.simplified not in skip]
    return terms[:count]


def web_terms() -> list[Term]:
    """The 7 entries of tests/data/web-terms.csv."""
    from glossary.csvio import read_terms

    return read_terms(Path(__file__).parent / "data" / "web-terms.csv")


def write_csv(terms: list[Term], path: Path) -> Path:
    """terms as a terms.csv file that ``glossary import`` reads."""
    from glossary.formats import export_format

    path.write_bytes(export_format("csv").write(terms))
    return path


def batch(terms: list[Term], label: str, domain: Domain = Domain.IDIOMS) -> list[Term]:
    """Related entries that change together: each one's preferred English says ``label``, and all
    share the admitted rendering "faultbatch", so one search finds them all."""
    return [replace(t, id=f"faultbatch-{n:03d}", domain=domain, definition=f"{label}: {t.definition}",
                    renderings=(Rendering(f"{t.renderings[0].text} {label}", Status.PREFERRED),
                                Rendering("faultbatch", Status.ADMITTED)), sources=(), related=())
            for n, t in enumerate(terms, 1)]


#: A process that rewrites one entry through ``Glossary.put`` again and again, one transaction
#: each (its definition says "Write n.", its preferred English ends in "#n"), until killed.
PUT_LOOP = """
import dataclasses, sys, glossary
g = glossary.Glossary(sys.argv[1])
term = g.get(sys.argv[2])
english = term.renderings[0]
print("writing", file=sys.stderr, flush=True)
n = 0
while True:
    n += 1
    changed = dataclasses.replace(term, definition=f"Write {n}.",
                                  renderings=(dataclasses.replace(english, text=f"{english.text} #{n}"),)
                                  + term.renderings[1:])
    term = g.put(changed, if_match=term.version, author="faults", comment=f"write {n}")
"""


def glossary_command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "glossary", "--db", url, *args]


def writing(url: str) -> bool:
    """Whether some process is inside a write transaction on the store right now: SQLite's
    write lock is taken (``BEGIN IMMEDIATE`` cannot start), or PostgreSQL's write lock (the
    advisory lock every write to the store's schema holds) is granted to a session."""
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.split("///", 1)[1], timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            connection.close()
    engine = _watchers.get(url)
    if engine is None:  # one pooled connection per store: the check runs every few ms
        engine = _watchers[url] = create_engine(url, pool_size=1)
    with engine.connect() as connection:
        return bool(connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = :lock_class "
                "AND objsubid = 2 AND objid::bigint = (hashtext(coalesce(current_schema(), ''))::bigint + 4294967296) % 4294967296 "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            {"lock_class": LOCK_CLASS}).scalar())


_watchers: dict[str, Any] = {}


@dataclass
class Killed:
    """One run killed with SIGKILL: when, whether it was still running, and whether it was
    inside its write transaction then."""

    delay: float
    killed: bool
    writing: bool
    output: str


@contextmanager
def fed_through_a_pipe(path: Path, data: bytes, hold_half: bool) -> Iterator[None]:
    """``path`` as a named pipe that a thread writes ``data`` into: all of it, or with
    ``hold_half`` the first half only until the block ends (the reader then waits, mid-read,
    for as long as the test needs). A reader that was killed just breaks the pipe."""
    import threading

    path.unlink(missing_ok=True)
    os.mkfifo(path)
    release = threading.Event()

    def feed() -> None:
        try:
            with path.open("wb") as pipe:
                pipe.write(data[:len(data) // 2])
                pipe.flush()
                if hold_half:
                    release.wait(120)
                pipe.write(data[len(data) // 2:])
        except (BrokenPipeError, OSError):
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        yield
    finally:
        release.set()
        # The writer may still wait in open() (nobody opened the pipe) or in write() (the
        # reader left without reading it all). Read the pipe empty until the writer is done,
        # through a non-blocking open: a blocking one waits for a writer for ever when the thread
        # ends between a check that it is alive and the open (the hang of one CI run).
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            deadline = time.monotonic() + 30
            while feeder.is_alive() and time.monotonic() < deadline:
                try:
                    if os.read(reader, 1 << 16):
                        continue
                except BlockingIOError:
                    pass
                time.sleep(0.005)
        finally:
            os.close(reader)
        feeder.join(10)
        path.unlink(missing_ok=True)


def _has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds ``path`` open (Linux: its /proc/<pid>/fd links)."""
    try:
        return any(os.readlink(link) == str(path) for link in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def run_and_kill(command: list[str], delay: float, after: str | None = None, timeout: float = 120,
                 url: str | None = None, once_writing: bool = False, opened: Path | None = None) -> Killed:
    """Start ``command``; ``delay`` seconds after it printed ``after`` on stderr or opened the
    file ``opened`` (or after it started; with ``once_writing``, after its write transaction
    began), SIGKILL it. ``killed`` is False when it had finished by then; with ``url``,
    ``writing`` says whether it held the store's write lock just before the kill."""
    if url is not None:  # a session killed before may still hold the write lock until the server notices
        deadline = time.monotonic() + timeout
        while writing(url) and time.monotonic() < deadline:
            time.sleep(0.05)
    process = subprocess.Popen(command, cwd=CHECKOUT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    seen = b""
    if opened is not None:  # reading its input now
        deadline = time.monotonic() + timeout
        while not _has_open(process.pid, opened.resolve()) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
    if after is not None:
        deadline = time.monotonic() + timeout
        os.set_blocking(process.stderr.fileno(), False)
        while after.encode() not in seen and process.poll() is None and time.monotonic() < deadline:
            seen += process.stderr.read() or b""
            time.sleep(0.005)
    if once_writing and url is not None:
        deadline = time.monotonic() + timeout
        while process.poll() is None and not writing(url) and time.monotonic() < deadline:
            time.sleep(0.002)
    time.sleep(delay)
    in_write = url is not None and writing(url)
    running = process.poll() is None
    if running:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout)
    os.set_blocking(process.stderr.fileno(), True)
    seen += process.stderr.read() or b""
    process.stderr.close()
    return Killed(delay, running and process.returncode == -signal.SIGKILL, in_write and running,
                  seen.decode(errors="replace"))


def timed_run(command: list[str], after: str, timeout: float = 300) -> float:
    """Run ``command`` to its end; seconds from ``after`` appearing on its stderr to its exit."""
    process = subprocess.Popen(command, cwd=CHECKOUT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    os.set_blocking(process.stderr.fileno(), False)
    seen, start = b"", None
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise AssertionError(f"{' '.join(command)} did not finish within {timeout} s")
        seen += process.stderr.read() or b""
        if start is None and after.encode() in seen:
            start = time.monotonic()
        time.sleep(0.005)
    end = time.monotonic()
    seen += process.stderr.read() or b""
    if process.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({process.returncode}): {seen.decode(errors='replace')}")
    return end - (start if start is not None else end)


def through(url: str, port: int) -> str:
    """The same store URL, reached through 127.0.0.1:``port`` (the proxy)."""
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


class TcpProxy:
    """A TCP proxy to one address, run by asyncio in a thread of the test process.

    ``stop()`` closes every connection and the listening socket (new connections are refused,
    as from a host that went down); ``stall()`` accepts connections and forwards nothing (a
    network that swallows packets); ``start()`` forwards again, on the same port.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.mode = "forward"
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._thread.start()

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    def start(self) -> None:
        self._call(self._listen("forward"))

    def stall(self) -> None:
        self._call(self._listen("stall"))

    def stop(self) -> None:
        self._call(self._stop())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _listen(self, mode: str) -> None:
        self._drop_all()
        self.mode = mode
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._drop_all()

    def _drop_all(self) -> None:
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._open.add(writer)
        if self.mode == "stall":
            return  # held open, never answered, until the mode changes
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open.add(upstream_writer)
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()
            self._open.discard(writer)
