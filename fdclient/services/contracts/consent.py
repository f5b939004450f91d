"""Consent per covered member, guardians (监护人) and the family representative (DOMAIN.md §4).

Health data is sensitive personal information: each covered member gives a separate
consent (PIPL art. 28-29) before a contract is signed, renewed or joined, given by
(:class:`ConsentBy`):

* the member (``self``), from 14 years of age;
* a guardian (``guardian``), who must consent for a member under 14 (PIPL art. 31) and may
  for a minor of 14-17 or for an adult without capacity (无民事行为能力或限制民事行为能力人:
  the doctor judges it; a guardian's consent for an adult records it). The guardian is named
  with relationship, document and phone; they need be neither a resident nor a covered
  member, and must be an adult when their document is an ID number;
* the family representative (``representative``), for an adult member who agreed in person
  while the representative signs; not for a minor, and not by a representative who signs
  through a guardian.

The family representative (家庭代表) is a covered member or an adult member of the
household who is not covered (a mother for her child's contract); a minor or a member
under guardianship may represent only when covered and consented for by a guardian, who
then signs. Nothing here writes except :func:`record_consent` on a member row; the use
cases check the permissions.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fdclient.domain import codes
from fdclient.domain.codes import ConsentBy, GuardianRelationship, ResidentStatus
from fdclient.domain.identity import parse_id_number
from fdclient.domain.key_populations import age_on
from fdclient.domain.validation import normalise_name, normalise_phone, refuse_control_characters
from fdclient.errors import RuleError, ValidationError
from fdclient.models import ContractMember, Resident
from fdclient.text import Text, msg

#: Under this age a guardian must consent (PIPL art. 31).
GUARDIAN_CONSENT_BELOW = 14
#: Full age (成年, 民法典 art. 17).
ADULT_AGE = 18
#: Longest guardian document number (the column's width).
DOCUMENT_MAX_LENGTH = 30

CONSENT_REQUIRED = msg(
    "签约前必须取得居民对处理其健康信息（敏感个人信息）的单独同意（《个人信息保护法》第二十八、二十九条）。"
    "请居民阅读同意条款并确认同意后再签约。",
    "A contract needs the resident's separate consent to the processing of their health information (sensitive"
    " personal information; Personal Information Protection Law, articles 28 and 29). Ask the resident to read the"
    " consent clause and agree before signing.",
)


@dataclass(frozen=True)
class GuardianInput:
    """The guardian as typed on the form."""

    name: str
    #: A :class:`GuardianRelationship` code: the guardian's relationship to the member.
    relationship: GuardianRelationship | str
    id_number: str
    #: A document type code of ``codes.ID_TYPE`` (01 resident ID card).
    id_type: str = "01"
    phone: str | None = None


@dataclass(frozen=True)
class GuardianInfo:
    """A checked guardian, as stored and shown."""

    name: str
    relationship: GuardianRelationship
    id_type: str
    id_number: str
    phone: str | None


@dataclass(frozen=True)
class MemberConsent:
    """One covered member's consent as given."""

    resident_id: uuid.UUID
    by: ConsentBy | str = ConsentBy.SELF
    #: Required when ``by`` is ``guardian``, and only then.
    guardian: GuardianInput | None = None


@dataclass(frozen=True)
class CheckedConsent:
    resident_id: uuid.UUID
    by: ConsentBy
    guardian: GuardianInfo | None


def _guardian_error(problem: Text, field: str) -> ValidationError:
    return ValidationError(
        msg("监护人信息有误：{problem}", "The guardian's details are wrong: {problem}", problem=problem), field=field
    )


def _document_number(g: GuardianInput, on: date) -> tuple[str, date | None]:
    """The guardian's document number, normalised, and the birth date an ID number gives."""
    if g.id_type in codes.GB11643_ID_TYPES:
        try:
            parsed = parse_id_number(g.id_number, today=on)
        except ValidationError as exc:
            raise _guardian_error(exc.text, "guardian_id_number") from exc
        return parsed.number, parsed.birth_date
    raw = (g.id_number or "").strip()
    refuse_control_characters(
        raw, label=msg("监护人证件号码", "guardian's document number"), field="guardian_id_number"
    )
    number = unicodedata.normalize("NFKC", raw).replace(" ", "").upper()
    if not number or len(number) > DOCUMENT_MAX_LENGTH:
        raise _guardian_error(
            msg(
                "证件号码不能为空，最多 {most} 个字符。",
                "the document number must not be empty and has at most {most} characters.",
                most=DOCUMENT_MAX_LENGTH,
            ),
            "guardian_id_number",
        )
    return number, None


