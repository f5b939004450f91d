"""Small pieces the endpoints share: the epoch, the township's description."""

from __future__ import annotations

from sqlalchemy import Connection

from fdclient.sync.protocol import TownshipInfo
from fdclient.text import msg
from fdserver.errors import ApiError
from fdserver.meta import get_epoch
from fdserver.records import township_info

EPOCH_CHANGED = msg(
    "服务器数据已从备份恢复（数据版本已更换），本机将重新下载本乡镇数据，未同步的修改会保留并重新上传。",
    "The server was restored from a backup (new data epoch): this laptop downloads the township's data again and "
    "keeps its unsynced changes to send them again.",
)


def server_epoch(conn: Connection) -> str:
    epoch = get_epoch(conn)
    if epoch is None:
        raise ApiError(
            503,
            "not_initialised",
            msg(
                "服务器尚未初始化，请联系县级管理员。",
                "The server is not initialised; contact the county administrator.",
            ),
        )
    return epoch


def check_epoch(conn: Connection, given: str | None) -> str:
    """The server's epoch; 409 ``epoch_changed`` when the client names another one."""
    epoch = server_epoch(conn)
    if given and given != epoch:
        raise ApiError(409, "epoch_changed", EPOCH_CHANGED)
    return epoch


def township_of(conn: Connection, township_id: str) -> TownshipInfo:
    info = township_info(conn, township_id)
    if info is None:
        raise ApiError(
            404,
            "township_missing",
            msg(
                "服务器上找不到本乡镇的登记，请联系县级管理员。",
                "The township is not registered on the server; contact the county administrator.",
            ),
        )
    return info
