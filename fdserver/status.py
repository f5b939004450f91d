"""``fdserver status``: townships, devices, open conflicts and merge tasks, refusals.

Pending mutations are on the laptops, not here: per device the server reports the last
device sequence number it answered for and how many mutations it received.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update

from fdclient.text import msg
from fdserver.db import aware, latest_version, reading, transaction, utcnow
from fdserver.errors import AdminError
from fdserver.meta import require_epoch
from fdserver.models import Conflict, Device, Merge, MutationLedger, Record, Refusal, table_of
from fdserver.records import all_townships

_devices = table_of(Device)
_refusals = table_of(Refusal)


@dataclass(frozen=True)
class TownshipStatus:
    id: str
    code: str
    name: str
    latest_version: int
    records: int
    devices: int
    open_conflicts: int
    open_merge_tasks: int


@dataclass(frozen=True)
class DeviceStatus:
    id: str
    township_code: str
    name: str
    username: str
    role: str
    enrolled_at: datetime
    last_seen_at: datetime | None
    last_sync_at: datetime | None
    last_seq: int
    mutations_received: int
    revoked: bool


@dataclass(frozen=True)
class ServerStatus:
    epoch: str
    townships: tuple[TownshipStatus, ...]
    devices: tuple[DeviceStatus, ...]
    open_conflicts: int
    open_merge_tasks: int
    refused_requests_24h: int
    refused_requests_total: int
    failed_sign_ins_24h: int
    failed_sign_ins_total: int

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        result: dict[str, Any] = plain(asdict(self))
        return result


def _count_by_township(conn: Any, table: Any, *where: Any) -> dict[str, int]:
    rows = conn.execute(select(table.c.township_id, func.count()).where(*where).group_by(table.c.township_id))
    return {r[0]: int(r[1]) for r in rows}


def server_status(engine: Engine) -> ServerStatus:
    since = utcnow() - timedelta(hours=24)
    with reading(engine) as conn:
        epoch = require_epoch(conn)
        townships = all_townships(conn)
        codes = {t.id: t.code for t in townships}
        records = _count_by_township(conn, table_of(Record))
        conflicts = _count_by_township(conn, table_of(Conflict), table_of(Conflict).c.status == "open")
        merges = _count_by_township(conn, table_of(Merge), table_of(Merge).c.status == "open")
        devices_per = _count_by_township(conn, _devices, _devices.c.revoked_at.is_(None))
        ledger = table_of(MutationLedger)
        received = dict(
            conn.execute(select(ledger.c.device_id, func.count()).group_by(ledger.c.device_id)).tuples().all()
        )
        devices = tuple(
            DeviceStatus(
                id=d.id,
                township_code=codes.get(d.township_id, "?"),
                name=d.name,
                username=d.username,
                role=d.role,
                enrolled_at=aware(d.enrolled_at) or d.enrolled_at,
                last_seen_at=aware(d.last_seen_at),
                last_sync_at=aware(d.last_sync_at),
                last_seq=int(d.last_seq or 0),
                mutations_received=int(received.get(d.id, 0)),
                revoked=d.revoked_at is not None,
            )
            for d in conn.execute(select(_devices).order_by(_devices.c.township_id, _devices.c.enrolled_at))
        )

        def refusals(kind: str, recent: bool) -> int:
            query = select(func.count()).select_from(_refusals).where(_refusals.c.kind == kind)
            if recent:
                query = query.where(_refusals.c.at >= since)
            return int(conn.execute(query).scalar_one())

        township_rows = tuple(
            TownshipStatus(
                id=t.id,
                code=t.code,
                name=t.name,
                latest_version=latest_version(conn, t.id),
                records=records.get(t.id, 0),
                devices=devices_per.get(t.id, 0),
                open_conflicts=conflicts.get(t.id, 0),
                open_merge_tasks=merges.get(t.id, 0),
            )
            for t in townships
        )
        return ServerStatus(
            epoch=epoch,
            townships=township_rows,
            devices=devices,
            open_conflicts=sum(conflicts.values()),
            open_merge_tasks=sum(merges.values()),
            refused_requests_24h=refusals("request", True),
            refused_requests_total=refusals("request", False),
            failed_sign_ins_24h=refusals("sign_in", True),
            failed_sign_ins_total=refusals("sign_in", False),
        )


def revoke_device(engine: Engine, device_id: str) -> bool:
    """Revoke the device's token; False if it was revoked already."""
    wanted = device_id.strip().lower().replace("-", "")
    with transaction(engine) as conn:
        require_epoch(conn)
        row = conn.execute(select(_devices.c.id, _devices.c.revoked_at).where(_devices.c.id == wanted)).one_or_none()
        if row is None:
            raise AdminError(msg("没有编号为 {id} 的设备。", "There is no device {id}.", id=device_id))
        if row.revoked_at is not None:
            return False
        conn.execute(update(_devices).where(_devices.c.id == wanted).values(revoked_at=utcnow()))
        return True
