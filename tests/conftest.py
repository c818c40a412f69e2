"""Shared fixtures: stores on SQLite and on the real PostgreSQL server, the real terms.csv.

PostgreSQL tests use GLOSSARY_TEST_POSTGRES_URL (default: the local server's `test` database)
and skip with a reason when it does not answer, unless GLOSSARY_REQUIRE_ALL=1 (as in CI), when
a missing server or browser fails the run instead.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

import glossary
from glossary.config import CHECKOUT
from glossary.csvio import read_terms

ROOT = CHECKOUT
TERMS_CSV = ROOT / "terms.csv"
DATA = Path(__file__).parent / "data"


def _shared_folder() -> Path:
    """The project's shared material (the seed article, the official TBX schemas): beside the
    checkout, or beside the checkout this one was cloned from (``git clone . /tmp/fresh``), or
    where GLOSSARY_SHARED_DIR says."""
    if os.environ.get("GLOSSARY_SHARED_DIR"):
        return Path(os.environ["GLOSSARY_SHARED_DIR"])
    beside = ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    try:
        origin = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and "://" not in origin and ":" not in origin.split("/")[0]:  # a local path, not a URL
        cloned_from = Path(origin.removeprefix("file://"))
        if not cloned_from.is_absolute():
            cloned_from = (ROOT / cloned_from).resolve()
        if (cloned_from.parent / "shared").is_dir():
            return cloned_from.parent / "shared"
    return beside


SHARED = _shared_folder()
SEED_ARTICLE = SHARED / "seeds" / "000_d442af44f69a4659.txt"
POSTGRES_URL = os.environ.get("GLOSSARY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_ALL = os.environ.get("GLOSSARY_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with a reason locally; fail in CI, where nothing may be skipped."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (GLOSSARY_REQUIRE_ALL=1: CI must run every test)")
    pytest.skip(reason)


#: Each test process works in its own schema, so parallel runs on one server never collide.
SCHEMA = f"glossary_test_{os.getpid()}"


def reset_postgres(url: str = POSTGRES_URL) -> str:
    """Recreate this process's empty schema; return a store URL that works inside it."""
    _in_schema_transaction(url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE", f"CREATE SCHEMA {SCHEMA}")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{SCHEMA}"


def drop_postgres_schema(url: str = POSTGRES_URL) -> None:
    _in_schema_transaction(url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def _in_schema_transaction(url: str, *statements: str) -> None:
    """Run the statements in one transaction that waits at most 60 s for a lock; past that, fail
    naming the sessions that held it (a connection some test left inside a transaction on this
    schema would otherwise hang the whole run)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '60s'"))
            for statement in statements:
                connection.execute(text(statement))
    except OperationalError as error:
        with engine.connect() as connection:
            others = connection.execute(text(
                "SELECT pid, state, backend_start, left(query, 120) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()
        raise AssertionError(f"{statements[0]}: {error.orig}; other sessions: {others}") from error
    finally:
        engine.dispose()


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store URL, once per backend: a SQLite file, then the PostgreSQL test database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'glossary.sqlite3'}"
        return
    if not postgres_available():
        skip_or_fail(f"PostgreSQL does not answer at {POSTGRES_URL}")
    yield reset_postgres()
    drop_postgres_schema()


@pytest.fixture
def store(store_url: str) -> Iterator[glossary.Glossary]:
    """A store seeded from the real terms.csv, on each backend."""
    g = glossary.open(store_url)
    yield g
    g.engine.dispose()


@pytest.fixture
def empty_store(store_url: str) -> Iterator[glossary.Glossary]:
    """An empty store (not seeded), on each backend."""
    g = glossary.open(store_url, seed=False)
    yield g
    g.engine.dispose()


@pytest.fixture(scope="session")
def curated(tmp_path_factory: pytest.TempPathFactory) -> glossary.Glossary:
    """One read-only SQLite store seeded from terms.csv, shared by tests that only read."""
    path = tmp_path_factory.mktemp("curated") / "glossary.sqlite3"
    return glossary.open(f"sqlite:///{path}")


WEB_TERMS = DATA / "web-terms.csv"


@pytest.fixture(scope="module")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[glossary.Glossary]:
    """A read-only store holding tests/data/web-terms.csv (7 entries), shared by a module."""
    path: Path = tmp_path_factory.mktemp("web") / "glossary.sqlite3"
    store = glossary.open(f"sqlite:///{path}", seed=False)
    store.import_terms(read_terms(WEB_TERMS))
    yield store
    store.engine.dispose()


@pytest.fixture
def app(web_store: glossary.Glossary) -> Flask:
    """The web app over web_store, with a small text limit so limits are cheap to test."""
    from web import create_app

    return create_app({"GLOSSARY": web_store, "TESTING": True, "MAX_TEXT_BYTES": 2000})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the default store of CLI and app tests out of the checkout."""
    monkeypatch.setenv("GLOSSARY_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GLOSSARY_DATABASE_URL", raising=False)


# --- the site in a real browser (test_browser*.py) --------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@contextmanager
def served(store_url: str, log_path: Path, workers: int = 1, threads: int = 4,
           options: tuple[str, ...] = ()) -> Iterator[str]:
    """Run ``glossary serve`` on a store in a subprocess (``options``: more of its options);
    yield its base URL once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = log_path.open("wb")
    command = [sys.executable, "-m", "glossary", "--db", store_url, "serve", "--port", str(port),
               "--workers", str(workers), "--threads", str(threads), *options]
    # its own process group: whatever happens, the server and its workers go with the test
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"glossary serve did not start: see {log.name}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a worker stuck in a request: no graceful end
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing; install Debian's chromium (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()




@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Let glossary.parallel fork although other tests of this run may have left threads
    (servers, snapshot builders) in the process — the forked work is pure computation — and
    record each fork, so that a test can show its work was shared."""
    import multiprocessing

    from glossary import parallel

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform: the work is never shared")
    made: list[str] = []
    real = multiprocessing.get_context
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda method=None: made.append(str(method)) or real(method))
    return made
