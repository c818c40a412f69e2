"""Documents translators really use: Word and web pages annotated in place, Word and XLIFF checked.

The files are made the way real ones are: .docx with python-docx (a term split over runs of
different formatting, a table, a header and a footer), web pages with scripts, attributes and
ruby that hold terms, XLIFF 1.2 and 2.0 with inline tags inside terms (tests/data/statement-*).
The XLIFF notes we write are read back with translate-toolkit, as a CAT tool would read them.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import docx
import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner
from docx.shared import Pt

import glossary
from glossary.cli import cli
from glossary.documents import annotate_document, check_document, read_segments, xliff
from glossary.documents import docx as word
from glossary.errors import InvalidInput
from tests.conftest import DATA

XLIFF_12 = DATA / "statement-1.2.xlf"
XLIFF_20 = DATA / "statement-2.0.xlf"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_docx(english: bool = False) -> bytes:
    """A report as Word writes one after editing: 核心利益 split over a bold and an italic run."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "The community of common destiny" if english else "人类命运共同体 报告"
    section.footer.paragraphs[0].text = "第1页 核心利益"
    paragraph = document.add_paragraph()
    if english:
        first, second = paragraph.add_run("We safeguard core "), paragraph.add_run("interests and the Belt and Road.")
    else:
        first, second = paragraph.add_run("我们要维护核心"), paragraph.add_run("利益，推动构建人类命运共同体。")
    first.bold = True
    second.italic, second.font.size = True, Pt(14)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "一带一路" if not english else "One Belt, One Road"
    table.cell(0, 1).text = "全面从严治党" if not english else "full and rigorous Party self-governance"
    document.add_paragraph("没有术语的段落。" if not english else "A paragraph without terms.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def without_glosses(data: bytes) -> list[str]:
    """Each paragraph's text with the runs in the gloss style taken out."""
    document = docx.Document(io.BytesIO(data))
    style_id = next(s.style_id for s in document.styles if s.name == word.GLOSS_STYLE)
    texts = []
    for paragraph, _ in word.paragraphs(document):
        for run in list(paragraph.element.iter(f"{W}r")):
            marker = run.find(f"{W}rPr/{W}rStyle")
            if marker is not None and marker.get(f"{W}val") == style_id:
                run.getparent().remove(run)
        texts.append(word.Paragraph(paragraph.element, paragraph.where).text)
    return texts


# --- Word ------------------------------------------------------------------------------------

def test_a_term_split_over_runs_is_glossed_after_its_last_run_with_both_runs_formatting_kept(
        curated: glossary.Glossary) -> None:
    done = annotate_document(curated, make_docx(), "report.docx")
    body = docx.Document(io.BytesIO(done.data)).paragraphs[0]
    runs = [(run.text, run.bold, run.italic, run.style.name) for run in body.runs]
    assert runs[0] == ("我们要维护核心", True, None, "Default Paragraph Font")
    assert runs[1] == ("利益", None, True, "Default Paragraph Font")
    assert runs[2][0] == " (héxīn lìyì, “core interests”)" and runs[2][3] == word.GLOSS_STYLE
    assert runs[3][:3] == ("，推动构建人类命运共同体", None, True)
    assert body.runs[3].font.size == Pt(14)  # the rest of the split run keeps its size


def test_tables_headers_and_footers_are_glossed_and_nothing_else_changes(curated: glossary.Glossary) -> None:
    original = make_docx()
    done = annotate_document(curated, original, "report.docx")
    segments = dict(read_segments(done.data, "report.docx"))
    assert "一带一路 (yīdài yīlù, “the Belt and Road Initiative”)" in segments["paragraph 2"]
    assert segments["header 1, paragraph 1"].startswith("人类命运共同体 (rénlèi mìngyùn gòngtóngtǐ,")
    assert "核心利益 (héxīn lìyì" in segments["footer 1, paragraph 1"]
    assert segments["paragraph 4"] == "没有术语的段落。"
    assert without_glosses(done.data) == [text for _, text in read_segments(original, "report.docx")]
    assert done.marked == 6


def test_the_gloss_style_is_a_grey_character_style_users_can_restyle(curated: glossary.Glossary) -> None:
    done = annotate_document(curated, make_docx(), "report.docx")
    style = docx.Document(io.BytesIO(done.data)).styles[word.GLOSS_STYLE]
    assert style.type == 2  # WD_STYLE_TYPE.CHARACTER
    assert str(style.font.color.rgb) == "595959"


def test_first_only_holds_over_the_whole_document(curated: glossary.Glossary) -> None:
    done = annotate_document(curated, make_docx(), "report.docx", first_only=True)
    glossed = "".join(text for _, text in read_segments(done.data, "report.docx"))
    assert glossed.count("héxīn lìyì") == 1


def test_english_word_documents_get_the_chinese_and_outdated_wording_its_replacement(
        curated: glossary.Glossary) -> None:
    done = annotate_document(curated, make_docx(english=True), "draft.docx")
    assert done.language == "en"
    segments = dict(read_segments(done.data, "draft.docx"))
    assert "core interests (核心利益, hexin liyi)" in segments["paragraph 1"]
    assert "One Belt, One Road [→ the Belt and Road Initiative]" in segments["paragraph 2"]


def test_check_of_a_word_translation_against_its_word_original_names_paragraphs(
        curated: glossary.Glossary) -> None:
    located = check_document(curated, make_docx(english=True), "draft.docx", make_docx(), "original.docx")
    found = {(item.finding.kind.value, item.where, item.in_source) for item in located}
    assert ("outdated", "header 1, paragraph 1", False) in found  # "community of common destiny"
    assert ("outdated", "paragraph 2", False) in found  # One Belt, One Road, in the table
    assert ("missing", "paragraph 1", True) in found  # 人类命运共同体: only its outdated rendering is there


def test_a_zip_bomb_and_a_doc_file_are_refused_before_reading(curated: glossary.Glossary,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word, "MAX_UNZIPPED_BYTES", 10_000)
    with pytest.raises(InvalidInput, match="would expand to .* bytes when unzipped"):
        annotate_document(curated, make_docx(), "report.docx")
    with pytest.raises(InvalidInput, match=r"save it as \.docx"):
        annotate_document(curated, b"\xd0\xcf\x11\xe0", "old.doc")
    with pytest.raises(InvalidInput, match="not a Word .docx file"):
        annotate_document(curated, b"PK\x03\x04 not really", "broken.docx")


# --- web pages -------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>核心利益</title>
<script>var term = "核心利益";</script><style>p::before{content:"核心利益"}</style></head>
<body><p title="核心利益" data-x="一带一路">我们要维护<b>核心利益</b>，推动构建人类命运共同体。</p>
<a href="/elsewhere">一带一路 link</a> <ruby>一带一路<rt>yidai yilu</rt></ruby>
<textarea>核心利益</textarea><!-- 核心利益 --><script>let t = "核心利益";</script>
<p>A &amp; B &lt;核心利益&gt;</p></body></html>"""


def test_a_web_page_is_annotated_in_its_text_nodes_only(curated: glossary.Glossary) -> None:
    done = annotate_document(curated, PAGE.encode("gb2312"), "page.html", link="https://g.example/terms/{id}")
    out = done.data.decode("utf-8")
    root = lxml.html.document_fromstring(out)
    assert root.find("head/meta").get("charset") == "utf-8"
    assert root.find("head/title").text == "核心利益"
    assert root.find("head/script").text == 'var term = "核心利益";'
    assert 'content:"核心利益"' in root.find("head/style").text
    first = root.find("body/p")
    assert (first.get("title"), first.get("data-x")) == ("核心利益", "一带一路")
    assert first.find("b/a").get("href") == "https://g.example/terms/core-interests"
    assert first.find("b/a/ruby/rt").text == "héxīn lìyì"
    assert root.find("body/textarea").text == "核心利益"
    assert len(root.findall("body/ruby")) == 1 and root.find("body/ruby/rt").text == "yidai yilu"
    assert "<!-- 核心利益 -->" in out and root.find("body/script").text == 'let t = "核心利益";'
    linked = root.find("body/a")  # a term inside a link: glossed, but no link inside the link
    assert linked.find(".//a") is None and linked.find("span/ruby/rt").text == "yīdài yīlù"
    assert "A &amp; B &lt;" in out and done.marked == 4


def test_the_annotated_page_is_valid_html_and_its_text_comes_back_without_the_glosses(
        curated: glossary.Glossary) -> None:
    done = annotate_document(curated, PAGE.encode("utf-8"), "page.html")
    import html5lib

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(done.data.decode("utf-8").replace('<meta charset="gb2312">', ""))
    for node in tree.iter():
        if node.get("class") in ("glossary-term",):
            for extra in node.findall(".//rp") + node.findall(".//rt") + node.findall(".//span[@class='gloss']"):
                extra.clear()
    body = "".join(tree.find("body").itertext()).strip()
    same = html5lib.HTMLParser(namespaceHTMLElements=False).parse(PAGE.replace('<meta charset="gb2312">', ""))
    original = "".join(same.find("body").itertext()).strip()
    assert body == original


# --- XLIFF -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [XLIFF_12, XLIFF_20], ids=["1.2", "2.0"])
def test_xliff_segments_are_read_through_inline_tags(path: Path) -> None:
    units = xliff.read(path.read_bytes(), path.name).units
    assert units[0].source == "我们坚定维护核心利益。"
    assert units[0].target == "We firmly safeguard our core interests."
    assert units[1].source == "推动构建人类命运共同体。"
    assert units[2].target == "Jointly pursue the Belt and Road strategy."  # code in <ph> is not text


@pytest.mark.parametrize("path, ids", [(XLIFF_12, ["1", "2", "3", "4", "6"]), (XLIFF_20, ["u1/s1", "u1/s2", "u2", "u3", "u4"])],
                         ids=["1.2", "2.0"])
def test_xliff_check_reports_each_segment_pair(curated: glossary.Glossary, path: Path, ids: list[str]) -> None:
    report = xliff.check(curated, path.read_bytes(), path.name)
    found = [(item.where.removeprefix("segment "), item.finding.kind.value, item.finding.term_id)
             for item in report.findings]
    _, second, third, fourth, _ = ids
    assert (second, "outdated", "community-with-a-shared-future") in found
    assert (third, "ruled-out", "belt-and-road-initiative") in found
    assert (fourth, "missing", "core-interests") in found
    assert not [f for f in found if f[0] == ids[0]]  # <g>/<pc> inside 核心利益 and "core interests": no finding


def test_one_source_term_rendered_two_ways_in_a_file_is_reported(curated: glossary.Glossary, tmp_path: Path) -> None:
    data = XLIFF_12.read_text(encoding="utf-8").replace(
        "We will build a community of common destiny for mankind.",
        "We will build a community with a shared future for mankind.").replace(
        "The vision of a community with a shared future for mankind.",
        "The vision of a global community of shared future.")  # both current: the file should pick one
    report = xliff.check(curated, data.encode("utf-8"), "statement.xlf")
    inconsistent = [item for item in report.findings if item.finding.kind.value == "inconsistent"]
    assert inconsistent, [item.to_dict() for item in report.findings]
    assert inconsistent[0].where == "segment 6"
    assert "“global community of shared future” here but “community with a shared future for mankind” in segment 2" \
        in inconsistent[0].finding.message


def test_notes_written_into_xliff_12_are_read_by_a_cat_tool_parser(curated: glossary.Glossary, tmp_path: Path) -> None:
    from translate.storage.xliff import xlifffile

    report = xliff.check(curated, XLIFF_12.read_bytes(), XLIFF_12.name)
    written = xliff.write_notes(report.document, report.findings)
    units = {unit.getid().split("\x04")[-1]: unit for unit in xlifffile.parsestring(written).units}
    assert "outdated: “community of common destiny”" in units["2"].getnotes()
    assert "Client asked for British spelling." in units["2"].getnotes()  # the reviewer's note stays
    assert "ruled-out" in units["3"].getnotes(origin=xliff.NOTE_FROM)
    assert units["1"].getnotes() == ""
    again = xliff.write_notes(xliff.check(curated, written, "again.xlf").document, report.findings)
    assert again.count(b'from="zh-policy-glossary"') == written.count(b'from="zh-policy-glossary"')  # replaced, not added


def test_notes_written_into_xliff_20_stand_before_the_segments_and_are_read_by_a_cat_tool_parser(
        curated: glossary.Glossary) -> None:
    from translate.storage.xliff2 import Xliff2File

    report = xliff.check(curated, XLIFF_20.read_bytes(), XLIFF_20.name)
    written = xliff.write_notes(report.document, report.findings)
    root = lxml.etree.fromstring(written)
    for unit in root.iter("{urn:oasis:names:tc:xliff:document:2.0}unit"):
        names = [lxml.etree.QName(child).localname for child in unit]
        if "notes" in names:  # schema order: notes, originalData, then the segments
            assert names.index("notes") < min(names.index(n) for n in ("originalData", "segment") if n in names)
    # translate-toolkit looks for 2.0 notes in segments (the schema puts them in units), so the
    # notes are read here as the schema has them; the parser still reads every segment unchanged
    targets = [unit.target for unit in Xliff2File.parsestring(written).units]
    assert targets == [unit.target for unit in Xliff2File.parsestring(XLIFF_20.read_bytes()).units]
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    notes = {unit.get("id"): [note.text for note in unit.findall("x:notes/x:note", ns)] for unit in root.iterfind(".//x:unit", ns)}
    assert "segment u1/s2: outdated: “community of common destiny”" in " ".join(notes["u1"])  # which of two segments
    assert notes["u2"][0] == "Check the client's style guide." and notes["u2"][1].startswith("ruled-out: ")
    assert notes["u4"] == []


def test_xliff_that_is_not_chinese_to_english_or_holds_entities_is_refused(curated: glossary.Glossary) -> None:
    reversed_languages = XLIFF_12.read_bytes().replace(b'source-language="zh-CN"', b'source-language="en-US"')
    with pytest.raises(InvalidInput, match="source language is en-US"):
        xliff.check(curated, reversed_languages, "en.xlf")
    entity = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
              b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="zh" '
              b'target-language="en"><body><trans-unit id="1"><source>&xxe;</source></trans-unit></body></file></xliff>')
    with pytest.raises(InvalidInput, match="entity reference"):
        xliff.read(entity, "xxe.xlf")
    with pytest.raises(InvalidInput, match="line 1"):
        xliff.read(b"<xliff", "broken.xlf")
    with pytest.raises(InvalidInput, match="not an XLIFF 1.2 or 2.0 file"):
        xliff.read(b"<tmx version='1.4'/>", "memory.xlf")


def test_the_html_report_escapes_what_the_file_holds(curated: glossary.Glossary) -> None:
    hostile = XLIFF_12.read_text(encoding="utf-8").replace(
        "Safeguard the country's key interests.", "Safeguard &lt;script&gt;alert(1)&lt;/script&gt; interests.")
    report = xliff.check(curated, hostile.encode("utf-8"), '<b>"x".xlf')
    page = xliff.report_html(report, '<b>"x".xlf')
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;b&gt;&quot;x&quot;.xlf" in page
    assert page.count("<tr class=") == len(report.findings)


# --- the CLI ---------------------------------------------------------------------------------

@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, curated: glossary.Glossary) -> CliRunner:
    monkeypatch.setenv("GLOSSARY_DATABASE_URL", curated.url)
    return CliRunner()


def test_cli_annotates_a_word_file_into_a_word_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "report.docx").write_bytes(make_docx())
    result = runner.invoke(cli, ["annotate", str(tmp_path / "report.docx"), "-o", str(tmp_path / "out.docx")])
    assert result.exit_code == 0, result.output
    assert "6 terms marked (Chinese)" in result.output
    assert "héxīn lìyì" in dict(read_segments((tmp_path / "out.docx").read_bytes(), "out.docx"))["paragraph 1"]


def test_cli_checks_xliff_as_text_json_html_and_writes_notes(runner: CliRunner, tmp_path: Path) -> None:
    text = runner.invoke(cli, ["check", str(XLIFF_20)])
    assert text.exit_code == 1
    assert "statement-2.0.xlf: segment u2: ruled-out: “Belt and Road strategy”" in text.output
    as_json = runner.invoke(cli, ["check", str(XLIFF_12), "--format", "json"])
    assert {item["where"] for item in json.loads(as_json.output)} >= {"segment 2", "segment 3", "segment 4"}
    report = tmp_path / "report.html"
    assert runner.invoke(cli, ["check", str(XLIFF_12), "--format", "html", "-o", str(report)]).exit_code == 1
    assert "<h1>Terminology check</h1>" in report.read_text(encoding="utf-8")
    refused = runner.invoke(cli, ["check", str(XLIFF_12), "--write-notes"])
    assert refused.exit_code == 2 and "give -o FILE" in refused.output
    out = tmp_path / "checked.xlf"
    noted = runner.invoke(cli, ["check", str(XLIFF_12), "--write-notes", "-o", str(out)])
    assert noted.exit_code == 1 and "notes written" in noted.output
    assert b'<note from="zh-policy-glossary"' in out.read_bytes()


def test_cli_checks_a_word_translation_with_paragraph_numbers(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "draft-en.docx").write_bytes(make_docx(english=True))
    (tmp_path / "original-zh.docx").write_bytes(make_docx())
    result = runner.invoke(cli, ["check", str(tmp_path / "draft-en.docx"), "--source", str(tmp_path / "original-zh.docx")])
    assert result.exit_code == 1
    assert "draft-en.docx: paragraph 2: outdated: “One Belt, One Road”" in result.output
    assert "original-zh.docx: paragraph 1: missing: the source has 人类命运共同体" in result.output


# --- the site and the API --------------------------------------------------------------------

@pytest.fixture
def site(curated: glossary.Glossary) -> Any:
    from web import create_app

    return create_app({"GLOSSARY": curated, "TESTING": True, "MAX_FILE_BYTES": 200_000}).test_client()


def test_the_annotate_page_returns_an_uploaded_word_file_annotated(site: Any) -> None:
    response = site.post("/annotate", data={"action": "annotate", "file": (io.BytesIO(make_docx()), "报告.docx")},
                         content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''%E6%8A%A5%E5%91%8A-annotated.docx" in response.headers["Content-Disposition"]
    assert "héxīn lìyì" in dict(read_segments(response.data, "x.docx"))["paragraph 1"]


def test_the_annotate_page_returns_a_report_or_notes_for_an_xliff_file(site: Any) -> None:
    report = site.post("/annotate", data={"file": (io.BytesIO(XLIFF_12.read_bytes()), "t.xlf")},
                       content_type="multipart/form-data")
    assert report.mimetype == "text/html" and b"Terminology check" in report.data
    noted = site.post("/annotate", data={"notes": "1", "file": (io.BytesIO(XLIFF_12.read_bytes()), "t.xlf")},
                      content_type="multipart/form-data")
    assert noted.mimetype == "application/xliff+xml" and b'from="zh-policy-glossary"' in noted.data


def test_the_annotate_page_explains_a_file_it_cannot_read_and_one_too_large(site: Any) -> None:
    old = site.post("/annotate", data={"file": (io.BytesIO(b"\xd0\xcf\x11\xe0"), "<i>old</i>.doc")},
                    content_type="multipart/form-data")
    assert old.status_code == 400 and b"save it as .docx" in old.data and b"<i>old" not in old.data
    big = site.post("/annotate", data={"file": (io.BytesIO(b"x" * 200_001), "big.html")},
                    content_type="multipart/form-data")
    assert big.status_code == 413 and b"over the limit of 200,000 bytes" in big.data


def test_the_api_annotates_and_checks_uploaded_files(site: Any) -> None:
    annotated = site.post("/api/v1/annotate", data={"file": (io.BytesIO(PAGE.encode("utf-8")), "page.html")},
                          content_type="multipart/form-data")
    assert annotated.status_code == 200 and annotated.mimetype == "text/html"
    assert b'<rt>h\xc3\xa9x\xc4\xabn l\xc3\xacy\xc3\xac</rt>' in annotated.data
    assert b"http://localhost/terms/core-interests" in annotated.data  # absolute links to the site
    checked = site.post("/api/v1/check", data={"file": (io.BytesIO(make_docx(english=True)), "draft.docx"),
                                               "source": (io.BytesIO(make_docx()), "original.docx")},
                        content_type="multipart/form-data")
    assert checked.status_code == 200
    assert {"kind": "missing", "where": "paragraph 1", "in": "source"}.items() <= next(
        f for f in checked.json["findings"] if f["kind"] == "missing").items()
    segments = site.post("/api/v1/check", data={"file": (io.BytesIO(XLIFF_20.read_bytes()), "t.xlf")},
                         content_type="multipart/form-data")
    assert segments.json["segments"] == 5 and segments.json["count"] == len(segments.json["findings"])
    missing = site.post("/api/v1/check", data={"other": "x"}, content_type="multipart/form-data")
    assert missing.status_code == 400 and 'multipart field "file"' in missing.json["error"]["message"]


def test_a_zip_bomb_is_refused_on_the_api_before_it_is_unzipped(site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word, "MAX_UNZIPPED_BYTES", 10 * 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    response = site.post("/api/v1/annotate", data={"file": (io.BytesIO(bomb.getvalue()), "bomb.docx")},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    assert "when unzipped" in response.json["error"]["message"]


def test_an_uploaded_file_whose_text_is_over_the_text_limit_is_refused_everywhere(curated: glossary.Glossary) -> None:
    from web import create_app

    small = create_app({"GLOSSARY": curated, "TESTING": True, "MAX_TEXT_BYTES": 100}).test_client()
    for path, fields in (("/api/v1/check", {}), ("/api/v1/annotate", {}), ("/annotate", {"notes": "1"})):
        response = small.post(path, data={**fields, "file": (io.BytesIO(XLIFF_12.read_bytes()), "t.xlf")},
                              content_type="multipart/form-data")
        assert response.status_code == 413, (path, response.status_code)
    word = small.post("/api/v1/annotate", data={"file": (io.BytesIO(make_docx()), "report.docx")},
                      content_type="multipart/form-data")
    assert word.status_code == 413 and "over the limit of 100 bytes" in word.json["error"]["message"]
