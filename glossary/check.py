"""Terminology checks for English drafts: outdated renderings, ruled-out combinations, omissions."""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .english import EnglishMatcher
from .matcher import Matcher
from .overlay import PatchedEnglish, PatchedMatcher
from .terms import Rendering, Status, Term

__all__ = ["FindingKind", "Finding", "Combination", "RULED_OUT", "check", "locate", "findings_csv"]


class FindingKind(str, enum.Enum):
    """What a terminology check found."""

    #: A superseded or deprecated rendering; use the preferred one.
    OUTDATED = "outdated"
    #: A combination official guidance rules out ("Belt and Road strategy").
    RULED_OUT = "ruled-out"
    #: A term of the Chinese source whose preferred or admitted rendering the translation lacks.
    MISSING = "missing"
    #: A rendering right for one concept and wrong for another ("one-China policy" names the US
    #: position, not 一个中国原则), checked without the Chinese source: advice, not an error.
    ADVICE = "advice"
    #: One source term rendered two ways in one bilingual file (XLIFF).
    INCONSISTENT = "inconsistent"

    @property
    def is_error(self) -> bool:
        """Whether the finding is a problem (advice is a question for the translator)."""
        return self is not FindingKind.ADVICE


@dataclass(frozen=True)
class Finding:
    """One problem; ``start``/``end`` index the English text, or the Chinese source for MISSING."""

    kind: FindingKind
    start: int
    end: int
    text: str
    term_id: str
    message: str
    replacement: str | None = None
    status: Status | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON."""
        return {"kind": self.kind.value, "start": self.start, "end": self.end, "text": self.text,
                "term": self.term_id, "message": self.message, "replacement": self.replacement,
                "status": self.status.value if self.status else None}


@dataclass(frozen=True)
class Combination:
    """A wording official guidance rules out: a case-insensitive regular expression and why."""

    pattern: str
    reason: str


_BR = r"(?:Belt\s*(?:and|&)\s*Road|B\s*&\s*R|One\s+Belt[,;]?\s+One\s+Road|OBOR)"

#: Ruled-out combinations, keyed by the id of the term whose preferred rendering replaces them.
RULED_OUT: Mapping[str, Sequence[Combination]] = {
    "belt-and-road-initiative": (
        Combination(rf"{_BR}(?:\s+initiative)?\s+(?:strateg(?:y|ies)|programs?|programmes?|agendas?)",
                    "the 2015 NDRC, Foreign Ministry and Commerce Ministry guidance rules out "
                    "“strategy”, “program” and “agenda”"),
        Combination(rf"\bthe\s+{_BR}\s+project",
                    "the 2015 guidance rules out calling the initiative a “project” "
                    "(individual “Belt and Road projects” are fine)"),
        Combination(r"Belt\s*(?:and|&)\s*Road\s+initiatives",
                    "the 2015 guidance writes “initiative” in the singular"),
    ),
}


def check(text: str, english: EnglishMatcher | PatchedEnglish, terms: Mapping[str, Term] | Sequence[Term],
          source: str | None = None, chinese: Matcher | PatchedMatcher | None = None,
          rules: Mapping[str, Sequence[Combination]] = RULED_OUT) -> list[Finding]:
    """Terminology QA of an English text, findings in text order (omissions last).

    >>> from glossary.terms import Domain, Rendering
    >>> bri = Term("belt-and-road-initiative", "一带一路", "一帶一路", "yīdài yīlù", Domain.BELT_AND_ROAD,
    ...            "", (Rendering("Belt and Road Initiative", Status.PREFERRED),
    ...                 Rendering("One Belt, One Road", Status.DEPRECATED)))
    >>> [f.message for f in check("The One Belt, One Road plan.", EnglishMatcher([bri]), {bri.id: bri})]
    ['“One Belt, One Road” is deprecated for 一带一路: write “Belt and Road Initiative”']
    """
    findings: list[Finding] = []
    in_source = {m.term.id for m in chinese.find(source)} if source is not None and chinese is not None else None
    owners_of = _Owners(english)
    for pid, start, end in english.scan(text):
        owners = owners_of[pid]
        term, rendering = owners[0]
        written = text[start:end]
        if rendering.status.outdated:
            findings.append(_outdated(written, start, end, term, rendering))
            continue
        # current for ``term``, but outdated for another concept it is mistaken for
        current = {t.id for t, r in owners if not r.status.outdated}
        for other, wrong in owners:
            if not wrong.status.outdated or other.id in current:
                continue
            if in_source is None:
                findings.append(Finding(
                    FindingKind.ADVICE, start, end, written, other.id,
                    f"“{written}” is right for {term.simplified} ({term.preferred.text}); if the original says "
                    f"{other.simplified}, write “{other.preferred.text}”", other.preferred.text, wrong.status))
            elif other.id in in_source and not current & in_source:
                findings.append(_outdated(written, start, end, other, wrong, f"; it names {term.simplified}"))
    by_id = terms if isinstance(terms, Mapping) else {t.id: t for t in terms}
    for term_id, combinations in rules.items():
        ruled = by_id.get(term_id)
        if ruled is None:
            continue
        for combination in combinations:
            for found in re.finditer(rf"(?<!\w){combination.pattern}(?!\w)", text, re.IGNORECASE):
                findings.append(Finding(
                    FindingKind.RULED_OUT, found.start(), found.end(), found.group(), ruled.id,
                    f"“{found.group()}”: {combination.reason}; write “{ruled.preferred.text}”",
                    ruled.preferred.text))
    # a rendering listed as deprecated that a rule also covers ("Belt and Road strategy"):
    # one finding, the rule's, which says why
    ruled_spans = {(f.start, f.end, f.term_id) for f in findings if f.kind is FindingKind.RULED_OUT}
    findings = [f for f in findings
                if f.kind is not FindingKind.OUTDATED or (f.start, f.end, f.term_id) not in ruled_spans]
    findings.sort(key=lambda f: (f.start, f.end))
    if source is not None and chinese is not None:
        findings += _missing(text, english, source, chinese)
    return findings


class _Owners(dict):  # type: ignore[type-arg]
    """A matcher's ``owners`` read once per pattern in one check: the entries are decoded when
    read (glossary.entries), and a long text names many once each, not once per match."""

    def __init__(self, english: EnglishMatcher | PatchedEnglish) -> None:
        super().__init__()
        self.english = english

    def __missing__(self, pid: int) -> list[tuple[Term, Rendering]]:
        found = self[pid] = self.english.owners[pid]
        return found


def _outdated(written: str, start: int, end: int, term: Term, rendering: Rendering, why: str = "") -> Finding:
    years = f" ({rendering.years})" if rendering.years else ""
    return Finding(FindingKind.OUTDATED, start, end, written, term.id,
                   f"“{written}” is {rendering.status.value}{years} for {term.simplified}{why}: "
                   f"write “{term.preferred.text}”", term.preferred.text, rendering.status)


def _missing(text: str, english: EnglishMatcher | PatchedEnglish, source: str,
             chinese: Matcher | PatchedMatcher) -> list[Finding]:
    owners_of = _Owners(english)
    present = {term.id for pid, _, _ in english.scan(text)
               for term, rendering in owners_of[pid] if not rendering.status.outdated}
    reported: set[str] = set()
    findings: list[Finding] = []
    for match in chinese.find(source):
        term = match.term
        if term.id in present or term.id in reported:
            continue
        reported.add(term.id)
        findings.append(Finding(
            FindingKind.MISSING, match.start, match.end, match.text, term.id,
            f"the source has {match.text} ({term.pinyin_as('plain')}) but the translation has neither "
            f"“{term.preferred.text}” nor an admitted rendering", term.preferred.text))
    return findings


def locate(text: str, offset: int) -> tuple[int, int]:
    r"""(line, column), both from 1, of a character offset.

    >>> locate("Title\nThe One Belt", 10)
    (2, 5)
    """
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


FINDINGS_COLUMNS = ("kind", "in", "line", "column", "text", "write instead", "message", "term")


def findings_csv(findings: Sequence[Finding], text: str, source: str | None = None, link: str = "{id}") -> bytes:
    """The findings as a CSV report that Excel opens (UTF-8 with a BOM, CRLF): where each is (the
    translation, or the source for a missing term), line and column, what was found, what to
    write instead, why, and the term (``link`` with ``{id}``: a URL of its page)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FINDINGS_COLUMNS)
    for finding in findings:
        in_source = finding.kind is FindingKind.MISSING and source is not None
        line, column = locate(source if in_source and source is not None else text, finding.start)
        row = [finding.kind.value, "source" if in_source else "translation", str(line), str(column), finding.text,
               finding.replacement or "", finding.message, link.format(id=finding.term_id)]
        writer.writerow(["'" + cell if cell.startswith(("=", "+", "-", "@")) else cell for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
