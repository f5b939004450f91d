"""The data model is sync-ready: team rows are voided rather than deleted, settings are
synced rows with derived ids, derived planned services have ids every laptop derives alike,
the store's clock runs on server-corrected time, and duplicates the database now accepts
(for rows pulled from other laptops) are refused by the services with a clear message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import builders
from helpers.contract_world import make_world
from helpers.scene import CLOCK
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.time import CorrectedClock, FixedClock
from fdclient.errors import RuleError, ValidationError
from fdclient.models import AuditEntry, Contract, LocalSetting, PlannedService, Team, TownshipSetting, local
from fdclient.models.settings_table import township_setting_id
from fdclient.services.contracts import lifecycle
from fdclient.services.contracts import plan as service_plan
from fdclient.services.registry import residents
from fdclient.services.staff import organisation
from fdclient.services.staff.directory import list_teams
from fdclient.settings import BP_TARGET, set_setting
from fdclient.store import Store, open_store


def test_removing_a_member_or_a_village_voids_the_row(admin_store: Store) -> None:
    with admin_store.write() as s:
        village, other = builders.make_village(s), builders.make_village(s)
        nurse = builders.make_staff(s, name="陈护士", role="nurse")
        team, doctor = builders.make_team(s, villages=[village, other], others=[nurse])
        with pytest.raises(ValidationError, match="原因"):
            organisation.remove_team_member(s, team.id, nurse.id, " ")
        with pytest.raises(RuleError, match="团队长不能移出团队"):
            organisation.remove_team_member(s, team.id, doctor.id, "调走")
        info = organisation.remove_team_member(s, team.id, nurse.id, "调往其他卫生院")
        assert info.member_ids == (doctor.id,)
        info = organisation.unassign_village(s, team.id, other.id, "划归其他团队")
        assert info.village_ids == (village.id,)
        with pytest.raises(RuleError, match="不是团队"):
            organisation.remove_team_member(s, team.id, nurse.id, "再次")
        row = next(m for m in team.member_rows if m.staff_id == nurse.id)
        assert row.void_reason == "调往其他卫生院" and row.voided_at == CLOCK.now()
        assert admin_store.actor is not None and row.voided_by_id == admin_store.actor.staff_id
        audit = s.scalars(select(AuditEntry).where(AuditEntry.row_id == row.id)).all()
        assert [e.action for e in audit] == ["insert", "void"]
        # Joining again makes a new row; the voided one stays.
        info = organisation.add_team_member(s, team.id, nurse.id)
        assert set(info.member_ids) == {doctor.id, nurse.id}
        assert len(team.member_rows) == 3
        team_id = team.id
    with admin_store.read() as s:
        fresh = s.get(Team, team_id)
        assert fresh is not None
        assert {m.staff_id for m in fresh.members} == {doctor.id, nurse.id}
        assert [v.id for v in fresh.villages] == [village.id]
    summary = next(t for t in list_teams(admin_store) if t.name == fresh.name)
    assert summary.village_names == (village.name,)


def test_a_setting_is_a_synced_row_with_the_id_every_laptop_derives(admin_store: Store) -> None:
    with admin_store.write() as s:
        set_setting(s, BP_TARGET, "guideline2025")
    with admin_store.read() as s:
        row = s.scalars(select(TownshipSetting)).one()
        assert row.id == township_setting_id(admin_store.info.township_id, "bp_target")
        assert (row.key, row.value, row.township_id) == ("bp_target", "guideline2025", admin_store.info.township_id)
        assert s.get(LocalSetting, BP_TARGET.row_key) is None


def test_planned_services_have_derived_ids_and_are_not_planned_twice(store: Store) -> None:
    with store.write() as s:
        village = builders.make_village(s)
        team, doctor = builders.make_team(s, villages=[village])
        household = builders.make_household(s, village, has_hypertension=True)
        package = builders.make_hypertension_package(s)
        info = builders.make_signed_contract(s, household, team, doctor, [package])
        services = s.scalars(select(PlannedService).where(PlannedService.contract_id == info.id)).all()
        assert services
        for p in services:
            first = date(2026, 1, 1)
            assert p.id == service_plan.planned_service_id(
                p.contract_id, p.resident_id, p.package_item_id, first, p.sequence
            )
        # Planning the same contract again (as a second laptop would) adds nothing.
        contract = s.get(Contract, info.id)
        assert contract is not None
        assert service_plan.plan_services(s, contract) == 0


def test_the_store_clock_runs_on_the_corrected_time(admin_store: Store) -> None:
    offset = timedelta(days=-730, milliseconds=1500)
    assert CorrectedClock(CLOCK, offset).now() == CLOCK.now() + offset
    with admin_store.write() as s:
        s.add(LocalSetting(key=local.CLOCK_OFFSET_MS, value=int(offset / timedelta(milliseconds=1))))
    folder, key = admin_store.paths.folder, admin_store.key
    assert key is not None
    admin_store.close()
    laptop = FixedClock(datetime(2028, 6, 1, 2, 0, tzinfo=UTC))  # two years ahead
    with open_store(folder, key, clock=laptop, daily_backup=False) as reopened:
        assert reopened.clock.now() == laptop.now() + offset
        with reopened.write() as s:
            village = builders.make_village(s)
        assert village.created_at == laptop.now() + offset


def test_the_services_refuse_duplicates_the_database_now_takes(store: Store) -> None:
    with store.write() as s:
        village = builders.make_village(s)
        head = builders.make_resident(s, village)
        with pytest.raises(RuleError, match="同一个人只能有一份档案"):
            residents.register_resident(s, replace(builders.resident_input(village), id_number=head.id_number))
        with builders.as_admin(s):
            builders.make_staff(s, name="赵医生", username="zhao")
            with pytest.raises(ValidationError, match="登录名“zhao”已被使用"):
                builders.make_staff(s, name="赵二", username="zhao")
            code = builders.make_basic_package(s).code
            with pytest.raises(ValidationError, match="服务包编码"):
                builders.make_basic_package(s, code=code)


def test_a_contract_is_renewed_once(session: Session) -> None:
    w = make_world(session)
    old = w.sign(w.draft().id)
    renewed = w.renew(old.id, date(2026, 12, 1))
    # Its id (and its members' and packages') is derived from the old contract: a renewal
    # made on two laptops offline is one record to the server.
    assert renewed.id == lifecycle.renewal_id(old.id)
    new_row = session.get(Contract, renewed.id)
    assert new_row is not None
    assert {m.id for m in new_row.members} == {
        lifecycle.contract_part_id(renewed.id, "member", m.resident_id) for m in new_row.members
    }
    row = session.get(Contract, old.id)
    assert row is not None
    row.status = "active"  # as if the renewal came from another laptop before the status did
    session.flush()
    with pytest.raises(RuleError, match="已经续约过") as refused:
        w.renew(old.id, date(2026, 12, 2))
    assert renewed.contract_no in refused.value.text.render("zh")
