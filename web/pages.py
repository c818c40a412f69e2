"""HTML pages: search, term, browse, annotate, export. Each works without JavaScript."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import BadRequest

from glossary import Domain, InputTooLarge, PinyinStyle, Status
from glossary.errors import GlossaryError, NothingToExport
from glossary.check import findings_csv
from glossary.formats import EXPORTS
from glossary.pinyin import is_hanzi, sort_key

from . import annotation
from .limits import costly
from glossary.dictionary_index import attribution

from .store import store
from .safehtml import clean
from .views import dictionary_results

bp = Blueprint("pages", __name__)

EXAMPLES = ["mingyun gongtongti", "命運共同體", "community of common destiny", "yi4dai4 yi1lu4", "e:partnership"]


def domain_arg() -> Domain | None:
    value = request.values.get("domain") or None
    try:
        return Domain(value) if value else None
    except ValueError:
        raise BadRequest(f"unknown domain {value!r}; choose one of {', '.join(d.value for d in Domain)}") from None


def suggestions(query: str, domain: Domain | None) -> list[tuple[str, str, int]]:
    """(query, why, how many it finds) for other searches worth trying when one finds nothing:
    only those that do find something."""
    text = query.strip()
    body = text[2:].strip() if text[:2].lower() in ("c:", "p:", "e:") else text
    candidates: list[tuple[str, str]] = []
    if body != text:
        candidates.append((body, "without the field prefix"))
    if any(is_hanzi(c) for c in body):
        if len(body) > 2:
            candidates += [(body[:2], "the first two characters"), (body[-2:], "the last two characters")]
    else:
        toneless = "".join(c for c in unicodedata.normalize("NFD", body) if not unicodedata.combining(c))
        toneless = "".join(c for c in toneless if not c.isdigit())
        if toneless != body and toneless.strip():
            candidates.append((toneless, "pinyin without tones"))
        words = [w for w in body.split() if len(w) > 2]
        if len(words) > 1:
            candidates += [(f"e:{word}", "one English word") for word in sorted(words, key=len, reverse=True)[:2]]
    offered: list[tuple[str, str, int]] = []
    for candidate, why in dict.fromkeys(candidates):
        found = len(store().search(candidate, limit=current_app.config["SEARCH_LIMIT"], domain=domain))
        if found:
            offered.append((candidate, why, found))
    return offered[:4]


@bp.get("/")
def home() -> str:
    query = request.args.get("q", "")[: current_app.config["MAX_QUERY_LENGTH"]]
    domain = domain_arg()
    results = store().search(query, limit=current_app.config["SEARCH_LIMIT"], domain=domain) if query.strip() else []
    dictionary = dictionary_results(store(), query, domain, results)
    empty = bool(query.strip()) and not results
    return render_template("home.html", query=query, domain=domain, results=results, dictionary=dictionary,
                           dictionary_source=attribution() if dictionary else None,
                           nearest=store().did_you_mean(query) if empty and not dictionary else [],
                           suggestions=suggestions(query, domain) if empty and not dictionary else [],
                           examples=EXAMPLES)


@bp.get("/terms/<term_id>")
def term(term_id: str) -> str:
    found = store().get(term_id)
    related = {t.id: t for t in store().get_many(list(found.related))}
    return render_template("term.html", term=found, related=related,
                           permalink=url_for("pages.term", term_id=found.id, _external=True))


@bp.get("/browse")
def browse() -> str:
    domain = domain_arg()
    letter = (request.args.get("letter") or "").upper()[:1]
    page = request.args.get("page", "1")
    page_number = int(page) if page.isascii() and page.isdigit() and int(page) > 0 else 1
    size = current_app.config["BROWSE_PAGE_SIZE"]
    listed: list[Any] = []
    in_domain = store().terms(domain)
    letters = sorted({initial(t) for t in in_domain})  # only letters that have entries
    if domain or letter:
        chosen = [t for t in in_domain if initial(t) == letter] if letter else in_domain
        listed = sorted(chosen, key=lambda t: (sort_key(t.pinyin), t.simplified))  # zhen before zheng
    pages = max(1, -(-len(listed) // size))
    shown = listed[(page_number - 1) * size: page_number * size]
    counts = store().info()["domains"]
    return render_template("browse.html", domain=domain, letter=letter, terms=shown, total=len(listed),
                           page=page_number, pages=pages, counts=counts, letters=letters)


def initial(term: Any) -> str:
    """The letter a term is listed under from A to Z: its pinyin's first letter."""
    return str(term.pinyin_as(PinyinStyle.PLAIN)[:1].upper())


