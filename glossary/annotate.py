"""Annotating Chinese text: every glossary term marked with its pinyin and English.

One renderer per output format, chosen from a registry (``RENDERERS``). Each renderer keeps the
caller's text intact: take the annotations out again and the input comes back exactly.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote

from .matcher import Matcher
from .pinyin import PinyinStyle
from .terms import Term

__all__ = ["AnnotationFormat", "annotate", "RENDERERS", "TERM_LINK"]

#: Where a term's page lives; ``{id}`` is replaced by the URL-quoted term id.
TERM_LINK = "/terms/{id}"

#: A span to annotate: (start, end, term).
Span = tuple[int, int, Term]


class AnnotationFormat(str, enum.Enum):
    """Output formats of ``annotate``."""

    #: ``<ruby>`` with pinyin above the term, the English in a tooltip, a link to the term's
    #: page; everything else escaped. Elements: a, ruby, rp, rt; attributes: class, href, title.
    HTML = "html"
    #: Inline: ``命运共同体 (mìngyùn gòngtóngtǐ, “community with a shared future”)``.
    BRACKETS = "brackets"
    #: Markdown with a footnote ``[^term-id]`` at each term's first occurrence (always first
    #: occurrence only: one footnote per term) and the footnotes at the end.
    MARKDOWN = "markdown"
    #: JSON: ``{"text", "spans": [{start, end, text, form, term}], "terms": {id: term record}}``;
    #: offsets count code points, term records have the ``Term.to_dict()`` shape.
    JSON = "json"


def annotate(text: str, matcher: Matcher, format: AnnotationFormat | str = AnnotationFormat.HTML,
             pinyin: PinyinStyle | str = PinyinStyle.MARKS, first_only: bool = False,
             across_newlines: bool = False, link: str = TERM_LINK) -> str:
    """Mark every term the matcher finds in ``text``, in one of the ``AnnotationFormat``\\ s.

    >>> from glossary.terms import Domain, Rendering, Status
    >>> term = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
    ...             (Rendering("core interests", Status.PREFERRED),))
    >>> annotate("维护核心利益", Matcher([term]), "brackets")
    '维护核心利益 (héxīn lìyì, “core interests”)'
    """
    chosen = AnnotationFormat(format)
    style = PinyinStyle(pinyin)
    once = first_only or chosen is AnnotationFormat.MARKDOWN
    seen: set[str] = set()
    if chosen is AnnotationFormat.JSON:
        matches = [m for m in matcher.find(text, across_newlines)
                   if not once or (m.term.id not in seen and not seen.add(m.term.id))]
        return _json(text, matches, style)
    spans: list[Span] = []
    term_of = matcher.term
    for pid, start, end in matcher.scan(text, across_newlines):
        term = term_of(pid)
        if once:
            if term.id in seen:
                continue
            seen.add(term.id)
        spans.append((start, end, term))
    return RENDERERS[chosen](text, spans, style, link)


def _html(text: str, spans: list[Span], style: PinyinStyle, link: str) -> str:
    wraps: dict[str, tuple[str, str]] = {}
    out: list[str] = []
    append = out.append
    plain = not any(char in text for char in "<>&\"'")  # nothing to escape: skip escape calls
    position = 0
    for start, end, term in spans:
        wrap = wraps.get(term.id)
        if wrap is None:
            href = escape(link.format(id=quote(term.id, safe="")))
            wrap = wraps[term.id] = (
                f'<a class="glossary-term" href="{href}" title="{escape(term.preferred.text)}"><ruby>',
                f"<rp> (</rp><rt>{escape(term.pinyin_as(style))}</rt><rp>)</rp></ruby></a>")
        if start > position:
            append(text[position:start] if plain else escape(text[position:start]))
        append(wrap[0])
        append(text[start:end] if plain else escape(text[start:end]))
        append(wrap[1])
        position = end
    append(text[position:] if plain else escape(text[position:]))
    return "".join(out)


def _brackets(text: str, spans: list[Span], style: PinyinStyle, link: str) -> str:
    notes: dict[str, str] = {}
    out: list[str] = []
    position = 0
    for start, end, term in spans:
        note = notes.get(term.id)
        if note is None:
            note = notes[term.id] = f" ({term.pinyin_as(style)}, “{term.preferred.text}”)"
        out += [text[position:end], note]
        position = end
    out.append(text[position:])
    return "".join(out)


def _markdown(text: str, spans: list[Span], style: PinyinStyle, link: str) -> str:
    out: list[str] = []
    notes: list[str] = []
    position = 0
    for _, end, term in spans:
        out += [text[position:end], f"[^{term.id}]"]
        href = link.format(id=quote(term.id, safe=""))
        notes.append(f"[^{term.id}]: {term.simplified} *{_md(term.pinyin_as(style))}*: "
                     f"“{_md(term.preferred.text)}” ([glossary]({href}))")
        position = end
    out.append(text[position:])
    if notes:
        out.append("\n\n" + "\n".join(notes) + "\n")
    return "".join(out)


def _md(text: str) -> str:
    """Escape what Markdown would read as markup in generated text."""
    return "".join("\\" + char if char in "\\`*_[]<>#|" else char for char in text)


def _json(text: str, matches: list[Any], style: PinyinStyle) -> str:
    terms: dict[str, dict[str, Any]] = {}
    for match in matches:
        if match.term.id not in terms:
            terms[match.term.id] = match.term.to_dict()
    return json.dumps({"text": text, "pinyin": style.value, "spans": [m.to_dict() for m in matches],
                       "terms": terms}, ensure_ascii=False)


Renderer = Callable[[str, list[Span], PinyinStyle, str], str]

#: One renderer per text format (JSON is built from full matches, see ``annotate``).
RENDERERS: dict[AnnotationFormat, Renderer] = {
    AnnotationFormat.HTML: _html,
    AnnotationFormat.BRACKETS: _brackets,
    AnnotationFormat.MARKDOWN: _markdown,
}
