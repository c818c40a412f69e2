"""terms.csv in and out: the curated source of truth, parsed with line-numbered errors.

The format is documented in the README ("The terms.csv format").
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import IO

from . import pinyin as _pinyin
from .pinyin_generate import suggest
from .errors import InvalidInput, PinyinError, Problem
from .gcpause import collector_paused
from .parallel import made_beside
from .script import to_traditional
from .terms import Domain, Form, FormKind, Rendering, Status, Term
from .validate import Profile, entry_problems, set_problems

__all__ = ["COLUMNS", "read_terms", "read_rows", "records", "too_many_cells", "write_terms", "parse_rendering",
           "format_rendering", "escape", "unescape"]

#: The columns of terms.csv, in order.
COLUMNS = (
    "id", "simplified", "traditional", "variants", "pinyin", "english", "english_admitted",
    "english_deprecated", "domain", "definition", "sources", "related", "pinyin_note", "updated",
)
REQUIRED_COLUMNS = COLUMNS[:12]
#: The columns that make up an entry's content (what decides "changed"); ``updated`` is when it last did.
CONTENT_COLUMNS = COLUMNS[:13]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SEPARATOR = " | "
#: An item: its text (stripped by the caller), then its qualifiers in brackets. The text is
#: matched greedily (each character one way only), so a long cell is read in linear time; a lazy
#: text followed by ``\s*`` took quadratic time on a cell with a long run of spaces.
_ITEM = re.compile(r"(?P<text>(?:\\.|[^\[\]\\])*)(?:\[(?P<qualifiers>(?:\\.|[^\[\]\\])*)\])?", re.DOTALL)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
#: What a backslash escapes: in item text (renderings, forms), in qualifier values, in citations.
_TEXT_SPECIAL, _VALUE_SPECIAL, _CITATION_SPECIAL = "|[]", "|[];", "|"
_YEARS = re.compile(r"\d{4}(?:-(?:\d{4})?)?|-\d{4}")
#: Cell starts that spreadsheets would run as formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def split_cell(cell: str) -> list[str]:
    r"""Split a multi-valued cell on ``|`` (not on an escaped ``\|``); blank items are dropped.

    >>> split_cell(r"a | b \| c |")
    ['a', 'b \\| c']
    """
    return [item for item in _split(cell, "|") if item] if cell else []


def _split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` where no backslash escapes it; items keep their escapes, stripped."""
    if "\\" not in text:
        return [item.strip() for item in text.split(separator)] if separator in text else [text.strip()]
    items: list[str] = []
    current: list[str] = []
    characters = iter(text)
    for character in characters:
        if character == "\\":
            current.append(character + next(characters, ""))
        elif character == separator:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(character)
    items.append("".join(current).strip())
    return items


def escape(text: str, special: str = _TEXT_SPECIAL) -> str:
    r"""Put a backslash before the backslashes and ``special`` characters of ``text``, so that the
    cell syntax reads them as text (a CC-CEDICT gloss such as ``太原市[Tai4 yuan2 shi4]``).

    >>> escape("Taiyuan 太原[Tai4 yuan2] | Shanxi")
    'Taiyuan 太原\\[Tai4 yuan2\\] \\| Shanxi'
    """
    pattern = _escaper(special)
    return pattern.sub(r"\\\g<0>", text) if pattern.search(text) else text


@lru_cache(maxsize=8)
def _escaper(special: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(chr(92) + special)}]")


def unescape(text: str) -> str:
    """The text an escaped item stands for (the inverse of ``escape``)."""
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


def parse_rendering(item: str, default: Status) -> Rendering:
    """Read ``text [superseded; years: 2011-2017; source: 2; note: …]``.

    >>> parse_rendering("community of common destiny [superseded; years: 2011-2017; source: 2]",
    ...                 Status.DEPRECATED).status
    <Status.SUPERSEDED: 'superseded'>
    """
    match = _ITEM.fullmatch(item.strip())
    if not match or not match.group("text").strip():
        raise ValueError(f"cannot read {item!r}: write 'text [key: value; …]'; write a bracket that is part "
                         f"of the text as \\[ or \\]")
    status, years, note, source = default, None, None, None
    for qualifier in filter(None, _split(match.group("qualifiers") or "", ";")):
        key, _, escaped = (part.strip() for part in qualifier.partition(":"))
        key, value = key.lower(), unescape(escaped)
        if not value and key in ("superseded", "deprecated"):
            if default is not Status.DEPRECATED:
                raise ValueError(f"{key!r} belongs in english_deprecated, not here ({item!r})")
            status = Status(key)
        elif key == "years" and _YEARS.fullmatch(value):
            years = value
        elif key == "years":
            raise ValueError(f"years {value!r} in {item!r}: write 2015-, 2011-2017, -2015 or 2019")
        elif key == "note" and value:
            note = value
        elif key == "source" and value:
            source = value
        else:
            raise ValueError(
                f"unknown qualifier {qualifier!r} in {item!r}: use superseded, years: …, source: …, note: …"
            )
    return Rendering(unescape(match.group("text").strip()), status, years, note, source)


