"""Spreadsheet glossaries in (CSV, TSV, XLSX) and XLSX out."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

import glossary
from conftest import DATA
from glossary.cli import cli
from glossary.csvio import COLUMNS, read_terms, write_terms
from glossary.errors import InvalidInput
from glossary.pinyin import render
from glossary.pinyin_generate import suggest
from glossary.spreadsheet import adopt_stored_ids, make_id, read_spreadsheet
from glossary.xlsx import write_xlsx
from glossary.terms import Domain, FormKind, Status

TODAY = date(2026, 3, 1)
CLIENT = "Chinese,English\n核心利益,core interests\n上海合作组织,Shanghai Cooperation Organisation\n"


def sheet(tmp_path: Path, text: str, name: str = "client.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, **options: object) -> list:
    return read_spreadsheet(path, {"today": TODAY, **options})


def xlsx(tmp_path: Path, rows: list[list[object]], name: str = "client.xlsx", title: str = "Sheet") -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = title
    for row in rows:
        worksheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


# --- encodings and delimiters -----------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "prefix", "delimiter", "name"), [
    ("utf-8", b"", ",", "plain.csv"),
    ("utf-8", b"\xef\xbb\xbf", ",", "excel-utf8.csv"),
    ("utf-16-le", b"\xff\xfe", "\t", "unicode-text.txt"),  # Excel: Save as "Unicode text"
    ("utf-16-be", b"\xfe\xff", "\t", "big-endian.tsv"),
    ("utf-16-le", b"", "\t", "no-bom.tsv"),
    ("gb18030", b"", ",", "chinese-windows.csv"),
    ("utf-8", b"", ";", "european-excel.csv"),
])
def test_encodings_and_delimiters_are_detected(tmp_path: Path, encoding: str, prefix: bytes, delimiter: str,
                                              name: str) -> None:
    text = CLIENT.replace(",", delimiter) + "人类命运共同体" + delimiter + "community with a shared future for mankind\n"
    path = tmp_path / name
    path.write_bytes(prefix + text.encode(encoding))
    terms = read(path)
    assert [(t.simplified, t.preferred.text) for t in terms] == [
        ("核心利益", "core interests"), ("上海合作组织", "Shanghai Cooperation Organisation"),
        ("人类命运共同体", "community with a shared future for mankind")]


def test_quoted_cells_keep_their_commas(tmp_path: Path) -> None:
    path = sheet(tmp_path, 'zh-CN,en-US\n一带一路,"Belt and Road Initiative; One Belt, One Road"\n')
    [term] = read(path)
    assert [(r.text, r.status) for r in term.renderings] == [
        ("Belt and Road Initiative", Status.PREFERRED), ("One Belt, One Road", Status.ADMITTED)]


def test_an_unclosed_quote_is_reported_where_it_opens_in_a_client_sheet(tmp_path: Path) -> None:
    path = sheet(tmp_path, 'Chinese,English,Note\n核心利益,core interests,a\n十三经,"the Thirteen Classics,b\n'
                           '一带一路,"Belt and Road",c\n人民,people,d\n')
    with pytest.raises(InvalidInput) as caught:
        read(path)
    assert [(p.line, p.column) for p in caught.value.problems] == [(3, "English")]
    assert "the quote that opens this cell is never closed" in str(caught.value)


def test_a_row_with_more_cells_than_the_header_is_refused_not_cut(tmp_path: Path) -> None:
    path = sheet(tmp_path, "Chinese,English\n核心利益,core interests\n"
                           "十三经,the Thirteen Classics, namely the Book of Songs, the Book of Documents\n")
    with pytest.raises(InvalidInput) as caught:
        read(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (3, None)
    assert problem.message == (
        "this row has 4 cells but the header has 2 columns, so a comma inside a cell split it and the cells past "
        'column English would be lost; put the cell that contains the comma in double quotes (if it is English: '
        '"the Thirteen Classics, namely the Book of Songs…")')


def test_a_tsv_row_with_more_cells_than_the_header_names_the_tab(tmp_path: Path) -> None:
    path = sheet(tmp_path, "Chinese\tEnglish\n核心利益\tcore interests\textra\n", name="client.tsv")
    with pytest.raises(InvalidInput, match="3 cells but the header has 2 columns, so a tab inside a cell"):
        read(path)


# --- mapping ----------------------------------------------------------------------------------


def test_a_csv_without_pinyin_imports_interjections_with_generated_pinyin(tmp_path: Path) -> None:
    terms = read(sheet(tmp_path, "Chinese,English\n嗯,mm-hmm\n嗯了一声,went 'mm'\n好嗯,fine then\n"))
    assert [(t.simplified, t.pinyin) for t in terms] == [(h, suggest(h)) for h in ("嗯", "嗯了一声", "好嗯")]
    assert [t.pinyin for t in terms] == ["ń", "ńle yīshēng", "hǎoń"]


def test_a_mapping_names_the_columns(tmp_path: Path) -> None:
    path = sheet(tmp_path, "Begriff,Übersetzung,Fachgebiet,Erklärung,Lautung\n"
                           "核心利益,core interests,sovereignty,Interests a state will not trade away.,héxīn lìyì\n")
    [term] = read(path, map="Begriff=simplified, Übersetzung=english,Fachgebiet=domain,Erklärung=definition,"
                            "Lautung=pinyin")
    assert (term.simplified, term.preferred.text, term.domain, term.definition, term.pinyin, term.pinyin_curated) == (
        "核心利益", "core interests", Domain.SOVEREIGNTY, "Interests a state will not trade away.", "héxīn lìyì", True)


@pytest.mark.parametrize(("header", "recognised"), [
    ("Chinese,English", True), ("zh-CN,en", True), ("ZH_CN,EN_US", True), ("中文,英文", True),
    ("Source,Target", False), ("Term,Translation", False),
])
def test_common_headers_are_recognised_without_a_mapping(tmp_path: Path, header: str, recognised: bool) -> None:
    path = sheet(tmp_path, f"{header}\n核心利益,core interests\n")
    if recognised:
        assert read(path)[0].preferred.text == "core interests"
    else:
        with pytest.raises(InvalidInput) as caught:
            read(path)
        [problem] = caught.value.problems
        assert problem.line == 1
        assert f"the columns are: {header.replace(',', ', ')}" in problem.message and "--map" in problem.message


def test_a_mapping_to_a_missing_column_or_an_unknown_field_is_explained(tmp_path: Path) -> None:
    path = sheet(tmp_path, "Term,Translation\n核心利益,core interests\n")
    with pytest.raises(InvalidInput) as caught:
        read(path, map="Terms=simplified,Translation=englisch")
    messages = [str(p) for p in caught.value.problems]
    assert "column Terms: --map names column 'Terms', which the header does not have; the columns are: " \
           "Term, Translation" in messages[0]
    assert "unknown field 'englisch'" in messages[1]


def test_traditional_only_sheets_get_a_simplified_headword(tmp_path: Path) -> None:
    [term] = read(sheet(tmp_path, "zh-TW,English\n命運共同體,community with a shared future\n"))
    assert (term.simplified, term.traditional, term.traditional_curated) == ("命运共同体", "命運共同體", True)


# --- rows become terms ------------------------------------------------------------------------


def test_rows_get_ids_defaults_and_a_cited_source(tmp_path: Path) -> None:
    path = sheet(tmp_path, "Chinese,English\n核心利益,Core Interests\n根本利益,core interests\n维稳,维稳\n")
    terms = read(path)
    from_pinyin = make_id("", render(suggest("维稳"), "plain"))  # no ASCII in the English: the pinyin
    assert from_pinyin.replace("-", "") == "weiwen"
    assert [t.id for t in terms] == ["core-interests", "core-interests-2", from_pinyin]
    first = terms[0]
    assert (first.domain, first.definition, first.related) == (Domain.GENERAL, "", ())
    assert first.sources == ("client.csv, imported 2026-03-01",)
    assert first.citation(first.preferred) == "client.csv, imported 2026-03-01"
    assert (first.traditional, first.traditional_curated, first.pinyin_curated) == ("核心利益", False, False)
    assert first.problems() == []


def test_synonyms_split_on_bars_and_semicolons(tmp_path: Path) -> None:
    path = sheet(tmp_path, "Chinese,English,english_deprecated\n"
                           "上海合作组织 | 上合组织,Shanghai Cooperation Organisation; SCO | Shanghai Cooperation "
                           "Organization,Shanghai Pact\n")
    [term] = read(path)
    assert [(f.text, f.kind) for f in term.variants] == [("上合组织", FormKind.VARIANT)]
    assert [(r.text, r.status) for r in term.renderings] == [
        ("Shanghai Cooperation Organisation", Status.PREFERRED), ("SCO", Status.ADMITTED),
        ("Shanghai Cooperation Organization", Status.ADMITTED), ("Shanghai Pact", Status.DEPRECATED)]


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_returned(tmp_path: Path) -> None:
    path = sheet(tmp_path, "Chinese,English,Pinyin,Domain\n"
                           "核心利益,core interests,,\n"           # line 2: fine
                           "上海合作组织,,,\n"                      # line 3: no English
                           "SCO,Shanghai Cooperation Organisation,,\n"  # line 4: no hanzi
                           "一带一路,Belt and Road Initiative,yīdài,\n"  # line 5: pinyin short
                           "安全共同体,security community,,security-ish\n"  # line 6: domain
                           "核心利益,core interest,,\n")              # line 7: duplicate
    with pytest.raises(InvalidInput) as caught:
        read(path)
    found = [(p.line, p.column) for p in caught.value.problems]
    assert found == [(3, "English"), (4, "Chinese"), (5, "Pinyin"), (6, "Domain"), (7, "Chinese")]
    assert "duplicate headword 核心利益 (first on line 2)" in caught.value.problems[-1].message


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    path = xlsx(tmp_path, [["Term", "Translation", "Year"], ["核心利益", "core interests", 2011], [None, None, None],
                           ["安全共同体", None, 2024]])
    with pytest.raises(InvalidInput) as caught:
        read(path, map="Term=simplified,Translation=english")
    assert [(p.source, p.line, p.column) for p in caught.value.problems] == [("client.xlsx", 4, "Translation")]


def test_xlsx_sheet_can_be_chosen(tmp_path: Path) -> None:
    path = xlsx(tmp_path, [["Chinese", "English"], ["核心利益", "core interests"]], title="Glossary")
    assert read(path, sheet="Glossary")[0].id == "core-interests"
    with pytest.raises(InvalidInput, match="no worksheet 'Terms'; the workbook has Glossary"):
        read(path, sheet="Terms")


# --- our own format comes back exactly ---------------------------------------------------------


def test_a_terms_csv_shaped_file_is_read_by_csvio() -> None:
    assert read(DATA / "interchange-terms.csv") == read_terms(DATA / "interchange-terms.csv")


def test_a_terms_shaped_tsv_keeps_its_line_numbers(tmp_path: Path) -> None:
    rows = (DATA / "interchange-terms.csv").read_text(encoding="utf-8").splitlines()
    import csv

    table = list(csv.reader(rows))
    table[2][8] = "nowhere"  # the domain of the second term, line 3
    path = tmp_path / "terms.tsv"
    path.write_text("\n".join("\t".join(r) for r in table) + "\n", encoding="utf-16")
    with pytest.raises(InvalidInput) as caught:
        read(path)
    # only line 3 is reported: line 2's link to the refused row is not a second problem
    assert [(p.line, p.column) for p in caught.value.problems] == [(3, "domain")]


def test_xlsx_export_imports_back_losslessly(tmp_path: Path) -> None:
    terms = read_terms(DATA / "interchange-terms.csv")
    path = tmp_path / "export.xlsx"
    path.write_bytes(write_xlsx(terms))
    back = read(path)
    assert back == terms
    assert write_terms(back) == write_terms(terms)


def test_xlsx_export_has_the_terms_columns_and_never_a_formula() -> None:
    data = write_xlsx(read_terms(DATA / "interchange-terms.csv"))
    worksheet = load_workbook(io.BytesIO(data)).active
    rows = list(worksheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and worksheet["A1"].font.b
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    assert any("=SCO formula test" in (cell or "") for cell in rows[3])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and all(b"<f>" not in s and b"<f " not in s for s in sheets)


# --- fitting to a store -----------------------------------------------------------------------


def test_make_id_is_an_ascii_slug() -> None:
    assert make_id("Shanghai Cooperation Organisation (SCO)") == "shanghai-cooperation-organisation-sco"
    assert make_id("Türkiye–China “strategic” partnership") == "turkiye-china-strategic-partnership"
    assert make_id("丝路精神", "silu jingshen") == "silu-jingshen"


def test_stored_headwords_keep_their_ids_and_generated_ids_avoid_stored_ones(tmp_path: Path) -> None:
    stored = read_terms(DATA / "interchange-terms.csv")
    path = sheet(tmp_path, "Chinese,English\n上海合作组织,SCO\n一带一路倡议,Belt and Road Initiative\n")
    terms = read(path, stored=stored)
    assert [t.id for t in terms] == ["shanghai-cooperation-organisation", "belt-and-road-initiative-2"]
    plain = read(path)
    assert adopt_stored_ids(plain, stored, {t.id for t in plain}) == terms


@pytest.fixture
def store_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    g = glossary.open(url, seed=False)
    g.import_terms(read_terms(DATA / "interchange-terms.csv"))
    g.engine.dispose()
    return url


def test_cli_merge_adds_new_rows_and_reports_conflicts_unless_told(tmp_path: Path, store_db: str) -> None:
    path = sheet(tmp_path, "zh-CN,en\n上海合作组织,SCO\n核心利益,core interests\n")
    runner = CliRunner()
    refused = runner.invoke(cli, ["--db", store_db, "import", str(path)])
    assert refused.exit_code != 0 and "shanghai-cooperation-organisation" in refused.output
    skipped = runner.invoke(cli, ["--db", store_db, "import", str(path), "--on-conflict", "skip"])
    assert skipped.exit_code == 0 and "1 added" in skipped.output and "1 skipped" in skipped.output
    g = glossary.open(store_db, seed=False)
    assert g.get("shanghai-cooperation-organisation").preferred.text == "Shanghai Cooperation Organisation"
    assert g.get("core-interests").preferred.text == "core interests"
    replaced = runner.invoke(cli, ["--db", store_db, "import", str(path), "--on-conflict", "replace"])
    assert replaced.exit_code == 0 and "1 updated" in replaced.output
    assert glossary.open(store_db, seed=False).get("shanghai-cooperation-organisation").preferred.text == "SCO"


def test_cli_import_with_map_and_dry_run_writes_nothing(tmp_path: Path, store_db: str) -> None:
    path = sheet(tmp_path, "Begriff\tÜbersetzung\n安全共同体\tsecurity community\n", name="client.tsv")
    result = CliRunner().invoke(cli, ["--db", store_db, "import", str(path), "--map",
                                      "Begriff=simplified,Übersetzung=english", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would import: 1 added" in result.output
    assert glossary.open(store_db, seed=False).count() == 3
