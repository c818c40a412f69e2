"""Pinyin: parsing the curated form, rendering it in three styles, suggesting it, search keys.

The stored (curated) form is pinyin with tone marks, words joined as GB/T 16159-2012 requires:
``yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì``. Everything else is derived from it.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .errors import PinyinError

__all__ = [
    "PinyinStyle",
    "Syllable",
    "parse",
    "render",
    "syllables",
    "read_digits",
    "count_readable",
    "is_chinese",
    "count_problems",
    "sort_key",
    "key_letters",
    "search_keys",
    "INTERJECTIONS",
    "SYLLABLES",
    "WITH_INTERJECTIONS",
]


class PinyinStyle(str, enum.Enum):
    """How pinyin is written out."""

    #: Tone marks, GB/T 16159 word joining and apostrophes: ``zhànlüè``, ``Xī'ān``.
    MARKS = "marks"
    #: No tones, ü written u, as English-language analysis prints it: ``zhanlue``.
    PLAIN = "plain"
    #: Tone numbers after each syllable, ü written v, neutral tone 5: ``zhan4lve4``.
    NUMBERS = "numbers"


#: Every standard Mandarin syllable, toneless, with ü written v (from pypinyin's dictionary;
#: the interjections are ``INTERJECTIONS``).
SYLLABLES: frozenset[str] = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bu ca
    cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
    chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei
    den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang
    fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang
    gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
    ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken
    keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian
    liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men
    meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang
    niao nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi
    pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
    ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng
    sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun
    shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong
    tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing
    xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan
    zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua
    zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo""".split()
)
#: The interjection syllables Hanyu Pinyin adds (ń ň ǹ n, ḿ m, hm, hng, ńg ňg ng, ê): read as
#: syllables only where the standard ones cannot split the letters (``ming`` stays one syllable,
#: never mi+ng; ``ńle``, as 嗯了 is generated, is ń+le).
INTERJECTIONS: frozenset[str] = frozenset({"n", "ng", "m", "hm", "hng", "ê"})
#: Every syllable the stored form accepts: the standard ones, then the interjections.
WITH_INTERJECTIONS: frozenset[str] = SYLLABLES | INTERJECTIONS
LONGEST = max(map(len, SYLLABLES))

#: Combining tone marks (after NFD decomposition) and the tone each stands for.
_TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
_UMLAUT = "\u0308"
_CIRCUMFLEX = "\u0302"
#: Characters that separate words or syllables in the stored form and are kept as written.
_SEPARATORS = " -,\"“”·"
_WORD = re.compile(r"[^\s\-,\"“”·']+(?:'[^\s\-,\"“”·']+)*")


@dataclass(frozen=True)
class Syllable:
    """One syllable: toneless letters (ü as ``v``), tone 1–5 (5 = neutral), capitalised or not."""

    letters: str
    tone: int
    capital: bool = False

    def marked(self) -> str:
        """The syllable with its tone mark: ``lve`` tone 4 → ``lüè``."""
        return _marked(self.letters, self.tone, self.capital)

    def plain(self) -> str:
        text = self.letters.replace("v", "u")
        return text[:1].upper() + text[1:] if self.capital else text

    def numbered(self) -> str:
        text = self.letters
        return (text[:1].upper() + text[1:] if self.capital else text) + str(self.tone)


@lru_cache(maxsize=8192)  # a few thousand syllables, written hundreds of thousands of times by an import
def _marked(letters: str, tone: int, capital: bool) -> str:
    text = letters.replace("v", "ü")
    if tone in (1, 2, 3, 4):
        mark = "\u0304\u0301\u030c\u0300"[tone - 1]
        index = _mark_position(text)
        text = text[: index + 1] + mark + text[index + 1 :]
    text = unicodedata.normalize("NFC", text)
    return text[:1].upper() + text[1:] if capital else text


def _mark_position(letters: str) -> int:
    """Where the tone mark goes: on a or e (or ê), on the o of ou, else on the last vowel; in
    the interjections without a vowel, on the n or m (ńg, hm̀)."""
    for vowel in "aeê":
        if vowel in letters:
            return letters.index(vowel)
    if "ou" in letters:
        return letters.index("o")
    for index in range(len(letters) - 1, -1, -1):
        if letters[index] in "iouü":
            return index
    return next((index for index, letter in enumerate(letters) if letter in "nm"), 0)


# A parsed pinyin string is a sequence of Syllables and separator strings (" ", "-", "'", ", ").
Token = Syllable | str


def decompose(word: str) -> tuple[str, dict[int, int]]:
    """Split a marked word into lowercase letters (ü → v) and {letter index: tone}."""
    letters: list[str] = []
    tones: dict[int, int] = {}
    for char in unicodedata.normalize("NFD", word):
        if char in _TONE_MARKS:
            tones[len(letters) - 1] = _TONE_MARKS[char]
        elif char == _UMLAUT and letters and letters[-1] == "u":
            letters[-1] = "v"
        elif char == _CIRCUMFLEX and letters and letters[-1] == "e":
            letters[-1] = "ê"
        elif unicodedata.combining(char):
            continue
        else:
            letters.append(char)
    return "".join(letters), tones


