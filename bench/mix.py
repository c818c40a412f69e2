"""Mixed traffic for bench/load.py --mix: what a day on the site looks like, in proportions.

Each connection picks every request's kind at random with the weights below: searches of every
kind (three quarters: cold queries of five kinds, each sent once while they last, and popular
ones repeated), term pages (HTML and JSON), annotations of 1-20 kB of Chinese text, exports of
one domain, and the trivial endpoint. ``--annotator N`` adds one client with N connections
posting 200 kB texts back to back, the load the annotation limit is for (web/limits.py).
"""

from __future__ import annotations

import http.client
import json
import random
import time
from dataclasses import dataclass, field

#: Request kind -> share of requests (per mille), and whether it is a search.
WEIGHTS: dict[str, int] = {
    "hanzi exact": 150, "hanzi prefix": 80, "pinyin toneless": 150, "pinyin tone numbers": 50,
    "English word": 120, "popular (cached)": 200,
    "term page": 100, "term JSON": 80,
    "annotate 1-20 kB": 50, "export (one domain)": 10, "trivial": 10,
}
SEARCHES = ("hanzi exact", "hanzi prefix", "pinyin toneless", "pinyin tone numbers", "English word", "popular (cached)")
ANNOTATOR = "annotate 200 kB (one client)"
#: Filler between terms in generated texts (the text is never committed).
FILLER = "的了在和是与对为将把被从向以及等中上下这那其各有我们他们双方国家发展进一步加强推动"
EXPORTS = ("csv", "tbx", "sheet-xlsx", "guide-html")
DOMAINS = ("diplomacy", "economy", "party", "security", "governance", "belt-and-road")


def chinese_text(words: list[str], size: int, pick: random.Random) -> str:
    """About ``size`` UTF-8 bytes of sentences made of ``words`` and filler."""
    parts: list[str] = []
    total = 0
    while total < size:
        sentence = "".join(pick.choice(words) + pick.choice(FILLER) for _ in range(pick.randint(3, 9))) + "。"
        parts.append(sentence)
        total += len(sentence.encode())
    return "".join(parts)[: size // 3]


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None


@dataclass
class Plan:
    """What one connection may send: paths per kind (dealt out so cold queries go once)."""

    paths: dict[str, list[str]]
    texts: list[str]  # annotation texts, 1-20 kB
    weights: dict[str, int] = field(default_factory=lambda: dict(WEIGHTS))

    def request(self, kind: str, index: int, pick: random.Random) -> Request:
        if kind == "annotate 1-20 kB" or kind == ANNOTATOR:
            body = json.dumps({"text": pick.choice(self.texts), "format": "html"}, ensure_ascii=False).encode()
            return Request("POST", "/api/v1/annotate", body)
        if kind == "export (one domain)":
            return Request("GET", f"/api/v1/export.{pick.choice(EXPORTS)}?domain={pick.choice(DOMAINS)}")
        if kind == "trivial":
            return Request("GET", "/api/v1/health")
        paths = self.paths[kind]
        return Request("GET", paths[index % len(paths)])


@dataclass
class Tally:
    """What one connection saw, per kind."""

    client: dict[str, list[float]] = field(default_factory=dict)  # ms
    server: dict[str, list[float]] = field(default_factory=dict)  # ms, from Server-Timing
    errors: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)  # 503 with Retry-After: the annotation limit
    first_error: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Tally) -> None:
        for mine, theirs in ((self.client, other.client), (self.server, other.server)):
            for kind, values in theirs.items():
                mine.setdefault(kind, []).extend(values)
        for counts, more in ((self.errors, other.errors), (self.refused, other.refused)):
            for kind, count in more.items():
                counts[kind] = counts.get(kind, 0) + count
        for kind, message in other.first_error.items():
            self.first_error.setdefault(kind, message)


def connection_loop(port: int, plan: Plan, deadline: float, seed: int, only: str | None, out: Tally) -> None:
    """Send requests until the deadline: kinds drawn with the plan's weights (or always ``only``)."""
    pick = random.Random(seed)
    kinds, weights = list(plan.weights), list(plan.weights.values())
    sent: dict[str, int] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < deadline:
        kind = only or pick.choices(kinds, weights)[0]
        index = sent[kind] = sent.get(kind, -1) + 1
        request = plan.request(kind, index, pick)
        started = time.monotonic()
        try:
            headers = {"Content-Type": "application/json"} if request.body is not None else {}
            connection.request(request.method, request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            out.errors[kind] = out.errors.get(kind, 0) + 1
            out.first_error.setdefault(kind, f"{error.__class__.__name__}: {error}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        elapsed = (time.monotonic() - started) * 1000
        if response.status == 503 and response.getheader("Retry-After"):
            out.refused[kind] = out.refused.get(kind, 0) + 1
            if only:  # the heavy client does what it is told: waits, then goes on
                time.sleep(min(float(response.getheader("Retry-After") or 1), max(0.0, deadline - time.monotonic())))
            continue
        if response.status != 200:
            out.errors[kind] = out.errors.get(kind, 0) + 1
            out.first_error.setdefault(kind, f"HTTP {response.status} for {request.method} {request.path[:80]}")
            continue
        out.client.setdefault(kind, []).append(elapsed)
        timing = response.getheader("Server-Timing", "")
        if "dur=" in timing:
            out.server.setdefault(kind, []).append(float(timing.split("dur=")[1].split(",")[0]))
    connection.close()
