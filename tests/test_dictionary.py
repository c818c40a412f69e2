"""CC-CEDICT as a marked fallback: after the glossary's results in search (library, API, site,
CLI), and every other word in all-words annotation, always told apart from curated entries."""

from __future__ import annotations

import itertools
import json
import mmap
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

import glossary
from glossary import dictionary, dictionary_index
from glossary.allwords import Segmenter, segment
from glossary.cli import cli
from glossary.dictionary_index import fallback, index

#: 电脑 (computer) is in CC-CEDICT and in no glossary entry.
ONLY_IN_DICTIONARY = ["电脑", "電腦", "diannao", "diànnǎo", "dian4nao3", "dian4 nao3", "computer"]


@pytest.mark.parametrize("query", ONLY_IN_DICTIONARY)
def test_a_word_only_the_dictionary_holds_is_found_by_every_query_kind(curated: glossary.Glossary,
                                                                      query: str) -> None:
    assert curated.search(query) == [] or query == "computer"
    found = curated.dictionary_search(query, curated=curated.search(query))
    assert "电脑" in [r.simplified for r in found]
    assert all(r.to_dict()["source"] == "cc-cedict" and r.to_dict()["reviewed"] is False for r in found)


def test_dictionary_results_leave_out_headwords_the_glossary_results_hold(curated: glossary.Glossary) -> None:
    held = curated.search("一带一路")
    assert held and held[0].simplified == "一带一路"
    assert "一带一路" in [r.simplified for r in index().search("一带一路")]  # CC-CEDICT has it too
    assert "一带一路" not in [r.simplified for r in fallback("一带一路", held)]


def test_exact_matches_come_before_longer_words_and_common_senses_before_names() -> None:
    found = [(r.simplified, r.pinyin, r.hit.kind) for r in index().search("振兴")]
    assert found[:3] == [("振兴", "zhènxīng", "exact"), ("振兴", "Zhènxīng", "exact"), ("振兴区", "Zhènxīngqū", "prefix")]


def _best_by_brute_force(prefix: str, limit: int, exclude: set[str]) -> list[str]:
    """The ``limit`` best entries for a hanzi prefix, ranked over every headword of the index
    by the rule search states (exact first, then common senses, then shorter words)."""
    ix = index()
    best: dict[int, tuple[int, int, int, int]] = {}
    for word in ix.words:  # every headword, either script, in no particular order
        if word.startswith(prefix):
            for number in ix.entries_of(word):
                rank = (0 if word == prefix else 1, ix.rank[number], len(word), number)
                best[number] = min(best.get(number, rank), rank)
    ranked = sorted((rank, number) for number, rank in best.items() if ix.simplified[number] not in exclude)
    return [f"{ix.simplified[number]} {ix.numbered[number]}" for _, number in ranked[:limit]]


@pytest.mark.parametrize("prefix", ["中", "國", "发展", "中华", "鳄"])
def test_a_hanzi_prefix_finds_the_best_words_of_all_that_start_with_it(prefix: str) -> None:
    # 中 starts some 1,500 headwords, 发展 some 90, 鳄 a handful: search must rank them all, not
    # the first few in code-point order
    for exclude in (set(), set(_best_by_brute_force(prefix, 6, set())[::2])):
        exclude = {key.split()[0] for key in exclude}
        found = index().search(prefix, 10, exclude=exclude)
        assert [f"{r.simplified} {r.numbered}" for r in found] == _best_by_brute_force(prefix, 10, exclude)
        assert len(found) == min(10, len(_best_by_brute_force(prefix, 99, exclude)))


@pytest.mark.parametrize("query", ["river", "computer", "water", "party"])
def test_an_english_word_finds_common_senses_before_variants_and_names_however_long_the_list(query: str) -> None:
    ix = index()
    found = ix.search(query, 10)
    words = [r for r in found if r.hit.kind == "words"]
    numbers = [n for r in words for n in ix.entries_of(r.simplified) if ix.numbered[n] == r.numbered]
    ranks = [ix.rank[n] for n in numbers]
    assert ranks == sorted(ranks)
    assert len(found) == 10
    # leaving the first results out brings the next best, still ten
    fewer = ix.search(query, 10, exclude={r.simplified for r in found[:5]})
    assert len(fewer) == 10 and not {r.simplified for r in fewer} & {r.simplified for r in found[:5]}


