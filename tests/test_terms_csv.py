"""The curated content: every row of the real terms.csv is valid, sourced and consistent."""

from __future__ import annotations

import re

import pytest

from conftest import SEED_ARTICLE, TERMS_CSV, skip_or_fail
from glossary import Status
from glossary.csvio import read_terms, write_terms
from glossary.validate import Profile, entry_problems, set_problems

TERMS = read_terms(TERMS_CSV, profile=Profile.CURATED)
BY_ID = {t.id: t for t in TERMS}
BY_HEADWORD = {t.simplified: t for t in TERMS}

#: The seed article's citations: “english” (中文, pinyin).
SEED_CITATION = re.compile(r"“([^”]+)” \(([\u4e00-\u9fff、]+), ([a-z ,]+)\)")
#: Where the national word-joining rules (GB/T 16159-2012) differ from the article's spacing.
SEED_SPACING_DIFFERENCES = {
    "全方位合作": ("quan fangwei hezuo", "quanfangwei hezuo"),  # 全方位 is one word
}


#: The families a translator of political and diplomatic text meets, and how many concepts each
#: must hold at least (issue 14).
FAMILY_MINIMUMS = {"party": 120, "economy": 150, "diplomacy": 150, "security": 80, "sovereignty": 80,
                   "society": 100, "governance": 80, "belt-and-road": 80, "institutions": 150, "idioms": 80,
                   "places": 30}


def test_terms_csv_has_at_least_1200_valid_concepts() -> None:
    assert len(TERMS) >= 1200


@pytest.mark.parametrize("family, minimum", FAMILY_MINIMUMS.items())
def test_every_family_has_real_depth(family: str, minimum: int) -> None:
    assert sum(t.domain.value == family for t in TERMS) >= minimum


def test_ids_and_headwords_are_unique() -> None:
    assert len(BY_ID) == len(TERMS)
    assert len(BY_HEADWORD) == len(TERMS)


def test_export_gives_back_terms_csv_byte_for_byte() -> None:
    assert write_terms(TERMS) == TERMS_CSV.read_bytes()


def test_every_row_meets_the_curated_rules_of_the_one_validator() -> None:
    """Sources, definitions, pinyin explained where it differs from the generator, variant pinyin,
    links both ways…: glossary.validate.Profile.CURATED, which `glossary lint` also runs.
    (read_terms raises on the first file with a problem; this says which rows.)"""
    problems = [(t.id, field, message) for t in TERMS for field, message in entry_problems(t, Profile.CURATED)]
    problems += [(TERMS[i].id, field, message) for i, field, message in set_problems(TERMS, Profile.CURATED)]
    assert problems == []


def test_partnership_traditional_form_uses_hong_kong_huo() -> None:
    assert BY_ID["permanent-comprehensive-strategic-partnership"].traditional == "永久全面戰略夥伴關係"
    assert all("夥伴" in t.traditional for t in TERMS if "伙伴" in t.simplified)


@pytest.mark.parametrize("family", [
    ["一带一路", "丝绸之路经济带", "21世纪海上丝绸之路", "五通", "政策沟通", "设施联通", "贸易畅通", "资金融通",
     "民心相通", "共商共建共享", "丝路精神"],
    ["战略伙伴关系", "全面战略伙伴关系", "全面战略合作伙伴关系", "永久全面战略伙伴关系", "全天候战略合作伙伴关系"],
    ["命运共同体", "人类命运共同体", "中哈命运共同体"],
    ["全球发展倡议", "全球安全倡议", "全球文明倡议"],
    ["上海合作组织", "上海精神", "亚洲相互协作与信任措施会议"],
    ["核心利益", "三股势力", "宗教中国化"],
    ["睦邻友好", "互利共赢", "同舟共济", "政治互信", "元首外交"],
])
def test_required_families_are_present(family: list[str]) -> None:
    missing = [word for word in family if word not in BY_HEADWORD]
    assert not missing


def test_high_quality_belt_and_road_cooperation_is_present() -> None:
    assert any(t.simplified.startswith("高质量共建") and "一带一路" in t.simplified for t in TERMS)


def test_known_traps_are_encoded() -> None:
    bri = BY_HEADWORD["一带一路"]
    assert "One Belt, One Road" in [r.text for r in bri.english(Status.DEPRECATED)]
    assert "Belt and Road strategy" in [r.text for r in bri.renderings if r.status.outdated]
    shared = BY_HEADWORD["命运共同体"]
    assert "community of common destiny" in [r.text for r in shared.english(Status.SUPERSEDED)]
    one_china = BY_HEADWORD["一个中国原则"]
    assert one_china.preferred.text == "one-China principle"
    assert "One-China policy" not in [r.text for r in one_china.english(Status.ADMITTED)]


def seed_citations() -> list[tuple[str, str, str]]:
    return SEED_CITATION.findall(SEED_ARTICLE.read_text(encoding="utf-8")) if SEED_ARTICLE.exists() else []


def test_seed_article_is_available() -> None:
    if not SEED_ARTICLE.exists():
        skip_or_fail(f"the seed article is not at {SEED_ARTICLE}: CI keeps a copy of shared/ beside the clone")
    assert len(seed_citations()) == 8


# a missing article skips (fails in CI) here, rather than leaving an empty parametrisation
@pytest.mark.parametrize("english, chinese, article_pinyin", seed_citations() or [("", "<seed article missing>", "")],
                         ids=lambda v: str(v)[:12])
def test_seed_term_is_present_with_the_articles_pinyin(english: str, chinese: str, article_pinyin: str) -> None:
    if not SEED_ARTICLE.exists():
        skip_or_fail(f"the seed article is not at {SEED_ARTICLE}: CI keeps a copy of shared/ beside the clone")
    term = BY_HEADWORD.get(chinese)
    assert term is not None, f"{chinese} from the seed article is missing"
    plain = term.pinyin_as("plain")
    if chinese in SEED_SPACING_DIFFERENCES:
        assert (article_pinyin, plain) == SEED_SPACING_DIFFERENCES[chinese]
    else:
        assert plain == article_pinyin
    assert re.sub(r"[^a-z]", "", plain) == re.sub(r"[^a-z]", "", article_pinyin)
    texts = [r.text.lower() for r in term.renderings]
    assert any(english.lower().startswith(text) or text in english.lower() for text in texts), (
        f"{chinese}: the article's rendering {english!r} is not among {texts}")


def test_curated_rows_use_a_policy_domain() -> None:
    assert not [t.id for t in TERMS if t.domain.value == "general"]
