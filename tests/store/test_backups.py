"""Backups: encrypted, self-contained, consistent under a concurrent writer, rotated;
restore checks the file, keeps the current store and is never half-done."""

from __future__ import annotations

import sqlite3
import threading
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers.scene import CLOCK, PASSWORD, TOWNSHIP_CODE, Template
from sqlalchemy import func, select

from fdclient.domain.time import FixedClock
from fdclient.errors import PermissionDenied, RuleError, SignInError, StoreDamagedError, ValidationError
from fdclient.models import Village
from fdclient.paths import StorePaths
from fdclient.services.maintenance import backup_to
from fdclient.services.township import store_township
from fdclient.store import Store, create_store, open_store, sign_in
from fdclient.store.backups import KEEP_DAILY, KEEP_WEEKLY, automatic_backups, read_backup, rotate
from fdclient.store.restore import restore_backup


def add_village(store: Store, n: int, name: str = "") -> None:
    with store.write() as session:
        township = store_township(session)
        session.add(
            Village(
                township_id=township.id,
                code=f"{township.code}{200 + n:03d}",
                name=name or f"第{n}村",
                record_segment=f"{100 + n:03d}",
            )
        )


def village_names(store: Store) -> list[str]:
    with store.read() as session:
        return sorted(session.scalars(select(Village.name)))


@pytest.fixture
def admin(scene_template: Template, tmp_path: Path) -> Store:
    store = scene_template.open(tmp_path / "store", user="admin")
    yield store  # type: ignore[misc]
    store.close()


def test_a_backup_file_is_encrypted_self_contained_and_restores(admin: Store, tmp_path: Path) -> None:
    add_village(admin, 1, "备份前村")
    target = backup_to(admin, tmp_path / "usb")
    assert target.parent == (tmp_path / "usb").resolve() or target.name.endswith(".fdbackup")
    backup = read_backup(target)
    assert backup.manifest.township_code == TOWNSHIP_CODE and backup.manifest.reason == "manual"
    with zipfile.ZipFile(target) as z:
        database = z.read("fdclient.db")
    assert not database.startswith(b"SQLite format 3") and "备份前村".encode() not in database
    add_village(admin, 2, "备份后村")
    folder = admin.paths.folder
    admin.close()
    store, report = restore_backup(folder, target, "admin", PASSWORD, clock=CLOCK)
    with store:
        assert village_names(store) == ["备份前村"]
    assert report.previous_kept_in is not None and report.previous_kept_in.exists()
    kept = read_backup(report.previous_kept_in)
    assert kept.manifest.reason == "pre-restore"


def test_restore_removes_a_stale_wal_instead_of_replaying_it(admin: Store, tmp_path: Path) -> None:
    add_village(admin, 1, "旧村")
    target = backup_to(admin, tmp_path / "b.fdbackup")
    folder = admin.paths.folder
    with admin.write() as session:  # keep new pages in the WAL, then stop without a checkpoint
        session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
    add_village(admin, 2, "新村")
    wal = folder / "fdclient.db-wal"
    stale = wal.read_bytes()
    assert "新村".encode() not in stale and len(stale) > 4096  # encrypted frames of the newer state
    admin.close()
    wal.write_bytes(stale)  # what a hand copy of an old backup over the database would meet
    restore_backup(folder, target, "admin", PASSWORD, clock=CLOCK)[0].close()
    with open_store(folder, sign_in(folder, "admin", PASSWORD), daily_backup=False) as store:
        assert village_names(store) == ["旧村"]


def test_restore_refuses_another_townships_backup(admin: Store, tmp_path: Path) -> None:
    with create_store(tmp_path / "other", "360111102", "别的镇", admin_username="admin", admin_password=PASSWORD) as o:
        other = backup_to(o, tmp_path / "other.fdbackup")
    folder = admin.paths.folder
    admin.close()
    before = (folder / "fdclient.db").read_bytes()
    with pytest.raises(RuleError, match="另一个乡镇"):
        restore_backup(folder, other, "admin", PASSWORD)
    assert (folder / "fdclient.db").read_bytes() == before


def test_restore_needs_an_administrator_of_the_backup(admin: Store, tmp_path: Path) -> None:
    target = backup_to(admin, tmp_path / "b.fdbackup")
    folder = admin.paths.folder
    admin.close()
    with pytest.raises(PermissionDenied, match="只有管理员"):
        restore_backup(folder, target, "doctor", PASSWORD)
    with pytest.raises(SignInError):
        restore_backup(folder, target, "admin", "wrong-password")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "not-a-zip-member"])