@pytest.mark.parametrize("query, first", [("computer virus", "电脑病毒"), ("red flag", "红旗"),
                                          ("economic development zone", "洋浦经济开发区")])
def test_an_english_query_of_several_words_finds_the_entries_holding_every_word(query: str, first: str) -> None:
    found = index().search(query)
    assert found[0].simplified == first
    assert len(found) > 1 or query == "economic development zone"
    for result in found:  # each word, as a stem, in one gloss or another of the entry
        assert all(word[:5] in result.gloss.lower() for word in query.split())


@pytest.mark.parametrize("query", ["computer", "water", "to develop", "中", "发展", "城市", "shi", "tian", "ming4yun4",
                                   "party", "revive"])
def test_fewer_results_are_the_first_of_more(query: str) -> None:
    # reading only as many entries as it shows must not change which come first: ties between
    # equally good entries break the same way at every limit
    more = [(r.simplified, r.numbered, r.glosses) for r in index().search(query, 12)]
    for limit in (1, 3, 7):
        assert [(r.simplified, r.numbered, r.glosses) for r in index().search(query, limit)] == more[:limit]


@pytest.mark.parametrize("query", ["shi", "yi", "ji4", "zhu"])
def test_a_pinyin_syllable_with_many_words_finds_its_common_words_first(query: str) -> None:
    # shi alone is the reading of a hundred-odd entries: the ten shown are the commonest of them,
    # not the first ten in the file
    ix = index()
    found = ix.search(query, 10)
    assert len(found) == 10 and all(r.hit.kind == "exact" for r in found)
    reading = query.rstrip("12345")
    same = [n for n in range(len(ix)) if ix.numbered[n].lower().replace(" ", "") in (query, *(reading + t for t in "12345"))
            and (query == reading or ix.numbered[n].endswith(query[-1]))]
    best_ranks = sorted(ix.rank[n] for n in same)[:10]
    shown = [ix.rank[n] for r in found for n in ix.entries_of(r.simplified)
             if (ix.numbered[n], ix.glosses[n]) == (r.numbered, "/".join(r.glosses))]
    assert sorted(shown) == best_ranks


@pytest.mark.parametrize("query", ["anime", "A咖", "menstrual", "電腦", "lüe", "城", "water"])
def test_a_result_written_as_json_is_its_documented_object(query: str) -> None:
    # the API writes each result's JSON directly (the entry's part kept): it must say what to_dict says,
    # quotes in glosses and all, and the match of this search, not of an earlier one
    results = index().search(query)
    assert results
    for result in results:
        assert json.loads(result.to_json()) == result.to_dict()
    again = index().search(query.lower() if query.isascii() else "城市")
    for result in again:
        assert json.loads(result.to_json())["match"] == result.to_dict()["match"]


# --- the API, the site, the CLI --------------------------------------------------------------


def test_api_search_lists_dictionary_entries_apart_and_marked(client: FlaskClient) -> None:
    data = client.get("/api/v1/search?q=电脑").get_json()
    assert data["count"] == 0 and data["results"] == []
    assert data["dictionary"][0]["simplified"] == "电脑"
    assert {entry["source"] for entry in data["dictionary"]} == {"cc-cedict"}
    assert data["dictionary_source"]["licence"] == "CC BY-SA 4.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["dictionary_source"]["release"])


