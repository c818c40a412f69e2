"""Commands over the store: lookup, import, export, info."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..gcpause import collector_paused
from ..formats import EXPORTS, IMPORTS, detect_import_format, export_format, import_format
from ..pinyin import PinyinStyle
from ..store import Conflict, ImportReport
from ..terms import Domain, Status, Term
from ..timing import recording, step
from . import Failure, cli, open_glossary
from .progress import Progress


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the term records as JSON.")
@click.option("--pinyin", "style", type=click.Choice([s.value for s in PinyinStyle]), default="marks",
              show_default=True, help="Pinyin style in the text output.")
@click.option("--domain", type=click.Choice([d.value for d in Domain]), help="Only terms of this domain.")
@click.option("--limit", default=10, show_default=True, help="How many results at most.")
@click.option("--dictionary/--no-dictionary", default=True, show_default=True,
              help="After the glossary's terms, CC-CEDICT's entries (not reviewed; none with --domain).")
@click.pass_context
def lookup(ctx: click.Context, query: str, as_json: bool, style: str, domain: str | None, limit: int,
           dictionary: bool) -> None:
    """Find terms by hanzi, pinyin (any form) or English; c:, p:, e: force the field. Entries of
    the CC-CEDICT dictionary follow, marked as not reviewed.

    \b
    Examples:
      glossary lookup "mingyun gongtongti"
      glossary lookup 命運共同體
      glossary lookup "community of common destiny"
      glossary lookup e:partnership --json
    """
    glossary = open_glossary(ctx)
    terms = glossary.lookup(query, limit=limit, domain=domain)
    found = glossary.dictionary_search(query, limit=limit, curated=terms) if dictionary and not domain else []
    if as_json:  # the glossary's records, then the dictionary's, each with "source": "cc-cedict"
        click.echo(json.dumps([t.to_dict() for t in terms] + [r.to_dict() for r in found], ensure_ascii=False,
                              indent=2))
        return
    if not terms and not found:
        raise Failure(f"nothing found for {query!r}; try pinyin without tones, the other "
                                   "script, or an English word")
    for term in terms:
        click.echo(_line(term, PinyinStyle(style)))
    if found:
        from ..dictionary_index import LABEL, attribution

        source = attribution()
        click.echo(f"{'' if not terms else chr(10)}{LABEL} (CC BY-SA 4.0, MDBG, release {source['release']}):")
        for result in found:
            chinese = result.simplified if result.traditional == result.simplified else \
                f"{result.simplified} ({result.traditional})"
            click.echo(f"{chinese}  {result.pinyin_as(style)}  {'; '.join(result.glosses[:4])}  [CC-CEDICT]")


def _line(term: Term, style: PinyinStyle) -> str:
    chinese = term.simplified if term.traditional == term.simplified else f"{term.simplified} ({term.traditional})"
    line = f"{chinese}  {term.pinyin_as(style)}  “{term.preferred.text}”  [{term.domain.value}]  {term.id}"
    hit = term.hit
    if hit is not None and hit.status is not None and hit.status.outdated:
        line += f"\n    note: “{hit.text}” is {hit.status.value} — now “{term.preferred.text}”"
    return line


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(IMPORTS)), help="Input format (default: from the extension).")
@click.option("--on-conflict", type=click.Choice([c.value for c in Conflict]), default="report", show_default=True,
              help="When an id exists with other content: stop and report, keep the stored one, or replace it.")
@click.option("--map", "mapping", help='Column mapping for spreadsheets, e.g. "Chinese=simplified,English=english".')
@click.option("--dry-run", is_flag=True, help="Validate and list what would change; write nothing.")
@click.option("--withdraw-missing", is_flag=True,
              help="Withdraw stored entries the file does not hold (the file is the whole glossary).")
@click.option("--author", default=lambda: os.environ.get("USER", ""), show_default="$USER",
              help="Who makes the change (kept in each entry's history).")
@click.option("--comment", default="", help="Why (kept in each entry's history).")
@click.option("--timings", is_flag=True, help="Print on stderr how long each step took.")
@click.pass_context
def import_(ctx: click.Context, file: Path, fmt: str | None, on_conflict: str, mapping: str | None,
            dry_run: bool, withdraw_missing: bool, author: str, comment: str, timings: bool) -> None:
    """Import terms from a file; every row is validated and nothing is written unless all are valid.
    Each entry's change is listed and kept in its history.

    \b
    Examples:
      glossary import terms.csv --dry-run
      glossary import terms.csv --on-conflict replace --comment "reviewed batch 12"
    """
    # the process ends after the import: its objects are left to the exit, not collected on the way
    with recording() as steps, collector_paused(for_good=True):
        _import(ctx, file, fmt, on_conflict, mapping, dry_run, withdraw_missing, author, comment)
    if timings:
        click.echo(steps.summary(), err=True)


def _import(ctx: click.Context, file: Path, fmt: str | None, on_conflict: str, mapping: str | None,
            dry_run: bool, withdraw_missing: bool, author: str, comment: str) -> None:
    progress = Progress()  # from now: the couple of seconds before a bar appears count the whole import
    chosen = import_format(fmt) if fmt else detect_import_format(file)
    with step("open store"):
        glossary = open_glossary(ctx)
        # stored: readers match spreadsheet rows and TBX entries to stored entries by headword
        options: dict[str, object] = {"map": mapping} if mapping else {}
    options.update(stored=_StoredTerms(glossary), progress=progress.phase("reading"))
    try:
        with step("read file"):
            terms = chosen.read(file, options)
        if dry_run:
            report = glossary.import_terms(terms, on_conflict=on_conflict, dry_run=True, prune=withdraw_missing)
        else:
            report = glossary.import_terms(terms, on_conflict=on_conflict, progress=progress.phase("writing"),
                                           prune=withdraw_missing, author=author, comment=comment,
                                           origin=f"import: {file.name}")
    finally:
        progress.close()
    _list_changes(report)
    click.echo(str(report))


class _StoredTerms:
    """The store's entries, read when a reader first asks: a terms.csv file never does, and
    reading them builds the annotation snapshot, which the import would then rebuild (4 s after
    a 117k-entry import) for a process about to exit."""

    def __init__(self, glossary: Any) -> None:
        self._glossary = glossary

    def __iter__(self) -> Iterator[Term]:
        return iter(self._glossary.terms())


def _list_changes(report: ImportReport, most: int = 50) -> None:
    """Each entry's change (``update core-interests (definition, sources)``), the first ``most``."""
    for change in report.changes[:most]:
        click.echo(f"  {change}")
    if len(report.changes) > most:
        click.echo(f"  … and {len(report.changes) - most} more")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORTS)), default="csv", show_default=True,
              help="Export format.")
