"""The store: seeding, imports that are all-or-nothing, conflicts, timestamps, revisions.

Every test here runs on SQLite and on the real PostgreSQL server (the `store_url` fixture).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

import glossary
from conftest import DATA, TERMS_CSV
from glossary import Conflict, ImportConflict, InvalidInput, StoreError, TermNotFound
from glossary.csvio import read_terms, write_terms
from glossary.spreadsheet import read_spreadsheet
from glossary.terms import Rendering, Status
from glossary.validate import LIMITS

SMALL = read_terms(DATA / "small-terms.csv")


def test_new_store_is_seeded_from_terms_csv(store: glossary.Glossary) -> None:
    assert store.count() == len(read_terms(TERMS_CSV))
    assert store.export("csv") == TERMS_CSV.read_bytes()


def test_get_returns_the_full_record(store: glossary.Glossary) -> None:
    term = store.get("permanent-comprehensive-strategic-partnership")
    assert term.traditional == "永久全面戰略夥伴關係"
    assert term.pinyin_as("plain") == "yongjiu quanmian zhanlue huoban guanxi"
    assert term.created_at is not None and term.updated_at is not None


def test_lookups_of_a_cached_term_share_one_record_and_differ_only_in_the_match(store: glossary.Glossary) -> None:
    by_pinyin = store.lookup("mingyun gongtongti")[0].to_dict()
    by_english = store.lookup("community of common destiny")[0].to_dict()
    assert by_pinyin["id"] == by_english["id"] == "community-with-a-shared-future"
    assert by_pinyin["renderings"] is by_english["renderings"]  # built once, for the cached term
    assert (by_pinyin["match"]["field"], by_english["match"]["status"]) == ("pinyin", "superseded")


def test_a_term_with_a_version_is_the_term_with_those_dates_and_a_record_that_shows_them() -> None:
    from datetime import datetime, timezone

    term = read_terms(TERMS_CSV)[0]
    term.to_dict()  # its record made and kept
    then = datetime(2026, 1, 2, tzinfo=timezone.utc)
    stamped = term.with_version(3, then, then)
    assert stamped == term and stamped == replace(term, version=3, created_at=then, updated_at=then)
    assert (stamped.version, stamped.created_at, stamped.updated_at) == (3, then, then)
    assert stamped.to_dict()["updated_at"] == then.isoformat() != term.to_dict()["updated_at"]
    assert term.version is None  # the original is left alone


def test_get_unknown_id_raises_term_not_found(store: glossary.Glossary) -> None:
    with pytest.raises(TermNotFound, match="glossary lookup"):
        store.get("no-such-term")


def test_term_json_shape_is_stable(store: glossary.Glossary) -> None:
    data = store.get("community-with-a-shared-future").to_dict()
    assert list(data)[:12] == ["id", "simplified", "traditional", "variants", "pinyin", "english", "renderings",
                               "domain", "definition", "sources", "related", "created_at"]
    assert set(data["pinyin"]) == {"marks", "plain", "numbers"}
    assert set(data["english"]) == {"preferred", "admitted", "deprecated", "superseded"}
    assert "community of common destiny" in data["english"]["superseded"]
    assert all(set(r) == {"text", "status", "note", "years", "source"} for r in data["renderings"])


def test_import_adds_new_terms_and_bumps_revision(empty_store: glossary.Glossary) -> None:
    before = empty_store.revision
    report = empty_store.import_terms(SMALL)
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    assert empty_store.revision == before + 1
    assert empty_store.lookup("hexin liyi")[0].id == "core-interests"


def test_reimporting_the_same_terms_changes_nothing(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(SMALL)
    revision = empty_store.revision
    report = empty_store.import_terms(SMALL)
    assert (report.added, report.unchanged) == (0, 2)
    assert empty_store.revision == revision


def test_changed_entry_is_a_conflict_and_nothing_is_written(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(SMALL)
    changed = replace(SMALL[0], definition="Something else entirely, for the test.")
    brand_new = replace(SMALL[0], id="brand-new", simplified="新词", pinyin="xīn cí", related=())
    with pytest.raises(ImportConflict) as caught:
        empty_store.import_terms([changed, brand_new])
    assert caught.value.term_ids == ["core-interests"]
    assert "--on-conflict replace" in str(caught.value)
    assert empty_store.count() == 2  # brand-new was not added either


def test_conflict_skip_keeps_stored_and_adds_new(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(SMALL)
    changed = replace(SMALL[0], definition="Something else entirely, for the test.")
    brand_new = replace(SMALL[0], id="brand-new", simplified="新词", pinyin="xīn cí", related=())
    report = empty_store.import_terms([changed, brand_new], on_conflict=Conflict.SKIP)
    assert (report.added, report.skipped) == (1, 1)
    assert empty_store.get("core-interests").definition == SMALL[0].definition


def test_conflict_replace_updates_and_keeps_created_at(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(SMALL)
    created = empty_store.get("core-interests").created_at
    changed = replace(SMALL[0], definition="Something else entirely, for the test.")
    report = empty_store.import_terms([changed], on_conflict="replace")
    assert report.updated == 1
    term = empty_store.get("core-interests")
    assert term.definition.startswith("Something else")
    assert term.created_at == created and term.updated_at is not None and term.updated_at > created


def test_dry_run_reports_and_writes_nothing(empty_store: glossary.Glossary) -> None:
    report = empty_store.import_terms(SMALL, dry_run=True)
    assert report.added == 2 and report.dry_run and "would import" in str(report)
    assert empty_store.count() == 0


def test_invalid_term_is_refused_before_anything_is_written(empty_store: glossary.Glossary) -> None:
    broken = replace(SMALL[1], pinyin="mìngyùn", related=())
    with pytest.raises(InvalidInput, match="syllables"):
        empty_store.import_terms([replace(SMALL[0], related=()), broken])
    assert empty_store.count() == 0


def _long_gloss(length: int) -> str:
    """An English gloss of ``length`` characters, as CC-CEDICT's longest run."""
    words = " ".join(f"sense {n} of a dictionary entry," for n in range(length // 20 + 1))
    return words[:length].rstrip() + "x" * (length - len(words[:length].rstrip()))


def test_the_same_csv_with_glosses_past_400_characters_imports_on_every_backend(
        empty_store: glossary.Glossary, tmp_path: Path) -> None:
    long, longer = _long_gloss(450), _long_gloss(LIMITS["preferred"])
    path = tmp_path / "cedict.csv"
    path.write_text(f'Chinese,English\n核心利益,"{long} | {longer}"\n嗯,mm-hmm\n', encoding="utf-8")
    empty_store.import_terms(read_spreadsheet(path))
    [term] = [t for t in empty_store.terms() if t.simplified == "核心利益"]
    assert [r.text for r in term.renderings] == [long, longer] and empty_store.count() == 2


@pytest.mark.parametrize("column, cell, limit", [
    ("English", "x" * (LIMITS["preferred"] + 1), "preferred"),
    ("Chinese", "核" * (LIMITS["simplified"] + 1), "simplified"),
    ("id", "a" * (LIMITS["id"] + 1), "id"),
])
def test_a_cell_past_its_column_limit_is_refused_at_its_row_and_column_on_every_backend(
        empty_store: glossary.Glossary, tmp_path: Path, column: str, cell: str, limit: str) -> None:
    row = {"Chinese": "核心利益", "English": "core interests", "id": "core-interests", column: cell}
    path = tmp_path / "client.csv"
    path.write_text("id,Chinese,English\nshared-future,命运共同体,shared future\n"
                    f"{row['id']},{row['Chinese']},{row['English']}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        empty_store.import_terms(read_spreadsheet(path))
    located = [(p.line, p.column) for p in caught.value.problems if f"the limit is {LIMITS[limit]}" in p.message
               or f"at most {LIMITS[limit]} characters" in p.message]
    assert located == [(3, column)]
    assert empty_store.count() == 0


def test_related_id_must_exist(empty_store: glossary.Glossary) -> None:
    with pytest.raises(InvalidInput, match="names no entry"):
        empty_store.import_terms([SMALL[0]])  # links to shared-future, not imported


def test_failed_write_leaves_the_store_as_it_was(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(SMALL)
    before, revision = empty_store.export("csv"), empty_store.revision
    twin = replace(SMALL[0], id="another-id", simplified="另一个", pinyin="lìng yī gè", related=())
    with empty_store.engine.begin() as connection:  # make the terms insert fail half-way
        connection.execute(text("CREATE UNIQUE INDEX ux_test_definition ON terms (definition)"))
    with pytest.raises(StoreError, match="unchanged"):
        empty_store.import_terms([replace(SMALL[1], definition="Changed before the failure, for the test."),
                                  twin], on_conflict="replace")
    assert empty_store.export("csv") == before and empty_store.revision == revision
    assert [r.action.value for r in empty_store.history("shared-future")] == ["create"]


def test_prune_removes_entries_missing_from_the_import(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(SMALL)
    alone = replace(SMALL[1], related=())
    report = empty_store.import_terms([alone], on_conflict="replace", prune=True)
    assert report.removed == 1 and empty_store.count() == 1


def test_terms_csv_seeds_an_empty_store_and_after_that_comes_in_by_explicit_import(
        store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    csv_path = tmp_path / "terms.csv"
    csv_path.write_bytes((DATA / "small-terms.csv").read_bytes())
    monkeypatch.setenv("GLOSSARY_TERMS_CSV", str(csv_path))
    g = glossary.open(store_url)
    assert g.count() == 2
    assert [(r.action.value, r.origin) for r in g.history("core-interests")] == [("create", "seed: terms.csv")]
    assert g.info()["seeded_from_sha256"]  # written in the seeding transaction
    # terms.csv gains a row: the store is the source of truth, and only says so
    extra = replace(SMALL[0], id="new-term", simplified="新词", pinyin="xīn cí", related=())
    csv_path.write_bytes(write_terms(SMALL + [extra]))
    g = glossary.open(store_url)
    assert g.count() == 2 and "glossary import" in caplog.text
    # an explicit import shows what changes, then brings it in with its history
    preview = g.import_terms(read_terms(csv_path), dry_run=True)
    assert [str(change) for change in preview.changes] == ["create new-term"] and g.count() == 2
    g.import_terms(read_terms(csv_path), author="curator", origin="terms.csv")
    assert g.count() == 3
    assert [(r.action.value, r.author) for r in g.history("new-term")] == [("create", "curator")]


def test_export_filters_by_domain_and_status(store: glossary.Glossary) -> None:
    diplomacy = store.select(domain="diplomacy")
    assert diplomacy and all(t.domain.value == "diplomacy" for t in diplomacy)
    superseded = store.select(status="superseded")
    assert superseded and all(any(r.status.value == "superseded" for r in t.renderings) for t in superseded)


def test_info_names_store_and_counts(store: glossary.Glossary) -> None:
    info = store.info()
    assert info["terms"] == store.count() and sum(info["domains"].values()) == info["terms"]


def test_unreachable_database_gives_a_clear_error() -> None:
    with pytest.raises(StoreError, match="GLOSSARY_DATABASE_URL"):
        glossary.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_the_annotation_snapshot_keeps_one_object_for_values_many_entries_repeat(empty_store: glossary.Glossary) -> None:
    """An import gives its entries one citation list and one time: the snapshot (every entry in
    each server process) holds each once, not once per entry, and a definition equal to a
    rendering is that rendering's string; the values read the same."""
    chosen = [t for t in read_terms(TERMS_CSV) if t.traditional == t.simplified][:3]
    citation = ("One dictionary, one citation",)
    batch = [replace(t, sources=citation, definition=t.preferred.text, related=(),
                     renderings=(Rendering(t.preferred.text, Status.PREFERRED, source="1"),)) for t in chosen]
    empty_store.import_terms(batch)
    _revision, terms = empty_store.repository.all_terms()
    assert len(terms) == 3 and [t.sources for t in terms] == [citation] * 3
    assert all(t.sources is terms[0].sources and t.created_at is terms[0].created_at for t in terms)
    assert len({id(t.updated_at) for t in terms}) == len({t.updated_at for t in terms})  # one per distinct time
    assert all(t.definition == t.preferred.text and t.definition is t.preferred.text for t in terms)
    assert all(t.traditional == t.simplified and t.traditional is t.simplified for t in terms)
