"""How much of real official documents' terminology the glossary covers, before and after.

For each document listed in ``bench/coverage/documents.csv`` (Government Work Reports, a party
congress report, MFA and Taiwan Affairs Office press conferences, joint statements, white papers,
speeches, plenum communiqués, Qiushi), a curator marked the real policy terms in
``bench/coverage/marked/<file>.txt``. This prints, per document and per set, the share of those
terms the glossary covers (an entry whose form is the whole term), with the glossary as it was
before the 1,200-concept work (``--before``, a git revision of terms.csv) and as it is now.

The ``dev`` set is the one whose gaps the curators filled (as a curator would: run ``glossary
coverage``, add what is missing); the ``heldout`` set was marked without looking at the glossary
and no entries were added for it, so it measures the glossary on text it has not been fitted to.

The documents' texts are third-party copies and are not kept in this repository; their URLs are
in documents.csv. With ``--texts DIR`` holding them as ``<file>.txt``, it also prints the share of
recurring term candidates covered, as ``glossary coverage`` computes it.

    python bench/coverage.py [--before d11f5f8^] [--texts DIR]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import glossary  # noqa: E402
from glossary.candidates import Document  # noqa: E402
from glossary.csvio import read_terms  # noqa: E402

DATA = ROOT / "bench" / "coverage"
#: terms.csv as it was before the content work of issue 14 (227 concepts).
BEFORE = "d11f5f8^"


def store_at(revision: str | None) -> glossary.Glossary:
    """An in-memory store of terms.csv at a git revision (None: the working tree)."""
    store = glossary.open("sqlite://", seed=False)
    if revision is None:
        terms = read_terms(ROOT / "terms.csv")
    else:
        data = subprocess.run(["git", "show", f"{revision}:terms.csv"], cwd=ROOT, check=True,
                              capture_output=True).stdout.decode("utf-8")
        import io

        terms = read_terms(io.StringIO(data), name=f"terms.csv@{revision}")
    store.import_terms(terms)
    return store


def text_of(path: Path) -> str:
    """A saved document without its header lines (``# title: …``)."""
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("# "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help="git revision of terms.csv to compare with")
    parser.add_argument("--texts", type=Path, help="folder with the documents' texts as <file>.txt")
    args = parser.parse_args()
    before, after = store_at(args.before), store_at(None)
    print(f"glossary before ({args.before}): {before.count():,} concepts; now: {after.count():,}")
    with (DATA / "documents.csv").open(encoding="utf-8", newline="") as handle:
        documents = list(csv.DictReader(handle))
    totals: dict[str, list[int]] = {}
    header = f"{'set':<8} {'document':<34} {'kind':<26} {'marked':>6}  {'before':>7} {'after':>7}"
    if args.texts:
        header += f"  {'candidates before → after':>26}"
    print(header)
    for row in documents:
        marked = [t for t in (DATA / "marked" / f"{row['file']}.txt").read_text(encoding="utf-8").splitlines() if t]
        reports = [store.coverage([], marked) for store in (before, after)]
        covered = [sum(1 for _, entry in r.marked if entry) for r in reports]
        total = totals.setdefault(row["set"], [0, 0, 0])
        total[0] += len(marked)
        total[1] += covered[0]
        total[2] += covered[1]
        line = (f"{row['set']:<8} {row['file']:<34} {row['kind']:<26} {len(marked):>6}  "
                f"{covered[0] / len(marked):>7.0%} {covered[1] / len(marked):>7.0%}")
        text_file = args.texts / f"{row['file']}.txt" if args.texts else None
        if text_file is not None and text_file.exists():
            document = Document(row["file"], text_of(text_file))
            shares = [store.coverage([document]).share for store in (before, after)]
            line += f"  {shares[0]:>13.0%} → {shares[1]:.0%}"
        print(line)
    for name, (marked_count, was, now) in totals.items():
        print(f"{name}: {marked_count} marked terms; covered before {was} ({was / marked_count:.0%}), "
              f"now {now} ({now / marked_count:.0%})")


if __name__ == "__main__":
    main()
