"""Strings and integer lists packed into one object each (glossary.packed): read back exactly,
searched like sorted lists, and kept through dump/load."""

from __future__ import annotations

import marshal
import random
from bisect import bisect_left

import pytest

from glossary.packed import PackedLists, PackedStrings

#: ASCII, CJK, a character outside the BMP (which makes the blob four bytes a character), empty.
WORDS = ["", "a", "mingyun", "mingyungongtongti", "minzu", "命运", "命运共同体", "𠮷野家", "zz"]


@pytest.mark.parametrize("items", [WORDS, [], [""], ["只有一个"], sorted(WORDS, reverse=True)])
def test_packed_strings_read_back_every_item_and_survive_marshal(items: list[str]) -> None:
    packed = PackedStrings(items)
    assert len(packed) == len(items)
    assert list(packed) == [packed[i] for i in range(len(items))] == items
    assert packed[1:4] == items[1:4] and packed[::-1] == items[::-1]
    if items:
        assert packed[-1] == items[-1]
    for outside in (len(items), -len(items) - 1):
        with pytest.raises(IndexError):
            packed[outside]
    assert list(PackedStrings.load(marshal.loads(marshal.dumps(packed.dump())))) == items


@pytest.mark.parametrize("key", WORDS + ["m", "mingyu", "命", "命运共", "𠮷", "0", "zzz", "~"])
def test_sorted_packed_strings_are_searched_as_a_sorted_list(key: str) -> None:
    ordered = sorted(WORDS)
    packed = PackedStrings(ordered)
    assert bisect_left(packed, key) == packed.bisect(key) == bisect_left(ordered, key)
    assert packed.find(key) == (ordered.index(key) if key in ordered else -1)
    for most in (1, 2, 100):
        start = bisect_left(ordered, key)
        expected = [(p, w) for p, w in enumerate(ordered) if p >= start and w.startswith(key)][:most]
        assert list(packed.prefixed(key, most)) == expected


@pytest.mark.parametrize("lists", [[[3, 1, 2], [], [7], [0, 0, 5]], [], [[]], [[2**31 - 1, -5]]])
def test_packed_lists_read_back_every_list_and_survive_marshal(lists: list[list[int]]) -> None:
    for packed in (PackedLists(lists), PackedLists.load(marshal.loads(marshal.dumps(PackedLists(lists).dump())))):
        assert len(packed) == len(lists)
        assert [list(packed[i]) for i in range(len(lists))] == lists


def test_bisect_over_many_sorted_strings_agrees_with_a_list_at_every_position() -> None:
    """Past one directory step (every 16th string is kept apart): duplicates, shared prefixes,
    keys before the first, after the last and between any two."""
    rng = random.Random(16)
    ordered = sorted("".join(rng.choice("ab命𠮷") for _ in range(rng.randrange(0, 6))) for _ in range(700))
    packed = PackedStrings(ordered)
    for key in ordered + [k + "a" for k in ordered] + [k[:-1] for k in ordered] + ["", "\U0010ffff"]:
        assert packed.bisect(key) == bisect_left(ordered, key), key
        assert packed.find(key) == (bisect_left(ordered, key) if key in ordered else -1)
