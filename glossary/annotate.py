"""Annotating Chinese text: every glossary term marked with its pinyin and English.

One renderer per output format, chosen from a registry (``RENDERERS``). Each renderer keeps the
caller's text intact: take the annotations out again and the input comes back exactly.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Sequence
from html import escape
from itertools import chain, compress, repeat
from operator import is_, itemgetter
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .gcpause import collector_paused
from .matcher import Matcher, Spans
from .overlay import PatchedMatcher
from .pieces import Piece
from .pinyin import PinyinStyle
from .terms import Term

if TYPE_CHECKING:
    from .allwords import WordGlosser

__all__ = ["AnnotationFormat", "annotate", "pieces", "RENDERERS", "TERM_LINK"]

#: Where a term's page lives; ``{id}`` is replaced by the URL-quoted term id.
TERM_LINK = "/terms/{id}"

class AnnotationFormat(str, enum.Enum):
    """Output formats of ``annotate``."""

    #: ``<ruby>`` with pinyin above the term (an abbreviation's own pinyin), then the English in
    #: ``<span class="gloss">`` (shown inline, hidden by a style where unwanted) and in the
    #: link's title, a link to the term's page; everything else escaped. Elements: a, ruby, rp,
    #: rt, span; attributes: class, href, title, lang.
    HTML = "html"
    #: Inline: ``命运共同体 (mìngyùn gòngtóngtǐ, “community with a shared future”)``; a variant says
    #: what it stands for: ``亚投行 (Yàtóuháng, abbreviation of 亚洲基础设施投资银行, “…”)``.
    BRACKETS = "brackets"
    #: Markdown with a footnote ``[^term-id]`` at each term's first occurrence (always first
    #: occurrence only: one footnote per term) and the footnotes at the end. The text is taken
    #: to be Markdown already and passes through unescaped.
    MARKDOWN = "markdown"
    #: JSON: ``{"text", "spans": [{start, end, text, form, term, pinyin, source}], "terms": {id: record}}``;
    #: offsets count code points, term records have the ``Term.to_dict()`` shape; ``source`` is
    #: "glossary" (with all words, dictionary spans say "cc-cedict" and carry their glosses).
    JSON = "json"


def annotate(text: str, matcher: Matcher | PatchedMatcher, format: AnnotationFormat | str = AnnotationFormat.HTML,
             pinyin: PinyinStyle | str = PinyinStyle.MARKS, first_only: bool = False,
             across_newlines: bool = False, link: str = TERM_LINK, words: WordGlosser | None = None) -> str:
    """Mark every term the matcher finds in ``text``, in one of the ``AnnotationFormat``\\ s.

    >>> from glossary.terms import Domain, Rendering, Status
    >>> term = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
    ...             (Rendering("core interests", Status.PREFERRED),))
    >>> annotate("维护核心利益", Matcher([term]), "brackets")
    '维护核心利益 (héxīn lìyì, “core interests”)'

    ``words``: gloss every other word from CC-CEDICT too, marked as the dictionary's
    (``glossary.allwords``).
    """
    chosen = AnnotationFormat(format)
    style = PinyinStyle(pinyin)
    once = first_only or chosen is AnnotationFormat.MARKDOWN
    if chosen is AnnotationFormat.JSON:
        matches = matcher.find(text, across_newlines)
        if once:
            first = {m.term.id: m for m in reversed(matches)}  # each term's first match
            matches = sorted(first.values(), key=lambda m: m.start)
        return _json(text, matches, style, words)
    spans = matcher.spans(text, across_newlines)
    if once and spans.pids:
        spans = _first_of_each_term(matcher, spans)
    with collector_paused():  # hundreds of thousands of short-lived pieces: see Matcher.find
        return RENDERERS[chosen](text, spans, _Notes(matcher, style, link, words))


def pieces(text: str, matcher: Matcher | PatchedMatcher, pinyin: PinyinStyle | str = PinyinStyle.MARKS,
           first_only: bool = False, link: str | None = TERM_LINK, seen: set[str] | None = None) -> list[Piece]:
    """What annotating ``text`` inserts, as pieces (glossary.pieces): for each term, a start tag
    before it and, after it, the end tag with the English (HTML) or the bracket gloss (text).

    ``seen`` carries the ids of terms already annotated from one call to the next, so that
    ``first_only`` means the first occurrence in a whole document annotated piece by piece (a
    Word paragraph, a text node). ``link=None`` leaves out the link (text already inside one).

    >>> from glossary.pieces import render
    >>> from glossary.terms import Domain, Rendering, Status
    >>> term = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
    ...             (Rendering("core interests", Status.PREFERRED),))
    >>> render("维护核心利益", pieces("维护核心利益", Matcher([term])))
    '维护核心利益 (héxīn lìyì, “core interests”)'
    """
    notes = _Notes(matcher, PinyinStyle(pinyin), link or TERM_LINK)
    seen = set() if seen is None else seen
    out: list[Piece] = []
    for pid, start, end in zip(*matcher.spans(text)[:3]):
        owner = matcher.term_id(pid)
        if first_only and owner in seen:
            continue
        seen.add(owner)
        before, after = notes.wrap(pid, linked=link is not None)
        out += [Piece(start, 2, "", before), Piece(end, 0, notes.gloss(pid), after)]
    return out


def _first_of_each_term(matcher: Matcher | PatchedMatcher, spans: Spans) -> Spans:
    pids, starts, ends, odd = spans
    owners = list(map(matcher.owner, pids))
    # reversed, so that each term keeps the index of its first occurrence
    keep = sorted(dict(zip(reversed(owners), range(len(owners) - 1, -1, -1))).values())
    odd_set = None if odd is None else set(odd)
    kept_odd = None if odd_set is None else [n for n, i in enumerate(keep) if i in odd_set]
    return Spans([pids[i] for i in keep], [starts[i] for i in keep], [ends[i] for i in keep], kept_odd)


class _Notes:
    """What each term's annotation says, made once per matcher, format, pinyin style and link."""

    def __init__(self, matcher: Matcher | PatchedMatcher, style: PinyinStyle, link: str,
                 words: WordGlosser | None = None) -> None:
        self.matcher, self.style, self.link, self.words = matcher, style, link, words

    def per_pattern(self, name: str, pids: Sequence[int], make: Callable[[Term], Any]) -> list[Any]:
        """A list indexed by pattern id holding ``make(term)`` for every pattern in ``pids``."""
        return self.per_pattern_id(name, pids, lambda pid: make(self.matcher.term(pid)))

    def per_pattern_id(self, name: str, pids: Sequence[int], make: Callable[[int], Any]) -> list[Any]:
        """A list indexed by pattern id holding ``make(pid)`` for every pattern in ``pids``,
        kept with the matcher per format, pinyin style and link."""
        key = (name, self.style, self.link)
        complete = self.matcher.memo.get((key, "complete"))
        if complete is not None:
            return complete  # type: ignore[no-any-return]
        cache: list[Any] = self.matcher.memo.setdefault(key, [None] * len(self.matcher))
        if len(pids) >= len(cache):  # a text that touches this many patterns: make them all, once
            self.matcher.memo[(key, "complete")] = cache
            pids = range(len(cache))
        for pid in set(compress(pids, map(is_, map(cache.__getitem__, pids), repeat(None)))):
            cache[pid] = make(pid)
        return cache

    def href(self, term: Term) -> str:
        return self.link.format(id=quote(term.id, safe=""))

    def reading(self, pid: int) -> tuple[Term, str, str]:
        """What a match of pattern ``pid`` is glossed with: its term, the pinyin of the form that
        matched (an abbreviation's own: 亚投行 Yàtóuháng) and, for a variant, what it stands for
        ("abbreviation of 亚洲基础设施投资银行"; empty for a headword)."""
        term, form = self.matcher.term(pid), self.matcher.variant(pid)
        if form is None:
            return term, term.pinyin_as(self.style), ""
        return term, form.pinyin_as(self.style), f"{form.relation} {term.simplified}"

    def wrap(self, pid: int, linked: bool = True) -> tuple[str, str]:
        """The HTML before and after a match of pattern ``pid``: a link (or, not ``linked``, a
        span: the text is inside a link already) holding the ruby, then the English."""
        term, pinyin, relation = self.reading(pid)
        title = f"{term.preferred.text} ({relation})" if relation else term.preferred.text
        element, target = ("a", f' href="{escape(self.href(term))}"') if linked else ("span", "")
        return (f'<{element} class="glossary-term"{target} title="{escape(title)}"><ruby>',
                f"<rp> (</rp><rt>{escape(pinyin)}</rt><rp>)</rp></ruby>"
                f'<span class="gloss" lang="en"> {escape(term.preferred.text)}</span></{element}>')

    def gloss(self, pid: int) -> str:
        """The bracket gloss after a match of pattern ``pid``: “ (pinyin, “English”)”."""
        term, pinyin, relation = self.reading(pid)
        return f" ({pinyin}, {relation + ', ' if relation else ''}“{term.preferred.text}”)"


