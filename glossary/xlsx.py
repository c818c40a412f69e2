"""Writing XLSX: worksheets of text cells, the same bytes for the same content.

Every cell is written as text, so a cell starting with ``=`` is shown, never run as a formula;
no time of writing goes into the file (document properties, zip entry dates), so an export of
the same entries is the same file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from .csvio import COLUMNS, term_to_row
from .terms import Term

__all__ = ["write_xlsx", "write_table"]


def write_xlsx(terms: Iterable[Term]) -> bytes:
    """The terms as an XLSX workbook with the terms.csv columns, one row per term, sorted by id.

    Every cell is written as text, so a cell starting with ``=`` is shown, never run as a formula.

    >>> from glossary.terms import Term, Rendering, Status, Domain
    >>> data = write_xlsx([Term("x", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
    ...                         (Rendering("core interests", Status.PREFERRED),))])
    >>> data[:2]
    b'PK'
    """
    return write_table("terms", COLUMNS, [term_to_row(term) for term in sorted(terms, key=lambda t: t.id)])


_FIXED_TIME = datetime(2000, 1, 1)


def write_table(name: str, header: Sequence[str], rows: Iterable[Sequence[str]],
                widths: Sequence[int] | None = None, autofilter: bool = False) -> bytes:
    """One worksheet: a bold, frozen header row, then the rows, every cell written as text (never
    a formula, whatever it starts with); column widths in characters and an autofilter if asked."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    # the same terms give the same bytes: no time of writing in the document properties
    workbook.properties.created = workbook.properties.modified = _FIXED_TIME
    sheet = workbook.create_sheet(name)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or ()):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top") if widths else None

    def text_cells(values: Iterable[str], font: Font | None = None) -> Iterator[WriteOnlyCell]:
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if font is not None:
                cell.font = font
            if wrap is not None:
                cell.alignment = wrap
            yield cell

    count = 0
    sheet.append(list(text_cells(header, bold)))
    for row in rows:
        sheet.append(list(text_cells(row)))
        count += 1
    if autofilter:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not Workbook.save, which stamps the time of writing
    return _without_times(buffer.getvalue())


def _without_times(data: bytes) -> bytes:
    """The zip again with every entry dated 1980-01-01: the same terms give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(info),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
