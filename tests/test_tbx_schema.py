"""Every TBX export validates against the official TBX schemas (LTAC-Global, in ../shared/tbx/).

* RelaxNG: TBXcoreStructV03.rng with lxml.
* Schematron: TBX-Basic_DCA.sch uses XPath 2 (queryBinding="xslt2"), which lxml's Schematron
  cannot run. No package on the registry ships SchXslt, so ``compile_schematron`` below turns
  the rules into an XSLT 3 stylesheet (one mode per pattern; in each pattern a node is checked
  by the first rule whose context matches it, as ISO Schematron says) and Saxon-HE (saxonche)
  runs it. The compiler is tested against the official valid example and against documents
  broken on purpose, rule by rule.
* TBX v2 (martif) has no schema in shared/; its structure is pinned in test_tbx.py.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, SHARED, skip_or_fail
from glossary.csvio import read_terms
from glossary.formats import EXPORTS
from glossary.tbx import TBX_NS, write_tbx

TBX_DIR = SHARED / "tbx"
RNG = TBX_DIR / "TBXcoreStructV03.rng"
DCA = TBX_DIR / "TBX-Basic_DCA.sch"
EXAMPLE = TBX_DIR / "Example_Astronomy_DCA_VALID.tbx"
SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
T = f"{{{TBX_NS}}}"


def _need(path: Path) -> Path:
    if not path.exists():
        skip_or_fail(f"{path} is missing: CI keeps a copy of shared/ beside the clone")
    return path


@cache
def relaxng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(_need(RNG))))


# --- a small Schematron → XSLT 3 compiler, run by Saxon-HE -------------------------------------


@dataclass(frozen=True)
class Failure:
    """One failed assertion: the pattern, the rule context, the location and the message."""

    pattern: str
    context: str
    location: str
    message: str


def compile_schematron(schema: etree._Element) -> str:
    """An XSLT 3 stylesheet that reports each failed assert as <failed pattern= context= location=>."""
    x = lambda name: f"{{{XSL}}}{name}"  # noqa: E731
    namespaces = {ns.get("prefix"): ns.get("uri") for ns in schema.iter(f"{{{SCH}}}ns")}
    sheet = etree.Element(x("stylesheet"), nsmap={"xsl": XSL, **namespaces}, version="3.0")
    patterns = schema.findall(f"{{{SCH}}}pattern")
    start = etree.SubElement(sheet, x("template"), match="/")
    report = etree.SubElement(start, "report")
    for number, pattern in enumerate(patterns):
        etree.SubElement(report, x("apply-templates"), select=".", mode=f"p{number}")
    for number, pattern in enumerate(patterns):
        mode = f"p{number}"
        walk = etree.SubElement(sheet, x("template"), match="node()|@*", mode=mode, priority="-100")
        etree.SubElement(walk, x("apply-templates"), select="@*|node()", mode=mode)
        rules = pattern.findall(f"{{{SCH}}}rule")
        for index, rule in enumerate(rules):
            template = etree.SubElement(sheet, x("template"), match=rule.get("context"), mode=mode,
                                        priority=str(len(rules) - index))
            for check in rule.findall(f"{{{SCH}}}assert"):
                branch = etree.SubElement(template, x("if"), test=f"not({check.get('test')})")
                failed = etree.SubElement(branch, "failed", pattern=pattern.get("id") or mode,
                                          context=rule.get("context"))
                etree.SubElement(failed, x("attribute"), name="location", select="path(.)")
                failed_text = etree.SubElement(failed, x("text"))
                failed_text.text = " ".join("".join(check.itertext()).split())
            etree.SubElement(template, x("apply-templates"), select="@*|node()", mode=mode)
    return etree.tostring(sheet, encoding="unicode")


@cache
def _saxon() -> tuple[object, object]:
    import saxonche
    processor = saxonche.PySaxonProcessor(license=False)
    schema = etree.parse(str(_need(DCA))).getroot()
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_text=compile_schematron(schema))
    return processor, executable


def schematron(document: bytes) -> list[Failure]:
    """Run TBX-Basic_DCA.sch over a document; the failed assertions."""
    processor, executable = _saxon()
    node = processor.parse_xml(xml_text=document.decode("utf-8"))  # type: ignore[attr-defined]
    result = etree.fromstring(executable.transform_to_string(xdm_node=node).encode())  # type: ignore[attr-defined]
    return [Failure(f.get("pattern"), f.get("context"), f.get("location"), f.text or "") for f in result]


def rng_errors(document: bytes) -> list[str]:
    schema = relaxng()
    schema.validate(etree.fromstring(document))
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


# --- the checker itself ---------------------------------------------------------------------


def test_official_example_passes_relaxng_and_dca_schematron() -> None:
    data = _need(EXAMPLE).read_bytes()
    assert rng_errors(data) == []
    assert schematron(data) == []


def _broken_example(change: str) -> bytes:
    tree = etree.parse(str(_need(EXAMPLE)))
    root = tree.getroot()
    first_entry = root.find(f".//{T}conceptEntry")
    term_sec = first_entry.find(f".//{T}termSec")
    if change == "descrip type":
        first_entry.find(f"{T}descrip").set("type", "domain")
    elif change == "admin status":
        term_sec.find(f"{T}termNote[@type='administrativeStatus']").text = "officialTerm-admn-sts"
    elif change == "termNote level":
        first_entry.find(f"{T}langSec").insert(0, copy.deepcopy(term_sec.find(f"{T}termNote")))
    elif change == "dialect name":
        root.set("type", "TBX-Min")
    elif change == "foreign element":
        etree.SubElement(first_entry, "{http://example.org/x}extra").text = "x"
    elif change == "dangling target":  # an element without @type: a typed one meets an earlier rule first
        note = etree.SubElement(first_entry, f"{T}note")
        etree.SubElement(note, f"{T}hi", target="nowhere").text = "x"
    elif change == "subjectField level":
        first_entry.find(f"{T}langSec").insert(0, copy.deepcopy(first_entry.find(f"{T}descrip")))
    elif change == "termType value":
        etree.SubElement(term_sec, f"{T}termNote", type="termType").text = "nickname"
    return etree.tostring(tree, encoding="UTF-8")


@pytest.mark.parametrize(("change", "pattern", "words"), [
    ("descrip type", "dialectEnforcement", "Permitted type value(s): subjectField, context, definition"),
    ("admin status", "module.min.termNote", "/administrativeStatus/ type may be"),
    ("termNote level", "coreEnforcement", "Any termNote is only allowed at the termSec level."),
    ("dialect name", "dialectEnforcement", "The name of this dialect should be TBX-Basic."),
    ("foreign element", "dialectEnforcement", "DCT style elements are not permitted in DCA style TBX."),
    ("dangling target", "coreEnforcement", "ID must be IDREF for internal references"),
    ("subjectField level", "module.min.descrip", "/subjectField/ may only appear at level(s): conceptEntry"),
    ("termType value", "module.basic.termNote", "/termType/ type may be"),
])
def test_schematron_checker_reports_the_broken_rule(change: str, pattern: str, words: str) -> None:
    failures = schematron(_broken_example(change))
    assert failures, f"breaking the example ({change}) went unnoticed"
    assert {f.pattern for f in failures} == {pattern}
    assert any(words in f.message for f in failures)


# --- our exports ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_terms() -> list:
    moment = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
    from dataclasses import replace

    return [replace(t, created_at=moment, updated_at=moment) for t in read_terms(DATA / "interchange-terms.csv")]


def test_fixture_export_is_valid_tbx_basic_dca(fixture_terms: list) -> None:
    data = write_tbx(fixture_terms)
    assert rng_errors(data) == []
    assert schematron(data) == []


def test_partial_export_leaves_out_targets_of_missing_entries_and_stays_valid(fixture_terms: list) -> None:
    one = [t for t in fixture_terms if t.id == "belt-and-road-initiative"]
    data = write_tbx(one)
    refs = etree.fromstring(data).findall(f".//{T}ref")
    assert [r.text for r in refs] == ["21st-century-maritime-silk-road", "shanghai-cooperation-organisation"]
    assert all(r.get("target") is None for r in refs)
    assert rng_errors(data) == [] and schematron(data) == []


def test_terms_without_definition_keep_their_sources_on_the_entry_and_stay_valid(fixture_terms: list) -> None:
    from dataclasses import replace

    data = write_tbx([replace(t, definition="") for t in fixture_terms])
    first = etree.fromstring(data).find(f".//{T}conceptEntry")
    assert [a.text for a in first.findall(f"{T}admin[@type='source']")] == list(fixture_terms[0].sources)
    assert rng_errors(data) == [] and schematron(data) == []


def test_empty_export_is_valid(fixture_terms: list) -> None:
    data = write_tbx([])
    assert rng_errors(data) == [] and schematron(data) == []


def test_curated_store_tbx_export_is_valid_tbx_basic_dca(curated) -> None:  # type: ignore[no-untyped-def]
    data = curated.export("tbx")
    assert etree.fromstring(data).findall(f".//{T}conceptEntry"), "the export has no entries"
    assert rng_errors(data) == []
    assert schematron(data) == []


@pytest.mark.parametrize("name", [n for n, f in EXPORTS.items() if f.extension == "tbx"])
def test_every_registered_tbx_export_is_well_formed_with_its_root(name: str, fixture_terms: list) -> None:
    root = etree.fromstring(EXPORTS[name].write(fixture_terms))
    assert etree.QName(root).localname in {"tbx", "martif"}
    if etree.QName(root).localname == "tbx":
        assert rng_errors(etree.tostring(root)) == []
