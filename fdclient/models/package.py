"""Service packages (服务包) and their items (DOMAIN.md §4).

Fees are integer fen (1/100 CNY) so that the split insurance + public health + resident
always adds up exactly; the database checks that it does.
"""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.domain import codes
from fdclient.models.base import Base, Synced, Voidable, voidable_args

FEE_SPLIT_ADDS_UP = (
    "fee_total_fen = fee_insurance_fen + fee_public_health_fen + fee_resident_fen"
    " AND fee_insurance_fen >= 0 AND fee_public_health_fen >= 0 AND fee_resident_fen >= 0"
)


class ServicePackage(Synced, Voidable, Base):
    __tablename__ = "service_packages"
    __table_args__ = voidable_args(
        CheckConstraint(codes.sql_in("kind", codes.PACKAGE_KIND), name="kind_code"),
        CheckConstraint(FEE_SPLIT_ADDS_UP, name="fee_split"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    #: Unique: the packages service checks it (not the database: rows pulled from another
    #: laptop must fit).
    code: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12))
    #: The key population the package is for (a KeyPopulation value), None for everyone.
    target_population: Mapped[str | None] = mapped_column(String(30), default=None)
    description: Mapped[str | None] = mapped_column(String(500), default=None)
    fee_total_fen: Mapped[int] = mapped_column()
    fee_insurance_fen: Mapped[int] = mapped_column()
    fee_public_health_fen: Mapped[int] = mapped_column()
    fee_resident_fen: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)

    items: Mapped[list[PackageItem]] = relationship(back_populates="package", order_by="PackageItem.position")


class PackageItem(Synced, Voidable, Base):
    __tablename__ = "package_items"
    __table_args__ = voidable_args(
        CheckConstraint(codes.sql_in("service_kind", codes.SERVICE_KIND), name="service_kind_code"),
        CheckConstraint("times_per_year BETWEEN 1 AND 52", name="times_per_year_range"),
        UniqueConstraint("package_id", "position"),
    )

    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("service_packages.id"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    service_kind: Mapped[str] = mapped_column(String(30))
    times_per_year: Mapped[int] = mapped_column()

    package: Mapped[ServicePackage] = relationship(back_populates="items")
