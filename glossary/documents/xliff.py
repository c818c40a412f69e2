"""XLIFF 1.2 and 2.0, the bilingual files CAT tools exchange: checked segment by segment.

Each segment pair (a 1.2 ``<trans-unit>``, or each ``<mrk mtype="seg">`` of its
``<seg-source>`` as Trados writes them; a 2.0 ``<segment>``) is checked as a Chinese source
with its English target: a source term whose preferred or admitted rendering the target lacks,
an outdated or ruled-out rendering in the target, and one source term rendered two ways in the
file. Inline tags are read for their text: ``<g>``, ``<mrk>`` and ``<pc>`` keep theirs,
``<x/>``, ``<ph/>``, ``<sc/>`` and the like stand for nothing, and the native code inside 1.2's
``<ph>``, ``<bpt>``, ``<ept>`` and ``<it>`` is not text, so a tag inside a term neither breaks
nor hides it.

``write_notes`` adds the findings as notes where each version's schema puts them (1.2: a
``<note from="zh-policy-glossary">`` in the trans-unit; 2.0: a ``<note>`` in the unit's
``<notes>``, before its segments), replacing the notes an earlier check wrote. The file is
parsed with lxml, entities unexpanded and no network, within the size limit of every document.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput, Problem
from .limits import MAX_FILE_BYTES, xml_parser, xml_problem

if TYPE_CHECKING:
    from ..store import Glossary
    from . import Located

__all__ = ["Unit", "Xliff", "Report", "read", "check", "write_notes", "report_text", "report_html", "NOTE_FROM"]

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_20 = "urn:oasis:names:tc:xliff:document:2.0"
#: Who our notes are from (1.2 ``from``; 2.0 ``category``): what marks them as ours.
NOTE_FROM = "zh-policy-glossary"
#: 1.2 inline elements whose content is native code, not text.
_CODE = frozenset({"ph", "bpt", "ept", "it", "sub"})
#: 1.2 trans-unit children after which a note may stand (schema order: source, seg-source, target, then these).
_BEFORE_NOTE = frozenset({"source", "seg-source", "target", "context-group", "count-group", "prop-group", "note",
                          "alt-trans"})
_MAX_DEPTH = 256


@dataclass(frozen=True)
class Unit:
    """One segment pair: its id (the unit's, with the segment's after a slash where there are
    several), source text, target text (None when untranslated) and its unit element."""

    id: str
    source: str
    target: str | None
    element: Any


@dataclass(frozen=True)
class Xliff:
    """A parsed XLIFF file."""

    version: str
    tree: Any
    units: list[Unit]
    source_language: str
    target_language: str


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: Any, version: str, depth: int = 0) -> str:
    """The text of a source or target, read through its inline tags."""
    if depth > _MAX_DEPTH:
        raise ValueError("inline tags nested too deep")
    parts = [element.text or ""]
    for child in element:
        name = _local(child)
        if name == "cp" and version.startswith("2"):
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                pass
        elif name and not (version.startswith("1") and name in _CODE):
            parts.append(_text(child, version, depth + 1))
        parts.append(child.tail or "")
    return "".join(parts)


def _problem(name: str, line: int, message: str) -> InvalidInput:
    return InvalidInput([Problem(name, line, None, message)], done="read")


def read(data: bytes, name: str) -> Xliff:
    """Parse an XLIFF 1.2 or 2.0 file; InvalidInput, with the line, for anything else."""
    from lxml import etree

    if len(data) > MAX_FILE_BYTES:
        from ..errors import InputTooLarge

        raise InputTooLarge(len(data), MAX_FILE_BYTES)
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as error:
        raise InvalidInput([xml_problem(error, name, "export the file from the CAT tool again")],
                           done="read") from error
    entity = next((node for node in root.iter() if isinstance(node, etree._Entity)), None)
    if entity is not None:
        raise _problem(name, entity.sourceline or entity.getparent().sourceline or 0,
                       f"holds an entity reference ({entity.text}) we do not expand; export the file again "
                       "without a DTD")
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if _local(root) != "xliff" or namespace not in (XLIFF_12, XLIFF_20):
        raise _problem(name, root.sourceline or 0, "not an XLIFF 1.2 or 2.0 file (its root is "
                                                   f"<{_local(root) or root.tag}> in {namespace or 'no namespace'})")
    version = "1.2" if namespace == XLIFF_12 else "2.0"
    ns = {"x": namespace}
    units: list[Unit] = []
    files = root.findall("x:file", ns)
    try:
        if version == "1.2":
            first = files[0] if files else root
            source_language = first.get("source-language", "")
            target_language = first.get("target-language", "")
            for file in files:
                prefix = f"{file.get('original', '')}/" if len(files) > 1 else ""
                for unit in file.iter(f"{{{XLIFF_12}}}trans-unit"):
                    units += _units_12(unit, prefix, ns)
        else:
            source_language, target_language = root.get("srcLang", ""), root.get("trgLang", "")
            for file in files:
                prefix = f"{file.get('id', '')}/" if len(files) > 1 else ""
                for unit in file.iter(f"{{{XLIFF_20}}}unit"):
                    segments = unit.findall("x:segment", ns)
                    for number, segment in enumerate(segments, 1):
                        source, target = segment.find("x:source", ns), segment.find("x:target", ns)
                        if source is None:
                            raise _problem(name, segment.sourceline or 0, "a <segment> without <source>")
                        label = segment.get("id") or str(number)
                        unit_id = f"{prefix}{unit.get('id', '')}" + (f"/{label}" if len(segments) > 1 else "")
                        units.append(Unit(unit_id, _text(source, version),
                                          None if target is None else _text(target, version), unit))
    except ValueError as error:
        raise _problem(name, 0, f"{error}; it is not read") from error
    return Xliff(version, root.getroottree(), units, source_language, target_language)


def _units_12(unit: Any, prefix: str, ns: dict[str, str]) -> list[Unit]:
    unit_id = prefix + unit.get("id", "")
    source, target = unit.find("x:source", ns), unit.find("x:target", ns)
    segmented = unit.find("x:seg-source", ns)
    marks = [] if segmented is None else [m for m in segmented.iter(f"{{{XLIFF_12}}}mrk") if m.get("mtype") == "seg"]
    if marks:  # Trados and others: one segment per <mrk mtype="seg"> of the seg-source
        targets = {} if target is None else {m.get("mid"): m for m in target.iter(f"{{{XLIFF_12}}}mrk")
                                             if m.get("mtype") == "seg"}
        out = []
        for mark in marks:
            found = targets.get(mark.get("mid"))
            out.append(Unit(f"{unit_id}/{mark.get('mid', '')}", _text(mark, "1.2"),
                            None if found is None else _text(found, "1.2"), unit))
        return out
    if source is None:
        return []
    return [Unit(unit_id, _text(source, "1.2"), None if target is None else _text(target, "1.2"), unit)]


@dataclass(frozen=True)
class Report:
    """A checked file: the file, its findings in file order (segment ids as ``where``) and the
    headword of every term they name."""

    document: Xliff
    findings: list[Located]
    headwords: dict[str, str]

    @property
    def checked(self) -> int:
        """How many segment pairs had a target to check."""
        return sum(1 for unit in self.document.units if unit.target and unit.target.strip())


def check(store: Glossary, data: bytes, name: str, text_limit: int | None = None) -> Report:
    """Check every segment pair of an XLIFF file; refused (InputTooLarge) before any checking
    when its sources and targets together are over ``text_limit`` bytes of UTF-8."""
    from ..check import Finding, FindingKind, check as check_text
    from . import Located

    document = read(data, name)
    if text_limit is not None:
        size = sum(len(unit.source.encode("utf-8")) + len((unit.target or "").encode("utf-8")) for unit in document.units)
        if size > text_limit:
            from ..errors import InputTooLarge

            raise InputTooLarge(size, text_limit)
    for label, language, wanted in (("source", document.source_language, "zh"),
                                    ("target", document.target_language, "en")):
        if language and not language.lower().startswith(wanted):
            raise _problem(name, 0, f"its {label} language is {language}; this check reads Chinese sources "
                                    "with English targets (zh → en)")
    snapshot = store.annotation.snapshot()
    chinese, english = snapshot.matcher(), snapshot.english()
    located: list[Located] = []
    used: dict[str, dict[str, list[str]]] = {}  # term id -> rendering -> segment ids
    first_use: dict[tuple[str, str], int] = {}  # (term id, rendering) -> index in located, for ordering
    for unit in document.units:
        if unit.target is None or not unit.target.strip():
            continue  # untranslated: nothing to check yet
        for finding in check_text(unit.target, english, snapshot.terms, unit.source, chinese):
            located.append(Located(finding, f"segment {unit.id}", finding.kind is FindingKind.MISSING))
        in_source = {match.term.id for match in chinese.find(unit.source)}
        for pid, _, _ in english.scan(unit.target):
            for term, rendering in english.owners[pid]:
                if term.id in in_source:
                    segments = used.setdefault(term.id, {}).setdefault(rendering.text, [])
                    if unit.id not in segments:
                        segments.append(unit.id)
                    first_use.setdefault((term.id, rendering.text), len(located))
    for term_id, renderings in used.items():
        term = snapshot.terms[term_id]
        current = {rendering.text for rendering in term.renderings if not rendering.status.outdated}
        renderings = {text: ids for text, ids in renderings.items() if text in current}  # outdated: reported already
        if len(renderings) < 2:
            continue
        # the one to keep: the preferred where it is used, else the most used (the first, on a tie)
        usual = term.preferred.text if term.preferred.text in renderings else max(
            renderings, key=lambda text: (len(renderings[text]), -first_use[(term_id, text)]))
        where = renderings[usual]
        elsewhere = ", ".join(where[:5]) + (" …" if len(where) > 5 else "")
        for text, ids in renderings.items():
            if text == usual:
                continue
            for unit_id in ids:
                message = (f"{term.simplified} is rendered “{text}” here but “{usual}” in segment"
                           f"{'s' if len(where) > 1 else ''} {elsewhere}; use one rendering throughout "
                           f"(preferred: “{term.preferred.text}”)")
                located.append(Located(Finding(FindingKind.INCONSISTENT, 0, 0, text, term_id, message,
                                               usual), f"segment {unit_id}"))
    order = {f"segment {unit.id}": index for index, unit in enumerate(document.units)}
    located.sort(key=lambda item: order.get(item.where, len(order)))
    headwords = {item.finding.term_id: snapshot.terms[item.finding.term_id].simplified for item in located
                 if item.finding.term_id in snapshot.terms}
    return Report(document, located, headwords)


def write_notes(document: Xliff, located: list[Located]) -> bytes:
    """The file with each unit's findings as notes a CAT tool shows (earlier ones of ours replaced)."""
    by_unit: dict[int, tuple[Any, list[Located]]] = {}
    element_of = {f"segment {unit.id}": unit.element for unit in document.units}
    for unit in document.units:
        by_unit.setdefault(id(unit.element), (unit.element, []))
    for item in located:
        element = element_of.get(item.where)
        if element is not None:
            by_unit[id(element)][1].append(item)
    segments = Counter(id(unit.element) for unit in document.units)
    for element, items in by_unit.values():
        several = segments[id(element)] > 1  # say which segment of the unit each note is about
        if document.version == "1.2":
            _notes_12(element, items, several)
        else:
            _notes_20(element, items, several)
    from lxml import etree

    return bytes(etree.tostring(document.tree, xml_declaration=True, encoding="UTF-8"))


