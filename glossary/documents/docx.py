"""Word (.docx): the text of every paragraph, and glosses written into the paragraphs in place.

Read and written with python-docx (its parts, styles and XML), so that everything we do not
touch — formatting, tables, images, fields, comments — is saved back as it was. A paragraph's
text is the text of its runs in order (a tab is "\\t", a line break "\\n"), so a term that Word
split over several runs ("核心" in one run, "利益" in the next, as it does after an edit or a
spell check) is found like any other. A gloss goes in a run of its own right after the term,
split out of the run the term ends in; it copies that run's font and size and takes the
character style ``Glossary Gloss`` (grey), so a user can restyle or hide every gloss at once.

Paragraphs are read from the body (tables, text boxes and nested tables included, in order),
then the headers and footers, then footnotes and endnotes.
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput, Problem
from ..pieces import Piece, in_order
from .limits import MAX_UNZIPPED_BYTES, check_zip, xml_parser, xml_problem

__all__ = ["paragraphs", "annotate", "GLOSS_STYLE"]

#: The character style of the glosses we insert (created when the document lacks it).
GLOSS_STYLE = "Glossary Gloss"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_STORIES = {  # relationship type suffix -> what the paragraphs are called in a report
    "/header": "header", "/footer": "footer", "/footnotes": "footnote", "/endnotes": "endnote"}
#: Run children read as text, and the character each stands for (w:t is read for its text).
_AS_TEXT = {f"{{{_W}}}tab": "\t", f"{{{_W}}}br": "\n", f"{{{_W}}}cr": "\n", f"{{{_W}}}noBreakHyphen": "-",
            f"{{{_W}}}softHyphen": ""}
#: Direct formatting a gloss does not copy from the term's run (it looks like a gloss, not the term).
_NOT_COPIED = ("rStyle", "b", "bCs", "i", "iCs", "u", "strike", "dstrike", "color", "highlight", "shd", "vertAlign")


@dataclass
class _Token:
    """A piece of a paragraph's text: a ``w:t`` (its text) or a tab, break or hyphen."""

    element: Any
    start: int
    end: int


class Paragraph:
    """One Word paragraph: where it is (``where``), its text, and the run pieces behind it."""

    def __init__(self, element: Any, where: str) -> None:
        self.element, self.where = element, where
        self.tokens: list[_Token] = []
        parts: list[str] = []
        position = 0
        for run in _runs(element):
            for child in run:
                if child.tag == f"{{{_W}}}t":
                    piece = child.text or ""
                elif child.tag in _AS_TEXT:
                    piece = _AS_TEXT[child.tag]
                else:
                    continue
                if piece:
                    self.tokens.append(_Token(child, position, position + len(piece)))
                    parts.append(piece)
                    position += len(piece)
        self.text = "".join(parts)

    def insert(self, pieces: list[Piece], style_id: str) -> int:
        """Write the plain-text form of ``pieces`` into the paragraph; the number written."""
        written = 0
        for piece in reversed(in_order(p for p in pieces if p.text and 0 < p.at <= len(self.text))):
            token = next(t for t in reversed(self.tokens) if t.start < piece.at <= t.end)
            _insert_after(token, piece.at - token.start, piece.text, style_id)
            written += 1
        return written


def _runs(paragraph: Any) -> Iterator[Any]:
    """The paragraph's runs in order, inside hyperlinks, fields and tracked insertions too, but
    not those of a paragraph nested in it (a text box) nor deleted text."""
    for run in paragraph.iter(f"{{{_W}}}r"):
        owner = run.getparent()
        while owner is not None and owner.tag != f"{{{_W}}}p":
            owner = owner.getparent()
        if owner is paragraph:
            yield run


def _insert_after(token: _Token, cut: int, text: str, style_id: str) -> None:
    """Put a run holding ``text`` after the first ``cut`` characters of ``token``, splitting
    its run (and its ``w:t``) there."""
    element = token.element
    run = element.getparent()
    if element.tag == f"{{{_W}}}t" and cut < len(element.text or ""):
        whole = element.text or ""
        rest = copy.deepcopy(element)
        element.text, rest.text = whole[:cut], whole[cut:]
        for t in (element, rest):
            t.set(_XML_SPACE, "preserve")
        element.addnext(rest)
    properties = run.find(f"{{{_W}}}rPr")
    following = list(element.itersiblings())
    if following:  # the rest of the run goes on in a run of its own, formatted alike
        tail = run.makeelement(run.tag, run.attrib)
        if properties is not None:
            tail.append(copy.deepcopy(properties))
        tail.extend(following)
        run.addnext(tail)
    gloss = run.makeelement(f"{{{_W}}}r", {})
    gloss_properties = copy.deepcopy(properties) if properties is not None else run.makeelement(f"{{{_W}}}rPr", {})
    for name in _NOT_COPIED:
        for found in gloss_properties.findall(f"{{{_W}}}{name}"):
            gloss_properties.remove(found)
    style = gloss_properties.makeelement(f"{{{_W}}}rStyle", {f"{{{_W}}}val": style_id})
    gloss_properties.insert(0, style)
    gloss.append(gloss_properties)
    t = gloss.makeelement(f"{{{_W}}}t", {_XML_SPACE: "preserve"})
    t.text = text
    gloss.append(t)
    run.addnext(gloss)


