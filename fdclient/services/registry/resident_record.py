"""Everything a resident's record shows, read in one unit of work: the personal information
form (个人基本信息表) with its codes resolved, the contracts covering the resident, the
timeline of visits and services (current revisions only), the planned services of the
contracts in force with what is due, and the blood pressure and fasting glucose readings
over time with the control targets that apply (:mod:`fdclient.domain.control_targets`).

The GUI's record view gets one frozen :class:`ResidentRecord`; its labels for the fields of
the form are the GUI's (keyed by :attr:`RecordField.key`), the values here are the national
code tables' Chinese labels. Reading needs ``VIEW_RECORDS``.

It is read with a handful of queries whatever the number of visits (one polymorphic query
for the visits, one for the staff names …), so a resident with ten years of follow-ups
opens as fast as a new one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, with_polymorphic

from fdclient.domain import codes
from fdclient.domain.codes import ContractScope, ContractStatus, PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.domain.control_targets import (
    BP_TARGETS,
    DEFAULT_GLUCOSE_TARGET,
    GLUCOSE_TARGETS,
    BpBand,
)
from fdclient.domain.key_populations import KeyPopulation, age_on
from fdclient.domain.roles import Permission
from fdclient.models import (
    Contract,
    ContractMember,
    ContractPackage,
    Diagnosis,
    HistoryEvent,
    Household,
    PlannedService,
    ServicePackage,
    Staff,
    Team,
    Village,
    Visit,
)
from fdclient.services.registry.residents import ResidentInfo, get_resident_row, resident_info
from fdclient.services.visits.records import current_only
from fdclient.settings import BP_TARGET, get_setting
from fdclient.store.context import require, today

__all__ = [
    "ContractLine",
    "Due",
    "PlannedLine",
    "RecordField",
    "ResidentRecord",
    "Targets",
    "TimelineEntry",
    "VitalsPoint",
    "load_resident_record",
]


@dataclass(frozen=True)
class RecordField:
    """One line of the personal information form: ``key`` names the field (the GUI has its
    label), ``value`` is what to show ("" when not filled in)."""

    key: str
    value: str


@dataclass(frozen=True)
class ContractLine:
    id: uuid.UUID
    contract_no: str
    status: ContractStatus
    scope: ContractScope
    start_date: date
    end_date: date
    team_name: str
    doctor_name: str
    package_names: tuple[str, ...]
    #: Whether the resident is covered now (a member may leave a contract that goes on).
    member_active: bool
    member_ended_on: date | None


@dataclass(frozen=True)
class TimelineEntry:
    """A visit or service in its current revision."""

    visit_id: uuid.UUID
    record_id: uuid.UUID
    visit_date: date
    kind: VisitKind
    #: For a generic service record: which service.
    service_kind: ServiceKind | None
    #: 门诊 / 家庭 / 电话.
    mode_label: str
    doctor_name: str
    revision: int
    systolic: int | None
    diastolic: int | None
    fasting_glucose: float | None
    #: The follow-up's classification (控制满意 …), when there is one.
    classification_label: str | None
    next_visit_date: date | None
    #: What was done (a service's summary) or the notes.
    summary: str | None

    @property
    def title(self) -> str:
        """The kind of record in Chinese (the code table's label)."""
        return self.service_kind.label if self.service_kind is not None else self.kind.label


class Due(StrEnum):
    """Where a planned service stands today."""

    DONE = "done"
    OVERDUE = "overdue"
    #: Its window is open today.
    DUE = "due"
    UPCOMING = "upcoming"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PlannedLine:
    id: uuid.UUID
    contract_id: uuid.UUID
    service_kind: ServiceKind
    sequence: int
    window_start: date
    window_end: date
    status: PlannedServiceStatus
    fulfilled_on: date | None
    due: Due


@dataclass(frozen=True)
class VitalsPoint:
    """Readings of one visit, for the chart (any may be missing)."""

    day: date
    systolic: int | None
    diastolic: int | None
    fasting_glucose: float | None


@dataclass(frozen=True)
class Targets:
    """The control targets for this resident (the township's blood-pressure target for
    their age; the fasting glucose target of the specification)."""

    bp_target_key: str
    systolic_below: int
    diastolic_below: int
    fasting_glucose_below: float


@dataclass(frozen=True)
class ResidentRecord:
    info: ResidentInfo
    age: int
    village_name: str
    household_address: str | None
    #: The personal information form in the order of the paper form.
    personal: tuple[RecordField, ...]
    contracts: tuple[ContractLine, ...]
    #: Newest first.
    timeline: tuple[TimelineEntry, ...]
    #: The services of the contracts in force, by window.
    planned: tuple[PlannedLine, ...]
    #: Oldest first; only visits with a blood pressure or a fasting glucose.
    vitals: tuple[VitalsPoint, ...]
    targets: Targets
    today: date

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def due_now(self) -> tuple[PlannedLine, ...]:
        """Planned services overdue or due today."""
        return tuple(p for p in self.planned if p.due in (Due.OVERDUE, Due.DUE))


def _label(table: Mapping[str, str], code: str | None) -> str:
    return table.get(code, code) if code else ""


def _labels(table: Mapping[str, str], chosen: Iterable[str], other: str | None = None) -> str:
    names = [table.get(code, code) for code in chosen]
    if other:
        names.append(other)
    return "、".join(names)


def _diagnoses(session: Session, resident_id: uuid.UUID) -> str:
    rows = session.scalars(
        select(Diagnosis)
        .where(Diagnosis.resident_id == resident_id, Diagnosis.voided_at.is_(None))
        .order_by(Diagnosis.diagnosed_on)
    )
    parts = []
    for d in rows:
        name = codes.PAST_DISEASE.get(d.disease, d.disease)
        if d.detail:
            name += f"（{d.detail}）"
        parts.append(f"{name} {d.diagnosed_on.isoformat()}" if d.diagnosed_on else name)
    return "；".join(parts)


def _events(session: Session, resident_id: uuid.UUID) -> str:
    """“手术：阑尾切除术 1990-06-01；输血：…”: surgery, trauma and transfusion, oldest first."""
    rows = session.scalars(
        select(HistoryEvent)
        .where(HistoryEvent.resident_id == resident_id, HistoryEvent.voided_at.is_(None))
        .order_by(HistoryEvent.occurred_on)
    )
    parts = []
    for e in rows:
        kind = codes.HISTORY_EVENT_KIND.get(e.kind, e.kind)
        text = f"{kind}：{e.description}"
        parts.append(f"{text} {e.occurred_on.isoformat()}" if e.occurred_on else text)
    return "；".join(parts)


def _staff_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(wanted))).tuples().all())


