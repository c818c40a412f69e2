"""The files translators work in: Word, web pages, plain text and XLIFF, annotated and checked.

One registry (``KINDS``) says, per kind of file, how its text is read and how an annotated copy
is written; the CLI, the API and the annotate page all go through ``annotate_document`` and
``check_document`` (XLIFF has its segment-by-segment check in ``glossary.documents.xliff``).
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputTooLarge, InvalidInput, Problem
from ..pieces import Piece, render
from ..pinyin import PinyinStyle, is_chinese
from ..terms import Domain
from .limits import MAX_FILE_BYTES

if TYPE_CHECKING:
    from ..check import Finding
    from ..store import Glossary

__all__ = ["DocumentKind", "KINDS", "kind_of", "Located", "Annotated", "read_segments", "annotate_document",
           "check_document", "MAX_FILE_BYTES"]


class DocumentKind(str, enum.Enum):
    """The kinds of file we read and write."""

    #: Plain text (UTF-8, or GB18030/Big5/UTF-16, recognised).
    TEXT = "text"
    #: A web page.
    HTML = "html"
    #: A Word document (.docx; the older .doc must be saved as .docx first).
    DOCX = "docx"
    #: XLIFF 1.2 or 2.0, the bilingual files CAT tools exchange (checked, not annotated).
    XLIFF = "xliff"


@dataclass(frozen=True)
class _Kind:
    media_type: str
    #: (where, text) of each paragraph or block.
    read: Callable[[bytes, str], list[tuple[str, str]]]
    #: The annotated file and how many terms were marked, from an annotator of the right shape.
    annotate: Callable[[bytes, str, Any], tuple[bytes, int]] | None
    #: Whether the annotator is given (text, inside a link) — HTML — or just the text.
    markup: bool = False


def _text_read(data: bytes, name: str) -> list[tuple[str, str]]:
    from ..spreadsheet import decode

    return [(f"line {number}", line) for number, line in enumerate(decode(data, name).split("\n"), 1)]


def _text_annotate(data: bytes, name: str, annotator: Callable[[str], list[Piece]]) -> tuple[bytes, int]:
    from ..spreadsheet import decode

    text = decode(data, name)
    pieces = annotator(text)
    return render(text, pieces).encode("utf-8"), sum(1 for piece in pieces if piece.text)


def _docx_read(data: bytes, name: str) -> list[tuple[str, str]]:
    from . import docx

    return docx.read(data, name)


def _docx_annotate(data: bytes, name: str, annotator: Any) -> tuple[bytes, int]:
    from . import docx

    return docx.annotate(data, name, annotator)


def _html_read(data: bytes, name: str) -> list[tuple[str, str]]:
    from . import html

    return html.read(data, name)


def _html_annotate(data: bytes, name: str, annotator: Any) -> tuple[bytes, int]:
    from . import html

    return html.annotate(data, name, annotator)


def _xliff_read(data: bytes, name: str) -> list[tuple[str, str]]:
    from . import xliff

    return [(f"segment {unit.id}", unit.source) for unit in xliff.read(data, name).units]


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: One entry per kind of file: how to read it and how to annotate it.
KINDS: dict[DocumentKind, _Kind] = {
    DocumentKind.TEXT: _Kind("text/plain; charset=utf-8", _text_read, _text_annotate),
    DocumentKind.HTML: _Kind("text/html; charset=utf-8", _html_read, _html_annotate, markup=True),
    DocumentKind.DOCX: _Kind(DOCX_TYPE, _docx_read, _docx_annotate),
    DocumentKind.XLIFF: _Kind("application/xliff+xml", _xliff_read, None),
}

#: File name suffixes and the kind each names.
SUFFIXES: dict[str, DocumentKind] = {
    ".txt": DocumentKind.TEXT, ".text": DocumentKind.TEXT, ".md": DocumentKind.TEXT,
    ".html": DocumentKind.HTML, ".htm": DocumentKind.HTML, ".xhtml": DocumentKind.HTML,
    ".docx": DocumentKind.DOCX,
    ".xlf": DocumentKind.XLIFF, ".xliff": DocumentKind.XLIFF, ".sdlxliff": DocumentKind.XLIFF,
    ".mqxliff": DocumentKind.XLIFF, ".mxliff": DocumentKind.XLIFF,
}


def kind_of(name: str) -> DocumentKind:
    """The kind of a file, from its name; InvalidInput naming the kinds we read otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix == ".doc":
        hint = "save it as .docx in Word (File › Save As › Word Document) and try again"
    elif suffix == ".pdf":
        hint = "a PDF keeps no reliable reading order; export it to Word (.docx) or plain text (.txt) first"
    else:
        hint = "give a Word (.docx), web page (.html), XLIFF (.xlf) or plain text (.txt) file"
    raise InvalidInput([Problem(name, 0, None, f"cannot read {suffix or 'files without a suffix'}: {hint}")],
                       done="read")


