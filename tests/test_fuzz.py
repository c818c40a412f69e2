"""Fuzzing every import format and the document formats (issue 16).

Each case starts from a valid file our own exporter wrote and damages it with hypothesis-made
mutations: flipped, inserted and deleted bytes, truncation, another encoding, broken quotes and
delimiters, a huge cell, a well-formed row with a value at or past its column limit, deeply
nested XML, entity declarations, wrong cell types in a workbook, zip entries that declare (or
really have) a huge size. Imports run on SQLite and on the PostgreSQL server (the ``store_url``
fixture), where column limits and transactions are the database's own. The properties:

- an import either succeeds whole (the store then holds exactly the file's parsed entries) or
  is refused with a GlossaryError whose problems name the file and a line, row or element; never
  another exception;
- after a refused import the store is exactly as before (a dump of every table: SQLite's
  ``iterdump``, every row of every table on PostgreSQL);
- reading, annotating or checking a document either works or raises a GlossaryError.

Runs are derandomized (the same inputs on every run); how many inputs each format got and how
they ended is written to test-artifacts/fuzz-counts.json at the end of the module.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import struct
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, create_engine, inspect, text

import glossary
from glossary.csvio import COLUMNS, content_cells, read_terms, split_cell
from glossary.edits import canonical
from glossary.documents import annotate_document, read_segments
from glossary.documents import xliff
from glossary.documents.limits import MAX_UNZIPPED_BYTES
from glossary.errors import GlossaryError, ImportConflict, InvalidInput
from glossary.formats import detect_import_format, export_format
from glossary.terms import Term
from glossary.validate import LIMITS

from conftest import DATA, ROOT, WEB_TERMS

#: Inputs per format; the whole module runs in well under a minute.
EXAMPLES = 250
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

#: format -> outcome -> count, written to test-artifacts/fuzz-counts.json.
COUNTS: dict[str, Counter[str]] = defaultdict(Counter)


@pytest.fixture(scope="module", autouse=True)
def _write_counts() -> Iterator[None]:
    yield
    out = ROOT / "test-artifacts" / "fuzz-counts.json"
    out.parent.mkdir(exist_ok=True)
    summary = {name: {"inputs": sum(c.values()), **dict(sorted(c.items()))} for name, c in sorted(COUNTS.items())}
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


# --- the valid files we start from --------------------------------------------------------------

STORED_IDS = {"core-interests"}  # the store holds these; the file holds the other web terms


@lru_cache(maxsize=1)
def _web_terms() -> list[Term]:
    return read_terms(WEB_TERMS)


def _file_terms() -> list[Term]:
    terms = [t for t in _web_terms() if t.id not in STORED_IDS]
    keep = {t.id for t in terms} | STORED_IDS
    return [replace(t, related=tuple(r for r in t.related if r in keep)) for t in terms]


@lru_cache(maxsize=None)
def valid_file(fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the file terms written by our exporter in ``fmt``."""
    terms = _file_terms()
    if fmt == "tsv":
        rows = list(csv.reader(io.StringIO(export_format("csv").write(terms).decode("utf-8"), newline="")))
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(rows)
        return "terms.tsv", buffer.getvalue().encode("utf-8")
    extension = {"csv": "csv", "xlsx": "xlsx", "tbx": "tbx", "tbx2": "tbx"}[fmt]
    return f"terms.{extension}", export_format(fmt).write(terms)


@lru_cache(maxsize=None)
def valid_document(kind: str) -> tuple[str, bytes]:
    if kind == "docx":
        return "guide.docx", export_format("guide-docx").write(_web_terms())
    if kind == "html":
        return "guide.html", export_format("guide-html").write(_web_terms())
    return f"statement-{kind}.xlf", (DATA / f"statement-{kind}.xlf").read_bytes()


# --- mutations ------------------------------------------------------------------------------------