def test_dictionary_pinyin_outside_the_standard_table_is_written_in_every_style(client: FlaskClient) -> None:
    """CC-CEDICT writes a few syllables the standard table lacks (没谁了 mei2 sei2 le5): written
    syllable by syllable, never parsed back from the joined word, so the search answers 200."""
    entries = [e for e in index().search("没谁了", 5) if e.numbered == "mei2 sei2 le5"]
    assert entries and {s.value: entries[0].pinyin_as(s) for s in glossary.PinyinStyle} == {
        "marks": "méiséile", "plain": "meiseile", "numbers": "mei2sei2le5"}
    response = client.get("/api/v1/search?q=Meise")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert any(r["pinyin"]["plain"] == "meiseile" for r in response.json["dictionary"])


def test_api_search_keeps_the_glossary_first(client: FlaskClient) -> None:
    data = client.get("/api/v1/search?q=mingyun").get_json()
    assert data["results"][0]["id"] == "community-with-a-shared-future"
    assert "命运" in [entry["simplified"] for entry in data["dictionary"]]
    assert "命运共同体" not in [entry["simplified"] for entry in data["dictionary"]]


def test_api_search_with_a_domain_has_no_dictionary_entries(client: FlaskClient) -> None:
    assert client.get("/api/v1/search?q=mingyun&domain=diplomacy").get_json()["dictionary"] == []


def test_search_page_shows_curated_results_then_the_marked_dictionary(client: FlaskClient) -> None:
    page = client.get("/?q=mingyun").get_data(as_text=True)
    assert page.index("community with a shared future") < page.index("From the CC-CEDICT dictionary")
    root = lxml.html.fromstring(page)
    rows = root.cssselect(".result-dictionary")
    assert rows and all("CC-CEDICT — not reviewed" in row.text_content() for row in rows)
    assert not root.cssselect(".result-dictionary a")  # no link to a glossary page
    assert "CC BY-SA 4.0" in root.cssselect(".dictionary-results .attribution")[0].text_content()


def test_search_page_for_a_word_only_the_dictionary_holds_is_not_empty(client: FlaskClient) -> None:
    page = client.get("/?q=電腦").get_data(as_text=True)
    assert "No term matches" not in page
    assert "No glossary term matches" in page
    assert "电脑" in lxml.html.fromstring(page).cssselect(".result-dictionary .hanzi")[0].text_content()


def test_search_page_escapes_the_query_beside_dictionary_results(client: FlaskClient) -> None:
    page = client.get("/", query_string={"q": "computer <b>x</b>"}).get_data(as_text=True)
    assert "result-dictionary" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


@pytest.fixture
def run(tmp_path: Path) -> Any:
    database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return lambda *args: CliRunner().invoke(cli, ["--db", database, *args])


def test_cli_lookup_of_a_word_only_the_dictionary_holds(run: Any) -> None:
    result = run("lookup", "diannao")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("CC-CEDICT — not reviewed (CC BY-SA 4.0, MDBG, release ")
    assert "电脑 (電腦)  diànnǎo  computer" in result.output
    assert run("lookup", "diannao", "--no-dictionary").exit_code == 2


def test_cli_lookup_lists_the_glossary_before_the_dictionary(run: Any) -> None:
    lines = run("lookup", "mingyun").output.splitlines()
    assert lines[0].startswith("命运共同体")
    assert lines.index("") < next(n for n, line in enumerate(lines) if line.startswith("命运 (命運)"))
    records = json.loads(run("lookup", "mingyun", "--json").output)
    assert records[0]["id"] == "community-with-a-shared-future" and "source" not in records[0]
    assert {r["source"] for r in records[1:]} == {"cc-cedict"}


# --- all-words annotation ----------------------------------------------------------------------

TEXT = "我们要加强合作，维护核心利益。<b>&“电脑”</b>\n外国 abc 123"


def test_segmentation_finds_dictionary_words_between_the_terms() -> None:
    words = index().words
    assert [TEXT[s:e] for s, e in segment(TEXT, words)][:4] == ["我们", "要", "加强", "合作"]
    text = "维护核心利益"
    assert [text[s:e] for s, e in segment(text, words, Segmenter.LONGEST)] == ["维护", "核心", "利益"]


