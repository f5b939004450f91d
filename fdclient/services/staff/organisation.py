"""Villages, staff and family-doctor teams of the store's township (DOMAIN.md §1-2).

Every use case takes a Session, flushes but never commits (the caller owns the
transaction), and returns frozen dataclasses.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.geography import validate_village_code
from fdclient.domain.validation import normalise_name, normalise_phone
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Staff, Team, TeamMember, Village
from fdclient.services.lookup import fetch
from fdclient.store import store_township

#: Roles that may be named family doctor on a contract.
DOCTOR_ROLES = frozenset({"doctor", "specialist"})


@dataclass(frozen=True)
class VillageInfo:
    id: uuid.UUID
    township_id: uuid.UUID
    code: str
    name: str
    record_segment: str


@dataclass(frozen=True)
class StaffInfo:
    id: uuid.UUID
    name: str
    role: str
    title: str | None
    phone: str | None
    active: bool

    @property
    def role_label(self) -> str:
        return codes.STAFF_ROLE[self.role]


@dataclass(frozen=True)
class TeamInfo:
    id: uuid.UUID
    name: str
    leader_id: uuid.UUID | None
    phone: str | None
    member_ids: tuple[uuid.UUID, ...]
    village_ids: tuple[uuid.UUID, ...]
    active: bool


def village_info(v: Village) -> VillageInfo:
    return VillageInfo(v.id, v.township_id, v.code, v.name, v.record_segment)


def staff_info(s: Staff) -> StaffInfo:
    return StaffInfo(s.id, s.name, s.role, s.title, s.phone, s.active)


def team_info(t: Team) -> TeamInfo:
    return TeamInfo(
        id=t.id,
        name=t.name,
        leader_id=t.leader_id,
        phone=t.phone,
        member_ids=tuple(m.staff_id for m in t.members),
        village_ids=tuple(v.id for v in t.villages),
        active=t.active,
    )


def _optional_phone(text: str | None, field: str = "phone") -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return normalise_phone(text)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field) from None


def register_village(session: Session, *, code: str, name: str, record_segment: str) -> VillageInfo:
    """A village of the store's township: 12-digit code starting with the township's code,
    and the 3-digit segment used in health record numbers."""
    township = store_township(session)
    code = validate_village_code(code, township.code)
    name = name.strip()
    if not name:
        raise ValidationError("村（居）委会名称不能为空。", field="name")
    segment = record_segment.strip()
    if len(segment) != 3 or not segment.isascii() or not segment.isdigit() or segment == "000":
        raise ValidationError(
            f"健康档案编号中的村段“{record_segment}”格式不对：应为 3 位数字"
            "（居委会一般为 001-099，村委会为 101-199）。",
            field="record_segment",
        )
    if session.scalar(select(Village).where(Village.code == code)) is not None:
        raise ValidationError(f"村（居）委会代码 {code} 已经登记过了。", field="code")
    taken = session.scalar(select(Village).where(Village.township_id == township.id, Village.record_segment == segment))
    if taken is not None:
        raise ValidationError(
            f"健康档案村段 {segment} 已由 {taken.name} 使用，同一乡镇的村段不能重复。",
            field="record_segment",
        )
    village = Village(township_id=township.id, code=code, name=name, record_segment=segment)
    session.add(village)
    session.flush()
    return village_info(village)


def register_staff(
    session: Session,
    *,
    name: str,
    role: str,
    phone: str | None = None,
    title: str | None = None,
    username: str | None = None,
) -> StaffInfo:
    """A staff member of the township's health centre."""
    if role not in codes.STAFF_ROLE:
        known = "、".join(f"{k}（{v}）" for k, v in codes.STAFF_ROLE.items())
        raise ValidationError(f"人员类别“{role}”不存在，应为：{known}。", field="role")
    username = (username or "").strip() or None
    if username and session.scalar(select(Staff).where(Staff.username == username)) is not None:
        raise ValidationError(f"登录名“{username}”已被使用，请换一个。", field="username")
    staff = Staff(
        township_id=store_township(session).id,
        name=normalise_name(name),
        role=role,
        title=(title or "").strip() or None,
        phone=_optional_phone(phone),
        username=username,
    )
    session.add(staff)
    session.flush()
    return staff_info(staff)


def _staff(session: Session, staff_id: uuid.UUID) -> Staff:
    staff = fetch(session, Staff, staff_id, "该工作人员，可能已被删除", "staff_id")
    return staff


def get_team(session: Session, team_id: uuid.UUID) -> Team:
    team = fetch(session, Team, team_id, "该家庭医生团队", "team_id")
    return team


def create_team(
    session: Session,
    *,
    name: str,
    leader_id: uuid.UUID,
    member_ids: Sequence[uuid.UUID] = (),
    village_ids: Sequence[uuid.UUID] = (),
    phone: str | None = None,
) -> TeamInfo:
    """A family-doctor team; the leader is always a member."""
    name = name.strip()
    if not name:
        raise ValidationError("团队名称不能为空。", field="name")
    leader = _staff(session, leader_id)
    team = Team(township_id=store_township(session).id, name=name, leader_id=leader.id, phone=_optional_phone(phone))
    session.add(team)
    for staff_id in dict.fromkeys([leader.id, *member_ids]):
        _add_member(team, _staff(session, staff_id))
    for village_id in dict.fromkeys(village_ids):
        village = session.get(Village, village_id)
        if village is None:
            raise ValidationError("找不到要分配给团队的村（居）委会。", field="village_ids")
        team.villages.append(village)
    session.flush()
    return team_info(team)


def _add_member(team: Team, staff: Staff) -> None:
    if not staff.active:
        raise RuleError(f"{staff.name} 已停用，不能加入团队“{team.name}”。")
    if any(m.staff_id == staff.id for m in team.members):
        return
    team.members.append(TeamMember(staff_id=staff.id))


def add_team_member(session: Session, team_id: uuid.UUID, staff_id: uuid.UUID) -> TeamInfo:
    team = get_team(session, team_id)
    _add_member(team, _staff(session, staff_id))
    session.flush()
    return team_info(team)


def assign_villages(session: Session, team_id: uuid.UUID, village_ids: Sequence[uuid.UUID]) -> TeamInfo:
    """Add villages to the set the team serves (existing ones stay)."""
    team = get_team(session, team_id)
    for village_id in village_ids:
        village = session.get(Village, village_id)
        if village is None:
            raise ValidationError("找不到要分配给团队的村（居）委会。", field="village_ids")
        if village not in team.villages:
            team.villages.append(village)
    session.flush()
    return team_info(team)


def is_team_member(team: Team, staff_id: uuid.UUID) -> bool:
    return any(m.staff_id == staff_id for m in team.members)
