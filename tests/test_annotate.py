"""Annotating Chinese text: every format keeps the text, HTML stays safe, options do what they say."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st

import glossary
from glossary import AnnotationFormat
from glossary.annotate import annotate
from glossary.csvio import read_terms
from glossary import folding as folding_module
from glossary.matcher import Matcher
from glossary.script import to_traditional
from tests.conftest import DATA

TERMS = read_terms(DATA / "annotate-terms.csv")
MATCHER = Matcher(TERMS)
FORMS = [form for term in TERMS for form, _ in term.forms()]
HOSTILE = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "&amp;", "&", '"', "'",
           "<!--", "]]>", "\r\n", "\x00", "[^1]", " (", "“", "”"]
TEXTS = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(FORMS), st.sampled_from(HOSTILE)),
                 max_size=10).map("".join)
EMITTED = {"a": {"class", "href", "title"}, "ruby": set(), "rp": set(), "rt": set(), "span": {"class", "lang"}}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[glossary.Glossary]:
    path = tmp_path_factory.mktemp("annotate") / "glossary.sqlite3"
    g = glossary.open(f"sqlite:///{path}", seed=False)
    g.import_terms(TERMS)
    yield g
    g.engine.dispose()


class _Reader(HTMLParser):
    """Collects the elements and attributes of HTML and its text outside <rt>, <rp> and the
    English gloss (<span class="gloss">)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, set[str]]] = []
        self.text: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name for name, _ in attrs}))
        self.hidden += tag in ("rt", "rp") or (tag == "span" and ("class", "gloss") in attrs)

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("rt", "rp", "span")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:  # pragma: no cover - a failure if ever reached
        self.tags.append(("<!--", set()))


def read_html(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def strip(output: str, format: AnnotationFormat, style: str = "marks") -> str:
    """Take the annotations out again, knowing only what the annotator adds."""
    if format is AnnotationFormat.HTML:
        return "".join(read_html(output).text)
    if format is AnnotationFormat.JSON:
        return str(json.loads(output)["text"])
    ids = "|".join(re.escape(t.id) for t in TERMS)
    if format is AnnotationFormat.MARKDOWN:
        output = re.sub(rf"\n\n(?:\[\^(?:{ids})\]: [^\n]*\n)+\Z", "", output)
        return re.sub(rf"\[\^(?:{ids})\]", "", output)
    for term in TERMS:
        output = output.replace(f" ({term.pinyin_as(style)}, “{term.preferred.text}”)", "")
        for form in term.variants:
            output = output.replace(f" ({form.pinyin_as(style)}, {form.relation} {term.simplified}, "
                                    f"“{term.preferred.text}”)", "")
    return output


@pytest.mark.parametrize("format", list(AnnotationFormat))
@settings(max_examples=40, deadline=None)
@given(text=TEXTS, first_only=st.booleans(), across=st.booleans())
def test_removing_the_annotations_gives_back_the_input_exactly(format: AnnotationFormat, text: str,
                                                               first_only: bool, across: bool) -> None:
    output = annotate(text, MATCHER, format, first_only=first_only, across_newlines=across)
    assert strip(output, format) == text


@settings(max_examples=60, deadline=None)
@given(text=TEXTS)
def test_html_holds_only_the_elements_and_attributes_the_annotator_emits(text: str) -> None:
    reader = read_html(annotate(text, MATCHER, "html"))
    for tag, attributes in reader.tags:
        assert tag in EMITTED and attributes <= EMITTED[tag]


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=40), format=st.sampled_from(list(AnnotationFormat)),
       style=st.sampled_from(["marks", "plain", "numbers"]))
def test_any_unicode_is_annotated_without_error(text: str, format: AnnotationFormat, style: str) -> None:
    assert isinstance(annotate(text, MATCHER, format, style), str)


