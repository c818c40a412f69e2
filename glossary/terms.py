"""The term record: one entry per concept, as termbases (IATE, TBX) model it."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring as _json_string  # what json.dumps(ensure_ascii=False) uses
from typing import Any

from . import pinyin as _pinyin

__all__ = ["Status", "Domain", "FormKind", "Form", "Rendering", "Hit", "Term", "TermSummary"]


class Status(str, enum.Enum):
    """Standing of an English rendering (the TBX administrative statuses)."""

    #: The official rendering PRC official English uses now; one per term.
    PREFERRED = "preferred"
    #: Seen in scholarship or media and understood by readers; acceptable, not official.
    ADMITTED = "admitted"
    #: Official once and replaced; keep its years, analysts quote old documents.
    SUPERSEDED = "superseded"
    #: Ruled out or misleading; kept so checks can flag it.
    DEPRECATED = "deprecated"

    @property
    def rank(self) -> int:
        """Sort order: preferred first, deprecated last."""
        return _STATUS_RANK[self]

    @property
    def outdated(self) -> bool:
        return self in (Status.SUPERSEDED, Status.DEPRECATED)


_STATUS_RANK = {status: index for index, status in enumerate(Status)}
#: Iterating an Enum is slow; term records list the styles on every call.
_PINYIN_STYLES = tuple(_pinyin.PinyinStyle)
#: Where a stored term keeps its pinyin in other styles: index into ``pinyin_styles`` (PinyinStyle
#: is a str enum: its members and their values are the same keys).
_STORED_STYLES: dict[str, int] = {"plain": 0, "numbers": 1}


class Domain(str, enum.Enum):
    """Subject field of a term (closed list; documented in the README)."""

    #: Party ideology and the political system: guiding thought, party building, slogans.
    PARTY = "party"
    #: Economy, development and reform, trade, finance, development cooperation.
    ECONOMY = "economy"
    #: Partnerships, diplomatic formulas, principles of foreign policy, global governance.
    DIPLOMACY = "diplomacy"
    #: Security and defence: security concepts, counter-terrorism, the armed forces.
    SECURITY = "security"
    #: Hong Kong, Macao, Taiwan, sovereignty, territorial integrity, core interests.
    SOVEREIGNTY = "sovereignty"
    #: Environment, science and technology, society, education, health, rural policy.
    SOCIETY = "society"
    #: Law, the rule of law, anti-corruption, administration and governance.
    GOVERNANCE = "governance"
    #: The Belt and Road Initiative family and connectivity.
    BELT_AND_ROAD = "belt-and-road"
    #: Organisations, state bodies, mechanisms, forums, programmes and their proper names.
    INSTITUTIONS = "institutions"
    #: Four-character formulas and classical idioms used in official speeches.
    IDIOMS = "idioms"
    #: Ethnic and religious policy, Xinjiang and Tibet policy language.
    ETHNICITY_RELIGION = "ethnicity-religion"
    #: Countries, regions, cities and geographic names.
    PLACES = "places"
    #: Anything else (imported general vocabulary, e.g. from a dictionary).
    GENERAL = "general"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class FormKind(str, enum.Enum):
    """Which Chinese form of a term a text uses."""

    #: The simplified headword.
    SIMPLIFIED = "simplified"
    #: The traditional form.
    TRADITIONAL = "traditional"
    #: A regional or orthographic variant (e.g. a Taiwan word form).
    VARIANT = "variant"
    #: An abbreviation (上合组织 for 上海合作组织).
    ABBREVIATION = "abbreviation"
    #: A short form (中亚峰会).
    SHORT = "short"


@dataclass(frozen=True, slots=True)
class Form:
    """Another Chinese form of a term: variant, abbreviation or short form, with its own pinyin
    (``pinyin``: curated, tone marks; empty when generated)."""

    text: str
    kind: FormKind = FormKind.VARIANT
    pinyin: str = ""

    def pinyin_as(self, style: _pinyin.PinyinStyle | str = _pinyin.PinyinStyle.MARKS) -> str:
        """The form's pinyin in a style: the curated one, else suggested by pypinyin.

        >>> Form("上合组织", FormKind.ABBREVIATION).pinyin_as("plain")
        'shanghe zuzhi'
        >>> Form("亚投行", FormKind.ABBREVIATION, "Yàtóuháng").pinyin_as("plain")
        'Yatouhang'
        """
        from .pinyin_generate import suggest

        marks = self.pinyin or suggest(self.text)
        return marks if style == "marks" else _pinyin.render(marks, style)

    @property
    def relation(self) -> str:
        """How the form relates to its headword, as glosses say it: "abbreviation of"."""
        return _RELATION[self.kind]


_RELATION = {FormKind.ABBREVIATION: "abbreviation of", FormKind.SHORT: "short for",
             FormKind.VARIANT: "variant of", FormKind.SIMPLIFIED: "", FormKind.TRADITIONAL: "traditional form of"}


@dataclass(frozen=True, slots=True)
class Rendering:
    """An English rendering with its status, years of use, note and source.

    ``source`` is as written in terms.csv: a 1-based number into the term's sources, or a
    citation given inline. ``Term.citation(rendering)`` resolves it.
    """

    text: str
    status: Status
    years: str | None = None
    note: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Hit:
    """Why a search found a term: which field matched, how, and the rendering's status."""

    field: str  # "hanzi", "pinyin", "english"
    kind: str  # "exact", "prefix", "substring", "words"
    text: str  # the form or rendering that matched
    status: Status | None = None  # for English hits


