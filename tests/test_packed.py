"""Strings and integer lists packed into one object each (glossary.packed): read back exactly,
searched like sorted lists, and kept through dump/load; images of such tables read in place,
from a mapped file or bytes, and refused when truncated or corrupt."""

from __future__ import annotations

import marshal
import mmap
import random
from array import array
from bisect import bisect_left
from pathlib import Path

import pytest

from glossary.packed import Image, ImageWriter, KeyTable, ListTable, PackedLists, PackedStrings, StringColumn

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


# --- images: sections a process maps (Image, StringColumn, KeyTable, ListTable) -----------------

TAG = "test image v1"


def _image(keys: list[str], lists: list[list[int]]) -> bytes:
    writer = ImageWriter()
    StringColumn.pack(writer, "column", WORDS)
    KeyTable.pack(writer, "keys", keys, hashed=len(set(keys)) == len(keys))
    ListTable.pack(writer, "lists", lists)
    writer.add("numbers", array("i", [5, -1, 2**31 - 1]).tobytes())
    return writer.finish(TAG)


def _opened(tmp_path: Path, data: bytes) -> list[Image]:
    path = tmp_path / "test.image"
    path.write_bytes(data)
    return [Image(data, TAG), Image.open(path, TAG)]


def test_an_image_reads_back_every_section_in_place_mapped_or_in_memory(tmp_path: Path) -> None:
    keys = sorted(set(WORDS))
    lists = [[3, 1, 2], [], [7], [0, 0, 5], [2**31 - 1, -5]]
    for image in _opened(tmp_path, _image(keys, lists)):
        column = StringColumn(image, "column")
        assert list(column) == [column[n] for n in range(len(WORDS))] == WORDS
        with pytest.raises(IndexError):
            column[len(WORDS)]
        table = ListTable(image, "lists")
        assert [list(table[n]) for n in range(len(table))] == lists
        assert [table.first(n) for n in (0, 2, 3)] == [3, 7, 0]
        assert list(image.ints("numbers", "i")) == [5, -1, 2**31 - 1]
        assert KeyTable(image, "keys").find("命运") == keys.index("命运")
    assert isinstance(_opened(tmp_path, _image(keys, lists))[1].buffer, mmap.mmap)


def test_key_tables_find_bisect_and_scan_as_a_sorted_list_does() -> None:
    """Past many directory steps: shared prefixes, characters of every UTF-8 length, keys
    before the first, after the last and between any two; queries with a NUL or a lone surrogate."""
    rng = random.Random(17)
    distinct = sorted({"".join(rng.choice("ab命𠮷é") for _ in range(rng.randrange(0, 7))) for _ in range(900)})
    repeated = sorted(rng.choice(distinct) for _ in range(700))  # a pinyin table has a key many times
    for ordered, hashed in ((distinct, True), (repeated, False)):
        writer = ImageWriter()
        KeyTable.pack(writer, "keys", ordered, hashed=hashed)
        table = KeyTable(Image(writer.finish(TAG), TAG), "keys")
        assert list(table) == ordered
        queries = ordered + [k + "a" for k in ordered] + [k[:-1] for k in ordered] + ["", "\U0010ffff", "a\0b", "\0",
                                                                                     "命\ud800", "\ud800"]
        for key in queries:
            data = key.encode("utf-8", "surrogatepass")
            at = bisect_left(ordered, key)
            assert table.bisect(data) == at, key
            high = key + "\U0010ffff"
            for most in (0, 1, 5, 40, 1000):
                expected = [(p, len(ordered[p].encode())) for p in range(at, min(at + most, len(ordered))) if ordered[p] < high]
                assert table.between(data, high.encode("utf-8", "surrogatepass"), most) == expected, (key, most)
            if hashed:
                assert table.find(key) == (at if key in ordered else -1), key
                assert table.find(data) == table.find(key)


def test_a_truncated_corrupt_or_foreign_image_is_refused(tmp_path: Path) -> None:
    data = _image(sorted(set(WORDS)), [[1]])
    path = tmp_path / "test.image"
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x40
    for broken in (data[:-1], data[:len(data) // 2], data[:10], b"", bytes(flipped), data + b"\0", b"x" * len(data)):
        path.write_bytes(broken)
        with pytest.raises(ValueError):
            Image.open(path, TAG)
        with pytest.raises(ValueError):
            Image(broken, TAG)
    path.write_bytes(data)
    with pytest.raises(ValueError, match="not the image wanted"):
        Image.open(path, "another tag")
    assert Image.open(path, TAG).has("keys.slots")


def test_a_sorted_table_must_be_packed_sorted_and_a_hashed_one_without_repeats() -> None:
    with pytest.raises(ValueError, match="not sorted"):
        KeyTable.pack(ImageWriter(), "keys", ["b", "a"])
    with pytest.raises(ValueError, match="twice"):
        KeyTable.pack(ImageWriter(), "keys", ["a", "a"], hashed=True)
    with pytest.raises(ValueError, match="NUL"):
        StringColumn.pack(ImageWriter(), "column", ["a\0"])
