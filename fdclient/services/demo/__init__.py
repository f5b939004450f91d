"""The demo township generator behind ``fdclient demo``.

Fills an *empty* store with a realistic township: villages, staff and family-doctor teams,
service packages, households and residents with their record cover, diagnoses and
pregnancies, two years of contracts with each member's consent, planned services on the
planning module's schedules, follow-up visits, elderly checks, home visits and service
records (the only way a planned service is done), referrals and satisfaction surveys,
deterministically for a seed.

* :func:`build_demo` makes every row in memory (plain tuples of stored values), part by
  part: the organisation, then each village;
* :func:`write_demo` inserts them with ``executemany`` in one transaction;
* :func:`generate_demo` does both for a store, refusing one that already has data, and
  records one audit-log summary entry. A large demo is built in a second process while
  this one writes the villages already built (parallel.py): both cores at work.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain
from types import MappingProxyType

from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session

from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Permission, Role
from fdclient.errors import RuleError
from fdclient.models import Resident, ServicePackage, Staff, Township, Village
from fdclient.services.demo.builder import DEMO_TABLES, DemoPlan, collector_paused, plan_demo
from fdclient.services.demo.common import DemoData, DemoTownship
from fdclient.services.demo.parallel import build_demo, use_parallel, village_source
from fdclient.services.demo.writer import WriteReport, write_demo, write_parts
from fdclient.store import Store
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require, today
from fdclient.store.signin import read_keyring
from fdclient.sync.capture import capture_many, snapshot_rows
from fdclient.sync.state import is_enrolled
from fdclient.sync.tables import has_version, table_named
from fdclient.text import Text, msg

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
    #: Seconds spent building the villages (in both processes when ``parallel``).
    build_seconds: float
    #: Seconds the writer was busy (waiting for the builder not included).
    write_seconds: float
    seed: int
    as_of: date
    #: Seconds spent inserting each table, its indexes and checks included.
    table_seconds: Mapping[str, float]
    #: Sign-in names that can sign in with the demo's password.
    accounts: tuple[str, ...] = ()
    #: Whether the villages were built in a second process too while this one wrote.
    parallel: bool = False
    #: Seconds the writer spent between parts: receiving them, building villages itself
    #: (``built_here_seconds``), waiting.
    waited_seconds: float = 0.0
    built_here_seconds: float = 0.0

    def describe(self) -> str:
        """A few lines for the command line, in the current language."""
        c = self.counts
        timing = (
            msg(
                "生成 {build:.1f} 秒与写入 {write:.1f} 秒同时进行",
                "building {build:.1f} s and writing {write:.1f} s at the same time",
                build=self.build_seconds,
                write=self.write_seconds,
            )
            if self.parallel
            else msg(
                "生成 {build:.1f} 秒，写入 {write:.1f} 秒",
                "building {build:.1f} s, writing {write:.1f} s",
                build=self.build_seconds,
                write=self.write_seconds,
            )
        )
        return str(
            msg(
                "已生成演示数据（截至 {as_of}，随机种子 {seed}）：\n"
                "  {villages} 个村（居）委会，{households} 户，{residents} 位居民，{teams} 个家庭医生团队，{staff} 名工作人员；\n"
                "  签约协议 {contracts} 份（覆盖 {members} 人次），履约计划 {planned} 项，随访、体检与服务记录 {visits} 条，"
                "转诊 {referrals} 次，满意度调查 {surveys} 份；\n"
                "  共 {rows:,} 行，用时 {seconds:.1f} 秒（{timing}），每秒 {rate:,.0f} 行。",
                "Demo data generated (as of {as_of}, seed {seed}):\n"
                "  {villages} villages, {households} households, {residents} residents, {teams} family-doctor teams, "
                "{staff} staff;\n"
                "  {contracts} contracts (covering {members} people), {planned} planned services, {visits} visit "
                "and service records, {referrals} referrals, {surveys} satisfaction surveys;\n"
                "  {rows:,} rows in {seconds:.1f} s ({timing}), {rate:,.0f} rows/s.",
                as_of=self.as_of.isoformat(),
                seed=self.seed,
                villages=c["villages"],
                households=c["households"],
                residents=c["residents"],
                teams=c["teams"],
                staff=c["staff"],
                contracts=c["contracts"],
                members=c["contract_members"],
                planned=c["planned_services"],
                visits=c["visits"],
                referrals=c["referrals"],
                surveys=c["satisfaction_surveys"],
                rows=self.rows,
                seconds=self.seconds,
                timing=timing,
                rate=self.rows_per_second,
            )
        )


def demo_township(connection: Connection, township_id: uuid.UUID) -> DemoTownship:
    """The store's township, as the generator needs it."""
    row = connection.execute(
        select(Township.id, Township.code, Township.name, Township.county_name).where(Township.id == township_id)
    ).one()
    return DemoTownship(row.id.hex, row.code, row.name, row.county_name)