@dataclass(frozen=True)
class Term:
    """One concept: its Chinese forms, pinyin, English renderings, sources and links."""

    id: str
    simplified: str
    traditional: str
    pinyin: str  # stored form: tone marks, words joined (GB/T 16159)
    domain: Domain
    definition: str
    renderings: tuple[Rendering, ...]
    variants: tuple[Form, ...] = ()
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    traditional_curated: bool = False
    pinyin_curated: bool = False
    pinyin_note: str = ""
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)
    #: The store's version of the entry (None outside a store): name it in ``Glossary.put``'s
    #: ``if_match`` to write only if nobody has written since it was read.
    version: int | None = field(default=None, compare=False)
    hit: Hit | None = field(default=None, compare=False)
    #: The pinyin already written out as (plain, numbers), as the store keeps it; rendered on
    #: demand (and cached) when absent.
    pinyin_styles: tuple[str, str] | None = field(default=None, compare=False, repr=False)

    def with_hit(self, hit: Hit | None) -> Term:
        """This term with ``hit`` set (``dataclasses.replace`` costs ~30 µs on 18 fields;
        lookups do this for every result). The clone shares this term's memo."""
        self._memo()
        clone = object.__new__(Term)
        clone.__dict__.update(self.__dict__)
        object.__setattr__(clone, "hit", hit)
        return clone

    def with_version(self, version: int, created_at: datetime | None, updated_at: datetime | None) -> Term:
        """This term as a write stores it: its version and dates set (``dataclasses.replace``
        took 0.5 s of a 117k-entry import). Values derived from the term are not shared: some
        show the dates."""
        clone = object.__new__(Term)
        values = clone.__dict__
        values.update(self.__dict__)
        values.pop("_derived", None)
        values.update(version=version, created_at=created_at, updated_at=updated_at)
        return clone

    def _memo(self) -> dict[str, Any]:
        """Values derived from this term, computed once (terms are frozen) and shared by its
        with_hit clones, so a term the store keeps in its cache builds its record once."""
        memo: dict[str, Any] | None = self.__dict__.get("_derived")
        if memo is None:
            memo = {}
            object.__setattr__(self, "_derived", memo)
        return memo

    @property
    def preferred(self) -> Rendering:
        """The preferred rendering (every valid term has exactly one)."""
        return next(r for r in self.renderings if r.status is Status.PREFERRED)

    def english(self, status: Status) -> list[Rendering]:
        """Renderings of one status, in curated order."""
        return [r for r in self.renderings if r.status is status]

    def pinyin_as(self, style: _pinyin.PinyinStyle | str = _pinyin.PinyinStyle.MARKS) -> str:
        """The pinyin in a style (cached per string).

        >>> t = Term("x", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "", ())
        >>> t.pinyin_as("plain")
        'hexin liyi'
        """
        return _pinyin_in(style, self.pinyin, self.pinyin_styles)

    def citation(self, rendering: Rendering) -> str | None:
        """The rendering's source as a citation, resolving numbered references."""
        if rendering.source and rendering.source.isdigit():
            index = int(rendering.source) - 1
            return self.sources[index] if 0 <= index < len(self.sources) else None
        return rendering.source

    def forms(self) -> list[tuple[str, FormKind]]:
        """Every Chinese form with its kind, headword first, no duplicates."""
        seen: set[str] = set()
        out: list[tuple[str, FormKind]] = []
        for text, kind in [(self.simplified, FormKind.SIMPLIFIED), (self.traditional, FormKind.TRADITIONAL)] + [
            (f.text, f.kind) for f in self.variants
        ]:
            if text and text not in seen:
                seen.add(text)
                out.append((text, kind))
        return out

    def problems(self) -> list[tuple[str, str]]:
        """What keeps this entry out of the store, as (field, message) pairs (``glossary.validate``)."""
        from .validate import entry_problems

        return entry_problems(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared by the CLI (--json), the API and annotation output.

        The record part is built once per term and shared: treat the result as read-only.
        """
        memo = self._memo()
        record = memo.get("record")
        if record is None:
            record = memo["record"] = self._record()
        data = dict(record)
        if self.hit is not None:
            data["match"] = _hit_dict(self.hit)
        return data

    def _record(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "simplified": self.simplified,
            "traditional": self.traditional,
            "variants": [{"text": f.text, "kind": f.kind.value, "pinyin": f.pinyin_as()} for f in self.variants],
            "pinyin": {style.value: self.pinyin_as(style) for style in _PINYIN_STYLES},
            "english": {
                "preferred": self.preferred.text,
                "admitted": [r.text for r in self.english(Status.ADMITTED)],
                "deprecated": [r.text for r in self.english(Status.DEPRECATED)],
                "superseded": [r.text for r in self.english(Status.SUPERSEDED)],
            },
            "renderings": [
                {"text": r.text, "status": r.status.value, "note": r.note, "years": r.years,
                 "source": self.citation(r)}
                for r in self.renderings
            ],
            "domain": self.domain.value,
            "definition": self.definition,
            "sources": list(self.sources),
            "related": list(self.related),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }
        return data


def _pinyin_in(style: _pinyin.PinyinStyle | str, marks: str, stored: tuple[str, str] | None) -> str:
    """Pinyin in a style: the marks form itself, the store's other forms when given (a term read
    from the store), or rendered (and cached) from the marks."""
    if style == "marks":
        return marks
    if stored is not None and style in _STORED_STYLES:
        return stored[_STORED_STYLES[style]]
    return _pinyin.render(marks, style)


def _hit_dict(hit: Hit) -> dict[str, Any]:
    return {"field": hit.field, "kind": hit.kind, "text": hit.text,
            "status": hit.status.value if hit.status else None}


@dataclass(frozen=True)
class TermSummary:
    """A search result: the headline fields a result list shows and what matched.

    ``Glossary.search`` reads these straight from the store's columns, without decoding whole
    records; ``Glossary.get(summary.id)`` gives the full ``Term``. Reads like a ``Term`` for
    what they share (``preferred``, ``pinyin_as``, ``hit``).
    """

    id: str
    simplified: str
    traditional: str
    pinyin: str  # tone marks
    domain: Domain
    preferred: Rendering
    hit: Hit | None = None
    #: (plain, numbers), as the store keeps them
    pinyin_styles: tuple[str, str] | None = field(default=None, compare=False, repr=False)

    def pinyin_as(self, style: _pinyin.PinyinStyle | str = _pinyin.PinyinStyle.MARKS) -> str:
        """The pinyin in a style."""
        return _pinyin_in(style, self.pinyin, self.pinyin_styles)

    def to_dict(self) -> dict[str, Any]:
        """The headline part of ``Term.to_dict()`` (same keys and shapes), with the match: read
        back from ``to_json``, the one place that writes a summary."""
        data: dict[str, Any] = json.loads(self.to_json())
        return data

    def to_json(self) -> str:
        """``to_dict()`` as compact JSON text with non-ASCII kept (what ``json.dumps(...,
        ensure_ascii=False, separators=(",", ":"))`` writes), written directly: a result list
        encodes many, and building dicts to encode costs more than finding the results.

        >>> summary = TermSummary("yi", "一", "一", "yī", Domain.GENERAL, Rendering("one", Status.PREFERRED))
        >>> summary.to_json()[:68]
        '{"id":"yi","simplified":"一","traditional":"一","pinyin":{"marks":"yī"'
        """
        text = (f'{{"id":{_json_string(self.id)},"simplified":{_json_string(self.simplified)},'
                f'"traditional":{_json_string(self.traditional)},"pinyin":{{"marks":{_json_string(self.pinyin)},'
                f'"plain":{_json_string(self.pinyin_as("plain"))},'
                f'"numbers":{_json_string(self.pinyin_as("numbers"))}}},'
                f'"english":{{"preferred":{_json_string(self.preferred.text)}}},'
                f'"domain":{_json_string(self.domain.value)}')
        hit = self.hit
        if hit is None:
            return text + "}"
        status = _json_string(hit.status.value) if hit.status else "null"
        return (f'{text},"match":{{"field":{_json_string(hit.field)},"kind":{_json_string(hit.kind)},'
                f'"text":{_json_string(hit.text)},"status":{status}}}}}')
