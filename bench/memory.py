"""Cold start and memory of ``glossary serve`` on the ~117k-entry CC-CEDICT store (issue 16).

1. Starts ``glossary serve`` and times it until ``/api/v1/health`` answers: the server says it
   is ready.
2. Right then, the first annotation on each worker: one connection per worker, each with its
   request sent but for the last byte, so that each worker accepts one and waits for the rest
   (a sync worker reads one connection at a time; which worker holds which is read from /proc);
   then the requests are finished one at a time and each answer timed from its last byte.
3. Memory of the master and of each worker — RSS, PSS and USS (bench/procmem.py) — and the total.
4. Mixed traffic (bench/mix.py, as ``bench/load.py --mix``) for ``--duration`` seconds, then the
   memory again.

    .venv/bin/python bench/memory.py                       # SQLite store, 4 workers, 60 s of traffic
    .venv/bin/python bench/memory.py --database postgresql+psycopg://postgres@127.0.0.1:5432/test_load

Targets (issue 16): the first annotation on any worker under 0.5 s after the server says it is
ready; under 200 MB resident per worker after a mixed workload. The machine may be shared: the
load average and CPU time are printed beside wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import load  # noqa: E402 - bench/ is on the path only now
import mix  # noqa: E402
import procmem  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_annotations(master: int, port: int, count: int, text: str) -> list[tuple[int | None, float, float]]:
    """(worker, seconds from the request's last byte to the whole answer, the worker's CPU
    seconds meanwhile) for one annotation on each of ``count`` workers."""
    body = json.dumps({"text": text, "format": "html"}, ensure_ascii=False).encode()
    head = (f"POST /api/v1/annotate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    held = []
    for _ in range(count):
        client = socket.create_connection(("127.0.0.1", port), timeout=120)
        client.sendall(head + body[:-1])
        held.append(client)
    owners: list[int | None] = [None] * count
    deadline = time.monotonic() + 10
    while None in owners and time.monotonic() < deadline:  # until each worker has taken one
        owners = [procmem.holder(master, port, client.getsockname()[1]) for client in held]
        time.sleep(0.02)
    results = []
    for client, owner in zip(held, owners):
        cpu = cpu_seconds(owner) if owner else float("nan")
        started = time.perf_counter()
        client.sendall(body[-1:])
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        elapsed = time.perf_counter() - started
        client.close()
        status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "?"
        if status != "200":
            raise SystemExit(f"the first annotation answered HTTP {status}: {answer[:300]!r}")
        results.append((owner, elapsed, (cpu_seconds(owner) - cpu) if owner else float("nan")))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=BENCH / "results" / "cedict.sqlite3")
    parser.add_argument("--database", metavar="URL", default=None, help="serve a PostgreSQL store instead")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: as glossary serve)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of mixed traffic (0: none)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--serve-args", default="", help="more options for glossary serve")
    options = parser.parse_args()

    url = load.build_pg_store(options.database) if options.database else load.build_store(options.store, False)
    paths = load.queries(url, 20_000)
    pick = random.Random(16)
    text = mix.chinese_text(paths["words"], 5_000, pick)
    port = load.free_port()
    run = argparse.Namespace(threads=1, workers=options.workers, serve_args=options.serve_args,
                             annotate_concurrency=None, connections=options.connections, processes=2,
                             duration=options.duration, annotator=0)
    log_path = options.store.parent / "memory-server.log"
    options.store.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    server = load.start_server(url, port, run, log_path)
    try:
        load.wait_until_up(port, server, timeout=600)
        ready = time.perf_counter() - started
        master = server.pid
        count = len(procmem.workers(master))
        deadline = time.monotonic() + 30
        while count < (options.workers or 4) and time.monotonic() < deadline:
            time.sleep(0.05)
            count = len(procmem.workers(master))
        print(f"store: {url.split('@')[-1]}; glossary serve, {count} workers"
              f"{', ' + options.serve_args if options.serve_args else ''}; load average before start "
              f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
        print(f"ready (health answers) {ready:.1f} s after start; master CPU {cpu_seconds(master):.1f} s\n")
        at_ready = procmem.server_memory(master)
        results = first_annotations(master, port, count, text)
        print(f"first annotation on each worker ({len(text.encode()):,} bytes of Chinese, HTML), "
              f"load average {os.getloadavg()[0]:.2f}:")
        for owner, seconds, cpu in results:
            print(f"  worker {owner}: {seconds:.3f} s (worker CPU {cpu:.3f} s)")
        slowest = max(seconds for _, seconds, _ in results)
        print(f"  slowest {slowest:.3f} s (target < 0.5 s)\n")
        print("memory when ready:")
        print(procmem.table(master, at_ready))
        print("memory after the first annotations:")
        print(procmem.table(master, procmem.server_memory(master)))
        if options.duration > 0:
            print()
            load.run_mix(run, url, paths, [port], [server])
            after = procmem.server_memory(master)
            print(f"\nmemory after {options.duration:g} s of mixed traffic, load average {os.getloadavg()[0]:.2f}:")
            print(procmem.table(master, after))
            worst = max(size.rss for pid, size in after.items() if pid != master)
            worst_pss = max(size.pss for pid, size in after.items() if pid != master)
            print(f"  largest worker: RSS {worst:.0f} MB, PSS {worst_pss:.0f} MB (target < 200 MB)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except Exception:  # noqa: BLE001
            server.kill()


if __name__ == "__main__":
    main()
