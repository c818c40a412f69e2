"""Pinyin: the three styles, GB/T 16159 details, polyphones, digits, and every way users type it."""

from __future__ import annotations

import pytest

from glossary import PinyinError
from glossary.pinyin import count_readable, parse_query, read_digits, render, suggest, syllables

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
    ("2019", "二千零一十九"), ("007", "零零七"),
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
    assert parsed is not None and parsed.toned == "ming4yun4gong4tong2ti3"


@pytest.mark.parametrize("typed", ["mingyun gongtongti", "mingyungongtongti", "MingYun GongTongTi", "ming-yun gong'tongti"])
def test_toneless_input_in_any_form_gives_one_key(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.toneless == "mingyungongtongti" and parsed.toned is None


@pytest.mark.parametrize("typed", ["zhanlüe", "zhanlve", "zhanlu:e", "zhanlue", "ZHANLÜE"])
def test_u_umlaut_typed_any_way_gives_one_key(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.toneless == "zhanlue"


@pytest.mark.parametrize("typed", ["zhànlüè", "zhan4lve4", "zhan4lu:e4", "zhan4lüe4", "zhan4lue4"])
def test_u_umlaut_with_tones_gives_one_key(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed is not None and parsed.toned == "zhan4lve4"


def test_partial_last_syllable_is_accepted_while_typing() -> None:
    parsed = parse_query("mingyun gongt")
    assert parsed is not None and parsed.toneless == "mingyungongt" and not parsed.complete


@pytest.mark.parametrize("typed", ["core interests", "hello world", "xyzzy", "", "12"])
def test_text_that_is_not_pinyin_is_refused(typed: str) -> None:
    assert parse_query(typed) is None
