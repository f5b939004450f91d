"""Signing in, opening and creating stores.

* :func:`sign_in`: the account's password unwraps the store key (argon2id, ~0.1 s).
* :func:`open_store`: with that key, open the store: refuse a newer database, back it up
  and migrate an older one, identify the signed-in staff member, record the sign-in (and
  failed ones since the last) in the audit trail, and make the day's first backup.
* :func:`create_store`: a new store is built under a partial name in the data folder,
  complete with its township, first administrator and key file, and swapped into place
  in one step: a crash or a refusal at any point leaves no store (or the previous one),
  and the next ``init``/``demo`` removes what a crash left behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from fdclient import migrations
from fdclient.domain.accounts import check_new_password, normalise_username
from fdclient.domain.codes import AuditAction
from fdclient.domain.geography import validate_township
from fdclient.domain.roles import Role
from fdclient.domain.time import Clock, CorrectedClock, SystemClock
from fdclient.errors import (
    SignInError,
    StoreDamagedError,
    StoreError,
    StoreExistsError,
    StoreNotFoundError,
    StoreTooNewError,
)
from fdclient.models import LocalSetting, Staff, Township, local, new_id
from fdclient.paths import StorePaths
from fdclient.store import audit_trail, backups, failures, files, signin
from fdclient.store.context import Actor
from fdclient.store.engine import BEGIN_MODE, BUSY_TIMEOUT_MS, is_plain_sqlite, make_engine
from fdclient.store.files import FolderLock
from fdclient.store.keyring import Keyring, StoreKey, new_store_key
from fdclient.store.unit_of_work import Store, StoreInfo
from fdclient.text import msg


def settle_folder(paths: StorePaths) -> None:
    """Finish a swap of files a crash interrupted (under the exclusive folder lock)."""
    if paths.swap_journal.exists():
        with FolderLock(paths, exclusive=True):
            files.finish_swap(paths)


def sign_in(data_dir: Path, username: str, password: str, *, clock: Clock | None = None) -> StoreKey:
    """The store key of ``data_dir`` if ``password`` is ``username``'s (see signin.py for
    lock-outs). A folder without a store, or with a store from before encryption, is
    reported as such (:func:`fdclient.store.conversion.encrypt_plain_store` converts one)."""
    paths = StorePaths(data_dir)
    settle_folder(paths)
    if not paths.database.exists():
        raise no_store_error(paths)
    if is_plain_sqlite(paths.database) and not paths.keyring.exists():
        raise PlainStoreError(
            msg(
                "数据库 {path} 是旧版本创建的，还没有加密。登录后会先备份再加密它。",
                "The store {path} was made by an older version and is not encrypted yet; it is backed up and "
                "encrypted at sign-in.",
                path=str(paths.database),
            )
        )
    return signin.unlock(paths, signin.read_keyring(paths), username, password, clock or SystemClock())


class PlainStoreError(StoreError):
    """The store predates encryption: it must be converted before it is opened."""


def no_store_error(paths: StorePaths) -> StoreNotFoundError:
    return StoreNotFoundError(
        msg(
            "在 {folder} 没有找到数据库。请先运行 “fdclient init --township 乡镇代码 --name 乡镇名称”，"
            "或运行 “fdclient demo” 生成演示数据，或用 “fdclient restore 备份文件” 恢复备份。",
            "No store in {folder}. Run “fdclient init --township CODE --name NAME”, or “fdclient demo” for a demo "
            "township, or “fdclient restore BACKUP-FILE” to restore a backup.",
            folder=str(paths.folder),
        )
    )


def stored_revision(engine: Engine, paths: StorePaths) -> str | None:
    """The store's Alembic revision (None for an empty database)."""
    with failures.database_errors(paths), engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT version_num FROM alembic_version"
            " WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'alembic_version')"
        ).first()
        conn.rollback()
    return row[0] if row else None


def migrate(engine: Engine, paths: StorePaths) -> None:
    with failures.database_errors(paths), engine.execution_options(**{BEGIN_MODE: "write"}).begin() as conn:
        migrations.upgrade(conn)


@dataclass(frozen=True)
class Identity:
    township_id: uuid.UUID
    township_code: str
    township_name: str
    device_id: uuid.UUID
    #: The correction of the laptop's clock by the server's time (``sync.clock_offset_ms``).
    clock_offset: timedelta | None = None


