"""Households (head, members, relationships, voiding) and the villages and teams they live in."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date

import pytest
from helpers import builders
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ResidentStatus
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import AuditEntry, Household, Resident, Village
from fdclient.services.registry import households, resident_forms, resident_status
from fdclient.services.staff import organisation as staff
from fdclient.store import Store
from fdclient.store.context import actor_id


@pytest.fixture
def village(session: Session) -> Village:
    return builders.make_village(session, name="罗家村")


def register(session: Session, village: Village, **head: object) -> households.HouseholdInfo:
    return households.register_household(
        session,
        village_id=village.id,
        address="  罗家村  三组 12 号 ",
        phone="0791-88123456",
        head=builders.resident_input(village, **head),
    )


def test_register_a_household_with_a_new_head(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    assert info.address == "罗家村 三组 12 号" and info.phone == "0791-88123456"
    head = session.get(Resident, info.head_id)
    assert (head.name, head.household_id, head.relationship_to_head) == ("张三", info.id, "01")
    assert [m.name for m in info.members] == ["张三"] and info.members[0].relationship_label == "户主"
    assert info.members[0].status is ResidentStatus.ACTIVE
    audited = session.scalars(select(AuditEntry.table_name).where(AuditEntry.row_id == info.id)).all()
    assert "households" in audited


def test_a_refused_head_leaves_no_household_behind(session: Session, village: Village) -> None:
    with pytest.raises(ValidationError, match="校验位"):
        households.register_household(
            session,
            village_id=village.id,
            address="罗家村 1 号",
            head=resident_forms.ResidentInput(village_id=village.id, name="张三", id_number="110105194912310021"),
        )
    assert session.scalar(select(func.count()).select_from(Household)) == 0
    # The unit of work is still usable.
    assert register(session, village).head_id is not None


def test_register_with_an_existing_resident_as_head(session: Session, village: Village) -> None:
    person = builders.make_resident(session, village, name="李四")
    info = households.register_household(session, village_id=village.id, address="罗家村 2 号", head=person.id)
    assert info.head_id == person.id and person.relationship_to_head == "01"


def test_a_household_needs_an_address(session: Session, village: Village) -> None:
    with pytest.raises(ValidationError, match="住址"):
        households.register_household(
            session, village_id=village.id, address="  ", head=builders.resident_input(village)
        )


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("罗家村\x00三组", "第 4 个字符是不可见的控制字符（U+0000）"),
        ("罗家村\n三组", "U+000A"),
        ("罗家村\u202e三组", "U+202E"),
        ("村" * 201, "家庭住址太长：最多 200 个字，实际为 201 个"),
    ],
)
def test_an_address_with_control_characters_or_too_long_is_refused(
    session: Session, village: Village, address: str, words: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(words)) as error:
        households.register_household(
            session, village_id=village.id, address=address, head=builders.resident_input(village)
        )
    assert error.value.field == "address"


def test_a_bad_household_phone_is_refused_without_repeating_it(session: Session, village: Village) -> None:
    with pytest.raises(ValidationError, match="缺少区号") as error:
        households.register_household(
            session,
            village_id=village.id,
            address="罗家村 3 号",
            phone="6712345",
            head=builders.resident_input(village),
        )
    assert "6712345" not in error.value.message and error.value.field == "phone"


def test_add_new_and_existing_members(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    wife = households.add_member(session, info.id, builders.resident_input(village, name="李梅", sex=2), "10")
    assert wife.household_id == info.id and wife.relationship_to_head == "10"
    elsewhere = households.register_household(
        session, village_id=village.id, address="罗家村 9 号", head=builders.resident_input(village, name="张大")
    )
    son = households.add_member(
        session, elsewhere.id, builders.resident_input(village, name="张小", birth_date=date(1990, 1, 1)), "20"
    )
    moved = households.add_member(session, info.id, son.id, "40")
    assert moved.household_id == info.id
    members = households.get_household(session, info.id).members
    assert [m.name for m in members][0] == "张三" and {m.name for m in members} == {"张三", "李梅", "张小"}


def test_the_head_of_another_household_cannot_just_move(session: Session, village: Village) -> None:
    a = register(session, village, name="张三")
    b = register(session, village, name="李四")
    with pytest.raises(RuleError, match="更换户主"):
        households.add_member(session, a.id, b.head_id, "70")


@pytest.mark.parametrize("relationship, error", [("01", "更换户主"), ("33", "与户主关系")])
def test_member_relationship_is_checked(session: Session, village: Village, relationship: str, error: str) -> None:
    info = register(session, village)
    with pytest.raises(ValidationError, match=error):
        households.add_member(session, info.id, builders.resident_input(village, name="李梅", sex=2), relationship)


def test_a_member_lives_in_the_household_village(session: Session, village: Village) -> None:
    info = register(session, village)
    other = builders.make_village(session)
    with pytest.raises(RuleError, match="同一个村"):
        households.add_member(session, info.id, builders.resident_input(other, name="李梅", sex=2), "10")


def test_change_head(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    son = households.add_member(
        session, info.id, builders.resident_input(village, name="张小", birth_date=date(1980, 1, 1)), "20"
    )
    with pytest.raises(ValidationError, match="原户主 张三"):
        households.change_head(session, info.id, son.id)
    after = households.change_head(session, info.id, son.id, old_head_relationship="50")
    assert after.head_id == son.id
    assert session.get(Resident, info.head_id).relationship_to_head == "50"
    assert session.get(Resident, son.id).relationship_to_head == "01"
    with pytest.raises(RuleError, match="已经是户主"):
        households.change_head(session, info.id, son.id, old_head_relationship="50")


def test_only_a_living_member_becomes_head(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    stranger = builders.make_resident(session, village, name="王五")
    with pytest.raises(RuleError, match="不是该家庭的成员"):
        households.change_head(session, info.id, stranger.id, old_head_relationship="80")
    wife = households.add_member(session, info.id, builders.resident_input(village, name="李梅", sex=2), "10")
    resident_status.mark_deceased(session, wife.id, date(2026, 3, 1))
    with pytest.raises(RuleError, match="已死亡"):
        households.change_head(session, info.id, wife.id, old_head_relationship="10")


def test_void_a_household_once_its_members_are_gone(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    with pytest.raises(RuleError, match="张三"):
        households.void_household(session, info.id, "重复登记")
    resident_status.void_resident(session, info.head_id, "重复登记")
    with pytest.raises(ValidationError, match="原因"):
        households.void_household(session, info.id, "")
    voided = households.void_household(session, info.id, "重复登记")
    assert voided.voided and session.get(Household, info.id).voided_by_id == actor_id(session)
    with pytest.raises(RuleError, match="已作废"):
        households.add_member(session, info.id, builders.resident_input(village), "20")
    with pytest.raises(RuleError, match="已作废"):
        households.void_household(session, info.id, "再来一次")


def test_a_household_with_a_contract_in_force_is_not_voided(session: Session, village: Village) -> None:
    team, doctor = builders.make_team(session, villages=[village])
    household = builders.make_household(session, village, members=[("张三", date(1950, 3, 1), 1, "01")])
    contract = builders.make_signed_contract(session, household, team, doctor, [builders.make_basic_package(session)])
    head = session.get(Resident, household.head_id)
    head.voided_at, head.void_reason = builders.signed_at(builders.TODAY), "测试"  # members gone, contract stays
    session.flush()
    with pytest.raises(RuleError, match=f"履约中的签约合同 {contract.contract_no}"):
        households.void_household(session, household.id, "重复登记")


# --- permissions and messages ---------------------------------------------------------------


def test_a_nurse_registers_and_edits_households(store_as: Callable[[Role], Store]) -> None:
    with store_as(Role.NURSE).write() as session:
        village = builders.make_village(session)
        info = register(session, village, name="张三")
        after = households.update_household(session, info.id, address="罗家村 5 号", phone=None)
        assert (after.address, after.phone) == ("罗家村 5 号", None)
        assert households.get_household(session, info.id).head_id == info.head_id


def test_the_administrator_may_not_register_or_read_households(store_as: Callable[[Role], Store]) -> None:
    with store_as(Role.DOCTOR).write() as session:
        village = builders.make_village(session)
        info = register(session, village, name="张三")
    with store_as(Role.ADMIN).write() as session:
        village = builders.make_village(session)
        for use_case in (
            lambda: register(session, village),
            lambda: households.get_household(session, info.id),
            lambda: households.update_household(session, info.id, address="罗家村 5 号", phone=None),
            lambda: households.add_member(session, info.id, builders.resident_input(village), "20"),
            lambda: households.change_head(session, info.id, info.head_id),
            lambda: households.void_household(session, info.id, "重复登记"),
        ):
            with pytest.raises(PermissionDenied, match="登记家庭和居民|查看居民档案"):
                use_case()
        assert session.scalar(select(func.count()).select_from(Household)) == 0


def test_messages_in_english(session: Session, village: Village, english: None) -> None:
    with pytest.raises(ValidationError) as error:
        households.register_household(
            session, village_id=village.id, address="  ", head=builders.resident_input(village)
        )
    assert error.value.message == "Please fill in the home address."
    info = register(session, village, name="张三")
    with pytest.raises(RuleError) as rule:
        households.void_household(session, info.id, "重复登记")
    assert rule.value.message.startswith("The household still has members whose files are not voided (1: 张三)")
    with pytest.raises(ValidationError) as missing:
        households.void_household(session, uuid.uuid4(), "重复登记")
    assert missing.value.message == "Could not find the household: refresh and try again."


# --- villages, staff and teams --------------------------------------------------------------


def test_register_a_village_of_this_township(session: Session) -> None:
    with builders.as_admin(session):
        info = staff.register_village(session, code="３６０１１１１０１２０１", name="罗家村", record_segment="101")
        assert info.code == "360111101201" and info.warnings == ()
        with pytest.raises(ValidationError, match="已经登记过"):
            staff.register_village(session, code="360111101201", name="罗家村", record_segment="103")
        with pytest.raises(ValidationError, match="已由 罗家村 使用"):
            staff.register_village(session, code="360111101202", name="石岗村", record_segment="101")
        with pytest.raises(ValidationError, match="3 位数字"):
            staff.register_village(session, code="360111101202", name="石岗村", record_segment="12")


def test_a_village_that_kept_its_old_code_after_a_merger_is_registered_with_a_warning(session: Session) -> None:
    with builders.as_admin(session):
        info = staff.register_village(session, code="360111102201", name="外镇村", record_segment="102")
    assert info.code == "360111102201"
    assert len(info.warnings) == 1 and "前 9 位不是本乡镇代码 360111101" in str(info.warnings[0])
    assert session.get(Village, info.id).code == "360111102201"
    with builders.as_admin(session), pytest.raises(ValidationError, match="12 位数字"):
        staff.register_village(session, code="3601111022011", name="错码村", record_segment="103")


def test_a_team_always_includes_its_leader(session: Session, village: Village) -> None:
    leader = builders.make_staff(session, name="王医生", role="doctor")
    nurse = builders.make_staff(session, name="刘护士", role="nurse")
    with builders.as_admin(session):
        team = staff.create_team(
            session, name="一队", leader_id=leader.id, member_ids=[nurse.id], village_ids=[village.id]
        )
        assert set(team.member_ids) == {leader.id, nurse.id} and team.village_ids == (village.id,)
        with pytest.raises(ValidationError, match="人员类别"):
            staff.register_staff(session, name="赵六", role="janitor")
