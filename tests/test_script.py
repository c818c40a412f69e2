"""Scripts: OpenCC conversion and the length-keeping fold that matches any script."""

from __future__ import annotations

import pytest

from glossary.script import fold, to_simplified, to_traditional


@pytest.mark.parametrize("simplified, traditional", [
    ("命运共同体", "命運共同體"),
    ("上海合作组织", "上海合作組織"),
    ("干涉", "干涉"),  # not 幹/乾
    ("核心利益", "核心利益"),
])
def test_traditional_form_is_generated_with_opencc(simplified: str, traditional: str) -> None:
    assert to_traditional(simplified) == traditional


def test_to_simplified_reverses_traditional() -> None:
    assert to_simplified("命運共同體") == "命运共同体"


@pytest.mark.parametrize("text, folded", [
    ("永久全面戰略夥伴關係", "永久全面战略伙伴关系"),  # Hong Kong / Taiwan usage
    ("永久全面戰略伙伴關係", "永久全面战略伙伴关系"),  # OpenCC usage
    ("永久全面战略伙伴关系", "永久全面战略伙伴关系"),
    ("爲人民服務", "为人民服务"),
    ("休慼與共", "休戚与共"),
    ("臺灣", "台湾"),
    ("全面戰略夥伴关系", "全面战略伙伴关系"),  # stray simplified characters in traditional text
    ("不干涉內政", "不干涉内政"),
    ("A股 2019年，命運！", "A股 2019年，命运！"),
])
def test_fold_maps_any_script_onto_simplified(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("text", ["", "abc", "命運共同體\n新時代", "😀命運", "\u0301"])
def test_fold_keeps_length_so_offsets_stay_valid(text: str) -> None:
    assert len(fold(text)) == len(text)