def _html(text: str, spans: Spans, notes: _Notes) -> str:
    pids, starts, ends, odd = spans
    plain: Callable[[str], str] = notes.words.html if notes.words is not None else escape
    if not pids:
        return plain(text)

    wrap = notes.wrap
    gaps: Iterable[str] = map(text.__getitem__, map(slice, chain((0,), ends), starts))
    special = any(char in text for char in "<>&\"'")  # else nothing in the text needs escaping
    if special or notes.words is not None:
        gaps = map(plain, gaps)
    marked: Iterable[str]
    if odd is None:  # matches read otherwise than their patterns (traditional text): slice each
        wraps = notes.per_pattern_id("html", pids, wrap)
        bodies: Iterable[str] = map(text.__getitem__, map(slice, starts, ends))
        if special:
            bodies = map(escape, bodies)
        marked = map("".join, zip(map(itemgetter(0), map(wraps.__getitem__, pids)), bodies,
                                  map(itemgetter(1), map(wraps.__getitem__, pids))))
    else:  # a match reads its pattern: one string per pattern, made once
        patterns = notes.matcher.patterns
        whole = notes.per_pattern_id("html-marked", pids, lambda pid: escape(patterns[pid]).join(wrap(pid)))
        marked = list(map(whole.__getitem__, pids))
        for index in odd:
            marked[index] = escape(text[starts[index]:ends[index]]).join(wrap(pids[index]))
    return "".join(chain(chain.from_iterable(zip(gaps, marked)), (plain(text[ends[-1]:]),)))


