"""Planned services (履约计划): each package item of a signed contract becomes one planned
service per time a year, for each covered member; a recorded visit fulfils one. A service
still open when its contract or its member's coverage ends is cancelled with that date
(``closed_on``)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fdclient.domain import codes
from fdclient.models.base import Base, Synced, Voidable, voidable_args


class PlannedService(Synced, Voidable, Base):
    __tablename__ = "planned_services"
    __table_args__ = voidable_args(
        CheckConstraint(codes.sql_in("status", codes.PLANNED_SERVICE_STATUS), name="status_code"),
        CheckConstraint(codes.sql_in("service_kind", codes.SERVICE_KIND), name="service_kind_code"),
        CheckConstraint("(status = 'done') = (fulfilled_on IS NOT NULL)", name="done_has_date"),
        CheckConstraint("window_end >= window_start", name="window_order"),
        Index("ix_planned_services_contract", "contract_id"),
        # Covering indexes for the indicators: a resident's services due in a period (also
        # how a visit finds the service it fulfils), and the services of one kind due in a
        # period (open on a past date when closed after it), read without touching the table.
        Index("ix_planned_services_resident_due", "resident_id", "window_end", "status", "fulfilled_on", "closed_on"),
        Index("ix_planned_services_kind_due", "service_kind", "window_end", "status", "fulfilled_on", "closed_on"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts.id"))
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"))
    package_item_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("package_items.id"))
    service_kind: Mapped[str] = mapped_column(String(30))
    #: n of times_per_year within the contract year.
    sequence: Mapped[int] = mapped_column()
    #: The period in which the service is due.
    window_start: Mapped[date] = mapped_column()
    window_end: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="planned")
    fulfilled_on: Mapped[date | None] = mapped_column(default=None)
    #: The day a service still open was closed (cancelled): its contract was terminated,
    #: expired or renewed, or its member left. Figures for an earlier day count it open.
    closed_on: Mapped[date | None] = mapped_column(default=None)
    #: Indexed: correcting or voiding a visit finds the services it fulfilled.
    visit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("visits.id"), index=True, default=None)
