"""Generating pinyin with pypinyin: a suggestion for a headword or variant that has none.

pypinyin reads polyphones by word context; it is taught the policy phrases it reads wrong
(``POLICY_PHRASES``). A generated reading is a suggestion to curate: terms.csv gives every
variant's pinyin and explains where its own differs (``pinyin_note``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import NoReading
from .pinyin import Syllable, is_hanzi, read_digits

__all__ = ["suggest", "POLICY_PHRASES"]


#: Readings pypinyin gets wrong in policy language, given to it as phrases (numbered pinyin).
POLICY_PHRASES: dict[str, str] = {
    "干涉": "gan1 she4",  # not gàn: 不干涉内政 bù gānshè nèizhèng
    "不干涉": "bu4 gan1 she4",
    "长臂": "chang2 bi4",  # not zhǎng: 长臂管辖 chángbì guǎnxiá
    "为中心": "wei2 zhong1 xin1",  # 以人民为中心 yǐ rénmín wéi zhōngxīn
    "相通": "xiang1 tong1",
    "为人民服务": "wei4 ren2 min2 fu2 wu4",  # not wéirén
    "朝鲜": "chao2 xian3",
    "和衷共济": "he2 zhong1 gong4 ji4",
    "行稳致远": "xing2 wen3 zhi4 yuan3",
}


@lru_cache(maxsize=1)
def _pypinyin() -> object:
    """pypinyin, taught POLICY_PHRASES once, on first use."""
    import pypinyin

    pypinyin.load_phrases_dict({
        phrase: [[Syllable(r[:-1].replace("v", "ü"), int(r[-1])).marked()] for r in reading.split()]
        for phrase, reading in POLICY_PHRASES.items()
    })
    return pypinyin


@lru_cache(maxsize=4096)
def suggest(hanzi: str) -> str:
    """Suggest the stored form for a Chinese string with pypinyin (polyphones by word context).

    Words come from pypinyin's phrase segmentation, single characters paired up, numbers read
    out as one word. A suggestion to curate, not a verdict.

    >>> suggest("民心相通")
    'mínxīn xiāngtōng'
    >>> suggest("21世纪")
    'èrshíyī shìjì'
    """
    _pypinyin()
    from pypinyin import lazy_pinyin
    from pypinyin.seg.mmseg import seg

    words: list[list[Syllable]] = []
    pending: list[Syllable] = []  # single characters waiting to be paired
    out: list[str] = []

    def flush() -> None:
        for start in range(0, len(pending), 2):
            words.append(pending[start:start + 2])
        pending.clear()

    for chunk in _DIGITS.split(hanzi) if _DIGIT.search(hanzi) else (hanzi,):
        if not chunk:
            continue
        if chunk.isdecimal():  # what \d split off; not str.isdigit, true of ² too, which has no reading
            flush()
            words.append(list(_readings(read_digits(chunk))))
            continue
        for piece in seg.cut(chunk):
            if not all(is_hanzi(c) for c in piece):
                flush()
                punctuation = "".join(c for c in piece if c in ",，、“”\"")
                if punctuation:
                    words.append([])  # marks a punctuation slot
                    out.append(punctuation.replace("，", ",").replace("、", ","))
                continue
            readings = _readings(piece)
            if len(readings) != len(piece):  # a rare character pypinyin has no reading for
                unknown = next((c for c, r in zip(piece, lazy_pinyin(piece)) if c == r), piece)
                raise NoReading(hanzi, unknown)
            if len(readings) == 1:
                pending.extend(readings)
            else:
                flush()
                words.append(list(readings))
    flush()
    text: list[str] = []
    marks = iter(out)
    for word in words:
        if not word:
            text.append(next(marks))
            continue
        joined = ""
        for index, syllable in enumerate(word):
            if index and syllable.letters[0] in "aoe":
                joined += "'"
            joined += syllable.marked()
        text.append(joined)
    joined = " ".join(text)
    if out:  # punctuation: no space before a comma or closing quote, none after an opening one
        joined = _SPACE_BEFORE.sub(r"\1", joined).replace("“ ", "“")
    return joined.strip()


@lru_cache(maxsize=1 << 16)
def _readings(chunk: str) -> tuple[Syllable, ...]:
    """pypinyin's reading of one word of a headword (words recur: a 117k-entry import asks
    for 160k words, 40k of them distinct, and pypinyin takes 30 µs a word)."""
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(chunk, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=False)
    return tuple(Syllable(r[:-1].replace("ü", "v"), int(r[-1])) for r in readings if _READING.fullmatch(r))


_READING = re.compile(r"[a-zü]+[1-5]")
_DIGITS, _DIGIT = re.compile(r"(\d+)"), re.compile(r"\d")
_SPACE_BEFORE = re.compile(r" ([,”])")
