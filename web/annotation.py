"""One annotation request, shared by the annotate page and ``POST /api/v1/annotate``.

It checks the options and the size, detects the language and calls the library: Chinese text
goes to ``Glossary.annotate``; English text to ``Glossary.check`` (with the Chinese original,
``source``, when given) and ``Glossary.annotate_english``, which marks the findings in the text.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response
from werkzeug.exceptions import BadRequest

from glossary import AnnotationFormat, Domain, Glossary, PinyinStyle
from glossary.errors import InputTooLarge

from glossary.pinyin import is_chinese


class Language(str, enum.Enum):
    """The language of a text to annotate."""

    #: Detect it (Chinese when it has more hanzi than Latin-script words).
    AUTO = "auto"
    #: Chinese: annotated with pinyin and English glosses.
    CHINESE = "zh"
    #: English: Chinese and pinyin inserted after each term, plus the terminology check.
    ENGLISH = "en"


@dataclass(frozen=True)
class AnnotateOptions:
    """What the user asked for (already validated)."""

    language: Language = Language.AUTO
    format: AnnotationFormat = AnnotationFormat.HTML
    pinyin: PinyinStyle | None = None  # None: tone marks for Chinese, plain for English (analyst style)
    first_only: bool | None = None  # None: the library's default for the language
    domain: Domain | None = None
    source: str | None = None  # the Chinese original of an English text, for the check
    all_words: bool = False  # Chinese: gloss every other word from CC-CEDICT too (not reviewed)


def check_size(text: str, limit: int) -> None:
    """Refuse a text over the limit with a message that says what to do."""
    size = len(text.encode("utf-8"))
    if size > limit:
        raise InputTooLarge(size, limit)


def annotate(store: Glossary, text: str, options: AnnotateOptions, limit: int,
             link: str | None = None) -> dict[str, Any]:
    """Annotate ``text``; the result as the API returns it (plus ``findings_raw``, the Finding
    objects, which the API leaves out). ``link``: where term pages are, with ``{id}``."""
    check_size(text, limit)
    language = options.language
    if language is Language.AUTO:
        language = Language.CHINESE if is_chinese(text) else Language.ENGLISH
    extra: dict[str, Any] = {} if options.first_only is None else {"first_only": options.first_only}
    if language is Language.CHINESE:
        style = options.pinyin or PinyinStyle.MARKS
        result = store.annotate(text, format=options.format.value, pinyin=style.value,
                                domain=options.domain.value if options.domain else None, link=link,
                                all_words=options.all_words, **extra)
        return {"language": language.value, "format": options.format.value, "pinyin": style.value,
                "result": result, "findings": [], "findings_raw": []}
    style = options.pinyin or PinyinStyle.PLAIN
    check_size(text + (options.source or ""), limit)
    findings = store.check(text, source=options.source)
    # English comes back as HTML (findings marked) or as plain text for every other format
    shape = "html" if options.format is AnnotationFormat.HTML else "text"
    result = store.annotate_english(text, pinyin=style.value, format=shape, findings=findings,
                                    domain=options.domain.value if options.domain else None, **extra)
    return {"language": language.value, "format": shape, "pinyin": style.value,
            "result": result, "findings": [finding.to_dict() for finding in findings], "findings_raw": findings}


def check(store: Glossary, text: str, source: str | None, limit: int) -> list[dict[str, Any]]:
    """The terminology check's findings on an English text (``source``: the Chinese original)."""
    check_size(text + (source or ""), limit)
    return [finding.to_dict() for finding in store.check(text, source=source)]


def _choice(enum_type: type[enum.Enum], value: Any, name: str, default: Any) -> Any:
    if value is None or value == "":
        return default
    try:
        return enum_type(value)
    except (ValueError, TypeError):
        choices = ", ".join(str(member.value) for member in enum_type)
        raise BadRequest(f"{name} must be one of {choices}, not {value!r}") from None


