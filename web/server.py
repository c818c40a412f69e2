"""The production server: gunicorn, two single-threaded worker processes per core.

Python runs one thread at a time in a process, and a thread that calls into the database gives
up the interpreter lock and then waits for it again behind the others. Two threads searching in
one process served 39% fewer English-word searches than one thread alone, at twice the CPU per
search; under ``bench/load.py`` on two cores, two workers of two threads each often left the
cores 15-30% idle through a cold phase, while four workers of one thread did so more rarely,
served as much or more of every query kind and ran the trivial endpoint as fast. A long request
(a big export or annotation) holds one worker (of four on two cores), as it held one thread of
four before. Each worker builds its own app (``create_app``) after the fork, so no database
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
    """Two workers per core the process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 2 * max(1, cores)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn running the app that ``make_app`` builds in each worker."""

    def __init__(self, make_app: Callable[[], Flask], host: str, port: int, workers: int, threads: int) -> None:
        self.make_app = make_app
        self.settings: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",  # keeps connections alive (with one thread or more per worker)
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
