"""The English side: finding known renderings in English text and glossing them with the Chinese.

Every rendering counts — preferred, admitted, superseded and deprecated — because analysts quote
older documents. Matching ignores case, treats straight and curly quotes alike, takes whole words
only and accepts the singular or plural of the last word ("core interest(s)").
"""

from __future__ import annotations

import enum
from array import array
import re
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, overload

import ahocorasick_rs

from .cover import maximal_cover
from .entries import PackedTerms, Subset
from .packed import PackedLists, PackedStrings
from .pieces import Piece, render
from .pinyin import PinyinStyle, is_hanzi
from .terms import Rendering, Status, Term  # noqa: F401 - Status: the doctests use it

if TYPE_CHECKING:
    from .overlay import PatchedEnglish

__all__ = ["EnglishMatch", "EnglishMatcher", "OwnerLists", "EnglishFormat", "annotate_english", "english_pieces", "fold_english",
           "pattern_heads", "spelling_variants"]

#: Hyphens read as spaces, so "one-China" and "one China", "Community-of-Common-Destiny" and
#: "community of common destiny" match alike.
_SAME_AS = {**dict.fromkeys("“”„‟″", '"'), **dict.fromkeys("‘’‚‛′", "'"),
            **dict.fromkeys("-\u2010\u2011", " ")}


class _EnglishFold(dict[int, int]):
    """``str.translate`` table: lower case, one kind of quote, every space a plain space."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot reach the automaton
            char = "\ufffd"
        if char in _SAME_AS:
            folded = _SAME_AS[char]
        elif char.isspace():
            folded = " "
        else:
            lowered = char.lower()
            folded = lowered if len(lowered) == 1 else char
        self[code] = ord(folded)
        return ord(folded)


_FOLD = _EnglishFold()


def fold_english(text: str) -> str:
    """Fold English text for matching, keeping its length.

    >>> fold_english("“Core Interests”\\n")
    '"core interests" '
    """
    return text.translate(_FOLD)


def number_variants(rendering: str) -> set[str]:
    """The rendering with its last word in the singular and the plural, without a leading "the".

    The article is left out, not kept as another form: a match then starts where the longer
    renderings start too, so "Belt and Road strategy" wins over "the Belt and Road" in
    "the Belt and Road strategy".

    >>> sorted(number_variants("core interests"))
    ['core interest', 'core interests']
    >>> sorted(number_variants("the Belt and Road"))
    ['Belt and Road', 'Belt and Roads']
    """
    forms = {rendering[4:] if rendering.lower().startswith("the ") and len(rendering) > 4 else rendering}
    for form in list(forms):
        head, _, last = form.rpartition(" ")
        if not last.isalpha() or len(last) < 3 or last.isupper():
            continue
        prefix = f"{head} " if head else ""
        if last.endswith("ies"):
            forms.add(prefix + last[:-3] + "y")
        elif last.endswith("s") and not last.endswith("ss"):
            forms.add(prefix + last[:-1])
        elif last.endswith("y") and last[-2] not in "aeiou":
            forms.add(prefix + last[:-1] + "ies")
        elif last.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(prefix + last + "es")
        else:
            forms.add(prefix + last + "s")
    return forms


#: How people also write a rendering: "&" for "and" (and back), commas left out (hyphens and
#: spaces are alike already: see _SAME_AS).
_RESPELLINGS = ((" and ", " & "), (" & ", " and "), (", ", " "), (",", ""))


def spelling_variants(rendering: str) -> set[str]:
    """The rendering as drafts also spell it, so that a check catches every spelling.

    >>> sorted(spelling_variants("One Belt, One Road"))
    ['One Belt One Road', 'One Belt, One Road']
    >>> sorted(spelling_variants("Belt and Road strategy"))
    ['Belt & Road strategy', 'Belt and Road strategy']
    """
    forms = {rendering}
    for written, respelled in _RESPELLINGS:
        forms |= {form.replace(written, respelled) for form in forms if written in form}
    return forms


class EnglishMatch(NamedTuple):
    """A rendering found in English text: offsets into the caller's text, the term and rendering."""

    start: int
    end: int
    text: str
    term: Term
    rendering: Rendering


