"""The running text of a document a curator gives us: plain text, HTML or Word (.docx).

Only the words matter here (for term extraction and coverage), so markup, scripts and styles
are dropped and block elements become line breaks; the documents package reads each kind
(``glossary.documents``: Word paragraphs, tables, headers and footers in order; web pages with
lxml's forgiving parser).
"""

from __future__ import annotations

from pathlib import Path

from .candidates import Document
from .errors import InputTooLarge
from .documents import SUFFIXES as DOCUMENT_SUFFIXES
from .documents.limits import MAX_FILE_BYTES
from .spreadsheet import decode

__all__ = ["read_document", "text_of", "MAX_FILE_BYTES", "SUFFIXES"]

SUFFIXES = (".txt", ".text", ".md", *DOCUMENT_SUFFIXES)


def read_document(path: str | Path) -> Document:
    """A document's name and text, by its suffix (.txt/.md, .html/.htm, .docx)."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputTooLarge(size, MAX_FILE_BYTES)
    return Document(path.name, text_of(path.read_bytes(), path.name))


def text_of(data: bytes, name: str) -> str:
    """The running text of a file's bytes; ``name`` (its file name) says what kind of file it is."""
    from .documents import DocumentKind, kind_of, read_segments
    from .documents.html import text as html_text

    suffix = Path(name).suffix.lower()
    if suffix in (".txt", ".text", ".md", ""):
        return decode(data, name)
    if kind_of(name) is DocumentKind.HTML:
        return html_text(data, name)
    return "\n".join(text for _, text in read_segments(data, name))  # Word paragraphs, XLIFF source segments
