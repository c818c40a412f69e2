"""Every term is found by every form the site shows for it, on SQLite and PostgreSQL.

The store searches itself: each term by its simplified and traditional headwords, each variant,
each rendering of every status, and its pinyin in marks, plain and numbers (spaced as shown and
joined without spaces) and initials. It must be among the results, and first whenever no other
term is an exact match for that query (then nothing may rank above it).
"""

from __future__ import annotations

from collections import defaultdict

import glossary
from glossary import Term
from glossary.search import match_kind, read_query, scan_plan, term_keys

from conftest import TERMS_CSV
from glossary.csvio import read_terms

TERMS = read_terms(TERMS_CSV)


def forms_shown(term: Term) -> list[tuple[str, str]]:
    """(what, query) for every form of the term a user can see on its page or in an export."""
    shown = [("simplified", term.simplified), ("traditional", term.traditional)]
    shown += [(f"variant {form.text}", form.text) for form in term.variants]
    shown += [(f"variant pinyin {form.pinyin_as(style)}", form.pinyin_as(style))
              for form in term.variants for style in ("marks", "plain")]
    shown += [(f"{r.status.value} rendering", r.text) for r in term.renderings]
    for style in ("marks", "plain", "numbers"):
        written = term.pinyin_as(style)
        shown += [(f"pinyin {style}", written), (f"pinyin {style} joined", written.replace(" ", ""))]
    syllables = glossary.pinyin.syllables(term.pinyin)
    if len(syllables) > 1:  # a one-syllable term has no initials key: its one letter is no query
        shown.append(("initials", glossary.pinyin.search_keys(term.pinyin)[3]))
    return shown


def exact_owners() -> dict[tuple[str, str], set[str]]:
    """Which terms own each search key that counts as an exact match."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for term in TERMS:
        for field, key, _rank in term_keys(term):
            if match_kind(field, True)[1] == 0:
                owners[(field, key)].add(term.id)
    return owners


def misses(store: glossary.Glossary) -> list[str]:
    owners = exact_owners()
    found: list[str] = []
    for term in TERMS:
        for what, query in forms_shown(term):
            ids = [summary.id for summary in store.search(query, limit=100)]
            exact = set().union(*[owners.get((field, key), set()) for _o, field, key in scan_plan(read_query(query))])
            if term.id not in ids:
                found.append(f"{term.id}: {what} {query!r} finds {ids[:3]}")
            elif exact == {term.id} and ids[0] != term.id:
                found.append(f"{term.id}: {what} {query!r} is the only exact match but ranks {ids.index(term.id) + 1}")
    return found


def test_every_term_is_found_by_every_form_it_shows(store: glossary.Glossary) -> None:
    assert store.count() == len(TERMS)
    missed = misses(store)
    assert not missed, f"{len(missed)} forms not found:\n" + "\n".join(missed)


# --- random terms ---------------------------------------------------------------------------

from itertools import count  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from glossary import Domain, Rendering, Status  # noqa: E402
from glossary.pinyin import INTERJECTIONS, SYLLABLES, Syllable  # noqa: E402

ZERO_INITIAL = sorted(s for s in SYLLABLES if s[0] in "aoe")
syllable = st.builds(Syllable, st.one_of(st.sampled_from(sorted(SYLLABLES)), st.sampled_from(ZERO_INITIAL)),
                     st.integers(1, 5))
word = st.lists(syllable, min_size=1, max_size=4)
interjection = st.builds(lambda letters, tone: [Syllable(letters, tone)],
                         st.sampled_from(sorted(INTERJECTIONS - {"ê"})), st.sampled_from([2, 3, 4, 5]))


def written(words: list[list[Syllable]]) -> str:
    """Stored pinyin as GB/T 16159 writes it: words spaced, an apostrophe before a syllable
    starting with a, o or e inside a word."""
    out = []
    for syllables in words:
        text = ""
        for index, s in enumerate(syllables):
            text += ("'" if index and s.letters[0] in "aoe" else "") + s.marked()
        out.append(text)
    return " ".join(out)


@pytest.fixture(scope="module")
def random_store(tmp_path_factory: pytest.TempPathFactory) -> glossary.Glossary:
    path = tmp_path_factory.mktemp("random") / "glossary.sqlite3"
    return glossary.open(f"sqlite:///{path}", seed=False)


_ids = count()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(word, interjection), min_size=1, max_size=5))
def test_random_pinyin_is_found_by_every_rendering_of_it(random_store: glossary.Glossary,
                                                          words: list[list[Syllable]]) -> None:
    pinyin = written(words)
    number = next(_ids)
    syllables = [s for w in words for s in w]
    hanzi = "".join(chr(0x4E00 + (number * 31 + i * 7) % 20000) for i in range(len(syllables)))
    term = Term(f"random-{number}", hanzi, hanzi, pinyin, Domain.GENERAL, "",
                (Rendering(f"random term {number}", Status.PREFERRED),))
    random_store.import_terms([term])
    queries = [pinyin_as for style in ("marks", "plain", "numbers")
               for pinyin_as in (term.pinyin_as(style), term.pinyin_as(style).replace(" ", ""))]
    if len(words) > 1 and any(w[0].letters in INTERJECTIONS for w in words):
        # an interjection run into its neighbour (ḿ ā'āi as "ma'ai", m ā as "mā", ā ńg as "āng")
        # reads as ordinary syllables where it can: joined, only tone numbers keep them apart
        # (the README says so)
        for style in ("marks", "plain"):
            joined = term.pinyin_as(style).replace(" ", "")
            if joined in queries and joined != term.pinyin_as(style):
                queries.remove(joined)
    for query in queries:
        ids = [s.id for s in random_store.search(query, limit=100)]
        assert term.id in ids, f"{query!r} (stored {pinyin!r}) finds {ids[:5]}"
