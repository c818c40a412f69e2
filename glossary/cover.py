"""Choosing among overlapping matches: the most text covered, leftmost-longest breaking ties.

Leftmost-longest alone lets a shorter term that starts earlier split a longer one that starts a
word later: in "the new Silk Road Economic Belt", "new Silk Road" (an old name of the Belt and
Road) would be chosen and "Silk Road Economic Belt" lost. Choosing the set of non-overlapping
matches that covers the most characters never does that, unless the longer term would itself
cost more coverage than it brings.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

__all__ = ["maximal_cover"]


def maximal_cover(found: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of candidate matches ``(pattern, start, end)``, the non-overlapping ones that cover the most
    characters, in text order; among equal covers, the one that takes the leftmost, then the
    longest match at each step (what leftmost-longest would choose where there is no conflict).

    >>> maximal_cover([(0, 4, 17), (1, 8, 31)])   # "new Silk Road" / "Silk Road Economic Belt"
    [(1, 8, 31)]
    >>> maximal_cover([(0, 0, 2), (1, 1, 4), (2, 3, 5)])   # ab, bcd, de in "abcde": ab + de
    [(0, 0, 2), (2, 3, 5)]
    """
    matches = sorted(found, key=lambda m: (m[1], -m[2], m[0]))
    count = len(matches)
    if count < 2:
        return matches
    starts = [m[1] for m in matches]
    after = [bisect_left(starts, m[2]) for m in matches]  # the first match that can follow each one
    best = [0] * (count + 1)
    take = [False] * count
    for index in range(count - 1, -1, -1):
        _, start, end = matches[index]
        taken = end - start + best[after[index]]
        if taken >= best[index + 1]:  # ties go to the earlier, then the longer, match
            best[index] = taken
            take[index] = True
        else:
            best[index] = best[index + 1]
    chosen = []
    index = 0
    while index < count:
        if take[index]:
            chosen.append(matches[index])
            index = after[index]
        else:
            index += 1
    return chosen