def _brackets(text: str, spans: Spans, notes: _Notes) -> str:
    pids, starts, ends, _ = spans
    words = notes.words
    if not pids:
        return words.brackets(text) if words is not None else text
    glosses = notes.per_pattern_id("brackets", pids, notes.gloss)
    if words is not None:  # the stretches between terms glossed from the dictionary
        gaps = map(words.brackets, map(text.__getitem__, map(slice, chain((0,), ends), starts)))
        bodies = map(text.__getitem__, map(slice, starts, ends))
        return "".join(chain(chain.from_iterable(zip(gaps, bodies, map(glosses.__getitem__, pids))),
                             (words.brackets(text[ends[-1]:]),)))
    pieces = map(text.__getitem__, map(slice, chain((0,), ends), ends))
    return "".join(chain(chain.from_iterable(zip(pieces, map(glosses.__getitem__, pids))), (text[ends[-1]:],)))


def _markdown(text: str, spans: Spans, notes: _Notes) -> str:
    out: list[str] = []
    footnotes: list[str] = []
    position = 0
    words = notes.words
    gap: Callable[[str], str] = words.markdown if words is not None else str
    for pid, start, end in zip(spans.pids, spans.starts, spans.ends):
        term, pinyin, relation = notes.reading(pid)
        written = term.simplified if not relation else text[start:end]
        out += [gap(text[position:start]), text[start:end], f"[^{term.id}]"]
        footnotes.append(f"[^{term.id}]: {written} *{_md(pinyin)}*{', ' + relation if relation else ''}: "
                         f"“{_md(term.preferred.text)}” ([glossary]({notes.href(term)}))")
        position = end
    out.append(gap(text[position:]))
    if words is not None:
        footnotes += words.footnotes
    if footnotes:
        out.append("\n\n" + "\n".join(footnotes) + "\n")
    return "".join(out)


def _md(text: str) -> str:
    """Escape what Markdown would read as markup in generated text."""
    return "".join("\\" + char if char in "\\`*_[]<>#|" else char for char in text)


def _json(text: str, matches: list[Any], style: PinyinStyle, words: WordGlosser | None = None) -> str:
    terms: dict[str, dict[str, Any]] = {}
    spans = []
    position = 0
    variants: dict[int, Any] = {}  # by pattern id: one lookup per pattern, not per match
    for match in matches:
        if words is not None:
            spans += words.spans(text[position:match.start], position)
            position = match.end
        if match.term.id not in terms:
            terms[match.term.id] = match.term.to_dict()
        variant = variants.get(match[0], variants)
        if variant is variants:  # the pattern's form: its own pinyin
            variant = variants[match[0]] = match[3].matcher.variant(match[0])
        pinyin = variant.pinyin_as(style) if variant is not None else match.term.pinyin_as(style)
        spans.append({**match.to_dict(), "pinyin": pinyin, "source": "glossary"})
    body: dict[str, Any] = {"text": text, "pinyin": style.value, "spans": spans, "terms": terms}
    if words is not None:
        spans += words.spans(text[position:], position)
        from .dictionary_index import attribution

        body["dictionary"] = attribution()
    return json.dumps(body, ensure_ascii=False)


Renderer = Callable[[str, Spans, _Notes], str]

#: One renderer per text format (JSON is built from full matches, see ``annotate``).
RENDERERS: dict[AnnotationFormat, Renderer] = {
    AnnotationFormat.HTML: _html,
    AnnotationFormat.BRACKETS: _brackets,
    AnnotationFormat.MARKDOWN: _markdown,
}
