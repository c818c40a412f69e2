"""A bound on how long a request may take to arrive, so that a slow client cannot hold a worker.

gunicorn's sync worker reads a request with blocking ``recv`` calls on a socket that has no
timeout (``SyncWorker.accept`` sets it blocking), first the headers (``handle``, through the
http parser) and then the body (inside the app, through ``wsgi.input``). A client that sends
one byte every few seconds keeps that worker in ``recv`` — serving no one — until gunicorn's
``timeout`` (120 s here) passes without the worker's heartbeat; the master then kills the worker
and forks a new one, which warms its caches again. A per-read socket timeout would not help: a
byte every few seconds arrives within any sensible per-read timeout.

So each accepted connection gets a deadline, ``seconds`` after the accept, for all of its
reads: each ``recv`` waits at most until then, and one past it raises ``SlowClient``. Before
the app runs (the headers) the worker answers 408 itself; inside the app (the body) the
exception is werkzeug's 408, answered by the app's error handler with its page or JSON error.
Writing the answer lifts the deadline: the request is in by then, and gunicorn's own
graceful close reads what is left with its own timeouts. A deadline, not a rate, because it is
one number a user can reason about: an upload of ``MAX_CONTENT_LENGTH`` (10 MB) within the
default 60 s needs about 1.4 Mbit/s.

In production put a buffering reverse proxy in front (nginx's ``client_header_timeout`` and
``client_body_timeout``), as gunicorn's documentation advises for sync workers: it holds the
slow connections instead of a worker. This bound is the server's own backstop. gthread workers
(``--threads`` > 1 or ``--keepalive``) are not bounded here: their connections may carry several
requests, and their threads are what a slow client would hold.
"""

from __future__ import annotations

import socket
import time
from typing import Any

from gunicorn import util
from gunicorn.workers.sync import SyncWorker
from werkzeug.exceptions import RequestTimeout

__all__ = ["DEFAULT_READ_SECONDS", "DeadlineSocket", "SlowClient", "bounded_sync_worker"]

#: Seconds a request (headers and body) may take to arrive after its connection is accepted.
DEFAULT_READ_SECONDS = 60.0


class SlowClient(RequestTimeout):
    """The request was not all in within the bound: HTTP 408."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the request did not arrive within {seconds:g} s; send it again over a faster "
                         f"connection, or send a smaller file")
        self.seconds = seconds


class DeadlineSocket(socket.socket):
    """An accepted connection whose reads must all be done by ``deadline`` (``time.monotonic``),
    until the first write lifts it."""

    seconds: float
    deadline: float | None

    @classmethod
    def take(cls, client: socket.socket, seconds: float) -> DeadlineSocket:
        """The same connection (the descriptor moves over), bounded ``seconds`` from now."""
        bounded = cls(client.family, client.type, client.proto, fileno=client.detach())
        bounded.seconds, bounded.deadline = seconds, time.monotonic() + seconds
        return bounded

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if self.deadline is None:
            return super().recv(bufsize, flags)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise SlowClient(self.seconds)
        self.settimeout(remaining)
        try:
            return super().recv(bufsize, flags)
        except TimeoutError:
            raise SlowClient(self.seconds) from None
        finally:
            self.settimeout(None)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self.deadline = None  # the answer is being written: the request is in
        super().sendall(data, flags)

    def shutdown(self, how: int) -> None:
        self.deadline = None  # gunicorn's graceful close, which reads under its own timeout
        super().shutdown(how)


class BoundedSyncWorker(SyncWorker):  # type: ignore[misc]
    """gunicorn's sync worker, its connections read under a deadline (``read_seconds``)."""

    read_seconds: float = DEFAULT_READ_SECONDS

    def accept(self, listener: socket.socket) -> None:
        client, addr = listener.accept()
        client.setblocking(True)
        util.close_on_exec(client)
        self.handle(listener, DeadlineSocket.take(client, self.read_seconds), addr)

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        if not isinstance(exc, SlowClient):
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning("Request from ip=%s not in after %g s: answered 408 and closed",
                         (addr or ("",))[0], exc.seconds)
        try:
            util.write_error(client, 408, "Request Timeout", exc.description or "")
        except Exception:  # noqa: BLE001 - the client may be gone; nothing more to do
            self.log.debug("Failed to send the 408.")


def bounded_sync_worker(seconds: float) -> type[SyncWorker]:
    """The sync worker class to give gunicorn: bounded by ``seconds``, or gunicorn's own for 0."""
    if seconds <= 0:
        return SyncWorker  # type: ignore[no-any-return]
    return type("BoundedSyncWorker", (BoundedSyncWorker,), {"read_seconds": float(seconds)})
