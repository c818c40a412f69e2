"""Term candidates and coverage: statistics over segmented documents, set against the glossary."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import glossary
from glossary import Domain, Glossary, InputTooLarge, Rendering, Status, Term
from glossary.candidates import MAX_CHARACTERS, Document, coverage, extract
from glossary.cli import cli

KNOWN = [
    Term("core-interests", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
         (Rendering("core interests", Status.PREFERRED, source="1"),), sources=("Xinhua, 2011",)),
    Term("community-with-a-shared-future-for-mankind", "人类命运共同体", "人類命運共同體",
         "rénlèi mìngyùn gòngtóngtǐ", Domain.DIPLOMACY, "",
         (Rendering("community with a shared future for mankind", Status.PREFERRED, source="1"),),
         sources=("Xinhua, 2017",)),
    Term("upholding-party-leadership", "坚持党的领导", "堅持黨的領導", "jiānchí dǎng de lǐngdǎo", Domain.PARTY, "",
         (Rendering("upholding the Party's leadership", Status.PREFERRED, source="1"),), sources=("Xinhua, 2021",)),
    Term("high-quality-development", "高质量发展", "高質量發展", "gāo zhìliàng fāzhǎn", Domain.ECONOMY, "",
         (Rendering("high-quality development", Status.PREFERRED, source="1"),), sources=("GWR, 2018",)),
]

# Written for these tests: 城中村改造 and 一揽子化债方案 recur and are not in KNOWN; the known
# terms recur too, once framed by an exhortation (推动高质量发展).
REPORT = ("今年要推动高质量发展，稳步推进城中村改造，落实一揽子化债方案。"
          "各地要把城中村改造同保障民生结合起来。一揽子化债方案要因地制宜，"
          "推动高质量发展离不开城中村改造。维护核心利益是底线，核心利益不容侵犯。")
SPEECH = "我们推动高质量发展，实施一揽子化债方案，坚定维护核心利益。"


@pytest.fixture(scope="module")
def store() -> Iterator[Glossary]:
    store = glossary.open("sqlite://", seed=False)
    store.import_terms(KNOWN)
    yield store
    store.dispose()


def texts(found: list[glossary.candidates.Candidate]) -> list[str]:
    return [c.text for c in found]


def test_recurring_phrases_the_glossary_lacks_are_candidates_and_its_terms_are_not(store: Glossary) -> None:
    found = texts(store.candidates([REPORT]))
    assert "城中村改造" in found and "一揽子化债方案" in found
    assert not {"核心利益", "高质量发展", "核心", "利益"} & set(found)


def test_a_known_term_with_only_an_exhortation_around_it_is_not_a_new_term(store: Glossary) -> None:
    found = texts(store.candidates([REPORT]))
    assert not [text for text in found if "高质量发展" in text or text.startswith(("推动", "推进", "落实"))]


def test_a_phrase_that_only_occurs_inside_a_longer_candidate_scores_nothing_of_its_own(store: Glossary) -> None:
    found = texts(store.candidates([REPORT]))
    assert "城中村" not in found and "化债方案" not in found


def test_a_phrase_within_a_known_term_is_that_terms_occurrence_not_a_candidate(store: Glossary) -> None:
    text = "构建人类命运共同体。推动构建人类命运共同体。人类命运共同体理念深入人心。"
    assert not [t for t in texts(store.candidates([text])) if "命运" in t or "共同体" in t]


def test_a_phrase_found_only_inside_glossary_matches_is_not_a_candidate(store: Glossary) -> None:
    text = "必须坚持党的领导。始终坚持党的领导。"  # the known term begins with 坚持, so is no phrase itself
    assert "党的领导" not in texts(store.candidates([text]))
    assert "党的领导" in texts(store.candidates(["必须加强党的领导。始终加强党的领导。"]))


def test_a_known_term_with_a_modifier_is_not_a_new_term(store: Glossary) -> None:
    text = "这些重大核心利益必须维护，重大核心利益不容侵犯。"
    assert "重大核心利益" not in texts(store.candidates([text]))


def test_termhood_is_the_c_value_times_the_spread_over_documents(store: Glossary) -> None:
    found = {c.text: c for c in store.candidates([REPORT, SPEECH])}
    debt, village = found["一揽子化债方案"], found["城中村改造"]
    assert (debt.count, debt.documents, village.count, village.documents) == (3, 2, 3, 1)
    assert debt.termhood == pytest.approx(math.log2(7) * 3 * (1 + math.log2(2)), abs=0.01)
    assert village.termhood == pytest.approx(math.log2(5) * 3, abs=0.01)
    assert texts(store.candidates([REPORT, SPEECH]))[0] == "一揽子化债方案"


def test_each_candidate_has_contexts_from_different_documents_pinyin_and_a_marked_gloss(store: Glossary) -> None:
    found = {c.text: c for c in store.candidates([Document("report.txt", REPORT), Document("speech.txt", SPEECH)])}
    debt = found["一揽子化债方案"]
    assert [c.document for c in debt.contexts] == ["report.txt", "speech.txt"]
    assert str(debt.contexts[1]) == "我们推动高质量发展，实施【一揽子化债方案】，坚定维护核心利益。"
    assert debt.pinyin == "yīlǎnzi huàzhài fāng'àn"
    assert debt.gloss == ""  # CC-CEDICT does not have the phrase
    village = found["城中村改造"]
    assert village.pinyin == "chéngzhōngcūn gǎizào"
    assert glossary.dictionary.lookup("城中村") and not glossary.dictionary.lookup("城中村改造")


def test_the_dictionary_gloss_is_cc_cedicts_for_the_whole_phrase(store: Glossary) -> None:
    text = "城中村问题很多。城中村要改造。"
    village = {c.text: c for c in store.candidates([text], limit=None)}["城中村"]
    assert village.gloss == "; ".join(glossary.dictionary.lookup("城中村")[0].glosses[:4])
    assert "village" in village.gloss


def test_min_count_and_limit(store: Glossary) -> None:
    assert "城中村改造" not in texts(store.candidates([REPORT], min_count=4))
    assert len(store.candidates([REPORT, SPEECH], limit=1)) == 1


def test_more_text_than_the_limit_is_refused_before_any_work(store: Glossary) -> None:
    with pytest.raises(InputTooLarge):
        extract([Document("big", "城" * (MAX_CHARACTERS + 1))], store.find)


def test_coverage_sets_recurring_glossary_terms_against_new_candidates(store: Glossary) -> None:
    report = coverage([Document("r", REPORT)], store.find, marked=["核心利益", "城中村改造", "高质量发展", ""])
    assert {(t.id, n) for t, n in report.found} == {("core-interests", 2), ("high-quality-development", 2)}
    assert report.recurring == 2
    assert {c.text for c in report.missing} >= {"城中村改造", "一揽子化债方案"}
    assert report.share == pytest.approx(2 / (2 + len(report.missing)))
    assert report.marked == (("核心利益", "core-interests"), ("城中村改造", ""),
                             ("高质量发展", "high-quality-development"))
    assert report.marked_share == pytest.approx(2 / 3)


def test_adding_an_entry_moves_a_candidate_to_the_covered_side(tmp_path: Path) -> None:
    store = glossary.open(f"sqlite:///{tmp_path / 's.db'}", seed=False)
    store.import_terms(KNOWN)
    before = store.coverage([REPORT], marked=["城中村改造"])
    store.put(Term("urban-village-renovation", "城中村改造", "城中村改造", "chéngzhōngcūn gǎizào", Domain.SOCIETY, "",
                   (Rendering("renovation of urban villages", Status.PREFERRED, source="1"),),
                   sources=("GWR, 2024",)))
    after = store.coverage([REPORT], marked=["城中村改造"])
    assert after.recurring == before.recurring + 1 and len(after.missing) == len(before.missing) - 1
    assert before.marked_share == 0 and after.marked_share == 1
    store.dispose()


@pytest.fixture()
def cli_store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = glossary.open(url, seed=False)
    store.import_terms(KNOWN)
    store.dispose()
    return url


def test_the_candidates_command_lists_counts_contexts_and_pinyin(tmp_path: Path, cli_store: str) -> None:
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", cli_store, "candidates", str(tmp_path / "report.txt")])
    assert result.exit_code == 0, result.output
    assert "城中村改造  chéngzhōngcūn gǎizào  ×3" in result.output
    assert "【城中村改造】" in result.output and "[report.txt]" in result.output


def test_the_candidates_csv_is_a_client_glossary_to_complete_and_import(tmp_path: Path, cli_store: str) -> None:
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    sheet = tmp_path / "new.csv"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", cli_store, "candidates", str(tmp_path / "report.txt"),
                               "--csv", str(sheet)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_bytes().decode("utf-8-sig"))))
    village = next(r for r in rows if r["simplified"] == "城中村改造")
    assert village["count"] == "3" and village["english"] == "" and "【城中村改造】" in village["context"]
    refused = runner.invoke(cli, ["--db", cli_store, "import", str(sheet)])  # English not filled in yet
    assert refused.exit_code == 2 and "line 2" in refused.output and "no English rendering" in refused.output
    completed = [r for r in rows if r["simplified"] == "城中村改造"]
    completed[0].update(english="renovation of urban villages", domain="society")
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(completed)
    result = runner.invoke(cli, ["--db", cli_store, "import", str(sheet)])
    assert result.exit_code == 0, result.output
    term = glossary.open(cli_store).lookup("城中村改造")[0]
    assert (term.preferred.text, term.pinyin, term.domain) == ("renovation of urban villages",
                                                               "chéngzhōngcūn gǎizào", Domain.SOCIETY)


def test_the_coverage_command_prints_the_shares(tmp_path: Path, cli_store: str) -> None:
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "marked.txt").write_text("核心利益\n城中村改造\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", cli_store, "coverage", str(tmp_path / "report.txt"),
                                      "--marked", str(tmp_path / "marked.txt")])
    assert result.exit_code == 0, result.output
    assert "marked terms covered: 50% (1 of 2)" in result.output
    assert "marked but not in the glossary: 城中村改造" in result.output
    assert "found: 核心利益 ×2" in result.output or "found: 高质量发展 ×2" in result.output


def test_ordinary_words_and_verb_chains_are_not_candidates_however_often_they_occur(store: Glossary) -> None:
    text = "全面推进，全面深化，全面落实。我们团结带领人民，始终团结带领人民。坚持一国两制，落实一国两制。"
    found = texts(store.candidates([text * 3], limit=None))
    assert "一国两制" in found  # a word general Chinese seldom uses (451 in 60 million)
    assert "全面" not in found  # 9,321 in 60 million: ordinary language
    assert not [t for t in found if "团结" in t]  # two verbs name nothing
