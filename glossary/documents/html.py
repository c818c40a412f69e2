"""Web pages: the text of a page, and the page annotated in its text nodes, markup kept.

Parsed with lxml's HTML parser (forgiving, as browsers are) and written back as HTML. Only text
nodes change: never an attribute, nor the inside of ``<script>``, ``<style>``, ``<textarea>``,
``<title>``, an existing ``<ruby>`` and the like. A term inside a link is glossed without a
link of its own (links do not nest). The page is written as UTF-8 and says so in its ``<meta>``;
a small style sheet (``#glossary-annotation``) sets the glosses apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import InvalidInput, Problem
from ..pieces import Piece, render
from ..spreadsheet import decode

__all__ = ["read", "annotate", "parse"]

#: Elements whose text is not prose to annotate (or cannot hold markup).
SKIPPED = frozenset({"script", "style", "noscript", "template", "textarea", "title", "ruby", "rt", "rp",
                     "code", "pre", "kbd", "samp", "svg", "math", "option", "select", "head"})
_BLOCKS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
           "blockquote", "pre", "title", "dt", "dd", "table", "ul", "ol", "header", "footer")
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
STYLE = ("#glossary-annotation{}"  # the marker: a page annotated twice is not styled twice
         ".glossary-term{text-decoration:none;color:inherit;border-bottom:1px dotted #888}"
         ".glossary-term rt{font-size:.6em;color:#555}"
         ".glossary-term .gloss{font-size:.8em;color:#555}"
         ".gloss-zh{color:#555}mark.finding{background:#fde68a}ins.replacement{color:#166534}")


def parse(data: bytes, name: str) -> Any:
    """The page as an lxml tree (its declared encoding, else the one guessed)."""
    import lxml.etree
    import lxml.html

    declared = _CHARSET.search(data[:4096])
    try:
        text = data.decode(declared.group(1).decode("ascii")) if declared else decode(data, name)
    except (LookupError, UnicodeDecodeError):  # a wrong or unknown declaration: guess instead
        text = decode(data, name)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=False, default_doctype=False)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise InvalidInput([Problem(name, 0, None, f"not readable as HTML ({error}); save the page as "
                                                      "HTML or plain text and try again")], done="read") from error


def text(data: bytes, name: str) -> str:
    """The running text of a page: scripts and styles dropped, a line per block."""
    root = parse(data, name)
    for element in root.iter("script", "style", "noscript", "template"):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = root.text_content().splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())


def read(data: bytes, name: str) -> list[tuple[str, str]]:
    """(where, text) of each block of the page with text: "line 3" of its running text."""
    return [(f"line {number}", line) for number, line in enumerate(text(data, name).split("\n"), 1)]


def _text_slots(root: Any) -> Iterator[tuple[Any, str, bool]]:
    """(element, "text" or "tail", inside a link) for every text node that may be annotated."""
    def walk(element: Any, linked: bool) -> Iterator[tuple[Any, str, bool]]:
        tag = element.tag if isinstance(element.tag, str) else ""  # comments and the like have none
        if tag and tag.lower() not in SKIPPED:
            here = linked or tag.lower() in ("a", "button")
            if element.text:
                yield element, "text", here
            for child in element:
                yield from walk(child, here)
        if element.tail:
            yield element, "tail", linked

    body = root.find("body")
    yield from walk(body if body is not None else root, False)


def annotate(data: bytes, name: str, annotator: Callable[[str, bool], list[Piece]]) -> tuple[bytes, int]:
    """The page with ``annotator``'s markup in its text nodes, and how many terms were marked.

    ``annotator(text, linked)`` gives the pieces for one text node (``linked``: it is inside a
    link, so its pieces must not add one).
    """
    import lxml.html

    root = parse(data, name)
    marked = 0
    for element, slot, linked in list(_text_slots(root)):
        original = getattr(element, slot)
        pieces = annotator(original, linked)
        if not pieces:
            continue
        marked += sum(1 for piece in pieces if piece.text)
        fragment = lxml.html.fragment_fromstring(render(original, pieces, html=True), create_parent="span")
        _replace(element, slot, fragment)
    _declare_utf8_and_style(root)
    doctype = root.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    body = lxml.html.tostring(root, encoding="unicode", method="html")
    return f"{doctype}\n{body}\n".encode("utf-8"), marked


def _replace(element: Any, slot: str, fragment: Any) -> None:
    """Put the children of ``fragment`` (a wrapper span) where ``element``'s text or tail was."""
    children = list(fragment)
    if slot == "text":
        element.text = fragment.text
        for index, child in enumerate(children):
            element.insert(index, child)
        return
    parent = element.getparent()
    element.tail = fragment.text
    position = parent.index(element) + 1
    for offset, child in enumerate(children):
        parent.insert(position + offset, child)


def _declare_utf8_and_style(root: Any) -> None:
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    for meta in list(head.iter("meta")):
        if meta.get("charset") is not None or (meta.get("http-equiv") or "").lower() == "content-type":
            meta.getparent().remove(meta)
    head.insert(0, head.makeelement("meta", {"charset": "utf-8"}))
    if not any(style.get("id") == "glossary-annotation" for style in head.iter("style")):
        style = head.makeelement("style", {"id": "glossary-annotation"})
        style.text = STYLE
        head.append(style)
