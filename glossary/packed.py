"""Many strings held as one: a blob and an offsets array, read by slicing.

A server builds its indexes once and forks workers that share them copy-on-write; but CPython
writes an object's reference count whenever it reads it, so a worker that reads a few strings
here and there copies every page they lie on. Held as millions of small ``str`` objects, a
117k-entry index costs a worker its whole size after a minute of traffic; held as one blob
and one array, reading an item makes a new small string and writes nothing shared, and the
whole is a fraction of the size (no object header, hash or pointer per item).
"""

from __future__ import annotations

import marshal
import mmap
import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal, overload

__all__ = ["PackedStrings", "PackedLists", "ImageWriter", "Image", "StringColumn", "KeyTable", "ListTable"]


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


# --- images: packed tables in one buffer a process can map --------------------------------------
#
# An image is one file (or one ``bytes``) holding named sections: a prelude (magic, the CRC-32
# of everything after it, where the header is, the total size), the sections, each aligned to
# 8 bytes, and a header (marshal: a tag saying what the image is, the byte order, each
# section's offset and length). Mapped read-only, it costs a process nothing until it reads a
# page, and a page it reads is the page cache's, shared with every process that reads it:
# forked workers do not copy it and count only the pages they touched.

_MAGIC = b"GLPACK01"
_PRELUDE = struct.Struct("<8sIIQQ")  # magic, CRC-32 of the rest, header length, header offset, total size
_ALIGN = 8