#: Typed queries also spell lüe and nüe without the umlaut.
QUERY_SYLLABLES = SYLLABLES | {"lue", "nue"}


def _segment(letters: str, allow_partial: bool = False, inventory: frozenset[str] = SYLLABLES) -> list[str] | None:
    """Split toneless letters into syllables, longest first with backtracking.

    Syllables starting with a, o or e only begin a word (GB/T 16159 writes an apostrophe
    before them inside one), which keeps ``xian`` one syllable and ``fangan`` fang-an.
    """
    lowered = letters.lower()
    size = len(lowered)
    failed: set[int] = set()

    def walk(start: int) -> list[str] | None:
        if start == size:
            return []
        if start in failed:
            return None
        for end in range(min(size, start + LONGEST), start, -1):
            piece = lowered[start:end]
            if start and piece[0] in "aoe":
                continue
            if piece in inventory or (allow_partial and end == size and _is_syllable_prefix(piece)):
                rest = walk(end)
                if rest is not None:
                    return [letters[start:end], *rest]
        failed.add(start)
        return None

    return walk(0)


@lru_cache(maxsize=1)
def syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))


def _is_syllable_prefix(piece: str) -> bool:
    return piece in syllable_prefixes()


@lru_cache(maxsize=1 << 18)  # big enough that a 120k-term import parses each pinyin once
def parse(text: str) -> tuple[Token, ...]:
    """Parse the stored tone-marked form into syllables and separators.

    >>> [t.numbered() if isinstance(t, Syllable) else t for t in parse("Xī'ān hǎi'àn")]
    ['Xi1', "'", 'an1', ' ', 'hai3', "'", 'an4']
    """
    text = unicodedata.normalize("NFC", text.strip())
    tokens: list[Token] = []
    position = 0
    for match in _WORD.finditer(text):
        between = text[position : match.start()]
        if between:
            tokens.append(_separator(between, text))
        for index, part in enumerate(match.group().split("'")):
            if index:
                tokens.append("'")
            tokens.extend(_parse_word(part, text))
        position = match.end()
    if text[position:]:
        tokens.append(_separator(text[position:], text))
    return tuple(tokens)


def _separator(between: str, text: str) -> str:
    if any(char not in _SEPARATORS and not char.isspace() for char in between):
        raise PinyinError(text, f"unexpected {between!r}")
    return re.sub(r"\s+", " ", between)


def _parse_word(word: str, text: str) -> tuple[Syllable, ...]:
    parsed = _word(word)
    if isinstance(parsed, str):
        raise PinyinError(text, parsed)
    return parsed


@lru_cache(maxsize=1 << 16)  # words recur: 157k in the 117k CC-CEDICT headwords' pinyin, 40k distinct
def _word(word: str) -> tuple[Syllable, ...] | str:
    """A word's syllables, or what is wrong with it."""
    letters, tones = decompose(word)
    if not letters.replace("ê", "").isascii() or not letters.isalpha():
        return f"{word!r} is not pinyin"
    # standard syllables first; the interjections (ń, ňg, ḿ, hm, hng, ê) only where they cannot
    pieces = _segment(letters) or _segment(letters, inventory=WITH_INTERJECTIONS)
    if pieces is None:
        return f"{word!r} does not split into pinyin syllables"
    result: list[Syllable] = []
    start = 0
    for piece in pieces:
        end = start + len(piece)
        marked = [tone for index, tone in tones.items() if start <= index < end]
        if len(marked) > 1:
            return f"syllable {piece!r} in {word!r} has two tone marks"
        result.append(Syllable(piece.lower(), marked[0] if marked else 5, piece[:1].isupper()))
        start = end
    return tuple(result)


def syllables(text: str) -> list[Syllable]:
    """The syllables of a stored pinyin string, separators dropped."""
    return [token for token in parse(text) if isinstance(token, Syllable)]


def join_word(parts: Sequence[Syllable]) -> str:
    """Syllables written as one word, with an apostrophe before a, o and e: ``fāng'àn``.

    >>> join_word(syllables("xī ān"))
    "xī'ān"
    """
    text = ""
    for index, syllable in enumerate(parts):
        if index and syllable.letters[0] in "aoe":
            text += "'"
        text += syllable.marked()
    return text


