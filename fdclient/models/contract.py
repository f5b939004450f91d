"""Contracts (签约服务协议), the residents they cover and the packages they include.

Status machine (checked by the contracts service; the database refuses impossible rows):
``draft → active → expired | renewed | terminated``. A household contract covers several
members; each covered member has a row of its own so that one member can leave (death,
moving out) while the household contract goes on, and so the database can guarantee one
family doctor per resident at a time: the contracts service refuses a second *active*
covered row per resident (not the database: rows pulled from another laptop must fit, and
the county server opens a merge task for two active contracts).

Each covered member gives a separate consent (PIPL art. 28-31): the member, a guardian
(监护人) for a minor or a person without capacity, or the family representative for an
adult member who agreed in person. A guardian need not be a resident or a covered member:
their name, relationship, document and phone are kept on the member's row. A member who
joins a contract in force (a newborn, a new household member) has ``joined_on``; members
covered from the start have none. A draft that will not be signed is voided with a reason.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.domain import codes
from fdclient.models.base import Base, Synced, UTCDateTime, Voidable, voidable_args
from fdclient.models.package import FEE_SPLIT_ADDS_UP, ServicePackage


class Contract(Synced, Voidable, Base):
    __tablename__ = "contracts"
    __table_args__ = voidable_args(
        # Only a draft is discarded (voided); a signed contract is terminated instead.
        CheckConstraint("voided_at IS NULL OR status = 'draft'", name="only_drafts_voided"),
        CheckConstraint(codes.sql_in("scope", codes.CONTRACT_SCOPE), name="scope_code"),
        CheckConstraint(codes.sql_in("status", codes.CONTRACT_STATUS), name="status_code"),
        CheckConstraint(codes.sql_in("channel", codes.SIGNING_CHANNEL), name="channel_code"),
        CheckConstraint("term_years BETWEEN 1 AND 3", name="term_range"),
        CheckConstraint("end_date > start_date", name="end_after_start"),
        CheckConstraint("scope = 'individual' OR household_id IS NOT NULL", name="household_scope"),
        # Signing needs the resident's separate consent (PIPL art. 28) and a signing time.
        CheckConstraint(
            "status = 'draft' OR (consent_given AND consented_at IS NOT NULL AND signed_at IS NOT NULL)",
            name="signed_with_consent",
        ),
        CheckConstraint(
            "(status = 'terminated') = (termination_reason IS NOT NULL AND terminated_on IS NOT NULL)",
            name="termination_has_reason",
        ),
        CheckConstraint(
            codes.sql_in("termination_reason", codes.TERMINATION_REASON, nullable=True),
            name="termination_reason_code",
        ),
    )

    #: Printed on the form; unique across the county (numbers come from blocks reserved
    #: from the server, fdclient.services.numbering; the server renumbers a duplicate).
    contract_no: Mapped[str] = mapped_column(String(40), index=True)
    scope: Mapped[str] = mapped_column(String(10), default="household")
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("households.id"), index=True, default=None)
    #: The family representative (家庭代表): a covered member or another member of the
    #: household; a minor one signs through their guardian.
    representative_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("teams.id"), index=True)
    doctor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), index=True)
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date] = mapped_column(index=True)
    term_years: Mapped[int] = mapped_column(default=1)
    auto_renew: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    channel: Mapped[str] = mapped_column(String(15), default="door_to_door")
    #: Every covered member consented (see ContractMember.consent_by) when it was signed.
    consent_given: Mapped[bool] = mapped_column(default=False)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Which wording of the consent clause the resident agreed to (clause templates are
    #: versioned resources).
    consent_text_version: Mapped[str | None] = mapped_column(String(20), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    terminated_on: Mapped[date | None] = mapped_column(default=None)
    termination_reason: Mapped[str | None] = mapped_column(String(12), default=None)
    termination_note: Mapped[str | None] = mapped_column(String(200), default=None)
    #: The contract this one renews (续约), if any.
    #: The renewal service refuses a second renewal of one contract.
    renewal_of_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("contracts.id"), index=True, default=None)

    members: Mapped[list[ContractMember]] = relationship(back_populates="contract")
    packages: Mapped[list[ContractPackage]] = relationship(back_populates="contract")


_GUARDIAN_CONSENT = "COALESCE(consent_by, '') = 'guardian'"
_GUARDIAN_COMPLETE = (
    "guardian_name IS NOT NULL AND guardian_relationship IS NOT NULL"
    " AND guardian_id_type IS NOT NULL AND guardian_id_number IS NOT NULL"
)


class ContractMember(Synced, Voidable, Base):
    __tablename__ = "contract_members"
    __table_args__ = voidable_args(
        CheckConstraint("ended_on IS NULL OR NOT is_active", name="ended_not_active"),
        CheckConstraint(codes.sql_in("consent_by", codes.CONSENT_BY, nullable=True), name="consent_by_code"),
        CheckConstraint("(consent_by IS NULL) = (consented_at IS NULL)", name="consent_has_time"),
        CheckConstraint(
            codes.sql_in("guardian_relationship", codes.GUARDIAN_RELATIONSHIP, nullable=True),
            name="guardian_relationship_code",
        ),
        CheckConstraint(codes.sql_in("guardian_id_type", codes.ID_TYPE, nullable=True), name="guardian_id_type_code"),
        # A guardian's consent names the guardian in full; any other consent names none.
        CheckConstraint(f"({_GUARDIAN_CONSENT}) = ({_GUARDIAN_COMPLETE})", name="guardian_complete"),
        CheckConstraint(
            f"{_GUARDIAN_CONSENT} OR COALESCE(guardian_name, guardian_relationship, guardian_id_type,"
            " guardian_id_number, guardian_phone) IS NULL",
            name="guardian_only_with_guardian_consent",
        ),
        Index(
            "ix_contract_members_active_resident",
            "resident_id",
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
        Index("ix_contract_members_contract_resident", "contract_id", "resident_id", unique=True),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts.id"))
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"), index=True)
    #: True while the member is covered by a signed contract in force.
    is_active: Mapped[bool] = mapped_column(default=False)
    #: When the member left a contract that goes on (death, moved out), or the contract ended.
    ended_on: Mapped[date | None] = mapped_column(default=None)
    #: The day a member who joined a contract in force is covered from (None: from the start).
    joined_on: Mapped[date | None] = mapped_column(default=None)
    #: Who gave the member's separate consent (a ConsentBy code) and when.
    consent_by: Mapped[str | None] = mapped_column(String(14), default=None)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: The guardian (监护人) who consented for a minor or a person without capacity.
    guardian_name: Mapped[str | None] = mapped_column(String(50), default=None)
    #: A GuardianRelationship code.
    guardian_relationship: Mapped[str | None] = mapped_column(String(20), default=None)
    guardian_id_type: Mapped[str | None] = mapped_column(String(2), default=None)
    guardian_id_number: Mapped[str | None] = mapped_column(String(30), default=None)
    guardian_phone: Mapped[str | None] = mapped_column(String(30), default=None)

    contract: Mapped[Contract] = relationship(back_populates="members")


class ContractPackage(Synced, Voidable, Base):
    """A package in a contract, with its fee per covered person and year and the split as
    agreed at signing (the totals are computed: fdclient.services.contracts.fees)."""

    __tablename__ = "contract_packages"
    __table_args__ = voidable_args(
        CheckConstraint(FEE_SPLIT_ADDS_UP, name="fee_split"),
        UniqueConstraint("contract_id", "package_id"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts.id"))
    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("service_packages.id"), index=True)
    fee_total_fen: Mapped[int] = mapped_column()
    fee_insurance_fen: Mapped[int] = mapped_column()
    fee_public_health_fen: Mapped[int] = mapped_column()
    fee_resident_fen: Mapped[int] = mapped_column()

    contract: Mapped[Contract] = relationship(back_populates="packages")
    package: Mapped[ServicePackage] = relationship()
