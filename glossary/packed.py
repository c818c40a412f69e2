"""Many strings held as one: a blob and an offsets array, read by slicing.

A server builds its indexes once and forks workers that share them copy-on-write; but CPython
writes an object's reference count whenever it reads it, so a worker that reads a few strings
here and there copies every page they lie on. Held as millions of small ``str`` objects, a
117k-entry index costs a worker its whole size after a minute of traffic; held as one blob
and one array, reading an item makes a new small string and writes nothing shared, and the
whole is a fraction of the size (no object header, hash or pointer per item).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

__all__ = ["PackedStrings", "PackedLists"]


def _array(typecode: str, data: bytes) -> array[int]:
    found = array(typecode)
    found.frombytes(data)
    return found


#: Every how many strings a sorted PackedStrings keeps one as a ``str`` to bisect at C speed.
_STEP = 16


class PackedStrings(Sequence[str]):
    """A read-only sequence of strings, UTF-8 in one ``bytes``, and an ``array`` of where each
    starts. (UTF-8, not one ``str``: a single character outside the BMP among 117k glosses
    would make a ``str`` four bytes a character.)

    Sorted, it is searched with ``bisect`` like a list (``find``, ``prefixed``).

    >>> words = PackedStrings(["mingyun", "mingyungongtongti", "minzu"])
    >>> words[1], len(words), words.find("minzu"), list(words.prefixed("mingyun", 5))
    ('mingyungongtongti', 3, 2, [(0, 'mingyun'), (1, 'mingyungongtongti')])
    """

    __slots__ = ("_blob", "_starts", "_directory")

    def __init__(self, items: Iterable[str] = ()) -> None:
        encoded = [text.encode() for text in items]
        starts = array("i", [0])
        position = 0
        for data in encoded:
            position += len(data)
            starts.append(position)  # OverflowError past 2 GiB
        self._blob = b"".join(encoded)
        self._starts = starts
        self._directory = self._every(_STEP)

    def dump(self) -> tuple[bytes, bytes]:
        """A state ``load`` takes (for marshal: two bytes)."""
        return self._blob, self._starts.tobytes()

    @classmethod
    def load(cls, state: tuple[bytes, bytes]) -> PackedStrings:
        packed = cls.__new__(cls)
        packed._blob, packed._starts = state[0], _array("i", state[1])
        packed._directory = packed._every(_STEP)
        return packed

    def _every(self, step: int) -> list[str]:
        return [self[position] for position in range(0, len(self), step)]

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, number: int) -> str: ...

    @overload
    def __getitem__(self, number: slice) -> list[str]: ...

    def __getitem__(self, number: int | slice) -> str | list[str]:
        starts = self._starts
        if isinstance(number, int) and number >= 0:  # IndexError past the end, from the array
            return self._blob[starts[number]:starts[number + 1]].decode()
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        if number + len(self) < 0:
            raise IndexError("PackedStrings index out of range")
        return self[number + len(self)]

    def __iter__(self) -> Iterator[str]:
        blob, starts = self._blob, self._starts
        return (blob[starts[i]:starts[i + 1]].decode() for i in range(len(starts) - 1))

    def bisect(self, key: str) -> int:
        """Where ``key`` would go in sorted strings (``bisect.bisect_left``): a bisection of the
        directory of every ``_STEP``-th string at C speed, then of one step's strings."""
        block = bisect_left(self._directory, key)  # directory[block - 1] < key <= directory[block]
        low = max(0, (block - 1) * _STEP + 1)
        high = min(len(self), block * _STEP)
        blob, starts = self._blob, self._starts
        while low < high:
            middle = (low + high) // 2
            if blob[starts[middle]:starts[middle + 1]].decode() < key:
                low = middle + 1
            else:
                high = middle
        return low

    def find(self, key: str) -> int:
        """Where ``key`` is, in sorted strings; -1 when it is not there."""
        at = self.bisect(key)
        return at if at < len(self) and self[at] == key else -1

    def prefixed(self, prefix: str, most: int) -> Iterator[tuple[int, str]]:
        """Up to ``most`` (position, string) of sorted strings that start with ``prefix``, in order."""
        start = self.bisect(prefix)
        blob, starts = self._blob, self._starts
        for position in range(start, min(start + most, len(self))):
            text = blob[starts[position]:starts[position + 1]].decode()
            if not text.startswith(prefix):
                return
            yield position, text


class PackedLists:
    """A sequence of integer lists (entry numbers) in one ``array`` with where each starts; an
    item is a ``memoryview`` of its numbers (no copy)."""

    __slots__ = ("_values", "_starts", "_view")

    def __init__(self, lists: Iterable[Iterable[int]] = ()) -> None:
        values = array("i")
        starts = array("i", [0])
        for numbers in lists:
            values.extend(numbers)
            starts.append(len(values))
        self._values, self._starts = values, starts
        self._view = memoryview(values)

    def dump(self) -> tuple[bytes, bytes]:
        return self._values.tobytes(), self._starts.tobytes()

    @classmethod
    def load(cls, state: tuple[bytes, bytes]) -> PackedLists:
        packed = cls.__new__(cls)
        packed._values, packed._starts = _array("i", state[0]), _array("i", state[1])
        packed._view = memoryview(packed._values)
        return packed

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, number: int) -> memoryview:
        return self._view[self._starts[number]:self._starts[number + 1]]