class EnglishMatcher:
    """An automaton over every English rendering of some terms (and their number variants).

    >>> from glossary.terms import Domain
    >>> term = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
    ...             (Rendering("core interests", Status.PREFERRED),))
    >>> [(m.start, m.text) for m in EnglishMatcher([term]).find("A core interest; encores interests.")]
    [(2, 'core interest')]
    """

    def __init__(self, terms: Iterable[Term], numbers: Sequence[int] | None = None) -> None:
        """``terms``: a ``PackedTerms`` stays packed (entries decoded when a match reads them:
        glossary.entries); ``numbers``: only these of its entries (a domain's)."""
        self._terms: Sequence[Term] = (Subset(terms, numbers) if isinstance(terms, PackedTerms) and numbers is not None
                                       else terms if isinstance(terms, PackedTerms) else list(terms))
        owners: dict[str, list[tuple[int, int]]] = {}  # pattern -> (term, rendering) numbers
        ranks: dict[tuple[int, int], int] = {}  # (term, rendering) numbers -> the rendering's status rank
        for number, term in enumerate(self._terms):  # a PackedTerms decodes each once, uncached
            for which, rendering in enumerate(term.renderings):
                ranks[number, which] = rendering.status.rank
                for form in {spelled for variant in number_variants(rendering.text)
                             for spelled in spelling_variants(variant)}:
                    pattern = fold_english(form).strip()
                    if pattern and (number, which) not in owners.setdefault(pattern, []):
                        owners[pattern].append((number, which))
        patterns = list(owners)
        # The automaton holds each pattern's head, not the pattern (see pattern_heads): 8.5 times
        # fewer states on the 117k-entry store. A head found at a word start stands for its one
        # pattern when it is that pattern (``_sole``: the pattern number), else for the few
        # patterns ``candidates`` compares there (group ``~_sole``: ``_shared[_shared_starts[group]:``
        # ``_shared_starts[group + 1]]``).
        heads = (pattern_heads(patterns) if sum(map(len, patterns)) >= HEADS_FROM
                 else {pattern: [number] for number, pattern in enumerate(patterns)})
        self._automaton = ahocorasick_rs.AhoCorasick(list(heads) or ["\x00"])
        sole, shared, shared_starts = array("i"), array("i"), array("i", [0])
        for head, numbers in heads.items():
            if len(numbers) == 1 and len(patterns[numbers[0]]) == len(head):
                sole.append(numbers[0])
            else:
                sole.append(~(len(shared_starts) - 1))
                shared.extend(numbers)
                shared_starts.append(len(shared))
        self._sole, self._shared, self._shared_starts = sole, shared, shared_starts
        # each pattern's length: a pattern not followed by a word's end there is not read
        self._lengths = array("H" if max(map(len, patterns), default=0) < 1 << 16 else "I", map(len, patterns))
        del heads, shared
        # Held packed (glossary.packed): ~280k patterns and their owners as Python objects were
        # 74 MB on the 117k-entry store, which a server's workers share until they read them.
        self.patterns = PackedStrings(patterns)
        ranked = [sorted(owners[p], key=ranks.__getitem__) for p in patterns]
        self._owner_terms = PackedLists([number for number, _ in pairs] for pairs in ranked)
        self._owner_renderings = PackedLists([which for _, which in pairs] for pairs in ranked)
        # each pattern's best owner, read at C speed by ``find`` (one per match)
        self._best_terms = array("i", [pairs[0][0] for pairs in ranked])
        self._best_renderings = array("i", [pairs[0][1] for pairs in ranked])
        #: Per pattern, every (term, rendering) it stands for, best status first.
        self.owners = OwnerLists(self.owners_of, len(patterns))

    def owners_of(self, pid: int) -> list[tuple[Term, Rendering]]:
        """Every (term, rendering) pattern ``pid`` stands for, best status first."""
        terms = self._terms
        return [(term, term.renderings[which]) for term, which in
                zip(map(terms.__getitem__, self._owner_terms[pid]), self._owner_renderings[pid])]

    def candidates(self, folded: str) -> list[tuple[int, int, int]]:
        """Every whole-word match in folded text, overlapping ones included, as (pattern, start,
        end): those of the patterns' overlapping matches that ``select_words`` keeps."""
        if not self.patterns or not folded:
            return []
        size = len(folded)
        sole, shared, starts, lengths, patterns = self._sole, self._shared, self._shared_starts, self._lengths, self.patterns
        found: list[tuple[int, int, int]] = []
        append = found.append
        for head, start, end in self._automaton.find_matches_as_indexes(folded, overlapping=True):
            if start and folded[start - 1].isalnum():
                continue  # not at a word start, nor is any pattern this head stands for
            pid = sole[head]
            if pid >= 0:  # the head is the whole pattern
                if end == size or not folded[end].isalnum():
                    append((pid, start, end))
                continue
            for pid in shared[starts[~pid]:starts[~pid + 1]]:
                end = start + lengths[pid]
                if (end == size or end < size and not folded[end].isalnum()) and folded.startswith(patterns[pid], start):
                    append((pid, start, end))
        return found

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        """(pattern index, start, end) of whole-word matches, leftmost-longest, not overlapping."""
        return maximal_cover(self.candidates(fold_english(text)))  # whole words already: see select_words

    def find(self, text: str) -> list[EnglishMatch]:
        """Every rendering in the text, each credited to its best-status owner."""
        read, best_terms, best_renderings = self._terms.__getitem__, self._best_terms, self._best_renderings
        terms: dict[int, Term] = {}  # each entry decoded once however many matches name it

        def term_of(number: int) -> Term:
            term = terms.get(number)
            if term is None:
                term = terms[number] = read(number)
            return term

        return [EnglishMatch(start, end, text[start:end], term := term_of(best_terms[pid]),
                             term.renderings[best_renderings[pid]])
                for pid, start, end in self.scan(text)]


