"""Alembic environment: always runs on a connection handed over by fdclient.migrations."""

from __future__ import annotations

from alembic import context

from fdclient.models import Base

target_metadata = Base.metadata

# Full-text search tables and their shadow tables are created by migrations with raw SQL
# and are not part of the ORM metadata.
NOT_IN_MODELS_PREFIXES = ("resident_search",)  # tables and the view of search


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001 - Alembic hook
    if type_ == "table" and name and name.startswith(NOT_IN_MODELS_PREFIXES):
        return False
    return True


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("fdclient migrations run on a connection given by fdclient.migrations")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