def test_lone_surrogates_and_control_characters_do_not_break_annotation() -> None:
    text = "\ud800核心利益\x00\udfff"
    assert strip(annotate(text, MATCHER, "brackets"), AnnotationFormat.BRACKETS) == text


def test_html_marks_a_term_with_ruby_pinyin_english_title_and_link() -> None:
    assert annotate("维护核心利益。", MATCHER, "html") == (
        '维护<a class="glossary-term" href="/terms/core-interests" title="core interests"><ruby>核心利益'
        "<rp> (</rp><rt>héxīn lìyì</rt><rp>)</rp></ruby>"
        '<span class="gloss" lang="en"> core interests</span></a>。')


def test_html_escapes_markup_around_and_inside_terms() -> None:
    html = annotate('<script>x</script>高质量共建"一带一路"&', MATCHER, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "高质量共建&quot;一带一路&quot;</ruby>" not in html  # the rp/rt come before </ruby>
    assert '高质量共建&quot;一带一路&quot;<rp>' in html and html.endswith("&amp;")


def test_brackets_write_pinyin_and_english_after_the_term() -> None:
    assert annotate("构建命运共同体", MATCHER, "brackets") == (
        "构建命运共同体 (mìngyùn gòngtóngtǐ, “community with a shared future”)")


@pytest.mark.parametrize("style, pinyin", [("marks", "héxīn lìyì"), ("plain", "hexin liyi"),
                                           ("numbers", "he2xin1 li4yi4")])
def test_the_pinyin_style_is_chosen_by_the_caller(style: str, pinyin: str) -> None:
    assert annotate("核心利益", MATCHER, "brackets", pinyin=style) == f"核心利益 ({pinyin}, “core interests”)"


def test_first_only_annotates_each_term_once() -> None:
    text = "核心利益、核心利益和命运共同体"
    every = annotate(text, MATCHER, "brackets")
    once = annotate(text, MATCHER, "brackets", first_only=True)
    assert every.count("“core interests”") == 2 and once.count("“core interests”") == 1
    assert once.count("“community with a shared future”") == 1


def test_markdown_puts_a_footnote_at_the_first_occurrence_and_the_notes_at_the_end() -> None:
    output = annotate("核心利益和核心利益", MATCHER, "markdown", pinyin="plain")
    assert output == ("核心利益[^core-interests]和核心利益\n\n"
                      "[^core-interests]: 核心利益 *hexin liyi*: “core interests” ([glossary](/terms/core-interests))\n")


def test_json_gives_spans_and_term_records_in_the_shared_shape(store: glossary.Glossary) -> None:
    text = "構建命運共同體，维护核心利益"
    data = json.loads(store.annotate(text, format="json"))
    assert data["text"] == text
    assert [(s["start"], s["end"], s["text"], s["form"], s["term"]) for s in data["spans"]] == [
        (2, 7, "命運共同體", "traditional", "community-with-a-shared-future"),
        (10, 14, "核心利益", "simplified", "core-interests")]
    for term_id, record in data["terms"].items():
        assert record == store.get(term_id).to_dict()


def test_the_domain_filter_keeps_only_terms_of_that_domain(store: glossary.Glossary) -> None:
    text = "维护核心利益，构建命运共同体"
    assert store.annotate(text, format="brackets", domain="sovereignty") == (
        "维护核心利益 (héxīn lìyì, “core interests”)，构建命运共同体")
    assert store.annotate("永久全面战略伙伴关系", "brackets", domain="sovereignty") == "永久全面战略伙伴关系"
    assert store.annotate("核心利益", "brackets", domain="diplomacy") == "核心利益"


def test_glossary_annotate_joins_lines_when_asked(store: glossary.Glossary) -> None:
    assert store.annotate("核心\n利益", format="brackets", across_newlines=True) == (
        "核心\n利益 (héxīn lìyì, “core interests”)")


def test_an_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="'pdf' is not a valid AnnotationFormat"):
        annotate("核心利益", MATCHER, "pdf")



