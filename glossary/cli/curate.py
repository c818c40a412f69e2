"""The curator's commands: lint, candidates, coverage."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..candidates import Candidate, Coverage, Document
from ..errors import InvalidInput
from . import cli, open_glossary

#: The columns of ``glossary candidates --csv``: the first seven are what ``glossary import``
#: reads from a client glossary; the rest are there to decide with and are ignored on import.
CANDIDATE_COLUMNS = ("simplified", "pinyin", "english", "domain", "definition", "sources", "note",
                     "count", "documents", "context", "CC-CEDICT gloss (not reviewed)")


@cli.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def lint(ctx: click.Context, file: Path | None) -> None:
    """Check the glossary's content beyond validity: shared or contradictory renderings,
    capitalisation, near-duplicate headwords, undated sources, broken links, unexpanded
    abbreviations. Checks FILE (in the terms.csv format) or, without one, the store.

    Exit status 1 when there is something to look at.

    \b
    Examples:
      glossary lint terms.csv
      glossary lint
    """
    from ..csvio import read_terms
    from ..lint import lint as lint_terms
    from ..validate import Profile

    if file is not None:  # the curated profile: everything terms.csv must meet, reported by line
        try:
            terms = read_terms(file, profile=Profile.CURATED)
        except InvalidInput as error:
            raise InvalidInput(error.problems, done="checked") from error
        warnings = lint_terms(terms)
        where = str(file)
    else:
        store = open_glossary(ctx)
        warnings = store.lint()
        where = "the store"
    for warning in warnings:
        click.echo(str(warning))
    if warnings:
        entries = len({w.term_id for w in warnings})
        click.echo(f"{len(warnings)} warning{'s'[:len(warnings) != 1]} in {entries} "
                   f"entr{'ies' if entries != 1 else 'y'} of {where}", err=True)
        ctx.exit(1)
    click.echo(f"{where}: no warnings", err=True)


def _read(files: Sequence[Path]) -> list[Document]:
    from ..plaintext import read_document

    return [read_document(path) for path in files]


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min-count", default=2, show_default=True, type=click.IntRange(1),
              help="Only phrases that occur at least this often.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="How many candidates at most.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the candidates as a client-glossary CSV to complete and import ('-': stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@click.pass_context
def candidates(ctx: click.Context, files: tuple[Path, ...], min_count: int, limit: int, csv_out: Path | None,
               as_json: bool) -> None:
    """List the phrases of Chinese documents (.txt, .html, .docx) that look like terms and that
    the glossary does not have: recurring, specific to the documents, best first, each with its
    count, two contexts, a suggested pinyin and the CC-CEDICT gloss where there is one.

    \b
    Examples:
      glossary candidates report.docx speech.html
      glossary candidates report.docx --csv new-terms.csv
      glossary import new-terms.csv      # after filling in the English
    """
    found = open_glossary(ctx).candidates(_read(files), min_count=min_count, limit=limit)
    if csv_out is not None:
        data = _candidates_csv(found)
        if str(csv_out) == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            csv_out.write_bytes(data)
            click.echo(f"wrote {len(found)} candidates to {csv_out}; fill in the English (and check the pinyin "
                       f"syllable by syllable), then: glossary import {csv_out}", err=True)
        return
    if as_json:
        click.echo(json.dumps([_candidate_json(c) for c in found], ensure_ascii=False, indent=1))
        return
    if not found:
        click.echo("no new term candidates: every recurring term in these documents is in the glossary", err=True)
    for rank, candidate in enumerate(found, 1):
        click.echo(f"{rank:>3}. {candidate.text}  {candidate.pinyin}  ×{candidate.count}"
                   f"{f' in {candidate.documents} documents' if candidate.documents > 1 else ''}"
                   f"  (termhood {candidate.termhood:g})")
        if candidate.gloss:
            click.echo(f"     CC-CEDICT (not reviewed): {candidate.gloss}")
        for context in candidate.contexts:
            click.echo(f"     {context}  [{context.document}]")


def _candidate_json(candidate: Candidate) -> dict[str, object]:
    return {"text": candidate.text, "count": candidate.count, "documents": candidate.documents,
            "termhood": candidate.termhood, "pinyin_suggested": candidate.pinyin,
            "cc_cedict_gloss": candidate.gloss or None,
            "contexts": [{"document": c.document, "before": c.before, "phrase": c.phrase, "after": c.after}
                         for c in candidate.contexts]}


def _candidates_csv(found: Sequence[Candidate]) -> bytes:
    from ..csvio import excel_csv

    rows = [list(CANDIDATE_COLUMNS)]
    for candidate in found:
        rows.append([candidate.text, candidate.pinyin, "", "", "", "", "", str(candidate.count),
                     str(candidate.documents), " … ".join(str(c) for c in candidate.contexts), candidate.gloss])
    return excel_csv(rows)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--marked", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A curator's list of the documents' real terms, one per line, to check one by one.")
@click.option("--min-count", default=2, show_default=True, type=click.IntRange(1),
              help="Terms and candidates count when they occur at least this often.")
@click.option("--show", default=20, show_default=True, type=click.IntRange(0),
              help="How many found terms and missing candidates to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def coverage(ctx: click.Context, files: tuple[Path, ...], marked: Path | None, min_count: int, show: int,
             as_json: bool) -> None:
    """How much of Chinese documents' terminology the glossary covers: the entries found, the
    term candidates it lacks, and the share covered; with --marked, which of a curator's terms
    it has.

    \b
    Examples:
      glossary coverage report.docx
      glossary coverage report.txt --marked report-terms.txt
    """
    marked_terms = marked.read_text(encoding="utf-8-sig").splitlines() if marked else []
    report = open_glossary(ctx).coverage(_read(files), marked_terms, min_count)
    if as_json:
        click.echo(json.dumps(_coverage_json(report), ensure_ascii=False, indent=1))
        return
    names = ", ".join(path.name for path in files)
    click.echo(f"{names}: {len(report.found)} glossary entries found, {report.recurring} of them at least "
               f"{min_count} times; {len(report.missing)} recurring candidates not in the glossary")
    click.echo(f"candidates covered: {report.share:.0%} ({report.recurring} of "
               f"{report.recurring + len(report.missing)})")
    if report.marked_share is not None:
        covered = sum(1 for _, entry in report.marked if entry)
        click.echo(f"marked terms covered: {report.marked_share:.0%} ({covered} of {len(report.marked)})")
    if show:
        click.echo("found: " + ", ".join(f"{term.simplified} ×{n}" for term, n in report.found[:show]))
        click.echo("missing: " + ", ".join(f"{c.text} ×{c.count}" for c in report.missing[:show]))
        lacking = [term for term, entry in report.marked if not entry]
        if lacking:
            click.echo("marked but not in the glossary: " + ", ".join(lacking))


def _coverage_json(report: Coverage) -> dict[str, object]:
    return {
        "share": round(report.share, 4),
        "marked_share": None if report.marked_share is None else round(report.marked_share, 4),
        "found": [{"id": term.id, "simplified": term.simplified, "count": n} for term, n in report.found],
        "missing": [{"text": c.text, "count": c.count, "termhood": c.termhood} for c in report.missing],
        "marked": [{"term": term, "entry": entry or None} for term, entry in report.marked],
    }
