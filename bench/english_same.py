"""Do two versions of the English matcher give the same results? A check, not a test: run it with
each version's code and compare what they wrote.

    # this checkout's code, and main's (exported, not checked out: ``git archive main``)
    mkdir /tmp/main && git archive main | tar -x -C /tmp/main && cp bench/english_same.py /tmp/main/bench/
    (cd /tmp/main && /path/to/checkout/.venv/bin/python bench/english_same.py dump /tmp/old.pickle)
    .venv/bin/python bench/english_same.py dump /tmp/new.pickle --readme /tmp/main/README.md
    .venv/bin/python bench/english_same.py compare /tmp/old.pickle /tmp/new.pickle

For the curated glossary (terms.csv) and CC-CEDICT (117k entries; ``--cedict 0`` leaves it out)
it writes, for every generated text: ``find``, ``scan`` (with each pattern), the whole-word
matches among ``candidates`` (the ones ``select_words`` keeps), the terminology check (with and,
for the curated glossary, without the Chinese source), ``annotate_english`` as text and as HTML
with the check's findings, and ``find`` and ``check`` through a patched matcher (some entries
changed over a base). The texts are renderings of the glossary's entries, changed as writers
and converters change them (case, hyphens of several kinds, quotes, possessives, plurals, "&",
cut short, glued to letters, digits or ideographs) among filler words and punctuation with
"U.S.", apostrophes, dashes, accents, combining marks and characters outside the BMP, and the
README's paragraphs.
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import glossary  # noqa: E402
from glossary.check import check  # noqa: E402
from glossary.english import EnglishMatcher, annotate_english, fold_english  # noqa: E402
from glossary.matcher import Matcher  # noqa: E402
from glossary.overlay import PatchedEnglish  # noqa: E402
from glossary.terms import Rendering, Status, Term  # noqa: E402

FILLER = ("the of and to in a is that for on with as by at from it be this an are was which or has not "
          "its their policy China Chinese government said would will also more than two new year both "
          "development cooperation international economic security national state party people "
          "interests core belt road initiative community shared future strategic partnership").split()
ODD = ["U.S.", "U.S.-China", "e.g.", "i.e.", "it's", "don't", "o'clock", "rock 'n' roll", "—", "–", "…",
       "(", ")", "[", "]", "«", "»", "&", "/", "%", "#", "_", "s", "S", "'s", "’s", "‘", "’", "“", "”", "\"", "'",
       "é", "ß", "İstanbul", "e\u0301", "naïve", "中国", "一带一路", "😀", "𝔘", "5", "2019", "1.5", "\t", "\n",
       "  ", "\u00a0", "\u2028", "ǅ", "Ⅻ", "½", "²", "٣", "x", "es", "ies", "-", "\u2010", "\u2011"]
PUNCTUATION = [" ", " ", " ", " ", ", ", ". ", "; ", ": ", "! ", "? ", " - ", "-", "\n", " (", ") ", "/", "'", "’s "]
QUOTES = [("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'"), ("(", ")"), ("", ""), ("", ""), ("", "")]


def varied(rendering: str, rng: random.Random) -> str:
    """A rendering as a text might write it."""
    text = rendering
    pick = rng.random()
    if pick < 0.15:
        text = text.upper()
    elif pick < 0.3:
        text = text.title()
    elif pick < 0.4:
        text = "".join(c.upper() if rng.random() < 0.5 else c for c in text)
    if rng.random() < 0.25:
        text = "".join(rng.choice(["-", "\u2010", "\u2011", " ", "  ", "\n"]) if c == " " and rng.random() < 0.5
                       else c for c in text)
    if rng.random() < 0.1:
        text = text.replace(" and ", " & ") if " and " in text else text.replace(" & ", " and ")
    if rng.random() < 0.1:
        text = text.replace(",", "")
    if rng.random() < 0.3:
        text += rng.choice(["s", "es", "'s", "’s", "'", "’", "ies", ""])
    if rng.random() < 0.15 and text.endswith("s"):
        text = text[:-1]
    if rng.random() < 0.1:
        text = "the " + text
    if rng.random() < 0.1 and len(text) > 2:  # cut short: a head found, its pattern not there
        text = text[:rng.randrange(1, len(text))]
    if rng.random() < 0.05 and len(text) > 2:
        text = text[1:]
    if rng.random() < 0.08:  # glued to a letter, digit or ideograph: not a whole word
        glue = rng.choice(["x", "é", "5", "中", "_", "ß", "Σ"])
        text = glue + text if rng.random() < 0.5 else text + glue
    before, after = rng.choice(QUOTES)
    return before + text + after


def make_texts(renderings: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(1, 40)):
            pick = rng.random()
            if pick < 0.3:
                parts.append(varied(rng.choice(renderings), rng))
            elif pick < 0.4:
                parts.append(rng.choice(ODD))
            else:
                word = rng.choice(FILLER)
                parts.append(word.capitalize() if rng.random() < 0.1 else word)
            parts.append(rng.choice(PUNCTUATION))
        texts.append("".join(parts))
    return texts


def readme_paragraphs(readme_path: Path | None = None) -> list[str]:
    """Paragraphs of a README: this checkout's, or the one given (the same for both versions)."""
    readme = (readme_path or Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return [paragraph for paragraph in readme.split("\n\n") if paragraph.strip()][:400]


def whole_word(folded: str, start: int, end: int) -> bool:
    """select_words' test."""
    return not ((start and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()))


def results(text: str, matcher: EnglishMatcher | PatchedEnglish, terms: dict[str, Term],
            source: str | None, chinese: Matcher | None) -> tuple[Any, ...]:
    folded = fold_english(text)
    found = [(m.start, m.end, m.text, m.term.id, m.rendering.text, m.rendering.status.value) for m in matcher.find(text)]
    patterns = matcher.patterns
    # patterns by their text: their numbers follow set order, which changes from run to run
    scanned = [(start, end, patterns[pid]) for pid, start, end in matcher.scan(text)]
    findings = check(text, matcher, terms)
    checked = [f.to_dict() for f in findings]
    with_source = [f.to_dict() for f in check(text, matcher, terms, source, chinese)] if chinese is not None else None
    annotated = annotate_english(text, matcher)
    html = annotate_english(text, matcher, pinyin="marks", first_only=False, findings=findings, format="html")
    candidates: list[tuple[int, int, str]] = []
    if isinstance(matcher, EnglishMatcher):
        candidates = sorted((start, end, patterns[pid]) for pid, start, end in matcher.candidates(folded)
                            if whole_word(folded, start, end))
    return found, scanned, candidates, checked, with_source, annotated, html


def patched(terms: list[Term], rng: random.Random) -> tuple[PatchedEnglish, dict[str, Term]]:
    """A base matcher over the terms and an overlay changing one in 50: a rendering added (one of
    another term's, so that patterns are shared), the preferred one's status changed."""
    changed: list[Term] = []
    for term in rng.sample(terms, max(1, len(terms) // 50)):
        other = rng.choice(terms).renderings[0].text
        renderings = (*term.renderings, Rendering(other, Status.SUPERSEDED))
        changed.append(replace(term, renderings=renderings))
    current = {t.id: t for t in terms} | {t.id: t for t in changed}
    return PatchedEnglish(EnglishMatcher(terms), EnglishMatcher(changed), {t.id for t in changed}), current


def dump(out: Path, cedict: int, count: int, cache: Path | None, readme: Path | None) -> None:
    curated = glossary.open("sqlite://").terms()
    sets: list[tuple[str, list[Term], int]] = [("curated", list(curated), count)]
    if cedict:
        if cache is not None and cache.exists():
            big = pickle.loads(cache.read_bytes())
        else:
            from bench.cedict import cedict_terms
            big = cedict_terms()
            if cache is not None:
                cache.write_bytes(pickle.dumps(big))
        sets.append((f"cedict {len(big[:cedict])}", list(curated) + big[:cedict], count // 2))
    written: dict[str, Any] = {}
    for name, terms, how_many in sets:
        start = time.perf_counter()
        matcher = EnglishMatcher(terms)
        built = time.perf_counter() - start
        by_id = {t.id: t for t in terms}
        renderings = [r.text for t in terms for r in t.renderings]
        texts = make_texts(renderings, how_many, seed=len(terms)) + readme_paragraphs(readme)
        rng = random.Random(7)
        chinese = Matcher(curated) if name == "curated" else None
        sources = [" 的".join(rng.choice(curated).simplified for _ in range(rng.randint(0, 6))) for _ in texts]
        start = time.perf_counter()
        written[name] = [results(text, matcher, by_id, source, chinese) for text, source in zip(texts, sources)]
        took = time.perf_counter() - start
        patch, current = patched(terms, rng)
        written[name + ", patched"] = [results(text, patch, current, None, None) for text in texts[::3]]
        matches = sum(len(r[0]) for r in written[name])
        print(f"{name}: {len(terms):,} terms, matcher built in {built:.1f} s; {len(texts):,} texts, "
              f"{matches:,} matches, {took:.1f} s; patched: {len(written[name + ', patched']):,} texts")
        written[name + ", texts"] = texts
    out.write_bytes(pickle.dumps(written))


def compare(old: Path, new: Path) -> int:
    one, other = pickle.loads(old.read_bytes()), pickle.loads(new.read_bytes())
    if one.keys() != other.keys():
        print(f"different sets: {sorted(one)} / {sorted(other)}")
        return 1
    names = ("find", "scan", "candidates", "check", "check with the source", "annotate", "annotate html")
    differences = 0
    for key in sorted(one):
        if key.endswith(", texts"):
            continue
        texts = one[key.split(",")[0] + ", texts"]
        if one[key.split(",")[0] + ", texts"] != other[key.split(",")[0] + ", texts"]:
            print(f"{key}: the texts differ")
            return 1
        compared = 0
        for number, (a, b) in enumerate(zip(one[key], other[key], strict=True)):
            for name, x, y in zip(names, a, b, strict=True):
                compared += len(x) if isinstance(x, list) else 1
                if x != y:
                    differences += 1
                    if differences <= 10:
                        step = 3 if key.endswith("patched") else 1
                        print(f"{key}, text {number}, {name} differs:\n  {texts[number * step]!r}\n  {x!r}\n  {y!r}")
        print(f"{key}: {len(one[key]):,} texts, {compared:,} results compared")
    print(f"{differences} differences")
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dumping = sub.add_parser("dump")
    dumping.add_argument("out", type=Path)
    dumping.add_argument("--cedict", type=int, default=200_000, help="how many CC-CEDICT entries (0: none)")
    dumping.add_argument("--texts", type=int, default=4000, help="generated texts for the curated glossary (half for CC-CEDICT)")
    dumping.add_argument("--cache", type=Path, help="keep the CC-CEDICT entries in this pickle between runs")
    dumping.add_argument("--readme", type=Path, help="take paragraphs from this README (give both versions the same one)")
    comparing = sub.add_parser("compare")
    comparing.add_argument("old", type=Path)
    comparing.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.cedict, args.texts, args.cache, args.readme)
    else:
        sys.exit(compare(args.old, args.new))


if __name__ == "__main__":
    main()
