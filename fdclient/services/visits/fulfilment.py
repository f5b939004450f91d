"""Which planned service a visit fulfils, and what happens to it when the visit is corrected.

* A visit belongs to the contract covering the resident on the visit date
  (``plan.covering_contract``, stored as ``visits.contract_id``), whenever it is recorded: a
  visit of last year entered late belongs to last year's contract, not to the renewed one.
* It fulfils a planned service of its own service kind in that contract only
  (``plan.find_open_service``): another contract's services are never touched. A generic
  service record fulfils the kind it names.

Row functions for the visit use cases, which check the permissions.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.models import PlannedService, ServiceRecord, Visit
from fdclient.services.contracts import plan as service_plan

__all__ = ["fulfil_new_visit", "move_fulfilment", "service_kind_of"]


def service_kind_of(visit: Visit) -> ServiceKind:
    """The kind of planned service ``visit`` fulfils: its form's, or the one a generic
    service record names."""
    if isinstance(visit, ServiceRecord):
        return ServiceKind(visit.service_kind)
    return service_plan.VISIT_SERVICE_KIND[VisitKind(visit.kind)]


def fulfil_new_visit(session: Session, visit: Visit) -> PlannedService | None:
    """Fulfil the planned service a just-recorded ``visit`` delivers, if its contract has one open."""
    if visit.contract_id is None:
        return None
    service = service_plan.find_open_service(
        session, visit.resident_id, service_kind_of(visit), visit.visit_date, contract_id=visit.contract_id
    )
    if service is not None:
        service_plan.fulfil(service, visit)
    return service


def move_fulfilment(session: Session, old: Visit, new: Visit) -> list[PlannedService]:
    """After a correction: the services ``old`` fulfilled pass to ``new`` when they still fit
    (same contract and service kind); otherwise they reopen and ``new`` fulfils what its
    own contract has open. Returns the services ``new`` fulfils."""
    services = service_plan.services_of_visit(session, old.id)
    kind = service_kind_of(new)
    if services and all(s.contract_id == new.contract_id and s.service_kind == kind for s in services):
        for service in services:
            service_plan.fulfil(service, new)
        return services
    for service in services:
        service_plan.reopen(service)
    session.flush()
    found = fulfil_new_visit(session, new)
    return [found] if found is not None else []
