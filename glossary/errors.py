"""Every error the glossary raises, rooted at GlossaryError.

Messages say what went wrong and what to do next; the CLI and the web app show them as they are.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class GlossaryError(Exception):
    """Base class: anything the glossary refuses, with a message meant for the user."""


class PinyinError(GlossaryError, ValueError):
    """A pinyin string that cannot be read."""

    def __init__(self, text: str, problem: str) -> None:
        self.text = text
        self.problem = problem
        super().__init__(f"pinyin {text!r}: {problem}; write tone-marked syllables such as 'zhànlüè'")


class NoReading(PinyinError):
    """Hanzi that pypinyin has no reading for, so no pinyin can be generated."""

    def __init__(self, hanzi: str, character: str) -> None:
        self.text, self.character = hanzi, character
        self.problem = f"no reading is known for {character}"
        GlossaryError.__init__(self, f"no pinyin can be generated for {hanzi}: pypinyin knows no reading of "
                                     f"{character}; write the pinyin (tone marks, one syllable per character)")


class TermNotFound(GlossaryError, LookupError):
    """No term has this id."""

    def __init__(self, term_id: str) -> None:
        self.term_id = term_id
        super().__init__(f"no term with id {term_id!r}; search with 'glossary lookup' to find its id")


class NothingToExport(GlossaryError, LookupError):
    """A filtered export matches no term."""

    def __init__(self, domain: str | None, status: str | None) -> None:
        self.domain, self.status = domain, status
        wanted = " and ".join(part for part in (f"in the domain {domain}" if domain else "",
                                                 f"with a {status} rendering" if status else "") if part)
        super().__init__(f"no term {wanted}; choose another domain or status, or export everything")


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is and how to fix it."""

    source: str
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}" if self.line > 0 else self.source  # a file, or an entry
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class InvalidInput(GlossaryError):
    """An input file (CSV, TBX, spreadsheet) has problems; nothing was imported."""

    def __init__(self, problems: list[Problem], done: str = "imported") -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun}, nothing was {done}:\n{shown}{more}")


class ImportConflict(GlossaryError):
    """Imported entries differ from entries already in the store; nothing was imported."""

    def __init__(self, term_ids: list[str]) -> None:
        self.term_ids = term_ids
        shown = ", ".join(term_ids[:10]) + (" …" if len(term_ids) > 10 else "")
        super().__init__(
            f"{len(term_ids)} entries already exist with different content ({shown}); nothing was "
            "imported. Use --on-conflict replace to overwrite them or --on-conflict skip to keep them"
        )


class VersionConflict(GlossaryError):
    """An entry changed since the writer read it (or was created, or withdrawn); nothing was written."""

    def __init__(self, term_id: str, expected: int | None, actual: int | None) -> None:
        self.term_id, self.expected, self.actual = term_id, expected, actual
        now = "no longer exists" if actual is None and expected else (
            "already exists" if not expected else f"is at version {actual}")
        super().__init__(f"{term_id} changed since it was read: you had version {expected or 'none'}, the store's "
                         f"{now}; nothing was written. Read it again, redo the change and save")


class InputTooLarge(GlossaryError):
    """A text or file is larger than the configured limit."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            f"the input is {size:,} bytes, over the limit of {limit:,} bytes; split it into smaller parts"
        )


class StoreProblem(str, enum.Enum):
    """Why the store could not be used (``StoreError.problem``)."""

    #: The database server does not answer or dropped the connection: try again in a moment.
    UNAVAILABLE = "unavailable"
    #: The store's file or folder cannot be written (permissions, a read-only mount).
    READ_ONLY = "read-only"
    #: The disk (or the process's file size limit) has no room for the write.
    FULL = "full"
    #: Another write held the store too long (engine.WRITE_WAIT): try again when it has finished.
    BUSY = "busy"
    #: Anything else the database refused.
    FAILED = "failed"


class StoreError(GlossaryError):
    """The store cannot be opened, read or written; it is left as it was."""

    def __init__(self, message: str, problem: StoreProblem = StoreProblem.FAILED) -> None:
        self.problem = problem
        super().__init__(message)
