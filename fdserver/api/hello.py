"""``POST /hello``: the server's time and epoch, the township's latest version and the
number blocks the laptop asks for (docs/sync.md "Numbers", "Clocks").

Blocks are reserved under the township's lock in one transaction. A series of another
township (or a malformed one) refuses the whole request (403 ``foreign_series``),
recorded in ``refusals``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import update

from fdclient.sync.protocol import ErrorBody, HelloRequest, HelloResponse, NumberBlock
from fdclient.text import msg
from fdserver.api.common import server_epoch, township_of
from fdserver.auth import CurrentDevice, EngineDep, refuse
from fdserver.db import lock_township, transaction, utcnow
from fdserver.models import Device, table_of
from fdserver.numbers import allocate, series_of_township

router = APIRouter(tags=["sync"])
_devices = table_of(Device)
_ERRORS: dict[int | str, dict[str, object]] = {status: {"model": ErrorBody} for status in (401, 403, 409, 422)}


class _ForeignSeries(Exception):
    pass


@router.post("/hello", response_model=HelloResponse, responses=_ERRORS)
def hello(
    body: HelloRequest,
    request: Request,
    device: CurrentDevice,
    engine: EngineDep,
) -> HelloResponse:
    try:
        with transaction(engine) as conn:
            epoch = server_epoch(conn)
            township = township_of(conn, device.township_id)
            latest = lock_township(conn, device.township_id)
            wanted: dict[str, int] = {}
            for block in body.blocks:
                series = series_of_township(block.series, township.code)
                if series is None:
                    raise _ForeignSeries(block.series)
                wanted[series.name] = max(wanted.get(series.name, 0), block.count)
            blocks: list[NumberBlock] = []
            for name, count in wanted.items():
                parsed = series_of_township(name, township.code)
                assert parsed is not None
                allocated = allocate(conn, device.township_id, parsed, count)
                if allocated is not None:
                    blocks.append(allocated)
            now = utcnow()
            conn.execute(update(_devices).where(_devices.c.id == device.id).values(last_sync_at=now, last_seen_at=now))
            return HelloResponse(server_time=now, epoch=epoch, township=township, latest_version=latest, blocks=blocks)
    except _ForeignSeries:
        raise refuse(
            engine,
            403,
            "foreign_series",
            msg(
                "申请的编号段不属于本乡镇，已拒绝。请更新程序或联系县级管理员。",
                "The number series asked for does not belong to this township and was refused. Update the program "
                "or contact the county administrator.",
            ),
            path=request.url.path,
            device_id=device.id,
        ) from None