class ImageWriter:
    """Sections added one after another; ``finish`` gives the whole image as ``bytes``. Each
    ``add`` says where its section starts in the image, so that a later section can hold
    offsets into an earlier one."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = _PRELUDE.size
        self._sections: dict[str, tuple[int, int]] = {}

    def add(self, name: str, data: bytes) -> int:
        if name in self._sections:
            raise ValueError(f"two sections named {name!r}")
        padding = -self._size % _ALIGN
        if padding:
            self._parts.append(bytes(padding))
            self._size += padding
        offset = self._size
        self._parts.append(data)
        self._size += len(data)
        self._sections[name] = (offset, len(data))
        return offset

    def finish(self, tag: str) -> bytes:
        header = marshal.dumps({"tag": tag, "byteorder": sys.byteorder, "sections": self._sections})
        body = b"".join([*self._parts, header])
        total = self._size + len(header)
        if total >= 1 << 32:  # offsets are held as 32-bit numbers
            raise OverflowError("an image of 4 GiB or more")
        return _PRELUDE.pack(_MAGIC, zlib.crc32(body), len(header), self._size, total) + body


class Image:
    """A finished image's sections, read in place from ``buffer`` (``bytes``, or an ``mmap``:
    see ``Image.open``). ``ValueError`` when the buffer is not an image with this ``tag``."""

    __slots__ = ("buffer", "_sections")

    def __init__(self, buffer: bytes | mmap.mmap, tag: str, checked: bool = False) -> None:
        if len(buffer) < _PRELUDE.size:
            raise ValueError("shorter than an image's prelude")
        magic, crc, header_length, header_offset, total = _PRELUDE.unpack(buffer[:_PRELUDE.size])
        if magic != _MAGIC:
            raise ValueError("not an image (magic)")
        if total != len(buffer) or header_offset + header_length != total:
            raise ValueError(f"{len(buffer):,} bytes where the prelude says {total:,}: truncated or grown")
        if not checked and zlib.crc32(memoryview(buffer)[_PRELUDE.size:]) != crc:
            raise ValueError("its checksum does not match: corrupt")
        try:
            header = marshal.loads(buffer[header_offset:total])
        except (ValueError, EOFError, TypeError) as error:
            raise ValueError(f"its header is unreadable ({error})") from None
        if not isinstance(header, dict) or header.get("tag") != tag:
            raise ValueError(f"not the image wanted ({tag!r})")
        if header.get("byteorder") != sys.byteorder:
            raise ValueError("written on a machine of another byte order")
        sections = header.get("sections")
        if not isinstance(sections, dict) or any(
                not (_PRELUDE.size <= offset and offset + length <= header_offset) for offset, length in sections.values()):
            raise ValueError("a section lies outside the image")
        self.buffer = buffer
        self._sections: dict[str, tuple[int, int]] = sections

    @classmethod
    def open(cls, path: Path, tag: str) -> Image:
        """The image in a file, mapped read-only after its checksum is checked (read through the
        file, not the map: checking leaves no page of the map in this process). ``OSError`` when
        it cannot be read, ``ValueError`` when it is not a whole, intact image with this tag."""
        with path.open("rb") as handle:
            prelude = handle.read(_PRELUDE.size)
            if len(prelude) < _PRELUDE.size or prelude[:len(_MAGIC)] != _MAGIC:
                raise ValueError("not an image (magic)")
            crc = 0
            chunk = bytearray(1 << 20)
            while read := handle.readinto(chunk):
                crc = zlib.crc32(memoryview(chunk)[:read], crc)
            if crc != _PRELUDE.unpack(prelude)[1]:
                raise ValueError("its checksum does not match: corrupt or truncated")
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # the same file as read
        return cls(mapped, tag, checked=True)

    def has(self, name: str) -> bool:
        return name in self._sections

    def span(self, name: str) -> tuple[int, int]:
        """Where a section starts in ``buffer`` and its length; ``ValueError`` when there is none."""
        try:
            return self._sections[name]
        except KeyError:
            raise ValueError(f"the image has no section {name!r}") from None

    def ints(self, name: str, typecode: Literal["B", "i", "I"] = "I") -> memoryview[int]:
        """A section of numbers (``array`` typecode ``typecode``) as a memoryview read in place."""
        offset, length = self.span(name)
        return memoryview(self.buffer)[offset:offset + length].cast(typecode)


class StringColumn:
    """Strings in an image, read by number: UTF-8, each followed by a NUL, and a section of
    where each starts (``name.text``, ``name.starts``: absolute positions in the image, so that
    a read is one slice of the buffer)."""

    __slots__ = ("_buffer", "_starts", "_count")

    @staticmethod
    def pack(writer: ImageWriter, name: str, items: Iterable[str]) -> list[bytes]:
        """Adds the strings' sections; gives them encoded (for what else a table adds)."""
        encoded = [item.encode() for item in items]
        if any(b"\0" in data for data in encoded):
            raise ValueError(f"a string with a NUL in {name!r}")
        offset = writer.add(f"{name}.text", b"".join(data + b"\0" for data in encoded))
        starts = array("I", [offset])
        for data in encoded:
            offset += len(data) + 1
            starts.append(offset)
        writer.add(f"{name}.starts", starts.tobytes())
        return encoded

    def __init__(self, image: Image, name: str) -> None:
        self._buffer = image.buffer
        self._starts = image.ints(f"{name}.starts")
        self._count = len(self._starts) - 1
        offset, length = image.span(f"{name}.text")
        if self._count < 0 or self._starts[0] != offset or self._starts[-1] != offset + length:
            raise ValueError(f"the image's {name!r} does not hold together")

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, number: int) -> str:
        if not 0 <= number < self._count:
            raise IndexError(f"{number} is not a position of {self._count} strings")
        return self._buffer[self._starts[number]:self._starts[number + 1] - 1].decode()

    def __iter__(self) -> Iterator[str]:
        return (self[number] for number in range(self._count))

    def parts(self) -> tuple[bytes | mmap.mmap, memoryview[int]]:
        """The buffer and the strings' starts, for loops that read many: string ``n`` is
        ``buffer[starts[n]:starts[n + 1] - 1]``."""
        return self._buffer, self._starts

    def raw(self, number: int) -> bytes:
        """A string's UTF-8 (no NUL)."""
        return self._buffer[self._starts[number]:self._starts[number + 1] - 1]