Mutation = Callable[[bytes], bytes]
_INTERESTING = [b'"', b",", b"\t", b";", b"\n", b"\r", b"\x00", b"<", b">", b"&", b"]]>", b"\xff\xfe", b"\xef\xbb\xbf",
                b"\xe4\xb8", b"'", b"=", b"|", b"[", b"\\", b"</", b"<x>", b"&amp;", b"&#0;", b"&#x110000;"]


def _at(data: bytes, where: float) -> int:
    return min(len(data), int(where * len(data)))


def _flip(where: float, byte: int) -> Mutation:
    return lambda d: d[:_at(d, where)] + bytes([byte]) + d[_at(d, where) + 1:] if d else d


def _insert(where: float, piece: bytes) -> Mutation:
    return lambda d: d[:_at(d, where)] + piece + d[_at(d, where):]


def _delete(where: float, length: int) -> Mutation:
    return lambda d: d[:_at(d, where)] + d[_at(d, where) + length:]


def _truncate(where: float) -> Mutation:
    return lambda d: d[:_at(d, where)]


def _reencode(encoding: str) -> Mutation:
    def apply(data: bytes) -> bytes:
        text = data.decode("utf-8", "replace")
        return text.encode(encoding, "replace") if encoding != "mojibake" else text.encode("utf-8").decode(
            "latin-1").encode("utf-8")
    return apply


def _drop_nth(character: bytes, where: float) -> Mutation:
    """Delete one occurrence of a character (a quote, a delimiter, a bracket)."""
    def apply(data: bytes) -> bytes:
        found = [m.start() for m in re.finditer(re.escape(character), data)]
        if not found:
            return data
        at = found[min(len(found) - 1, int(where * len(found)))]
        return data[:at] + data[at + len(character):]
    return apply


def _swap_all(old: bytes, new: bytes) -> Mutation:
    return lambda d: d.replace(old, new)


def _huge_cell(where: float, size: int, character: bytes) -> Mutation:
    return _insert(where, character * size)


def _after_tag(data: bytes, where: float) -> int:
    """A position just after some '>' (between elements), so inserted markup parses."""
    ends = [m.end() for m in re.finditer(rb">", data)]
    return ends[min(len(ends) - 1, int(where * len(ends)))] if ends else 0


def _nest(where: float, depth: int) -> Mutation:
    def apply(data: bytes) -> bytes:
        at = _after_tag(data, where)
        return data[:at] + b"<n>" * depth + b"x" + b"</n>" * depth + data[at:]
    return apply


_ENTITIES = {
    "simple": b'<!DOCTYPE r [<!ENTITY e "core interests">]>',
    "laughs": b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
              b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>',
    "external": b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
}


def _entity(kind: str, where: float) -> Mutation:
    """A DTD declaring an entity after the XML declaration, and a reference to it in the text."""
    def apply(data: bytes) -> bytes:
        declaration = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
        data = data[:declaration] + _ENTITIES[kind] + data[declaration:]
        at = _after_tag(data[declaration + len(_ENTITIES[kind]):], where) + declaration + len(_ENTITIES[kind])
        return data[:at] + b"&e;" + data[at:]
    return apply


_BYTE_MUTATIONS = st.one_of(
    st.builds(_flip, st.floats(0, 1), st.integers(0, 255)),
    st.builds(_insert, st.floats(0, 1), st.sampled_from(_INTERESTING) | st.binary(min_size=1, max_size=8)),
    st.builds(_delete, st.floats(0, 1), st.integers(1, 64)),
    st.builds(_truncate, st.floats(0, 1)),
    st.builds(_reencode, st.sampled_from(["gb18030", "utf-16", "utf-16-le", "latin-1", "big5", "mojibake"])),
    st.builds(_drop_nth, st.sampled_from([b'"', b",", b"\t", b"<", b">", b"/", b"="]), st.floats(0, 1)),
    st.builds(_swap_all, st.sampled_from([b",", b"\t", b'"', b"\n"]), st.sampled_from([b";", b"\t", b",", b"\r", b"'"])),
    st.builds(_huge_cell, st.floats(0, 1), st.sampled_from([1_000, 70_000, 1_000_000]),
              st.sampled_from([b"a", "核".encode(), b" ", b'"'])),
)
_XML_MUTATIONS = st.one_of(
    _BYTE_MUTATIONS,
    st.builds(_nest, st.floats(0, 1), st.sampled_from([3, 300, 3_000, 100_000])),
    st.builds(_entity, st.sampled_from(sorted(_ENTITIES)), st.floats(0, 1)),
)


