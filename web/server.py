"""The production server: gunicorn, two single-threaded sync worker processes per core.

Python runs one thread at a time in a process, and a thread that calls into the database gives
up the interpreter lock and then waits for it again behind the others: two threads searching in
one process served 39% fewer English-word searches than one thread alone. So one thread per
worker, four workers on two cores.

Sync workers, without keep-alive (``keepalive=0``, the default): a sync worker takes a
connection only when it is free and closes it after the response, so the kernel hands each
request to an idle worker. The gthread workers used before accept every connection they see
while busy and keep it for 30 s: under bench/load.py one worker of four held 31 of the 32
connections, and requests queued behind that worker's (or behind a 1 s annotation) while others
sat idle; client p99 was 2-9x p50, against 1.3x with sync workers (figures in the README).

Built once, shared by every worker: the master builds the app and loads everything a worker
would otherwise load while a client waits (``warm``: search, the CC-CEDICT index, the
did-you-mean keys, the annotation snapshot with its Chinese and English matchers; on the 117k
store about 20 s, once) before it listens, then forks the workers (gunicorn's ``preload_app``).
They share those pages copy-on-write, and a worker the master starts later (after one died)
gets them too, already built. What is loaded is moved out of the collector's reach first
(``gc.freeze``): a collection in a worker would otherwise write to every object's header and
copy every page. No database connection crosses the fork: the master closes its pool before
forking, and each worker empties the pool it inherits (SQLAlchemy's ``dispose(close=False)``)
and opens its own connections. Each worker follows the store from there through the change log
(glossary.snapshot), as before.
A request must arrive within ``read_timeout`` seconds of its connection's accept
(web/slowclients.py), so that a client trickling bytes cannot hold a sync worker until gunicorn
kills it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from glossary import Glossary

from .slowclients import DEFAULT_READ_SECONDS, bounded_sync_worker

__all__ = ["Server", "default_workers", "warm", "before_fork", "after_fork"]

log = logging.getLogger(__name__)

#: What the server loads before a worker takes its first connection (``warm``), each a step of
#: its own: what the first search, misspelt search, annotation and English check would otherwise
#: load while a client waits (on the 117k-entry store 3 s, 4 s, 8 s and 6 s on a busy machine).
WARM_STEPS: tuple[tuple[str, Callable[[Glossary], object]], ...] = (
    ("search", lambda store: store.search("中国")),
    ("dictionary", lambda store: store.dictionary_search("中国")),
    ("did-you-mean keys", lambda store: store.did_you_mean("zzqx")),
    ("annotation snapshot", lambda store: store.annotation.snapshot().matcher().prepare()),
    ("English matcher", lambda store: store.annotation.snapshot().english()),
)


def warm(app: Flask) -> None:
    """Load what the first requests of each kind would otherwise load while a client waits, with
    every request queued behind them (``WARM_STEPS``), then move it out of the collector's reach:
    it stays for the process's life, and a full collection no longer walks it (on the
    117k-entry store 274 ms -> 0 ms at load average 6.5, a pause any request arriving meanwhile
    would wait through)."""
    store: Glossary = app.extensions["glossary"]
    for name, step in WARM_STEPS:
        started = time.perf_counter()
        step(store)
        log.info("warm: %s in %.1f s", name, time.perf_counter() - started)
    gc.collect()
    gc.freeze()
    give_back_free_memory()


def give_back_free_memory() -> None:
    """Return the free pages of the C heap to the system (glibc's ``malloc_trim``; elsewhere
    nothing): loading leaves tens of MB free but mapped between what it kept, and every worker
    forked from this process would count them as its own resident memory."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def before_fork(app: Flask) -> None:
    """Leave nothing in this process that must not cross a fork: no pooled database connection
    (a socket or SQLite handle used by two processes corrupts both sides' state), no background
    snapshot build half done (its thread would not exist in the child)."""
    store: Glossary = app.extensions["glossary"]
    store.annotation.wait()
    store.engine.dispose()


def after_fork(app: Flask) -> None:
    """In a forked worker: forget any pooled connection the parent held, without closing it (it
    is the parent's), so the worker opens its own (SQLAlchemy's way for engines used across a
    fork, ``Engine.dispose(close=False)``); and let the annotation service know its snapshot is
    inherited (``AnnotationService.after_fork``)."""
    store: Glossary = app.extensions["glossary"]
    store.engine.dispose(close=False)
    store.annotation.after_fork()


def default_workers() -> int:
    """Two workers per core the process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 2 * max(1, cores)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn running the app that ``make_app`` builds once, in the master, for every worker
    (gunicorn's ``preload_app``; see the module docstring)."""

    def __init__(self, make_app: Callable[[], Flask], host: str, port: int, workers: int, threads: int,
                 warm_workers: bool = True, keepalive: int = 0, read_timeout: float = DEFAULT_READ_SECONDS) -> None:
        self.make_app = make_app
        self.warm_workers = warm_workers
        self.app: Flask | None = None
        _log_to_stderr()
        # The annotation slots (web/limits.py) are files every worker of this server locks: the
        # directory is made here, before the workers fork, and reaches them in the environment.
        if not os.environ.get("GLOSSARY_ANNOTATE_LOCK_DIR"):
            lock_dir = tempfile.mkdtemp(prefix="glossary-annotate-")
            os.environ["GLOSSARY_ANNOTATE_LOCK_DIR"] = lock_dir
            self.on_exit: Callable[[Any], None] = lambda _server: shutil.rmtree(lock_dir, ignore_errors=True)
        else:
            self.on_exit = lambda _server: None
        self.settings: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            # keepalive 0: sync workers, each takes a connection only when it is free and closes it
            # after the response; > 0: gthread workers keeping connections open that long
            # sync workers read each request under a deadline (web/slowclients.py; 0: none)
            "worker_class": "gthread" if keepalive > 0 or threads > 1 else bounded_sync_worker(read_timeout),
            "keepalive": keepalive,
            "accesslog": None,
            "errorlog": "-",
            "proc_name": "glossary",
            # sync workers are killed past it mid-request: room for a whole-store export on a busy machine
            "timeout": 120,
            # gunicorn >= 25 also opens a control socket in $HOME or $XDG_RUNTIME_DIR, shared by
            # every server of the user; this app needs none
            "control_socket_disable": True,
            "on_exit": self.on_exit,
            # the app is built and warmed in the master, before it listens: the server answers
            # only once everything is loaded, and workers (first or restarted) fork with it
            "preload_app": True,
            "post_fork": self.post_fork,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            if key in self.cfg.settings:  # settings this gunicorn version knows
                self.cfg.set(key, value)

    def load(self) -> Flask:
        """Build and warm the app (in the master: gunicorn's ``preload_app``), ready to fork."""
        if self.app is None:
            started = time.perf_counter()
            app = self.make_app()
            if self.warm_workers:
                warm(app)
            before_fork(app)
            log.info("app built and warmed in %.1f s; the workers share it", time.perf_counter() - started)
            self.app = app
        return self.app

    def post_fork(self, _arbiter: Any, _worker: Any) -> None:
        """In each new worker, before it serves: connections of its own (``after_fork``)."""
        if self.app is not None:
            after_fork(self.app)


def _log_to_stderr() -> None:
    """The glossary's and the server's notes (what was loaded, a snapshot built) on stderr, with
    the process id, beside gunicorn's own log."""
    for name in ("glossary", __name__):
        logger = logging.getLogger(name)
        if not logger.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
                                                   "%Y-%m-%d %H:%M:%S %z"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False
