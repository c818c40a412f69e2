"""The site's HTML forms fuzzed with hostile input (issue 16; tests/test_openapi.py does the API).

Every form in web/templates (the search box, the annotate page with its text, source and file
upload, the export filters) and the browse and term pages' parameters get hypothesis-made
strings: control characters, lone surrogates sent as the bytes a careless encoder writes
(``\\xed\\xa0\\x80``, invalid UTF-8), invalid UTF-8 in multipart fields, file names and file
bodies, huge values, markup meant to break out of text, attributes and ``<textarea>``, wrong
content types. The properties, for every request:

- never a 5xx;
- markup sent never comes back raw in an HTML page (the markers below, which only a sender
  writes, appear escaped or not at all);
- a body over the server's limits is refused with 413 and a readable HTML page.

No form has a CSRF token (the site has no accounts or writes yet):
``test_every_form_is_fuzzed`` fails when a form appears that is not fuzzed here, or when a
form gains a token, so that its missing-token case gets written then.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

import glossary
from glossary import AnnotationFormat, Domain, PinyinStyle, Status
from glossary.csvio import read_terms
from glossary.formats import EXPORTS
from web import create_app

from conftest import WEB_TERMS

#: Inputs per form: each request takes a few milliseconds, the module a few seconds.
EXAMPLES = 60
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: The limits of the app under test, small so that going past them is cheap.
LIMITS = {"MAX_CONTENT_LENGTH": 64_000, "MAX_FORM_MEMORY_SIZE": 16_000, "MAX_FILE_BYTES": 8_000,
          "MAX_TEXT_BYTES": 4_000}

#: Markup only a sender writes: raw in an HTML response, it was echoed unescaped (as text,
#: ``javascript:xss()`` is harmless; as a link or source it is not).
MARKERS = ("<xss", '"xss', "'xss", "</textarea><xss")
SCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""")
INJECTIONS = [
    "<xss-tag>", "<xss onmouseover=alert(1)>", '"xss-attr onfocus="alert(1)', "'xss-attr onfocus='alert(1)",
    "</textarea><xss-after-textarea>", "<script>xss()</script>", "<scr<script>ipt>xss", "javascript:xss()",
    "<img src=x onerror=xss()>", "<!--<xss-comment>-->", "<![CDATA[<xss-cdata>]]>", "{{ 7*7 }}<xss-jinja>",
    "&lt;xss-entity&gt;", "<svg/onload=xss()>", "\"><xss-break>", "<a href=\"javascript:xss()\">x</a>",
]
#: Pieces a hostile string is made of (lone surrogates are encoded by ``encode``).
PIECES = st.one_of(
    st.sampled_from(INJECTIONS),
    st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Co"]),  # control, format, surrogate, separators
    st.sampled_from(["命运共同体", "一带一路", "mìngyùn", "yi4dai4", "e:", "c:", "p:", "%", "%00", "%ZZ", "\\",
                     "\u202e", "\ufeff", "\x00", "\r\n", "😀", "𠀀", "ｅ：", "*", "?", "../", "'", '"', ";--"]),
    st.text(max_size=20),
)
HOSTILE = st.lists(PIECES, max_size=6).map("".join)
#: Huge values: past the query limit (200 characters), the text limit, the form memory limit.
HUGE = st.builds(lambda piece, times: piece * times, st.sampled_from(["<xss-huge>", "核", "a", "\x00"]),
                 st.sampled_from([201, 1_500, 5_000, 20_000]))
VALUE = HOSTILE | HUGE


def choice_or(values: list[str]) -> st.SearchStrategy[str]:
    """A valid choice (two times in three, so that the rest of the form gets through) or a hostile string."""
    valid = st.sampled_from(values + [""])
    return st.one_of(valid, valid, HOSTILE)


def encode(value: str) -> bytes:
    """UTF-8, lone surrogates written as their three bytes (invalid UTF-8), as broken clients do."""
    return value.encode("utf-8", "surrogatepass")


def query(params: dict[str, str]) -> str:
    """A query string, percent-encoded from ``encode``'s bytes."""
    return "&".join(quote(encode(k)) + "=" + quote(encode(v), safe="") for k, v in params.items())


# --- the app ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path: Path = tmp_path_factory.mktemp("forms") / "glossary.sqlite3"
    store = glossary.open(f"sqlite:///{path}", seed=False)
    store.import_terms(read_terms(WEB_TERMS))
    yield create_app({"GLOSSARY": store, **LIMITS})
    store.dispose()


@pytest.fixture(scope="module")
def web(fuzz_app: Flask) -> FlaskClient:
    return fuzz_app.test_client()


