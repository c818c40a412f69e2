"""The running text of a document a curator gives us: plain text, HTML or Word (.docx).

Only the words matter here (for term extraction and coverage), so markup, scripts and styles
are dropped and block elements become line breaks. Word files are read with python-docx
(paragraphs and table cells, in document order); HTML with lxml's forgiving parser.
"""

from __future__ import annotations

import re
from pathlib import Path

from .candidates import Document
from .errors import InputTooLarge, InvalidInput, Problem
from .spreadsheet import decode

__all__ = ["read_document", "text_of", "MAX_FILE_BYTES", "SUFFIXES"]

#: The largest file read (a Government Work Report in .docx is about 100 KB).
MAX_FILE_BYTES = 20 * 1024 * 1024
SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".docx")
_BLOCKS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
           "blockquote", "pre", "title", "dt", "dd", "table", "ul", "ol", "header", "footer")


_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def read_document(path: str | Path) -> Document:
    """A document's name and text, by its suffix (.txt/.md, .html/.htm, .docx)."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputTooLarge(size, MAX_FILE_BYTES)
    return Document(path.name, text_of(path.read_bytes(), path.name))


def text_of(data: bytes, name: str) -> str:
    """The running text of a file's bytes; ``name`` (its file name) says what kind of file it is."""
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return _docx_text(data, name)
    if suffix in (".html", ".htm", ".xhtml"):
        return _html_text(data, name)
    if suffix in (".txt", ".text", ".md", ""):
        return decode(data, name)
    raise InvalidInput([Problem(name, 0, None, f"cannot read {suffix} files; give plain text (.txt), HTML "
                                                  "(.html) or Word (.docx), or save the document as one of them")], done="read")


def _html_text(data: bytes, name: str) -> str:
    import lxml.etree
    import lxml.html

    declared = _CHARSET.search(data[:4096])
    try:
        text = data.decode(declared.group(1).decode("ascii")) if declared else decode(data, name)
    except (LookupError, UnicodeDecodeError):  # a wrong or unknown declaration: guess instead
        text = decode(data, name)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        raise InvalidInput([Problem(name, 0, None, f"not readable as HTML ({error}); save the page as "
                                                      "HTML or plain text and try again")], done="read") from error
    for element in root.iter("script", "style", "noscript", "template"):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _docx_text(data: bytes, name: str) -> str:
    import io
    import zipfile

    import docx
    from docx.document import Document as WordDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: WordDocument = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InvalidInput([Problem(name, 0, None, "not a Word .docx file (it may be an older .doc or "
                                                      "damaged); open it in Word and save it as .docx")], done="read") from error
    lines: list[str] = []
    seen: list[object] = []  # a merged cell is listed once per grid cell it spans (kept, so `is` holds)

    def walk(blocks: list[Paragraph | Table]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
                continue
            for row in block.rows:
                for cell in row.cells:
                    if not any(cell._tc is element for element in seen):
                        seen.append(cell._tc)
                        walk(list(cell.iter_inner_content()))

    walk(list(document.iter_inner_content()))
    return "\n".join(line for line in lines if line.strip())