# --- zip files (XLSX, DOCX) ------------------------------------------------------------------------


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    """The entries of a zip, or None when an earlier mutation broke it (then it stays as it is)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info, archive.read(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, NotImplementedError, OSError):
        return None


def _rezip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return out.getvalue()


def _in_entry(pattern: str, mutations: list[Mutation]) -> Mutation:
    """Apply the mutations to the zip entries whose names match ``pattern``, then zip again."""
    def apply(data: bytes) -> bytes:
        old = _entries(data)
        if old is None:
            return data
        entries = []
        for info, content in old:
            if re.search(pattern, info.filename):
                for mutate in mutations:
                    content = mutate(content)
            entries.append((info.filename, content))
        return _rezip(entries)
    return apply


def _cell_type(kind: str, text: bytes) -> Mutation:
    """Text cells of the data rows turned into cells of another type (a number, a date, a bool, an
    error, a shared string index) holding ``text``, which does not fit that type."""
    def retype(sheet: bytes) -> bytes:
        start = sheet.find(b'<row r="2"')
        if start < 0:
            return sheet
        cell = rb'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"><is><t>[^<]*</t></is></c>'
        value = b"" if kind == "" else f' t="{kind}"'.encode()
        return sheet[:start] + re.sub(cell, rb'<c r="\1"\2' + value + b"><v>" + text + b"</v></c>", sheet[start:],
                                      count=4) + b""
    return _in_entry(r"worksheets/.*\.xml$", [retype])


def _declared_size(size: int) -> Mutation:
    """Every central-directory entry claims to expand to ``size`` bytes (a zip bomb's header)."""
    def apply(data: bytes) -> bytes:
        out = bytearray(data)
        for match in re.finditer(rb"PK\x01\x02", data):
            struct.pack_into("<I", out, match.start() + 24, size)
        return bytes(out)
    return apply


@lru_cache(maxsize=4)
def _bomb(data: bytes) -> bytes:
    """The file with one more entry: 8 KB of zeros per byte written, past the unzip limit."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/media/bomb.bin", "w", force_zip64=True) as entry:
            chunk = bytes(1 << 24)
            for _ in range(MAX_UNZIPPED_BYTES // len(chunk) + 1):
                entry.write(chunk)
    return out.getvalue()


def _zip_bomb(data: bytes) -> bytes:
    return _bomb(data)


def _zip_lists(inner: str) -> st.SearchStrategy[list[Mutation]]:
    """One or two mutations, or the zip bomb alone (made once from the valid file, cached)."""
    return st.lists(_zip_mutations(inner), min_size=1, max_size=2) | st.just([_zip_bomb])


def _zip_mutations(inner: str) -> st.SearchStrategy[Mutation]:
    return st.one_of(
        _BYTE_MUTATIONS,
        st.builds(_in_entry, st.just(inner), st.lists(_XML_MUTATIONS, min_size=1, max_size=2)),
        st.builds(_in_entry, st.just(r"\.xml$|\.rels$"), st.lists(_XML_MUTATIONS, min_size=1, max_size=1)),
        st.builds(_cell_type, st.sampled_from(["n", "b", "e", "d", "s", "", "x"]),
                  st.sampled_from([b"abc", b"1e999", b"-1", b"99999999999", b"2024-13-45", b"nan", b""])),
        st.builds(_declared_size, st.sampled_from([MAX_UNZIPPED_BYTES + 1, 0xFFFFFFFE, 0])),
    )


# --- long values in well-formed rows (CSV, TSV) ------------------------------------------------------
#
# A byte mutation seldom makes a long value that is otherwise valid, and such values are where the
# backends differ: SQLite stores a string of any length in a VARCHAR(200), PostgreSQL refuses it
# in the middle of the write. These set one row's cells to a valid entry whose one value sits at,
# or just past, its limit in glossary.validate.LIMITS.

def _long_values(kind: str, size: int) -> dict[str, str]:
    if kind == "id":
        return {"id": "x" * size}
    if kind == "headword":  # simplified and written pinyin of ``size`` syllables (6 characters each)
        return {"simplified": "中" * size, "traditional": "", "variants": "", "pinyin": " ".join(["zhōng"] * size)}
    if kind == "generated pinyin":  # the pinyin left for the reader to generate
        return {"simplified": "中" * size, "traditional": "", "variants": "", "pinyin": ""}
    if kind == "english":
        return {"english": "w" * size}
    return {"definition": "定义" * size}


def _long_entry(kind: str, size: int, where: float) -> Mutation:
    """One row of a CSV or TSV file with the values of ``_long_values``; the file stays well-formed."""
    def apply(data: bytes) -> bytes:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        delimiter = "\t" if "\t" in text.partition("\n")[0] else ","
        try:  # an earlier mutation may have broken the table: then it stays as it is
            rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
            if not rows or any(c not in rows[0] for c in COLUMNS):
                return data
            rows[min(len(rows) - 1, int(where * len(rows)))].update(_long_values(kind, size))
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        except (csv.Error, ValueError):
            return data
        return out.getvalue().encode("utf-8")
    return apply


_ROW_MUTATIONS = st.one_of(
    st.builds(_long_entry, st.just("id"), st.sampled_from([LIMITS["id"], LIMITS["id"] + 1]), st.floats(0, 1)),
    # 66 syllables: 395 characters of written pinyin, within the limit of 400; 67: 401; 81: past it
    # when generated too (445 characters); 201: a headword past its limit of 200
    st.builds(_long_entry, st.sampled_from(["headword", "generated pinyin"]), st.sampled_from([66, 67, 81, 201]),
              st.floats(0, 1)),
    st.builds(_long_entry, st.just("english"), st.sampled_from([LIMITS["preferred"], LIMITS["preferred"] + 1]),
              st.floats(0, 1)),
    st.builds(_long_entry, st.just("definition"), st.just(50_000), st.floats(0, 1)),
)
_TABLE_MUTATIONS = st.lists(_ROW_MUTATIONS | _BYTE_MUTATIONS, min_size=1, max_size=3)


MUTATIONS: dict[str, st.SearchStrategy[list[Mutation]]] = {
    "csv": _TABLE_MUTATIONS,
    "tsv": _TABLE_MUTATIONS,
    "tbx": st.lists(_XML_MUTATIONS, min_size=1, max_size=3),
    "tbx2": st.lists(_XML_MUTATIONS, min_size=1, max_size=3),
    "xlsx": _zip_lists(r"worksheets/sheet1\.xml$|sharedStrings"),
    "docx": _zip_lists(r"word/document\.xml$"),
    "html": st.lists(_XML_MUTATIONS, min_size=1, max_size=3),
    "1.2": st.lists(_XML_MUTATIONS, min_size=1, max_size=3),
    "2.0": st.lists(_XML_MUTATIONS, min_size=1, max_size=3),
}


def mutate(data: bytes, mutations: list[Mutation]) -> bytes:
    for mutation in mutations:
        data = mutation(data)
    return data


# --- the store property --------------------------------------------------------------------------

#: Inputs per import format on PostgreSQL: the same property on the other backend, where the
#: column limits and the transaction are the database's own, at a cost CI can carry (SQLite gets
#: EXAMPLES): about 70 ms an input against SQLite's 20 ms at load average 4, so these 230 inputs
#: add about 16 s to CI.
POSTGRES_EXAMPLES = {"csv": 60, "tsv": 40, "xlsx": 40, "tbx": 50, "tbx2": 40}
IMPORT_FORMATS = ["csv", "tsv", "xlsx", "tbx", "tbx2"]


class FuzzStore:
    """The store every input is imported into, on SQLite or PostgreSQL, holding the entries the
    files leave out (``STORED_IDS``); ``reset`` puts it back in that state after an import that
    succeeded (a refused one must leave it so by itself)."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        store = glossary.open(url, seed=False)
        store.import_terms([t for t in _web_terms() if t.id in STORED_IDS])
        store.dispose()
        self.engine = create_engine(url)
        if self.sqlite:
            self.path = Path(url.removeprefix("sqlite:///"))
            self.template = tmp_path / "template.sqlite3"
            shutil.copyfile(self.path, self.template)
        else:
            self.tables = MetaData()
            self.tables.reflect(self.engine)
            with self.engine.connect() as connection:
                self.rows = {table.name: [row._mapping for row in connection.execute(table.select())]
                             for table in self.tables.sorted_tables}
        self.start = self.dump()

    def dump(self) -> str:
        """Every table: SQLite's own dump (schema and rows); on PostgreSQL every row of every table
        of the store's schema, sorted. Sequences are left out: PostgreSQL advances them for rolled
        back inserts too, and a number drawn and not used is no data."""
        if self.sqlite:
            with sqlite3.connect(self.path) as connection:
                return "\n".join(connection.iterdump())
        lines = []
        with self.engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            for name in names:
                rows = sorted(repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{name}"')))
                lines += [f"-- {name}: {len(rows)} rows", *rows]
        return "\n".join(lines)

    def reset(self) -> None:
        if self.sqlite:
            shutil.copyfile(self.template, self.path)
            return
        with self.engine.begin() as connection:
            names = ", ".join(f'"{table.name}"' for table in self.tables.sorted_tables)
            connection.execute(text(f"TRUNCATE {names}"))
            for table in self.tables.sorted_tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), [dict(row) for row in self.rows[table.name]])

    def close(self) -> None:
        self.engine.dispose()


