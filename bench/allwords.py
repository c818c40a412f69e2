"""All-words annotation (issue 15): the CC-CEDICT index, the two segmenters, and a 1 MB document.

Prints figures; it is not a test. Run from the checkout:

    .venv/bin/python bench/allwords.py [--text REAL.txt]

- the dictionary index: building it (once per machine and release), opening the kept file in a
  new process (mapped, not read), and the resident memory that and a first few searches cost;
- segmentation of the text between glossary terms, jieba (rjieba, no HMM, with CC-CEDICT
  longest match inside words it lacks) against longest match over CC-CEDICT alone: time, how
  much of the text multi-character dictionary words cover, and agreement with the word
  boundaries the curated pinyin of terms.csv gives (GB/T 16159 word joining, 永久 全面 战略 …);
  with ``--text``, on that real text too (e.g. a party congress report; not kept here);
- ``glossary annotate --all-words`` on a 1 MB document, end to end (target < 2 s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import glossary  # noqa: E402
from bench.annotate import make_text  # noqa: E402
from bench.cedict import cedict_terms  # noqa: E402
from glossary.allwords import Segmenter, segment  # noqa: E402
from glossary.pinyin import count_readable, is_hanzi, syllables  # noqa: E402


def rss() -> float:
    """Resident memory of this process, MB."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def in_fresh_process(home: Path, code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                          env={**os.environ, "GLOSSARY_HOME": str(home)}, cwd=ROOT).stdout.strip()


MEASURE = """
import os, time
def rss(): return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1e6
from glossary import dictionary_index
start, before = time.perf_counter(), rss()
index = dictionary_index.index()
opened, opened_mb = time.perf_counter() - start, rss() - before
start = time.perf_counter()
for query in ("中", "shi", "computer", "development zone", "国家"):
    index.search(query)
print(f"{opened:.3f} {opened_mb:.1f} {(time.perf_counter() - start) * 1000:.1f} {rss() - before:.1f}")
"""


def boundaries(lengths: list[int]) -> set[int]:
    out, position = set(), 0
    for length in lengths[:-1]:
        position += length
        out.add(position)
    return out


def gold_words(store: glossary.Glossary) -> list[tuple[str, set[int]]]:
    """Headwords of all hanzi whose curated pinyin joins words (GB/T 16159): (headword, boundaries)."""
    found = []
    for term in store.terms():
        text = term.simplified
        if not all(is_hanzi(c) for c in text) or count_readable(text) != len(text):
            continue
        lengths = [len(syllables(word)) for word in term.pinyin.replace("-", " ").split()]
        if sum(lengths) == len(text) and len(lengths) > 1:
            found.append((text, boundaries(lengths)))
    return found


def agreement(gold: list[tuple[str, set[int]]], segmenter: Segmenter, words: dict[str, object]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the word boundaries a segmenter puts inside the headwords."""
    right = predicted = expected = 0
    for text, truth in gold:
        cuts = {0, len(text)}
        for start, end in segment(text, words, segmenter):
            cuts |= {start, end}
        guess = cuts - {0, len(text)}
        right += len(guess & truth)
        predicted += len(guess)
        expected += len(truth)
    precision, recall = right / max(predicted, 1), right / max(expected, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def coverage(text: str, segmenter: Segmenter, words: dict[str, object]) -> tuple[float, float, int]:
    """Seconds, share of the hanzi inside dictionary words of two or more characters, words found."""
    start = time.perf_counter()
    found = segment(text, words, segmenter)
    seconds = time.perf_counter() - start
    hanzi = sum(1 for c in text if is_hanzi(c))
    long_words = sum(end - start for start, end in found if end - start > 1)
    return seconds, long_words / max(hanzi, 1), len(found)


def cli_run(url: str, path: Path, home: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "glossary", "--db", url, "annotate", str(path), "--format", "html", *extra]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={"GLOSSARY_HOME": str(home), "PATH": ""},
                   cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=Path, help="a real Chinese text (UTF-8) for the segmentation comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        home = work / "home"
        start = time.perf_counter()
        built = in_fresh_process(home, MEASURE)
        total = time.perf_counter() - start
        loaded = in_fresh_process(home, MEASURE).split()
        print(f"CC-CEDICT index, first process (builds and keeps it in {home.name}/): {total:.1f} s in all")
        print(f"  new process opening it (mapped): {loaded[0]} s, resident +{loaded[1]} MB; five searches then "
              f"{loaded[2]} ms, resident +{loaded[3]} MB in all  (first build's process: {built})")
        print(f"  kept file: {', '.join(f'{p.name} {p.stat().st_size / 1e6:.0f} MB' for p in sorted(home.glob('*.index')))}")

        from glossary.dictionary_index import index

        os.environ["GLOSSARY_HOME"] = str(home)
        words = index().words
        store = glossary.open(f"sqlite:///{work / 'curated.sqlite3'}")
        gold = gold_words(store)
        print(f"\nsegmentation against the curated pinyin's word boundaries ({len(gold)} headwords)")
        print(f"  {'':<9}{'precision':>10}{'recall':>8}{'F1':>7}")
        for segmenter in Segmenter:
            p, r, f = agreement(gold, segmenter, words)
            print(f"  {segmenter.value:<9}{p:>10.3f}{r:>8.3f}{f:>7.3f}")
        texts = {}
        if args.text:
            texts[f"real text {args.text.name}"] = args.text.read_text(encoding="utf-8")
        cedict = [t.simplified for t in cedict_terms(limit=20_000)]
        curated = [t.simplified for t in store.terms()]
        generated = make_text(cedict, curated, [t.traditional for t in store.terms()], 1_000_000)
        texts["generated 1 MB"] = generated
        for name, text in texts.items():
            print(f"\n{name}: {len(text):,} characters")
            for segmenter in Segmenter:
                seconds, share, count = coverage(text, segmenter, words)
                print(f"  {segmenter.value:<9}{seconds:7.3f} s   {count:,} words   "
                      f"{share:.1%} of the hanzi in words of 2+ characters")

        document = work / "document.txt"
        source = texts.get(f"real text {args.text.name}") if args.text else None
        body = (source * (1_000_000 // len(source.encode()) + 1)) if source else generated
        document.write_text(body.encode()[:1_000_000].decode("utf-8", "ignore"), encoding="utf-8")
        url = f"sqlite:///{work / 'cli.sqlite3'}"
        cli_run(url, document, home)  # creates and seeds the store
        plain = min(cli_run(url, document, home) for _ in range(3))
        every = min(cli_run(url, document, home, "--all-words") for _ in range(3))
        print(f"\nCLI, 1 MB document ({'the real text repeated' if source else 'generated'}), curated glossary, "
              f"index kept: annotate --format html {plain:.2f} s; with --all-words {every:.2f} s end to end "
              f"(target < 2 s)")


if __name__ == "__main__":
    main()
