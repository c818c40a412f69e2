"""The annotation snapshot's entries held packed: each ``Term`` one ``marshal`` record in a
single ``bytes``, decoded when a match, a check or an export reads it.

A server builds its snapshot in the master and forks workers that share it copy-on-write; but
CPython writes an object's reference count whenever it reads it, so a worker that reads a few
entries here and there copies every page they lie on. As 117k ``Term`` objects the entries were
~150 MB of Python objects (strings, renderings, JSON-decoded lists, pinyin styles …) that every
worker ended up copying; packed they are one blob and two arrays (see ``glossary.packed``), and
reading an entry makes a new ``Term`` that writes nothing shared.

Decoded terms are kept in a small cache (``CACHE`` terms, least recently used first out), so
that a term many matches of one text read is decoded once; callers that read one term per
match over a whole text (``Matcher.find``, ``EnglishMatcher.find``, ``check``) keep their own
memo per call besides, so that decoding stays per distinct entry even past the cache's bound.
"""

from __future__ import annotations

import marshal
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, overload

from .packed import PackedStrings
from .terms import Domain, Form, FormKind, Hit, Rendering, Status, Term

__all__ = ["PackedTerms", "Subset", "CACHE"]

#: How many decoded terms a PackedTerms keeps (least recently used first out): a few MB.
CACHE = 2048

_STATUSES = tuple(Status)
_STATUS_NUMBER = {status: number for number, status in enumerate(_STATUSES)}
_DOMAINS = tuple(Domain)
_DOMAIN_NUMBER = {domain: number for number, domain in enumerate(_DOMAINS)}
_KINDS = tuple(FormKind)
_KIND_NUMBER = {kind: number for number, kind in enumerate(_KINDS)}
#: Term's fields in the order a record holds them.
_FIELDS = ("id", "simplified", "traditional", "pinyin", "domain", "definition", "renderings", "variants",
           "sources", "related", "traditional_curated", "pinyin_curated", "pinyin_note", "created_at",
           "updated_at", "version", "hit", "pinyin_styles")
assert set(_FIELDS) == set(Term.__dataclass_fields__), "a Term field the packed record does not hold"
#: A value that this many entries share (a 117k-entry import gives every entry the same source and
#: the same two times) is kept once as an object, and the records refer to it by number.
_SHARED_FROM = 4


