"""``glossary annotate`` and ``glossary check``: the annotation library from the shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..annotate import AnnotationFormat
from ..check import FindingKind, locate
from ..pinyin import PinyinStyle
from ..terms import Domain
from . import cli, open_glossary


def _read_text(path: str) -> str:
    """A text file (or standard input for "-"), its encoding recognised as for imports."""
    from ..spreadsheet import decode

    if path == "-":
        return sys.stdin.read()
    return decode(_read_bytes(path), path)


def _is_document(path: str) -> bool:
    """Whether a path names a Word document, web page or XLIFF file (not text or standard input)."""
    from ..documents import DocumentKind, kind_of

    return path != "-" and Path(path).suffix.lower() not in ("", ".txt", ".text", ".md") and \
        kind_of(path) is not DocumentKind.TEXT


def _read_bytes(path: str) -> bytes:
    from ..documents import MAX_FILE_BYTES
    from ..errors import InputTooLarge

    size = Path(path).stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputTooLarge(size, MAX_FILE_BYTES)
    return Path(path).read_bytes()


def _write(output: str | None, data: bytes, binary: bool) -> None:
    if output is None or output == "-":
        if binary and sys.stdout.isatty():
            raise click.UsageError("this writes a Word file: give -o FILE.docx (or redirect standard output)")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(output).write_bytes(data)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True), default="-")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write here instead of standard output (needed for a .docx unless redirected).")
@click.option("--format", "fmt", type=click.Choice([f.value for f in AnnotationFormat]), default="html",
              show_default=True, help="Output format of a text (a .docx or .html file keeps its own format; "
                                      "--english writes plain text).")
@click.option("--pinyin", type=click.Choice([s.value for s in PinyinStyle]), default=None,
              help="Pinyin style [default: marks; plain with --english].")
@click.option("--first-only/--every-occurrence", "first_only", default=None,
              help="Annotate only the first occurrence of each term, or every one [default: every one for "
                   "Chinese, the first for --english].")
@click.option("--domain", type=click.Choice([d.value for d in Domain]), help="Only terms of this domain.")
@click.option("--english", is_flag=True,
              help="FILE is English: insert “(中文, pinyin)” after the first occurrence of each rendering "
                   "(a .docx or .html file is recognised by itself).")
@click.option("--across-newlines", is_flag=True,
              help="Match terms broken by a single line break (text extracted from PDF).")
@click.option("--link", metavar="URL", help="Link terms in an annotated web page to their pages: a URL with "
                                            "{id}, e.g. https://glossary.example.org/terms/{id}.")
@click.option("--all-words", is_flag=True,
              help="Gloss every other word too, from CC-CEDICT (marked as the dictionary's, not reviewed).")
@click.pass_context
def annotate(ctx: click.Context, file: str, output: str | None, fmt: str, pinyin: str | None,
             first_only: bool | None, domain: str | None, english: bool, across_newlines: bool,
             link: str | None, all_words: bool) -> None:
    """Mark every glossary term in a text, a web page or a Word document (FILE, or - for standard input).

    A Word document comes back as a Word document with the glosses after the terms, in the
    character style "Glossary Gloss", formatting, tables, headers and footers kept; a web page
    comes back as the same page with the terms marked in its text (ruby for Chinese).

    \b
    Examples:
      glossary annotate statement.txt --format html > statement.html
      echo 维护核心利益 | glossary annotate --format brackets
      glossary annotate speech.txt --all-words > speech.html
      glossary annotate --english draft.txt
      glossary annotate report.docx -o report-annotated.docx
      glossary annotate page.html -o page-annotated.html
    """
    glossary = open_glossary(ctx)
    if _is_document(file):
        from ..documents import annotate_document

        if all_words:
            raise click.UsageError("--all-words glosses texts (.txt or standard input), not Word files or web "
                                   "pages: their glosses stay with the glossary's terms")

        done = annotate_document(glossary, _read_bytes(file), Path(file).name, english=True if english else None,
                                 pinyin=pinyin, first_only=first_only, domain=domain, link=link)
        _write(output, done.data, binary=not done.media_type.startswith("text/"))
        if output not in (None, "-"):
            click.echo(f"{output}: {done.marked} term{'s' if done.marked != 1 else ''} marked "
                       f"({'English' if done.language == 'en' else 'Chinese'})", err=True)
        return
    text = _read_text(file)
    if english:
        result = glossary.annotate_english(text, pinyin=pinyin or "plain",
                                           first_only=True if first_only is None else first_only, domain=domain)
    else:
        result = glossary.annotate(text, format=fmt, pinyin=pinyin or "marks", first_only=bool(first_only),
                                   domain=domain, across_newlines=across_newlines, all_words=all_words)
    _write(output, (result if result.endswith("\n") else result + "\n").encode("utf-8"), binary=False)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--source", type=click.Path(exists=True, dir_okay=False),
              help="The Chinese original (text, .html or .docx): also report its terms whose rendering the "
                   "translation lacks.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="How to write the findings (html: a report page for a reviewer).")
@click.option("--json", "as_json", is_flag=True, help="Write the findings as JSON (same as --format json).")
@click.option("--write-notes", is_flag=True,
              help="XLIFF: write a copy of the file with the findings as notes a CAT tool shows (-o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where the report goes (with --write-notes: the annotated XLIFF).")
@click.pass_context
def check(ctx: click.Context, file: str, source: str | None, fmt: str, as_json: bool, write_notes: bool,
          output: str | None) -> None:
    """Check the terminology of an English translation; exit status 1 when a problem is found.

    FILE is English text, a Word document or web page (findings by paragraph), or an XLIFF 1.2
    or 2.0 file from a CAT tool, checked segment by segment: a source term whose rendering is
    missing, outdated or ruled-out wording, one term rendered two ways in the file.

    Advice (a rendering right for another concept, checked without --source) is listed but
    does not change the exit status.

    \b
    Examples:
      glossary check draft.txt
      glossary check translation.txt --source original-zh.txt
      glossary check draft-en.docx --source original-zh.docx
      glossary check translation.xlf --format html -o report.html
      glossary check translation.xlf --write-notes -o translation-checked.xlf
    """
    from ..documents import DocumentKind, kind_of

    fmt = "json" if as_json else fmt
    store = open_glossary(ctx)
    if file != "-" and kind_of(file) is DocumentKind.XLIFF:
        from ..documents import xliff

        if source is not None:
            raise click.UsageError("an XLIFF file holds its own source: leave out --source")
        report = xliff.check(store, _read_bytes(file), Path(file).name)
        located = report.findings
        if write_notes:
            if output in (None, "-", file):
                raise click.UsageError("--write-notes writes a new XLIFF file: give -o FILE (not the input itself)")
            Path(output).write_bytes(xliff.write_notes(report.document, located))
            click.echo(f"{output}: {len(located)} note{'s' if len(located) != 1 else ''} written on "
                       f"{report.checked} segment pairs", err=True)
        elif fmt == "html":
            _write(output, xliff.report_html(report, Path(file).name).encode("utf-8"), binary=False)
        else:
            _report(located, Path(file).name, fmt, output)
    elif write_notes:
        raise click.UsageError("--write-notes is for XLIFF files; for a Word file or text, read the report")
    elif _is_document(file) or (source is not None and _is_document(source)):
        from ..documents import check_document

        located = check_document(store, _read_bytes(file) if file != "-" else sys.stdin.buffer.read(),
                                 Path(file).name if file != "-" else "-.txt",
                                 _read_bytes(source) if source else None, Path(source).name if source else None)
        if fmt == "html":
            raise click.UsageError("--format html is for XLIFF files; use text or json")
        _report(located, Path(file).name, fmt, output, Path(source).name if source else None)
    else:
        _check_text(ctx, store, file, source, fmt, output)
        return
    if any(item.finding.kind.is_error for item in located):
        ctx.exit(1)


def _report(located: list[Any], name: str, fmt: str, output: str | None, source_name: str | None = None) -> None:
    if fmt == "json":
        text = json.dumps([item.to_dict() for item in located], ensure_ascii=False, indent=2) + "\n"
    else:
        text = "".join(f"{source_name if item.in_source and source_name else name}: {item.where}: "
                       f"{item.finding.kind.value}: {item.finding.message}\n" for item in located)
    _write(output, text.encode("utf-8"), binary=False)


def _check_text(ctx: click.Context, store: Any, file: str, source: str | None, fmt: str,
                output: str | None) -> None:
    text = _read_text(file)
    original = _read_text(source) if source is not None else None
    findings = store.check(text, source=original)
    if fmt == "html":
        raise click.UsageError("--format html is for XLIFF files; use text or json")
    if fmt == "json":
        out = json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"
    else:
        lines = []
        for finding in findings:
            in_source = finding.kind is FindingKind.MISSING and original is not None and source is not None
            line, column = locate(original if in_source and original is not None else text, finding.start)
            name = source if in_source and source is not None else ("<stdin>" if file == "-" else file)
            lines.append(f"{name}:{line}:{column}: {finding.kind.value}: {finding.message}\n")
        out = "".join(lines)
    _write(output, out.encode("utf-8"), binary=False)
    if any(finding.kind.is_error for finding in findings):
        ctx.exit(1)