def format_rendering(rendering: Rendering) -> str:
    """Write a rendering back in the cell syntax (the inverse of parse_rendering)."""
    qualifiers = ["superseded"] if rendering.status is Status.SUPERSEDED else []
    qualifiers += [f"{k}: {escape(v, _VALUE_SPECIAL)}" for k, v in (
        ("years", rendering.years), ("source", rendering.source), ("note", rendering.note)) if v]
    return escape(rendering.text) + (f" [{'; '.join(qualifiers)}]" if qualifiers else "")


_FORM_KINDS = {FormKind.VARIANT.value, FormKind.ABBREVIATION.value, FormKind.SHORT.value}


def parse_form(item: str) -> Form:
    """Read ``上合组织 [abbreviation; pinyin: Shànghé Zǔzhī]`` (kind and pinyin both optional).

    >>> parse_form("亚投行 [abbreviation; pinyin: Yàtóuháng]")
    Form(text='亚投行', kind=<FormKind.ABBREVIATION: 'abbreviation'>, pinyin='Yàtóuháng')
    """
    match = _ITEM.fullmatch(item.strip())
    if not match or not match.group("text").strip():
        raise ValueError(f"cannot read variant {item!r}: write '上合组织 [abbreviation]'")
    text = unescape(match.group("text").strip())
    kind, pinyin = FormKind.VARIANT, ""
    for qualifier in filter(None, _split(match.group("qualifiers") or "", ";")):
        key, _, value = (part.strip() for part in qualifier.partition(":"))
        if key.lower() in _FORM_KINDS and not value:
            kind = FormKind(key.lower())
        elif key.lower() == "pinyin" and value:
            pinyin = _pinyin.render(unescape(value), "marks")  # normal form; PinyinError if unreadable
            problems = _pinyin.count_problems(text, pinyin)
            if problems:
                raise ValueError(f"variant {text}: {problems[0]}")
        else:
            raise ValueError(f"cannot read {qualifier!r} in variant {item!r}: give a kind "
                             f"({', '.join(sorted(_FORM_KINDS))}) and/or 'pinyin: …'")
    return Form(text, kind, pinyin)


def format_form(form: Form) -> str:
    """Write a form back in the cell syntax (the inverse of parse_form)."""
    qualifiers = [form.kind.value] if form.kind is not FormKind.VARIANT else []
    qualifiers += [f"pinyin: {form.pinyin}"] if form.pinyin else []
    return escape(form.text) + (f" [{'; '.join(qualifiers)}]" if qualifiers else "")


@dataclass
class _Row:
    """Collects the problems of one row while it is read."""

    source: str
    line: int
    problems: list[Problem]

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.source, self.line, column, message))