def test_all_words_html_marks_dictionary_words_apart_and_keeps_the_text(curated: glossary.Glossary) -> None:
    html = curated.annotate(TEXT, format="html", all_words=True)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    terms = root.cssselect("a.glossary-term")
    words = root.cssselect(".dictionary-word")
    assert [t.cssselect("rt")[0].text for t in terms] == ["héxīn lìyì"]
    assert [w.cssselect("ruby")[0].text for w in words][:4] == ["我们", "要", "加强", "合作"]
    assert all("CC-CEDICT — not reviewed" in w.get("title") for w in words)
    assert not root.cssselect("a.glossary-term .dictionary-word") and not root.cssselect("b")  # escaped
    for element in root.cssselect("rt, rp, .gloss"):
        element.drop_tree()
    assert root.text_content() == TEXT


def test_all_words_brackets_mark_dictionary_words_apart_and_keep_the_text(curated: glossary.Glossary) -> None:
    out = curated.annotate(TEXT, format="brackets", all_words=True)
    assert "加强 [jiāqiáng, CC-CEDICT: to reinforce; to strengthen; to enhance]" in out
    assert "核心利益 (héxīn lìyì, “core interests”)" in out
    stripped = re.sub(r" \[[^\[\]]*, CC-CEDICT: [^\[\]]*\]", "", out)
    assert re.sub(r" \([^()]*, “[^”]*”\)", "", stripped) == TEXT


def test_all_words_markdown_footnotes_dictionary_words_apart_and_keeps_the_text(curated: glossary.Glossary) -> None:
    out = curated.annotate(TEXT, format="markdown", all_words=True)
    body, notes = out.split("\n\n[^", 1)
    assert "加强[^cc-加强]" in body and "核心利益[^core-interests]" in body
    assert "[^cc-加强]: 加强 *jiāqiáng*, CC-CEDICT — not reviewed: to reinforce" in out
    assert "[^core-interests]: 核心利益" in "[^" + notes
    assert re.sub(r"\[\^[^\]]+\]", "", body) == TEXT


def test_all_words_json_gives_each_span_its_source(curated: glossary.Glossary) -> None:
    data = json.loads(curated.annotate(TEXT, format="json", all_words=True))
    spans = data["spans"]
    assert {s["source"] for s in spans} == {"glossary", "cc-cedict"}
    assert [s["term"] for s in spans if s["source"] == "glossary"] == ["core-interests"]
    assert all(s["reviewed"] is False and s["glosses"] for s in spans if s["source"] == "cc-cedict")
    assert all(TEXT[s["start"]:s["end"]] == s["text"] for s in spans)
    assert all(a["end"] <= b["start"] for a, b in zip(spans, spans[1:]))  # in order, never overlapping
    assert data["dictionary"]["licence"] == "CC BY-SA 4.0"


def test_without_all_words_nothing_comes_from_the_dictionary(curated: glossary.Glossary) -> None:
    assert "CC-CEDICT" not in curated.annotate(TEXT, format="brackets")
    assert "dictionary-word" not in curated.annotate(TEXT, format="html")


def test_cli_annotate_all_words(run: Any) -> None:
    result = CliRunner().invoke(cli, ["annotate", "--format", "brackets", "--all-words"], input="我们要加强合作")
    assert result.exit_code == 0, result.output
    assert "加强 [jiāqiáng, CC-CEDICT: to reinforce; to strengthen; to enhance]" in result.output


def test_api_and_page_annotate_all_words(client: FlaskClient) -> None:
    body = client.post("/api/v1/annotate", json={"text": "我们要加强合作", "all_words": True}).get_json()
    assert body["result"].count('class="dictionary-word"') == 4
    assert client.post("/api/v1/annotate", json={"text": "我们", "all_words": "yes"}).status_code == 400
    page = client.post("/annotate", data={"text": "我们要加强合作", "all_words": "1"}).get_data(as_text=True)
    assert page.count('class="dictionary-word"') == 4 and "CC BY-SA 4.0" in page


# --- how the index is held: one image, mapped from GLOSSARY_HOME -------------------------------

