"""Faults, with real processes: importers and writers killed with SIGKILL, PostgreSQL lost under
load (through a TCP proxy the test controls: the shared server is never stopped), a SQLite
store on a read-only or full disk, and two app servers reading one store during an import.

The long version (kills across a 117k-entry import) is bench/faults.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import glossary
from glossary import StoreError, Term
from glossary.errors import StoreProblem
from glossary.rows import key_rows

from conftest import ROOT, served
from faultkit import (PUT_LOOP, TcpProxy, batch, cedict_terms, differences, dump, fed_through_a_pipe, glossary_command,
                      run_and_kill,
                      through, web_terms, write_csv)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cedict() -> list[Term]:
    """2,300 CC-CEDICT entries: a base of 300, then 2,000 to import."""
    return cedict_terms(2300)


@pytest.fixture(scope="module")
def cedict_big() -> list[Term]:
    """10,300 CC-CEDICT entries: a base of 300, then 10,000 to import, so that the import's
    reading and its write transaction each last long enough to be killed inside."""
    return cedict_terms(10_300)


def _base_store(url: str, cedict: list[Term]) -> None:
    store = glossary.open(url, seed=False)
    store.import_terms(cedict[:300])
    store.dispose()


# --- 1. kill -9 ---------------------------------------------------------------------------------

def test_an_import_killed_at_any_moment_leaves_the_store_as_it_was(store_url: str, cedict_big: list[Term],
                                                                     tmp_path: Path) -> None:
    _base_store(store_url, cedict_big)
    changed = [replace(t, definition=f"Changed by the import: {t.definition}") for t in cedict_big[:100]]
    data = write_csv(cedict_big[300:] + changed, tmp_path / "written.csv").read_bytes()
    csv = tmp_path / "import.csv"  # a named pipe: the test knows when the import is reading it
    command = glossary_command(store_url, "import", str(csv), "--on-conflict", "replace")
    before = dump(store_url)
    # while it reads (half the file given); as its transaction begins; then inside it
    moments = [(0.0, False), (0.0, True), (0.1, True), (0.25, True)]
    runs = []
    for delay, once_writing in moments:
        with fed_through_a_pipe(csv, data, hold_half=not once_writing):
            run = run_and_kill(command, delay, opened=csv, url=store_url, once_writing=once_writing)
        runs.append(run)
        if not run.killed:  # it finished first: from here on the import is in
            assert run.output == "" or "added" in run.output, run.output  # no traceback: it ended normally
            break
        assert not differences(before, dump(store_url)), (run, differences(before, dump(store_url)))
    killed = [r for r in runs if r.killed]
    assert len(killed) >= 3 and sum(r.writing for r in killed) >= 2, runs
    if all(r.killed for r in runs):  # the next import works and brings everything in
        with fed_through_a_pipe(csv, data, hold_half=False):
            finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert finished.returncode == 0, finished.stderr
    store = glossary.Glossary(store_url)
    assert store.count() == 10_300
    assert store.get(cedict_big[0].id).definition.startswith("Changed by the import")
    assert store.lookup(cedict_big[9000].simplified)[0].id == cedict_big[9000].id
    store.dispose()
    _integrity(store_url)


def test_a_single_write_killed_at_any_moment_is_all_there_or_not_at_all(store_url: str, cedict: list[Term]) -> None:
    _base_store(store_url, cedict)
    term_id = cedict[5].id
    before = dump(store_url)
    command = [sys.executable, "-c", PUT_LOOP, store_url, term_id]
    writes_seen = []
    for delay in (0.25, 0.6):
        run = run_and_kill(command, delay, after="writing", url=store_url)
        assert run.killed, run.output
        writes_seen.append(_last_write_is_whole(store_url, before, term_id))
        _integrity(store_url)
    assert writes_seen == sorted(writes_seen) and writes_seen[-1] > 0, writes_seen
    store = glossary.Glossary(store_url)  # and the next write works
    term = store.get(term_id)
    assert store.put(replace(term, definition="After the kills."), if_match=term.version).version == term.version + 1
    store.dispose()


def _last_write_is_whole(url: str, before: dict[str, list[tuple[str, ...]]], term_id: str) -> int:
    """The store holds the entry as its last completed write left it, and everything else as it
    was: the revision, the version, the history, the change log and the search keys agree."""
    after = dump(url)
    store = glossary.Glossary(url)
    term = store.get(term_id)
    store.dispose()
    written = int(re.fullmatch(r"Write (\d+)\.", term.definition).group(1)) if term.definition.startswith(
        "Write") else 0
    assert term.renderings[0].text.endswith(f"#{written}") or written == 0
    mine = {"terms": 0, "search_keys": 3, "revisions": 2, "changes": 1}  # the column holding the id
    for table, rows in before.items():
        if table in mine:
            others = lambda found: sorted(r for r in found if r[mine[table]] != term_id)  # noqa: E731
            assert others(after[table]) == others(rows), table
    revision = int(dict((r[0], r[1]) for r in after["meta"])["revision"])
    start = int(dict((r[0], r[1]) for r in before["meta"])["revision"])
    history = [r for r in after["revisions"] if r[2] == term_id]
    changes = [r for r in after["changes"] if r[1] == term_id]
    assert term.version - 1 == len(history) - 1 == len(changes) - 1, (term.version, len(history), len(changes))
    assert revision - start == term.version - 1  # every write one revision, none lost, none half there
    stored_keys = sorted(r for r in after["search_keys"] if r[3] == term_id)
    assert stored_keys == sorted(tuple(str(v) for v in row) for row in key_rows([term]))
    return written


def _integrity(url: str) -> None:
    if url.startswith("sqlite"):
        engine = create_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        engine.dispose()


# --- 2. PostgreSQL lost under load -------------------------------------------------------------

class _Load:
    """Clients that ask both surfaces (JSON API, HTML pages) for a stored entry, over and over,
    recording (time, path, status, seconds taken, body)."""

    def __init__(self, base: str, paths: list[str], clients: int = 4) -> None:
        self.base, self.paths = base, paths
        self.results: list[tuple[float, str, int, float, bytes]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(clients)]

    def __enter__(self) -> _Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _run(self, n: int) -> None:
        while not self._stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            start = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + path, timeout=20) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
            except OSError as error:  # a reset or a timeout: the test fails on it
                status, body = 0, str(error).encode()
            self.results.append((start, path, status, time.monotonic() - start, body))
            time.sleep(0.01)

    def between(self, start: float, end: float) -> list[tuple[float, str, int, float, bytes]]:
        return [r for r in list(self.results) if start <= r[0] < end]


@pytest.mark.postgres
def test_postgresql_lost_under_load_gives_503_and_recovers_by_itself(tmp_path: Path) -> None:
    from conftest import POSTGRES_URL, drop_postgres_schema, postgres_available, reset_postgres, skip_or_fail
    if not postgres_available():
        skip_or_fail(f"PostgreSQL does not answer at {POSTGRES_URL}")
    direct = reset_postgres()
    store = glossary.open(direct, seed=False)
    store.import_terms(web_terms())
    store.dispose()
    target = make_url(direct)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    proxy.start()
    paths = ["/api/v1/terms/core-interests", "/terms/core-interests", "/api/v1/export.csv",
             "/api/v1/search?q=hexin&domain=sovereignty"]  # a domain: no CC-CEDICT fallback
    try:
        with served(through(direct, proxy.port), tmp_path / "serve.log", workers=2, threads=4) as url:
            # a blip while nobody asks: every pooled connection dies unnoticed, and the first
            # requests after it must not fail on them (pre-ping replaces them)
            _ask_all(url, paths, 24)
            proxy.stop()
            proxy.start()
            blip = _ask_all(url, paths, 24)
            assert all(status == 200 for _path, status in blip), blip
            with _Load(url, paths) as load:
                lost, stalled, back, end = _outage(proxy)
    finally:
        proxy.close()
        drop_postgres_schema()
    _check_outage(load, paths, lost, stalled, back, end)


def _ask_all(base: str, paths: list[str], times: int) -> list[tuple[str, int]]:
    """Each path ``times`` times, 4 at once (so every worker thread takes a pooled connection)."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(path: str) -> tuple[str, int]:
        try:
            with urllib.request.urlopen(base + path, timeout=20) as response:
                return path, response.status
        except urllib.error.HTTPError as error:
            return path, error.code

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(ask, paths * times))


