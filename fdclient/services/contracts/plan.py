"""Planned services (履约计划): what a signed contract promises, per covered member.

Each item of each package becomes ``times_per_year`` planned services in every contract year
of the term. The windows split the contract year evenly and back to back: 4 a year from
1 March gives 1 Mar-30 May, 31 May-29 Aug, ... ending on the last day of the contract year.
A package for a key population (``ServicePackage.target_population``, e.g. hypertension)
plans its items only for the members who belong to it at the start of that contract year.

A recorded visit fulfils the open planned service of its kind whose window contains the
visit date, or else the earliest overdue one (:func:`find_open_service`).

The functions that plan, cancel, fulfil and reopen work on rows for the contract and visit
use cases, which check the permissions; :func:`planned_services` is a read (VIEW_RECORDS).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.domain.key_populations import KeyPopulation, compute_tags
from fdclient.domain.roles import Permission
from fdclient.models import Contract, ContractMember, PlannedService, Resident, Visit
from fdclient.services.registry.residents import person_facts
from fdclient.store.context import require

#: The service kind a visit of each kind fulfils.
VISIT_SERVICE_KIND: Mapping[VisitKind, ServiceKind] = MappingProxyType(
    {
        VisitKind.HYPERTENSION: ServiceKind.HYPERTENSION_FOLLOWUP,
        VisitKind.DIABETES: ServiceKind.DIABETES_FOLLOWUP,
        VisitKind.ELDERLY_CHECK: ServiceKind.ELDERLY_CHECK,
        VisitKind.HOME_VISIT: ServiceKind.HOME_VISIT,
    }
)


@dataclass(frozen=True)
class PlannedServiceInfo:
    id: uuid.UUID
    contract_id: uuid.UUID
    resident_id: uuid.UUID
    package_item_id: uuid.UUID
    service_kind: ServiceKind
    sequence: int
    window_start: date
    window_end: date
    status: PlannedServiceStatus
    fulfilled_on: date | None
    visit_id: uuid.UUID | None


def planned_service_info(p: PlannedService) -> PlannedServiceInfo:
    return PlannedServiceInfo(
        p.id,
        p.contract_id,
        p.resident_id,
        p.package_item_id,
        ServiceKind(p.service_kind),
        p.sequence,
        p.window_start,
        p.window_end,
        PlannedServiceStatus(p.status),
        p.fulfilled_on,
        p.visit_id,
    )


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def contract_end(start: date, term_years: int) -> date:
    """Last day of a term: start + term years - 1 day (1 Mar 2026, 1 year → 28 Feb 2027)."""
    return add_years(start, term_years) - timedelta(days=1)


def contract_years(start: date, term_years: int) -> list[tuple[date, date]]:
    """(first day, last day) of each contract year."""
    return [(add_years(start, k), add_years(start, k + 1) - timedelta(days=1)) for k in range(term_years)]


def windows(first: date, last: date, times: int) -> list[tuple[date, date]]:
    """``times`` back-to-back windows covering ``first``..``last`` as evenly as whole days allow."""
    days = (last - first).days + 1
    bounds = [first + timedelta(days=i * days // times) for i in range(times + 1)]
    return [(bounds[i], bounds[i + 1] - timedelta(days=1)) for i in range(times)]


def plan_services(session: Session, contract: Contract) -> int:
    """Create the planned services of a contract that has just become active; returns how
    many were created."""
    members = session.scalars(
        select(Resident)
        .join(ContractMember, ContractMember.resident_id == Resident.id)
        .where(ContractMember.contract_id == contract.id, ContractMember.is_active)
    ).all()
    created = 0
    for year_start, year_end in contract_years(contract.start_date, contract.term_years):
        for resident in members:
            tags = compute_tags(person_facts(resident), year_start)
            for cp in contract.packages:
                package = cp.package
                if package.target_population and KeyPopulation(package.target_population) not in tags:
                    continue
                for item in package.items:
                    for sequence, (start, end) in enumerate(windows(year_start, year_end, item.times_per_year), 1):
                        session.add(
                            PlannedService(
                                contract_id=contract.id,
                                resident_id=resident.id,
                                package_item_id=item.id,
                                service_kind=item.service_kind,
                                sequence=sequence,
                                window_start=start,
                                window_end=end,
                            )
                        )
                        created += 1
    session.flush()
    return created


def cancel_planned(
    session: Session, contract_id: uuid.UUID, after: date, *, resident_id: uuid.UUID | None = None
) -> int:
    """Cancel the still-planned services of a contract whose window starts after ``after``
    (for one member when ``resident_id`` is given); returns how many."""
    query = select(PlannedService).where(
        PlannedService.contract_id == contract_id,
        PlannedService.status == PlannedServiceStatus.PLANNED,
        PlannedService.window_start > after,
    )
    if resident_id is not None:
        query = query.where(PlannedService.resident_id == resident_id)
    rows = session.scalars(query).all()
    for row in rows:
        row.status = PlannedServiceStatus.CANCELLED
    session.flush()
    return len(rows)


def find_open_service(
    session: Session, resident_id: uuid.UUID, service_kind: ServiceKind, on: date
) -> PlannedService | None:
    """The planned service a visit on ``on`` fulfils: the open one whose window contains the
    date, else the earliest overdue one (window ended before the date), else None."""
    base = select(PlannedService).where(
        PlannedService.resident_id == resident_id,
        PlannedService.service_kind == service_kind,
        PlannedService.status == PlannedServiceStatus.PLANNED,
    )
    current = session.scalars(
        base.where(PlannedService.window_start <= on, PlannedService.window_end >= on).order_by(
            PlannedService.window_start
        )
    ).first()
    if current is not None:
        return current
    return session.scalars(base.where(PlannedService.window_end < on).order_by(PlannedService.window_start)).first()


def fulfil(service: PlannedService, visit: Visit) -> None:
    service.status, service.fulfilled_on, service.visit_id = PlannedServiceStatus.DONE, visit.visit_date, visit.id


def reopen(service: PlannedService) -> None:
    """Open again a service whose visit was corrected away or voided."""
    service.status, service.fulfilled_on, service.visit_id = PlannedServiceStatus.PLANNED, None, None


def services_of_visit(session: Session, visit_id: uuid.UUID) -> list[PlannedService]:
    """The planned services a visit fulfilled (rows; no permission check)."""
    return list(session.scalars(select(PlannedService).where(PlannedService.visit_id == visit_id)))


def planned_services(
    session: Session, *, contract_id: uuid.UUID | None = None, resident_id: uuid.UUID | None = None
) -> tuple[PlannedServiceInfo, ...]:
    """Planned services of a contract and/or a resident, by window."""
    require(session, Permission.VIEW_RECORDS)
    query = select(PlannedService).order_by(PlannedService.window_start, PlannedService.service_kind)
    if contract_id is not None:
        query = query.where(PlannedService.contract_id == contract_id)
    if resident_id is not None:
        query = query.where(PlannedService.resident_id == resident_id)
    return tuple(planned_service_info(p) for p in session.scalars(query))
