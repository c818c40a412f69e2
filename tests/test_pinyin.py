"""Pinyin: the three styles, GB/T 16159 details, polyphones, digits, and every way users type it."""

from __future__ import annotations

import pytest

import glossary
from glossary import PinyinError
from glossary.pinyin import count_problems, count_readable, read_digits, render, syllables
from glossary.pinyin_generate import suggest
from glossary.pinyin_query import parse_query

PARTNERSHIP = "yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì"


@pytest.mark.parametrize("stored, style, expected", [
    (PARTNERSHIP, "marks", "yǒngjiǔ quánmiàn zhànlüè huǒbàn guānxì"),
    (PARTNERSHIP, "plain", "yongjiu quanmian zhanlue huoban guanxi"),
    (PARTNERSHIP, "numbers", "yong3jiu3 quan2mian4 zhan4lve4 huo3ban4 guan1xi4"),
    ("Xī'ān", "plain", "Xi'an"),
    ("Xī'ān", "numbers", "Xi1an1"),
    ("hǎi'àn", "marks", "hǎi'àn"),
    ("Hāsàkèsītǎn", "plain", "Hasakesitan"),
    ("Shànghǎi Hézuò Zǔzhī", "numbers", "Shang4hai3 He2zuo4 Zu3zhi1"),
    ("lǜsè", "numbers", "lv4se4"),
    ("lǜsè", "plain", "luse"),
    ("tóngzhōu-gòngjì", "plain", "tongzhou-gongji"),
    ("mùlín yǒuhǎo, hùhuì hùxìn jīngshén", "plain", "mulin youhao, huhui huxin jingshen"),
    ("gāo zhìliàng gòngjiàn “yīdài yīlù”", "plain", "gao zhiliang gongjian “yidai yilu”"),
    ("guānxi", "numbers", "guan1xi5"),
])
def test_stored_pinyin_renders_in_each_style(stored: str, style: str, expected: str) -> None:
    assert render(stored, style) == expected


@pytest.mark.parametrize("letters, tone, marked", [
    ("hao", 3, "hǎo"), ("gou", 4, "gòu"), ("gui", 4, "guì"), ("liu", 2, "liú"), ("lve", 4, "lüè"),
    ("nv", 3, "nǚ"), ("er", 4, "èr"), ("zi", 5, "zi"),
])
def test_tone_mark_goes_on_the_right_vowel(letters: str, tone: int, marked: str) -> None:
    from glossary.pinyin import Syllable

    assert Syllable(letters, tone).marked() == marked


@pytest.mark.parametrize("stored, count", [
    ("Xī'ān", 2), ("xiān", 1), ("fāng'àn", 2), ("zhànlüè", 2), ("èrshíyī shìjì", 5), ("Hāsàkèsītǎn", 5),
])
def test_syllables_split_as_the_apostrophe_rule_says(stored: str, count: int) -> None:
    assert len(syllables(stored)) == count


@pytest.mark.parametrize("bad", ["xyz", "hǎo!", "zhànglüèè", "hǎǒ"])
def test_unreadable_pinyin_raises_a_clear_error(bad: str) -> None:
    with pytest.raises(PinyinError, match="pinyin"):
        syllables(bad)


# Polyphones of policy language: the word decides the reading (GB/T 16159: citation tones).
@pytest.mark.parametrize("hanzi, numbered", [
    ("重大", "zhong4da4"), ("重申", "chong2shen1"), ("重大关切", "zhong4da4guan1qie4"),
    ("行稳致远", "xing2wen3zhi4yuan3"), ("银行", "yin2hang2"),
    ("长期", "chang2qi1"), ("行长", "hang2zhang3"), ("长臂管辖", "chang2bi4guan3xia2"),
    ("和衷共济", "he2zhong1gong4ji4"), ("民心相通", "min2xin1xiang1tong1"),
    ("将来", "jiang1lai2"), ("以人民为中心", "yi3ren2min2wei2zhong1xin1"), ("为人民服务", "wei4ren2min2fu2wu4"),
    ("发展", "fa1zhan3"), ("头发", "tou2fa4"),
    ("干涉", "gan1she4"), ("不干涉内政", "bu4gan1she4nei4zheng4"),
    ("调整", "tiao2zheng3"), ("调查", "diao4cha2"),
    ("处理", "chu3li3"), ("处长", "chu4zhang3"),
    ("强国", "qiang2guo2"), ("勉强", "mian3qiang3"),
    ("宗教", "zong1jiao4"), ("朝鲜", "chao2xian3"), ("朝阳", "zhao1yang2"),
    ("一带一路", "yi1dai4yi1lu4"),  # citation tones, no sandhi
])
def test_suggestion_reads_polyphones_by_word(hanzi: str, numbered: str) -> None:
    assert render(suggest(hanzi), "numbers").replace(" ", "").replace("'", "") == numbered


