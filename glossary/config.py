"""Where things are: the default store, terms.csv, and the environment variables that move them.

| variable | default |
|---|---|
| ``GLOSSARY_DATABASE_URL`` | ``sqlite:///<GLOSSARY_HOME>/glossary.sqlite3`` |
| ``GLOSSARY_HOME`` | ``instance/`` in the source checkout |
| ``GLOSSARY_TERMS_CSV`` | ``terms.csv`` in the source checkout |
"""

from __future__ import annotations

import os
from pathlib import Path

#: The source checkout (the folder holding pyproject.toml and terms.csv).
CHECKOUT = Path(__file__).resolve().parent.parent


def terms_csv() -> Path:
    """The curated terms.csv that seeds a new store."""
    return Path(os.environ.get("GLOSSARY_TERMS_CSV") or CHECKOUT / "terms.csv")


def home() -> Path:
    """The folder of the default SQLite store."""
    return Path(os.environ.get("GLOSSARY_HOME") or CHECKOUT / "instance")


def database_url() -> str:
    """The store's SQLAlchemy URL: ``GLOSSARY_DATABASE_URL`` or the default SQLite file."""
    return os.environ.get("GLOSSARY_DATABASE_URL") or f"sqlite:///{home() / 'glossary.sqlite3'}"
