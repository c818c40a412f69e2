"""The annotation service: one consistent snapshot of the entries and their matchers per process,
kept up to date from the change log.

Annotation and checks need every entry in memory and an automaton over them. A snapshot holds
both for one store revision, so a text is always annotated against one version of the glossary
(never a matcher built from older entries than the ones it returns). When the store moves on,
the service reads the change log, fetches the changed entries by id and makes the next snapshot
by patching: the entries in a map over the previous one, the matchers as the *base* matcher
with an *overlay* of the changed entries (glossary.overlay). No request rebuilds a matcher for
a single write; when the overlay has grown past ``overlay_limit`` entries, or after a change of
everything (a big import), a new base is built in a background thread and swapped in, and
requests go on with the last snapshot meanwhile (old content or new, never a mix). The cyclic
garbage collector's work for a new base (``gc.freeze``) happens in that thread too.

The base's entries are held packed (glossary.entries: one blob, an entry decoded when read),
and its matchers refer to them by number: a server's workers share them without copying.
"""

from __future__ import annotations

import bisect
import gc
import logging
import os
import threading
import time
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

from .engine import consistent_read
from .english import EnglishMatcher
from .entries import PackedTerms
from .gcpause import collector_paused
from .matcher import Matcher
from .overlay import PatchedEnglish, PatchedMatcher
from .repository import Repository
from .terms import Domain, Term

__all__ = ["Snapshot", "AnnotationService"]

log = logging.getLogger(__name__)
_ABSENT = object()


class _ById(Mapping[str, Term]):
    """Packed entries by id (decoded when read)."""

    def __init__(self, entries: PackedTerms) -> None:
        self._entries = entries

    def __getitem__(self, term_id: str) -> Term:
        number = self._entries.number(term_id)
        if number < 0:
            raise KeyError(term_id)
        return self._entries[number]

    def __contains__(self, term_id: object) -> bool:
        return isinstance(term_id, str) and self._entries.number(term_id) >= 0

    def __iter__(self) -> Iterator[str]:
        return map(self._entries.id_at, range(len(self._entries)))

    def __len__(self) -> int:
        return len(self._entries)


class _Ordered(Sequence[Term]):
    """Every entry sorted by id: a base's packed ones where they have not changed, the changed
    ones (``extra``) where they have. ``slots[i]`` is a number into the base, or ``~k`` for
    ``extra[k]``."""

    def __init__(self, base: PackedTerms, slots: array[int], extra: list[Term | None]) -> None:
        self.base, self.slots, self.extra = base, slots, extra

    @classmethod
    def of(cls, ordered: Sequence[Term]) -> _Ordered:
        if isinstance(ordered, _Ordered):
            return cls(ordered.base, array("i", ordered.slots), list(ordered.extra))
        assert isinstance(ordered, PackedTerms)
        return cls(ordered, array("i", range(len(ordered))), [])

    def __len__(self) -> int:
        return len(self.slots)

    @overload
    def __getitem__(self, index: int) -> Term: ...

    @overload
    def __getitem__(self, index: slice) -> list[Term]: ...

    def __getitem__(self, index: int | slice) -> Term | list[Term]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        slot = self.slots[index]
        return self.base[slot] if slot >= 0 else self.extra[~slot]  # type: ignore[return-value]

    def __iter__(self) -> Iterator[Term]:
        base, extra = self.base, self.extra
        return (base.decode(slot) if slot >= 0 else extra[~slot] for slot in self.slots)  # type: ignore[misc]

    def id_at(self, index: int) -> str:
        slot = self.slots[index]
        return self.base.id_at(slot) if slot >= 0 else self.extra[~slot].id  # type: ignore[union-attr]

    def ids(self) -> Iterator[str]:
        return map(self.id_at, range(len(self.slots)))

    def put(self, term_id: str, term: Term | None) -> None:
        """Lay a changed entry (None: withdrawn) over its place."""
        at = bisect.bisect_left(range(len(self.slots)), term_id, key=self.id_at)
        present = at < len(self.slots) and self.id_at(at) == term_id
        if present and self.slots[at] < 0:
            self.extra[~self.slots[at]] = term  # this copy's own list: the old snapshot keeps its own
            if term is None:
                del self.slots[at]
        elif term is None:
            if present:
                del self.slots[at]
        else:
            self.extra.append(term)
            self.slots[at:at + 1 if present else at] = array("i", [~(len(self.extra) - 1)])


def _ids(ordered: Sequence[Term]) -> Iterator[str]:
    if isinstance(ordered, (_Ordered, PackedTerms)):
        return ordered.ids()
    return (term.id for term in ordered)


