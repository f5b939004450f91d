"""Households (家庭/户): the unit contracts are signed for by default (DOMAIN.md §3)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.models.base import Base, Synced, Voidable, voidable_args

if TYPE_CHECKING:
    from fdclient.models.resident import Resident


class Household(Synced, Voidable, Base):
    __tablename__ = "households"
    __table_args__ = voidable_args()

    village_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("villages.id"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    #: 户主. Nullable only while a household is being registered (the head is a resident
    #: whose row points back here); the foreign key is created after both tables exist.
    head_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("residents.id", use_alter=True), default=None)

    members: Mapped[list[Resident]] = relationship(back_populates="household", foreign_keys="Resident.household_id")
    head: Mapped[Resident | None] = relationship(foreign_keys=[head_id], post_update=True)
