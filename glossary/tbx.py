"""TBX-Basic out: TBX v3 (ISO 30042:2019, DCA style) and the older v2 ``martif``; the two
dialects and the field mapping, which ``glossary.tbx_read`` reads back.

Built with lxml, never with string templates. How our fields map (the README explains the
choices):

* one ``conceptEntry`` per term, ``id`` = our id (``_`` put before an id starting with a digit,
  since XML ids cannot); ``descrip type="subjectField"`` = the domain; ``transacGrp`` with
  origination / modification dates from created_at / updated_at; ``ref type="crossReference"``
  per related id (``target`` only when the entry is in the same file, as IDREF requires);
* Chinese in two language sections, ``zh-Hans`` (the simplified headword, then the variants
  written in simplified script) and ``zh-Hant`` (the traditional form, then variants written in
  traditional script). Variants carry ``termType`` (variant, abbreviation, shortForm) and a
  termSec id ``<entry>.v<n>`` that keeps their order;
* pinyin, which TBX-Basic has no field for, as a ``note`` on the simplified headword:
  ``Pinyin: mìngyùn gòngtóngtǐ`` (``Pinyin (generated): …`` when suggested, not curated), and
  the pinyin note as ``Pinyin note: …``; a generated traditional form gets the note
  ``Generated from the simplified form with OpenCC``;
* English in one ``en`` section: the definition with its sources (``descripGrp``), then one
  ``termSec`` per rendering with ``administrativeStatus``, its source, its years
  (``note`` ``Years of official use: 2013-``) and its note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from lxml import etree

from .script import to_simplified
from .terms import Form, FormKind, Status, Term

__all__ = ["TBX_NS", "Dialect", "V3", "V2", "write_tbx", "write_tbx2"]

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PRODUCER = "zh-policy-glossary"

#: Our statuses as TBX administrative statuses, and back.
ADMIN_STATUS = {status: f"{status.value}Term-admn-sts" for status in Status}
STATUS_OF = {value: status for status, value in ADMIN_STATUS.items()}
#: Chinese form kinds as TBX term types, and back (``acronym`` read as an abbreviation).
TERM_TYPE = {FormKind.SIMPLIFIED: "fullForm", FormKind.TRADITIONAL: "fullForm", FormKind.VARIANT: "variant",
             FormKind.ABBREVIATION: "abbreviation", FormKind.SHORT: "shortForm"}
KIND_OF = {"variant": FormKind.VARIANT, "abbreviation": FormKind.ABBREVIATION, "acronym": FormKind.ABBREVIATION,
           "shortForm": FormKind.SHORT}

PINYIN = "Pinyin: "
PINYIN_GENERATED = "Pinyin (generated): "
PINYIN_NOTE = "Pinyin note: "
YEARS = "Years of official use: "
OPENCC_NOTE = "Generated from the simplified form with OpenCC"

_SIMPLIFIED_LANGS = ("zh", "zh-hans", "zh-cn", "zh-sg")
_TRADITIONAL_LANGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")
_VARIANT_ID = re.compile(r"\.v(\d+)$")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Dialect:
    """Element names of one TBX version."""

    version: str
    namespace: str | None
    root: str
    header: str
    entry: str
    lang: str
    term_sec: str
    root_attributes: dict[str, str] = field(default_factory=dict)

    def tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name


#: TBX v3 (ISO 30042:2019), TBX-Basic dialect, DCA style.
V3 = Dialect("3", TBX_NS, "tbx", "tbxHeader", "conceptEntry", "langSec", "termSec",
             {"type": "TBX-Basic", "style": "dca"})
#: TBX v2 (ISO 30042:2008) ``martif`` as TBX-Basic v2 tools (and Weblate) write it.
V2 = Dialect("2", None, "martif", "martifHeader", "termEntry", "langSet", "tig", {"type": "TBX-Basic"})


# --- writing ------------------------------------------------------------------------------


def xml_id(term_id: str) -> str:
    """Our id as an XML id (NCName): ``_`` before a leading digit."""
    return f"_{term_id}" if term_id[:1].isdigit() else term_id


def write_tbx(terms: Iterable[Term], produced_at: datetime | None = None) -> bytes:
    """TBX-Basic v3 (DCA) bytes, one conceptEntry per term, sorted by id.

    >>> from glossary.terms import Term, Rendering, Status, Domain
    >>> term = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY,
    ...             "Interests a state will not trade away.",
    ...             (Rendering("core interests", Status.PREFERRED, source="1"),), sources=("MFA, 2011",))
    >>> b'<conceptEntry id="core-interests">' in write_tbx([term])
    True
    """
    return _write(V3, terms, produced_at)


def write_tbx2(terms: Iterable[Term], produced_at: datetime | None = None) -> bytes:
    """TBX-Basic v2 (``martif``) bytes, for tools that read only the 2008 format."""
    return _write(V2, terms, produced_at)


def _write(dialect: Dialect, terms: Iterable[Term], produced_at: datetime | None) -> bytes:
    from . import __version__

    t = dialect.tag
    ordered = sorted(terms, key=lambda term: term.id)
    # the file says the state it holds, as of its latest change: the same entries, the same bytes
    latest = max((term.updated_at for term in ordered if term.updated_at is not None), default=None)
    moment = (produced_at or latest or datetime(2000, 1, 1, tzinfo=timezone.utc)).astimezone(timezone.utc)
    nsmap = {None: dialect.namespace} if dialect.namespace else None
    root = etree.Element(t(dialect.root), nsmap=nsmap)
    for name, value in dialect.root_attributes.items():
        root.set(name, value)
    root.set(XML_LANG, "en")
    header = etree.SubElement(root, t(dialect.header))
    file_desc = etree.SubElement(header, t("fileDesc"))
    title = etree.SubElement(etree.SubElement(file_desc, t("titleStmt")), t("title"))
    title.text = "Chinese policy language: a curated bilingual glossary"
    etree.SubElement(etree.SubElement(file_desc, t("sourceDesc")), t("p")).text = (
        f"Exported by {PRODUCER} {__version__}, as of {moment.isoformat(timespec='seconds').replace('+00:00', 'Z')} "
        f"(TBX-Basic, TBX v{dialect.version})")
    if dialect is V2:
        encoding = etree.SubElement(header, t("encodingDesc"))
        etree.SubElement(encoding, t("p"), type="XCSURI").text = "TBXBasicXCSV02.xcs"
    text = etree.SubElement(root, t("text"))
    if ordered or dialect is V2:  # v3 allows no empty body: an empty export has none
        body = etree.SubElement(text, t("body"))
        present = {term.id for term in ordered}
        for term in ordered:
            body.append(_entry(dialect, term, present))
    doctype = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">' if dialect is V2 else None
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype)
    return data


def _entry(dialect: Dialect, term: Term, present: set[str]) -> etree._Element:
    t = dialect.tag
    entry = etree.Element(t(dialect.entry), id=xml_id(term.id))
    sub = etree.SubElement
    for kind, moment in (("origination", term.created_at), ("modification", term.updated_at)):
        if moment is not None:
            group = sub(entry, t("transacGrp"))
            sub(group, t("transac"), type="transactionType").text = kind
            sub(group, t("date")).text = moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    sub(entry, t("descrip"), type="subjectField").text = term.domain.value
    if not term.definition:
        for citation in term.sources:
            sub(entry, t("admin"), type="source").text = citation
    for other in term.related:
        ref = sub(entry, t("ref"), type="crossReference")
        ref.text = other
        if other in present:
            ref.set("target", xml_id(other))

    hans: list[tuple[int, Form]] = []
    hant: list[tuple[int, Form]] = []
    for number, form in enumerate(term.variants, start=1):
        (hant if _is_traditional_script(form.text) else hans).append((number, form))
    section = sub(entry, t(dialect.lang))
    section.set(XML_LANG, "zh-Hans")
    notes = [PINYIN + term.pinyin if term.pinyin_curated else PINYIN_GENERATED + term.pinyin]
    notes += [PINYIN_NOTE + term.pinyin_note] if term.pinyin_note else []
    _term_sec(dialect, section, term.simplified, status=Status.PREFERRED, term_type="fullForm", notes=notes)
    for number, form in hans:
        _term_sec(dialect, section, form.text, term_type=TERM_TYPE[form.kind], ident=f"{xml_id(term.id)}.v{number}",
                  notes=[_form_pinyin_note(form)])
    section = sub(entry, t(dialect.lang))
    section.set(XML_LANG, "zh-Hant")
    _term_sec(dialect, section, term.traditional, status=Status.PREFERRED, term_type="fullForm",
              notes=[] if term.traditional_curated else [OPENCC_NOTE])
    for number, form in hant:
        _term_sec(dialect, section, form.text, term_type=TERM_TYPE[form.kind], ident=f"{xml_id(term.id)}.v{number}",
                  notes=[_form_pinyin_note(form)])

    section = sub(entry, t(dialect.lang))
    section.set(XML_LANG, "en")
    if term.definition:
        group = sub(section, t("descripGrp"))
        sub(group, t("descrip"), type="definition").text = term.definition
        for citation in term.sources:
            sub(group, t("admin"), type="source").text = citation
    for rendering in term.renderings:
        notes = ([YEARS + rendering.years] if rendering.years else []) + ([rendering.note] if rendering.note else [])
        _term_sec(dialect, section, rendering.text, status=rendering.status, source=term.citation(rendering),
                  notes=notes)
    return entry


def _form_pinyin_note(form: Form) -> str:
    """A variant's pinyin as a note: ``Pinyin: …`` when curated, ``Pinyin (generated): …``."""
    return PINYIN + form.pinyin if form.pinyin else PINYIN_GENERATED + form.pinyin_as()


def _term_sec(dialect: Dialect, section: etree._Element, text: str, *, status: Status | None = None,
              term_type: str | None = None, source: str | None = None, notes: Sequence[str] = (),
              ident: str | None = None) -> None:
    t = dialect.tag
    sec = etree.SubElement(section, t(dialect.term_sec))
    if ident:
        sec.set("id", ident)
    etree.SubElement(sec, t("term")).text = text
    if status is not None:
        etree.SubElement(sec, t("termNote"), type="administrativeStatus").text = ADMIN_STATUS[status]
    if term_type is not None:
        etree.SubElement(sec, t("termNote"), type="termType").text = term_type
    if source:
        etree.SubElement(sec, t("admin"), type="source").text = source
    for note in notes:
        etree.SubElement(sec, t("note")).text = note


def _is_traditional_script(text: str) -> bool:
    return to_simplified(text) != text
