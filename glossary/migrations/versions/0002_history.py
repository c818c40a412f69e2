"""History and compare-and-swap: entry versions, the revisions table, the change log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("terms") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        # a rendering can be long (CC-CEDICT glosses run past 400 characters): the validator's
        # limit decides, not the column
        batch.alter_column("preferred", type_=sa.Text(), existing_type=sa.String(400), existing_nullable=False)
        batch.alter_column("pinyin_numbers", type_=sa.String(800), existing_type=sa.String(400),
                           existing_nullable=False)
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_revisions_revision", "revisions", ["revision"])
    op.create_index("ix_revisions_term_id", "revisions", ["term_id", "id"])
    op.create_table(
        "changes",
        sa.Column("revision", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("term_id", sa.String(80), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("changes")
    op.drop_table("revisions")
    with op.batch_alter_table("terms") as batch:
        batch.drop_column("version")