class PackedTerms(Sequence[Term]):
    """Terms, sorted by id, as one blob of records; ``terms[number]`` decodes one (cached).

    >>> from glossary.terms import Rendering, Status
    >>> one = Term("a", "一", "一", "yī", Domain.GENERAL, "one", (Rendering("one", Status.PREFERRED),))
    >>> two = Term("b", "二", "二", "èr", Domain.GENERAL, "", (Rendering("two", Status.PREFERRED),))
    >>> packed = PackedTerms([one, two])
    >>> packed[1] == two, packed.number("a"), packed.id_at(1), packed.number("c")
    (True, 0, 'b', -1)
    """

    __slots__ = ("_blob", "_starts", "_ids", "_domains", "_shared", "_cached", "__weakref__")

    def __init__(self, terms: Sequence[Term]) -> None:
        """``terms``: sorted by id, each id once (as ``Repository.all_terms`` gives them)."""
        counts: Counter[Any] = Counter()
        values: dict[Any, Any] = {}
        keys: dict[int, tuple[int, str | None, Any]] = {}  # by id(): the store reads equal times as one object
        for term in terms:
            for moment in (term.created_at, term.updated_at):
                key = keys.get(id(moment))
                if key is None:
                    key = keys[id(moment)] = _moment_key(moment)
                    values.setdefault(key, moment)
                counts[key] += 1
            counts[1, term.sources] += 1
        shared: dict[Any, int] = {}
        for key, count in counts.items():
            if count >= _SHARED_FROM and key[1] is not None and key[1] != ():
                shared[key] = len(shared)
        kept = [key[1] if key[0] == 1 else values[key] for key in shared]
        moments: dict[int, int | str | None] = {}
        for number, key in keys.items():
            moment = values[key]
            at = shared.get(key)
            if at is None and moment is not None:
                written = moment.isoformat()
                back = datetime.fromisoformat(written)
                if back == moment and back.tzinfo == moment.tzinfo and back.utcoffset() == moment.utcoffset():
                    moments[number] = written
                    continue
                at = len(kept)  # a time its text does not give back (a named zone): kept as it is
                kept.append(moment)
            moments[number] = at
        self._shared: tuple[Any, ...] = tuple(kept)
        records = [marshal.dumps(_record(term, shared, moments)) for term in terms]
        starts = array("q", [0])
        position = 0
        for record in records:
            position += len(record)
            starts.append(position)
        self._blob = b"".join(records)
        self._starts = starts
        self._ids = PackedStrings(term.id for term in terms)
        self._domains = bytes(_DOMAIN_NUMBER[term.domain] for term in terms)
        self._cached = lru_cache(maxsize=CACHE)(self.decode)

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, number: int) -> Term: ...

    @overload
    def __getitem__(self, number: slice) -> list[Term]: ...

    def __getitem__(self, number: int | slice) -> Term | list[Term]:
        if isinstance(number, slice):
            return [self.decode(i) for i in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
            if number < 0:
                raise IndexError("PackedTerms index out of range")
        return self._cached(number)

    def __iter__(self) -> Iterator[Term]:
        """Every term, decoded afresh (a whole pass would only push the cached ones out)."""
        return map(self.decode, range(len(self)))

    def decode(self, number: int) -> Term:
        """Entry ``number`` as a new Term (not cached; IndexError past the end)."""
        starts = self._starts
        (term_id, simplified, traditional, pinyin, domain, definition, renderings, variants, sources, related,
         traditional_curated, pinyin_curated, pinyin_note, created, updated, version, hit,
         styles) = marshal.loads(self._blob[starts[number]:starts[number + 1]])
        shared = self._shared
        made = tuple([Rendering(text, _STATUSES[status], years, note, source)
                      for text, status, years, note, source in renderings])
        term = object.__new__(Term)
        term.__dict__.update(zip(_FIELDS, (
            term_id, simplified, simplified if traditional is None else traditional, pinyin, _DOMAINS[domain],
            made[definition].text if type(definition) is int else definition, made,
            tuple([Form(text, _KINDS[kind], form_pinyin) for text, kind, form_pinyin in variants]),
            shared[sources] if type(sources) is int else sources, related, traditional_curated, pinyin_curated,
            pinyin_note, _moment(created, shared), _moment(updated, shared), version,
            None if hit is None else Hit(hit[0], hit[1], hit[2], None if hit[3] is None else _STATUSES[hit[3]]),
            styles)))
        return term

    def id_at(self, number: int) -> str:
        """The id of entry ``number``, read without decoding it."""
        return self._ids[number]

    def ids(self) -> Iterator[str]:
        """Every entry's id, in order, without decoding the entries."""
        return map(self.id_at, range(len(self)))

    def number(self, term_id: str) -> int:
        """The number of the entry with this id; -1 when there is none."""
        return self._ids.find(term_id)

    def domain_of(self, number: int) -> Domain:
        return _DOMAINS[self._domains[number]]

    def numbers(self, domain: Domain | None = None) -> list[int]:
        """The numbers of the entries of a domain (None: all), in order."""
        if domain is None:
            return list(range(len(self)))
        wanted = _DOMAIN_NUMBER[domain]
        return [number for number, found in enumerate(self._domains) if found == wanted]

    def nbytes(self) -> int:
        """Bytes held by the blob and the arrays (not the few shared values)."""
        ids_blob, ids_starts = self._ids.dump()
        return (len(self._blob) + len(self._starts) * self._starts.itemsize + len(ids_blob) + len(ids_starts)
                + len(self._domains))


def _record(term: Term, shared: dict[Any, int], moments: dict[int, int | str | None]) -> tuple[Any, ...]:
    """A term as a tuple of marshal-able values (``PackedTerms.decode`` reads it back)."""
    renderings = tuple((r.text, _STATUS_NUMBER[r.status], r.years, r.note, r.source) for r in term.renderings)
    definition: str | int = term.definition
    for number, rendering in enumerate(term.renderings):
        if rendering.text == term.definition:
            definition = number  # decoded as the rendering's string: one object, as the store reads it
            break
    hit = term.hit
    return (term.id, term.simplified, None if term.traditional == term.simplified else term.traditional,
            term.pinyin, _DOMAIN_NUMBER[term.domain], definition, renderings,
            tuple((f.text, _KIND_NUMBER[f.kind], f.pinyin) for f in term.variants),
            shared.get((1, term.sources), tuple(term.sources)), tuple(term.related),
            term.traditional_curated, term.pinyin_curated, term.pinyin_note,
            moments[id(term.created_at)], moments[id(term.updated_at)], term.version,
            None if hit is None else (hit.field, hit.kind, hit.text,
                                      None if hit.status is None else _STATUS_NUMBER[hit.status]),
            None if term.pinyin_styles is None else tuple(term.pinyin_styles))


def _moment_key(moment: datetime | None) -> tuple[int, str | None, Any]:
    """Times are shared by how they are written and their zone (equal times in two zones stay apart)."""
    return (2, None, None) if moment is None else (2, moment.isoformat(), moment.tzinfo)


def _moment(stored: int | str | None, shared: tuple[Any, ...]) -> datetime | None:
    if stored is None:
        return None
    if type(stored) is int:
        return shared[stored]  # type: ignore[no-any-return]
    return datetime.fromisoformat(stored)  # type: ignore[arg-type]


class Subset(Sequence[Term]):
    """Some entries of a PackedTerms (a domain's), renumbered from 0."""

    __slots__ = ("_entries", "_numbers")

    def __init__(self, entries: PackedTerms, numbers: Iterable[int]) -> None:
        self._entries, self._numbers = entries, array("i", numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, number: int) -> Term: ...

    @overload
    def __getitem__(self, number: slice) -> list[Term]: ...

    def __getitem__(self, number: int | slice) -> Term | list[Term]:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        return self._entries[self._numbers[number]]

    def __iter__(self) -> Iterator[Term]:
        """Every term, decoded afresh (uncached, as ``PackedTerms.__iter__``)."""
        return map(self._entries.decode, self._numbers)
