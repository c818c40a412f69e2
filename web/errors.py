"""Errors, translated once at the edge: one handler, one JSON error shape.

Every API error looks like::

    {"error": {"status": 404, "type": "not_found", "message": "no term with id 'x'; ..."}}

(``tests/test_api.py`` pins this shape.) Pages show the same message in an HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from glossary.engine import is_database_error, store_error
from glossary.errors import GlossaryError, InputTooLarge, NothingToExport, StoreError, TermNotFound

log = logging.getLogger(__name__)

#: Library errors and the HTTP status they become; any other GlossaryError is a 400.
STATUS_OF: dict[type[GlossaryError], int] = {TermNotFound: 404, InputTooLarge: 413, NothingToExport: 404,
                                             StoreError: 503}
#: How long a client should wait before trying again after a 503 (the database away).
RETRY_AFTER_SECONDS = 5


def error_body(status: int, message: str, **extra: Any) -> dict[str, Any]:
    """The one JSON error shape.

    >>> error_body(404, "no such page")
    {'error': {'status': 404, 'type': 'not_found', 'message': 'no such page'}}
    """
    kind = HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("-", "_")
    return {"error": {"status": status, "type": kind, "message": message, **extra}}


def _status_and_message(error: Exception) -> tuple[int, str]:
    if isinstance(error, HTTPException):
        status = error.code or 500
        if status == 413:
            return status, "the request is larger than this server accepts; send a smaller text or file"
        return status, error.description or HTTP_STATUS_CODES.get(status, "error")
    if isinstance(error, StoreError):  # the database is away or refused: the service, not the request
        log.warning("%s %s: %s", request.method, request.path, error)
        return 503, str(error)
    if isinstance(error, TermNotFound):  # the library's message points to the CLI
        return 404, f"no term with id {error.term_id!r}; search for the term to find its page"
    if isinstance(error, GlossaryError):
        return STATUS_OF.get(type(error), 400), str(error)
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return 500, InternalServerError.description


def handle_error(error: Exception) -> tuple[Response | str, int] | Response:
    """The app's only error handler: JSON under /api/, an HTML page elsewhere. A database error
    (server away, connection dropped, disk full) becomes the library's StoreError, a 503."""
    if is_database_error(error):
        from .store import store

        error = store_error(error, store().url)
    status, message = _status_and_message(error)
    sent = error.get_response().headers if isinstance(error, HTTPException) else None
    # 405 says which methods work; 503 (the database away, every annotation slot taken) when to try again
    allow = {name: str(sent[name]) for name in ("Allow", "Retry-After") if sent is not None and sent.get(name)}
    if status == 503 and "Retry-After" not in allow:
        allow["Retry-After"] = str(RETRY_AFTER_SECONDS)
    extra = {"retry_after": int(allow["Retry-After"])} if "Retry-After" in allow else {}
    if request.path.startswith("/api/"):
        response = jsonify(error_body(status, message, **extra))
        response.status_code = status
        response.headers.update(allow)
        return response
    page = render_template("error.html", status=status, title=HTTP_STATUS_CODES.get(status, "Error"),
                           message=message)
    return Response(page, status=status, headers=allow, mimetype="text/html")