def check_guardian(g: GuardianInput, member: Resident, on: date) -> GuardianInfo:
    """The guardian of ``member`` on ``on``, checked and normalised."""
    try:
        name = normalise_name(g.name)
    except ValidationError as exc:
        raise _guardian_error(exc.text, "guardian_name") from exc
    if g.relationship not in codes.GUARDIAN_RELATIONSHIP:
        raise _guardian_error(
            msg(
                "与被监护人的关系“{value}”不存在，应为：{known}。",
                "the relationship “{value}” does not exist; it must be one of: {known}.",
                value=g.relationship,
                known=msg(
                    "、".join(f"{r.value}（{r.label}）" for r in GuardianRelationship),
                    ", ".join(r.value for r in GuardianRelationship),
                ),
            ),
            "guardian_relationship",
        )
    if g.id_type not in codes.ID_TYPE:
        raise _guardian_error(
            msg("证件类型“{code}”不存在。", "there is no document type “{code}”.", code=g.id_type), "guardian_id_type"
        )
    number, birth = _document_number(g, on)
    if number == member.id_number:
        raise RuleError(
            msg(
                "监护人的证件号码与 {name} 本人的相同：监护人应为另一人。",
                "The guardian's document number is that of {name}: the guardian must be someone else.",
                name=member.name,
            ),
            field="guardian_id_number",
        )
    if birth is not None and age_on(birth, on) < ADULT_AGE:
        raise RuleError(
            msg(
                "监护人应为成年人：按证件号码，{guardian} 未满 {age} 周岁。",
                "A guardian must be an adult: by the ID number, {guardian} is under {age}.",
                guardian=name,
                age=ADULT_AGE,
            ),
            field="guardian_id_number",
        )
    phone = None
    if g.phone is not None and g.phone.strip():
        try:
            phone = normalise_phone(g.phone)
        except ValidationError as exc:
            raise _guardian_error(exc.text, "guardian_phone") from exc
    return GuardianInfo(name, GuardianRelationship(g.relationship), g.id_type, number, phone)


def _names(members: Sequence[Resident]) -> Text:
    return msg("、".join(r.name for r in members), ", ".join(r.name for r in members))


def _check_one(consent: MemberConsent, member: Resident, representative_id: uuid.UUID, on: date) -> CheckedConsent:
    if consent.by not in codes.CONSENT_BY:
        raise ValidationError(
            msg(
                "同意方式“{by}”不存在，应为 self（本人）、guardian（监护人）或 representative（家庭代表）。",
                "Consent by “{by}” does not exist; it must be self, guardian or representative.",
                by=consent.by,
            ),
            field="consents",
        )
    by = ConsentBy(consent.by)
    if by == ConsentBy.REPRESENTATIVE and member.id == representative_id:
        by = ConsentBy.SELF
    age = age_on(member.birth_date, on)
    if age < GUARDIAN_CONSENT_BELOW and by != ConsentBy.GUARDIAN:
        raise RuleError(
            msg(
                "{name} 未满 {age} 周岁，须由监护人同意处理其个人信息（《个人信息保护法》第三十一条）：请填写监护人。",
                "{name} is under {age}: their guardian must consent to the processing of their personal information"
                " (Personal Information Protection Law, article 31). Fill in the guardian.",
                name=member.name,
                age=GUARDIAN_CONSENT_BELOW,
            ),
            field="consents",
        )
    if age < ADULT_AGE and by == ConsentBy.REPRESENTATIVE:
        raise RuleError(
            msg(
                "{name} 未成年，家庭代表不能代为确认同意：应由本人（已满 {age} 周岁）或监护人同意。",
                "{name} is a minor: the family representative cannot confirm their consent; they consent themselves"
                " (from {age}) or through their guardian.",
                name=member.name,
                age=GUARDIAN_CONSENT_BELOW,
            ),
            field="consents",
        )
    if by == ConsentBy.GUARDIAN and consent.guardian is None:
        raise ValidationError(
            msg(
                "{name} 由监护人同意：请填写监护人信息。",
                "{name} consents through a guardian: fill in the guardian.",
                name=member.name,
            ),
            field="guardian_name",
        )
    if by != ConsentBy.GUARDIAN and consent.guardian is not None:
        raise ValidationError(
            msg(
                "{name} 不是由监护人同意的，不要填写监护人。",
                "{name} does not consent through a guardian: leave the guardian empty.",
                name=member.name,
            ),
            field="guardian_name",
        )
    guardian = check_guardian(consent.guardian, member, on) if consent.guardian is not None else None
    return CheckedConsent(member.id, by, guardian)


