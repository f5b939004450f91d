"""A store made before encryption is backed up, encrypted and migrated at the first sign-in."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from helpers.scene import PASSWORD
from sqlalchemy import select

from fdclient import migrations
from fdclient.domain.codes import AuditAction
from fdclient.errors import RuleError
from fdclient.models import AuditEntry, Staff, Village
from fdclient.paths import StorePaths
from fdclient.store import PlainStoreError, open_store, sign_in
from fdclient.store.backups import automatic_backups, read_backup
from fdclient.store.conversion import encrypt_plain_store
from fdclient.store.engine import is_plain_sqlite, make_engine

SECRET_VILLAGE = "旧版本村"


def make_plain_store(folder: Path, *, staff_username: str | None = None) -> None:
    """A store as the foundation wrote it: plain SQLite at schema 0003, with a village and
    a plain backup of itself in backups/."""
    folder.mkdir(parents=True)
    engine = make_engine(folder / "fdclient.db", None)
    township, device = uuid.uuid4().hex, uuid.uuid4().hex
    with engine.begin() as conn:
        migrations.upgrade(conn, "0003")
        run = conn.exec_driver_sql
        run(
            "INSERT INTO townships (id, code, name, created_at, updated_at)"
            " VALUES (?, '360111101', '罗家镇', '2026-01-01', '2026-01-01')",
            (township,),
        )
        run(
            "INSERT INTO local_settings (key, value) VALUES ('township_id', ?), ('device_id', ?)",
            (f'"{uuid.UUID(township)}"', f'"{uuid.UUID(device)}"'),
        )
        run(
            "INSERT INTO villages (id, township_id, code, name, record_segment, created_at, updated_at)"
            " VALUES (?, ?, '360111101201', ?, '101', '2026-01-01', '2026-01-01')",
            (uuid.uuid4().hex, township, SECRET_VILLAGE),
        )
        if staff_username:
            run(
                "INSERT INTO staff (id, township_id, name, role, username, active, created_at, updated_at)"
                " VALUES (?, ?, '李医生', 'doctor', ?, 1, '2026-01-01', '2026-01-01')",
                (uuid.uuid4().hex, township, staff_username),
            )
    engine.dispose()
    (folder / "backups").mkdir()
    shutil.copy(folder / "fdclient.db", folder / "backups" / "fdclient-20261101T000000000000Z-rev0002.db")


def test_a_plain_store_is_encrypted_and_migrated_with_its_data(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    make_plain_store(folder)
    with pytest.raises(PlainStoreError, match="加密"):
        sign_in(folder, "admin", PASSWORD)
    key = encrypt_plain_store(folder, "admin", PASSWORD)
    assert not is_plain_sqlite(folder / "fdclient.db")
    assert SECRET_VILLAGE.encode() not in (folder / "fdclient.db").read_bytes()
    with open_store(folder, sign_in(folder, "admin", PASSWORD), daily_backup=False) as store:
        assert store.info.schema_revision == migrations.SCHEMA_HEAD
        assert store.actor is not None and store.actor.role == "admin"
        with store.read() as session:
            assert session.scalars(select(Village.name)).all() == [SECRET_VILLAGE]
            assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == AuditAction.ENCRYPT)).all()
    assert key.username == "admin"
    # The old version's plain backup is now an encrypted backup file; no plain copy is left.
    paths = StorePaths(folder)
    assert not list(paths.backups.glob("*.db"))
    reasons = sorted(read_backup(path).manifest.reason for _, path in automatic_backups(paths))
    assert "pre-conversion" in reasons and "pre-migration" in reasons
    for path in paths.backups.iterdir():
        assert SECRET_VILLAGE.encode() not in path.read_bytes()


def test_a_non_administrator_name_cannot_take_over_the_old_store(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    make_plain_store(folder, staff_username="lidoctor")
    with pytest.raises(RuleError, match="管理员"):
        encrypt_plain_store(folder, "lidoctor", PASSWORD)
    assert is_plain_sqlite(folder / "fdclient.db")  # untouched
    assert not (folder / "keyring.json").exists()
    with open_store(folder, encrypt_plain_store(folder, "admin", PASSWORD), daily_backup=False) as store:
        with store.read() as session:
            assert session.scalars(select(Staff.username).order_by(Staff.username)).all() == ["admin", "lidoctor"]