def test_suggestion_reads_digits_out_as_one_word() -> None:
    assert suggest("21世纪海上丝绸之路").startswith("èrshíyī shìjì")


@pytest.mark.parametrize("digits, chinese", [
    ("5", "五"), ("10", "十"), ("21", "二十一"), ("100", "一百"), ("105", "一百零五"), ("110", "一百一十"),
    ("2019", "二零一九"), ("2030年", "二零三零年"), ("1000", "一千"), ("3000年", "三零零零年"),
    ("30年", "三十年"), ("12000", "一二零零零"), ("007", "零零七"),
])
def test_digits_are_read_as_chinese_numerals(digits: str, chinese: str) -> None:
    assert read_digits(digits) == chinese


def test_readable_count_counts_digits_read_out() -> None:
    assert count_readable("21世纪海上丝绸之路") == 11
    assert count_readable("睦邻友好、互惠互信精神") == 10


@pytest.mark.parametrize("typed", [
    "mìngyùn gòngtóngtǐ", "ming4yun4 gong4tong2ti3", "ming4yun4gong4tong2ti3", "Ming4 Yun4 Gong4tong2ti3",
])
def test_toned_input_in_any_form_gives_one_key(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.toned == ("ming4yun4gong4tong2ti3",) and not parsed.loose


@pytest.mark.parametrize("typed", ["mingyun gongtongti", "mingyungongtongti", "MingYun GongTongTi", "ming-yun gong'tongti"])
def test_toneless_input_in_any_form_gives_one_key(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.letters == "mingyungongtongti" and parsed.toned == () and parsed.loose
    assert parsed.spelled in ((), ("ming'yun'gong'tong'ti",))


@pytest.mark.parametrize("typed", ["zhanlüe", "zhanlve", "zhanlu:e", "zhanlue", "ZHANLÜE"])
def test_u_umlaut_typed_any_way_gives_one_key(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.letters == "zhanlue"


@pytest.mark.parametrize("typed", ["zhànlüè", "zhan4lve4", "zhan4lu:e4", "zhan4lüe4", "zhan4lue4"])
def test_u_umlaut_with_tones_gives_one_key(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and "zhan4lve4" in parsed.toned


def test_partial_last_syllable_is_accepted_while_typing() -> None:
    parsed = parse_query("mingyun gongt")
    assert parsed is not None and parsed.spelled == ("ming'yun'gong't",) and not parsed.complete


@pytest.mark.parametrize("typed, spelled", [
    ("jiu'er gongshi", {"jiu'er'gong'shi"}),            # a zero-initial syllable after another
    ("jiuer gongshi", {"jiu'er'gong'shi"}),             # ... with the apostrophe left out
    ("quanqiu anquan", {"quan'qiu'an'quan", "quan'qiu'an'qu'an", "qu'an'qiu'an'quan", "qu'an'qiu'an'qu'an"}),
    ("xi'an", {"xi'an"}),                               # the apostrophe fixes xi|an
    ("xi an", {"xi'an"}),
    ("Zhōng-Ōu", {"zhong'ou"}),                         # a hyphen is a boundary
    ('"Yīdài Yīlù"', {"yi'dai'yi'lu"}),                 # quotes our pinyin mirrors from the headword
    ("gòngtóng, zōnghé", {"gong'tong'zong'he"}),        # so are commas
    ("fang an", {"fang'an"}),
])
def test_every_reading_the_boundaries_allow_is_kept(typed: str, spelled: set[str]) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and set(parsed.spelled) == spelled


@pytest.mark.parametrize("typed, letters", [
    ("xian", "xian"), ("fangan", "fangan"), ("zhouer", "zhouer"), ("konge", "konge"), ("yaerfa", "yaerfa"),
    ("dawoeryu", "dawoeryu"), ("nierse", "nierse"), ("jiuergongshi", "jiuergongshi"),
])
def test_letters_without_boundaries_are_one_key_for_every_reading(typed: str, letters: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.letters == letters and parsed.spelled == ()


@pytest.mark.parametrize("typed, toned", [
    ("fāngàn", {"fang1an4", "fan1gan4"}),   # marks allow both readings
    ("Xī'ān", {"xi1an1"}),                   # xian would carry two marks
    ("jiǔ'èr", {"jiu3er4"}),
    ("jiǔèr", {"jiu3er4"}),
    ("xi1an1", {"xi1an1"}),
    ("dōngxi", {"dong1xi"}),                 # last syllable unmarked: a prefix, any tone
])
def test_tones_choose_among_readings(typed: str, toned: set[str]) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and set(parsed.toned) == toned


def test_unmarked_syllable_in_marked_query_is_neutral_or_left_off() -> None:
    parsed = parse_query("guānxi wǎng")
    assert parsed is not None and "guan1xi5wang3" in parsed.toned and parsed.loose


@pytest.mark.parametrize("typed, toned", [("ń", "n2"), ("ňg", "ng3"), ("ḿ", "m2"), ("hm", None), ("hng", None),
                                          ("ê̄", "e1"), ("ế", "e2")])
def test_interjections_are_syllables_of_their_own(typed: str, toned: str | None) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.toned == ((toned,) if toned else ())


def test_interjections_are_not_split_out_of_longer_syllables() -> None:
    parsed = parse_query("ming yun")
    assert parsed is not None and parsed.spelled == ("ming'yun",)  # not mi'ng'yun


@pytest.mark.parametrize("stored, numbers", [("ń", "n2"), ("ňg", "ng3"), ("hm", "hm5"), ("ê̄", "ê1"), ("ǹg", "ng4")])
def test_stored_interjections_parse_and_render(stored: str, numbers: str) -> None:
    assert render(stored, "numbers") == numbers
    assert render(render(stored, "marks"), "marks") == stored


@pytest.mark.parametrize("stored, numbered", [
    ("ńle", ["n2", "le5"]), ("hǎoń", ["hao3", "n2"]), ("ńnǎ", ["n2", "na3"]), ("ňghēng", ["ng3", "heng1"]),
    ("ḿmā", ["m2", "ma1"]), ("hm̀ hng", ["hm4", "hng5"]), ("ê̄shì", ["ê1", "shi4"]), ("ǹǹ", ["n4", "n4"]),
    ("míng", ["ming2"]), ("Xī'ān", ["Xi1", "an1"]),  # standard syllables still come first: never mi+ng
])
def test_interjection_syllables_are_read_inside_a_word(stored: str, numbered: list[str]) -> None:
    assert [s.numbered() for s in syllables(stored)] == numbered


@pytest.mark.parametrize("hanzi", ["嗯", "嗯嗯", "嗯了一声", "好嗯", "嗯哼", "嗯哪", "呣", "噷"])
def test_generated_pinyin_with_interjections_is_valid_pinyin(hanzi: str) -> None:
    assert count_problems(hanzi, suggest(hanzi)) == []


def test_letters_that_are_no_syllables_are_still_refused() -> None:
    with pytest.raises(PinyinError, match="does not split"):
        syllables("mingg")


@pytest.mark.parametrize("typed", ["core interests", "hello world", "xyzzy", "", "12", "c5", "ming44", "G20"])
def test_text_that_is_not_pinyin_is_refused(typed: str) -> None:
    assert parse_query(typed) is None


@pytest.mark.parametrize("query", ["\u0301", "ming \u0300", "\u030c\u0301"])
def test_a_tone_mark_with_no_letter_under_it_is_not_pinyin(query: str) -> None:
    # found by the search/lookup property test: a lone combining mark made an empty reading
    assert parse_query(query) is None


@pytest.mark.parametrize("query", ["\u0301", "p:\u0301", "p: \u0300 \u0301"])
def test_a_lone_tone_mark_searches_without_error(curated: "glossary.Glossary", query: str) -> None:
    assert curated.search(query) == curated.lookup(query) == []