def check(response: TestResponse, what: str) -> None:
    """No 5xx; no marker raw in an HTML page; a 413 is a readable page."""
    assert response.status_code < 500, f"{what}: {response.status_code}\n{response.get_data(as_text=True)[:2000]}"
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True).lower()
        for marker in MARKERS:
            at = body.find(marker)
            assert at < 0, f"{what}: {marker!r} echoed raw: …{body[max(0, at - 200):at + 200]}…"
        assert not SCRIPT_URL.search(body), f"{what}: a javascript: URL made of input"
    if response.status_code == 413:
        assert response.mimetype == "text/html", what
        text = response.get_data(as_text=True)
        assert re.search(r"larger than this server accepts|limit is|over the limit", text), f"{what}: {text[:2000]}"


# --- GET forms ---------------------------------------------------------------------------------


@FUZZ
@given(q=VALUE, domain=choice_or([d.value for d in Domain]))
def test_search_box(web: FlaskClient, q: str, domain: str) -> None:
    """GET /?q=…&domain=…: the home page's search form."""
    check(web.get("/?" + query({"q": q, "domain": domain})), f"GET /?q={q[:80]!r}")


@FUZZ
@given(fmt=choice_or(list(EXPORTS)), domain=choice_or([d.value for d in Domain]),
       status=choice_or([s.value for s in Status]))
def test_export_filters(web: FlaskClient, fmt: str, domain: str, status: str) -> None:
    """GET /export/download: the export page's form (format button, domain and status filters)."""
    check(web.get("/export/download?" + query({"format": fmt, "domain": domain, "status": status})),
          f"export {fmt[:40]!r} {domain[:40]!r} {status[:40]!r}")


@FUZZ
@given(domain=choice_or([d.value for d in Domain]), letter=HOSTILE, page=HOSTILE | st.integers().map(str),
       term_id=VALUE)
def test_browse_and_term_pages(web: FlaskClient, domain: str, letter: str, page: str, term_id: str) -> None:
    """The browse page's links (domain, letter, page) and a term page's id, as a hand-made URL."""
    check(web.get("/browse?" + query({"domain": domain, "letter": letter, "page": page})),
          f"browse {domain[:40]!r} {letter[:40]!r} {page[:40]!r}")
    path = "/terms/" + quote(encode(term_id), safe="")
    check(web.get(path), f"GET {path[:120]}")


# --- the annotate form -------------------------------------------------------------------------

BOUNDARY = "fuzzBoundary7MA4YWxkTrZu0gW"
OPTIONS = {
    "language": choice_or(["auto", "zh", "en"]),
    "format": choice_or([f.value for f in AnnotationFormat]),
    "pinyin": choice_or([s.value for s in PinyinStyle]),
    "domain": choice_or([d.value for d in Domain]),
    "first_only": choice_or(["1", "on"]),
    "all_words": choice_or(["1", "on"]),
    "notes": choice_or(["1"]),
    "action": choice_or(["annotate", "download", "download-findings"]),
}
FILE_NAMES = st.sampled_from(["text.txt", "guide.docx", "page.html", "page.htm", "statement.xlf", "x.xliff",
                              "photo.png", "", "noextension"]) | HOSTILE.map(lambda name: name + ".txt") | HOSTILE
FILE_BODIES = st.one_of(
    st.binary(max_size=3_000),
    HOSTILE.map(encode),
    st.sampled_from([b"\xff\xfe\x00<xss-bom>", b"\xef\xbb\xbf\xed\xa0\x80<xss-utf8>", "核心利益".encode("gb18030"),
                     b"PK\x03\x04\x00\x00", b"<?xml version='1.0'?><xliff version='1.2'><xss/>",
                     b"<html><body><script>xss()</script><p>\xe6\xa0\xb8\xe5\xbf\x83\xe5\x88\xa9\xe7\x9b\x8a</p>"]),
    st.builds(lambda piece, times: piece * times, st.sampled_from([b"a", "核".encode(), b"\x00"]),
              st.sampled_from([3_000, 9_000, 70_000])),
)


def multipart(fields: dict[str, bytes], file: tuple[bytes, bytes, bytes] | None) -> bytes:
    """A multipart/form-data body written by hand, so that names and values may be any bytes."""
    parts = [b"--" + BOUNDARY.encode() + b'\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
             + value + b"\r\n" for name, value in fields.items()]
    if file is not None:
        filename, content_type, body = file
        parts.append(b"--" + BOUNDARY.encode() + b'\r\nContent-Disposition: form-data; name="file"; filename="'
                     + filename + b'"\r\nContent-Type: ' + content_type + b"\r\n\r\n" + body + b"\r\n")
    return b"".join(parts) + b"--" + BOUNDARY.encode() + b"--\r\n"


@FUZZ
@given(text=VALUE, source=VALUE, options=st.fixed_dictionaries({}, optional=OPTIONS),
       upload=st.none() | st.tuples(FILE_NAMES.map(encode), st.sampled_from(
           [b"text/plain", b"application/octet-stream", b"text/html; charset=utf-8", b"\xff<xss>"]), FILE_BODIES),
       shape=st.sampled_from(["multipart", "urlencoded"]))
