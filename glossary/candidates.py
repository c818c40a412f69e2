"""Terminology extraction: what in a set of Chinese documents looks like a term, and which of
those terms the glossary has.

A term candidate is a phrase that recurs, stands on its own and is not ordinary language:

1. **Segmentation.** Each run of Chinese characters is segmented into words with part-of-speech
   tags (jieba, through ``rjieba``). Candidates are runs of up to six words (two to twelve
   characters) that begin and end with a content word, contain no particle, preposition,
   conjunction or pronoun, and do not begin with a verb of exhortation (加强, 推进, 坚持…), the
   frame policy texts put around their terms. A single word is a candidate only if general
   usage rarely has it (its frequency in jieba's dictionary of general Chinese is low).
2. **Termhood.** Each candidate gets its C-value (Frantzi, Ananiadou and Mima, 2000): its
   frequency weighted by the log of its length, less the occurrences it owes to the longer
   candidates it sits in, so that 命运共同 in 人类命运共同体 scores nothing of its own. The
   C-value is multiplied by the candidate's spread, ``1 + log2(documents it occurs in)``.
3. **The glossary.** A candidate that is one of the glossary's forms, or whose every occurrence
   lies inside a term the glossary finds, is covered; one that is a glossary term with only a
   verb or an adverb around it (推动高质量发展) is not a new term and is left out.

``extract`` lists the new candidates, best first, with their counts, two contexts, a suggested
pinyin and the CC-CEDICT gloss where the dictionary has the phrase (marked as a dictionary
gloss, never a reviewed rendering). ``coverage`` sets the terms the glossary found against the
new candidates, and, given a curator's list of the real terms in the documents, says which of
those the glossary has.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import InputTooLarge
from .script import fold
from .terms import Term

if TYPE_CHECKING:
    from .matcher import Match

__all__ = ["Document", "Context", "Candidate", "Coverage", "extract", "coverage", "MAX_CHARACTERS"]

#: The most text one extraction reads (about six Government Work Reports' worth of characters).
MAX_CHARACTERS = 2_000_000
MAX_WORDS = 6
MAX_LENGTH = 12
#: A single word is a candidate only if general Chinese seldom uses it (fewer than this many
#: times in the 60 million words behind jieba's dictionary: 一国两制 451, 全面 9,321) and the
#: documents use it at least WEIRDNESS times as often as general Chinese does.
COMMON_WORD = 500
WEIRDNESS = 20
GENERAL_WORDS = 60_101_967
CONTEXT = 14

# jieba's tags (ICTCLAS): u* particles (uj 的), p prepositions, c conjunctions, r pronouns,
# d adverbs, m numerals, q measure words, f localisers, t time words, x punctuation, e/y/o/h/k
# exclamations, modal particles, onomatopoeia, prefixes and suffixes.
_NEVER = frozenset({"u", "ul", "uz", "ud", "ug", "uv", "r", "rr", "rz", "x", "y", "e", "o", "zg", "t", "tg", "eng"})
#: Allowed inside a term only: 以人民为中心, 统筹发展和安全, 党的领导 (的 after one character).
_INSIDE_ONLY = frozenset({"p", "c", "uj", "d", "f", "q", "ad", "k", "h"})
_FIRST_ALLOWED = frozenset({"以"})  # 以人民为中心, 以人为本
#: Around a known term, words like these make a phrase, not a new term (推动 + 高质量发展).
_FRAME_TAGS = frozenset({"v", "vd", "vn", "d", "ad", "a", "an", "m", "q", "f", "t", "p", "c", "uj"})
#: Words policy texts put before their terms (加强党的领导, 推进依法治国, 积极稳妥推进, 取得历史性
#:成就…): a candidate does not begin with one.
FRAME_WORDS = frozenset(
    "加强 推进 推动 坚持 加快 促进 实施 提高 提升 完善 健全 落实 支持 发挥 实现 做好 开展 进行 抓好 积极 "
    "不断 持续 切实 大力 着力 努力 继续 进一步 更加 全力 坚定 深入 深化 扎实 认真 稳步 强化 优化 巩固 增强 "
    "构建 打造 建设 建立 形成 保持 维护 坚决 着眼 围绕 依托 贯彻 稳妥 有序 主动 必须 应当 需要 能够 可以 "
    "发生 取得 弘扬 带领 团结 召开 举行 作出 提出 指出 强调 认为 表示 通过 审议 听取 开创 推向 迎来 实行 "
    "采取 战胜 应对 把握 牢记 开启 踏上 迈上 丰富 确保 全面贯彻 贯彻落实 团结带领 "
    "要 将 把 是 有 为 使 让 对 在 向 同 与 和 及 等 也 都 还 就 又 更 最 很 再 已 正 已经 正在 一道 一起".split())
#: Verbs that end a clause about a term rather than a term (稳妥推进, 全面贯彻): not last.
_NOT_LAST_WORDS = frozenset(
    "推进 推动 加强 加快 促进 实施 提高 提升 落实 坚持 深化 做好 开展 进行 抓好 实现 支持 发挥 巩固 增强 "
    "强化 优化 完善 健全 贯彻 取得 带领 团结 确保 丰富".split())
#: A phrase of several words names something: it has a noun, a verbal or adjectival noun, an idiom,
#: a set phrase or an abbreviation among its words (团结带领, two verbs, does not).
_NAMING_TAGS = ("n", "vn", "an", "l", "i", "j")
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·]+")


@dataclass(frozen=True)
class Document:
    """A document's name (its file name, say) and its text."""

    name: str
    text: str


