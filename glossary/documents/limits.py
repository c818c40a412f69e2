"""How much of a document we read: the limits every document format checks before parsing."""

from __future__ import annotations

import io
import zipfile

from ..errors import InputTooLarge, InvalidInput, Problem

__all__ = ["MAX_FILE_BYTES", "MAX_UNZIPPED_BYTES", "MAX_ZIP_ENTRIES", "check_zip"]

#: The largest file read (a Government Work Report is about 100 KB as .docx, 300 KB as HTML).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: The most a .docx may expand to when unzipped (a zip bomb stops here, before anything is read).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: The most entries in a .docx (Word writes a few dozen; images add one each).
MAX_ZIP_ENTRIES = 10_000


def check_zip(data: bytes, name: str, limit: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip (a .docx) that is not one, or that would expand past ``limit`` bytes."""
    if len(data) > MAX_FILE_BYTES:
        raise InputTooLarge(len(data), MAX_FILE_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise InvalidInput([Problem(name, 0, None, "not a Word .docx file (it may be an older .doc or damaged); "
                                                   "open it in Word and save it as .docx")], done="read") from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise InvalidInput([Problem(name, 0, None, f"holds {len(entries):,} files, more than the {MAX_ZIP_ENTRIES:,} "
                                                   "a Word document has; it is not read")], done="read")
    expanded = sum(entry.file_size for entry in entries)
    if expanded > limit:
        raise InvalidInput([Problem(name, 0, None, f"would expand to {expanded:,} bytes when unzipped, over the limit "
                                                   f"of {limit:,}; it is not read")], done="read")
