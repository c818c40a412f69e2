"""Content checks beyond validity: what a reviewer of the glossary would question.

The validator (``glossary.validate``) says whether an entry can be stored; lint says whether
the glossary as a whole reads right: two concepts claiming the same English, a rendering
preferred for one entry and ruled out for another, capitalisation that contradicts itself,
headwords that are the same after folding, undated sources, links to entries that are not
there, abbreviations and numbered formulas that do not lead to what they stand for.
"""

from __future__ import annotations

import enum
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .script import fold
from .search import normalize_english
from .terms import Domain, Status, Term

__all__ = ["Check", "Warning", "lint"]


class Check(str, enum.Enum):
    """The kinds of things lint looks for."""

    #: Two concepts share a preferred English rendering.
    SAME_PREFERRED = "same-preferred"
    #: A rendering preferred for one entry is superseded or deprecated for another, unrelated one.
    PREFERRED_AND_OUTDATED = "preferred-and-outdated"
    #: Capitalisation against the README's rules (a final full stop, quotes, names in lower case),
    #: or English and pinyin disagreeing on whether it is a name.
    CAPITALISATION = "capitalisation"
    #: Headwords that are the same after folding, or one entry's headword another's variant.
    NEAR_DUPLICATE = "near-duplicate"
    #: A one-character form: it matches inside countless words (巴 for Pakistan inside 巴西, Brazil).
    ONE_CHARACTER = "one-character"
    #: A source without a year (or URL).
    UNDATED_SOURCE = "undated-source"
    #: A related id that names no entry (missing, or withdrawn).
    MISSING_LINK = "missing-link"
    #: An abbreviation or numbered formula that does not lead to what it stands for.
    UNEXPANDED = "unexpanded"


@dataclass(frozen=True)
class Warning:
    """One thing a reviewer should look at."""

    term_id: str
    check: Check
    message: str

    def __str__(self) -> str:
        return f"{self.term_id}: {self.check.value}: {self.message}"


_DATED = re.compile(r"\b(?:1[89]|20)\d\d\b|https?://")
#: A short headword that starts with a number: a numbered formula (五通, 六稳, 两个确立, 三农).
_NUMBERED = re.compile(r"^[两二三四五六七八九十][\u4e00-\u9fff]{1,4}$")
#: An English acronym (BRICS, RCEP, B&R).
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&+.\-]{1,9}$")


def lint(terms: Sequence[Term], known: set[str] | None = None) -> list[Warning]:
    """Every warning about a set of entries, by entry id; ``known``: ids that exist besides."""
    warnings: list[Warning] = []
    by_id = {t.id: t for t in terms}
    warnings += _same_preferred(terms)
    warnings += _preferred_and_outdated(terms)
    warnings += [w for t in terms for w in _capitalisation(t)]
    warnings += _near_duplicates(terms)
    for term in terms:
        for index, citation in enumerate(term.sources, 1):
            if not _DATED.search(citation):
                warnings.append(Warning(term.id, Check.UNDATED_SOURCE, f"source {index} has no year: {citation}"))
        for other in term.related:
            if other not in by_id and other not in (known or set()):
                warnings.append(Warning(term.id, Check.MISSING_LINK, f"related {other!r} names no entry (withdrawn "
                                                                     "or never there): drop the link"))
        warnings += _unexpanded(term)
        for text, _form in term.forms():
            if len(text) == 1:
                warnings.append(Warning(term.id, Check.ONE_CHARACTER, f"the form {text} is one character: "
                                        "annotation would find it inside other words; drop it or give the "
                                        "longer form"))
    return sorted(warnings, key=lambda w: (w.term_id, w.check.value))


def _same_preferred(terms: Sequence[Term]) -> list[Warning]:
    owners: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        owners[normalize_english(term.preferred.text)].append(term)
    warnings = []
    for group in owners.values():
        for term in group:
            # Entries linked both ways have been told apart by a reviewer (精准扶贫 and 精准脱贫 share
            # their official English); the definitions say how they differ.
            unlinked = [o.id for o in group if o is not term and not _linked(term, o)]
            if unlinked:
                warnings.append(Warning(term.id, Check.SAME_PREFERRED,
                                        f"“{term.preferred.text}” is also the preferred rendering of "
                                        f"{', '.join(unlinked)}: one concept, or link the entries both ways "
                                        "and tell them apart in their definitions"))
    return warnings


def _linked(one: Term, other: Term) -> bool:
    return other.id in one.related and one.id in other.related


