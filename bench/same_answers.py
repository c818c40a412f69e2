"""Do two checkouts answer GET /api/v1/search the same? Status, headers and body, query by query.

Run it once with each checkout's own interpreter (each imports its own ``web``), writing what
its app answers, then compare the two files:

    /path/to/main/.venv/bin/python bench/same_answers.py --out /tmp/main.jsonl
    .venv/bin/python bench/same_answers.py --out /tmp/mine.jsonl
    .venv/bin/python bench/same_answers.py --compare /tmp/main.jsonl /tmp/mine.jsonl

The requests: up to ``--count`` cold queries of each of bench/load.py's kinds (from its query
file, ``--queries``, made by ``--make-queries``), each also with a domain and a small limit, and
the unusual ones (empty, prefixed c:/p:/e:, misspelt, bad arguments, bytes that are not UTF-8).
Server-Timing is left out (a duration). The app answers through its WSGI entry, as gunicorn
calls it, with the response cache off (each request searched).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import urllib.parse
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
STORE = BENCH / "results" / "cedict.sqlite3"
ODD = ["", " ", "c:中国", "p:zhongguo", "e:china", "zhongguo", "Zhōngguó", "zhong1guo2", "mingyun gongtongi",
       "commmunity", "一带一路", "「一帶一路」", "10+3", "G20", "the belt and road", "shared future",
       "xjp", "'", "%", "a" * 200, "a" * 201, "人" * 30, "qwertyuiop", "zzqx", "interests", "partnership"]
RAW = ["q=%FF%FE", "q=%E4%B8", "q=china&q=india", "q=china&limit=0", "q=china&limit=101", "q=china&limit=x",
       "q=china&limit=%EF%BC%91", "q=china&domain=nope", "q=china&domain=", "q=china&limit=", "limit=5",
       "q=china&limit=100", "q=%E4%B8%AD%E5%9B%BD&domain=economy", "q=+china+", "q=china&foo=bar", ""]


def requests(queries: dict[str, list[str]], count: int) -> list[str]:
    """Query strings to send (the part after "?")."""
    out: list[str] = []
    for kind, paths in queries.items():
        if not paths or not paths[0].startswith("/api/v1/search?"):
            continue
        for n, path in enumerate(paths[:count]):
            query = path.split("?", 1)[1]
            out.append(query)
            if n % 10 == 0:
                out += [query + "&domain=general", query.replace("limit=20", "limit=3")]
    out += [urllib.parse.urlencode({"q": q}) for q in ODD]
    out += [urllib.parse.urlencode({"q": q, "domain": "diplomacy"}) for q in ODD]
    return out + RAW


def answers(url: str, queries: list[str], out: Path) -> None:
    from web import create_app

    app = create_app({"DATABASE_URL": url, "SEARCH_CACHE_SIZE": 0})
    with out.open("w") as sink:
        for query in queries:
            for script in ("",) if query else ("", "/glossary"):
                environ = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": script, "PATH_INFO": "/api/v1/search",
                           "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:5141",
                           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "5141", "REMOTE_ADDR": "127.0.0.1",
                           "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
                           "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
                           "wsgi.run_once": False}
                said: list[Any] = []
                body = b"".join(app(environ, lambda status, headers, exc_info=None: said.extend([status, headers])))
                headers = [[name, value] for name, value in said[1] if name != "Server-Timing"]
                sink.write(json.dumps({"script": script, "query": query, "status": said[0], "headers": headers,
                                       "body": body.decode(), "timed": any(n == "Server-Timing" for n, _ in said[1])},
                                      ensure_ascii=False) + "\n")


def compare(first: Path, second: Path) -> int:
    one, two = first.read_text().splitlines(), second.read_text().splitlines()
    differ = [(a, b) for a, b in zip(one, two) if a != b]
    kinds: dict[str, int] = {}
    for line in one:
        kinds[json.loads(line)["status"]] = kinds.get(json.loads(line)["status"], 0) + 1
    print(f"{len(one):,} and {len(two):,} answers; statuses {kinds}; "
          f"{sum(len(json.loads(line)['body']) for line in one):,} characters of body; "
          f"sha256 {hashlib.sha256(first.read_bytes()).hexdigest()[:16]} / {hashlib.sha256(second.read_bytes()).hexdigest()[:16]}")
    for a, b in differ[:5]:
        print("differs:\n  ", a[:600], "\n  ", b[:600])
    print(f"{len(differ)} differ" if differ or len(one) != len(two) else "identical")
    return 1 if differ or len(one) != len(two) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    parser.add_argument("--queries", type=Path, default=BENCH / "results" / "load-queries.json")
    parser.add_argument("--make-queries", action="store_true", help="write --queries from the store (bench/load.py's)")
    parser.add_argument("--count", type=int, default=3000, help="queries of each kind")
    parser.add_argument("--store", type=Path, default=STORE)
    options = parser.parse_args()
    if options.compare:
        raise SystemExit(compare(*options.compare))
    if options.make_queries:
        sys.path.insert(0, str(BENCH))
        from load import queries

        made = queries(f"sqlite:///{options.store}", 20_000)
        options.queries.write_text(json.dumps({k: v for k, v in made.items() if k != "words"}, ensure_ascii=False))
    if options.out:
        answers(f"sqlite:///{options.store}", requests(json.loads(options.queries.read_text()), options.count),
                options.out)


if __name__ == "__main__":
    main()
