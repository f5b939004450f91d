"""The contracts list (filters and sorting in SQL, rows by id) and the signing form's
services: options, finding a household, its members, signing in one step with the drawn
signature, renewing with the consent given again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from helpers import builders
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ConsentBy, ContractStatus
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import Contract, Household, ServicePackage, Staff, Team, Village
from fdclient.services.contracts import lifecycle, signing
from fdclient.services.contracts.consent import MemberConsent
from fdclient.services.contracts.listing import ContractFilter, ContractSort, contract_rows, list_contract_ids
from fdclient.store import Store

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def _scene(session: Session) -> tuple[Village, Team, Staff, ServicePackage]:
    village = builders.make_village(session, name="罗家村")
    team, doctor = builders.make_team(session, villages=[village])
    return village, team, doctor, builders.make_basic_package(session)


def test_filters_and_sorting_in_sql(session: Session) -> None:
    village, team, doctor, basic = _scene(session)
    old = builders.make_household(session, village, members=[("赵一", date(1950, 1, 1), 1, "01")])
    new = builders.make_household(session, village, members=[("钱二", date(1960, 1, 1), 1, "01")])
    drafted = builders.make_household(session, village, members=[("孙三", date(1970, 1, 1), 1, "01")])
    expiring = builders.make_signed_contract(session, old, team, doctor, [basic], start_date=date(2025, 7, 1))
    later = builders.make_signed_contract(session, new, team, doctor, [basic], start_date=date(2026, 1, 1))
    assert drafted.head_id is not None
    draft = lifecycle.draft_contract(
        session,
        household_id=drafted.id,
        representative_id=drafted.head_id,
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[basic.id],
        start_date=date(2026, 6, 1),
    )
    assert list_contract_ids(session, ContractFilter.EXPIRING_30) == [expiring.id]
    assert list_contract_ids(session, ContractFilter.EXPIRING_60) == [expiring.id]
    assert list_contract_ids(session, ContractFilter.DRAFT) == [draft.id]
    assert set(list_contract_ids(session, ContractFilter.ACTIVE)) == {expiring.id, later.id}
    assert list_contract_ids(session, sort=ContractSort.END) == [expiring.id, later.id, draft.id]
    assert list_contract_ids(session, sort=ContractSort.END, descending=True) == [draft.id, later.id, expiring.id]
    assert list_contract_ids(session, text="钱") == [later.id]
    assert list_contract_ids(session, village_id=village.id, text=draft.contract_no) == [draft.id]
    lifecycle.void_draft(session, draft.id, "写错了")
    assert list_contract_ids(session, ContractFilter.VOIDED) == [draft.id]
    assert draft.id not in list_contract_ids(session)
    rows = contract_rows(session, [later.id, expiring.id])
    assert [r.representative for r in rows] == ["钱二", "赵一"]
    assert rows[0].village == "罗家村" and rows[0].doctor == doctor.name and rows[0].members == 1
    assert rows[1].status == ContractStatus.ACTIVE and rows[1].end_date == date(2026, 6, 30)


def test_find_a_household_and_its_members(session: Session) -> None:
    village, team, doctor, basic = _scene(session)
    household = builders.make_household(
        session,
        village,
        members=[("张三", date(1950, 3, 1), 1, "01"), ("张小宝", date(2022, 5, 1), 1, "20")],
        has_hypertension=True,
    )
    builders.make_household(session, village, members=[("李四", date(1980, 3, 1), 1, "01")], address="二组 3 号")
    head = session.get(Household, household.id)
    assert head is not None and head.head is not None and head.head.health_record_no is not None
    found = signing.find_households(session, village.id, head.head.health_record_no[-3:])
    assert [h.id for h in found] == [household.id] and found[0].members == 2
    assert [h.head for h in signing.find_households(session, village.id, "李")] == ["李四"]
    for typed in ("二组 3 号", "二组3号", "二组 3号"):  # the address as typed, spaces or none
        assert [h.head for h in signing.find_households(session, village.id, typed)] == ["李四"], typed
    assert len(signing.find_households(session, village.id)) == 2
    info = signing.household_for_signing(session, household.id)
    head_member, child = info.members
    assert head_member.name == "张三" and KeyPopulation.HYPERTENSION in head_member.key_populations
    assert KeyPopulation.ELDERLY in head_member.key_populations and not head_member.minor
    assert child.guardian_required and child.minor and KeyPopulation.CHILD in child.key_populations
    options = signing.signing_options(session)
    assert any(t.id == team.id and t.doctors[0].id == doctor.id for t in options.teams)
    assert basic.id in {p.id for p in options.packages} and options.default_term_years == 1


def test_sign_in_one_step_with_the_signature(session: Session) -> None:
    village, team, doctor, basic = _scene(session)
    household = builders.make_household(session, village)
    member_ids = [m.id for m in household.members]
    assert household.head_id is not None
    args = dict(
        household_id=household.id,
        member_ids=member_ids,
        representative_id=household.head_id,
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[basic.id],
        term_years=2,
    )
    before = session.scalar(select(func.count(Contract.id)))
    with pytest.raises(RuleError), session.begin_nested():
        signing.sign_household_contract(session, **args, consents=[MemberConsent(member_ids[0])], signature_png=PNG)  # type: ignore[arg-type]
    assert session.scalar(select(func.count(Contract.id))) == before
    with pytest.raises(ValidationError) as refused:
        signing.sign_household_contract(
            session, **args, consents=[MemberConsent(i) for i in member_ids], signature_png=b"drawing"
        )  # type: ignore[arg-type]
    assert refused.value.field == "signature"
    info = signing.sign_household_contract(
        session, **args, consents=[MemberConsent(i) for i in member_ids], signature_png=PNG
    )  # type: ignore[arg-type]
    assert info.status == ContractStatus.ACTIVE and info.start_date == builders.TODAY
    assert info.fee_total_fen == 5500 * 2 * 2
    assert signing.contract_signature(session, info.id) == PNG
    assert signing.household_for_signing(session, household.id).members[0].contract_no == info.contract_no


def test_sign_a_draft_and_renew_with_the_consent_again(session: Session) -> None:
    village, team, doctor, basic = _scene(session)
    household = builders.make_household(
        session, village, members=[("张三", date(1950, 3, 1), 1, "01"), ("张小宝", date(2022, 5, 1), 1, "20")]
    )
    draft = lifecycle.draft_contract(
        session,
        household_id=household.id,
        representative_id=household.head_id,  # type: ignore[arg-type]
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[basic.id],
        start_date=date(2025, 7, 1),
    )
    shown = signing.draft_for_signing(session, draft.id)
    assert set(shown.member_ids) == {m.id for m in household.members} and shown.package_ids == (basic.id,)
    child = next(m for m in household.members if m.id != household.head_id)
    consents = [MemberConsent(household.head_id), MemberConsent(child.id, "guardian", builders.guardian())]  # type: ignore[arg-type]
    signed = signing.sign_draft(session, draft.id, consents=consents, signature_png=PNG)
    assert signed.status == ContractStatus.ACTIVE
    renewed = signing.renew_with_consent_again(session, signed.id)
    assert renewed.start_date == date(2026, 7, 1) and renewed.renewal_of_id == signed.id
    by = {m.resident_id: m for m in renewed.members}
    assert by[child.id].consent_by == ConsentBy.GUARDIAN and by[child.id].guardian is not None
    assert lifecycle.get_contract(session, signed.id).status == ContractStatus.RENEWED
    with pytest.raises(RuleError):
        signing.draft_for_signing(session, signed.id)


def test_a_nurse_reads_but_cannot_sign(store_as: Callable[[Role], Store]) -> None:
    store = store_as(Role.NURSE)
    with store.write() as session:
        village, team, doctor, basic = _scene(session)
        household = builders.make_household(session, village)
        assert signing.find_households(session, village.id)
        assert list_contract_ids(session) == []
        with pytest.raises(PermissionDenied):
            signing.sign_household_contract(
                session,
                household_id=household.id,
                member_ids=[m.id for m in household.members],
                representative_id=household.head_id,  # type: ignore[arg-type]
                team_id=team.id,
                doctor_id=doctor.id,
                package_ids=[basic.id],
                term_years=1,
                consents=[MemberConsent(m.id) for m in household.members],
                signature_png=PNG,
            )
