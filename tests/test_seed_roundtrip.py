"""The seed article round trip: strip its “(中文, pinyin)” glosses, let the annotator put them back."""

from __future__ import annotations

import re

import glossary
from tests.conftest import SEED_ARTICLE, skip_or_fail

#: A gloss as the article writes it, with the quoted English rendering right before it.
GLOSS = re.compile(r"(?P<english>“[^“”]+”) \((?P<chinese>[\u4e00-\u9fff、]+), (?P<pinyin>[a-z ,]+)\)")

#: Where the national orthography (GB/T 16159-2012) joins words the article writes apart.
ORTHOGRAPHY_DIFFERS = {"quan fangwei hezuo": "quanfangwei hezuo"}


def read_article() -> str:
    if not SEED_ARTICLE.exists():
        skip_or_fail(f"the seed article is not at {SEED_ARTICLE}")
    return SEED_ARTICLE.read_text(encoding="utf-8")


def test_the_article_has_the_glosses_this_test_expects() -> None:
    glosses = GLOSS.findall(read_article())
    assert len(glosses) >= 8
    assert ("“core interests”", "核心利益", "hexin liyi") in glosses


def test_every_stripped_gloss_comes_back_after_its_english_rendering(curated: glossary.Glossary) -> None:
    article = read_article()
    stripped = GLOSS.sub(lambda m: m.group("english"), article)
    assert "(核心利益" not in stripped
    annotated = curated.annotate_english(stripped)
    outdated = {f.text: f.replacement for f in curated.check(stripped) if f.kind.is_error}
    missing = []
    for match in GLOSS.finditer(article):
        pinyin = ORTHOGRAPHY_DIFFERS.get(match.group("pinyin"), match.group("pinyin"))
        english = match.group("english")
        wording = english.strip("“”").removeprefix("the ")
        if wording in outdated:  # outdated wording gets its replacement, not a gloss
            expected = f"{english} [→ {outdated[wording]}]"
        else:
            expected = f"{english} ({match.group('chinese')}, {pinyin})"
        if expected not in annotated:
            missing.append(expected)
    assert missing == []
    assert len(outdated) >= 2  # the 2019 article uses "community of common destiny", since superseded


def test_annotating_the_original_article_adds_no_second_gloss(curated: glossary.Glossary) -> None:
    article = read_article()
    annotated = curated.annotate_english(article)
    for match in GLOSS.finditer(article):
        assert annotated.count(f"({match.group('chinese')},") == 1
