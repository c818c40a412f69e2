"""Presentation shared by pages and API: notices, citation forms, result rows.

Only wording and layout live here; searching, exporting and annotating are the library's.
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring as _json_string  # as json.dumps(ensure_ascii=False)
from collections.abc import Sequence
from functools import cache
from typing import Any
from urllib.parse import quote

from flask import current_app, request, url_for
from markupsafe import Markup, escape

from glossary import Domain, PinyinStyle, Status, Term, TermSummary
from glossary.dictionary_index import DictionaryResult


def outdated_notice(term: Term | TermSummary) -> str | None:
    """What to tell a user whose query matched a superseded or deprecated rendering.

    >>> from glossary import Hit, Rendering
    >>> t = Term("x", "命运共同体", "命運共同體", "mìngyùn gòngtóngtǐ", Domain.DIPLOMACY, "",
    ...          (Rendering("community with a shared future", Status.PREFERRED),),
    ...          hit=Hit("english", "exact", "community of common destiny", Status.SUPERSEDED))
    >>> outdated_notice(t)
    '‘community of common destiny’ is superseded — now ‘community with a shared future’'
    """
    hit = term.hit
    if hit is None or hit.status is None or not hit.status.outdated:
        return None
    return f"‘{hit.text}’ is {hit.status.value} — now ‘{term.preferred.text}’"


def citation_forms(term: Term) -> list[tuple[str, str, str]]:
    """(key, label, text) for each citation style a translator may paste.

    >>> from glossary import Rendering
    >>> t = Term("p", "核心利益", "核心利益", "héxīn lìyì", Domain.SOVEREIGNTY, "",
    ...          (Rendering("core interests", Status.PREFERRED),))
    >>> [text for _key, _label, text in citation_forms(t)][0]
    '“core interests” (核心利益, hexin liyi)'
    """
    english, hanzi = term.preferred.text, term.simplified
    plain, marks = term.pinyin_as(PinyinStyle.PLAIN), term.pinyin_as(PinyinStyle.MARKS)
    return [
        ("analyst", "Analyst style", f"“{english}” ({hanzi}, {plain})"),
        ("marks", "With tone marks", f"“{english}” ({hanzi}, {marks})"),
        ("chinese-first", "Chinese first", f"{hanzi} ({marks}, “{english}”)"),
    ]


def search_json(query: str, domain: Domain | None, terms: Sequence[TermSummary],
                nearest: Sequence[TermSummary] = (), dictionary: Sequence[DictionaryResult] = (),
                pages: str | None = None) -> str:
    """The API's search response as compact JSON text: each summary's JSON (``to_json``) with its
    page and any notice added, and, when nothing was found, the ``suggestions`` a few typos away;
    then ``dictionary``, CC-CEDICT's entries (each ``"source": "cc-cedict"``, not reviewed), and
    ``dictionary_source``, its attribution.
    Equal to ``json.dumps`` of the documented object, written directly: on a big store, building
    and encoding the dicts cost more than the search itself. ``pages``: the term pages' URL up
    to the id (by default the current request's, ``term_page_prefix``)."""
    if pages is None:
        pages = term_page_prefix()  # read once: each read goes through the app and request proxies
    results = [_result_json(term, pages) for term in terms]
    suggestions = [_result_json(term, pages) for term in nearest]
    return (f'{{"query":{_json_string(query)},"domain":{_json_string(domain.value) if domain else "null"},'
            f'"count":{len(results)},"results":[{",".join(results)}],"suggestions":[{",".join(suggestions)}],'
            f'"dictionary":[{",".join(result.to_json() for result in dictionary)}],'
            f'"dictionary_source":{_dictionary_source()}}}')


@cache
def _dictionary_source() -> str:
    """The dictionary's attribution as JSON (one release per process)."""
    from glossary.dictionary_index import attribution

    return json.dumps(attribution(), ensure_ascii=False, separators=(",", ":"))


#: JSON of each domain and status, and whether a status is outdated (an Enum member's ``value``
#: is a Python-level property: a result list read it a few times per result).
_DOMAIN_JSON = {domain: _json_string(domain.value) for domain in Domain}
_STATUS_JSON = {status: _json_string(status.value) for status in Status}
_OUTDATED = {status: status.outdated for status in Status}
#: What ``quote(..., safe="")`` leaves as it is (entry ids mostly are: slugs, cedict-123).
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _result_json(term: TermSummary, pages: str) -> str:
    """A summary's JSON with its page (``pages``: term pages' URL up to the id) and notice:
    ``term.to_json()`` with ``"url"`` and ``"notice"`` added, written in one piece (a cold
    English-word search writes 15 of them; tests/test_api.py checks it against ``to_json``)."""
    term_id = term.id
    url = pages + (term_id if _URL_SAFE(term_id) else quote(term_id, safe=""))
    styles = term.pinyin_styles
    plain, numbers = styles if styles is not None else (term.pinyin_as("plain"), term.pinyin_as("numbers"))
    head = (f'{{"id":{_json_string(term_id)},"simplified":{_json_string(term.simplified)},'
            f'"traditional":{_json_string(term.traditional)},"pinyin":{{"marks":{_json_string(term.pinyin)},'
            f'"plain":{_json_string(plain)},"numbers":{_json_string(numbers)}}},'
            f'"english":{{"preferred":{_json_string(term.preferred.text)}}},"domain":{_DOMAIN_JSON[term.domain]}')
    hit = term.hit
    if hit is None:
        return f'{head},"url":{_json_string(url)},"notice":null}}'
    status = hit.status
    notice = outdated_notice(term) if status is not None and _OUTDATED[status] else None
    return (f'{head},"match":{{"field":{_json_string(hit.field)},"kind":{_json_string(hit.kind)},'
            f'"text":{_json_string(hit.text)},"status":{_STATUS_JSON[status] if status is not None else "null"}}},'
            f'"url":{_json_string(url)},"notice":{_json_string(notice) if notice else "null"}}}')


def dictionary_results(glossary: Any, query: str, domain: Domain | None,
                       found: Sequence[TermSummary], limit: int | None = None) -> list[DictionaryResult]:
    """CC-CEDICT's entries to show after the glossary's results: none for a domain (the
    dictionary has none) or when ``limit`` (by default the app's DICTIONARY_LIMIT) is 0."""
    limit = int(current_app.config["DICTIONARY_LIMIT"] if limit is None else limit)
    if domain is not None or limit <= 0 or not query.strip():
        return []
    results: list[DictionaryResult] = glossary.dictionary_search(query, limit=limit, curated=found)
    return results


def renderings_by_status(term: Term) -> list[tuple[Status, list[Any]]]:
    """The term's renderings grouped by status, preferred first, empty groups left out."""
    return [(status, term.english(status)) for status in Status if term.english(status)]


STATUS_HELP = {
    Status.PREFERRED: "The official rendering in current PRC English.",
    Status.ADMITTED: "Used in scholarship or media; acceptable, not official.",
    Status.SUPERSEDED: "Official once and since replaced; right in documents of its years.",
    Status.DEPRECATED: "Ruled out or misleading; do not use in new text.",
}

_URL = re.compile(r"https?://[^\s<>\"'|]+[^\s<>\"'|.,;:!?)\]]")


def linkify(text: str) -> Markup:
    """Text with its http(s) URLs as links, everything escaped (citations on the term page).

    >>> str(linkify("Xinhua, <b>x</b>, 2023, https://english.news.cn/a.htm."))
    'Xinhua, &lt;b&gt;x&lt;/b&gt;, 2023, <a href="https://english.news.cn/a.htm" rel="noopener noreferrer">https://english.news.cn/a.htm</a>.'
    """
    out: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group()
        out += [str(escape(text[position:match.start()])),
                f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>']
        position = match.end()
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


#: What each family covers, for readers (the README's table says the same for curators).
DOMAIN_HELP = {
    Domain.PARTY: "party ideology and the political system",
    Domain.ECONOMY: "economy, development and reform, the Government Work Report's vocabulary",
    Domain.DIPLOMACY: "partnerships, principles of foreign policy, global-governance formulas",
    Domain.SECURITY: "security and defence",
    Domain.SOVEREIGNTY: "Hong Kong, Macao, Taiwan, sovereignty and territorial integrity",
    Domain.SOCIETY: "environment, science and technology, society, rural policy",
    Domain.GOVERNANCE: "law, anti-corruption and governance",
    Domain.BELT_AND_ROAD: "the Belt and Road Initiative and connectivity",
    Domain.INSTITUTIONS: "state bodies, party organs, mechanisms and forums by their official names",
    Domain.IDIOMS: "four-character formulas and classical quotations of official speeches",
    Domain.ETHNICITY_RELIGION: "ethnic and religious policy",
    Domain.PLACES: "places and regions policy texts name",
    Domain.GENERAL: "general vocabulary from imported glossaries",
}

TEMPLATE_GLOBALS: dict[str, Any] = {
    "DOMAIN_HELP": DOMAIN_HELP,
    "Domain": Domain, "Status": Status, "PinyinStyle": PinyinStyle, "STATUS_HELP": STATUS_HELP,
    "outdated_notice": outdated_notice, "citation_forms": citation_forms,
    "renderings_by_status": renderings_by_status,
}
TEMPLATE_FILTERS: dict[str, Any] = {"linkify": linkify}


def term_page_prefix() -> str:
    """Term pages' URL up to the id, made once per app and script root (url_for costs more
    than building a whole search result)."""
    prefixes: dict[str, str] = current_app.extensions.setdefault("term_page_prefix", {})
    prefix = prefixes.get(request.script_root)
    if prefix is None:
        prefix = prefixes[request.script_root] = url_for("pages.term", term_id="-")[:-1]
    return prefix
