"""Does the CC-CEDICT index give what another revision's gives? (a check, run by hand)

Runs the same dictionary work on this checkout's index and on another revision's (``main`` by
default, exported with ``git archive`` into a temporary folder), each in its own process with its
own ``GLOSSARY_HOME``, and prints how many answers differ (the first few in full):

- searches of every kind, at limits 0, 1, 3, 10 and 20, each also with exclusions (its own best
  results' headwords, and random headwords): hanzi (simplified, traditional, exact, prefixes of
  one to three characters, single characters, mixed with other text), pinyin (tone marks,
  numbers spaced and joined, toneless spaced and joined, with apostrophes, capitalised,
  syllable prefixes), English (gloss words, whole glosses, "to" verbs, two- and three-word
  phrases), the curated terms' own forms, and odd input (punctuation, digits, a NUL, empty);
  every result compared whole (its JSON and its fields, as a digest);
- entry lookups: ``entries_of``, ``words`` (membership and best entry), ``entry``, the rank and
  fields of entries by number, ``len``;
- all-words annotation: segmentation of generated and curated texts by both segmenters, and
  ``WordGlosser`` output in every format.

    .venv/bin/python bench/dictionary_compare.py [--against main] [--queries 800]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

LIMITS = (0, 1, 3, 10, 20)


def make_work(count: int, seed: int = 15) -> dict[str, Any]:
    """The queries, words and texts both sides run, from CC-CEDICT and the curated terms."""
    sys.path.insert(0, str(ROOT))
    import csv

    from glossary import dictionary
    from glossary.pinyin import render

    rng = random.Random(seed)
    entries = list(dictionary.read_entries())
    sample = rng.sample(entries, count)
    queries: list[str] = []
    for entry in sample:
        numbered = entry.numbered
        tokens = numbered.split()
        queries += [entry.simplified, entry.traditional, entry.simplified[:1], entry.simplified[:2],
                    entry.simplified[:3], numbered, numbered.replace(" ", ""), numbered.lower()]
        marked = dictionary.marks(numbered)
        if marked:
            queries += [marked, dictionary.styled(numbered, "plain") or "", marked.capitalize()]
        plain = "".join(t.rstrip("12345").replace("u:", "v") for t in tokens)
        queries += [plain, " ".join(t.rstrip("12345") for t in tokens), plain[:rng.randint(1, max(1, len(plain)))]]
        gloss = rng.choice(entry.glosses)
        words = gloss.split()
        queries += [gloss, rng.choice(words), " ".join(words[:2]), " ".join(words[-3:])]
        if gloss.startswith("to "):
            queries.append(gloss[3:])
    with (ROOT / "terms.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            queries += [row.get("simplified", ""), row.get("traditional", ""), row.get("english", "")]
            pinyin = row.get("pinyin", "")
            if pinyin:
                queries += [pinyin, render(pinyin, "plain"), render(pinyin, "numbers")]
    queries += ["", " ", "中", "国", "一", "的", "城", "国家", "中华人民共和国", "shi", "yi", "ji4", "zhu", "zhong guo",
                "zhong'guo", "xi'an", "xian", "Xi1 an1", "lüe", "lve4", "nü", "computer", "water", "party", "to develop",
                "river", "red flag", "computer virus", "economic development zone", "make", "taiwan", "a", "the",
                "123", "。", "!!", "中abc", "abc 中", "电脑 computer", "a\0b", "中\0", "ｍｉｎｇ", "ＡＢＣ", "A咖", "mei2 sei2 le5",
                "Meise", "anime", "menstrual", "revive", "tian", "ming4yun4", "mingyun", "diannao", "电脑", "電腦"]
    queries = list(dict.fromkeys(q for q in queries if q is not None))
    headwords = [e.simplified for e in entries]
    words = [e.simplified for e in sample] + [e.traditional for e in sample]
    words += [w[:k] for w in words[:2000] for k in (1, 2, 3)] + ["", "x", "abc", "中国人民", "\0", "城中村"]
    filler = "的了在是和与对把被从而且但又也很都就"
    texts = []
    for size in (5, 20, 200, 2000, 20000):
        for _ in range(4):
            parts = []
            while sum(map(len, parts)) < size:
                pick = rng.random()
                parts.append(rng.choice(headwords) if pick < 0.6 else rng.choice(filler) if pick < 0.9
                             else rng.choice(["，", "。", " abc ", "123", "\n", "“", "”", "<b>&"]))
            texts.append("".join(parts))
    numbers = rng.sample(range(len(entries)), 3000)
    return {"queries": queries, "words": list(dict.fromkeys(words)), "texts": texts, "numbers": numbers,
            "headwords": rng.sample(headwords, 200)}


def run(work: dict[str, Any]) -> list[Any]:
    """Every answer of this process's glossary, in order (run inside a side's process)."""
    import glossary
    from glossary.allwords import Segmenter, WordGlosser, segment
    from glossary.dictionary_index import index
    from glossary.pinyin import PinyinStyle

    ix = index()
    out: list[Any] = [["len", len(ix)]]

    def digest(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def results(query: str, limit: int, exclude: set[str]) -> list[Any]:
        try:
            found = ix.search(query, limit, exclude=exclude)
        except Exception as error:  # noqa: BLE001 - an error is an answer to compare too
            return [f"error {type(error).__name__}"]
        return [[r.simplified, r.numbered, r.hit.kind, r.hit.text, digest(r.to_json() + repr(r))] for r in found]

    rng = random.Random(4)
    for query in work["queries"]:
        for limit in LIMITS:
            plain = results(query, limit, set())
            out.append(["search", query, limit, plain])
            if limit in (3, 10):
                own = {row[0] for row in plain[::2] if isinstance(row, list)}
                out.append(["search-excluding-own", query, limit, sorted(own), results(query, limit, own)])
                others = set(rng.sample(work["headwords"], 5)) | own
                out.append(["search-excluding", query, limit, results(query, limit, others)])
    for word in work["words"]:
        out.append(["entries_of", word, list(ix.entries_of(word)), word in ix.words, ix.words.get(word)])
    for number in work["numbers"]:
        entry = ix.entry(number)
        out.append(["entry", number, entry.simplified, entry.traditional, entry.numbered, list(entry.glosses),
                    ix.rank[number], ix.simplified[number], ix.traditional[number], ix.numbered[number],
                    ix.glosses[number], ix.pinyin_of(number)])
    store = glossary.open("sqlite://")
    texts = list(work["texts"]) + [t.simplified * 2 + "，" + t.traditional for t in store.terms()[:300]]
    for text in texts:
        for segmenter in Segmenter:
            out.append(["segment", segmenter.value, text[:40], segment(text, ix.words, segmenter)])
        for style in (PinyinStyle.MARKS, PinyinStyle.NUMBERS):
            for first_only in (False, True):
                glosser = WordGlosser(ix, style, first_only=first_only)
                made = [glosser.html(text), glosser.brackets(text), glosser.markdown(text), glosser.footnotes,
                        glosser.spans(text, 7)]
                out.append(["glosser", style.value, first_only, text[:40], digest(json.dumps(made, ensure_ascii=False))])
    for text in texts[:20]:
        out.append(["annotate", text[:40], digest(store.annotate(text, format="html", all_words=True))])
    return out


def side(tree: Path, home: Path, work_file: Path, out_file: Path) -> float:
    """Runs ``run`` with the glossary of ``tree``; the seconds it took."""
    started = time.perf_counter()
    code = (f"import sys; sys.path.insert(0, {str(tree)!r}); sys.path.insert(1, {str(ROOT / 'bench')!r})\n"
            "import json, dictionary_compare, glossary\n"
            f"assert glossary.__file__.startswith({str(tree)!r}), glossary.__file__\n"
            f"work = json.loads(open({str(work_file)!r}, encoding='utf-8').read())\n"
            f"out = dictionary_compare.run(work)\n"
            f"open({str(out_file)!r}, 'w', encoding='utf-8').write('\\n'.join(json.dumps(x, ensure_ascii=False) for x in out))\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tree,
                   env={**os.environ, "GLOSSARY_HOME": str(home), "PYTHONPATH": str(tree)})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="the git revision to compare with (default: main)")
    parser.add_argument("--queries", type=int, default=800, help="CC-CEDICT entries queries are made from")
    parser.add_argument("--keep", type=Path, default=None,
                        help="a folder to keep both sides' indexes and answers in (reused when run again)")
    parser.add_argument("--show", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = options.keep or Path(temporary)
        other = folder / "other"
        if not (other / "glossary").exists():
            other.mkdir(parents=True, exist_ok=True)
            archive = subprocess.run(["git", "archive", options.against], cwd=ROOT, check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(other)], input=archive, check=True)
        work = make_work(options.queries)
        work_file = folder / "work.json"
        work_file.write_text(json.dumps(work, ensure_ascii=False), encoding="utf-8")
        print(f"{len(work['queries']):,} queries x {len(LIMITS)} limits (and with exclusions at 3 and 10), "
              f"{len(work['words']):,} words, {len(work['numbers']):,} entries, {len(work['texts'])} texts + 300 terms")
        answers = {}
        for name, tree in (("this checkout", ROOT), (options.against, other)):
            out_file = folder / f"answers-{'this' if tree == ROOT else 'other'}.jsonl"
            seconds = side(tree, folder / f"home-{'this' if tree == ROOT else 'other'}", work_file, out_file)
            answers[name] = out_file.read_text(encoding="utf-8").splitlines()
            print(f"{name}: {len(answers[name]):,} answers in {seconds:.0f} s")
        mine, theirs = answers.values()
        kinds: dict[str, int] = {}
        differing = []
        for a, b in zip(mine, theirs):
            kind = json.loads(a)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
            if a != b:
                differing.append((a, b))
        searches = sum(n for kind, n in kinds.items() if kind.startswith("search"))
        print(f"compared: {searches:,} searches, " + ", ".join(f"{n:,} {kind}" for kind, n in kinds.items()
                                                              if not kind.startswith("search")))
        print(f"differences: {len(differing) + abs(len(mine) - len(theirs))}")
        for a, b in differing[:options.show]:
            print(f"  this:  {a[:400]}\n  other: {b[:400]}")
        raise SystemExit(1 if differing or len(mine) != len(theirs) else 0)


if __name__ == "__main__":
    main()
