"""glossary.parallel: work shared with a forked process gives what one process would, in order,
whoever made each part, and survives the other process failing or dying."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import pytest

from glossary import parallel

PARTS = [list(range(start, start + 3)) for start in range(0, 120, 3)]  # 40 parts
PARENT = os.getpid()


def made_slowly(part: Sequence[int]) -> tuple[int, int]:
    """A part's sum and the process that made it, taking long enough for both to take parts."""
    time.sleep(0.05)
    return os.getpid(), sum(part)


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch, forks: list[str]) -> list[str]:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    return forks


def test_parts_made_in_both_processes_come_back_in_order(shared: list[str]) -> None:
    made = list(parallel.made_beside(PARTS, made_slowly))
    assert [total for _pid, total in made] == [sum(part) for part in PARTS]
    makers = [pid for pid, _total in made]
    assert shared and PARENT in makers and set(makers) - {PARENT}


def fails_in_the_other(part: Sequence[int]) -> tuple[int, int]:
    if os.getpid() != PARENT and part[0] >= 9:
        raise RuntimeError("the other process fails from the fourth part on")
    return made_slowly(part)


def dies_in_the_other(part: Sequence[int]) -> tuple[int, int]:
    if os.getpid() != PARENT and part[0] >= 9:
        os._exit(9)  # killed: no word sent
    return made_slowly(part)


@pytest.mark.parametrize("make", [fails_in_the_other, dies_in_the_other])
def test_when_the_other_process_fails_this_one_makes_the_rest(shared: list[str], make) -> None:  # type: ignore[no-untyped-def]
    made = list(parallel.made_beside(PARTS, make))
    assert [total for _pid, total in made] == [sum(part) for part in PARTS]
    assert all(pid == PARENT for pid, _total in made[3:])


def test_a_caller_that_stops_early_leaves_no_process_behind(shared: list[str]) -> None:
    import multiprocessing

    made = parallel.made_beside(PARTS, made_slowly)
    assert next(made)[1] == sum(PARTS[0])
    made.close()
    assert not multiprocessing.active_children()


def test_a_maker_raising_stopiteration_fails_instead_of_ending_the_parts_silently() -> None:
    def make(part: list[int]) -> int:
        if part == [2]:
            raise StopIteration  # what a bug in a maker may raise (next() on an empty iterator)
        return sum(part)

    with pytest.raises(RuntimeError):
        list(parallel.made_beside([[1], [2], [3]], make))
