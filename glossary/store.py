"""The Glossary: one object that owns the store and offers every operation on it."""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import config
from . import pinyin as _pinyin
from .csvio import read_terms, term_to_row
from .errors import ImportConflict, InvalidInput, Problem, StoreError, TermNotFound
from .search import KEY_MAX, Query, QueryKind, english_words, normalize_english, read_query, term_keys
from .script import fold
from .terms import Domain, Form, FormKind, Hit, Rendering, Status, Term
from .schema import Meta, SearchKey, TermRow

__all__ = ["Glossary", "Conflict", "ImportReport", "open"]

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class Conflict(str, enum.Enum):
    """What an import does with an entry whose id already exists with other content."""

    #: Stop and list the conflicting ids; nothing is written.
    REPORT = "report"
    #: Keep what the store has; add only new entries.
    SKIP = "skip"
    #: Overwrite the stored entry with the imported one.
    REPLACE = "replace"


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        parts += [f"{self.skipped} skipped"] if self.skipped else []
        parts += [f"{self.removed} removed"] if self.removed else []
        return f"{verb}: " + ", ".join(parts)


def open(url: str | None = None, seed: bool = True) -> Glossary:  # noqa: A001 - the public name
    """Open a store (the default SQLite store when no URL is given), creating and seeding it.

    >>> import glossary
    >>> g = glossary.open("sqlite://")          # an in-memory store, seeded from terms.csv
    >>> g.lookup("mingyun gongtongti")[0].simplified
    '命运共同体'
    """
    glossary = Glossary(url or config.database_url())
    if seed:
        glossary.seed_from(config.terms_csv())
    return glossary


def _checksum(term: Term) -> str:
    """A digest of everything curated about a term (what decides "changed" on import)."""
    return hashlib.sha256("\x1f".join(term_to_row(term)).encode()).hexdigest()


def _row_values(term: Term, now: datetime, checksum: str) -> tuple[Any, ...]:
    """A terms row as a tuple in the table's column order."""
    values = {
        "id": term.id, "simplified": term.simplified, "traditional": term.traditional,
        "traditional_curated": term.traditional_curated,
        "variants": [{"text": f.text, "kind": f.kind.value} for f in term.variants],
        "pinyin": term.pinyin, "pinyin_plain": _pinyin.render(term.pinyin, "plain"),
        "pinyin_numbers": _pinyin.render(term.pinyin, "numbers"), "pinyin_curated": term.pinyin_curated,
        "pinyin_note": term.pinyin_note,
        "renderings": [{"text": r.text, "status": r.status.value, "years": r.years, "note": r.note,
                        "source": r.source} for r in term.renderings],
        "preferred": term.preferred.text, "domain": term.domain.value, "definition": term.definition,
        "sources": list(term.sources), "related": list(term.related), "checksum": checksum,
        "created_at": term.created_at or now, "updated_at": now,
    }
    return tuple(values[column] for column in _TERM_COLUMNS)


_TERM_COLUMNS = [c.name for c in TermRow.__table__.columns]
#: How many decoded term records a Glossary keeps for lookups (per revision). Kept modest:
#: every record is objects the garbage collector walks.
_RECORD_CACHE_SIZE = 10_000
assert [c.name for c in SearchKey.__table__.columns] == ["field", "key", "rank", "term_id"]


def _key_rows(terms: Sequence[Term]) -> list[tuple[Any, ...]]:
    """search_keys rows for terms, in the table's column order (field, key, rank, term_id)."""
    return [(field, key, rank, term.id) for term in terms for field, key, rank in term_keys(term)]


# Enum lookups by value, without Enum.__call__ (loading 100k+ records calls these ~400k times).
_STATUS = {s.value: s for s in Status}
_DOMAIN = {d.value: d for d in Domain}
_FORM_KIND = {k.value: k for k in FormKind}


