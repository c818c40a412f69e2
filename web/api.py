"""The JSON API under /api/v1 (described by /api/v1/openapi.json)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import BadRequest, NotFound

from glossary import Domain, Glossary, Status
from glossary.formats import EXPORTS

from . import annotation, openapi
from .limits import costly
from .store import store
from .views import dictionary_results, search_json

bp = Blueprint("api", __name__)


def enum_arg(enum_type: type[Domain] | type[Status], name: str) -> Any:
    """An optional query argument from a closed list; 400 listing the choices otherwise."""
    value = request.args.get(name) or None
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
    query = request.args.get("q", "")
    if len(query) > current_app.config["MAX_QUERY_LENGTH"]:
        raise BadRequest(f"q is {len(query)} characters long; the limit is {current_app.config['MAX_QUERY_LENGTH']}")
    most = current_app.config["SEARCH_LIMIT_MAX"]
    raw_limit = request.args.get("limit") or str(current_app.config["SEARCH_LIMIT"])
    if not raw_limit.isascii() or not raw_limit.isdigit() or not 1 <= int(raw_limit) <= most:
        raise BadRequest(f"limit must be a whole number from 1 to {most}, not {raw_limit!r}")
    domain = enum_arg(Domain, "domain")
    glossary = store()
    cache: _ResponseCache = current_app.extensions.setdefault("search_cache", _ResponseCache())
    key = (cache.revision(glossary, current_app.config["SEARCH_CACHE_SECONDS"]), query, domain, int(raw_limit))
    body = cache.get(key)
    if body is None:
        found = glossary.search(query, limit=int(raw_limit), domain=domain) if query.strip() else []
        dictionary = dictionary_results(glossary, query, domain, found)
        nearest = glossary.did_you_mean(query) if query.strip() and not found and not dictionary else []
        body = search_json(query, domain, found, nearest, dictionary).encode()
        cache.put(key, body, current_app.config["SEARCH_CACHE_SIZE"])
    return Response(body, mimetype="application/json")


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
