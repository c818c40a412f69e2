"""Does search find every CC-CEDICT entry by its own forms? (the store searching itself)

Every entry of the ~117k CC-CEDICT store is searched by its plain pinyin as the site shows it
(``zhou'er``), its simplified and its traditional headword, 100 results per query. An entry
counts as found by pinyin if it is among the results; entries whose pinyin 100 or more others
share cannot all fit in one page of results and are counted apart. Prints the share found per
form and lists the misses. Targets (issue 11): 100% for hanzi, at least 99.9% for pinyin.

    .venv/bin/python bench/search_consistency.py [--store PATH] [--reuse] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import glossary  # noqa: E402
from cedict import build_cedict_store  # noqa: E402

PAGE = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=Path("bench/results/cedict.sqlite3"))
    parser.add_argument("--reuse", action="store_true", help="reuse an existing store file (skip the import)")
    parser.add_argument("--limit", type=int, default=0, help="check only the first N entries")
    parser.add_argument("--show", type=int, default=40, help="misses listed per form")
    args = parser.parse_args()
    args.store.parent.mkdir(parents=True, exist_ok=True)
    if args.reuse and args.store.exists():
        url = f"sqlite:///{args.store}"
    else:
        url, seconds, _count = build_cedict_store(args.store)
        print(f"import: {seconds:.1f} s")
    store = glossary.open(url, seed=False)
    terms = [t for t in store.terms() if t.id.startswith("cedict-")]
    if args.limit:
        terms = terms[:args.limit]
    sharing = Counter(t.pinyin_as("plain").lower() for t in store.terms())
    print(f"{len(terms)} CC-CEDICT entries in a store of {store.count()}, {PAGE} results per query\n")
    start = time.perf_counter()
    for form, query_of in (("simplified", lambda t: t.simplified), ("traditional", lambda t: t.traditional),
                           ("plain pinyin", lambda t: t.pinyin_as("plain"))):
        checked, found, crowded = 0, 0, 0
        misses: list[str] = []
        for term in terms:
            query = query_of(term)
            if form == "plain pinyin" and sharing[query.lower()] >= PAGE:
                crowded += 1
                continue
            checked += 1
            ids = [s.id for s in store.search(query, limit=PAGE)]
            if term.id in ids:
                found += 1
            else:
                misses.append(f"  {term.simplified} {query!r} ({term.pinyin}): {len(ids)} results, "
                              f"first {ids[:1]}")
        share = found / checked if checked else 1.0
        extra = f"; {crowded} entries share their pinyin with {PAGE}+ others, not counted" if crowded else ""
        print(f"{form:<14} found {found}/{checked} = {share:.4%}{extra}")
        for line in misses[:args.show]:
            print(line)
        if len(misses) > args.show:
            print(f"  … and {len(misses) - args.show} more")
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
