"""Finding glossary terms in Chinese text: one Aho-Corasick automaton over folded forms.

Text and patterns are folded the same way before scanning: traditional and variant characters
to simplified (``glossary.script.fold``), and Chinese and full-width punctuation to its ASCII
counterpart (“”「」 → ", full-width letters and digits → ASCII). Folding keeps the length of
the text, so offsets found in the folded text are offsets in the caller's text. It runs as one
``str.translate`` call over a table that learns each character once.

Matches are leftmost-longest and never overlap: 永久全面战略伙伴关系 wins over the
全面战略伙伴关系 inside it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache, partial
from itertools import compress, count
from operator import ne
from typing import Any, NamedTuple

import ahocorasick_rs

from .gcpause import collector_paused
from .pinyin import is_hanzi
from .script import EXTRA_FOLDS, fold_char, to_simplified
from .terms import FormKind, Term

__all__ = ["Match", "Matcher", "fold_for_matching"]

#: Punctuation that Chinese, Hong Kong and Taiwan text writes in several ways.
PUNCTUATION_FOLDS: dict[str, str] = {
    **dict.fromkeys("“”„‟〝〞＂「」『』﹁﹂﹃﹄", '"'),
    **dict.fromkeys("‘’‚‛＇", "'"),
    "\u3000": " ",  # ideographic space
}

#: Which form a pattern should belong to when two forms fold alike (the first listed wins).
_KIND_PRIORITY = {kind: rank for rank, kind in enumerate(FormKind)}

#: A single line break between two non-space characters (text extracted from PDF).
_SINGLE_BREAK = re.compile(r"(?<=\S)\r?\n(?=\S)")


#: Full-width letters and digits (２１世纪); full-width punctuation (，；！) stays as written.
_FULL_WIDTH = re.compile("[０-９Ａ-Ｚａ-ｚ]")

#: Below this code point only punctuation, full-width forms and surrogates fold; from here on
#: the CJK blocks, where OpenCC decides.
_CJK_FROM = 0x2E80


class _FoldTable(dict[int, int]):
    """A ``str.translate`` table that folds each character the first time it is seen."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot reach the automaton
            folded = 0xFFFD
        elif _FULL_WIDTH.match(char):  # full-width letters and digits
            folded = code - 0xFEE0
        elif char in PUNCTUATION_FOLDS:
            folded = ord(PUNCTUATION_FOLDS[char])
        elif code < _CJK_FROM:
            folded = code
        else:
            try:
                result = fold_char(char)
            except Exception:  # noqa: BLE001 - a character OpenCC cannot read stays as it is
                result = char
            folded = ord(result) if len(result) == 1 else code
        self[code] = folded
        return folded


_FOLD = _FoldTable()

#: Texts this long are first searched for anything to fold, once the process has translated
#: _LEARN_AFTER characters: learning the BMP costs a few tenths of a second, worth it for a
#: server or a batch, not for one command-line run.
_DETECT_FROM = 65536
_LEARN_AFTER = 3_000_000
_translated = 0


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """A character class of everything folding may change, learned once for the whole BMP
    with one OpenCC call; characters beyond the BMP count as foldable (they go through the
    table, which asks OpenCC one by one)."""
    codes = [code for code in range(_CJK_FROM, 0x10000) if not 0xD800 <= code <= 0xDFFF]
    _learn(codes)
    table = _FOLD
    changed = [code for code in codes if table[code] != code]
    changed += [ord(char) for char in PUNCTUATION_FOLDS]
    members = "".join(map(re.escape, map(chr, sorted(set(changed)))))
    return re.compile(f"[{members}\\ud800-\\udfff\\U00010000-\\U0010FFFF]")


