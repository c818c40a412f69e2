"""The glossary as translators keep it in Excel: one flat row per concept, no storage syntax.

terms.csv (and its CSV and XLSX exports) is the storage format: qualifiers in brackets, numbered
sources, blank cells where a form is generated. A translator wants a sheet to read and filter:
both scripts filled in, the pinyin, the rendering to use, the other acceptable ones, and what
not to write, with the years an outdated rendering was right.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from .csvio import excel_csv
from .pinyin import sort_key
from .terms import Rendering, Status, Term

__all__ = ["SHEET_COLUMNS", "sheet_rows", "write_sheet_csv", "write_sheet_xlsx"]

#: The sheet's columns, in order.
SHEET_COLUMNS = ("Simplified", "Traditional", "Pinyin", "English (use this)", "Also acceptable", "Do not use",
                 "Domain", "Definition", "ID")
_WIDTHS = (22, 22, 30, 40, 36, 48, 14, 60, 30)


def _outdated(rendering: Rendering) -> str:
    """``community of common destiny (superseded 2011-2013)``: what not to write, and when it was right."""
    years = f" {rendering.years}" if rendering.years else ""
    return f"{rendering.text} ({rendering.status.value}{years})"


def sheet_rows(terms: Iterable[Term]) -> Iterator[list[str]]:
    """One row per term, in pinyin order (syllable by syllable), in SHEET_COLUMNS order.

    >>> from glossary.terms import Domain
    >>> t = Term("x", "命运共同体", "命運共同體", "mìngyùn gòngtóngtǐ", Domain.DIPLOMACY, "",
    ...          (Rendering("community with a shared future", Status.PREFERRED, source="1"),
    ...           Rendering("community of common destiny", Status.SUPERSEDED, "2011-2013", source="2")))
    >>> next(sheet_rows([t]))[3:6]
    ['community with a shared future', '', 'community of common destiny (superseded 2011-2013)']
    """
    for term in sorted(terms, key=lambda t: (sort_key(t.pinyin), t.simplified)):
        yield [term.simplified, term.traditional, term.pinyin, term.preferred.text,
               "; ".join(r.text for r in term.english(Status.ADMITTED)),
               "; ".join(_outdated(r) for r in term.renderings if r.status.outdated),
               term.domain.label, term.definition, term.id]


def write_sheet_csv(terms: Iterable[Term]) -> bytes:
    """The sheet as CSV for Excel: UTF-8 with a BOM, CRLF, formula-like cells neutralised."""
    return excel_csv([list(SHEET_COLUMNS), *sheet_rows(terms)])


def write_sheet_xlsx(terms: Iterable[Term]) -> bytes:
    """The sheet as an XLSX workbook: a bold, frozen header, an autofilter, sensible widths."""
    from .xlsx import write_table

    return write_table("glossary", SHEET_COLUMNS, list(sheet_rows(terms)), widths=_WIDTHS, autofilter=True)


def _check_widths(columns: Sequence[str] = SHEET_COLUMNS) -> None:
    assert len(_WIDTHS) == len(columns)


_check_widths()
