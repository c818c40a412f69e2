"""terms.csv in and out: line-numbered errors, nothing written on error, exact bytes out."""

from __future__ import annotations

import csv
import io
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

from conftest import DATA
from glossary import Form, FormKind, InvalidInput, Rendering, Status
from glossary.csvio import COLUMNS, format_rendering, parse_rendering, read_terms, write_terms
from glossary.validate import Profile

SMALL = DATA / "small-terms.csv"
HEADER = ",".join(COLUMNS)
GOOD_ROW = ("core-interests,核心利益,,,héxīn lìyì,core interests [source: 1],,,sovereignty,"
            "Interests a state treats as non-negotiable.,\"Xinhua, 2011-09-06\",,,2024-01-01")


def write(tmp_path: Path, *rows: str, name: str = "terms.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join((HEADER,) + rows) + "\n", encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_terms(path)
    return [str(p) for p in caught.value.problems]


def located(path: Path) -> list[tuple[int, str | None, str]]:
    with pytest.raises(InvalidInput) as caught:
        read_terms(path)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def test_small_file_reads_into_terms() -> None:
    terms = read_terms(SMALL)
    assert [t.id for t in terms] == ["core-interests", "shared-future"]
    assert terms[1].traditional == "命運共同體" and not terms[1].traditional_curated
    assert terms[1].english(Status.SUPERSEDED)[0].years == "2011-2013"
    assert terms[1].citation(terms[1].english(Status.SUPERSEDED)[0]) == "State Council white paper, 2011-09"


def test_blank_pinyin_is_generated(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ROW.replace("héxīn lìyì", ""))
    term = read_terms(path)[0]
    assert term.pinyin == "héxīn lìyì" and not term.pinyin_curated


@pytest.mark.parametrize("row, line, column, words", [
    (GOOD_ROW.replace("héxīn lìyì", "héxīn lì"), 2, "pinyin", "3 syllables"),
    (GOOD_ROW.replace("héxīn lìyì", "héxīn lìyìq"), 2, "pinyin", "does not split"),
    (GOOD_ROW.replace("core-interests,", "Core Interests,"), 2, "id", "slug"),
    (GOOD_ROW.replace("[source: 1]", "[source: 3]"), 2, "english", "cites source 3"),
    (GOOD_ROW.replace("[source: 1]", "[source: 1; colour: red]"), 2, "english", "unknown qualifier"),
    (GOOD_ROW.replace("sovereignty", "sovranty"), 2, "domain", "not one of"),
    (GOOD_ROW.replace("core interests [source: 1]", ""), 2, "english", "exactly one preferred"),
    (GOOD_ROW.replace("核心利益", "core"), 2, "simplified", "no Chinese"),
    (GOOD_ROW.replace("核心利益", "核" * 201).replace("héxīn lìyì", " ".join(["hé"] * 201)), 2, "simplified",
     "the limit is 200"),
])
def test_bad_entry_is_reported_with_file_line_and_column(tmp_path: Path, row: str, line: int, column: str,
                                                         words: str) -> None:
    path = write(tmp_path, row)
    found = problems_of(path)
    assert any(f"{path} line {line}, column {column}" in p and words in p for p in found), found


@pytest.mark.parametrize("row, line, column, words", [
    (GOOD_ROW.replace("héxīn lìyì", "héxīn lì"), 2, "pinyin", "3 syllables"),
    (GOOD_ROW.replace("héxīn lìyì", "héxīn lìyìq"), 2, "pinyin", "does not split"),
    (GOOD_ROW.replace("core-interests,", "Core Interests,"), 2, "id", "slug"),
    (GOOD_ROW.replace(" [source: 1]", ""), 2, "english", "needs a source"),
    (GOOD_ROW.replace("[source: 1]", "[source: 3]"), 2, "english", "cites source 3"),
    (GOOD_ROW.replace("[source: 1]", "[source: 1; colour: red]"), 2, "english", "unknown qualifier"),
    (GOOD_ROW.replace("sovereignty", "sovranty"), 2, "domain", "not one of"),
    (GOOD_ROW.replace('"Xinhua, 2011-09-06"', "Xinhua"), 2, "sources", "no year or URL"),
    (GOOD_ROW.replace("core interests [source: 1]", ""), 2, "english", "exactly one preferred"),
    (GOOD_ROW.replace("核心利益", "core"), 2, "simplified", "no Chinese"),
    (GOOD_ROW.replace(",,,2024", ",missing-id,,2024"), 2, "related", "names no entry"),
])
def test_bad_curated_row_is_reported_with_file_line_and_column(tmp_path: Path, row: str, line: int, column: str,
                                                               words: str) -> None:
    path = write(tmp_path, row)
    with pytest.raises(InvalidInput) as caught:
        read_terms(path, profile=Profile.CURATED)
    found = [str(p) for p in caught.value.problems]
    assert any(f"{path} line {line}, column {column}" in p and words in p for p in found), found


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    bad_pinyin = GOOD_ROW.replace("héxīn lìyì", "hé")
    bad_domain = GOOD_ROW.replace("core-interests", "other").replace("核心利益", "核心").replace(
        "héxīn lìyì", "héxīn").replace("sovereignty", "nope")
    found = problems_of(write(tmp_path, bad_pinyin, bad_domain))
    assert any("line 2" in p for p in found) and any("line 3" in p for p in found)


def test_duplicate_id_and_headword_are_reported(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, GOOD_ROW, GOOD_ROW))
    assert any("line 3" in p and "duplicate id" in p for p in found)


