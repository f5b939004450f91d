"""Staff of the health centre and the family-doctor teams they form (DOMAIN.md §1).

Team membership and the villages a team serves are synced rows of their own (an id, the
sync bookkeeping): removing a member or a village voids its row (who, when, why) so the
removal reaches the other laptops; :attr:`Team.members` and :attr:`Team.villages` show the
rows not voided, :attr:`Team.member_rows` / :attr:`Team.village_rows` every row (for
writers).
"""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Uuid, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.domain import codes
from fdclient.models.base import Base, Synced, Voidable, voidable_args
from fdclient.models.geography import Village


class Staff(Synced, Voidable, Base):
    __tablename__ = "staff"
    __table_args__ = voidable_args(
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
    #: Not unique in the database (rows pulled from another laptop must fit): the accounts
    #: service refuses a name in use.
    username: Mapped[str | None] = mapped_column(String(40), index=True, default=None)
    active: Mapped[bool] = mapped_column(default=True)


class TeamMember(Synced, Voidable, Base):
    __tablename__ = "team_members"
    __table_args__ = voidable_args(Index("ix_team_members_team_staff", "team_id", "staff_id"))

    team_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("teams.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), index=True)

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])


class TeamVillage(Synced, Voidable, Base):
    """A village a team serves."""

    __tablename__ = "team_villages"
    __table_args__ = voidable_args(Index("ix_team_villages_team_village", "team_id", "village_id"))

    team_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("teams.id"))
    village_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("villages.id"), index=True)

    village: Mapped[Village] = relationship()


#: The association table (Core queries: join on it and keep ``voided_at IS NULL``).
team_villages = TeamVillage.__table__


class Team(Synced, Voidable, Base):
    __tablename__ = "teams"
    __table_args__ = voidable_args(CheckConstraint("length(name) > 0", name="name_not_empty"))

    township_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    leader_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"), default=None)
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    active: Mapped[bool] = mapped_column(default=True)

    leader: Mapped[Staff | None] = relationship(foreign_keys=[leader_id])
    #: Every membership row, voided ones too (write through this).
    member_rows: Mapped[list[TeamMember]] = relationship(cascade="all", overlaps="members")
    #: The members not removed (read only).
    members: Mapped[list[TeamMember]] = relationship(
        primaryjoin=lambda: and_(Team.id == TeamMember.team_id, TeamMember.voided_at.is_(None)),
        viewonly=True,
    )
    #: Every village row, voided ones too (write through this).
    village_rows: Mapped[list[TeamVillage]] = relationship(cascade="all")
    #: The villages the team serves now (read only).
    villages: Mapped[list[Village]] = relationship(
        secondary=lambda: team_villages,
        primaryjoin=lambda: and_(Team.id == TeamVillage.team_id, TeamVillage.voided_at.is_(None)),
        secondaryjoin=lambda: Village.id == TeamVillage.village_id,
        viewonly=True,
    )
