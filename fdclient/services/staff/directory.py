"""The township's family-doctor teams as a list to read (the GUI's settings page, for
administrators): each team with its leader, members and villages by name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fdclient.domain.roles import Permission, Role
from fdclient.models import Team, TeamMember
from fdclient.store import Store
from fdclient.store.context import require

__all__ = ["TeamMemberName", "TeamSummary", "list_teams"]


@dataclass(frozen=True)
class TeamMemberName:
    name: str
    role: Role


@dataclass(frozen=True)
class TeamSummary:
    name: str
    leader_name: str | None
    phone: str | None
    members: tuple[TeamMemberName, ...]
    village_names: tuple[str, ...]
    active: bool


def list_teams(store: Store) -> tuple[TeamSummary, ...]:
    """Every team of the township, active ones first, by name (administrators)."""
    with store.read() as session:
        require(session, Permission.MANAGE_ACCOUNTS)
        teams = session.scalars(
            select(Team)
            .options(
                selectinload(Team.leader),
                selectinload(Team.members).selectinload(TeamMember.staff),
                selectinload(Team.villages),
            )
            .order_by(Team.active.desc(), Team.name)
        )
        return tuple(
            TeamSummary(
                name=team.name,
                leader_name=team.leader.name if team.leader is not None else None,
                phone=team.phone,
                members=tuple(
                    TeamMemberName(m.staff.name, Role(m.staff.role))
                    for m in sorted(team.members, key=lambda m: m.staff.name)
                ),
                village_names=tuple(sorted(v.name for v in team.villages)),
                active=team.active,
            )
            for team in teams
        )
