"""The JSON API under /api/v1 (described by /api/v1/openapi.json)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" error handler that parse_qsl uses below

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from glossary import Domain, Glossary, Status
from glossary.formats import EXPORTS

from . import annotation, openapi
from .limits import costly
from .store import store
from .views import term_page_prefix, dictionary_results, search_json

bp = Blueprint("api", __name__)


def enum_arg(enum_type: type[Domain] | type[Status], name: str, args: Mapping[str, str] | None = None) -> Any:
    """An optional query argument from a closed list; 400 listing the choices otherwise
    (``args``: the query's arguments, by default the current request's)."""
    value = (request.args if args is None else args).get(name) or None
    if value is None:
        return None
    try:
        return enum_type(value)
    except ValueError:
        raise BadRequest(f"{name} must be one of {', '.join(m.value for m in enum_type)}, not {value!r}") from None


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object with Content-Type: application/json, e.g. {"text": "一带一路"}')
    return body


def text_field(body: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise BadRequest(f'"{name}" must be a string' + (" and is required" if required else ""))
    return value


@bp.get("/health")
def health() -> Response:
    """Trivial endpoint: the framework's ceiling in the load benchmark."""
    return jsonify(status="ok")


@bp.get("/search")
def search() -> Response:
    failed = request.environ.pop(SEARCH_FAILED, None)
    if failed is not None:  # the fast path's search failed: answered here, by the app's error handler
        raise failed
    return Response(search_body(current_app, request.args, term_page_prefix()), mimetype="application/json")


def search_body(app: Flask, args: Mapping[str, str], pages: str) -> bytes:
    """The search response's JSON for the query's arguments (``args``: the first value of each),
    from the app's response cache or searched; BadRequest for a bad argument, before any search.
    ``pages``: term pages' URL up to the id."""
    config = app.config
    query = args.get("q", "")
    if len(query) > config["MAX_QUERY_LENGTH"]:
        raise BadRequest(f"q is {len(query)} characters long; the limit is {config['MAX_QUERY_LENGTH']}")
    most = config["SEARCH_LIMIT_MAX"]
    raw_limit = args.get("limit") or str(config["SEARCH_LIMIT"])
    if not raw_limit.isascii() or not raw_limit.isdigit() or not 1 <= int(raw_limit) <= most:
        raise BadRequest(f"limit must be a whole number from 1 to {most}, not {raw_limit!r}")
    domain = enum_arg(Domain, "domain", args)
    glossary: Glossary = app.extensions["glossary"]
    cache: _ResponseCache = app.extensions.setdefault("search_cache", _ResponseCache())
    key = (cache.revision(glossary, config["SEARCH_CACHE_SECONDS"]), query, domain, int(raw_limit), pages)
    body = cache.get(key)
    if body is None:
        found = glossary.search(query, limit=int(raw_limit), domain=domain) if query.strip() else []
        dictionary = dictionary_results(glossary, query, domain, found, config["DICTIONARY_LIMIT"])
        nearest = glossary.did_you_mean(query) if query.strip() and not found and not dictionary else []
        body = search_json(query, domain, found, nearest, dictionary, pages).encode()
        cache.put(key, body, config["SEARCH_CACHE_SIZE"])
    return body


#: Where the fast path leaves an exception its search raised, for the view to raise again.
SEARCH_FAILED = "glossary.search_failed"
SEARCH_PATH = "/api/v1/search"


