"""Restoring a backup file: checked first, the current store kept, never half-done.

1. The file must be an fdclient backup whose key file opens with the administrator's
   password (failures count towards the lock-out like any sign-in).
2. It must belong to this data folder's township (a restore never mixes townships).
3. Its database is extracted under a partial name and checked: SQLite's integrity check,
   a schema revision this program knows, the township, and the restoring account must be
   an active administrator in it.
4. The current store (if any) is kept as a backup: through the online backup API when
   the same account can open it, else as a raw copy of its files (it may be damaged).
5. The extracted database and the backup's key file replace the current ones in one swap
   that also deletes the stale -wal/-shm files (a stale WAL beside a restored file would
   silently bring old pages back).
6. The restored store is opened and the restore recorded in its audit trail.

The data folder is locked exclusively throughout: no fdclient may have the store open.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from fdclient import migrations
from fdclient.domain.accounts import normalise_username
from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Permission
from fdclient.domain.time import Clock, SystemClock
from fdclient.errors import FdError, PermissionDenied, RuleError, StoreDamagedError
from fdclient.paths import StorePaths
from fdclient.store import audit_trail, backups, failures, files, signin
from fdclient.store.engine import make_engine
from fdclient.store.files import FolderLock
from fdclient.store.keyring import Keyring, StoreKey
from fdclient.store.opening import account_actor, open_store, read_identity, stored_revision
from fdclient.store.unit_of_work import Store
from fdclient.text import msg


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    made_at: str
    reason: str
    #: Where the store that was replaced is kept (None: there was none).
    previous_kept_in: Path | None
    township_code: str
    township_name: str


def restore_backup(
    data_dir: Path, backup_path: Path, username: str, password: str, *, clock: Clock | None = None
) -> tuple[Store, RestoreReport]:
    """Restore ``backup_path`` into ``data_dir`` as ``username``; returns the restored store
    (open, signed in) and what was done."""
    clock = clock or SystemClock()
    paths = StorePaths(data_dir)
    bundle = backups.read_backup(backup_path)
    files.make_private_folder(paths.folder)
    key = signin.unlock(paths, bundle.keyring, username, password, clock)
    with FolderLock(paths, exclusive=True):
        files.finish_swap(paths)
        files.remove_leftovers(paths)
        current = Keyring.load(paths.keyring) if paths.keyring.exists() else None
        _same_township(current, bundle)
        partial_db = files.partial_path(paths.database, "restore")
        partial_wal = partial_db.with_name(partial_db.name + "-wal")
        partial_keyring = files.partial_path(paths.keyring, "restore")
        try:
            backups.extract_member(bundle.path, backups.DATABASE_MEMBER, partial_db)
            if bundle.has_wal:
                backups.extract_member(bundle.path, backups.WAL_MEMBER, partial_wal)
            _verify(partial_db, paths, key, bundle)
            kept = _keep_current(paths, current, username, password, clock)
            with files.open_private(partial_keyring) as fh:
                fh.write(bundle.keyring.to_bytes())
            moves = [(partial_db, paths.database), (partial_keyring, paths.keyring)]
            if bundle.has_wal:
                moves.append((partial_wal, paths.companions()[0]))
            files.swap_into_place(paths, moves, removals=paths.companions())
        except BaseException:
            for leftover in (partial_db, *paths.companions(partial_db), partial_keyring):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            raise
    store = open_store(data_dir, key, clock=clock, daily_backup=False)
    report = RestoreReport(
        backup_path,
        bundle.manifest.created_at.isoformat(timespec="seconds"),
        bundle.manifest.reason,
        kept,
        bundle.manifest.township_code,
        bundle.manifest.township_name,
    )
    try:
        with store.write() as session:
            audit_trail.record_event(
                session,
                AuditAction.RESTORE,
                "store",
                {
                    "backup": backup_path.name,
                    "backup_made_at": report.made_at,
                    "backup_reason": report.reason,
                    "previous_store_kept_in": kept.name if kept else None,
                },
            )
    except BaseException:
        store.close()
        raise
    return store, report


def _same_township(current: Keyring | None, bundle: backups.BackupFile) -> None:
    if current is not None and current.township_code != bundle.manifest.township_code:
        raise RuleError(
            msg(
                "备份属于另一个乡镇（{theirs} {name}），这个数据目录是乡镇 {ours} 的，不能恢复到这里。"
                "请换一个数据目录（--data-dir）。",
                "The backup belongs to another township ({theirs} {name}); this data folder is township {ours}'s. "
                "Restore it into another data folder (--data-dir).",
                theirs=bundle.manifest.township_code,
                name=bundle.manifest.township_name,
                ours=current.township_code,
            )
        )


def _verify(database: Path, paths: StorePaths, key: StoreKey, bundle: backups.BackupFile) -> None:
    """Integrity, schema and township of the extracted database; the account an admin."""
    check_paths = StorePaths(paths.folder, database.name)
    damaged = StoreDamagedError(
        msg(
            "备份文件 {path} 中的数据库已损坏，不能恢复。请换一个备份文件。",
            "The database in the backup {path} is damaged and cannot be restored. Choose another backup.",
            path=str(bundle.path),
        )
    )
    engine = make_engine(database, key)
    try:
        try:
            with failures.database_errors(check_paths), engine.connect() as conn:
                problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
                conn.rollback()
            revision = stored_revision(engine, check_paths)
            identity = read_identity(engine, check_paths)
        except StoreDamagedError:
            raise damaged from None
        if problems != ["ok"] or revision is None:
            raise damaged
        if revision not in migrations.known_revisions():
            raise RuleError(
                msg(
                    "备份由更新版本的 fdclient 制作（数据库结构版本 {revision}），请先升级 fdclient 再恢复。",
                    "The backup was made by a newer fdclient (schema {revision}); upgrade fdclient first.",
                    revision=revision,
                )
            )
        if identity.township_code != bundle.manifest.township_code:
            raise damaged
        actor = account_actor(engine, check_paths, key.username)
        if not actor.may(Permission.RESTORE):
            raise PermissionDenied(
                msg(
                    "只有管理员可以恢复备份（{user} 在备份中是{role}）。",
                    "Only an administrator may restore a backup ({user} is a {role} in it).",
                    user=actor.username,
                    role=actor.role.label,
                )
            )
    finally:
        engine.dispose()


def _keep_current(
    paths: StorePaths, current: Keyring | None, username: str, password: str, clock: Clock
) -> Path | None:
    """Keep the store being replaced in ``backups/``; None when there is none."""
    if not paths.database.exists():
        return None
    township = current.township_code if current else "000000000"
    key = current.unwrap(normalise_username(username), password) if current else None
    if key is not None:
        with contextlib.suppress(FdError):
            return _online_backup(paths, key, clock)
    # Unreadable with this account, or damaged: keep its files exactly as they are.
    now = clock.now()
    target = paths.backups / backups.backup_name(township, now, "pre-restore-raw")
    files.make_private_folder(paths.backups)
    manifest = backups.Manifest(
        now, "pre-restore-raw", township, "", "unknown", current.store_id if current else "unknown"
    )
    keyring = current or Keyring.new(township)
    backups.write_bundle(target, manifest, keyring, paths.database, paths.companions()[0])
    return target


def _online_backup(paths: StorePaths, key: StoreKey, clock: Clock) -> Path:
    engine = make_engine(paths.database, key)
    try:
        identity = read_identity(engine, paths)
        revision = stored_revision(engine, paths) or "none"
        keyring = signin.read_keyring(paths)
        now = clock.now()
        manifest = backups.Manifest(
            now, "pre-restore", identity.township_code, identity.township_name, revision, keyring.store_id
        )
        target = paths.backups / backups.backup_name(identity.township_code, now, "pre-restore")
        with failures.database_errors(paths):
            backups.backup_store(engine, key, paths, manifest, target)
        return target
    finally:
        engine.dispose()
