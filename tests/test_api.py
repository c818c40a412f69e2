"""The JSON API under /api/v1: search, terms, export, annotate, check, errors, CORS, limits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

import glossary
from glossary.csvio import read_terms
from glossary.formats import EXPORTS

from conftest import WEB_TERMS
from web import create_app
from web.errors import error_body



# --- the error shape ------------------------------------------------------------------------

ERROR_CASES = [
    ("get", "/api/v1/terms/no-such-term", None, 404, "no-such-term"),
    ("get", "/api/v1/search?q=x&limit=0", None, 400, "limit"),
    ("get", "/api/v1/search?q=x&limit=abc", None, 400, "limit"),
    ("get", "/api/v1/search?q=x&domain=cooking", None, 400, "domain"),
    ("get", "/api/v1/export.docx", None, 404, "csv"),
    ("get", "/api/v1/export.csv?status=official", None, 400, "status"),
    ("get", "/api/v1/nothing-here", None, 404, "not found"),
    ("post", "/api/v1/search", None, 405, "method"),
    ("post", "/api/v1/annotate", {"text": 5}, 400, "text"),
    ("post", "/api/v1/annotate", {"text": "一带一路", "format": "pdf"}, 400, "format"),
    ("post", "/api/v1/annotate", {"text": "x" * 3000}, 413, "over the limit"),
    ("post", "/api/v1/check", {"text": "x" * 3000}, 413, "split it"),
    ("post", "/api/v1/check", ["not", "an", "object"], 400, "JSON object"),
]


@pytest.mark.parametrize(("method", "url", "body", "status", "says"), ERROR_CASES)
def test_every_api_error_has_the_one_error_shape(client: FlaskClient, method: str, url: str, body: object,
                                                 status: int, says: str) -> None:
    response = getattr(client, method)(url, json=body) if body is not None else getattr(client, method)(url)
    assert response.status_code == status
    assert response.is_json
    data = response.get_json()
    assert set(data) == {"error"}
    assert set(data["error"]) == {"status", "type", "message"}
    assert data["error"]["status"] == status
    assert says.lower() in data["error"]["message"].lower()
    assert data == error_body(status, data["error"]["message"])


def test_error_body_names_the_status() -> None:
    assert error_body(413, "too big") == {"error": {"status": 413, "type": "request_entity_too_large",
                                                    "message": "too big"}}


def test_body_over_the_request_limit_is_refused_with_413_json(web_store: glossary.Glossary) -> None:
    client = create_app({"GLOSSARY": web_store, "MAX_CONTENT_LENGTH": 1000}).test_client()
    response = client.post("/api/v1/annotate", json={"text": "一" * 2000})
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413


# --- search ---------------------------------------------------------------------------------

def test_search_finds_by_toneless_pinyin_with_page_url(client: FlaskClient) -> None:
    data = client.get("/api/v1/search", query_string={"q": "mingyun"}).get_json()
    assert data["query"] == "mingyun"
    first = data["results"][0]
    assert first["simplified"] == "命运共同体"
    assert first["pinyin"]["marks"] == "mìngyùn gòngtóngtǐ"
    assert first["url"] == "/terms/community-with-a-shared-future"
    assert first["notice"] is None
    assert data["count"] == len(data["results"])


def test_search_results_are_summaries_with_the_full_record_one_request_away(client: FlaskClient) -> None:
    first = client.get("/api/v1/search", query_string={"q": "core interests"}).get_json()["results"][0]
    assert list(first) == ["id", "simplified", "traditional", "pinyin", "english", "domain", "match", "url", "notice"]
    assert first["english"] == {"preferred": "core interests"}
    record = client.get(f"/api/v1/terms/{first['id']}").get_json()
    assert {key: record[key] for key in ("id", "simplified", "traditional", "pinyin", "domain")} == {
        key: first[key] for key in ("id", "simplified", "traditional", "pinyin", "domain")}
    assert record["renderings"] and "renderings" not in first


def test_search_responses_are_compact_json_like_the_others(client: FlaskClient) -> None:
    body = client.get("/api/v1/search", query_string={"q": "hexin"}).data
    assert body.startswith(b'{"query":"hexin","domain":null,"count":1,"results":[{"id":"core-interests",')


@pytest.mark.parametrize("params", [
    {"q": "mingyun"}, {"q": "community of common destiny"}, {"q": "e:partnership", "domain": "diplomacy"},
    {"q": '核心 "\\ </script>'}, {"q": "zzzz"},
])
def test_search_responses_are_the_json_of_their_documented_object(client: FlaskClient, params: dict[str, str]) -> None:
    # written directly rather than through json.dumps: check it is exactly what an encoder writes
    body = client.get("/api/v1/search", query_string=params).get_data(as_text=True)
    assert body == json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))
    assert json.loads(body)["query"] == params["q"]


def test_search_on_a_superseded_rendering_carries_the_notice(client: FlaskClient) -> None:
    data = client.get("/api/v1/search", query_string={"q": "community of common destiny"}).get_json()
    first = data["results"][0]
    assert first["match"]["status"] == "superseded"
    assert first["notice"] == "‘community of common destiny’ is superseded — now ‘community with a shared future’"


@pytest.mark.parametrize(("query", "expected"), [
    ("命運共同體", "community-with-a-shared-future"),
    ("c:上合", "shanghai-cooperation-organisation"),
    ("p:mygtt", "community-with-a-shared-future"),
    ("e:partnership", "comprehensive-strategic-partnership"),
    ("One Belt, One Road", "belt-and-road-initiative"),
])
def test_search_accepts_every_kind_of_query(client: FlaskClient, query: str, expected: str) -> None:
    ids = [r["id"] for r in client.get("/api/v1/search", query_string={"q": query}).get_json()["results"]]
    assert expected in ids


def test_search_domain_and_limit_narrow_the_results(client: FlaskClient) -> None:
    everything = client.get("/api/v1/search?q=e:partnership").get_json()["results"]
    assert len(everything) == 2
    assert len(client.get("/api/v1/search?q=e:partnership&limit=1").get_json()["results"]) == 1
    none = client.get("/api/v1/search?q=e:partnership&domain=security").get_json()
    assert none["results"] == [] and none["domain"] == "security"


def test_empty_query_returns_no_results(client: FlaskClient) -> None:
    assert client.get("/api/v1/search?q=%20").get_json()["results"] == []


def test_term_is_the_library_record(client: FlaskClient, web_store: glossary.Glossary) -> None:
    response = client.get("/api/v1/terms/permanent-comprehensive-strategic-partnership")
    assert response.get_json() == web_store.get("permanent-comprehensive-strategic-partnership").to_dict()
    assert "永久全面战略伙伴关系".encode() in response.data  # hanzi are not \u-escaped


# --- export ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_registered_export_format_has_a_route(client: FlaskClient, web_store: glossary.Glossary,
                                                    name: str) -> None:
    before = web_store.export(name)
    response = client.get(f"/api/v1/export.{name}")
    after = web_store.export(name)  # some formats (xlsx) stamp the time: one of the two matches
    assert response.status_code == 200
    assert response.data in (before, after)
    assert response.mimetype == EXPORTS[name].media_type.split(";")[0]
    assert f'filename="glossary.{EXPORTS[name].extension}"' in response.headers["Content-Disposition"]


def test_export_filters_by_domain_and_status(client: FlaskClient, web_store: glossary.Glossary) -> None:
    response = client.get("/api/v1/export.csv?domain=diplomacy&status=superseded")
    assert response.data == web_store.export("csv", domain="diplomacy", status="superseded")
    lines = response.data.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("community-with-a-shared-future,")
    assert 'filename="glossary-diplomacy-superseded.csv"' in response.headers["Content-Disposition"]


def test_excel_export_starts_with_a_bom(client: FlaskClient) -> None:
    assert client.get("/api/v1/export.csv-excel").data.startswith(b"\xef\xbb\xbf")


# --- headers --------------------------------------------------------------------------------

def test_get_endpoints_allow_cross_origin_reads(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?q=mingyun", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/terms/core-interests")
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]


def test_posts_are_not_opened_to_other_origins(client: FlaskClient) -> None:
    response = client.post("/api/v1/check", json={"text": "x" * 3000})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_responses_carry_server_timing_and_security_headers(client: FlaskClient) -> None:
    response = client.get("/api/v1/health")
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Server-Timing"].startswith("app;dur=")
    assert float(response.headers["Server-Timing"].split("=")[1]) >= 0
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_openapi_document_lists_every_route_and_format(client: FlaskClient, app: Flask) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {"/search", "/terms/{term_id}", "/annotate", "/check", "/openapi.json", "/health"} <= paths
    assert {f"/export.{name}" for name in EXPORTS} <= paths
    served = {rule.rule.removeprefix("/api/v1").replace("<term_id>", "{term_id}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")}
    served.discard("/export.<fmt>")
    assert served <= paths


# --- annotate and check ---------------------------------------------------------------------

def test_annotate_detects_chinese_and_returns_the_library_output(client: FlaskClient,
                                                                 web_store: glossary.Glossary) -> None:
    text = "构建命運共同體"
    data = client.post("/api/v1/annotate", json={"text": text, "format": "brackets", "pinyin": "plain"}).get_json()
    assert data == {"language": "zh", "format": "brackets", "pinyin": "plain", "findings": [],
                    "result": web_store.annotate(text, format="brackets", pinyin="plain")}


def test_annotate_english_inserts_chinese_and_runs_the_check(client: FlaskClient) -> None:
    data = client.post("/api/v1/annotate", json={"text": "a community of common destiny and core interests",
                                                  "format": "brackets"}).get_json()
    assert data["language"] == "en" and data["format"] == "text"
    # outdated wording gets its replacement, not a gloss; current wording gets the Chinese
    assert data["result"] == ("a community of common destiny [→ community with a shared future] and "
                              "core interests (核心利益, hexin liyi)")
    assert [f["replacement"] for f in data["findings"]] == ["community with a shared future"]


def test_annotate_english_as_html_marks_findings_in_the_text(client: FlaskClient) -> None:
    data = client.post("/api/v1/annotate", json={"text": "a <b>community of common destiny</b>"}).get_json()
    assert data["format"] == "html"
    assert data["result"] == (
        'a &lt;b&gt;<mark class="finding finding-outdated" title="“community of common destiny” is superseded '
        '(2011-2013) for 命运共同体: write “community with a shared future”">community of common destiny</mark>'
        '<ins class="replacement"> → community with a shared future</ins>&lt;/b&gt;')


def test_annotate_english_checks_against_the_chinese_source(client: FlaskClient) -> None:
    data = client.post("/api/v1/annotate", json={"text": "core interests", "source": "核心利益与命运共同体",
                                                  "format": "brackets"}).get_json()
    assert [(f["kind"], f["term"]) for f in data["findings"]] == [("missing", "community-with-a-shared-future")]


def test_annotate_language_can_be_forced(client: FlaskClient) -> None:
    data = client.post("/api/v1/annotate", json={"text": "core interests", "language": "zh"}).get_json()
    assert data["language"] == "zh" and data["result"] == "core interests"


def test_check_reports_ruled_out_wording(client: FlaskClient) -> None:
    data = client.post("/api/v1/check", json={"text": "the Belt and Road strategy"}).get_json()
    assert data["count"] == 1
    assert data["findings"][0]["kind"] == "ruled-out"
    assert data["findings"][0]["term"] == "belt-and-road-initiative"


def test_annotate_size_limit_counts_utf8_bytes(client: FlaskClient) -> None:
    assert client.post("/api/v1/annotate", json={"text": "命" * 666}).status_code == 200  # 1998 bytes
    refused = client.post("/api/v1/annotate", json={"text": "命" * 667})
    assert refused.status_code == 413
    assert "2,001 bytes, over the limit of 2,000 bytes" in refused.get_json()["error"]["message"]


def test_search_responses_follow_writes_to_the_store(tmp_path: Path) -> None:
    store = glossary.open(f"sqlite:///{tmp_path / 'g.sqlite3'}", seed=False)
    terms = read_terms(WEB_TERMS)
    store.import_terms([t for t in terms if t.id != "core-interests"])
    client = create_app({"GLOSSARY": store, "SEARCH_CACHE_SECONDS": 0}).test_client()
    assert client.get("/api/v1/search?q=hexin").get_json()["results"] == []
    assert client.get("/api/v1/search?q=hexin").get_json()["results"] == []  # now from the cache
    store.import_terms([t for t in terms if t.id == "core-interests"])
    assert [r["id"] for r in client.get("/api/v1/search?q=hexin").get_json()["results"]] == ["core-interests"]
    store.engine.dispose()


def _golden_cases() -> list[dict[str, str]]:
    import csv

    from conftest import DATA

    with open(DATA / "lookup_cases.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def curated_client(curated: glossary.Glossary) -> FlaskClient:
    return create_app({"GLOSSARY": curated, "TESTING": True}).test_client()


@pytest.mark.parametrize("case", _golden_cases(), ids=lambda c: c["query"])
def test_api_search_answers_the_golden_queries_like_the_library(curated_client: FlaskClient,
                                                                case: dict[str, str]) -> None:
    body = curated_client.get("/api/v1/search", query_string={"q": case["query"]}).get_json()
    first = body["results"][0]
    assert first["id"] == case["expected_id"]
    assert first["match"]["field"] == case["hit_field"]
    if case["hit_status"]:
        assert first["match"]["status"] == case["hit_status"]


# --- searches answered before Flask's request handling (api.FastSearch) ------------------------

FAST_QUERIES = ["q=hexin", "q=%E6%A0%B8%E5%BF%83%E5%88%A9%E7%9B%8A", "q=core+interests", "q=interests&limit=1",
                "q=hexin&domain=sovereignty", "q=hexin&domain=economy", "q=hexin&domain=", "q=hexinliyi&limit=",
                "q=hexni+liyi", "q=", "limit=3", "q=%FF%FEhexin", "q=hexin&q=china", "q=+e%3Ainterests+",
                "q=zzzzqqqq", "q=c%3A%E6%A0%B8%E5%BF%83", "q=hexin&other=1"]


def _wsgi(handler: object, query: str, method: str = "GET", script: str = "") -> tuple[str, list[tuple[str, str]], bytes]:
    import io
    import sys

    environ = {"REQUEST_METHOD": method, "SCRIPT_NAME": script, "PATH_INFO": "/api/v1/search",
               "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
               "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False}
    said: list[object] = []
    body = b"".join(handler(environ, lambda status, headers, exc_info=None: said.extend([status, headers])))  # type: ignore[operator]
    return str(said[0]), list(said[1]), body  # type: ignore[call-overload]


@pytest.mark.parametrize("script", ["", "/glossary"])
def test_fast_search_answers_the_same_bytes_and_headers_as_the_app(web_store: glossary.Glossary, script: str) -> None:
    app = create_app({"GLOSSARY": web_store, "SEARCH_CACHE_SIZE": 0})
    fast = app.wsgi_app
    flask_answers = []
    fast.flask = lambda *args: flask_answers.append(1) or app.__class__.wsgi_app(app, *args)  # type: ignore[attr-defined]
    for query in FAST_QUERIES:
        status, headers, body = _wsgi(fast, query, script=script)
        flask_status, flask_headers, flask_body = _wsgi(lambda *args: app.__class__.wsgi_app(app, *args), query,
                                                        script=script)
        assert (status, body) == (flask_status, flask_body), query
        assert [h for h in headers if h[0] != "Server-Timing"] == [h for h in flask_headers if h[0] != "Server-Timing"]
        assert [h[0] for h in headers].count("Server-Timing") == 1
    assert flask_answers == []  # every one answered by the fast path
    assert json.loads(_wsgi(fast, "q=hexin", script=script)[2])["results"][0]["url"] == f"{script}/terms/core-interests"


def test_fast_search_leaves_bad_arguments_and_other_methods_to_the_app(web_store: glossary.Glossary) -> None:
    app = create_app({"GLOSSARY": web_store})
    fast = app.wsgi_app
    flask_answers = []
    fast.flask = lambda *args: flask_answers.append(1) or app.__class__.wsgi_app(app, *args)  # type: ignore[attr-defined]
    status, _headers, body = _wsgi(fast, "q=hexin&limit=0")
    assert status.startswith("400") and "limit" in json.loads(body)["error"]["message"]
    assert _wsgi(fast, "q=hexin&domain=cooking")[0].startswith("400")
    assert _wsgi(fast, "q=" + "x" * 201)[0].startswith("400")
    head = _wsgi(fast, "q=hexin", method="HEAD")
    assert head[0].startswith("200") and head[2] == b""
    assert _wsgi(fast, "q=hexin", method="POST")[0].startswith("405")
    assert len(flask_answers) == 5


def test_a_failed_fast_search_is_answered_by_the_error_handler_without_searching_again(
        web_store: glossary.Glossary, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app({"GLOSSARY": web_store, "SEARCH_CACHE_SIZE": 0})
    calls = []

    def away(*_args: object, **_kwargs: object) -> list[object]:
        calls.append(1)
        raise glossary.StoreError("the database is away")

    monkeypatch.setattr(web_store, "search", away)
    status, headers, body = _wsgi(app.wsgi_app, "q=hexin")
    assert status.startswith("503")
    assert json.loads(body) == error_body(503, "the database is away", retry_after=5)
    assert ("Retry-After", "5") in headers
    assert calls == [1]


def test_search_result_json_is_the_summary_json_with_its_page_and_notice(curated: glossary.Glossary) -> None:
    from urllib.parse import quote

    from glossary import Domain, Hit, Rendering, Status, TermSummary
    from web.views import _result_json, outdated_notice

    summaries = [s for term in curated.terms() for query in (term.simplified, term.pinyin_as("plain"),
                                                              *(r.text for r in term.renderings))
                 for s in curated.search(query, limit=5)]
    odd = TermSummary("a b/ç?%", "一", "壹", "yī", Domain.GENERAL, Rendering("one \"1\"", Status.PREFERRED))
    summaries += [odd, replace(odd, hit=Hit("english", "exact", "an ‘old’ one", Status.DEPRECATED)),
                  replace(odd, id="x~y_z.1-2", hit=Hit("pinyin", "prefix", "yī")), replace(odd, id="a b"),
                  *curated.did_you_mean("hexni liyi")]
    assert any(outdated_notice(s) for s in summaries) and any(s.pinyin_styles is None for s in summaries)
    for summary in summaries:
        notice = outdated_notice(summary)
        expected = (f'{summary.to_json()[:-1]},"url":{json.dumps("/p/" + quote(summary.id, safe=""), ensure_ascii=False)},'
                    f'"notice":{json.dumps(notice, ensure_ascii=False) if notice else "null"}}}')
        assert _result_json(summary, "/p/") == expected


def test_the_search_fast_path_stands_in_for_every_request_hook_the_app_has(app: Flask) -> None:
    """api.FastSearch answers searches without Flask's request handling: it sends the headers the
    after-request hook adds and times the request as the before-request hook does, and knows of
    no other hook. A hook added later (authentication, a rate limit) would be skipped for
    searches: this fails until FastSearch does what the new hook does, or hands searches to it."""
    hooks = {name: {blueprint: [f.__name__ for f in funcs] for blueprint, funcs in getattr(app, name).items() if funcs}
             for name in ("before_request_funcs", "after_request_funcs", "teardown_request_funcs",
                          "teardown_appcontext_funcs", "url_value_preprocessors", "url_default_functions")
             if isinstance(getattr(app, name), dict)}
    assert hooks == {"before_request_funcs": {None: ["_start_clock"]}, "after_request_funcs": {None: ["_headers"]},
                     "teardown_request_funcs": {}, "url_value_preprocessors": {}, "url_default_functions": {}}
    assert app.teardown_appcontext_funcs == []
