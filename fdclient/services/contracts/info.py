"""What the screens, the contract form and rosters get of a contract: frozen dataclasses
built from the rows, with the fees (:mod:`fdclient.services.contracts.fees`) and the party
that is 甲方 by the township's setting (``contract_party_a``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from fdclient.domain.codes import (
    ConsentBy,
    ContractParty,
    ContractScope,
    ContractStatus,
    SigningChannel,
    TerminationReason,
)
from fdclient.models import Contract, ContractMember
from fdclient.services.contracts.consent import GuardianInfo, stored_consent
from fdclient.services.contracts.fees import ContractFees, PackageFee, contract_fees
from fdclient.services.lookup import fetch
from fdclient.settings import CONTRACT_PARTY_A, get_setting
from fdclient.text import msg


@dataclass(frozen=True)
class ContractMemberInfo:
    resident_id: uuid.UUID
    is_active: bool
    ended_on: date | None
    #: The day a member who joined the contract in force is covered from (None: the start).
    joined_on: date | None
    consent_by: ConsentBy | None
    consented_at: datetime | None
    guardian: GuardianInfo | None


@dataclass(frozen=True)
class ContractInfo:
    id: uuid.UUID
    contract_no: str
    scope: ContractScope
    household_id: uuid.UUID | None
    representative_id: uuid.UUID
    team_id: uuid.UUID
    doctor_id: uuid.UUID
    start_date: date
    end_date: date
    term_years: int
    auto_renew: bool
    status: ContractStatus
    channel: SigningChannel
    consent_given: bool
    signed_at: datetime | None
    terminated_on: date | None
    termination_reason: TerminationReason | None
    termination_note: str | None
    renewal_of_id: uuid.UUID | None
    voided: bool
    void_reason: str | None
    members: tuple[ContractMemberInfo, ...]
    fees: ContractFees
    #: Which party is 甲方 on the printed form (the township's setting); the other is 乙方.
    party_a: ContractParty

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def party_b(self) -> ContractParty:
        return ContractParty.TEAM if self.party_a == ContractParty.RESIDENT else ContractParty.RESIDENT

    @property
    def packages(self) -> tuple[PackageFee, ...]:
        return self.fees.packages

    @property
    def fee_total_fen(self) -> int:
        """What the whole contract costs: every package × covered persons × years."""
        return self.fees.total.total_fen


def contract_party_a(session: Session) -> ContractParty:
    """The party printed as 甲方 (the township's setting); the other one is 乙方."""
    return ContractParty(get_setting(session, CONTRACT_PARTY_A))


def member_info(m: ContractMember) -> ContractMemberInfo:
    consent = stored_consent(m)
    return ContractMemberInfo(
        m.resident_id,
        m.is_active,
        m.ended_on,
        m.joined_on,
        consent.by if consent else None,
        m.consented_at,
        consent.guardian if consent else None,
    )


def contract_info(session: Session, c: Contract) -> ContractInfo:
    return ContractInfo(
        id=c.id,
        contract_no=c.contract_no,
        scope=ContractScope(c.scope),
        household_id=c.household_id,
        representative_id=c.representative_id,
        team_id=c.team_id,
        doctor_id=c.doctor_id,
        start_date=c.start_date,
        end_date=c.end_date,
        term_years=c.term_years,
        auto_renew=c.auto_renew,
        status=ContractStatus(c.status),
        channel=SigningChannel(c.channel),
        consent_given=c.consent_given,
        signed_at=c.signed_at,
        terminated_on=c.terminated_on,
        termination_reason=TerminationReason(c.termination_reason) if c.termination_reason else None,
        termination_note=c.termination_note,
        renewal_of_id=c.renewal_of_id,
        voided=c.voided_at is not None,
        void_reason=c.void_reason,
        members=tuple(member_info(m) for m in c.members),
        fees=contract_fees(session, c),
        party_a=contract_party_a(session),
    )


def get_contract_row(session: Session, contract_id: uuid.UUID) -> Contract:
    """The contract row (for other use cases; no permission check)."""
    return fetch(session, Contract, contract_id, msg("该签约合同", "the contract"), "contract_id")
