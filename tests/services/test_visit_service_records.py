"""The generic service record (服务记录): services without a form of their own are recorded,
corrected and voided like any visit, fulfil their planned services, and need physician work
permission or not by the service."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from helpers import builders
from helpers.visit_world import Patient, got, make_patient
from sqlalchemy.orm import Session

from fdclient.domain.codes import PackageKind, PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.domain.roles import Permission, Role
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import Household, Resident, ServicePackage, ServiceRecord, Staff
from fdclient.services.contracts import packages
from fdclient.services.contracts.plan import VISIT_SERVICE_KIND
from fdclient.services.registry import pregnancies
from fdclient.services.visits import recording, records
from fdclient.services.visits.forms import PERMISSION_OF_SERVICE_KIND, ServiceRecordInput
from fdclient.store import Store
from fdclient.text import CHINESE, ENGLISH, set_language


@pytest.fixture
def p(session: Session) -> Patient:
    return make_patient(session)


def record_form(result: recording.RecordedVisit) -> ServiceRecordInput:
    assert isinstance(result.visit.form, ServiceRecordInput)
    return result.visit.form


def test_a_service_record_fulfils_its_planned_service(p: Patient) -> None:
    form = p.service_record(ServiceKind.HEALTH_ASSESSMENT, mode="1", summary="健康评估：一般状况良好", notes="门诊")
    result = recording.record_service(p.session, form)
    assert result.visit.kind is VisitKind.SERVICE and result.advice is None and result.warnings == ()
    assert result.visit.contract_id == p.contract.id
    assert result.fulfilled_service_id == p.service(1, ServiceKind.HEALTH_ASSESSMENT).id
    assert p.service(1, ServiceKind.HEALTH_ASSESSMENT).status == PlannedServiceStatus.DONE
    row = got(p.session.get(ServiceRecord, result.visit.id))
    assert (row.service_kind, row.summary, row.mode) == ("health_assessment", "健康评估：一般状况良好", "1")
    (current,) = records.current_visits(p.session, p.head_id, VisitKind.SERVICE)
    assert current.form == form and isinstance(record_form(result).service_kind, ServiceKind)


def test_each_service_is_fulfilled_in_its_window(p: Patient) -> None:
    # Health education twice a year: one in each half of the contract year.
    first = p.record(p.service_record(ServiceKind.HEALTH_EDUCATION, visit_date=date(2026, 2, 1)))
    assert first.fulfilled_service_id == p.service_on(date(2026, 2, 1), ServiceKind.HEALTH_EDUCATION).id
    again = p.record(p.service_record(ServiceKind.HEALTH_EDUCATION, visit_date=date(2026, 5, 1)))
    assert again.fulfilled_service_id is None
    with builders.on_day(p.session, date(2026, 8, 1)):
        second = p.record(p.service_record(ServiceKind.HEALTH_EDUCATION, visit_date=date(2026, 8, 1)))
    assert second.fulfilled_service_id == p.service_on(date(2026, 8, 1), ServiceKind.HEALTH_EDUCATION).id


def test_a_correction_keeps_or_moves_the_fulfilment(p: Patient) -> None:
    first = recording.record_service(p.session, p.service_record(ServiceKind.HEALTH_ASSESSMENT))
    kept = recording.correct_visit(
        p.session, first.visit.id, dataclasses.replace(record_form(first), summary="补记内容"), "补记"
    )
    assert kept.fulfilled_service_id == first.fulfilled_service_id
    assert p.service(1, ServiceKind.HEALTH_ASSESSMENT).visit_id == kept.visit.id
    # It was health education, not an assessment: the assessment reopens.
    moved = recording.correct_visit(
        p.session,
        kept.visit.id,
        dataclasses.replace(record_form(kept), service_kind=ServiceKind.HEALTH_EDUCATION),
        "服务项目选错",
    )
    assert p.service(1, ServiceKind.HEALTH_ASSESSMENT).status == PlannedServiceStatus.PLANNED
    assert moved.fulfilled_service_id == p.service_on(date(2026, 2, 1), ServiceKind.HEALTH_EDUCATION).id
    recording.void_visit(p.session, moved.visit.id, "录错居民")
    assert p.service_on(date(2026, 2, 1), ServiceKind.HEALTH_EDUCATION).status == PlannedServiceStatus.PLANNED


def test_a_service_record_needs_its_service(p: Patient) -> None:
    with pytest.raises(ValidationError, match="服务项目代码“massage”不存在"):
        p.record(dataclasses.replace(p.service_record(ServiceKind.TCM), service_kind="massage"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="请选择服务项目"):
        p.record(dataclasses.replace(p.service_record(ServiceKind.TCM), service_kind=" "))  # type: ignore[arg-type]


def test_every_service_kind_has_one_way_to_be_recorded() -> None:
    own_form = set(VISIT_SERVICE_KIND.values())
    assert own_form.isdisjoint(PERMISSION_OF_SERVICE_KIND)
    assert own_form | set(PERMISSION_OF_SERVICE_KIND) == set(ServiceKind)
    assert PERMISSION_OF_SERVICE_KIND[ServiceKind.HEALTH_EDUCATION] is Permission.RECORD_SERVICES
    assert PERMISSION_OF_SERVICE_KIND[ServiceKind.TCM] is Permission.RECORD_CLINICAL


def _package_of(session: Session, kind: ServiceKind) -> ServicePackage:
    with builders.as_admin(session):
        info = packages.create_package(
            session,
            code=f"X{uuid.uuid4().hex[:8]}",
            name=kind.label,
            kind=PackageKind.PERSONALISED,
            fee_total_fen=0,
            fee_insurance_fen=0,
            fee_public_health_fen=0,
            fee_resident_fen=0,
            items=[packages.PackageItemInput(kind.label, kind, 1)],
        )
    return got(session.get(ServicePackage, info.id))


#: Who can receive each generic service: (birth date, sex, resident form fields).
_RECIPIENT: dict[ServiceKind, tuple[date, int, dict[str, Any]]] = {
    ServiceKind.CHILD_CHECK: (date(2022, 5, 1), 2, {}),
    ServiceKind.MATERNAL_CHECK: (date(1996, 5, 1), 2, {}),
    ServiceKind.MENTAL_FOLLOWUP: (date(1980, 5, 1), 1, {"has_severe_mental_disorder": True}),
    ServiceKind.TB_FOLLOWUP: (date(1980, 5, 1), 1, {"has_tuberculosis": True}),
}


@pytest.mark.parametrize("kind", list(PERMISSION_OF_SERVICE_KIND), ids=str)
def test_every_generic_service_can_be_fulfilled(session: Session, kind: ServiceKind) -> None:
    doctor = got(session.get(Staff, builders.actor_named(session, "doctor").staff_id))
    village = builders.make_village(session)
    team, _ = builders.make_team(session, doctor=doctor, villages=[village])
    birth, sex, fields = _RECIPIENT.get(kind, (date(1970, 5, 1), 1, {}))
    household: Household = builders.make_household(
        session, village, members=[("赵敏", birth, sex, "01")], address="罗家村三组 1 号", **fields
    )
    resident_id = got(household.head_id)
    if kind is ServiceKind.MATERNAL_CHECK:
        pregnancies.add_pregnancy(session, resident_id, last_menstrual_period=date(2025, 12, 1))
    contract = builders.make_signed_contract(session, household, team, doctor, [_package_of(session, kind)])
    result = recording.record_service(
        session,
        ServiceRecordInput(
            resident_id=resident_id, visit_date=date(2026, 3, 1), doctor_id=doctor.id, service_kind=kind
        ),
    )
    assert result.fulfilled_service_id is not None and result.visit.contract_id == contract.id


# --- who may --------------------------------------------------------------------------------


@pytest.fixture
def nurse(store_as: Callable[[Role], Store]) -> Iterator[tuple[Session, Resident, uuid.UUID]]:
    """A nurse's unit of work, a resident, and a health assessment a doctor recorded."""
    store = store_as(Role.NURSE)
    with store.write() as s:
        village = builders.make_village(s)
        resident = builders.make_resident(s, village, birth_date=date(1950, 3, 1))
        doctor = builders.actor_named(s, "doctor")
        with builders.acting_as(s, doctor):
            assessment = recording.record_service(
                s,
                ServiceRecordInput(
                    resident_id=resident.id,
                    visit_date=date(2026, 2, 1),
                    doctor_id=doctor.staff_id,
                    service_kind=ServiceKind.HEALTH_ASSESSMENT,
                ),
            )
        yield s, resident, assessment.visit.id


