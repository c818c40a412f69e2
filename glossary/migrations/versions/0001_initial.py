"""Initial schema: terms, search keys, meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

key_type = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "terms",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("simplified", sa.String(200), nullable=False),
        sa.Column("traditional", sa.String(200), nullable=False),
        sa.Column("traditional_curated", sa.Boolean(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("pinyin", sa.String(400), nullable=False),
        sa.Column("pinyin_plain", sa.String(400), nullable=False),
        sa.Column("pinyin_numbers", sa.String(400), nullable=False),
        sa.Column("pinyin_curated", sa.Boolean(), nullable=False),
        sa.Column("pinyin_note", sa.Text(), nullable=False),
        sa.Column("renderings", sa.JSON(), nullable=False),
        sa.Column("preferred", sa.String(400), nullable=False),
        sa.Column("domain", sa.String(40), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("related", sa.JSON(), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_terms_simplified", "terms", ["simplified"])
    op.create_index("ix_terms_domain", "terms", ["domain"])
    op.create_table(
        "search_keys",
        sa.Column("field", sa.String(4), primary_key=True),
        sa.Column("key", key_type, primary_key=True),
        sa.Column("rank", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("term_id", sa.String(80), sa.ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_search_keys_term_id", "search_keys", ["term_id"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("meta")
    op.drop_table("search_keys")
    op.drop_table("terms")
