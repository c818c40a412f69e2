"""Changing the store: one entry (``put``, ``withdraw``) or many (``import_terms``).

Every change is validated by the one validator (``glossary.validate``: each entry, then the set
against the store: unique headwords, links to entries that exist), keeps links symmetric (if A
now lists B, B lists A, and a link dropped on one side is dropped on the other), and goes
through ``Repository.write``, which compares versions and records the history. An import is a
batch of puts in one transaction: its entries are in the history too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .csvio import COLUMNS, term_to_row
from .gcpause import collector_paused
from .errors import ImportConflict, InvalidInput, Problem, TermNotFound
from .repository import Action, Outcome, Progress, Repository, Write
from .rows import checksum
from .terms import Status, Term
from .timing import step
from .validate import entry_problems, set_problems

__all__ = ["Conflict", "ImportReport", "EntryChange", "put", "withdraw", "import_terms"]


class Conflict(str, enum.Enum):
    """What an import does with an entry whose id already exists with other content."""

    #: Stop and list the conflicting ids; nothing is written.
    REPORT = "report"
    #: Keep what the store has; add only new entries.
    SKIP = "skip"
    #: Overwrite the stored entry with the imported one.
    REPLACE = "replace"


@dataclass(frozen=True)
class EntryChange:
    """What an import does (or would do) to one entry: its action and the columns that change."""

    term_id: str
    action: Action
    columns: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.columns)})" if self.columns else ""
        return f"{self.action.value} {self.term_id}{detail}"


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do), with each entry's change."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    dry_run: bool = False
    changes: tuple[EntryChange, ...] = field(default=(), compare=False)
    revision: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        parts += [f"{self.skipped} skipped"] if self.skipped else []
        parts += [f"{self.removed} removed"] if self.removed else []
        return f"{verb}: " + ", ".join(parts)


def canonical(term: Term) -> Term:
    """An entry as the store keeps it: renderings in the order terms.csv writes them (preferred,
    admitted, then outdated ones, each group as given), and text with single spaces (a run of
    spaces, tabs or line breaks is one space, none at the ends: what every interchange format
    keeps, TBX files pretty-printed by other tools included). Every format writes and reads
    this form, so what the store accepts comes back the same."""
    ranks = [_GROUP[r.status] for r in term.renderings]
    texts = [term.definition, term.pinyin_note, *term.sources, *(f.text for f in term.variants),
             *(r.text for r in term.renderings), *(r.note for r in term.renderings if r.note)]
    if ranks == sorted(ranks) and all(_spaced(text) == text for text in texts):
        return term  # already canonical: most entries are
    groups = (Status.PREFERRED,), (Status.ADMITTED,), (Status.SUPERSEDED, Status.DEPRECATED)
    renderings = tuple(replace(r, text=_spaced(r.text), note=_spaced(r.note) if r.note else r.note)
                       for group in groups for r in term.renderings if r.status in group)
    return replace(term, renderings=renderings, definition=_spaced(term.definition),
                   pinyin_note=_spaced(term.pinyin_note), sources=tuple(_spaced(s) for s in term.sources),
                   variants=tuple(replace(f, text=_spaced(f.text)) for f in term.variants))


_GROUP = {Status.PREFERRED: 0, Status.ADMITTED: 1, Status.SUPERSEDED: 2, Status.DEPRECATED: 2}


def _spaced(text: str) -> str:
    return " ".join(text.split())


def changed_columns(before: Term, after: Term) -> tuple[str, ...]:
    """The terms.csv columns whose cells differ between two versions of an entry."""
    return tuple(column for column, old, new in zip(COLUMNS, term_to_row(before), term_to_row(after))
                 if old != new and column != "updated")


# --- one entry ---------------------------------------------------------------------------------


def put(repository: Repository, term: Term, if_match: int | None = None, author: str = "", comment: str = "",
        origin: str = "") -> Outcome:
    """Write one entry (new or changed) with the entries whose links must follow; ``if_match``:
    the version the writer read (0 for a new entry)."""
    term = canonical(term)
    _refuse([(term, field_, message) for field_, message in entry_problems(term)], "put")
    with repository.engine.connect() as connection:
        before = repository.terms_by_id(connection, [term.id]).get(term.id)
    writes = [Write(term.id, term, if_match)] + _link_writes({term.id: term}, {term.id: before}, repository)

    def check(connection: Any, stored: Mapping[str, Term]) -> None:
        _check_against_store(repository, connection, [term])

    return repository.write(writes, author, comment, origin, check=check)


def withdraw(repository: Repository, term_id: str, if_match: int | None = None, author: str = "",
             comment: str = "", origin: str = "") -> Outcome:
    """Withdraw an entry; the entries linking to it drop the link. Its id stays taken, and its
    history stays."""
    with repository.engine.connect() as connection:
        before = repository.terms_by_id(connection, [term_id]).get(term_id)
    if before is None:
        raise TermNotFound(term_id)
    writes = [Write(term_id, None, if_match)] + _link_writes({term_id: None}, {term_id: before}, repository)
    return repository.write(writes, author, comment, origin)


# --- many entries -------------------------------------------------------------------------------


def import_terms(repository: Repository, terms: Iterable[Term], on_conflict: Conflict | str = Conflict.REPORT,
                 dry_run: bool = False, prune: bool = False, progress: Progress | None = None, author: str = "",
                 comment: str = "", origin: str = "", meta: Mapping[str, str] | None = None) -> ImportReport:
    """Write entries in one transaction: all of them or, on any error, none (see Glossary.import_terms)."""
    with collector_paused():  # 100k entries are millions of small objects, none cyclic
        return _import_terms(repository, terms, Conflict(on_conflict), dry_run, prune, progress, author, comment,
                             origin, meta)


def _import_terms(repository: Repository, terms: Iterable[Term], mode: Conflict, dry_run: bool, prune: bool,
                  progress: Progress | None, author: str, comment: str, origin: str,
                  meta: Mapping[str, str] | None) -> ImportReport:
    with step("validate entries"):
        incoming = [canonical(term) for term in terms]
        problems = [(term, field_, message) for term in incoming for field_, message in entry_problems(term)]
    with step("validate set"):
        problems += [(incoming[index], field_, message) for index, field_, message in set_problems(
            incoming, known=_known_ids(repository, incoming))]
    _refuse(problems, "import")
    with step("compare with store"):
        with repository.engine.connect() as connection:
            stored = repository.terms_by_id(connection, [t.id for t in incoming])
            gone = (repository.ids(connection) - {t.id for t in incoming}) if prune else set()
            removed = repository.terms_by_id(connection, sorted(gone))
        new = [t for t in incoming if t.id not in stored]
        changed = [t for t in incoming if t.id in stored and checksum(stored[t.id]) != checksum(t)]
    if changed and mode is Conflict.REPORT:
        raise ImportConflict([t.id for t in changed])
    kept = changed if mode is Conflict.REPLACE else []
    details = ([EntryChange(t.id, Action.CREATE) for t in new]
               + [EntryChange(t.id, Action.UPDATE, changed_columns(stored[t.id], t)) for t in kept]
               + [EntryChange(term_id, Action.WITHDRAW) for term_id in sorted(removed)])
    report = ImportReport(len(new), len(kept), len(incoming) - len(new) - len(changed), len(changed) - len(kept),
                          len(removed), dry_run, tuple(details))
    if dry_run:
        return report
    final: dict[str, Term | None] = {t.id: t for t in new + kept}
    final.update(dict.fromkeys(removed))
    before: dict[str, Term | None] = {**{t.id: stored.get(t.id) for t in new + kept}, **removed}
    writes = ([Write(t.id, t, 0, keep_date=True) for t in new]
              + [Write(t.id, t, stored[t.id].version, keep_date=True) for t in kept]
              + [Write(term_id, None, term.version) for term_id, term in removed.items()])
    with step("links"):
        writes += _link_writes(final, before, repository, skip=set(final))
        # links must close within the final state: entries linked from the file but skipped or kept
        writes = _close_links(writes, final, stored)

    def check(connection: Any, current: Mapping[str, Term]) -> None:
        _check_against_store(repository, connection, new + kept, withdrawn=set(removed))

    outcome = repository.write(writes, author, comment, origin, progress, meta=meta, check=check)
    return replace(report, revision=outcome.revision)


def _known_ids(repository: Repository, incoming: Sequence[Term]) -> set[str]:
    """The ids among the incoming entries' links that the store has."""
    wanted = {other for term in incoming for other in term.related}
    with repository.engine.connect() as connection:
        return set(repository.terms_by_id(connection, sorted(wanted)))