@click.option("--excel", is_flag=True, help="CSV for Excel: UTF-8 with a BOM (same as --format csv-excel).")
@click.option("--domain", type=click.Choice([d.value for d in Domain]), help="Only terms of this domain.")
@click.option("--status", type=click.Choice([s.value for s in Status]),
              help="Only terms that have a rendering of this status.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (default: stdout).")
@click.pass_context
def export(ctx: click.Context, fmt: str, excel: bool, domain: str | None, status: str | None,
           output: Path | None) -> None:
    """Export terms in a stable order.

    \b
    Examples:
      glossary export -o terms-export.csv
      glossary export --excel --domain diplomacy -o diplomacy.csv
    """
    name = "csv-excel" if excel and fmt == "csv" else fmt
    data = open_glossary(ctx).export(export_format(name).name, domain=domain, status=status)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("term_id")
@click.pass_context
def history(ctx: click.Context, term_id: str) -> None:
    """Show every revision of an entry: when, what, who, why and from where.

    \b
    Example:
      glossary history core-interests
    """
    from ..edits import changed_columns

    revisions = open_glossary(ctx).history(term_id)
    if not revisions:
        raise Failure(f"no history for {term_id!r}; look the entry up to find its id")
    for revision in revisions:
        what = revision.action.value
        if revision.before is not None and revision.after is not None:
            what += f" ({', '.join(changed_columns(revision.before, revision.after)) or 'dates'})"
        who = f" by {revision.author}" if revision.author else ""
        why = f": {revision.comment}" if revision.comment else ""
        where = f" [{revision.origin}]" if revision.origin else ""
        click.echo(f"{revision.at:%Y-%m-%d %H:%M}  v{revision.version}  {what}{who}{why}{where}")


@cli.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show where the store is and what it holds.

    \b
    Example:
      glossary info
    """
    details = open_glossary(ctx).info()
    click.echo(f"store:    {details['url']}")
    click.echo(f"terms:    {details['terms']}")
    for domain, count in sorted(details["domains"].items()):
        click.echo(f"  {domain:<20}{count}")
    click.echo(f"revision: {details['revision']}")
