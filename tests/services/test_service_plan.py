"""Planned services: windows across the contract year, counts per member and package, target
populations, and which planned service a visit fulfils."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from helpers import builders
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.errors import PermissionDenied, RuleError
from fdclient.models import Household, PlannedService, ServicePackage
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import packages
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.plan import VISIT_SERVICE_KIND, add_years, contract_end, windows


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


def test_no_population_package_services_for_members_outside_it(session: Session) -> None:
    household, contract = _world(session)
    spouse_rows = [r for r in _plan(session, contract.id) if r.resident_id != household.head_id]
    assert {r.service_kind for r in spouse_rows} == {"health_assessment", "health_education"}


def test_a_visit_fulfils_the_window_it_falls_in_else_the_earliest_overdue(session: Session) -> None:
    household, contract = _world(session)
    head = household.head_id
    followup = VISIT_SERVICE_KIND[VisitKind.HYPERTENSION]
    in_window_two = service_plan.find_open_service(session, head, followup, date(2026, 5, 10))
    assert in_window_two is not None
    assert (in_window_two.sequence, in_window_two.window_start) == (2, date(2026, 4, 2))
    in_window_two.status, in_window_two.fulfilled_on = PlannedServiceStatus.DONE, date(2026, 5, 10)
    overdue = service_plan.find_open_service(session, head, followup, date(2026, 5, 20))
    assert overdue is not None and overdue.sequence == 1 and overdue.window_end < date(2026, 5, 20)
    assert service_plan.find_open_service(session, head, ServiceKind.DIABETES_FOLLOWUP, date(2026, 5, 20)) is None
    assert service_plan.find_open_service(session, head, followup, date(2025, 12, 1)) is None


def test_cancel_planned_after_a_date(session: Session) -> None:
    household, contract = _world(session)
    cancelled = service_plan.cancel_planned(session, contract.id, date(2026, 6, 30), resident_id=household.head_id)
    rows = [r for r in _plan(session, contract.id) if r.resident_id == household.head_id]
    assert cancelled == sum(1 for r in rows if r.window_start > date(2026, 6, 30)) > 0
    assert all((r.status == PlannedServiceStatus.CANCELLED) == (r.window_start > date(2026, 6, 30)) for r in rows)
    others = [r for r in _plan(session, contract.id) if r.resident_id != household.head_id]
    assert {r.status for r in others} == {PlannedServiceStatus.PLANNED}


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