@dataclass(frozen=True)
class Context:
    """One occurrence in its context (keyword in context): ``before``, the ``phrase``, ``after``."""

    document: str
    before: str
    phrase: str
    after: str

    def __str__(self) -> str:
        return f"{self.before}【{self.phrase}】{self.after}"


@dataclass(frozen=True)
class Candidate:
    """A phrase that looks like a term, with the statistics that say so."""

    text: str
    count: int
    documents: int
    termhood: float
    contexts: tuple[Context, ...]
    #: Suggested pinyin (pypinyin with our rules): to check syllable by syllable.
    pinyin: str = ""
    #: The CC-CEDICT glosses, when the dictionary has the phrase: a dictionary's, not reviewed.
    gloss: str = ""


@dataclass(frozen=True)
class Coverage:
    """How much of the documents' terminology the glossary has."""

    #: The glossary's entries found in the documents, with how often, most frequent first.
    found: tuple[tuple[Term, int], ...]
    #: Recurring term candidates the glossary does not have, best first.
    missing: tuple[Candidate, ...]
    #: Entries found at least ``min_count`` times: the covered side of ``share``.
    recurring: int
    #: A curator's list of the documents' real terms, each with the entry that covers it, or "".
    marked: tuple[tuple[str, str], ...] = field(default=())

    @property
    def share(self) -> float:
        """Recurring glossary terms / (recurring glossary terms + new candidates)."""
        total = self.recurring + len(self.missing)
        return self.recurring / total if total else 1.0

    @property
    def marked_share(self) -> float | None:
        """The share of the curator's terms the glossary covers; None without a list."""
        if not self.marked:
            return None
        return sum(1 for _, entry in self.marked if entry) / len(self.marked)


#: The glossary's matcher: every entry in a text (``Glossary.find``).
Find = Callable[[str], Sequence["Match"]]


@dataclass
class _Phrase:
    words: tuple[tuple[str, str], ...]  # (word, tag)
    places: list[tuple[int, int, int]] = field(default_factory=list)  # (document, start, end)


@dataclass
class _Survey:
    documents: Sequence[Document]
    phrases: dict[str, _Phrase]
    matches: list[Sequence[Match]]  # the glossary's, per document
    words: int  # segmented words in all documents


def extract(documents: Sequence[Document], find: Find, min_count: int = 2, limit: int | None = 100,
            details: bool = True) -> list[Candidate]:
    """The new term candidates of some documents, best first; ``find`` is the glossary's matcher.

    ``details``: add a suggested pinyin and the CC-CEDICT gloss (the dictionary is read on first
    use, about a second).
    """
    return _rank(_survey(documents, find), min_count, limit, details)