def fold_for_matching(text: str) -> str:
    """Fold text for matching, keeping its length, with one C-level translate call. In a long
    text (once the process has folded a few MB) quotes are replaced with str.replace and, when
    few other characters fold (a stray 著 or 夥), only those are replaced: translate costs about
    0.1 µs a character, so this keeps simplified text close to the raw scan.

    >>> fold_for_matching("永久全面戰略夥伴關係「一帶一路」")
    '永久全面战略伙伴关系"一带一路"'
    """
    global _translated
    if len(text) < _DETECT_FROM or (_translated < _LEARN_AFTER and _foldable.cache_info().currsize == 0):
        _translated += len(text)
        return text.translate(_FOLD)
    for char, folded in PUNCTUATION_FOLDS.items():  # one C-level pass for each quote in the text
        if char in text:
            text = text.replace(char, folded)
    foldable = _foldable()
    hits = len(foldable.findall(text))
    if not hits:
        return text
    if hits * 64 < len(text):  # a few stray characters (著, 夥): replace just those
        return foldable.sub(_fold_one, text)
    return text.translate(_FOLD)


def _fold_one(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD)


class Match(NamedTuple):
    """One term found in a text; ``start`` and ``end`` index the caller's string.

    A NamedTuple rather than a frozen dataclass: it is just as immutable, and a big text yields
    hundreds of thousands of these, where a tuple is three times cheaper to create.
    """

    start: int
    end: int
    text: str
    form: FormKind
    term: Term

    def to_dict(self) -> dict[str, Any]:
        """The span as JSON: offsets (code points), matched text, form and term id."""
        return {"start": self.start, "end": self.end, "text": self.text, "form": self.form.value,
                "term": self.term.id}


