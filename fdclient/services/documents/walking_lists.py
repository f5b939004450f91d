"""The walking list (入户工作清单) for a door-knocking day: per village (or the villages a
team serves), the households in address order, and for each member what is due that day
(DOMAIN.md §1), with room to note blood pressure and glucose by hand
(:func:`fdclient.documents.walking_list.write_walking_list` draws it).

What is due comes from the work lists (:mod:`fdclient.services.worklists`) on the day of
the visit, not from rules of its own:

* follow-ups overdue on the day (a patient never followed up among them), and due by the
  end of that calendar week;
* contracts ending within 60 days without a renewal (on the representative's line);
* planned services of a contract in force whose window has started by the end of that
  week (annual checks, home visits, education ...; overdue when the window has ended); a
  chronic follow-up already listed as a follow-up is not listed twice;
* key-population residents without a contract (to sign).

Only households with something due are listed. ID numbers are masked (first 6 and last
4 shown, :func:`fdclient.domain.identity.mask_id_number`). It needs ``PRINT`` (and
``VIEW_RECORDS``, which the work lists check) and records the print in the audit trail
with counts only (in the caller's unit of work: write the PDF within it to have the print
recorded only when the file is complete).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import AuditAction, ServiceKind, VisitKind
from fdclient.domain.identity import mask_id_number
from fdclient.domain.key_populations import age_on
from fdclient.domain.roles import Permission
from fdclient.errors import ValidationError
from fdclient.models import Household, Resident, Team, Village
from fdclient.models.staff import team_villages
from fdclient.services.documents.centre import Centre, centre_details
from fdclient.services.worklists import WorklistFilter, WorklistKind, WorklistRow, worklist_keys, worklist_rows
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require, today
from fdclient.text import msg

__all__ = [
    "TaskKind",
    "WalkingHousehold",
    "WalkingList",
    "WalkingMember",
    "WalkingTask",
    "address_key",
    "walking_list",
]

#: What a task is, as printed in front of it.
TaskKind = str
FOLLOW_UP, RENEWAL, SERVICE, SIGN_UP = "随访", "续约", "服务", "签约"
_CHUNK = 500
#: The planned follow-ups the follow-up lists already cover.
_FOLLOWUP_SERVICES = {
    VisitKind.HYPERTENSION.label: ServiceKind.HYPERTENSION_FOLLOWUP.label,
    VisitKind.DIABETES.label: ServiceKind.DIABETES_FOLLOWUP.label,
}


@dataclass(frozen=True)
class WalkingTask:
    kind: TaskKind
    text: str
    due: date | None
    overdue: bool


@dataclass(frozen=True)
class WalkingMember:
    resident_id: uuid.UUID
    name: str
    sex: str
    age: int | None
    #: First 6 and last 4 characters shown.
    id_number_masked: str
    phone: str
    relationship: str
    hypertension: bool
    diabetes: bool
    tasks: tuple[WalkingTask, ...]


@dataclass(frozen=True)
class WalkingHousehold:
    village_name: str
    address: str
    head_name: str
    phone: str
    members: tuple[WalkingMember, ...]


@dataclass(frozen=True)
class WalkingList:
    centre: Centre
    #: The door-knocking day.
    day: date
    printed_on: date
    village_names: tuple[str, ...]
    team_name: str
    households: tuple[WalkingHousehold, ...]
    #: Tasks by kind (for the summary line).
    counts: dict[TaskKind, int] = field(default_factory=dict)

    @property
    def residents(self) -> int:
        return sum(len(h.members) for h in self.households)


_CHINESE_DIGITS = {
    ch: value
    for value, chars in enumerate(("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"))
    for ch in chars
}
_CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")


def _chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105 (house and group numbers)."""
    total, digit = 0, 0
    for ch in text:
        if ch == "百":
            total, digit = total + (digit or 1) * 100, 0
        elif ch == "十":
            total, digit = total + (digit or 1) * 10, 0
        else:
            digit = digit * 10 + _CHINESE_DIGITS[ch] if digit else _CHINESE_DIGITS[ch]
    return total + digit