def check_consents(
    members: Sequence[Resident], consents: Sequence[MemberConsent], *, representative_id: uuid.UUID, on: date
) -> dict[uuid.UUID, CheckedConsent]:
    """Every member's consent given on ``on``, checked; a RuleError names the members
    without one."""
    by_member: dict[uuid.UUID, MemberConsent] = {}
    for consent in consents:
        if consent.resident_id in by_member:
            raise ValidationError(
                msg("同一成员的同意记录了两次。", "A member's consent was given twice."), field="consents"
            )
        by_member[consent.resident_id] = consent
    covered = {r.id for r in members}
    if set(by_member) - covered:
        raise RuleError(
            msg(
                "同意记录中有不在该合同中的居民：只有签约成员的同意才会记录。",
                "A consent names a resident who is not covered by the contract: only covered members consent.",
            ),
            field="consents",
        )
    missing = [r for r in members if r.id not in by_member]
    if missing:
        raise RuleError(
            msg(
                "{required}尚未同意的成员：{names}。",
                "{required} Members who have not consented: {names}.",
                required=CONSENT_REQUIRED,
                names=_names(missing),
            ),
            field="consents",
        )
    return {r.id: _check_one(by_member[r.id], r, representative_id, on) for r in members}


def check_signer(representative: Resident, consents: Mapping[uuid.UUID, CheckedConsent], on: date) -> None:
    """The family representative can sign (themselves, or a covered one through their
    guardian) and confirm the consent of the adults who agreed in person."""
    own = consents.get(representative.id)
    through_guardian = own is not None and own.by == ConsentBy.GUARDIAN
    if own is None and age_on(representative.birth_date, on) < ADULT_AGE:
        raise RuleError(
            msg(
                "家庭代表 {name} 未成年且不在本合同中：请指定已成年的家庭成员为家庭代表。",
                "The family representative {name} is a minor and not covered by the contract: name an adult member of"
                " the household as representative.",
                name=representative.name,
            ),
            field="representative_id",
        )
    if own is not None and not through_guardian and age_on(representative.birth_date, on) < ADULT_AGE:
        raise RuleError(
            msg(
                "家庭代表 {name} 未成年：应由其监护人代为签约，请填写监护人并选择“监护人”同意，"
                "或指定已成年的家庭成员为家庭代表。",
                "The family representative {name} is a minor: their guardian signs for them. Fill in the guardian and"
                " choose consent by the guardian, or name an adult member of the household as representative.",
                name=representative.name,
            ),
            field="representative_id",
        )
    if through_guardian and any(c.by == ConsentBy.REPRESENTATIVE for c in consents.values()):
        raise RuleError(
            msg(
                "家庭代表 {name} 由监护人代签，不能代其他成员确认同意：请各成员本人或其监护人同意。",
                "The family representative {name} signs through a guardian and cannot confirm other members' consent:"
                " each member consents themselves or through their guardian.",
                name=representative.name,
            ),
            field="consents",
        )


def check_representative(
    members: Sequence[Resident], representative: Resident, household_id: uuid.UUID | None, on: date
) -> None:
    """The representative is a covered member, or an active adult member of the household
    the contract is for."""
    if representative.id in {r.id for r in members}:
        return
    in_household = (
        household_id is not None
        and representative.household_id == household_id
        and representative.voided_at is None
        and representative.status == ResidentStatus.ACTIVE
    )
    if not in_household or age_on(representative.birth_date, on) < ADULT_AGE:
        raise RuleError(
            msg(
                "家庭代表应为签约成员，或该家庭中已满 {age} 周岁的在册成员。",
                "The family representative must be a covered member, or a registered member of the household aged"
                " {age} or over.",
                age=ADULT_AGE,
            ),
            field="representative_id",
        )


def record_consent(member: ContractMember, consent: CheckedConsent, at: datetime) -> None:
    """Write a checked consent given at ``at`` on the member's row."""
    g = consent.guardian
    member.consent_by, member.consented_at = consent.by, at
    member.guardian_name = g.name if g else None
    member.guardian_relationship = g.relationship if g else None
    member.guardian_id_type = g.id_type if g else None
    member.guardian_id_number = g.id_number if g else None
    member.guardian_phone = g.phone if g else None


def stored_consent(member: ContractMember) -> CheckedConsent | None:
    """The consent on a member's row (None when there is none), e.g. to carry it over to
    an automatic renewal."""
    if member.consent_by is None:
        return None
    guardian = None
    if member.guardian_name is not None:
        assert member.guardian_relationship and member.guardian_id_type and member.guardian_id_number
        guardian = GuardianInfo(
            member.guardian_name,
            GuardianRelationship(member.guardian_relationship),
            member.guardian_id_type,
            member.guardian_id_number,
            member.guardian_phone,
        )
    return CheckedConsent(member.resident_id, ConsentBy(member.consent_by), guardian)
