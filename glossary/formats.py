"""The one registry of export and import formats.

It drives ``glossary export --format`` / ``glossary import --format``, the web export page and
``/api/v1/export.<format>``: register a format here and it appears everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .csvio import write_terms
from .terms import Term

__all__ = ["ExportFormat", "ImportFormat", "EXPORTS", "IMPORTS", "register_export", "register_import",
           "export_format", "import_format", "detect_import_format"]


@dataclass(frozen=True)
class ExportFormat:
    """A way to write terms out."""

    name: str  # used in --format and in /api/v1/export.<name>
    label: str  # shown on the export page
    media_type: str
    extension: str
    write: Callable[[Sequence[Term]], bytes]
    #: Whether importing the file gives back the same terms (storage and interchange formats);
    #: the glossary sheet is for reading and leaves out sources, notes and years of admitted use.
    lossless: bool = True
    #: Whether ``glossary import`` reads the file at all (the style guides are documents to read).
    importable: bool = True


@dataclass(frozen=True)
class ImportFormat:
    """A way to read terms in. ``read(path, options)`` validates everything or raises InvalidInput.

    Options a reader may use: ``map`` (spreadsheet column mapping), ``sheet`` (XLSX worksheet),
    ``stored`` (the store's terms, to match entries by headword), ``progress`` (done, total).
    """

    name: str
    label: str
    extensions: tuple[str, ...]
    read: Callable[[Path, dict[str, Any]], list[Term]]


EXPORTS: dict[str, ExportFormat] = {}
IMPORTS: dict[str, ImportFormat] = {}


def register_export(fmt: ExportFormat) -> ExportFormat:
    EXPORTS[fmt.name] = fmt
    return fmt


def register_import(fmt: ImportFormat) -> ImportFormat:
    IMPORTS[fmt.name] = fmt
    return fmt


def export_format(name: str) -> ExportFormat:
    """The export format called ``name``; ValueError listing the choices otherwise."""
    try:
        return EXPORTS[name]
    except KeyError:
        raise ValueError(f"unknown export format {name!r}; choose one of {', '.join(EXPORTS)}") from None


def import_format(name: str) -> ImportFormat:
    try:
        return IMPORTS[name]
    except KeyError:
        raise ValueError(f"unknown import format {name!r}; choose one of {', '.join(IMPORTS)}") from None


def detect_import_format(path: Path) -> ImportFormat:
    """Pick the import format from the file name's extension."""
    suffix = path.suffix.lower()
    for fmt in IMPORTS.values():
        if suffix in fmt.extensions:
            return fmt
    raise ValueError(f"cannot tell the format of {path.name}; give --format ({', '.join(IMPORTS)})")


def _write_sheet_xlsx(terms: Sequence[Term]) -> bytes:
    from .sheet import write_sheet_xlsx

    return write_sheet_xlsx(terms)


def _write_sheet_csv(terms: Sequence[Term]) -> bytes:
    from .sheet import write_sheet_csv

    return write_sheet_csv(terms)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The glossary sheet first: it is what most translators want (the export page offers the first
# format as its main button).
register_export(ExportFormat("sheet-xlsx", "Glossary sheet for Excel (XLSX): one row per concept", _XLSX, "xlsx",
                             _write_sheet_xlsx, lossless=False))
register_export(ExportFormat("sheet-csv", "Glossary sheet as CSV for Excel (UTF-8 with BOM)",
                             "text/csv; charset=utf-8", "csv", _write_sheet_csv, lossless=False))


def _write_guide(shape: str) -> Callable[[Sequence[Term]], bytes]:
    def write(terms: Sequence[Term]) -> bytes:
        from . import styleguide

        writer: Callable[[Sequence[Term]], bytes] = getattr(styleguide, f"write_{shape}")
        return writer(terms)

    return write


register_export(ExportFormat("guide-html", "Style guide to read and print (HTML, with contents)",
                             "text/html; charset=utf-8", "html", _write_guide("html"), lossless=False, importable=False))
register_export(ExportFormat("guide-docx", "Style guide for Word (.docx)",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
                             _write_guide("docx"), lossless=False, importable=False))
register_export(ExportFormat("guide-md", "Style guide in Markdown", "text/markdown; charset=utf-8", "md",
                             _write_guide("markdown"), lossless=False, importable=False))
register_export(ExportFormat("csv", "CSV (UTF-8, the terms.csv format)", "text/csv; charset=utf-8", "csv",
                             lambda terms: write_terms(terms)))
register_export(ExportFormat("csv-excel", "CSV for Excel (UTF-8 with BOM)", "text/csv; charset=utf-8", "csv",
                             lambda terms: write_terms(terms, excel=True)))


# --- interchange (issue 5): TBX for CAT tools, spreadsheets from clients --------------------
# Readers and writers are imported when used, so importing this registry stays cheap.


def _write_tbx(terms: Sequence[Term]) -> bytes:
    from .tbx import write_tbx

    return write_tbx(terms)


def _write_tbx2(terms: Sequence[Term]) -> bytes:
    from .tbx import write_tbx2

    return write_tbx2(terms)


def _write_xlsx(terms: Sequence[Term]) -> bytes:
    from .xlsx import write_xlsx

    return write_xlsx(terms)


def _read_tbx(path: Path, options: dict[str, Any]) -> list[Term]:
    from .tbx_read import read_tbx

    return read_tbx(path, options)


def _read_spreadsheet(path: Path, options: dict[str, Any]) -> list[Term]:
    """terms.csv-shaped files exactly as csvio reads them; client spreadsheets with a mapping."""
    from .spreadsheet import read_spreadsheet

    return read_spreadsheet(path, options)


register_export(ExportFormat("tbx", "TBX-Basic (TBX v3, DCA) for CAT tools", "application/x-tbx+xml", "tbx",
                             _write_tbx))
register_export(ExportFormat("tbx2", "TBX-Basic v2 (martif) for older tools", "application/x-tbx+xml", "tbx",
                             _write_tbx2))
register_export(ExportFormat("xlsx", "Excel workbook (XLSX, terms.csv columns)", _XLSX, "xlsx", _write_xlsx))
register_import(ImportFormat("csv", "CSV: terms.csv format, or a client spreadsheet with --map", (".csv",),
                             _read_spreadsheet))
register_import(ImportFormat("tsv", "Tab-separated text (Excel 'Unicode text')", (".tsv", ".tab", ".txt"),
                             _read_spreadsheet))
register_import(ImportFormat("xlsx", "Excel workbook (XLSX)", (".xlsx", ".xlsm"), _read_spreadsheet))
register_import(ImportFormat("tbx", "TBX v3 or v2 (martif), detected from the root element", (".tbx", ".xml"),
                             _read_tbx))