def _note_text(item: Located, several: bool) -> str:
    finding = item.finding
    return f"{item.where + ': ' if several else ''}{finding.kind.value}: {finding.message}"


def _notes_12(unit: Any, items: list[Located], several: bool) -> None:
    for note in unit.findall(f"{{{XLIFF_12}}}note"):
        if note.get("from") == NOTE_FROM:
            unit.remove(note)
    anchor = None
    for child in unit:
        if _local(child) in _BEFORE_NOTE and child.tag.startswith(f"{{{XLIFF_12}}}"):
            anchor = child
    for item in reversed(items):
        note = unit.makeelement(f"{{{XLIFF_12}}}note", {"from": NOTE_FROM, "annotates": "target",
                                                          "priority": "1" if item.finding.kind.is_error else "5"})
        note.text = _note_text(item, several)
        if anchor is None:
            unit.insert(0, note)
        else:
            anchor.addnext(note)


def _notes_20(unit: Any, items: list[Located], several: bool) -> None:
    notes = unit.find(f"{{{XLIFF_20}}}notes")
    if notes is not None:
        for note in notes.findall(f"{{{XLIFF_20}}}note"):
            if note.get("category") == NOTE_FROM:
                notes.remove(note)
    if not items:
        if notes is not None and len(notes) == 0:
            unit.remove(notes)
        return
    if notes is None:
        notes = unit.makeelement(f"{{{XLIFF_20}}}notes", {})
        # schema order: other namespaces' elements, notes, originalData, then segments
        following = next((child for child in unit if child.tag in (
            f"{{{XLIFF_20}}}originalData", f"{{{XLIFF_20}}}segment", f"{{{XLIFF_20}}}ignorable")), None)
        if following is None:
            unit.append(notes)
        else:
            following.addprevious(notes)
    taken = {note.get("id") for note in notes}
    number = 0
    for item in items:
        number += 1
        while f"{NOTE_FROM}-{number}" in taken:
            number += 1
        note = notes.makeelement(f"{{{XLIFF_20}}}note", {
            "id": f"{NOTE_FROM}-{number}", "category": NOTE_FROM, "appliesTo": "target",
            "priority": "1" if item.finding.kind.is_error else "5"})
        note.text = _note_text(item, several)
        notes.append(note)


