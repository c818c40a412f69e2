"""The HTML pages, without JavaScript: search, term, browse, export, errors, headers, escaping."""

from __future__ import annotations

import csv
import io
import os
import re
from typing import Any
from pathlib import Path

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

import glossary
from glossary.csvio import read_terms
from glossary.formats import EXPORTS, ExportFormat

from conftest import WEB_TERMS
from web import create_app

PAGES = ["/", "/?q=mingyun", "/?q=zzzz", "/terms/community-with-a-shared-future", "/browse", "/browse?letter=M",
         "/browse?domain=diplomacy", "/annotate", "/export", "/about", "/api", "/terms/missing"]


def page_of(response: Any) -> Any:
    return lxml.html.fromstring(response.data)


def page(client: FlaskClient, url: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, response.data[:300]
    return lxml.html.fromstring(response.data)


def text_of(node: lxml.html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


# --- the app factory ------------------------------------------------------------------------

def test_store_url_and_settings_come_from_prefixed_environment(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    glossary.open(url, seed=False).import_terms(read_terms(WEB_TERMS))
    monkeypatch.setenv("GLOSSARY_DATABASE_URL", url)
    monkeypatch.setenv("GLOSSARY_MAX_TEXT_BYTES", "1234")
    app = create_app()
    assert app.extensions["glossary"].url == url
    assert app.config["MAX_TEXT_BYTES"] == 1234
    assert app.test_client().get("/api/v1/terms/core-interests").status_code == 200


# --- search ---------------------------------------------------------------------------------

def test_search_form_works_as_a_plain_get_form(client: FlaskClient) -> None:
    doc = page(client, "/")
    form = doc.cssselect("form[role=search]")[0]
    assert form.get("method") == "get" and form.get("action") == "/"
    assert form.cssselect("input[name=q]") and form.cssselect("select[name=domain]")


def test_result_row_shows_headword_traditional_pinyin_english_and_domain(client: FlaskClient) -> None:
    row = page(client, "/?q=quanmian+zhan").cssselect(".result")[0]
    assert row.cssselect(".hanzi")[0].text == "全面战略伙伴关系"
    assert row.cssselect(".hanzi")[0].get("lang") == "zh-Hans"
    assert row.cssselect(".hanzi-trad")[0].text == "全面戰略夥伴關係"
    assert row.cssselect(".hanzi-trad")[0].get("lang") == "zh-Hant"
    assert row.cssselect(".pinyin")[0].text == "quánmiàn zhànlüè huǒbàn guānxì"
    assert row.cssselect(".english")[0].text == "comprehensive strategic partnership"
    assert row.cssselect(".domain")[0].text == "Diplomacy"
    assert row.cssselect("a")[0].get("href") == "/terms/comprehensive-strategic-partnership"


@pytest.mark.parametrize(("query", "notice"), [
    ("community of common destiny",
     "‘community of common destiny’ is superseded — now ‘community with a shared future’"),
    ("One Belt, One Road", "‘One Belt, One Road’ is deprecated — now ‘the Belt and Road Initiative’"),
])
def test_outdated_rendering_says_so_and_shows_the_preferred_one(client: FlaskClient, query: str,
                                                                 notice: str) -> None:
    doc = page(client, "/?" + f"q={query}")
    assert text_of(doc.cssselect(".result .notice")[0]) == notice


def test_preferred_match_has_no_notice(client: FlaskClient) -> None:
    assert not page(client, "/?q=community+with+a+shared+future").cssselect(".notice")


def test_domain_filter_narrows_the_page(client: FlaskClient) -> None:
    assert page(client, "/?q=e:partnership").cssselect(".result")
    doc = page(client, "/?q=e:partnership&domain=security")
    assert not doc.cssselect(".result")
    assert "Security" in text_of(doc.cssselect(".empty")[0])


@pytest.mark.parametrize(("query", "meant"), [
    ("mingyun gongtongi", "命运共同体"),           # a letter left out
    ("mìngyùn gòngtongi", "命运共同体"),           # with tones, one syllable wrong
    ("comunity with a shared futur", "命运共同体"),  # English typos
    ("命运共同休", "命运共同体"),                   # a wrong character
    ("hexin liyy", "核心利益"),
])
def test_a_typo_finds_the_term_it_was_meant_for(client: FlaskClient, query: str, meant: str) -> None:
    doc = page(client, f"/?q={query}")
    assert not doc.cssselect(".result")
    assert meant in [text_of(a.cssselect(".hanzi")[0]) for a in doc.cssselect(".did-you-mean a")]


@pytest.mark.parametrize(("query", "suggested"), [
    ("命運共同體外交部", "命運"),          # its first two characters find something
    ("purple partnership", "e:partnership"),
])
def test_no_results_suggests_only_searches_that_find_something(client: FlaskClient, query: str,
                                                                suggested: str) -> None:
    doc = page(client, f"/?q={query}")
    offered = [a.text for a in doc.cssselect(".suggestions a")]
    assert suggested in offered
    for search in offered:  # never what cannot work: every suggestion finds a term
        assert page(client, f"/?q={search}").cssselect(".result"), search


@pytest.mark.parametrize("query", ["命運共同體外交部", "zzzz", "purple elephant"])
def test_no_results_never_offers_the_other_script_or_fillers(client: FlaskClient, query: str) -> None:
    offered = [a.text for a in page(client, f"/?q={query}").cssselect(".suggestions a")]
    assert "命运共同体外交部" not in offered and "mingyun" not in offered and "partnership" not in offered
    assert "e:elephant" not in offered  # finds nothing


def test_search_api_suggests_terms_a_few_typos_away(client: FlaskClient) -> None:
    data = client.get("/api/v1/search?q=mingyun+gongtongi").get_json()
    assert data["count"] == 0 and data["results"] == []
    assert data["suggestions"][0]["simplified"] == "命运共同体"
    assert data["suggestions"][0]["match"]["kind"] == "similar"
    assert client.get("/api/v1/search?q=mingyun").get_json()["suggestions"] == []


# --- term page ------------------------------------------------------------------------------

def test_term_page_shows_the_whole_record(client: FlaskClient) -> None:
    doc = page(client, "/terms/community-with-a-shared-future")
    assert doc.cssselect("h1 [lang=zh-Hans]")[0].text == "命运共同体"
    assert doc.cssselect("h1 [lang=zh-Hant]")[0].text == "命運共同體"
    pinyin = [dd.text for dd in doc.cssselect(".facts .pinyin")]
    assert pinyin == ["mìngyùn gòngtóngtǐ", "mingyun gongtongti", "ming4yun4 gong4tong2ti3"]
    groups = {text_of(g.cssselect("h3")[0]): [text_of(li) for li in g.cssselect("li")]
              for g in doc.cssselect(".rendering-group")}
    assert list(groups) == ["preferred", "superseded"]
    assert groups["superseded"][0].startswith("community of common destiny 2011-2013")
    assert "State Council white paper" in groups["superseded"][0]
    assert "A community whose members" in text_of(doc.cssselect(".definition")[0])
    assert [text_of(li) for li in doc.cssselect(".sources li")][0] == "Xinhua, 2019"
    related = {a.get("href") for a in doc.cssselect(".related a")}
    assert related == {"/terms/community-with-a-shared-future-for-mankind", "/terms/belt-and-road-initiative"}
    assert doc.cssselect("a.permalink")[0].get("href") == "http://localhost/terms/community-with-a-shared-future"
    assert doc.cssselect('a[href="/api/v1/terms/community-with-a-shared-future"]')
    assert "Diplomacy" in text_of(doc.cssselect(".crumbs")[0])


def test_term_page_offers_the_three_citation_forms(client: FlaskClient) -> None:
    doc = page(client, "/terms/permanent-comprehensive-strategic-partnership")
    cites = {o.get("id"): o.text for o in doc.cssselect("output.cite-text")}
    assert cites == {
        "cite-analyst": "“permanent comprehensive strategic partnership” "
                        "(永久全面战略伙伴关系, yongjiu quanmian zhanlue huoban guanxi)",
        "cite-marks": "“permanent comprehensive strategic partnership” "
                      "(永久全面战略伙伴关系, yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì)",
        "cite-chinese-first": "永久全面战略伙伴关系 (yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì, "
                              "“permanent comprehensive strategic partnership”)",
    }
    buttons = [b.get("data-copy") for b in doc.cssselect(".cite button.copy")]
    assert buttons == list(cites.values())
    assert doc.cssselect("dd[lang=zh-Hant]")[0].text.strip() == "永久全面戰略夥伴關係"


def test_unknown_term_is_a_404_page_that_says_what_to_do(client: FlaskClient) -> None:
    doc = page(client, "/terms/missing", status=404)
    assert "no term with id 'missing'" in text_of(doc.cssselect(".error-message")[0])


# --- browse ---------------------------------------------------------------------------------

def test_browse_by_domain_lists_only_that_domain(client: FlaskClient) -> None:
    doc = page(client, "/browse?domain=diplomacy")
    hanzi = [a.text for a in doc.cssselect(".browse-table .hanzi")]
    assert sorted(hanzi) == sorted(["命运共同体", "人类命运共同体", "全面战略伙伴关系", "永久全面战略伙伴关系"])
    assert "Diplomacy 4" in text_of(doc.cssselect(".domains")[0])


def test_browse_a_to_z_sorts_by_pinyin(client: FlaskClient) -> None:
    rows = page(client, "/browse?letter=S").cssselect(".browse-table tbody tr")
    assert [text_of(r.cssselect(".pinyin")[0]) for r in rows] == ["Shànghǎi Hézuò Zǔzhī"]
    rows = page(client, "/browse?letter=y").cssselect(".browse-table tbody tr")
    assert [r.cssselect(".hanzi")[0].text for r in rows] == ["一带一路", "永久全面战略伙伴关系"]


def test_browse_pages_long_lists(web_store: glossary.Glossary) -> None:
    client = create_app({"GLOSSARY": web_store, "BROWSE_PAGE_SIZE": 3}).test_client()
    first = page(client, "/browse?domain=diplomacy")
    second = page(client, "/browse?domain=diplomacy&page=2")
    assert len(first.cssselect("tbody tr")) == 3 and len(second.cssselect("tbody tr")) == 1
    assert "Page 2 of 2" in text_of(second.cssselect(".pager")[0])


# --- export page ----------------------------------------------------------------------------

def test_export_page_offers_every_registered_format(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(EXPORTS, "ids", ExportFormat("ids", "Ids only", "text/plain", "txt",
                                                     lambda terms: "\n".join(t.id for t in terms).encode()))
    doc = page(client, "/export")
    buttons = [b.get("value") for b in doc.cssselect("form.export-form button[name=format]")]
    assert buttons == list(EXPORTS) and buttons[0] == "sheet-xlsx"  # the glossary sheet is the main button
    assert "primary" in doc.cssselect("form.export-form button[name=format]")[0].get("class")
    assert client.get("/export/download?format=ids&domain=institutions").data == b"shanghai-cooperation-organisation"
    assert client.get("/api/v1/export.ids?domain=institutions").data == b"shanghai-cooperation-organisation"


def test_a_filter_that_matches_nothing_says_so_instead_of_an_empty_file(client: FlaskClient) -> None:
    response = client.get("/export/download?format=sheet-xlsx&domain=idioms&status=superseded")
    assert response.status_code == 200 and "Content-Disposition" not in response.headers
    message = text_of(page_of(response).cssselect("#problem")[0])
    assert message == "No term in the domain idioms and with a superseded rendering; choose another domain or " \
                      "status, or export everything"
    assert page_of(response).cssselect("select[name=domain] option[value=idioms][selected]")
    api = client.get("/api/v1/export.csv?domain=idioms")
    assert api.status_code == 404 and api.get_json()["error"]["message"].startswith("no term in the domain idioms")


def test_status_labels_read_as_english(client: FlaskClient) -> None:
    labels = [text_of(o) for o in page(client, "/export").cssselect("select[name=status] option")]
    assert labels == ["Any", "Has a preferred rendering", "Has an admitted rendering", "Has a superseded rendering",
                      "Has a deprecated rendering"]


# --- security -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", PAGES)
def test_pages_send_security_headers_and_no_inline_script(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    doc = lxml.html.fromstring(response.data)
    assert all(script.get("src") and not (script.text or "").strip() for script in doc.iter("script"))
    assert not [attr for node in doc.iter() if isinstance(node.tag, str)
                for attr in node.attrib if attr.lower().startswith("on")]
    assert not doc.cssselect("[style]")


def test_user_text_is_escaped_everywhere(client: FlaskClient) -> None:
    attack = '<img src=x onerror=alert(1)>"\'&'
    response = client.get("/", query_string={"q": attack})
    assert b"<img src=x" not in response.data
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.data.decode()
    definition = client.get("/terms/core-interests").data.decode()
    assert "&lt;b&gt;development&lt;/b&gt; &amp; unity" in definition


def test_long_queries_are_cut_not_failed(client: FlaskClient) -> None:
    assert client.get("/", query_string={"q": "命" * 5000}).status_code == 200


def test_static_files_need_no_build_step(client: FlaskClient) -> None:
    for name in ("app.js", "style.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and len(response.data) > 1000
    script = client.get("/static/app.js").data.decode()
    # user text never becomes markup: nothing assigns HTML (reading innerHTML to copy is fine)
    assert not re.search(r"\.(?:inner|outer)HTML\s*\+?=(?!=)|insertAdjacentHTML|document\.write", script)
    assert "/api/v1" not in script  # endpoint comes from data-instant
    assert re.search(r"\bimport\b|\brequire\(", script) is None


# --- annotate page --------------------------------------------------------------------------

PARAGRAPH = "中哈两国决定发展永久全面战略伙伴关系，共建一带一路，构建命運共同體。"
ENGLISH = "They build a community of common destiny under the Belt and Road strategy."


def test_annotate_page_shows_chinese_as_ruby_with_hover_glosses(client: FlaskClient) -> None:
    response = client.post("/annotate", data={"text": PARAGRAPH, "format": "html", "pinyin": "marks"})
    doc = lxml.html.fromstring(response.data)
    assert "Chinese detected" in text_of(doc.cssselect("#result-h")[0])
    rubies = doc.cssselect("#annotated ruby")
    assert [r.cssselect("rt")[0].text for r in rubies] == [
        "yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì", "yīdài yīlù", "mìngyùn gòngtóngtǐ"]
    glosses = [a.get("title") for a in doc.cssselect("#annotated a.glossary-term")]
    assert glosses == ["permanent comprehensive strategic partnership", "the Belt and Road Initiative",
                       "community with a shared future"]
    assert text_of(doc.cssselect("#annotated")[0]).startswith("中哈两国决定发展永久全面战略伙伴关系")


def test_annotate_page_shows_english_with_chinese_inserted_and_findings(client: FlaskClient) -> None:
    doc = lxml.html.fromstring(client.post("/annotate", data={"text": ENGLISH}).data)
    assert "English detected" in text_of(doc.cssselect("#result-h")[0])
    annotated = doc.cssselect("#annotated")[0]
    # the findings are marked in the text, and outdated wording shows its replacement, not a gloss
    marks = [(m.get("class"), text_of(m)) for m in annotated.cssselect("mark")]
    assert marks == [("finding finding-outdated", "community of common destiny"),
                     ("finding finding-ruled-out", "Belt and Road strategy")]
    assert "(命运共同体" not in text_of(annotated)
    assert [text_of(i) for i in annotated.cssselect("ins.replacement")] == [
        "→ community with a shared future", "→ the Belt and Road Initiative"]
    kinds = [text_of(f.cssselect(".finding-kind")[0]) for f in doc.cssselect("li.finding")]
    assert kinds == ["outdated", "ruled out"]
    assert doc.cssselect('.finding a[href="/terms/belt-and-road-initiative"]')


def test_annotate_page_checks_english_against_the_chinese_original(client: FlaskClient) -> None:
    doc = lxml.html.fromstring(client.post("/annotate", data={"text": "They protect core interests.",
                                                             "source": "维护核心利益，构建命运共同体"}).data)
    assert doc.cssselect("textarea#source")[0].text == "维护核心利益，构建命运共同体"  # kept for the next run
    assert [text_of(f.cssselect(".finding-kind")[0]) for f in doc.cssselect("li.finding")] == ["missing"]


def test_annotate_page_findings_download_as_a_csv_report(client: FlaskClient) -> None:
    response = client.post("/annotate", data={"text": "Line one.\nThe One Belt, One Road.", "source": "一带一路",
                                              "action": "download-findings"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="terminology-findings.csv"'
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["kind", "in", "line", "column", "text", "write instead", "message", "term"]
    assert rows[1][:6] == ["outdated", "translation", "2", "5", "One Belt, One Road", "the Belt and Road Initiative"]
    assert rows[1][7] == "http://localhost/terms/belt-and-road-initiative"


def test_annotate_download_of_html_is_a_whole_document_with_its_styles_and_absolute_links(client: FlaskClient) -> None:
    response = client.post("/annotate", data={"text": PARAGRAPH, "format": "html", "action": "download"})
    page = response.data.decode()
    assert page.startswith("<!doctype html>") and "<style>" in page and 'rel="stylesheet"' not in page
    doc = lxml.html.fromstring(response.data)
    hrefs = [a.get("href") for a in doc.cssselect("main a.glossary-term")]
    assert hrefs and all(href.startswith("http://localhost/terms/") for href in hrefs)
    assert [text_of(g) for g in doc.cssselect(".gloss")][0] == "permanent comprehensive strategic partnership"


def test_annotate_page_accepts_a_txt_upload_and_pinyin_style(client: FlaskClient) -> None:
    upload = (io.BytesIO(("\ufeff" + PARAGRAPH).encode("utf-8")), "speech.txt")
    doc = lxml.html.fromstring(client.post("/annotate", data={"file": upload, "text": "", "format": "brackets",
                                                              "pinyin": "numbers"}).data)
    shown = doc.cssselect("pre#annotated")[0].text
    assert shown.startswith("中哈两国决定发展永久全面战略伙伴关系 (yong3jiu3 quan2mian4")


def test_annotate_download_is_an_attachment(client: FlaskClient) -> None:
    response = client.post("/annotate", data={"text": PARAGRAPH, "format": "markdown", "action": "download"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="annotated.md"'
    assert "[^" in response.data.decode()


def test_annotate_page_escapes_markup_in_the_text(client: FlaskClient) -> None:
    attack = "构建命运共同体<img src=x onerror=alert(1)><script>alert(2)</script>"
    response = client.post("/annotate", data={"text": attack})
    doc = lxml.html.fromstring(response.data)
    annotated = doc.cssselect("#annotated")[0]
    assert not annotated.cssselect("img, script")
    assert "<img src=x onerror=alert(1)>" in text_of(annotated)


def test_annotate_page_refuses_too_much_text_with_413(client: FlaskClient) -> None:
    response = client.post("/annotate", data={"text": "命" * 1000})
    assert response.status_code == 413
    doc = lxml.html.fromstring(response.data)
    assert doc.cssselect("textarea#text")[0].text == "命" * 1000  # the text is still there
    message = text_of(doc.cssselect("#problem")[0])
    assert "1,000 characters (3,000 bytes)" in message and "the limit is 2,000 bytes, about 666 Chinese" in message


def test_annotate_page_rejects_other_file_types(client: FlaskClient) -> None:
    response = client.post("/annotate", data={"file": (io.BytesIO(b"%PDF"), "speech.pdf")})
    assert response.status_code == 400
    assert "cannot read .pdf: a PDF keeps no reliable reading order; export it to Word" in response.data.decode()


# --- glossary serve -------------------------------------------------------------------------

def test_serve_runs_the_app_on_gunicorn_with_host_port_workers_and_threads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from glossary.cli import cli
    from web.server import Server

    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    glossary.open(url, seed=False).import_terms(read_terms(WEB_TERMS))
    started: list[Server] = []
    monkeypatch.setattr(Server, "run", lambda server: started.append(server))
    result = CliRunner().invoke(cli, ["--db", url, "serve", "--host", "127.0.0.2", "--port", "5099",
                                      "--workers", "3", "--threads", "2"])
    assert result.exit_code == 0, result.output
    [server] = started
    assert (server.cfg.bind, server.cfg.workers, server.cfg.threads) == (["127.0.0.2:5099"], 3, 2)
    assert server.cfg.worker_class_str == "gthread"
    app = server.load()  # what each worker runs
    assert isinstance(app, Flask) and app.extensions["glossary"].url == url
    assert app.test_client().get("/api/v1/terms/core-interests").status_code == 200


def test_serve_defaults_to_two_single_threaded_workers_per_core(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from glossary.cli import cli
    from web.server import Server

    started: list[Server] = []
    monkeypatch.setattr(Server, "run", lambda server: started.append(server))
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'serve.sqlite3'}", "serve"])
    assert result.exit_code == 0, result.output
    [server] = started
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert (server.cfg.bind, server.cfg.workers, server.cfg.threads) == (["127.0.0.1:5000"], 2 * cores, 1)


def test_term_page_links_urls_in_citations_offers_the_english_alone_and_keeps_curator_notes_off(
        tmp_path: Path) -> None:
    from web import create_app

    store = glossary.open(f"sqlite:///{tmp_path / 'g.sqlite3'}", seed=False)
    store.import_terms(read_terms(io.StringIO(
        "id,simplified,traditional,variants,pinyin,english,english_admitted,english_deprecated,domain,definition,"
        "sources,related,pinyin_note,updated\n"
        "aiib,亚洲基础设施投资银行,,亚投行 [abbreviation; pinyin: Yàtóuháng],Yàzhōu Jīchǔ Shèshī Tóuzī Yínháng,"
        "Asian Infrastructure Investment Bank [source: 1],,,institutions,A development bank.,"
        "\"China Daily, Growing relationship, 2014-11-10, https://global.chinadaily.com.cn/a/very/long/url.htm\",,"
        "亚投行: pypinyin reads 行 as xíng,2025-03-04\n")))
    doc = page(create_app({"GLOSSARY": store, "TESTING": True}).test_client(), "/terms/aiib")
    copy = doc.cssselect(".preferred-large button.copy")[0]
    assert copy.get("data-copy") == "Asian Infrastructure Investment Bank" and text_of(copy) == "Copy English"
    link = doc.cssselect(".sources li a")[0]
    assert link.get("href") == "https://global.chinadaily.com.cn/a/very/long/url.htm"
    assert text_of(doc.cssselect(".sources li")[0]).startswith("China Daily, Growing relationship, 2014-11-10, https")
    assert "pypinyin" not in response_text(doc)  # a note for curators, not readers
    assert doc.cssselect("time")[0].get("datetime").startswith("2025-03-04")
    variant = doc.cssselect("dd.variant")[0]
    assert text_of(variant) == "亚投行 Yàtóuháng"


def response_text(doc: Any) -> str:
    return " ".join(doc.itertext())


# --- browse, API and About pages -------------------------------------------------------------

def test_a_to_z_offers_only_letters_that_have_entries(client: FlaskClient) -> None:
    letters = [text_of(a) for a in page(client, "/browse").cssselect(".letters a")]
    assert letters == ["H", "M", "Q", "R", "S", "Y"]  # the initials of the seven entries
    in_domain = [text_of(a) for a in page(client, "/browse?domain=sovereignty").cssselect(".letters a")]
    assert in_domain == ["H"]


def test_a_to_z_sorts_syllable_by_syllable(tmp_path: Path) -> None:
    from web import create_app

    store = glossary.open(f"sqlite:///{tmp_path / 'g.sqlite3'}", seed=False)
    header = ("id,simplified,traditional,variants,pinyin,english,english_admitted,english_deprecated,domain,"
              "definition,sources,related,pinyin_note,updated\n")
    rows = [("zhengfu", "政府", "zhèngfǔ", "government"), ("zhenxiang", "真相", "zhēnxiàng", "truth"),
            ("zhen", "真", "zhēn", "true")]
    store.import_terms(read_terms(io.StringIO(header + "".join(
        f"{i},{h},,,{p},{e} [source: 1],,,governance,A test.,\"Test, 2024\",,,\n" for i, h, p, e in rows))))
    doc = page(create_app({"GLOSSARY": store, "TESTING": True}).test_client(), "/browse?letter=Z")
    assert [text_of(td) for td in doc.cssselect("td.pinyin")] == ["zhēn", "zhēnxiàng", "zhèngfǔ"]


def test_the_menu_item_api_leads_to_the_api_documentation(client: FlaskClient) -> None:
    home = page(client, "/")
    api = [a for a in home.cssselect("nav a") if text_of(a) == "API"][0]
    assert api.get("href") == "/api"
    doc = page(client, "/api")
    assert doc.cssselect('a[href="/api/v1/openapi.json"]') and "/api/v1/search" in text_of(doc)


def test_about_says_what_the_glossary_covers_how_official_is_decided_and_how_to_report(client: FlaskClient) -> None:
    doc = page(client, "/about")
    families = {text_of(li.cssselect("a")[0]): li for li in doc.cssselect(".families li")}
    assert set(families) == {"Diplomacy", "Belt and road", "Sovereignty", "Institutions"}
    assert "7 entries" in text_of(doc)
    assert doc.cssselect("#official") and "preferred" in text_of(doc.cssselect(".statuses")[0]).lower()
    assert doc.cssselect("#report")
    link = page(client, "/terms/core-interests").cssselect("a[href='/about#report']")
    assert link and text_of(link[0]) == "Report an error"


def test_a_configured_report_address_is_linked_with_the_entry(web_store: glossary.Glossary) -> None:
    from web import create_app

    client = create_app({"GLOSSARY": web_store, "TESTING": True, "REPORT_ADDRESS": "terms@example.org"}).test_client()
    href = page(client, "/terms/core-interests").cssselect(".facts a[href^=mailto]")[0].get("href")
    assert href.startswith("mailto:terms@example.org?subject=Glossary%3A%20%E6%A0%B8")
    assert "core-interests" in href