def _within(text: str, limit: int | None) -> None:
    """Refuse a document's text over ``limit`` bytes of UTF-8 (None: no limit)."""
    if limit is not None and len(text.encode("utf-8")) > limit:
        raise InputTooLarge(len(text.encode("utf-8")), limit)


def _checked_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise InputTooLarge(len(data), MAX_FILE_BYTES)


def read_segments(data: bytes, name: str) -> list[tuple[str, str]]:
    """(where, text) of each paragraph, block or segment of a file with text."""
    _checked_size(data)
    return [(where, text) for where, text in KINDS[kind_of(name)].read(data, name) if text.strip()]


@dataclass(frozen=True)
class Annotated:
    """An annotated file: its bytes, media type, language and how many terms were marked."""

    data: bytes
    media_type: str
    language: str
    marked: int


def annotate_document(store: Glossary, data: bytes, name: str, english: bool | None = None,
                      pinyin: PinyinStyle | str | None = None, first_only: bool | None = None,
                      domain: Domain | str | None = None, link: str | None = None,
                      text_limit: int | None = None) -> Annotated:
    """Annotate a Word document, web page or text file, keeping its formatting.

    Chinese gets pinyin and English after each term (ruby in a web page, brackets elsewhere);
    English gets the Chinese and pinyin after each known rendering, and the replacement after
    outdated wording. ``english=None`` decides by the text; ``link`` (a URL with ``{id}``) links
    terms to their pages in a web page (no links without it); ``first_only`` holds for the
    whole document (default: every occurrence in Chinese, the first in English). A document
    whose text is over ``text_limit`` bytes of UTF-8 is refused (InputTooLarge) before any work.
    """
    from ..annotate import pieces as chinese_pieces
    from ..check import check
    from ..english import english_pieces

    _checked_size(data)
    kind = KINDS[kind_of(name)]
    if kind.annotate is None:
        raise InvalidInput([Problem(name, 0, None, "XLIFF files are checked, not annotated: use "
                                                   "`glossary check` on them")], done="annotated")
    if english is None or text_limit is not None:
        text = "\n".join(text for _, text in read_segments(data, name))
        _within(text, text_limit)
        if english is None:
            english = not is_chinese(text)
    chosen = Domain(domain) if domain else None
    snapshot = store.annotation.snapshot()
    seen: set[str] = set()
    if english:
        matcher = snapshot.english(chosen)
        style = PinyinStyle(pinyin or PinyinStyle.PLAIN)
        once = True if first_only is None else first_only

        def annotator(text: str) -> list[Piece]:
            findings = check(text, snapshot.english(), snapshot.terms)
            return english_pieces(text, matcher, style, once, findings, seen)
    else:
        chinese = snapshot.matcher(chosen)
        style = PinyinStyle(pinyin or PinyinStyle.MARKS)

        def annotator(text: str) -> list[Piece]:
            return chinese_pieces(text, chinese, style, bool(first_only), None, seen)

    def linking(text: str, linked: bool) -> list[Piece]:
        if english or linked or link is None:
            return annotator(text)
        return chinese_pieces(text, chinese, style, bool(first_only), link, seen)

    data_out, marked = kind.annotate(data, name, linking if kind.markup else annotator)
    return Annotated(data_out, kind.media_type, "en" if english else "zh", marked)


@dataclass(frozen=True)
class Located:
    """A finding of the terminology check and where it is: "paragraph 3", "line 12"; ``in_source``
    when it points into the Chinese original (a missing rendering)."""

    finding: Finding
    where: str
    in_source: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON, with its place."""
        return {**self.finding.to_dict(), "where": self.where, "in": "source" if self.in_source else "translation"}


@dataclass
class _Joined:
    """Paragraphs joined by line breaks, and where each starts, to place offsets."""

    segments: list[tuple[str, str]]
    starts: list[int] = field(default_factory=list)
    text: str = ""

    def __post_init__(self) -> None:
        position = 0
        for _, text in self.segments:
            self.starts.append(position)
            position += len(text) + 1
        self.text = "\n".join(text for _, text in self.segments)

    def where(self, offset: int) -> str:
        index = max(bisect_right(self.starts, offset) - 1, 0)
        return self.segments[index][0] if self.segments else "start"


def check_document(store: Glossary, data: bytes, name: str, source: bytes | None = None,
                   source_name: str | None = None, text_limit: int | None = None) -> list[Located]:
    """The terminology check of an English Word document, web page or text file (with its
    Chinese original, ``source``, in any of those kinds), each finding with its paragraph;
    refused (InputTooLarge) when the two texts together are over ``text_limit`` bytes."""
    translation = _Joined(read_segments(data, name))
    original = _Joined(read_segments(source, source_name or "source.txt")) if source is not None else None
    _within(translation.text + (original.text if original else ""), text_limit)
    findings = store.check(translation.text, source=original.text if original else None)
    located = []
    for finding in findings:
        in_source = original is not None and finding.kind.value == "missing"
        where = (original if in_source and original is not None else translation).where(finding.start)
        located.append(Located(finding, where, in_source))
    return located
