"""Every other word of a Chinese text glossed from CC-CEDICT, the way mandarinspot does.

Annotation marks the glossary's terms first; ``--all-words`` then segments the text between
them into words and glosses each word the dictionary has with its pinyin and gloss, marked as
the dictionary's, not reviewed: a ``dictionary-word`` class in HTML, ``[pinyin, CC-CEDICT: …]``
in brackets, a ``[^cc-…]`` footnote in Markdown, ``"source": "cc-cedict"`` in JSON.

Segmentation is jieba's (``rjieba``, no HMM: it emits only words of its dictionary or single
characters), each word looked up in CC-CEDICT; a word CC-CEDICT lacks is split by longest
match in CC-CEDICT. The README gives the comparison with longest match alone that chose it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Container, Iterator, Mapping
from html import escape
from typing import Any

from .dictionary_index import LABEL, SOURCE_ID, DictionaryIndex
from .pinyin import PinyinStyle, is_hanzi
from . import dictionary

__all__ = ["Segmenter", "WordGlosser", "segment"]

#: The longest CC-CEDICT word longest match tries (longer headwords are idioms and names, which
#: jieba or the glossary find).
LONGEST_WORD = 8


class Segmenter(str, enum.Enum):
    """How the text between glossary terms is cut into words."""

    #: jieba's words (rjieba, no HMM), a word CC-CEDICT lacks split by longest match (the default).
    JIEBA = "jieba"
    #: Forward longest match over CC-CEDICT's headwords alone.
    LONGEST = "longest"


class _Known(dict[str, bool]):
    """Whether each string is a CC-CEDICT headword, asked of ``words`` once per string: a text
    repeats its words, and the index reads a headword from its mapped table (a microsecond or
    so) where this answers from a dict. With the index's headwords, ``best`` keeps each word's
    best entry too (one look-up for both)."""

    def __init__(self, words: Container[str]) -> None:
        super().__init__()
        self.words = words
        self.best: dict[str, int] = {}

    def __missing__(self, word: str) -> bool:
        if isinstance(self.words, Mapping):
            number = self.words.get(word)
            found = self[word] = number is not None
            if number is not None:
                self.best[word] = number
        else:
            found = self[word] = word in self.words
        return found


def _longest(text: str, words: _Known, offset: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of the CC-CEDICT words in ``text`` by forward longest match; characters no
    word covers are left out."""
    position, size = 0, len(text)
    while position < size:
        if not is_hanzi(text[position]):
            position += 1
            continue
        for end in range(min(size, position + LONGEST_WORD), position, -1):
            if words[text[position:end]]:
                yield offset + position, offset + end
                position = end
                break
        else:
            position += 1


