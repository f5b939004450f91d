"""Contracts: drafting rules, consent, one family doctor per resident, the state machine,
renewal, termination, expiry; contract numbers; packages and their fee split."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import builders
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fdclient.errors import RuleError, ValidationError
from fdclient.models import AuditEntry, Contract, ContractMember, Household, PlannedService, ServicePackage, Staff, Team
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import numbers as contract_numbers
from fdclient.services.contracts import packages
from fdclient.services.contracts import renewal as contract_renewal
from fdclient.services.registry import resident_status
from fdclient.services.staff import organisation as staff
from fdclient.store import Store

START = date(2026, 1, 1)


@dataclass
class World:
    session: Session
    team: Team
    doctor: Staff
    household: Household
    basic: ServicePackage

    def draft(self, **overrides: object) -> contracts.ContractInfo:
        args = dict(
            household_id=self.household.id,
            representative_id=self.household.head_id,
            team_id=self.team.id,
            doctor_id=self.doctor.id,
            package_ids=[self.basic.id],
            start_date=START,
        )
        return contracts.draft_contract(self.session, **{**args, **overrides})

    def sign(self, contract_id, **overrides: object) -> contracts.ContractInfo:
        args = dict(consent_given=True, signed_at=builders.signed_at(START), channel="door_to_door")
        return contracts.sign_contract(self.session, contract_id, **{**args, **overrides})


@pytest.fixture
def w(store: Store) -> Iterator[World]:
    with store.session() as s:
        admin = builders.make_staff(s, name="周管理", role="admin")
        builders.act_as(s, admin.id)
        village = builders.make_village(s)
        team, doctor = builders.make_team(s, villages=[village])
        household = builders.make_household(s, village)
        yield World(s, team, doctor, household, builders.make_basic_package(s))


def planned(session: Session, contract_id) -> list[PlannedService]:
    return list(session.scalars(select(PlannedService).where(PlannedService.contract_id == contract_id)))


# --- drafting -------------------------------------------------------------------------------


def test_a_draft_has_a_readable_number_an_end_date_and_a_fee_snapshot(w: World) -> None:
    first = w.draft()
    second = w.draft(start_date=date(2026, 3, 1), term_years=3)
    assert first.contract_no == "QY-360111101-2026-000001" and second.contract_no == "QY-360111101-2026-000002"
    assert first.status == "draft" and first.end_date == date(2026, 12, 31)
    assert second.end_date == date(2029, 2, 28)
    assert len(first.members) == 2 and not any(m.is_active for m in first.members)
    assert (first.packages[0].fee_total_fen, first.packages[0].fee_resident_fen) == (5500, 500)


def test_numbers_restart_each_year(w: World) -> None:
    w.draft()
    assert w.draft(start_date=date(2027, 1, 1)).contract_no == "QY-360111101-2027-000001"


@pytest.mark.parametrize("term", [0, 4])
def test_the_term_is_one_to_three_years(w: World, term: int) -> None:
    with pytest.raises(ValidationError, match="1 到 3 年"):
        w.draft(term_years=term)


def test_the_representative_is_a_member(w: World) -> None:
    with pytest.raises(RuleError, match="家庭代表"):
        w.draft(member_ids=[w.household.head_id], representative_id=_spouse(w).id)


def test_the_family_doctor_belongs_to_the_team(w: World) -> None:
    outsider = builders.make_staff(w.session, name="陈医生", role="doctor")
    with pytest.raises(RuleError, match="陈医生 不是团队"):
        w.draft(doctor_id=outsider.id)
    nurse = builders.make_staff(w.session, name="刘护士", role="nurse")
    staff.add_team_member(w.session, w.team.id, nurse.id)
    with pytest.raises(RuleError, match="护士"):
        w.draft(doctor_id=nurse.id)


def test_an_individual_contract_covers_one_resident(w: World) -> None:
    with pytest.raises(ValidationError, match="一名居民"):
        w.draft(scope="individual", household_id=None, member_ids=[w.household.head_id, _spouse(w).id])
    info = w.draft(scope="individual", household_id=None, member_ids=[_spouse(w).id], representative_id=_spouse(w).id)
    assert [m.resident_id for m in info.members] == [_spouse(w).id] and info.household_id == w.household.id


def test_a_population_package_needs_someone_of_that_population(w: World) -> None:
    htn = builders.make_hypertension_package(w.session)
    with pytest.raises(RuleError, match="高血压患者"):
        w.draft(package_ids=[w.basic.id, htn.id])


# --- signing --------------------------------------------------------------------------------


def test_signing_without_consent_is_refused(w: World) -> None:
    draft = w.draft()
    with pytest.raises(RuleError, match="个人信息保护法") as error:
        w.sign(draft.id, consent_given=False)
    assert error.value.field == "consent_given"
    assert contracts.get_contract(w.session, draft.id).status == "draft"
    assert planned(w.session, draft.id) == []


def test_signing_activates_members_and_plans_services(w: World) -> None:
    signed = w.sign(w.draft().id, channel="clinic")
    assert signed.status == "active" and signed.consent_given and signed.channel == "clinic"
    assert all(m.is_active for m in signed.members)
    # Basic package: 1 assessment + 2 education sessions a year, for each of 2 members.
    assert len(planned(w.session, signed.id)) == 6
    entry = w.session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == signed.id, AuditEntry.action == "update")
    ).all()
    assert any(e.changes.get("status") == ["draft", "active"] for e in entry)
    assert all(e.actor_id == w.session.info["actor_id"] for e in entry)


def test_one_family_doctor_per_resident(w: World) -> None:
    first = w.sign(w.draft().id)
    other_doctor = builders.make_staff(w.session, name="陈志强", role="doctor")
    other_team, _ = builders.make_team(w.session, doctor=other_doctor)
    spouse = _spouse(w)
    second = w.draft(
        scope="individual",
        household_id=None,
        member_ids=[spouse.id],
        representative_id=spouse.id,
        team_id=other_team.id,
        doctor_id=other_doctor.id,
    )
    with pytest.raises(RuleError) as error:
        w.sign(second.id)
    message = error.value.message
    assert "李梅" in message and w.doctor.name in message and first.contract_no in message
    assert contracts.get_contract(w.session, second.id).status == "draft"


def test_a_signed_contract_cannot_be_signed_again(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(RuleError, match="当前状态为“履约中”，不能改为“履约中”"):
        w.sign(signed.id)


# --- the state machine ----------------------------------------------------------------------


def test_a_draft_cannot_be_terminated_or_renewed(w: World) -> None:
    draft = w.draft()
    with pytest.raises(RuleError, match="当前状态为“草稿”，不能改为“已解约”"):
        contracts.terminate_contract(w.session, draft.id, reason="voluntary", on_date=date(2026, 2, 1))
    with pytest.raises(RuleError, match="当前状态为“草稿”，不能改为“已续约”"):
        contract_renewal.renew_contract(
            w.session, draft.id, consent_given=True, signed_at=builders.signed_at(START), today=date(2026, 12, 1)
        )


def test_terminate_ends_members_and_cancels_later_services(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(ValidationError, match="解约原因"):
        contracts.terminate_contract(w.session, signed.id, reason="bored", on_date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="说明"):
        contracts.terminate_contract(w.session, signed.id, reason="other", on_date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="解约日期"):
        contracts.terminate_contract(w.session, signed.id, reason="voluntary", on_date=date(2027, 1, 1))
    done = contracts.terminate_contract(
        w.session, signed.id, reason="moved_out", on_date=date(2026, 5, 1), note="去外地打工"
    )
    assert (done.status, done.termination_reason, done.termination_note) == ("terminated", "moved_out", "去外地打工")
    assert all(not m.is_active and m.ended_on == date(2026, 5, 1) for m in done.members)
    by_status = {(p.window_start > date(2026, 5, 1), p.status) for p in planned(w.session, signed.id)}
    assert by_status == {(False, "planned"), (True, "cancelled")}
    with pytest.raises(RuleError, match="当前状态为“已解约”，不能改为“已续约”"):
        contract_renewal.renew_contract(
            w.session, signed.id, consent_given=True, signed_at=builders.signed_at(START), today=date(2026, 12, 1)
        )


def test_renewal_opens_near_the_end(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(RuleError, match="才能续约"):
        contract_renewal.renew_contract(
            w.session, signed.id, consent_given=True, signed_at=builders.signed_at(START), today=date(2026, 9, 1)
        )
    with pytest.raises(RuleError, match="个人信息保护法"):
        contract_renewal.renew_contract(
            w.session, signed.id, consent_given=False, signed_at=builders.signed_at(START), today=date(2026, 12, 1)
        )


def test_renewal_moves_members_to_a_new_contract_from_the_day_after_the_end(w: World) -> None:
    old = w.sign(w.draft().id)
    new = contract_renewal.renew_contract(
        w.session,
        old.id,
        consent_given=True,
        signed_at=builders.signed_at(date(2026, 12, 1)),
        today=date(2026, 12, 1),
        term_years=2,
    )
    assert contracts.get_contract(w.session, old.id).status == "renewed"
    assert (new.status, new.start_date, new.end_date, new.renewal_of_id) == (
        "active",
        date(2027, 1, 1),
        date(2028, 12, 31),
        old.id,
    )
    assert new.contract_no == "QY-360111101-2027-000001"
    old_members = contracts.get_contract(w.session, old.id).members
    assert all(not m.is_active and m.ended_on == date(2026, 12, 31) for m in old_members)
    assert {m.resident_id for m in new.members if m.is_active} == {m.resident_id for m in old_members}
    assert len(planned(w.session, new.id)) == 2 * 2 * 3
    with pytest.raises(RuleError, match="当前状态为“已续约”"):
        contracts.terminate_contract(w.session, old.id, reason="voluntary", on_date=date(2026, 12, 5))


def test_expiry_deactivates_members_and_an_expired_contract_can_still_be_renewed(w: World) -> None:
    old = w.sign(w.draft().id)
    assert contract_renewal.expire_due_contracts(w.session, date(2026, 12, 31)).expired == ()
    result = contract_renewal.expire_due_contracts(w.session, date(2027, 1, 1))
    assert result.expired == (old.contract_no,) and result.renewed == ()
    expired = contracts.get_contract(w.session, old.id)
    assert expired.status == "expired" and all(
        not m.is_active and m.ended_on == date(2026, 12, 31) for m in expired.members
    )
    with pytest.raises(RuleError, match="当前状态为“已到期”，不能改为“已解约”"):
        contracts.terminate_contract(w.session, old.id, reason="voluntary", on_date=date(2026, 12, 5))
    new = contract_renewal.renew_contract(
        w.session, old.id, consent_given=True, signed_at=builders.signed_at(date(2027, 1, 20)), today=date(2027, 1, 20)
    )
    assert new.start_date == date(2027, 1, 1) and len([m for m in new.members if m.is_active]) == 2


def test_renewal_closes_90_days_after_the_end(w: World) -> None:
    old = w.sign(w.draft().id)
    contract_renewal.expire_due_contracts(w.session, date(2027, 1, 1))
    with pytest.raises(RuleError, match="超过 90 天不能续约"):
        contract_renewal.renew_contract(
            w.session,
            old.id,
            consent_given=True,
            signed_at=builders.signed_at(date(2027, 4, 1)),
            today=date(2027, 4, 1),
        )
    renewed = contract_renewal.renew_contract(
        w.session, old.id, consent_given=True, signed_at=builders.signed_at(date(2027, 3, 31)), today=date(2027, 3, 31)
    )
    assert renewed.status == "active"


def test_auto_renew_at_expiry(w: World) -> None:
    old = w.sign(w.draft(auto_renew=True).id)
    result = contract_renewal.expire_due_contracts(w.session, date(2027, 1, 3))
    assert result.expired == () and len(result.renewed) == 1 and result.renewed[0][0] == old.contract_no
    new = w.session.scalars(select(Contract).where(Contract.renewal_of_id == old.id)).one()
    assert (new.status, new.start_date, new.auto_renew, new.consent_given) == ("active", date(2027, 1, 1), True, True)
    active = w.session.scalars(select(ContractMember.contract_id).where(ContractMember.is_active)).all()
    assert set(active) == {new.id} and len(active) == 2


def test_auto_renew_of_a_contract_nobody_is_left_in_expires_it(w: World) -> None:
    old = w.sign(w.draft(auto_renew=True).id)
    for member in old.members:  # moving out does not end a membership by itself
        resident_status.mark_moved_out(w.session, member.resident_id, date(2026, 6, 1), today=date(2026, 6, 1))
    result = contract_renewal.expire_due_contracts(w.session, date(2027, 1, 3))
    assert result.expired == (old.contract_no,) and result.renewed == ()


# --- contract numbers ------------------------------------------------------------------------


def test_number_allocation_holds_the_write_lock(store: Store, w: World) -> None:
    w.session.commit()
    number = contract_numbers.next_contract_no(w.session, "360111101", 2026)
    with store.session() as other:
        other.connection().exec_driver_sql("PRAGMA busy_timeout = 0")
        with pytest.raises(OperationalError, match="locked"):
            contract_numbers.next_contract_no(other, "360111101", 2026)
        other.rollback()
        w.draft()
        w.session.commit()
        assert contract_numbers.next_contract_no(other, "360111101", 2026) == "QY-360111101-2026-000002"
    assert number == "QY-360111101-2026-000001"


def test_contract_numbers_parse_back() -> None:
    assert contract_numbers.parse_contract_no("QY-360111101-2026-000123") == ("360111101", 2026, 123)
    assert contract_numbers.parse_contract_no("QY-36011110-2026-000123") is None


# --- packages -------------------------------------------------------------------------------


def test_yuan_and_fen() -> None:
    assert packages.yuan_to_fen("55") == 5500 and packages.yuan_to_fen("12.5") == 1250
    assert packages.yuan_to_fen("０.５０") == 50 and packages.yuan_to_fen("150元") == 15000
    assert packages.fen_to_yuan(5500) == "55.00" and packages.fen_to_yuan(5) == "0.05"
    for bad in ("1.234", "-5", "五十", ""):
        with pytest.raises(ValidationError, match="金额"):
            packages.yuan_to_fen(bad)


def test_a_fee_split_that_does_not_add_up_names_the_parts(w: World) -> None:
    with pytest.raises(ValidationError) as error:
        packages.create_package(
            w.session,
            code="BAD",
            name="错误包",
            kind="basic",
            fee_total_fen=5500,
            fee_insurance_fen=2000,
            fee_public_health_fen=3000,
            fee_resident_fen=1000,
            items=[packages.PackageItemInput("健康评估", "health_assessment", 1)],
        )
    message = error.value.message
    for words in ("医保基金 20.00 元", "基本公卫经费 30.00 元", "个人支付 10.00 元", "= 60.00 元", "总费用为 55.00 元"):
        assert words in message


def test_package_items_and_target_population_are_checked(w: World) -> None:
    base = dict(
        code="X1",
        name="包",
        kind="personalised",
        fee_total_fen=0,
        fee_insurance_fen=0,
        fee_public_health_fen=0,
        fee_resident_fen=0,
    )
    with pytest.raises(ValidationError, match="目标人群"):
        packages.create_package(
            w.session, **base, target_population="rich", items=[packages.PackageItemInput("随访", "home_visit", 1)]
        )
    with pytest.raises(ValidationError, match="1 到 52"):
        packages.create_package(w.session, **base, items=[packages.PackageItemInput("随访", "home_visit", 60)])
    with pytest.raises(ValidationError, match="已被使用"):
        packages.create_package(
            w.session, **{**base, "code": w.basic.code}, items=[packages.PackageItemInput("随访", "home_visit", 1)]
        )


def _spouse(w: World):
    return next(m for m in w.household.members if m.id != w.household.head_id)
