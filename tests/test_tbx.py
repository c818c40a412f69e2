"""TBX-Basic out and in: what each field becomes, lossless round trips, foreign files, errors."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, SHARED, skip_or_fail
from glossary.csvio import read_terms, write_terms
from glossary.errors import InvalidInput
from glossary.tbx import TBX_NS, write_tbx, write_tbx2
from glossary.tbx_read import read_tbx
from glossary.terms import Domain, FormKind, Status

T = f"{{{TBX_NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MOMENT = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
LATER = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
EXAMPLE = SHARED / "tbx" / "Example_Astronomy_DCA_VALID.tbx"
WRITERS = {"v3": write_tbx, "v2": write_tbx2}


@pytest.fixture(scope="module")
def terms() -> list:
    return [replace(t, created_at=MOMENT, updated_at=LATER) for t in read_terms(DATA / "interchange-terms.csv")]


@pytest.fixture(scope="module")
def doc(terms: list) -> etree._Element:
    return etree.fromstring(write_tbx(terms, produced_at=MOMENT))


def entry(doc: etree._Element, term_id: str) -> etree._Element:
    return doc.find(f".//{T}conceptEntry[@id='{term_id}']")


def section(element: etree._Element, lang: str) -> etree._Element:
    return next(s for s in element.findall(f"{T}langSec") if s.get(XML_LANG) == lang)


def term_secs(langsec: etree._Element) -> list[tuple[str, dict[str, str], list[str]]]:
    return [(sec.findtext(f"{T}term"), {n.get("type"): n.text for n in sec.findall(f"{T}termNote")},
             [n.text for n in sec.findall(f"{T}note")]) for sec in langsec.findall(f"{T}termSec")]


def write(tmp_path: Path, data: bytes, name: str = "in.tbx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- what the v3 export says ------------------------------------------------------------------


def test_root_is_tbx_basic_dca_in_the_iso_namespace_with_a_header_naming_producer_and_date(doc) -> None:
    assert doc.tag == f"{T}tbx"
    assert (doc.get("type"), doc.get("style"), doc.get(XML_LANG)) == ("TBX-Basic", "dca", "en")
    said = doc.findtext(f"{T}tbxHeader/{T}fileDesc/{T}sourceDesc/{T}p")
    assert "zh-policy-glossary" in said and "2024-05-01T08:30:00Z" in said


def test_one_concept_entry_per_term_with_our_id_and_a_digit_id_made_an_xml_id(doc, terms) -> None:
    ids = [e.get("id") for e in doc.iter(f"{T}conceptEntry")]
    assert ids == ["_21st-century-maritime-silk-road", "belt-and-road-initiative", "shanghai-cooperation-organisation"]
    assert len(ids) == len(terms)


def test_domain_definition_sources_and_dates(doc) -> None:
    bri = entry(doc, "belt-and-road-initiative")
    assert bri.findtext(f"{T}descrip[@type='subjectField']") == "belt-and-road"
    group = section(bri, "en").find(f"{T}descripGrp")
    assert group.findtext(f"{T}descrip[@type='definition']").startswith("China's programme of infrastructure")
    assert [a.text for a in group.findall(f"{T}admin[@type='source']")] == [
        "NDRC, MFA, MOFCOM guidance on English names, 2015", "Xinhua, 2017-05-14"]
    dates = {g.findtext(f"{T}transac"): g.findtext(f"{T}date") for g in bri.findall(f"{T}transacGrp")}
    assert dates == {"origination": "2024-05-01T08:30:00+00:00", "modification": "2025-01-02T03:04:05+00:00"}


def test_cross_references_point_at_entries_in_the_file(doc) -> None:
    refs = entry(doc, "belt-and-road-initiative").findall(f"{T}ref[@type='crossReference']")
    assert [(r.text, r.get("target")) for r in refs] == [
        ("21st-century-maritime-silk-road", "_21st-century-maritime-silk-road"),
        ("shanghai-cooperation-organisation", "shanghai-cooperation-organisation")]


def test_chinese_goes_into_zh_hans_and_zh_hant_sections_with_term_types_and_pinyin(doc) -> None:
    bri = entry(doc, "belt-and-road-initiative")
    hans = term_secs(section(bri, "zh-Hans"))
    assert hans[0] == ("一带一路", {"administrativeStatus": "preferredTerm-admn-sts", "termType": "fullForm"},
                       ["Pinyin: yīdài yīlù"])
    assert [(text, notes["termType"]) for text, notes, _ in hans[1:]] == [
        ("带路", "abbreviation"), ("一带一路倡议", "shortForm")]
    hant = term_secs(section(bri, "zh-Hant"))
    assert hant[0][0] == "一帶一路" and "Generated from the simplified form with OpenCC" in hant[0][2]
    assert [(text, notes["termType"]) for text, notes, _ in hant[1:]] == [("一帶一路倡議", "variant")]
    sco = term_secs(section(entry(doc, "shanghai-cooperation-organisation"), "zh-Hant"))
    assert sco[0][0] == "上海合作組織" and sco[0][2] == []  # curated: no OpenCC note


def test_pinyin_note_and_generated_pinyin_are_marked(doc, terms) -> None:
    msr = term_secs(section(entry(doc, "_21st-century-maritime-silk-road"), "zh-Hans"))[0]
    assert msr[2] == ["Pinyin: èrshíyī shìjì hǎishàng sīchóu zhī lù", "Pinyin note: Numbers are read out: èrshíyī."]
    generated = replace(terms[2], pinyin_curated=False)
    notes = term_secs(section(etree.fromstring(write_tbx([generated])).find(f".//{T}conceptEntry"), "zh-Hans"))[0][2]
    assert notes == [f"Pinyin (generated): {generated.pinyin}"]


@pytest.mark.parametrize(("text", "status"), [
    ("Shanghai Cooperation Organisation", "preferredTerm-admn-sts"),
    ("Shanghai Cooperation Organization", "admittedTerm-admn-sts"),
    ("Shanghai Five", "supersededTerm-admn-sts"),
    ("=SCO formula test", "deprecatedTerm-admn-sts"),
])
def test_one_english_term_sec_per_rendering_with_its_administrative_status(doc, text: str, status: str) -> None:
    english = {t: notes for t, notes, _ in term_secs(section(entry(doc, "shanghai-cooperation-organisation"), "en"))}
    assert english[text]["administrativeStatus"] == status


def test_english_term_sec_carries_source_years_and_note(doc) -> None:
    secs = section(entry(doc, "belt-and-road-initiative"), "en").findall(f"{T}termSec")
    obor = next(s for s in secs if s.findtext(f"{T}term") == "One Belt, One Road")
    assert obor.findtext(f"{T}admin[@type='source']") == "NDRC, MFA, MOFCOM guidance on English names, 2015"
    assert [n.text for n in obor.findall(f"{T}note")] == ["Years of official use: 2013-2015", "ruled out in 2015"]
    strategy = next(s for s in secs if s.findtext(f"{T}term") == "Belt and Road strategy")
    assert strategy.findtext(f"{T}admin[@type='source']") == "https://example.org/brs-2016"


def test_v2_export_is_martif_with_term_entries_lang_sets_and_tigs(terms) -> None:
    data = write_tbx2(terms, produced_at=MOMENT)
    assert b"<!DOCTYPE martif" in data
    root = etree.fromstring(data)
    assert (root.tag, root.get("type"), root.get(XML_LANG)) == ("martif", "TBX-Basic", "en")
    assert root.find("martifHeader/encodingDesc/p").text == "TBXBasicXCSV02.xcs"
    entries = root.findall("text/body/termEntry")
    assert [e.get("id") for e in entries][1] == "belt-and-road-initiative"
    langs = [s.get(XML_LANG) for s in entries[1].findall("langSet")]
    assert langs == ["zh-Hans", "zh-Hant", "en"]
    assert entries[1].find("langSet/tig/term").text == "一带一路"
    assert entries[1].find("langSet/tig/termNote[@type='administrativeStatus']").text == "preferredTerm-admn-sts"


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", WRITERS)
def test_export_import_gives_equal_terms_and_the_same_csv_bytes(tmp_path: Path, terms, version: str) -> None:
    back = read_tbx(write(tmp_path, WRITERS[version](terms)))
    assert back == terms
    assert write_terms(back) == write_terms(terms)
    assert [(t.created_at, t.updated_at) for t in back] == [(MOMENT, LATER)] * len(terms)


@pytest.mark.parametrize("version", WRITERS)
def test_export_import_export_gives_the_same_tbx_bytes(tmp_path: Path, terms, version: str) -> None:
    first = WRITERS[version](terms, produced_at=MOMENT)
    assert WRITERS[version](read_tbx(write(tmp_path, first)), produced_at=MOMENT) == first


def test_terms_without_definition_round_trip(tmp_path: Path, terms) -> None:
    bare = [replace(t, definition="") for t in terms]
    assert read_tbx(write(tmp_path, write_tbx(bare))) == bare


def test_variant_order_survives_although_scripts_split_it(tmp_path: Path, terms) -> None:
    bri = next(t for t in terms if t.id == "belt-and-road-initiative")
    assert bri.variants[0].text == "一帶一路倡議"  # traditional script first: goes to zh-Hant
    assert read_tbx(write(tmp_path, write_tbx([replace(bri, related=())])))[0].variants == bri.variants


def test_curated_store_round_trips_through_tbx(tmp_path: Path, curated) -> None:  # type: ignore[no-untyped-def]
    stored = curated.terms()
    for name in ("tbx", "tbx2"):
        back = read_tbx(write(tmp_path, curated.export(name), f"{name}.tbx"))
        assert write_terms(back) == write_terms(stored)
        assert back == stored


# --- foreign files ----------------------------------------------------------------------------


def test_weblate_style_v2_without_statuses_is_read(tmp_path: Path) -> None:
    core, bri = read_tbx(DATA / "interchange-weblate.tbx")
    assert core.id == "core-interests"  # Core_Interests made one of our ids
    assert [(r.text, r.status) for r in core.renderings] == [
        ("core interests", Status.PREFERRED), ("vital interests", Status.ADMITTED)]
    assert core.simplified == "核心利益" and core.domain is Domain.GENERAL and not core.pinyin_curated
    assert core.pinyin_as("plain").replace(" ", "") == "hexinliyi"  # suggested by pypinyin
    assert bri.id == "belt-and-road-initiative"  # no id: made from the English
    assert (bri.simplified, bri.traditional, bri.traditional_curated) == ("一带一路", "一帶一路", True)


def test_official_example_without_chinese_is_refused_entry_by_entry() -> None:
    if not EXAMPLE.exists():
        skip_or_fail(f"{EXAMPLE} is missing: CI keeps a copy of shared/ beside the clone")
    with pytest.raises(InvalidInput) as caught:
        read_tbx(EXAMPLE)
    problems = caught.value.problems
    entries = etree.parse(str(EXAMPLE)).getroot().findall(f".//{T}conceptEntry")
    assert {p.line for p in problems} == {e.sourceline for e in entries}
    assert sum("has no Chinese language section" in p.message for p in problems) == len(entries)
    no_english = {e.sourceline for e in entries if e.find(f"{T}langSec[@{{http://www.w3.org/XML/1998/namespace}}lang='en']") is None}
    assert {p.line for p in problems if "has no English language section" in p.message} == no_english
    first = problems[0]
    assert (first.source, first.line, first.column) == ("Example_Astronomy_DCA_VALID.tbx", 19, "conceptEntry")
    assert "'c1' has no Chinese language section" in first.message


def test_official_example_with_a_chinese_section_added_imports(tmp_path: Path) -> None:
    if not EXAMPLE.exists():
        skip_or_fail(f"{EXAMPLE} is missing: CI keeps a copy of shared/ beside the clone")
    tree = etree.parse(str(EXAMPLE))
    entries = tree.getroot().findall(f".//{T}conceptEntry")
    english = [e for e in entries if e.find(f"{T}langSec[@{{http://www.w3.org/XML/1998/namespace}}lang='en']") is not None]
    assert 0 < len(english) < len(entries)  # a few entries have only a Zulu section: left out here
    for element in entries:
        if element not in english:
            element.getparent().remove(element)
    entries = english
    for number, element in enumerate(entries):
        langsec = etree.SubElement(element, f"{T}langSec", {XML_LANG: "zh-Hans"})
        etree.SubElement(etree.SubElement(langsec, f"{T}termSec"), f"{T}term").text = "星团" + chr(0x4E00 + number)
    terms = read_tbx(write(tmp_path, etree.tostring(tree, encoding="UTF-8")))
    assert len(terms) == len(entries)
    c1, c2 = terms[0], terms[1]
    assert (c1.id, c1.preferred.text, c1.domain) == ("c1", "open cluster", Domain.GENERAL)
    assert c1.definition == "A group of stars formed together in the spiral arms of a galaxy."
    assert c1.sources == ("Oxford2007",)
    galactic = c1.renderings[1]
    assert (galactic.text, galactic.status) == ("galactic cluster", Status.SUPERSEDED)
    assert galactic.note.startswith("Another name for an open star cluster.")
    assert [r.status for r in c2.renderings] == [Status.PREFERRED, Status.ADMITTED, Status.ADMITTED]
    assert c1.created_at == datetime(2010, 4, 17, tzinfo=timezone.utc)
    assert all(r.text not in ("cúmulo abierto",) for t in terms for r in t.renderings)  # Spanish ignored


# --- errors: element and line, all or nothing ---------------------------------------------------


def _broken(terms: list, change) -> bytes:  # type: ignore[no-untyped-def]
    root = etree.fromstring(write_tbx(terms))
    change(root)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def test_not_well_formed_xml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_tbx(write(tmp_path, b"<?xml version='1.0'?>\n<tbx>\n  <text>\n</tbx>\n"))
    problem = caught.value.problems[0]
    assert problem.line == 4 and "not well-formed XML" in problem.message


@pytest.mark.parametrize("declaration", ['<!ENTITY xxe SYSTEM "{secret}">', '<!ENTITY xxe "EXPANDED">'])
def test_an_entity_reference_is_refused_at_its_element_and_never_expanded(tmp_path: Path, terms,
                                                                          declaration: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("EXPANDED", encoding="utf-8")
    data = write_tbx(terms[:1], produced_at=MOMENT).decode()
    headword = terms[0].simplified
    data = data.replace("?>\n", f"?>\n<!DOCTYPE tbx [{declaration.format(secret=secret.as_uri())}]>\n", 1)
    data = data.replace(f"<term>{headword}</term>", f"<term>{headword}&xxe;</term>", 1)
    line = next(number for number, text in enumerate(data.splitlines(), start=1) if "&xxe;" in text)
    with pytest.raises(InvalidInput) as caught:
        read_tbx(write(tmp_path, data.encode()))
    [problem] = caught.value.problems
    assert (problem.source, problem.line, problem.column) == ("in.tbx", line, "term")
    assert problem.message.startswith("the entity reference &xxe; is not read (entities are never expanded)")
    assert "EXPANDED" not in str(caught.value)


def test_a_root_that_is_not_tbx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="neither <tbx>"):
        read_tbx(write(tmp_path, b"<html><body/></html>"))


def test_unknown_administrative_status_names_the_term_sec_and_line(tmp_path: Path, terms) -> None:
    def corrupt(root: etree._Element) -> None:
        note = root.find(f".//{T}conceptEntry[@id='shanghai-cooperation-organisation']/{T}langSec[@{{http://www.w3.org/XML/1998/namespace}}lang='en']/{T}termSec/{T}termNote")
        note.text = "officialTerm-admn-sts"

    data = _broken(terms, corrupt)
    line = next(number for number, text in enumerate(data.decode().splitlines(), start=1)
                if "officialTerm-admn-sts" in text) - 2  # the termSec opens two lines above
    with pytest.raises(InvalidInput) as caught:
        read_tbx(write(tmp_path, data))
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (line, "termSec")
    assert "'officialTerm-admn-sts' of 'Shanghai Cooperation Organisation'" in problem.message


def test_two_preferred_english_terms_are_refused(tmp_path: Path, terms) -> None:
    def corrupt(root: etree._Element) -> None:
        for note in root.iter(f"{T}termNote"):
            if note.text == "admittedTerm-admn-sts":
                note.text = "preferredTerm-admn-sts"

    with pytest.raises(InvalidInput) as caught:
        read_tbx(write(tmp_path, _broken(terms, corrupt)))
    assert {p.column for p in caught.value.problems} == {"langSec"}
    assert all("2 English terms are marked preferredTerm-admn-sts" in p.message for p in caught.value.problems)


def test_one_bad_entry_fails_the_whole_file(tmp_path: Path, terms) -> None:
    def corrupt(root: etree._Element) -> None:
        last = root.findall(f".//{T}conceptEntry")[-1]
        for langsec in last.findall(f"{T}langSec"):
            if langsec.get(XML_LANG).startswith("zh"):
                last.remove(langsec)

    with pytest.raises(InvalidInput) as caught:
        read_tbx(write(tmp_path, _broken(terms, corrupt)))
    assert len(caught.value.problems) == 1 and "nothing was imported" in str(caught.value)


def test_pinyin_that_does_not_fit_the_headword_is_refused(tmp_path: Path, terms) -> None:
    def corrupt(root: etree._Element) -> None:
        for note in root.iter(f"{T}note"):
            if note.text == "Pinyin: yīdài yīlù":
                note.text = "Pinyin: yīdài"

    with pytest.raises(InvalidInput, match="pinyin has 2 syllables but 一带一路 is read with 4"):
        read_tbx(write(tmp_path, _broken(terms, corrupt)))


# --- store and progress -----------------------------------------------------------------------


def test_an_entry_whose_headword_is_stored_under_another_id_becomes_that_entry(tmp_path: Path, terms) -> None:
    renamed = replace(terms[2], id="c7")
    path = write(tmp_path, write_tbx([renamed]))
    assert read_tbx(path)[0].id == "c7"
    assert read_tbx(path, {"stored": terms})[0].id == "shanghai-cooperation-organisation"


def test_large_files_report_progress(tmp_path: Path, terms) -> None:
    base = terms[2]
    many = [replace(base, id=f"sco-{n}", simplified=base.simplified + chr(0x4E00 + n), pinyin=base.pinyin + " yī",
                    traditional_curated=False, variants=()) for n in range(1001)]
    calls: list[tuple[int, int]] = []
    read_tbx(write(tmp_path, write_tbx(many)), {"progress": lambda done, total: calls.append((done, total))})
    assert calls == [(500, 1001), (1000, 1001), (1001, 1001)]


def test_form_kinds_map_to_term_types_and_back(tmp_path: Path, terms) -> None:
    sco = read_tbx(write(tmp_path, write_tbx(terms)))[2]
    assert [(f.text, f.kind) for f in sco.variants] == [("上合组织", FormKind.ABBREVIATION)]


def test_a_copy_of_an_entry_is_a_duplicate_headword(tmp_path: Path, terms) -> None:
    def corrupt(root: etree._Element) -> None:
        body = root.find(f"{T}text/{T}body")
        twin = copy.deepcopy(body[-1])
        twin.set("id", "another-id")
        body.append(twin)

    with pytest.raises(InvalidInput, match="duplicate headword 上海合作组织"):
        read_tbx(write(tmp_path, _broken(terms, corrupt)))