def test_annotate_form(web: FlaskClient, text: str, source: str, options: dict[str, str],
                       upload: tuple[bytes, bytes, bytes] | None, shape: str) -> None:
    """POST /annotate: text, source, the options and a file upload, as the page sends them (multipart)
    or as a hand-made client might (urlencoded, no file)."""
    fields = {"text": encode(text), "source": encode(source), **{k: encode(v) for k, v in options.items()}}
    if shape == "multipart":
        body = multipart(fields, upload)
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body = b"&".join(quote(k).encode() + b"=" + quote(v, safe="").encode() for k, v in fields.items())
        content_type = "application/x-www-form-urlencoded"
    response = web.post("/annotate", data=body, content_type=content_type)
    check(response, f"POST /annotate {shape} text={text[:60]!r} upload={upload and upload[0][:60]!r}")


@FUZZ
@given(body=st.binary(max_size=2_000) | VALUE.map(encode), content_type=st.sampled_from([
    "application/json", "text/plain", "text/html", "application/xml", "multipart/form-data",
    f"multipart/form-data; boundary={BOUNDARY}", "multipart/form-data; boundary=", "multipart/mixed; boundary=x",
    "application/x-www-form-urlencoded; charset=latin-1", "application/x-www-form-urlencoded", "",
    "image/png", "<xss>/<xss>", "text/plain; charset=\xed\xa0\x80".encode("latin-1", "replace").decode("latin-1")]))
def test_annotate_form_wrong_content_types(web: FlaskClient, body: bytes, content_type: str) -> None:
    """POST /annotate with bodies that are not the form: JSON, plain text, a broken multipart."""
    check(web.post("/annotate", data=body, content_type=content_type), f"POST /annotate as {content_type!r}")


# --- bodies over the limits -----------------------------------------------------------------------


OVERSIZED = [
    ("a body past MAX_CONTENT_LENGTH", b"text=" + b"a" * (LIMITS["MAX_CONTENT_LENGTH"] + 1),
     "application/x-www-form-urlencoded"),
    ("a form field past MAX_FORM_MEMORY_SIZE", multipart({"text": b"a" * (LIMITS["MAX_FORM_MEMORY_SIZE"] + 1)}, None),
     f"multipart/form-data; boundary={BOUNDARY}"),
    ("an upload past MAX_CONTENT_LENGTH", multipart({}, (b"big.txt", b"text/plain",
                                                         b"a" * LIMITS["MAX_CONTENT_LENGTH"])),
     f"multipart/form-data; boundary={BOUNDARY}"),
    ("a .docx past MAX_FILE_BYTES", multipart({}, (b"big.docx", b"application/octet-stream",
                                                   b"PK" + bytes(LIMITS["MAX_FILE_BYTES"]))),
     f"multipart/form-data; boundary={BOUNDARY}"),
    ("a .txt past MAX_TEXT_BYTES", multipart({}, (b"big.txt", b"text/plain", b"a" * (LIMITS["MAX_TEXT_BYTES"] + 1))),
     f"multipart/form-data; boundary={BOUNDARY}"),
    ("a text past MAX_TEXT_BYTES", b"text=" + b"a" * (LIMITS["MAX_TEXT_BYTES"] + 1),
     "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("what", "body", "content_type"), OVERSIZED, ids=[case[0] for case in OVERSIZED])
def test_oversized_bodies_get_a_readable_413_page(web: FlaskClient, what: str, body: bytes,
                                                 content_type: str) -> None:
    response = web.post("/annotate", data=body, content_type=content_type)
    assert response.status_code == 413, (what, response.status_code)
    check(response, what)
    page = response.get_data(as_text=True)
    assert "<title>" in page and "</html>" in page.lower(), what  # the site's page, not a bare status line


# --- the project against itself -------------------------------------------------------------------

TEMPLATES = Path(__file__).parent.parent / "web" / "templates"
#: The endpoint of each form in web/templates, and the test above that fuzzes it.
FUZZED_FORMS = {"pages.home": test_search_box, "pages.annotate": test_annotate_form,
                "pages.export_download": test_export_filters}


def test_every_form_is_fuzzed() -> None:
    forms = {match.group(1): name for name in sorted(p.name for p in TEMPLATES.glob("*.html"))
             for match in re.finditer(r"<form[^>]*action=\"\{\{ url_for\('([^']+)'\) \}\}\"",
                                      (TEMPLATES / name).read_text(encoding="utf-8"))}
    everything = "".join(p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.html"))
    assert everything.count("<form") == len(forms), "a form without an action=url_for(...): fuzz it here"
    assert set(forms) == set(FUZZED_FORMS), f"forms {forms} against fuzzed {sorted(FUZZED_FORMS)}"
    assert not re.search(r"csrf", everything, re.IGNORECASE), \
        "a form has a CSRF token now: fuzz it without the token (expect 400, never 5xx)"