def test_restore_refuses_a_garbage_or_truncated_file_and_changes_nothing(
    admin: Store, tmp_path: Path, damage: str
) -> None:
    target = backup_to(admin, tmp_path / "b.fdbackup")
    folder = admin.paths.folder
    admin.close()
    if damage == "garbage":
        target.write_bytes(b"PK\x03\x04 but not really" * 50)
    elif damage == "truncated":
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    else:
        with zipfile.ZipFile(target, "w") as z:
            z.writestr("hello.txt", "hello")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != ".lock"}
    with pytest.raises(ValidationError, match="不是 fdclient 备份文件"):
        restore_backup(folder, target, "admin", PASSWORD)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != ".lock"}
    assert after == before


def test_restore_refuses_a_backup_whose_database_is_damaged(admin: Store, tmp_path: Path) -> None:
    target = backup_to(admin, tmp_path / "b.fdbackup")
    folder = admin.paths.folder
    admin.close()
    with zipfile.ZipFile(target) as z:
        members = {name: z.read(name) for name in z.namelist()}
    database = bytearray(members["fdclient.db"])
    database[8192:8300] = b"\0" * 108  # a damaged page: its authentication code no longer matches
    members["fdclient.db"] = bytes(database)
    forged = tmp_path / "forged.fdbackup"
    with zipfile.ZipFile(forged, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(StoreDamagedError, match="备份文件"):
        restore_backup(folder, forged, "admin", PASSWORD)


def test_restore_onto_a_new_laptop_and_over_a_damaged_store(admin: Store, tmp_path: Path) -> None:
    add_village(admin, 1, "村甲")
    target = backup_to(admin, tmp_path / "b.fdbackup")
    folder = admin.paths.folder
    admin.close()
    # A new laptop: an empty data folder.
    restore_backup(tmp_path / "new-laptop", target, "admin", PASSWORD)[0].close()
    # A damaged store: its pages are unreadable; the restore keeps its files as they were.
    db = folder / "fdclient.db"
    data = bytearray(db.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)
    db.write_bytes(bytes(data))
    store, report = restore_backup(folder, target, "admin", PASSWORD)
    with store:
        assert village_names(store) == ["村甲"]
    assert report.previous_kept_in is not None and "pre-restore" in report.previous_kept_in.name


def test_a_backup_taken_while_another_writer_writes_is_consistent(admin: Store, tmp_path: Path) -> None:
    writer = open_store(admin.paths.folder, sign_in(admin.paths.folder, "doctor", PASSWORD), daily_backup=False)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        n = 1
        while not stop.is_set() and n < 199:
            add_village(writer, n)
            written.append(n)
            n += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    targets = [backup_to(admin, tmp_path / f"b{i}.fdbackup") for i in range(3)]
    stop.set()
    thread.join()
    writer.close()
    for i, target in enumerate(targets):
        folder = tmp_path / f"restored-{i}"
        store, _ = restore_backup(folder, target, "admin", PASSWORD)
        with store, store.read() as session:
            assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            count = session.scalar(select(func.count()).select_from(Village))
        assert count is not None and count <= len(written)


def test_the_day_s_first_open_makes_one_backup_and_rotation_keeps_7_days_and_4_weeks(
    scene_template: Template, tmp_path: Path
) -> None:
    folder = scene_template.copy(tmp_path / "s")
    key = scene_template.keys["nurse"]
    first = date(2026, 1, 5)  # a Monday
    for offset in range(60):
        day = first + timedelta(days=offset)
        for hour in (9, 15):  # opened twice a day: one backup a day
            open_store(folder, key, clock=FixedClock.on(day, hour)).close()
    backups = automatic_backups(StorePaths(folder))
    days = [stamp.date() for stamp, _ in backups]
    assert len(set(days)) == len(days)
    newest = first + timedelta(days=59)
    assert days[:KEEP_DAILY] == [newest - timedelta(days=n) for n in range(KEEP_DAILY)]
    assert len(backups) <= KEEP_DAILY + KEEP_WEEKLY
    weeks = {d.isocalendar()[:2] for d in days}
    assert len(weeks) >= KEEP_WEEKLY
    assert rotate(StorePaths(folder)) == []


def test_automatic_backups_open_with_todays_passwords(scene_template: Template, tmp_path: Path) -> None:
    folder = scene_template.copy(tmp_path / "s")
    open_store(folder, scene_template.keys["doctor"], clock=CLOCK).close()
    [(_, newest)] = automatic_backups(StorePaths(folder))
    restored, _ = restore_backup(tmp_path / "elsewhere", newest, "admin", PASSWORD)
    restored.close()
    con = sqlite3.connect(tmp_path / "elsewhere" / "fdclient.db")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("SELECT count(*) FROM villages").fetchone()
    con.close()