def _outage(proxy: TcpProxy) -> tuple[float, float, float, float]:
    """Healthy (1 s), the database refusing (2.5 s), then swallowing connections (6 s), then
    back (3 s); returns when it went, stalled, came back, and the end."""
    time.sleep(1.0)
    lost = time.monotonic()
    proxy.stop()  # every connection closed, new ones refused
    time.sleep(2.5)
    stalled = time.monotonic()
    proxy.stall()  # connections accepted and never answered
    time.sleep(6.0)
    back = time.monotonic()
    proxy.start()
    time.sleep(3.0)
    return lost, stalled, back, time.monotonic()


def _check_outage(load: _Load, paths: list[str], lost: float, stalled: float, back: float, end: float) -> None:
    healthy = load.between(0, lost - 0.2)  # not the requests in flight when it went
    assert healthy and all(r[2] == 200 for r in healthy), [(r[1], r[2], r[4][:200]) for r in healthy if r[2] != 200]
    away = load.between(lost + 0.2, back)
    assert {r[1] for r in away if r[2] == 503} >= set(paths[:3]), "every uncached surface answers 503"
    for at, path, status, took, body in away:
        assert status in (200, 503), (path, status, body[:300])  # 200: a search answered from the cache
        assert took < 5 + 2, (path, took)  # the connect timeout, not a hang
        if status == 503 and path.startswith("/api/"):
            error = json.loads(body)["error"]
            assert error["status"] == 503 and error["type"] == "service_unavailable"
            assert "does not answer" in error["message"] and "try again" in error["message"].lower()
        elif status == 503:
            assert b"does not answer" in body and b"<html" in body.lower()
    stall = load.between(stalled, back)
    assert any(r[3] > 3 for r in stall), [(round(r[0] - stalled, 2), r[1], r[2], round(r[3], 2)) for r in stall]
    after = load.between(back, end)
    first_ok = {path: min((r[0] for r in after if r[1] == path and r[2] == 200), default=None) for path in paths}
    assert all(first_ok.values()), first_ok
    recovered = max(t for t in first_ok.values() if t is not None) - back
    assert recovered < 3.0, recovered
    settled = [r for r in after if r[0] >= back + recovered + 0.1]
    assert settled and all(r[2] == 200 for r in settled), [(r[1], r[2], r[4][:200]) for r in settled if r[2] != 200]
    print(f"PostgreSQL lost: {len(away)} answers while away ({sum(r[2] == 503 for r in away)} x 503), "
          f"longest {max(r[3] for r in away):.1f} s; every surface answered again {recovered:.2f} s after the return")