def coverage(documents: Sequence[Document], find: Find, marked: Iterable[str] = (), min_count: int = 2,
             details: bool = False) -> Coverage:
    """The glossary's entries in the documents, the candidates it lacks, and the share covered;
    ``marked``: a curator's list of the real terms in these documents, to check one by one."""
    survey = _survey(documents, find)
    missing = _rank(survey, min_count, None, details)
    counts: Counter[str] = Counter()
    terms: dict[str, Term] = {}
    for found in survey.matches:
        for match in found:
            counts[match.term.id] += 1
            terms[match.term.id] = match.term
    checked = tuple((term, _covering(term, find)) for term in dict.fromkeys(t.strip() for t in marked if t.strip()))
    return Coverage(
        found=tuple((terms[i], n) for i, n in counts.most_common()),
        missing=tuple(missing),
        recurring=sum(1 for n in counts.values() if n >= min_count),
        marked=checked,
    )


def _covering(term: str, find: Find) -> str:
    """The id of the entry whose form is the whole of ``term``, or ""."""
    for match in find(term):
        if match.start == 0 and match.end == len(term):
            return match.term.id
    return ""


def _survey(documents: Sequence[Document], find: Find) -> _Survey:
    """Every phrase that may be a candidate, where it occurs; and the glossary's matches."""
    size = sum(len(d.text) for d in documents)
    if size > MAX_CHARACTERS:
        raise InputTooLarge(size, MAX_CHARACTERS)
    import rjieba

    phrases: dict[str, _Phrase] = {}
    matches = []
    total = 0
    for number, document in enumerate(documents):
        matches.append(find(document.text))
        folded = fold(document.text)  # segment simplified text; offsets stay those of the document
        for run in _CHINESE.finditer(folded):
            words = []
            offset = run.start()
            for word, tag in rjieba.tag(run.group()):
                words.append((word, tag, offset))
                offset += len(word)
            _phrases_of(words, number, phrases)
            total += len(words)
    return _Survey(documents, phrases, matches, total)


def _phrases_of(words: list[tuple[str, str, int]], document: int, phrases: dict[str, _Phrase]) -> None:
    for first in range(len(words)):
        word, tag, start = words[first]
        if word in FRAME_WORDS or tag in _NEVER or (tag in _INSIDE_ONLY and word not in _FIRST_ALLOWED):
            continue
        length = 0
        for last in range(first, min(first + MAX_WORDS, len(words))):
            word, tag, _ = words[last]
            length += len(word)
            if length > MAX_LENGTH or tag in _NEVER or (tag == "uj" and len(words[last - 1][0]) > 1):
                break
            if length < 2 or tag in _INSIDE_ONLY or word in _NOT_LAST_WORDS:
                continue
            if len(word) == 1 and last > first and not tag.startswith("n"):  # 治国理政新理念新思想新
                continue
            if last > first and not any(t.startswith(_NAMING_TAGS) for _, t, _ in words[first:last + 1]):
                continue
            text = "".join(w for w, _, _ in words[first:last + 1])
            phrase = phrases.get(text)
            if phrase is None:
                phrase = phrases[text] = _Phrase(tuple((w, t) for w, t, _ in words[first:last + 1]))
            phrase.places.append((document, start, start + length))


def _special(word: str, count: int, words: int) -> bool:
    """Whether a word is rare in general Chinese and documents of ``words`` words use it markedly
    more than general Chinese does."""
    import rjieba

    frequency = max(int(rjieba.suggest_freq(word)), 1)
    return frequency < COMMON_WORD and count / max(words, 1) >= WEIRDNESS * frequency / GENERAL_WORDS


