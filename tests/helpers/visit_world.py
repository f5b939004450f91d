"""A patient to record visits for (``from helpers.visit_world import Patient, make_patient``).

:func:`make_patient` builds, in a write unit of work signed in as the scene's doctor, a
hypertensive and diabetic man born in 1950 (张三, head of a household) with a contract from
1 Jan 2026 with the doctor's team: the hypertension package (4 follow-ups and a home visit a
year), a diabetes package (4 follow-ups) and the basic package (a health assessment and two
health education sessions).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import PackageKind, ServiceKind
from fdclient.domain.key_populations import KeyPopulation
from fdclient.models import PlannedService, Resident, ServicePackage, Staff, Village
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import packages
from fdclient.services.visits import recording
from fdclient.services.visits.forms import DiabetesFollowupInput, HypertensionFollowupInput, ServiceRecordInput
from helpers import builders

T = TypeVar("T")


def got(value: T | None) -> T:
    """``value``, which the test expects to be there."""
    assert value is not None
    return value


@dataclass
class Patient:
    session: Session
    #: The signed-in doctor (the scene's account), who leads the team and records the visits.
    doctor: Staff
    head_id: uuid.UUID
    contract: contracts.ContractInfo

    @property
    def village(self) -> Village:
        return got(self.session.get(Village, got(self.session.get(Resident, self.head_id)).village_id))

    def _base(self, fields: dict[str, Any]) -> dict[str, Any]:
        base: dict[str, Any] = dict(resident_id=self.head_id, visit_date=date(2026, 2, 1), doctor_id=self.doctor.id)
        return {**base, **fields}

    def htn(self, **fields: Any) -> HypertensionFollowupInput:
        return HypertensionFollowupInput(**self._base(fields))

    def dm(self, **fields: Any) -> DiabetesFollowupInput:
        return DiabetesFollowupInput(**self._base(fields))

    def service_record(self, kind: ServiceKind, **fields: Any) -> ServiceRecordInput:
        return ServiceRecordInput(service_kind=kind, **self._base(fields))

    def record(self, form: Any, **options: Any) -> recording.RecordedVisit:
        return recording.record_visit(self.session, form, **options)

    def service(self, sequence: int, kind: ServiceKind = ServiceKind.HYPERTENSION_FOLLOWUP) -> PlannedService:
        """The patient's planned service ``sequence`` of ``kind`` in the contract's first year."""
        return self.session.scalars(
            select(PlannedService).where(
                PlannedService.contract_id == self.contract.id,
                PlannedService.resident_id == self.head_id,
                PlannedService.service_kind == kind,
                PlannedService.sequence == sequence,
            )
        ).one()

    def service_on(self, day: date, kind: ServiceKind = ServiceKind.HYPERTENSION_FOLLOWUP) -> PlannedService:
        """The patient's planned service of ``kind`` whose window contains ``day``."""
        return self.session.scalars(
            select(PlannedService).where(
                PlannedService.resident_id == self.head_id,
                PlannedService.service_kind == kind,
                PlannedService.window_start <= day,
                PlannedService.window_end >= day,
            )
        ).one()


def make_diabetes_package(s: Session) -> ServicePackage:
    with builders.as_admin(s):
        info = packages.create_package(
            s,
            code=f"TNB{uuid.uuid4().hex[:6]}",
            name="糖尿病服务包",
            kind=PackageKind.PERSONALISED,
            target_population=KeyPopulation.DIABETES,
            fee_total_fen=0,
            fee_insurance_fen=0,
            fee_public_health_fen=0,
            fee_resident_fen=0,
            items=[packages.PackageItemInput("糖尿病随访", ServiceKind.DIABETES_FOLLOWUP, 4)],
        )
    return got(s.get(ServicePackage, info.id))


def make_patient(s: Session) -> Patient:
    actor = builders.actor_named(s, "doctor")
    doctor = got(s.get(Staff, actor.staff_id))
    village = builders.make_village(s)
    team, _ = builders.make_team(s, doctor=doctor, villages=[village])
    household = builders.make_household(
        s, village, members=[("张三", date(1950, 3, 1), 1, "01")], has_hypertension=True, has_diabetes=True
    )
    contract = builders.make_signed_contract(
        s,
        household,
        team,
        doctor,
        [builders.make_hypertension_package(s), make_diabetes_package(s), builders.make_basic_package(s)],
    )
    return Patient(s, doctor, got(household.head_id), contract)