def test_missing_columns_name_the_required_header(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,simplified\na,核心\n", encoding="utf-8")
    assert "missing columns" in problems_of(path)[0]


def test_row_with_extra_cells_is_reported_with_the_counts_and_the_quoting_to_do(tmp_path: Path) -> None:
    found = located(write(tmp_path, GOOD_ROW + ",extra,cells"))
    assert found == [(2, None, f"this row has {len(COLUMNS) + 2} cells but the header has {len(COLUMNS)} columns, "
                               "so a comma inside a cell split it and the cells past column updated would be lost; "
                               "put the cell that contains the comma in double quotes (if it is updated: "
                               '"2024-01-01, extra…")')]


def test_empty_cells_past_the_header_are_no_problem(tmp_path: Path) -> None:
    assert [t.id for t in read_terms(write(tmp_path, GOOD_ROW + ",,"))] == ["core-interests"]


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    other = GOOD_ROW.replace("core-interests,核心利益", "shared-future,命运共同体").replace("héxīn lìyì", "")
    broken = GOOD_ROW.replace("Interests a state", '"Interests a state')
    found = located(write(tmp_path, GOOD_ROW.replace("core-interests,核心利益", "a,甲").replace("héxīn lìyì", ""),
                          broken, other, other.replace("shared-future,命运共同体", "b,乙")))
    assert found == [(3, "definition", 'the quote that opens this cell is never closed, so the lines after it were '
                                       'read into the cell; end the cell with a closing " (a quote that is part of '
                                       'the text is written "")')]


def test_text_after_a_closing_quote_is_reported_at_its_line(tmp_path: Path) -> None:
    found = located(write(tmp_path, GOOD_ROW.replace("Interests a state", '"Interests" a state')))
    assert found == [(2, "definition", 'text follows the quote that closes this cell; put the whole cell in double '
                                       'quotes and write each quote that is part of the text as ""')]


def test_quoted_cells_may_span_lines(tmp_path: Path) -> None:
    row = GOOD_ROW.replace("Interests a state treats as non-negotiable.", '"Interests a state\ntreats as ""core""."')
    [term] = read_terms(write(tmp_path, row))
    assert term.definition == 'Interests a state\ntreats as "core".'


def test_file_with_bom_reads_like_without(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.read_bytes())
    assert read_terms(path) == read_terms(SMALL)


def test_import_then_export_gives_back_the_same_bytes() -> None:
    assert write_terms(read_terms(SMALL)) == SMALL.read_bytes()


def test_excel_export_has_bom_and_crlf() -> None:
    data = write_terms(read_terms(SMALL), excel=True)
    assert data.startswith(b"\xef\xbb\xbf" + b"id,simplified")
    assert b"\r\n" in data and data.count(b"\r\n") == 3
    assert data.decode("utf-8-sig").replace("\r\n", "\n").encode() == SMALL.read_bytes()


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_formula_like_cells_are_neutralised_and_read_back(tmp_path: Path, dangerous: str) -> None:
    term = read_terms(SMALL)[0]
    from dataclasses import replace

    evil = replace(term, definition=dangerous, related=())
    data = write_terms([evil])
    cells = list(csv.reader(io.StringIO(data.decode(), newline="")))[1]
    assert cells[COLUMNS.index("definition")] == "'" + dangerous
    path = tmp_path / "evil.csv"
    path.write_bytes(data)
    assert read_terms(path)[0].definition == dangerous.strip()


@pytest.mark.parametrize("cell", [
    "community of common destiny [superseded; years: 2011-2017; source: 2; note: 2011 white paper era]",
    "core interests [source: 1]",
    "three evil forces",
    "the Belt and Road [years: 2015-; source: Xinhua, 2015-09]",
])
def test_rendering_cell_syntax_round_trips(cell: str) -> None:
    default = Status.DEPRECATED if "superseded" in cell else Status.ADMITTED
    assert format_rendering(parse_rendering(cell, default)) == cell


def test_carriage_returns_in_cells_are_written_as_line_feeds(tmp_path: Path) -> None:
    from dataclasses import replace

    term = replace(read_terms(SMALL)[0], definition="first line\r\nsecond\rthird", related=())
    path = tmp_path / "cr.csv"
    path.write_bytes(write_terms([term]))
    assert read_terms(path)[0].definition == "first line\nsecond\nthird"


#: Text as people write it, including what the cell syntax uses: | [ ] ; : and backslashes.
CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab 中国 |[];:\\-'()")), min_size=1, max_size=14).map(
    str.strip).filter(lambda text: text and text[0] not in "=+-@'")


