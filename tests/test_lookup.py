"""Search: every way a translator types a query finds the entry, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv

import pytest

import glossary
from glossary import Status
from glossary.search import QueryKind, read_query

from conftest import DATA

with open(DATA / "lookup_cases.csv", encoding="utf-8", newline="") as handle:
    CASES = list(csv.DictReader(handle))


@pytest.mark.parametrize("case", CASES, ids=[c["query"] for c in CASES])
def test_golden_query_finds_entry_first(curated: glossary.Glossary, case: dict[str, str]) -> None:
    results = curated.lookup(case["query"])
    assert results, f"nothing found for {case['query']!r}"
    assert results[0].id == case["expected_id"]
    assert results[0].hit is not None and results[0].hit.field == case["hit_field"]
    if case["hit_status"]:
        assert results[0].hit.status is Status(case["hit_status"])


def test_golden_queries_agree_on_postgresql(store: glossary.Glossary) -> None:
    for case in CASES:
        results = store.lookup(case["query"])
        assert results and results[0].id == case["expected_id"], case["query"]


@pytest.mark.parametrize("query, kinds", [
    ("命运", (QueryKind.HANZI,)),
    ("mingyun", (QueryKind.PINYIN, QueryKind.ENGLISH)),
    ("ming4yun4", (QueryKind.PINYIN,)),
    ("mìngyùn", (QueryKind.PINYIN,)),
    ("core interests", (QueryKind.ENGLISH,)),
    ("e:mingyun", (QueryKind.ENGLISH,)),
    ("p:mygtt", (QueryKind.PINYIN,)),
    ("c:命运", (QueryKind.HANZI,)),
])
def test_query_kind_is_detected_or_forced(query: str, kinds: tuple[QueryKind, ...]) -> None:
    assert read_query(query).kinds == kinds


def test_exact_match_ranks_above_prefix_and_substring(curated: glossary.Glossary) -> None:
    ids = [t.id for t in curated.lookup("命运共同体")]
    assert ids[0] == "community-with-a-shared-future"
    assert "community-with-a-shared-future-for-mankind" in ids  # substring: 人类命运共同体
    assert ids.index("community-with-a-shared-future") < ids.index("community-with-a-shared-future-for-mankind")
    kinds = {t.id: t.hit.kind for t in curated.lookup("命运共同体") if t.hit}
    assert kinds["community-with-a-shared-future"] == "exact"
    assert kinds["community-with-a-shared-future-for-mankind"] == "substring"


def test_prefix_finds_longer_headwords(curated: glossary.Glossary) -> None:
    results = curated.lookup("全面战略")
    assert {"comprehensive-strategic-partnership", "comprehensive-strategic-cooperative-partnership"} <= {
        t.id for t in results}
    assert all(t.hit and t.hit.kind in ("exact", "prefix", "substring") for t in results)


def test_preferred_rendering_ranks_above_outdated_one(curated: glossary.Glossary) -> None:
    results = curated.lookup("e:belt and road")
    assert results[0].id == "belt-and-road-initiative"
    assert results[0].hit is not None and not results[0].hit.status.outdated


def test_outdated_rendering_hit_names_its_status(curated: glossary.Glossary) -> None:
    term = curated.lookup("community of common destiny")[0]
    assert term.hit is not None
    assert term.hit.text == "community of common destiny"
    assert term.hit.status is Status.SUPERSEDED
    assert term.to_dict()["match"]["status"] == "superseded"


def test_domain_filter_keeps_only_that_domain(curated: glossary.Glossary) -> None:
    results = curated.lookup("e:partnership", domain="diplomacy", limit=50)
    assert results and all(t.domain.value == "diplomacy" for t in results)


def test_limit_caps_results(curated: glossary.Glossary) -> None:
    assert len(curated.lookup("e:cooperation", limit=3)) == 3


@pytest.mark.parametrize("query", ["", "   ", "c:", "xyzzyqq", "!!!", "\x00", "e:the of"])
def test_query_with_nothing_to_find_returns_empty(curated: glossary.Glossary, query: str) -> None:
    assert curated.lookup(query) == []


def test_english_words_in_any_order_find_the_entry(curated: glossary.Glossary) -> None:
    ids = [t.id for t in curated.lookup("partnership permanent", limit=20)]
    assert "permanent-comprehensive-strategic-partnership" in ids


def test_with_hit_copies_the_term_and_leaves_the_original_alone(curated: glossary.Glossary) -> None:
    from glossary import Hit

    term = curated.get("core-interests")
    hit = Hit("english", "exact", "core interests", Status.PREFERRED)
    copy = term.with_hit(hit)
    assert copy.hit == hit and term.hit is None
    assert copy == term and copy.to_dict()["match"]["text"] == "core interests"
    assert "match" not in term.to_dict()
