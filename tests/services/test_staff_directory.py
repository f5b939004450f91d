"""The teams list of the settings page: names of leader, members and villages; admins only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers.builders import make_staff, make_team, make_village

from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.services.staff.directory import TeamMemberName, list_teams
from fdclient.store import Store


def test_the_teams_with_leader_members_and_villages(store_as: Callable[[Role], Store]) -> None:
    admin = store_as(Role.ADMIN)
    with admin.write() as session:
        nurse = make_staff(session, name="陈护士", role="nurse")
        make_team(session, name="第一团队", villages=[make_village(session, name="东村")], others=[nurse])
    (team,) = list_teams(admin)
    assert team.name == "第一团队" and team.leader_name == "王建国" and team.active
    assert team.members == (TeamMemberName("王建国", Role.DOCTOR), TeamMemberName("陈护士", Role.NURSE))
    assert team.village_names == ("东村",)


def test_only_administrators_list_the_teams(store: Store) -> None:
    with pytest.raises(PermissionDenied):
        list_teams(store)