class Matcher:
    """An automaton over every Chinese form of some terms; build once, scan many texts.

    >>> from glossary.terms import Domain, Rendering, Status
    >>> term = Term("cs", "命运共同体", "命運共同體", "mìngyùn gòngtóngtǐ", Domain.DIPLOMACY, "",
    ...             (Rendering("community with a shared future", Status.PREFERRED),))
    >>> [(m.start, m.end, m.form.value) for m in Matcher([term]).find("建设命運共同體。")]
    [(2, 7, 'traditional')]
    """

    def __init__(self, terms: Iterable[Term]) -> None:
        with collector_paused():  # ~1M small containers; a full collection per 700 is slow
            self._build(terms)

    def _build(self, terms: Iterable[Term]) -> None:
        # Term.forms() spelled out: it is called for every term of a 100k-term glossary
        every = [(term, [(term.simplified, FormKind.SIMPLIFIED), (term.traditional, FormKind.TRADITIONAL)]
                  + [(form.text, form.kind) for form in term.variants]) for term in terms]
        _learn(set(map(ord, "".join(text for _, forms in every for text, _ in forms))))
        owners: dict[str, tuple[int, Term, FormKind, str]] = {}
        forms: dict[str, dict[str, FormKind]] = {}
        priority = _KIND_PRIORITY
        for term, written in every:
            for text, kind in written:
                if not text:
                    continue
                pattern = text.translate(_FOLD)
                current = owners.get(pattern)
                if current is None:
                    owners[pattern] = (priority[kind], term, kind, text)
                    forms[pattern] = {text: kind}
                elif current[1] is term:
                    forms[pattern].setdefault(text, kind)
                elif current[1].id != term.id and priority[kind] < current[0]:
                    owners[pattern] = (priority[kind], term, kind, text)
                    forms[pattern] = {text: kind}
        for pattern in [p for p in owners if not p.strip()]:
            del owners[pattern], forms[pattern]
        self.patterns: list[str] = list(owners)
        # Columns indexed by pattern id, read with C-level map() calls in find().
        owned = [owners[pattern] for pattern in self.patterns]
        self._terms: list[Term] = [entry[1] for entry in owned]
        self._kinds: list[FormKind] = [entry[2] for entry in owned]
        self._written: list[str] = [entry[3] for entry in owned]  # the form the pattern came from
        self._forms: list[dict[str, FormKind]] = [forms[pattern] for pattern in self.patterns]
        #: Per-matcher caches for renderers (e.g. HTML wrappers per term and pinyin style).
        self.memo: dict[Any, Any] = {}
        self._automaton = ahocorasick_rs.AhoCorasick(
            self.patterns or ["\x00"], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def __len__(self) -> int:
        return len(self.patterns)

    def term(self, pattern_id: int) -> Term:
        """The term a pattern (by index) belongs to."""
        return self._terms[pattern_id]

    def scan(self, text: str, across_newlines: bool = False) -> list[tuple[int, int, int]]:
        """Raw matches as (pattern index, start, end), offsets into ``text``."""
        if not self.patterns or not text:
            return []
        folded = fold_for_matching(text)
        if not across_newlines or "\n" not in folded:
            return self._automaton.find_matches_as_indexes(folded)
        removed: list[int] = []  # positions, in the joined text, where a line break was taken out

        def take_out(match: re.Match[str]) -> str:
            removed.extend([match.start() - len(removed)] * len(match.group()))
            return ""

        joined = _SINGLE_BREAK.sub(take_out, folded)
        return [(pid, start + bisect_right(removed, start), end + bisect_right(removed, end - 1))
                for pid, start, end in self._automaton.find_matches_as_indexes(joined)]

    def columns(self, text: str, across_newlines: bool = False
                ) -> tuple[Sequence[int], Sequence[int], Sequence[int]]:
        """The scan as three columns: pattern ids, starts, ends."""
        with collector_paused():
            found = self.scan(text, across_newlines)
            if not found:
                return (), (), ()
            pids, starts, ends = zip(*found)
            return pids, starts, ends

    def find(self, text: str, across_newlines: bool = False) -> list[Match]:
        """Every term in ``text``, leftmost-longest, in order; see ``Glossary.find``.

        Written as C-level ``map``/``zip`` pipelines over columns rather than a Python loop,
        with the cyclic garbage collector paused while the match tuples are made: a big text
        yields hundreds of thousands of them, and this keeps ``find`` close to the raw scan.
        """
        with collector_paused():
            pids, starts, ends = self.columns(text, across_newlines)
            if not pids:
                return []
            texts = list(map(text.__getitem__, map(slice, starts, ends)))
            kinds = list(map(self._kinds.__getitem__, pids))
            # text written unlike the pattern's own form (other script, mixed, broken line)
            for index in compress(count(), map(ne, texts, map(self._written.__getitem__, pids))):
                written = texts[index]
                bare = _SINGLE_BREAK.sub("", written) if across_newlines else written
                pid = pids[index]
                kinds[index] = _written_kind(bare, self._forms[pid], self._kinds[pid])
            terms = map(self._terms.__getitem__, pids)
            return list(map(_make_match, zip(starts, ends, texts, kinds, terms)))


_make_match = partial(tuple.__new__, Match)


def _learn(codes: Iterable[int]) -> None:
    """Fold many new CJK characters with one OpenCC call instead of one call per character."""
    new = [code for code in codes if code not in _FOLD and code >= _CJK_FROM and not 0xD800 <= code <= 0xDFFF
           and not 0xFF01 <= code <= 0xFF5E and chr(code) not in PUNCTUATION_FOLDS]
    if len(new) < 64:
        return  # the table learns these one by one
    converted = to_simplified("\n".join(map(chr, new))).split("\n")
    if len(converted) != len(new):
        return
    for code, simple in zip(new, converted):
        char = chr(code)
        folded = EXTRA_FOLDS.get(char) or (simple if len(simple) == 1 else char)
        _FOLD[code] = ord(EXTRA_FOLDS.get(folded, folded))


def _written_kind(written: str, forms: dict[str, FormKind], kind: FormKind) -> FormKind:
    """The form of a match written unlike its pattern's own form (``kind``): another stored
    form if it is one; mixed or other scripts count as traditional, except that a simplified
    form with other punctuation (straight quotes) stays simplified; an abbreviation, short
    form or variant keeps its kind in any script."""
    if written in forms:
        return forms[written]
    if kind not in (FormKind.SIMPLIFIED, FormKind.TRADITIONAL):
        return kind
    for form, form_kind in forms.items():
        if form_kind is FormKind.SIMPLIFIED and len(form) == len(written) and all(
                a == b or not (is_hanzi(a) or is_hanzi(b)) for a, b in zip(form, written)):
            return FormKind.SIMPLIFIED
    return FormKind.TRADITIONAL