# --- 3. SQLite on a read-only or full disk -------------------------------------------------------

@contextmanager
def _small_disk(tmp_path: Path, size: str) -> Iterator[Path | None]:
    """A tmpfs of ``size`` (root only); None where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_store_on_a_read_only_disk_says_so_and_the_site_does_not_start(tmp_path: Path) -> None:
    with _small_disk(tmp_path, "64m") as disk:
        folder = disk or tmp_path / "ro"
        folder.mkdir(exist_ok=True)
        url = f"sqlite:///{folder / 'glossary.sqlite3'}"
        glossary.open(url).dispose()
        before = dump(url)
        if disk is not None:
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        else:  # not root: permissions do it
            for path in folder.iterdir():
                path.chmod(0o444)
            folder.chmod(0o555)
        try:
            for args in (["import", str(ROOT / "terms.csv")], ["info"], ["serve", "--port", "0"]):
                done = subprocess.run(glossary_command(url, *args), cwd=ROOT, capture_output=True, text=True,
                                      timeout=60)
                assert done.returncode == 2, (args, done.stderr)
                assert "cannot be opened or written" in done.stderr and "write access" in done.stderr, done.stderr
                assert "Traceback" not in done.stderr
            with pytest.raises(StoreError) as raised:
                glossary.open(f"sqlite:///{folder / 'new' / 'glossary.sqlite3'}")
            assert raised.value.problem is StoreProblem.READ_ONLY and "GLOSSARY_DATABASE_URL" in str(raised.value)
        finally:
            if disk is not None:
                subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
            else:
                folder.chmod(0o755)
        assert dump(url) == before


#: Fills the disk (or the file size limit) with an import, then reports how it failed.
_FILL = """
import json, resource, signal, sys
sys.path.insert(0, sys.argv[3])
import glossary, faultkit
url, limit = sys.argv[1], int(sys.argv[2])
store = glossary.Glossary(url)
terms = faultkit.cedict_terms(2300)[300:]
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    store.import_terms(terms)
    print(json.dumps({"error": None}))
except glossary.StoreError as error:
    print(json.dumps({"error": str(error), "problem": error.problem.value}))
