"""The OpenAPI 3.1 description of /api/v1, built from the same registries the API uses.

``tests/test_openapi.py`` runs schemathesis against the app with this document: no 5xx, no
response that violates it.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

import glossary
from glossary import AnnotationFormat, Domain, PinyinStyle, Status
from glossary.formats import EXPORTS

from .annotation import Language

NULLABLE_STRING = {"type": ["string", "null"]}


def _values(enum_type: Any) -> list[str]:
    return [member.value for member in enum_type]


def _schemas() -> dict[str, Any]:
    string_list = {"type": "array", "items": {"type": "string"}}
    pinyin = {"type": "object", "required": _values(PinyinStyle),
              "properties": {v: {"type": "string"} for v in _values(PinyinStyle)}}
    match = {"type": "object", "required": ["field", "kind", "text"],
             "properties": {"field": {"type": "string"}, "kind": {"type": "string"},
                            "text": {"type": "string"}, "status": NULLABLE_STRING}}
    return {
        "Error": {
            "type": "object", "required": ["error"], "additionalProperties": False,
            "properties": {"error": {
                "type": "object", "required": ["status", "type", "message"],
                "properties": {"status": {"type": "integer"}, "type": {"type": "string"},
                               "message": {"type": "string"},
                               "retry_after": {"type": "integer", "minimum": 0,
                                               "description": "503 only: seconds to wait, as in Retry-After"}}}},
        },
        "Term": {
            "type": "object",
            "required": ["id", "simplified", "traditional", "variants", "pinyin", "english", "renderings",
                         "domain", "definition", "sources", "related"],
            "properties": {
                "id": {"type": "string"}, "simplified": {"type": "string"}, "traditional": {"type": "string"},
                "variants": {"type": "array", "items": {
                    "type": "object", "required": ["text", "kind"],
                    "properties": {"text": {"type": "string"}, "kind": {"type": "string"}}}},
                "pinyin": pinyin,
                "english": {"type": "object", "required": ["preferred", "admitted", "deprecated", "superseded"],
                            "properties": {"preferred": {"type": "string"}, "admitted": string_list,
                                           "deprecated": string_list, "superseded": string_list}},
                "renderings": {"type": "array", "items": {
                    "type": "object", "required": ["text", "status"],
                    "properties": {"text": {"type": "string"}, "status": {"enum": _values(Status)},
                                   "note": NULLABLE_STRING, "years": NULLABLE_STRING, "source": NULLABLE_STRING}}},
                "domain": {"enum": _values(Domain)}, "definition": {"type": "string"},
                "sources": string_list, "related": string_list,
                "created_at": NULLABLE_STRING, "updated_at": NULLABLE_STRING,
                "match": match,
            },
        },
        "SearchResult": {
            "type": "object", "description": "A term's headline fields (the Term shape, in part), what matched, "
                                             "the term's page and any notice; the full record is at /terms/{id}.",
            "required": ["id", "simplified", "traditional", "pinyin", "english", "domain", "match", "url", "notice"],
            "properties": {
                "id": {"type": "string"}, "simplified": {"type": "string"}, "traditional": {"type": "string"},
                "pinyin": pinyin,
                "english": {"type": "object", "required": ["preferred"],
                            "properties": {"preferred": {"type": "string"}}},
                "domain": {"enum": _values(Domain)}, "match": match,
                "url": {"type": "string"}, "notice": NULLABLE_STRING}},
        "DictionaryResult": {
            "type": "object", "description": "A CC-CEDICT entry (CC BY-SA 4.0, MDBG): a general dictionary's, "
                                             "not a glossary term and not reviewed. Marked by source 'cc-cedict'.",
            "required": ["source", "reviewed", "label", "simplified", "traditional", "pinyin", "glosses", "match"],
            "properties": {
                "source": {"const": "cc-cedict"}, "reviewed": {"const": False}, "label": {"type": "string"},
                "simplified": {"type": "string"}, "traditional": {"type": "string"}, "pinyin": pinyin,
                "glosses": string_list,
                "match": {"type": "object", "required": ["field", "kind", "text"],
                          "properties": {"field": {"type": "string"}, "kind": {"type": "string"},
                                         "text": {"type": "string"}}}}},
        "DictionarySource": {
            "type": "object", "description": "Who made the dictionary, its licence and release.",
            "required": ["name", "publisher", "licence", "licence_url", "url", "release", "reviewed"],
            "properties": {k: {"type": "string"} for k in
                           ("name", "publisher", "licence", "licence_url", "url", "release", "reviewed")}},
        "Finding": {"type": "object", "description": "One terminology-check finding (see the library's Finding)."},
    }


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict[str, Any]:
    """The OpenAPI document for this server's settings and registered export formats."""
    config = current_app.config
    domain = {"name": "domain", "in": "query", "required": False,
              "schema": {"enum": _values(Domain)}, "description": "Only terms of this domain."}
    status = {"name": "status", "in": "query", "required": False, "schema": {"enum": _values(Status)},
              "description": "Only terms having a rendering of this status."}
    text = {"type": "string", "description": f"At most {config['MAX_TEXT_BYTES']:,} bytes of UTF-8."}
    bad, too_large = _error("Invalid parameters"), _error("The text or request is over the size limit")
    busy = _error("Every annotation slot is taken (ANNOTATE_CONCURRENCY); the Retry-After header and "
                  "error.retry_after say how many seconds to wait")
    upload = {"type": "string", "format": "binary", "description": "A file with its name (the suffix says its kind)."}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Policy glossary API", "version": glossary.__version__,
                 "description": "Search, read, annotate with and export a glossary of Chinese policy "
                                "language. Every error has the Error shape."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/health": {"get": {"summary": "Liveness check", "operationId": "health", "responses": {
                "200": _json({"type": "object", "required": ["status"],
                              "properties": {"status": {"const": "ok"}}})}}},
            "/search": {"get": {
                "summary": "Find terms by hanzi (either script), pinyin (any form) or English",
                "operationId": "search",
                "parameters": [
                    {"name": "q", "in": "query", "required": False,
                     "schema": {"type": "string", "maxLength": config["MAX_QUERY_LENGTH"]},
                     "description": "The query; c:, p: or e: forces hanzi, pinyin or English."},
                    domain,
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": config["SEARCH_LIMIT_MAX"],
                                "default": config["SEARCH_LIMIT"]}},
                ],
                "responses": {"200": _json({
                    "type": "object", "required": ["query", "domain", "count", "results", "suggestions",
                                                   "dictionary", "dictionary_source"],
                    "properties": {"query": {"type": "string"}, "domain": NULLABLE_STRING,
                                   "count": {"type": "integer", "minimum": 0},
                                   "results": {"type": "array",
                                               "items": {"$ref": "#/components/schemas/SearchResult"}},
                                   "suggestions": {"type": "array",
                                                   "description": "When nothing is found: terms a few typos "
                                                                  "away (match kind 'similar').",
                                                   "items": {"$ref": "#/components/schemas/SearchResult"}},
                                   "dictionary": {"type": "array",
                                                  "description": "After the glossary's results: CC-CEDICT's "
                                                                 "entries for the query (headwords the results "
                                                                 "hold left out), not reviewed; none with a "
                                                                 "domain.",
                                                  "items": {"$ref": "#/components/schemas/DictionaryResult"}},
                                   "dictionary_source": {"$ref": "#/components/schemas/DictionarySource"}}}),
                    "400": bad}}},
            "/terms/{term_id}": {"get": {
                "summary": "One term", "operationId": "getTerm",
                "parameters": [{"name": "term_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Term"}), "404": _error("No such term")}}},
            "/annotate": {"post": {
                "summary": "Annotate Chinese (pinyin and English glosses) or English (Chinese and pinyin "
                           "inserted, plus the terminology check)",
                "operationId": "annotate",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"],
                    "properties": {
                        "text": text,
                        "language": {"enum": _values(Language), "default": "auto"},
                        "format": {"enum": _values(AnnotationFormat), "default": "html",
                                   "description": "For Chinese. English comes back as HTML (findings marked) "
                                                  "for html, as plain text for the other formats."},
                        "source": {"type": ["string", "null"],
                                   "description": "For English: the Chinese original, checked against it."},
                        "pinyin": {"enum": _values(PinyinStyle) + [None],
                                   "description": "Default: marks for Chinese, plain for English."},
                        "first_only": {"type": ["boolean", "null"],
                                       "description": "Annotate only the first occurrence of each term."},
                        "domain": {"enum": _values(Domain) + [None]},
                        "all_words": {"type": "boolean", "default": False,
                                      "description": "For Chinese: gloss every other word from CC-CEDICT "
                                                     "too, marked as the dictionary's in every format "
                                                     "(class dictionary-word, [pinyin, CC-CEDICT: …], "
                                                     "[^cc-…] footnotes, spans with source cc-cedict)."}}}},
                    "multipart/form-data": {"schema": {
                        "type": "object", "required": ["file"],
                        "description": "A document: the annotated document comes back (.docx, .html), or for "
                                       "an XLIFF file its terminology report (HTML), or with notes=1 the file "
                                       "with the findings as notes.",
                        "properties": {"file": upload, "language": {"enum": _values(Language)},
                                       "pinyin": {"enum": _values(PinyinStyle)},
                                       "first_only": {"enum": ["0", "1"]}, "domain": {"enum": _values(Domain)},
                                       "notes": {"enum": ["0", "1"]}}}}}},
                "responses": {"200": {
                    "description": "JSON for a text; for a file, the file (Word, HTML or XLIFF) or the report",
                    "content": {**_json({
                    "type": "object", "required": ["language", "format", "pinyin", "result", "findings"],
                    "properties": {"language": {"enum": ["zh", "en"]}, "format": {"type": "string"},
                                   "pinyin": {"enum": _values(PinyinStyle)}, "result": {"type": "string"},
                                   "findings": {"type": "array",
                                                "items": {"$ref": "#/components/schemas/Finding"}}}})["content"],
                        **{media: {"schema": {"type": "string", "format": "binary"}} for media in (
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            "text/html", "application/xliff+xml")}}},
                    "400": bad, "413": too_large, "503": busy}}},
            "/check": {"post": {
                "summary": "Check an English text for outdated or ruled-out renderings",
                "operationId": "check",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": text, "source": {"type": ["string", "null"],
                                                            "description": "The Chinese original, if any."}}}},
                    "multipart/form-data": {"schema": {
                        "type": "object", "required": ["file"],
                        "description": "A translation as a file (.docx, .html, .txt; findings say which "
                                       "paragraph), with its original as source; or an XLIFF file, checked "
                                       "segment by segment (report: json, html, or xliff with notes).",
                        "properties": {"file": upload, "source": upload,
                                       "report": {"enum": ["json", "html", "xliff"], "default": "json"}}}}}},
                "responses": {"200": {"description": "The findings (JSON), or the XLIFF report or file", "content": {
                    **_json({
                        "type": "object", "required": ["count", "findings"],
                        "properties": {"count": {"type": "integer", "minimum": 0},
                                       "segments": {"type": "integer", "minimum": 0,
                                                    "description": "XLIFF: segment pairs checked"},
                                       "findings": {"type": "array",
                                                    "items": {"$ref": "#/components/schemas/Finding"}}}})["content"],
                    "text/html": {"schema": {"type": "string"}},
                    "application/xliff+xml": {"schema": {"type": "string", "format": "binary"}}}},
                    "400": bad, "413": too_large, "503": busy}}},
            **{f"/export.{fmt.name}": {"get": {
                "summary": f"Download {fmt.label}", "operationId": f"export_{fmt.name.replace('-', '_')}",
                "parameters": [domain, status],
                "responses": {"200": {"description": fmt.label, "content": {fmt.media_type.split(";")[0]: {
                    "schema": {"type": "string", "format": "binary"}}}}, "400": bad,
                    "404": _error("The domain and status filter match no term")}}}
               for fmt in EXPORTS.values()},
            "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                      "responses": {"200": _json({"type": "object"})}}},
        },
        "components": {"schemas": _schemas()},
    }
