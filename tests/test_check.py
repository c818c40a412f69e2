"""Terminology checks: outdated renderings, ruled-out combinations, source terms left out; the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import glossary
from glossary import Finding, Status
from glossary.check import FindingKind, check
from glossary.cli import cli
from glossary.csvio import read_terms
from glossary.english import EnglishMatcher
from glossary.matcher import Matcher
from tests.conftest import DATA

CSV = DATA / "annotate-terms.csv"
TERMS = read_terms(CSV)
ENGLISH = EnglishMatcher(TERMS)
CHINESE = Matcher(TERMS)


def run(text: str, source: str | None = None) -> list[Finding]:
    return check(text, ENGLISH, TERMS, source, CHINESE if source is not None else None)


def test_a_deprecated_rendering_is_reported_with_its_place_and_the_preferred_one() -> None:
    text = "China's One Belt, One Road plan"
    [finding] = run(text)
    assert (finding.kind, finding.start, finding.end, finding.status) == (
        FindingKind.OUTDATED, 8, 26, Status.DEPRECATED)
    assert text[finding.start:finding.end] == "One Belt, One Road"
    assert finding.replacement == "the Belt and Road Initiative"
    assert finding.term_id == "belt-and-road-initiative"
    assert "2013-2015" in finding.message


def test_a_superseded_rendering_is_reported_as_superseded() -> None:
    [finding] = run("a Community of Common Destiny in Central Asia")
    assert finding.status is Status.SUPERSEDED and finding.replacement == "community with a shared future"


@pytest.mark.parametrize("text, flagged", [
    ("the Belt and Road strategy", "Belt and Road strategy"),
    ("China’s B&R program", "B&R program"),
    ("the Belt and Road Initiative agenda", "Belt and Road Initiative agenda"),
    ("under the Belt and Road project", "the Belt and Road project"),
    ("two Belt and Road Initiatives", "Belt and Road Initiatives"),
    ("BELT AND ROAD STRATEGY", "BELT AND ROAD STRATEGY"),
])
def test_combinations_the_2015_guidance_rules_out_are_reported(text: str, flagged: str) -> None:
    ruled_out = [f for f in run(text) if f.kind is FindingKind.RULED_OUT]
    assert [f.text for f in ruled_out] == [flagged]
    assert ruled_out[0].replacement == "the Belt and Road Initiative"
    assert text[ruled_out[0].start:ruled_out[0].end] == flagged


@pytest.mark.parametrize("text", [
    "the Belt and Road Initiative", "Belt and Road projects in Kazakhstan", "a strategy for the Belt and Road",
    "core interests", "",
])
def test_current_wording_is_not_reported(text: str) -> None:
    assert run(text) == []


def test_a_rule_for_a_term_the_store_lacks_is_not_applied() -> None:
    others = [t for t in TERMS if t.id != "belt-and-road-initiative"]
    assert check("the Belt and Road strategy", EnglishMatcher(others), others) == []


def test_source_terms_missing_from_the_translation_are_reported_with_their_source_position() -> None:
    source = "双方维护核心利益，构建命运共同体，加强上合组织合作。"
    translation = "Both sides protect their core interests and strengthen SCO cooperation."
    [finding] = run(translation, source)
    assert (finding.kind, finding.term_id, finding.text) == (
        FindingKind.MISSING, "community-with-a-shared-future", "命运共同体")
    assert source[finding.start:finding.end] == "命运共同体"


def test_an_outdated_rendering_does_not_count_as_rendering_the_source_term() -> None:
    findings = run("a community of common destiny", "命运共同体")
    assert [f.kind for f in findings] == [FindingKind.OUTDATED, FindingKind.MISSING]


def test_finding_to_dict_is_plain_json() -> None:
    [finding] = run("OBOR")
    assert json.loads(json.dumps(finding.to_dict())) == {
        "kind": "outdated", "start": 0, "end": 4, "text": "OBOR", "term": "belt-and-road-initiative",
        "message": finding.message, "replacement": "the Belt and Road Initiative", "status": "deprecated"}


# --- the Glossary methods and the CLI -----------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GLOSSARY_TERMS_CSV", str(CSV))
    yield tmp_path


def test_glossary_check_delegates_with_and_without_source(empty_store: glossary.Glossary) -> None:
    empty_store.import_terms(TERMS)
    assert [f.kind for f in empty_store.check("One Belt, One Road", source="一带一路和核心利益")] == [
        FindingKind.OUTDATED, FindingKind.MISSING, FindingKind.MISSING]
    assert empty_store.check("the Belt and Road Initiative") == []


def test_cli_check_exits_1_and_lists_findings_with_line_and_column(home: Path) -> None:
    draft = home / "draft.txt"
    draft.write_text("Title\nThe One Belt, One Road strategy.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(draft)])
    assert result.exit_code == 1
    assert f"{draft}:2:5: outdated: “One Belt, One Road” is deprecated" in result.output
    assert f"{draft}:2:5: ruled-out: “One Belt, One Road strategy”" in result.output


def test_cli_check_exits_0_on_a_clean_text_and_reports_missing_terms_with_source(home: Path) -> None:
    draft, source = home / "draft.txt", home / "source.txt"
    draft.write_text("They protect core interests.\n", encoding="utf-8")
    source.write_text("维护核心利益\n构建命运共同体\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", str(draft)]).exit_code == 0
    result = CliRunner().invoke(cli, ["check", str(draft), "--source", str(source), "--json"])
    assert result.exit_code == 1
    assert [(f["kind"], f["term"]) for f in json.loads(result.output)] == [
        ("missing", "community-with-a-shared-future")]


@pytest.mark.parametrize("args, expected", [
    (["--format", "brackets"], "维护核心利益 (héxīn lìyì, “core interests”)\n"),
    (["--format", "brackets", "--pinyin", "plain"], "维护核心利益 (hexin liyi, “core interests”)\n"),
    (["--format", "brackets", "--domain", "diplomacy"], "维护核心利益\n"),
])
def test_cli_annotate_reads_standard_input(home: Path, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(cli, ["annotate", *args], input="维护核心利益")
    assert result.exit_code == 0, result.output
    assert result.output == expected


def test_cli_annotate_english_and_across_newlines(home: Path) -> None:
    result = CliRunner().invoke(cli, ["annotate", "--english", "-"], input="their “core interests”.")
    assert result.output == "their “core interests” (核心利益, hexin liyi).\n"
    result = CliRunner().invoke(cli, ["annotate", "--format", "json", "--across-newlines"], input="核心\n利益")
    assert [s["text"] for s in json.loads(result.output)["spans"]] == ["核心\n利益"]


@pytest.mark.parametrize("command", ["annotate", "check"])
def test_cli_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and f"glossary {command} " in result.output.split("Example")[1]


def test_deprecated_rendering_that_a_rule_covers_is_reported_once(curated: glossary.Glossary) -> None:
    findings = curated.check("They advance the Belt and Road strategy.")
    assert [(f.kind, f.text) for f in findings] == [(FindingKind.RULED_OUT, "Belt and Road strategy")]
    both = curated.check("The One Belt, One Road strategy.")
    assert [f.kind for f in both] == [FindingKind.OUTDATED, FindingKind.RULED_OUT]  # two different spans


# --- a rendering right for one concept and wrong for another --------------------------------

PRINCIPLE = glossary.Term(
    "one-china-principle", "一个中国原则", "一個中國原則", "yī gè Zhōngguó yuánzé", glossary.Domain.SOVEREIGNTY, "",
    (glossary.Rendering("one-China principle", Status.PREFERRED),
     glossary.Rendering("one-China policy", Status.DEPRECATED, note="names the US position")),
    related=("one-china-policy",))
POLICY = glossary.Term(
    "one-china-policy", "一个中国政策", "一個中國政策", "yī gè Zhōngguó zhèngcè", glossary.Domain.SOVEREIGNTY, "",
    (glossary.Rendering("one-China policy", Status.PREFERRED),), related=("one-china-principle",))
PAIR = [PRINCIPLE, POLICY]


def check_pair(text: str, source: str | None = None) -> list[Finding]:
    return check(text, EnglishMatcher(PAIR), PAIR, source, Matcher(PAIR) if source is not None else None)


def test_a_rendering_right_for_another_concept_is_only_advice_without_a_source() -> None:
    [finding] = check_pair("Beijing urged Washington to honour its one-China policy.")
    assert finding.kind is FindingKind.ADVICE and not finding.kind.is_error
    assert (finding.text, finding.term_id, finding.replacement) == ("one-China policy", "one-china-principle",
                                                                     "one-China principle")
    assert "right for 一个中国政策" in finding.message and "if the original says 一个中国原则" in finding.message


def test_it_is_an_error_when_the_source_holds_the_term_it_mistranslates() -> None:
    finding, missing = check_pair("They reaffirmed the one-China policy.", source="双方重申坚持一个中国原则。")
    assert finding.kind is FindingKind.OUTDATED and finding.replacement == "one-China principle"
    assert "it names 一个中国政策" in finding.message
    assert (missing.kind, missing.term_id) == (FindingKind.MISSING, "one-china-principle")


def test_it_is_nothing_when_the_source_holds_the_concept_it_names() -> None:
    assert check_pair("Washington's one-China policy.", source="美国的一个中国政策") == []


@pytest.mark.parametrize("text, kind, flagged", [
    ("the Belt & Road strategy", FindingKind.RULED_OUT, "Belt & Road strategy"),
    ("the Belt&Road programme", FindingKind.RULED_OUT, "Belt&Road programme"),
    ("One Belt One Road", FindingKind.OUTDATED, "One Belt One Road"),
    ("the one belt, one road plan", FindingKind.OUTDATED, "one belt, one road"),
    ("Community-of-Common-Destiny", FindingKind.OUTDATED, "Community-of-Common-Destiny"),
])
def test_spelling_variants_are_caught_like_the_canonical_forms(text: str, kind: FindingKind, flagged: str) -> None:
    found = [(f.kind, f.text) for f in run(text)]
    assert (kind, flagged) in found


def test_cli_check_advice_alone_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terms = tmp_path / "pair.csv"
    from glossary.csvio import write_terms
    terms.write_bytes(write_terms([replace_sources(t) for t in PAIR]))
    monkeypatch.setenv("GLOSSARY_TERMS_CSV", str(terms))
    draft = tmp_path / "draft.txt"
    draft.write_text("honour its one-China policy\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(draft)])
    assert result.exit_code == 0 and ": advice: “one-China policy” is right for 一个中国政策" in result.output
    source = tmp_path / "zh.txt"
    source.write_text("坚持一个中国原则\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", str(draft), "--source", str(source)]).exit_code == 1


def replace_sources(term: glossary.Term) -> glossary.Term:
    from dataclasses import replace

    renderings = tuple(replace(r, source="1") if r.status is Status.PREFERRED else r for r in term.renderings)
    return replace(term, renderings=renderings, sources=("Test source, 2024",), definition="Test entry.")


def test_cli_annotate_english_can_mark_every_occurrence_and_keep_to_a_domain(home: Path) -> None:
    text = "core interests and core interests"
    once = CliRunner().invoke(cli, ["annotate", "--english", "-"], input=text).output
    every = CliRunner().invoke(cli, ["annotate", "--english", "--every-occurrence", "-"], input=text).output
    assert once.count("(核心利益") == 1 and every.count("(核心利益") == 2
    other = CliRunner().invoke(cli, ["annotate", "--english", "--domain", "diplomacy", "-"], input=text).output
    assert "(核心利益" not in other  # core interests is a sovereignty term
