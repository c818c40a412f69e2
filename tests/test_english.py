"""The English side: finding renderings and inserting “(中文, pinyin)” the way analysts write it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from glossary.csvio import read_terms
from glossary.english import EnglishMatcher, annotate_english, fold_english, number_variants
from glossary.terms import Rendering, Term
from tests.conftest import DATA

TERMS = read_terms(DATA / "annotate-terms.csv")
MATCHER = EnglishMatcher(TERMS)


def found(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.term.id, m.rendering.status.value) for m in MATCHER.find(text)]


@pytest.mark.parametrize("text, expected", [
    ("Core Interests matter.", [("Core Interests", "core-interests", "preferred")]),
    ("a core interest of China", [("core interest", "core-interests", "preferred")]),
    ("encore interests and core interestsx", []),  # whole words only
    ("the “One Belt, One Road” plan", [("One Belt, One Road", "belt-and-road-initiative", "deprecated")]),
    ('the "community of common destiny"',
     [("community of common destiny", "community-with-a-shared-future", "superseded")]),
    ("a community with a shared future for mankind",
     [("community with a shared future for mankind", "community-with-a-shared-future-for-mankind", "preferred")]),
    ("their permanent comprehensive strategic partnership",
     [("permanent comprehensive strategic partnership", "permanent-comprehensive-strategic-partnership",
       "preferred")]),
    ("core\ninterests", [("core\ninterests", "core-interests", "preferred")]),
    ("", []),
])
def test_renderings_are_found_case_insensitively_as_whole_words_singular_or_plural(text: str,
                                                                                  expected: list) -> None:
    assert found(text) == expected


def test_number_variants_give_singular_and_plural_and_drop_a_leading_the() -> None:
    assert number_variants("the Belt and Road Initiative") == {"Belt and Road Initiative", "Belt and Road Initiatives"}


def test_longer_rendering_wins_over_one_with_a_leading_article() -> None:
    # "the Belt and Road" (admitted) must not cut "Belt and Road strategy" (deprecated) in two
    from tests.conftest import TERMS_CSV

    matches = EnglishMatcher(read_terms(TERMS_CSV)).find("to advance the Belt and Road strategy.")
    assert [(m.text, m.term.id, m.rendering.status.value) for m in matches] == [
        ("Belt and Road strategy", "belt-and-road-initiative", "deprecated")]
    assert number_variants("community of interests") >= {"community of interest"}
    assert number_variants("SCO") == {"SCO"}


@pytest.mark.parametrize("text, expected", [
    # after the closing quote when the rendering is quoted, with straight or curly quotes
    ("not to harm each other’s “core interests” such as",
     "not to harm each other’s “core interests” (核心利益, hexin liyi) such as"),
    ('not to harm "core interests" such as', 'not to harm "core interests" (核心利益, hexin liyi) such as'),
    ("a “core interest,” they said", "a “core interest,” (核心利益, hexin liyi) they said"),
    # right after the rendering when it is not quoted; only the first occurrence
    ("core interests and core interests", "core interests (核心利益, hexin liyi) and core interests"),
    # after an acronym in brackets that follows the rendering
    ("the Belt and Road Initiative (BRI) and the BRI",
     "the Belt and Road Initiative (BRI) (一带一路, yidai yilu) and the BRI"),
    # outdated renderings are recognised too
    ("the “One Belt, One Road” initiative", "the “One Belt, One Road” (一带一路, yidai yilu) initiative"),
    # never where the Chinese is already given
    ("“core interests” (核心利益, hexin liyi) and core interests",
     "“core interests” (核心利益, hexin liyi) and core interests"),
    ("core interests 核心利益", "core interests 核心利益"),
    ("“core interests”（核心利益）", "“core interests”（核心利益）"),
    # a bracket without Chinese after the term is no reason to hold back
    ("core interests (Xinhua, 2019)", "core interests (核心利益, hexin liyi) (Xinhua, 2019)"),
    # a mention inside a longer quotation is passed over for one standing on its own
    ("“an eternal comprehensive strategic partnership for ever” and a “permanent comprehensive strategic "
     "partnership”",
     "“an eternal comprehensive strategic partnership for ever” and a “permanent comprehensive strategic "
     "partnership” (永久全面战略伙伴关系, yongjiu quanmian zhanlue huoban guanxi)"),
    # … unless the quotation is the only place the term appears
    ("“we value core interests above all”", "“we value core interests (核心利益, hexin liyi) above all”"),
    # a quoted rendering with its article inside the quotes
    ("the “the Belt and Road” idea", "the “the Belt and Road” (一带一路, yidai yilu) idea"),
    ("No terms here.", "No terms here."),
    ("", ""),
])
def test_the_gloss_follows_the_first_occurrence_as_analysts_write_it(text: str, expected: str) -> None:
    assert annotate_english(text, MATCHER) == expected


def test_every_occurrence_can_be_glossed_and_the_pinyin_style_chosen() -> None:
    output = annotate_english("core interests, core interests", MATCHER, pinyin="marks", first_only=False)
    assert output == "core interests (核心利益, héxīn lìyì), core interests (核心利益, héxīn lìyì)"
    assert annotate_english("core interests", MATCHER, pinyin="numbers") == "core interests (核心利益, he2xin1 li4yi4)"


ENGLISH = [r.text for t in TERMS for r in t.renderings]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(ENGLISH), st.sampled_from(["“", "”", '"', " "])),
                max_size=8).map("".join))
def test_glossing_never_raises_keeps_the_text_and_never_glosses_twice(text: str) -> None:
    once = annotate_english(text, MATCHER)
    assert annotate_english(once, MATCHER) == once
    glosses = {f" ({t.simplified}, {t.pinyin_as('plain')})" for t in TERMS}
    stripped = once
    for gloss in glosses:
        stripped = stripped.replace(gloss, "")
    assert stripped == text


@pytest.mark.parametrize("text, expected", [
    # a possessive stays with its noun
    ("the SCO’s members", "the SCO’s (上海合作组织, Shanghai Hezuo Zuzhi) members"),
    ("the SCO's members", "the SCO's (上海合作组织, Shanghai Hezuo Zuzhi) members"),
    # nothing is glossed inside brackets, such as a citation
    ("(Shanghai Cooperation Organization Daily, May 1)", "(Shanghai Cooperation Organization Daily, May 1)"),
    ("(SCO Daily) and the SCO", "(SCO Daily) and the SCO (上海合作组织, Shanghai Hezuo Zuzhi)"),
])
def test_possessives_and_brackets(text: str, expected: str) -> None:
    assert annotate_english(text, MATCHER) == expected


def test_owners_list_every_term_and_rendering_of_a_pattern_best_status_first_and_a_patch_drops_stale_ones() -> None:
    """``owners`` is read by checks and annotation (made on reading: the matcher keeps them
    packed); a patched matcher leaves out the changed entries' old owners and adds the new."""
    from dataclasses import replace

    from glossary.overlay import PatchedEnglish
    from glossary.terms import Rendering, Status

    core = next(t for t in TERMS if t.id == "core-interests")
    twin = replace(core, id="core-interests-2", renderings=(Rendering("core interests", Status.SUPERSEDED),
                                                            Rendering("key interests", Status.PREFERRED)))
    base = EnglishMatcher([core, twin])
    pid = base.scan("core interests")[0][0]
    assert [(t.id, r.text, r.status) for t, r in base.owners[pid]] == [
        ("core-interests", "core interests", Status.PREFERRED), ("core-interests-2", "core interests", Status.SUPERSEDED)]
    assert len(base.owners) == len(base.patterns) and base.owners[-1] == base.owners[len(base.owners) - 1]
    assert list(base.owners) == [base.owners_of(p) for p in range(len(base.patterns))]
    with pytest.raises(IndexError):
        base.owners[len(base.patterns)]

    changed = replace(twin, renderings=(Rendering("vital interests", Status.PREFERRED),))
    patched = PatchedEnglish(base, EnglishMatcher([changed]), {twin.id})
    assert [(t.id, r.text) for t, r in patched.owners[pid]] == [("core-interests", "core interests")]
    assert [(m.text, m.term.id) for m in patched.find("key interests, vital interests")] == [
        ("vital interests", "core-interests-2")]
    assert len(patched.owners) == len(base.patterns) + 2  # vital interest(s)