class FastSearch:
    """WSGI middleware answering ``GET /api/v1/search`` without Flask's request handling.

    A cold search at 32 connections on two cores waits behind the others' CPU, so its p99
    follows CPU per request; Flask's part of a search (a request context, routing, the
    arguments' MultiDict, the response object, its headers and the after-request hook) cost
    about as much as the hanzi search itself (README, *Where the latency tail came from*). This
    answers the same bytes and headers as the view (``search_body``, shared) and hands to Flask
    every request it does not answer: other paths and methods, a bad argument (Flask answers it
    again with the one error shape), a query string that is not UTF-8, and a search that raised
    (its exception goes to the view, which raises it for the app's error handler: the search is
    not run twice)."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Any], headers: Sequence[tuple[str, str]]) -> None:
        self.app = app
        #: the app's own handling, for everything else
        self.flask = wsgi_app
        #: sent with every search response after Content-Type and Content-Length (as the
        #: after-request hook adds them), then Server-Timing
        self.headers = list(headers)
        #: the term pages' URL up to the id, by SCRIPT_NAME (url_for once each, in a request context)
        self._pages: dict[str, str] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SEARCH_PATH or environ.get("REQUEST_METHOD") != "GET":
            return self.flask(environ, start_response)  # type: ignore[no-any-return]
        started = time.perf_counter()
        try:
            # as werkzeug reads request.args (invalid bytes stay percent-encoded), first values
            args: dict[str, str] = {}
            for name, value in parse_qsl(environ.get("QUERY_STRING", "").encode("latin1").decode(),
                                         keep_blank_values=True, errors="werkzeug.url_quote"):
                args.setdefault(name, value)
            pages = self._pages.get(environ.get("SCRIPT_NAME", ""))
            if pages is None:
                pages = self._page_prefix(environ)
        except (UnicodeError, HTTPException):
            return self.flask(environ, start_response)  # type: ignore[no-any-return]
        try:
            body = search_body(self.app, args, pages)
        except HTTPException:
            return self.flask(environ, start_response)  # type: ignore[no-any-return]
        except Exception as error:  # noqa: BLE001 - answered by the app's error handler, in the view
            environ[SEARCH_FAILED] = error
            return self.flask(environ, start_response)  # type: ignore[no-any-return]
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                  *self.headers,
                                  ("Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.2f}")])
        return [body]

    def _page_prefix(self, environ: dict[str, Any]) -> str:
        with self.app.request_context(dict(environ)):
            pages = self._pages[environ.get("SCRIPT_NAME", "")] = term_page_prefix()
        return pages


class _ResponseCache:
    """Recent search responses of one app, keyed on the store revision: a write to the store is
    seen within SEARCH_CACHE_SECONDS (reading the revision costs about as much as a trivial request)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._revision = (0.0, -1)  # (checked at, revision)

    def revision(self, glossary: Glossary, fresh_for: float) -> int:
        """The store revision, read again when the last reading is older than ``fresh_for`` s."""
        checked, revision = self._revision
        now = time.monotonic()
        if now - checked >= fresh_for or revision < 0:
            revision = glossary.revision
            self._revision = (now, revision)
        return revision

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple[Any, ...], body: bytes, size: int) -> None:
        if size <= 0:
            return
        with self._lock:
            self._items[key] = body
            while len(self._items) > size:
                self._items.popitem(last=False)



@bp.get("/terms/<term_id>")
def term(term_id: str) -> Response:
    return jsonify(store().get(term_id).to_dict())


@bp.get("/export.<fmt>")
def export(fmt: str) -> Response:
    if fmt not in EXPORTS:
        raise NotFound(f"no export format {fmt!r}; choose one of {', '.join(EXPORTS)}")
    chosen = EXPORTS[fmt]
    domain, status = enum_arg(Domain, "domain"), enum_arg(Status, "status")
    body = store().export(fmt, domain=domain, status=status)
    name = "-".join(["glossary"] + [v.value for v in (domain, status) if v]) + f".{chosen.extension}"
    return Response(body, mimetype=chosen.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _is_upload() -> bool:
    return request.mimetype == "multipart/form-data"


def _file_field() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest('send the document as the multipart field "file" (with its file name), '
                         'or JSON {"text": …} for a text')
    return upload


@bp.post("/annotate")
@costly
def annotate() -> Response:
    if _is_upload():  # a document: the annotated document comes back
        upload = _file_field()
        options, notes = annotation.file_options(request.form)
        link = url_for("pages.term", term_id="-", _external=True)[:-1] + "{id}"
        done = annotation.annotate_file(store(), annotation.upload_bytes(upload), upload.filename, options,
                                        current_app.config["MAX_TEXT_BYTES"], link, notes)
        return annotation.attachment(done.data, done.media_type, done.filename)
    body = json_body()
    text = text_field(body, "text") or ""
    options = annotation.read_options(body)
    result = annotation.annotate(store(), text, options, current_app.config["MAX_TEXT_BYTES"])
    del result["findings_raw"]
    return jsonify(result)


@bp.post("/check")
@costly
def check() -> Response:
    if _is_upload():
        upload = _file_field()
        if upload.filename.lower().endswith((".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".mxliff")):
            from glossary.documents import xliff

            report = xliff.check(store(), annotation.upload_bytes(upload), upload.filename,
                                 text_limit=current_app.config["MAX_TEXT_BYTES"])
            kind = request.form.get("report") or "json"
            if kind == "html":
                return Response(xliff.report_html(report, upload.filename), mimetype="text/html")
            if kind == "xliff":
                return annotation.attachment(
                    xliff.write_notes(report.document, report.findings), "application/xliff+xml", upload.filename)
            if kind != "json":
                raise BadRequest(f"report must be json, html or xliff, not {kind!r}")
            return jsonify(count=len(report.findings), segments=report.checked,
                           findings=[item.to_dict() for item in report.findings])
        return jsonify(annotation.check_files(store(), request.files, current_app.config["MAX_TEXT_BYTES"]))
    body = json_body()
    text = text_field(body, "text") or ""
    source = text_field(body, "source", required=False)
    findings = annotation.check(store(), text, source, current_app.config["MAX_TEXT_BYTES"])
    return jsonify(count=len(findings), findings=findings)


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.document())