"""


def test_a_full_disk_fails_the_write_cleanly_and_nothing_is_half_written(tmp_path: Path, cedict: list[Term]) -> None:
    with _small_disk(tmp_path, "3m") as disk:
        folder = disk or tmp_path
        url = f"sqlite:///{folder / 'glossary.sqlite3'}"
        _base_store(url, cedict)
        engine = create_engine(url)
        with engine.connect() as connection:  # the WAL emptied, so the import must grow the files
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        before = dump(url)
        limit = 0 if disk is not None else 1 << 20  # without a small disk: a 1 MiB file size limit
        done = subprocess.run([sys.executable, "-c", _FILL, url, str(limit), str(Path(__file__).parent)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["problem"] == "full", report
        assert "nothing was written" in report["error"] and "Free some space" in report["error"], report
        assert not differences(before, dump(url))
        _integrity(url)
        if disk is not None:  # room again: the store takes writes
            subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        store = glossary.Glossary(url)
        assert store.import_terms(cedict[300:]).added == 2000
        store.dispose()


# --- 4. two app servers, one PostgreSQL store, an import ------------------------------------------

@pytest.mark.postgres
def test_two_servers_during_an_import_show_old_or_new_never_a_mix_and_new_within_a_second(
        tmp_path: Path, cedict: list[Term]) -> None:
    from conftest import POSTGRES_URL, drop_postgres_schema, postgres_available, reset_postgres, skip_or_fail

    if not postgres_available():
        skip_or_fail(f"PostgreSQL does not answer at {POSTGRES_URL}")
    url = reset_postgres()
    related = cedict[:40]
    store = glossary.open(url, seed=False)
    store.import_terms(batch(related, "(old)") + cedict[100:400])
    start_revision = store.revision
    store.dispose()
    # one transaction: the 40 related entries change together, with 1,500 more entries added
    csv = write_csv(batch(related, "(new)") + cedict[400:1900], tmp_path / "new.csv")
    answers: list[tuple[float, int, str, str]] = []  # (time, server, surface, old|new|mix)
    stop = threading.Event()

    def state(texts: list[str]) -> str:
        kinds = {"new" if "(new)" in t else "old" if "(old)" in t else "?" for t in texts}
        return kinds.pop() if len(kinds) == 1 and len(texts) == 40 else f"mix {sorted(kinds)} of {len(texts)}"

    def poll(server: int, base: str) -> None:
        while not stop.is_set():
            with urllib.request.urlopen(f"{base}/api/v1/search?q=faultbatch&limit=100&domain=idioms", timeout=10) as response:
                found = json.loads(response.read())["results"]
            answers.append((time.monotonic(), server, "search",
                            state([r["english"]["preferred"] for r in found if r["id"].startswith("faultbatch-")])))
            with urllib.request.urlopen(f"{base}/api/v1/export.csv?domain=idioms", timeout=10) as response:
                rows = response.read().decode("utf-8-sig").splitlines()[1:]
            answers.append((time.monotonic(), server, "export", state(rows)))

    commit: list[float] = []

    def watch() -> None:  # when the import's commit becomes visible
        engine = create_engine(url)
        with engine.connect() as connection:
            while not stop.is_set() and not commit:
                now = connection.execute(text("SELECT value FROM meta WHERE key = 'revision'")).scalar()
                connection.commit()
                if int(now or 0) > start_revision:
                    commit.append(time.monotonic())
                time.sleep(0.002)
        engine.dispose()

    try:
        with served(url, tmp_path / "one.log", workers=2, threads=2) as one, \
                served(url, tmp_path / "two.log", workers=2, threads=2) as two:
            pollers = [threading.Thread(target=poll, args=(n, base), daemon=True)
                       for n, base in enumerate((one, two, one, two))]
            watcher = threading.Thread(target=watch, daemon=True)
            for thread in pollers + [watcher]:
                thread.start()
            time.sleep(0.5)
            done = subprocess.run(glossary_command(url, "import", str(csv), "--on-conflict", "replace"), cwd=ROOT,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            time.sleep(2.0)
            stop.set()
            for thread in pollers + [watcher]:
                thread.join(15)
    finally:
        drop_postgres_schema()

    assert commit, "the import's commit was never seen"
    mixed = [a for a in answers if a[3] not in ("old", "new")]
    assert not mixed, mixed[:5]
    delays = {}
    for server in (0, 1):
        for surface in ("search", "export"):
            mine = [a for a in answers if a[1] == server and a[2] == surface]
            assert any(a[3] == "old" for a in mine) and any(a[3] == "new" for a in mine)
            first_new = min(a[0] for a in mine if a[3] == "new")
            last_old = max(a[0] for a in mine if a[3] == "old")
            assert first_new >= commit[0] - 0.05, "new content before the commit"
            delays[(server, surface)] = (first_new - commit[0], last_old - commit[0])
            assert last_old - commit[0] < 1.0, (server, surface, delays)
    print("after the commit, first new answer / last old answer (s):",
          {f"server {s + 1} {k}": f"{a:.3f} / {b:.3f}" for (s, k), (a, b) in delays.items()})
    assert len(answers) > 40