class _Entries(Mapping[str, Term]):
    """Entries by id: the base's, with the changed ones laid over (None: withdrawn)."""

    def __init__(self, base: Mapping[str, Term], changed: Mapping[str, Term | None], ordered: Sequence[Term]) -> None:
        self._base, self._changed, self.ordered = base, changed, ordered

    def __getitem__(self, term_id: str) -> Term:
        found = self._changed.get(term_id, _ABSENT)
        if found is _ABSENT:
            return self._base[term_id]
        if found is None:
            raise KeyError(term_id)
        return found  # type: ignore[return-value]

    def __contains__(self, term_id: object) -> bool:
        found = self._changed.get(term_id, _ABSENT)  # type: ignore[call-overload]
        if found is _ABSENT:
            return term_id in self._base
        return found is not None

    def __iter__(self) -> Iterator[str]:
        return _ids(self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)


@dataclass
class _Base:
    """The entries a base matcher was built from (packed), and its matchers (made once, when
    first asked; they refer to the entries by number)."""

    revision: int
    entries: PackedTerms
    #: The entries as read, while the base's first matcher is built from them (then None).
    decoded: list[Term] | None = None
    matchers: dict[Domain | None, Matcher] = field(default_factory=dict)
    english: dict[Domain | None, EnglishMatcher] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.terms: Mapping[str, Term] = _ById(self.entries)

    @property
    def ordered(self) -> Sequence[Term]:
        return self.entries

    def matcher(self, domain: Domain | None) -> Matcher:
        with self.lock:
            if domain not in self.matchers:
                self.matchers[domain] = Matcher(self.entries, None if domain is None else self.entries.numbers(domain),
                                                self.decoded)
            return self.matchers[domain]

    def english_matcher(self, domain: Domain | None) -> EnglishMatcher:
        with self.lock:
            if domain not in self.english:
                self.english[domain] = EnglishMatcher(
                    self.entries, None if domain is None else self.entries.numbers(domain))
            return self.english[domain]


class Snapshot:
    """The glossary at one store revision: its entries and matchers, read together."""

    def __init__(self, revision: int, base: _Base, changed: dict[str, Term | None], ordered: Sequence[Term]) -> None:
        self.revision = revision
        self.base = base
        #: Entries changed (or withdrawn: None) since the base was built, as they are now.
        self.changed = changed
        self.terms: Mapping[str, Term] = _Entries(base.terms, changed, ordered)
        self._lock = threading.Lock()
        self._matchers: dict[Domain | None, Matcher | PatchedMatcher] = {}
        self._english: dict[Domain | None, EnglishMatcher | PatchedEnglish] = {}

    @property
    def ordered(self) -> Sequence[Term]:
        """Every entry, sorted by id (decoded when read)."""
        return self.terms.ordered  # type: ignore[attr-defined,no-any-return]

    def entries(self, domain: Domain | None = None) -> list[Term]:
        """Every entry (of one domain, if given), sorted by id: only those of the domain decoded."""
        ordered = self.ordered
        if domain is None:
            return list(ordered)
        if isinstance(ordered, PackedTerms):
            return [ordered.decode(number) for number in ordered.numbers(domain)]
        if isinstance(ordered, _Ordered):
            base, extra = ordered.base, ordered.extra
            return [base.decode(slot) if slot >= 0 else extra[~slot] for slot in ordered.slots  # type: ignore[misc]
                    if (base.domain_of(slot) if slot >= 0 else extra[~slot].domain) is domain]  # type: ignore[union-attr]
        return [term for term in ordered if term.domain is domain]

    def matcher(self, domain: Domain | None = None) -> Matcher | PatchedMatcher:
        """The Chinese matcher over this snapshot's entries (of one domain, if given)."""
        with self._lock:
            if domain not in self._matchers:
                base = self.base.matcher(domain)
                self._matchers[domain] = base if not self.changed else PatchedMatcher(
                    base, Matcher(self._overlay(domain)), self.changed)
            return self._matchers[domain]

    def english(self, domain: Domain | None = None) -> EnglishMatcher | PatchedEnglish:
        """The English matcher over this snapshot's entries (of one domain, if given)."""
        with self._lock:
            if domain not in self._english:
                base = self.base.english_matcher(domain)
                self._english[domain] = base if not self.changed else PatchedEnglish(
                    base, EnglishMatcher(self._overlay(domain)), self.changed)
            return self._english[domain]

    def _overlay(self, domain: Domain | None) -> list[Term]:
        return [t for t in self.changed.values() if t is not None and (domain is None or t.domain is domain)]


