"""Contracts: drafting rules, consent, one family doctor per resident, the state machine,
renewal, termination, expiry, members leaving; contract numbers; packages and their fee
split; who may do what; messages in English."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest
from helpers import builders
from helpers.scene import TOWNSHIP_CODE, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractStatus, PlannedServiceStatus, TerminationReason
from fdclient.domain.contract_states import TRANSITIONS, check_transition, may_become
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError, StoreBusyError, ValidationError
from fdclient.models import (
    AuditEntry,
    Contract,
    ContractMember,
    Household,
    PlannedService,
    Resident,
    ServicePackage,
    Staff,
    Team,
)
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import numbers as contract_numbers
from fdclient.services.contracts import packages
from fdclient.services.contracts import renewal as contract_renewal
from fdclient.services.registry import resident_status
from fdclient.services.staff import organisation as staff
from fdclient.store import Store, open_store
from fdclient.store.context import actor_id
from fdclient.text import set_language

START = date(2026, 1, 1)


@dataclass
class World:
    session: Session
    team: Team
    doctor: Staff
    household: Household
    basic: ServicePackage

    def draft(self, **overrides: object) -> contracts.ContractInfo:
        args: dict[str, object] = dict(
            household_id=self.household.id,
            representative_id=self.household.head_id,
            team_id=self.team.id,
            doctor_id=self.doctor.id,
            package_ids=[self.basic.id],
            start_date=START,
        )
        return contracts.draft_contract(self.session, **{**args, **overrides})

    def sign(self, contract_id: uuid.UUID, **overrides: object) -> contracts.ContractInfo:
        args: dict[str, object] = dict(consent_given=True, signed_at=builders.signed_at(START), channel="door_to_door")
        return contracts.sign_contract(self.session, contract_id, **{**args, **overrides})

    def renew(self, contract_id: uuid.UUID, on: date, **overrides: object) -> contracts.ContractInfo:
        """Renew on the day ``on`` (the unit of work's clock), signed that day."""
        args: dict[str, object] = dict(consent_given=True, signed_at=builders.signed_at(on))
        with builders.on_day(self.session, on):
            return contract_renewal.renew_contract(self.session, contract_id, **{**args, **overrides})

    def expire_due(self, on: date) -> contract_renewal.ExpiryResult:
        with builders.on_day(self.session, on):
            return contract_renewal.expire_due_contracts(self.session)

    def spouse(self) -> Resident:
        return next(m for m in self.household.members if m.id != self.household.head_id)


def make_world(session: Session) -> World:
    """A village, a team with its doctor, a household of two and the basic package."""
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    household = builders.make_household(session, village)
    return World(session, team, doctor, household, builders.make_basic_package(session))


@pytest.fixture
def w(session: Session) -> World:
    """The world in the doctor's unit of work held for the test."""
    return make_world(session)


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    try:
        yield
    finally:
        set_language("zh_CN")


def planned(session: Session, contract_id: uuid.UUID) -> list[PlannedService]:
    return list(session.scalars(select(PlannedService).where(PlannedService.contract_id == contract_id)))


# --- the state machine (pure) -----------------------------------------------------------------


def test_the_state_machine_table() -> None:
    assert set(TRANSITIONS) == set(ContractStatus)
    assert TRANSITIONS[ContractStatus.DRAFT] == {ContractStatus.ACTIVE}
    assert TRANSITIONS[ContractStatus.ACTIVE] == {
        ContractStatus.EXPIRED,
        ContractStatus.RENEWED,
        ContractStatus.TERMINATED,
    }
    assert TRANSITIONS[ContractStatus.EXPIRED] == {ContractStatus.RENEWED}
    assert not TRANSITIONS[ContractStatus.RENEWED] and not TRANSITIONS[ContractStatus.TERMINATED]
    assert may_become(ContractStatus.EXPIRED, ContractStatus.RENEWED)
    assert not may_become(ContractStatus.EXPIRED, ContractStatus.ACTIVE)
    check_transition("QY-1", ContractStatus.DRAFT, ContractStatus.ACTIVE)  # allowed: nothing raised


def test_a_refused_transition_names_both_statuses_and_what_is_allowed(english: None) -> None:
    with pytest.raises(RuleError) as error:
        check_transition("QY-1", ContractStatus.ACTIVE, ContractStatus.DRAFT)
    assert error.value.message == (
        "Contract QY-1 is “active” and cannot become “draft” (from this status it can only become:"
        " “expired”, “renewed”, “terminated”)."
    )
    assert error.value.text.render("zh_CN") == (
        "合同 QY-1 当前状态为“履约中”，不能改为“草稿”（当前状态只能改为：“已到期”、“已续约”、“已解约”）。"
    )
    with pytest.raises(RuleError, match="can only become: nothing"):
        check_transition("QY-1", ContractStatus.TERMINATED, ContractStatus.RENEWED)


# --- drafting -------------------------------------------------------------------------------


def test_a_draft_has_a_readable_number_an_end_date_and_a_fee_snapshot(w: World) -> None:
    first = w.draft()
    second = w.draft(start_date=date(2026, 3, 1), term_years=3)
    assert first.contract_no == "QY-360111101-2026-000001" and second.contract_no == "QY-360111101-2026-000002"
    assert first.status == ContractStatus.DRAFT and first.end_date == date(2026, 12, 31)
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
        w.draft(member_ids=[w.household.head_id], representative_id=w.spouse().id)


def test_the_family_doctor_belongs_to_the_team(w: World) -> None:
    outsider = builders.make_staff(w.session, name="陈医生", role="doctor")
    with pytest.raises(RuleError, match="陈医生 不是团队"):
        w.draft(doctor_id=outsider.id)
    nurse = builders.make_staff(w.session, name="刘护士", role="nurse")
    with builders.as_admin(w.session):
        staff.add_team_member(w.session, w.team.id, nurse.id)
    with pytest.raises(RuleError, match="护士"):
        w.draft(doctor_id=nurse.id)


def test_an_individual_contract_covers_one_resident(w: World) -> None:
    spouse = w.spouse()
    with pytest.raises(ValidationError, match="一名居民"):
        w.draft(scope="individual", household_id=None, member_ids=[w.household.head_id, spouse.id])
    info = w.draft(scope="individual", household_id=None, member_ids=[spouse.id], representative_id=spouse.id)
    assert [m.resident_id for m in info.members] == [spouse.id] and info.household_id == w.household.id


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
    assert contracts.get_contract(w.session, draft.id).status == ContractStatus.DRAFT
    assert planned(w.session, draft.id) == []


def test_signing_activates_members_and_plans_services(w: World) -> None:
    signed = w.sign(w.draft().id, channel="clinic")
    assert signed.status == ContractStatus.ACTIVE and signed.consent_given and signed.channel == "clinic"
    assert all(m.is_active for m in signed.members)
    # Basic package: 1 assessment + 2 education sessions a year, for each of 2 members.
    assert len(planned(w.session, signed.id)) == 6
    entry = w.session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == signed.id, AuditEntry.action == "update")
    ).all()
    assert any(e.changes.get("status") == ["draft", "active"] for e in entry)
    assert entry and all(e.actor_id == actor_id(w.session) for e in entry)


