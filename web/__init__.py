"""The lookup site and JSON API: a thin Flask shell over the glossary library.

Run it with ``glossary serve`` (gunicorn, see server.py) or ``make run``; configure it with ``GLOSSARY_*``
environment variables (``GLOSSARY_DATABASE_URL`` picks the store, ``GLOSSARY_MAX_TEXT_BYTES``
the annotation limit, and so on: every key of ``DEFAULTS``).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, g, request

import glossary

#: Settings and their defaults; each can be set as ``GLOSSARY_<NAME>`` in the environment.
DEFAULTS: dict[str, Any] = {
    # SQLAlchemy URL of the store; None means GLOSSARY_DATABASE_URL or the default SQLite file.
    "DATABASE_URL": None,
    # Hard cap on any request body (form posts, uploads, JSON); larger bodies get HTTP 413.
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    # Largest uploaded document (.docx, .html, .xlf: a .docx with pictures runs to megabytes);
    # its text must also be within MAX_TEXT_BYTES.
    "MAX_FILE_BYTES": 10 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
    # Largest text the annotate and check endpoints accept, in UTF-8 bytes (HTTP 413 above).
    "MAX_TEXT_BYTES": 200_000,
    # Longest search query, in characters (HTTP 400 above).
    "MAX_QUERY_LENGTH": 200,
    # Results per search: the default and the most a client may ask for.
    "SEARCH_LIMIT": 20,
    "SEARCH_LIMIT_MAX": 100,
    # CC-CEDICT entries shown after the glossary's results (not reviewed); 0 turns the fallback off.
    "DICTIONARY_LIMIT": 10,
    # Search responses kept in memory per process (keyed on the store revision); 0 turns it off.
    "SEARCH_CACHE_SIZE": 4096,
    # How long the store revision read for that cache stays fresh, in seconds (0: every request).
    "SEARCH_CACHE_SECONDS": 0.5,
    # Annotations and checks running at once across all of a server's workers (web/limits.py);
    # one more is refused with HTTP 503 and Retry-After. None: one per two cores; 0: no limit.
    "ANNOTATE_CONCURRENCY": None,
    # Request bodies up to this many bytes annotate without a slot (20 kB: under 0.1 s of work).
    "ANNOTATE_SLOT_ABOVE_BYTES": 20_000,
    # Seconds a refused annotation is told to wait (the Retry-After header and "retry_after").
    "ANNOTATE_RETRY_AFTER": 1,
    # Directory of the slot files shared by the workers; glossary serve makes one per server.
    "ANNOTATE_LOCK_DIR": None,
    # Entries per page when browsing.
    "BROWSE_PAGE_SIZE": 200,
    # Where readers report errors: an e-mail address or a URL (the About and term pages link to it).
    "REPORT_ADDRESS": None,
}

#: Sent with every response. The CSP forbids inline script and styles: all JS is in static/.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: What the read-only API tells browsers: any site may read it (GET, HEAD, OPTIONS only).
CORS_HEADERS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                ("Access-Control-Expose-Headers", "Server-Timing, Content-Disposition"))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``GLOSSARY_*`` environment variables, then ``test_config``.

    ``test_config`` may also carry ``GLOSSARY``, an open ``Glossary`` to serve instead of
    opening ``DATABASE_URL``.

    >>> app = create_app({"DATABASE_URL": "sqlite://"})
    >>> app.test_client().get("/api/v1/terms/core-interests").json["english"]["preferred"]
    'core interests'
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("GLOSSARY")
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # hanzi stay readable in JSON
    app.json.sort_keys = False  # type: ignore[attr-defined]  # records keep their documented order
    store = app.config.get("GLOSSARY") or glossary.open(app.config["DATABASE_URL"])
    app.extensions["glossary"] = store

    from . import api, errors, pages, views

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_error_handler(Exception, errors.handle_error)
    app.jinja_env.globals.update(views.TEMPLATE_GLOBALS)
    app.jinja_env.filters.update(views.TEMPLATE_FILTERS)
    # searches skip Flask's request handling (api.FastSearch): the same response, less CPU
    app.wsgi_app = api.FastSearch(app, app.wsgi_app,  # type: ignore[method-assign]
                                  [*SECURITY_HEADERS.items(), *CORS_HEADERS])

    @app.before_request
    def _start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _headers(response: Response) -> Response:
        # A view may have set its own; Headers.setdefault would raise and catch a KeyError per header.
        # Headers.add, not []=: the names are absent, and setting one scans the list to replace it
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        for name, value in SECURITY_HEADERS.items():
            if name.lower() not in present:
                headers.add(name, value)
        if request.path.startswith("/api/") and request.method in ("GET", "HEAD", "OPTIONS"):
            for name, value in CORS_HEADERS:
                if name.lower() not in present:
                    headers.add(name, value)
        started = g.get("started")
        if started is not None:
            headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    return app