@pytest.fixture
def few_entries(monkeypatch: pytest.MonkeyPatch) -> list[dictionary.Entry]:
    """The index built from a slice of CC-CEDICT (a second, not the whole file's build)."""
    entries = list(itertools.islice(dictionary.read_entries(), 30_000, 33_000))
    monkeypatch.setattr(dictionary, "read_entries", lambda path=None: iter(entries))
    return entries


def _answers(ix: dictionary_index.DictionaryIndex) -> list[Any]:
    return [[(r.simplified, r.numbered, r.glosses, r.hit) for r in ix.search(query, 10, exclude={"中"})]
            for query in ("中", "shi", "water", "to be", "ming4")] + [ix.entries_of("中国"), len(ix)]


def test_the_index_is_kept_in_the_home_and_mapped_by_later_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      few_entries: list[dictionary.Entry]) -> None:
    monkeypatch.setenv("GLOSSARY_HOME", str(tmp_path))
    built = dictionary_index._load_or_build(dictionary_index.cache_file())
    assert dictionary_index.cache_file().exists() and not list(tmp_path.glob("*.tmp"))
    monkeypatch.setattr(dictionary, "read_entries", lambda path=None: pytest.fail("built again"))
    mapped = dictionary_index._load_or_build(dictionary_index.cache_file())
    assert isinstance(mapped.image.buffer, mmap.mmap)
    assert _answers(mapped) == _answers(built) == _answers(dictionary_index.DictionaryIndex.build(few_entries))


@pytest.mark.parametrize("damage", ["truncated", "a byte changed", "empty", "another release"])
def test_a_corrupt_or_truncated_index_file_is_built_again_not_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        few_entries: list[dictionary.Entry], damage: str) -> None:
    monkeypatch.setenv("GLOSSARY_HOME", str(tmp_path))
    path = dictionary_index.cache_file()
    expected = _answers(dictionary_index._load_or_build(path))
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[:len(data) * 2 // 3]
    elif damage == "a byte changed":
        data[len(data) // 3] ^= 0x01
    elif damage == "empty":
        data = bytearray()
    else:
        monkeypatch.setattr(dictionary_index, "_tag", lambda: "cc-cedict 1999-01-01 index v5")
    path.write_bytes(data)
    again = dictionary_index._load_or_build(path)
    assert "rebuilding the CC-CEDICT index" in caplog.text
    assert _answers(again) == expected
    assert bytearray(path.read_bytes()) != data  # written again, whole


def test_a_home_that_cannot_be_written_holds_the_index_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  few_entries: list[dictionary.Entry]) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("GLOSSARY_HOME", str(tmp_path / "a-file" / "home"))  # no folder can be made there
    held = dictionary_index._load_or_build(dictionary_index.cache_file())
    assert isinstance(held.image.buffer, bytes)
    assert _answers(held) == _answers(dictionary_index.DictionaryIndex.build(few_entries))


def test_the_headword_table_answers_as_the_dictionary_of_headwords_did(few_entries: list[dictionary.Entry]) -> None:
    ix = dictionary_index.DictionaryIndex.build(few_entries)
    ranks = [ix.rank[n] for n in range(len(ix))]
    by_word: dict[str, list[int]] = {}
    for number, entry in enumerate(few_entries):
        for word in dict.fromkeys((entry.simplified, entry.traditional)):
            by_word.setdefault(word, []).append(number)
    assert dict(ix.words) == {word: min(numbers, key=lambda n: (ranks[n], n)) for word, numbers in by_word.items()}
    assert all(ix.entries_of(word) == tuple(sorted(numbers, key=lambda n: (ranks[n], n))) for word, numbers in by_word.items())
    assert "不是词" not in ix.words and ix.words.get("不是词") is None and ix.entries_of("不是词") == ()
    assert "\ud800" not in ix.words and ix.entries_of("\ud800") == () and 5 not in ix.words
    assert [ix.entry(n) for n in range(len(ix))] == few_entries
    assert ix.simplified[-1] == few_entries[-1].simplified and ix.glosses[0] == "/".join(few_entries[0].glosses)
