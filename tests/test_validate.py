"""The one validator: the rules of the store (any entry), of terms.csv (curated) and of a set."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from glossary import Domain, Form, FormKind, Rendering, Status, Term
from glossary.validate import LIMITS, Profile, entry_problems, set_problems

GOOD = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY,
            "Interests a state treats as non-negotiable.",
            (Rendering("core interests", Status.PREFERRED, source="1"),), sources=("Xinhua, 2011-09-06",),
            updated_at=datetime(2024, 1, 1, tzinfo=timezone.utc))


def fields(term: Term, profile: Profile = Profile.ENTRY) -> list[str]:
    return [field for field, _message in entry_problems(term, profile)]


def test_a_good_entry_meets_both_profiles() -> None:
    assert entry_problems(GOOD) == [] and entry_problems(GOOD, Profile.CURATED) == []


@pytest.mark.parametrize("change, field", [
    ({"id": "Core Interests"}, "id"),
    ({"id": "x" * 81}, "id"),
    ({"simplified": "core"}, "simplified"),
    ({"simplified": "核" * (LIMITS["simplified"] + 1), "pinyin": " ".join(["hé"] * (LIMITS["simplified"] + 1))},
     "simplified"),
    ({"pinyin": "héxīn lì"}, "pinyin"),
    ({"renderings": ()}, "english"),
    ({"renderings": (Rendering("a", Status.PREFERRED), Rendering("b", Status.PREFERRED))}, "english"),
    ({"renderings": (Rendering("core interests", Status.PREFERRED, source="2"),)}, "english"),
    ({"renderings": (Rendering("x" * (LIMITS["preferred"] + 1), Status.PREFERRED),)}, "english"),
    ({"variants": (Form("核心", FormKind.SHORT, "héxīn lìyì"),)}, "variants"),
    ({"related": ("Not An Id",)}, "related"),
    ({"related": ("core-interests",)}, "related"),
])
def test_what_the_store_refuses(change: dict[str, object], field: str) -> None:
    assert field in fields(replace(GOOD, **change))  # type: ignore[arg-type]


@pytest.mark.parametrize("change, field", [
    ({"definition": ""}, "definition"),
    ({"domain": Domain.GENERAL}, "domain"),
    ({"sources": ()}, "sources"),
    ({"sources": ("Xinhua",)}, "sources"),
    ({"renderings": (Rendering("core interests", Status.PREFERRED),)}, "english"),
    ({"renderings": GOOD.renderings + (Rendering("old", Status.SUPERSEDED, years="2011-2013"),)},
     "english_deprecated"),
    ({"renderings": GOOD.renderings + (Rendering("old", Status.SUPERSEDED, source="1"),)}, "english_deprecated"),
    ({"pinyin": "héxīn lìyí"}, "pinyin_note"),  # differs from the generator, unexplained
    ({"pinyin": "héxin lìyì"}, "pinyin_note"),
    ({"variants": (Form("核心", FormKind.SHORT),)}, "variants"),  # no curated pinyin
    ({"updated_at": None}, "updated"),
])
def test_what_terms_csv_needs_more(change: dict[str, object], field: str) -> None:
    term = replace(GOOD, **change)  # type: ignore[arg-type]
    assert field not in fields(term) and field in fields(term, Profile.CURATED)


def test_an_explained_difference_from_the_generator_is_curated() -> None:
    term = replace(GOOD, pinyin="héxīn lìyí", pinyin_note="for the test")
    assert entry_problems(term, Profile.CURATED) == []


def test_a_set_needs_unique_ids_and_headwords_and_links_that_exist() -> None:
    other = replace(GOOD, id="other", related=("missing",))
    problems = set_problems([GOOD, replace(GOOD, simplified="核心"), other])
    assert [(i, f) for i, f, _ in problems] == [(1, "id"), (2, "simplified"), (2, "related")]
    assert set_problems([replace(other, simplified="别的")], known={"missing"}) == []  # the store has it


def test_a_curated_set_needs_links_both_ways() -> None:
    a = replace(GOOD, related=("b",))
    b = replace(GOOD, id="b", simplified="利益")
    assert [(i, f) for i, f, _ in set_problems([a, b], Profile.CURATED)] == [(0, "related")]
    assert set_problems([a, b]) == []  # the store keeps links symmetric itself
