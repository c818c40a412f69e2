"""Search keys: how terms are indexed and how a query is read (pure functions, no database).

A term is stored under normalised keys (folded hanzi and their suffixes, pinyin with and
without tones, initials, English renderings and words); a query is normalised the same way,
so every lookup is an index range scan.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import pinyin as _pinyin
from .pinyin_query import QueryPinyin, parse_query
from .folding import unquoted
from .script import fold
from .terms import Hit, Status, Term
from .validate import LIMITS

__all__ = ["QueryKind", "Query", "read_query", "term_keys", "KEYS_VERSION", "WORD_END", "word_key", "word_length", "normalize_english", "english_words", "KEY_MAX",
           "scan_plan", "match_kind", "explain", "explain_parts"]

#: The version of ``term_keys``: a store whose index was written by another version rebuilds it
#: when opened. Raise it whenever the keys a term gets change.
KEYS_VERSION = "5"
#: Appended to a key to make the upper bound of a prefix range (compares above any character).
KEY_MAX = "\U0010ffff"
#: Keys are cut to the length of their column.
KEY_LENGTH = LIMITS["key"]
#: English words too common to search by.
STOPWORDS = frozenset("a an and as at by for from in into of on or the to with".split())


class QueryKind(str, enum.Enum):
    """What a query is searched as (forced with the MDBG-style prefixes c:, p:, e:)."""

    #: Chinese characters, simplified or traditional (``c:``).
    HANZI = "hanzi"
    #: Pinyin in any form (``p:``).
    PINYIN = "pinyin"
    #: English (``e:``).
    ENGLISH = "english"


@dataclass(frozen=True)
class Query:
    """A query read: the kinds to search and the normalised keys for each."""

    text: str
    kinds: tuple[QueryKind, ...]
    hanzi: str = ""
    pinyin: QueryPinyin | None = None
    initials: str = ""
    english: str = ""
    words: tuple[str, ...] = ()


_PREFIXES = {"c:": QueryKind.HANZI, "p:": QueryKind.PINYIN, "e:": QueryKind.ENGLISH}
_INITIALS_IGNORED = re.compile(r"['’\-]")
#: Longest initials query: a headword of 30 syllables (the longest names of bodies and policies).
_MAX_INITIALS = 30


def hanzi_key(text: str) -> str:
    """A Chinese form or query as searched: spaces and quotation marks dropped (a headword may quote
    its inner term, “一带一路”国际合作高峰论坛, and a query quote it otherwise or not at all), folded
    to simplified.

    >>> hanzi_key("「一帶一路」國際合作高峰論壇") == hanzi_key("“一带一路”国际合作高峰论坛") == "一带一路国际合作高峰论坛"
    True
    """
    return fold(unquoted("".join(text.split())))[:KEY_LENGTH]


@lru_cache(maxsize=4096)
def read_query(text: str) -> Query:
    """Detect what a query is (hanzi, pinyin, English or ambiguous Latin) and normalise it
    (kept for the last 4,096 queries: a search reads its query for the store and again for the
    dictionary fallback).

    >>> read_query("命運共同體").hanzi
    '命运共同体'
    >>> [k.value for k in read_query("mingyun").kinds]
    ['pinyin', 'english']
    """
    text = unicodedata.normalize("NFC", text).strip()
    forced = _PREFIXES.get(text[:2].lower())
    if forced:
        text = text[2:].strip()
    if forced is QueryKind.HANZI or (forced is None and any(_pinyin.is_hanzi(c) for c in text)):
        return Query(text, (QueryKind.HANZI,), hanzi=hanzi_key(text))
    if forced is None and text and not any(c.isalpha() for c in text):
        # digits and signs only: a Chinese form such as 10+3 (东盟与中日韩), or an English one
        return Query(text, (QueryKind.HANZI, QueryKind.ENGLISH), hanzi=hanzi_key(text), english=normalize_english(text),
                     words=tuple(english_words(text)))
    kinds: list[QueryKind] = []
    parsed = parse_query(text) if forced in (None, QueryKind.PINYIN) else None
    # initials are typed as one run of letters (mygtt), perhaps with our apostrophes or hyphens
    letters = _INITIALS_IGNORED.sub("", text).lower()
    initials = letters if forced in (None, QueryKind.PINYIN) and letters.isascii() and letters.isalpha() \
        and 2 <= len(letters) <= _MAX_INITIALS else ""
    if parsed is not None or initials:
        kinds.append(QueryKind.PINYIN)
    # a query with tones on syllables is pinyin only; "C5" or "G20" is not pinyin at all
    toned = parsed is not None and bool(parsed.toned)
    if forced is QueryKind.ENGLISH or (forced is None and not toned):
        kinds.append(QueryKind.ENGLISH)
    english = normalize_english(text)
    return Query(text, tuple(kinds), pinyin=parsed, initials=initials, english=english,
                 words=tuple(english_words(text)))


_NON_WORD = re.compile(r"[^\w']+")
_ARTICLE = re.compile(r"^(?:the|a|an) ")


def normalize_english(text: str) -> str:
    """Lowercase, straight quotes, punctuation to spaces, leading article dropped.

    >>> normalize_english("“One Belt, One Road”")
    'one belt one road'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = _NON_WORD.sub(" ", text.lower()).replace("'s ", " ").strip(" '")
    return _ARTICLE.sub("", text)[:KEY_LENGTH]


