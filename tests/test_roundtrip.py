"""Whatever the store accepts, its own export re-imports identically, in every lossless format.

Random entries (hypothesis) with the awkward parts real glossaries have — brackets, bars,
semicolons and backslashes in renderings, quotes and line breaks in definitions, cells that look
like formulas, variants of every kind, entries without sources or definitions, one-way links —
go into a store; each format's export is read back into a new store, whose export must be the
same bytes and whose entries must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import glossary
from glossary import Domain, Form, FormKind, InvalidInput, Rendering, Status, Term
from glossary.formats import EXPORTS, detect_import_format
from glossary.pinyin_generate import suggest

from conftest import DATA

LOSSLESS = [name for name, fmt in EXPORTS.items() if fmt.lossless]
HANZI = "中国和平发展合作共赢命运体战略伙伴关系核心利益一带路安全倡议香港台湾"
TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=30)
AWKWARD = st.sampled_from(["[x]", "a | b", "x; y", "back\\slash", "=SUM(A1)", "+1", "-2", "@me", '"q"', "’s",
                           "line\nbreak", "tab\there", "  spaced  ", "中文", "a,b"])
WORDS = st.lists(st.one_of(TEXT, AWKWARD), min_size=1, max_size=3).map(" ".join).map(str.strip).filter(bool)
YEARS = st.sampled_from([None, "2015-", "2011-2017", "-2015", "2019"])


@st.composite
def entries(draw: st.DrawFn, index: int) -> Term:
    hanzi = "".join(draw(st.lists(st.sampled_from(HANZI), min_size=2, max_size=6)))
    sources = tuple(draw(st.lists(WORDS, max_size=3)))
    renderings = [Rendering(draw(WORDS), Status.PREFERRED, draw(YEARS), draw(st.none() | WORDS),
                            draw(st.sampled_from([None, "1"] if sources else [None])))]
    for status in draw(st.lists(st.sampled_from([Status.ADMITTED, Status.DEPRECATED, Status.SUPERSEDED]),
                                max_size=3)):
        renderings.append(Rendering(draw(WORDS), status, draw(YEARS), draw(st.none() | WORDS),
                                    draw(st.sampled_from([None, "1"] if sources else [None]))))
    variants = tuple(Form(f"{hanzi}{n}号", kind, draw(st.sampled_from(["", suggest(f"{hanzi}{n}号")])))
                     for n, kind in enumerate(draw(st.lists(st.sampled_from(list(FormKind)[2:]), max_size=2))))
    return Term(f"entry-{index}", hanzi, hanzi if draw(st.booleans()) else "", suggest(hanzi),
                draw(st.sampled_from(list(Domain))), draw(st.one_of(st.just(""), WORDS)), tuple(renderings),
                variants=variants, sources=sources, traditional_curated=False,
                pinyin_curated=draw(st.booleans()), pinyin_note=draw(st.one_of(st.just(""), WORDS)))


@st.composite
def glossaries(draw: st.DrawFn) -> list[Term]:
    terms = [draw(entries(index)) for index in range(draw(st.integers(1, 4)))]
    from dataclasses import replace

    from glossary.script import to_traditional

    terms = [replace(t, traditional=t.traditional or to_traditional(t.simplified),
                     traditional_curated=bool(t.traditional)) for t in terms]
    if len(terms) > 1 and draw(st.booleans()):  # a one-way link: the store makes it two-way
        terms[0] = replace(terms[0], related=(terms[1].id,))
    return terms


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(terms=glossaries())
def test_what_the_store_accepts_its_export_gives_back_in_every_format(tmp_path: Path, terms: list[Term]) -> None:
    store = glossary.open("sqlite://", seed=False)
    try:
        store.import_terms(terms)
    except InvalidInput:
        assume(False)  # not accepted: nothing to give back
    kept = store.terms()
    for name in LOSSLESS:
        data = store.export(name)
        path = tmp_path / f"export.{EXPORTS[name].extension}"
        path.write_bytes(data)
        again = glossary.open("sqlite://", seed=False)
        again.import_terms(detect_import_format(path).read(path, {}))
        assert again.terms() == kept, name
        assert again.export(name) == data, name
        again.dispose()
    store.dispose()


def test_a_weblate_tbx_import_exports_a_csv_that_reads_back(tmp_path: Path) -> None:
    store = glossary.open("sqlite://", seed=False)
    path = DATA / "interchange-weblate.tbx"
    store.import_terms(detect_import_format(path).read(path, {}))
    csv_path = tmp_path / "export.csv"
    csv_path.write_bytes(store.export("csv"))
    again = glossary.open("sqlite://", seed=False)
    again.import_terms(detect_import_format(csv_path).read(csv_path, {}))
    assert again.terms() == store.terms()


def test_duplicate_headwords_are_refused_by_the_store(tmp_path: Path) -> None:
    store = glossary.open("sqlite://", seed=False)
    first = Term("a", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
                 (Rendering("core interests", Status.PREFERRED),))
    store.import_terms([first])
    from dataclasses import replace

    with pytest.raises(InvalidInput, match="already the entry 'a'"):
        store.import_terms([replace(first, id="b")])
