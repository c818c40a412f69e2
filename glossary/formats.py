"""The one registry of export and import formats.

It drives ``glossary export --format`` / ``glossary import --format``, the web export page and
``/api/v1/export.<format>``: register a format here and it appears everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .csvio import read_terms, write_terms
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


@dataclass(frozen=True)
class ImportFormat:
    """A way to read terms in. ``read(path, options)`` validates everything or raises InvalidInput."""

    name: str
    label: str
    extensions: tuple[str, ...]
    read: Callable[[Path, dict[str, str]], list[Term]]


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


register_export(ExportFormat("csv", "CSV (UTF-8, the terms.csv format)", "text/csv; charset=utf-8", "csv",
                             lambda terms: write_terms(terms)))
register_export(ExportFormat("csv-excel", "CSV for Excel (UTF-8 with BOM)", "text/csv; charset=utf-8", "csv",
                             lambda terms: write_terms(terms, excel=True)))
register_import(ImportFormat("csv", "terms.csv format", (".csv",), lambda path, _options: read_terms(path)))