def stem(word: str) -> str:
    """A light plural stem so 'interests' finds 'interest' (not a linguistic stemmer)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def english_words(text: str, normalized: bool = False) -> list[str]:
    """Distinct stemmed content words of an English text, in order."""
    words = (text if normalized else normalize_english(text)).split()
    return list(dict.fromkeys(stem(w) for w in words if len(w) > 1 and w not in STOPWORDS))


#: Ends a word key: the word, this separator, then the length of the rendering it is from.
WORD_END = "\x1f"


def word_key(word: str, rendering_length: int) -> str:
    r"""An ``enw`` key: the word, then the length of its rendering (3 digits), so that an index
    scan for a word meets the shortest renderings first ("shared future" ranks "community with a
    shared future" above the longer renderings of its compounds).

    >>> word_key("partnership", 35)
    'partnership\x1f035'
    """
    return f"{word[:KEY_LENGTH - 4]}{WORD_END}{min(rendering_length, 999):03d}"


def word_length(key: str) -> int:
    """The rendering length an ``enw`` key carries."""
    return int(key[-3:])


def term_keys(term: Term) -> list[tuple[str, str, int]]:
    """Every (field, key, rank) a term is indexed under (one row per field and key)."""
    keys: dict[tuple[str, str], int] = {}
    for index, (form, _kind) in enumerate(term.forms()):
        folded = hanzi_key(form)
        rank = 0 if index < 2 else 1
        for start in range(len(folded)):
            slot = ("hzs" if start else "hz", folded[start:])
            if keys.get(slot, 9) > rank:
                keys[slot] = rank
    # the headword's pinyin, then each variant's (an abbreviation has its own: 亚投行 Yàtóuháng)
    for rank, pinyin in enumerate([term.pinyin] + [form.pinyin_as() for form in term.variants]):
        rank = min(rank, 1)
        toneless, spelled, toned, initials = _pinyin.search_keys(pinyin)
        for field, key in (("py", toneless), ("pyb", spelled), ("pyt", toned)):
            if keys.get((field, key[:KEY_LENGTH]), 9) > rank:
                keys[(field, key[:KEY_LENGTH])] = rank
        if not rank and len(initials) > 1:  # the headword's initials
            keys[("pyi", initials[:KEY_LENGTH])] = 0
    for rendering in term.renderings:
        rank = rendering.status.rank
        normal = normalize_english(rendering.text)
        words = [("enw", word_key(w, len(normal))) for w in english_words(normal, normalized=True)]
        for slot in [("en", normal)] + words:
            if slot[1] and keys.get(slot, 9) > rank:
                keys[slot] = rank
    return [(field, key, rank) for (field, key), rank in keys.items() if key]


def scan_plan(q: Query) -> list[tuple[int, str, str]]:
    """(order, field, key) of each index scan a query needs; order breaks ties between fields."""
    stages: list[tuple[int, str, str]] = []
    if q.hanzi:
        stages += [(0, "hz", q.hanzi), (0, "hzs", q.hanzi)]
    if QueryKind.PINYIN in q.kinds:
        if q.pinyin is not None:
            stages += [(1, "pyt", key) for key in q.pinyin.toned]
            if q.pinyin.loose:  # no tones, or some left off: the toneless keys
                stages += [(1, "pyb", key) for key in q.pinyin.spelled] or [(1, "py", q.pinyin.letters)]
        if q.initials:
            stages.append((3, "pyi", q.initials))
    if QueryKind.ENGLISH in q.kinds and q.english:
        stages.append((2, "en", q.english))
        if len(q.words) == 1:
            stages.append((2, "enw", q.words[0]))
    return [stage for stage in stages if stage[2]]


def match_kind(field: str, exact: bool) -> tuple[str, int]:
    """How a key matched, and its class for ranking (0 exact, 1 prefix, 2 substring or words)."""
    if field == "hzs":
        return "substring", 2
    if field == "enw":
        return "words", 2
    return ("exact", 0) if exact else ("prefix", 1)


def explain(term: Term, query: Query, field: str, kind: str, rank: int | None = None) -> Hit:
    """Describe a hit for the user: the form or rendering that matched and its status."""
    return explain_parts(query, field, kind, lambda: [form for form, _ in term.forms()], term.pinyin,
                         term.preferred.text, lambda: [(r.text, r.status) for r in term.renderings], rank)


def explain_parts(query: Query, field: str, kind: str, forms: Callable[[], Sequence[str]], pinyin: str,
                  preferred: str, renderings: Callable[[], Sequence[tuple[str, Status]]],
                  rank: int | None = None) -> Hit:
    """``explain`` from a term's parts; ``forms`` (headword first) and ``renderings`` (preferred
    first) are read only when the hit needs them. ``rank`` is the status rank of the index key
    that matched, when known: an English key of the preferred rank was made from the one
    preferred rendering, so that is the hit, and a search result decodes no renderings."""
    if field in ("hz", "hzs"):
        written = forms()
        return Hit("hanzi", kind, next((form for form in written if query.hanzi in hanzi_key(form)), written[0]))
    if field.startswith("py"):
        return Hit("pinyin", kind, pinyin)
    if rank == Status.PREFERRED.rank and field in ("en", "enw"):
        return Hit("english", kind, preferred, Status.PREFERRED)
    listed = renderings()
    words = set(query.words)
    last = query.words[-1] if query.words else ""
    # a rendering holding the last query word has it (a stem is the word, or "-y" for "-ies")
    # in its lowercased text: a cheap test before splitting it into words
    needle = last[:-1] if last.endswith("y") else last
    for text, status in sorted(listed, key=lambda pair: pair[1].rank):
        if field == "en":
            if normalize_english(text).startswith(query.english):
                return Hit("english", kind, text, status)
        elif field == "enw" and (not text.isascii() or needle in text.lower()):
            found = english_words(text)
            if words <= set(found) or any(w.startswith(last) for w in found):
                return Hit("english", kind, text, status)
    return Hit("english", kind, preferred, Status.PREFERRED)
