"""Simplified and traditional Chinese: OpenCC conversion and the folding used for matching.

Folding maps any Chinese text, traditional, variant or mixed, character by character onto
simplified characters, so that one key matches 命運共同體, 命运共同体 and 夥伴/伙伴 alike. It
keeps the length of the text, so offsets in folded text are offsets in the caller's text.
"""

from __future__ import annotations

import enum
from functools import lru_cache
from typing import Any

__all__ = ["Script", "to_traditional", "to_simplified", "fold", "fold_char"]


class Script(str, enum.Enum):
    """A Chinese script, with its BCP 47 tag."""

    #: Simplified characters (mainland China, Singapore).
    SIMPLIFIED = "zh-Hans"
    #: Traditional characters (Hong Kong, Macao, Taiwan).
    TRADITIONAL = "zh-Hant"


#: Variant characters that OpenCC's character table leaves alone but real pages use.
EXTRA_FOLDS: dict[str, str] = {
    "爲": "为",
    "慼": "戚",
    "夥": "伙",
    "臺": "台",
    "著": "着",
    "衆": "众",
    "綫": "线",
    "峯": "峰",
    "裏": "里",
    "啓": "启",
    "眞": "真",
    "僞": "伪",
}


@lru_cache(maxsize=2)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def to_traditional(simplified: str) -> str:
    """Traditional form by OpenCC ``s2t`` (curate it where real usage differs).

    >>> to_traditional("命运共同体")
    '命運共同體'
    """
    return str(_converter("s2t").convert(simplified))


def to_simplified(text: str) -> str:
    """Simplified form by OpenCC ``t2s`` (phrase-aware)."""
    return str(_converter("t2s").convert(text))


@lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """One character folded to simplified; anything that is not one Chinese character stays."""
    if char in EXTRA_FOLDS:
        return EXTRA_FOLDS[char]
    if char.isascii():
        return char
    converted = to_simplified(char)
    folded = converted if len(converted) == 1 else char
    return EXTRA_FOLDS.get(folded, folded)


def fold(text: str) -> str:
    """Fold text to simplified character by character, keeping its length.

    >>> fold("永久全面戰略夥伴關係")
    '永久全面战略伙伴关系'
    """
    return "".join(map(fold_char, text))
