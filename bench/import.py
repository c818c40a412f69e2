"""``glossary import`` of the ~117k CC-CEDICT entries, end to end from the command line.

Writes the entries as a terms.csv-format file without pinyin and traditional forms (so the
import generates them), then runs the real CLI as a subprocess into a fresh SQLite store and
into PostgreSQL (a schema of its own, dropped afterwards), and prints the wall time and the
share of each step the import reports (``glossary import --timings``); what the steps leave
out is the interpreter's start and the imports of modules. Issue 16: under 15 s on SQLite,
under 25 s on PostgreSQL. Prints figures; it is not a test.

    .venv/bin/python bench/import.py [--runs N] [--url postgresql+psycopg://…] [--no-postgres]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HERE = Path(__file__).resolve().parent
GLOSSARY = Path(sys.executable).with_name("glossary")
TARGETS = {"sqlite": 15.0, "postgresql": 25.0}


def write_csv(path: Path) -> int:
    """The CC-CEDICT entries the import accepts as a CSV without pinyin and traditional; the
    number of rows. Entries whose generated pinyin does not fit (pypinyin has no reading for a
    character) and headwords terms.csv has are left out, as the import would refuse them."""
    from glossary import config
    from glossary.csvio import COLUMNS, read_terms, term_to_row
    from glossary.errors import PinyinError
    from glossary.pinyin import count_problems
    from glossary.pinyin_generate import suggest

    from cedict import cedict_terms

    curated = {t.simplified for t in read_terms(config.terms_csv())}
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for term in cedict_terms():
            if term.simplified in curated:
                continue
            try:
                if count_problems(term.simplified, suggest(term.simplified)):
                    continue
            except PinyinError:
                continue
            writer.writerow(term_to_row(replace(term, traditional_curated=False, pinyin_curated=False)))
            rows += 1
    return rows


#: (wall seconds, CPU seconds, (wall, CPU) seconds per step, last line of output, server CPU seconds)
Run = tuple[float, float, dict[str, tuple[float, float]], str, float | None]

#: The import's PostgreSQL sessions carry this name, so their server processes can be found.
APPLICATION = "glossary_bench_import"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class ServerCPU(threading.Thread):
    """The CPU seconds of the PostgreSQL server processes serving the import's sessions (found
    by application name, read from /proc every 0.1 s while they live: the server must be on this
    machine). The figure the client's CPU time leaves out: the server's work on the rows."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        from sqlalchemy import create_engine

        self.engine = create_engine(url)
        self.seen: dict[int, float] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            while not self.stopped.is_set():
                pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                                          {"name": APPLICATION}).scalars().all()
                connection.rollback()
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                self.stopped.wait(0.1)
        self.engine.dispose()

    def stop(self) -> float | None:
        self.stopped.set()
        self.join()
        return sum(self.seen.values()) if self.seen else None


def run_import(url: str, source: Path, server: str | None = None) -> Run:
    """Wall and CPU seconds of ``glossary import``, its steps' (wall, CPU) seconds, its last
    line of output, and (``server``: the PostgreSQL URL to watch it from) the server's CPU
    seconds."""
    command = [str(GLOSSARY), "--db", url, "import", str(source), "--timings", "--comment", "bench"]
    watcher = ServerCPU(server) if server else None
    if watcher:
        watcher.start()
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "COLUMNS": "100"})
    seconds = time.perf_counter() - start
    server_cpu = watcher.stop() if watcher else None
    if done.returncode:
        raise SystemExit(f"glossary import failed ({done.returncode}):\n{done.stderr[-3000:]}")
    steps: dict[str, tuple[float, float]] = {}
    for line in done.stderr.splitlines():
        found = re.fullmatch(r"(.+?)\s+([\d.]+) s\s+\d+%\s+cpu\s+([\d.]+) s", line.strip())
        if found:
            steps[found.group(1)] = (float(found.group(2)), float(found.group(3)))
    return seconds, _cpu() - cpu, steps, done.stdout.strip().splitlines()[-1], server_cpu


def report(backend: str, runs: list[Run]) -> None:
    walls = [run[0] for run in runs]
    best = min(range(len(runs)), key=lambda i: walls[i])
    wall, cpu, steps, output, server_cpu = runs[best]
    target = TARGETS[backend]
    spread = f" (runs: {', '.join(f'{w:.1f}' for w in walls)}; median {statistics.median(walls):.1f} s)"
    print(f"\n{backend}: {output}")
    print(f"  end to end {wall:.1f} s, target {target:.0f} s: {'met' if wall < target else 'NOT met'}"
          + (spread if len(runs) > 1 else ""))
    print(f"  CPU time of the process {cpu:.1f} s (the machine has {os.cpu_count()} cores; "
          f"load average {', '.join(f'{v:.1f}' for v in os.getloadavg())})")
    if server_cpu is not None:
        print(f"  CPU time of the PostgreSQL server processes serving it {server_cpu:.1f} s")
    shares = dict(steps)
    shares["start, module imports, other"] = (max(0.0, wall - sum(w for w, _c in steps.values())),
                                              max(0.0, cpu - sum(c for _w, c in steps.values())))
    print(f"  {'step':<30} {'wall':>8} {'share':>5} {'cpu':>8}")
    for name, (seconds, step_cpu) in sorted(shares.items(), key=lambda item: -item[1][0]):
        print(f"  {name:<30} {seconds:6.2f} s  {seconds / wall:4.0%} {step_cpu:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("GLOSSARY_BENCH_POSTGRES_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test_speed"))
    parser.add_argument("--runs", type=int, default=1, help="runs per backend; the fastest is shown")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--csv", type=Path, default=HERE / "results" / "cedict-import.csv",
                        help="the generated file (kept and reused)")
    args = parser.parse_args()
    if not args.csv.exists():
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        print(f"writing {args.csv} …")
        rows = write_csv(args.csv)
    else:
        with open(args.csv, encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
    print(f"{rows} rows in {args.csv} (no pinyin, no traditional)")
    if not args.no_sqlite:
        runs = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                runs.append(run_import(f"sqlite:///{folder}/import.sqlite3", args.csv))
        report("sqlite", runs)
    if not args.no_postgres:
        from sqlalchemy import create_engine, text

        schema = "glossary_bench_cli_import"
        url = (f"{args.url}{'&' if '?' in args.url else '?'}options=-csearch_path%3D{schema}"
               f"&application_name={APPLICATION}")
        engine = create_engine(args.url)
        runs = []
        try:
            for _ in range(args.runs):
                with engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    connection.execute(text(f"CREATE SCHEMA {schema}"))
                runs.append(run_import(url, args.csv, server=args.url))
        finally:
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
        report("postgresql", runs)


if __name__ == "__main__":
    main()
