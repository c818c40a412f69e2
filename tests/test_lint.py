"""glossary lint: what a reviewer should question, on terms.csv, on a file and on the store."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import glossary
from glossary import Domain, Form, FormKind, Rendering, Status, Term
from glossary.cli import cli
from glossary.config import terms_csv
from glossary.csvio import read_terms, write_terms
from glossary.lint import Check, lint
from glossary.validate import Profile

CORE = Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY,
            "Interests a state treats as non-negotiable.",
            (Rendering("core interests", Status.PREFERRED, source="1"),), sources=("Xinhua, 2011-09-06",))
DESTINY = Term("shared-future", "命运共同体", "命運共同體", "mìngyùn gòngtóngtǐ", Domain.DIPLOMACY,
               "A community of nations bound by common interests.",
               (Rendering("community with a shared future", Status.PREFERRED, source="1"),
                Rendering("community of common destiny", Status.SUPERSEDED, "2011-2013", source="1")),
               sources=("China Keywords, 2018-01-01",))


def checks(terms: list[Term]) -> set[tuple[str, Check]]:
    return {(w.term_id, w.check) for w in lint(terms)}


def test_terms_csv_passes_lint() -> None:
    warnings = lint(read_terms(terms_csv(), profile=Profile.CURATED))
    assert warnings == [], "\n".join(map(str, warnings))


def test_clean_entries_give_no_warnings() -> None:
    assert lint([CORE, DESTINY]) == []


def test_two_unlinked_concepts_with_the_same_preferred_english_are_flagged() -> None:
    twin = replace(DESTINY, id="other", simplified="共同体", traditional="共同體", pinyin="gòngtóngtǐ",
                   renderings=(Rendering("Community With A Shared Future", Status.PREFERRED, source="1"),))
    assert checks([DESTINY, twin]) == {("shared-future", Check.SAME_PREFERRED), ("other", Check.SAME_PREFERRED)}
    linked = [replace(DESTINY, related=("other",)), replace(twin, related=("shared-future",))]
    assert checks(linked) == set()
    one_way = [replace(DESTINY, related=("other",)), twin]
    assert ("other", Check.SAME_PREFERRED) in checks(one_way)


def test_a_rendering_preferred_for_one_entry_and_outdated_for_another_is_flagged() -> None:
    other = replace(CORE, id="vital", simplified="根本利益", traditional="根本利益", pinyin="gēnběn lìyì",
                    renderings=(Rendering("fundamental interests", Status.PREFERRED, source="1"),
                                Rendering("core interests", Status.DEPRECATED, source="1")))
    assert checks([CORE, other]) == {("vital", Check.PREFERRED_AND_OUTDATED)}
    assert checks([replace(CORE, related=("vital",)), replace(other, related=("core-interests",))]) == set()


@pytest.mark.parametrize("change", [
    {"renderings": (Rendering("core interests.", Status.PREFERRED, source="1"),)},
    {"renderings": (Rendering("core interests", Status.PREFERRED, source="1"),
                    Rendering("“vital interests”", Status.ADMITTED))},
    {"domain": Domain.PLACES, "renderings": (Rendering("Hexin", Status.PREFERRED, source="1"),)},
    {"domain": Domain.INSTITUTIONS, "renderings": (Rendering("Core Interests Office", Status.PREFERRED, source="1"),)},
    {"pinyin": "Héxīn Lìyì"},
])
def test_capitalisation_and_punctuation_against_the_readme_rules(change: dict[str, object]) -> None:
    assert checks([replace(CORE, **change)]) == {("core-interests", Check.CAPITALISATION)}  # type: ignore[arg-type]


def test_titles_and_mixed_names_are_not_capitalisation_problems() -> None:
    title = replace(CORE, domain=Domain.INSTITUTIONS, pinyin="guówù wěiyuán", simplified="国务委员",
                    traditional="國務委員", renderings=(Rendering("state councilor", Status.PREFERRED, source="1"),))
    mixed = replace(CORE, id="northeast", pinyin="Dōngběi zhènxīng", simplified="东北振兴", traditional="東北振興",
                    renderings=(Rendering("revitalization of the northeast", Status.PREFERRED, source="1"),))
    assert checks([title, mixed]) == set()


def test_headwords_the_same_after_folding_or_a_variant_that_is_another_headword_are_flagged() -> None:
    traditional_twin = replace(DESTINY, id="twin", simplified="命運共同體",
                               renderings=(Rendering("shared future", Status.PREFERRED, source="1"),))
    assert ("twin", Check.NEAR_DUPLICATE) in checks([DESTINY, traditional_twin])
    quoted = replace(DESTINY, id="quoted", simplified="“命运共同体”",
                     renderings=(Rendering("shared future", Status.PREFERRED, source="1"),))
    assert ("quoted", Check.NEAR_DUPLICATE) in checks([DESTINY, quoted])
    variant = replace(CORE, variants=(Form("命运共同体", FormKind.SHORT, "mìngyùn gòngtóngtǐ"),))
    assert ("core-interests", Check.NEAR_DUPLICATE) in checks([variant, DESTINY])


def test_sources_without_a_year_and_links_to_missing_entries_are_flagged() -> None:
    assert checks([replace(CORE, sources=("Xinhua, Xi meets Obama",))]) == {("core-interests", Check.UNDATED_SOURCE)}
    assert checks([replace(CORE, sources=("Xinhua, https://example.org/a",))]) == set()
    assert checks([replace(CORE, related=("withdrawn-entry",))]) == {("core-interests", Check.MISSING_LINK)}


def test_numbered_formulas_and_acronyms_must_lead_to_what_they_stand_for() -> None:
    formula = replace(CORE, id="two-establishes", simplified="两个确立", traditional="兩個確立",
                      pinyin="liǎng gè quèlì",
                      renderings=(Rendering("Two Establishes", Status.PREFERRED, source="1"),))
    assert checks([formula]) == {("two-establishes", Check.UNEXPANDED)}
    expanded = replace(formula, related=("core-interests", "shared-future"))
    assert checks([expanded, replace(CORE, related=("two-establishes",)),
                   replace(DESTINY, related=("two-establishes",))]) == set()
    acronym = replace(CORE, id="rcep", simplified="区域全面经济伙伴关系协定", traditional="區域全面經濟夥伴關係協定",
                      pinyin="qūyù quánmiàn jīngjì huǒbàn guānxì xiédìng",
                      definition="A trade agreement of fifteen Asia-Pacific economies.",
                      renderings=(Rendering("RCEP", Status.PREFERRED, source="1"),))
    assert checks([acronym]) == {("rcep", Check.UNEXPANDED)}
    spelled = replace(acronym, definition="The Regional Comprehensive Economic Partnership of fifteen economies.")
    full = replace(acronym, renderings=acronym.renderings + (
        Rendering("Regional Comprehensive Economic Partnership", Status.ADMITTED),))
    assert checks([spelled]) == set() and checks([full]) == set()


def test_the_command_exits_1_and_names_each_problem_on_a_file(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    dated = {"updated_at": datetime(2026, 1, 1, tzinfo=timezone.utc)}
    twin = replace(CORE, id="vital", simplified="根本利益", traditional="根本利益", pinyin="gēnběn lìyì", **dated)
    path.write_bytes(write_terms([replace(CORE, **dated), twin, replace(DESTINY, **dated)]))
    result = CliRunner().invoke(cli, ["lint", str(path)])
    assert result.exit_code == 1
    assert "vital: same-preferred: “core interests” is also the preferred rendering of core-interests" in result.output
    assert "2 warnings in 2 entries" in result.output


def test_the_command_passes_terms_csv_and_reports_invalid_rows_by_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", str(terms_csv())])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken.csv"
    lines = terms_csv().read_text(encoding="utf-8").splitlines()
    broken.write_text("\n".join(lines[:3] + [lines[3].replace(",", ",,", 1)]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(broken)])
    assert result.exit_code == 2 and "line 4" in result.output and "nothing was checked" in result.output


def test_the_command_checks_the_store_as_it_is_after_edits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = glossary.open(url, seed=False)
    store.import_terms([CORE, DESTINY])
    assert CliRunner().invoke(cli, ["--db", url, "lint"]).exit_code == 0
    store.put(replace(store.get("core-interests"), sources=("Xinhua, Xi meets Obama",)))  # the store takes it
    result = CliRunner().invoke(cli, ["--db", url, "lint"])
    assert result.exit_code == 1 and "core-interests: undated-source: source 1 has no year" in result.output
    assert [w.check for w in store.lint()] == [Check.UNDATED_SOURCE]
    store.dispose()


def test_a_one_character_form_is_flagged_because_it_matches_inside_other_words() -> None:
    pakistan = Term("pakistan", "巴基斯坦", "巴基斯坦", "Bājīsītǎn", Domain.PLACES, "A South Asian country.",
                    (Rendering("Pakistan", Status.PREFERRED, source="1"),), sources=("Xinhua, 2024",),
                    variants=(Form("巴", FormKind.ABBREVIATION, "Bā"),))
    assert checks([pakistan]) == {("pakistan", Check.ONE_CHARACTER)}
    assert checks([replace(pakistan, variants=())]) == set()
