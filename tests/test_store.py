"""Opening stores: refusal of newer databases, backups before migrating, damaged files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from fdclient import migrations
from fdclient.errors import StoreError, StoreExistsError, StoreNotFoundError, StoreTooNewError, ValidationError
from fdclient.models import LocalSetting, Township
from fdclient.paths import database_path
from fdclient.store import create_store, open_store


def test_create_then_open_keeps_the_township(tmp_path: Path) -> None:
    with create_store(tmp_path, "360111101", " 罗家镇 ") as store:
        created = store.info
    with open_store(tmp_path) as store, store.session() as session:
        assert store.info.township_id == created.township_id
        assert store.info.township_name == "罗家镇"
        township = session.scalars(select(Township)).one()
        assert township.county_code == "360111"
        keys = set(session.scalars(select(LocalSetting.key)))
    assert keys == {"township_id", "device_id"}


def test_create_refuses_an_existing_store(tmp_path: Path) -> None:
    create_store(tmp_path, "360111101", "罗家镇").close()
    before = database_path(tmp_path).read_bytes()
    with pytest.raises(StoreExistsError, match="已经有数据库"):
        create_store(tmp_path, "360111102", "别的镇")
    assert database_path(tmp_path).read_bytes() == before


@pytest.mark.parametrize("code", ["36011110", "3601111011", "36011110A", ""])
def test_create_refuses_a_bad_township_code(tmp_path: Path, code: str) -> None:
    with pytest.raises(ValidationError, match="乡镇代码"):
        create_store(tmp_path, code, "罗家镇")
    assert not database_path(tmp_path).exists()


def test_open_without_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFoundError, match="fdclient init"):
        open_store(tmp_path)


def _set_revision(db: Path, revision: str) -> None:
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.close()


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    create_store(tmp_path, "360111101", "罗家镇").close()
    db = database_path(tmp_path)
    _set_revision(db, "9999_from_the_future")
    before = db.read_bytes()
    with pytest.raises(StoreTooNewError, match="更新版本"):
        open_store(tmp_path)
    assert db.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_an_older_database_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    from alembic import command

    from fdclient.models.db import make_engine

    create_store(tmp_path, "360111101", "罗家镇").close()
    db = database_path(tmp_path)
    if migrations.SCHEMA_HEAD == "0001":
        # Only one revision so far: simulate an older store by stamping it one step back.
        pytest.skip("needs a second migration to upgrade across")
    engine = make_engine(db)
    with engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0001")
    engine.dispose()
    with open_store(tmp_path) as store:
        assert store.info.schema_revision == migrations.SCHEMA_HEAD
        assert store.info.backup is not None and store.info.backup.exists()
    backup = sqlite3.connect(store.info.backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT name FROM townships").fetchone() == ("罗家镇",)
    backup.close()


def test_a_current_store_opens_without_a_backup(tmp_path: Path) -> None:
    create_store(tmp_path, "360111101", "罗家镇").close()
    with open_store(tmp_path) as store:
        assert store.info.backup is None


def test_a_damaged_file_gets_a_chinese_message(tmp_path: Path) -> None:
    database_path(tmp_path).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="损坏"):
        open_store(tmp_path)


def test_pragmas_on_every_connection(store) -> None:  # noqa: ANN001 - fixture
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
