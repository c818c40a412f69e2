"""A progress line on stderr for long imports, as command-line tools show one.

It appears only when stderr is a terminal (a log file or a pipe gets no carriage-return
clutter) and only once the work has run for a couple of seconds (a small import stays quiet);
it is redrawn at most ten times a second, phase by phase (reading, then writing).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO

import click

#: Seconds of work before the line appears.
DELAY = 2.0
#: Seconds between redraws.
INTERVAL = 0.1
WIDTH = 30


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class Progress:
    """``progress(phase)`` gives the (done, total) callback of one phase; ``close()`` ends the
    line. Shown when ``enabled`` (default: stderr is a terminal) and past ``DELAY`` seconds."""

    def __init__(self, enabled: bool | None = None, file: IO[str] | None = None) -> None:
        self.enabled = stderr_is_terminal() if enabled is None else enabled
        self.file = file
        self.started = time.monotonic()
        self.drawn = 0.0  # when the line was last drawn; 0: never
        self.width = 0

    def phase(self, label: str) -> Callable[[int, int], None]:
        def advance(done: int, total: int) -> None:
            self.draw(label, done, total)

        return advance

    def draw(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < DELAY or (now - self.drawn < INTERVAL and done < total):
            return
        share = done / total if total else 1.0
        filled = int(share * WIDTH)
        line = f"{label:<8} [{'#' * filled}{'-' * (WIDTH - filled)}] {share:4.0%}  {done:,}/{total:,}"
        click.echo("\r" + line.ljust(self.width), file=self.file, err=self.file is None, nl=False)
        self.width = len(line)
        self.drawn = now

    def close(self) -> None:
        """End the line (if one was drawn) so what follows starts on a line of its own."""
        if self.drawn:
            click.echo("\r" + " " * self.width + "\r", file=self.file, err=self.file is None, nl=False)
            self.drawn = 0.0

