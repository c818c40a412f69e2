"""Matchers patched with the entries that changed since they were built.

Building the automaton of a 117k-entry glossary takes a second or more; a write changes one
entry. So a process keeps a *base* matcher and, after writes, puts an *overlay* over it: a small
matcher over the current versions of the changed entries, and the changed or withdrawn entries'
patterns taken out of the base's results. Matches of the two are merged to cover the most
text, as one matcher over the current entries would find them. (One case differs until the base is
rebuilt: where a longer pattern of a changed entry hid a shorter match in the base's scan,
the shorter one is not found. The annotation service rebuilds the base in the background once
the overlay grows.)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cached_property
from itertools import repeat
from operator import add
from typing import Any

from .cover import maximal_cover
from .english import EnglishMatch, EnglishMatcher, OwnerLists, fold_english, select_words
from .gcpause import collector_paused
from .matcher import Columns, Match, Matcher, Spans, _ByPattern, _Reading
from .terms import Form, FormKind, Rendering, Term

__all__ = ["PatchedMatcher", "PatchedEnglish"]


class PatchedMatcher:
    """A base ``Matcher`` with the entries in ``stale`` taken out and ``overlay`` laid over it;
    reads like a Matcher (pattern ids of the overlay come after the base's)."""

    def __init__(self, base: Matcher, overlay: Matcher, stale: Collection[str]) -> None:
        self.base, self.overlay = base, overlay
        self._offset = len(base)
        self._hidden = base.pattern_ids(stale) if stale else set()
        #: Per-matcher caches for renderers, as Matcher.memo.
        self.memo: dict[Any, Any] = {}

    def __len__(self) -> int:
        return self._offset + len(self.overlay)

    def prepare(self) -> PatchedMatcher:
        """Build the lazy parts of both matchers now (``Matcher.prepare``)."""
        self.base.prepare()
        self.overlay.prepare()
        return self

    @cached_property
    def _columns(self) -> Columns:
        base, over = self.base.columns(), self.overlay.columns()
        return Columns(_ByPattern(self.term, len(self)), [*base.patterns, *over.patterns],
                       [*base.pattern_kinds, *over.pattern_kinds], _ByPattern(self.variant, len(self)),
                       [*base.kinds, *over.kinds])

    def columns(self) -> Columns:
        return self._columns

    @property
    def patterns(self) -> Sequence[str]:
        return self._columns.patterns

    def term(self, pattern_id: int) -> Term:
        if pattern_id < self._offset:
            return self.base.term(pattern_id)
        return self.overlay.term(pattern_id - self._offset)

    def owner(self, pattern_id: int) -> int:
        """The entry a pattern belongs to, as a number (see ``Matcher.owner``): the overlay's
        come after the base's."""
        if pattern_id < self._offset:
            return self.base.owner(pattern_id)
        return self.base.owners + self.overlay.owner(pattern_id - self._offset)

    def term_id(self, pattern_id: int) -> str:
        if pattern_id < self._offset:
            return self.base.term_id(pattern_id)
        return self.overlay.term_id(pattern_id - self._offset)

    def variant(self, pattern_id: int) -> Form | None:
        if pattern_id < self._offset:
            return self.base.variant(pattern_id)
        return self.overlay.variant(pattern_id - self._offset)

    def form_of(self, pid: int, written: str, across_newlines: bool = False) -> FormKind:
        if pid < self._offset:
            return self.base.form_of(pid, written, across_newlines)
        return self.overlay.form_of(pid - self._offset, written, across_newlines)

    def spans(self, text: str, across_newlines: bool = False) -> Spans:
        """Both scans merged: the base's matches of current entries and the overlay's, the most text
        covered (glossary.cover)."""
        base = self.base.spans(text, across_newlines)
        over = self.overlay.spans(text, across_newlines) if len(self.overlay) else Spans((), (), (), [])
        if not over.pids and not self._hidden:
            return base
        found = [(pid, start, end) for pid, start, end in zip(base.pids, base.starts, base.ends)
                 if pid not in self._hidden]
        found += [(pid + self._offset, start, end) for pid, start, end in zip(over.pids, over.starts, over.ends)]
        chosen = maximal_cover(found)
        pids = [pid for pid, _, _ in chosen]
        starts = [start for _, start, _ in chosen]
        ends = [end for _, _, end in chosen]
        return Spans(pids, starts, ends, None)  # None: renderers read each match from the text

    def find(self, text: str, across_newlines: bool = False) -> list[Match]:
        spans = self.spans(text, across_newlines)
        if not spans.pids:
            return []
        with collector_paused():
            reading = _Reading(text, self, across_newlines, None)  # type: ignore[arg-type]
            return list(map(Match, map(add, zip(spans.pids, spans.starts, spans.ends), repeat((reading,)))))


class PatchedEnglish:
    """A base ``EnglishMatcher`` with the entries in ``stale`` taken out and ``overlay`` laid over
    it; reads like an EnglishMatcher (``owners`` of the overlay's patterns come after the base's)."""

    def __init__(self, base: EnglishMatcher, overlay: EnglishMatcher, stale: Collection[str]) -> None:
        self.base, self.overlay = base, overlay
        self._stale = frozenset(stale)
        self._offset = len(base.patterns)

        #: Per pattern, the current entries it stands for, best status first.
        self.owners = OwnerLists(self._owners_of, self._offset + len(overlay.patterns))

    def _owners_of(self, pid: int) -> list[tuple[Term, Rendering]]:
        if pid >= self._offset:
            return self.overlay.owners_of(pid - self._offset)
        stale = self._stale
        return [pair for pair in self.base.owners_of(pid) if pair[0].id not in stale]

    @property
    def patterns(self) -> list[str]:
        return [*self.base.patterns, *self.overlay.patterns]

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        folded = fold_english(text)
        owners = self.owners
        found = [m for m in self.base.candidates(folded) if owners[m[0]]]
        found += [(pid + self._offset, start, end) for pid, start, end in self.overlay.candidates(folded)]
        return select_words(folded, found)

    def find(self, text: str) -> list[EnglishMatch]:
        owners = self.owners
        return [EnglishMatch(start, end, text[start:end], *owners[pid][0]) for pid, start, end in self.scan(text)]
