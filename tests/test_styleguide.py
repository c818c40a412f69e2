"""The style guide exports: Markdown, printable HTML, Word; grouped by domain, from the registry."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import lxml.html
from click.testing import CliRunner
from flask.testing import FlaskClient

import glossary
from glossary import Domain, Rendering, Status, Term
from glossary.cli import cli
from glossary.formats import EXPORTS
from glossary.styleguide import write_docx, write_html, write_markdown

DESTINY = Term("shared-future", "命运共同体", "命運共同體", "mìngyùn gòngtóngtǐ", Domain.DIPLOMACY,
               "A community of nations <script>alert(1)</script> bound by *common* interests.",
               (Rendering("community with a shared future", Status.PREFERRED, source="1"),
                Rendering("community of shared future", Status.ADMITTED),
                Rendering("community of common destiny", Status.SUPERSEDED, "2011-2013", source="1")),
               sources=("China Keywords, 2018-01-01",))
CORE = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
            (Rendering("core interests", Status.PREFERRED, source="1"),
             Rendering("key interests", Status.DEPRECATED)), sources=("Xinhua, 2011",))
BELT = Term("belt-and-road", "一带一路", "一帶一路", "Yīdài Yīlù", Domain.BELT_AND_ROAD, "",
            (Rendering("Belt and Road", Status.PREFERRED, source="1"),), sources=("NDRC, 2015",))
TERMS = [CORE, DESTINY, BELT]


def test_markdown_groups_by_domain_in_the_lists_order_with_use_also_and_do_not_use() -> None:
    text = write_markdown(TERMS).decode("utf-8")
    domains = [line for line in text.splitlines() if line.startswith("## ") and line != "## Contents"]
    assert domains == ["## Diplomacy", "## Sovereignty", "## Belt and road"]
    assert "- [Diplomacy](#domain-diplomacy) (1)" in text
    assert "### 命运共同体 / 命運共同體 · mìngyùn gòngtóngtǐ" in text
    assert "- **Use:** community with a shared future" in text
    assert "- Also acceptable: community of shared future" in text
    assert ("- Do not use: “community of common destiny” (superseded, 2011-2013): write “community with a "
            "shared future”") in text
    assert "- Do not use: “key interests” (deprecated): write “core interests”" in text


def test_markdown_escapes_what_would_be_markup() -> None:
    text = write_markdown([DESTINY]).decode("utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text and r"\*common\*" in text


def test_html_is_one_page_with_contents_whose_links_reach_their_sections_and_escaped_text() -> None:
    data = write_html(TERMS)
    page = lxml.html.document_fromstring(data)
    links = [a.get("href")[1:] for a in page.cssselect("nav a")]
    assert links == ["domain-diplomacy", "domain-sovereignty", "domain-belt-and-road"]
    assert all(page.get_element_by_id(anchor).tag == "section" for anchor in links)
    assert not page.cssselect("script") and b"&lt;script&gt;alert(1)&lt;/script&gt;" in data
    assert "@media print" in page.cssselect("style")[0].text
    entry = page.get_element_by_id("shared-future").getnext()
    assert [dt.text for dt in entry.cssselect("dt")] == ["Use", "Also acceptable", "Do not use", "Meaning"]
    assert entry.cssselect("dd.dont")[0].text == ("“community of common destiny” (superseded, 2011-2013): write "
                                                  "“community with a shared future”")


def test_word_document_has_headings_word_navigates_a_contents_field_and_red_do_not_use_lines() -> None:
    data = write_docx(TERMS)
    document = docx.Document(io.BytesIO(data))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Style guide: Chinese policy terms in English")
    assert [text for style, text in headings if style == "Heading 1"] == ["Diplomacy", "Sovereignty", "Belt and road"]
    assert ("Heading 2", "命运共同体 / 命運共同體  mìngyùn gòngtóngtǐ") in headings
    dont = next(p for p in document.paragraphs if p.text.startswith("Do not use: “community of common destiny”"))
    assert str(dont.runs[0].font.color.rgb) == "8A1C1C"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert 'w:instr="TOC' in package.read("word/document.xml").decode()
        assert "updateFields" in package.read("word/settings.xml").decode()


def test_the_guides_are_export_formats_everywhere_with_the_same_filters(tmp_path: Path,
                                                                        client: FlaskClient) -> None:
    assert {"guide-html", "guide-docx", "guide-md"} <= set(EXPORTS)
    url = f"sqlite:///{tmp_path / 'g.db'}"
    store = glossary.open(url, seed=False)
    store.import_terms(TERMS)
    result = CliRunner().invoke(cli, ["--db", url, "export", "--format", "guide-md", "--domain", "sovereignty"])
    assert result.exit_code == 0 and "核心利益" in result.output and "命运共同体" not in result.output
    response = client.get("/api/v1/export.guide-html?domain=diplomacy")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'filename="glossary-diplomacy.html"' in response.headers["Content-Disposition"]
    assert b"<h2>Diplomacy</h2>" in response.data and b"<h2>Sovereignty</h2>" not in response.data
    page = client.get("/export").get_data(as_text=True)
    assert "Style guide for Word (.docx)" in page