@lru_cache(maxsize=65536)
def render(text: str, style: PinyinStyle | str = PinyinStyle.MARKS) -> str:
    """Write the stored form in a style.

    >>> render("yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì", "plain")
    'yongjiu quanmian zhanlue huoban guanxi'
    >>> render("yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì", "numbers")
    'yong3jiu3 quan2mian4 zhan4lve4 huo3ban4 guan1xi4'
    """
    style = style if isinstance(style, PinyinStyle) else PinyinStyle(style)
    write = _WRITERS[style]
    numbers = style is PinyinStyle.NUMBERS
    out: list[str] = []
    for token in parse(text):
        if isinstance(token, Syllable):
            out.append(write(token))
        elif not (numbers and token == "'"):
            out.append(token)
    return "".join(out)


_WRITERS = {PinyinStyle.MARKS: Syllable.marked, PinyinStyle.PLAIN: Syllable.plain,
            PinyinStyle.NUMBERS: Syllable.numbered}


# --- digits -------------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def read_digits(text: str) -> str:
    """Replace runs of ASCII digits with Chinese numerals as they are read: 21 → 二十一; a year
    digit by digit (four digits from 1900 to 2099, or any four before 年): 2030 → 二零三零.

    >>> read_digits("21世纪"), read_digits("中国制造2025"), read_digits("黄金30年")
    ('二十一世纪', '中国制造二零二五', '黄金三十年')
    """
    return _DIGIT_RUN.sub(lambda m: _number(m.group(), year=bool(m.group("year"))), text)


#: A run of digits; a year (read digit by digit) is four digits from 1900 to 2099 or before 年.
_DIGIT_RUN = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d(?!\d)|\d{4}(?=年))|\d+")


def _number(digits: str, year: bool = False) -> str:
    value = int(digits)
    if year or (digits.startswith("0") and len(digits) > 1) or value >= 10000:
        return "".join(_DIGITS[int(d)] for d in digits)  # read digit by digit
    if value < 10:
        return _DIGITS[value]
    parts: list[str] = []
    zero_pending = False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        count, value = divmod(value, size)
        if count:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            # 10–19 are read 十, 十一 …; 110 is 一百一十
            parts.append(unit if unit == "十" and count == 1 and not parts else _DIGITS[count] + unit)
        elif parts:
            zero_pending = True
    return "".join(parts)


def is_hanzi(char: str) -> bool:
    """True for a CJK ideograph (basic block, extensions A–G, compatibility)."""
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x323AF
            or 0xF900 <= code <= 0xFAFF)


_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")


def is_chinese(text: str) -> bool:
    """Whether a pasted text is Chinese: more hanzi than Latin-script words.

    >>> is_chinese("中国与SCO成员国"), is_chinese("The Belt and Road Initiative (一带一路)")
    (True, False)
    """
    hanzi = sum(1 for c in text if is_hanzi(c))
    words = len(_LATIN_WORD.findall(text))
    return hanzi > words


def count_readable(hanzi: str) -> int:
    """How many syllables a headword is read with: its characters, digits read out."""
    return sum(1 for char in read_digits(hanzi) if is_hanzi(char))


def count_problems(hanzi: str, pinyin: str) -> list[str]:
    """What is wrong with ``pinyin`` as the reading of ``hanzi``: unreadable, or not one
    syllable per character (digits read out). Empty when it fits.

    >>> count_problems("亚投行", "Yàtóu")
    ['pinyin has 2 syllables but 亚投行 is read with 3; give one syllable per character (digits read out)']
    """
    try:
        count = len(syllables(pinyin))
    except PinyinError as error:
        return [str(error)]
    expected = count_readable(hanzi)
    if count != expected:
        return [f"pinyin has {count} syllables but {hanzi} is read with {expected}; give one syllable "
                "per character (digits read out)"]
    return []


# --- search keys ----------------------------------------------------------------------------


def search_keys(text: str) -> tuple[str, str, str, str]:
    """The toneless, spelled, toned and initials keys of a stored pinyin string, from one
    reading of its syllables (an import makes them for every entry).

    >>> search_keys("Xī'ān")
    ('xian', "xi'an", 'xi1an1', 'xa')
    """
    plain: list[str] = []
    toned: list[str] = []
    for syllable in syllables(text):
        plain.append(key_letters(syllable.letters))
        toned.append(f"{key_letters(syllable.letters, toned=True)}{syllable.tone}")
    return "".join(plain), "'".join(plain), "".join(toned), "".join(p[0] for p in plain)


def sort_key(text: str) -> tuple[tuple[str, int], ...]:
    """Dictionary order of pinyin: syllable by syllable (zhen before zheng, whatever follows), by
    letters (ü after u) and then tone; capitals ignored.

    >>> sorted(["zhèngfǔ", "zhēnxiàng", "Zhēn"], key=sort_key)
    ['Zhēn', 'zhēnxiàng', 'zhèngfǔ']
    """
    return tuple((s.letters, s.tone) for s in syllables(text))


def key_letters(letters: str, toned: bool = False) -> str:
    """Letters as the search keys write them: ü as u without tones, as v with them; ê as e."""
    letters = letters.replace("ê", "e")
    return letters if toned else letters.replace("v", "u")
