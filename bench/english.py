"""The English matcher: its build, its memory and the speed of English annotation and checks.

Prints figures; it is not a test. Run it from a checkout, and from another version's checkout
(an export of main, say) in turn, on the same machine, to compare them:

    .venv/bin/python bench/english.py --cache /tmp/cedict.pickle

For the curated glossary (terms.csv) and the curated glossary with CC-CEDICT (~117k entries):
patterns, build time (CPU), what building the matcher added to the process's resident memory
(after a garbage collection and ``malloc_trim``; the automaton is in Rust's heap, where
``tracemalloc`` does not see it) and the matcher's own Python data (packed patterns, owners,
heads), then per 5 kB of English (the README's paragraphs, and generated text dense with the
glossary's renderings): ``candidates``, ``scan``, ``find``, ``annotate_english`` (HTML, with the
check's findings) and ``check``, best CPU time of a few rounds over all the texts.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import pickle
import random
import sys
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ahocorasick_rs  # noqa: E402

import glossary  # noqa: E402
import glossary.english as english  # noqa: E402
from glossary.check import check  # noqa: E402
from glossary.english import EnglishMatcher, annotate_english, fold_english  # noqa: E402
from glossary.packed import PackedLists, PackedStrings  # noqa: E402
from glossary.terms import Term  # noqa: E402

FILLER = ("the of and to in a is that for on with as by at from it be this an are was which or has not "
          "its their policy said would will also more than two new year both said government").split()


def resident() -> float:
    """This process's resident memory, MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def settle() -> float:
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return resident()


def python_data(matcher: EnglishMatcher) -> float:
    """MB of the matcher's own arrays and packed data (not its terms)."""
    total = 0
    for name, value in vars(matcher).items() if hasattr(matcher, "__dict__") else ():
        if name == "_terms":
            continue
        if isinstance(value, array):
            total += value.buffer_info()[1] * value.itemsize
        elif isinstance(value, PackedStrings):
            blob, starts = value.dump()
            total += len(blob) + len(starts)
        elif isinstance(value, PackedLists):
            values, starts = value.dump()
            total += len(values) + len(starts)
    return total / 1e6


def chunks(paragraphs: list[str], size: int = 5000) -> list[str]:
    texts, current = [], ""
    for paragraph in paragraphs:
        current += paragraph + "\n\n"
        if len(current) >= size:
            texts.append(current)
            current = ""
    return texts


def dense_texts(terms: list[Term], count: int, seed: int = 5) -> list[str]:
    """5 kB texts where one word in four or so belongs to a rendering of the glossary."""
    rng = random.Random(seed)
    renderings = [r.text for t in terms for r in t.renderings]
    texts = []
    for _ in range(count):
        parts: list[str] = []
        while sum(map(len, parts)) < 5000:
            parts.append(rng.choice(renderings) if rng.random() < 0.12 else rng.choice(FILLER))
            parts.append(rng.choice([" ", " ", " ", ", ", ". ", " “", "” ", "'s "]))
        texts.append("".join(parts))
    return texts


def per_text(run: Callable[[str], Any], texts: list[str], rounds: int) -> float:
    """Best CPU ms per text over ``rounds`` rounds (fresh copies of the texts each round)."""
    best = float("inf")
    for _ in range(rounds):
        copies = [text[:-1] + text[-1:] for text in texts]
        start = time.thread_time()
        for text in copies:
            run(text)
        best = min(best, time.thread_time() - start)
    return best * 1000 / len(texts)


def measure(name: str, terms: list[Term], rounds: int) -> None:
    before = settle()
    start = time.process_time()
    matcher = EnglishMatcher(terms)
    built = time.process_time() - start
    added = settle() - before
    own = python_data(matcher)
    heads = len(getattr(matcher, "_sole", ())) or len(matcher.patterns)
    print(f"\n{name}: {len(terms):,} terms, {len(matcher.patterns):,} patterns, "
          f"{sum(map(len, matcher.patterns)) / 1e6:.1f} M characters; the automaton holds {heads:,} strings")
    print(f"  build {built:.2f} s CPU; resident memory +{added:.1f} MB, of which the matcher's Python data "
          f"{own:.1f} MB, so the automaton ~{added - own:.1f} MB")
    strings = list(matcher.patterns)  # what this version's automaton holds, built again alone
    head_of: Any = getattr(english, "pattern_heads", None)
    if head_of is not None:
        strings = list(head_of(strings))
    before = settle()
    automaton = ahocorasick_rs.AhoCorasick(strings)
    alone = settle() - before
    del automaton, strings
    print(f"  the automaton built alone over the same {'heads' if head_of else 'patterns'}: +{alone:.1f} MB resident")
    by_id = {t.id: t for t in terms}
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for kind, texts in (("README, 5 kB", chunks(readme.split("\n\n"))[:16]), ("dense, 5 kB", dense_texts(terms, 8))):
        figures = {
            "candidates": per_text(lambda text: matcher.candidates(fold_english(text)), texts, rounds),
            "scan": per_text(matcher.scan, texts, rounds),
            "find": per_text(matcher.find, texts, rounds),
            "annotate": per_text(lambda text: annotate_english(text, matcher, findings=check(text, matcher, by_id),
                                                               format="html"), texts, rounds),
            "check": per_text(lambda text: check(text, matcher, by_id), texts, rounds),
        }
        matches = sum(len(matcher.find(text)) for text in texts) / len(texts)
        print(f"  {kind} ({len(texts)} texts, {matches:.0f} matches each), ms CPU per text: "
              + ", ".join(f"{what} {ms:.2f}" for what, ms in figures.items()))
        if hasattr(matcher, "_sole"):
            interleaved(matcher, texts, 2 * rounds + 1)


def interleaved(matcher: EnglishMatcher, texts: list[str], rounds: int) -> None:
    """``scan`` against main's way of scanning (one automaton over every pattern, its overlapping
    matches filtered by ``select_words``), in turns in this process: a fairer comparison than two
    runs on a machine whose load changes."""
    from glossary.english import select_words

    whole = ahocorasick_rs.AhoCorasick(list(matcher.patterns))

    def before(text: str) -> list[tuple[int, int, int]]:
        folded = fold_english(text)
        return select_words(folded, whole.find_matches_as_indexes(folded, overlapping=True))

    assert all(before(text) == matcher.scan(text) for text in texts)
    old, new = [], []
    for _ in range(rounds):
        old.append(per_text(before, texts, 1))
        new.append(per_text(matcher.scan, texts, 1))
    print(f"    scan in turns, ms CPU per text, best / median of {rounds}: one automaton over the patterns "
          f"{min(old):.2f} / {sorted(old)[rounds // 2]:.2f}, over the heads {min(new):.2f} / {sorted(new)[rounds // 2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="keep the CC-CEDICT entries in this pickle between runs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--curated-only", action="store_true")
    args = parser.parse_args()
    curated = list(glossary.open("sqlite://").terms())
    measure("curated glossary", curated, args.rounds)
    if args.curated_only:
        return
    if args.cache is not None and args.cache.exists():
        big = pickle.loads(args.cache.read_bytes())
    else:
        from bench.cedict import cedict_terms
        big = cedict_terms()
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps(big))
    measure("curated + CC-CEDICT", curated + big, args.rounds)


if __name__ == "__main__":
    main()
