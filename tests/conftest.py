"""Shared fixtures: real SQLite stores in temporary folders (no mock databases)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fdclient.store import Store, create_store

TOWNSHIP_CODE = "360111101"
TOWNSHIP_NAME = "罗家镇"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new, empty, migrated store for one township."""
    s = create_store(tmp_path / "store", TOWNSHIP_CODE, TOWNSHIP_NAME)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def admin_session(store: Store) -> Iterator[Session]:
    """A session of the empty store, signed in as an admin (the audit log's actor)."""
    import builders

    with store.session() as s:
        admin = builders.make_staff(s, name="周管理", role="admin")
        builders.act_as(s, admin.id)
        yield s
