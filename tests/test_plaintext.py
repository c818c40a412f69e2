"""Reading the running text of the documents a curator gives: plain text, HTML, Word."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from glossary import InputTooLarge, InvalidInput
from glossary import plaintext
from glossary.plaintext import read_document, text_of


def test_plain_text_in_utf8_or_gb18030_reads_the_same() -> None:
    text = "推动高质量发展。\n维护核心利益。"
    assert text_of(text.encode("utf-8"), "a.txt") == text
    assert text_of(("\ufeff" + text).encode("utf-8"), "a.txt") == text
    assert text_of((text * 20).encode("gb18030"), "a.txt") == text * 20


def test_html_keeps_the_words_drops_scripts_and_breaks_blocks_into_lines() -> None:
    page = ("<html><head><title>报告</title><style>p{color:red}</style><script>var 核心利益 = 1;</script></head>"
            "<body><h1>政府工作报告</h1><p>推动<b>高质量</b>发展。</p><div>维护核心利益<br>坚持一国两制</div></body></html>")
    lines = ["报告", "政府工作报告", "推动高质量发展。", "维护核心利益", "坚持一国两制"]
    assert text_of(page.encode("utf-8"), "r.html").splitlines() == lines
    declared = page.replace("<head>", '<head><meta charset="gbk">')
    assert text_of(declared.encode("gbk"), "r.html").splitlines() == lines


def test_word_documents_give_paragraphs_and_table_cells_in_order() -> None:
    document = docx.Document()
    document.add_paragraph("推动高质量发展。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "核心利益"
    table.cell(0, 1).text = "core interests"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "一国两制"
    document.add_paragraph("完")
    buffer = io.BytesIO()
    document.save(buffer)
    assert text_of(buffer.getvalue(), "r.docx").splitlines() == [
        "推动高质量发展。", "核心利益", "core interests", "一国两制", "完"]


def test_unreadable_files_get_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="save it as .docx"):
        text_of(b"PK\x03\x04 not really a zip", "old.docx")
    with pytest.raises(InvalidInput, match=r"cannot read \.pdf: .* export it to Word \(\.docx\) or plain text"):
        text_of(b"%PDF-1.7", "report.pdf")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_text("城" * 100, encoding="utf-8")
    monkeypatch.setattr(plaintext, "MAX_FILE_BYTES", 200)
    with pytest.raises(InputTooLarge):
        read_document(path)
    monkeypatch.setattr(plaintext, "MAX_FILE_BYTES", 300)
    assert read_document(path).name == "big.txt"
