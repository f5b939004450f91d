"""The laptop's sync state, kept in ``local_settings`` under keys starting with ``sync.``.

The store is encrypted, so the device token can live here; it is a secret all the same:
nothing in fdclient logs it, prints it or puts it in an error message.

Every accessor takes a ``Session`` or a ``Connection`` (the sync engine writes the cursor
on the connection that applies a page, in the page's transaction).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from fdclient.models import LocalSetting

ENROLMENT = "sync.enrolment"
TOKEN = "sync.token"
EPOCH = "sync.epoch"
CURSOR = "sync.cursor"
SNAPSHOT = "sync.snapshot"
#: Set once the first snapshot is complete (pulls follow from then on).
SNAPSHOT_DONE = "sync.snapshot_done"
CLOCK_OFFSET_MS = "sync.clock_offset_ms"
LAST_SYNC_AT = "sync.last_sync_at"
LAST_ERROR = "sync.last_error"
CLOCK_WARNING = "sync.clock_warning"
REVOKED = "sync.revoked"
#: The last audit entry forwarded to the server (its ``at`` and id, in that order).
AUDIT_MARK = "sync.audit_mark"
#: The hybrid logical clock: ``[physical ms, counter]``.
HLC = "sync.hlc"

Db = Session | Connection


def get(db: Db, key: str, default: Any = None) -> Any:
    value = db.execute(select(LocalSetting.value).where(LocalSetting.key == key)).scalar_one_or_none()
    return default if value is None else value


def put(db: Db, key: str, value: Any) -> None:
    """Set ``key`` (``None`` removes it)."""
    if value is None:
        db.execute(delete(LocalSetting).where(LocalSetting.key == key))
        return
    statement = insert(LocalSetting).values(key=key, value=value)
    db.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": statement.excluded.value}))


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    device_id: str
    township_id: str
    #: The enrolled user's sign-in name and staff id.
    enrolled_user: str
    enrolled_at: str
    staff_id: str = ""
    role: str = ""
    township_code: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def enrolment(db: Db) -> Enrolment | None:
    value = get(db, ENROLMENT)
    if not isinstance(value, dict):
        return None
    known = set(Enrolment.__dataclass_fields__)
    return Enrolment(**{k: str(v) for k, v in value.items() if k in known})


def is_enrolled(db: Db) -> bool:
    return db.execute(select(LocalSetting.key).where(LocalSetting.key == ENROLMENT)).first() is not None


@dataclass(frozen=True)
class SnapshotProgress:
    """Where a first download stands: the version it started at and the last row applied."""

    as_of: int
    after_table: str | None = None
    after_id: str | None = None


def snapshot_progress(db: Db) -> SnapshotProgress | None:
    value = get(db, SNAPSHOT)
    if not isinstance(value, dict):
        return None
    return SnapshotProgress(int(value["as_of"]), value.get("after_table"), value.get("after_id"))


def set_snapshot_progress(db: Db, progress: SnapshotProgress | None) -> None:
    put(db, SNAPSHOT, asdict(progress) if progress is not None else None)


def token(db: Db) -> str | None:
    value = get(db, TOKEN)
    return str(value) if value else None


def cursor(db: Db) -> int:
    return int(get(db, CURSOR, 0))


def epoch(db: Db) -> str | None:
    value = get(db, EPOCH)
    return str(value) if value else None


def clock_offset_ms(db: Db) -> int:
    return int(get(db, CLOCK_OFFSET_MS, 0))


def snapshot_done(db: Db) -> bool:
    return bool(get(db, SNAPSHOT_DONE, False))


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SyncState:
    enrolment: Enrolment | None
    has_token: bool
    epoch: str | None
    cursor: int
    snapshot: SnapshotProgress | None
    snapshot_done: bool
    clock_offset_ms: int
    last_sync_at: str | None
    last_error: str | None
    clock_warning: str | None
    revoked: bool

    @property
    def device_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.enrolment.device_id) if self.enrolment else None


def load(db: Db) -> SyncState:
    values = {
        row.key: row.value
        for row in db.execute(select(LocalSetting.key, LocalSetting.value).where(LocalSetting.key.like("sync.%")))
    }

    def text(key: str) -> str | None:
        value = values.get(key)
        return str(value) if value not in (None, "") else None

    snap = values.get(SNAPSHOT)
    return SyncState(
        enrolment=enrolment(db),
        has_token=bool(values.get(TOKEN)),
        epoch=text(EPOCH),
        cursor=int(values.get(CURSOR) or 0),
        snapshot=SnapshotProgress(int(snap["as_of"]), snap.get("after_table"), snap.get("after_id"))
        if isinstance(snap, dict)
        else None,
        snapshot_done=bool(values.get(SNAPSHOT_DONE)),
        clock_offset_ms=int(values.get(CLOCK_OFFSET_MS) or 0),
        last_sync_at=text(LAST_SYNC_AT),
        last_error=text(LAST_ERROR),
        clock_warning=text(CLOCK_WARNING),
        revoked=bool(values.get(REVOKED)),
    )