def _close_links(writes: list[Write], final: Mapping[str, Term | None], stored: Mapping[str, Term]) -> list[Write]:
    """The writes, with the new and changed entries' links to each other made symmetric."""
    after = {w.term_id: w.after for w in writes if w.after is not None}
    for term_id, term in list(after.items()):
        for other in term.related:
            linked = after.get(other)
            if linked is not None and term_id not in linked.related:
                after[other] = replace(linked, related=linked.related + (term_id,))
    return [replace(w, after=after[w.term_id]) if w.after is not None and after[w.term_id] is not w.after else w
            for w in writes]


def _link_writes(final: Mapping[str, Term | None], before: Mapping[str, Term | None], repository: Repository,
                 skip: set[str] | None = None) -> list[Write]:
    """Writes to the stored entries whose links must follow the ``final`` state of the entries
    being written (``before``: their stored state): a new link gets its way back, a dropped one
    goes on both sides, a withdrawn entry leaves every list. Entries in ``skip`` are written
    by the caller already."""
    skip = skip if skip is not None else set(final)
    added: dict[str, set[str]] = {}
    dropped: dict[str, set[str]] = {}
    for term_id, term in final.items():
        now = set(term.related) if term is not None else set()
        was = set(before[term_id].related) if before.get(term_id) is not None else set()  # type: ignore[union-attr]
        for other in now - was:
            added.setdefault(other, set()).add(term_id)
        for other in was - now:
            dropped.setdefault(other, set()).add(term_id)
    affected = sorted((set(added) | set(dropped)) - skip)
    if not affected:
        return []
    with repository.engine.connect() as connection:
        linked = repository.terms_by_id(connection, affected)
    writes = []
    for other in affected:
        term = linked.get(other)
        if term is None:
            continue  # a link to an entry that does not exist: the validator reports it
        related = [r for r in term.related if r not in dropped.get(other, set())]
        related += [r for r in sorted(added.get(other, set())) if r not in related]
        if tuple(related) != term.related:
            writes.append(Write(other, replace(term, related=tuple(related)), term.version))
    return writes