def row_to_term(cells: dict[str, str], row: _Row, profile: Profile = Profile.ENTRY) -> Term | None:
    """Build a Term from one row's cells, recording every problem (what the cells do not say
    clearly, then what the validator finds); None if the row is invalid."""
    before = len(row.problems)

    def get(column: str) -> str:
        return _unneutralise(cells.get(column) or "").strip()

    simplified = get("simplified")
    variants: list[Form] = []
    for item in split_cell(get("variants")):
        try:
            variants.append(parse_form(item))
        except (ValueError, PinyinError) as error:
            row.problem("variants", str(error))
    stored_pinyin = get("pinyin")
    if stored_pinyin:
        try:
            stored_pinyin = _pinyin.render(stored_pinyin, "marks") if profile is Profile.ENTRY else stored_pinyin
        except PinyinError as error:
            row.problem("pinyin", str(error))
    elif simplified:
        try:
            stored_pinyin = suggest(simplified)
        except PinyinError as error:
            row.problem("pinyin", str(error))
    renderings: list[Rendering] = []
    for column, status in (("english", Status.PREFERRED), ("english_admitted", Status.ADMITTED),
                           ("english_deprecated", Status.DEPRECATED)):
        for item in split_cell(get(column)):
            try:
                renderings.append(parse_rendering(item, status))
            except ValueError as error:
                row.problem(column, str(error))
    domain_text = get("domain")
    try:
        domain = Domain(domain_text)
    except ValueError:
        row.problem("domain", f"domain {domain_text!r} is not one of: {', '.join(d.value for d in Domain)}")
        domain = Domain.GENERAL
    updated = get("updated")
    updated_at = None
    if updated:
        try:
            updated_at = datetime.strptime(updated, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            row.problem("updated", f"updated {updated!r} is not a date: write YYYY-MM-DD (when the entry last changed)")
    if len(row.problems) > before:
        return None
    traditional = get("traditional")
    definition = get("definition")
    for rendering in renderings:  # one string, not two equal ones (a CC-CEDICT entry's gloss is both)
        if rendering.text == definition:
            definition = rendering.text
            break
    term = Term(
        id=get("id"), simplified=simplified, traditional=traditional or to_traditional(simplified),
        pinyin=stored_pinyin, domain=domain, definition=definition, renderings=tuple(renderings),
        variants=tuple(variants), sources=_sources(get("sources")),
        related=tuple(split_cell(get("related"))), traditional_curated=bool(traditional),
        pinyin_curated=bool(get("pinyin")), pinyin_note=get("pinyin_note"), updated_at=updated_at,
    )
    for column, message in entry_problems(term, profile):
        row.problem(column, message)
    return None if len(row.problems) > before else term


@lru_cache(maxsize=256)
def _sources(cell: str) -> tuple[str, ...]:
    """A sources cell's citations: one tuple for the rows that cite the same (every entry of a
    dictionary import), so a reader's entries pickled to the importing process carry it once."""
    return tuple(map(unescape, split_cell(cell)))


def read_terms(source: str | Path | IO[str], name: str | None = None,
               profile: Profile = Profile.ENTRY) -> list[Term]:
    """Read and validate a terms CSV; raise InvalidInput listing every problem (file, line, column).

    Every row is held to ``profile`` (``Profile.CURATED`` for the reviewed terms.csv), and the
    rows as a set: duplicate ids and headwords are problems, and for a curated file so are
    related ids that name no row and links that do not go both ways. (An import checks links
    against the store as well.)
    """
    with collector_paused():  # a 100k-row file makes millions of small objects, none cyclic
        if isinstance(source, (str, Path)):
            name = name or str(source)
            with open(source, encoding="utf-8-sig", newline="") as handle:
                return _read(handle, name, profile)
        return _read(source, name or str(getattr(source, "name", "<input>")), profile)


def _read(handle: IO[str], name: str, profile: Profile) -> list[Term]:
    rows = records(handle, name)
    _, header = next(rows, (1, []))
    read: list[tuple[int, Sequence[str]]] = []
    broken: list[Problem] = []
    try:
        read.extend(rows)
    except InvalidInput as error:  # a quote left open: the rest of the file cannot be read
        broken = error.problems
    return read_rows(header, read, name, profile, problems=broken)


def read_rows(header: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]], name: str,
              profile: Profile = Profile.ENTRY, progress: Callable[[int, int], None] | None = None,
              problems: Sequence[Problem] = ()) -> list[Term]:
    """``read_terms`` for rows already split into cells, as (line number, cells) (a spreadsheet
    in the terms.csv layout); ``progress(done, total)`` is told every ``READ_PART`` rows; ``problems``
    found while splitting the file are reported with the rows'."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput([Problem(name, 1, None, f"missing columns: {', '.join(missing)}; "
                                                 f"the header must start with {','.join(REQUIRED_COLUMNS)}")])
    rows = list(rows)

    def read(part: Sequence[tuple[int, Sequence[str]]]) -> tuple[list[Term], list[int], list[Problem]]:
        """The terms of some rows, their lines, and the rows' problems."""
        found: list[Problem] = []
        terms: list[Term] = []
        lines: list[int] = []
        width = len(header)
        for line, values in part:
            row = _Row(name, line, found)
            if len(values) > width and any(cell.strip() for cell in values[width:]):
                row.problem(None, too_many_cells(values, header))
                continue
            term = row_to_term(dict(zip(header, values)), row, profile)
            if term is not None:
                terms.append(term)
                lines.append(row.line)
        return terms, lines, found

    # pinyin and traditional forms generated, every row checked: pure Python, in parts shared with
    # another core (each process takes the next part nobody has; this one takes in the other's
    # parts as they come, while the other reads on)
    terms: list[Term] = []
    lines: list[int] = []
    found = list(problems)
    parts = [rows[start:start + READ_PART] for start in range(0, len(rows), READ_PART)]
    done = 0
    for index, (part_terms, part_lines, part_problems) in enumerate(made_beside(parts, read)):
        terms += part_terms
        lines += part_lines
        found += part_problems
        done += len(parts[index])
        if progress is not None:
            progress(done, len(rows))
    problems = found
    if progress is not None:
        progress(len(rows), len(rows))
    if profile is Profile.CURATED:
        problems += [Problem(name, lines[index], field, message) for index, field, message in set_problems(terms, profile)]
    else:  # links are checked against the store on import, where a filtered export's links lead
        problems += [Problem(name, lines[index], field, message) for index, field, message
                     in set_problems(terms, profile, known={other for t in terms for other in t.related})]
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: p.line))
    return terms


