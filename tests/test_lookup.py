"""Search: every way a translator types a query finds the entry, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import glossary
from glossary import Status
from glossary.search import QueryKind, explain, read_query

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


@pytest.mark.parametrize("query", ["", "   ", "c:", "xyzzyqq", "!!!", "\x00", "e:the qqzx"])
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


SUMMARY_QUERIES = [c["query"] for c in CASES] + [
    "partnership", "e:belt road", "community", "interest", "interests", "policies", "mygtt", "hexin", "核心",
    "伙伴关系", "p:gongtongti", "security", "strategy", "one belt", "c:一带"]


def test_search_summaries_agree_with_lookup(store: glossary.Glossary) -> None:
    for query in SUMMARY_QUERIES:
        full, brief = store.lookup(query), store.search(query)
        assert [(s.id, s.hit) for s in brief] == [(t.id, t.hit) for t in full], query
        for summary, term in zip(brief, full):
            record = term.to_dict()
            record["english"] = {"preferred": record["english"]["preferred"]}
            assert summary.to_dict() == {key: record[key] for key in summary.to_dict()}
            assert (summary.preferred.text, summary.pinyin_as("numbers")) == (
                term.preferred.text, term.pinyin_as("numbers"))


_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"', "\\", "\n\t\x00\x1f", "命運共同體", "“quoted”", "\u2028", "𠀀"])


_ANY_HIT = st.builds(glossary.Hit, _ANY_TEXT, _ANY_TEXT, _ANY_TEXT, st.none() | st.sampled_from(list(Status)))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_ANY_TEXT, min_size=7, max_size=7), domain=st.sampled_from(list(glossary.Domain)),
       hit=st.none() | _ANY_HIT)
def test_a_summary_writes_compact_json_of_its_fields(
        texts: list[str], domain: glossary.Domain, hit: glossary.Hit | None) -> None:
    term_id, simplified, traditional, marks, plain, numbers, english = texts
    summary = glossary.TermSummary(term_id, simplified, traditional, marks, domain,
                                   glossary.Rendering(english, Status.PREFERRED), hit, (plain, numbers))
    written = summary.to_json()
    data = json.loads(written)
    assert written == json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # compact, nothing escaped twice
    assert data == {
        "id": term_id, "simplified": simplified, "traditional": traditional,
        "pinyin": {"marks": marks, "plain": plain, "numbers": numbers},
        "english": {"preferred": english}, "domain": domain.value,
        **({} if hit is None else {"match": {"field": hit.field, "kind": hit.kind, "text": hit.text,
                                             "status": hit.status.value if hit.status else None}})}


def test_a_hit_explained_from_its_key_rank_names_the_rendering_a_full_explanation_finds(
        curated: glossary.Glossary) -> None:
    checked = 0
    for query in SUMMARY_QUERIES:
        parsed = read_query(query)
        with curated.engine.connect() as connection:
            best, _revision = curated.index._rank(connection, parsed, 20, None)
        for term in curated.get_many(list(best)):
            field, kind, rank = best[term.id]
            assert explain(term, parsed, field, kind, rank) == explain(term, parsed, field, kind), (query, term.id)
            checked += field in ("en", "enw") and rank == Status.PREFERRED.rank
    assert checked > 10  # the shortcut was taken


def test_search_after_a_write_reads_the_written_term_not_a_kept_row(empty_store: glossary.Glossary) -> None:
    term = replace(next(t for t in glossary.open("sqlite://").terms() if t.id == "core-interests"), related=())
    empty_store.import_terms([term])
    assert empty_store.search("hexin liyi")[0].preferred.text == "core interests"  # the row is kept now
    renamed = replace(term, renderings=tuple(
        replace(r, text="vital core interests") if r.status is Status.PREFERRED else r for r in term.renderings))
    empty_store.import_terms([renamed], on_conflict="replace")
    assert empty_store.search("hexin liyi")[0].preferred.text == "vital core interests"


def test_among_equal_matches_the_shorter_key_ranks_first_whatever_the_ids(empty_store: glossary.Glossary) -> None:
    base = replace(next(t for t in glossary.open("sqlite://").terms() if t.id == "core-interests"), related=(),
                   variants=())
    longer = replace(base, id="a-security-and-stability", simplified="安全稳定", traditional="安全穩定",
                     pinyin="ānquán wěndìng")
    shorter = replace(base, id="z-security", simplified="安全", traditional="安全", pinyin="ānquán")
    empty_store.import_terms([longer, shorter])
    for query in ("安", "anq", "an1quan2"):  # hanzi, pinyin and toned pinyin prefixes
        assert [t.id for t in empty_store.search(query)][:2] == ["z-security", "a-security-and-stability"], query


_CURATED = glossary.open("sqlite://")
#: Pieces of real queries (headwords, pinyin, English words) and noise to combine them with.
_PIECES = sorted({piece for t in _CURATED.terms() for piece in (
    t.simplified[:2], t.traditional, t.pinyin_as("plain").split(" ")[0], t.pinyin_as("numbers"),
    *t.preferred.text.split()[:2], *(r.text for r in t.renderings[1:2]))})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_PIECES) | st.lists(st.sampled_from(_PIECES) | st.text(max_size=4), min_size=1,
                                              max_size=3).map(" ".join),
       st.sampled_from(["", "", "c:", "p:", "e:"]))
def test_search_and_lookup_agree_on_any_query(curated: glossary.Glossary, query: str, prefix: str) -> None:
    query = prefix + query
    assert [(s.id, s.hit) for s in curated.search(query)] == [(t.id, t.hit) for t in curated.lookup(query)]


@pytest.mark.parametrize("query, first", [
    ("shared future", "community-with-a-shared-future"),
    ("common destiny", "community-with-a-shared-future"),
    ("future shared", "community-with-a-shared-future"),
])
def test_words_rank_the_closest_rendering_above_its_compounds(curated: glossary.Glossary, query: str,
                                                              first: str) -> None:
    results = curated.search(query)
    assert results[0].id == first
    assert len(results) > 3  # the compounds (人类命运共同体, 亚洲命运共同体 …) come after


def test_a_word_finds_short_renderings_before_long_ones(curated: glossary.Glossary) -> None:
    words = [s for s in curated.search("e:partnership", limit=50) if s.hit and s.hit.kind == "words"]
    lengths = [len(s.hit.text) for s in words if s.hit.status is not None and s.hit.status.rank == 0]
    assert lengths == sorted(lengths)