def _term_from_row(row: TermRow) -> Term:
    return Term(
        id=row.id, simplified=row.simplified, traditional=row.traditional, pinyin=row.pinyin,
        domain=_DOMAIN[row.domain], definition=row.definition,
        renderings=tuple([Rendering(r["text"], _STATUS[r["status"]], r.get("years"), r.get("note"), r.get("source"))
                          for r in row.renderings]),
        variants=tuple([Form(v["text"], _FORM_KIND[v["kind"]]) for v in row.variants]),
        sources=tuple(row.sources), related=tuple(row.related), traditional_curated=bool(row.traditional_curated),
        pinyin_curated=bool(row.pinyin_curated), pinyin_note=row.pinyin_note,
        created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
        pinyin_styles=(row.pinyin_plain, row.pinyin_numbers),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Glossary:
    """A glossary store: lookup, get, import and export (and annotation, see annotate.py).

    Callers get frozen ``Term`` values; sessions never leave this class.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = _create_engine(url)
            self._migrate()
        except SQLAlchemyError as error:
            raise StoreError(f"cannot open the store at {_safe(url)}: {error.__class__.__name__}: "
                             f"{str(error).splitlines()[0]}; check GLOSSARY_DATABASE_URL") from error
        self._cache_lock = threading.RLock()  # re-entrant: a cached build may read other cached values
        self._cache: dict[str, tuple[int, Any]] = {}
        self._records: dict[str, Term] = {}
        self._records_revision = -1

    def __repr__(self) -> str:
        return f"<Glossary {_safe(self.url)}>"

    # --- schema and meta ------------------------------------------------------------------

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.begin() as connection:
            if MigrationContext.configure(connection).get_current_revision() == head:
                return
            _lock(connection)
            if MigrationContext.configure(connection).get_current_revision() != head:
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")

    def _meta(self, session: Session, key: str) -> str | None:
        return session.scalar(select(Meta.value).where(Meta.key == key))

    def _set_meta(self, session: Session, key: str, value: str) -> None:
        if session.get(Meta, key) is None:
            session.add(Meta(key=key, value=value))
        else:
            session.execute(update(Meta).where(Meta.key == key).values(value=value))

    @property
    def revision(self) -> int:
        """Increases with every write; caches built from the store are keyed on it."""
        with self.engine.connect() as connection:
            return self._revision(connection)

    def _revision(self, connection: Any) -> int:
        # read through the driver: this runs on every lookup and every cached() call
        rows = self._query(connection, "SELECT value FROM meta WHERE key = ?", ("revision",))
        return int(rows[0][0]) if rows else 0

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """A value built from the store once per revision (term lists, matchers)."""
        revision = self.revision
        with self._cache_lock:
            entry = self._cache.get(name)
            if entry is None or entry[0] != revision:
                entry = (revision, build())
                self._cache[name] = entry
            return entry[1]

    # --- reading --------------------------------------------------------------------------

    def get(self, term_id: str) -> Term:
        """The term with this id; raises TermNotFound."""
        with Session(self.engine) as session:
            row = session.get(TermRow, term_id)
            if row is None:
                raise TermNotFound(term_id)
            return _term_from_row(row)

    def get_many(self, term_ids: Sequence[str]) -> list[Term]:
        """Terms by id, in the order given; unknown ids are left out."""
        if not term_ids:
            return []
        with Session(self.engine) as session:
            rows = {row.id: row for row in session.scalars(select(TermRow).where(TermRow.id.in_(list(term_ids))))}
            return [_term_from_row(rows[i]) for i in term_ids if i in rows]

    def terms(self, domain: Domain | str | None = None) -> list[Term]:
        """Every term, sorted by id (cached per revision), optionally of one domain."""
        everything: list[Term] = self.cached("terms", self._load_terms)
        if domain is None:
            return list(everything)
        wanted = Domain(domain)
        return [t for t in everything if t.domain is wanted]

    def _load_terms(self) -> list[Term]:
        # through the driver: ORM loading of 100k+ rows takes many seconds
        sql = f"SELECT {', '.join(_TERM_COLUMNS)} FROM terms ORDER BY id"
        with self.engine.connect() as connection:
            return [_term_from_values(dict(zip(_TERM_COLUMNS, row))) for row in self._query(connection, sql, ())]

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(TermRow)) or 0)

    def info(self) -> dict[str, Any]:
        """Where the store is and what it holds."""
        with Session(self.engine) as session:
            domains = dict(session.execute(select(TermRow.domain, func.count()).group_by(TermRow.domain)).all())
            seeded = self._meta(session, "seed_sha256")
        return {"url": _safe(self.url), "terms": sum(domains.values()), "domains": domains,
                "revision": self.revision, "seeded_from_sha256": seeded}

    # --- search ---------------------------------------------------------------------------

    def lookup(self, query: str, limit: int = 20, domain: Domain | str | None = None) -> list[Term]:
        """Find terms by hanzi (either script), pinyin (any form) or English, best first.

        The kind is detected, or forced with ``c:``, ``p:`` or ``e:``. Ranking: exact before
        prefix before substring, preferred renderings before outdated ones. Each term's ``hit``
        says what matched, including a superseded or deprecated rendering.

        >>> import glossary
        >>> hit = glossary.open("sqlite://").lookup("community of common destiny")[0]
        >>> hit.id, hit.hit.status.value
        ('community-with-a-shared-future', 'superseded')
        """
        parsed = read_query(query)
        limit = max(1, min(limit, 200))
        domain_value = Domain(domain).value if domain else None
        found: dict[str, tuple[tuple[Any, ...], str, str]] = {}  # id -> (sort key, field, kind)
        stages = _stages(parsed)
        if not stages:
            return []
        with self.engine.connect() as connection:
            for order, field, key in stages:
                for term_id, matched, rank in self._scan(connection, field, key, domain_value, limit * 2):
                    kind, klass = _kind(field, matched == key)
                    sort = (klass, rank, order, len(matched), term_id)
                    if term_id not in found or sort < found[term_id][0]:
                        found[term_id] = (sort, field, kind)
            exact = any(entry[0][0] == 0 for entry in found.values())
            if QueryKind.ENGLISH in parsed.kinds and len(parsed.words) > 1 and len(found) < limit and not exact:
                for term_id in self._all_words(connection, parsed.words, domain_value, limit * 2):
                    found.setdefault(term_id, ((3, 9, 9, 0, term_id), "enw", "words"))
            best = sorted(found.items(), key=lambda item: item[1][0])[:limit]
            terms = self._fetch(connection, [term_id for term_id, _ in best])
        return [replace(t, hit=_explain(t, parsed, found[t.id][1], found[t.id][2])) for t in terms]

    @staticmethod
    def _query(connection: Any, sql: str, params: tuple[Any, ...]) -> list[Any]:
        """Run a read on the DB-API cursor: lookups are a few index scans, and SQLAlchemy's
        statement and result handling would cost more than the scans themselves. SQL is
        written with ``?`` and turned into the driver's parameter style."""
        if connection.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def _scan(self, connection: Any, field: str, key: str, domain: str | None,
              limit: int) -> list[tuple[str, str, int]]:
        """One range scan of the search index: keys starting with ``key``, in key order.

        Lookups use the driver directly: SQLAlchemy's statement handling costs more than the
        index scan itself.
        """
        if domain:
            sql = ("SELECT k.term_id, k.key, k.rank FROM search_keys k JOIN terms t ON t.id = k.term_id "
                   "WHERE k.field = ? AND k.key >= ? AND k.key < ? AND t.domain = ? ORDER BY k.key, k.rank LIMIT ?")
            params: tuple[Any, ...] = (field, key, key + KEY_MAX, domain, limit)
        else:
            sql = ("SELECT term_id, key, rank FROM search_keys WHERE field = ? AND key >= ? AND key < ? "
                   "ORDER BY key, rank LIMIT ?")
            params = (field, key, key + KEY_MAX, limit)
        return [(row[0], row[1], row[2]) for row in self._query(connection, sql, params)]

    def _all_words(self, connection: Any, words: Sequence[str], domain: str | None, limit: int) -> list[str]:
        """Ids of terms having every word (in any of their renderings)."""
        part = "SELECT term_id FROM search_keys WHERE field = 'enw' AND key = ?"
        if domain:
            part += " AND term_id IN (SELECT id FROM terms WHERE domain = ?)"
        sql = " INTERSECT ".join([part] * len(words)) + " LIMIT ?"
        params: list[Any] = []
        for word in words:
            params += [word, domain] if domain else [word]
        return [row[0] for row in self._query(connection, sql, tuple(params + [limit]))]

    def _fetch(self, connection: Any, term_ids: Sequence[str]) -> list[Term]:
        """Terms by id in the order given (the lookup's fast path; get_many is the general one).

        Records are kept for the current revision, so a popular term is decoded once.
        """
        if not term_ids:
            return []
        revision = self._revision(connection)
        with self._cache_lock:
            if self._records_revision != revision:
                self._records, self._records_revision = {}, revision
            records = self._records
        missing = [i for i in term_ids if i not in records]
        if missing:
            columns = ", ".join(_TERM_COLUMNS)
            sql = f"SELECT {columns} FROM terms WHERE id IN ({', '.join('?' * len(missing))})"
            fetched = {row[0]: _term_from_values(dict(zip(_TERM_COLUMNS, row)))
                       for row in self._query(connection, sql, tuple(missing))}
            with self._cache_lock:
                if len(self._records) + len(fetched) > _RECORD_CACHE_SIZE:
                    self._records = {}  # full: start again (cheap, and popular terms come back first)
                self._records.update(fetched)
            records = {**{i: records[i] for i in term_ids if i in records}, **fetched}
        return [records[i] for i in term_ids if i in records]

    def select(self, domain: Domain | str | None = None, status: Status | str | None = None) -> list[Term]:
        """Terms of a domain and/or having a rendering of a status (for filtered exports)."""
        chosen = self.terms(domain)
        if status is not None:
            wanted = Status(status)
            chosen = [t for t in chosen if any(r.status is wanted for r in t.renderings)]
        return chosen

    def export(self, format: str = "csv", domain: Domain | str | None = None,
               status: Status | str | None = None) -> bytes:
        """Write terms in a registered export format (see glossary.formats).

        >>> import glossary
        >>> glossary.open("sqlite://").export("csv", domain="places")[:17]
        b'id,simplified,tra'
        """
        from .formats import export_format

        return export_format(format).write(self.select(domain, status))

    # --- annotation (glossary.matcher, annotate, english, check) --------------------------

    def _matcher(self, domain: Domain | str | None = None) -> Any:
        from .matcher import Matcher

        # the terms are fetched first: cached() holds a non-reentrant lock while it builds
        everything: list[Term] = self.cached("terms", self._load_terms)
        wanted = Domain(domain) if domain else None
        return self.cached(f"matcher:{wanted.value if wanted else ''}", lambda: Matcher(
            [t for t in everything if wanted is None or t.domain is wanted]))

    def _english_matcher(self) -> Any:
        from .english import EnglishMatcher

        everything: list[Term] = self.cached("terms", self._load_terms)
        return self.cached("english-matcher", lambda: EnglishMatcher(everything))

    def find(self, text: str, across_newlines: bool = False) -> list[Any]:
        """Every term in a Chinese text (any script), leftmost-longest; offsets index ``text``.

        >>> import glossary
        >>> [(m.start, m.end, m.form.value) for m in glossary.open("sqlite://").find("构建命運共同體")]
        [(2, 7, 'traditional')]
        """
        return list(self._matcher().find(text, across_newlines))

    def annotate(self, text: str, format: str = "html", pinyin: str = "marks", first_only: bool = False,
                 domain: Domain | str | None = None, across_newlines: bool = False) -> str:
        """Mark the terms of a Chinese text as html, brackets, markdown or json (glossary.annotate).

        >>> import glossary
        >>> glossary.open("sqlite://").annotate("维护核心利益", format="brackets")
        '维护核心利益 (héxīn lìyì, “core interests”)'
        """
        from .annotate import annotate

        return annotate(text, self._matcher(domain), format, pinyin, first_only, across_newlines)

    def annotate_english(self, text: str, pinyin: str = "plain", first_only: bool = True) -> str:
        """Insert “(中文, pinyin)” after the first occurrence of each known English rendering.

        >>> import glossary
        >>> glossary.open("sqlite://").annotate_english("their “core interests”.")
        'their “core interests” (核心利益, hexin liyi).'
        """
        from .english import annotate_english

        return annotate_english(text, self._english_matcher(), pinyin, first_only)

    def check(self, text: str, source: str | None = None) -> list[Any]:
        """Terminology QA of an English text (outdated and ruled-out renderings; with the Chinese
        ``source``, its terms missing from the translation).

        >>> import glossary
        >>> [f.replacement for f in glossary.open("sqlite://").check("a community of common destiny")]
        ['community with a shared future']
        """
        from .check import check

        chinese = self._matcher() if source is not None else None
        return check(text, self._english_matcher(), self.cached("terms", self._load_terms), source, chinese)

    # --- writing --------------------------------------------------------------------------

    def import_terms(self, terms: Iterable[Term], on_conflict: Conflict | str = Conflict.REPORT,
                     dry_run: bool = False, prune: bool = False, progress: Progress | None = None) -> ImportReport:
        """Write terms in one transaction: all of them or, on any error, none.

        New ids are added; unchanged entries are left alone; an entry whose content differs is
        a conflict, handled as ``on_conflict`` says. ``prune`` removes stored entries that the
        import does not contain (used when the store mirrors terms.csv).
        """
        incoming = list(terms)
        mode = Conflict(on_conflict)
        self._check_valid(incoming)
        self._check_links(incoming, prune)
        now = datetime.now(timezone.utc)
        try:
            with Session(self.engine) as session, session.begin():
                _lock(session.connection())
                stored = dict(session.execute(select(TermRow.id, TermRow.checksum)).all())
                created = dict(session.execute(select(TermRow.id, TermRow.created_at)).all()) \
                    if stored else {}
                sums = {term.id: _checksum(term) for term in incoming}
                new, changed, unchanged = [], [], 0
                for term in incoming:
                    if term.id not in stored:
                        new.append(term)
                    elif stored[term.id] == sums[term.id]:
                        unchanged += 1
                    else:
                        changed.append(term)
                if changed and mode is Conflict.REPORT:
                    raise ImportConflict([t.id for t in changed])
                kept = changed if mode is Conflict.REPLACE else []
                removed = set(stored) - {t.id for t in incoming} if prune else set()
                report = ImportReport(len(new), len(kept), unchanged, len(changed) - len(kept), len(removed), dry_run)
                if dry_run:
                    session.rollback()
                    return report
                gone = removed | {t.id for t in kept}
                for chunk in _chunks(sorted(gone), 500):
                    session.execute(delete(SearchKey).where(SearchKey.term_id.in_(chunk)))
                    session.execute(delete(TermRow).where(TermRow.id.in_(chunk)))
                writes = [replace(t, created_at=_aware(created[t.id])) if t.id in created else t for t in kept] + new
                connection = session.connection()
                terms_writer = _Inserter(connection, TermRow.__table__)
                keys_writer = _Inserter(connection, SearchKey.__table__)
                bulk = not stored and len(writes) > 20000
                if bulk:  # a big load into an empty store: build the secondary index once, at the end
                    connection.exec_driver_sql("DROP INDEX ix_search_keys_term_id")
                done = 0
                for chunk in _chunks(writes, 20000):
                    terms_writer.write([_row_values(t, now, sums[t.id]) for t in chunk])
                    keys_writer.write(_key_rows(chunk))
                    done += len(chunk)
                    if progress:
                        progress(done, len(writes))
                if bulk:
                    connection.exec_driver_sql("CREATE INDEX ix_search_keys_term_id ON search_keys (term_id)")
                if writes or removed:
                    self._set_meta(session, "revision", str(int(self._meta(session, "revision") or 0) + 1))
                return report
        except SQLAlchemyError as error:
            raise StoreError(f"the import failed and the store is unchanged: {str(error).splitlines()[0]}") from error

    @staticmethod
    def _check_valid(incoming: list[Term]) -> None:
        problems: list[Problem] = []
        seen: set[str] = set()
        for number, term in enumerate(incoming, start=1):
            problems += [Problem("import", number, field, f"{term.id}: {message}") for field, message in term.problems()]
            if term.id in seen:
                problems.append(Problem("import", number, "id", f"duplicate id {term.id!r}"))
            seen.add(term.id)
        if problems:
            raise InvalidInput(problems)

    def _check_links(self, incoming: list[Term], prune: bool) -> None:
        known = {t.id for t in incoming}
        if not prune:
            with Session(self.engine) as session:
                known |= set(session.scalars(select(TermRow.id)))
        problems = [Problem("import", 0, "related", f"{t.id}: related id {other!r} names no entry")
                    for t in incoming for other in t.related if other not in known]
        if problems:
            raise InvalidInput(problems)

    def seed_from(self, path: Path) -> ImportReport | None:
        """Mirror terms.csv into the store: when it is empty, or when terms.csv changed and the
        store has had no other writes since it was last seeded. Returns None when nothing to do."""
        if not path.exists():
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with Session(self.engine) as session:
            seeded = self._meta(session, "seed_sha256")
            seeded_revision = self._meta(session, "seed_revision")
        if seeded == digest:
            return None
        if seeded is None and self.count():
            return None  # a store filled by other means: leave it alone
        if seeded is not None and seeded_revision != str(self.revision):
            log.warning("%s changed, but the store has other writes since it was seeded; "
                        "run 'glossary import %s --on-conflict replace' to update it", path, path)
            return None
        report = self.import_terms(read_terms(path), on_conflict=Conflict.REPLACE, prune=True)
        with Session(self.engine) as session, session.begin():
            self._set_meta(session, "seed_sha256", digest)
            self._set_meta(session, "seed_revision", str(int(self._meta(session, "revision") or 0)))
        return report


def _stages(q: Query) -> list[tuple[int, str, str]]:
    """(order, field, key) of each index scan a query needs; order breaks ties between fields."""
    stages: list[tuple[int, str, str]] = []
    if q.hanzi:
        stages += [(0, "hz", q.hanzi), (0, "hzs", q.hanzi)]
    if QueryKind.PINYIN in q.kinds:
        if q.pinyin is not None:
            stages.append((1, "pyt", q.pinyin.toned) if q.pinyin.toned else (1, "py", q.pinyin.toneless))
        if q.initials:
            stages.append((3, "pyi", q.initials))
    if QueryKind.ENGLISH in q.kinds and q.english:
        stages.append((2, "en", q.english))
        if len(q.words) == 1:
            stages.append((2, "enw", q.words[0]))
    return [stage for stage in stages if stage[2]]


def _kind(field: str, exact: bool) -> tuple[str, int]:
    """How a key matched, and its class for ranking (0 exact, 1 prefix, 2 substring or words)."""
    if field == "hzs":
        return "substring", 2
    if field == "enw":
        return "words", 2
    return ("exact", 0) if exact else ("prefix", 1)


_decode_json = json.JSONDecoder().decode


def _term_from_values(values: dict[str, Any]) -> Term:
    """A Term from raw driver values (JSON as text on SQLite, decoded on PostgreSQL)."""
    for name in ("variants", "renderings", "sources", "related"):
        value = values[name]
        if isinstance(value, str):
            values[name] = [] if value == "[]" else _decode_json(value)
    for name in ("created_at", "updated_at"):
        if isinstance(values[name], str):
            values[name] = datetime.fromisoformat(values[name])
    return _term_from_row(SimpleNamespace(**values))  # type: ignore[arg-type]


def _explain(term: Term, query: Query, field: str, kind: str) -> Hit:
    """Describe a hit for the user: the form or rendering that matched and its status."""
    if field in ("hz", "hzs"):
        text = next((form for form, _ in term.forms() if query.hanzi in fold(form)), term.simplified)
        return Hit("hanzi", kind, text)
    if field.startswith("py"):
        return Hit("pinyin", kind, term.pinyin)
    words = set(query.words)
    for rendering in sorted(term.renderings, key=lambda r: r.status.rank):
        normal = normalize_english(rendering.text)
        if (field == "en" and normal.startswith(query.english)) or (
                field == "enw" and (words <= set(english_words(rendering.text))
                                    or any(w.startswith(query.words[-1]) for w in english_words(rendering.text)))):
            return Hit("english", kind, rendering.text, rendering.status)
    return Hit("english", kind, term.preferred.text, Status.PREFERRED)


class _Inserter:
    """Bulk INSERT through the driver's executemany, values converted by the column types.

    SQLAlchemy's per-row parameter handling dominates big imports (120k terms, 1.4M keys);
    this keeps the types' own conversions (JSON, dates, booleans) and skips the rest.
    """

    def __init__(self, connection: Any, table: Any) -> None:
        dialect = connection.dialect
        self.connection = connection
        self.columns = [c.name for c in table.columns]
        self.processors = [(i, p) for i, c in enumerate(table.columns)
                           if (p := c.type._cached_bind_processor(dialect)) is not None]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(dialect.identifier_preparer.quote(name) for name in self.columns)
        self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(self.columns))})"

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert rows given as tuples in the table's column order."""
        if not rows:
            return
        if self.processors:
            converted = []
            for row in rows:
                values = list(row)
                for index, process in self.processors:
                    values[index] = process(values[index])
                converted.append(tuple(values))
            rows = converted
        self.connection.exec_driver_sql(self.sql, rows)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: big imports and prefix scans
            if path and path != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _lock(connection: Any) -> None:
    """Serialise schema changes and imports between app servers sharing a PostgreSQL store."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7351902)")


def _safe(url: str) -> str:
    """The URL with any password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL we cannot parse is shown as given
        return url
