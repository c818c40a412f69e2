"""``glossary annotate`` and ``glossary check``: the annotation library from the shell."""

from __future__ import annotations

import json
import sys
from typing import IO

import click

from ..annotate import AnnotationFormat
from ..check import FindingKind, locate
from ..pinyin import PinyinStyle
from ..terms import Domain
from . import cli, open_glossary


def _read(source: IO[str]) -> str:
    return source.read()


@cli.command()
@click.argument("file", type=click.File("r", encoding="utf-8-sig"), default="-")
@click.option("--format", "fmt", type=click.Choice([f.value for f in AnnotationFormat]), default="html",
              show_default=True, help="Output format (Chinese text; --english always writes plain text).")
@click.option("--pinyin", type=click.Choice([s.value for s in PinyinStyle]), default=None,
              help="Pinyin style [default: marks; plain with --english].")
@click.option("--first-only/--every-occurrence", "first_only", default=None,
              help="Annotate only the first occurrence of each term, or every one [default: every one for "
                   "Chinese, the first for --english].")
@click.option("--domain", type=click.Choice([d.value for d in Domain]), help="Only terms of this domain.")
@click.option("--english", is_flag=True,
              help="FILE is English: insert “(中文, pinyin)” after the first occurrence of each rendering.")
@click.option("--across-newlines", is_flag=True,
              help="Match terms broken by a single line break (text extracted from PDF).")
@click.option("--all-words", is_flag=True,
              help="Gloss every other word too, from CC-CEDICT (marked as the dictionary's, not reviewed).")
@click.pass_context
def annotate(ctx: click.Context, file: IO[str], fmt: str, pinyin: str | None, first_only: bool | None,
             domain: str | None, english: bool, across_newlines: bool, all_words: bool) -> None:
    """Mark every glossary term in a text (FILE, or - for standard input).

    \b
    Examples:
      glossary annotate statement.txt --format html > statement.html
      echo 维护核心利益 | glossary annotate --format brackets
      glossary annotate speech.txt --all-words > speech.html
      glossary annotate --english draft.txt
    """
    text = _read(file)
    glossary = open_glossary(ctx)
    if english:
        result = glossary.annotate_english(text, pinyin=pinyin or "plain",
                                           first_only=True if first_only is None else first_only, domain=domain)
    else:
        result = glossary.annotate(text, format=fmt, pinyin=pinyin or "marks", first_only=bool(first_only),
                                   domain=domain, across_newlines=across_newlines, all_words=all_words)
    sys.stdout.write(result if result.endswith("\n") else result + "\n")


@cli.command()
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--source", type=click.File("r", encoding="utf-8-sig"),
              help="The Chinese original: also report its terms whose rendering the translation lacks.")
@click.option("--json", "as_json", is_flag=True, help="Write the findings as JSON.")
@click.pass_context
def check(ctx: click.Context, file: IO[str], source: IO[str] | None, as_json: bool) -> None:
    """Check the terminology of an English text; exit status 1 when a problem is found.

    Advice (a rendering right for another concept, checked without --source) is listed but
    does not change the exit status.

    \b
    Examples:
      glossary check draft.txt
      glossary check translation.txt --source original-zh.txt
    """
    text = _read(file)
    original = _read(source) if source is not None else None
    findings = open_glossary(ctx).check(text, source=original)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            in_source = finding.kind is FindingKind.MISSING and original is not None and source is not None
            line, column = locate(original if in_source and original is not None else text, finding.start)
            name = source.name if in_source and source is not None else file.name
            click.echo(f"{name}:{line}:{column}: {finding.kind.value}: {finding.message}")
    if any(finding.kind.is_error for finding in findings):
        ctx.exit(1)