class OwnerLists(Sequence[list[tuple[Term, Rendering]]]):
    """``owners`` of an English matcher: each pattern's (term, rendering) pairs, made when read
    (by ``owners_of``), none kept."""

    def __init__(self, owners_of: Callable[[int], list[tuple[Term, Rendering]]], size: int) -> None:
        self._owners_of, self._size = owners_of, size

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, pid: int) -> list[tuple[Term, Rendering]]: ...

    @overload
    def __getitem__(self, pid: slice) -> list[list[tuple[Term, Rendering]]]: ...

    def __getitem__(self, pid: int | slice) -> list[tuple[Term, Rendering]] | list[list[tuple[Term, Rendering]]]:
        if isinstance(pid, slice):
            return [self._owners_of(p) for p in range(*pid.indices(self._size))]
        if pid < 0:
            pid += self._size
        if not 0 <= pid < self._size:
            raise IndexError("pattern id out of range")
        return self._owners_of(pid)


#: Patterns totalling fewer characters are their own heads: their automaton is small (1.3 MB
#: for the curated glossary's 7,000), and comparing a shared head's patterns made a scan of
#: text dense with its renderings 40-65% slower (0.2-0.45 ms per 5 kB).
HEADS_FROM = 1_000_000

#: A pattern's head is its shortest prefix that at most ``HEAD_SHARED`` patterns start with,
#: lengthened to ``HEAD_LENGTH`` characters (or the whole pattern, if shorter). (At least 2.)
HEAD_SHARED = 4
HEAD_LENGTH = 10


def pattern_heads(patterns: Sequence[str]) -> dict[str, list[int]]:
    """Each head of the patterns (see ``HEAD_SHARED``) and the numbers of the patterns it heads.

    An automaton over the heads finds every place a pattern may start, and a comparison there
    tells which does: an automaton over 272,000 renderings (9 million characters, most of them
    in long tails no other rendering shares) is a trie of 3.8 million states; over their
    145,000 heads, of 449,000.
    Where a word starts a head is mostly its one pattern (no comparison); the few patterns it
    heads otherwise differ after their first ten characters, as singular and plural do. The
    heads are at least ten characters long because the shortest prefixes (``"s "``, ``"er"``) are
    found inside every other word.

    >>> pattern_heads(["core interest", "core interests", "core", "core values", "corea"])
    {'core': [2], 'core inter': [0, 1], 'core value': [3], 'corea': [4]}
    """
    order = sorted(range(len(patterns)), key=patterns.__getitem__)
    wide = [patterns[number].encode("utf-32-be") for number in order]  # 4 bytes a character
    common = list(map(_common_characters, wide, wide[1:]))  # of each pattern and the next, sorted
    del wide
    # More than HEAD_SHARED patterns start with a prefix when HEAD_SHARED + 1 neighbours in
    # sorted order do: at each window of them, the shortest common prefix of neighbours ...
    windows = list(map(min, *(common[skip:] for skip in range(HEAD_SHARED)))) if len(common) >= HEAD_SHARED else []
    # ... and for each pattern, the longest of those among the windows it is in (-1: none)
    padded = [-1] * HEAD_SHARED + windows + [-1] * HEAD_SHARED
    crowded = map(max, *(padded[skip:] for skip in range(HEAD_SHARED + 1)))
    heads: dict[str, list[int]] = {}
    for number, length in zip(order, crowded):
        pattern = patterns[number]
        heads.setdefault(pattern[:max(length + 1, HEAD_LENGTH)], []).append(number)
    return heads