def _read_upload() -> str | None:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    data: bytes = upload.read()
    if len(data) > current_app.config["MAX_TEXT_BYTES"]:
        raise InputTooLarge(len(data), current_app.config["MAX_TEXT_BYTES"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise BadRequest(f"cannot tell the encoding of {upload.filename}; save it as UTF-8") from None
        return str(best)


DOWNLOAD = {"html": ("text/html", "html"), "brackets": ("text/plain", "txt"), "markdown": ("text/markdown", "md"),
            "json": ("application/json", "json"), "text": ("text/plain", "txt")}


def text_limit() -> dict[str, int]:
    """The annotation limit as users count it: bytes of UTF-8, Chinese characters (3 bytes each)
    and Latin ones (1 byte each)."""
    limit = int(current_app.config["MAX_TEXT_BYTES"])
    return {"bytes": limit, "chinese": limit // 3, "latin": limit,
            "file_bytes": int(current_app.config["MAX_FILE_BYTES"])}


def too_long(size: int, text: str) -> str:
    """What to tell someone whose text is over the limit, in characters."""
    limit = text_limit()
    parts = -(-size // limit["bytes"])
    return (f"This text is {len(text):,} characters ({size:,} bytes); the limit is {limit['bytes']:,} bytes, "
            f"about {limit['chinese']:,} Chinese or {limit['latin']:,} English characters. "
            f"Split it into {parts} parts and annotate them one by one.")


@bp.route("/annotate", methods=["GET", "POST"])
@costly
def annotate() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("annotate.html", text="", source="", options=annotation.AnnotateOptions(), result=None,
                               limit=text_limit())
    options = annotation.read_options(request.form, from_form=True)
    source = options.source or ""
    link = url_for("pages.term", term_id="-", _external=True)[:-1] + "{id}"
    upload = request.files.get("file")
    if upload is not None and upload.filename and not upload.filename.lower().endswith(".txt"):
        try:
            done = annotation.annotate_file(store(), annotation.upload_bytes(upload), upload.filename, options,
                                            current_app.config["MAX_TEXT_BYTES"], link,
                                            notes=request.form.get("notes") in ("1", "on", "true"))
        except InputTooLarge as error:
            return render_template("annotate.html", text="", source=source, options=options, limit=text_limit(),
                                   result=None, problem=f"{upload.filename}: {error}"), 413
        except GlossaryError as error:  # not a file we read, or a damaged one: say which and why
            return render_template("annotate.html", text="", source=source, options=options, limit=text_limit(),
                                   result=None, problem=str(error)), 400
        return annotation.attachment(done.data, done.media_type, done.filename)
    try:
        text = _read_upload() or request.form.get("text", "")
    except InputTooLarge as error:
        return render_template("annotate.html", text="", source=source, options=options, limit=text_limit(),
                               result=None, problem=too_long(error.size, "x" * error.size).replace(
                                   f"This text is {error.size:,} characters ({error.size:,} bytes)",
                                   f"This file is {error.size:,} bytes")), 413

    def page(status: int = 200, **values: Any) -> tuple[str, int]:
        return render_template("annotate.html", text=text, source=source, options=options, limit=text_limit(),
                               **{"result": None, **values}), status

    if not text.strip():
        return page(problem="Paste a text or choose a .txt file first.")
    try:
        result = annotation.annotate(store(), text, options, current_app.config["MAX_TEXT_BYTES"], link=link)
    except InputTooLarge as error:  # the text stays in the box, with the limit next to it
        return page(413, problem=too_long(error.size, text + source))
    action = request.form.get("action")
    if action == "download-findings":
        report = findings_csv(result["findings_raw"], text, options.source, link)
        return Response(report, mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="terminology-findings.csv"'})
    if action == "download":
        media_type, extension = DOWNLOAD[result["format"]]
        body = result["result"]
        if result["format"] == "html":  # a whole document that looks right opened from disk
            body = render_template("annotated-document.html", result=result, body=clean(body),
                                   site=url_for("pages.home", _external=True))
        return Response(body, mimetype=media_type,
                        headers={"Content-Disposition": f'attachment; filename="annotated.{extension}"'})
    shown = clean(result["result"]) if result["format"] == "html" else None
    return page(result=result, shown=shown)


def export_page(code: int = 200, **values: Any) -> tuple[str, int]:
    info = store().info()
    return render_template("export.html", formats=list(EXPORTS.values()), counts=info["domains"],
                           total=info["terms"], **values), code


@bp.get("/export")
def export() -> tuple[str, int]:
    return export_page()


@bp.get("/export/download")
def export_download() -> Response | tuple[str, int]:
    """The export form's target: the file, or the page again saying that the filter matches nothing."""
    name = request.args.get("format", "")
    if name not in EXPORTS:
        raise BadRequest(f"format must be one of {', '.join(EXPORTS)}, not {name!r}")
    chosen = EXPORTS[name]
    domain = domain_arg()
    status_value = request.args.get("status") or None
    try:
        status = Status(status_value) if status_value else None
    except ValueError:
        raise BadRequest(f"status must be one of {', '.join(s.value for s in Status)}, not {status_value!r}") from None
    try:
        body = store().export(name, domain=domain, status=status)
    except NothingToExport as error:
        message = str(error)
        return export_page(200, problem=message[:1].upper() + message[1:], domain=domain, status=status)
    filename = "-".join(["glossary"] + [v.value for v in (domain, status) if v]) + f".{chosen.extension}"
    return Response(body, mimetype=chosen.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/api")
def api_docs() -> str:
    return render_template("api.html", info=store().info())


@bp.get("/about")
def about() -> str:
    info = store().info()
    families = sorted(((Domain(name), count) for name, count in info["domains"].items()), key=lambda pair: -pair[1])
    return render_template("about.html", info=info, families=families)

