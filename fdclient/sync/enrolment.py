"""Enrolling a laptop with the county server (``fdclient enroll``).

* On an empty data folder: the code is exchanged for a device token, the encrypted store
  is created for the code's township with the ids the server gave (township, the enrolled
  user's staff id and role, the device), the user's password unlocks it, and the first
  sync downloads the township (villages, teams, staff, residents, everything).
* On an existing store (signed in): the code's township must be the store's; the store
  keeps its data, its township takes the server's id, and every row the server has not
  seen yet is queued, so the first push sends it all.

The token is stored in the encrypted store and never printed or logged.
"""

from __future__ import annotations

import dataclasses
import platform
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from fdclient.domain.accounts import check_new_password
from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Role
from fdclient.domain.time import Clock, SystemClock
from fdclient.errors import FdError
from fdclient.models import local
from fdclient.paths import StorePaths
from fdclient.store import Store
from fdclient.sync import capture, protocol, state, tables
from fdclient.sync.engine import SyncEngine, SyncProgress, SyncReport
from fdclient.sync.transport import SyncError, Transport
from fdclient.text import msg


class EnrolmentError(FdError):
    exit_code = 2


@dataclass(frozen=True)
class EnrolResult:
    store: Store
    created: bool
    township_code: str
    township_name: str
    username: str
    device_id: str
    queued: int
    report: SyncReport | None
    #: Why the first sync did not complete (the store is enrolled all the same).
    sync_error: str | None = None


def _device_name() -> str:
    return (platform.node() or "laptop")[:100]


def _save_state(store: Store, server_url: str, response: protocol.EnrollResponse) -> None:
    with store.write(capture=False) as session:
        state.put(
            session,
            state.ENROLMENT,
            state.Enrolment(
                server_url=server_url,
                device_id=response.device_id,
                township_id=response.township.id,
                enrolled_user=response.user.username,
                enrolled_at=state.stamp(store.clock.now()),
                staff_id=response.user.staff_id,
                role=response.user.role,
                township_code=response.township.code,
            ).to_json(),
        )
        state.put(session, state.TOKEN, response.token)
        state.put(session, state.EPOCH, response.epoch)
        state.put(session, state.CURSOR, 0)
        state.put(session, state.REVOKED, None)
        state.put(session, local.DEVICE_ID, str(uuid.UUID(response.device_id)))


def enroll(
    data_dir: Path,
    server_url: str,
    code: str,
    password: str,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    transport: Transport | None = None,
    first_sync: bool = True,
    progress: Callable[[SyncProgress], None] | None = None,
) -> EnrolResult:
    """Enrol ``data_dir``'s laptop with the code. With ``store`` (an open, signed-in
    store of the folder) the existing store is enrolled; otherwise the folder must be
    empty and a new store is made for the code's user with ``password``."""
    if store is None:
        check_new_password(password)
        if StorePaths(data_dir).database.exists():
            raise EnrolmentError(
                msg(
                    "{folder} 已经有数据库：请登录后注册（fdclient --user 登录名 enroll …），它的数据会保留。",
                    "{folder} already has a store: sign in to enrol it (fdclient --user NAME enroll …); its data is "
                    "kept.",
                    folder=str(data_dir),
                )
            )
    own = transport is None
    transport = transport or Transport(server_url)
    try:
        if store is None:
            return _enroll_new(data_dir, server_url, code, password, clock, transport, first_sync, progress)
        return _enroll_existing(store, server_url, code, transport, first_sync, progress)
    finally:
        if own:
            transport.close()


def _enroll_new(
    data_dir: Path,
    server_url: str,
    code: str,
    password: str,
    clock: Clock | None,
    transport: Transport,
    first_sync: bool,
    progress: Callable[[SyncProgress], None] | None,
) -> EnrolResult:
    from fdclient.store.opening import NewIdentity, create_store

    response = transport.enroll(protocol.EnrollRequest(code=code, device_name=_device_name()))
    identity = NewIdentity(
        township_id=uuid.UUID(response.township.id),
        staff_id=uuid.UUID(response.user.staff_id),
        role=Role(response.user.role),
        staff_name=response.user.name,
        device_id=uuid.UUID(response.device_id),
    )
    store = create_store(
        data_dir,
        response.township.code,
        response.township.name,
        admin_username=response.user.username,
        admin_password=password,
        clock=clock or SystemClock(),
        identity=identity,
    )
    _save_state(store, server_url, response)
    report, error = _first_sync(store, transport, response.token, first_sync, progress)
    return EnrolResult(
        store,
        True,
        response.township.code,
        response.township.name,
        response.user.username,
        response.device_id,
        0,
        report,
        error,
    )


