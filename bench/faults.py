"""kill -9 across a 117k-entry CC-CEDICT import, on SQLite and on PostgreSQL (issue 16).

Prints what each scenario showed; it is not a test (tests/test_faults.py is the short version
that runs in CI). For each backend: a store holding the curated terms.csv, then ``glossary
import`` of every CC-CEDICT entry, killed with SIGKILL at several moments (while it reads the
file, as its transaction begins, and at spread points inside it); after each kill the full dump
of the store must equal the dump before, and at the end an import runs to completion.

    .venv/bin/python bench/faults.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test_faults]
                                     [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import glossary  # noqa: E402
from faultkit import cedict_terms, differences, dump, glossary_command, run_and_kill, write_csv  # noqa: E402

SCHEMA = "glossary_bench_faults"


def postgres_url(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def scenario(name: str, url: str, csv: Path, moments: list[tuple[float, bool]]) -> None:
    store = glossary.open(url)  # seeded from terms.csv: the state before
    before_count = store.count()
    store.dispose()
    before = dump(url)
    command = glossary_command(url, "import", str(csv), "--on-conflict", "skip")
    print(f"\n{name}: {before_count:,} entries before; importing {csv.name}")
    for delay, once_writing in moments:
        start = time.monotonic()
        run = run_and_kill(command, delay, opened=csv, url=url, once_writing=once_writing, timeout=600)
        took = time.monotonic() - start
        if not run.killed:
            print(f"  kill at {'write start + ' if once_writing else 'read + '}{delay:.1f} s: the import had "
                  f"finished ({took:.1f} s)")
            break
        opened = time.monotonic()
        diff = differences(before, dump(url))
        print(f"  kill at {'write start + ' if once_writing else 'read + '}{delay:.1f} s "
              f"({'inside' if run.writing else 'outside'} the write transaction): "
              f"{'same state as before' if not diff else 'DIFFERENT: ' + '; '.join(diff)} "
              f"(dump compared in {time.monotonic() - opened:.1f} s)")
    start = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    store = glossary.Glossary(url)
    print(f"  next import: exit {done.returncode} in {time.monotonic() - start:.1f} s, "
          f"{store.count():,} entries after; {done.stdout.strip().splitlines()[-1] if done.stdout else done.stderr}")
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test_faults")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        curated = {t.simplified for t in glossary.open("sqlite://").terms()}
        terms = cedict_terms(200_000, skip=curated)
        csv = write_csv(terms, Path(folder) / "cedict.csv")
        print(f"{len(terms):,} CC-CEDICT entries in {csv.name} ({csv.stat().st_size / 1e6:.0f} MB)")
        moments = [(2.0, False), (0.0, True), (1.0, True), (3.0, True), (6.0, True), (10.0, True)]
        if args.only != "postgresql":
            scenario("SQLite", f"sqlite:///{Path(folder) / 'glossary.sqlite3'}", csv, moments)
        if args.only != "sqlite":
            url = postgres_url(args.url)
            try:
                scenario("PostgreSQL", url, csv, moments)
            finally:
                engine = create_engine(args.url)
                with engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                engine.dispose()


if __name__ == "__main__":
    main()
