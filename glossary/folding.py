"""Folding Chinese text for matching, keeping its length: traditional and variant characters to
simplified (``glossary.script.fold``), Chinese and full-width punctuation to ASCII (“”「」 → ",
full-width letters and digits → ASCII).

Short texts are folded with one ``str.translate`` call over a table that learns each character
once; long ones with one numpy lookup in a table of the whole BMP, which also says which
positions changed (``glossary.matcher`` uses that to read a match as its pattern).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .script import EXTRA_FOLDS, fold_char, to_simplified

__all__ = ["PUNCTUATION_FOLDS", "QUOTE_MARKS", "unquoted", "FOLD", "BULK_FROM", "fold_for_matching", "fold_bulk", "bmp_table", "learn"]


#: Punctuation that Chinese, Hong Kong and Taiwan text writes in several ways.
PUNCTUATION_FOLDS: dict[str, str] = {
    **dict.fromkeys("“”„‟〝〞＂「」『』﹁﹂﹃﹄", '"'),
    **dict.fromkeys("‘’‚‛＇", "'"),
    "\u3000": " ",  # ideographic space
}

#: Every quotation mark Chinese text uses, and the straight ones they fold to.
QUOTE_MARKS = "“”„‟〝〞＂「」『』﹁﹂﹃﹄‘’‚‛＇\"'"
_NO_QUOTES = str.maketrans("", "", QUOTE_MARKS)


def unquoted(text: str) -> str:
    """Text without its quotation marks: “一带一路”国际合作高峰论坛 → 一带一路国际合作高峰论坛."""
    return text.translate(_NO_QUOTES)


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


FOLD = _FoldTable()

#: From this length on, text is folded with one vectorised table lookup (numpy) instead of
#: ``str.translate`` (about 0.1 µs a character): ~3 ms for 2 MB instead of ~70 ms.
BULK_FROM = 65536


def fold_for_matching(text: str) -> str:
    """Fold text for matching, keeping its length: ``str.translate`` over a table that learns
    each character once for short texts; a vectorised lookup in a table of the whole Basic
    Multilingual Plane for long ones. Text that folding leaves alone is returned as it is.

    >>> fold_for_matching("永久全面戰略夥伴關係「一帶一路」")
    '永久全面战略伙伴关系"一带一路"'
    """
    bulk = fold_bulk(text, bmp_table()) if len(text) >= BULK_FROM else None
    if bulk is not None:
        return bulk[0]
    folded = text.translate(FOLD)
    return text if folded == text else folded


def fold_bulk(text: str, table: Any, used: frozenset[int] | None = None) -> tuple[str, list[int] | None] | None:
    """The text folded by one numpy lookup in ``table`` (BMP characters; the few beyond it are
    folded one by one, and only to a character in ``used`` when given), and the positions that
    changed (None when more than one in eight changed: traditional text); None
    instead of both for text with lone surrogates (the translate path handles them)."""
    try:
        encoded = text.encode("utf-32-le")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    import numpy

    codes = numpy.frombuffer(encoded, dtype=numpy.uint32)
    if int(codes.max()) <= 0xFFFF:
        folded = table[codes]
    else:
        folded = table[numpy.minimum(codes, 0xFFFF)]
        for position in numpy.flatnonzero(codes > 0xFFFF).tolist():
            code = int(codes[position])
            target = FOLD[code]
            folded[position] = target if used is None or target in used else code
    differs = folded != codes
    how_many = int(numpy.count_nonzero(differs))
    if not how_many:
        return text, []
    # traditional text changes nearly everywhere: then the positions are not worth listing
    changed = numpy.flatnonzero(differs).tolist() if how_many * 8 <= len(codes) else None
    return str(folded.tobytes().decode("utf-32-le")), changed


@lru_cache(maxsize=1)
def bmp_table() -> Any:
    """The fold of every BMP character as a numpy array (learned with one OpenCC call)."""
    import numpy

    learn(range(_CJK_FROM, 0x10000))
    table = numpy.arange(0x10000, dtype=numpy.uint32)
    for code in range(0x10000):
        if not 0xD800 <= code <= 0xDFFF:
            table[code] = FOLD[code]
    return table


def learn(codes: Iterable[int]) -> None:
    """Fold many new CJK characters with one OpenCC call instead of one call per character."""
    new = [code for code in codes if code not in FOLD and code >= _CJK_FROM and not 0xD800 <= code <= 0xDFFF
           and not 0xFF01 <= code <= 0xFF5E and chr(code) not in PUNCTUATION_FOLDS]
    if len(new) < 64:
        return  # the table learns these one by one
    converted = to_simplified("\n".join(map(chr, new))).split("\n")
    if len(converted) != len(new):
        return
    for code, simple in zip(new, converted):
        char = chr(code)
        folded = EXTRA_FOLDS.get(char) or (simple if len(simple) == 1 else char)
        FOLD[code] = ord(EXTRA_FOLDS.get(folded, folded))