def read_identity(engine: Engine, paths: StorePaths) -> Identity:
    with failures.database_errors(paths), engine.connect() as conn:
        settings: dict[str, Any] = {
            row.key: row.value for row in conn.execute(select(LocalSetting.key, LocalSetting.value))
        }
        township = None
        if local.TOWNSHIP_ID in settings:
            wanted = uuid.UUID(str(settings[local.TOWNSHIP_ID]))
            township = conn.execute(
                select(Township.id, Township.code, Township.name).where(Township.__table__.c.id == wanted)
            ).first()
        conn.rollback()
    if township is None or local.DEVICE_ID not in settings:
        raise StoreDamagedError(
            failures.damaged_message(paths, msg("（数据库中没有所属乡镇的记录。）", "(It records no township.)"))
        )
    offset = settings.get(local.CLOCK_OFFSET_MS)
    return Identity(
        township.id,
        township.code,
        township.name,
        uuid.UUID(str(settings[local.DEVICE_ID])),
        timedelta(milliseconds=int(offset)) if isinstance(offset, (int, float)) and offset else None,
    )


def corrected(clock: Clock, identity: Identity) -> Clock:
    """``clock`` corrected by the server's time measured at the last sync, if any."""
    return CorrectedClock(clock, identity.clock_offset) if identity.clock_offset else clock


def account_actor(engine: Engine, paths: StorePaths, username: str) -> Actor:
    with failures.database_errors(paths), engine.connect() as conn:
        staff = conn.execute(
            select(Staff.id, Staff.username, Staff.name, Staff.role, Staff.active).where(Staff.username == username)
        ).first()
        conn.rollback()
    if staff is None or not staff.active:
        raise SignInError(
            msg(
                "账号 {user} 已停用或不存在于这个数据库中。请联系管理员。",
                "The account {user} is disabled or not in this store. Ask an administrator.",
                user=username,
            )
        )
    return Actor(staff.id, staff.username, staff.name, Role(staff.role))


