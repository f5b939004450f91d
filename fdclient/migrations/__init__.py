"""Alembic migrations of the client store (batch mode, so SQLite can alter tables).

``SCHEMA_HEAD`` names the newest revision this program knows. Start-up compares it with
the store's ``alembic_version`` without importing Alembic, so that a store that is already
current opens fast; Alembic runs only when there is something to upgrade. A test keeps the
constant equal to the script directory's head.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

SCHEMA_HEAD = "0010"
MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade the store on ``connection`` (inside the caller's transaction)."""
    from alembic import command

    command.upgrade(alembic_config(connection), revision)
