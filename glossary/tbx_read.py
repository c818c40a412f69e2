"""TBX in: TBX v3 and v2 files, ours or other tools', read into entries with line-numbered
problems (the mapping is ``glossary.tbx``'s)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lxml import etree

from . import pinyin as _pinyin
from .documents.limits import xml_parser, xml_problem
from .errors import InvalidInput, PinyinError, Problem
from .pinyin_generate import suggest
from .script import to_simplified, to_traditional
from .spreadsheet import adopt_stored_ids, make_id, unique_id
from .tbx import (KIND_OF, OPENCC_NOTE, XML_LANG, PINYIN, PINYIN_GENERATED, PINYIN_NOTE, STATUS_OF, V2, V3, YEARS,
                  _SIMPLIFIED_LANGS, _TRADITIONAL_LANGS, _VARIANT_ID, Dialect)
from .terms import Domain, Form, FormKind, Rendering, Status, Term
from .validate import ID_PATTERN, entry_problems

__all__ = ["read_tbx"]

Progress = Callable[[int, int], None]


def read_tbx(path: str | Path, options: dict[str, Any] | None = None) -> list[Term]:
    """Read a TBX file (v3 ``tbx`` or v2 ``martif``, told apart by the root element) into terms.

    Everything is validated first; problems name the element and its line, and nothing is
    returned unless the whole file is valid (InvalidInput). Options: ``stored`` (the store's
    terms: entries are matched to them by headword), ``progress`` (called with done, total).
    Language sections other than Chinese and English are ignored.

    >>> import tempfile, pathlib
    >>> from glossary.terms import Term, Rendering, Status, Domain
    >>> from glossary.tbx import write_tbx
    >>> term = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY,
    ...             "Interests a state will not trade away.",
    ...             (Rendering("core interests", Status.PREFERRED, source="1"),), sources=("MFA, 2011",))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.tbx"
    >>> _ = path.write_bytes(write_tbx([term]))
    >>> read_tbx(path) == [term]
    True
    """
    path = Path(path)
    options = options or {}
    name = path.name
    try:  # bytes, not the path: libxml2 reports bad bytes of a file as an OSError without a line
        root = etree.fromstring(path.read_bytes(), xml_parser(remove_comments=True, remove_pis=True))
    except etree.XMLSyntaxError as error:
        raise InvalidInput([xml_problem(error, name, "fix the file or export it again")]) from error
    references = _entity_references(root, name)
    if references:
        raise InvalidInput(references)
    dialect = {V3.tag("tbx"): V3, "tbx": V3, "martif": V2}.get(root.tag)
    if dialect is None:
        raise InvalidInput([Problem(name, root.sourceline or 1, etree.QName(root).localname,
                                    "the root element is neither <tbx> (TBX v3) nor <martif> (TBX v2); "
                                    "is this a TBX file?")])
    if root.tag == "tbx":  # v3 without its namespace: read it with the same names
        dialect = replace(V3, namespace=None)
    reader = _Reader(dialect, name, root)
    terms = reader.read(options.get("progress"))
    stored = options.get("stored")
    return adopt_stored_ids(terms, stored, reader.generated) if stored is not None else terms


class _Reader:
    """Reads the entries of one parsed TBX document, collecting problems."""

    def __init__(self, dialect: Dialect, name: str, root: etree._Element) -> None:
        self.d = dialect
        self.name = name
        self.root = root
        self.problems: list[Problem] = []
        self.generated: set[str] = set()
        t = dialect.tag
        self.entries = list(root.iter(t(dialect.entry)))
        self.ids: dict[etree._Element, str] = {}
        taken: set[str] = set()
        for entry in self.entries:  # ids first: cross-references need them
            wanted = _our_id(entry.get("id", ""))
            if not wanted:
                wanted = make_id(self._first_english(entry) or "", "entry")
                self.generated.add(wanted)
            self.ids[entry] = unique_id(wanted, taken)
        self.by_xml_id = {element.get("id"): element for element in root.iter() if element.get("id")}

    def problem(self, element: etree._Element, message: str) -> None:
        self.problems.append(Problem(self.name, element.sourceline or 0, etree.QName(element).localname, message))

    def read(self, progress: Progress | None) -> list[Term]:
        terms: list[Term] = []
        headwords: dict[str, int] = {}
        total = len(self.entries)
        for done, entry in enumerate(self.entries, start=1):
            term = self.entry(entry)
            if term is not None:
                if term.simplified in headwords:
                    self.problem(entry, f"duplicate headword {term.simplified} (first on line "
                                        f"{headwords[term.simplified]}); merge the two entries")
                else:
                    headwords[term.simplified] = entry.sourceline or 0
                    terms.append(term)
            if progress and (done % 500 == 0 or done == total):
                progress(done, total)
        if not self.entries and not self.problems:
            self.problems.append(Problem(self.name, self.root.sourceline or 1, etree.QName(self.root).localname,
                                         f"no <{self.d.entry}> elements: nothing to import"))
        if self.problems:
            raise InvalidInput(sorted(self.problems, key=lambda p: p.line))
        return terms

    def _first_english(self, entry: etree._Element) -> str | None:
        for section in entry.findall(self.d.tag(self.d.lang)):
            if _lang(section).startswith("en"):
                for sec in self._term_secs(section):
                    return self._term_text(sec)
        return None

    def _headword(self, sections: list[etree._Element], variants: list[tuple[int, int, Form]]
                  ) -> tuple[str, list[etree._Element]]:
        """The first plain term of one script's language sections, and the termSecs read as the
        headword on the way (an empty one gives way to the next); every other form is added to
        ``variants`` as (order from the id, document order, form)."""
        headword = ""
        candidates: list[etree._Element] = []
        for section in sections:
            for sec in self._term_secs(section):
                text = self._term_text(sec)
                kind = KIND_OF.get(self._notes(sec, "termType").get("termType", ""))
                if not headword and kind is None:
                    headword = text
                    candidates.append(sec)
                elif text:
                    pinyin = next((note[len(PINYIN):].strip() for note in self._texts(sec, "note")
                                   if note.startswith(PINYIN)), "")
                    variants.append((_variant_order(sec), len(variants), Form(text, kind or FormKind.VARIANT, pinyin)))
        return headword, candidates

    def _term_secs(self, section: etree._Element) -> list[etree._Element]:
        if self.d is V2:
            return [e for e in section if e.tag in ("tig", "ntig")]
        return list(section.findall(self.d.tag("termSec")))

    def _term_text(self, sec: etree._Element) -> str:
        term = sec.find(self.d.tag("term"))
        if term is None:
            term = sec.find("termGrp/term")  # v2 ntig
        return "".join(term.itertext()).strip() if term is not None else ""

    def _notes(self, sec: etree._Element, kind: str) -> dict[str, str]:
        found = sec.findall(self.d.tag("termNote")) + sec.findall("termGrp/termNote")
        return {n.get("type", ""): (n.text or "").strip() for n in found if kind in ("", n.get("type"))}

    def _texts(self, element: etree._Element, name: str, **attributes: str) -> list[str]:
        return ["".join(e.itertext()).strip() for e in element.findall(self.d.tag(name))
                if all(e.get(k) == v for k, v in attributes.items())]

    def entry(self, entry: etree._Element) -> Term | None:
        t = self.d.tag
        before = len(self.problems)
        term_id = self.ids[entry]
        sections = entry.findall(t(self.d.lang))
        hans = [s for s in sections if _lang(s) in _SIMPLIFIED_LANGS or _lang(s).startswith("zh-hans")]
        hant = [s for s in sections if _lang(s) in _TRADITIONAL_LANGS or _lang(s).startswith("zh-hant")]
        english = [s for s in sections if _lang(s) == "en" or _lang(s).startswith("en-")]
        if not hans and not hant:
            self.problem(entry, f"entry {entry.get('id')!r} has no Chinese language section (zh-Hans, zh, zh-CN "
                                "or zh-Hant); add the Chinese term or leave the entry out")
        if not english:
            self.problem(entry, f"entry {entry.get('id')!r} has no English language section (en); add the "
                                "English term or leave the entry out")
        if len(self.problems) > before:
            return None

        variants: list[tuple[int, int, Form]] = []  # (order from the id, document order, form)
        simplified, candidates = self._headword(hans, variants)
        pinyin = pinyin_note = ""
        pinyin_curated = False
        for sec in candidates:
            for note in self._texts(sec, "note"):
                if note.startswith(PINYIN):
                    pinyin, pinyin_curated = note[len(PINYIN):].strip(), True
                elif note.startswith(PINYIN_GENERATED):
                    pinyin = note[len(PINYIN_GENERATED):].strip()
                elif note.startswith(PINYIN_NOTE):
                    pinyin_note = note[len(PINYIN_NOTE):].strip()
        traditional, candidates = self._headword(hant, variants)
        traditional_curated = bool(candidates) and OPENCC_NOTE not in self._texts(candidates[-1], "note")
        if not simplified and traditional:
            simplified = to_simplified(traditional)
        if not any(_pinyin.is_hanzi(c) for c in simplified):
            self.problem(hans[0] if hans else hant[0], f"the Chinese term {simplified!r} has no Chinese characters")
            return None

        definition, sources = "", []
        for holder in [entry] + english:
            for group in holder.findall(t("descripGrp")):
                descrip = group.find(t("descrip"))
                if descrip is not None and descrip.get("type") == "definition" and not definition:
                    definition = " ".join("".join(descrip.itertext()).split())
                    sources += self._texts(group, "admin", type="source")
            for descrip in holder.findall(t("descrip")):
                if descrip.get("type") == "definition" and not definition:
                    definition = " ".join("".join(descrip.itertext()).split())
        sources += self._texts(entry, "admin", type="source")
        sources = list(dict.fromkeys(s for s in sources if s))

        renderings: list[Rendering] = []
        unmarked: list[int] = []
        for section in english:
            for sec in self._term_secs(section):
                text = self._term_text(sec)
                if not text:
                    self.problem(sec, "an English term is empty")
                    continue
                status_text = self._notes(sec, "administrativeStatus").get("administrativeStatus")
                if status_text is not None and status_text not in STATUS_OF:
                    self.problem(sec, f"administrativeStatus {status_text!r} of {text!r} is not one of "
                                      f"{', '.join(STATUS_OF)}")
                    continue
                years, notes = None, []
                for note in self._texts(sec, "note"):
                    if note.startswith(YEARS):
                        years = note[len(YEARS):].strip()
                    elif note:
                        notes.append(" ".join(note.split()))
                citation = next(iter(self._texts(sec, "admin", type="source")), None)
                source = str(sources.index(citation) + 1) if citation in sources else citation
                if status_text is None:
                    unmarked.append(len(renderings))
                renderings.append(Rendering(text, STATUS_OF.get(status_text or "", Status.ADMITTED), years,
                                            "; ".join(notes) or None, source or None))
        if len(self.problems) > before:
            return None
        preferred = [r for r in renderings if r.status is Status.PREFERRED]
        if not preferred and unmarked:  # foreign files often leave statuses out: the first term leads
            renderings[unmarked[0]] = replace(renderings[unmarked[0]], status=Status.PREFERRED)
        elif len(preferred) > 1:
            self.problem(english[0], f"{len(preferred)} English terms are marked preferredTerm-admn-sts; "
                                     "keep one and mark the others admittedTerm-admn-sts")
        elif not preferred:
            self.problem(english[0], "no English term can be the preferred one (all are admitted, deprecated "
                                     "or superseded); mark one preferredTerm-admn-sts")
        if len(self.problems) > before:
            return None

        related = []
        for ref in entry.findall(t("ref")):
            if ref.get("type") != "crossReference":
                continue
            target = self.by_xml_id.get(ref.get("target", ""))
            while target is not None and target.tag != t(self.d.entry):
                target = target.getparent()
            related.append(self.ids[target] if target is not None else _our_id("".join(ref.itertext()).strip()))
        subject = next(iter(self._texts(entry, "descrip", type="subjectField")), "")
        if not pinyin:
            try:
                pinyin = suggest(simplified)
            except PinyinError as error:
                self.problem(hans[0] if hans else entry, str(error))
                return None
        term = Term(
            id=term_id, simplified=simplified, traditional=traditional or to_traditional(simplified),
            pinyin=pinyin, domain=_domain(subject), definition=definition,
            renderings=tuple(renderings),
            variants=tuple(form for _, _, form in sorted(variants, key=lambda v: (v[0], v[1]))),
            sources=tuple(sources), related=tuple(r for r in dict.fromkeys(related) if r),
            traditional_curated=traditional_curated and bool(traditional), pinyin_curated=pinyin_curated,
            pinyin_note=pinyin_note, created_at=self._date(entry, "origination"),
            updated_at=self._date(entry, "modification"),
        )
        for _field, message in entry_problems(term):  # the one validator: the rules of the store
            self.problem(entry, f"entry {entry.get('id')!r}: {message}")
        return None if len(self.problems) > before else term

    def _date(self, entry: etree._Element, kind: str) -> datetime | None:
        for group in entry.findall(self.d.tag("transacGrp")):
            if kind in self._texts(group, "transac"):
                for text in self._texts(group, "date"):
                    try:
                        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
                    except ValueError:
                        self.problem(group, f"date {text!r} is not an ISO date such as 2024-05-01")
                        return None
                    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return None


def _entity_references(root: etree._Element, name: str) -> list[Problem]:
    """Every entity reference the parser left in the tree (it never expands one: an external
    entity would read local files or the network), as a problem at its element and line."""
    return [Problem(name, reference.sourceline or reference.getparent().sourceline or 0,
                    etree.QName(reference.getparent()).localname,
                    f"the entity reference {reference.text} is not read (entities are never expanded); "
                    "write the text it stands for instead, or export the file again without entities")
            for reference in root.iter(etree.Entity)]


def _lang(section: etree._Element) -> str:
    """The section's language, lower-cased, ``_`` read as ``-`` (translate-toolkit writes zh_CN)."""
    return (section.get(XML_LANG) or "").lower().replace("_", "-")


def _our_id(value: str) -> str:
    """An id from a file as one of ours: our own ids come back unchanged (``_`` prefix dropped),
    others are lower-cased and slugged; '' when nothing usable is left."""
    value = value.strip()
    if value.startswith("_") and ID_PATTERN.fullmatch(value[1:]) and value[1:2].isdigit():
        return value[1:]
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:80].strip("-")
    return slug if ID_PATTERN.fullmatch(slug) else ""


def _variant_order(sec: etree._Element) -> int:
    match = _VARIANT_ID.search(sec.get("id") or "")
    return int(match.group(1)) if match else 1 << 30


def _domain(subject: str) -> Domain:
    """Our domain from a subjectField: its value or its label; anything else is ``general``."""
    try:
        return Domain(subject.strip().lower().replace(" ", "-"))
    except ValueError:
        return Domain.GENERAL
