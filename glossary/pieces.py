"""What annotation inserts into a text: pieces at offsets, each as plain text and as HTML.

Annotating a plain string, a Word paragraph or a text node of a web page is the same job: find
the terms, then insert glosses (and, in HTML, tags) at offsets of the text. ``Piece`` is one such
insertion; ``render`` applies a list of them to a string, and the document formats
(``glossary.documents``) apply them to their own structures.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import NamedTuple

__all__ = ["Piece", "render", "in_order"]


class Piece(NamedTuple):
    """Something to insert before the character at ``at``.

    ``order`` sorts pieces at one offset: 0 for what closes the term before (an end tag and its
    gloss), 1 for a gloss on its own, 2 for what opens the next term (a start tag). ``text`` is
    the plain-text form (may be empty: a start tag has none), ``html`` the HTML form.
    """

    at: int
    order: int
    text: str
    html: str


def in_order(pieces: Iterable[Piece]) -> list[Piece]:
    """The pieces sorted by offset, closing before glossing before opening at one offset."""
    return sorted(pieces, key=lambda piece: (piece.at, piece.order))


def render(text: str, pieces: Iterable[Piece], html: bool = False) -> str:
    """``text`` with the pieces inserted; with ``html`` the text is escaped and the HTML forms used.

    >>> render("a core interest", [Piece(15, 1, " (核心利益)", "<i>核心利益</i>")])
    'a core interest (核心利益)'
    >>> render("a<b", [Piece(1, 2, "", "<u>"), Piece(2, 0, "", "</u>")], html=True)
    'a<u>&lt;</u>b'
    """
    out: list[str] = []
    position = 0
    for piece in in_order(pieces):
        gap = text[position:piece.at]
        out += [escape(gap) if html else gap, piece.html if html else piece.text]
        position = piece.at
    rest = text[position:]
    out.append(escape(rest) if html else rest)
    return "".join(out)