RELATED = COLUMNS.index("related")


def _curated(term: Term) -> list[str]:
    """What the store keeps of an entry (its canonical form: single spaces, renderings ordered)."""
    return content_cells(canonical(term))


def check_refusal(error: GlossaryError, name: str) -> None:
    """A refusal names the file and a line, row or element (or, for what the store holds, the entry)."""
    if isinstance(error, ImportConflict):
        return
    assert isinstance(error, InvalidInput), f"{type(error).__name__}: {error}"
    for problem in error.problems:
        if problem.source.startswith("entry "):  # a problem with the store: named by the entry
            continue
        assert problem.source == name, str(problem)
        if problem.line == 0 and name.endswith(".xlsx"):  # the archive: the file as a whole, or a part named
            assert re.search(r"not an Excel|its part|would expand|holds", problem.message), str(problem)
            continue
        assert problem.line >= 1 or problem.column, f"no line, row or element: {problem}"


def import_once(store: glossary.Glossary, path: Path) -> list[Term]:
    """What ``glossary import FILE`` does: read with the store's entries, then import."""
    fmt = detect_import_format(path)
    terms = fmt.read(path, {"stored": store.terms()})
    store.import_terms(terms, origin=f"import: {path.name}")
    return terms


def fuzz_import(fmt: str, mutations: list[Mutation], target: FuzzStore, tmp_path: Path, counts: Counter[str]) -> None:
    name, data = valid_file(fmt)
    path = tmp_path / name
    path.write_bytes(mutate(data, mutations))
    before = target.dump()
    assert before == target.start, "the store did not start from its template"
    store = glossary.Glossary(target.url)
    try:
        terms = import_once(store, path)
    except GlossaryError as error:
        store.dispose()
        check_refusal(error, name)
        assert target.dump() == before, "a refused import changed the store"
        counts["refused"] += 1
        return
    except Exception:
        store.dispose()
        counts["crashed"] += 1
        raise
    stored = {t.id: _curated(t) for t in store.terms()}
    store.dispose()
    target.reset()
    for term in terms:  # imported whole: every entry of the file is in the store as read
        cells, wanted = stored.get(term.id), _curated(term)
        assert cells is not None, term.id
        # links are kept symmetric: the store may add the other direction of a link the file has
        assert cells[:RELATED] + cells[RELATED + 1:] == wanted[:RELATED] + wanted[RELATED + 1:], term.id
        assert set(split_cell(wanted[RELATED])) <= set(split_cell(cells[RELATED])), term.id
    counts["imported"] += 1


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _counts(fmt: str, url: str) -> Counter[str]:
    """The tally of ``fmt`` on the URL's backend (PostgreSQL's under ``postgresql:FORMAT``)."""
    return COUNTS[fmt if _backend(url) == "sqlite" else f"postgresql:{fmt}"]


