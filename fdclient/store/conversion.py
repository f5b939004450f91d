"""Encrypting a store made before encryption, in place and safely.

The plain database is exported into a new encrypted file (``sqlcipher_export``) under a
partial name; the account that signs in becomes its administrator (an existing
administrator with that sign-in name, or a new one); a backup of the result is made; then
the encrypted file and its new key file replace the plain one in one swap. Backups the old
version left in ``backups/`` (plain ``*.db`` files) are encrypted the same way and the
plain copies deleted. A crash at any point leaves the plain store as it was (or, after
the swap's journal is written, the encrypted one).

The plain file is replaced by a rename: its old blocks stay on the disk until reused.
A laptop that held plain data should have its disk encrypted too (BitLocker, LUKS).
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from fdclient.domain.accounts import check_new_password, normalise_username
from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Role
from fdclient.domain.time import Clock, SystemClock
from fdclient.errors import RuleError
from fdclient.models import Staff, new_id
from fdclient.paths import StorePaths
from fdclient.store import audit_trail, backups, failures, files
from fdclient.store.context import Actor
from fdclient.store.engine import is_plain_sqlite, make_engine
from fdclient.store.files import FolderLock
from fdclient.store.keyring import Keyring, StoreKey, new_store_key
from fdclient.store.opening import Identity, migrate, read_identity, stored_revision
from fdclient.store.unit_of_work import Store, StoreInfo
from fdclient.text import msg

_OLD_BACKUP = re.compile(r"fdclient-(?P<stamp>\d{8}T\d{12}Z)-rev(?P<revision>\w+)\.db")


def export_encrypted(plain: Path, target: Path, key: StoreKey) -> None:
    """Write an encrypted copy of the plain database ``plain`` to the new file ``target``."""
    from sqlcipher3 import dbapi2

    files.create_private_file(target)
    con = dbapi2.connect(str(plain), isolation_level=None)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.key.hex()}'\"", (str(target),))
        for pragma in key.pragmas("encrypted")[1:]:  # the key is given; the cipher settings follow
            con.execute(pragma)
        con.execute("SELECT sqlcipher_export('encrypted')")
        con.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        con.execute("DETACH DATABASE encrypted")
    finally:
        con.close()


def encrypt_plain_store(data_dir: Path, username: str, password: str, *, clock: Clock | None = None) -> StoreKey:
    """Encrypt the plain store in ``data_dir``; ``username`` becomes (or is) its administrator.
    Returns the new store key, unwrapped for ``username``. The store is migrated to this
    program's schema on the way (after its encrypted backup)."""
    clock = clock or SystemClock()
    paths = StorePaths(data_dir)
    username = normalise_username(username)
    check_new_password(password)
    with FolderLock(paths, exclusive=True):
        files.finish_swap(paths)
        files.remove_leftovers(paths)
        if not is_plain_sqlite(paths.database) or paths.keyring.exists():
            raise RuleError(msg("这个数据库已经加密了。", "This store is encrypted already."))
        key = StoreKey(username, new_store_key())
        partial_db = files.partial_path(paths.database, "encrypted")
        partial_keyring = files.partial_path(paths.keyring, "encrypted")
        build_paths = StorePaths(paths.folder, partial_db.name, partial_keyring.name)
        try:
            with failures.database_errors(paths), files.os_errors(partial_db):
                export_encrypted(paths.database, partial_db, key)
            engine = make_engine(partial_db, key)
            try:
                revision = stored_revision(engine, build_paths) or "none"
                identity = read_identity(engine, build_paths)
                existing = _existing_account(engine, username)
                keyring = Keyring.new(identity.township_code, identity.township_name).with_entry(
                    username, password, key
                )
                with files.open_private(partial_keyring) as fh:
                    fh.write(keyring.to_bytes())
                _backup(engine, key, build_paths, keyring, identity, revision, clock)
                migrate(engine, build_paths)
                _adopt(engine, build_paths, key, clock, identity, existing)
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                engine.dispose()
            _encrypt_old_backups(paths, key, keyring, identity)
            files.swap_into_place(
                paths, [(partial_db, paths.database), (partial_keyring, paths.keyring)], removals=paths.companions()
            )
        except BaseException:
            for leftover in (partial_db, *paths.companions(partial_db), partial_keyring):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            raise
    return key


def _existing_account(engine: Engine, username: str) -> Actor | None:
    """The staff member with ``username`` in the old store; refused unless an administrator."""
    with engine.connect() as conn:
        row = conn.execute(select(Staff.id, Staff.role, Staff.name).where(Staff.username == username)).first()
        conn.rollback()
    if row is None:
        return None
    if row.role != Role.ADMIN:
        raise RuleError(
            msg(
                "登录名 {user} 属于一位非管理员的工作人员。加密旧数据库时请用管理员的登录名（例如 admin）。",
                "The sign-in name {user} belongs to a staff member who is not an administrator. Encrypt the "
                "old store as an administrator (for example admin).",
                user=username,
            ),
            field="username",
        )
    return Actor(row.id, username, row.name, Role.ADMIN)


def _adopt(
    engine: Engine, paths: StorePaths, key: StoreKey, clock: Clock, identity: Identity, existing: Actor | None
) -> None:
    """Give the encrypted, migrated copy its administrator; record the conversion."""
    admin = existing or Actor(new_id(), key.username, "管理员", Role.ADMIN)
    info = StoreInfo(
        paths.database,
        identity.township_id,
        identity.township_code,
        identity.township_name,
        identity.device_id,
        "head",
        None,
    )
    store = Store(engine, paths, info, admin, clock, key)
    with store.write() as session:
        if existing is None:
            session.add(
                Staff(
                    id=admin.staff_id,
                    township_id=identity.township_id,
                    name=admin.name,
                    role=Role.ADMIN,
                    username=admin.username,
                )
            )
        audit_trail.record_event(session, AuditAction.ENCRYPT, "store", {"administrator": admin.username})


def _backup(
    engine: Engine, key: StoreKey, paths: StorePaths, keyring: Keyring, identity: Identity, revision: str, clock: Clock
) -> None:
    manifest = backups.Manifest(
        clock.now(), "pre-conversion", identity.township_code, identity.township_name, revision, keyring.store_id
    )
    files.make_private_folder(paths.backups)
    target = paths.backups / backups.backup_name(identity.township_code, manifest.created_at, manifest.reason)
    with failures.database_errors(paths):
        backups.backup_store(engine, key, paths, manifest, target)


def _encrypt_old_backups(paths: StorePaths, key: StoreKey, keyring: Keyring, identity: Identity) -> None:
    """Replace the plain backups of the old version with encrypted backup files."""
    if not paths.backups.is_dir():
        return
    for old in sorted(paths.backups.glob("fdclient-*.db")):
        match = _OLD_BACKUP.fullmatch(old.name)
        if match is None or not is_plain_sqlite(old):
            continue
        made = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        manifest = backups.Manifest(
            made, "pre-migration", identity.township_code, identity.township_name, match["revision"], keyring.store_id
        )
        copy = files.partial_path(old, "encrypted")
        try:
            with failures.database_errors(paths):
                export_encrypted(old, copy, key)
            target = paths.backups / backups.backup_name(identity.township_code, made, manifest.reason)
            if not target.exists():
                backups.write_bundle(target, manifest, keyring, copy)
        finally:
            with contextlib.suppress(FileNotFoundError):
                copy.unlink()
        os.unlink(old)