#: Rows per part of a big file shared between two processes: small, so that the importing
#: process takes in the other's entries a part at a time while the other reads on, and waits at
#: the end for one part at most (about 0.3 s); the progress line moves a part at a time.
READ_PART = 1000


_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon"}


def too_many_cells(cells: Sequence[str], header: Sequence[str], delimiter: str = ",") -> str:
    """What to say about a row with more cells than its header has columns: most likely a cell
    with the delimiter in it, not quoted (shown, as a guess, for the last column)."""
    what = _DELIMITER_NAMES.get(delimiter, repr(delimiter))
    last = len(header) - 1
    guess = f"{cells[last].strip()}{delimiter}{' ' if delimiter != chr(9) else ''}{cells[last + 1].strip()}"
    return (f"this row has {len(cells)} cells but the header has {len(header)} columns, so a {what} inside a cell "
            f"split it and the cells past column {header[last] or last + 1} would be lost; put the cell that contains "
            f"the {what} in double quotes (if it is {header[last] or 'the last'}: \"{guess[:60]}…\")")


class _HeldLines:
    """The lines a csv reader takes from a file, kept from the start of the record it is reading
    (so a record it cannot read is reported where it begins, not where the reader gave up)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.held: list[str] = []
        #: The line number of ``held[0]``.
        self.first = 1

    def __iter__(self) -> _HeldLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.held.append(line)
        return line

    def record_read(self, line_num: int) -> None:
        self.held.clear()
        self.first = line_num + 1


def records(lines: Iterable[str], name: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """The records of CSV text as (line, cells), the line where each ends; blank lines skipped.

    A cell whose opening quote is never closed (or with text after its closing quote) raises
    InvalidInput at the line where that quote opens, naming the column: the csv module would
    otherwise read the rest of the file into the cell.

    >>> list(records(['a,b\\n', '1,"x\\n', '2,y\\n'], "in.csv"))
    Traceback (most recent call last):
    ...
    glossary.errors.InvalidInput: 1 problem, nothing was imported:
    in.csv line 2, column b: the quote that opens this cell is never closed, so the lines after it were read into the cell; end the cell with a closing " (a quote that is part of the text is written "")
    """
    held = _HeldLines(lines)
    reader = csv.reader(held, delimiter=delimiter, strict=True)
    header: list[str] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInput([_unreadable(held, reader.line_num, name, delimiter, header, error)]) from None
        held.record_read(reader.line_num)
        if cells:
            header = header or cells
            yield reader.line_num, cells


def _unreadable(held: _HeldLines, line_num: int, name: str, delimiter: str, header: Sequence[str],
                error: csv.Error) -> Problem:
    """The problem of a record the csv module gave up on, at the quote that caused it."""
    fault = _quote_fault("".join(held.held), delimiter)
    if fault is None:
        return Problem(name, line_num, None, f"this line cannot be read as CSV ({error}); save the file as CSV "
                                             "UTF-8 and import it again")
    offset, cell, unclosed = fault
    line = held.first + bisect.bisect_right(list(itertools.accumulate(map(len, held.held))), offset)
    column = header[cell] if cell < len(header) else None
    if unclosed:
        message = ("the quote that opens this cell is never closed, so the lines after it were read into the cell; "
                   "end the cell with a closing \" (a quote that is part of the text is written \"\")")
    else:
        message = ("text follows the quote that closes this cell; put the whole cell in double quotes and write "
                   "each quote that is part of the text as \"\"")
    return Problem(name, line, column, message)


def _quote_fault(text: str, delimiter: str) -> tuple[int, int, bool] | None:
    """Where the quoting of one record's text goes wrong, as (offset, cell index, unclosed): the
    quote that opens a cell and is never closed (or only by what is another cell's opening quote:
    one after a delimiter or lines later, with text after it), or else the text after a closing
    quote; None when the quoting is right."""
    cell, starts_cell, position = 0, True, 0
    while position < len(text):
        char = text[position]
        if starts_cell and char == '"':
            close = position
            while True:
                close = text.find('"', close + 1)
                if close < 0:
                    return position, cell, True
                if text[close + 1:close + 2] != '"':
                    break
                close += 1  # "" is a quote inside the cell
            if text[close + 1:close + 2] not in ("", delimiter, "\n", "\r"):
                # a "closing" quote that starts a cell, or lines later, is another cell's opening quote
                opens_cell = text[close - 1] in (delimiter, "\n", "\r")
                spans_lines = any(end in text[position:close] for end in "\n\r")
                return (position, cell, True) if opens_cell or spans_lines else (close + 1, cell, False)
            position, starts_cell = close + 1, False
            continue
        if char == delimiter:
            cell, starts_cell = cell + 1, True
        elif char in "\n\r":
            cell, starts_cell = 0, True
        else:
            starts_cell = False
        position += 1
    return None


def term_to_row(term: Term) -> list[str]:
    """The cells of one term, in COLUMNS order (generated forms written blank)."""
    updated = term.updated_at.astimezone(timezone.utc).date().isoformat() if term.updated_at else ""
    return content_cells(term) + [updated]


def content_cells(term: Term) -> list[str]:
    """The cells of CONTENT_COLUMNS: everything curated about a term, not when it changed (made
    once per term: an import needs them for the checksum, the row and the history)."""
    memo = term._memo()
    cells: list[str] | None = memo.get("cells")
    if cells is None:
        cells = memo["cells"] = _content_cells(term)
    return list(cells)


def _content_cells(term: Term) -> list[str]:
    return [
        term.id, term.simplified, term.traditional if term.traditional_curated else "",
        SEPARATOR.join(map(format_form, term.variants)), term.pinyin if term.pinyin_curated else "",
        SEPARATOR.join(format_rendering(r) for r in term.english(Status.PREFERRED)),
        SEPARATOR.join(format_rendering(r) for r in term.english(Status.ADMITTED)),
        SEPARATOR.join(format_rendering(r) for r in term.renderings if r.status.outdated),
        term.domain.value, term.definition,
        SEPARATOR.join(escape(source, _CITATION_SPECIAL) for source in term.sources), SEPARATOR.join(term.related),
        term.pinyin_note,
    ]


def iter_rows(terms: Iterable[Term]) -> Iterator[list[str]]:
    """Header, then one row per term sorted by id; line breaks written as LF (csv quotes LF, not a
    lone CR) and formula-like cells neutralised."""
    yield list(COLUMNS)
    for term in sorted(terms, key=lambda t: t.id):
        yield [_neutralise(cell.replace("\r\n", "\n").replace("\r", "\n")) for cell in term_to_row(term)]


def write_terms(terms: Iterable[Term], excel: bool = False) -> bytes:
    """Export terms as CSV bytes in a stable order.

    Plain: UTF-8, LF line ends (what terms.csv uses). ``excel=True``: UTF-8 with a BOM and CRLF,
    which Excel opens with the right encoding.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerows(iter_rows(terms))
    return (("\ufeff" if excel else "") + buffer.getvalue()).encode("utf-8")


def excel_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as CSV for Excel: UTF-8 with a BOM, CRLF line ends, formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([_neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _neutralise(cell: str) -> str:
    """Prefix cells a spreadsheet would run as a formula with an apostrophe."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _unneutralise(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell
