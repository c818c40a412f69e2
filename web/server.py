"""The production server: gunicorn, one worker process per core, a few threads in each.

Python runs one thread at a time in a process, and a thread that calls into the database gives
up the interpreter lock and then waits for it again behind the others: on the two-core machine
of ``bench/load.py``, one waitress process with 4 threads served 400-700 cold searches a
second (by query kind) at a server p99 of 16-30 ms; two gunicorn workers serve 700-2,100 at
4-7 ms. Each worker builds its own app (``create_app``) after the fork, so no database
connection is shared between processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

__all__ = ["Server", "default_workers"]


def default_workers() -> int:
    """One worker per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn running the app that ``make_app`` builds in each worker."""

    def __init__(self, make_app: Callable[[], Flask], host: str, port: int, workers: int, threads: int) -> None:
        self.make_app = make_app
        self.settings: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",  # threads in each worker; keeps connections alive
            "keepalive": 30,
            "accesslog": None,
            "errorlog": "-",
            "proc_name": "glossary",
            # gunicorn >= 25 also opens a control socket in $HOME or $XDG_RUNTIME_DIR, shared by
            # every server of the user; this app needs none
            "control_socket_disable": True,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            if key in self.cfg.settings:  # settings this gunicorn version knows
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.make_app()
