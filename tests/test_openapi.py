"""The OpenAPI document matches the implementation: schemathesis generates requests from it and
checks every response (no 5xx; status codes, content types, headers and bodies as documented)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

import glossary
from glossary.csvio import read_terms
from glossary.formats import EXPORTS

from conftest import DATA
from web import create_app

# schemathesis leaves out the operation serving the document itself (/openapi.json).
OPERATIONS = [("GET", "/health"), ("GET", "/search"), ("GET", "/terms/{term_id}"), ("POST", "/annotate"),
              ("POST", "/check")] + [("GET", f"/export.{name}") for name in EXPORTS]


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path: Path = tmp_path_factory.mktemp("openapi") / "glossary.sqlite3"
    store = glossary.open(f"sqlite:///{path}", seed=False)
    store.import_terms(read_terms(DATA / "web-terms.csv"))
    yield create_app({"GLOSSARY": store, "MAX_TEXT_BYTES": 4000})
    store.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(web_app: Flask) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", web_app)


def test_every_documented_operation_is_fuzzed_here(api_schema: schemathesis.schemas.BaseSchema) -> None:
    documented = {(op.method.upper(), op.path) for op in (r.ok() for r in api_schema.get_all_operations())}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_conforms_to_its_openapi_document(api_schema: schemathesis.schemas.BaseSchema, method: str,
                                              path: str) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def fuzz(case: schemathesis.Case) -> None:
        # A file upload is valid to the schema whatever its name and bytes, but we read only the
        # kinds of file its name says we read (.docx, .html, .xlf, .txt): refusing a PNG with a
        # 400 is right, so generated uploads are held to every check but "valid data is accepted".
        upload = case.media_type == "multipart/form-data"
        case.call_and_validate(excluded_checks=[positive_data_acceptance] if upload else None)

    fuzz()
