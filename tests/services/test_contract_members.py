"""Contract members: consent per covered member, guardians (监护人) for children and people
without capacity, the family representative who need not be covered, and a newborn or a
new household member joining a contract in force."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from helpers import builders
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fdclient.domain.codes import ConsentBy, ContractScope, ContractStatus, GuardianRelationship, ServiceKind
from fdclient.errors import RuleError, ValidationError
from fdclient.models import ContractMember, Household, PlannedService, Resident, ServicePackage, Staff, Team, Village
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts.consent import GuardianInfo, GuardianInput, MemberConsent
from fdclient.services.registry import households

START = date(2026, 1, 1)
MOTHER_BIRTH, CHILD_BIRTH, TEEN_BIRTH = date(1990, 5, 1), date(2021, 3, 1), date(2010, 9, 1)


@dataclass
class Family:
    """A mother with a child of 4 and a girl of 15 (on 1 January 2026), a team, the basic
    package."""

    session: Session
    village: Village
    team: Team
    doctor: Staff
    household: Household
    basic: ServicePackage

    def member(self, name: str) -> Resident:
        return next(m for m in self.household.members if m.name == name)

    @property
    def mother(self) -> Resident:
        return self.member("王芳")

    @property
    def child(self) -> Resident:
        return self.member("王小明")

    @property
    def teen(self) -> Resident:
        return self.member("王小红")

    def mothers_guardianship(self) -> GuardianInput:
        """The mother as guardian, as typed on the form."""
        assert self.mother.id_number is not None
        return GuardianInput(name="王芳", relationship="mother", id_number=self.mother.id_number, phone="13900139001")

    def draft(self, members: list[Resident], representative: Resident, **overrides: object) -> contracts.ContractInfo:
        args: dict[str, object] = dict(
            household_id=self.household.id,
            member_ids=[m.id for m in members],
            representative_id=representative.id,
            team_id=self.team.id,
            doctor_id=self.doctor.id,
            package_ids=[self.basic.id],
            start_date=START,
        )
        return contracts.draft_contract(self.session, **{**args, **overrides})

    def sign(self, contract_id: uuid.UUID, consents: list[MemberConsent]) -> contracts.ContractInfo:
        return contracts.sign_contract(
            self.session, contract_id, consents=consents, signed_at=builders.signed_at(START), channel="door_to_door"
        )


@pytest.fixture
def f(session: Session) -> Family:
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    household = builders.make_household(
        session,
        village,
        members=[("王芳", MOTHER_BIRTH, 2, "01"), ("王小明", CHILD_BIRTH, 1, "20"), ("王小红", TEEN_BIRTH, 2, "30")],
    )
    return Family(session, village, team, doctor, household, builders.make_basic_package(session))


# --- guardians and the representative ------------------------------------------------------------


def test_a_childs_contract_is_signed_by_the_guardian_who_is_not_covered(f: Family) -> None:
    """The mother represents and consents for her child; only the child is covered (before:
    the representative had to be a covered member, so the child signed)."""
    draft = f.draft([f.child], f.mother)
    signed = f.sign(draft.id, [MemberConsent(f.child.id, ConsentBy.GUARDIAN, f.mothers_guardianship())])
    assert signed.status == ContractStatus.ACTIVE and signed.representative_id == f.mother.id
    (member,) = signed.members
    assert (member.resident_id, member.consent_by, member.consented_at) == (
        f.child.id,
        ConsentBy.GUARDIAN,
        builders.signed_at(START),
    )
    assert member.guardian == GuardianInfo(
        "王芳", GuardianRelationship.MOTHER, "01", f.mothers_guardianship().id_number, "13900139001"
    )


def test_a_child_under_14_consents_only_through_a_guardian(f: Family) -> None:
    draft = f.draft([f.mother, f.child], f.mother)
    for by in (ConsentBy.SELF, ConsentBy.REPRESENTATIVE):
        with pytest.raises(RuleError, match="王小明 未满 14 周岁，须由监护人同意") as error:
            f.sign(draft.id, [MemberConsent(f.mother.id), MemberConsent(f.child.id, by)])
        assert error.value.field == "consents"


def test_a_minor_of_14_to_17_consents_themselves_or_through_a_guardian(f: Family) -> None:
    draft = f.draft([f.mother, f.teen], f.mother)
    with pytest.raises(RuleError, match="王小红 未成年，家庭代表不能代为确认同意"):
        f.sign(draft.id, [MemberConsent(f.mother.id), MemberConsent(f.teen.id, ConsentBy.REPRESENTATIVE)])
    signed = f.sign(draft.id, [MemberConsent(f.mother.id), MemberConsent(f.teen.id, ConsentBy.SELF)])
    assert {m.resident_id: m.consent_by for m in signed.members} == {
        f.mother.id: ConsentBy.SELF,
        f.teen.id: ConsentBy.SELF,
    }


def test_adults_consent_themselves_through_the_representative_or_a_guardian(session: Session) -> None:
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    household = builders.make_household(
        session,
        village,
        members=[
            ("张三", date(1950, 3, 1), 1, "01"),
            ("李梅", date(1952, 8, 9), 2, "10"),
            ("张强", date(1975, 1, 2), 1, "20"),
        ],
    )
    head, spouse, son = (next(m for m in household.members if m.name == name) for name in ("张三", "李梅", "张强"))
    draft = contracts.draft_contract(
        session,
        household_id=household.id,
        representative_id=head.id,
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[builders.make_basic_package(session).id],
        start_date=START,
    )
    # The spouse agreed in person while the head signed; the son lacks capacity (his guardian).
    guardian = builders.guardian(name="张三", relationship="father")
    signed = contracts.sign_contract(
        session,
        draft.id,
        consents=[
            MemberConsent(head.id, ConsentBy.REPRESENTATIVE),
            MemberConsent(spouse.id, ConsentBy.REPRESENTATIVE),
            MemberConsent(son.id, ConsentBy.GUARDIAN, guardian),
        ],
        signed_at=builders.signed_at(START),
        channel="clinic",
    )
    assert {m.resident_id: m.consent_by for m in signed.members} == {
        head.id: ConsentBy.SELF,  # the representative's own consent is their own
        spouse.id: ConsentBy.REPRESENTATIVE,
        son.id: ConsentBy.GUARDIAN,
    }


def test_the_guardian_is_checked(f: Family) -> None:
    draft = f.draft([f.child], f.mother)
    good = f.mothers_guardianship()

    def sign_with(guardian: GuardianInput | None, by: ConsentBy = ConsentBy.GUARDIAN) -> contracts.ContractInfo:
        return f.sign(draft.id, [MemberConsent(f.child.id, by, guardian)])

    with pytest.raises(ValidationError, match="请填写监护人信息"):
        sign_with(None)
    with pytest.raises(ValidationError, match="与被监护人的关系“aunt”不存在"):
        sign_with(GuardianInput("王芳", "aunt", good.id_number))
    with pytest.raises(ValidationError, match="监护人信息有误：身份证号码校验位错误") as error:
        sign_with(GuardianInput("王芳", "mother", good.id_number[:17] + ("0" if good.id_number[17] != "0" else "1")))
    assert error.value.field == "guardian_id_number"
    with pytest.raises(RuleError, match="监护人应为成年人"):
        sign_with(GuardianInput("王小红", "sibling", builders.new_id_number(TEEN_BIRTH, 2)))
    assert f.child.id_number is not None
    with pytest.raises(RuleError, match="监护人应为另一人"):
        sign_with(GuardianInput("王小明", "other", f.child.id_number))
    with pytest.raises(ValidationError, match="电话号码格式不对"):
        sign_with(GuardianInput("王芳", "mother", good.id_number, phone="12345"))
    # A guardian without a Chinese ID card (a passport) is accepted.
    signed = sign_with(GuardianInput("Anna Schmidt", "other_relative", "c01x00t47", id_type="03"))
    assert signed.members[0].guardian == GuardianInfo(
        "Anna Schmidt", GuardianRelationship.OTHER_RELATIVE, "03", "C01X00T47", None
    )


def test_a_guardian_is_named_only_for_consent_through_a_guardian(f: Family) -> None:
    draft = f.draft([f.mother], f.mother)
    with pytest.raises(ValidationError, match="不要填写监护人"):
        f.sign(draft.id, [MemberConsent(f.mother.id, ConsentBy.SELF, f.mothers_guardianship())])
    member = f.session.scalars(select(ContractMember).where(ContractMember.contract_id == draft.id)).one()
    with pytest.raises(IntegrityError, match="guardian_complete"), f.session.begin_nested():
        member.consent_by, member.consented_at = ConsentBy.GUARDIAN, datetime(2026, 1, 1, tzinfo=UTC)
        f.session.flush()


def test_a_minor_representative_signs_through_a_guardian(f: Family) -> None:
    with pytest.raises(RuleError, match="已满 18 周岁的在册成员"):  # not covered and a minor
        f.draft([f.mother], f.teen)
    alone = f.draft([f.teen], f.teen, scope=ContractScope.INDIVIDUAL, household_id=None)
    with pytest.raises(RuleError, match="家庭代表 王小红 未成年：应由其监护人代为签约"):
        f.sign(alone.id, [MemberConsent(f.teen.id, ConsentBy.SELF)])
    signed = f.sign(alone.id, [MemberConsent(f.teen.id, ConsentBy.GUARDIAN, f.mothers_guardianship())])
    assert signed.status == ContractStatus.ACTIVE and signed.members[0].consent_by == ConsentBy.GUARDIAN


def test_a_representative_under_guardianship_confirms_nobody_elses_consent(f: Family) -> None:
    draft = f.draft([f.teen, f.mother], f.teen)
    with pytest.raises(RuleError, match="由监护人代签，不能代其他成员确认同意"):
        f.sign(
            draft.id,
            [
                MemberConsent(f.teen.id, ConsentBy.GUARDIAN, f.mothers_guardianship()),
                MemberConsent(f.mother.id, ConsentBy.REPRESENTATIVE),
            ],
        )


def test_a_representative_who_is_not_covered_is_warned_about_when_they_leave(f: Family) -> None:
    signed = f.sign(
        f.draft([f.child], f.mother).id,
        [MemberConsent(f.child.id, ConsentBy.GUARDIAN, f.mothers_guardianship())],
    )
    ended = contracts.end_membership(f.session, f.mother.id, date(2026, 5, 1), reason="moved_out")
    assert (ended.left, ended.terminated) == ((), ())
    assert [str(w) for w in ended.warnings] == [
        f"王芳 是合同 {signed.contract_no} 的家庭代表，请为该合同指定新的家庭代表。"
    ]


# --- joining a contract in force --------------------------------------------------------------------


def _newborn(f: Family, born: date = date(2026, 3, 10)) -> Resident:
    info = households.add_member(
        f.session,
        f.household.id,
        builders.resident_input(f.village, name="王小宝", birth_date=born, sex=1, with_id=False),
        "20",
    )
    row = f.session.get(Resident, info.id)
    assert row is not None
    return row


def _signed_with_mother(f: Family) -> contracts.ContractInfo:
    return f.sign(f.draft([f.mother], f.mother).id, [MemberConsent(f.mother.id)])


def test_a_newborn_joins_an_active_contract_from_a_date(f: Family) -> None:
    signed = _signed_with_mother(f)
    baby = _newborn(f)
    consent = MemberConsent(baby.id, ConsentBy.GUARDIAN, f.mothers_guardianship())
    joined = contracts.join_contract(f.session, signed.id, baby.id, joined_on=date(2026, 3, 10), consent=consent)
    member = next(m for m in joined.members if m.resident_id == baby.id)
    assert (member.is_active, member.joined_on, member.consent_by) == (True, date(2026, 3, 10), ConsentBy.GUARDIAN)
    assert member.consented_at == datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # given now: 10:00 China time
    services = f.session.scalars(
        select(PlannedService)
        .where(PlannedService.resident_id == baby.id)
        .order_by(PlannedService.service_kind, PlannedService.window_start)
    ).all()
    # From the day he joined: the assessment of the year, the education windows that end later.
    assert [(p.service_kind, p.sequence, p.window_start, p.window_end) for p in services] == [
        (ServiceKind.HEALTH_ASSESSMENT, 1, date(2026, 3, 10), date(2026, 12, 31)),
        (ServiceKind.HEALTH_EDUCATION, 1, date(2026, 3, 10), date(2026, 7, 1)),
        (ServiceKind.HEALTH_EDUCATION, 2, date(2026, 7, 2), date(2026, 12, 31)),
    ]
    # The fee now counts him for the contract year he joined in.
    assert (signed.fee_total_fen, joined.fee_total_fen) == (5500, 11000)


def test_joining_is_checked(f: Family) -> None:
    signed = _signed_with_mother(f)
    baby = _newborn(f)
    guardian = MemberConsent(baby.id, ConsentBy.GUARDIAN, f.mothers_guardianship())

    def join(
        resident: Resident, on: date, consent: MemberConsent = guardian, contract: uuid.UUID = signed.id
    ) -> object:
        return contracts.join_contract(f.session, contract, resident.id, joined_on=on, consent=consent)

    for too_early_or_late in (date(2026, 3, 9), date(2026, 6, 2)):  # before the birth, after today
        with pytest.raises(ValidationError, match="加入日期 .* 不对：应在 2026-03-10 到 2026-06-01 之间"):
            join(baby, too_early_or_late)
    with pytest.raises(RuleError, match="王小宝 未满 14 周岁"):
        join(baby, date(2026, 3, 10), MemberConsent(baby.id))
    with pytest.raises(ValidationError, match="同意记录应为加入的居民本人的"):
        join(baby, date(2026, 3, 10), MemberConsent(f.teen.id))
    with pytest.raises(RuleError, match="已是（或曾是）合同"):
        join(f.mother, date(2026, 3, 10), MemberConsent(f.mother.id))
    stranger = builders.make_resident(f.session, f.village, name="赵六")
    with pytest.raises(RuleError, match="赵六 不是该家庭的在册成员"):
        join(stranger, date(2026, 3, 10), MemberConsent(stranger.id))
    draft = f.draft([f.teen], f.mother)
    with pytest.raises(RuleError, match="不是履约中的家庭签约（状态为“草稿”）"):
        join(baby, date(2026, 3, 10), contract=draft.id)
    # The teen already has another contract in force: one family doctor at a time.
    f.sign(draft.id, [MemberConsent(f.teen.id)])
    with pytest.raises(RuleError, match="同一居民同一时间只能有一位家庭医生"):
        join(f.teen, date(2026, 3, 10), MemberConsent(f.teen.id))


# --- messages in English ----------------------------------------------------------------------------


def test_consent_messages_render_in_english(f: Family, english: None) -> None:
    draft = f.draft([f.child], f.mother)
    with pytest.raises(RuleError) as child:
        f.sign(draft.id, [MemberConsent(f.child.id)])
    assert child.value.message.startswith("王小明 is under 14: their guardian must consent")
    with pytest.raises(ValidationError) as relationship:
        f.sign(draft.id, [MemberConsent(f.child.id, ConsentBy.GUARDIAN, GuardianInput("王芳", "aunt", "x"))])
    assert relationship.value.message.startswith("The guardian's details are wrong: the relationship “aunt”")
    with pytest.raises(RuleError) as missing:
        f.sign(draft.id, [])
    assert missing.value.message.endswith("Members who have not consented: 王小明.")
