"""Planned services (履约计划): what a signed contract promises, per covered member.

Each item of each package becomes planned services in every contract year of the term, on
the schedules of DOMAIN.md §5 (:func:`service_windows`):

* follow-ups of hypertension, type 2 diabetes and severe mental disorder ("at least 4 a
  year") are spread over the quarters in whole months: 4 a year from 1 March gives one per
  quarter of the contract year (1 Mar-31 May, 1 Jun-31 Aug, 1 Sep-30 Nov, 1 Dec-28 Feb),
  8 a year two per quarter, 12 one a month;
* the elderly health check is once a year: one window, the whole contract year;
* other items split the contract year evenly into ``times_per_year`` back-to-back windows.

Who gets what (:func:`covered_years`, :func:`applies`): a package for a key population
(``ServicePackage.target_population``) applies in a contract year to the members who belong
to it on the first day they are covered that year. So that every planned service can be
fulfilled, a service for patients (:data:`SERVICE_POPULATION`: hypertension and diabetes
follow-ups need the diagnosis, ...) is planned only for members in that population then,
and a service with age limits (:data:`fdclient.domain.service_ages.SERVICE_AGES`: the elderly check from 65, chronic
follow-ups from 35, child checks to 6) only within them: its windows are cut to the days
the member has the age. The fees use the same rule
(:mod:`fdclient.services.contracts.fees`). A member who joins a contract in force
(``joined_on``) gets the services from that day: windows that ended before are left out and
the one containing the day starts on it.

Services still open when coverage ends are closed (cancelled, with ``closed_on``):
termination and a member leaving close them on their date, expiry and renewal on the
contract's end date (:func:`close_open_services`).

A visit fulfils an open service of its own contract (``visits.contract_id``, the contract
covering the resident that day: :func:`covering_contract`) and kind: the one whose window
contains the visit date, else the earliest overdue one (:func:`find_open_service`). A
service closed on or after the visit date was still open then.

The functions that plan, close, fulfil and reopen work on rows for the contract and visit
use cases, which check the permissions; :func:`planned_services` is a read (VIEW_RECORDS).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, object_session

from fdclient.domain.codes import ContractStatus, PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.domain.key_populations import KeyPopulation, PersonFacts, compute_tags
from fdclient.domain.roles import Permission
from fdclient.domain.service_ages import age_limit
from fdclient.domain.time import add_months, add_years
from fdclient.models import Contract, ContractMember, PlannedService, Resident, ServicePackage, Visit
from fdclient.services.registry.residents import person_facts
from fdclient.store.context import require, today

#: The service kind a visit of each kind with a form of its own fulfils.
VISIT_SERVICE_KIND: Mapping[VisitKind, ServiceKind] = MappingProxyType(
    {
        VisitKind.HYPERTENSION: ServiceKind.HYPERTENSION_FOLLOWUP,
        VisitKind.DIABETES: ServiceKind.DIABETES_FOLLOWUP,
        VisitKind.ELDERLY_CHECK: ServiceKind.ELDERLY_CHECK,
        VisitKind.HOME_VISIT: ServiceKind.HOME_VISIT,
    }
)

#: Services for patients (and mothers): the key population a member must belong to.
SERVICE_POPULATION: Mapping[ServiceKind, KeyPopulation] = MappingProxyType(
    {
        ServiceKind.HYPERTENSION_FOLLOWUP: KeyPopulation.HYPERTENSION,
        ServiceKind.DIABETES_FOLLOWUP: KeyPopulation.DIABETES,
        ServiceKind.MATERNAL_CHECK: KeyPopulation.MATERNAL,
        ServiceKind.MENTAL_FOLLOWUP: KeyPopulation.SEVERE_MENTAL,
        ServiceKind.TB_FOLLOWUP: KeyPopulation.TUBERCULOSIS,
    }
)
#: Follow-ups spread over the quarters of the contract year (DOMAIN.md §5: at least 4 a year).
QUARTERLY = frozenset({ServiceKind.HYPERTENSION_FOLLOWUP, ServiceKind.DIABETES_FOLLOWUP, ServiceKind.MENTAL_FOLLOWUP})
#: Services given once a contract year, whatever the item says.
YEARLY = frozenset({ServiceKind.ELDERLY_CHECK})
MONTHS_A_YEAR = 12


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
    closed_on: date | None
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
        p.closed_on,
        p.visit_id,
    )


# --- dates and windows (pure) ----------------------------------------------------------------


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


def month_windows(first: date, last: date, times: int) -> list[tuple[date, date]]:
    """``times`` back-to-back windows of whole months over a contract year ``first``..``last``
    (4 → its quarters, 8 → two per quarter); more than 12 a year split the days evenly."""
    if times > MONTHS_A_YEAR:
        return windows(first, last, times)
    starts = [add_months(first, i * MONTHS_A_YEAR // times) for i in range(times)]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [last]
    return list(zip(starts, ends, strict=True))


def service_windows(kind: ServiceKind, first: date, last: date, times_per_year: int) -> list[tuple[date, date]]:
    """The windows of a package item in the contract year ``first``..``last`` (DOMAIN.md §5)."""
    if kind in YEARLY:
        return [(first, last)]
    if kind in QUARTERLY:
        return month_windows(first, last, times_per_year)
    return windows(first, last, times_per_year)


# --- who gets what (pure) ----------------------------------------------------------------------


class CoveredYear(NamedTuple):
    """A contract year in which a member is covered."""

    first: date
    last: date
    #: The first day the member is covered in it: ``first``, or the day they joined.
    since: date


def covered_years(start: date, term_years: int, joined_on: date | None) -> list[CoveredYear]:
    """The contract years a member who joined on ``joined_on`` (None: from the start) is in."""
    since = joined_on or start
    return [
        CoveredYear(first, last, max(first, since))
        for first, last in contract_years(start, term_years)
        if last >= since
    ]


def applies(population: KeyPopulation | str | None, tags: frozenset[KeyPopulation]) -> bool:
    """Whether a package or service for ``population`` (None: everyone) applies to a
    member with the key-population ``tags``."""
    return population is None or KeyPopulation(population) in tags


def age_span(kind: ServiceKind, birth_date: date) -> tuple[date, date]:
    """First and last day a person born on ``birth_date`` has the ages ``kind`` is for."""
    return age_limit(kind).span(birth_date)


def package_years(package: ServicePackage, facts: PersonFacts, years: list[CoveredYear]) -> list[CoveredYear]:
    """The covered years in which ``package`` applies to a member (their population on the
    first day of each)."""
    return [y for y in years if applies(package.target_population, compute_tags(facts, y.since))]


# --- planning and closing ------------------------------------------------------------------------

#: Fixed namespace of the planned services' ids (never change it: every laptop derives them).
PLANNED_SERVICE_NAMESPACE = uuid.UUID("3c7b8f0e-52d4-5a61-8e2f-9b4d1c6a0e77")


def planned_service_id(
    contract_id: uuid.UUID, resident_id: uuid.UUID, package_item_id: uuid.UUID, year_first: date, sequence: int
) -> uuid.UUID:
    """The id of a derived planned service: the same on every laptop that derives it (the
    ``sequence``-th service of a package item in the contract year starting on
    ``year_first``, for one member of one contract), so two laptops planning one contract
    offline make the same rows and the county server sees the second as a repeat."""
    name = f"{contract_id.hex}:{resident_id.hex}:{package_item_id.hex}:{year_first.isoformat()}:{sequence}"
    return uuid.uuid5(PLANNED_SERVICE_NAMESPACE, name)


def plan_member(session: Session, contract: Contract, resident: Resident, joined_on: date | None) -> int:
    """Plan the services of one member of ``contract`` from ``joined_on`` (None: from the
    start) to its end; returns how many were created."""
    facts = person_facts(resident)
    created = 0
    for year in covered_years(contract.start_date, contract.term_years, joined_on):
        tags = compute_tags(facts, year.since)
        for cp in contract.packages:
            if cp.voided_at is not None or not applies(cp.package.target_population, tags):
                continue
            for item in cp.package.items:
                if item.voided_at is not None:
                    continue
                kind = ServiceKind(item.service_kind)
                if not applies(SERVICE_POPULATION.get(kind), tags):
                    continue
                first_day, last_day = age_span(kind, resident.birth_date)
                for sequence, (start, end) in enumerate(
                    service_windows(kind, year.first, year.last, item.times_per_year), 1
                ):
                    start, end = max(start, year.since, first_day), min(end, last_day)
                    if start > end:
                        continue
                    service_id = planned_service_id(contract.id, resident.id, item.id, year.first, sequence)
                    if session.get(PlannedService, service_id) is not None:
                        continue  # planned already (by this laptop or pulled from another)
                    session.add(
                        PlannedService(
                            id=service_id,
                            contract_id=contract.id,
                            resident_id=resident.id,
                            package_item_id=item.id,
                            service_kind=kind,
                            sequence=sequence,
                            window_start=start,
                            window_end=end,
                        )
                    )
                    created += 1
    session.flush()
    return created


def plan_services(session: Session, contract: Contract) -> int:
    """Create the planned services of a contract that has just become active; returns how
    many were created."""
    rows = session.execute(
        select(Resident, ContractMember.joined_on)
        .join(ContractMember, ContractMember.resident_id == Resident.id)
        .where(ContractMember.contract_id == contract.id, ContractMember.is_active)
    ).all()
    return sum(plan_member(session, contract, resident, joined_on) for resident, joined_on in rows)


def close_open_services(
    session: Session, contract_id: uuid.UUID, on: date, *, resident_id: uuid.UUID | None = None
) -> int:
    """Close (cancel, with ``closed_on`` = ``on``) the services of a contract still open
    (of one member when ``resident_id`` is given); returns how many."""
    query = select(PlannedService).where(
        PlannedService.contract_id == contract_id, PlannedService.status == PlannedServiceStatus.PLANNED
    )
    if resident_id is not None:
        query = query.where(PlannedService.resident_id == resident_id)
    rows = session.scalars(query).all()
    for row in rows:
        row.status, row.closed_on = PlannedServiceStatus.CANCELLED, on
    session.flush()
    return len(rows)


def coverage_closed_on(session: Session, contract: Contract, resident_id: uuid.UUID) -> date | None:
    """The day a member's coverage under ``contract`` ended, or None while it goes on (a
    renewed contract covers its members to its end date)."""
    member = session.scalars(
        select(ContractMember).where(
            ContractMember.contract_id == contract.id, ContractMember.resident_id == resident_id
        )
    ).first()
    if member is None or member.is_active:
        return None
    ended = member.ended_on or contract.terminated_on or contract.end_date
    if contract.status == ContractStatus.RENEWED and ended >= contract.end_date >= today(session):
        return None
    return ended


def _open_on(on: date) -> ColumnElement[bool]:
    """Services open on ``on``: still planned, or closed on or after that day."""
    return or_(
        PlannedService.status == PlannedServiceStatus.PLANNED,
        and_(PlannedService.status == PlannedServiceStatus.CANCELLED, PlannedService.closed_on >= on),
    )


def find_open_service(
    session: Session, resident_id: uuid.UUID, service_kind: ServiceKind, on: date, *, contract_id: uuid.UUID | None
) -> PlannedService | None:
    """The planned service of ``contract_id`` a visit on ``on`` fulfils: the one open that day
    whose window contains the date, else the earliest overdue one (window ended before the
    date), else None (always None without a contract)."""
    if contract_id is None:
        return None
    base = select(PlannedService).where(
        PlannedService.contract_id == contract_id,
        PlannedService.resident_id == resident_id,
        PlannedService.service_kind == service_kind,
        _open_on(on),
    )
    current = session.scalars(
        base.where(PlannedService.window_start <= on, PlannedService.window_end >= on).order_by(
            PlannedService.window_start
        )
    ).first()
    if current is not None:
        return current
    return session.scalars(base.where(PlannedService.window_end < on).order_by(PlannedService.window_start)).first()


def covering_contract(session: Session, resident_id: uuid.UUID, on: date) -> uuid.UUID | None:
    """The signed contract covering the resident on ``on`` (from the start or the day they
    joined to the end, the termination or the day they left), or None."""
    covered_from = func.coalesce(ContractMember.joined_on, Contract.start_date)
    covered_to = func.coalesce(ContractMember.ended_on, Contract.end_date)
    return session.scalar(
        select(Contract.id)
        .join(ContractMember, ContractMember.contract_id == Contract.id)
        .where(
            ContractMember.resident_id == resident_id,
            Contract.status != ContractStatus.DRAFT,
            Contract.start_date <= on,
            Contract.end_date >= on,
            covered_from <= on,
            covered_to >= on,
        )
        .order_by(Contract.start_date.desc())
        .limit(1)
    )


def fulfil(service: PlannedService, visit: Visit) -> None:
    service.status, service.fulfilled_on, service.visit_id = PlannedServiceStatus.DONE, visit.visit_date, visit.id
    service.closed_on = None


def reopen(service: PlannedService) -> None:
    """Open again a service whose visit was corrected away or voided; it is closed again at
    once, with the same day, when its member's coverage has ended."""
    service.status, service.fulfilled_on, service.visit_id = PlannedServiceStatus.PLANNED, None, None
    session = object_session(service)
    contract = session.get(Contract, service.contract_id) if session is not None else None
    if session is None or contract is None:
        return
    closed = coverage_closed_on(session, contract, service.resident_id)
    if closed is not None:
        service.status, service.closed_on = PlannedServiceStatus.CANCELLED, closed


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
