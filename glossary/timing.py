"""How long the steps of a bulk operation take: recorded when a caller asks, free otherwise.

An import marks its steps (``with step("keys"): …``); a caller that wants the figures wraps the
operation in ``recording()`` and gets each step's own time, the time of the steps inside it
left out, so the figures add up to the whole. Wall time and the process's CPU time are both
kept: on a busy machine the first grows with the load, the second much less. Without a
recording a step costs one lookup. ``glossary import --timings`` and ``bench/import.py`` read
them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from time import perf_counter, process_time

__all__ = ["recording", "step", "Timings"]


class Timings(dict[str, float]):
    """Wall seconds per step, in the order the steps first ran (each step's own time); ``cpu``
    has the CPU seconds of the same steps."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, float] = {}
        self._inner: list[tuple[float, float]] = []  # per open step: the time its inner steps took

    def summary(self) -> str:
        """One line per step: wall seconds, share of the recorded total, CPU seconds.

        >>> t = Timings(); t.update(read=3.0, write=1.0); t.cpu.update(read=2.5, write=0.5); print(t.summary())
        read     3.00 s   75%  cpu   2.50 s
        write    1.00 s   25%  cpu   0.50 s
        """
        total = sum(self.values()) or 1.0
        width = max(map(len, self), default=0)
        return "\n".join(f"{name:<{width}}  {seconds:6.2f} s  {seconds / total:4.0%}  cpu {self.cpu.get(name, 0):6.2f} s"
                         for name, seconds in self.items())


_current: ContextVar[Timings | None] = ContextVar("glossary_timings", default=None)


@contextmanager
def recording() -> Iterator[Timings]:
    """Record the steps run inside the block.

    >>> with recording() as timings:
    ...     with step("outer"):
    ...         with step("inner"):
    ...             pass
    >>> list(timings)
    ['inner', 'outer']
    """
    timings = Timings()
    token = _current.set(timings)
    try:
        yield timings
    finally:
        _current.reset(token)


@contextmanager
def step(name: str) -> Iterator[None]:
    """Time a step of a bulk operation when a recording is on (a step run twice adds up)."""
    timings = _current.get()
    if timings is None:
        yield
        return
    timings._inner.append((0.0, 0.0))
    start, cpu_start = perf_counter(), process_time()
    try:
        yield
    finally:
        elapsed, cpu = perf_counter() - start, process_time() - cpu_start
        inner, inner_cpu = timings._inner.pop()
        timings[name] = timings.get(name, 0.0) + elapsed - inner
        timings.cpu[name] = timings.cpu.get(name, 0.0) + cpu - inner_cpu
        if timings._inner:
            outer, outer_cpu = timings._inner[-1]
            timings._inner[-1] = (outer + elapsed, outer_cpu + cpu)
