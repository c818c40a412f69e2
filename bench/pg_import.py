"""A 117k-entry import into PostgreSQL while another process searches the same store.

Prints figures; it is not a test. Issue 13: bulk import on PostgreSQL never blocks readers —
searches from another server keep answering during the import. Prints the import time and the
reader's latencies before and during it (and the longest single search).

    .venv/bin/python bench/pg_import.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import glossary  # noqa: E402
from cedict import cedict_terms  # noqa: E402

QUERIES = ["mingyun gongtongti", "核心利益", "community with a shared future", "yidai yilu", "e:partnership",
           "一带一路", "quanmian zhanlue huoban guanxi", "hexin liyi", "Belt and Road", "上海合作组织"]


def reader(url: str, stop: object, out: object) -> None:
    store = glossary.Glossary(url)
    samples: list[tuple[float, float]] = []
    n = 0
    while not stop.is_set():  # type: ignore[attr-defined]
        start = time.perf_counter()
        store.search(QUERIES[n % len(QUERIES)])
        samples.append((time.time(), (time.perf_counter() - start) * 1000))
        n += 1
    out.put(samples)  # type: ignore[attr-defined]
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    schema = "glossary_bench_import"
    engine = create_engine(args.url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    url = f"{args.url}{'&' if '?' in args.url else '?'}options=-csearch_path%3D{schema}"
    store = glossary.open(url)  # the curated entries
    curated = {t.simplified for t in store.terms()}
    terms = [t for t in cedict_terms() if t.simplified not in curated]
    context = multiprocessing.get_context("spawn")
    stop, out = context.Event(), context.Queue()
    process = context.Process(target=reader, args=(url, stop, out))
    process.start()
    time.sleep(5)
    began = time.time()
    start = time.perf_counter()
    store.import_terms(terms, origin="bench")
    seconds = time.perf_counter() - start
    ended = time.time()
    time.sleep(3)
    stop.set()
    samples = out.get(timeout=60)
    process.join()
    before = [ms for at, ms in samples if at < began]
    during = [ms for at, ms in samples if began <= at <= ended]

    def line(values: list[float]) -> str:
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        return (f"{len(values):6} searches, p50 {statistics.median(values):6.2f} ms, p99 {p99:6.2f} ms, "
                f"longest {values[-1]:7.1f} ms")

    print(f"import of {len(terms)} entries into PostgreSQL: {seconds:.1f} s")
    print(f"another process searching, before the import: {line(before)}")
    print(f"                           during the import: {line(during)}")
    engine = create_engine(args.url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


if __name__ == "__main__":
    main()
