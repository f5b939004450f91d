"""The township a store serves and its villages (DOMAIN.md §2).

Codes are stored as given (districts are created, merged and renamed over the years), so
the database checks their shape only: 9 digits for a township (6 county + 3 township),
12 digits for a village's statistical division code.
"""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.models.base import Base, Synced, digits_check


class Township(Synced, Base):
    __tablename__ = "townships"
    __table_args__ = (
        CheckConstraint(digits_check("code", 9), name="code_digits"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    county_name: Mapped[str | None] = mapped_column(String(60), default=None)
    #: The health centre (乡镇卫生院 / 社区卫生服务中心) that runs the teams.
    institution_name: Mapped[str | None] = mapped_column(String(100), default=None)
    centre_phone: Mapped[str | None] = mapped_column(String(30), default=None)
    service_hours: Mapped[str | None] = mapped_column(String(100), default=None)

    villages: Mapped[list[Village]] = relationship(back_populates="township")

    @property
    def county_code(self) -> str:
        return self.code[:6]


class Village(Synced, Base):
    __tablename__ = "villages"
    __table_args__ = (
        CheckConstraint(digits_check("code", 12), name="code_digits"),
        CheckConstraint(digits_check("record_segment", 3), name="record_segment_digits"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    township_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("townships.id"), index=True)
    #: 12-digit statistical division code (2 province + 2 city + 2 county + 3 + 3).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    #: The 3-digit village segment of health record numbers (001-099 neighbourhood
    #: committees, 101-199 village committees): not the same as the statistical code.
    record_segment: Mapped[str] = mapped_column(String(3))

    township: Mapped[Township] = relationship(back_populates="villages")
