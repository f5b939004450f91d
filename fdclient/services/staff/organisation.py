"""Villages, staff and family-doctor teams of the store's township (DOMAIN.md §1-2).

Every use case takes a write unit of work, flushes but never commits (the unit of work
does), and returns frozen dataclasses. Villages are township settings (``MANAGE_SETTINGS``);
staff and teams are accounts (``MANAGE_ACCOUNTS``). :func:`get_team` and
:func:`is_team_member` are row helpers for other services and check nothing.

Membership and served villages are synced rows: removing a member or a village voids its
row (who, when, why) so the removal reaches the other laptops; voided rows are ignored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.geography import validate_village_code, village_code_warning
from fdclient.domain.roles import Permission, Role
from fdclient.domain.validation import normalise_name, normalise_phone
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Staff, Team, TeamMember, TeamVillage, Village
from fdclient.services.lookup import fetch
from fdclient.services.township import store_township
from fdclient.store.context import actor_id, now, require
from fdclient.text import Text, msg

#: Roles that may be named family doctor on a contract.
DOCTOR_ROLES = frozenset({Role.DOCTOR, Role.SPECIALIST})


@dataclass(frozen=True)
class VillageInfo:
    id: uuid.UUID
    township_id: uuid.UUID
    code: str
    name: str
    record_segment: str
    #: What the user should check (a code outside the township's segment), when saved.
    warnings: tuple[Text, ...] = ()


@dataclass(frozen=True)
class StaffInfo:
    id: uuid.UUID
    name: str
    role: Role
    title: str | None
    phone: str | None
    active: bool

    @property
    def role_label(self) -> str:
        return self.role.label


@dataclass(frozen=True)
class TeamInfo:
    id: uuid.UUID
    name: str
    leader_id: uuid.UUID | None
    phone: str | None
    member_ids: tuple[uuid.UUID, ...]
    village_ids: tuple[uuid.UUID, ...]
    active: bool


def village_info(v: Village, warnings: tuple[Text, ...] = ()) -> VillageInfo:
    return VillageInfo(v.id, v.township_id, v.code, v.name, v.record_segment, warnings)


def staff_info(s: Staff) -> StaffInfo:
    return StaffInfo(s.id, s.name, Role(s.role), s.title, s.phone, s.active)


def team_info(t: Team) -> TeamInfo:
    return TeamInfo(
        id=t.id,
        name=t.name,
        leader_id=t.leader_id,
        phone=t.phone,
        member_ids=tuple(m.staff_id for m in _current(t.member_rows)),
        village_ids=tuple(v.village_id for v in _current(t.village_rows)),
        active=t.active,
    )


_Row = TypeVar("_Row", TeamMember, TeamVillage)


def _current(rows: Sequence[_Row]) -> list[_Row]:
    """The rows not voided."""
    return [r for r in rows if r.voided_at is None]


def _optional_phone(text: str | None, field: str = "phone") -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return normalise_phone(text)
    except ValidationError as exc:
        raise ValidationError(exc.text, field=field) from None


def register_village(session: Session, *, code: str, name: str, record_segment: str) -> VillageInfo:
    """A village of the store's township: its 12-digit code and the 3-digit segment used in
    health record numbers. A code that does not start with the township's code is kept
    (a village may keep its old code after townships merge) and comes back with a warning."""
    require(session, Permission.MANAGE_SETTINGS)
    township = store_township(session)
    code = validate_village_code(code)
    warning = village_code_warning(code, township.code)
    name = name.strip()
    if not name:
        raise ValidationError(
            msg("村（居）委会名称不能为空。", "The village (neighbourhood) committee needs a name."), field="name"
        )
    segment = record_segment.strip()
    if len(segment) != 3 or not segment.isascii() or not segment.isdigit() or segment == "000":
        raise ValidationError(
            msg(
                "健康档案编号中的村段“{segment}”格式不对：应为 3 位数字（居委会一般为 001-099，村委会为 101-199）。",
                "The village segment “{segment}” of health record numbers is malformed: it must be 3 digits "
                "(usually 001-099 for neighbourhood committees, 101-199 for village committees).",
                segment=record_segment,
            ),
            field="record_segment",
        )
    if session.scalar(select(Village).where(Village.code == code)) is not None:
        raise ValidationError(
            msg("村（居）委会代码 {code} 已经登记过了。", "The village code {code} is already registered.", code=code),
            field="code",
        )
    taken = session.scalar(select(Village).where(Village.township_id == township.id, Village.record_segment == segment))
    if taken is not None:
        raise ValidationError(
            msg(
                "健康档案村段 {segment} 已由 {village} 使用，同一乡镇的村段不能重复。",
                "The health record segment {segment} is already used by {village}; villages of one township "
                "need different segments.",
                segment=segment,
                village=taken.name,
            ),
            field="record_segment",
        )
    village = Village(township_id=township.id, code=code, name=name, record_segment=segment)
    session.add(village)
    session.flush()
    return village_info(village, (warning,) if warning else ())


def register_staff(
    session: Session,
    *,
    name: str,
    role: Role | str,
    phone: str | None = None,
    title: str | None = None,
    username: str | None = None,
) -> StaffInfo:
    """A staff member of the township's health centre (``username`` only for an account:
    :func:`fdclient.services.staff.accounts.add_account` gives one)."""
    require(session, Permission.MANAGE_ACCOUNTS)
    try:
        staff_role = Role(role)
    except ValueError:
        raise ValidationError(
            msg(
                "人员类别“{role}”不存在，应为：{known}。",
                "There is no staff role “{role}”; choose one of: {known}.",
                role=str(role),
                known=msg("、".join(f"{r.value}（{r.label}）" for r in Role), ", ".join(Role)),
            ),
            field="role",
        ) from None
    username = (username or "").strip() or None
    if username and session.scalar(select(Staff).where(Staff.username == username)) is not None:
        raise ValidationError(
            msg(
                "登录名“{user}”已被使用，请换一个。",
                "The sign-in name “{user}” is taken; choose another.",
                user=username,
            ),
            field="username",
        )
    staff = Staff(
        township_id=store_township(session).id,
        name=normalise_name(name),
        role=staff_role,
        title=(title or "").strip() or None,
        phone=_optional_phone(phone),
        username=username,
    )
    session.add(staff)
    session.flush()
    return staff_info(staff)


def _staff(session: Session, staff_id: uuid.UUID) -> Staff:
    return fetch(
        session, Staff, staff_id, msg("该工作人员，可能已被删除", "the staff member (perhaps removed)"), "staff_id"
    )


def get_team(session: Session, team_id: uuid.UUID) -> Team:
    """The team row (for other services; checks no permission)."""
    return fetch(session, Team, team_id, msg("该家庭医生团队", "the family-doctor team"), "team_id")


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
    require(session, Permission.MANAGE_ACCOUNTS)
    name = name.strip()
    if not name:
        raise ValidationError(msg("团队名称不能为空。", "The team needs a name."), field="name")
    leader = _staff(session, leader_id)
    team = Team(township_id=store_township(session).id, name=name, leader_id=leader.id, phone=_optional_phone(phone))
    session.add(team)
    for staff_id in dict.fromkeys([leader.id, *member_ids]):
        _add_member(team, _staff(session, staff_id))
    for village_id in dict.fromkeys(village_ids):
        _add_village(team, _village(session, village_id))
    session.flush()
    return team_info(team)


def _village(session: Session, village_id: uuid.UUID) -> Village:
    village = session.get(Village, village_id)
    if village is None:
        raise ValidationError(
            msg("找不到要分配给团队的村（居）委会。", "The village to assign to the team was not found."),
            field="village_ids",
        )
    return village


def _add_member(team: Team, staff: Staff) -> None:
    if not staff.active:
        raise RuleError(
            msg(
                "{name} 已停用，不能加入团队“{team}”。",
                "{name} is disabled and cannot join the team “{team}”.",
                name=staff.name,
                team=team.name,
            )
        )
    if is_team_member(team, staff.id):
        return
    team.member_rows.append(TeamMember(staff_id=staff.id))


def _add_village(team: Team, village: Village) -> None:
    if any(v.village_id == village.id for v in _current(team.village_rows)):
        return
    team.village_rows.append(TeamVillage(village_id=village.id))


def add_team_member(session: Session, team_id: uuid.UUID, staff_id: uuid.UUID) -> TeamInfo:
    require(session, Permission.MANAGE_ACCOUNTS)
    team = get_team(session, team_id)
    _add_member(team, _staff(session, staff_id))
    session.flush()
    return team_info(team)


def assign_villages(session: Session, team_id: uuid.UUID, village_ids: Sequence[uuid.UUID]) -> TeamInfo:
    """Add villages to the set the team serves (existing ones stay)."""
    require(session, Permission.MANAGE_ACCOUNTS)
    team = get_team(session, team_id)
    for village_id in village_ids:
        _add_village(team, _village(session, village_id))
    session.flush()
    return team_info(team)


def _removal_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError(msg("请填写原因。", "Give a reason."), field="reason")
    if len(text) > 200:
        raise ValidationError(msg("原因最多 200 个字。", "The reason is at most 200 characters."), field="reason")
    return text


def _void(session: Session, row: TeamMember | TeamVillage, reason: str) -> None:
    row.voided_at, row.voided_by_id, row.void_reason = now(session), actor_id(session), reason


def remove_team_member(session: Session, team_id: uuid.UUID, staff_id: uuid.UUID, reason: str) -> TeamInfo:
    """Take a staff member off a team (the membership row is voided with who, when and
    why). The leader stays a member: name another leader first."""
    require(session, Permission.MANAGE_ACCOUNTS)
    text = _removal_reason(reason)
    team = get_team(session, team_id)
    rows = [m for m in _current(team.member_rows) if m.staff_id == staff_id]
    if not rows:
        raise RuleError(
            msg("该工作人员不是团队“{team}”的成员。", "The staff member is not in the team “{team}”.", team=team.name),
            field="staff_id",
        )
    if team.leader_id == staff_id:
        raise RuleError(
            msg(
                "团队长不能移出团队“{team}”：请先指定新的团队长。",
                "The leader cannot leave the team “{team}”: name another leader first.",
                team=team.name,
            ),
            field="staff_id",
        )
    for row in rows:
        _void(session, row, text)
    session.flush()
    return team_info(team)


def unassign_village(session: Session, team_id: uuid.UUID, village_id: uuid.UUID, reason: str) -> TeamInfo:
    """The team no longer serves the village (its row is voided with who, when and why)."""
    require(session, Permission.MANAGE_ACCOUNTS)
    text = _removal_reason(reason)
    team = get_team(session, team_id)
    rows = [v for v in _current(team.village_rows) if v.village_id == village_id]
    if not rows:
        raise RuleError(
            msg(
                "团队“{team}”没有负责该村（居）委会。",
                "The team “{team}” does not serve that village.",
                team=team.name,
            ),
            field="village_id",
        )
    for row in rows:
        _void(session, row, text)
    session.flush()
    return team_info(team)


def is_team_member(team: Team, staff_id: uuid.UUID) -> bool:
    return any(m.staff_id == staff_id for m in _current(team.member_rows))
