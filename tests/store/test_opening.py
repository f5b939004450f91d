"""Opening a store: refuse a newer database, back up and migrate an older one, pragmas."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from helpers.scene import PASSWORD, Template

from fdclient import migrations
from fdclient.errors import SignInError, StoreTooNewError
from fdclient.paths import StorePaths
from fdclient.store import Store, open_store, sign_in
from fdclient.store.backups import automatic_backups, read_backup
from fdclient.store.engine import make_engine


def test_a_newer_database_is_refused_and_left_untouched(scene_template: Template, tmp_path: Path) -> None:
    folder = scene_template.copy(tmp_path / "s")
    key = scene_template.keys["admin"]
    engine = make_engine(folder / "fdclient.db", key)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    engine.dispose()
    before = (folder / "fdclient.db").read_bytes()
    with pytest.raises(StoreTooNewError, match="更新版本"):
        open_store(folder, key)
    assert (folder / "fdclient.db").read_bytes() == before
    assert not (folder / "backups").exists()


def test_an_older_database_is_backed_up_then_upgraded(scene_template: Template, tmp_path: Path) -> None:
    folder = scene_template.copy(tmp_path / "s")
    key = scene_template.keys["admin"]
    engine = make_engine(folder / "fdclient.db", key)
    with engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0003")
    engine.dispose()
    with open_store(folder, key) as store:
        assert store.info.schema_revision == migrations.SCHEMA_HEAD
        assert store.info.backup is not None
    [(_, backup)] = automatic_backups(StorePaths(folder))
    assert read_backup(backup).manifest.reason == "pre-migration"
    assert read_backup(backup).manifest.schema_revision == "0003"


def test_every_connection_is_encrypted_durable_and_keeps_temporary_data_in_memory(store: Store) -> None:
    with store.read() as session:
        run = session.connection().exec_driver_sql
        assert run("PRAGMA cipher_version").scalar()
        assert run("PRAGMA cipher_hmac_algorithm").scalar() == "HMAC_SHA256"
        assert run("PRAGMA cipher_page_size").scalar() == "16384"
        assert run("PRAGMA foreign_keys").scalar() == 1
        assert run("PRAGMA journal_mode").scalar() == "wal"
        assert run("PRAGMA synchronous").scalar() == 2  # FULL
        assert run("PRAGMA temp_store").scalar() == 2  # MEMORY


def test_a_disabled_account_cannot_open_the_store(scene_template: Template, tmp_path: Path) -> None:
    folder = scene_template.copy(tmp_path / "s")
    with open_store(folder, scene_template.keys["admin"], daily_backup=False) as store, store.write() as session:
        session.connection().exec_driver_sql("UPDATE staff SET active = 0 WHERE username = 'nurse'")
    key = sign_in(folder, "nurse", PASSWORD)  # its key file entry is still there (disabled by hand)
    with pytest.raises(SignInError, match="停用"):
        open_store(folder, key)
