"""Work split in two between this process and a forked one: the pure-Python parts of a big
import (reading and checking 100k rows) on a machine with two cores or more.

A fork starts with the work in memory, so only the result travels back (pickled, through a
pipe or, for results made part by part, an unnamed temporary file). Where forking is not possible (one core, no ``fork`` on the platform, other threads
running, which a fork would copy mid-step) or not worth it (few items), or the other process
fails, the work is done here, as it would be without this module: the results are the same.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

__all__ = ["in_two", "made_beside", "can_fork", "PARALLEL_FROM"]

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this are not worth a process (a fork and a pickled result cost ~0.1 s).
PARALLEL_FROM = 20_000


def can_fork() -> bool:
    """Whether a second process can share the work safely here."""
    return ((os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1 and multiprocessing.parent_process() is None)


def in_two(items: Sequence[T], work: Callable[[Sequence[T], bool], R], minimum: int | None = None,
           here: float = 0.5) -> list[R]:
    """``work`` over ``items`` as the results of consecutive parts, in order: the first part
    (``here``: its share of the items) here, the rest in a forked process (``work(part, here)``
    knows which), or all of it here. A share under a half leaves this process time to take in
    the other's result.

    >>> in_two(range(10), lambda part, here: sum(part), minimum=1) in ([45], [10, 35])
    True
    """
    if len(items) < (PARALLEL_FROM if minimum is None else minimum) or not can_fork():
        return [work(items, True)]
    half = max(1, min(len(items) - 1, round(len(items) * here)))
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_other, args=(work, items[half:], sender), daemon=True)
    process.start()
    sender.close()
    try:
        mine = work(items[:half], True)
        try:
            done, theirs = receiver.recv()
        except (EOFError, OSError):  # the other process died
            done, theirs = False, None
    except BaseException:
        process.terminate()
        raise
    finally:
        receiver.close()
        process.join()
    return [mine, theirs if done else work(items[half:], False)]


def _other(work: Callable[[Sequence[Any], bool], Any], items: Sequence[Any], sender: Any) -> None:
    """The forked process: do the work, send the result (or word that it failed: the parent then
    does it, and reports what goes wrong)."""
    try:
        result = (True, work(items, False))
    except BaseException:  # noqa: BLE001 - the parent redoes the work and raises what it meets
        result = (False, None)
    sender.send(result)
    sender.close()


def made_beside(parts: Sequence[Sequence[T]], make: Callable[[Sequence[T]], R]) -> Generator[R, None, None]:
    """``make(part)`` for each part, in order, made in a forked process while the caller uses the
    ones made already (the rows of an import's chunks, made while the chunk before is written).
    Each process takes the next part nobody has taken; this one takes one only while the
    other's next is not ready, so that it does not wait, and holds what it made until its turn
    (a part or two). Made here if forking is not possible, or from where the other process failed.

    >>> list(made_beside([[1, 2], [3]], sum))
    [3, 3]
    """
    if sum(map(len, parts)) < PARALLEL_FROM or not can_fork():
        for part in parts:  # not ``yield from map(...)``: a StopIteration escaping ``make`` would
            yield make(part)  # end the parts silently there; here it fails (RuntimeError, PEP 479)
        return
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # the first part nobody has taken (under its lock)
    # the other writes its results here and sends only where they are: it never waits for this
    # process to read (a pipe holds 64 KB; a part's rows are megabytes). Unnamed: gone with us.
    spool = tempfile.TemporaryFile(prefix="glossary-rows-")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_maker, args=(make, parts, taken, spool.fileno(), sender), daemon=True)
    process.start()
    sender.close()
    here: dict[int, R] = {}
    try:
        for index in range(len(parts)):
            while index not in here and not receiver.poll():  # the other is making this part
                mine = _take(taken, len(parts))
                if mine is None:
                    break  # every part is taken: wait for it
                here[mine] = make(parts[mine])
            if index in here:
                yield here.pop(index)
                continue
            try:
                done, place = receiver.recv()
            except (EOFError, OSError):  # the other process died
                done, place = False, None
            if not done:
                for rest in range(index, len(parts)):
                    yield here.pop(rest) if rest in here else make(parts[rest])
                return
            yield pickle.loads(_read_at(spool.fileno(), *place))
    finally:
        receiver.close()
        if process.is_alive():  # the caller stopped early, or the other process failed
            process.terminate()
        process.join()
        spool.close()


def _take(taken: Any, count: int) -> int | None:
    """The next part nobody has taken, now taken (None: none is left)."""
    with taken.get_lock():
        index = int(taken.value)
        if index >= count:
            return None
        taken.value = index + 1
        return index


def _maker(make: Callable[[Any], Any], parts: Sequence[Any], taken: Any, spool: int, sender: Any) -> None:
    """The forked process of ``made_beside``: each part it takes, its result written to the
    spool and its place sent (in order), then done (or word of a failure)."""
    try:
        offset = 0
        while (index := _take(taken, len(parts))) is not None:
            data = pickle.dumps(make(parts[index]), protocol=pickle.HIGHEST_PROTOCOL)
            written = 0
            while written < len(data):
                written += os.pwrite(spool, memoryview(data)[written:], offset + written)
            sender.send((True, (offset, len(data))))
            offset += len(data)
    except BaseException:  # noqa: BLE001 - the parent makes the rest and raises what it meets
        sender.send((False, None))
    sender.close()


def _read_at(descriptor: int, offset: int, size: int) -> bytes:
    """``size`` bytes of a file from ``offset``."""
    pieces = []
    while size:
        piece = os.pread(descriptor, size, offset)
        if not piece:
            raise EOFError("the spool ends early")
        pieces.append(piece)
        offset, size = offset + len(piece), size - len(piece)
    return b"".join(pieces)