def report_text(located: list[Located], name: str) -> str:
    """One line per finding: ``file: segment 12: outdated: message``."""
    return "".join(f"{name}: {item.where}: {item.finding.kind.value}: {item.finding.message}\n" for item in located)


def report_html(report: Report, name: str) -> str:
    """A page a reviewer reads: a table of findings by segment, found and expected side by side."""
    located, segments = report.findings, report.checked
    labels = ("Segment", "Finding", "Term", "Found", "Expected", "Why")

    def row(item: Located) -> str:
        finding = item.finding
        cells = (item.where.removeprefix("segment "), finding.kind.value,
                 report.headwords.get(finding.term_id, finding.term_id),
                 "—" if finding.kind.value == "missing" else finding.text, finding.replacement or "",
                 finding.message)
        return f'<tr class="{escape(finding.kind.value)}">' + "".join(
            f'<td data-label="{label}">{escape(cell)}</td>' for label, cell in zip(labels, cells)) + "</tr>"

    rows = "".join(map(row, located))
    errors = sum(1 for item in located if item.finding.kind.is_error)
    summary = (f"{segments} segment pair{'s' if segments != 1 else ''} checked: {errors} problem{'s' if errors != 1 else ''}"
               f", {len(located) - errors} advice")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Terminology check: {escape(name)}</title><style>"
            "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem}"
            "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;"
            "text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f3f4f6}"
            "tr.outdated td:nth-child(2),tr.ruled-out td:nth-child(2){color:#b91c1c}"
            "tr.missing td:nth-child(2),tr.inconsistent td:nth-child(2){color:#92400e}"
            "@media print{body{margin:0}}"
            "@media (max-width:40rem){body{margin:.75rem}thead{display:none}table,tbody,tr,td{display:block}"
            "tr{border:1px solid #ccc;margin-bottom:.75rem}td{border:0;border-bottom:1px solid #eee}"
            "td::before{content:attr(data-label);display:block;font-size:.75rem;color:#555}}"
            "</style></head><body>"
            f"<h1>Terminology check</h1><p><strong>{escape(name)}</strong>: {escape(summary)}.</p>"
            "<table><thead><tr><th>Segment</th><th>Finding</th><th>Term</th><th>Found</th><th>Expected</th>"
            f"<th>Why</th></tr></thead><tbody>{rows}</tbody></table></body></html>\n")
