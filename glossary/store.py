"""The Glossary: one object a caller opens, a thin facade over the modules that do the work.

- ``glossary.repository``: the database: entries, the one write path, history, the change log;
- ``glossary.index``: search and reads by id, with what a process keeps of them;
- ``glossary.snapshot``: the annotation service, the entries and matchers in memory;
- ``glossary.edits``: put, withdraw and import, validated, links kept symmetric;
- ``glossary.formats``: the export and import formats.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace  # noqa: F401 - the put example uses it
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config, edits
from .csvio import read_terms
from .edits import Conflict, ImportReport
from .engine import safe_url
from .engine import read as db_read
from .errors import NothingToExport
from .index import SearchIndex
from .repository import Progress, Repository, Revision
from .snapshot import AnnotationService
from .candidates import Document
from .terms import Domain, Status, Term, TermSummary
from .timing import step

if TYPE_CHECKING:  # imported when first used: the web app's searches never build a matcher
    from .candidates import Candidate, Coverage
    from .check import Finding
    from .lint import Warning as LintWarning
    from .dictionary_index import DictionaryResult
    from .matcher import Match

__all__ = ["Glossary", "Conflict", "ImportReport", "open"]

log = logging.getLogger(__name__)


def open(url: str | None = None, seed: bool = True) -> Glossary:  # noqa: A001 - the public name
    """Open a store (the default SQLite store when no URL is given), creating it and, when it is
    empty, seeding it from terms.csv.

    >>> import glossary
    >>> g = glossary.open("sqlite://")          # an in-memory store, seeded from terms.csv
    >>> g.lookup("mingyun gongtongti")[0].simplified
    '命运共同体'
    """
    glossary = Glossary(url or config.database_url())
    if seed:
        glossary.seed_from(config.terms_csv())
    return glossary


class Glossary:
    """A glossary store: lookup, get, write, import and export, annotation and checks.

    Callers get frozen ``Term`` values; connections never leave the modules behind it.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.repository = Repository(url)
        self.engine = self.repository.engine
        self.index = SearchIndex(self.repository)
        self.annotation = AnnotationService(self.repository)

    def __repr__(self) -> str:
        return f"<Glossary {safe_url(self.url)}>"

    @property
    def revision(self) -> int:
        """Grows with every write; caches built from the store key on it."""
        return self.repository.revision()

    # --- reading ------------------------------------------------------------------------------

    def get(self, term_id: str) -> Term:
        """The entry with this id; raises TermNotFound."""
        return self.index.get(term_id)

    def get_many(self, term_ids: Sequence[str]) -> list[Term]:
        """Entries by id, in the order given; unknown ids are left out."""
        return self.index.get_many(term_ids)

    def terms(self, domain: Domain | str | None = None) -> list[Term]:
        """Every entry, sorted by id, optionally of one domain (from the current snapshot)."""
        return self.annotation.snapshot().entries(None if domain is None else Domain(domain))

    def select(self, domain: Domain | str | None = None, status: Status | str | None = None) -> list[Term]:
        """Entries of a domain and/or having a rendering of a status (for filtered exports)."""
        chosen = self.terms(domain)
        if status is not None:
            wanted = Status(status)
            chosen = [t for t in chosen if any(r.status is wanted for r in t.renderings)]
        return chosen

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(db_read(connection, "SELECT COUNT(*) FROM terms", ())[0][0])

    def info(self) -> dict[str, Any]:
        """Where the store is and what it holds."""
        with self.engine.connect() as connection:
            domains = {row[0]: int(row[1]) for row in db_read(
                connection, "SELECT domain, COUNT(*) FROM terms GROUP BY domain", ())}
        return {"url": safe_url(self.url), "terms": sum(domains.values()), "domains": domains,
                "revision": self.revision, "seeded_from_sha256": self.repository.meta("seed_sha256")}

    def history(self, term_id: str) -> list[Revision]:
        """Every revision of an entry, oldest first: the record before and after, who, when, why."""
        return self.repository.history(term_id)

    # --- search ---------------------------------------------------------------------------------

    def lookup(self, query: str, limit: int = 20, domain: Domain | str | None = None) -> list[Term]:
        """Find entries by hanzi (either script), pinyin (any form) or English, best first.

        The kind is detected, or forced with ``c:``, ``p:`` or ``e:``. Ranking: exact before
        prefix before substring, preferred renderings before outdated ones. Each entry's ``hit``
        says what matched, including a superseded or deprecated rendering.

        >>> import glossary
        >>> hit = glossary.open("sqlite://").lookup("community of common destiny")[0]
        >>> hit.id, hit.hit.status.value
        ('community-with-a-shared-future', 'superseded')
        """
        return self.index.lookup(query, limit, domain)

    def search(self, query: str, limit: int = 20, domain: Domain | str | None = None) -> list[TermSummary]:
        """``lookup``, with each result a ``TermSummary``: the headline fields a result list
        shows, read straight from the store's columns (what the site and the API's search use;
        ``get`` gives a result's full record).

        >>> import glossary
        >>> [(s.id, s.preferred.text) for s in glossary.open("sqlite://").search("mingyun gongtongti")][:1]
        [('community-with-a-shared-future', 'community with a shared future')]
        """
        return self.index.search(query, limit, domain)

    def did_you_mean(self, query: str, limit: int = 5) -> list[TermSummary]:
        """Entries whose pinyin, English or Chinese is a few typos away from the query (for a
        search that found nothing), nearest first; each result's ``hit`` has kind "similar".

        >>> import glossary
        >>> [s.simplified for s in glossary.open("sqlite://").did_you_mean("mingyun gongtongi")][:1]
        ['命运共同体']
        """
        return self.index.did_you_mean(query, limit)

    def dictionary_search(self, query: str, limit: int = 10,
                          curated: Sequence[TermSummary | Term] = ()) -> list[DictionaryResult]:
        """CC-CEDICT's entries for a query, to show after the store's results (``curated``,
        whose headwords are left out): a general dictionary, marked as not reviewed, never part
        of the store (glossary.dictionary_index).

        >>> import glossary
        >>> [(r.simplified, r.glosses[0]) for r in glossary.open("sqlite://").dictionary_search("computer", 1)]
        [('计算机', 'computer')]
        """
        from .dictionary_index import fallback

        return fallback(query, curated, limit)

    # --- writing --------------------------------------------------------------------------------

    def put(self, term: Term, if_match: int | None = None, author: str = "", comment: str = "",
            origin: str = "") -> Term:
        """Write one entry, new or changed, and return it as stored (with its new ``version``).

        ``if_match`` is the version the writer read (``term.version`` of what ``get`` gave; 0 for
        a new entry): if the store has another, nothing is written and ``VersionConflict`` says
        so. The entry is validated (``glossary.validate``), its links are kept symmetric, and
        a revision records the record before and after, ``author``, ``comment`` and ``origin``.

        >>> import glossary
        >>> g = glossary.open("sqlite://")
        >>> term = g.get("core-interests")
        >>> g.put(replace(term, definition="Changed."), if_match=term.version, author="doc").version
        2
        """
        outcome = edits.put(self.repository, term, if_match, author, comment, origin)
        return outcome.written.get(term.id) or self.get(term.id)

    def withdraw(self, term_id: str, if_match: int | None = None, author: str = "", comment: str = "",
                 origin: str = "") -> None:
        """Withdraw an entry (its history stays; entries linking to it drop the link)."""
        edits.withdraw(self.repository, term_id, if_match, author, comment, origin)

    def import_terms(self, terms: Iterable[Term], on_conflict: Conflict | str = Conflict.REPORT,
                     dry_run: bool = False, prune: bool = False, progress: Progress | None = None,
                     author: str = "", comment: str = "", origin: str = "import") -> ImportReport:
        """Write entries in one transaction: all of them or, on any error, none, each with its
        revision in the history.

        New ids are added; unchanged entries are left alone; an entry whose content differs is
        a conflict, handled as ``on_conflict`` says. ``prune`` withdraws stored entries that the
        import does not contain. The report lists every entry's change (a dry run's too).
        """
        report = edits.import_terms(self.repository, terms, on_conflict, dry_run, prune, progress, author, comment,
                                    origin)
        if report.revision is not None:
            with step("annotation snapshot"):
                self.annotation.refresh()  # the importer pays for a new snapshot, not a later request
        return report

    def seed_from(self, path: Path) -> ImportReport | None:
        """Fill an empty store from terms.csv, recording what seeded it in the same transaction.

        A store with entries is the source of truth: a changed terms.csv is only reported (log),
        and comes in through ``glossary import terms.csv``, which shows what changes. Returns
        None when nothing was seeded.
        """
        if not path.exists():
            return None
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if self.count():
            if self.repository.meta("seed_sha256") not in (None, digest):
                log.warning("%s differs from what this store was seeded from; run 'glossary import %s --dry-run' "
                            "to see what would change, then without --dry-run to bring it in", path, path)
            return None
        return edits.import_terms(self.repository, read_terms(path), origin=f"seed: {path.name}",
                                  meta={"seed_sha256": digest})

    # --- export ---------------------------------------------------------------------------------

    def export(self, format: str = "csv", domain: Domain | str | None = None,
               status: Status | str | None = None) -> bytes:
        """Write entries in a registered export format (see glossary.formats); NothingToExport
        when a filter matches no entry.

        >>> import glossary
        >>> glossary.open("sqlite://").export("csv", domain="places")[:17]
        b'id,simplified,tra'
        """
        from .formats import export_format

        writer = export_format(format)
        chosen = self.select(domain, status)
        if not chosen and (domain or status):  # say so, rather than write an empty file
            raise NothingToExport(Domain(domain).value if domain else None, Status(status).value if status else None)
        return writer.write(chosen)

    # --- annotation (glossary.snapshot, annotate, english, check) --------------------------

    def find(self, text: str, across_newlines: bool = False) -> list[Match]:
        """Every entry in a Chinese text (any script), leftmost-longest; offsets index ``text``.

        >>> import glossary
        >>> [(m.start, m.end, m.form.value) for m in glossary.open("sqlite://").find("构建命運共同體")]
        [(2, 7, 'traditional')]
        """
        return self.annotation.snapshot().matcher().find(text, across_newlines)

    def annotate(self, text: str, format: str = "html", pinyin: str = "marks", first_only: bool = False,
                 domain: Domain | str | None = None, across_newlines: bool = False, link: str | None = None,
                 all_words: bool = False) -> str:
        """Mark the entries of a Chinese text as html, brackets, markdown or json (glossary.annotate);
        ``link`` is where an entry's page is, with ``{id}`` (default ``/terms/{id}``); ``all_words``:
        every other word glossed from CC-CEDICT too, marked as not reviewed (glossary.allwords).

        >>> import glossary
        >>> glossary.open("sqlite://").annotate("维护核心利益", format="brackets")
        '维护核心利益 (héxīn lìyì, “core interests”)'
        """
        from .annotate import TERM_LINK, AnnotationFormat, annotate
        from .pinyin import PinyinStyle

        matcher = self.annotation.snapshot().matcher(Domain(domain) if domain else None)
        words = None
        if all_words:
            from .allwords import WordGlosser
            from .dictionary_index import index

            once = first_only and AnnotationFormat(format) is not AnnotationFormat.MARKDOWN
            words = WordGlosser(index(), PinyinStyle(pinyin), first_only=once)
        return annotate(text, matcher, format, pinyin, first_only, across_newlines, link or TERM_LINK, words)

    def annotate_english(self, text: str, pinyin: str = "plain", first_only: bool = True, format: str = "text",
                         source: str | None = None, findings: Sequence[Any] | None = None,
                         domain: Domain | str | None = None) -> str:
        """Insert “(中文, pinyin)” after the first occurrence of each known English rendering and
        mark what the terminology check finds (with the Chinese ``source``, if given): outdated
        wording gets its replacement, not a gloss. ``format``: "text" or "html"; ``findings``: the
        check's, when the caller has them already; ``domain``: only entries of that domain.

        >>> import glossary
        >>> glossary.open("sqlite://").annotate_english("their “core interests”.")
        'their “core interests” (核心利益, hexin liyi).'
        >>> glossary.open("sqlite://").annotate_english("the One Belt, One Road")
        'the One Belt, One Road [→ the Belt and Road Initiative]'
        """
        from .english import annotate_english

        snapshot = self.annotation.snapshot()
        if findings is None:  # the caller may have run the check already
            findings = self._check(snapshot, text, source)
        english = snapshot.english(Domain(domain) if domain else None)
        return annotate_english(text, english, pinyin, first_only, findings, format)

    def check(self, text: str, source: str | None = None) -> list[Finding]:
        """Terminology QA of an English text (outdated and ruled-out renderings; with the Chinese
        ``source``, its entries missing from the translation).

        >>> import glossary
        >>> [f.replacement for f in glossary.open("sqlite://").check("a community of common destiny")]
        ['community with a shared future']
        """
        return self._check(self.annotation.snapshot(), text, source)

    @staticmethod
    def _check(snapshot: Any, text: str, source: str | None) -> list[Finding]:
        from .check import check

        chinese = snapshot.matcher() if source is not None else None
        return check(text, snapshot.english(), snapshot.terms, source, chinese)

    # --- curation (glossary.candidates, glossary.lint) -----------------------------------------

    def candidates(self, texts: Iterable[str | Document], min_count: int = 2,
                   limit: int | None = 100) -> list[Candidate]:
        """The recurring phrases of Chinese documents that look like terms and that the glossary
        lacks, best first (glossary.candidates says how they are found).

        >>> import glossary
        >>> text = "推进一揽子化债方案。落实一揽子化债方案。维护核心利益。维护核心利益。"
        >>> [c.text for c in glossary.open("sqlite://").candidates([text])]
        ['一揽子化债方案']
        """
        from .candidates import extract

        return extract(_documents(texts), self.find, min_count, limit)

    def coverage(self, texts: Iterable[str | Document], marked: Iterable[str] = (),
                 min_count: int = 2) -> Coverage:
        """The entries found in Chinese documents, the candidates the glossary lacks, the share
        covered, and for each of a curator's ``marked`` terms the entry covering it."""
        from .candidates import coverage

        return coverage(_documents(texts), self.find, marked, min_count)

    def lint(self) -> list[LintWarning]:
        """What a reviewer should look at in the stored entries (glossary.lint)."""
        from .lint import lint

        return lint(self.terms())

    def dispose(self) -> None:
        """Close the store's connections."""
        self.repository.dispose()


def _documents(texts: Iterable[str | Document]) -> list[Document]:
    """Documents from texts (named by their position) or documents."""
    return [t if isinstance(t, Document) else Document(f"text {n}", t) for n, t in enumerate(texts, 1)]
