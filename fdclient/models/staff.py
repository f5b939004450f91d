"""Staff of the health centre and the family-doctor teams they form (DOMAIN.md §1)."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.domain import codes
from fdclient.models.base import Base, Synced
from fdclient.models.geography import Village

team_villages = Table(
    "team_villages",
    Base.metadata,
    Column("team_id", Uuid, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", Uuid, ForeignKey("villages.id"), primary_key=True),
)


class Staff(Synced, Base):
    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint(codes.sql_in("role", codes.STAFF_ROLE), name="role_code"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    township_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(30), default=None)  # 职称, e.g. 主治医师
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    #: Sign-in name (fdclient.domain.accounts). The password is never stored here: each
    #: laptop's key file holds the store key wrapped by it (fdclient.store.keyring).
    username: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)
    active: Mapped[bool] = mapped_column(default=True)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), primary_key=True)

    staff: Mapped[Staff] = relationship()


class Team(Synced, Base):
    __tablename__ = "teams"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    township_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    leader_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"), default=None)
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    active: Mapped[bool] = mapped_column(default=True)

    leader: Mapped[Staff | None] = relationship(foreign_keys=[leader_id])
    members: Mapped[list[TeamMember]] = relationship(cascade="all, delete-orphan")
    villages: Mapped[list[Village]] = relationship(secondary=team_villages)