#: A paragraph no term crosses the end of: simplified and traditional forms, a mixed-script
#: form, quotes, markup and a character beyond the BMP.
PARAGRAPH = ("双方发展永久全面战略伙伴关系，维护“核心利益”；命運共同體与命運共同体。"
             "<b>人类命运共同体</b> & 𠀀“一带一路”。\n")


@pytest.mark.parametrize("paragraph", [PARAGRAPH, to_traditional(PARAGRAPH)], ids=["simplified", "traditional"])
@pytest.mark.parametrize("format", [AnnotationFormat.HTML, AnnotationFormat.BRACKETS])
def test_a_long_text_is_annotated_exactly_as_its_paragraphs_are(paragraph: str, format: AnnotationFormat) -> None:
    # long texts take the bulk folding path; a paragraph alone takes the short one
    copies = folding_module.BULK_FROM // len(paragraph) + 2
    assert annotate(paragraph * copies, MATCHER, format) == annotate(paragraph, MATCHER, format) * copies


@pytest.mark.parametrize("paragraph", [PARAGRAPH, to_traditional(PARAGRAPH)], ids=["simplified", "traditional"])
def test_a_long_text_gives_the_matches_of_its_paragraphs_at_shifted_offsets(paragraph: str) -> None:
    copies = folding_module.BULK_FROM // len(paragraph) + 2
    one = [(m.start, m.end, m.text, m.form, m.term.id) for m in MATCHER.find(paragraph)]
    assert one and len({form for *_, form, _ in one}) > 1  # more than one form is exercised
    shifted = [(start + n * len(paragraph), end + n * len(paragraph), text, form, term)
               for n in range(copies) for start, end, text, form, term in one]
    assert [(m.start, m.end, m.text, m.form, m.term.id) for m in MATCHER.find(paragraph * copies)] == shifted


def test_first_only_on_a_long_text_marks_the_first_paragraph_only() -> None:
    copies = folding_module.BULK_FROM // len(PARAGRAPH) + 2
    expected = annotate(PARAGRAPH, MATCHER, "brackets", first_only=True) + PARAGRAPH * (copies - 1)
    assert annotate(PARAGRAPH * copies, MATCHER, "brackets", first_only=True) == expected


def test_an_abbreviation_reads_its_own_pinyin_and_says_what_it_abbreviates() -> None:
    term = glossary.Term("aiib", "亚洲基础设施投资银行", "亞洲基礎設施投資銀行", "Yàzhōu Jīchǔ Shèshī Tóuzī Yínháng",
                         glossary.Domain.INSTITUTIONS, "",
                         (glossary.Rendering("Asian Infrastructure Investment Bank", glossary.Status.PREFERRED),),
                         variants=(glossary.Form("亚投行", glossary.FormKind.ABBREVIATION, "Yàtóuháng"),
                                   glossary.Form("外部势力干涉")))
    matcher = Matcher([term])
    assert annotate("加入亚投行", matcher, "brackets") == (
        "加入亚投行 (Yàtóuháng, abbreviation of 亚洲基础设施投资银行, “Asian Infrastructure Investment Bank”)")
    assert "<rt>Yàtóuháng</rt>" in annotate("加入亚投行", matcher, "html")
    assert 'title="Asian Infrastructure Investment Bank (abbreviation of 亚洲基础设施投资银行)"' in annotate(
        "加入亚投行", matcher, "html")
    assert "亚投行 *Yàtóuháng*, abbreviation of 亚洲基础设施投资银行" in annotate("加入亚投行", matcher, "markdown")
    spans = json.loads(annotate("反对外部势力干涉", matcher, "json"))["spans"]
    assert spans[0]["pinyin"] == "wàibù shìlì gānshè" and spans[0]["form"] == "variant"  # generated, not curated
    assert "(Yatouhang," in annotate("亚投行", matcher, "brackets", pinyin="plain")
