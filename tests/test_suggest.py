"""Did-you-mean keys (glossary.suggest): the terms a few typos away, and a copy patched after a
write that offers the changed entries' new keys and no longer their old ones."""

from __future__ import annotations

import pytest

from glossary.search import read_query
from glossary.suggest import Suggester

ROWS = [
    ("py", "mingyungongtongti", "cs"), ("en", "community with a shared future", "cs"), ("hz", "命运共同体", "cs"),
    ("py", "hexinliyi", "core"), ("en", "core interests", "core"), ("hz", "核心利益", "core"),
    ("py", "hexinliyi", "core-2"),  # a key two entries share
    ("en", "core interests", "core"), ("py", "yidaiyilu", "bri"), ("en", "belt and road", "bri"),
]


def nearest(suggester: Suggester, query: str) -> list[tuple[str, str, str, int]]:
    return [(s.term_id, s.field, s.key, s.edits) for s in suggester.suggest(read_query(query))]


@pytest.mark.parametrize(("query", "expected"), [
    ("mingyun gongtongi", [("cs", "pinyin", "mingyungongtongti", 1)]),
    ("comunity with a shared future", [("cs", "english", "community with a shared future", 1)]),
    ("命运共同休", [("cs", "hanzi", "命运共同体", 1)]),
    ("hexinlii", [("core", "pinyin", "hexinliyi", 1), ("core-2", "pinyin", "hexinliyi", 1)]),
    ("core interest", [("core", "english", "core interests", 1)]),
    ("hexinliyi", []),  # exact: the search finds it, no suggestion
    ("zzzzzzzz", []),
])
def test_the_keys_a_few_typos_away_name_their_terms(query: str, expected: list[tuple[str, str, str, int]]) -> None:
    assert nearest(Suggester(ROWS), query) == expected


def test_a_patched_copy_offers_the_new_keys_and_forgets_the_old_ones_and_the_original_stays() -> None:
    before = Suggester(ROWS)
    # "core" renamed (new pinyin and English), "bri" withdrawn, a new entry sharing a key
    after = before.patched(["core", "bri", "new"], [
        ("py", "zhongdianliyi", "core"), ("en", "core interest of the state", "core"),
        ("en", "community with a shared future", "new"), ("py", "hexinliyi", "new")])
    assert nearest(after, "hexinlii") == [("core-2", "pinyin", "hexinliyi", 1), ("new", "pinyin", "hexinliyi", 1)]
    assert nearest(after, "zhongdianliy") == [("core", "pinyin", "zhongdianliyi", 1)]
    assert nearest(after, "core interest of the stat") == [("core", "english", "core interest of the state", 1)]
    assert nearest(after, "belt and roads") == []
    assert nearest(after, "comunity with a shared future") == [
        ("cs", "english", "community with a shared future", 1), ("new", "english", "community with a shared future", 1)]
    assert nearest(before, "belt and roads") == [("bri", "english", "belt and road", 1)]  # the original is untouched
    assert nearest(before, "hexinlii") == [("core", "pinyin", "hexinliyi", 1), ("core-2", "pinyin", "hexinliyi", 1)]
    # patched again: a term changed twice keeps only its latest keys
    again = after.patched(["core"], [("py", "hexinliyi", "core")])
    assert nearest(again, "zhongdianliy") == []
    assert nearest(again, "hexinlii") == [("core-2", "pinyin", "hexinliyi", 1), ("new", "pinyin", "hexinliyi", 1),
                                          ("core", "pinyin", "hexinliyi", 1)]
