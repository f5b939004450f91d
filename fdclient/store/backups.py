"""Backups: one self-contained, encrypted file per backup, rotated in ``backups/``.

A backup file (``*.fdbackup``) is a zip archive (stored, not compressed: encrypted pages
do not compress) of three members:

* ``manifest.json``: format and version, when and why it was made, the township, the
  schema revision, the store id (no personal data);
* ``keyring.json``: the key file as it was, so any account of that time can open it;
* ``fdclient.db``: the database, encrypted with the store key, copied with SQLite's online
  backup API (consistent even while another process writes). A backup of a damaged
  store taken before a restore is a raw copy and may add ``fdclient.db-wal``.

It is written under a partial name, flushed, and renamed into place, so a backup that
exists is complete. Automatic backups are made once a day when a store is opened and
before every migration, conversion and restore; :func:`rotate` keeps the newest of each
of the last 7 days and of each of the last 4 weeks. ``fdclient backup OUT`` writes the
same format anywhere (a USB stick), ``fdclient restore IN`` (:mod:`.restore`) reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from fdclient.domain.time import CHINA_TIME, Clock, today_in_china
from fdclient.errors import OperationFailed, ValidationError
from fdclient.paths import DATABASE_FILE, KEYRING_FILE, StorePaths
from fdclient.store import files
from fdclient.store.keyring import Keyring, StoreKey
from fdclient.text import msg

SUFFIX = ".fdbackup"
FORMAT = "fdclient-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = DATABASE_FILE
WAL_MEMBER = DATABASE_FILE + "-wal"
KEYRING_MEMBER = KEYRING_FILE
KEEP_DAILY = 7
KEEP_WEEKLY = 4

_NAME = re.compile(r"fdclient-(?P<code>\d{9})-(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[a-z-]+)\.fdbackup")

REASON_LABELS: Mapping[str, str] = {
    "daily": "每日自动备份",
    "manual": "手动备份",
    "pre-migration": "升级数据库结构前",
    "pre-conversion": "加密旧数据库前",
    "pre-restore": "恢复备份前",
    "pre-restore-raw": "恢复备份前（原样复制）",
}


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    reason: str
    township_code: str
    township_name: str
    schema_revision: str
    store_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "created_at": self.created_at.isoformat(),
            "reason": self.reason,
            "township_code": self.township_code,
            "township_name": self.township_name,
            "schema_revision": self.schema_revision,
            "store_id": self.store_id,
        }

    @classmethod
    def from_json(cls, value: Any) -> Manifest:
        if not isinstance(value, dict) or value.get("format") != FORMAT or value.get("version") != VERSION:
            raise ValueError("not an fdclient backup manifest")
        return cls(
            created_at=datetime.fromisoformat(value["created_at"]),
            reason=str(value["reason"]),
            township_code=str(value["township_code"]),
            township_name=str(value["township_name"]),
            schema_revision=str(value["schema_revision"]),
            store_id=str(value["store_id"]),
        )


@dataclass(frozen=True)
class BackupFile:
    path: Path
    manifest: Manifest
    keyring: Keyring
    has_wal: bool


def backup_name(township_code: str, at: datetime, reason: str) -> str:
    return f"fdclient-{township_code}-{at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{reason}{SUFFIX}"


def online_copy(engine: Engine, key: StoreKey | None, target: Path) -> None:
    """Copy the live database at ``engine`` into the new file ``target`` with SQLite's
    online backup API, encrypted with ``key`` (plain when None)."""
    if key is None:
        import sqlite3 as driver
    else:
        from sqlcipher3 import dbapi2 as driver  # type: ignore[no-redef]
    files.create_private_file(target)
    source = engine.raw_connection()
    try:
        destination = driver.connect(str(target))
        try:
            if key is not None:
                for pragma in key.pragmas():
                    destination.execute(pragma)
            source.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    finally:
        source.close()


def write_bundle(target: Path, manifest: Manifest, keyring: Keyring, database: Path, wal: Path | None = None) -> None:
    """Write a backup file at ``target`` (which must not exist) from the given parts."""
    if target.exists():
        raise ValidationError(
            msg(
                "{path} 已经存在，不会覆盖它。请换一个文件名。",
                "{path} exists already; it is not overwritten.",
                path=str(target),
            ),
            field="output",
        )
    partial = files.partial_path(target)
    try:
        with files.open_private(partial) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
            z.writestr(MANIFEST, json.dumps(manifest.to_json(), ensure_ascii=False, indent=1))
            z.writestr(KEYRING_MEMBER, keyring.to_bytes())
            z.write(database, DATABASE_MEMBER)
            if wal is not None and wal.exists():
                z.write(wal, WAL_MEMBER)
        files.fsync_file(partial)
        with files.os_errors(target):
            os.replace(partial, target)
        files.fsync_folder(target.parent)
    except OSError as exc:
        raise files.os_error(exc, target) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def read_backup(path: Path) -> BackupFile:
    """The manifest and key file of the backup at ``path``; a plain message for anything
    that is not one (a truncated copy, another kind of file)."""
    not_ours = ValidationError(
        msg(
            "{path} 不是 fdclient 备份文件，或文件已损坏（可能没有复制完整）。",
            "{path} is not an fdclient backup, or it is damaged (perhaps not copied completely).",
            path=str(path),
        ),
        field="backup",
    )
    if not path.is_file():
        raise ValidationError(
            msg("找不到备份文件 {path}。", "Backup file {path} not found.", path=str(path)), field="backup"
        )
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if not {MANIFEST, KEYRING_MEMBER, DATABASE_MEMBER} <= names:
                raise not_ours
            manifest = Manifest.from_json(json.loads(z.read(MANIFEST)))
            keyring = Keyring.from_json(json.loads(z.read(KEYRING_MEMBER)))
            if z.testzip() is not None:  # a member's CRC does not match: damaged on the way
                raise not_ours
    except (zipfile.BadZipFile, ValueError, KeyError, TypeError, OSError, EOFError):
        raise not_ours from None
    return BackupFile(path, manifest, keyring, WAL_MEMBER in names)


def extract_member(backup: Path, member: str, target: Path) -> None:
    """Copy one member of a backup file to the new file ``target`` (mode 0600)."""
    files.create_private_file(target)
    with zipfile.ZipFile(backup) as z, z.open(member) as src, files.open_private(target) as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


# --- the automatic backups in backups/ --------------------------------------------------


def automatic_backups(paths: StorePaths) -> list[tuple[datetime, Path]]:
    """(time made, path) of the backups in ``backups/``, newest first."""
    found = []
    if paths.backups.is_dir():
        for path in paths.backups.glob(f"fdclient-*{SUFFIX}"):
            match = _NAME.fullmatch(path.name)
            if match:
                stamp = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
                found.append((stamp, path))
    return sorted(found, reverse=True)


def newest_backup(paths: StorePaths) -> Path | None:
    backups = automatic_backups(paths)
    return backups[0][1] if backups else None


def daily_backup_due(paths: StorePaths, clock: Clock) -> bool:
    backups = automatic_backups(paths)
    return not backups or backups[0][0].astimezone(CHINA_TIME).date() < today_in_china(clock)


def rotate(paths: StorePaths, keep: Path | None = None) -> list[Path]:
    """Delete automatic backups beyond the newest of each of the last 7 days and of each
    of the last 4 weeks (``keep`` always stays); returns what was deleted."""
    backups = automatic_backups(paths)
    days: dict[date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    for stamp, path in backups:  # newest first: the first seen of a day/week is its newest
        day = stamp.astimezone(CHINA_TIME).date()
        if day not in days and len(days) < KEEP_DAILY:
            days[day] = path
        week = day.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks[week] = path
    kept = {*days.values(), *weeks.values(), *([keep] if keep else [])}
    deleted = []
    for _stamp, path in backups:
        if path not in kept:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            deleted.append(path)
    return deleted


def backup_store(
    engine: Engine,
    key: StoreKey | None,
    paths: StorePaths,
    manifest: Manifest,
    target: Path,
) -> Path:
    """Back the live store up into the backup file ``target``."""
    keyring = Keyring.load(paths.keyring)
    if keyring is None:
        raise OperationFailed(
            msg("数据目录中没有钥匙文件，无法备份。", "The data folder has no key file; cannot back up.")
        )
    files.make_private_folder(target.parent)
    copy = files.partial_path(target, "db")
    try:
        with files.os_errors(copy):
            online_copy(engine, key, copy)
        write_bundle(target, manifest, keyring, copy)
    finally:
        with contextlib.suppress(FileNotFoundError):
            copy.unlink()
    return target
