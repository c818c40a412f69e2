"""``glossary serve`` builds the annotation snapshot once, in the master, before the workers
fork: every worker — the first ones and one the master starts after a worker died — annotates
with it without building its own, follows writes another process makes (the change log), and
no database connection crosses the fork. Builds are counted from the server's log (one line per
build, with its process id), never timed.

Each worker is reached on purpose: a sync worker reads one connection at a time, so a request
held back by its last byte keeps the worker that took it busy, and the next request goes to
another worker; then the held one is finished.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import glossary
from conftest import served
from glossary.terms import Rendering, Status, Term

BUILT = re.compile(r"\[(\d+)\] \[INFO\] glossary\.snapshot: annotation snapshot built")
LISTENING = re.compile(r"Listening at: \S+ \((\d+)\)")


def children(pid: int) -> set[int]:
    return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def socket_inodes(pid: int) -> set[str]:
    """The inodes of a process's open sockets."""
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def store_connections(pid: int, store_url: str) -> list[str]:
    """What the process holds open to the store: the SQLite file (or its -wal, -shm), or TCP
    connections to the PostgreSQL server's port."""
    if store_url.startswith("sqlite"):
        database = store_url.split("///", 1)[1]
        held = []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(database):
                held.append(target)
        return held
    port = f"{urlsplit(store_url.split('+', 1)[-1].replace('postgresql', 'http', 1)).port or 5432:04X}"
    mine = socket_inodes(pid)
    held = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[2].endswith(f":{port}") and fields[9] in mine:
                held.append(f"{fields[1]} -> {fields[2]}")
    return held


def annotate_on_each_worker(base: str, text: str, workers: int) -> list[str]:
    """Annotate ``text`` once on each of ``workers`` sync workers (see the module docstring);
    the HTML of each answer, the held-back ones last."""
    address = urlsplit(base)
    body = json.dumps({"text": text, "format": "html"}, ensure_ascii=False).encode()
    request = (f"POST /api/v1/annotate HTTP/1.1\r\nHost: {address.netloc}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    held = []
    for _ in range(workers - 1):  # each keeps one worker waiting for its last byte
        client = socket.create_connection((address.hostname, address.port), timeout=30)
        client.sendall(request[:-1])
        held.append(client)
    # the listening socket hands connections out in order: each held one is taken first, by a
    # worker that then waits for its last byte, so the next one goes to the worker left free
    answers = []
    last = socket.create_connection((address.hostname, address.port), timeout=30)
    last.sendall(request)
    for client in [last, *held]:
        if client is not last:
            client.sendall(request[-1:])
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        client.close()
        head, _, payload = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), answer[:300]
        answers.append(json.loads(payload)["result"])
    return answers


def builds(log: Path) -> list[int]:
    """The process ids of the snapshot builds the server's log reports."""
    return [int(pid) for pid in BUILT.findall(log.read_text(errors="replace"))]


def test_workers_share_one_snapshot_built_before_the_fork_and_follow_writes(store_url: str, tmp_path: Path) -> None:
    store = glossary.open(store_url)  # seeded from terms.csv
    log = tmp_path / "serve.log"
    with served(store_url, log, workers=2, threads=1) as base:
        master = int(LISTENING.findall(log.read_text())[0])
        deadline = time.monotonic() + 20
        while len(children(master)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        first_workers = children(master)
        assert len(first_workers) == 2
        # the master built the snapshot before it forked, and keeps no connection of its own
        assert builds(log) == [master]
        assert store_connections(master, store_url) == []

        answers = annotate_on_each_worker(base, "维护核心利益", 2)
        assert all("core interests" in answer for answer in answers), answers
        assert builds(log) == [master], "a worker built its own snapshot"

        # a write by another process (this one) shows on every worker, patched in, not rebuilt
        store.put(new_entry(store), if_match=0, author="test")
        answers = annotate_on_each_worker(base, "共享快照与核心利益", 2)
        assert all("shared snapshot" in answer and "core interests" in answer for answer in answers), answers

        # a worker the master starts after one died gets the snapshot too, and the write
        os.kill(sorted(first_workers)[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        while (len(children(master)) < 2 or children(master) == first_workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(children(master)) == 2 and children(master) != first_workers
        time.sleep(0.5)  # the new worker reaches its accept loop
        answers = annotate_on_each_worker(base, "共享快照与核心利益", 2)
        assert all("shared snapshot" in answer and "core interests" in answer for answer in answers), answers
        assert builds(log) == [master], "a worker built its own snapshot"
        assert store_connections(master, store_url) == []
    store.dispose()


def test_a_worker_started_after_a_change_of_everything_answers_with_the_new_content(tmp_path: Path) -> None:
    """A worker the master starts after the store changed past patching (an import of 20,000
    entries or more, a search-index rebuild: the change log says "everything") builds a new
    snapshot for its first request instead of answering from the master's old one."""
    url = f"sqlite:///{tmp_path / 'glossary.sqlite3'}"
    store = glossary.open(url)
    log = tmp_path / "serve.log"
    with served(url, log, workers=1, threads=1) as base:
        master = int(LISTENING.findall(log.read_text())[0])
        deadline = time.monotonic() + 20
        while not children(master) and time.monotonic() < deadline:
            time.sleep(0.05)
        [first] = children(master)
        store.put(new_entry(store), if_match=0, author="test")
        with store.engine.begin() as connection:  # what a change of everything records
            revision = store.repository.revision(connection) + 1
            connection.exec_driver_sql("UPDATE meta SET value = ? WHERE key = 'revision'", (str(revision),))
            connection.exec_driver_sql("INSERT INTO changes (revision, term_id) VALUES (?, '*')", (revision,))
        os.kill(first, signal.SIGKILL)
        while (not children(master) or children(master) == {first}) and time.monotonic() < deadline + 20:
            time.sleep(0.05)
        [second] = children(master)
        [answer] = annotate_on_each_worker(base, "共享快照与核心利益", 1)
        assert "shared snapshot" in answer and "core interests" in answer, answer
        assert builds(log) == [master, second]
    store.dispose()


def new_entry(store: glossary.Glossary) -> Term:
    """An entry no store has, written by the tests to see it appear in the servers."""
    return replace(store.get("core-interests"), id="shared-snapshot", simplified="共享快照", traditional="共享快照",
                   pinyin="gòngxiǎng kuàizhào", definition="A test entry.", variants=(), related=(),
                   renderings=(Rendering("shared snapshot", Status.PREFERRED),), pinyin_styles=None)


def test_the_server_answers_only_once_everything_is_loaded(tmp_path: Path) -> None:
    """Health answers after the master has loaded and built everything (the log says so first)."""
    url = f"sqlite:///{tmp_path / 'glossary.sqlite3'}"
    glossary.open(url).dispose()
    log = tmp_path / "serve.log"
    with served(url, log, workers=1, threads=1):
        text = log.read_text()
    loaded = text.index("web.server: app built and warmed")
    assert text.index("annotation snapshot built") < loaded < text.index("Listening at:")
    for step in ("search", "dictionary", "did-you-mean keys", "annotation snapshot", "English matcher"):
        assert f"web.server: warm: {step} in" in text


@pytest.fixture(autouse=True)
def _one_dictionary_index(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The servers' CC-CEDICT index (built by the master's warm-up) kept once for this module."""
    home = tmp_path_factory.getbasetemp() / "serve-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("GLOSSARY_HOME", str(home))