def open_store(
    data_dir: Path,
    key: StoreKey,
    *,
    clock: Clock | None = None,
    read_only: bool = False,
    daily_backup: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Store:
    """Open the store in ``data_dir`` with the key ``key`` unwrapped at sign-in.

    ``read_only`` (``fdclient check``): no migration, no backup, nothing written.
    ``busy_timeout_ms``: how long a write waits for another process's write to end.
    """
    clock = clock or SystemClock()
    paths = StorePaths(data_dir)
    settle_folder(paths)
    lock = FolderLock(paths, exclusive=False).acquire()
    engine: Engine | None = None
    try:
        if not paths.database.exists():
            raise no_store_error(paths)
        engine = make_engine(paths.database, key, busy_timeout_ms=busy_timeout_ms)
        revision = stored_revision(engine, paths)
        if revision is None:
            raise StoreDamagedError(failures.damaged_message(paths))
        backup = None
        if revision != migrations.SCHEMA_HEAD:
            if revision not in migrations.known_revisions():
                raise StoreTooNewError(
                    msg(
                        "数据库 {path} 由更新版本的 fdclient 创建（数据库结构版本 {revision}），本程序只认识到版本 "
                        "{head}。请先升级 fdclient，不要用旧版本打开它。",
                        "The store {path} was written by a newer fdclient (schema {revision}); this program knows "
                        "up to {head}. Upgrade fdclient; do not open it with an older one.",
                        path=str(paths.database),
                        revision=revision,
                        head=migrations.SCHEMA_HEAD,
                    )
                )
            if not read_only:
                identity = read_identity(engine, paths)  # its tables exist since 0001
                backup = _automatic_backup(engine, key, paths, clock, "pre-migration", revision, identity)
                migrate(engine, paths)
        identity = read_identity(engine, paths)
        clock = corrected(clock, identity)
        actor = account_actor(engine, paths, key.username)
        info = StoreInfo(
            paths.database,
            identity.township_id,
            identity.township_code,
            identity.township_name,
            identity.device_id,
            migrations.SCHEMA_HEAD if not read_only else revision,
            backup,
        )
        store = Store(engine, paths, info, actor, clock, key, lock)
        if not read_only:
            _record_sign_in(store)
            if daily_backup and backup is None and backups.daily_backup_due(paths, clock):
                backup = _automatic_backup(engine, key, paths, clock, "daily", info.schema_revision, identity)
                store.info = dataclasses.replace(info, backup=backup)
        return store
    except BaseException:
        if engine is not None:
            engine.dispose()
        lock.release()
        raise


def _automatic_backup(
    engine: Engine, key: StoreKey, paths: StorePaths, clock: Clock, reason: str, revision: str, identity: Identity
) -> Path:
    keyring = signin.read_keyring(paths)
    manifest = backups.Manifest(
        clock.now(), reason, identity.township_code, identity.township_name, revision, keyring.store_id
    )
    target = paths.backups / backups.backup_name(identity.township_code, manifest.created_at, reason)
    with failures.database_errors(paths):
        backups.backup_store(engine, key, paths, manifest, target)
    backups.rotate(paths, keep=target)
    return target


def _record_sign_in(store: Store) -> None:
    """The sign-in, and failed sign-ins since the last successful one, into the audit trail."""
    state = signin.SignInState(store.paths)
    pending = state.take_pending()
    with store.write() as session:
        for event in pending:
            staff_id = session.scalar(select(Staff.id).where(Staff.username == event.username))
            audit_trail.record_event(
                session,
                AuditAction.SIGN_IN_FAILED,
                "account",
                {"username": event.username, "reason": event.reason},
                actor_id=staff_id,
                at=event.at,
            )
        audit_trail.record_event(
            session, AuditAction.SIGN_IN, "account", {"username": store.actor.username if store.actor else None}
        )
    if pending:
        state.save()


# --- creating a store -----------------------------------------------------------------


@dataclass(frozen=True)
class NewIdentity:
    """Ids a new store takes instead of fresh ones (None: a fresh id)."""

    township_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    role: Role = Role.ADMIN
    staff_name: str | None = None
    device_id: uuid.UUID | None = None


def create_store(
    data_dir: Path,
    township_code: str,
    township_name: str,
    *,
    admin_username: str,
    admin_password: str,
    clock: Clock | None = None,
    populate: Callable[[Store], None] | None = None,
    identity: NewIdentity | None = None,
    **township: str,
) -> Store:
    """A new store for one township with its first administrator, opened as them.

    ``populate`` (the demo) may fill the new store before it is moved into place. The
    data folder must have no store; files a crash left there are removed first.
    ``identity``: the ids the county server gave (a laptop enrolled on an empty folder:
    its township's id, the enrolled user's staff id and role, the device id).
    """
    clock = clock or SystemClock()
    code, name = validate_township(township_code, township_name)
    username = normalise_username(admin_username)
    check_new_password(admin_password)
    paths = StorePaths(data_dir)
    files.make_private_folder(paths.folder)
    with FolderLock(paths, exclusive=True):
        files.finish_swap(paths)
        if paths.database.exists():
            raise StoreExistsError(
                msg(
                    "{folder} 已经有数据库，不会覆盖它。要新建请换一个目录（--data-dir）。",
                    "{folder} already holds a store; it is not overwritten. Choose another folder (--data-dir) "
                    "for a new one.",
                    folder=str(paths.folder),
                )
            )
        files.remove_leftovers(paths)
        key = StoreKey(username, new_store_key())
        keyring = Keyring.new(code, name).with_entry(username, admin_password, key)
        partial_db = files.partial_path(paths.database, "new")
        partial_keyring = files.partial_path(paths.keyring, "new")
        build_paths = StorePaths(paths.folder, partial_db.name, partial_keyring.name)
        try:
            with files.open_private(partial_keyring) as fh:
                fh.write(keyring.to_bytes())
            _build(build_paths, key, clock, code, name, username, township, populate, identity or NewIdentity())
            files.swap_into_place(
                paths,
                [(partial_db, paths.database), (partial_keyring, paths.keyring)],
                removals=[*paths.companions(), paths.sign_in_state],
            )
        except BaseException:
            for leftover in (partial_db, *paths.companions(partial_db), partial_keyring):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            raise
    return open_store(data_dir, key, clock=clock)


def _build(
    build_paths: StorePaths,
    key: StoreKey,
    clock: Clock,
    code: str,
    name: str,
    username: str,
    township: dict[str, str],
    populate: Callable[[Store], None] | None,
    identity: NewIdentity,
) -> None:
    """Build a complete store under the partial names of ``build_paths`` and close it."""
    path = build_paths.database
    files.create_private_file(path)
    engine = make_engine(path, key)
    try:
        migrate(engine, build_paths)
        township_id = identity.township_id or new_id()
        admin_id = identity.staff_id or new_id()
        device_id = identity.device_id or new_id()
        role, staff_name = identity.role, identity.staff_name or "管理员"
        admin = Actor(admin_id, username, staff_name, role)
        info = StoreInfo(path, township_id, code, name, device_id, migrations.SCHEMA_HEAD, None)
        # The township and the administrator are audited as the administrator's.
        store = Store(engine, build_paths, info, admin, clock, key)
        with store.write() as session:
            session.add(Township(id=township_id, code=code, name=name, **township))
            session.flush()
            session.add(Staff(id=admin_id, township_id=township_id, name=staff_name, role=role, username=username))
            session.add(LocalSetting(key=local.TOWNSHIP_ID, value=str(township_id)))
            session.add(LocalSetting(key=local.DEVICE_ID, value=str(device_id)))
        if populate is not None:
            populate(store)
        with failures.database_errors(build_paths), engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    for companion in build_paths.companions():  # empty after the checkpoint and close
        with contextlib.suppress(FileNotFoundError):
            if companion.stat().st_size == 0 or companion.name.endswith("-shm"):
                companion.unlink()
    if any(c.exists() for c in build_paths.companions()):
        raise RuntimeError("the new store's write-ahead log was not folded in")
