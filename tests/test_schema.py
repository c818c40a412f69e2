"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import glossary
from glossary.schema import Base


def test_migrated_store_matches_the_models(empty_store: glossary.Glossary) -> None:
    with empty_store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_opening_twice_does_not_migrate_again(store_url: str) -> None:
    first = glossary.open(store_url, seed=False)
    revision = first.revision
    second = glossary.open(store_url, seed=False)
    assert second.revision == revision
