"""Writing one entry: put and withdraw with compare-and-swap, history, symmetric links, the change
log, and other processes that see the write within a second without rebuilding anything.

Every test that takes ``empty_store`` runs on SQLite and on the real PostgreSQL server.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import replace

import pytest

import glossary
from conftest import DATA
from glossary import Action, InvalidInput, Rendering, Status, TermNotFound, VersionConflict
from glossary.csvio import read_terms

SMALL = read_terms(DATA / "small-terms.csv")
NEW = replace(SMALL[0], id="new-term", simplified="新型术语", pinyin="xīnxíng shùyǔ", related=(),
              renderings=(Rendering("new-type term", Status.PREFERRED, source="1"),))


@pytest.fixture
def small(empty_store: glossary.Glossary) -> glossary.Glossary:
    empty_store.import_terms(SMALL, author="setup")
    return empty_store


def test_put_changes_one_entry_bumps_its_version_and_records_before_and_after(small: glossary.Glossary) -> None:
    term = small.get("core-interests")
    revision = small.revision
    written = small.put(replace(term, definition="Changed, for the test."), if_match=term.version,
                        author="ana", comment="clearer definition", origin="test")
    assert (written.version, small.get("core-interests").version) == (term.version + 1, term.version + 1)
    assert small.revision == revision + 1
    last = small.history("core-interests")[-1]
    assert (last.action, last.author, last.comment, last.origin) == (Action.UPDATE, "ana", "clearer definition",
                                                                     "test")
    assert last.before == term and last.after is not None and last.after.definition == "Changed, for the test."
    assert last.revision == small.revision
    assert small.get("shared-future").version == 1  # nothing else was written


def test_put_with_a_stale_version_is_a_conflict_and_writes_nothing(small: glossary.Glossary) -> None:
    term = small.get("core-interests")
    small.put(replace(term, definition="First writer wins."), if_match=term.version)
    before = small.export("csv")
    with pytest.raises(VersionConflict) as caught:
        small.put(replace(term, definition="Second writer loses."), if_match=term.version)
    assert caught.value.term_id == "core-interests" and "Read it again" in str(caught.value)
    assert small.export("csv") == before


def test_a_new_entry_is_put_with_version_zero_and_only_once(small: glossary.Glossary) -> None:
    assert small.put(NEW, if_match=0).version == 1
    with pytest.raises(VersionConflict, match="already exists"):
        small.put(NEW, if_match=0)
    assert [r.action for r in small.history("new-term")] == [Action.CREATE]


def test_an_unchanged_put_writes_no_revision(small: glossary.Glossary) -> None:
    revision = small.revision
    term = small.get("core-interests")
    assert small.put(term, if_match=term.version).version == term.version
    assert small.revision == revision


def test_links_are_kept_symmetric_by_the_store(small: glossary.Glossary) -> None:
    small.put(replace(NEW, related=("core-interests",)))
    assert "new-term" in small.get("core-interests").related  # the link back was added
    assert small.history("core-interests")[-1].action is Action.UPDATE
    new = small.get("new-term")
    small.put(replace(new, related=()), if_match=new.version)
    assert "new-term" not in small.get("core-interests").related  # and dropped on both sides


def test_withdraw_removes_the_entry_and_the_links_to_it_and_keeps_its_history(small: glossary.Glossary) -> None:
    shared = small.get("shared-future")
    small.withdraw("shared-future", if_match=shared.version, author="ana", comment="merged")
    with pytest.raises(TermNotFound):
        small.get("shared-future")
    assert small.get("core-interests").related == ()
    history = small.history("shared-future")
    assert [r.action for r in history] == [Action.CREATE, Action.WITHDRAW]
    assert history[-1].before == shared and history[-1].after is None
    assert small.lookup("mingyun gongtongti") == [] and small.find("命运共同体") == []


@pytest.mark.parametrize("change, words", [
    ({"simplified": "命运共同体", "pinyin": "mìngyùn gòngtóngtǐ"}, "already the entry 'shared-future'"),
    ({"related": ("no-such-entry",)}, "names no entry"),
    ({"pinyin": "xīn"}, "syllables"),
    ({"id": "Not A Slug"}, "slug"),
])
def test_put_is_validated_by_the_one_validator_and_a_refused_put_writes_nothing(
        small: glossary.Glossary, change: dict[str, object], words: str) -> None:
    before, revision = small.export("csv"), small.revision
    with pytest.raises(InvalidInput, match=words) as caught:
        small.put(replace(NEW, **change))  # type: ignore[arg-type]
    assert "nothing was written" in str(caught.value)
    assert small.export("csv") == before and small.revision == revision


def test_a_write_touches_only_its_own_search_keys(small: glossary.Glossary) -> None:
    term = small.get("core-interests")
    renamed = replace(term, renderings=(Rendering("vital interests", Status.PREFERRED, source="1"),))
    small.put(renamed, if_match=term.version)
    assert [t.id for t in small.search("vital interests")] == ["core-interests"]
    assert small.search("e:core interests") == []
    assert [t.id for t in small.search("mingyun gongtongti")] == ["shared-future"]


def test_the_search_keys_are_exactly_the_stored_entries_keys_after_every_kind_of_write(
        small: glossary.Glossary) -> None:
    """No foreign key ties a key to its entry (it cost PostgreSQL a lookup per key row): the
    write path deletes an entry's keys with it, and no key outlives its entry."""
    from glossary.engine import read
    from glossary.rows import key_rows

    term = small.get("core-interests")
    small.put(replace(term, renderings=(Rendering("vital interests", Status.PREFERRED, source="1"),)),
              if_match=term.version)  # an update: its old keys go
    small.put(NEW, if_match=0)
    small.withdraw("shared-future")
    other = replace(NEW, id="other-term", simplified="另一术语", pinyin="lìngyī shùyǔ",
                    renderings=(Rendering("another term", Status.PREFERRED, source="1"),))
    small.import_terms([replace(small.get("new-term"), definition="Replaced by an import."), other],
                       on_conflict="replace")  # an import that updates one entry and adds one
    small.import_terms([small.get("new-term"), other], prune=True)  # withdraws core-interests
    with small.engine.connect() as connection:
        keys = read(connection, "SELECT field, key, rank, term_id FROM search_keys", ())
    live = small.terms()
    assert sorted(t.id for t in live) == ["new-term", "other-term"]
    assert sorted(map(tuple, keys)) == sorted(key_rows(live))