def _open(data: bytes, name: str) -> Any:
    import docx

    from lxml import etree

    check_zip(data, name, MAX_UNZIPPED_BYTES)
    try:
        return docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as error:  # python-docx does not say which part: find it
        raise InvalidInput([_broken_part(data, name, error)], done="read") from error
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError,
            AttributeError, TypeError, IndexError) as error:
        # python-docx meets a part it does not expect (a renamed root element, a missing
        # attribute) as an AttributeError or TypeError deep inside: the file is damaged
        raise InvalidInput([Problem(name, 0, None, "not a Word .docx file (it may be an older .doc or damaged); "
                                                   "open it in Word and save it as .docx")], done="read") from error


def _broken_part(data: bytes, name: str, error: Any) -> Problem:
    """The problem of the first XML part that does not parse, named with its line."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if entry.filename.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(archive.read(entry), xml_parser())
                except etree.XMLSyntaxError as found:
                    error = found
                    part = entry.filename
                    break
        else:
            part = "a part"
    problem = xml_problem(error, name, "open the document in Word and save it again")
    return Problem(name, 0, None, f"{part} line {problem.line}: {problem.message}")


def _stories(document: Any, name: str) -> Iterator[tuple[str, Any, Callable[[], None]]]:
    """(name, root element, save) of the body and of every header, footer, footnotes and endnotes part."""
    from lxml import etree

    yield "", document.element.body, lambda: None
    counts: dict[str, int] = {}
    for rel in sorted(document.part.rels.values(), key=lambda rel: rel.rId):
        kind = next((label for suffix, label in _STORIES.items() if rel.reltype.endswith(suffix)), None)
        if kind is None or rel.is_external:
            continue
        part = rel.target_part
        counts[kind] = counts.get(kind, 0) + 1
        label = f"{kind} {counts[kind]}, " if kind in ("header", "footer") else f"{kind}s, "
        if hasattr(part, "element"):  # python-docx reads headers and footers as XML parts
            yield label, part.element, lambda: None
        else:  # footnotes and endnotes: parsed here, written back into the part
            try:
                root = etree.fromstring(part.blob, xml_parser())
            except etree.XMLSyntaxError as error:
                problem = xml_problem(error, part.partname, "open the document in Word and save it again")
                raise InvalidInput([Problem(name, 0, None, f"{str(part.partname).lstrip('/')} line {problem.line}: "
                                                           f"{problem.message}")], done="read") from error

            def save(part: Any = part, root: Any = root) -> None:
                part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

            yield label, root, save


def paragraphs(document: Any, name: str = "the document") -> Iterator[tuple[Paragraph, Callable[[], None]]]:
    """Every paragraph with text, named "paragraph 3" (body) or "footer 1, paragraph 2", and the
    function that saves its part once changed."""
    for label, root, save in _stories(document, name):
        number = 0
        for element in root.iter(f"{{{_W}}}p"):
            if any(ancestor.tag == f"{{{_MC}}}Fallback" for ancestor in element.iterancestors()):
                continue  # the copy of a text box for old Word versions: its Choice is read instead
            number += 1
            paragraph = Paragraph(element, f"{label}paragraph {number}")
            if paragraph.text.strip():
                yield paragraph, save


def read(data: bytes, name: str) -> list[tuple[str, str]]:
    """(where, text) of every paragraph with text."""
    return [(paragraph.where, paragraph.text) for paragraph, _ in paragraphs(_open(data, name), name)]


def annotate(data: bytes, name: str, annotator: Callable[[str], list[Piece]]) -> tuple[bytes, int]:
    """The document with ``annotator``'s glosses written after the terms, and how many."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import RGBColor

    document = _open(data, name)
    styles = document.styles
    style = next((s for s in styles if s.name == GLOSS_STYLE), None)
    if style is None:
        style = styles.add_style(GLOSS_STYLE, WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    written = 0
    touched: dict[int, Callable[[], None]] = {}
    for paragraph, save in paragraphs(document, name):
        count = paragraph.insert(annotator(paragraph.text), style.style_id)
        if count:
            written += count
            touched[id(save)] = save
    for save in touched.values():
        save()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), written