def _enroll_existing(
    store: Store,
    server_url: str,
    code: str,
    transport: Transport,
    first_sync: bool,
    progress: Callable[[SyncProgress], None] | None,
) -> EnrolResult:
    response = transport.enroll(
        protocol.EnrollRequest(code=code, device_name=_device_name(), device_id=store.info.device_id.hex)
    )
    if response.township.code != store.info.township_code:
        raise EnrolmentError(
            msg(
                "注册码属于 {code_name}（{code}），而本机数据库属于 {store_name}（{store_code}）：不能注册。请向县级"
                "管理员申请本乡镇的注册码。",
                "The enrolment code is for {code_name} ({code}) but this store is {store_name} ({store_code}): ask "
                "the county for a code of this township.",
                code_name=response.township.name,
                code=response.township.code,
                store_name=store.info.township_name,
                store_code=store.info.township_code,
            )
        )
    server_township = uuid.UUID(response.township.id)
    _adopt_server_ids(store, response, server_township)
    _save_state(store, server_url, response)
    store.info = dataclasses.replace(store.info, township_id=server_township, device_id=uuid.UUID(response.device_id))
    queued = queue_unsynced(store)
    report, error = _first_sync(store, transport, response.token, first_sync, progress)
    return EnrolResult(
        store,
        False,
        response.township.code,
        response.township.name,
        response.user.username,
        response.device_id,
        queued,
        report,
        error,
    )


def _adopt_server_ids(store: Store, response: protocol.EnrollResponse, township: uuid.UUID) -> None:
    """The store's township, villages (by code) and staff (by sign-in name) take the ids the
    server holds them under, so the first push adds no second copy of them; the server's
    version of each replaces the laptop's at the first download."""
    with store.apply() as conn:
        if township != store.info.township_id:
            _rekey(conn, "townships", store.info.township_id.hex, township.hex)
            state.put(conn, local.TOWNSHIP_ID, str(township))
        for table_name, column, keys in (
            ("villages", "code", response.villages),
            ("staff", "username", response.staff),
        ):
            theirs = {k.key: k.id for k in keys}
            rows = conn.exec_driver_sql(f"SELECT id, {column} FROM {table_name} WHERE {column} IS NOT NULL").all()
            for row_id, key in rows:
                server_id = theirs.get(key)
                if server_id is not None:
                    if server_id != row_id:
                        _rekey(conn, table_name, row_id, server_id)
                    # The county's record is the one kept: not pushed, overwritten by the
                    # first download.
                    conn.exec_driver_sql(f"UPDATE {table_name} SET server_version = 0 WHERE id = ?", (server_id,))


def _rekey(conn: Connection, table_name: str, old: str, new: str) -> None:
    """Row ``old`` of ``table_name`` becomes ``new``, and every reference to it follows
    (on :meth:`Store.apply`'s connection: foreign keys are off while it runs)."""
    conn.exec_driver_sql(f"UPDATE {table_name} SET id = ? WHERE id = ?", (new, old))
    for referring_table, column in tables.referring(table_name):
        conn.exec_driver_sql(f"UPDATE {referring_table} SET {column} = ? WHERE {column} = ?", (new, old))
    if table_name == "villages":  # the search index keeps each resident's village
        conn.exec_driver_sql("UPDATE resident_search_map SET village_id = ? WHERE village_id = ?", (new, old))


def queue_unsynced(store: Store) -> int:
    """Queue an insert for every row the server has not seen (``server_version`` NULL and
    nothing queued for it), parents first; the township itself is the server's."""
    with store.write() as session:
        capture.forget_enrolment_cache(session)
        conn = session.connection()
        queued = {row[0] for row in conn.exec_driver_sql("SELECT DISTINCT row_id FROM sync_outbox WHERE op = 'insert'")}
        inserted: dict[str, list[str]] = {}
        for name in tables.synced_table_names():
            if name == "townships":
                continue
            home = capture._version_table(name)
            if home == name:
                sql = f"SELECT id FROM {name} WHERE server_version IS NULL"
            else:
                sql = f"SELECT t.id FROM {name} t JOIN {home} h ON h.id = t.id WHERE h.server_version IS NULL"
            ids = [r[0] for r in conn.exec_driver_sql(sql) if r[0] not in queued]
            if ids:
                inserted[name] = ids
        return capture.write_entries(session, inserted, {}, _authors(conn))


def _authors(conn: Connection) -> dict[str, uuid.UUID]:
    """Who made each row, from the audit trail's insert entries (the server authorises each
    change by its author's role; bulk imports recorded one event and count as the
    enrolling user's)."""
    rows = conn.exec_driver_sql(
        "SELECT row_id, actor_id FROM audit_log WHERE action = ? AND row_id IS NOT NULL AND actor_id IS NOT NULL",
        (AuditAction.INSERT.value,),
    )
    return {row_id: uuid.UUID(actor) for row_id, actor in rows}


def _first_sync(
    store: Store,
    transport: Transport,
    token: str,
    first_sync: bool,
    progress: Callable[[SyncProgress], None] | None,
) -> tuple[SyncReport | None, str | None]:
    transport.with_token(token)
    if not first_sync:
        return None, None
    try:
        return SyncEngine(store, transport).run(progress), None
    except SyncError as error:
        return None, error.message


__all__ = ["EnrolResult", "EnrolmentError", "enroll", "queue_unsynced"]
