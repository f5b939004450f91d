"""The database layer: schema history, the township version counter, write transactions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select

from fdserver.db import database_url, latest_version, lock_township, next_version, reading, transaction
from fdserver.meta import get_epoch, init_database, renew_epoch
from fdserver.migrations import current_revision, head_revision
from fdserver.models import ServerBase, TownshipVersion, table_of

TOWNSHIP = "01" * 16


def test_the_migrations_build_exactly_the_models(server_engine: Engine) -> None:
    with reading(server_engine) as conn:
        assert current_revision(conn) == head_revision()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, ServerBase.metadata) == []


def test_init_is_idempotent_and_new_epoch_replaces_the_epoch(server_engine: Engine) -> None:
    with reading(server_engine) as conn:
        first = get_epoch(conn)
    again = init_database(server_engine)
    assert (again.epoch, again.created_epoch) == (first, False)
    renewed = renew_epoch(server_engine)
    with reading(server_engine) as conn:
        assert get_epoch(conn) == renewed != first


def test_versions_are_handed_out_per_township_in_blocks(server_engine: Engine) -> None:
    with transaction(server_engine) as conn:
        assert lock_township(conn, TOWNSHIP) == 0
        assert next_version(conn, TOWNSHIP) == 1
        assert next_version(conn, TOWNSHIP, 5) == 2  # 2..6 are the caller's
        assert next_version(conn, "02" * 16) == 1
        assert lock_township(conn, TOWNSHIP) == 6
    with pytest.raises(ZeroDivisionError), transaction(server_engine) as conn:
        next_version(conn, TOWNSHIP)
        raise ZeroDivisionError  # rolled back: the version is not used up
    with reading(server_engine) as conn:
        assert latest_version(conn, TOWNSHIP) == 6
        assert latest_version(conn, "03" * 16) == 0


def test_concurrent_writers_never_get_the_same_version(server_engine: Engine) -> None:
    got: list[int] = []
    lock = threading.Lock()

    def writer() -> None:
        for _ in range(15):
            with transaction(server_engine) as conn:
                lock_township(conn, TOWNSHIP)
                version = next_version(conn, TOWNSHIP)
            with lock:
                got.append(version)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 61))
    with reading(server_engine) as conn:
        assert conn.execute(select(table_of(TownshipVersion).c.version)).scalar_one() == 60


def test_the_database_url_comes_from_the_option_the_environment_or_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FDSERVER_DB", "postgresql+psycopg://u@h/db")
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert database_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("FDSERVER_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert database_url().startswith("sqlite:///") and database_url().endswith("fdserver.db")
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
