"""Device authentication: ``Authorization: Bearer TOKEN`` → the device, by the token's
SHA-256 (the token itself is never stored or logged).

Endpoints take ``device: DeviceContext = Depends(current_device)`` and the engine with
``engine: Engine = Depends(get_engine)``. An unknown token is 401 ``invalid_token``, a
revoked device 403 ``device_revoked`` with a plain Chinese message; both are recorded in
``refusals``. ``last_seen_at`` is kept within a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, select, update

from fdclient.text import Text, msg
from fdserver.db import aware, reading, transaction, utcnow
from fdserver.enrolment import sha256_hex
from fdserver.errors import ApiError
from fdserver.models import Device, table_of
from fdserver.refusals import REQUEST, SIGN_IN, record_refusal

bearer = HTTPBearer(auto_error=False, description="设备令牌（注册时获得） / the device token from enrolment")
_devices = table_of(Device)
SEEN_EVERY = timedelta(minutes=1)

INVALID_TOKEN = msg(
    "同步授权无效：这台电脑的令牌不被服务器接受。请向县级管理员申请新的注册码后重新注册。",
    "The sync authorisation is not valid: the server does not accept this computer's token. Ask the county "
    "administrator for a new enrolment code and enrol again.",
)
REVOKED = msg(
    "这台电脑的同步授权已被县级管理员撤销。尚未同步的工作仍保存在本机，可以导出（导出花名册、备份）；"
    "如需继续同步，请向县级管理员申请新的注册码重新注册。",
    "The county administrator has revoked this computer's sync authorisation. Work not yet synced stays on this "
    "laptop and can be exported (roster export, backups); to sync again, ask the county administrator for a new "
    "enrolment code.",
)


@dataclass(frozen=True)
class DeviceContext:
    id: str
    township_id: str
    staff_id: str
    username: str
    role: str
    last_seq: int


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def refuse(
    engine: Engine,
    status: int,
    code: str,
    text: Text,
    *,
    path: str,
    device_id: str | None = None,
    kind: str = REQUEST,
    headers: dict[str, str] | None = None,
) -> ApiError:
    """Record a refusal and return the error to raise."""
    record_refusal(engine, kind, code, device_id=device_id, path=path)
    return ApiError(status, code, text, headers=headers)


def current_device(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    engine: Annotated[Engine, Depends(get_engine)],
) -> DeviceContext:
    path = request.url.path
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token or len(token) > 200:
        raise refuse(
            engine, 401, "invalid_token", INVALID_TOKEN, path=path, kind=SIGN_IN, headers={"WWW-Authenticate": "Bearer"}
        )
    with reading(engine) as conn:
        row = conn.execute(select(_devices).where(_devices.c.token_hash == sha256_hex(token))).one_or_none()
    if row is None:
        raise refuse(
            engine, 401, "invalid_token", INVALID_TOKEN, path=path, kind=SIGN_IN, headers={"WWW-Authenticate": "Bearer"}
        )
    if row.revoked_at is not None:
        raise refuse(engine, 403, "device_revoked", REVOKED, path=path, device_id=row.id)
    now = utcnow()
    seen = aware(row.last_seen_at)
    if seen is None or now - seen >= SEEN_EVERY or seen > now:
        with transaction(engine) as conn:
            conn.execute(update(_devices).where(_devices.c.id == row.id).values(last_seen_at=now))
    return DeviceContext(row.id, row.township_id, row.staff_id, row.username, row.role, int(row.last_seq or 0))


#: ``device: CurrentDevice`` in an endpoint's parameters: the authenticated device.
CurrentDevice = Annotated[DeviceContext, Depends(current_device)]
#: ``engine: EngineDep``: the app's engine.
EngineDep = Annotated[Engine, Depends(get_engine)]