def _due(p: PlannedService, on: date) -> Due:
    if p.status == PlannedServiceStatus.DONE:
        return Due.DONE
    if p.status == PlannedServiceStatus.CANCELLED:
        return Due.CANCELLED
    if p.window_end < on:
        return Due.OVERDUE
    if p.window_start <= on:
        return Due.DUE
    return Due.UPCOMING


def load_resident_record(session: Session, resident_id: uuid.UUID) -> ResidentRecord:
    """The whole record of one resident (voided or not), for the record view."""
    require(session, Permission.VIEW_RECORDS)
    on = today(session)
    r = get_resident_row(session, resident_id)
    info = resident_info(r, on=on)
    village = session.get(Village, r.village_id)
    household = session.get(Household, r.household_id) if r.household_id else None

    # --- contracts --------------------------------------------------------------------------
    contract_rows = session.execute(
        select(Contract, ContractMember.is_active, ContractMember.ended_on)
        .join(ContractMember, ContractMember.contract_id == Contract.id)
        .where(ContractMember.resident_id == resident_id, Contract.voided_at.is_(None))
        .order_by(Contract.start_date.desc())
    ).all()
    contract_ids = [c.id for c, _, _ in contract_rows]
    package_names: dict[uuid.UUID, list[str]] = {}
    if contract_ids:
        for contract_id, name in session.execute(
            select(ContractPackage.contract_id, ServicePackage.name)
            .join(ServicePackage, ServicePackage.id == ContractPackage.package_id)
            .where(ContractPackage.contract_id.in_(contract_ids))
            .order_by(ServicePackage.kind, ServicePackage.name)
        ):
            package_names.setdefault(contract_id, []).append(name)
    teams = {c.team_id for c, _, _ in contract_rows}
    team_names: dict[uuid.UUID, str] = dict(
        session.execute(select(Team.id, Team.name).where(Team.id.in_(teams))).tuples().all()
    )

    # --- visits (current revisions) ---------------------------------------------------------
    poly = with_polymorphic(Visit, "*")
    visits = list(
        session.scalars(
            current_only(select(poly), poly)
            .where(poly.resident_id == resident_id)
            .order_by(poly.visit_date.desc(), poly.id.desc())
        )
    )

    # --- planned services of the contracts in force -----------------------------------------
    in_force = [c.id for c, _, _ in contract_rows if c.status == ContractStatus.ACTIVE]
    planned_rows = (
        list(
            session.scalars(
                select(PlannedService)
                .where(PlannedService.resident_id == resident_id, PlannedService.contract_id.in_(in_force))
                .order_by(PlannedService.window_start, PlannedService.service_kind, PlannedService.sequence)
            )
        )
        if in_force
        else []
    )

    names = _staff_names(
        session,
        [r.registered_by_id, r.responsible_doctor_id, *(c.doctor_id for c, _, _ in contract_rows)]
        + [v.doctor_id for v in visits],
    )

    contracts = tuple(
        ContractLine(
            id=c.id,
            contract_no=c.contract_no,
            status=ContractStatus(c.status),
            scope=ContractScope(c.scope),
            start_date=c.start_date,
            end_date=c.end_date,
            team_name=team_names.get(c.team_id, ""),
            doctor_name=names.get(c.doctor_id, ""),
            package_names=tuple(package_names.get(c.id, ())),
            member_active=bool(active),
            member_ended_on=ended_on,
        )
        for c, active, ended_on in contract_rows
    )

    timeline = tuple(_entry(v, names) for v in visits)
    vitals = tuple(
        VitalsPoint(e.visit_date, e.systolic, e.diastolic, e.fasting_glucose)
        for e in reversed(timeline)
        if e.systolic is not None or e.fasting_glucose is not None
    )
    planned = tuple(
        PlannedLine(
            id=p.id,
            contract_id=p.contract_id,
            service_kind=ServiceKind(p.service_kind),
            sequence=p.sequence,
            window_start=p.window_start,
            window_end=p.window_end,
            status=PlannedServiceStatus(p.status),
            fulfilled_on=p.fulfilled_on,
            due=_due(p, on),
        )
        for p in planned_rows
    )

    age = age_on(r.birth_date, on) if r.birth_date <= on else 0
    bp_key = get_setting(session, BP_TARGET)
    band: BpBand = BP_TARGETS[bp_key].band_for(age)
    targets = Targets(
        bp_target_key=bp_key,
        systolic_below=band.systolic_below,
        diastolic_below=band.diastolic_below,
        fasting_glucose_below=GLUCOSE_TARGETS[DEFAULT_GLUCOSE_TARGET].fasting_below,
    )

    village_name = village.name if village is not None else ""
    personal = (
        RecordField("name", r.name),
        RecordField("health_record_no", r.health_record_no or ""),
        RecordField("sex", _label(codes.SEX, str(r.sex))),
        RecordField("birth_date", r.birth_date.isoformat()),
        RecordField("age", str(age)),
        RecordField("id_type", _label(codes.ID_TYPE, r.id_type)),
        RecordField("id_number", r.id_number or ""),
        RecordField("village", village_name),
        RecordField("address", household.address if household is not None else ""),
        RecordField("relationship_to_head", _label(codes.RELATIONSHIP, r.relationship_to_head)),
        RecordField("phone", r.phone or ""),
        RecordField("workplace", r.workplace or ""),
        RecordField("contact", " ".join(x for x in (r.contact_name, r.contact_phone) if x)),
        RecordField("resident_type", _label(codes.RESIDENT_TYPE, r.resident_type)),
        RecordField("ethnicity", _label(codes.ETHNICITY, r.ethnicity)),
        RecordField(
            "blood_type",
            " ".join(x for x in (_label(codes.BLOOD_ABO, r.blood_abo), _label(codes.BLOOD_RH, r.blood_rh)) if x),
        ),
        RecordField("education", _label(codes.EDUCATION, r.education)),
        RecordField("occupation", _label(codes.OCCUPATION, r.occupation)),
        RecordField("marital_status", _label(codes.MARITAL_STATUS, r.marital_status)),
        RecordField("payment_methods", _labels(codes.PAYMENT_METHOD, r.payment_methods, r.payment_other)),
        RecordField("drug_allergies", _labels(codes.DRUG_ALLERGY, r.drug_allergies, r.drug_allergy_other)),
        RecordField("exposures", _labels(codes.EXPOSURE, r.exposures)),
        RecordField("past_diseases", _diagnoses(session, resident_id)),
        RecordField("past_events", _events(session, resident_id)),
        RecordField("family_history_father", _labels(codes.FAMILY_HISTORY, r.family_history_father)),
        RecordField("family_history_mother", _labels(codes.FAMILY_HISTORY, r.family_history_mother)),
        RecordField("family_history_siblings", _labels(codes.FAMILY_HISTORY, r.family_history_siblings)),
        RecordField("family_history_children", _labels(codes.FAMILY_HISTORY, r.family_history_children)),
        RecordField("genetic_disease", r.genetic_disease or ""),
        RecordField("disabilities", _labels(codes.DISABILITY, r.disabilities, r.disability_other)),
        RecordField("kitchen_exhaust", _label(codes.KITCHEN_EXHAUST, r.kitchen_exhaust)),
        RecordField("fuel", _label(codes.FUEL, r.fuel)),
        RecordField("water", _label(codes.WATER, r.water)),
        RecordField("toilet", _label(codes.TOILET, r.toilet)),
        RecordField("livestock_pen", _label(codes.LIVESTOCK_PEN, r.livestock_pen)),
        RecordField("key_populations", "、".join(k.label for k in KeyPopulation if k in info.key_populations)),
        RecordField("status", _status_text(info)),
        RecordField("registered_on", r.registered_on.isoformat()),
        RecordField("registered_by", names.get(r.registered_by_id, "") if r.registered_by_id else ""),
        RecordField("responsible_doctor", names.get(r.responsible_doctor_id, "") if r.responsible_doctor_id else ""),
    )
    return ResidentRecord(
        info=info,
        age=age,
        village_name=village_name,
        household_address=household.address if household is not None else None,
        personal=personal,
        contracts=contracts,
        timeline=timeline,
        planned=planned,
        vitals=vitals,
        targets=targets,
        today=on,
    )


