"""Finding glossary terms in Chinese text: one Aho-Corasick automaton over folded forms.

Text and patterns are folded the same way before scanning (``glossary.folding``: traditional
to simplified, Chinese and full-width punctuation to ASCII). Folding keeps the length of the
text, so offsets found in the folded text are offsets in the caller's text; a long text's fold
also says which positions changed, and a match over none of them reads exactly its pattern,
which renderers use without slicing the text (see ``Matcher.spans``).

Matches never overlap and cover as much of the text as the glossary can: 永久全面战略伙伴关系
wins over the 全面战略伙伴关系 inside it, and a longer term that starts inside a shorter one's
match and runs past it is not lost to the shorter one (see ``Matcher._cover``). Where nothing
conflicts, that is the automaton's leftmost-longest scan.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from itertools import compress, repeat
from operator import add, itemgetter
from typing import Any, NamedTuple

import ahocorasick_rs

from .cover import maximal_cover
from .entries import PackedTerms
from .gcpause import collector_paused
from .pinyin import is_hanzi
from .folding import BULK_FROM, FOLD, bmp_table, fold_bulk, fold_for_matching, learn, unquoted
from .terms import Form, FormKind, Term

__all__ = ["Match", "Matcher", "Spans", "Columns", "written_kind"]

#: Which form a pattern should belong to when two forms fold alike (the first listed wins).
_KIND_PRIORITY = {kind: rank for rank, kind in enumerate(FormKind)}
_KINDS = tuple(FormKind)

#: A single line break between two non-space characters (text extracted from PDF).
_SINGLE_BREAK = re.compile(r"(?<=\S)\r?\n(?=\S)")


class Match(tuple):  # type: ignore[type-arg]
    """One term found in a text: ``start`` and ``end`` (offsets into the caller's string), the
    matched ``text``, which ``form`` of the term it is, and the ``term``.

    Made by ``Matcher.find`` only. Like ``re.Match``, a match keeps the caller's string and reads
    ``text``, ``form`` and ``term`` from it and from the matcher when asked: a big text yields
    hundreds of thousands of matches, and making each one must not touch its term, which lies
    somewhere in a 100k-term glossary (a cache miss per match, the main cost of eager fields).
    Under the hood it is a tuple ``(pattern id, start, end, reading)``, made at C speed from the
    automaton's own ``(pattern id, start, end)``; compare, hash and order matches as matches.
    """

    __slots__ = ()

    start: int = property(itemgetter(1))  # type: ignore[assignment]
    end: int = property(itemgetter(2))  # type: ignore[assignment]

    @property
    def text(self) -> str:
        pid, start, end, reading = self
        if reading.odd is None or start in reading.odd:
            return reading.text[start:end]  # type: ignore[no-any-return]
        return reading.patterns[pid]  # type: ignore[no-any-return]  # it reads as its pattern

    @property
    def term(self) -> Term:
        return self[3].terms[self[0]]  # type: ignore[no-any-return]  # decoded once per entry and find

    @property
    def form(self) -> FormKind:
        pid, start, end, reading = self
        if reading.odd is None or start in reading.odd:
            matcher: Matcher = reading.matcher
            return matcher.form_of(pid, reading.text[start:end], reading.across_newlines)
        return reading.kinds[pid]  # type: ignore[no-any-return]

    def _key(self) -> tuple[int, int, str, FormKind, Term]:
        return self.start, self.end, self.text, self.form, self.term

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Match) else NotImplemented

    def __ne__(self, other: object) -> bool:
        return self._key() != other._key() if isinstance(other, Match) else NotImplemented

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.text, self.term.id))

    def __lt__(self, other: object) -> bool:  # in text order, as find returns them
        return (self.start, self.end) < (other.start, other.end) if isinstance(other, Match) else NotImplemented

    def __le__(self, other: object) -> bool:
        return (self.start, self.end) <= (other.start, other.end) if isinstance(other, Match) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return (self.start, self.end) > (other.start, other.end) if isinstance(other, Match) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return (self.start, self.end) >= (other.start, other.end) if isinstance(other, Match) else NotImplemented

    def __repr__(self) -> str:
        return (f"Match(start={self.start}, end={self.end}, text={self.text!r}, form={self.form.value!r}, "
                f"term={self.term.id!r})")

    def to_dict(self) -> dict[str, Any]:
        """The span as JSON: offsets (code points), matched text, form and term id."""
        return {"start": self.start, "end": self.end, "text": self.text, "form": self.form.value,
                "term": self.term.id}


class _TermsOfPatterns(dict):  # type: ignore[type-arg]
    """Terms by pattern id, decoded when first read and kept for one ``find`` call's matches: a
    big text's hundreds of thousands of matches decode each entry they name once (and two
    patterns of one entry give the same ``Term``)."""

    __slots__ = ("matcher", "by_owner")

    def __init__(self, matcher: Any) -> None:
        super().__init__()
        self.matcher = matcher
        self.by_owner: dict[int, Term] = {}

    def __missing__(self, pid: int) -> Term:
        owner = self.matcher.owner(pid)
        term = self.by_owner.get(owner)
        if term is None:
            term = self.by_owner[owner] = self.matcher.term(pid)
        self[pid] = term
        return term


class _Reading:
    """What the matches of one ``find`` call read their text, form and term from."""

    __slots__ = ("text", "matcher", "across_newlines", "odd", "terms", "patterns", "kinds")

    def __init__(self, text: str, matcher: Matcher, across_newlines: bool, odd: frozenset[int] | None) -> None:
        self.text, self.matcher, self.across_newlines = text, matcher, across_newlines
        #: where the matches start that may read other than their pattern (None: any of them)
        self.odd = odd
        # the matcher's columns, one attribute away for Match's properties
        columns = matcher.columns()
        self.patterns, self.kinds = columns.patterns, columns.pattern_kinds
        self.terms = _TermsOfPatterns(matcher)


class Matcher:
    """An automaton over every Chinese form of some terms; build once, scan many texts.

    >>> from glossary.terms import Domain, Rendering, Status
    >>> term = Term("cs", "命运共同体", "命運共同體", "mìngyùn gòngtóngtǐ", Domain.DIPLOMACY, "",
    ...             (Rendering("community with a shared future", Status.PREFERRED),))
    >>> [(m.start, m.end, m.form.value) for m in Matcher([term]).find("建设命運共同體。")]
    [(2, 7, 'traditional')]
    """

    def __init__(self, terms: Iterable[Term], numbers: Iterable[int] | None = None,
                 decoded: Sequence[Term] | None = None) -> None:
        """``terms``: the entries; a ``PackedTerms`` (the annotation snapshot's) stays packed, and
        the matcher keeps entry numbers into it, decoding an entry when a match reads it.
        ``numbers``: only these entries of ``terms`` (a domain's); ``decoded``: ``terms``
        already decoded, in the same order (the rows just read), to build from."""
        #: the entries patterns belong to, by number
        self._entries: Sequence[Term] = terms if isinstance(terms, PackedTerms) else list(terms)
        chosen = range(len(self._entries)) if numbers is None else numbers
        source = decoded if decoded is not None else (
            self._entries if not isinstance(self._entries, PackedTerms) else _Decoding(self._entries))
        with collector_paused():  # ~1M small containers; a full collection per 700 is slow
            self._build((number, source[number]) for number in chosen)

    def _build(self, terms: Iterable[tuple[int, Term]]) -> None:
        # Term.forms() spelled out: it is called for every term of a 100k-term glossary
        every = [(number, term, [(term.simplified, FormKind.SIMPLIFIED), (term.traditional, FormKind.TRADITIONAL)]
                  + [(form.text, form.kind) for form in term.variants]) for number, term in terms]
        learn(set(map(ord, "".join(text for _, _, forms in every for text, _ in forms))))
        owners: dict[str, tuple[int, Term, FormKind, int]] = {}
        forms: dict[str, dict[str, FormKind]] = {}
        priority = _KIND_PRIORITY
        for number, term, written in every:
            for text, kind in written:
                if not text:
                    continue
                pattern = text.translate(FOLD)
                current = owners.get(pattern)
                if current is None:
                    owners[pattern] = (priority[kind], term, kind, number)
                    forms[pattern] = {text: kind}
                elif current[1] is term:
                    forms[pattern].setdefault(text, kind)
                elif current[1].id != term.id and priority[kind] < current[0]:
                    owners[pattern] = (priority[kind], term, kind, number)
                    forms[pattern] = {text: kind}
        # A headword that quotes its inner term (“一带一路”国际合作高峰论坛) matches it quoted the
        # other way (‘’) or not at all, unless another entry is written that way.
        for pattern, owner in list(owners.items()):
            if '"' in pattern or "'" in pattern:
                for alternate in (unquoted(pattern), pattern.replace('"', "'"), pattern.replace("'", '"')):
                    if alternate not in owners:
                        owners[alternate] = owner
                        forms[alternate] = forms[pattern]
        for pattern in [p for p in owners if not p.strip()]:
            del owners[pattern], forms[pattern]
        self.patterns: list[str] = list(owners)
        # Columns indexed by pattern id: what a match or a renderer reads for its pattern.
        owned = [owners[pattern] for pattern in self.patterns]
        #: the entry each pattern belongs to, by number into ``_entries`` (no Term held: see
        #: glossary.entries)
        self._numbers = array("i", [entry[3] for entry in owned])
        self._kinds: list[FormKind] = [entry[2] for entry in owned]
        #: the written forms of each pattern, for the patterns written otherwise than as themselves
        #: alone (one written as itself has just its own kind, ``_kinds``: no dict for most of a
        #: 117k-entry glossary's ~240k patterns)
        self._forms: dict[int, dict[str, FormKind]] = {
            pid: written for pid, (pattern, written) in enumerate((p, forms[p]) for p in self.patterns)
            if not (len(written) == 1 and pattern in written)}
        #: the form of a match that reads exactly its pattern
        self._pattern_kinds: list[FormKind] = [written_kind(pattern, forms[pattern], entry[2])
                                               for pattern, entry in zip(self.patterns, owned)]
        #: the variant a pattern is, for patterns of abbreviations, short forms and variants: its
        #: place in its term's ``variants`` (-1: a headword)
        self._variants = array("b" if max((len(entry[1].variants) for entry in owned), default=0) < 127 else "i",
                               [_variant(entry[1], forms[pattern], entry[2]) for pattern, entry in zip(self.patterns, owned)])
        self._bulk_table: Any = None  # built on the first long text, see _fold
        self._gaps: _GapTables | None = None  # built on the first match: see _cover
        self._gap_codes: Any = None  # built on the first long text: see _gap_ends
        self._overlapping: Any = None
        self._longest = max(map(len, self.patterns), default=0)
        self._used: frozenset[int] = frozenset()  # code points that occur in patterns
        #: Per-matcher caches for renderers (e.g. HTML wrappers per term and pinyin style).
        self.memo: dict[Any, Any] = {}
        self._automaton = ahocorasick_rs.AhoCorasick(
            self.patterns or ["\x00"], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def __len__(self) -> int:
        return len(self.patterns)

    def prepare(self) -> Matcher:
        """Build now what the first scans would build when they need it: the gap tables and
        the overlapping automaton (``_cover``), the long-text fold table (``_fold``). A server
        calls this before its workers fork, so that they share these (the overlapping automaton
        alone is ~50 MB on the 117k-entry store) instead of each building its own."""
        with collector_paused():
            if self._gaps is None:
                self._gaps = self._gap_tables()
            if self._gap_codes is None:
                self._gap_codes = self._gap_code_tables(self._gaps)
            if self._overlapping is None and self.patterns:
                self._overlapping = ahocorasick_rs.AhoCorasick(self.patterns)
            if self._bulk_table is None:
                self._fold("\x00" * BULK_FROM)
        return self

    def term(self, pattern_id: int) -> Term:
        """The term a pattern (by index) belongs to (decoded, if the entries are packed: a caller
        reading many should keep what it read, as ``find``'s matches do)."""
        return self._entries[self._numbers[pattern_id]]

    def owner(self, pattern_id: int) -> int:
        """The number of the entry a pattern belongs to: two patterns of one entry have the same."""
        return self._numbers[pattern_id]

    def term_id(self, pattern_id: int) -> str:
        """The id of the term a pattern belongs to (read without decoding it)."""
        entries = self._entries
        if isinstance(entries, PackedTerms):
            return entries.id_at(self._numbers[pattern_id])
        return entries[self._numbers[pattern_id]].id

    @property
    def owners(self) -> int:
        """How many numbers ``owner`` may give (0 to this, exclusive)."""
        return len(self._entries)

    def variant(self, pattern_id: int) -> Form | None:
        """The variant, abbreviation or short form a pattern is; None for a headword (either
        script). Its pinyin, not the headword's, is what a match of it reads."""
        place = self._variants[pattern_id]
        return None if place < 0 else self.term(pattern_id).variants[place]

    def columns(self) -> Columns:
        """What each pattern (by index) stands for, as columns (see ``Columns``)."""
        return Columns(_ByPattern(self.term, len(self)), self.patterns, self._pattern_kinds,
                       _ByPattern(self.variant, len(self)), self._kinds)

    def pattern_ids(self, term_ids: Collection[str]) -> set[int]:
        """The patterns of these entries (an overlay leaves them out: see glossary.overlay)."""
        owners: dict[int, list[int]] | None = self.memo.get("pattern ids")
        if owners is None:
            owners = {}
            for pid, number in enumerate(self._numbers):
                owners.setdefault(number, []).append(pid)
            self.memo["pattern ids"] = owners
        entries = self._entries
        if isinstance(entries, PackedTerms):
            numbers = [entries.number(term_id) for term_id in term_ids]
        else:
            wanted = set(term_ids)
            numbers = [number for number, term in enumerate(entries) if term.id in wanted]
        return {pid for number in numbers for pid in owners.get(number, ())}

    def _scan(self, text: str, across_newlines: bool) -> tuple[list[tuple[int, int, int]], list[int] | None]:
        """The raw matches, and the positions folding changed (None: not worked out, or lines
        joined, so that any match may read other than its pattern)."""
        if not self.patterns or not text:
            return [], []
        folded, changed = self._fold(text)
        if across_newlines and "\n" in folded:
            removed: list[int] = []  # positions, in the joined text, where a line break was taken out

            def take_out(match: re.Match[str]) -> str:
                removed.extend([match.start() - len(removed)] * len(match.group()))
                return ""

            joined = _SINGLE_BREAK.sub(take_out, folded)
            if removed:
                return [(pid, start + bisect_right(removed, start), end + bisect_right(removed, end - 1))
                        for pid, start, end in self._cover(joined, self._automaton.find_matches_as_indexes(joined))
                        ], None
        return self._cover(folded, self._automaton.find_matches_as_indexes(folded)), changed

    def _cover(self, scanned: str, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Leftmost-longest matches, corrected where they lose text: where a longer pattern starts
        inside a match and runs past its end (共建“一带一路” then 一带一路国际合作高峰论坛), that
        stretch gets the matches that cover the most of it (glossary.cover).

        Leftmost-longest takes the longest pattern at each start, and no pattern starts in a gap
        between its matches; so it covers the most unless a pattern covers a character of a gap,
        which it can only do from inside a match before it, and only the first character of a
        gap, just after a match, need be looked at (a pattern over a later one covers that too).
        Most match ends are let go by C-level lookups: those followed by a character that is a
        pattern by itself (so no gap), or that no pattern has past its own first, or has after the
        character before it. The few left are checked in the text (does a pattern start before
        and run past that character?); around each one that is covered, a second, overlapping
        automaton scans a short window from a match that no pattern runs into, and the stretch up
        to where no candidate runs on is chosen again. Elsewhere the leftmost-longest matches
        are what the cover would choose, ties going to them.
        """
        if not found:
            return found
        if self._gaps is None:
            self._gaps = self._gap_tables()
        tables = self._gaps
        gaps = self._gap_ends(scanned, found, tables)
        if not gaps:
            return found
        longest, size = self._longest, len(scanned)
        replaced: list[tuple[int, int, list[tuple[int, int, int]]]] = []  # (first index, past last, matches)
        done = done_index = 0  # found[:done_index] are settled, and no pattern runs from before done past it
        for gap in gaps:
            if gap < done:
                continue
            start = _covering(scanned, tables, done, gap)
            if start is None:  # no pattern holds this character
                continue
            # from the match where such a pattern could start, back while one could run into it
            index = max(bisect_right(found, start, done_index, key=_START) - 1, done_index)
            while True:
                first = found[index][1]
                earlier = _covering(scanned, tables, done, first)
                if earlier is None:
                    break
                moved = max(bisect_right(found, earlier, done_index, index, key=_START) - 1, done_index)
                if moved == index:  # the place lies in a gap, where no pattern starts
                    break
                index = moved
            window, stop = self._stretch(scanned, first, gap + 1, longest, size)
            candidates = [(pid, first + begin, first + finish) for pid, begin, finish in window
                          if first + begin < stop]
            last = bisect_left(found, stop, index, key=_START)
            replaced.append((index, last, maximal_cover(candidates)))
            done, done_index = stop, last
        if not replaced:
            return found
        out: list[tuple[int, int, int]] = []
        position = 0
        for begin, past, chosen in replaced:
            out += found[position:begin]
            out += chosen
            position = past
        out += found[position:]
        return out

    def _gap_ends(self, scanned: str, found: list[tuple[int, int, int]], tables: _GapTables) -> list[int]:
        """The ends of matches where a gap could start that a pattern covers: the character there
        is no pattern by itself and some pattern has it past its first, after the character
        before it. For many matches, both are looked up all at once with numpy."""
        if len(found) < _GAPS_BY_NUMPY_FROM:
            ends = list(map(_END, found))
            if ends[-1] == len(scanned):
                ends.pop()
            ends = list(compress(ends, map(tables.gap_chars.__contains__, map(scanned.__getitem__, ends))))
            return [end for end in ends if scanned[end - 1:end + 1] in tables.pairs]
        import numpy

        if self._gap_codes is None:
            self._gap_codes = self._gap_code_tables(tables)
        mask, pairs = self._gap_codes
        codes = numpy.frombuffer(scanned.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        every = numpy.fromiter(map(_END, found), dtype=numpy.intp, count=len(found))
        if every[-1] == len(codes):
            every = every[:-1]
        every = every[mask[codes[every]]]
        pair = codes[every - 1].astype(numpy.int64) * _PAIR + codes[every]
        held = numpy.searchsorted(pairs, pair)
        held[held == len(pairs)] = 0  # past every pair: compared with the first, which it is not
        return every[pairs[held] == pair].tolist()  # type: ignore[no-any-return]

    def _stretch(self, scanned: str, first: int, end: int, longest: int,
                 size: int) -> tuple[list[tuple[int, int, int]], int]:
        """Every pattern in ``scanned`` from ``first`` (offsets relative to it), and where the
        stretch from ``first`` through ``end`` stops: the first place at or after ``end`` that no
        pattern starting before it runs past."""
        if self._overlapping is None:
            self._overlapping = ahocorasick_rs.AhoCorasick(self.patterns)
        overlapping = self._overlapping.find_matches_as_indexes
        reach = end + longest  # scan a window once; again, wider, only if the stretch outgrows it
        while True:
            window = overlapping(scanned[first:reach], overlapping=True)
            stop = end  # grow the stretch until no candidate starting in it runs past its end
            for _, start, finish in sorted(window, key=_START):
                if start >= stop - first:
                    break
                stop = max(stop, first + finish)
            if stop + longest <= reach or reach >= size:
                return window, stop
            reach = stop + 2 * longest

    @staticmethod
    def _gap_code_tables(tables: _GapTables) -> tuple[Any, Any]:
        """``_gap_ends``'s numpy tables: per code point, whether it is a gap character; the pairs as numbers."""
        import numpy

        mask = numpy.zeros(0x110000, dtype=bool)
        mask[[ord(char) for char in tables.gap_chars]] = True
        pairs = numpy.array(sorted(ord(pair[0]) * _PAIR + ord(pair[1]) for pair in tables.pairs), dtype=numpy.int64)
        return mask, pairs

    def _gap_tables(self) -> _GapTables:
        """Per character, the places past the first it has in patterns, furthest first (characters
        that are only ever first, or in no pattern, are absent); those of them that are no pattern by
        themselves; every two characters a pattern has next to each other; every prefix of a
        pattern of two characters or more; the patterns."""
        inner: dict[str, set[int]] = {}
        pairs: set[str] = set()
        prefixes: set[str] = set()
        for pattern in self.patterns:
            for place in range(1, len(pattern)):
                char = pattern[place]
                inner.setdefault(char, set()).add(place)
                pairs.add(pattern[place - 1:place + 1])
                prefixes.add(pattern[:place + 1])
        patterns = frozenset(self.patterns)
        return _GapTables({char: tuple(sorted(places, reverse=True)) for char, places in inner.items()},
                          frozenset(inner).difference(patterns), frozenset(pairs), frozenset(prefixes),
                          patterns)

    @staticmethod
    def _odd(found: list[tuple[int, int, int]], changed: list[int] | None) -> list[int] | None:
        """Which matches may read other than their pattern: the indexes of those over a
        character folding changed, or None for "any of them". The others' text is their
        pattern, which renderers use without slicing the text."""
        if changed is None or not changed or not found:
            return None if changed is None else []
        if len(changed) < 4096:  # a few stray characters: one binary search each
            holders = [bisect_right(found, position, key=_START) - 1 for position in changed]
        else:  # many (quotes in a long text): all at once
            import numpy

            starts = numpy.fromiter(map(_START, found), dtype=numpy.int64, count=len(found))
            holders = (numpy.searchsorted(starts, changed, side="right") - 1).tolist()
        odd = {index for index, position in zip(holders, changed) if index >= 0 and found[index][2] > position}
        return sorted(odd)

    def _fold(self, text: str) -> tuple[str, list[int] | None]:
        """Folded text and the positions folding changed (None: not
        worked out, for short text, or too many to be worth listing, for traditional text).

        Long texts use this matcher's own bulk table, which folds only characters whose folded
        form occurs in a pattern: elsewhere folding cannot make a match, and leaving “quotes”
        and other words alone keeps simplified text as written."""
        if len(text) >= BULK_FROM:
            if self._bulk_table is None:
                import numpy

                table = bmp_table()
                used = frozenset(ord(char) for pattern in self.patterns for char in pattern)
                kept = numpy.isin(table, numpy.array(sorted(used), dtype=numpy.uint32))
                self._used = used
                self._bulk_table = numpy.where(kept, table, numpy.arange(0x10000, dtype=numpy.uint32))
            bulk = fold_bulk(text, self._bulk_table, self._used)
            if bulk is not None:
                return bulk
        folded = fold_for_matching(text)
        return folded, ([] if folded is text else None)

    def spans(self, text: str, across_newlines: bool = False) -> Spans:
        """The scan as columns (pattern ids, starts, ends) for renderers."""
        with collector_paused():
            found, changed = self._scan(text, across_newlines)
            if not found:
                return Spans((), (), (), [] if changed is not None else None)
            odd = self._odd(found, changed)
            pids, starts, ends = (list(map(column, found)) for column in (_PATTERN, _START, _END))
            del found  # freed while the collector is paused: its tuples leave no work for it
            return Spans(pids, starts, ends, odd)

    def find(self, text: str, across_newlines: bool = False) -> list[Match]:
        """Every term in ``text``, in order, covering the most text; see ``Glossary.find``.

        Each match is the automaton's ``(pattern id, start, end)`` tuple plus one shared
        ``_Reading`` of this call (which also says which matches may read other than their
        pattern), copied into a ``Match`` by C-level ``map`` calls, with the
        cyclic garbage collector paused meanwhile: a big text yields hundreds of thousands of
        them, and this keeps ``find`` close to the raw scan (see ``Match``).
        """
        with collector_paused():
            found, changed = self._scan(text, across_newlines)
            if not found:
                return []
            odd = self._odd(found, changed)
            starts = None if odd is None else frozenset(found[index][1] for index in odd)
            reading = _Reading(text, self, across_newlines, starts)
            matches = list(map(Match, map(add, found, repeat((reading,)))))
            del found  # freed while the collector is paused: its tuples leave no work for it
            return matches

    def form_of(self, pid: int, written: str, across_newlines: bool = False) -> FormKind:
        """Which form of its term a match of pattern ``pid`` written as ``written`` is."""
        bare = _SINGLE_BREAK.sub("", written) if across_newlines else written
        forms = self._forms.get(pid)
        return written_kind(bare, {self.patterns[pid]: self._kinds[pid]} if forms is None else forms,
                            self._kinds[pid])


class _ByPattern(Sequence[Any]):
    """A column read through a method per pattern id (a term decoded, a variant found in it)."""

    __slots__ = ("_read", "_size")

    def __init__(self, read: Any, size: int) -> None:
        self._read, self._size = read, size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, pid: Any) -> Any:
        if isinstance(pid, slice):
            return [self._read(i) for i in range(*pid.indices(self._size))]
        if not -self._size <= pid < self._size:
            raise IndexError("pattern id out of range")
        return self._read(pid % self._size)


class _Decoding(Sequence[Term]):
    """Packed entries read for a build: decoded without filling their cache."""

    __slots__ = ("_entries",)

    def __init__(self, entries: PackedTerms) -> None:
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, number: Any) -> Any:
        return self._entries.decode(number)


class Columns(NamedTuple):
    """Per pattern: its entry, its folded text, the form a match reading it is, the variant it
    is (None for a headword) and the kind of its own form."""

    terms: Sequence[Term]
    patterns: Sequence[str]
    pattern_kinds: Sequence[FormKind]
    variants: Sequence[Form | None]
    kinds: Sequence[FormKind]


class Spans(NamedTuple):
    """Matches as columns, and which may read other than their pattern (see Matcher._scan)."""

    pids: Sequence[int]
    starts: Sequence[int]
    ends: Sequence[int]
    odd: list[int] | None


#: From this many matches on, ``Matcher._gap_ends`` looks characters up with numpy.
_GAPS_BY_NUMPY_FROM = 4096
#: Two code points as one number: the first times this, plus the second.
_PAIR = 0x110001

_PATTERN = itemgetter(0)
_START = itemgetter(1)
_END = itemgetter(2)


def _covering(scanned: str, tables: _GapTables, low: int, at: int) -> int | None:
    """The first place from ``low`` on, before ``at``, where a pattern starts that runs past
    ``at``; None if there is none. Only the places that would put the character at ``at`` where
    some pattern has it are tried."""
    prefixes, patterns = tables.prefixes, tables.patterns
    for place in tables.inner.get(scanned[at], ()):  # furthest first: the starts in text order
        start = at - place
        if start < low:
            continue
        end = at + 1
        while scanned[start:end] in prefixes:  # the text so far begins a pattern: is it one?
            if scanned[start:end] in patterns:
                return start
            end += 1
            if end > len(scanned):
                break
    return None


class _GapTables(NamedTuple):
    """What ``Matcher._cover`` looks gaps up in (see ``Matcher._gap_tables``)."""

    inner: dict[str, tuple[int, ...]]
    gap_chars: frozenset[str]
    pairs: frozenset[str]
    prefixes: frozenset[str]
    patterns: frozenset[str]


def _variant(term: Term, written: dict[str, FormKind], kind: FormKind) -> int:
    """Where in the term's variants the Form is behind a pattern of kind ``kind`` written as
    ``written``'s keys; -1 for none."""
    if kind in (FormKind.SIMPLIFIED, FormKind.TRADITIONAL):
        return -1
    return next((place for place, form in enumerate(term.variants) if form.text in written), -1)


def written_kind(written: str, forms: dict[str, FormKind], kind: FormKind) -> FormKind:
    """The form of a match written unlike its pattern's own form (``kind``): another stored
    form if it is one; mixed or other scripts count as traditional, except that a simplified
    form with other punctuation (straight quotes) stays simplified; an abbreviation, short
    form or variant keeps its kind in any script."""
    if written in forms:
        return forms[written]
    if kind not in (FormKind.SIMPLIFIED, FormKind.TRADITIONAL):
        return kind
    bare = unquoted(written)  # quoted otherwise, or not at all: the characters decide
    for form, form_kind in forms.items():
        form = unquoted(form)
        if form_kind is FormKind.SIMPLIFIED and len(form) == len(bare) and all(
                a == b or not (is_hanzi(a) or is_hanzi(b)) for a, b in zip(form, bare)):
            return FormKind.SIMPLIFIED
    return FormKind.TRADITIONAL
