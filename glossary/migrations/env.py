"""Alembic environment: runs on the connection the Glossary hands over (no URL in alembic.ini)."""

from alembic import context

from glossary.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