@settings(max_examples=80, deadline=None)
@given(CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT)
def test_any_text_in_renderings_notes_forms_and_sources_survives_export_and_import(
        preferred: str, admitted: str, note: str, variant: str, citation: str) -> None:
    term = read_terms(io.StringIO(HEADER + "\n" + GOOD_ROW + "\n"))[0]
    term = replace(term, renderings=(Rendering(preferred, Status.PREFERRED, source="1"),
                                     Rendering(admitted, Status.ADMITTED, note=note)),
                   variants=(Form("中" + variant, FormKind.ABBREVIATION),), sources=(f"{citation}, 2011",))
    assume(len({preferred, admitted}) == 2 and "中" + variant != term.simplified)
    again = read_terms(io.StringIO(write_terms([term]).decode()))
    assert again == [term]


def test_a_cc_cedict_gloss_with_brackets_is_escaped_in_the_cell() -> None:
    rendering = Rendering("district of Taiyuan 太原市[Tai4 yuan2 shi4], Shanxi", Status.PREFERRED, source="1")
    cell = format_rendering(rendering)
    assert cell == r"district of Taiyuan 太原市\[Tai4 yuan2 shi4\], Shanxi [source: 1]"
    assert parse_rendering(cell, Status.PREFERRED) == rendering


@pytest.mark.parametrize("profile", [Profile.ENTRY, Profile.CURATED])
def test_a_big_file_read_on_two_cores_gives_what_one_reads(monkeypatch: pytest.MonkeyPatch, profile: Profile,
                                                           forks: list[str]) -> None:
    from glossary import parallel
    from conftest import TERMS_CSV

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    alone = read_terms(TERMS_CSV, profile=profile)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    shared = read_terms(TERMS_CSV, profile=profile)
    assert forks  # half of it was read in a forked process
    assert shared == alone and [t.traditional for t in shared] == [t.traditional for t in alone]


def test_problems_in_both_halves_of_a_file_are_all_reported_by_line(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path, forks: list[str]) -> None:
    from glossary import parallel

    rows = [GOOD_ROW.replace("core-interests", f"entry-{n}").replace("核心利益", "核心" + "山水风云花草木石田土"[n])
            .replace("héxīn lìyì", "") for n in range(10)]
    rows[1] = rows[1].replace("sovereignty", "nowhere")
    rows[8] = rows[8].replace("[source: 1]", "[source: 7]")
    path = write(tmp_path, *rows)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    alone = problems_of(path)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    assert problems_of(path) == alone and len(alone) == 2 and "line 3" in alone[0] and "line 10" in alone[1]
    assert forks


