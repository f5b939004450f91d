"""What the contact cards (家庭医生联系卡, DOMAIN.md §7) of a batch carry: one
:class:`ContactCard` per resident covered by a contract in force, for the renderer
(:func:`fdclient.documents.cards.write_cards`).

:func:`contact_cards` selects the residents of one contract (``--contract NUMBER``), of
one village (``--village CODE``) or of the whole township, gives those who have none
their card numbers (:func:`fdclient.services.registry.card_tokens.ensure_card_tokens`:
a reprint keeps them), and records the print in the audit trail with counts only. It
needs ``PRINT``.

The front carries the resident's name, the ID number masked (first 6 and last 4 shown),
the health record number, the family doctor and the team with their phones, the centre
with its phone and service hours, the contract number and term and the QR code with the
card code. The back is the resident health-record card (居民健康档案信息卡) of the national
specification: blood group, chronic conditions, drug allergies, emergency contact,
address, the institution and the responsible doctor with their phones.

Two things of the official card are left out on purpose, because a card travels in a
wallet and can be lost: the birth date (with the region and the last four characters
printed, it would give the whole ID number back), and conditions that carry a stigma
(severe mental disorder, tuberculosis, hepatitis and other notifiable infections,
cancer): they are printed as 其他疾病, as the official card's list has no box for them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import AuditAction, ContractStatus, ResidentStatus
from fdclient.domain.identity import mask_id_number
from fdclient.domain.roles import Permission
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractMember, Diagnosis, Household, Resident, Staff, Team, Village
from fdclient.services.documents.centre import centre_details
from fdclient.services.registry.card_tokens import ensure_card_tokens
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require, today
from fdclient.text import msg

__all__ = ["CARD_CONDITIONS", "CardBatch", "ContactCard", "card_conditions", "contact_cards"]

#: Chronic conditions printed by name (the official card's boxes, with 慢阻肺 for its
#: 哮喘/chronic lung box): past-disease code → label. Any other recorded disease is
#: printed as :data:`OTHER_CONDITION`.
CARD_CONDITIONS: dict[str, str] = {
    "2": "高血压",
    "3": "糖尿病",
    "4": "冠心病",
    "7": "脑卒中",
    "5": "慢阻肺",
    "12": "职业病",
}
OTHER_CONDITION = "其他疾病"
NO_CONDITION = "无"
UNKNOWN = "不详"
_CHUNK = 500


@dataclass(frozen=True)
class ContactCard:
    """One card, front and back."""

    resident_id: uuid.UUID
    # Front.
    name: str
    sex: str
    #: First 6 and last 4 characters shown; "" when the resident has no ID number yet.
    id_number_masked: str
    health_record_no: str
    #: What the QR code holds.
    token: str
    #: 12 digits printed under the QR code.
    code: str
    contract_no: str
    start_date: date
    end_date: date
    team_name: str
    team_phone: str
    doctor_name: str
    doctor_phone: str
    institution_name: str
    centre_phone: str
    service_hours: str
    # Back: the resident health-record card.
    blood_group: str
    #: Names of the chronic conditions (see the module docstring), or ("无",).
    conditions: tuple[str, ...]
    #: Drug allergies, ("无",) or ("不详",) when none was recorded.
    allergies: tuple[str, ...]
    emergency_contact: str
    emergency_phone: str
    address: str
    household_phone: str
    responsible_doctor: str
    responsible_phone: str


@dataclass(frozen=True)
class CardBatch:
    cards: tuple[ContactCard, ...]
    #: The day the cards were made (printed on the back as 发卡日期).
    issued_on: date
    #: Residents who got their first card numbers with this batch.
    new_cards: int


def card_conditions(diseases: Iterable[str]) -> tuple[str, ...]:
    """The conditions printed for these past-disease codes (see :data:`CARD_CONDITIONS`)."""
    wanted = {d for d in diseases if d != "1"}  # 1 = 无
    named = tuple(label for code, label in CARD_CONDITIONS.items() if code in wanted)
    other = (OTHER_CONDITION,) if wanted - CARD_CONDITIONS.keys() else ()
    return named + other or (NO_CONDITION,)


def _allergies(codes_given: Sequence[str], other: str | None) -> tuple[str, ...]:
    if not codes_given:
        return (UNKNOWN,)
    labels = []
    for code in codes_given:
        if code == "5":
            labels.append((other or "").strip() or codes.DRUG_ALLERGY["5"])
        elif code in codes.DRUG_ALLERGY:
            labels.append(codes.DRUG_ALLERGY[code])
    real = [label for label in labels if label != "无"]
    return tuple(real) if real else ("无",)


def _blood_group(abo: str | None, rh: str | None) -> str:
    abo_label = codes.BLOOD_ABO.get(abo or "", "")
    rh_label = codes.BLOOD_RH.get(rh or "", "")
    if abo_label in ("", "不详") and rh_label in ("", "不详"):
        return UNKNOWN
    return f"{abo_label or UNKNOWN}  {rh_label if rh_label not in ('', '不详') else 'Rh不详'}"


def _selection(session: Session, village_code: str | None, contract_no: str | None) -> list[ColumnElement[bool]]:
    """The conditions choosing the residents (refusing an unknown village or contract, and
    a contract not in force)."""
    where: list[ColumnElement[bool]] = []
    if village_code is not None:
        code = village_code.strip()
        if session.scalar(select(Village.id).where(Village.code == code)) is None:
            raise ValidationError(
                msg("找不到村代码为 {code} 的村。", "No village has the code {code}.", code=code), field="village"
            )
        where.append(Village.code == code)
    if contract_no is not None:
        number = contract_no.strip()
        found = session.execute(
            select(Contract.status, Contract.voided_at).where(Contract.contract_no == number)
        ).one_or_none()
        if found is None:
            raise ValidationError(
                msg("找不到协议编号为 {no} 的协议。", "No contract has the number {no}.", no=number), field="contract"
            )
        status = ContractStatus(found.status)
        if status != ContractStatus.ACTIVE or found.voided_at is not None:
            raise RuleError(
                msg(
                    "协议 {no} 不在履约中（{status}），不能打印联系卡。",
                    "Contract {no} is not in force ({status}): no contact card can be printed.",
                    no=number,
                    status=status.label,
                ),
                field="contract",
            )
        where.append(Contract.contract_no == number)
    return where


_ROWS = (
    select(
        Resident.id,
        Resident.name,
        Resident.sex,
        Resident.id_number,
        Resident.health_record_no,
        Resident.blood_abo,
        Resident.blood_rh,
        Resident.drug_allergies,
        Resident.drug_allergy_other,
        Resident.contact_name,
        Resident.contact_phone,
        Resident.phone,
        Resident.responsible_doctor_id,
        Household.address,
        Household.phone.label("household_phone"),
        Contract.contract_no,
        Contract.start_date,
        Contract.end_date,
        Contract.team_id,
        Contract.doctor_id,
    )
    .select_from(ContractMember)
    .join(Contract, Contract.id == ContractMember.contract_id)
    .join(Resident, Resident.id == ContractMember.resident_id)
    .join(Village, Village.id == Resident.village_id)
    .outerjoin(Household, Household.id == Resident.household_id)
    .where(
        ContractMember.is_active,
        Contract.status == ContractStatus.ACTIVE,
        Contract.voided_at.is_(None),
        Resident.voided_at.is_(None),
        Resident.status == ResidentStatus.ACTIVE,
    )
    # A household's cards together, its head first, then by age.
    .order_by(
        Village.code,
        Contract.contract_no,
        case((Resident.id == Household.head_id, 0), else_=1),
        Resident.birth_date,
        Resident.id,
    )
)


def _diseases(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(Diagnosis.resident_id, Diagnosis.disease).where(
                Diagnosis.resident_id.in_(ids[start : start + _CHUNK]), Diagnosis.voided_at.is_(None)
            )
        )
        for rid, disease in rows:
            found[rid].append(disease)
    return found


Person = tuple[str, str]  # name, phone


def _names_and_phones(
    session: Session, model: type[Staff] | type[Team], ids: set[uuid.UUID]
) -> dict[uuid.UUID, Person]:
    rows = session.execute(select(model.id, model.name, model.phone).where(model.id.in_(ids)))
    return {row.id: (row.name, row.phone or "") for row in rows}


def _without_numbers(session: Session, ids: list[uuid.UUID]) -> int:
    """How many of these residents have no card numbers yet."""
    missing = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        missing += len(
            list(session.scalars(select(Resident.id).where(Resident.id.in_(chunk), Resident.card_token.is_(None))))
        )
    return missing


def contact_cards(session: Session, *, village_code: str | None = None, contract_no: str | None = None) -> CardBatch:
    """The cards of the residents covered by a contract in force: of the contract
    ``contract_no``, of the village ``village_code``, or (neither given) of the township.
    Residents without card numbers get theirs. An empty batch records nothing."""
    require(session, Permission.PRINT)
    rows = list(session.execute(_ROWS.where(*_selection(session, village_code, contract_no))))
    issued_on = today(session)
    if not rows:
        return CardBatch((), issued_on, 0)
    ids = [r.id for r in rows]
    new_cards = _without_numbers(session, ids)
    numbers = ensure_card_tokens(session, ids)
    diseases = _diseases(session, ids)
    doctor_ids = {r.doctor_id for r in rows} | {r.responsible_doctor_id for r in rows if r.responsible_doctor_id}
    staff = _names_and_phones(session, Staff, doctor_ids)
    teams = _names_and_phones(session, Team, {r.team_id for r in rows})
    centre = centre_details(session)
    cards = []
    for r in rows:
        doctor = staff.get(r.doctor_id, ("", ""))
        responsible = staff.get(r.responsible_doctor_id, doctor) if r.responsible_doctor_id else doctor
        team_name, team_phone = teams.get(r.team_id, ("", ""))
        cards.append(
            ContactCard(
                resident_id=r.id,
                name=r.name,
                sex=codes.SEX[str(r.sex)] if r.sex in (1, 2) else "",
                id_number_masked=mask_id_number(r.id_number),
                health_record_no=r.health_record_no or "",
                token=numbers[r.id].token,
                code=numbers[r.id].code,
                contract_no=r.contract_no,
                start_date=r.start_date,
                end_date=r.end_date,
                team_name=team_name,
                team_phone=team_phone,
                doctor_name=doctor[0],
                doctor_phone=doctor[1],
                institution_name=centre.institution_name,
                centre_phone=centre.phone,
                service_hours=centre.service_hours,
                blood_group=_blood_group(r.blood_abo, r.blood_rh),
                conditions=card_conditions(diseases.get(r.id, ())),
                allergies=_allergies(r.drug_allergies, r.drug_allergy_other),
                emergency_contact=r.contact_name or "",
                emergency_phone=r.contact_phone or "",
                address=r.address or "",
                household_phone=r.household_phone or r.phone or "",
                responsible_doctor=responsible[0],
                responsible_phone=responsible[1],
            )
        )
    details: dict[str, object] = {"cards": len(cards), "new_cards": new_cards}
    if village_code is not None:
        details["village"] = village_code.strip()
    if contract_no is not None:
        details["contract"] = contract_no.strip()
    record_event(session, AuditAction.PRINT, "contact_cards", details)
    return CardBatch(tuple(cards), issued_on, new_cards)
