"""The annotation snapshot's entries held packed (glossary.entries): every field comes back, a
match decodes its entry once per find, the cache stays bounded, and the snapshot holds no
``Term`` objects of its base."""

from __future__ import annotations

import gc
import types
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import glossary
from glossary.csvio import read_terms
from glossary.entries import CACHE, PackedTerms
from glossary.matcher import Matcher
from glossary.terms import Hit, Status, Term
from tests.conftest import DATA

#: as PostgreSQL's driver gives times (a named zone), as SQLite's are read (UTC), fixed offsets
ZONES = [ZoneInfo("Etc/UTC"), timezone.utc, timezone(timedelta(hours=8)), ZoneInfo("Asia/Shanghai"), None,
         ZoneInfo("Europe/Berlin")]
TERMS = sorted(read_terms(DATA / "annotate-terms.csv"), key=lambda t: t.id)


def every_field(term: Term) -> dict[str, object]:
    return {name: getattr(term, name) for name in Term.__dataclass_fields__}


def test_packed_terms_give_back_every_field_of_every_term() -> None:
    shared_time = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    varied = []
    for number, term in enumerate(TERMS):
        created = shared_time if number % 2 else datetime(2020, 5, number % 28 + 1, tzinfo=ZONES[number % 6])
        varied.append(replace(term, created_at=created, updated_at=None if number % 3 == 0 else datetime(2021, 1, 1),
                              version=number or None, sources=("one source",) if number % 2 else term.sources,
                              hit=Hit("english", "exact", "x", Status.ADMITTED) if number % 5 == 0 else None,
                              pinyin_styles=("a b", "a1 b2") if number % 4 == 0 else None))
    packed = PackedTerms(varied)
    assert len(packed) == len(varied)
    for number, term in enumerate(varied):
        assert every_field(packed[number]) == every_field(term)
        assert every_field(packed.decode(number)) == every_field(term)
        assert packed.number(term.id) == number and packed.id_at(number) == term.id
        assert packed.domain_of(number) is term.domain
        for got, want in ((packed[number].created_at, term.created_at), (packed[number].updated_at, term.updated_at)):
            assert got is None and want is None or (got.tzinfo, got.utcoffset()) == (want.tzinfo, want.utcoffset())  # type: ignore[union-attr]
    assert list(packed) == varied and packed[-1] == varied[-1] and packed[1:3] == varied[1:3]
    assert packed.number("no-such-entry") == -1


def test_the_decoded_cache_is_bounded() -> None:
    many = [replace(TERMS[0], id=f"entry-{number:06d}") for number in range(CACHE + 500)]
    packed = PackedTerms(many)
    for number in range(len(many)):
        assert packed[number].id == many[number].id
    assert packed._cached.cache_info().currsize == CACHE  # type: ignore[attr-defined]


def test_a_find_decodes_each_entry_once_however_many_matches_name_it() -> None:
    packed = PackedTerms(TERMS)
    matcher = Matcher(packed)
    decoded: list[int] = []
    original = PackedTerms.decode
    packed._cached = lambda number: decoded.append(number) or original(packed, number)  # type: ignore[method-assign]
    text = "维护核心利益，構建命運共同體，命运共同体。" * 500
    matches = matcher.find(text)
    assert len(matches) == 1500 and not decoded  # making matches decodes nothing
    assert {m.term.id for m in matches} == {"core-interests", "community-with-a-shared-future"}
    assert [m.term for m in matches[:3]] == [m.term for m in matches[3:6]]
    # two patterns (simplified, traditional) of one entry: still one decoding per entry
    assert sorted(decoded) == sorted({packed.number("core-interests"), packed.number("community-with-a-shared-future")})


def test_an_english_find_decodes_each_entry_once() -> None:
    from glossary.english import EnglishMatcher

    packed = PackedTerms(TERMS)
    matcher = EnglishMatcher(packed)
    calls: list[int] = []
    original = packed._cached
    packed._cached = lambda number: calls.append(number) or original(number)  # type: ignore[method-assign]
    found = matcher.find("our core interests and core interests and core interests " * 200)
    assert len(found) == 600 and {m.term.id for m in found} == {"core-interests"}
    assert len(calls) == 1


def terms_held(root: object) -> int:
    """Term objects reachable from ``root`` (not through modules, classes or functions)."""
    seen: set[int] = set()
    stack = [root]
    count = 0
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)):
            continue
        seen.add(id(item))
        count += isinstance(item, Term)
        stack.extend(gc.get_referents(item))
    return count


def test_a_snapshot_holds_its_entries_packed_not_as_terms(tmp_path: Path) -> None:
    store = glossary.open(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    snapshot = store.annotation.snapshot()
    snapshot.matcher().prepare()
    snapshot.english()
    assert len(snapshot.terms) > 1000
    store.annotate("维护核心利益", format="json")
    store.check("the One Belt, One Road")
    snapshot.base.entries._cached.cache_clear()  # what a worker decoded on the way is let go
    assert terms_held(snapshot) == 0


def test_a_patched_snapshot_lists_entries_in_order_with_the_changes(tmp_path: Path) -> None:
    store = glossary.open(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    before = store.annotation.snapshot()
    first, second, third = before.ordered[0], before.ordered[1], before.ordered[5]
    store.put(replace(first, definition="changed once", domain=glossary.Domain.PLACES))
    store.put(replace(store.get(first.id), definition="changed twice"))
    store.withdraw(second.id)
    store.put(replace(third, id=third.id + "-new", simplified=third.simplified + "试区",
                      traditional=third.traditional + "試區", pinyin=third.pinyin + " shìqū", variants=(),
                      version=None))
    after = store.annotation.snapshot()
    assert after.base is before.base  # patched, not rebuilt
    _, stored = store.repository.all_terms()
    assert [t.id for t in after.ordered] == [t.id for t in stored] == list(after.terms)
    assert [t.to_dict() for t in after.ordered] == [t.to_dict() for t in stored]
    assert after.terms[first.id].definition == "changed twice" and second.id not in after.terms
    assert len(after.terms) == len(stored) and after.ordered[0].definition == "changed twice"
    for domain in glossary.Domain:  # an export of one domain decodes only that domain's entries
        assert store.terms(domain) == [t for t in stored if t.domain is domain]
        assert before.entries(domain) == [t for t in before.ordered if t.domain is domain]
