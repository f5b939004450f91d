"""Planned services: the schedules of DOMAIN.md §5 (follow-ups by quarter, one elderly check a
year, other items evenly), counts per member and package, target populations and the
populations of the services themselves, which planned service a visit fulfils (its own
contract's only), and closing open services with a date."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from helpers import builders
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.domain.time import add_months, add_years
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import Household, PlannedService, ServicePackage
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import packages, renewal
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.consent import MemberConsent
from fdclient.services.contracts.plan import (
    VISIT_SERVICE_KIND,
    contract_end,
    month_windows,
    service_windows,
    windows,
)

D = date


def test_windows_are_back_to_back_and_cover_the_year() -> None:
    got = windows(date(2026, 3, 1), date(2027, 2, 28), 4)
    assert got[0] == (date(2026, 3, 1), date(2026, 5, 30))
    assert got[-1][1] == date(2027, 2, 28)
    for (_, end), (start, _) in zip(got, got[1:], strict=False):
        assert start == end + timedelta(days=1)
    lengths = [(end - start).days + 1 for start, end in got]
    assert sum(lengths) == 365 and max(lengths) - min(lengths) <= 1


@pytest.mark.parametrize("times", [1, 2, 3, 12, 52])
def test_any_frequency_splits_the_year_evenly(times: int) -> None:
    got = windows(date(2028, 1, 1), date(2028, 12, 31), times)
    assert len(got) == times and got[0][0] == date(2028, 1, 1) and got[-1][1] == date(2028, 12, 31)
    lengths = [(end - start).days + 1 for start, end in got]
    assert sum(lengths) == 366 and max(lengths) - min(lengths) <= 1


def test_follow_ups_are_planned_one_per_quarter_of_the_contract_year() -> None:
    """4 a year from 1 March: the quarters (before: 91-day windows, 1 Mar-30 May, ...)."""
    quarters = [(D(2026, 3, 1), D(2026, 5, 31)), (D(2026, 6, 1), D(2026, 8, 31))]
    quarters += [(D(2026, 9, 1), D(2026, 11, 30)), (D(2026, 12, 1), D(2027, 2, 28))]
    for kind in (ServiceKind.HYPERTENSION_FOLLOWUP, ServiceKind.DIABETES_FOLLOWUP, ServiceKind.MENTAL_FOLLOWUP):
        assert service_windows(kind, D(2026, 3, 1), D(2027, 2, 28), 4) == quarters
    two_a_quarter = month_windows(D(2026, 1, 1), D(2026, 12, 31), 8)
    assert [start.month for start, _ in two_a_quarter] == [1, 2, 4, 5, 7, 8, 10, 11]
    assert [end for _, end in month_windows(D(2026, 1, 1), D(2026, 12, 31), 12)][:3] == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
    ]
    assert month_windows(D(2026, 1, 1), D(2026, 12, 31), 24) == windows(D(2026, 1, 1), D(2026, 12, 31), 24)


def test_one_elderly_check_a_year_and_other_items_evenly() -> None:
    year = (D(2026, 3, 1), D(2027, 2, 28))
    assert service_windows(ServiceKind.ELDERLY_CHECK, *year, 2) == [year]
    assert service_windows(ServiceKind.HEALTH_EDUCATION, *year, 2) == windows(*year, 2)


def test_months_roll_over_to_the_next_month_like_years() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 3, 1) and add_months(D(2026, 1, 31), 2) == D(2026, 3, 31)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15) and add_months(D(2024, 2, 29), 12) == D(2025, 3, 1)
    assert month_windows(D(2026, 1, 31), D(2027, 1, 30), 4)[0] == (D(2026, 1, 31), D(2026, 4, 30))


def test_contract_end_is_start_plus_term_minus_one_day() -> None:
    assert contract_end(date(2026, 3, 1), 1) == date(2027, 2, 28)
    assert contract_end(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert contract_end(date(2026, 1, 1), 3) == date(2028, 12, 31)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def _world(
    session: Session, *, hypertensive_head: bool = True, term_years: int = 1, start: date = date(2026, 1, 1)
) -> tuple[Household, contracts.ContractInfo]:
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    household = builders.make_household(session, village, has_hypertension=hypertensive_head)
    basic = builders.make_basic_package(session)
    htn = builders.make_hypertension_package(session)
    chosen = [basic, htn] if hypertensive_head else [basic]
    contract = builders.make_signed_contract(
        session, household, team, doctor, chosen, term_years=term_years, start_date=start
    )
    return household, contract


def _plan(session: Session, contract_id: uuid.UUID) -> list[PlannedService]:
    return list(session.scalars(select(PlannedService).where(PlannedService.contract_id == contract_id)))


def test_counts_per_member_package_and_year(session: Session) -> None:
    household, contract = _world(session, term_years=2)
    rows = _plan(session, contract.id)
    by_member = Counter(row.resident_id for row in rows)
    # Basic package: 1 + 2 a year for both; hypertension package: 4 + 1 a year for the head only.
    spouse = next(m.id for m in household.members if m.id != household.head_id)
    assert by_member == {household.head_id: (3 + 5) * 2, spouse: 3 * 2}
    head_followups = sorted(
        (r.window_start, r.sequence)
        for r in rows
        if r.resident_id == household.head_id and r.service_kind == ServiceKind.HYPERTENSION_FOLLOWUP
    )
    assert [s for _, s in head_followups] == [1, 2, 3, 4, 1, 2, 3, 4]
    assert head_followups[4][0] == date(2027, 1, 1)
    assert all(r.status == PlannedServiceStatus.PLANNED and r.window_end <= contract.end_date for r in rows)


def test_a_population_package_follows_membership_per_contract_year(session: Session) -> None:
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    with builders.as_admin(session):
        elderly = packages.create_package(
            session,
            code="LN",
            name="老年人服务包",
            kind="personalised",
            target_population="elderly",
            fee_total_fen=0,
            fee_insurance_fen=0,
            fee_public_health_fen=0,
            fee_resident_fen=0,
            items=[packages.PackageItemInput("老年人健康体检", ServiceKind.ELDERLY_CHECK, 1)],
        )
    package_rows = [builders.make_basic_package(session), session.get(ServicePackage, elderly.id)]
    # He turns 65 on 1 July 2026: elderly from the second contract year (from 1 Jan 2027).
    household = builders.make_household(session, village, members=[("张三", date(1961, 7, 1), 1, "01")])
    with pytest.raises(RuleError, match="65岁及以上老年人"):
        builders.make_signed_contract(session, household, team, doctor, package_rows, start_date=date(2026, 1, 1))
    contract = builders.make_signed_contract(
        session, household, team, doctor, package_rows, start_date=date(2026, 1, 1), term_years=2
    )
    checks = [r for r in _plan(session, contract.id) if r.service_kind == ServiceKind.ELDERLY_CHECK]
    assert [(r.window_start, r.window_end) for r in checks] == [(date(2027, 1, 1), date(2027, 12, 31))]


def test_services_are_planned_only_for_members_who_can_receive_them(session: Session) -> None:
    """A package for everyone with follow-ups and the elderly check plans them only for the
    members with the diagnosis and of 65 or more (before: for everyone, never fulfillable)."""
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    with builders.as_admin(session):
        info = packages.create_package(
            session,
            code="JC-ALL",
            name="全家服务包",
            kind="basic",
            fee_total_fen=0,
            fee_insurance_fen=0,
            fee_public_health_fen=0,
            fee_resident_fen=0,
            items=[
                packages.PackageItemInput("高血压随访", ServiceKind.HYPERTENSION_FOLLOWUP, 4),
                packages.PackageItemInput("老年人健康体检", ServiceKind.ELDERLY_CHECK, 1),
                packages.PackageItemInput("健康评估", ServiceKind.HEALTH_ASSESSMENT, 1),
            ],
        )
        with pytest.raises(ValidationError, match="每年只做一次"):
            packages.create_package(
                session,
                code="LN-2",
                name="老年人体检两次",
                kind="basic",
                fee_total_fen=0,
                fee_insurance_fen=0,
                fee_public_health_fen=0,
                fee_resident_fen=0,
                items=[packages.PackageItemInput("老年人健康体检", ServiceKind.ELDERLY_CHECK, 2)],
            )
    package = session.get(ServicePackage, info.id)
    assert package is not None
    household = builders.make_household(
        session,
        village,
        members=[("张三", date(1950, 3, 1), 1, "01"), ("李梅", date(1980, 8, 9), 2, "10")],
        has_hypertension=True,
    )
    contract = builders.make_signed_contract(session, household, team, doctor, [package])
    kinds = Counter((r.resident_id == household.head_id, r.service_kind) for r in _plan(session, contract.id))
    assert kinds == {
        (True, ServiceKind.HYPERTENSION_FOLLOWUP): 4,
        (True, ServiceKind.ELDERLY_CHECK): 1,
        (True, ServiceKind.HEALTH_ASSESSMENT): 1,
        (False, ServiceKind.HEALTH_ASSESSMENT): 1,
    }
    # A patient who turns 35 on 1 July gets the follow-ups of the quarters from then; one who
    # turns 65 that day gets the year's elderly check from then.
    young = builders.make_resident(session, village, name="王强", birth_date=date(1991, 7, 1), has_hypertension=True)
    turning = builders.make_resident(session, village, name="赵老", birth_date=date(1961, 7, 1))
    for resident in (young, turning):
        draft = contracts.draft_contract(
            session,
            scope="individual",
            member_ids=[resident.id],
            representative_id=resident.id,
            team_id=team.id,
            doctor_id=doctor.id,
            package_ids=[package.id],
            start_date=date(2026, 1, 1),
        )
        contracts.sign_contract(
            session,
            draft.id,
            consents=[MemberConsent(resident.id)],
            signed_at=builders.signed_at(date(2026, 1, 1)),
            channel="clinic",
        )
    windows_of = {
        (r.resident_id, r.service_kind, r.sequence): (r.window_start, r.window_end)
        for r in session.scalars(select(PlannedService).where(PlannedService.resident_id.in_([young.id, turning.id])))
    }
    assert windows_of == {
        (young.id, ServiceKind.HEALTH_ASSESSMENT, 1): (date(2026, 1, 1), date(2026, 12, 31)),
        (young.id, ServiceKind.HYPERTENSION_FOLLOWUP, 3): (date(2026, 7, 1), date(2026, 9, 30)),
        (young.id, ServiceKind.HYPERTENSION_FOLLOWUP, 4): (date(2026, 10, 1), date(2026, 12, 31)),
        (turning.id, ServiceKind.HEALTH_ASSESSMENT, 1): (date(2026, 1, 1), date(2026, 12, 31)),
        (turning.id, ServiceKind.ELDERLY_CHECK, 1): (date(2026, 7, 1), date(2026, 12, 31)),
    }


def test_no_population_package_services_for_members_outside_it(session: Session) -> None:
    household, contract = _world(session)
    spouse_rows = [r for r in _plan(session, contract.id) if r.resident_id != household.head_id]
    assert {r.service_kind for r in spouse_rows} == {"health_assessment", "health_education"}


def test_a_visit_fulfils_the_window_it_falls_in_else_the_earliest_overdue(session: Session) -> None:
    household, contract = _world(session)
    head = household.head_id
    followup = VISIT_SERVICE_KIND[VisitKind.HYPERTENSION]

    def find(kind: ServiceKind, on: date) -> PlannedService | None:
        return service_plan.find_open_service(session, head, kind, on, contract_id=contract.id)

    in_window_two = find(followup, date(2026, 5, 10))
    assert in_window_two is not None
    assert (in_window_two.sequence, in_window_two.window_start) == (2, date(2026, 4, 1))
    in_window_two.status, in_window_two.fulfilled_on = PlannedServiceStatus.DONE, date(2026, 5, 10)
    overdue = find(followup, date(2026, 5, 20))
    assert overdue is not None and overdue.sequence == 1 and overdue.window_end < date(2026, 5, 20)
    assert find(ServiceKind.DIABETES_FOLLOWUP, date(2026, 5, 20)) is None
    assert find(followup, date(2025, 12, 1)) is None


def test_a_visit_fulfils_only_its_own_contracts_services(session: Session) -> None:
    household, contract = _world(session)
    head, followup = household.head_id, ServiceKind.HYPERTENSION_FOLLOWUP
    assert service_plan.find_open_service(session, head, followup, date(2026, 5, 10), contract_id=None) is None
    with builders.on_day(session, date(2026, 12, 1)):  # renewed early: two contracts with open follow-ups
        new = renewal.renew_contract(
            session,
            contract.id,
            consents=[MemberConsent(m.resident_id) for m in contract.members],
            signed_at=builders.signed_at(date(2026, 12, 1)),
        )
    old_q4 = service_plan.find_open_service(session, head, followup, date(2026, 12, 20), contract_id=contract.id)
    assert old_q4 is not None and old_q4.contract_id == contract.id
    # The new contract's first follow-up is not due yet; the old one's is not the new one's.
    assert service_plan.find_open_service(session, head, followup, date(2026, 12, 20), contract_id=new.id) is None
    assert service_plan.covering_contract(session, head, date(2026, 12, 20)) == contract.id
    assert service_plan.covering_contract(session, head, date(2027, 1, 1)) == new.id
    assert service_plan.covering_contract(session, head, date(2025, 12, 31)) is None


def test_close_open_services_with_the_date(session: Session) -> None:
    household, contract = _world(session)
    head = household.head_id
    closed = service_plan.close_open_services(session, contract.id, date(2026, 6, 30), resident_id=head)
    rows = [r for r in _plan(session, contract.id) if r.resident_id == head]
    assert closed == len(rows) > 0
    assert {(r.status, r.closed_on) for r in rows} == {(PlannedServiceStatus.CANCELLED, date(2026, 6, 30))}
    others = [r for r in _plan(session, contract.id) if r.resident_id != head]
    assert {(r.status, r.closed_on) for r in others} == {(PlannedServiceStatus.PLANNED, None)}
    # A visit on or before the closing day still finds the service open then, not after.
    followup = ServiceKind.HYPERTENSION_FOLLOWUP
    found = service_plan.find_open_service(session, head, followup, date(2026, 6, 30), contract_id=contract.id)
    assert found is not None and found.sequence == 2
    assert service_plan.find_open_service(session, head, followup, date(2026, 7, 1), contract_id=contract.id) is None


def test_a_service_reopened_after_coverage_ended_is_closed_again(session: Session) -> None:
    household, contract = _world(session)
    head = household.head_id
    service = service_plan.find_open_service(
        session, head, ServiceKind.HYPERTENSION_FOLLOWUP, date(2026, 2, 1), contract_id=contract.id
    )
    assert service is not None
    service.status, service.fulfilled_on = PlannedServiceStatus.DONE, date(2026, 2, 1)
    contracts.terminate_contract(session, contract.id, reason="voluntary", on_date=date(2026, 5, 1))
    service_plan.reopen(service)  # its visit was voided after the termination
    assert (service.status, service.fulfilled_on, service.closed_on) == (
        PlannedServiceStatus.CANCELLED,
        None,
        date(2026, 5, 1),
    )


def test_planned_services_of_a_contract_or_a_resident_by_window(session: Session) -> None:
    household, contract = _world(session)
    of_contract = service_plan.planned_services(session, contract_id=contract.id)
    of_head = service_plan.planned_services(session, resident_id=household.head_id)
    assert len(of_contract) == len(_plan(session, contract.id)) == 3 * 2 + 5
    assert {p.id for p in of_head} < {p.id for p in of_contract}
    assert {p.resident_id for p in of_head} == {household.head_id}
    assert [p.window_start for p in of_head] == sorted(p.window_start for p in of_head)
    assert all(isinstance(p.service_kind, ServiceKind) and p.status == PlannedServiceStatus.PLANNED for p in of_head)
    with builders.as_admin(session), pytest.raises(PermissionDenied, match="查看居民档案"):
        service_plan.planned_services(session, contract_id=contract.id)
