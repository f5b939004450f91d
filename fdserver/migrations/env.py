"""Alembic environment: runs on a connection handed over by fdserver.migrations."""

from __future__ import annotations

from alembic import context

from fdserver.models import ServerBase

target_metadata = ServerBase.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("fdserver migrations run on a connection given by fdserver.migrations")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
