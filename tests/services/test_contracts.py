"""Contracts: the state machine, drafting rules, fees, signing with every member's consent,
one family doctor per resident, discarded drafts, the contract settings, who may do what,
contract numbers, packages and their fee split, messages in English. Renewal, termination,
expiry and members leaving are in test_contract_renewal.py; consent, guardians, the
representative and members joining in test_contract_members.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from helpers import builders
from helpers.contract_world import START, World, make_world, planned
from helpers.scene import TOWNSHIP_CODE, Template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fdclient.domain.codes import ConsentBy, ContractParty, ContractStatus
from fdclient.domain.contract_states import TRANSITIONS, check_transition, may_become
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError, StoreBusyError, ValidationError
from fdclient.models import AuditEntry, Contract
from fdclient.services.contracts import fees, packages
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import numbers as contract_numbers
from fdclient.services.contracts.consent import MemberConsent
from fdclient.services.contracts.fees import FeeSplit
from fdclient.services.staff import organisation as staff
from fdclient.settings import (
    CONTRACT_AUTO_RENEW,
    CONTRACT_DEFAULT_TERM_YEARS,
    CONTRACT_NUMBER_PREFIX,
    CONTRACT_PARTY_A,
    set_setting,
)
from fdclient.store import Store, open_store
from fdclient.store.context import actor_id


@pytest.fixture
def w(session: Session) -> World:
    """The world in the doctor's unit of work held for the test."""
    return make_world(session)


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
    unit = first.packages[0].per_person_year
    assert (unit.total_fen, unit.resident_fen) == (5500, 500)


# --- fees -----------------------------------------------------------------------------------


def test_the_fee_is_package_fee_times_members_times_years(w: World) -> None:
    """2 members × 3 years × 55 CNY = 330.00 CNY (was 55.00: once per contract)."""
    three_years = w.draft(term_years=3)
    assert three_years.fee_total_fen == 33000 and three_years.fees.total.total_yuan == "330.00"
    assert three_years.fees.total == FeeSplit(33000, 12000, 18000, 3000)  # 20 + 30 + 5 per person and year
    (line,) = three_years.packages
    assert (line.name, line.person_years, line.total.total_fen) == ("基础服务包", 6, 33000)
    assert w.draft().fee_total_fen == 11000
    quoted = fees.quote_fees(
        w.session,
        package_ids=[w.basic.id],
        member_ids=[m.resident_id for m in three_years.members],
        start_date=START,
        term_years=3,
    )
    assert quoted == three_years.fees


def test_a_population_package_is_charged_for_the_members_in_it(session: Session) -> None:
    """The hypertension package (150 CNY) of a household where only the head has
    hypertension is charged once a year, the basic package for both members."""
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    household = builders.make_household(session, village, has_hypertension=True)
    basic, htn = builders.make_basic_package(session), builders.make_hypertension_package(session)
    signed = builders.make_signed_contract(session, household, team, doctor, [basic, htn], term_years=2)
    by_package = {p.package_id: (p.person_years, p.total.total_fen) for p in signed.packages}
    assert by_package == {basic.id: (4, 22000), htn.id: (2, 30000)}
    assert signed.fee_total_fen == 52000 and signed.fees.total.insurance_fen == 4 * 2000 + 2 * 11000
    assert contracts.get_contract(session, signed.id).fees == signed.fees


def test_numbers_restart_each_year(w: World) -> None:
    w.draft()
    assert w.draft(start_date=date(2027, 1, 1)).contract_no == "QY-360111101-2027-000001"


@pytest.mark.parametrize("term", [0, 4])
def test_the_term_is_one_to_three_years(w: World, term: int) -> None:
    with pytest.raises(ValidationError, match="1 到 3 年"):
        w.draft(term_years=term)


def test_the_representative_is_a_member_or_an_adult_of_the_household(w: World) -> None:
    # The spouse represents a contract covering only the head (before: refused).
    info = w.draft(member_ids=[w.household.head_id], representative_id=w.spouse().id)
    assert info.representative_id == w.spouse().id and [m.resident_id for m in info.members] == [w.household.head_id]
    outsider = builders.make_resident(w.session, builders.make_village(w.session), name="赵六")
    with pytest.raises(RuleError, match="家庭代表应为签约成员，或该家庭中已满 18 周岁的在册成员") as error:
        w.draft(member_ids=[w.household.head_id], representative_id=outsider.id)
    assert error.value.field == "representative_id"


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


def test_signing_needs_every_members_consent(w: World) -> None:
    draft = w.draft()
    with pytest.raises(RuleError, match="个人信息保护法") as error:
        w.sign(draft.id, consents=[])
    assert error.value.field == "consents"
    # One consent for a household of two (before: one flag for the whole contract).
    with pytest.raises(RuleError, match="尚未同意的成员：李梅"):
        w.sign(draft.id, consents=[MemberConsent(w.household.head_id)])
    assert contracts.get_contract(w.session, draft.id).status == ContractStatus.DRAFT
    assert planned(w.session, draft.id) == []


