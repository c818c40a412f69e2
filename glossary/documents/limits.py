"""How much of a file we read: the limits every document and import format checks before parsing.

One place for them all (the README's "Limits" lists them): a zip (.docx, .xlsx) is measured
from its directory before anything is unzipped, and XML (TBX, XLIFF, the parts of a .docx or
.xlsx) is parsed with libxml2's safety limits on and entities never expanded.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from ..errors import InputTooLarge, InvalidInput, Problem

__all__ = ["MAX_FILE_BYTES", "MAX_UNZIPPED_BYTES", "MAX_ZIP_ENTRIES", "MAX_XML_DEPTH", "check_zip", "xml_parser",
           "xml_problem"]

#: The largest file read (a Government Work Report is about 100 KB as .docx, 300 KB as HTML).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: The most a .docx or .xlsx may expand to when unzipped (a zip bomb stops here, before anything is
#: read; Python's zipfile never inflates an entry past the size the directory declares).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: The most entries in a .docx or .xlsx (Word writes a few dozen; images add one each).
MAX_ZIP_ENTRIES = 10_000
#: The deepest nesting of XML elements read (libxml2's limit without XML_PARSE_HUGE; TBX needs
#: about 8 levels, XLIFF with inline tags a few more).
MAX_XML_DEPTH = 256

#: What a zip format is called in a message, and how to get a good copy.
_ZIP_KINDS = {
    "docx": ("a Word .docx file (it may be an older .doc or damaged)", "open it in Word and save it as .docx"),
    "xlsx": ("an Excel .xlsx workbook (it may be an older .xls or damaged)",
             "open it in Excel or LibreOffice and save it as .xlsx"),
}


def check_zip(data: bytes, name: str, limit: int = MAX_UNZIPPED_BYTES, kind: str = "docx",
              done: str = "read", max_bytes: int | None = MAX_FILE_BYTES) -> None:
    """Refuse a zip (a .docx, an .xlsx) that is not one, or that would expand past ``limit`` bytes."""
    what, advice = _ZIP_KINDS[kind]
    if max_bytes is not None and len(data) > max_bytes:
        raise InputTooLarge(len(data), max_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as error:
        raise InvalidInput([Problem(name, 0, None, f"not {what}; {advice}")], done=done) from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise InvalidInput([Problem(name, 0, None, f"holds {len(entries):,} files, more than the {MAX_ZIP_ENTRIES:,} "
                                                   f"a {kind} file has; it is not read")], done=done)
    _refuse_dtd(data, entries, name, done)
    expanded = sum(entry.file_size for entry in entries)
    if expanded > limit:
        largest = max(entries, key=lambda entry: entry.file_size)
        raise InvalidInput([Problem(name, 0, None, f"would expand to {expanded:,} bytes when unzipped, over the limit "
                                                   f"of {limit:,} (the largest part, {largest.filename}, is "
                                                   f"{largest.file_size:,} bytes); it is not read")], done=done)


#: What zipfile raises for a damaged part: a bad header or CRC, a broken deflate stream, a cut-off
#: file, a compression method it does not implement (NotImplementedError) or an encrypted part
#: (RuntimeError).
_UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


def _refuse_dtd(data: bytes, entries: list[zipfile.ZipInfo], name: str, done: str) -> None:
    """Refuse a part that declares a DTD (Word and Excel never write one; entities hide in it), or
    whose start cannot be unzipped. Only the first kilobyte of each part is read: a DTD comes
    before the root element."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in entries:
            if not entry.filename.endswith((".xml", ".rels")) or entry.file_size > MAX_UNZIPPED_BYTES:
                continue
            try:
                with archive.open(entry) as part:
                    head = part.read(1024)
            except _UNZIP_ERRORS as error:
                raise InvalidInput([Problem(name, 0, None, f"its part {entry.filename} cannot be unzipped ({error}); "
                                                           "the file is damaged: save it again or ask for a new copy")],
                                   done=done) from error
            if b"<!DOCTYPE" in head.upper() or b"<!DOCTYPE" in head.decode("utf-16", "ignore").encode().upper():
                raise InvalidInput([Problem(name, 0, None, f"its part {entry.filename} declares a DTD (<!DOCTYPE>), "
                                                           "which Word and Excel never write and we do not read; save "
                                                           "the file again from Word or Excel")], done=done)


def xml_parser(**options: Any) -> Any:
    """An lxml parser that never expands entities nor reaches the network or a DTD, with libxml2's
    limits on (nesting past MAX_XML_DEPTH, a text node past 10 MB, entity amplification)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, **options)


def xml_problem(error: Any, name: str, advice: str) -> Problem:
    """The Problem of an lxml XMLSyntaxError, at its line, in words a user can act on."""
    line = error.position[0] if error.position else (error.lineno or 1)
    message = str(error.msg or error)
    if "Excessive depth" in message:
        return Problem(name, line or 1, None, f"elements are nested more than {MAX_XML_DEPTH} deep, past the limit "
                                              f"we read; {advice}")
    return Problem(name, line or 1, None, f"not well-formed XML: {message}; {advice}")