# --- the automaton holds heads of the patterns (glossary.english.pattern_heads) ---------------

@pytest.fixture
def heads_for_few_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests below build matchers over a few renderings: heads for them too (a glossary's
    patterns have heads from HEADS_FROM characters on)."""
    import glossary.english as english

    monkeypatch.setattr(english, "HEADS_FROM", 0)


def test_a_small_glossary_s_automaton_holds_its_patterns_and_a_large_one_their_heads(monkeypatch: pytest.MonkeyPatch) -> None:
    import glossary.english as english

    renderings = ("comprehensive strategic partnership", "comprehensive strategic partnerships",
                  "comprehensive strategic cooperation")
    small = EnglishMatcher(_terms(*renderings))
    assert len(small._sole) == len(small.patterns) and min(small._sole) >= 0  # each pattern its own head
    monkeypatch.setattr(english, "HEADS_FROM", 60)
    large = EnglishMatcher(_terms(*renderings))
    assert len(large._sole) < len(large.patterns)
    text = "comprehensive strategic partnerships and comprehensive strategic cooperation"
    assert [(m.start, m.end) for m in small.find(text)] == [(m.start, m.end) for m in large.find(text)] == [(0, 36), (41, 76)]

def _terms(*renderings: str) -> list[Term]:
    from glossary.terms import Domain, Status

    return [Term(f"t{number}", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
                 (Rendering(text, Status.PREFERRED),)) for number, text in enumerate(renderings)]


def _brute_force(matcher: EnglishMatcher, text: str) -> set[tuple[int, int, int]]:
    """Every whole-word occurrence of every pattern, found by ``str.find``."""
    folded = fold_english(text)
    found = set()
    for pid, pattern in enumerate(matcher.patterns):
        at = folded.find(pattern)
        while at >= 0:
            end = at + len(pattern)
            if not ((at and folded[at - 1].isalnum()) or (end < len(folded) and folded[end].isalnum())):
                found.add((pid, at, end))
            at = folded.find(pattern, at + 1)
    return found


@pytest.mark.usefixtures("heads_for_few_patterns")
def test_renderings_sharing_their_first_words_are_each_found_where_they_are_and_only_there() -> None:
    matcher = EnglishMatcher(_terms("comprehensive strategic partnership", "comprehensive strategic cooperation",
                                    "comprehensive strategic dialogue", "comprehensive strategic partnership of coordination",
                                    "comprehensive strategy", "comprehensive"))
    text = ("a comprehensive strategic cooperation and comprehensive strategic partnership of coordination; "
            "comprehensive strategic talks, comprehensive strategic dialogues, comprehensive strat")
    assert [m.text for m in matcher.find(text)] == [
        "comprehensive strategic cooperation", "comprehensive strategic partnership of coordination",
        "comprehensive", "comprehensive strategic dialogues", "comprehensive"]
    assert set(matcher.candidates(fold_english(text))) == _brute_force(matcher, text)


@pytest.mark.usefixtures("heads_for_few_patterns")
def test_a_rendering_is_found_at_a_word_start_only_even_where_its_head_is_inside_a_word() -> None:
    matcher = EnglishMatcher(_terms("core interests", "interests of the people", "people"))
    text = "encore interests; xinterests of the people; core interestsx; peoplehood, people’s"
    assert [m.text for m in matcher.find(text)] == ["people", "people"]
    assert set(matcher.candidates(fold_english(text))) == _brute_force(matcher, text)


@pytest.mark.usefixtures("heads_for_few_patterns")
@pytest.mark.parametrize("text, expected", [
    ("the U.S.-China talks", ["U.S."]),
    ("the U.S.A.", []),  # "u.s." inside "u.s.a."
    ("aU.S. talks", []),
    ("“U.S.” policy", ["U.S."]),
    ("(bound form) of it", ["(bound form)"]),
    ("x(bound form) of it", []),  # a rendering starting with a bracket: after a letter it is not a word
    ("(bound form)s", []),  # … nor before one, though it ends with a bracket
    ("(bound form).", ["(bound form)"]),
    ("Party's leadership and the party’s leadership", ["Party's leadership", "party’s leadership"]),
])
def test_renderings_that_start_or_end_with_punctuation_are_matched_as_before(text: str, expected: list[str]) -> None:
    matcher = EnglishMatcher(_terms("U.S.", "(bound form)", "party's leadership"))
    assert [m.text for m in matcher.find(text)] == expected


@pytest.mark.usefixtures("heads_for_few_patterns")
def test_offsets_are_into_the_callers_text_after_characters_outside_the_bmp_and_folded_ones() -> None:
    matcher = EnglishMatcher(_terms("core interests", "𝔘 policy", "İstanbul talks"))
    text = "😀 CORE‑INTERESTS, 𝔘 policy; İstanbul talks"
    assert [(m.start, m.end, m.text) for m in matcher.find(text)] == [
        (2, 16, "CORE‑INTERESTS"), (18, 26, "𝔘 policy"), (28, 42, "İstanbul talks")]


@pytest.mark.usefixtures("heads_for_few_patterns")
def test_a_head_at_the_end_of_the_text_with_its_pattern_cut_short_finds_nothing() -> None:
    matcher = EnglishMatcher(_terms("comprehensive strategic partnership", "comprehensive strategic cooperation"))
    assert matcher.find("the comprehensive strategic partner") == []
    assert matcher.find("comprehensive strategic") == []


def test_pattern_heads_are_prefixes_shared_by_few_patterns_and_at_least_ten_characters_long() -> None:
    from glossary.english import pattern_heads

    patterns = [f"to take {word}" for word in ("a look", "a break", "a bath", "a bow", "a chance", "care")] + ["to", "to take"]
    heads = pattern_heads(patterns)
    assert sorted(number for numbers in heads.values() for number in numbers) == list(range(len(patterns)))
    for head, numbers in heads.items():
        assert all(patterns[number].startswith(head) for number in numbers)
        assert len(head) >= 10 or [patterns[number] for number in numbers] == [head]
        assert sum(pattern.startswith(head) for pattern in patterns) <= 4 or [patterns[n] for n in numbers] == [head]
    assert heads["to"] == [6] and heads["to take"] == [7]
    assert pattern_heads([]) == {} and pattern_heads(["one"]) == {"one": [0]}


WORDS = st.text(alphabet="ab .'-’(é𝔘", min_size=1, max_size=14)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12), st.text(alphabet="abAB .'-’(é𝔘x\n", max_size=60),
       st.sampled_from([(4, 10), (2, 1), (3, 4), (4, 2)]))
def test_candidates_are_every_whole_word_occurrence_of_every_pattern(renderings: list[str], text: str,
                                                                     heads: tuple[int, int]) -> None:
    """Against ``str.find`` over every pattern, also with heads shorter and shared by fewer patterns
    than the defaults, so that many patterns share a head."""
    import glossary.english as english

    shared, length = heads
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(english, "HEADS_FROM", 0)
        patch.setattr(english, "HEAD_SHARED", shared)
        patch.setattr(english, "HEAD_LENGTH", length)
        matcher = EnglishMatcher(_terms(*[r for r in renderings if r.strip(" -")]))
    assert sorted(matcher.candidates(fold_english(text))) == sorted(_brute_force(matcher, text))
