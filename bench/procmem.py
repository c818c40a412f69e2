"""Memory of a server's processes, as Linux counts it (/proc/PID/smaps_rollup), and which worker
holds a client's connection (/proc/net/tcp and each worker's open sockets).

RSS counts every page a process maps, shared ones included: workers forked from a master that
built the glossary show its pages in each of them. PSS divides each shared page among the
processes that map it (the PSS of all processes adds up to what they use together); USS is what
a process holds alone (its private pages: what killing it would give back). Of these, "dirty" is
the memory a process wrote itself (its private dirty pages: new objects, and shared pages it
copied by writing to them, reference counts included), and "file" the pages of files it maps
(the SQLite store, which SQLite reads through a memory map, and the libraries): page cache the
kernel can drop, counted in RSS and, while no other process maps them, in USS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Memory:
    """One process's memory, MB."""

    rss: float
    pss: float
    uss: float
    dirty: float  # private dirty: written by this process
    file: float  # file-backed pages mapped (RSS - anonymous)

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.rss + other.rss, self.pss + other.pss, self.uss + other.uss, self.dirty + other.dirty,
                      self.file + other.file)


ZERO = Memory(0.0, 0.0, 0.0, 0.0, 0.0)


def memory(pid: int) -> Memory | None:
    """RSS, PSS and USS of a process (None when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kb: dict[str, int] = {}
    for line in text.splitlines()[1:]:
        name, _, value = line.partition(":")
        kb[name] = int(value.split()[0])
    return Memory(kb["Rss"] / 1024, kb["Pss"] / 1024, (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024,
                  kb["Private_Dirty"] / 1024, (kb["Rss"] - kb["Anonymous"]) / 1024)


def workers(master: int) -> list[int]:
    """The worker processes of a gunicorn master (its children)."""
    try:
        return sorted(int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split())
    except OSError:
        return []


def server_memory(master: int) -> dict[int, Memory]:
    """Memory of the master (first) and each of its workers."""
    found = {}
    for pid in [master] + workers(master):
        size = memory(pid)
        if size is not None:
            found[pid] = size
    return found


def table(master: int, sizes: dict[int, Memory], indent: str = "  ") -> str:
    """Per process RSS / PSS / USS and the total for master + workers (RSS adds shared pages
    once per process; PSS adds up to what the server uses)."""
    lines = [f"{indent}{'process':<16}{'RSS MB':>9}{'PSS MB':>9}{'USS MB':>9}{'dirty MB':>10}{'file MB':>9}"]
    total = ZERO
    for pid, size in sizes.items():
        total += size
        name = f"master {pid}" if pid == master else f"worker {pid}"
        lines.append(f"{indent}{name:<16}{size.rss:>9.0f}{size.pss:>9.0f}{size.uss:>9.0f}{size.dirty:>10.0f}"
                     f"{size.file:>9.0f}")
    lines.append(f"{indent}{'total':<16}{total.rss:>9.0f}{total.pss:>9.0f}{total.uss:>9.0f}{total.dirty:>10.0f}"
                 f"{total.file:>9.0f}")
    return "\n".join(lines)


def holder(master: int, server_port: int, client_port: int) -> int | None:
    """The worker whose socket is the server end of the client's connection from ``client_port``
    (None while no worker has accepted it)."""
    wanted = f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}"
    inode = None
    try:
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if (fields[1], fields[2]) == wanted:
                inode = fields[9]
                break
    except OSError:
        return None
    if inode is None or inode == "0":
        return None
    target = f"socket:[{inode}]"
    for pid in workers(master):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None
