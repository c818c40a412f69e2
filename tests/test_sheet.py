"""The glossary sheet: what a translator opens in Excel, one flat row per concept."""

from __future__ import annotations

import csv
import io

import openpyxl

import glossary
from glossary.sheet import SHEET_COLUMNS, write_sheet_csv, write_sheet_xlsx


def rows_by_id(data: bytes) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert tuple(reader.fieldnames or ()) == SHEET_COLUMNS
    return {row["ID"]: row for row in reader}


def test_the_sheet_has_both_scripts_pinyin_and_what_to_write_without_storage_syntax(
        curated: glossary.Glossary) -> None:
    data = write_sheet_csv(curated.terms())
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    row = rows_by_id(data)["community-with-a-shared-future"]
    assert (row["Simplified"], row["Traditional"], row["Pinyin"]) == ("命运共同体", "命運共同體", "mìngyùn gòngtóngtǐ")
    assert row["English (use this)"] == "community with a shared future"
    assert "community of common destiny (superseded 2011-2015)" in row["Do not use"]
    assert "[source" not in data.decode("utf-8-sig") and "[note" not in data.decode("utf-8-sig")
    # traditional forms are filled in, generated ones included
    assert all(r["Traditional"] for r in rows_by_id(data).values())


def test_the_sheet_is_in_pinyin_order_syllable_by_syllable(curated: glossary.Glossary) -> None:
    pinyin = [row["Pinyin"] for row in rows_by_id(write_sheet_csv(curated.terms())).values()]
    keys = [glossary.pinyin.sort_key(p) for p in pinyin]
    assert keys == sorted(keys)


def test_the_xlsx_sheet_has_a_frozen_bold_header_an_autofilter_and_text_cells(curated: glossary.Glossary) -> None:
    book = openpyxl.load_workbook(io.BytesIO(write_sheet_xlsx(curated.terms())))
    sheet = book.active
    assert [c.value for c in sheet[1]] == list(SHEET_COLUMNS) and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:I")
    assert sheet.max_row == curated.count() + 1
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2, max_row=20) for cell in row if cell.value)