@pytest.fixture
def target(store_url: str, tmp_path: Path) -> Iterator[FuzzStore]:
    made = FuzzStore(store_url, tmp_path)
    yield made
    made.close()


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
def test_valid_export_imports_whole(fmt: str, target: FuzzStore, tmp_path: Path) -> None:
    """The unmutated file imports, every entry as exported: the fuzzing starts from valid input."""
    counts: Counter[str] = Counter()
    fuzz_import(fmt, [], target, tmp_path, counts)
    assert counts == {"imported": 1}
    assert target.dump() == target.start  # and reset puts the store back as it was


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
def test_fuzz_import(fmt: str, target: FuzzStore, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A mutated file is imported whole or refused at its place, the store untouched: EXAMPLES
    inputs on SQLite, POSTGRES_EXAMPLES[fmt] on PostgreSQL."""
    counts = _counts(fmt, target.url)
    examples = EXAMPLES if target.sqlite else POSTGRES_EXAMPLES[fmt]

    @settings(FUZZ, max_examples=examples)
    @given(mutations=MUTATIONS[fmt])
    def fuzz(mutations: list[Mutation]) -> None:
        fuzz_import(fmt, mutations, target, tmp_path_factory.mktemp(fmt), counts)

    fuzz()
    assert sum(counts.values()) >= examples


# --- documents -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[glossary.Glossary]:
    store = glossary.open(f"sqlite:///{tmp_path_factory.mktemp('docs') / 'store.sqlite3'}", seed=False)
    store.import_terms(_web_terms())
    yield store
    store.dispose()


def fuzz_document(kind: str, mutations: list[Mutation], store: glossary.Glossary) -> None:
    name, data = valid_document(kind)
    data = mutate(data, mutations)
    try:
        if kind in ("1.2", "2.0"):
            report = xliff.check(store, data, name)
            xliff.write_notes(report.document, report.findings)
        else:
            read_segments(data, name)
            annotate_document(store, data, name)
    except GlossaryError as error:
        if isinstance(error, InvalidInput):
            assert all(problem.source == name for problem in error.problems), str(error)
        COUNTS[kind if kind in ("docx", "html") else f"xliff-{kind}"]["refused"] += 1
        return
    except Exception:
        COUNTS[kind if kind in ("docx", "html") else f"xliff-{kind}"]["crashed"] += 1
        raise
    COUNTS[kind if kind in ("docx", "html") else f"xliff-{kind}"]["read"] += 1


def _document_test(kind: str) -> Callable[..., None]:
    @FUZZ
    @given(mutations=MUTATIONS[kind])
    def test(mutations: list[Mutation], web: glossary.Glossary) -> None:
        fuzz_document(kind, mutations, web)
    test.__doc__ = f"A mutated {kind} document is read, annotated or checked, or refused; never a traceback."
    return test


test_fuzz_docx = _document_test("docx")
test_fuzz_html = _document_test("html")
test_fuzz_xliff_12 = _document_test("1.2")
test_fuzz_xliff_20 = _document_test("2.0")
