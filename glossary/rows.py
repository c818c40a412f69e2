"""Terms to table rows and back: what the store writes and how it reads it quickly."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from . import pinyin as _pinyin
from .csvio import content_cells
from .schema import SearchKey, TermRow
from .search import Query, explain_parts, term_keys
from .terms import Domain, Form, FormKind, Rendering, Status, Term, TermSummary

__all__ = ["TERM_COLUMNS", "SUMMARY_COLUMNS", "checksum", "term_row", "key_rows", "term_from_values",
           "term_from_driver_row", "summary_from_values", "aware"]


def checksum(term: Term) -> str:
    """A digest of everything curated about a term (what decides "changed" on import)."""
    return hashlib.sha256("\x1f".join(content_cells(term)).encode()).hexdigest()


def term_row(term: Term, now: datetime, digest: str, version: int = 1) -> tuple[Any, ...]:
    """A terms row as a tuple in the table's column order."""
    values = {
        "id": term.id, "version": version, "simplified": term.simplified, "traditional": term.traditional,
        "traditional_curated": term.traditional_curated,
        "variants": [{"text": f.text, "kind": f.kind.value, **({"pinyin": f.pinyin} if f.pinyin else {})}
                     for f in term.variants],
        "pinyin": term.pinyin, "pinyin_plain": _pinyin.render(term.pinyin, "plain"),
        "pinyin_numbers": _pinyin.render(term.pinyin, "numbers"), "pinyin_curated": term.pinyin_curated,
        "pinyin_note": term.pinyin_note,
        "renderings": [{"text": r.text, "status": r.status.value, "years": r.years, "note": r.note,
                        "source": r.source} for r in term.renderings],
        "preferred": term.preferred.text, "domain": term.domain.value, "definition": term.definition,
        "sources": list(term.sources), "related": list(term.related), "checksum": digest,
        "created_at": term.created_at or now, "updated_at": term.updated_at or now,
    }
    return tuple(values[column] for column in TERM_COLUMNS)


TERM_COLUMNS = [c.name for c in TermRow.__table__.columns]
assert [c.name for c in SearchKey.__table__.columns] == ["field", "key", "rank", "term_id"]


def key_rows(terms: Sequence[Term]) -> list[tuple[Any, ...]]:
    """search_keys rows for terms, in the table's column order (field, key, rank, term_id)."""
    return [(field, key, rank, term.id) for term in terms for field, key, rank in term_keys(term)]


# Enum lookups by value, without Enum.__call__ (loading 100k+ records calls these ~400k times).
_STATUS = {s.value: s for s in Status}
_DOMAIN = {d.value: d for d in Domain}
_FORM_KIND = {k.value: k for k in FormKind}


def aware(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite keeps them naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_decode_json = json.JSONDecoder().decode


def _json_list(value: Any) -> list[Any]:
    """A JSON column's list: SQLite gives its text, PostgreSQL the decoded value."""
    if isinstance(value, str):
        return [] if value == "[]" else _decode_json(value)
    return value  # type: ignore[no-any-return]


def term_from_values(values: Mapping[str, Any], shared: dict[Any, Any] | None = None) -> Term:
    """A Term from a terms row as the driver gives it (JSON as text on SQLite, decoded on
    PostgreSQL; times as text on SQLite), keyed by TERM_COLUMNS.

    ``shared``: a dict kept across the rows of one read, through which equal sources lists and
    times become one object (a 117k-entry import gives every entry the same citation and the
    same two times: 118k copies of each, 35 MB of the annotation snapshot); a definition equal
    to one of the entry's renderings is that rendering's string."""
    def moment(value: Any) -> datetime:
        return aware(datetime.fromisoformat(value) if isinstance(value, str) else value)

    renderings = tuple([Rendering(r["text"], _STATUS[r["status"]], r.get("years"), r.get("note"), r.get("source"))
                        for r in _json_list(values["renderings"])])
    definition = values["definition"]
    for rendering in renderings:
        if rendering.text == definition:
            definition = rendering.text
            break
    sources, created, updated = values["sources"], values["created_at"], values["updated_at"]
    simplified, traditional = values["simplified"], values["traditional"]
    if shared is None:
        sources, created, updated = tuple(_json_list(sources)), moment(created), moment(updated)
    else:
        sources = _one(shared, ("sources", sources if isinstance(sources, str) else tuple(sources)),
                       lambda: tuple(_json_list(values["sources"])))
        # by stored value, then by time: one object for equal times however they were written
        created = _one(shared, ("at", created), lambda: shared.setdefault(moment(values["created_at"]),
                                                                           moment(values["created_at"])))
        updated = _one(shared, ("at", updated), lambda: shared.setdefault(moment(values["updated_at"]),
                                                                           moment(values["updated_at"])))
    return Term(
        id=values["id"], simplified=simplified, traditional=simplified if traditional == simplified else traditional,
        pinyin=values["pinyin"], domain=_DOMAIN[values["domain"]], definition=definition, renderings=renderings,
        variants=tuple([Form(v["text"], _FORM_KIND[v["kind"]], v.get("pinyin", ""))
                        for v in _json_list(values["variants"])]),
        sources=sources, related=tuple(_json_list(values["related"])),
        traditional_curated=bool(values["traditional_curated"]), pinyin_curated=bool(values["pinyin_curated"]),
        pinyin_note=values["pinyin_note"], created_at=created, updated_at=updated, version=int(values["version"]),
        pinyin_styles=(values["pinyin_plain"], values["pinyin_numbers"]),
    )


def _one(shared: dict[Any, Any], key: Any, make: Callable[[], Any]) -> Any:
    """The value kept in ``shared`` under ``key``, made and kept the first time."""
    found = shared.get(key)
    if found is None:
        found = shared[key] = make()
    return found


def term_from_driver_row(row: Sequence[Any], shared: dict[Any, Any] | None = None) -> Term:
    """A Term from a row of TERM_COLUMNS in column order (``shared``: see ``term_from_values``)."""
    return term_from_values(dict(zip(TERM_COLUMNS, row)), shared)


#: What a search result reads: headline columns, and the forms and renderings that explain a hit.
SUMMARY_COLUMNS = ("id", "simplified", "traditional", "pinyin", "pinyin_plain", "pinyin_numbers", "domain",
                   "preferred", "variants", "renderings")


def summary_from_values(row: Sequence[Any], query: Query, field: str, kind: str,
                        rank: int | None = None) -> TermSummary:
    """A TermSummary from a row of SUMMARY_COLUMNS (JSON as text on SQLite, decoded on PostgreSQL),
    with the hit that ``field``, ``kind`` and the key's ``rank`` describe (see
    ``search.explain_parts``). The JSON is decoded only when the hit needs it."""
    term_id, simplified, traditional, marks, plain, numbers, domain, preferred, variants, renderings = row

    def forms() -> list[str]:
        return [simplified, traditional] + [v["text"] for v in _json_list(variants)]

    def english() -> list[tuple[str, Status]]:
        return [(r["text"], _STATUS[r["status"]]) for r in _json_list(renderings)]

    return TermSummary(term_id, simplified, traditional, marks, _DOMAIN[domain], Rendering(preferred, Status.PREFERRED),
                       explain_parts(query, field, kind, forms, marks, preferred, english, rank), (plain, numbers))
