"""Households (head, members, relationships, voiding) and the villages and teams they live in."""

from __future__ import annotations

from datetime import date

import builders
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.errors import RuleError, ValidationError
from fdclient.models import AuditEntry, Household, Resident, Village
from fdclient.services.registry import households, resident_forms, resident_status
from fdclient.services.staff import organisation as staff

TODAY = builders.TODAY


@pytest.fixture
def session(admin_session: Session) -> Session:
    return admin_session


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
        today=TODAY,
    )


def test_register_a_household_with_a_new_head(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    assert info.address == "罗家村 三组 12 号" and info.phone == "0791-88123456"
    head = session.get(Resident, info.head_id)
    assert (head.name, head.household_id, head.relationship_to_head) == ("张三", info.id, "01")
    assert [m.name for m in info.members] == ["张三"] and info.members[0].relationship_label == "户主"
    audited = session.scalars(select(AuditEntry.table_name).where(AuditEntry.row_id == info.id)).all()
    assert "households" in audited


def test_a_refused_head_leaves_no_household_behind(session: Session, village: Village) -> None:
    with pytest.raises(ValidationError, match="校验位"):
        households.register_household(
            session,
            village_id=village.id,
            address="罗家村 1 号",
            head=resident_forms.ResidentInput(village_id=village.id, name="张三", id_number="110105194912310021"),
            today=TODAY,
        )
    assert session.scalar(select(func.count()).select_from(Household)) == 0
    # The session is still usable.
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


def test_add_new_and_existing_members(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    wife = households.add_member(
        session, info.id, builders.resident_input(village, name="李梅", sex=2), "10", today=TODAY
    )
    assert wife.household_id == info.id and wife.relationship_to_head == "10"
    elsewhere = households.register_household(
        session,
        village_id=village.id,
        address="罗家村 9 号",
        head=builders.resident_input(village, name="张大"),
        today=TODAY,
    )
    son = households.add_member(
        session,
        elsewhere.id,
        builders.resident_input(village, name="张小", birth_date=date(1990, 1, 1)),
        "20",
        today=TODAY,
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
        households.add_member(
            session, info.id, builders.resident_input(village, name="李梅", sex=2), relationship, today=TODAY
        )


def test_a_member_lives_in_the_household_village(session: Session, village: Village) -> None:
    info = register(session, village)
    other = builders.make_village(session)
    with pytest.raises(RuleError, match="同一个村"):
        households.add_member(session, info.id, builders.resident_input(other, name="李梅", sex=2), "10", today=TODAY)


def test_change_head(session: Session, village: Village) -> None:
    info = register(session, village, name="张三")
    son = households.add_member(
        session, info.id, builders.resident_input(village, name="张小", birth_date=date(1980, 1, 1)), "20", today=TODAY
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
    wife = households.add_member(
        session, info.id, builders.resident_input(village, name="李梅", sex=2), "10", today=TODAY
    )
    resident_status.mark_deceased(session, wife.id, date(2026, 3, 1), today=TODAY)
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
    assert voided.voided and session.get(Household, info.id).voided_by_id == session.info["actor_id"]
    with pytest.raises(RuleError, match="已作废"):
        households.add_member(session, info.id, builders.resident_input(village), "20", today=TODAY)


# --- villages, staff and teams --------------------------------------------------------------


def test_register_a_village_of_this_township(session: Session) -> None:
    info = staff.register_village(session, code="３６０１１１１０１２０１", name="罗家村", record_segment="101")
    assert info.code == "360111101201"
    with pytest.raises(ValidationError, match="不属于本乡镇"):
        staff.register_village(session, code="360111102201", name="外镇村", record_segment="102")
    with pytest.raises(ValidationError, match="已经登记过"):
        staff.register_village(session, code="360111101201", name="罗家村", record_segment="103")
    with pytest.raises(ValidationError, match="已由 罗家村 使用"):
        staff.register_village(session, code="360111101202", name="石岗村", record_segment="101")
    with pytest.raises(ValidationError, match="3 位数字"):
        staff.register_village(session, code="360111101202", name="石岗村", record_segment="12")


def test_a_team_always_includes_its_leader(session: Session, village: Village) -> None:
    leader = builders.make_staff(session, name="王医生", role="doctor")
    nurse = builders.make_staff(session, name="刘护士", role="nurse")
    team = staff.create_team(session, name="一队", leader_id=leader.id, member_ids=[nurse.id], village_ids=[village.id])
    assert set(team.member_ids) == {leader.id, nurse.id} and team.village_ids == (village.id,)
    with pytest.raises(ValidationError, match="人员类别"):
        staff.register_staff(session, name="赵六", role="janitor")
