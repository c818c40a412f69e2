"""Spreadsheet glossaries in (CSV, TSV, XLSX) and XLSX out.

Clients and CAT tools hand over glossaries as spreadsheets: one entry per row, synonyms joined
with ``|`` or ``;``, column names of their own, in whatever encoding Excel chose. This module
reads them with a column mapping (``Chinese=simplified,English=english``, common headers such
as ``zh-CN`` or ``English`` recognised without one), detects the encoding (UTF-8 with or
without BOM, UTF-16 as Excel's "Unicode text", else charset-normalizer's best guess) and the
delimiter, and validates every row before anything is returned (line-numbered, all or nothing).

A file whose header starts with the terms.csv columns is read by ``csvio.read_terms`` instead:
our own exports come back exactly.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from . import pinyin as _pinyin
from .pinyin_generate import suggest
from .documents.limits import check_zip
from .csvio import REQUIRED_COLUMNS, read_rows, records, too_many_cells
from .gcpause import collector_paused
from .validate import entry_problems
from .errors import InvalidInput, PinyinError, Problem
from .script import to_simplified, to_traditional
from .terms import Domain, Form, Rendering, Status, Term

__all__ = ["Field", "read_spreadsheet", "decode", "parse_mapping", "make_id",
           "adopt_stored_ids"]


class Field(str, enum.Enum):
    """What a spreadsheet column can hold (the right-hand side of ``--map``)."""

    #: Our id; generated from the English when absent.
    ID = "id"
    #: The simplified headword (further items of the cell become variants).
    SIMPLIFIED = "simplified"
    #: The traditional form (generated with OpenCC when absent).
    TRADITIONAL = "traditional"
    #: Tone-marked pinyin (suggested with pypinyin when absent).
    PINYIN = "pinyin"
    #: English: the first item is the preferred rendering, further items admitted ones.
    ENGLISH = "english"
    #: More admitted English renderings.
    ENGLISH_ADMITTED = "english_admitted"
    #: Deprecated English renderings.
    ENGLISH_DEPRECATED = "english_deprecated"
    #: Other Chinese forms.
    VARIANTS = "variants"
    #: A short English definition (left empty when the sheet has none).
    DEFINITION = "definition"
    #: One of the Domain values (``general`` when absent).
    DOMAIN = "domain"
    #: Citations, separated by ``|`` (the file name and import date when absent).
    SOURCES = "sources"
    #: A note on the preferred rendering.
    NOTE = "note"


#: Headers recognised without a mapping (compared lower-cased, ``_`` read as ``-``).
KNOWN_HEADERS: dict[str, Field] = {
    **{h: Field.SIMPLIFIED for h in ("simplified", "zh", "zh-cn", "zh-hans", "zh-sg", "chinese",
                                     "chinese (simplified)", "simplified chinese", "chinese simplified",
                                     "中文", "简体", "简体中文", "汉语", "chs")},
    **{h: Field.TRADITIONAL for h in ("traditional", "zh-tw", "zh-hk", "zh-hant", "chinese (traditional)",
                                      "traditional chinese", "chinese traditional", "繁体", "繁體",
                                      "繁體中文", "cht")},
    **{h: Field.ENGLISH for h in ("english", "en", "en-us", "en-gb", "英文", "英语", "eng", "english (use this)")},
    "also acceptable": Field.ENGLISH_ADMITTED,  # the glossary sheet's column (glossary.sheet)
    **{h: Field.PINYIN for h in ("pinyin", "拼音")},
    **{h: Field.DEFINITION for h in ("definition", "description", "定义")},
    **{h: Field.DOMAIN for h in ("domain", "subject", "subject field", "subjectfield")},
    **{h: Field.NOTE for h in ("note", "notes", "comment", "comments", "备注")},
    **{h: Field(h.replace("-", "_")) for h in ("id", "variants", "english-admitted", "english-deprecated",
                                               "sources")},
}
_SYNONYMS = re.compile(r"\s*[|;]\s*")
_SOURCES = re.compile(r"\s*\|\s*")
_DELIMITERS = ",\t;"


# --- ids -------------------------------------------------------------------------------------


def make_id(english: str, fallback: str = "") -> str:
    """An ASCII id slug from an English rendering (or, failing that, from ``fallback``).

    >>> make_id("Community with a Shared Future (for Mankind)")
    'community-with-a-shared-future-for-mankind'
    >>> make_id("Belt & Road", "yidai yilu")
    'belt-road'
    """
    for text in (english, fallback):
        ascii_text = "".join(c if c.isascii() else "" if unicodedata.combining(c) else "-"
                             for c in unicodedata.normalize("NFKD", text))
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
        if len(slug) > 72:
            slug = slug[:72].rsplit("-", 1)[0]
        if slug:
            return slug
    return "term"


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free; the result is added to ``taken``."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


def adopt_stored_ids(terms: Sequence[Term], stored: Iterable[Term], generated: set[str]) -> list[Term]:
    """Fit imported terms to a store: a headword the store has under another id becomes that
    entry (so its differences are conflicts, not duplicates), and generated ids that clash with
    a stored entry of another headword get a suffix."""
    by_headword = {t.simplified: t.id for t in stored}
    stored_ids = set(by_headword.values())
    adopted: list[Term | None] = []
    for term in terms:
        same = by_headword.get(term.simplified)
        adopted.append(replace(term, id=same) if same and same != term.id else
                       term if same or term.id not in generated else None)
    taken = stored_ids | {t.id for t in adopted if t is not None}
    out = []
    for term, fitted in zip(terms, adopted):
        if fitted is None:  # a generated id, headword new to the store
            fitted = term if term.id not in stored_ids else replace(term, id=unique_id(term.id, taken))
        out.append(fitted)
    return out


# --- decoding -----------------------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """Text of a spreadsheet file: UTF-8 (BOM or not), UTF-16 (Excel's "Unicode text") or a guess.

    >>> decode("核心利益".encode("utf-16"), "x.txt")
    '核心利益'
    """
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _decode(data[len(bom):], encoding, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return _decode(data, "utf-16-le", name)
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return _decode(data, "utf-16-be", name)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InvalidInput([Problem(name, 1, None, "cannot tell the text encoding; save the file as UTF-8 "
                                                   "(in Excel: CSV UTF-8) and import it again")])
    return str(best)


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].decode(encoding, "replace").count("\n") + 1
        raise InvalidInput([Problem(name, line, None, f"not valid {encoding.upper()} text ({error.reason}); "
                                                      "save the file as UTF-8 and import it again")]) from error


#: How much of a delimited file is read to choose the delimiter.
SNIFF_CHARACTERS = 4096


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The delimiter of delimited text: of comma, tab and semicolon, the one that splits the first
    lines (at most 20, within SNIFF_CHARACTERS) into the most rows as wide as the header, a header
    of two columns or more; else the one the header line holds most of.

    Not csv.Sniffer: its double-quote regex backtracks for minutes on a run of quotes (a damaged
    cell of a few hundred), and this reads each candidate once, in linear time.

    >>> sniff_delimiter("Chinese;English\\n核心利益;core interests, the key ones\\n")
    ';'
    """
    sample = text[:SNIFF_CHARACTERS]
    lines = sample.splitlines(keepends=True)[:20]
    if len(text) > len(sample) and len(lines) > 1:
        lines = lines[:-1]  # cut short: not a whole row
    best, best_score = None, (0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            continue
        width = len(rows[0]) if rows else 0
        score = (sum(1 for row in rows if len(row) == width), width)
        if width >= 2 and score > best_score:
            best, best_score = delimiter, score
    if best is not None:
        return best
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    chosen = max(counts, key=lambda d: counts[d])
    return chosen if counts[chosen] else default


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """Rows of a spreadsheet: the header and (line number, cells) pairs."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_delimited(path: Path, delimiter: str | None = None) -> Sheet:
    """A CSV or TSV file as a Sheet (encoding and delimiter detected).

    A quote left open is reported where it opens, and rows with more cells than the header (a
    delimiter inside a cell that is not quoted) are refused, never cut to the header's width.
    """
    text = decode(path.read_bytes(), path.name)
    delimiter = delimiter or sniff_delimiter(text)
    rows = [(line, [cell.strip() for cell in row])
            for line, row in records(io.StringIO(text, newline=""), path.name, delimiter)]
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise InvalidInput([Problem(path.name, 1, None, "the file is empty; the first row must name the columns")])
    header = rows[0][1]
    overfull = [Problem(path.name, line, None, too_many_cells(cells, header, delimiter))
                for line, cells in rows[1:] if any(cells[len(header):])]
    if overfull:
        raise InvalidInput(overfull)
    return Sheet(path.name, rows[0][1], rows[1:])


#: What openpyxl raises for a worksheet it cannot unzip or parse (a damaged part, a cell whose
#: value does not fit its type, XML that is not well-formed: ElementTree's ParseError is a SyntaxError).
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, TypeError, KeyError, IndexError, SyntaxError)


def read_xlsx_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The first (or the named) worksheet of an XLSX workbook as a Sheet."""
    from openpyxl import load_workbook

    data = path.read_bytes()
    check_zip(data, path.name, kind="xlsx", done="imported", max_bytes=None)  # a zip bomb stops here
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InvalidInput([Problem(path.name, 1, None, f"cannot open the workbook ({error}); "
                                                        "save it as .xlsx from Excel or LibreOffice")]) from error
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InvalidInput([Problem(path.name, 1, None, f"no worksheet {sheet!r}; the workbook has "
                                                            f"{', '.join(workbook.sheetnames)}")])
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        line = 0
        try:  # read-only mode unzips and parses the worksheet row by row, here
            for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = ["" if v is None else str(v).strip() for v in values]
                if any(cells):
                    rows.append((line, cells))
        except _UNREADABLE as error:
            raise InvalidInput([Problem(path.name, line + 1, None, f"row {line + 1} of worksheet {worksheet.title!r} "
                                                                   f"cannot be read ({error}); the workbook is damaged: "
                                                                   "save it as .xlsx from Excel or LibreOffice again")]
                               ) from error
    finally:
        workbook.close()
    if not rows:
        raise InvalidInput([Problem(path.name, 1, None, "the worksheet is empty; the first row must name "
                                                        "the columns")])
    return Sheet(path.name, rows[0][1], rows[1:])


def is_terms_format(header: Sequence[str]) -> bool:
    """True when a header starts with the terms.csv columns."""
    return tuple(h.strip().lstrip("\ufeff") for h in header[:len(REQUIRED_COLUMNS)]) == REQUIRED_COLUMNS


def read_spreadsheet(path: str | Path, options: Mapping[str, Any] | None = None) -> list[Term]:
    """Read a CSV, TSV or XLSX glossary into validated terms, or raise InvalidInput.

    Options: ``map`` (``"Chinese=simplified,English=english"``), ``sheet`` (XLSX worksheet),
    ``delimiter``, ``stored`` (the store's terms: rows are matched to them by headword and
    generated ids kept clear of theirs), ``today`` (the import date cited in ``sources``),
    ``progress`` (called with rows done, rows in all, for a file in the terms.csv layout).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "client.csv"
    >>> _ = path.write_text("Chinese,English\\n核心利益,core interests\\n", encoding="utf-8")
    >>> [(t.id, t.simplified, t.preferred.text, t.domain.value) for t in read_spreadsheet(path)]
    [('core-interests', '核心利益', 'core interests', 'general')]
    """
    path = Path(path)
    options = options or {}
    with collector_paused():  # a 100k-row file is millions of cells, none cyclic
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            sheet = read_xlsx_sheet(path, options.get("sheet"))
        else:
            delimiter = options.get("delimiter") or ("\t" if path.suffix.lower() in (".tsv", ".tab") else None)
            sheet = read_delimited(path, delimiter)
    if is_terms_format(sheet.header):
        return _read_terms_format(sheet, options.get("progress"))
    terms, generated = rows_to_terms(sheet, options.get("map"), options.get("today") or date.today())
    stored = options.get("stored")
    return adopt_stored_ids(terms, stored, generated) if stored is not None else terms


def _read_terms_format(sheet: Sheet, progress: Callable[[int, int], None] | None = None) -> list[Term]:
    """Rows in the terms.csv layout, read by csvio with their line numbers."""
    with collector_paused():  # a 100k-row file makes millions of small objects, none cyclic
        return read_rows([h.strip().lstrip("\ufeff") for h in sheet.header], sheet.rows, sheet.name,
                         progress=progress)


def parse_mapping(text: str | None, header: Sequence[str], name: str) -> dict[int, Field]:
    """Column index → field, from ``--map`` and then from recognised headers.

    >>> parse_mapping("Begriff=simplified", ["Begriff", "English"], "x.csv")
    {0: <Field.SIMPLIFIED: 'simplified'>, 1: <Field.ENGLISH: 'english'>}
    """
    lowered = [h.strip().lower() for h in header]
    chosen: dict[int, Field] = {}
    problems = []
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        column, _, field_name = (part.strip() for part in pair.partition("="))
        try:
            field = Field(field_name.lower())
        except ValueError:
            problems.append(Problem(name, 1, column, f"unknown field {field_name!r} in --map; map columns to "
                                                     f"{', '.join(f.value for f in Field)}"))
            continue
        if column.lower() not in lowered:
            problems.append(Problem(name, 1, column, f"--map names column {column!r}, which the header does not "
                                                     f"have; the columns are: {', '.join(header)}"))
            continue
        chosen[lowered.index(column.lower())] = field
    if problems:
        raise InvalidInput(problems)
    for index, heading in enumerate(lowered):
        known = KNOWN_HEADERS.get(heading.replace("_", "-"))
        if index not in chosen and known is not None and known not in chosen.values():
            chosen[index] = known
    if not {Field.SIMPLIFIED, Field.TRADITIONAL} & set(chosen.values()) or Field.ENGLISH not in chosen.values():
        raise InvalidInput([Problem(name, 1, None, (
            f"cannot tell which columns hold the Chinese and the English; the columns are: {', '.join(header)}. "
            "Give a mapping such as --map \"" + ",".join(f"{h}={f}" for h, f in zip(header, ("simplified", "english")))
            + "\"")) ])
    return chosen


def rows_to_terms(sheet: Sheet, mapping: str | None, today: date) -> tuple[list[Term], set[str]]:
    """Validate every row of a client spreadsheet; the terms and the ids that were generated."""
    columns = parse_mapping(mapping, sheet.header, sheet.name)
    heading = {field: sheet.header[index] for index, field in columns.items()}
    citation = f"{sheet.name}, imported {today.isoformat()}"
    problems: list[Problem] = []
    terms: list[Term] = []
    generated: set[str] = set()
    headwords: dict[str, int] = {}
    ids: dict[str, int] = {}
    for line, cells in sheet.rows:
        values = {field: cells[index] if index < len(cells) else "" for index, field in columns.items()}

        def fault(field: Field, message: str, line: int = line) -> None:
            problems.append(Problem(sheet.name, line, heading.get(field, field.value), message))

        term = _row_to_term(values, fault, citation)
        if term is None:
            continue
        if term.simplified in headwords:
            fault(Field.SIMPLIFIED, f"duplicate headword {term.simplified} (first on line {headwords[term.simplified]})")
            continue
        headwords[term.simplified] = line
        if values.get(Field.ID):
            if term.id in ids:
                fault(Field.ID, f"duplicate id {term.id!r} (first on line {ids[term.id]})")
                continue
            ids[term.id] = line
        terms.append(term)
    if problems:
        raise InvalidInput(problems)
    taken = set(ids)
    out = []
    for term, explicit in ((t, t.id in ids) for t in terms):
        if not explicit:
            term = replace(term, id=unique_id(term.id, taken))
            generated.add(term.id)
        out.append(term)
    return out, generated


def _row_to_term(values: dict[Field, str], fault: Callable[[Field, str], None], citation: str) -> Term | None:
    """One row as a Term; None (after reporting each problem through ``fault``) when it is invalid."""
    faults: list[Field] = []

    def problem(field: Field, message: str) -> None:
        faults.append(field)
        fault(field, message)

    chinese = _SYNONYMS.split(values.get(Field.SIMPLIFIED, "")) if values.get(Field.SIMPLIFIED) else []
    traditional_items = _SYNONYMS.split(values.get(Field.TRADITIONAL, "")) if values.get(Field.TRADITIONAL) else []
    if chinese:
        simplified = chinese[0]
    elif traditional_items:
        simplified = to_simplified(traditional_items[0])
    else:
        simplified = ""
    if not any(_pinyin.is_hanzi(c) for c in simplified):
        problem(Field.SIMPLIFIED, "the Chinese headword is missing or has no Chinese characters; fill in the cell "
                                  "or leave the whole row out")
    traditional = traditional_items[0] if traditional_items else ""
    variants = [Form(text) for text in chinese[1:] + traditional_items[1:] + _items(values, Field.VARIANTS)]
    english = _items(values, Field.ENGLISH)
    if not english:
        problem(Field.ENGLISH, "no English rendering; fill in the cell or leave the whole row out")
    stored_pinyin = values.get(Field.PINYIN, "")
    domain = Domain.GENERAL
    if values.get(Field.DOMAIN):
        try:
            domain = _domain(values[Field.DOMAIN])
        except ValueError:
            problem(Field.DOMAIN, f"domain {values[Field.DOMAIN]!r} is not one of: "
                                  f"{', '.join(d.value for d in Domain)}")
    term_id = values.get(Field.ID, "")
    if faults:
        return None
    sources = tuple(s for s in _SOURCES.split(values.get(Field.SOURCES, "")) if s) or (citation,)
    renderings = [Rendering(english[0], Status.PREFERRED, note=values.get(Field.NOTE) or None, source="1")]
    renderings += [Rendering(text, Status.ADMITTED) for text in english[1:] + _items(values, Field.ENGLISH_ADMITTED)]
    renderings += [Rendering(text, Status.DEPRECATED) for text in _items(values, Field.ENGLISH_DEPRECATED)]
    try:
        plain = _pinyin.render(stored_pinyin or suggest(simplified), "plain")
    except PinyinError as error:
        problem(Field.PINYIN, str(error))
        return None
    term = Term(
        id=term_id or make_id(english[0], plain),
        simplified=simplified, traditional=traditional or to_traditional(simplified),
        pinyin=stored_pinyin or suggest(simplified), domain=domain,
        definition=values.get(Field.DEFINITION, ""), renderings=tuple(renderings),
        variants=tuple(dict.fromkeys(v for v in variants if v.text not in (simplified, traditional))),
        sources=sources, traditional_curated=bool(traditional), pinyin_curated=bool(stored_pinyin),
    )
    column = {"id": Field.ID, "simplified": Field.SIMPLIFIED, "traditional": Field.TRADITIONAL,
              "pinyin": Field.PINYIN, "english": Field.ENGLISH, "variants": Field.VARIANTS, "domain": Field.DOMAIN}
    for field, message in entry_problems(term):  # the one validator: the rules of the store
        problem(column.get(field, Field.ENGLISH), message)
    return None if faults else term


def _items(values: dict[Field, str], field: Field) -> list[str]:
    cell = values.get(field, "")
    return [item for item in _SYNONYMS.split(cell) if item] if cell else []


def _domain(text: str) -> Domain:
    """A Domain from its value or its label ("Belt and road")."""
    return Domain(text.strip().lower().replace(" ", "-"))
