"""A visit belongs to the contract covering the resident on the visit date and fulfils that
contract's planned services only, never another contract's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from helpers import builders
from helpers.visit_world import got
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractStatus, PlannedServiceStatus, ServiceKind
from fdclient.models import Contract, PlannedService, Staff
from fdclient.services.contracts import renewal
from fdclient.services.visits import recording
from fdclient.services.visits.forms import HypertensionFollowupInput


@dataclass
class Renewed:
    session: Session
    doctor: Staff
    resident_id: uuid.UUID
    old_id: uuid.UUID
    new_id: uuid.UUID

    def record(self, day: date) -> recording.RecordedVisit:
        form = HypertensionFollowupInput(
            resident_id=self.resident_id, visit_date=day, doctor_id=self.doctor.id, systolic=130, diastolic=80
        )
        return recording.record_hypertension_followup(self.session, form)

    def service_on(self, contract_id: uuid.UUID, day: date) -> PlannedService:
        return self.session.scalars(
            select(PlannedService).where(
                PlannedService.contract_id == contract_id,
                PlannedService.service_kind == ServiceKind.HYPERTENSION_FOLLOWUP,
                PlannedService.window_start <= day,
                PlannedService.window_end >= day,
            )
        ).one()


@pytest.fixture
def renewed(session: Session) -> Renewed:
    """A hypertension patient whose contract of 2025 renewed itself into one of 2026."""
    doctor = got(session.get(Staff, builders.actor_named(session, "doctor").staff_id))
    village = builders.make_village(session)
    team, _ = builders.make_team(session, doctor=doctor, villages=[village])
    household = builders.make_household(
        session, village, members=[("张三", date(1950, 3, 1), 1, "01")], has_hypertension=True
    )
    old = builders.make_signed_contract(
        session,
        household,
        team,
        doctor,
        [builders.make_hypertension_package(session)],
        start_date=date(2025, 1, 1),
        auto_renew=True,
    )
    renewal.expire_due_contracts(session)
    new_id = session.scalars(select(Contract.id).where(Contract.renewal_of_id == old.id)).one()
    assert got(session.get(Contract, old.id)).status == ContractStatus.RENEWED
    return Renewed(session, doctor, got(household.head_id), old.id, new_id)


def test_a_visit_never_fulfils_another_contracts_service(renewed: Renewed) -> None:
    r = renewed
    # The old contract still has an open follow-up (say it was left open by an older program).
    template = r.service_on(r.old_id, date(2025, 11, 1))
    left_open = PlannedService(
        contract_id=r.old_id,
        resident_id=r.resident_id,
        package_item_id=template.package_item_id,
        service_kind=ServiceKind.HYPERTENSION_FOLLOWUP,
        sequence=9,
        window_start=date(2025, 10, 1),
        window_end=date(2025, 12, 31),
    )
    r.session.add(left_open)
    r.session.flush()
    first = r.record(date(2026, 2, 1))
    assert first.visit.contract_id == r.new_id
    assert first.fulfilled_service_id == r.service_on(r.new_id, date(2026, 2, 1)).id
    # The new contract has nothing more open now: the old contract's overdue one stays open.
    second = r.record(date(2026, 2, 10))
    assert second.fulfilled_service_id is None and second.visit.contract_id == r.new_id
    assert left_open.status == PlannedServiceStatus.PLANNED and left_open.visit_id is None


def test_a_late_visit_belongs_to_the_contract_of_its_day(renewed: Renewed) -> None:
    r = renewed
    # Entered in 2026, done in August 2025: last year's contract, whose follow-up of that
    # quarter was closed at its end (after the visit, so it was open then).
    late = r.record(date(2025, 8, 1))
    assert late.visit.contract_id == r.old_id
    service = r.service_on(r.old_id, date(2025, 8, 1))
    assert late.fulfilled_service_id == service.id
    assert (service.status, service.fulfilled_on, service.closed_on) == (
        PlannedServiceStatus.DONE,
        date(2025, 8, 1),
        None,
    )
    # The new contract's services are untouched.
    assert r.service_on(r.new_id, date(2026, 2, 1)).status == PlannedServiceStatus.PLANNED
