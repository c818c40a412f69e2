"""Dictionary search alone, this checkout against another revision's, in one process.

The other revision's ``glossary`` package is loaded beside this one under another name
(``otherglossary``: the package imports itself relatively), so that both are timed in the same
process in alternating rounds: on a shared machine, load then falls on both alike. Each round
runs 300 queries of a kind at limit 10, with and without exclusions; CPU time of the thread;
the best round of each side and the median ratio over rounds are printed.

    .venv/bin/python bench/dictionary_ab.py --other FOLDER [--rounds 9]

FOLDER holds the other revision's files (``git archive main | tar -x -C FOLDER``, or the
``other`` folder ``bench/dictionary_compare.py --keep`` leaves). Both indexes are kept in
``GLOSSARY_HOME`` (their files are named apart by layout version).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", type=Path, required=True, help="a folder with the other revision's files")
    parser.add_argument("--rounds", type=int, default=9)
    options = parser.parse_args()
    spec = importlib.util.spec_from_file_location("otherglossary", options.other / "glossary" / "__init__.py",
                                                  submodule_search_locations=[str(options.other / "glossary")])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["otherglossary"] = module
    spec.loader.exec_module(module)
    other = importlib.import_module("otherglossary.dictionary_index")
    from glossary import dictionary, dictionary_index

    sides = {"other": other, "this": dictionary_index}
    indexes = {name: side.index() for name, side in sides.items()}
    rng = random.Random(5)
    sample = rng.sample(list(dictionary.read_entries()), 300)
    kinds = {
        "hanzi exact": [e.simplified for e in sample],
        "hanzi prefix 1": [e.simplified[:1] for e in sample],
        "hanzi prefix 2": [e.simplified[:2] for e in sample],
        "pinyin numbered": [e.numbered for e in sample],
        "pinyin toneless": ["".join(t.rstrip("12345") for t in e.numbered.split()).lower() for e in sample],
        "english word": [rng.choice(rng.choice(e.glosses).split()) for e in sample],
        "english phrase": [rng.choice(e.glosses) for e in sample],
    }
    shown = {"中国", "发展", "计算机", "城市", "国家"}
    parsed = {name: {kind: [side.read_query(text) for text in texts] for kind, texts in kinds.items()}
              for name, side in sides.items()}

    def run(index: Any, queries: list[Any]) -> float:
        started = time.thread_time()
        for query in queries:
            index.search(query, 10)
            index.search(query, 10, exclude=shown)
        return (time.thread_time() - started) / (2 * len(queries)) * 1e6

    timings: dict[str, dict[str, list[float]]] = {kind: {"other": [], "this": []} for kind in kinds}
    for number in range(options.rounds):
        for kind in kinds:
            for name in (("other", "this") if number % 2 else ("this", "other")):
                timings[kind][name].append(run(indexes[name], parsed[name][kind]))
    print(f"dictionary search, µs of CPU per search (best of {options.rounds} rounds), limit 10, half with 5 exclusions:")
    for kind, measured in timings.items():
        ratios = sorted(mine / theirs for mine, theirs in zip(measured["this"], measured["other"]))
        print(f"  {kind:<16} other {min(measured['other']):6.1f}   this {min(measured['this']):6.1f}   "
              f"{min(measured['this']) - min(measured['other']):+6.1f}   median ratio {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