def test_signing_activates_members_and_plans_services(w: World) -> None:
    signed = w.sign(w.draft().id, channel="clinic")
    assert signed.status == ContractStatus.ACTIVE and signed.consent_given and signed.channel == "clinic"
    assert all(m.is_active for m in signed.members)
    # Basic package: 1 assessment + 2 education sessions a year, for each of 2 members.
    assert len(planned(w.session, signed.id)) == 6
    # Each member's own consent, at the signing time.
    assert {(m.consent_by, m.consented_at, m.guardian) for m in signed.members} == {
        (ConsentBy.SELF, builders.signed_at(START), None)
    }
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


# --- discarded drafts -------------------------------------------------------------------------


def test_a_draft_is_voided_with_a_reason_and_can_no_longer_be_used(w: World) -> None:
    draft = w.draft()
    with pytest.raises(ValidationError, match="作废原因"):
        contracts.void_draft(w.session, draft.id, "  ")
    voided = contracts.void_draft(w.session, draft.id, "居民改为个人签约")
    assert (voided.voided, voided.void_reason, voided.status) == (True, "居民改为个人签约", ContractStatus.DRAFT)
    row = w.session.get(Contract, draft.id)
    assert row is not None and row.voided_by_id == actor_id(w.session)
    with pytest.raises(RuleError, match="已作废的草稿"):
        w.sign(draft.id)
    with pytest.raises(RuleError, match="已作废的草稿"):
        contracts.change_representative(w.session, draft.id, w.spouse().id)
    with pytest.raises(RuleError, match="不能再次作废"):
        contracts.void_draft(w.session, draft.id, "再次作废")
    # Its members are free to sign another contract; its number is not reused.
    assert w.sign(w.draft().id).contract_no == "QY-360111101-2026-000002"


def test_only_a_draft_can_be_voided(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(RuleError, match="只有草稿可以作废，已签约的合同请解约"):
        contracts.void_draft(w.session, signed.id, "签错了")
    row = w.session.get(Contract, signed.id)
    assert row is not None
    with pytest.raises(IntegrityError, match="only_drafts_voided"), w.session.begin_nested():
        row.voided_at, row.void_reason = builders.signed_at(START), "直接改库"
        w.session.flush()


# --- the contract settings ---------------------------------------------------------------------


def test_the_default_term_auto_renewal_and_parties_come_from_the_settings(w: World) -> None:
    plain = w.draft(term_years=None, auto_renew=None)
    assert (plain.term_years, plain.auto_renew, plain.party_a, plain.party_b) == (
        1,
        False,
        ContractParty.RESIDENT,
        ContractParty.TEAM,
    )
    with builders.as_admin(w.session):
        set_setting(w.session, CONTRACT_DEFAULT_TERM_YEARS, 3)
        set_setting(w.session, CONTRACT_AUTO_RENEW, True)
        set_setting(w.session, CONTRACT_PARTY_A, "team")
        set_setting(w.session, CONTRACT_NUMBER_PREFIX, "JY")
    configured = w.draft(term_years=None, auto_renew=None)
    assert (configured.term_years, configured.end_date, configured.auto_renew) == (3, date(2028, 12, 31), True)
    assert (configured.party_a, configured.party_b) == (ContractParty.TEAM, ContractParty.RESIDENT)
    assert configured.contract_no == "JY-360111101-2026-000001"
    assert contract_numbers.parse_contract_no(configured.contract_no) == ("360111101", 2026, 1)
    # An explicit choice wins over the settings.
    assert (w.draft(term_years=2, auto_renew=False).term_years, plain.auto_renew) == (2, False)
    with builders.as_admin(w.session):
        set_setting(w.session, CONTRACT_NUMBER_PREFIX, "签约")
    with pytest.raises(RuleError, match="协议编号前缀"):
        w.draft()


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
        lambda: contracts.void_draft(w.session, draft.id, "重复起草"),
        lambda: contracts.join_contract(
            w.session, signed.id, head, joined_on=date(2026, 2, 1), consent=MemberConsent(head)
        ),
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
        with pytest.raises(PermissionDenied, match="查看居民档案"):
            fees.quote_fees(w.session, package_ids=[w.basic.id], member_ids=[], start_date=START, term_years=1)


@pytest.mark.parametrize("role", [Role.NURSE, Role.PUBLIC_HEALTH, Role.ADMIN])
def test_contracts_are_refused_to_roles_without_the_permission(store_as: Callable[[Role], Store], role: Role) -> None:
    with store_as(role).write() as session, pytest.raises(PermissionDenied):
        contracts.sign_contract(
            session, uuid.uuid4(), consents=[], signed_at=builders.signed_at(START), channel="clinic"
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
        w.sign(draft.id, consents=[])
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
    with pytest.raises(RuleError) as void:
        contracts.void_draft(w.session, signed.id, "签错了")
    assert void.value.message == (
        f"Contract {signed.contract_no} is “active”: only a draft can be voided; terminate a signed contract instead."
    )
    with pytest.raises(ValidationError) as gone:
        contracts.get_contract(w.session, uuid.uuid4())
    assert gone.value.message == "Could not find the contract: refresh and try again."
