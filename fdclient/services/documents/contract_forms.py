"""What the contract forms (签约服务协议书, DOMAIN.md §7) of a batch carry: one
:class:`ContractForm` per contract, for the renderer
(:func:`fdclient.documents.contract_form.write_contract_forms`).

:func:`contract_forms` selects one contract by number (any status but a discarded draft:
a draft prints with blank signature lines for signing by hand, an ended contract as a
copy), the contracts in force of a village or of a team, or contracts by id (the GUI's
selection). It needs ``PRINT`` and records the print in the audit trail with counts only;
a caller that writes the PDF in the same unit of work (as ``print-contracts`` does) has
the print recorded only when the file is complete.

A form shows everyone the contract covers or covered (a member who joined or left later
with the date), with the full ID numbers (the signed form is the resident's own legal
copy), each member's key populations on the contract's first day and who consented for
them, the guardians, the packages with their items and fees at the split agreed when the
contract was drafted (:func:`fdclient.services.contracts.fees.contract_fees`: the same
totals as every screen), the signature drawn on the pad when one was captured, and the
parties as 甲方/乙方 by the township's setting ``contract_party_a``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, selectinload

from fdclient.domain import codes
from fdclient.domain.codes import AuditAction, ConsentBy, ContractParty, ContractStatus, SigningChannel
from fdclient.domain.key_populations import KeyPopulation, compute_tags
from fdclient.domain.roles import Permission, Role
from fdclient.domain.time import china_date
from fdclient.models import (
    Contract,
    Household,
    Resident,
    Staff,
    Team,
    TeamMember,
    Village,
)
from fdclient.services.contracts.fees import FeeSplit, contract_fees_of
from fdclient.services.contracts.info import contract_party_a
from fdclient.services.documents.centre import Centre, centre_details
from fdclient.services.documents.contract_selection import load_contracts, load_rows, selected_contract_ids
from fdclient.services.documents.contract_terms import ContractTerms, load_contract_terms
from fdclient.services.registry.residents import person_facts
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require, today

__all__ = [
    "CATEGORY_GENERAL",
    "ContractForm",
    "ContractFormBatch",
    "FormGuardian",
    "FormMember",
    "FormPackage",
    "StaffLine",
    "contract_forms",
]

#: The tick for members of no key population.
CATEGORY_GENERAL = "一般人群"


@dataclass(frozen=True)
class StaffLine:
    """A team member on the form: what they do, name, phone."""

    duty: str
    name: str
    phone: str


@dataclass(frozen=True)
class FormMember:
    name: str
    sex: str
    birth_date: date
    relationship: str
    id_type: str
    #: The whole number (the form is the resident's own copy); "" when there is none.
    id_number: str
    key_populations: tuple[KeyPopulation, ...]
    consent_by: str
    joined_on: date | None
    ended_on: date | None
    is_representative: bool


@dataclass(frozen=True)
class FormGuardian:
    member_name: str
    name: str
    relationship: str
    id_type: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class FormPackage:
    name: str
    kind: str
    #: (item, times a year).
    items: tuple[tuple[str, int], ...]
    per_person_year: FeeSplit
    #: Covered persons summed over the years (2 members × 3 years = 6).
    person_years: int
    total: FeeSplit


@dataclass(frozen=True)
class ContractForm:
    contract_id: uuid.UUID
    contract_no: str
    status: ContractStatus
    channel: str
    party_a: ContractParty
    centre: Centre
    team_name: str
    team_phone: str
    #: Leader, the family doctor, nurse, public-health worker (those the team has).
    staff: tuple[StaffLine, ...]
    doctor_name: str
    doctor_phone: str
    village_name: str
    address: str
    household_phone: str
    representative: str
    representative_phone: str
    members: tuple[FormMember, ...]
    guardians: tuple[FormGuardian, ...]
    #: Every category with whether a member belongs to it (一般人群 first).
    categories: tuple[tuple[str, bool], ...]
    packages: tuple[FormPackage, ...]
    total: FeeSplit
    start_date: date
    end_date: date
    term_years: int
    auto_renew: bool
    #: The day it was signed (China time); None for a draft.
    signed_on: date | None
    #: The signature drawn on the pad (PNG), or None: signed by hand on paper.
    signature_png: bytes | None

    @property
    def party_b(self) -> ContractParty:
        return ContractParty.TEAM if self.party_a == ContractParty.RESIDENT else ContractParty.RESIDENT

    @property
    def guardian_signs(self) -> bool:
        """A guardian consented for a member (the form gets a guardian's signature line)."""
        return bool(self.guardians)


@dataclass(frozen=True)
class ContractFormBatch:
    forms: tuple[ContractForm, ...]
    terms: ContractTerms
    printed_on: date


def _staff_lines(team: Team | None, doctor: Staff | None, staff: dict[uuid.UUID, Staff]) -> tuple[StaffLine, ...]:
    lines: list[StaffLine] = []
    if team is not None and team.leader_id in staff:
        leader = staff[team.leader_id]
        lines.append(StaffLine("团队长", leader.name, leader.phone or ""))
    if doctor is not None:
        lines.append(StaffLine("家庭医生", doctor.name, doctor.phone or ""))
    if team is not None:
        members = [staff[m.staff_id] for m in team.members if m.staff_id in staff]
        for role, duty in ((Role.NURSE, "护士"), (Role.PUBLIC_HEALTH, "公卫人员")):
            found = next((s for s in members if s.role == role and s.active), None)
            if found is not None:
                lines.append(StaffLine(duty, found.name, found.phone or ""))
    return tuple(lines)


def _members(c: Contract, residents: dict[uuid.UUID, Resident]) -> tuple[list[FormMember], list[FormGuardian]]:
    ordered = sorted(
        (m for m in c.members if m.resident_id in residents),
        key=lambda m: (
            m.resident_id != c.representative_id,
            residents[m.resident_id].relationship_to_head or "99",
            residents[m.resident_id].birth_date,
        ),
    )
    members, guardians = [], []
    for m in ordered:
        r = residents[m.resident_id]
        covered_from = m.joined_on or c.start_date
        tags = compute_tags(person_facts(r), covered_from) if r.birth_date <= covered_from else frozenset()
        consent = ConsentBy(m.consent_by).label if m.consent_by else ""
        if m.consent_by == ConsentBy.REPRESENTATIVE:
            consent = "家庭代表"
        members.append(
            FormMember(
                name=r.name,
                sex=codes.SEX.get(str(r.sex), ""),
                birth_date=r.birth_date,
                relationship=codes.RELATIONSHIP.get(r.relationship_to_head or "", ""),
                id_type=codes.ID_TYPE.get(r.id_type, ""),
                id_number=r.id_number or "",
                key_populations=tuple(k for k in KeyPopulation if k in tags),
                consent_by=consent,
                joined_on=m.joined_on,
                ended_on=m.ended_on if m.ended_on is not None and m.ended_on < c.end_date else None,
                is_representative=r.id == c.representative_id,
            )
        )
        if m.guardian_name:
            guardians.append(
                FormGuardian(
                    member_name=r.name,
                    name=m.guardian_name,
                    relationship=codes.GUARDIAN_RELATIONSHIP.get(m.guardian_relationship or "", ""),
                    id_type=codes.ID_TYPE.get(m.guardian_id_type or "", ""),
                    id_number=m.guardian_id_number or "",
                    phone=m.guardian_phone or "",
                )
            )
    return members, guardians


def _categories(members: Sequence[FormMember]) -> tuple[tuple[str, bool], ...]:
    present = {k for m in members for k in m.key_populations}
    general = any(not m.key_populations for m in members)
    return ((CATEGORY_GENERAL, general), *((k.label, k in present) for k in KeyPopulation))


def _packages(c: Contract, residents: dict[uuid.UUID, Resident]) -> tuple[tuple[FormPackage, ...], FeeSplit]:
    fees = contract_fees_of(c, [(residents[m.resident_id], m.joined_on) for m in c.members])
    by_package = {cp.package_id: cp.package for cp in c.packages}
    packages = []
    for fee in fees.packages:
        package = by_package[fee.package_id]
        packages.append(
            FormPackage(
                name=fee.name,
                kind=codes.PACKAGE_KIND.get(package.kind, ""),
                items=tuple((item.name, item.times_per_year) for item in package.items),
                per_person_year=fee.per_person_year,
                person_years=fee.person_years,
                total=fee.total,
            )
        )
    packages.sort(key=lambda p: (p.kind != codes.PACKAGE_KIND["basic"], p.name))
    return tuple(packages), fees.total


def _signature(png: bytes | None) -> bytes | None:
    return png if png else None


def contract_forms(
    session: Session,
    *,
    village_code: str | None = None,
    contract_no: str | None = None,
    team_id: uuid.UUID | None = None,
    contract_ids: Sequence[uuid.UUID] | None = None,
) -> ContractFormBatch:
    """The forms of exactly one selection: one contract by number, the contracts in force
    of a village (by code) or of a team, or contracts by id (in that order)."""
    require(session, Permission.PRINT)
    party_a = contract_party_a(session)
    terms = load_contract_terms(party_a)
    ids = selected_contract_ids(session, village_code, contract_no, team_id, contract_ids)
    contracts = load_contracts(session, ids)
    resident_ids = {m.resident_id for c in contracts for m in c.members} | {c.representative_id for c in contracts}
    residents = load_rows(session, Resident, resident_ids, selectinload(Resident.pregnancies))
    households = load_rows(session, Household, {c.household_id for c in contracts if c.household_id})
    villages = load_rows(session, Village, {r.village_id for r in residents.values()})
    teams = load_rows(
        session, Team, {c.team_id for c in contracts}, selectinload(Team.members).selectinload(TeamMember.staff)
    )
    staff_ids = {c.doctor_id for c in contracts} | {t.leader_id for t in teams.values() if t.leader_id}
    staff_ids |= {m.staff_id for t in teams.values() for m in t.members}
    staff = load_rows(session, Staff, staff_ids)
    centre = centre_details(session)
    forms = []
    for c in contracts:
        representative = residents[c.representative_id]
        household = households.get(c.household_id) if c.household_id else None
        team, doctor = teams.get(c.team_id), staff.get(c.doctor_id)
        members, guardians = _members(c, residents)
        packages, total = _packages(c, residents)
        forms.append(
            ContractForm(
                contract_id=c.id,
                contract_no=c.contract_no,
                status=ContractStatus(c.status),
                channel=SigningChannel(c.channel).label,
                party_a=party_a,
                centre=centre,
                team_name=team.name if team else "",
                team_phone=(team.phone or "") if team else "",
                staff=_staff_lines(team, doctor, staff),
                doctor_name=doctor.name if doctor else "",
                doctor_phone=(doctor.phone or "") if doctor else "",
                village_name=villages[representative.village_id].name,
                address=household.address if household else "",
                household_phone=(household.phone or "") if household else "",
                representative=representative.name,
                representative_phone=representative.phone or "",
                members=tuple(members),
                guardians=tuple(guardians),
                categories=_categories(members),
                packages=packages,
                total=total,
                start_date=c.start_date,
                end_date=c.end_date,
                term_years=c.term_years,
                auto_renew=c.auto_renew,
                signed_on=china_date(c.signed_at) if c.signed_at and c.status != ContractStatus.DRAFT else None,
                signature_png=_signature(c.signature_png),
            )
        )
    if forms:
        details: dict[str, object] = {
            "forms": len(forms),
            "members": sum(len(f.members) for f in forms),
            "with_signature": sum(1 for f in forms if f.signature_png),
            "terms_version": terms.terms.version,
            "consent_version": terms.consent.version,
        }
        if village_code is not None:
            details["village"] = village_code.strip()
        if contract_no is not None:
            details["contract"] = contract_no.strip()
        if team_id is not None:
            details["team_id"] = str(team_id)
        row_id = forms[0].contract_id if len(forms) == 1 else None
        record_event(session, AuditAction.PRINT, "contract_form", details, row_id=row_id)
    return ContractFormBatch(tuple(forms), terms, today(session))