def ensure_empty(connection: Connection) -> None:
    """Refuse a store that already has residents (or villages, staff other than its
    administrators, packages)."""
    found = []
    for label, query in (
        (msg("{n} 位居民", "{n} residents"), select(func.count()).select_from(Resident)),
        (msg("{n} 个村（居）委会", "{n} villages"), select(func.count()).select_from(Village)),
        (msg("{n} 名工作人员", "{n} staff"), select(func.count()).select_from(Staff).where(Staff.role != Role.ADMIN)),
        (msg("{n} 个服务包", "{n} service packages"), select(func.count()).select_from(ServicePackage)),
    ):
        count = connection.scalar(query)
        if count:
            found.append(Text(label.zh, label.en, MappingProxyType({"n": count})))
    if found:
        listed = Text("、".join(t.render("zh_CN") for t in found), ", ".join(t.render("en") for t in found))
        raise RuleError(
            msg(
                "数据库中已有 {found}，演示数据只能生成到空数据库中。"
                "请用 --data-dir 指定一个新的数据目录后再运行 fdclient demo。",
                "The store already holds {found}; a demo is generated into an empty store only. Give a new data "
                "folder with --data-dir and run fdclient demo again.",
                found=listed,
            )
        )


def generate_demo(
    store: Store,
    *,
    villages: int = DEFAULT_VILLAGES,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    password: str | None = None,
    parallel: bool | None = None,
) -> DemoSummary:
    """Fill ``store`` (which must be empty but for its administrators) with a demo township.

    With ``password``, the demo's accounts (``DemoData.accounts``) can sign in on this
    laptop with it; the key file is written in the same write transaction. ``parallel``:
    build the villages in a second process while this one writes (None: when the demo is
    large enough for it to pay). The rows are the same either way."""
    started = time.perf_counter()
    with store.read() as session:
        require(session, Permission.LOAD_DEMO)
        as_of = as_of or today(session)
        ensure_empty(session.connection())
        township = demo_township(session.connection(), store.info.township_id)
    plan = plan_demo(township, villages=villages, households=households, seed=seed, as_of=as_of)
    in_child = use_parallel(households, parallel)
    with store.write() as session:
        require(session, Permission.LOAD_DEMO)
        connection = session.connection()
        ensure_empty(connection)
        with collector_paused(), village_source(plan, parallel=in_child) as source:
            report = write_parts(connection, chain([plan.head], source), DEMO_TABLES)
        before = snapshot_rows(session, "townships", [store.info.township_id])
        _record(session, plan, report, store, seed=seed, as_of=as_of, villages=villages, households=households)
        # An enrolled store queues the whole demo for the county server (a no-op otherwise).
        capture_many(session, {name: _all_ids(connection, name) for name in DEMO_TABLES}, {"townships": before})
        if password is not None and plan.org.accounts:
            assert store.key is not None
            keyring = read_keyring(store.paths)
            for username in plan.org.accounts:
                keyring = keyring.with_entry(username, password, store.key)
            keyring.save(store.paths.keyring)
    seconds = time.perf_counter() - started
    rows = report.rows + 1
    return DemoSummary(
        counts=MappingProxyType(dict(report.counts)),
        rows=rows,
        seconds=seconds,
        rows_per_second=rows / seconds if seconds else float("inf"),
        build_seconds=source.build_seconds,
        write_seconds=report.busy_seconds,
        seed=seed,
        as_of=as_of,
        table_seconds=report.table_seconds,
        accounts=plan.org.accounts if password is not None else (),
        parallel=in_child,
        waited_seconds=report.waited_seconds,
        built_here_seconds=source.built_here_seconds,
    )


def _all_ids(connection: Connection, name: str) -> list[str]:
    if name == "townships" or table_named(name) is None or not is_enrolled(connection):
        return []
    where = " WHERE server_version IS NULL" if has_version(name) else ""
    return [row[0] for row in connection.exec_driver_sql(f"SELECT id FROM {name}{where}")]


def _record(session: Session, plan: DemoPlan, report: WriteReport, store: Store, **arguments: object) -> None:
    """The audit-trail event, and the centre's details where the township has none."""
    details = {
        **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in arguments.items()},
        "counts": dict(report.counts),
        "accounts": list(plan.org.accounts),
    }
    record_event(session, AuditAction.DEMO, "store", details)
    connection = session.connection()
    township = connection.execute(select(Township).where(Township.id == store.info.township_id)).one()
    fill = {k: v for k, v in plan.township_details.items() if getattr(township, k) is None}
    if fill:
        connection.execute(
            update(Township).where(Township.id == store.info.township_id).values(**fill, updated_at=plan.reference)
        )