def test_entries_read_share_the_objects_their_rows_repeat(tmp_path: Path) -> None:
    """Rows citing the same sources share one tuple, and a gloss that is both the definition and
    the preferred rendering is one string: a dictionary import's 117k entries, pickled from the
    process that read half of them, carry each once (see glossary.parallel)."""
    path = write(tmp_path, *(f"e-{n},{'甲乙丙'[n]}人,,,,gloss {n} [source: 1],,,general,gloss {n},\"CC-CEDICT, 2023\",,,"
                             for n in range(3)))
    terms = read_terms(path)
    assert terms[0].sources == ("CC-CEDICT, 2023",)
    assert terms[0].sources is terms[1].sources is terms[2].sources
    assert all(t.definition == t.preferred.text and t.definition is t.preferred.text for t in terms)
    data = pickle.dumps(terms, protocol=pickle.HIGHEST_PROTOCOL)
    assert data.count("CC-CEDICT, 2023".encode()) == 1
    assert data.count(b"problems-entry") == 1  # the validation memo's key, one string for every entry
    assert [t.problems() for t in pickle.loads(data)] == [[], [], []]


def test_a_file_read_in_parts_by_both_processes_gives_what_one_reads_and_every_problem_by_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forks: list[str]) -> None:
    """Parts of a few rows, taken by whichever process is free: the entries come back in file
    order, the problems of every part by line, as one process reads them."""
    import os
    import time

    from glossary import csvio, parallel

    rows = [GOOD_ROW.replace("core-interests", f"entry-{n}").replace("核心利益", f"核心{'山水风云花草木石田土'[n % 10]}{n}")
            .replace("héxīn lìyì", "") for n in range(24)]
    for bad in (1, 11, 22):
        rows[bad] = rows[bad].replace("sovereignty", "nowhere")
    path = write(tmp_path, *rows)
    rows[11] = rows[22] = rows[1] = rows[0]  # a file without the bad rows
    good = write(tmp_path, *rows[2:11], *rows[12:22], rows[23], name="good.csv")
    made_by = tmp_path / "pids"
    real = csvio.row_to_term

    def slowly(*args: object, **kwargs: object) -> object:
        with open(made_by, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        time.sleep(0.02)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(csvio, "row_to_term", slowly)
    monkeypatch.setattr(csvio, "READ_PART", 3)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    alone, alone_terms = problems_of(path), read_terms(good)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    made_by.unlink()
    shared = problems_of(path)
    assert len(set(made_by.read_text().split())) == 2  # both processes read parts
    assert shared == alone and [p.split(",")[0] for p in shared] == [f"{path} line {n}" for n in (3, 13, 24)]
    assert read_terms(good) == alone_terms and [t.id for t in alone_terms] == [f"entry-{n}" for n in
                                                                               [*range(2, 11), *range(12, 22), 23]]
    assert forks


def test_reading_tells_progress_after_each_part(monkeypatch: pytest.MonkeyPatch) -> None:
    from glossary import csvio
    from glossary.csvio import read_rows

    monkeypatch.setattr(csvio, "READ_PART", 4)
    cells = next(csv.reader([GOOD_ROW]))
    rows = [(n + 2, [f"entry-{n}", f"核心{'山水风云花草木石田土'[n]}", *cells[2:4], "", *cells[5:]]) for n in range(10)]
    told: list[tuple[int, int]] = []
    assert len(read_rows(COLUMNS, rows, "in.csv", progress=lambda done, total: told.append((done, total)))) == 10
    assert told[:3] == [(4, 10), (8, 10), (10, 10)]


def test_a_headword_with_a_superscript_digit_is_read_not_dropped_with_the_rows_after_it(tmp_path: Path) -> None:
    # "²" is a digit to str.isdigit but not to the regex that splits numbers off: pinyin generation
    # used to raise StopIteration, which ended the rows silently (0 imported, no error)
    superscript = GOOD_ROW.replace("core-interests,核心利益", "no-two,²3号").replace("héxīn lìyì", "")
    after = GOOD_ROW.replace("héxīn lìyì", "")
    terms = read_terms(write(tmp_path, superscript, after), profile=Profile.ENTRY)
    assert [(t.id, t.pinyin) for t in terms] == [("no-two", "sān hào"), ("core-interests", "héxīn lìyì")]