class AnnotationService:
    """Keeps the current snapshot of one store in this process (see the module docstring)."""

    def __init__(self, repository: Repository, overlay_limit: int = 2000) -> None:
        self.repository = repository
        self.overlay_limit = overlay_limit
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._rebuilding: threading.Thread | None = None
        #: How many times a base was built (a test counts them: a write must not cause one).
        self.builds = 0
        #: The kept snapshot came from the process this one was forked from (see ``after_fork``).
        self._inherited = False

    def snapshot(self) -> Snapshot:
        """The snapshot of the store as it is now (patched, if it moved), or the last one while a
        new base is being built after a change of everything."""
        revision = self.repository.revision()
        with self._lock:
            current = self._snapshot
            if current is None:
                current = self._snapshot = self._full()
            elif revision != current.revision:
                current = self._snapshot = self._advance(current, wait=self._inherited)
            self._inherited = False
            return current

    def after_fork(self) -> None:
        """In a forked process (a server's worker): the snapshot it inherited may be older than
        the store by a change of everything (a worker the master started long after it built
        it). Its first request then builds a new base before answering, as a worker without a
        snapshot would, rather than answer from content other workers have long left behind."""
        self._inherited = True
        self._rebuilding = None  # the parent's thread, if any, does not exist here

    def refresh(self) -> Snapshot | None:
        """Bring a kept snapshot up to date now, building a new base if the change needs one
        (after an import made by this process: the importer pays, not a later request)."""
        with self._lock:
            current = self._snapshot
            if current is None:
                return None  # nothing kept yet: the first annotation builds it
            _revision, changed = self.repository.changes_since(current.revision)
            return self._set(self._full() if changed is None else self._advance(current))

    def _set(self, snapshot: Snapshot) -> Snapshot:
        self._snapshot = snapshot
        return snapshot

    def _full(self) -> Snapshot:
        """A snapshot with a new base over every entry, read in one transaction."""
        started = time.perf_counter()
        return self._on_new_base(started)

    def _on_new_base(self, started: float) -> Snapshot:
        """A snapshot with a new base over every entry as the store has them now."""
        revision, terms = self.repository.all_terms()
        with collector_paused():
            base = _Base(revision, PackedTerms(terms), terms)
            base.matcher(None)  # the default matcher is built with the base; others when asked
            base.decoded = None
        del terms  # the entries are kept packed only, from here on
        self.builds += 1
        # one line per build: a server builds once, before its workers fork, and a worker only
        # after a change of everything (tests count these lines)
        log.info("annotation snapshot built: %d entries at revision %d in %.1f s (process %d)",
                 len(base.ordered), base.revision, time.perf_counter() - started, os.getpid())
        # Built from acyclic values, the entries and automata are freed by reference counting
        # when replaced: move them out of the collected generations so that full collections
        # do not walk them (pauses of 0.1-0.8 s seen on the 117k-entry store).
        gc.collect()
        gc.freeze()
        return Snapshot(base.revision, base, {}, base.ordered)

    def _advance(self, current: Snapshot, wait: bool = False) -> Snapshot:
        """The next snapshot: the changed entries patched in, or (after a change of everything)
        the current one while a new base is built in the background (``wait``: a new one)."""
        # the revision, what changed and the changed entries, all from one state of the store
        with consistent_read(self.repository.engine) as connection:
            revision, changed = self.repository.changes_since(current.revision, connection)
            if changed is not None:
                fresh = self.repository.terms_by_id(connection, sorted(changed))
        if changed is None:
            if wait:
                return self._full()
            self._rebuild_in_background()
            return current
        patched = dict(current.changed)
        ordered = _Ordered.of(current.ordered)
        for term_id in sorted(changed):
            term = fresh.get(term_id)
            ordered.put(term_id, term)
            patched[term_id] = term
        snapshot = Snapshot(revision, current.base, patched, ordered)
        if len(patched) > self.overlay_limit:
            self._rebuild_in_background()
        return snapshot

    def _rebuild_in_background(self) -> None:
        """Build a new base from the current state in a thread, and swap it in when ready."""
        if self._rebuilding is not None and self._rebuilding.is_alive():
            return

        def rebuild() -> None:
            try:
                started = time.perf_counter()
                fresh = self._on_new_base(started)
                with self._lock:
                    current = self._snapshot
                    if current is None or current.revision <= fresh.revision:
                        self._snapshot = fresh
                    else:  # the store moved on while the base was built: keep those changes
                        built = fresh.base.terms
                        changed = {i: t for i, t in current.changed.items()
                                   if (t is None) != (i not in built) or (t is not None and t.version != built[i].version)}
                        self._snapshot = Snapshot(current.revision, fresh.base, changed, current.ordered)
            except Exception:  # noqa: BLE001 - a failed rebuild leaves the last snapshot in use
                log.exception("rebuilding the annotation snapshot failed; the previous one stays in use")

        self._rebuilding = threading.Thread(target=rebuild, name="glossary-snapshot", daemon=True)
        self._rebuilding.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background rebuild to finish (tests, benchmarks)."""
        if self._rebuilding is not None:
            self._rebuilding.join(timeout)
