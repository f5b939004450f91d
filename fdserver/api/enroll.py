"""``POST /enroll``: a one-time enrolment code becomes a device and its token.

In one transaction: the code is looked up by its hash, must not have expired or been
used, is marked used (a conditional update, so two laptops racing with one code cannot
both win), and the device is created (or, when the laptop gives its own device id of the
same township, enrolled again: new token, revocation lifted, its sequence kept). The
token is shown once; only its SHA-256 is stored. A bad, expired or replayed code is
refused and recorded as a failed sign-in.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from sqlalchemy import Connection, insert, select, update

from fdclient.sync.protocol import EnrollRequest, EnrollResponse, ErrorBody, NaturalKey, UserInfo
from fdclient.text import Text, msg
from fdserver.api.common import server_epoch, township_of
from fdserver.auth import EngineDep, refuse
from fdserver.db import aware, transaction, utcnow
from fdserver.enrolment import code_hash, sha256_hex
from fdserver.models import Device, EnrolmentCode, Record, table_of
from fdserver.records import STAFF, new_hex_id, records_of
from fdserver.refusals import SIGN_IN

router = APIRouter(tags=["enrolment"])
_codes = table_of(EnrolmentCode)
_devices = table_of(Device)
_records = table_of(Record)

BAD_CODE = msg(
    "注册码不正确：请核对县级管理员给出的注册码（12 位，例如 ABCD-EFGH-JKLM）。",
    "The enrolment code is not correct: check the code the county administrator gave you (12 characters, such as "
    "ABCD-EFGH-JKLM).",
)
EXPIRED = msg(
    "注册码已过期：请向县级管理员申请新的注册码。",
    "The enrolment code has expired: ask the county administrator for a new one.",
)
USED = msg(
    "注册码已经使用过，每个注册码只能注册一台电脑：请向县级管理员申请新的注册码。",
    "The enrolment code has already been used; each code enrols one computer only: ask the county administrator "
    "for a new one.",
)
OTHER_TOWNSHIP = msg(
    "这台电脑已注册到另一个乡镇，不能用本注册码注册。",
    "This computer is enrolled for another township and cannot be enrolled with this code.",
)

_ERRORS: dict[int | str, dict[str, object]] = {status: {"model": ErrorBody} for status in (401, 403, 409, 422)}


class _Refused(Exception):
    def __init__(self, status: int, code: str, text: Text) -> None:
        super().__init__(code)
        self.status, self.code, self.text = status, code, text


@router.post("/enroll", response_model=EnrollResponse, responses=_ERRORS)
def enroll(body: EnrollRequest, request: Request, engine: EngineDep) -> EnrollResponse:
    try:
        with transaction(engine) as conn:
            return _enroll(conn, body)
    except _Refused as refused:
        raise refuse(engine, refused.status, refused.code, refused.text, path=request.url.path, kind=SIGN_IN) from None


def _enroll(conn: Connection, body: EnrollRequest) -> EnrollResponse:
    epoch = server_epoch(conn)
    hashed = code_hash(body.code)
    code = conn.execute(select(_codes).where(_codes.c.code_hash == hashed)).one_or_none()
    now = utcnow()
    if code is None:
        raise _Refused(403, "invalid_code", BAD_CODE)
    if code.used_at is not None:
        raise _Refused(409, "code_used", USED)
    if (aware(code.expires_at) or now) <= now:
        raise _Refused(403, "code_expired", EXPIRED)
    claimed = conn.execute(
        update(_codes).where(_codes.c.code_hash == hashed, _codes.c.used_at.is_(None)).values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise _Refused(409, "code_used", USED)
    township = township_of(conn, code.township_id)
    token = secrets.token_urlsafe(32)
    device_id = body.device_id or new_hex_id()
    values = {
        "township_id": code.township_id,
        "name": body.device_name,
        "token_hash": sha256_hex(token),
        "staff_id": code.staff_id,
        "username": code.username,
        "role": code.role,
        "enrolled_at": now,
        "revoked_at": None,
        "last_seen_at": now,
    }
    existing = conn.execute(select(_devices.c.township_id).where(_devices.c.id == device_id)).one_or_none()
    if existing is None:
        conn.execute(insert(_devices).values(id=device_id, last_seq=0, **values))
    elif existing.township_id != code.township_id:
        raise _Refused(409, "device_other_township", OTHER_TOWNSHIP)
    else:
        conn.execute(update(_devices).where(_devices.c.id == device_id).values(**values))
    conn.execute(update(_codes).where(_codes.c.code_hash == hashed).values(used_by_device=device_id))
    staff = conn.execute(
        select(_records.c.data).where(_records.c.table_name == STAFF, _records.c.row_id == code.staff_id)
    ).scalar_one_or_none()
    name = str(staff.get("name") or code.username) if staff else code.username
    user = UserInfo(staff_id=code.staff_id, username=code.username, name=name, role=code.role)
    return EnrollResponse(
        device_id=device_id,
        token=token,
        township=township,
        user=user,
        server_time=now,
        epoch=epoch,
        villages=_natural_keys(conn, "villages", "code", code.township_id),
        staff=_natural_keys(conn, "staff", "username", code.township_id),
    )


def _natural_keys(conn: Connection, table: str, column: str, township_id: str) -> list[NaturalKey]:
    """The township's records of ``table`` by ``column`` (villages by code, staff by name)."""
    return [
        NaturalKey(id=row_id, key=str(data[column]))
        for row_id, data in records_of(conn, table, township_id)
        if data.get(column) and data.get("voided_at") is None
    ]
