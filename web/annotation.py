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

from werkzeug.exceptions import BadRequest

from glossary import AnnotationFormat, Domain, Glossary, PinyinStyle
from glossary.errors import InputTooLarge

from .views import is_chinese


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
