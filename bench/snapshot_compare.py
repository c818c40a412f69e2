"""Annotation results as digests, to compare two versions of the code (issue 16: the snapshot's
entries held packed must give the same results as Term objects did).

Run it with each version's own Python on copies of one store, then compare the two files:

    .venv/bin/python bench/snapshot_compare.py --out /tmp/new.txt      # in each tree
    diff /tmp/old.txt /tmp/new.txt                                      # 0 differences: no output

Cases (all on the ~117k-entry CC-CEDICT store, bench/results/cedict.sqlite3, copied first since
the second half writes): Chinese texts made of headwords, traditional forms, variants and
filler, annotated in every format and pinyin style, first only or not, across line breaks,
per domain, and as ``find``'s matches (text, form, term); English texts made of renderings
(current and outdated) annotated and checked, with and without a Chinese source; an XLIFF file
checked; every entry exported (``Glossary.terms``) and looked up in the snapshot. Then writes
(changed, added and withdrawn entries: the patched matchers) and all of it again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import glossary
from glossary.csvio import write_terms
from glossary.documents import xliff
from glossary.terms import Domain, Rendering, Status

BENCH = Path(__file__).resolve().parent
FILLER = "的在了和是我们要进一步，。、；：“”‘’（）\n"


def digest(value: Any) -> str:
    data = value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                              default=str).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def chinese_texts(terms: list[glossary.Term], pick: random.Random, count: int, size: int) -> list[str]:
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(size):
            term = pick.choice(terms)
            forms = [term.simplified, term.traditional] + [f.text for f in term.variants]
            parts.append(pick.choice(forms))
            parts.append("".join(pick.choice(FILLER) for _ in range(pick.randrange(0, 3))))
        texts.append("".join(parts))
    return texts


def english_texts(terms: list[glossary.Term], pick: random.Random, count: int, size: int) -> list[str]:
    words = ["the", "we", "will", "and", "of", "build", "a", "in", "policy", ",", ".", ";"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(size):
            term = pick.choice(terms)
            parts.append(pick.choice(term.renderings).text)
            parts += pick.sample(words, pick.randrange(1, 4))
        texts.append(" ".join(parts))
    return texts


def xliff_file(pairs: list[tuple[str, str]]) -> bytes:
    units = "".join(f'<trans-unit id="{n}"><source>{escape(zh)}</source><target>{escape(en)}</target></trans-unit>'
                    for n, (zh, en) in enumerate(pairs, 1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            f'<file original="x" source-language="zh-CN" target-language="en-US" datatype="plaintext"><body>{units}'
            f'</body></file></xliff>').encode()


def run_cases(store: glossary.Glossary, label: str, out: list[str], seed: int) -> None:
    pick = random.Random(seed)
    terms = store.terms()
    out.append(f"{label} export {len(terms)} {digest(write_terms(terms))}")
    out.append(f"{label} export-dicts {digest([t.to_dict() for t in terms[::97]])}")
    snapshot = store.annotation.snapshot()
    ids = [t.id for t in terms]
    out.append(f"{label} ids {digest(list(snapshot.terms))} {len(snapshot.terms)}")
    sample = pick.sample(ids, 500) + ["no-such-entry"]
    out.append(f"{label} lookups {digest([snapshot.terms[i].to_dict() if i in snapshot.terms else None for i in sample])}")
    domains = [None, Domain.GENERAL, Domain.PLACES, Domain.DIPLOMACY]
    for number, text in enumerate(chinese_texts(terms, pick, 60, 40) + chinese_texts(terms, pick, 2, 20000)):
        for fmt in ("html", "brackets", "markdown", "json"):
            for style in ("marks", "plain", "numbers"):
                first = (number + len(style)) % 3 == 0
                result = store.annotate(text, format=fmt, pinyin=style, first_only=first,
                                        domain=domains[number % len(domains)], across_newlines=number % 5 == 0)
                out.append(f"{label} zh {number} {fmt} {style} {first} {digest(result)}")
        matches = store.find(text, across_newlines=number % 2 == 0)
        out.append(f"{label} find {number} {len(matches)} "
                   f"{digest([(m.start, m.end, m.text, m.form.value, m.term.id) for m in matches])}")
    pieces_texts = chinese_texts(terms, pick, 20, 30)
    from glossary.annotate import pieces
    matcher = snapshot.matcher()
    seen: set[str] = set()
    out.append(f"{label} pieces {digest([[repr(p) for p in pieces(t, matcher, first_only=True, seen=seen)] for t in pieces_texts])}")
    sources = chinese_texts(terms, pick, 40, 10)
    for number, text in enumerate(english_texts(terms, pick, 40, 30) + english_texts(terms, pick, 1, 5000)):
        source = sources[number % len(sources)] if number % 2 else None
        findings = store.check(text, source)
        out.append(f"{label} check {number} {len(findings)} {digest([f.to_dict() for f in findings])}")
        for fmt in ("text", "html"):
            result = store.annotate_english(text, format=fmt, source=source, first_only=number % 3 != 0,
                                            domain=domains[number % len(domains)])
            out.append(f"{label} en {number} {fmt} {digest(result)}")
    pairs = list(zip(sources, english_texts(terms, pick, 40, 8)))
    report = xliff.check(store, xliff_file(pairs), "x.xlf")
    out.append(f"{label} xliff {len(report.findings)} "
               f"{digest([(item.finding.to_dict(), item.where) for item in report.findings])} {digest(report.headwords)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=BENCH / "results" / "cedict.sqlite3")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--skip-base", action="store_true", help="only the cases after the writes")
    options = parser.parse_args()
    # writes date entries now: both runs must write the same times for the records to compare
    import glossary.repository as repository_module

    class Fixed(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return datetime(2026, 12, 6, 12, 0, 0, 123456, tzinfo=tz)

    repository_module.datetime = Fixed  # type: ignore[misc]
    work = options.out.with_suffix(".sqlite3")
    shutil.copyfile(options.store, work)
    store = glossary.open(f"sqlite:///{work}", seed=False)
    out: list[str] = []
    if not options.skip_base:
        run_cases(store, "base", out, 1)
    # writes: entries changed (a new rendering, a new variant), added and withdrawn
    pick = random.Random(7)
    terms = store.terms()
    def put(term: glossary.Term) -> None:
        try:
            store.put(term)
        except glossary.InvalidInput as error:  # the same on both sides: recorded, not fatal
            out.append(f"refused {term.id} {str(error).splitlines()[-1]}")

    for term in pick.sample(terms, 30):
        put(replace(term, renderings=term.renderings + (Rendering(f"policy {term.id} phrase", Status.DEPRECATED),),
                          variants=term.variants + (glossary.Form(term.simplified + "组", glossary.FormKind.SHORT,
                                                                  term.pinyin + " zǔ"),)))
    for term in pick.sample(terms, 10):
        store.withdraw(term.id)
    for number in range(10):
        model = pick.choice(terms)
        put(replace(model, id=f"zz-new-{number}", simplified=model.simplified + "试区",
                          traditional=model.traditional + "試區", pinyin=model.pinyin + " shìqū", variants=(),
                          version=None, renderings=(Rendering(f"new zone {number}", Status.PREFERRED),)))
    run_cases(store, "patched", out, 2)
    options.out.write_text("\n".join(out) + "\n")
    print(f"{len(out)} digests written to {options.out}", file=sys.stderr)
    work.unlink()


if __name__ == "__main__":
    main()