def address_key(address: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts addresses as people read them: 二组 2 号 before 二组 10 号, 二组 before 三组
    before 十一组 (Chinese numerals count as numbers)."""
    text = _CHINESE_NUMBER.sub(lambda m: str(_chinese_number(m.group(0))), re.sub(r"\s+", "", address))
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def _villages(session: Session, village_code: str | None, team_id: uuid.UUID | None) -> tuple[list[Village], str]:
    if (village_code is None) == (team_id is None):
        raise ValidationError(
            msg("请指定一个村（--village 村代码）。", "Say which village (--village CODE)."), field="village"
        )
    if village_code is not None:
        code = village_code.strip()
        village = session.scalar(select(Village).where(Village.code == code))
        if village is None:
            raise ValidationError(
                msg("找不到村代码为 {code} 的村。", "No village has the code {code}.", code=code), field="village"
            )
        return [village], ""
    team = session.get(Team, team_id)
    if team is None:
        raise ValidationError(msg("找不到该家庭医生团队。", "No such family-doctor team."), field="team")
    villages = session.scalars(
        select(Village)
        .join(team_villages, team_villages.c.village_id == Village.id)
        .where(team_villages.c.team_id == team.id, team_villages.c.voided_at.is_(None))
        .order_by(Village.code)
    ).all()
    return list(villages), team.name


def _rows(session: Session, kind: WorklistKind, village_id: uuid.UUID, day: date) -> list[WorklistRow]:
    f = WorklistFilter(kind=kind, village_id=village_id)
    keys = worklist_keys(session, f, as_of=day)
    rows: list[WorklistRow] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        found = worklist_rows(session, f, chunk, as_of=day)
        rows.extend(found[k] for k in chunk if k in found)
    return rows


def _followup_task(row: WorklistRow, overdue: bool) -> WalkingTask:
    if row.never_followed_up:
        return WalkingTask(FOLLOW_UP, f"{row.subject}：从未随访", None, True)
    due = row.due.isoformat() if row.due else ""
    if overdue:
        last = f"，上次 {row.last_visit.isoformat()}" if row.last_visit else ""
        return WalkingTask(FOLLOW_UP, f"{row.subject}：已逾期（应于 {due}{last}）", row.due, True)
    return WalkingTask(FOLLOW_UP, f"{row.subject}：本周到期（{due}）", row.due, False)


def _service_tasks(rows: Sequence[WorklistRow], day: date, skip: set[str]) -> list[WalkingTask]:
    """Planned services of one resident, one task per kind (with how many are open)."""
    by_subject: dict[str, list[WorklistRow]] = defaultdict(list)
    for row in rows:
        if row.subject not in skip:
            by_subject[row.subject].append(row)
    tasks = []
    for subject, group in by_subject.items():
        due = min((r.due for r in group if r.due), default=None)
        overdue = due is not None and due < day
        times = f"，共 {len(group)} 次" if len(group) > 1 else ""
        if due is None:
            text = subject
        elif overdue:
            text = f"{subject}：已逾期（应于 {due.isoformat()} 前完成{times}）"
        else:
            text = f"{subject}：{due.isoformat()} 前完成" + (f"（共 {len(group)} 次）" if len(group) > 1 else "")
        tasks.append(WalkingTask(SERVICE, text, due, overdue))
    return tasks


def _tasks(session: Session, village_id: uuid.UUID, day: date) -> dict[uuid.UUID, list[WalkingTask]]:
    tasks: dict[uuid.UUID, list[WalkingTask]] = defaultdict(list)
    followed: dict[uuid.UUID, set[str]] = defaultdict(set)
    for kind, overdue in ((WorklistKind.FOLLOWUPS_OVERDUE, True), (WorklistKind.FOLLOWUPS_THIS_WEEK, False)):
        for row in _rows(session, kind, village_id, day):
            tasks[row.resident_id].append(_followup_task(row, overdue))
            if row.subject in _FOLLOWUP_SERVICES:
                followed[row.resident_id].add(_FOLLOWUP_SERVICES[row.subject])
    for row in _rows(session, WorklistKind.EXPIRING_60, village_id, day):
        end = row.due.isoformat() if row.due else ""
        tasks[row.resident_id].append(
            WalkingTask(RENEWAL, f"协议 {row.subject} 于 {end} 到期：办理续约", row.due, False)
        )
    services: dict[uuid.UUID, list[WorklistRow]] = defaultdict(list)
    for row in _rows(session, WorklistKind.SERVICES_DUE, village_id, day):
        services[row.resident_id].append(row)
    for resident_id, rows in services.items():
        tasks[resident_id].extend(_service_tasks(rows, day, followed[resident_id]))
    for row in _rows(session, WorklistKind.KEY_NOT_SIGNED, village_id, day):
        tasks[row.resident_id].append(WalkingTask(SIGN_UP, f"未签约的重点人群（{row.subject}）：动员签约", None, False))
    for listed in tasks.values():
        listed.sort(key=lambda t: (not t.overdue, t.due or date.max))
    return tasks


def _members(session: Session, ids: list[uuid.UUID]) -> list[Resident]:
    found: list[Resident] = []
    for start in range(0, len(ids), _CHUNK):
        found.extend(session.scalars(select(Resident).where(Resident.id.in_(ids[start : start + _CHUNK]))))
    return found


def _households(
    session: Session, village: Village, tasks: dict[uuid.UUID, list[WalkingTask]], day: date
) -> list[WalkingHousehold]:
    residents = _members(session, sorted(tasks))
    household_ids = sorted({r.household_id for r in residents if r.household_id})
    households: dict[uuid.UUID, Household] = {}
    heads: dict[uuid.UUID, str] = {}
    for start in range(0, len(household_ids), _CHUNK):
        for h, head in session.execute(
            select(Household, Resident.name)
            .outerjoin(Resident, Resident.id == Household.head_id)
            .where(Household.id.in_(household_ids[start : start + _CHUNK]))
        ):
            households[h.id], heads[h.id] = h, head or ""
    grouped: dict[uuid.UUID, list[Resident]] = defaultdict(list)
    for r in residents:
        grouped[r.household_id or r.id].append(r)
    result = []
    for key, people in grouped.items():
        h = households.get(key)
        people.sort(key=lambda r: (r.relationship_to_head != codes.HEAD_OF_HOUSEHOLD, r.birth_date))
        members = tuple(
            WalkingMember(
                resident_id=r.id,
                name=r.name,
                sex=codes.SEX.get(str(r.sex), "") if r.sex in (1, 2) else "",
                age=age_on(r.birth_date, day) if r.birth_date <= day else None,
                id_number_masked=mask_id_number(r.id_number),
                phone=r.phone or "",
                relationship=codes.RELATIONSHIP.get(r.relationship_to_head or "", ""),
                hypertension=r.has_hypertension,
                diabetes=r.has_diabetes,
                tasks=tuple(tasks[r.id]),
            )
            for r in people
        )
        result.append(
            WalkingHousehold(
                village_name=village.name,
                address=h.address if h else "",
                head_name=heads.get(key, "") if h else people[0].name,
                phone=(h.phone or "") if h else people[0].phone or "",
                members=members,
            )
        )
    result.sort(key=lambda h: (address_key(h.address), h.head_name))
    return result


def walking_list(
    session: Session, *, village_code: str | None = None, team_id: uuid.UUID | None = None, day: date | None = None
) -> WalkingList:
    """The walking list of one village (by code) or of the villages a team serves, for
    *day* (default today)."""
    require(session, Permission.PRINT)
    on = day or today(session)
    villages, team_name = _villages(session, village_code, team_id)
    households: list[WalkingHousehold] = []
    for village in villages:
        households.extend(_households(session, village, _tasks(session, village.id, on), on))
    counts: dict[TaskKind, int] = defaultdict(int)
    for h in households:
        for m in h.members:
            for t in m.tasks:
                counts[t.kind] += 1
    result = WalkingList(
        centre=centre_details(session),
        day=on,
        printed_on=today(session),
        village_names=tuple(v.name for v in villages),
        team_name=team_name,
        households=tuple(households),
        counts=dict(counts),
    )
    details: dict[str, object] = {
        "day": on.isoformat(),
        "households": len(households),
        "residents": result.residents,
        "tasks": sum(counts.values()),
    }
    if village_code is not None:
        details["village"] = village_code.strip()
    if team_id is not None:
        details["team_id"] = str(team_id)
    record_event(session, AuditAction.PRINT, "walking_list", details)
    return result
