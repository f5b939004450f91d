"""``fdclient check``: is the store sound? Every page's authentication code (SQLCipher),
SQLite's integrity and foreign keys, the schema version, record counts, and the domain
rules a damaged or hand-edited file could break. It changes nothing.

A damaged or truncated file is reported, with the restore command to run, and the check
fails (exit 1); it never ends in an internal error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, func, select

from fdclient import migrations
from fdclient.domain.codes import GB11643_ID_TYPES, ContractStatus
from fdclient.domain.identity import is_valid_id_number
from fdclient.errors import StoreDamagedError
from fdclient.models import AuditEntry, Contract, ContractMember, Household, PlannedService, Resident, Village, Visit
from fdclient.paths import StorePaths
from fdclient.store.context import today
from fdclient.store.failures import damaged_message
from fdclient.store.unit_of_work import Store
from fdclient.text import Text, msg

COUNTED = (
    ("villages", msg("村（居）委会", "villages"), Village),
    ("households", msg("家庭户", "households"), Household),
    ("residents", msg("居民", "residents"), Resident),
    ("contracts", msg("签约协议", "contracts"), Contract),
    ("contract_members", msg("签约成员", "contract members"), ContractMember),
    ("planned_services", msg("计划服务", "planned services"), PlannedService),
    ("visits", msg("服务记录", "visit records"), Visit),
    ("audit_log", msg("操作日志", "audit entries"), AuditEntry),
)


@dataclass(frozen=True)
class Finding:
    severity: str  # "problem" (check fails) or "notice"
    message: Text


@dataclass(frozen=True)
class CheckReport:
    path: str
    schema_revision: str | None
    expected_revision: str
    counts: tuple[tuple[str, Text, int], ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "problem" for f in self.findings)

    def describe(self) -> str:
        lines = [
            str(msg("数据库：{path}", "Store: {path}", path=self.path)),
            str(
                msg(
                    "结构版本：{revision}（本程序：{head}）",
                    "Schema: {revision} (this program: {head})",
                    revision=self.schema_revision,
                    head=self.expected_revision,
                )
            ),
        ]
        if self.counts:
            lines.append(str(msg("记录数：", "Records:")))
            lines += [str(msg("  {label}：{n}", "  {label}: {n}", label=label, n=n)) for _k, label, n in self.counts]
        if self.findings:
            lines.append(str(msg("发现：", "Findings:")))
            for f in self.findings:
                tag = msg("问题", "problem") if f.severity == "problem" else msg("提示", "notice")
                lines.append(f"  [{tag}] {f.message}")
        lines.append(
            str(msg("检查通过。", "The check passed."))
            if self.ok
            else str(msg("检查未通过：请处理上面列出的问题。", "The check failed: see the problems above."))
        )
        return "\n".join(lines)


def _file_checks(conn: Connection, paths: StorePaths) -> list[Finding]:
    findings = []
    if conn.dialect.dbapi is not None and conn.dialect.dbapi.__name__.startswith("sqlcipher3"):
        failed = [row[0] for row in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
        if failed:
            pages = sorted({int(n) for line in failed for n in re.findall(r"page (\d+)", str(line))})
            detail = msg(
                "（{n} 个数据页的校验码不符：第 {pages} 页。）",
                "({n} pages fail their authentication code: {pages}.)",
                n=len(failed),
                pages="、".join(str(p) for p in pages[:10]) or "?",
            )
            return [Finding("problem", damaged_message(paths, detail))]
    integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        detail = msg("（完整性检查：{details}）", "(integrity check: {details})", details="；".join(integrity[:5]))
        findings.append(Finding("problem", damaged_message(paths, detail)))
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        findings.append(
            Finding(
                "problem",
                msg(
                    "{n} 条记录引用了不存在的记录（表：{tables}）",
                    "{n} records refer to records that do not exist (tables: {tables})",
                    n=len(broken),
                    tables="、".join(tables),
                ),
            )
        )
    return findings


def _domain_checks(conn: Connection, day: date) -> list[Finding]:
    findings = []
    numbers = conn.execute(
        select(Resident.id_number).where(
            Resident.voided_at.is_(None),
            Resident.id_number.is_not(None),
            Resident.id_type.in_(GB11643_ID_TYPES),
        )
    ).scalars()
    bad = sum(1 for number in numbers if number is not None and not is_valid_id_number(number, today=day))
    if bad:
        findings.append(
            Finding(
                "problem",
                msg(
                    "{n} 位居民的身份证号校验不通过（用 fdclient 的居民档案查找并更正）",
                    "{n} residents have an ID number that fails its check",
                    n=bad,
                ),
            )
        )
    headless = conn.execute(
        select(func.count())
        .select_from(Household)
        .where(
            Household.voided_at.is_(None),
            ~select(Resident.id)
            .where(Resident.id == Household.head_id, Resident.household_id == Household.id)
            .exists(),
        )
    ).scalar_one()
    if headless:
        findings.append(
            Finding(
                "problem",
                msg(
                    "{n} 个家庭户没有户主，或户主不是本户成员",
                    "{n} households have no head, or a head who is not a member",
                    n=headless,
                ),
            )
        )
    stale = conn.execute(
        select(func.count())
        .select_from(ContractMember)
        .join(Contract)
        .where(ContractMember.is_active, Contract.status != ContractStatus.ACTIVE)
    ).scalar_one()
    if stale:
        findings.append(
            Finding(
                "problem",
                msg(
                    "{n} 名签约成员标记为履约中，但其协议不在履约状态",
                    "{n} contract members are marked active on a contract that is not",
                    n=stale,
                ),
            )
        )
    due = conn.execute(
        select(func.count())
        .select_from(Contract)
        .where(Contract.status == ContractStatus.ACTIVE, Contract.end_date < day)
    ).scalar_one()
    if due:
        findings.append(
            Finding(
                "notice",
                msg(
                    "{n} 份协议已过期但仍为履约状态，等待到期处理或续约",
                    "{n} contracts are past their end but still active, awaiting expiry or renewal",
                    n=due,
                ),
            )
        )
    return findings


def check_store(store: Store) -> CheckReport:
    revision = None
    counts: tuple[tuple[str, Text, int], ...] = ()
    try:
        with store.read() as session:
            conn = session.connection()
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one_or_none()
            findings = _file_checks(conn, store.paths)
            if revision != migrations.SCHEMA_HEAD:
                findings.append(
                    Finding(
                        "problem",
                        msg(
                            "数据库结构版本 {revision} 与本程序的 {head} 不一致（用 fdclient 打开一次即可升级）",
                            "Schema {revision} differs from this program's {head} (opening the store once upgrades it)",
                            revision=revision,
                            head=migrations.SCHEMA_HEAD,
                        ),
                    )
                )
            if not findings or all(f.severity == "notice" for f in findings):
                counts = tuple(
                    (key, label, conn.execute(select(func.count()).select_from(model)).scalar_one())
                    for key, label, model in COUNTED
                )
                findings += _domain_checks(conn, today(session))
    except StoreDamagedError as exc:
        findings = [Finding("problem", exc.text)]
    return CheckReport(str(store.path), revision, migrations.SCHEMA_HEAD, counts, tuple(findings))


def damaged_report(folder: Path, error: StoreDamagedError) -> str:
    """The check's report for a store that could not even be opened."""
    paths = StorePaths(folder)
    return CheckReport(
        str(paths.database), None, migrations.SCHEMA_HEAD, (), (Finding("problem", error.text),)
    ).describe()


__all__ = ["CheckReport", "Finding", "check_store", "damaged_message", "damaged_report"]