def _preferred_and_outdated(terms: Sequence[Term]) -> list[Warning]:
    preferred = {normalize_english(t.preferred.text): t for t in terms}
    warnings = []
    for term in terms:
        for rendering in term.renderings:
            owner = preferred.get(normalize_english(rendering.text))
            if rendering.status.outdated and owner is not None and owner.id != term.id and \
                    owner.id not in term.related:
                warnings.append(Warning(term.id, Check.PREFERRED_AND_OUTDATED,
                                        f"“{rendering.text}” is {rendering.status.value} here but preferred for "
                                        f"{owner.id}: link the two entries if they are different concepts"))
    return warnings


def _capitalisation(term: Term) -> list[Warning]:
    found = []
    for rendering in term.renderings:
        text = rendering.text
        if text.endswith(".") and not re.search(r"\b[A-Z]\.$|\b(?:etc|No|Co|Ltd)\.$", text):
            found.append(f"“{text}” ends with a full stop: write renderings as they stand in running text")
        if text[:1] in "\"“‘'" and text[-1:] in "\"”’'":
            found.append(f"“{text}” is in quotes: leave them out")
    pinyin_words = re.findall(r"[^\W\d_]+", term.pinyin)
    pinyin_name = bool(pinyin_words) and all(w[0].isupper() for w in pinyin_words)
    pinyin_lower = not any(c.isupper() for c in term.pinyin)
    if term.domain is Domain.PLACES and pinyin_lower:
        found.append(f"the pinyin {term.pinyin!r} is lower case, but place names are proper names: "
                     "capitalise each word")
    if term.domain is Domain.INSTITUTIONS and pinyin_lower and _english_name(term.preferred.text):
        found.append(f"“{term.preferred.text}” is written as a name but the pinyin {term.pinyin!r} is lower case: "
                     "capitalise each word of a proper name's pinyin")
    if pinyin_name and not any(c.isupper() for c in term.preferred.text):
        found.append(f"the pinyin {term.pinyin!r} is capitalised as a proper name but “{term.preferred.text}” is "
                     "not: one of the two is wrong")
    return [Warning(term.id, Check.CAPITALISATION, message) for message in found]


_MINOR_WORDS = frozenset("a an and as at by for from in of on or the to with".split())


def _english_name(text: str) -> bool:
    """Whether an English rendering is written as a name: two or more words, each major one capitalised."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    major = [w for w in words if w.lower() not in _MINOR_WORDS]
    return len(words) > 1 and bool(major) and all(w[0].isupper() for w in major)


def _near_duplicates(terms: Sequence[Term]) -> list[Warning]:
    folded: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        folded[fold("".join(c for c in term.simplified if c not in "“”\"、·-—"))].append(term)
    warnings = [Warning(t.id, Check.NEAR_DUPLICATE, f"{t.simplified} is the same as {o.simplified} ({o.id}) "
                                                    "after folding script and punctuation: merge the entries")
                for group in folded.values() if len(group) > 1 for t in group for o in group if o is not t]
    headwords = {t.simplified: t for t in terms}
    for term in terms:
        for form in term.variants:
            other = headwords.get(form.text)
            if other is not None and other.id != term.id:
                warnings.append(Warning(term.id, Check.NEAR_DUPLICATE, f"its variant {form.text} is the headword of "
                                                                       f"{other.id}: one of the two should go"))
    return warnings


def _unexpanded(term: Term) -> list[Warning]:
    found = []
    if _NUMBERED.match(term.simplified) and len(term.related) < 2 and not term.variants:
        found.append(Warning(term.id, Check.UNEXPANDED, f"{term.simplified} is a numbered formula: link it to its "
                                                        "parts (related) so a reader can expand it"))
    acronym = term.preferred.text
    if _ACRONYM.match(acronym) and not _spelled_out(acronym, term):
        found.append(Warning(term.id, Check.UNEXPANDED, f"“{term.preferred.text}” is an abbreviation: give the full "
                                                        "name as an admitted rendering"))
    return found


def _spelled_out(acronym: str, term: Term) -> bool:
    """Whether an entry gives an acronym's full form: as an admitted rendering, or spelled out in its
    definition (BRICS: Brazil, Russia, India, China and South Africa)."""
    if any(" " in r.text for r in term.renderings if r.status is Status.ADMITTED):
        return True
    letters = "".join(c for c in acronym if c.isalpha()).upper()
    words = [w for w in re.findall(r"[A-Za-z]+", term.definition) if w.lower() not in _MINOR_WORDS]
    for start in range(len(words)):
        initials = ""
        for word in words[start:]:
            if not word[0].isupper():
                break
            initials += word[0]
            if initials == letters:
                return True
            if not letters.startswith(initials):
                break
    return False
