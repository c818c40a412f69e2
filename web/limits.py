"""The cost limit on annotation: a few slots shared by all of a server's workers.

Annotating or checking a text costs up to a second of CPU for 200 kB; searches cost about a
millisecond. Without a limit, a few clients posting large texts back to back would hold every
worker and every core, and everyone's searches would queue behind them. So annotation and
checks (``POST /api/v1/annotate``, ``POST /api/v1/check``, the annotate page's form) whose
request body is over ``ANNOTATE_SLOT_ABOVE_BYTES`` (20 kB) each take one of
``ANNOTATE_CONCURRENCY`` slots for as long as they run, and a request that finds every
slot taken is refused at once with HTTP 503 and ``Retry-After`` rather than queued: a queued
request would hold a worker while it waits, which is the harm the limit is there to prevent.

A slot is an exclusive ``flock`` on one of ``ANNOTATE_CONCURRENCY`` files in ``ANNOTATE_LOCK_DIR``,
which ``glossary serve`` creates for its workers before they start, so the count holds across
processes and threads, and the kernel frees a slot when a worker dies holding it. Without
that directory (Flask's development server, tests) the app makes one of its own: the limit then
holds within the process.
"""

from __future__ import annotations

import fcntl
import functools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app
from werkzeug.exceptions import ServiceUnavailable

__all__ = ["Busy", "Slots", "costly", "default_concurrency"]

View = TypeVar("View", bound=Callable[..., Any])


def default_concurrency() -> int:
    """One annotation at a time per two cores (at least one): the other cores stay for searches."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores // 2)


class Busy(ServiceUnavailable):
    """Every annotation slot is taken: HTTP 503 with ``Retry-After``."""

    def __init__(self, slots: int, retry_after: int) -> None:
        super().__init__(
            f"the server is annotating {slots} text{'s' if slots != 1 else ''} already, the most it runs at once; "
            f"try again in {retry_after} s, or send a smaller text", retry_after=retry_after)
        self.seconds = retry_after


class Slots:
    """``count`` slots in ``directory``, each an exclusive lock on a file (``count`` 0: no limit)."""

    def __init__(self, directory: Path, count: int) -> None:
        self.directory, self.count = directory, count
        directory.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def taken(self) -> Iterator[bool]:
        """Hold a free slot while the block runs; yields False (holding none) when all are taken."""
        if self.count <= 0:
            yield True
            return
        start = os.getpid() % self.count  # workers try the slots in different orders
        for step in range(self.count):
            path = self.directory / f"slot-{(start + step) % self.count}"
            # a descriptor of its own per attempt: two threads of one process then exclude each other too
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            try:
                yield True
            finally:
                os.close(descriptor)  # closing the only descriptor releases the lock
            return
        yield False


def slots() -> Slots:
    """The app's slots, made on first use from its configuration."""
    made: Slots | None = current_app.extensions.get("annotate_slots")
    if made is None:
        config = current_app.config
        directory = config.get("ANNOTATE_LOCK_DIR") or tempfile.mkdtemp(prefix="glossary-annotate-")
        count = config.get("ANNOTATE_CONCURRENCY")
        made = Slots(Path(directory), default_concurrency() if count is None else int(count))
        current_app.extensions["annotate_slots"] = made
    return made


def costly(view: View) -> View:
    """Run ``view`` holding an annotation slot; ``Busy`` (503) when none is free. GET and HEAD
    requests (a form shown, not sent) and bodies up to ``ANNOTATE_SLOT_ABOVE_BYTES`` pass without
    one: a 20 kB text takes under 0.1 s, and a slot held by someone's 200 kB texts back to back
    would otherwise turn every small annotation away."""

    @functools.wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        from flask import request

        small = (request.content_length or 0) <= int(current_app.config["ANNOTATE_SLOT_ABOVE_BYTES"])
        if request.method in ("GET", "HEAD") or small:
            return view(*args, **kwargs)
        with slots().taken() as held:
            if not held:
                raise Busy(slots().count, int(current_app.config["ANNOTATE_RETRY_AFTER"]))
            return view(*args, **kwargs)

    return limited  # type: ignore[return-value]