def test_one_family_doctor_per_resident(w: World) -> None:
    first = w.sign(w.draft().id)
    other_doctor = builders.make_staff(w.session, name="陈志强", role="doctor")
    other_team, _ = builders.make_team(w.session, doctor=other_doctor)
    spouse = w.spouse()
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
    assert contracts.get_contract(w.session, second.id).status == ContractStatus.DRAFT


def test_a_signed_contract_cannot_be_signed_again(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(RuleError, match="当前状态为“履约中”，不能改为“履约中”"):
        w.sign(signed.id)


# --- the state machine in use ----------------------------------------------------------------


def test_a_draft_cannot_be_terminated_or_renewed(w: World) -> None:
    draft = w.draft()
    with pytest.raises(RuleError, match="当前状态为“草稿”，不能改为“已解约”"):
        contracts.terminate_contract(w.session, draft.id, reason="voluntary", on_date=date(2026, 2, 1))
    with pytest.raises(RuleError, match="当前状态为“草稿”，不能改为“已续约”"):
        w.renew(draft.id, date(2026, 12, 1))


def test_terminate_ends_members_and_cancels_later_services(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(ValidationError, match="解约原因"):
        contracts.terminate_contract(w.session, signed.id, reason="bored", on_date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="说明"):
        contracts.terminate_contract(w.session, signed.id, reason="other", on_date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="解约日期"):
        contracts.terminate_contract(w.session, signed.id, reason="voluntary", on_date=date(2027, 1, 1))
    done = contracts.terminate_contract(
        w.session, signed.id, reason=TerminationReason.MOVED_OUT, on_date=date(2026, 5, 1), note="去外地打工"
    )
    assert (done.status, done.termination_reason, done.termination_note) == (
        ContractStatus.TERMINATED,
        TerminationReason.MOVED_OUT,
        "去外地打工",
    )
    assert all(not m.is_active and m.ended_on == date(2026, 5, 1) for m in done.members)
    by_status = {(p.window_start > date(2026, 5, 1), p.status) for p in planned(w.session, signed.id)}
    assert by_status == {(False, PlannedServiceStatus.PLANNED), (True, PlannedServiceStatus.CANCELLED)}
    with pytest.raises(RuleError, match="当前状态为“已解约”，不能改为“已续约”"):
        w.renew(signed.id, date(2026, 12, 1))


def test_renewal_opens_near_the_end(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(RuleError, match="才能续约"):
        w.renew(signed.id, date(2026, 9, 1))
    with pytest.raises(RuleError, match="个人信息保护法"):
        w.renew(signed.id, date(2026, 12, 1), consent_given=False)


def test_renewal_moves_members_to_a_new_contract_from_the_day_after_the_end(w: World) -> None:
    old = w.sign(w.draft().id)
    new = w.renew(old.id, date(2026, 12, 1), term_years=2)
    assert contracts.get_contract(w.session, old.id).status == ContractStatus.RENEWED
    assert (new.status, new.start_date, new.end_date, new.renewal_of_id) == (
        ContractStatus.ACTIVE,
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
    assert w.expire_due(date(2026, 12, 31)).expired == ()
    result = w.expire_due(date(2027, 1, 1))
    assert result.expired == (old.contract_no,) and result.renewed == ()
    expired = contracts.get_contract(w.session, old.id)
    assert expired.status == ContractStatus.EXPIRED and all(
        not m.is_active and m.ended_on == date(2026, 12, 31) for m in expired.members
    )
    with pytest.raises(RuleError, match="当前状态为“已到期”，不能改为“已解约”"):
        contracts.terminate_contract(w.session, old.id, reason="voluntary", on_date=date(2026, 12, 5))
    new = w.renew(old.id, date(2027, 1, 20))
    assert new.start_date == date(2027, 1, 1) and len([m for m in new.members if m.is_active]) == 2


def test_renewal_closes_90_days_after_the_end(w: World) -> None:
    old = w.sign(w.draft().id)
    w.expire_due(date(2027, 1, 1))
    with pytest.raises(RuleError, match="超过 90 天不能续约"):
        w.renew(old.id, date(2027, 4, 1))
    assert w.renew(old.id, date(2027, 3, 31)).status == ContractStatus.ACTIVE


def test_auto_renew_at_expiry(w: World) -> None:
    old = w.sign(w.draft(auto_renew=True).id)
    result = w.expire_due(date(2027, 1, 3))
    assert result.expired == () and len(result.renewed) == 1 and result.renewed[0][0] == old.contract_no
    new = w.session.scalars(select(Contract).where(Contract.renewal_of_id == old.id)).one()
    assert (new.status, new.start_date, new.auto_renew, new.consent_given) == ("active", date(2027, 1, 1), True, True)
    assert new.signed_at == datetime(2027, 1, 3, 2, 0, tzinfo=UTC)  # the clock: 10:00 China time that day
    active = w.session.scalars(select(ContractMember.contract_id).where(ContractMember.is_active)).all()
    assert set(active) == {new.id} and len(active) == 2


def test_auto_renew_of_a_contract_nobody_is_left_in_expires_it(w: World) -> None:
    old = w.sign(w.draft(auto_renew=True).id)
    for member in old.members:  # moving out does not end a membership by itself
        resident_status.mark_moved_out(w.session, member.resident_id, date(2026, 6, 1))
    result = w.expire_due(date(2027, 1, 3))
    assert result.expired == (old.contract_no,) and result.renewed == ()


# --- members leaving, the representative -------------------------------------------------------


def test_a_member_leaves_and_the_last_one_ends_the_contract(w: World) -> None:
    signed = w.sign(w.draft().id)
    head, spouse = w.household.head_id, w.spouse().id
    with pytest.raises(ValidationError, match="解约原因"):
        contracts.end_membership(w.session, head, date(2026, 4, 1), reason="bored")
    left = contracts.end_membership(w.session, head, date(2026, 4, 1), reason=TerminationReason.MOVED_OUT)
    assert (left.left, left.terminated) == ((signed.contract_no,), ())
    assert [str(text) for text in left.warnings] == [
        f"张三 是合同 {signed.contract_no} 的家庭代表，请为该合同指定新的家庭代表。"
    ]
    head_services = [p for p in planned(w.session, signed.id) if p.resident_id == head]
    assert {(p.window_start > date(2026, 4, 1), p.status) for p in head_services} == {
        (False, PlannedServiceStatus.PLANNED),
        (True, PlannedServiceStatus.CANCELLED),
    }
    assert contracts.change_representative(w.session, signed.id, spouse).representative_id == spouse
    nurse = builders.actor_named(w.session, "nurse")
    with builders.acting_as(w.session, nurse):  # the status change has checked its own permission
        last = contracts.end_membership_for_status_change(
            w.session, spouse, date(2026, 5, 1), reason=TerminationReason.DEATH
        )
    assert (last.left, last.terminated, last.warnings) == ((signed.contract_no,), (signed.contract_no,), ())
    ended = contracts.get_contract(w.session, signed.id)
    assert (ended.status, ended.termination_reason, ended.terminated_on) == (
        ContractStatus.TERMINATED,
        TerminationReason.DEATH,
        date(2026, 5, 1),
    )
    assert contracts.end_membership(w.session, spouse, date(2026, 5, 2), reason="death") == ((), (), ())


def test_the_representative_is_a_covered_member_of_a_draft_or_active_contract(w: World) -> None:
    signed = w.sign(w.draft(member_ids=[w.household.head_id]).id)
    with pytest.raises(RuleError, match="新的家庭代表必须是该合同的签约成员"):
        contracts.change_representative(w.session, signed.id, w.spouse().id)
    contracts.terminate_contract(w.session, signed.id, reason="voluntary", on_date=date(2026, 2, 1))
    with pytest.raises(RuleError, match="状态为“已解约”，不能更换家庭代表"):
        contracts.change_representative(w.session, signed.id, w.household.head_id)


# --- who may do what --------------------------------------------------------------------------


def test_a_nurse_may_read_contracts_but_not_change_them(w: World) -> None:
    signed = w.sign(w.draft().id)
    draft = w.draft(start_date=date(2027, 1, 1))
    head = w.household.head_id
    attempts: list[Callable[[], object]] = [
        lambda: w.draft(),
        lambda: w.sign(draft.id),
        lambda: contracts.terminate_contract(w.session, signed.id, reason="voluntary", on_date=date(2026, 2, 1)),
        lambda: contracts.end_membership(w.session, head, date(2026, 2, 1), reason="moved_out"),
        lambda: contracts.change_representative(w.session, signed.id, head),
        lambda: w.renew(signed.id, date(2026, 12, 1)),
        lambda: w.expire_due(date(2027, 1, 1)),
    ]
    with builders.acting_as(w.session, builders.actor_named(w.session, "nurse")):
        assert contracts.get_contract(w.session, signed.id).status == ContractStatus.ACTIVE
        for attempt in attempts:
            with pytest.raises(PermissionDenied, match="签约、续约和解约"):
                attempt()
    assert contracts.get_contract(w.session, signed.id).status == ContractStatus.ACTIVE


def test_the_administrator_may_not_read_or_make_contracts(w: World) -> None:
    signed = w.sign(w.draft().id)
    with builders.as_admin(w.session):
        with pytest.raises(PermissionDenied, match="查看居民档案"):
            contracts.get_contract(w.session, signed.id)
        with pytest.raises(PermissionDenied, match="签约、续约和解约"):
            w.draft(start_date=date(2027, 1, 1))


@pytest.mark.parametrize("role", [Role.NURSE, Role.PUBLIC_HEALTH, Role.ADMIN])
def test_contracts_are_refused_to_roles_without_the_permission(store_as: Callable[[Role], Store], role: Role) -> None:
    with store_as(role).write() as session, pytest.raises(PermissionDenied):
        contracts.sign_contract(
            session, uuid.uuid4(), consent_given=True, signed_at=builders.signed_at(START), channel="clinic"
        )


def test_only_the_administrator_sets_up_packages(w: World) -> None:
    with pytest.raises(PermissionDenied, match="修改乡镇设置、村和服务包"):
        packages.create_package(
            w.session,
            code="JC-DOC",
            name="医生建的包",
            kind="basic",
            fee_total_fen=0,
            fee_insurance_fen=0,
            fee_public_health_fen=0,
            fee_resident_fen=0,
            items=[packages.PackageItemInput("健康评估", "health_assessment", 1)],
        )
    with pytest.raises(PermissionDenied):
        packages.deactivate_package(w.session, w.basic.id)


# --- contract numbers ------------------------------------------------------------------------


def test_a_contract_number_is_taken_under_the_write_lock(store: Store, scene_template: Template) -> None:
    with store.write() as session:
        world = make_world(session)
    other = open_store(
        store.paths.folder, scene_template.keys["doctor"], clock=store.clock, daily_backup=False, busy_timeout_ms=150
    )
    try:
        with store.write() as session:  # BEGIN IMMEDIATE: the lock is held until the block ends
            first = replace(world, session=session).draft()
            with pytest.raises(StoreBusyError), other.write() as second:
                contract_numbers.next_contract_no(second, TOWNSHIP_CODE, 2026)
        with other.write() as second:
            assert contract_numbers.next_contract_no(second, TOWNSHIP_CODE, 2026) == "QY-360111101-2026-000002"
    finally:
        other.close()
    assert first.contract_no == "QY-360111101-2026-000001"


def test_contract_numbers_parse_back() -> None:
    assert contract_numbers.parse_contract_no("QY-360111101-2026-000123") == ("360111101", 2026, 123)
    assert contract_numbers.parse_contract_no("QY-36011110-2026-000123") is None
    assert contract_numbers.format_contract_no("360111101", 2026, 123) == "QY-360111101-2026-000123"


# --- packages -------------------------------------------------------------------------------


def test_yuan_and_fen() -> None:
    assert packages.yuan_to_fen("55") == 5500 and packages.yuan_to_fen("12.5") == 1250
    assert packages.yuan_to_fen("０.５０") == 50 and packages.yuan_to_fen("150元") == 15000
    assert packages.fen_to_yuan(5500) == "55.00" and packages.fen_to_yuan(5) == "0.05"
    for bad in ("1.234", "-5", "五十", ""):
        with pytest.raises(ValidationError, match="金额"):
            packages.yuan_to_fen(bad)


def _bad_split(session: Session) -> packages.PackageInfo:
    with builders.as_admin(session):
        return packages.create_package(
            session,
            code="BAD",
            name="错误包",
            kind="basic",
            fee_total_fen=5500,
            fee_insurance_fen=2000,
            fee_public_health_fen=3000,
            fee_resident_fen=1000,
            items=[packages.PackageItemInput("健康评估", "health_assessment", 1)],
        )


def test_a_fee_split_that_does_not_add_up_names_the_parts(w: World) -> None:
    with pytest.raises(ValidationError) as error:
        _bad_split(w.session)
    message = error.value.message
    for words in ("医保基金 20.00 元", "基本公卫经费 30.00 元", "个人支付 10.00 元", "= 60.00 元", "总费用为 55.00 元"):
        assert words in message


def test_package_items_and_target_population_are_checked(w: World) -> None:
    base: dict[str, object] = dict(
        code="X1",
        name="包",
        kind="personalised",
        fee_total_fen=0,
        fee_insurance_fen=0,
        fee_public_health_fen=0,
        fee_resident_fen=0,
    )
    visit = [packages.PackageItemInput("随访", "home_visit", 1)]
    with builders.as_admin(w.session):
        with pytest.raises(ValidationError, match="目标人群"):
            packages.create_package(w.session, **base, target_population="rich", items=visit)
        with pytest.raises(ValidationError, match="1 到 52"):
            packages.create_package(w.session, **base, items=[packages.PackageItemInput("随访", "home_visit", 60)])
        with pytest.raises(ValidationError, match="服务类别“bath”不存在"):
            packages.create_package(w.session, **base, items=[packages.PackageItemInput("洗澡", "bath", 1)])
        with pytest.raises(ValidationError, match="已被使用"):
            packages.create_package(w.session, **{**base, "code": w.basic.code}, items=visit)


def test_a_deactivated_package_can_no_longer_be_chosen(w: World) -> None:
    signed = w.sign(w.draft().id)
    with builders.as_admin(w.session):
        info = packages.deactivate_package(w.session, w.basic.id)
        assert (
            not info.active
            and info.kind == "basic"
            and [i.service_kind for i in info.items]
            == [
                "health_assessment",
                "health_education",
            ]
        )
        with pytest.raises(RuleError, match="已经停用"):
            packages.deactivate_package(w.session, w.basic.id)
    with pytest.raises(RuleError, match="已停用，不能再签约"):
        w.draft(start_date=date(2027, 1, 1))
    assert contracts.get_contract(w.session, signed.id).packages[0].package_id == w.basic.id


# --- messages in English ------------------------------------------------------------------------


def test_messages_render_in_english(w: World, english: None) -> None:
    draft = w.draft()
    with pytest.raises(ValidationError) as term:
        w.draft(term_years=4)
    assert term.value.message == "The term must be 1 to 3 years, not 4."
    with pytest.raises(RuleError) as consent:
        w.sign(draft.id, consent_given=False)
    assert consent.value.message.startswith("A contract needs the resident's separate consent")
    with pytest.raises(RuleError) as state:
        contracts.terminate_contract(w.session, draft.id, reason="voluntary", on_date=date(2026, 2, 1))
    assert state.value.message.startswith(f"Contract {draft.contract_no} is “draft” and cannot become “terminated”")
    with pytest.raises(ValidationError) as split:
        _bad_split(w.session)
    assert "= 60.00 yuan, but the total fee is 55.00 yuan" in split.value.message
    signed = w.sign(draft.id)
    with pytest.raises(RuleError) as early:
        w.renew(signed.id, date(2026, 9, 1))
    assert early.value.message == (
        f"Contract {signed.contract_no} ends on 2026-12-31; it can be renewed only in the 90 days before"
        " (from 2026-10-02)."
    )
    with pytest.raises(ValidationError) as gone:
        contracts.get_contract(w.session, uuid.uuid4())
    assert gone.value.message == "Could not find the contract: refresh and try again."