def _status_text(info: ResidentInfo) -> str:
    text = info.status.label
    if info.status_changed_on is not None:
        text += f" {info.status_changed_on.isoformat()}"
    return text


def _entry(v: Visit, names: Mapping[uuid.UUID, str]) -> TimelineEntry:
    kind = VisitKind(v.kind)
    systolic = getattr(v, "systolic", None)
    diastolic = getattr(v, "diastolic", None)
    if kind == VisitKind.ELDERLY_CHECK:
        systolic = getattr(v, "systolic_left", None) or getattr(v, "systolic_right", None)
        diastolic = getattr(v, "diastolic_left", None) or getattr(v, "diastolic_right", None)
    classification = getattr(v, "classification", None)
    service_kind = getattr(v, "service_kind", None)
    summary = getattr(v, "summary", None) or v.notes
    return TimelineEntry(
        visit_id=v.id,
        record_id=v.record_id,
        visit_date=v.visit_date,
        kind=kind,
        service_kind=ServiceKind(service_kind) if service_kind else None,
        mode_label=_label(codes.VISIT_MODE, v.mode),
        doctor_name=names.get(v.doctor_id, ""),
        revision=v.revision,
        systolic=systolic,
        diastolic=diastolic,
        # Only fasting readings (a home visit's glucose may be taken at any time).
        fasting_glucose=getattr(v, "fasting_glucose", None),
        classification_label=_label(codes.FOLLOWUP_CLASSIFICATION, classification) or None,
        next_visit_date=v.next_visit_date,
        summary=summary,
    )
