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
"""

from __future__ import annotations

import bisect
import gc
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .engine import consistent_read
from .english import EnglishMatcher
from .gcpause import collector_paused
from .matcher import Matcher
from .overlay import PatchedEnglish, PatchedMatcher
from .repository import Repository
from .terms import Domain, Term

__all__ = ["Snapshot", "AnnotationService"]

log = logging.getLogger(__name__)
_ABSENT = object()


class _Entries(Mapping[str, Term]):
    """Entries by id: the base's, with the changed ones laid over (None: withdrawn)."""

    def __init__(self, base: Mapping[str, Term], changed: Mapping[str, Term | None], ordered: list[Term]) -> None:
        self._base, self._changed, self.ordered = base, changed, ordered

    def __getitem__(self, term_id: str) -> Term:
        found = self._changed.get(term_id, _ABSENT)
        if found is _ABSENT:
            return self._base[term_id]
        if found is None:
            raise KeyError(term_id)
        return found  # type: ignore[return-value]

    def __iter__(self) -> Iterator[str]:
        return (term.id for term in self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)


@dataclass
class _Base:
    """The entries a base matcher was built from, and its matchers (made once, when first asked)."""

    revision: int
    terms: dict[str, Term]
    ordered: list[Term]
    matchers: dict[Domain | None, Matcher] = field(default_factory=dict)
    english: dict[Domain | None, EnglishMatcher] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def matcher(self, domain: Domain | None) -> Matcher:
        with self.lock:
            if domain not in self.matchers:
                self.matchers[domain] = Matcher(t for t in self.ordered if domain is None or t.domain is domain)
            return self.matchers[domain]

    def english_matcher(self, domain: Domain | None) -> EnglishMatcher:
        with self.lock:
            if domain not in self.english:
                self.english[domain] = EnglishMatcher(t for t in self.ordered if domain is None or t.domain is domain)
            return self.english[domain]


class Snapshot:
    """The glossary at one store revision: its entries and matchers, read together."""

    def __init__(self, revision: int, base: _Base, changed: dict[str, Term | None], ordered: list[Term]) -> None:
        self.revision = revision
        self.base = base
        #: Entries changed (or withdrawn: None) since the base was built, as they are now.
        self.changed = changed
        self.terms: Mapping[str, Term] = _Entries(base.terms, changed, ordered)
        self._lock = threading.Lock()
        self._matchers: dict[Domain | None, Matcher | PatchedMatcher] = {}
        self._english: dict[Domain | None, EnglishMatcher | PatchedEnglish] = {}

    @property
    def ordered(self) -> list[Term]:
        """Every entry, sorted by id."""
        return self.terms.ordered  # type: ignore[attr-defined,no-any-return]

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
        revision, terms = self.repository.all_terms()
        return self._on_new_base(_Base(revision, {t.id: t for t in terms}, terms), started)

    def _on_new_base(self, base: _Base, started: float) -> Snapshot:
        with collector_paused():
            base.matcher(None)  # the default matcher is built with the base; others when asked
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
        ordered = list(current.ordered)
        for term_id in sorted(changed):
            term = fresh.get(term_id)
            at = bisect.bisect_left(ordered, term_id, key=lambda t: t.id)
            present = at < len(ordered) and ordered[at].id == term_id
            if term is None and present:
                del ordered[at]
            elif term is not None:
                ordered[at:at + 1 if present else at] = [term]
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
                revision, terms = self.repository.all_terms()
                fresh = self._on_new_base(_Base(revision, {t.id: t for t in terms}, terms), started)
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
