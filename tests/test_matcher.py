"""Finding terms in Chinese text: nesting, scripts, variants, punctuation, edges, line breaks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings, strategies as st

import glossary
from glossary import FormKind
from glossary.cover import maximal_cover
from glossary.csvio import read_terms
from glossary import folding as folding_module
from glossary.folding import fold_for_matching
from glossary.matcher import Match, Matcher
from glossary.script import fold
from tests.conftest import DATA

TERMS = read_terms(DATA / "annotate-terms.csv")
MATCHER = Matcher(TERMS)
FORMS = [form for term in TERMS for form, _ in term.forms()]


def found(text: str, across_newlines: bool = False) -> list[tuple[int, int, str, str]]:
    return [(m.start, m.end, m.term.id, m.form.value) for m in MATCHER.find(text, across_newlines)]


@pytest.mark.parametrize("text, expected", [
    # the longest term wins over the term nested inside it
    ("构建永久全面战略伙伴关系", [(2, 12, "permanent-comprehensive-strategic-partnership", "simplified")]),
    ("推动构建人类命运共同体", [(4, 11, "community-with-a-shared-future-for-mankind", "simplified")]),
    ("全面战略伙伴关系", [(0, 8, "comprehensive-strategic-partnership", "simplified")]),
    # adjacent terms, terms at the very start and the very end
    ("命运共同体核心利益", [(0, 5, "community-with-a-shared-future", "simplified"),
                    (5, 9, "core-interests", "simplified")]),
    ("核心利益", [(0, 4, "core-interests", "simplified")]),
    ("维护核心利益", [(2, 6, "core-interests", "simplified")]),
    ("核心利益不容侵犯", [(0, 4, "core-interests", "simplified")]),
    # one character, empty text, no Chinese at all
    ("核", []),
    ("", []),
    ("core interests, 2019 & <b>", []),
    # traditional: Hong Kong usage (夥), OpenCC usage (伙), and 命運共同體
    ("永久全面戰略夥伴關係", [(0, 10, "permanent-comprehensive-strategic-partnership", "traditional")]),
    ("永久全面戰略伙伴關係", [(0, 10, "permanent-comprehensive-strategic-partnership", "traditional")]),
    ("構建命運共同體", [(2, 7, "community-with-a-shared-future", "traditional")]),
    # stray simplified characters inside traditional text
    ("永久全面戰略伙伴关係", [(0, 10, "permanent-comprehensive-strategic-partnership", "traditional")]),
    # variant characters 爲 / 為, 慼 / 戚, 著 / 着
    ("爲人民服務", [(0, 5, "serve-the-people", "traditional")]),
    ("為人民服務", [(0, 5, "serve-the-people", "traditional")]),
    ("休慼與共", [(0, 4, "share-weal-and-woe", "traditional")]),
    ("休戚與共", [(0, 4, "share-weal-and-woe", "traditional")]),
    ("著力推進", [(0, 2, "focus-efforts", "traditional")]),
    ("着力推进", [(0, 2, "focus-efforts", "simplified")]),
    # abbreviations report their form
    ("上合组织峰会", [(0, 4, "shanghai-cooperation-organisation", "abbreviation")]),
    # full-width and half-width punctuation, Latin and digits around terms
    ("（核心利益）。", [(1, 5, "core-interests", "simplified")]),
    ("2019年,核心利益abc", [(6, 10, "core-interests", "simplified")]),
    ("高质量共建“一带一路”", [(0, 11, "high-quality-belt-and-road-cooperation", "simplified")]),
    ("高質量共建「一帶一路」", [(0, 11, "high-quality-belt-and-road-cooperation", "traditional")]),
    ('高质量共建"一带一路"', [(0, 11, "high-quality-belt-and-road-cooperation", "simplified")]),
    # a character outside the basic plane before the term: offsets still count code points
    ("𠀀核心利益", [(1, 5, "core-interests", "simplified")]),
])
def test_find_reports_leftmost_longest_terms_with_caller_offsets(text: str, expected: list[tuple]) -> None:
    assert found(text) == expected


def test_a_term_broken_by_a_line_break_matches_only_with_the_option() -> None:
    text = "双方同意建立永久全面战略\n伙伴关系。"
    assert found(text) == []
    [match] = MATCHER.find(text, across_newlines=True)
    assert (match.start, match.end, match.text) == (6, 17, "永久全面战略\n伙伴关系")
    assert match.term.id == "permanent-comprehensive-strategic-partnership"
    assert match.form is FormKind.SIMPLIFIED


def test_the_line_break_option_keeps_offsets_after_the_break_and_handles_crlf() -> None:
    text = "命运\r\n共同体和\n核心利益\n\n核心\n\n利益"
    matches = MATCHER.find(text, across_newlines=True)
    assert [(m.start, m.end, m.text) for m in matches] == [(0, 7, "命运\r\n共同体"), (9, 13, "核心利益")]
    assert all(text[m.start:m.end] == m.text for m in matches)  # a paragraph break is never joined


def test_folding_keeps_the_length_and_maps_scripts_and_punctuation() -> None:
    text = "永久全面戰略夥伴關係「一帶一路」，ＡＢＣ１２\ud800"
    folded = fold_for_matching(text)
    assert len(folded) == len(text)
    assert folded == "永久全面战略伙伴关系\"一带一路\"，ABC12\ufffd"


def test_a_shared_form_belongs_to_the_term_whose_headword_it_is() -> None:
    base = TERMS[0]
    other = replace(base, id="other", simplified="共同体", traditional="共同體",
                    variants=(glossary.Form("命运共同体", FormKind.VARIANT),))
    matcher = Matcher([other, base])
    [match] = matcher.find("命运共同体")
    assert (match.term.id, match.form) == (base.id, FormKind.SIMPLIFIED)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(FORMS)), max_size=8), st.booleans())
def test_matches_are_ordered_disjoint_and_their_text_is_the_callers_slice(pieces: list[str],
                                                                         across: bool) -> None:
    text = "".join(pieces)
    matches = MATCHER.find(text, across_newlines=across)
    previous_end = 0
    for match in matches:
        assert previous_end <= match.start < match.end <= len(text)
        assert text[match.start:match.end] == match.text
        bare = match.text.replace("\r", "").replace("\n", "") if across else match.text
        assert fold_for_matching(bare) in {fold_for_matching(f) for f, _ in match.term.forms()}
        previous_end = match.end


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=10), st.sampled_from(FORMS))
def test_a_term_at_the_end_of_the_input_is_always_found(prefix: str, form: str) -> None:
    matches = MATCHER.find(prefix + form)
    assert matches and matches[-1].end == len(prefix + form)


def test_folding_agrees_with_the_script_module_on_chinese() -> None:
    text = "永久全面戰略夥伴關係爲人民服務休慼與共著力命運共同體"
    assert fold_for_matching(text) == fold(text)


def test_glossary_find_keeps_its_matcher_until_a_write_and_patches_it_after_one(
        empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(TERMS[:3])
    assert [m.term.id for m in empty_store.find("核心利益和命运共同体")] == ["community-with-a-shared-future"]
    first = empty_store.annotation.snapshot().matcher()
    assert empty_store.annotation.snapshot().matcher() is first  # not rebuilt per call
    builds = empty_store.annotation.builds
    empty_store.import_terms(TERMS)
    assert [m.term.id for m in empty_store.find("核心利益和命运共同体")] == [
        "core-interests", "community-with-a-shared-future"]
    assert empty_store.annotation.snapshot().matcher() is not first
    assert empty_store.annotation.builds == builds  # patched with the new entries, not rebuilt


def test_glossary_find_joins_lines_when_asked(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(TERMS)
    assert empty_store.find("核心\n利益") == []
    assert [m.text for m in empty_store.find("核心\n利益", across_newlines=True)] == ["核心\n利益"]



@pytest.mark.parametrize("text", ["永久全面戰略夥伴關係", "核心利益", "「一帶一路」ＡＢＣ", "\ud800核心", "𠀀爲",
                                  "㑮夥"])  # 㑮 folds to a character beyond the BMP
def test_long_texts_fold_with_the_bulk_table_exactly_as_short_texts(text: str) -> None:
    filler = "中" * folding_module.BULK_FROM
    folded = fold_for_matching(filler + text)
    assert len(folded) == len(filler + text)
    assert folded[-len(text):] == fold_for_matching(text) == "".join(fold_for_matching(c) for c in text)


def test_a_long_text_with_a_few_foldable_characters_folds_only_those() -> None:
    text = ("中国“一带一路”显著著名" + "发展" * 100) * 400
    assert len(text) > folding_module.BULK_FROM
    assert fold_for_matching(text) == text.translate(str.maketrans({"“": '"', "”": '"', "著": "着"}))


@pytest.mark.parametrize("size", [10, folding_module.BULK_FROM])
def test_text_that_folding_leaves_alone_is_returned_as_it_is(size: int) -> None:
    text = ("核心利益和命运共同体。" * size)[:size]
    assert fold_for_matching(text) is text


@pytest.mark.parametrize("size", [1, 7000])
def test_simplified_text_gives_the_same_matches_as_text_that_needs_folding(size: int) -> None:
    body = "双方重申核心利益，推动构建人类命运共同体和“一带一路”。" * size
    as_written = MATCHER.find(body)
    folded = MATCHER.find(body + "爲")  # one traditional character: the text is folded
    assert as_written == folded[:len(as_written)]
    assert [type(m) for m in as_written] == [Match] * len(as_written)
    assert (as_written[0].text, as_written[0].form, as_written[0].term.id) == (
        "核心利益", FormKind.SIMPLIFIED, "core-interests")


def test_a_match_reads_the_callers_text_and_compares_by_what_it_found() -> None:
    text = "維護核心利益，構建命運共同體"
    first, second = MATCHER.find(text)
    assert (first.start, first.end, first.text, first.form, first.term.id) == (
        2, 6, "核心利益", FormKind.SIMPLIFIED, "core-interests")  # written alike in both scripts
    assert (second.text, second.form, second.term.id) == ("命運共同體", FormKind.TRADITIONAL,
                                                          "community-with-a-shared-future")
    again = MATCHER.find("另：" + text)
    assert again[0] != first and (again[0].start, again[0].text) == (4, "核心利益")
    assert MATCHER.find(text) == [first, second]  # another call, equal matches
    assert len({first, second, *MATCHER.find(text)}) == 2
    assert sorted([second, first]) == [first, second]  # text order
    assert repr(second) == ("Match(start=9, end=14, text='命運共同體', form='traditional', "
                            "term='community-with-a-shared-future')")
    assert second.to_dict() == {"start": 9, "end": 14, "text": "命運共同體", "form": "traditional",
                                "term": "community-with-a-shared-future"}


@settings(max_examples=20, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(FORMS), st.sampled_from(["“", "”", "「", "爲", "\n"])),
                min_size=1, max_size=12))
def test_in_a_long_text_each_match_reads_what_the_text_says_there(pieces: list[str]) -> None:
    unit = "".join(pieces) + "发展。"
    text = unit * (folding_module.BULK_FROM // len(unit) + 1)  # long: folded in bulk, positions listed
    for match in MATCHER.find(text):
        written = text[match.start:match.end]
        assert match.text == written
        assert match.form is MATCHER.form_of(match[0], written)  # match[0]: the pattern id


# --- choosing among overlapping terms: the most text covered -------------------------------------

def _term(term_id: str, simplified: str) -> glossary.Term:
    from glossary import Domain, Rendering, Status
    from glossary.pinyin_generate import suggest

    return glossary.Term(term_id, simplified, simplified, suggest(simplified), Domain.DIPLOMACY, "",
                         (Rendering(term_id, Status.PREFERRED),))


# Forms that overlap each other in every way: one inside another, one running past another's end,
# chains of three; a small alphabet so random texts are full of conflicts.
OVERLAPPING = [_term(f"t{i}", form) for i, form in enumerate(
    ["伙伴关系", "战略伙伴", "全面战略伙伴关系", "关系协会", "两岸关系协会", "一带一路", "一路向前", "共建一带",
     "带一", "前进", "战略", "伙伴关系协会"])]
OVERLAPPING_MATCHER = Matcher(OVERLAPPING)


def _occurrences(text: str) -> list[tuple[int, int]]:
    """Every place any form occurs, by brute force."""
    return [(start, start + len(term.simplified)) for term in OVERLAPPING
            for start in range(len(text)) if text.startswith(term.simplified, start)]


def _best_cover(spans: list[tuple[int, int]], size: int) -> int:
    """The most characters non-overlapping spans can cover (dynamic programming by position)."""
    best = [0] * (size + 1)
    for position in range(size - 1, -1, -1):
        best[position] = max([best[position + 1]] + [end - start + best[end] for start, end in spans
                                                      if start == position])
    return best[0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([t.simplified for t in OVERLAPPING] + ["和", "的", "全面", "两岸", "一"]),
                max_size=12))
def test_no_match_is_chosen_over_longer_terms_that_would_cover_more(pieces: list[str]) -> None:
    text = "".join(pieces)
    chosen = [(m.start, m.end) for m in OVERLAPPING_MATCHER.find(text)]
    occurrences = _occurrences(text)
    assert all(a[1] <= b[0] for a, b in zip(chosen, chosen[1:])) and set(chosen) <= set(occurrences)
    covered = sum(end - start for start, end in chosen)
    assert covered == _best_cover(occurrences, len(text))
    for start, end in occurrences:  # no longer term was split for a shorter one that covers less
        kept = sum(e - s for s, e in chosen if e <= start or s >= end)
        assert kept + end - start <= covered


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("甲乙丙丁戊", min_size=1, max_size=3), min_size=1, max_size=12, unique=True),
       st.text("甲乙丙丁戊己", max_size=30))
def test_find_chooses_what_the_cover_of_every_occurrence_chooses(forms: list[str], text: str) -> None:
    # small glossaries over five characters: every kind of overlap, chains, gaps and their edges
    matcher = Matcher([_term(f"t{i}", form) for i, form in enumerate(forms)])
    occurrences = [(pid, start, start + len(pattern)) for pid, pattern in enumerate(matcher.patterns)
                   for start in range(len(text)) if text.startswith(pattern, start)]
    assert [(m.start, m.end) for m in matcher.find(text)] == [(s, e) for _, s, e in maximal_cover(occurrences)]


@pytest.mark.parametrize("text, expected", [
    ("甲乙丙丁戊", ["甲", "乙丙", "丁戊"]),  # the gap (戊) is covered from a match that one before it runs into
    ("甲乙丙丁", ["甲乙", "丙丁"]),  # no gap: leftmost-longest covers it all
    ("丙丁戊", ["丙丁"]),  # 丁戊 would cover as much, starting later
])
def test_a_gap_is_covered_by_choosing_again_from_where_no_term_runs_in(text: str, expected: list[str]) -> None:
    matcher = Matcher([_term(f"t{i}", form) for i, form in enumerate(["甲乙", "丙丁", "乙丙", "丁戊", "甲"])])
    assert [m.text for m in matcher.find(text)] == expected


def test_a_long_text_is_covered_as_its_parts_are() -> None:
    # thousands of matches: the characters after them are looked up all at once (numpy), past the
    # Basic Multilingual Plane too (丙 then 丁𠀀 cover the 𠀀 that 丙丁 leaves); 丙 on its own is a term,
    # so only the gaps (戊, 𠀀) call for choosing again
    matcher = Matcher([_term(f"t{i}", form) for i, form in enumerate(["甲乙", "丙丁", "乙丙", "丁戊", "甲", "丁𠀀", "丙"])])
    unit, chosen = "甲乙丙丁戊，甲乙丙丁𠀀。", ["甲乙", "丙", "丁戊", "甲乙", "丙", "丁𠀀"]
    assert [m.text for m in matcher.find(unit)] == chosen
    assert [m.text for m in matcher.find(unit * 2000)] == chosen * 2000


def test_a_longer_term_starting_inside_a_shorter_match_wins_when_it_covers_more() -> None:
    matcher = Matcher([_term("new-silk-road", "新丝路"), _term("silk-road-economic-belt", "丝路经济带")])
    assert [m.text for m in matcher.find("提出新丝路经济带")] == ["丝路经济带"]  # leftmost-longest: 新丝路
    assert [m.text for m in matcher.find("新丝路和丝路经济带")] == ["新丝路", "丝路经济带"]
    assert [m.text for m in OVERLAPPING_MATCHER.find("全面战略伙伴关系协会")] == ["全面战略伙伴关系"]  # a tie: leftmost


@pytest.mark.parametrize("text, expected", [
    ("第三届一带一路国际合作高峰论坛", "一带一路国际合作高峰论坛"),
    ("第三届「一帶一路」國際合作高峰論壇", "「一帶一路」國際合作高峰論壇"),
    ("共建‘一带一路’国家", "共建‘一带一路’国家"),
    ("共建一带一路国家", "共建一带一路国家"),
])
def test_a_headword_that_quotes_its_inner_term_matches_quoted_any_way_or_not(text: str, expected: str) -> None:
    store = glossary.open("sqlite://")
    (match,) = [m for m in store.find(text) if len(m.text) > 4]
    assert match.text == expected and match.term.simplified in ("“一带一路”国际合作高峰论坛", "共建“一带一路”国家")
    assert store.search(expected)[0].id == match.term.id
