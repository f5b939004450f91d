"""The database's own state: schema upgrades and the epoch (docs/sync.md "Epochs").

``fdserver init`` upgrades the schema to the newest revision and gives a new database a
random epoch; ``fdserver new-epoch`` gives a database restored from a backup a new one, so
every laptop notices and does a replacement sync.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, inspect, select, update

from fdclient.text import Text, msg
from fdserver.db import transaction
from fdserver.errors import NotInitialised, OperationFailed
from fdserver.migrations import current_revision, head_revision, upgrade
from fdserver.models import ServerMeta, table_of

EPOCH = "epoch"
_meta = table_of(ServerMeta)


@dataclass(frozen=True)
class InitResult:
    epoch: str
    created_epoch: bool
    revision: str


def new_epoch_value() -> str:
    return uuid.uuid4().hex


def get_epoch(conn: Connection) -> str | None:
    return conn.execute(select(_meta.c.value).where(_meta.c.key == EPOCH)).scalar_one_or_none()


def require_epoch(conn: Connection) -> str:
    """The epoch, or :class:`NotInitialised` on a database ``fdserver init`` has not made."""
    if not inspect(conn).has_table(_meta.name):
        raise NotInitialised(not_initialised_text())
    epoch = get_epoch(conn)
    if epoch is None:
        raise NotInitialised(not_initialised_text())
    return epoch


def not_initialised_text() -> Text:
    return msg(
        "服务器数据库尚未初始化：请先运行 fdserver init。",
        "The server database is not initialised: run fdserver init first.",
    )


def init_database(engine: Engine) -> InitResult:
    """Upgrade to the newest schema and create the epoch if missing (idempotent)."""
    with transaction(engine) as conn:
        upgrade(conn)
        epoch = get_epoch(conn)
        created = epoch is None
        if epoch is None:
            epoch = new_epoch_value()
            conn.execute(insert(_meta).values(key=EPOCH, value=epoch))
        return InitResult(epoch, created, current_revision(conn) or head_revision())


def renew_epoch(engine: Engine) -> str:
    """A new epoch for a database restored from a backup."""
    with transaction(engine) as conn:
        require_epoch(conn)
        revision = current_revision(conn)
        if revision != head_revision():
            raise OperationFailed(
                msg(
                    "数据库结构不是最新版本：请先运行 fdserver init。",
                    "The database schema is not current: run fdserver init first.",
                )
            )
        epoch = new_epoch_value()
        conn.execute(update(_meta).where(_meta.c.key == EPOCH).values(value=epoch))
        return epoch