def read_options(values: Mapping[str, Any], from_form: bool = False) -> AnnotateOptions:
    """Options from a JSON object or a form; BadRequest naming the bad field otherwise."""
    first_only = values.get("first_only")
    if from_form:
        first_only = first_only in ("1", "on", "true")
    elif first_only is not None and not isinstance(first_only, bool):
        raise BadRequest(f"first_only must be true, false or null, not {first_only!r}")
    all_words = values.get("all_words", False)
    if from_form:
        all_words = all_words in ("1", "on", "true")
    elif not isinstance(all_words, bool):
        raise BadRequest(f"all_words must be true or false, not {all_words!r}")
    source = values.get("source")
    if source is not None and not isinstance(source, str):
        raise BadRequest(f"source must be a string (the Chinese original) or null, not {source!r}")
    return AnnotateOptions(
        source=source if source and source.strip() else None,
        language=_choice(Language, values.get("language"), "language", Language.AUTO),
        format=_choice(AnnotationFormat, values.get("format"), "format", AnnotationFormat.HTML),
        pinyin=_choice(PinyinStyle, values.get("pinyin"), "pinyin", None),
        first_only=first_only,
        domain=_choice(Domain, values.get("domain"), "domain", None),
        all_words=all_words,
    )


@dataclass(frozen=True)
class FileResult:
    """An annotated file, an XLIFF with notes or a report: what to send back and as what."""

    data: bytes
    media_type: str
    filename: str
    marked: int


def annotate_file(store: Glossary, data: bytes, filename: str, options: AnnotateOptions, limit: int,
                  link: str | None, notes: bool = False) -> FileResult:
    """A Word document or web page annotated (formatting kept), or an XLIFF file checked: its
    HTML report, or with ``notes`` the file with the findings as notes. The text of the file
    must be within ``limit`` like a pasted one."""
    from pathlib import PurePath

    from glossary.documents import DocumentKind, annotate_document, kind_of, xliff

    name = PurePath(filename).name or "upload"
    stem = PurePath(name).stem or "document"
    if kind_of(name) is DocumentKind.XLIFF:
        report = xliff.check(store, data, name, text_limit=limit)
        if notes:
            return FileResult(xliff.write_notes(report.document, report.findings), "application/xliff+xml",
                              f"{stem}-checked{PurePath(name).suffix}", len(report.findings))
        return FileResult(xliff.report_html(report, name).encode("utf-8"), "text/html; charset=utf-8",
                          f"{stem}-terminology-report.html", len(report.findings))
    english = None if options.language is Language.AUTO else options.language is Language.ENGLISH
    done = annotate_document(store, data, name, english=english, pinyin=options.pinyin, first_only=options.first_only,
                             domain=options.domain, link=link, text_limit=limit)
    return FileResult(done.data, done.media_type, f"{stem}-annotated{PurePath(name).suffix}", done.marked)


def upload_bytes(upload: Any) -> bytes:
    """An uploaded document's bytes, refused past ``MAX_FILE_BYTES`` before it is all read."""
    from flask import current_app

    limit = int(current_app.config["MAX_FILE_BYTES"])
    data: bytes = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(len(data), limit)
    return data


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    """A file to download, its name made safe for the header (an ASCII fallback and the UTF-8 name)."""
    from urllib.parse import quote

    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    return Response(data, mimetype=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"})


def file_options(form: Mapping[str, Any]) -> tuple[AnnotateOptions, bool]:
    """Options of a file upload (form fields, as on the page) and whether notes were asked for."""
    return read_options(form, from_form=True), form.get("notes") in ("1", "on", "true")


def check_files(store: Glossary, files: Mapping[str, Any], limit: int) -> dict[str, Any]:
    """The findings of an uploaded translation (``file``: .docx, .html, .txt) against an optional
    uploaded original (``source``), each with the paragraph it is in."""
    from glossary.documents import check_document

    upload, original = files["file"], files.get("source")
    data = upload_bytes(upload)
    source = upload_bytes(original) if original is not None and original.filename else None
    located = check_document(store, data, upload.filename or "upload.txt", source,
                             original.filename if original is not None and source is not None else None,
                             text_limit=limit)
    return {"count": len(located), "findings": [item.to_dict() for item in located]}