def segment(text: str, words: Container[str], segmenter: Segmenter = Segmenter.JIEBA) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text`` that CC-CEDICT glosses, in order.

    >>> from glossary.dictionary_index import index
    >>> text = "我们要加强合作"
    >>> [text[s:e] for s, e in segment(text, index().words)]
    ['我们', '要', '加强', '合作']
    """
    known = words if isinstance(words, _Known) else _Known(words)
    if segmenter is Segmenter.LONGEST:
        return list(_longest(text, known))
    import rjieba

    found: list[tuple[int, int]] = []
    position = 0
    for word in rjieba.cut(text, False):
        end = position + len(word)
        if known[word]:
            if is_hanzi(word[0]):
                found.append((position, end))
        elif any(map(is_hanzi, word)):
            found += _longest(word, known, position)
        position = end
    return found


class WordGlosser:
    """Glosses the stretches of text between glossary terms, in each annotation format; what a
    word says is made once per word."""

    def __init__(self, index: DictionaryIndex, style: PinyinStyle, first_only: bool = False,
                 segmenter: Segmenter = Segmenter.JIEBA) -> None:
        self.index, self.style, self.first_only, self.segmenter = index, style, first_only, segmenter
        self._made: dict[tuple[str, str], Any] = {}
        self._readings: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._known = _Known(index.words)  # what this glosser has asked the index
        self.seen: set[str] = set()  # words glossed already (first_only, Markdown footnotes)
        self.footnotes: list[str] = []

    def words(self, text: str) -> list[tuple[int, int]]:
        found = segment(text, self._known, self.segmenter)
        if not self.first_only:
            return found
        kept: list[tuple[int, int]] = []
        for start, end in found:
            word = text[start:end]
            if word not in self.seen:
                self.seen.add(word)
                kept.append((start, end))
        return kept

    def reading(self, word: str) -> tuple[str, tuple[str, ...]]:
        """The pinyin (in the style) and glosses of a word's first CC-CEDICT entry (read once per
        word and glosser)."""
        made = self._readings.get(word)
        if made is None:
            number = self._known.best[word] if self._known[word] else self.index.words[word]  # KeyError: no entry
            entry = self.index.entry(number)
            made = self._readings[word] = (dictionary.styled(entry.numbered, self.style) or entry.numbered,
                                           entry.glosses)
        return made

    def _once(self, kind: str, word: str, make: Callable[[str], Any]) -> Any:
        key = (kind, word)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = make(word)
        return made

    def _pieces(self, text: str, mark: Callable[[str], str], plain: Callable[[str], str], kind: str = "") -> str:
        if kind and not self.first_only and self.segmenter is Segmenter.JIEBA:
            return self._fast(text, mark, plain, kind)
        out: list[str] = []
        position = 0
        for start, end in self.words(text):
            out += [plain(text[position:start]), mark(text[start:end])]
            position = end
        out.append(plain(text[position:]))
        return "".join(out)

    def _fast(self, text: str, mark: Callable[[str], str], plain: Callable[[str], str], kind: str) -> str:
        """``_pieces`` for stateless formats: jieba's pieces, each rendered once per glosser
        (words, punctuation and the rest alike: one dictionary lookup per piece)."""
        import rjieba

        done: dict[str, str] = self._made.setdefault(("pieces", kind), {})
        out: list[str] = []
        append = out.append
        for piece in rjieba.cut(text, False):
            made = done.get(piece)
            if made is None:
                made = done[piece] = self._pieces(piece, mark, plain)
            append(made)
        return "".join(out)

    # --- formats --------------------------------------------------------------------------

    def html(self, text: str) -> str:
        """``text`` escaped, each dictionary word in ``<span class="dictionary-word">`` with its
        pinyin as ruby and its glosses in the title."""
        def make(word: str) -> str:
            pinyin, glosses = self.reading(word)
            title = f"{pinyin}: {'; '.join(glosses[:4])} — {LABEL}"
            return (f'<span class="dictionary-word" title="{escape(title)}"><ruby>{escape(word)}<rp> (</rp>'
                    f"<rt>{escape(pinyin)}</rt><rp>)</rp></ruby></span>")

        return self._pieces(text, lambda word: self._once("html", word, make), escape, "html")

    def brackets(self, text: str) -> str:
        """Each dictionary word followed by `` [pinyin, CC-CEDICT: first gloss]``."""
        def make(word: str) -> str:
            pinyin, glosses = self.reading(word)
            gloss = glosses[0].replace("[", "(").replace("]", ")")
            return f"{word} [{pinyin}, CC-CEDICT: {gloss}]"

        return self._pieces(text, lambda word: self._once("brackets", word, make), str, "brackets")

    def markdown(self, text: str) -> str:
        """Each dictionary word's first occurrence with a ``[^cc-word]`` footnote (collected in
        ``footnotes``)."""
        from .annotate import _md

        def mark(word: str) -> str:
            label = f"[^cc-{word}]"
            if word not in self.seen:
                self.seen.add(word)
                pinyin, glosses = self.reading(word)
                self.footnotes.append(f"{label}: {word} *{_md(pinyin)}*, {LABEL}: {_md('; '.join(glosses[:4]))}")
                return word + label
            return word

        return self._pieces(text, mark, str)

    def spans(self, text: str, offset: int) -> list[dict[str, Any]]:
        """JSON spans of the dictionary words of ``text`` (which starts at ``offset``)."""
        out: list[dict[str, Any]] = []
        for start, end in self.words(text):
            word = text[start:end]
            pinyin, glosses = self.reading(word)
            out.append({"start": offset + start, "end": offset + end, "text": word, "source": SOURCE_ID,
                        "reviewed": False, "pinyin": pinyin, "glosses": list(glosses)})
        return out
