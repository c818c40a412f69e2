"""A curated bilingual glossary of Chinese policy language: lookup, annotation, exchange.

>>> import glossary
>>> g = glossary.open("sqlite://")
>>> term = g.get("core-interests")
>>> term.preferred.text, term.pinyin_as("plain")
('core interests', 'hexin liyi')
"""

from .errors import (
    GlossaryError,
    ImportConflict,
    InputTooLarge,
    InvalidInput,
    PinyinError,
    Problem,
    StoreError,
    TermNotFound,
    VersionConflict,
)
from .annotate import AnnotationFormat
from .check import Finding
from .matcher import Match
from .pinyin import PinyinStyle
from .script import Script
from .repository import Action, Revision
from .store import Conflict, Glossary, ImportReport, open
from .terms import Domain, Form, FormKind, Hit, Rendering, Status, Term, TermSummary

__version__ = "0.1.0"

__all__ = [
    "open", "Glossary", "Term", "TermSummary", "Rendering", "Form", "Hit", "Status", "Domain", "FormKind",
    "PinyinStyle", "Script", "Conflict", "ImportReport", "GlossaryError", "InvalidInput",
    "ImportConflict", "InputTooLarge", "PinyinError", "Problem", "StoreError", "TermNotFound", "VersionConflict",
    "Revision", "Action",
    "Match", "Finding", "AnnotationFormat", "__version__",
]