def _rank(survey: _Survey, min_count: int, limit: int | None, details: bool) -> list[Candidate]:
    spans = [_Spans(found) for found in survey.matches]
    for phrase in survey.phrases.values():  # an occurrence inside a glossary term is that term's
        phrase.places = [(d, s, e) for d, s, e in phrase.places if not spans[d].contains(s, e)]
    frequent = {text: p for text, p in survey.phrases.items() if len(p.places) >= min_count
                and (len(p.words) > 1 or _special(text, len(p.places), survey.words))}
    # C-value: what each candidate owes to the longer candidates containing it
    owed: dict[str, list[int]] = defaultdict(list)
    for phrase in frequent.values():
        n = len(phrase.words)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i < n:
                    inner = "".join(w for w, _ in phrase.words[i:j])
                    if inner in frequent:
                        owed[inner].append(len(phrase.places))
    ranked = []
    for text, phrase in frequent.items():
        count = len(phrase.places)
        longer = owed.get(text)
        c_value = math.log2(len(text)) * (count - (sum(longer) / len(longer) if longer else 0))
        documents_in = len({d for d, _, _ in phrase.places})
        termhood = c_value * (1 + math.log2(documents_in))
        if termhood <= 0 or _framed(phrase, spans):
            continue
        ranked.append((termhood, count, text, phrase, documents_in))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2]))
    chosen = ranked if limit is None else ranked[:limit]
    return [Candidate(text, count, spread, round(termhood, 2), _contexts(survey.documents, phrase),
                      *(_details(phrase) if details else ("", "")))
            for termhood, count, text, phrase, spread in chosen]


class _Spans:
    """A document's glossary matches (which never overlap), to ask what lies where."""

    def __init__(self, found: Sequence[Match]) -> None:
        ordered = sorted((m.start, m.end) for m in found)
        self.starts = [s for s, _ in ordered]
        self.ends = [e for _, e in ordered]

    def contains(self, start: int, end: int) -> bool:
        """Whether one match covers start..end."""
        index = bisect_right(self.starts, start) - 1
        return index >= 0 and end <= self.ends[index]

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The matches inside start..end."""
        index = bisect_left(self.starts, start)
        found = []
        while index < len(self.starts) and self.starts[index] < end:
            if self.ends[index] <= end:
                found.append((self.starts[index], self.ends[index]))
            index += 1
        return found


def _framed(phrase: _Phrase, spans: list[_Spans]) -> bool:
    """Whether a phrase is a glossary term with only framing words around it (推动 + 高质量发展)."""
    document, start, end = phrase.places[0]
    inner = [(s - start, e - start) for s, e in spans[document].within(start, end)]
    if not inner:
        return False
    offset = 0
    for word, tag in phrase.words:
        covered = any(s <= offset and offset + len(word) <= e for s, e in inner)
        if not covered and tag not in _FRAME_TAGS and word not in FRAME_WORDS:
            return False
        offset += len(word)
    return True


def _contexts(documents: Sequence[Document], phrase: _Phrase, most: int = 2) -> tuple[Context, ...]:
    """Up to two occurrences in context, from different documents where there are several."""
    chosen: list[tuple[int, int, int]] = []
    for place in phrase.places:
        if len(chosen) < most and all(place[0] != c[0] for c in chosen):
            chosen.append(place)
    for place in phrase.places:
        if len(chosen) < most and place not in chosen:
            chosen.append(place)
    out = []
    for document, start, end in chosen:
        text = documents[document].text
        before = " ".join(text[max(0, start - CONTEXT):start].split())
        after = " ".join(text[end:end + CONTEXT].split())
        out.append(Context(documents[document].name, before, text[start:end], after))
    return tuple(out)


def _details(phrase: _Phrase) -> tuple[str, str]:
    """A suggested pinyin (word by word, as segmented) and the CC-CEDICT gloss of a phrase ("" where
    there is none)."""
    from . import dictionary
    from .errors import PinyinError
    from .pinyin import join_word, syllables
    from .pinyin_generate import suggest

    parts: list[str] = []
    try:
        for word, _ in phrase.words:  # a word of up to three characters is one pinyin word (lìshǐxìng)
            reading = suggest(word)
            parts.append(join_word(syllables(reading)) if len(word) <= 3 else reading)
    except PinyinError:
        parts = []
    pinyin = " ".join(parts)
    entries = dictionary.lookup("".join(word for word, _ in phrase.words))
    glosses = [gloss for entry in entries for gloss in entry.glosses]
    return pinyin, "; ".join(glosses[:4])