def _common_characters(one: bytes, other: bytes) -> int:
    """How many characters two UTF-32-BE strings have in common at the start."""
    size = min(len(one), len(other))
    differ = int.from_bytes(one[:size], "big") ^ int.from_bytes(other[:size], "big")
    return (size - (differ.bit_length() + 7) // 8) // 4


def select_words(folded: str, found: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of candidate matches in folded text, the whole-word ones that cover the most text, not
    overlapping (leftmost-longest breaks ties; see glossary.cover)."""
    size = len(folded)
    return maximal_cover((pid, start, end) for pid, start, end in found
                         if not ((start and folded[start - 1].isalnum()) or (end < size and folded[end].isalnum())))


_QUOTED = re.compile(r"“[^“”\n]*”|\"[^\"\n]*\"")
_BRACKETED = re.compile(r"\([^()\n]*\)")
_ARTICLE = re.compile(r"(?i)^(?:the|a|an)\s+")
_TRAILING = " ,.;:!?"
_POSSESSIVE = re.compile(r"['’]s?(?!\w)")
_ACRONYM = re.compile(r"\s*\((?:[A-Z][A-Za-z&]*[A-Z]|[A-Z]{2,})\)")
_GIVEN = re.compile(r"\s*[(（]?[^)）\n]{0,3}")


class _Place(enum.Enum):
    """Where a mention stands, which decides whether it may carry the gloss."""

    #: In running text or quoted on its own: the gloss goes here.
    FREE = 1
    #: Inside a longer quotation: glossed only when the term appears nowhere else.
    QUOTED = 2
    #: Inside brackets (a citation, an acronym): never glossed.
    BRACKETED = 3


class Flag(Protocol):
    """What annotation needs of a terminology finding (``glossary.check.Finding``)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def replacement(self) -> str | None: ...
    @property
    def kind(self) -> Any: ...  # FindingKind; .value "outdated", "ruled-out", "advice", "missing"


class EnglishFormat(str, enum.Enum):
    """Output formats of ``annotate_english``."""

    #: Plain text: “ (中文, pinyin)” after terms, “ [→ replacement]” after flagged wording.
    TEXT = "text"
    #: HTML: the same, escaped, with findings in ``<mark class="finding finding-<kind>" title="…">``,
    #: replacements in ``<ins class="replacement">`` and glosses in ``<span class="gloss-zh">``.
    HTML = "html"


def annotate_english(text: str, matcher: EnglishMatcher | PatchedEnglish, pinyin: PinyinStyle | str = PinyinStyle.PLAIN,
                     first_only: bool = True, findings: Sequence[Flag] = (),
                     format: EnglishFormat | str = EnglishFormat.TEXT) -> str:
    """Insert “ (中文, pinyin)” after the first occurrence of each term, as analysts write it, and
    mark the terminology check's ``findings`` in the text.

    After the closing quote when the rendering is quoted; after a possessive ’s, or an acronym in
    brackets that follows it ("Belt and Road Initiative (BRI)"); never where the Chinese already
    follows, never inside brackets. Mentions inside a longer quotation are passed over for a
    later one standing on its own. Outdated or ruled-out wording (a finding) is not glossed as if
    it were right: the replacement follows it instead, “ [→ Belt and Road Initiative]”.

    >>> from glossary.terms import Domain
    >>> term = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
    ...             (Rendering("core interests", Status.PREFERRED),))
    >>> annotate_english('not to harm “core interests” such as', EnglishMatcher([term]))
    'not to harm “core interests” (核心利益, hexin liyi) such as'
    """
    html = EnglishFormat(format) is EnglishFormat.HTML
    return render(text, english_pieces(text, matcher, pinyin, first_only, findings), html)


def english_pieces(text: str, matcher: EnglishMatcher | PatchedEnglish, pinyin: PinyinStyle | str = PinyinStyle.PLAIN,
                   first_only: bool = True, findings: Sequence[Flag] = (), seen: set[str] | None = None) -> list[Piece]:
    """What ``annotate_english`` inserts, as pieces (glossary.pieces) in text and HTML form.

    ``seen`` carries the ids of terms glossed already from one call to the next, so that
    ``first_only`` holds over a document annotated paragraph by paragraph.
    """
    style = PinyinStyle(pinyin)
    seen = set() if seen is None else seen
    flagged = [f for f in findings if f.kind.value in ("outdated", "ruled-out") and f.end <= len(text)]
    advised = [f for f in findings if f.kind.value == "advice" and f.end <= len(text)]
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    brackets = [(m.start(), m.end()) for m in _BRACKETED.finditer(text)]
    by_term: dict[str, list[tuple[int, _Place]]] = {}  # term id -> [(insert at, place)]
    terms: dict[str, Term] = {}
    for match in matcher.find(text):
        if any(f.start <= match.start and match.end <= f.end for f in flagged):
            continue  # outdated wording: its replacement is shown instead of a gloss
        terms[match.term.id] = match.term
        by_term.setdefault(match.term.id, []).append(_insertion_point(text, match, quotes, brackets))
    pieces: list[Piece] = []
    for term_id, places in by_term.items():
        if any(_chinese_follows(text, at) for at, _ in places):
            continue  # the Chinese is given already: never gloss the term twice
        if first_only and term_id in seen:
            continue
        term = terms[term_id]
        gloss = f" ({term.simplified}, {term.pinyin_as(style)})"
        marked = f'<span class="gloss-zh" lang="zh-Hans">{escape(gloss)}</span>'
        usable = [(at, place) for at, place in places if place is not _Place.BRACKETED]
        if first_only:
            free = [at for at, place in usable if place is _Place.FREE]
            chosen = free[:1] or [at for at, _ in usable[:1]]
        else:
            chosen = [at for at, _ in usable]
        if chosen:
            seen.add(term_id)
        pieces += [Piece(at, 1, gloss, marked) for at in chosen]
    for finding in flagged + advised:
        advice = finding.kind.value == "advice"
        after, _ = _insertion_point(text, finding, quotes, brackets)  # after a closing quote, say
        pieces.append(Piece(finding.start, 2, "", f'<mark class="finding finding-{escape(finding.kind.value)}" '
                                                  f'title="{escape(finding.message)}">'))
        pieces.append(Piece(finding.end, 0, "", "</mark>"))
        if advice:
            pieces.append(Piece(after, 1, f" [? {finding.message}]", ""))
        elif finding.replacement:
            pieces.append(Piece(after, 1, f" [→ {finding.replacement}]",
                                f'<ins class="replacement"> → {escape(finding.replacement)}</ins>'))
    return pieces


def _insertion_point(text: str, match: EnglishMatch | Flag, quotes: list[tuple[int, int]],
                     brackets: list[tuple[int, int]]) -> tuple[int, _Place]:
    """Where the gloss for a mention (or the replacement for a finding) would go, and where the
    mention stands."""
    if any(start < match.start and match.end < end for start, end in brackets):
        return match.end, _Place.BRACKETED
    at, place = match.end, _Place.FREE
    written = text[match.start:match.end]
    for start, end in quotes:
        if start < match.start and match.end < end:
            inner = _ARTICLE.sub("", text[start + 1:end - 1]).rstrip(_TRAILING)
            if fold_english(inner) == fold_english(_ARTICLE.sub("", written)):
                at = end
            else:
                place = _Place.QUOTED
            break
    possessive = _POSSESSIVE.match(text, at) if at == match.end else None
    if possessive:
        at = possessive.end()
    acronym = _ACRONYM.match(text, at)
    if acronym:
        at = acronym.end()
    return at, place


def _chinese_follows(text: str, at: int) -> bool:
    """True when Chinese characters come right after ``at`` (bare or in brackets)."""
    following = _GIVEN.match(text, at)
    return following is not None and any(is_hanzi(char) for char in following.group())
