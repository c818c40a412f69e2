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
Each worker builds its own app (``create_app``) after the fork and warms it (``warm``) before it
takes a connection, so no database connection is shared between processes. A request must
arrive within ``read_timeout`` seconds of its connection's accept (web/slowclients.py), so that a
client trickling bytes cannot hold a sync worker until gunicorn kills it.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from glossary import Glossary

from .slowclients import DEFAULT_READ_SECONDS, bounded_sync_worker

__all__ = ["Server", "default_workers", "warm"]

#: What a worker loads before it takes its first connection (``warm``), each a step of its own.
WARM_STEPS: tuple[tuple[str, Callable[[Glossary], object]], ...] = (
    ("search", lambda store: store.search("中国")),
    ("dictionary", lambda store: store.dictionary_search("中国")),
    ("did-you-mean keys", lambda store: store.did_you_mean("zzqx")),
)


def warm(app: Flask, step_done: Callable[[], object] = lambda: None) -> None:
    """Load, in this process, what the first search and the first misspelt search would otherwise
    load while a client waits (on the 117k-entry store 3 s and 4 s on a busy machine), with every
    request queued behind them on the worker's connections. The annotation snapshot (8 s) is
    left to the first annotation: four workers building it at once on two cores took more than
    gunicorn's 30 s worker timeout, and an annotation holds a slot of its own (web/limits.py)."""
    store: Glossary = app.extensions["glossary"]
    for _name, step in WARM_STEPS:
        step(store)
        step_done()
    # What was just loaded stays for the worker's life: out of the collector's generations, a full
    # collection no longer walks it (on the 117k-entry store 274 ms -> 0 ms at load average 6.5,
    # a pause any request arriving meanwhile would wait through).
    gc.collect()
    gc.freeze()


def default_workers() -> int:
    """Two workers per core the process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 2 * max(1, cores)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn running the app that ``make_app`` builds in each worker."""

    def __init__(self, make_app: Callable[[], Flask], host: str, port: int, workers: int, threads: int,
                 warm_workers: bool = True, keepalive: int = 0, read_timeout: float = DEFAULT_READ_SECONDS) -> None:
        self.make_app = make_app
        self.warm_workers = warm_workers
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
            "post_worker_init": self.post_worker_init,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            if key in self.cfg.settings:  # settings this gunicorn version knows
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.make_app()

    def post_worker_init(self, worker: Any) -> None:
        """Warm the worker's app before it accepts connections, telling the master after each
        step that it is alive (a step can take seconds; the master kills a silent worker)."""
        if self.warm_workers:
            warm(worker.wsgi, worker.notify)