class KeyTable(StringColumn):
    """Sorted strings in an image (a ``StringColumn``), found by prefix and, when hashed,
    exactly. Sorted as ``str`` sorts them (UTF-8 keeps the order of code points), so that
    ``bisect`` answers as ``bisect.bisect_left`` over the list of them would.

    Finding a prefix bisects a directory of every ``_STEP``-th key (a list, at C speed), then
    the block's keys, split out of the buffer in one slice (each key ends in a NUL). A hashed table also holds an open-addressing table of the
    keys' CRC-32 (``name.slots``: a key's number + 1, 0 for none): ``find`` reads a slot or two
    and compares one slice.
    """

    __slots__ = ("_slots", "_mask", "_directory")

    @staticmethod
    def pack(writer: ImageWriter, name: str, items: Iterable[str], hashed: bool = False) -> list[bytes]:
        keys = list(items)
        if any(before > after for before, after in zip(keys, keys[1:])):
            raise ValueError(f"the keys of {name!r} are not sorted")
        encoded = StringColumn.pack(writer, name, keys)
        if hashed:
            if any(before == after for before, after in zip(keys, keys[1:])):
                raise ValueError(f"a hashed table with a key twice ({name!r})")
            size = 1 << max(3, (2 * len(encoded) - 1).bit_length())  # at most half full
            mask = size - 1
            slots = array("I", bytes(4 * size))
            for number, data in enumerate(encoded):
                slot = zlib.crc32(data) & mask
                while slots[slot]:
                    slot = (slot + 1) & mask
                slots[slot] = number + 1
            writer.add(f"{name}.slots", slots.tobytes())
        writer.add(f"{name}.directory", b"\0".join(encoded[::_STEP]))
        return encoded

    def __init__(self, image: Image, name: str, directory: bool = True) -> None:
        """``directory``: whether ``bisect`` is wanted (a table only ``find`` reads needs none)."""
        super().__init__(image, name)
        if image.has(f"{name}.slots"):
            self._slots: memoryview | None = image.ints(f"{name}.slots")
            self._mask = len(self._slots) - 1
            if len(self._slots) & self._mask or len(self._slots) < self._count:
                raise ValueError(f"the image's {name!r} slots do not hold together")
        else:
            self._slots, self._mask = None, 0
        #: every _STEP-th key, to bisect at C speed (a list made when the table is opened, from
        #: its own small section: opening reads no page of the keys)
        self._directory: list[bytes] = []
        if directory and self._count:
            offset, length = image.span(f"{name}.directory")
            self._directory = self._buffer[offset:offset + length].split(b"\0")
            if len(self._directory) != (self._count + _STEP - 1) // _STEP:
                raise ValueError(f"the image's {name!r} directory does not hold together")

    def bisect(self, key: bytes) -> int:
        """Where UTF-8 ``key`` would go among the keys (as ``bisect_left``): the directory's
        block, then the block's keys, split out of the buffer in one slice, both at C speed."""
        block = bisect_left(self._directory, key)  # directory[block - 1] < key <= directory[block]
        low = max(0, (block - 1) * _STEP + 1)
        high = min(self._count, block * _STEP)
        if low >= high:
            return low
        starts = self._starts
        return low + bisect_left(self._buffer[starts[low]:starts[high] - 1].split(b"\0"), key)

    def between(self, low: bytes, high: bytes, most: int) -> list[tuple[int, int]]:
        """(position, length in bytes) of the first ``most`` keys ``low <= key < high``, in order."""
        return self.scan(self.bisect(low), high, most)

    def scan(self, start: int, high: bytes, most: int) -> list[tuple[int, int]]:
        """(position, length in bytes) of the first ``most`` keys from position ``start`` on
        that sort before ``high``, in order (read a few at a time, then more)."""
        end = min(start + most, self._count)
        buffer, starts = self._buffer, self._starts
        found: list[tuple[int, int]] = []
        position, chunk = start, 8
        while position < end:
            after = min(end, position + chunk)
            keys = buffer[starts[position]:starts[after] - 1].split(b"\0")
            before = bisect_left(keys, high)
            found += [(position + number, len(keys[number])) for number in range(before)]
            if before < len(keys):
                break
            position, chunk = after, chunk * 4
        return found

    def find(self, key: str | bytes) -> int:
        """The number of a key of a hashed table; -1 when it is not there."""
        data = key.encode("utf-8", "surrogatepass") if isinstance(key, str) else key
        slots, mask, buffer, starts = self._slots, self._mask, self._buffer, self._starts
        if slots is None:
            raise TypeError("find on a table without slots")
        slot = zlib.crc32(data) & mask
        size = len(data) + 1
        while number := slots[slot]:
            start = starts[number - 1]
            if starts[number] - start == size and buffer[start:start + size - 1] == data:
                return number - 1
            slot = (slot + 1) & mask
        return -1


class ListTable:
    """Lists of numbers in an image, read by number as memoryviews (no copy): the numbers in
    one section (``name.values``, typecode ``i``) and where each list starts (``name.bounds``)."""

    __slots__ = ("_values", "_bounds")

    @staticmethod
    def pack(writer: ImageWriter, name: str, lists: Iterable[Iterable[int]]) -> None:
        values = array("i")
        bounds = array("I", [0])
        for numbers in lists:
            values.extend(numbers)
            bounds.append(len(values))
        writer.add(f"{name}.values", values.tobytes())
        writer.add(f"{name}.bounds", bounds.tobytes())

    def __init__(self, image: Image, name: str) -> None:
        self._values = image.ints(f"{name}.values", "i")
        self._bounds = image.ints(f"{name}.bounds")
        if not len(self._bounds) or self._bounds[0] != 0 or self._bounds[-1] != len(self._values):
            raise ValueError(f"the image's {name!r} does not hold together")

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def __getitem__(self, number: int) -> memoryview:
        return self._values[self._bounds[number]:self._bounds[number + 1]]

    def first(self, number: int) -> int:
        return self._values[self._bounds[number]]
