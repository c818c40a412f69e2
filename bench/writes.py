"""Writing one entry on the 117k-entry CC-CEDICT store, and what writes cost the readers.

Prints figures; it is not a test. Targets (issue 13):

- a one-entry ``put`` < 20 ms;
- search and annotation p50/p99 in a worker while another process writes one entry per second:
  p99 within 1.5x of the p99 without writes;
- a worker's resident memory after 1,000 edits: no growth beyond the caches' stated bounds.

    .venv/bin/python bench/writes.py [--store PATH] [--reuse] [--seconds N] [--edits N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import glossary  # noqa: E402
from cedict import build_cedict_store  # noqa: E402


def rss_mb() -> float:
    """This process's resident memory, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentiles(timings: list[float]) -> str:
    timings = sorted(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    return f"p50 {statistics.median(timings):7.2f} ms  p99 {p99:7.2f} ms  ({len(timings)} calls)"


def writer(url: str, ids: list[str], seconds: float, every: float) -> None:
    """Another process: one put per ``every`` seconds for ``seconds``."""
    store = glossary.Glossary(url)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        term = store.get(ids[n % len(ids)])
        store.put(replace(term, definition=f"{term.definition} (edit {n})"), if_match=term.version,
                  author="bench", comment="one write a second")
        n += 1
        time.sleep(every)
    store.dispose()


def read_load(store: glossary.Glossary, queries: list[str], texts: list[str], seconds: float) -> tuple[list[float],
                                                                                                        list[float]]:
    """Searches and annotations, alternating, for ``seconds``: their latencies in ms."""
    searches: list[float] = []
    annotations: list[float] = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        start = time.perf_counter()
        store.search(queries[n % len(queries)])
        searches.append((time.perf_counter() - start) * 1000)
        if n % 5 == 0:
            start = time.perf_counter()
            store.annotate(texts[n % len(texts)], format="html")
            annotations.append((time.perf_counter() - start) * 1000)
        n += 1
    return searches, annotations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=Path("bench/results/cedict.sqlite3"))
    parser.add_argument("--reuse", action="store_true", help="reuse an existing store file (skip the import)")
    parser.add_argument("--seconds", type=float, default=30.0, help="each read phase")
    parser.add_argument("--edits", type=int, default=1000)
    args = parser.parse_args()
    args.store.parent.mkdir(parents=True, exist_ok=True)
    if args.reuse and args.store.exists():
        url = f"sqlite:///{args.store}"
    else:
        url, seconds, count = build_cedict_store(args.store)
        print(f"import: {count} entries in {seconds:.1f} s")
    store = glossary.Glossary(url)
    terms = store.terms()
    print(f"store: {len(terms)} entries; worker RSS after loading the snapshot: {rss_mb():.0f} MB")
    rng = random.Random(13)
    sample = rng.sample([t for t in terms if t.id.startswith("cedict-")], 2000)

    # 1. one put
    timings = []
    for term in sample[:200]:
        current = store.get(term.id)
        start = time.perf_counter()
        store.put(replace(current, definition=current.definition + " (bench)"), if_match=current.version,
                  author="bench")
        timings.append((time.perf_counter() - start) * 1000)
    print(f"one-entry put:              {percentiles(timings)}   (target p50 < 20 ms)")

    # 2. readers with and without a writer in another process
    queries = [t.pinyin_as("plain") for t in sample[200:1200]] + [t.simplified for t in sample[200:1200]]
    texts = ["".join(t.simplified for t in rng.sample(sample, 40)) + "，" * 3 for _ in range(50)]
    read_load(store, queries, texts, 3)  # warm up
    quiet_search, quiet_annotate = read_load(store, queries, texts, args.seconds)
    process = multiprocessing.get_context("spawn").Process(
        target=writer, args=(url, [t.id for t in sample[1200:1400]], args.seconds + 2, 1.0))
    process.start()
    time.sleep(1.5)
    busy_search, busy_annotate = read_load(store, queries, texts, args.seconds)
    process.join()
    print(f"search, no writes:          {percentiles(quiet_search)}")
    print(f"search, 1 write/s:          {percentiles(busy_search)}")
    print(f"annotate 40 words, no writes: {percentiles(quiet_annotate)}")
    print(f"annotate 40 words, 1 write/s: {percentiles(busy_annotate)}")
    print(f"matcher builds in this worker: {store.annotation.builds} (1 = the first; writes patch)")

    # 3. memory after many edits, made by another process and followed by this worker
    before = rss_mb()
    process = multiprocessing.get_context("spawn").Process(
        target=writer, args=(url, [t.id for t in sample[:args.edits]], 3600, 0.0))
    start_revision = store.revision
    process.start()
    while store.revision < start_revision + args.edits and process.is_alive():
        store.annotate(texts[0])  # the worker follows the change log as it goes
        store.search(queries[0])
        time.sleep(0.05)
    process.terminate()
    process.join()
    store.annotate(texts[0])
    store.annotation.wait(60)
    store.annotate(texts[0])
    print(f"worker RSS: {before:.0f} MB before, {rss_mb():.0f} MB after {store.revision - start_revision} edits "
          f"by another process; overlay now {len(store.annotation.snapshot().changed)} entries "
          f"(a new base past {store.annotation.overlay_limit}); matcher builds {store.annotation.builds}")


if __name__ == "__main__":
    main()