def _check_against_store(repository: Repository, connection: Any, terms: Sequence[Term],
                         withdrawn: set[str] | None = None) -> None:
    """The set rules against the store, inside the write transaction: a headword another stored
    entry has, a link to an entry that does not exist (or is being withdrawn)."""
    withdrawn = withdrawn or set()
    owners = repository.headword_owners(connection, [t.simplified for t in terms])
    writing = {t.id for t in terms}
    linked = {other for t in terms for other in t.related}
    present = set(repository.terms_by_id(connection, sorted(linked - writing)))
    problems = []
    for term in terms:
        owner = owners.get(term.simplified)
        if owner is not None and owner != term.id and owner not in withdrawn and owner not in writing:
            problems.append((term, "simplified", f"the headword {term.simplified} is already the entry {owner!r}; "
                                                 "change that entry, or merge the two"))
        for other in term.related:
            if other in withdrawn or (other not in writing and other not in present):
                problems.append((term, "related", f"related id {other!r} names no entry"))
    _refuse(problems, "import" if len(terms) > 1 or withdrawn else "put")


def _refuse(problems: Sequence[tuple[Term, str, str]], what: str) -> None:
    """Raise InvalidInput naming each entry and field, for a put (nothing written) or an import."""
    if problems:
        raise InvalidInput([Problem(f"entry {term.id}", 0, field_, message) for term, field_, message in problems],
                           "imported" if what == "import" else "written")
