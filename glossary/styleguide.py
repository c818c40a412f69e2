"""The glossary as a house style guide: what to write, and what not to, grouped by domain.

Editors keep a style guide, not a spreadsheet. Each entry gives the headword (both scripts when
they differ), its pinyin, the rendering to use, the other acceptable ones, and a "do not use"
line for every deprecated or superseded rendering with its years and the replacement. Three
shapes of the same content: Markdown (for wikis and repositories), HTML (one self-contained,
printable page with a table of contents) and Word (.docx, headings in Word's own styles so its
navigation pane and table of contents work).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date
from html import escape

from .pinyin import sort_key
from .terms import Domain, Rendering, Status, Term

__all__ = ["write_markdown", "write_html", "write_docx", "TITLE"]

TITLE = "Style guide: Chinese policy terms in English"


def _sections(terms: Sequence[Term]) -> Iterator[tuple[Domain, list[Term]]]:
    """Domains in the closed list's order, each with its entries in pinyin order."""
    for domain in Domain:
        chosen = sorted((t for t in terms if t.domain is domain), key=lambda t: (sort_key(t.pinyin), t.simplified))
        if chosen:
            yield domain, chosen


def _as_of(terms: Sequence[Term]) -> str:
    dates = [t.updated_at.date() for t in terms if t.updated_at is not None]
    return (max(dates) if dates else date.today()).isoformat()


def _headword(term: Term) -> str:
    return term.simplified if term.traditional in ("", term.simplified) else f"{term.simplified} / {term.traditional}"


def _dont(rendering: Rendering, term: Term) -> str:
    """“community of common destiny” (superseded, 2011-2013): write “community with a shared future”."""
    when = f", {rendering.years}" if rendering.years else ""
    return f"“{rendering.text}” ({rendering.status.value}{when}): write “{term.preferred.text}”"


def _also(term: Term) -> list[str]:
    return [r.text for r in term.english(Status.ADMITTED)]


def _outdated(term: Term) -> list[Rendering]:
    return [r for r in term.renderings if r.status.outdated]


def _anchor(domain: Domain) -> str:
    return f"domain-{domain.value}"


def write_markdown(terms: Sequence[Term]) -> bytes:
    """The style guide as Markdown: a contents list, a section per domain, an entry per concept."""
    lines = [f"# {TITLE}", "", f"As of {_as_of(terms)}; {len(terms)} entries. Use the rendering in bold; "
             "“Do not use” lines give the years an outdated rendering was official.", "", "## Contents", ""]
    sections = list(_sections(terms))
    lines += [f"- [{domain.label}](#{_anchor(domain)}) ({len(chosen)})" for domain, chosen in sections]
    for domain, chosen in sections:
        lines += ["", f'<a id="{_anchor(domain)}"></a>', "", f"## {domain.label}", ""]
        for term in chosen:
            lines.append(f"### {_md(_headword(term))} · {_md(term.pinyin)}")
            lines.append("")
            lines.append(f"- **Use:** {_md(term.preferred.text)}")
            if _also(term):
                lines.append(f"- Also acceptable: {_md('; '.join(_also(term)))}")
            lines += [f"- Do not use: {_md(_dont(r, term))}" for r in _outdated(term)]
            if term.definition:
                lines.append(f"- {_md(term.definition)}")
            lines.append("")
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _md(text: str) -> str:
    """Text safe in Markdown: the characters that would start markup escaped, no raw HTML."""
    text = escape(text, quote=False)
    for char in "\\`*_[]#|":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


_CSS = """
body { font: 16px/1.5 "Noto Serif", Georgia, serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.8rem; } h2 { border-bottom: 1px solid #999; margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .3rem; } h3 .pinyin { font-weight: normal; color: #555; }
dl { margin: 0; } dt { float: left; clear: left; width: 8rem; color: #555; } dd { margin: 0 0 .2rem 8rem; }
.use { font-weight: bold; } .dont { color: #8a1c1c; } .definition { color: #444; }
nav ol { columns: 2; } a { color: #1a4f8a; }
@media print { nav { page-break-after: always; } h2 { page-break-before: always; } h3, dl { page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; } }
@media (max-width: 600px) { dt { float: none; width: auto; } dd { margin-left: 0; } nav ol { columns: 1; } }
"""


def write_html(terms: Sequence[Term]) -> bytes:
    """The style guide as one self-contained HTML page: contents, sections, print styles."""
    sections = list(_sections(terms))
    out = ["<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{escape(TITLE)}</title>",
           f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{escape(TITLE)}</h1>",
           f"<p>As of {_as_of(terms)}; {len(terms)} entries. Use the rendering in bold; “Do not use” lines give "
           "the years an outdated rendering was official.</p>",
           '<nav aria-label="Contents"><h2>Contents</h2><ol>']
    out += [f'<li><a href="#{_anchor(d)}">{escape(d.label)}</a> ({len(c)})</li>' for d, c in sections]
    out.append("</ol></nav>")
    for domain, chosen in sections:
        out.append(f'<section id="{_anchor(domain)}"><h2>{escape(domain.label)}</h2>')
        for term in chosen:
            out.append(f'<h3 id="{escape(term.id)}"><span lang="zh">{escape(_headword(term))}</span> '
                       f'<span class="pinyin" lang="zh-Latn-pinyin">{escape(term.pinyin)}</span></h3><dl>')
            out.append(f'<dt>Use</dt><dd class="use">{escape(term.preferred.text)}</dd>')
            if _also(term):
                out.append(f"<dt>Also acceptable</dt><dd>{escape('; '.join(_also(term)))}</dd>")
            out += [f'<dt>Do not use</dt><dd class="dont">{escape(_dont(r, term))}</dd>' for r in _outdated(term)]
            if term.definition:
                out.append(f'<dt>Meaning</dt><dd class="definition">{escape(term.definition)}</dd>')
            out.append("</dl>")
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def write_docx(terms: Sequence[Term]) -> bytes:
    """The style guide as a Word document: Title, a table-of-contents field (Word fills it in when
    the file opens), Heading 1 per domain and Heading 2 per entry, so the navigation pane lists
    them; "Do not use" lines in red."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    document = docx.Document()
    document.core_properties.title = TITLE
    document.add_heading(TITLE, level=0)
    document.add_paragraph(f"As of {_as_of(terms)}; {len(terms)} entries. Use the rendering in bold; “Do not "
                           "use” lines give the years an outdated rendering was official.")
    # A TOC field; updateFields asks Word to fill it in on opening (LibreOffice does so too).
    paragraph = document.add_paragraph()
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), 'TOC \\o "1-1" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "Contents: update this field (F9) if Word has not filled it in."
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)
    for domain, chosen in _sections(terms):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(domain.label, level=1)
        for term in chosen:
            document.add_heading(f"{_headword(term)}  {term.pinyin}", level=2)
            use = document.add_paragraph()
            use.add_run("Use: ")
            use.add_run(term.preferred.text).bold = True
            if _also(term):
                document.add_paragraph(f"Also acceptable: {'; '.join(_also(term))}")
            for rendering in _outdated(term):
                dont = document.add_paragraph().add_run(f"Do not use: {_dont(rendering, term)}")
                dont.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)
            if term.definition:
                document.add_paragraph(term.definition).runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
