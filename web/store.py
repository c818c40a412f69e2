"""The store the current app serves: the one way a view reaches the Glossary."""

from __future__ import annotations

from flask import current_app

from glossary import Glossary

__all__ = ["store"]


def store() -> Glossary:
    """The Glossary of the current app (``create_app`` puts it in ``app.extensions``)."""
    glossary: Glossary = current_app.extensions["glossary"]
    return glossary
