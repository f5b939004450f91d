"""The demo township generator behind ``fdclient demo``.

Fills an *empty* store with a realistic township: villages, staff and family-doctor teams,
service packages, households and residents, two years of contracts, planned services,
follow-up visits, referrals and satisfaction surveys, deterministically for a seed.

* :func:`build_demo` makes every row in memory (plain tuples of stored values);
* :func:`write_demo` inserts them with ``executemany`` in one transaction;
* :func:`generate_demo` does both for a store, refusing one that already has data, and
  records one audit-log summary entry.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from sqlalchemy import Connection, func, insert, select, update

from fdclient.errors import RuleError
from fdclient.models import AuditEntry, Resident, ServicePackage, Staff, Township, Village
from fdclient.services.demo.builder import build_demo
from fdclient.services.demo.common import DemoData, DemoTownship
from fdclient.services.demo.writer import WriteReport, write_demo
from fdclient.store import Store

__all__ = [
    "DEFAULT_HOUSEHOLDS",
    "DEFAULT_SEED",
    "DEFAULT_VILLAGES",
    "DEMO_TOWNSHIP_CODE",
    "DEMO_TOWNSHIP_NAME",
    "DemoData",
    "DemoSummary",
    "DemoTownship",
    "WriteReport",
    "build_demo",
    "demo_township",
    "ensure_empty",
    "generate_demo",
    "write_demo",
]

#: A township for a new demo store (``create_store(folder, DEMO_TOWNSHIP_CODE, DEMO_TOWNSHIP_NAME)``).
DEMO_TOWNSHIP_CODE, DEMO_TOWNSHIP_NAME = "360111101", "罗家镇"
#: What ``fdclient demo`` makes without options: 8 villages × 100 households.
DEFAULT_VILLAGES = 8
DEFAULT_HOUSEHOLDS = 800
DEFAULT_SEED = 1


@dataclass(frozen=True)
class DemoSummary:
    """What ``fdclient demo`` reports: rows per table and how long it took."""

    counts: Mapping[str, int]
    rows: int
    seconds: float
    rows_per_second: float
    build_seconds: float
    write_seconds: float
    seed: int
    as_of: date
    #: Seconds spent inserting each table.
    table_seconds: Mapping[str, float]

    def describe(self) -> str:
        """A few Chinese lines for the command line."""
        c = self.counts
        return "\n".join(
            (
                f"已生成演示数据（截至 {self.as_of.isoformat()}，随机种子 {self.seed}）：",
                f"  {c['villages']} 个村（居）委会，{c['households']} 户，{c['residents']} 位居民，"
                f"{c['teams']} 个家庭医生团队，{c['staff']} 名工作人员；",
                f"  签约协议 {c['contracts']} 份（覆盖 {c['contract_members']} 人次），履约计划 {c['planned_services']} 项，"
                f"随访与体检记录 {c['visits']} 条，转诊 {c['referrals']} 次，满意度调查 {c['satisfaction_surveys']} 份；",
                f"  共 {self.rows:,} 行，用时 {self.seconds:.1f} 秒（生成 {self.build_seconds:.1f} 秒，"
                f"写入 {self.write_seconds:.1f} 秒），每秒 {self.rows_per_second:,.0f} 行。",
            )
        )


def demo_township(connection: Connection, township_id: uuid.UUID) -> DemoTownship:
    """The store's township, as the generator needs it."""
    row = connection.execute(
        select(Township.id, Township.code, Township.name, Township.county_name).where(Township.id == township_id)
    ).one()
    return DemoTownship(row.id.hex, row.code, row.name, row.county_name)


def ensure_empty(connection: Connection) -> None:
    """Refuse a store that already has residents (or villages, staff, packages)."""
    found = []
    for model, label in (
        (Resident, "位居民"),
        (Village, "个村（居）委会"),
        (Staff, "名工作人员"),
        (ServicePackage, "个服务包"),
    ):
        count = connection.scalar(select(func.count()).select_from(model))
        if count:
            found.append(f"{count} {label}")
    if found:
        raise RuleError(
            f"数据库中已有 {'、'.join(found)}，演示数据只能生成到空数据库中。"
            "请用 --data-dir 指定一个新的数据目录后再运行 fdclient demo。"
        )


def generate_demo(
    store: Store,
    *,
    villages: int = DEFAULT_VILLAGES,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
) -> DemoSummary:
    """Fill ``store`` (which must be empty) with a demo township."""
    as_of = as_of or date.today()
    started = time.perf_counter()
    with store.engine.connect() as connection:
        ensure_empty(connection)
        township = demo_township(connection, store.info.township_id)
    data = build_demo(township, villages=villages, households=households, seed=seed, as_of=as_of)
    built = time.perf_counter()
    with store.engine.begin() as connection:
        ensure_empty(connection)
        report = write_demo(connection, data)
        _record(connection, data, store, seed=seed, as_of=as_of, villages=villages, households=households)
    seconds = time.perf_counter() - started
    rows = data.row_count + 1
    return DemoSummary(
        counts=MappingProxyType(dict(report.counts)),
        rows=rows,
        seconds=seconds,
        rows_per_second=rows / seconds if seconds else float("inf"),
        build_seconds=built - started,
        write_seconds=report.seconds,
        seed=seed,
        as_of=as_of,
        table_seconds=report.table_seconds,
    )


def _record(connection: Connection, data: DemoData, store: Store, **arguments) -> None:
    """The audit-log summary entry, and the centre's details where the township has none."""
    changes = {
        "summary": "生成演示数据",
        **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in arguments.items()},
        "counts": data.counts(),
    }
    connection.execute(
        insert(AuditEntry.__table__).values(
            id=uuid.UUID(hex=data.audit_id),
            at=data.reference,
            actor_id=None,
            action="insert",
            table_name="demo",
            row_id=None,
            changes=json.loads(json.dumps(changes, ensure_ascii=False)),
        )
    )
    township = connection.execute(select(Township).where(Township.id == store.info.township_id)).one()
    fill = {k: v for k, v in data.township_details.items() if getattr(township, k) is None}
    if fill:
        connection.execute(
            update(Township).where(Township.id == store.info.township_id).values(**fill, updated_at=data.reference)
        )
