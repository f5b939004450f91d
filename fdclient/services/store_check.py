"""``fdclient check``: is the store sound? SQLite integrity, foreign keys, schema version,
record counts, and the domain rules a damaged or hand-edited file could break."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select, text

from fdclient import migrations
from fdclient.domain.codes import GB11643_ID_TYPES
from fdclient.domain.identity import is_valid_id_number
from fdclient.models import AuditEntry, Contract, ContractMember, Household, PlannedService, Resident, Village, Visit

COUNTED = (
    ("villages", "村（居）委会", Village),
    ("households", "家庭户", Household),
    ("residents", "居民", Resident),
    ("contracts", "签约协议", Contract),
    ("contract_members", "签约成员", ContractMember),
    ("planned_services", "计划服务", PlannedService),
    ("visits", "服务记录", Visit),
    ("audit_log", "操作日志", AuditEntry),
)


@dataclass(frozen=True)
class Finding:
    severity: str  # "problem" (check fails) or "notice"
    message: str


@dataclass(frozen=True)
class CheckReport:
    path: str
    schema_revision: str | None
    expected_revision: str
    counts: tuple[tuple[str, str, int], ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "problem" for f in self.findings)

    def describe(self) -> str:
        lines = [
            f"数据库：{self.path}",
            f"结构版本：{self.schema_revision}（本程序：{self.expected_revision}）",
            "记录数：",
        ]
        lines += [f"  {label}：{n}" for _key, label, n in self.counts]
        if self.findings:
            lines.append("发现：")
            lines += [f"  [{'问题' if f.severity == 'problem' else '提示'}] {f.message}" for f in self.findings]
        lines.append("检查通过。" if self.ok else "检查未通过：请处理上面列出的问题。")
        return "\n".join(lines)


def _sqlite_checks(conn: Connection) -> list[Finding]:
    findings = []
    integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        findings.append(Finding("problem", "数据库文件完整性检查失败：" + "；".join(integrity[:5])))
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        findings.append(Finding("problem", f"{len(broken)} 条记录引用了不存在的记录（表：{'、'.join(tables)}）"))
    return findings


def _domain_checks(conn: Connection, today: date) -> list[Finding]:
    findings = []
    ids = conn.execute(
        select(Resident.name, Resident.id_number).where(
            Resident.voided_at.is_(None),
            Resident.id_number.is_not(None),
            Resident.id_type.in_(GB11643_ID_TYPES),
        )
    )
    bad = [name for name, number in ids if not is_valid_id_number(number)]
    if bad:
        findings.append(Finding("problem", f"{len(bad)} 位居民的身份证号校验不通过（例如：{'、'.join(bad[:3])}）"))
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
        findings.append(Finding("problem", f"{headless} 个家庭户没有户主，或户主不是本户成员"))
    stale = conn.execute(
        select(func.count())
        .select_from(ContractMember)
        .join(Contract)
        .where(ContractMember.is_active, Contract.status != "active")
    ).scalar_one()
    if stale:
        findings.append(Finding("problem", f"{stale} 名签约成员标记为履约中，但其协议不在履约状态"))
    due = conn.execute(
        select(func.count()).select_from(Contract).where(Contract.status == "active", Contract.end_date < today)
    ).scalar_one()
    if due:
        findings.append(Finding("notice", f"{due} 份协议已过期但仍为履约状态，等待到期处理或续约"))
    return findings


def check_store(store, today: date | None = None) -> CheckReport:  # noqa: ANN001 - fdclient.store.Store
    today = today or date.today()
    with store.engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        findings = _sqlite_checks(conn)
        if revision != migrations.SCHEMA_HEAD:
            findings.append(Finding("problem", f"数据库结构版本 {revision} 与本程序的 {migrations.SCHEMA_HEAD} 不一致"))
        counts = tuple(
            (key, label, conn.execute(select(func.count()).select_from(model)).scalar_one())
            for key, label, model in COUNTED
        )
        findings += _domain_checks(conn, today)
    return CheckReport(str(store.info.path), revision, migrations.SCHEMA_HEAD, counts, tuple(findings))