def test_the_change_log_names_what_each_revision_changed(small: glossary.Glossary) -> None:
    start = small.revision
    small.put(NEW)
    term = small.get("core-interests")
    small.put(replace(term, definition="Changed, for the test."), if_match=term.version)
    revision, changed = small.repository.changes_since(start)
    assert revision == start + 2 and changed == {"new-term", "core-interests"}


# --- two processes -----------------------------------------------------------------------------


def _write_once(url: str, barrier: object, definition: str, version: int, results: object) -> None:
    store = glossary.Glossary(url)
    term = store.get("core-interests")
    barrier.wait()  # type: ignore[attr-defined]
    try:
        store.put(replace(term, definition=definition), if_match=version)
        results.put("ok")  # type: ignore[attr-defined]
    except VersionConflict:
        results.put("conflict")  # type: ignore[attr-defined]
    store.dispose()


def test_two_processes_writing_the_same_entry_at_once_give_one_success_and_one_conflict(
        small: glossary.Glossary) -> None:
    version = small.get("core-interests").version
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    writers = [context.Process(target=_write_once, args=(small.url, barrier, f"Written by {n}.", version, results))
               for n in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert sorted(results.get(timeout=5) for _ in writers) == ["conflict", "ok"]
    assert small.get("core-interests").version == version + 1
    assert [r.action for r in small.history("core-interests")] == [Action.CREATE, Action.UPDATE]


def _put_new_term(url: str) -> None:
    store = glossary.Glossary(url)
    store.put(replace(NEW, variants=()))
    store.dispose()


def test_a_term_written_by_another_process_is_found_within_a_second_without_a_rebuild(
        small: glossary.Glossary) -> None:
    assert small.find("新型术语") == [] and small.search("xinxing shuyu") == []
    builds = small.annotation.builds
    writer = multiprocessing.get_context("spawn").Process(target=_put_new_term, args=(small.url,))
    writer.start()
    writer.join(60)
    written = time.monotonic()
    deadline = written + 1.0
    while not (small.search("xinxing shuyu") and small.find("支持新型术语")):
        assert time.monotonic() < deadline, "the other process's write is not seen within a second"
        time.sleep(0.02)
    assert [m.term.id for m in small.find("支持新型术语和核心利益")] == ["new-term", "core-interests"]
    assert "新型术语 (xīnxíng shùyǔ" in small.annotate("新型术语", format="brackets")
    assert small.annotation.builds == builds  # patched from the change log, no matcher rebuilt


def test_each_revision_shows_the_record_before_and_after_it(small: glossary.Glossary) -> None:
    """A revision keeps the record before it; the one after is the next revision's before, or
    the stored entry: every step of a history reads as it happened."""
    original = small.get("core-interests")
    small.put(replace(original, definition="One."), if_match=original.version)
    small.put(replace(small.get("core-interests"), definition="Two."), if_match=original.version + 1)
    small.withdraw("core-interests", if_match=original.version + 2)
    history = small.history("core-interests")
    assert [r.action for r in history] == [Action.CREATE, Action.UPDATE, Action.UPDATE, Action.WITHDRAW]
    assert [r.before.definition if r.before else None for r in history] == [None, original.definition, "One.", "Two."]
    assert [r.after.definition if r.after else None for r in history] == [original.definition, "One.", "Two.", None]


def test_an_author_past_its_column_limit_is_refused_and_a_long_origin_keeps_its_end(small: glossary.Glossary) -> None:
    """On both backends: PostgreSQL would otherwise answer with a raw "value too long" error."""
    term = small.get("core-interests")
    before = small.export("csv")
    with pytest.raises(InvalidInput, match="author: is 201 characters, over the limit of 200"):
        small.put(replace(term, definition="Too long an author."), if_match=term.version, author="a" * 201)
    assert small.export("csv") == before
    origin = "/very/deep/" * 60 + "client-glossary.csv"
    small.put(replace(term, definition="A long origin."), if_match=term.version, origin=origin)
    kept = small.history("core-interests")[-1].origin
    assert len(kept) == 400 and kept.endswith("client-glossary.csv") and kept.startswith("…")


def test_an_import_whose_rows_are_made_in_another_process_stores_what_one_process_would(
        empty_store: glossary.Glossary, monkeypatch: pytest.MonkeyPatch, forks: list[str]) -> None:
    from conftest import TERMS_CSV
    from glossary import parallel
    from glossary.engine import read
    from glossary.rows import key_rows

    terms = read_terms(TERMS_CSV)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # the rows of every chunk made in a forked process
    report = empty_store.import_terms(terms, author="test")
    assert report.added == len(terms) and forks
    stored = {t.id: t for t in empty_store.terms()}
    assert [stored[t.id] for t in terms] == terms
    with empty_store.engine.connect() as connection:
        keys = read(connection, "SELECT field, key, rank, term_id FROM search_keys", ())
    assert sorted(map(tuple, keys)) == sorted(key_rows(terms))
    assert empty_store.lookup("mingyun gongtongti")[0].id == "community-with-a-shared-future"


def test_a_write_held_up_past_the_wait_gives_up_busy_and_writes_nothing(
        small: glossary.Glossary, monkeypatch: pytest.MonkeyPatch) -> None:
    import glossary.engine as engine_module
    from glossary.engine import write_transaction
    from glossary.errors import StoreError, StoreProblem

    monkeypatch.setattr(engine_module, "WRITE_WAIT", 1)
    other = glossary.Glossary(small.url)  # a second client, its connections made with the shorter wait
    term = other.get("core-interests")
    with write_transaction(small.engine):  # another writer holds the store and does not let go
        started = time.monotonic()
        with pytest.raises(StoreError) as refused:
            other.put(replace(term, definition="Never written."), if_match=term.version)
        waited = time.monotonic() - started
    assert refused.value.problem is StoreProblem.BUSY and "Try again when it has finished" in str(refused.value)
    assert 0.9 < waited < 30
    assert other.get("core-interests").definition == term.definition
    other.dispose()


@pytest.mark.postgres
def test_stores_in_two_schemas_of_one_database_do_not_wait_for_each_others_writes(tmp_path: object) -> None:
    from conftest import POSTGRES_URL, postgres_available, reset_postgres, drop_postgres_schema, skip_or_fail
    from sqlalchemy import create_engine, text
    from glossary.engine import write_transaction

    if not postgres_available():
        skip_or_fail(f"PostgreSQL does not answer at {POSTGRES_URL}")
    mine = reset_postgres()
    neighbour = f"{POSTGRES_URL}?options=-csearch_path%3Dglossary_neighbour"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS glossary_neighbour CASCADE"))
        connection.execute(text("CREATE SCHEMA glossary_neighbour"))
    try:
        held = glossary.open(neighbour, seed=False)
        store = glossary.open(mine, seed=False)
        with write_transaction(held.engine):  # a long write in the other schema
            started = time.monotonic()
            store.import_terms(SMALL)
            assert time.monotonic() - started < 10
        assert store.count() == len(SMALL)
        held.dispose()
        store.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS glossary_neighbour CASCADE"))
        admin.dispose()
        drop_postgres_schema()
