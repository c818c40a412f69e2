"""Search keys without a foreign key to terms: the one write path keeps them with their entry.

On PostgreSQL the constraint made the server look up (and lock) the entry of every key row
inserted: 1.5M lookups, about 6 s of the server's CPU, in a 117k-entry import. The write path
(``glossary/repository.py``) inserts an entry's keys with it and deletes them before it, in one
transaction, and SQLite's bulk imports already ran without the check; tests/test_writes.py
checks that no key outlives its entry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for key in sa.inspect(connection).get_foreign_keys("search_keys"):
            op.drop_constraint(key["name"] or "search_keys_term_id_fkey", "search_keys", type_="foreignkey")
        return
    _remake_sqlite_table(sa.Column("term_id", sa.String(80), primary_key=True))


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.create_foreign_key("search_keys_term_id_fkey", "search_keys", "terms", ["term_id"], ["id"],
                              ondelete="CASCADE")
        return
    _remake_sqlite_table(sa.Column("term_id", sa.String(80), sa.ForeignKey("terms.id", ondelete="CASCADE"),
                                   primary_key=True))


def _remake_sqlite_table(term_id: sa.Column) -> None:  # type: ignore[type-arg]
    """SQLite cannot add or drop a constraint: the table is made again with ``term_id`` as given
    (rows kept, in key order)."""
    op.execute("DROP INDEX ix_search_keys_term_id")
    op.execute("ALTER TABLE search_keys RENAME TO search_keys_old")
    op.create_table(
        "search_keys",
        sa.Column("field", sa.String(4), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("rank", sa.Integer(), primary_key=True, autoincrement=False),
        term_id,
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO search_keys (field, key, rank, term_id) SELECT field, key, rank, term_id "
               "FROM search_keys_old ORDER BY field, key, rank, term_id")
    op.execute("DROP TABLE search_keys_old")
    op.create_index("ix_search_keys_term_id", "search_keys", ["term_id"])
