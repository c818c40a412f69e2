"""Choosing among overlapping matches: maximal cover, leftmost-longest for ties."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

import glossary
from glossary.cover import maximal_cover

intervals = st.lists(st.tuples(st.integers(0, 12), st.integers(1, 5)).map(lambda p: (p[0], p[0] + p[1])),
                     max_size=9, unique=True).map(lambda spans: [(i, s, e) for i, (s, e) in enumerate(spans)])


def covered(chosen: list[tuple[int, int, int]]) -> int:
    return sum(end - start for _, start, end in chosen)


def disjoint(chosen: list[tuple[int, int, int]]) -> bool:
    ordered = sorted(chosen, key=lambda m: m[1])
    return all(a[2] <= b[1] for a, b in zip(ordered, ordered[1:]))


def leftmost_longest(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    chosen, last = [], 0
    for match in sorted(found, key=lambda m: (m[1], -m[2])):
        if match[1] >= last:
            chosen.append(match)
            last = match[2]
    return chosen


@given(intervals)
def test_the_choice_covers_as_much_as_any_set_of_non_overlapping_matches(found: list[tuple[int, int, int]]) -> None:
    chosen = maximal_cover(found)
    assert disjoint(chosen) and set(chosen) <= set(found)
    best = max((covered(list(subset)) for size in range(len(found) + 1) for subset in combinations(found, size)
                if disjoint(list(subset))), default=0)
    assert covered(chosen) == best


@given(intervals)
def test_where_leftmost_longest_already_covers_the_most_it_is_what_comes_out(found: list[tuple[int, int, int]]) -> None:
    greedy = leftmost_longest(found)
    if covered(greedy) == covered(maximal_cover(found)):
        assert maximal_cover(found) == greedy


@given(intervals)
def test_no_chosen_match_could_give_way_to_a_longer_one_for_more_cover(found: list[tuple[int, int, int]]) -> None:
    chosen = maximal_cover(found)
    for longer in found:
        kept = [m for m in chosen if m[2] <= longer[1] or m[1] >= longer[2]]
        assert covered(kept) + longer[2] - longer[1] <= covered(chosen)


def test_a_longer_english_name_a_word_later_is_not_split_by_a_shorter_one() -> None:
    store = glossary.open("sqlite://")
    annotated = store.annotate_english("China proposed the new Silk Road Economic Belt in 2013.")
    assert annotated == ("China proposed the new Silk Road Economic Belt (丝绸之路经济带, sichou zhi lu jingjidai) "
                         "in 2013.")