def test_a_nurse_records_services_that_need_no_physician(nurse: tuple[Session, Resident, uuid.UUID]) -> None:
    s, resident, assessment_id = nurse
    actor = builders.actor_named(s, "nurse")

    def form(kind: ServiceKind) -> ServiceRecordInput:
        return ServiceRecordInput(
            resident_id=resident.id, visit_date=date(2026, 3, 1), doctor_id=actor.staff_id, service_kind=kind
        )

    education = recording.record_service(s, form(ServiceKind.HEALTH_EDUCATION)).visit
    recording.record_service(s, form(ServiceKind.CONSULTATION))
    corrected = recording.correct_visit(s, education.id, dataclasses.replace(education.form, notes="补记"), "补记")
    for kind in (ServiceKind.HEALTH_ASSESSMENT, ServiceKind.TCM, ServiceKind.LONG_PRESCRIPTION):
        with pytest.raises(PermissionDenied, match="记录随访、体检和转诊"):
            recording.record_service(s, form(kind))
    # Nor may she turn education into an assessment, or touch the doctor's assessment.
    with pytest.raises(PermissionDenied):
        recording.correct_visit(
            s,
            corrected.visit.id,
            dataclasses.replace(record_form(corrected), service_kind=ServiceKind.HEALTH_ASSESSMENT),
            "改",
        )
    with pytest.raises(PermissionDenied):
        recording.void_visit(s, assessment_id, "录错")
    assert recording.void_visit(s, corrected.visit.id, "录错居民").voided


def test_the_administrator_records_no_service(p: Patient) -> None:
    with builders.as_admin(p.session), pytest.raises(PermissionDenied, match="记录上门服务和满意度调查"):
        recording.record_service(p.session, p.service_record(ServiceKind.HEALTH_EDUCATION))


def test_messages_read_in_english(p: Patient) -> None:
    set_language(ENGLISH)
    try:
        with pytest.raises(RuleError) as refused:
            p.record(p.service_record(ServiceKind.ELDERLY_CHECK))
        assert refused.value.message == (
            "The elderly health check has a form of its own: record it as an elderly health check, not as a service "
            "record."
        )
        with pytest.raises(ValidationError) as invalid:
            p.record(dataclasses.replace(p.service_record(ServiceKind.TCM), service_kind=" "))  # type: ignore[arg-type]
        assert invalid.value.message == "Choose the service."
    finally:
        set_language(CHINESE)
