"""The lookup site in a real browser: Debian's chromium driven by Playwright, against the app
served as in production (``glossary serve``: gunicorn). Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import glossary
from glossary.csvio import read_terms

from conftest import DATA, ROOT, served

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
MOBILE = {"width": 390, "height": 844}
PARAGRAPH = ("中哈两国元首决定发展永久全面战略伙伴关系，继续共建一带一路，"
             "携手构建更加紧密的命運共同體。")


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[glossary.Glossary]:
    path = tmp_path_factory.mktemp("browser") / "glossary.sqlite3"
    store = glossary.open(f"sqlite:///{path}", seed=False)
    store.import_terms(read_terms(DATA / "web-terms.csv"))
    yield store
    store.engine.dispose()


@pytest.fixture(scope="session")
def base_url(web_store: glossary.Glossary, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``glossary serve`` (gunicorn, the production server) over web_store on a free loopback port."""
    with served(web_store.url, tmp_path_factory.mktemp("server") / "serve.log") as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page that fails the test on any script error or CSP violation."""
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda message: problems.append(f"console: {message.text}")
              if message.type == "error" else None)
    yield opened
    context.close()
    assert not problems, problems


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots at desktop and mobile width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_instant_search_finds_mingyun_and_opens_it_with_the_keyboard(page: Any) -> None:
    page.goto("/")
    page.evaluate("window.__sameDocument = true")
    page.locator("#q").press_sequentially("mingyun", delay=30)
    first = page.locator("#results .result").first
    first.locator(".hanzi").filter(has_text="命运共同体").wait_for()
    assert page.evaluate("window.__sameDocument") is True  # results came without a reload
    assert first.locator(".pinyin").inner_text() == "mìngyùn gòngtóngtǐ"
    assert "q=mingyun" in page.url
    shoot(page, "search-instant")
    page.locator("#q").press("ArrowDown")
    assert "is-active" in (first.get_attribute("class") or "")
    with page.expect_navigation():
        page.locator("#q").press("Enter")
    assert page.url.endswith("/terms/community-with-a-shared-future")
    assert page.locator("h1 [lang=zh-Hant]").inner_text() == "命運共同體"


def test_copy_button_puts_the_analyst_citation_on_the_clipboard(page: Any) -> None:
    page.goto("/terms/permanent-comprehensive-strategic-partnership")
    button = page.locator("#cite-analyst + button.copy")
    button.click()
    expected = ("“permanent comprehensive strategic partnership” "
                "(永久全面战略伙伴关系, yongjiu quanmian zhanlue huoban guanxi)")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert button.inner_text() == "Copied"
    shoot(page, "term")


def test_outdated_rendering_shows_the_notice_as_you_type(page: Any) -> None:
    page.goto("/")
    page.locator("#q").fill("community of common destiny")
    notice = page.locator("#results .notice").first
    notice.wait_for()
    assert notice.inner_text() == "‘community of common destiny’ is superseded — now ‘community with a shared future’"
    shoot(page, "search-outdated")


def test_search_works_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    plain = context.new_page()
    plain.goto("/")
    plain.locator("#q").fill("命運共同體")
    plain.locator("button[type=submit]").click()
    plain.wait_for_url("**/?q=*")
    assert plain.locator(".result .hanzi").first.inner_text() == "命运共同体"
    assert plain.locator("button.copy").count() == 0 or not plain.locator("button.copy").first.is_visible()
    context.close()


def test_annotating_a_chinese_paragraph_shows_ruby(page: Any) -> None:
    page.goto("/annotate")
    page.locator("#text").fill(PARAGRAPH)
    page.locator("button[value=annotate]").click()
    rt = page.locator("#annotated ruby rt")
    rt.first.wait_for()
    assert rt.all_inner_texts() == ["yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì", "yīdài yīlù", "mìngyùn gòngtóngtǐ"]
    assert page.locator("#annotated a.glossary-term").first.get_attribute("title") == \
        "permanent comprehensive strategic partnership"
    shoot(page, "annotate-chinese")


def test_annotated_markup_is_shown_as_text_and_never_runs(page: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    attack = "构建命运共同体<img src=x onerror=alert(1)>"
    page.goto("/annotate")
    page.locator("#text").fill(attack)
    page.locator("button[value=annotate]").click()
    annotated = page.locator("#annotated")
    annotated.wait_for()
    assert "<img src=x onerror=alert(1)>" in annotated.inner_text()
    assert annotated.locator("img").count() == 0
    page.locator("#q").count()  # nothing else on the page to wait for; give handlers a moment
    page.wait_for_timeout(300)
    assert dialogs == []


def test_annotating_english_marks_findings_in_the_text_and_shows_replacements(page: Any) -> None:
    page.goto("/annotate")
    page.locator("#text").fill("Both sides pledged to build a community of common destiny, to protect core interests "
                               "and to advance the Belt & Road strategy.")
    page.locator("button[value=annotate]").click()
    page.locator("li.finding").first.wait_for()
    assert page.locator("li.finding").count() == 2
    marks = page.locator("#annotated mark.finding")
    assert marks.all_inner_texts() == ["community of common destiny", "Belt & Road strategy"]
    assert "superseded" in (marks.first.get_attribute("title") or "")
    text = page.locator("#annotated").inner_text()
    assert "(命运共同体" not in text  # outdated wording is not glossed as if it were right
    assert "→ community with a shared future" in text and "core interests (核心利益, hexin liyi)" in text
    shoot(page, "annotate-english")


def test_the_chinese_original_field_finds_omissions_and_the_findings_download(page: Any) -> None:
    page.goto("/annotate")
    page.locator("#text").fill("They protect core interests.")
    page.locator("details.source-field summary").click()
    page.locator("#source").fill("维护核心利益，构建命运共同体")
    page.locator("button[value=annotate]").click()
    page.locator("li.finding-missing").wait_for()
    assert "命运共同体" in page.locator("li.finding-missing").inner_text()
    with page.expect_download() as download_info:
        page.locator("button[value=download-findings]").click()
    report = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert report.splitlines()[1].startswith("missing,source,1,10,命运共同体,community with a shared future,")


def test_ruby_output_shows_the_english_without_hovering_and_a_toggle_hides_it(page: Any) -> None:
    page.set_viewport_size(MOBILE)
    page.goto("/annotate")
    page.locator("#text").fill(PARAGRAPH)
    page.locator("button[value=annotate]").click()
    gloss = page.locator("#annotated .gloss").first
    gloss.wait_for()
    assert gloss.is_visible() and gloss.inner_text().strip() == "permanent comprehensive strategic partnership"
    page.locator("#show-gloss").uncheck()
    assert not gloss.is_visible()
    page.locator("#show-gloss").check()
    assert gloss.is_visible()
    shoot(page, "annotate-chinese-glosses")


def test_copy_puts_formatted_text_with_a_plain_alternative_on_the_clipboard(page: Any) -> None:
    page.goto("/annotate")
    page.locator("#text").fill("构建命运共同体。")
    page.locator("button[value=annotate]").click()
    page.locator("#annotated ruby").first.wait_for()
    page.locator(".result-tools button.copy").click()
    page.locator(".result-tools button.copy.copied").wait_for()
    clipboard = page.evaluate("""async () => {
      const items = await navigator.clipboard.read();
      const out = {};
      for (const type of items[0].types) out[type] = await (await items[0].getType(type)).text();
      return out;
    }""")
    assert set(clipboard) >= {"text/html", "text/plain"}
    assert "<ruby>" in clipboard["text/html"] and "&lt;ruby" not in clipboard["text/html"]
    assert 'href="http://127.0.0.1' in clipboard["text/html"]  # links that work where it is pasted
    assert "<" not in clipboard["text/plain"] and "命运共同体" in clipboard["text/plain"]


def test_download_is_a_self_contained_document_that_looks_right_from_disk(page: Any, browser: Any) -> None:
    page.goto("/annotate")
    page.locator("#text").fill(PARAGRAPH)
    with page.expect_download() as download_info:
        page.locator("button[value=download]").click()
    saved = Path(download_info.value.path()).with_suffix(".html")
    Path(download_info.value.path()).rename(saved)
    offline = browser.new_context(offline=True, viewport=MOBILE)
    opened = offline.new_page()
    opened.goto(saved.as_uri())
    assert opened.locator("rt").first.inner_text() == "yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì"
    assert opened.evaluate("getComputedStyle(document.querySelector('.gloss')).color") != "rgb(0, 0, 0)"
    assert opened.locator("a.glossary-term").first.get_attribute("href").startswith("http://127.0.0.1")
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SHOTS / "annotate-download-mobile.png"), full_page=True)
    offline.close()


def test_too_long_a_text_is_stopped_before_sending_with_the_limit_in_characters(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/annotate")
    limit = int(page.locator("form[data-max-bytes]").get_attribute("data-max-bytes") or 0)
    text = "命" * (limit // 3 + 10)
    page.locator("#text").fill(text)
    note = page.locator("#text-size")
    assert "Too long to send" in note.inner_text() and f"about {limit // 3:,} Chinese" in note.inner_text()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.method))
    page.locator("button[value=annotate]").click()
    page.wait_for_timeout(300)
    assert "POST" not in requests and page.locator("#text").input_value() == text
    context.close()


def test_a_typo_suggests_the_term_as_you_type(page: Any) -> None:
    page.goto("/")
    page.locator("#q").fill("mingyun gongtongi")
    near = page.locator("#results .did-you-mean .hanzi").first
    near.wait_for()
    assert near.inner_text() == "命运共同体"
    shoot(page, "search-typo")


def test_export_page_downloads_the_csv(page: Any, web_store: glossary.Glossary) -> None:
    page.goto("/export")
    shoot(page, "export")
    with page.expect_download() as download_info:
        page.locator("button[data-format=csv]").click()
    download = download_info.value
    assert download.suggested_filename == "glossary.csv"
    assert Path(download.path()).read_bytes() == web_store.export("csv")
    page.locator("select[name=domain]").select_option("security")
    page.locator("button[data-format=sheet-xlsx]").click()
    assert page.locator("#problem").inner_text().startswith("No term in the domain security")


def test_the_style_guide_downloads_from_the_export_page_and_reads_in_the_browser(page: Any, browser: Any) -> None:
    page.goto("/export")
    with page.expect_download() as download_info:
        page.locator("button[data-format=guide-html]").click()
    assert download_info.value.suggested_filename == "glossary.html"
    saved = Path(download_info.value.path()).with_suffix(".html")
    Path(download_info.value.path()).rename(saved)
    offline = browser.new_context(offline=True, viewport=DESKTOP)
    opened = offline.new_page()
    opened.goto(saved.as_uri())
    assert opened.locator("h1").inner_text() == "Style guide: Chinese policy terms in English"
    opened.locator("nav a", has_text="Diplomacy").click()
    assert opened.evaluate("location.hash") == "#domain-diplomacy"
    assert opened.locator("#domain-diplomacy h2").is_visible()
    dont = opened.locator("dd.dont").first
    assert dont.inner_text().startswith("“") and opened.evaluate(
        "getComputedStyle(document.querySelector('dd.dont')).color") == "rgb(138, 28, 28)"
    assert opened.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SHOTS / "style-guide-desktop.png"))
    opened.set_viewport_size(MOBILE)
    assert opened.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    opened.screenshot(path=str(SHOTS / "style-guide-mobile.png"))
    offline.close()


def test_browse_and_home_pages_render(page: Any) -> None:
    page.goto("/")
    shoot(page, "home")
    page.goto("/browse?domain=diplomacy")
    assert page.locator(".browse-table tbody tr").count() == 4
    shoot(page, "browse")


def test_a_word_file_uploaded_on_the_annotate_page_comes_back_annotated(page: Any, tmp_path: Path) -> None:
    from test_documents import make_docx

    from glossary.documents import read_segments

    (tmp_path / "报告.docx").write_bytes(make_docx())
    page.goto("/annotate")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "报告.docx"))
    with page.expect_download() as download_info:
        page.locator("button[value=annotate]").click()
    assert download_info.value.suggested_filename == "报告-annotated.docx"
    segments = dict(read_segments(Path(download_info.value.path()).read_bytes(), "x.docx"))
    assert "核心利益 (héxīn lìyì, “core interests”)" in segments["paragraph 1"]


def test_an_xliff_file_uploaded_on_the_annotate_page_gives_a_report_a_reviewer_reads(
        page: Any, browser: Any, tmp_path: Path) -> None:
    page.goto("/annotate")
    page.locator("input[type=file]").set_input_files(str(DATA / "statement-2.0.xlf"))
    with page.expect_download() as download_info:
        page.locator("button[value=annotate]").click()
    saved = tmp_path / "report.html"
    Path(download_info.value.path()).rename(saved)
    offline = browser.new_context(offline=True, viewport=MOBILE)
    opened = offline.new_page()
    opened.goto(saved.as_uri())
    rows = opened.locator("tbody tr")
    assert rows.count() >= 3
    assert opened.locator("tr.ruled-out td").nth(4).inner_text() == "the Belt and Road Initiative"
    assert opened.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SHOTS / "xliff-report-mobile.png"), full_page=True)
    offline.close()


def test_a_word_only_cc_cedict_has_shows_as_a_marked_dictionary_result(page: Any) -> None:
    page.goto("/")
    page.locator("#q").press_sequentially("diannao", delay=30)
    row = page.locator("#results .result-dictionary").first
    row.locator(".hanzi").filter(has_text="电脑").wait_for()
    assert row.locator(".source-badge").inner_text() == "CC-CEDICT — not reviewed"
    assert "No glossary term matches" in page.locator("#results .count").inner_text()
    assert "CC BY-SA 4.0" in page.locator("#results .attribution").inner_text()
    shoot(page, "search-dictionary")


def test_the_all_words_box_glosses_every_word_apart_from_the_terms(page: Any) -> None:
    page.goto("/annotate")
    page.locator("#text").fill(PARAGRAPH)
    page.locator("#all-words").check()
    page.locator("button[value=annotate]").click()
    words = page.locator("#annotated .dictionary-word")
    words.first.wait_for()
    assert page.locator("#annotated a.glossary-term").count() == 3  # the terms, as without the box
    assert words.first.locator("rt").inner_text() == "zhōng"
    assert "CC-CEDICT — not reviewed" in (words.first.get_attribute("title") or "")
    assert page.locator("#annotated a.glossary-term .dictionary-word").count() == 0
    assert page.locator("#all-words").is_checked()
    shoot(page, "annotate-all-words")
