"""Slow clients against a real ``glossary serve`` (gunicorn sync workers): a request trickling in
is cut off with 408 once the read bound passes, its worker goes back to work (never killed by
gunicorn's 120 s timeout), and other clients are answered meanwhile. The bound is 2 s here."""

from __future__ import annotations

import re
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import glossary
from glossary.cli.serve import serve
from glossary.csvio import read_terms

from conftest import WEB_TERMS, served
from web.slowclients import DEFAULT_READ_SECONDS

BOUND = 2.0
#: How long a trickling client keeps going at most: well past the bound, far below gunicorn's 120 s.
GIVE_UP = 4 * BOUND
HEADERS = (b"POST /annotate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           b"Content-Length: 400\r\n\r\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Two sync workers (one may be held by the trickling client, one answers), bound 2 s."""
    folder = tmp_path_factory.mktemp("slow")
    url = f"sqlite:///{folder / 'glossary.sqlite3'}"
    store = glossary.open(url, seed=False)
    store.import_terms(read_terms(WEB_TERMS))
    store.dispose()
    log = folder / "serve.log"
    with served(url, log, workers=2, threads=1, options=("--read-timeout", str(BOUND))) as base:
        # the first worker answers health while the master may still be forking the second
        deadline = time.monotonic() + 30
        while _boots(log) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _boots(log) == 2, log.read_text(errors="replace")
        yield base, log


def _boots(log: Path) -> int:
    """How many workers the server has started (gunicorn logs each one)."""
    return log.read_text(errors="replace").count("Booting worker")


def trickle(base: str, sent: bytes, trickled: bytes, every: float, others: str) -> tuple[float, bytes, list[float]]:
    """Send ``sent`` at once, then ``trickled`` one byte every ``every`` seconds until the server
    answers or closes (or GIVE_UP passes); meanwhile ask ``others`` (another client) once a byte.
    The seconds until the server cut in, what it said, and how long each other request took."""
    address = urlsplit(base)
    answered: list[float] = []
    with socket.create_connection((address.hostname, address.port), timeout=GIVE_UP) as client:
        started = time.monotonic()
        client.sendall(sent)
        for byte in trickled:
            if time.monotonic() - started > GIVE_UP:
                break
            try:
                client.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            asked = time.monotonic()
            with urllib.request.urlopen(others, timeout=GIVE_UP) as response:
                assert response.status == 200
            answered.append(time.monotonic() - asked)
            client.settimeout(max(0.01, every - (time.monotonic() - asked)))
            try:
                if client.recv(1, socket.MSG_PEEK):
                    break  # the server is answering
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
        took = time.monotonic() - started
        client.settimeout(GIVE_UP)
        reply = b""
        try:
            while chunk := client.recv(65536):
                reply += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return took, reply, answered


API_HEADERS = (b"POST /api/v1/annotate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
               b"Content-Length: 200\r\n\r\n")


@pytest.mark.parametrize(("sent", "trickled", "answer"), [
    # the headers: gunicorn's worker answers (web/slowclients.py), before any app code runs
    (b"", HEADERS, b"<title>Request Timeout</title>"),
    # the body of a form: the app's error page; of an API request: the JSON error shape
    (HEADERS, b"text=" + "命运共同体".encode() * 30, b'class="error-message"'),
    (API_HEADERS, b'{"text": "' + b"a" * 190, b'"type":"request_timeout"'),
], ids=["headers", "page body", "api body"])
def test_trickling_client_is_cut_off_after_the_bound(server: tuple[str, Path], sent: bytes, trickled: bytes,
                                                     answer: bytes) -> None:
    base, log = server
    took, reply, answered = trickle(base, sent, trickled, 0.5, f"{base}/api/v1/health")
    assert BOUND - 0.1 <= took <= BOUND + 1.0, f"cut off after {took:.1f} s, bound {BOUND} s"
    assert reply.startswith(b"HTTP/1.1 408"), reply[:300]
    assert b"did not arrive within 2 s" in reply and answer in reply, reply[-600:]
    assert len(answered) >= 3 and max(answered) < 1.0, f"other clients waited {answered}"
    written = log.read_text(errors="replace")
    assert "WORKER TIMEOUT" not in written and _boots(log) == 2, written  # the worker lived on, none restarted
    with urllib.request.urlopen(f"{base}/?q=core", timeout=10) as response:  # and serves again
        assert response.status == 200


def test_a_prompt_request_is_not_bounded(server: tuple[str, Path]) -> None:
    """A large form posted at once is answered, not cut off: the bound is on arrival time."""
    base, _log = server
    body = ("text=" + "构建人类命运共同体。" * 300).encode()
    request = urllib.request.Request(f"{base}/annotate", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert re.search(rb"<ruby", response.read())


def test_the_cli_default_is_the_servers() -> None:
    option = next(p for p in serve.params if p.name == "read_timeout")
    assert option.default == DEFAULT_READ_SECONDS
