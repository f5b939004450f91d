"""What the signing form (签约) needs, and signing in one step.

* :func:`signing_options`: the villages, the active teams with their doctors, the active
  packages, the township's default term and today's date;
* :func:`find_households`: the households of a village matching what was typed (the head's
  health record number or its last digits, the address, the head's name or initials);
* :func:`household_for_signing`: a household's registered members with their age, key
  populations, whether a guardian must or may consent, and any contract in force;
* :func:`draft_for_signing`: what a draft says (to sign it later);
* :func:`sign_household_contract`: draft and sign in one unit of work (a refusal leaves
  nothing written), with the members' consents and the signature drawn on the pad, or
  ``signature_png=None`` when the representative signs the printed form by hand (no
  drawing is stored; the printed form keeps blank signature lines). An empty or
  malformed drawing is refused; :func:`sign_draft` signs an existing draft the same way;
* :func:`renew_with_consent_again`: renew in one step, each member confirming the consent
  they gave last time (the same person gives it: themselves, their guardian or the
  representative);
* :func:`contract_signature`: the signature stored with a contract.

Reading needs ``VIEW_RECORDS``; signing and renewing ``MANAGE_CONTRACTS`` (checked by the
lifecycle use cases).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from fdclient.domain import codes
from fdclient.domain.codes import ContractStatus, PackageKind, ResidentStatus, SigningChannel
from fdclient.domain.key_populations import KeyPopulation, age_on, compute_tags
from fdclient.domain.roles import Permission
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractMember, Household, Resident, ServicePackage, Staff, Team, Village
from fdclient.services.contracts import lifecycle, renewal
from fdclient.services.contracts.consent import (
    ADULT_AGE,
    GUARDIAN_CONSENT_BELOW,
    GuardianInput,
    MemberConsent,
    stored_consent,
)
from fdclient.services.contracts.info import ContractInfo, get_contract_row
from fdclient.services.registry.households import get_household_row
from fdclient.services.registry.residents import person_facts
from fdclient.services.staff.organisation import DOCTOR_ROLES
from fdclient.settings import CONTRACT_DEFAULT_TERM_YEARS, get_setting
from fdclient.store.context import actor_id, now, require, today
from fdclient.text import msg

__all__ = [
    "DoctorChoice",
    "DraftForSigning",
    "HouseholdChoice",
    "PackageChoice",
    "SigningHousehold",
    "SigningMember",
    "SigningOptions",
    "TeamChoice",
    "VillageChoice",
    "contract_signature",
    "draft_for_signing",
    "find_households",
    "household_for_signing",
    "renew_with_consent_again",
    "sign_draft",
    "sign_household_contract",
    "signing_options",
]

#: Most households :func:`find_households` returns.
HOUSEHOLDS_SHOWN = 50
#: Largest signature image accepted (bytes).
SIGNATURE_MAX_BYTES = 512 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class VillageChoice:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class DoctorChoice:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class TeamChoice:
    id: uuid.UUID
    name: str
    village_ids: tuple[uuid.UUID, ...]
    #: Active doctors of the team, the leader first.
    doctors: tuple[DoctorChoice, ...]


@dataclass(frozen=True)
class PackageChoice:
    id: uuid.UUID
    name: str
    kind: PackageKind
    target_population: KeyPopulation | None
    fee_total_fen: int
    fee_insurance_fen: int
    fee_public_health_fen: int
    fee_resident_fen: int


@dataclass(frozen=True)
class SigningOptions:
    villages: tuple[VillageChoice, ...]
    teams: tuple[TeamChoice, ...]
    packages: tuple[PackageChoice, ...]
    default_term_years: int
    today: date
    #: The signed-in staff member (the default family doctor when they are one).
    staff_id: uuid.UUID | None


@dataclass(frozen=True)
class HouseholdChoice:
    id: uuid.UUID
    village_id: uuid.UUID
    head: str
    health_record_no: str | None
    address: str
    members: int


@dataclass(frozen=True)
class SigningMember:
    resident_id: uuid.UUID
    name: str
    sex: int
    birth_date: date
    age: int
    relationship: str | None
    key_populations: tuple[KeyPopulation, ...]
    #: Under 14: a guardian must consent.
    guardian_required: bool
    #: Under 18: may not be confirmed by the representative, cannot represent alone.
    minor: bool
    #: The number of the contract that covers them now, if any.
    contract_no: str | None

    @property
    def relationship_label(self) -> str:
        return codes.RELATIONSHIP.get(self.relationship or "", "")


@dataclass(frozen=True)
class SigningHousehold:
    id: uuid.UUID
    village_id: uuid.UUID
    address: str
    head_id: uuid.UUID | None
    #: Registered members, the head first.
    members: tuple[SigningMember, ...]


@dataclass(frozen=True)
class DraftForSigning:
    contract_id: uuid.UUID
    contract_no: str
    household_id: uuid.UUID
    member_ids: tuple[uuid.UUID, ...]
    representative_id: uuid.UUID
    team_id: uuid.UUID
    doctor_id: uuid.UUID
    package_ids: tuple[uuid.UUID, ...]
    term_years: int


def signing_options(session: Session) -> SigningOptions:
    require(session, Permission.VIEW_RECORDS)
    villages = tuple(VillageChoice(v.id, v.name) for v in session.scalars(select(Village).order_by(Village.code)).all())
    teams = []
    for t in session.scalars(select(Team).where(Team.active).order_by(Team.name)).all():
        staff = [session.get(Staff, m.staff_id) for m in t.members]
        doctors = sorted(
            (s for s in staff if s is not None and s.active and s.role in DOCTOR_ROLES),
            key=lambda s: (s.id != t.leader_id, s.name),
        )
        teams.append(
            TeamChoice(
                t.id, t.name, tuple(v.id for v in t.villages), tuple(DoctorChoice(s.id, s.name) for s in doctors)
            )
        )
    packages = tuple(
        PackageChoice(
            p.id,
            p.name,
            PackageKind(p.kind),
            KeyPopulation(p.target_population) if p.target_population else None,
            p.fee_total_fen,
            p.fee_insurance_fen,
            p.fee_public_health_fen,
            p.fee_resident_fen,
        )
        for p in session.scalars(
            select(ServicePackage).where(ServicePackage.active).order_by(ServicePackage.kind, ServicePackage.code)
        ).all()
    )
    return SigningOptions(
        villages,
        tuple(teams),
        packages,
        get_setting(session, CONTRACT_DEFAULT_TERM_YEARS),
        today(session),
        actor_id(session),
    )


def find_households(session: Session, village_id: uuid.UUID, text: str = "") -> tuple[HouseholdChoice, ...]:
    """Households of the village matching ``text``: digits match the end of the head's health
    record number (the household's number in the village) or the address, other text the
    address, the head's name or initials. Empty text: the village's first households."""
    require(session, Permission.VIEW_RECORDS)
    words = re.sub(r"[%_\s]", "", text)[:40]
    head = aliased(Resident)
    members = (
        select(func.count(Resident.id))
        .where(
            Resident.household_id == Household.id,
            Resident.voided_at.is_(None),
            Resident.status == ResidentStatus.ACTIVE,
        )
        .correlate(Household)
        .scalar_subquery()
    )
    query = (
        select(Household.id, Household.village_id, head.name, head.health_record_no, Household.address, members)
        .join(head, head.id == Household.head_id)
        .where(Household.village_id == village_id, Household.voided_at.is_(None))
    )
    # Addresses are compared without their spaces, as the text typed is ("三组 7 号" or "三组7号").
    address = func.replace(Household.address, " ", "")
    if words.isdigit():
        query = query.where(or_(head.health_record_no.like(f"%{words}"), address.like(f"%{words}%"))).order_by(
            func.length(head.health_record_no), head.health_record_no
        )
    elif words:
        query = query.where(
            or_(
                address.like(f"%{words}%"),
                head.name.like(f"%{words}%"),
                head.name_initials.like(f"{words.lower()}%"),
            )
        ).order_by(head.name_pinyin)
    else:
        query = query.order_by(head.health_record_no)
    rows = session.execute(query.limit(HOUSEHOLDS_SHOWN)).all()
    return tuple(HouseholdChoice(*row) for row in rows)


def household_for_signing(session: Session, household_id: uuid.UUID) -> SigningHousehold:
    require(session, Permission.VIEW_RECORDS)
    h = get_household_row(session, household_id)
    on = today(session)
    rows = session.scalars(
        select(Resident)
        .where(
            Resident.household_id == h.id,
            Resident.voided_at.is_(None),
            Resident.status == ResidentStatus.ACTIVE,
        )
        .order_by(Resident.relationship_to_head, Resident.birth_date)
    ).all()
    rows = sorted(rows, key=lambda r: r.id != h.head_id)
    in_force: dict[uuid.UUID, str] = {
        rid: no
        for rid, no in session.execute(
            select(ContractMember.resident_id, Contract.contract_no)
            .join(Contract, Contract.id == ContractMember.contract_id)
            .where(ContractMember.is_active, ContractMember.resident_id.in_([r.id for r in rows]))
        ).all()
    }
    members = []
    for r in rows:
        age = age_on(r.birth_date, on) if r.birth_date <= on else 0
        tags = compute_tags(person_facts(r), on)
        members.append(
            SigningMember(
                resident_id=r.id,
                name=r.name,
                sex=r.sex,
                birth_date=r.birth_date,
                age=age,
                relationship=r.relationship_to_head,
                key_populations=tuple(k for k in KeyPopulation if k in tags),
                guardian_required=age < GUARDIAN_CONSENT_BELOW,
                minor=age < ADULT_AGE,
                contract_no=in_force.get(r.id),
            )
        )
    return SigningHousehold(h.id, h.village_id, h.address, h.head_id, tuple(members))


def draft_for_signing(session: Session, contract_id: uuid.UUID) -> DraftForSigning:
    require(session, Permission.VIEW_RECORDS)
    c = get_contract_row(session, contract_id)
    if c.status != ContractStatus.DRAFT or c.voided_at is not None or c.household_id is None:
        raise RuleError(
            msg(
                "合同 {contract_no} 不是可以签约的家庭签约草稿。",
                "Contract {contract_no} is not a household draft that can be signed.",
                contract_no=c.contract_no,
            )
        )
    return DraftForSigning(
        contract_id=c.id,
        contract_no=c.contract_no,
        household_id=c.household_id,
        member_ids=tuple(m.resident_id for m in c.members),
        representative_id=c.representative_id,
        team_id=c.team_id,
        doctor_id=c.doctor_id,
        package_ids=tuple(p.package_id for p in c.packages),
        term_years=c.term_years,
    )


def _check_signature(signature_png: bytes | None) -> bytes | None:
    """A drawing (PNG) to store, or None: signed by hand on the printed form."""
    if signature_png is None:
        return None
    if not signature_png.startswith(_PNG_MAGIC) or len(signature_png) > SIGNATURE_MAX_BYTES:
        raise ValidationError(
            msg(
                "签名图像无效，请清除后重新签名。",
                "The signature image is not valid: clear it and sign again.",
            ),
            field="signature",
        )
    return signature_png


def sign_draft(
    session: Session,
    contract_id: uuid.UUID,
    *,
    consents: Sequence[MemberConsent],
    signature_png: bytes | None,
    channel: SigningChannel | str = SigningChannel.DOOR_TO_DOOR,
) -> ContractInfo:
    """Sign a draft now (the unit of work's clock) with the members' consents and the
    signature drawn on the pad (None: signed by hand on the printed form)."""
    return lifecycle.sign_contract(
        session,
        contract_id,
        consents=consents,
        signed_at=now(session),
        channel=channel,
        signature_png=_check_signature(signature_png),
    )


def sign_household_contract(
    session: Session,
    *,
    household_id: uuid.UUID,
    member_ids: Sequence[uuid.UUID],
    representative_id: uuid.UUID,
    team_id: uuid.UUID,
    doctor_id: uuid.UUID,
    package_ids: Sequence[uuid.UUID],
    term_years: int,
    consents: Sequence[MemberConsent],
    signature_png: bytes | None,
    channel: SigningChannel | str = SigningChannel.DOOR_TO_DOOR,
) -> ContractInfo:
    """Draft a household contract starting today and sign it at once. Run it in one unit of
    work: when signing is refused, the draft is not kept either."""
    if not member_ids:
        raise ValidationError(msg("请至少选择一位签约成员。", "Choose at least one member."), field="member_ids")
    signature_png = _check_signature(signature_png)
    draft = lifecycle.draft_contract(
        session,
        household_id=household_id,
        member_ids=member_ids,
        representative_id=representative_id,
        team_id=team_id,
        doctor_id=doctor_id,
        package_ids=package_ids,
        start_date=today(session),
        term_years=term_years,
        channel=channel,
    )
    return sign_draft(session, draft.id, consents=consents, signature_png=signature_png, channel=channel)


def renew_with_consent_again(session: Session, contract_id: uuid.UUID) -> ContractInfo:
    """Renew now, with the same members, packages and doctor, each member confirming again
    the consent they gave to the contract (by the same person)."""
    require(session, Permission.MANAGE_CONTRACTS)
    old = get_contract_row(session, contract_id)
    covered = {
        m.resident_id
        for m in old.members
        if m.is_active or (old.status == ContractStatus.EXPIRED and m.ended_on == old.end_date)
    }
    registered = set(
        session.scalars(
            select(Resident.id).where(
                Resident.id.in_(covered), Resident.status == ResidentStatus.ACTIVE, Resident.voided_at.is_(None)
            )
        )
    )
    consents = []
    for m in old.members:
        if m.resident_id not in registered:
            continue
        given = stored_consent(m)
        if given is None:
            consents.append(MemberConsent(m.resident_id))
            continue
        g = given.guardian
        guardian = GuardianInput(g.name, g.relationship, g.id_number, g.id_type, g.phone) if g else None
        consents.append(MemberConsent(m.resident_id, given.by, guardian))
    return renewal.renew_contract(session, contract_id, consents=consents, signed_at=now(session))


def contract_signature(session: Session, contract_id: uuid.UUID) -> bytes | None:
    require(session, Permission.VIEW_RECORDS)
    return get_contract_row(session, contract_id).signature_png
