"""A village's households with their status (signed, expiring, not signed, follow-up due),
sorted and filtered in SQL; a household's members; possible duplicates of a new file."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import builders
from sqlalchemy.orm import Session

from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.models import Household, Village
from fdclient.services.registry import duplicates, resident_status
from fdclient.services.registry import village_lists as lists
from fdclient.services.registry.village_lists import HouseholdFilter, HouseholdSort, SignStatus


@pytest.fixture
def scene(session: Session) -> dict[str, object]:
    village = builders.make_village(session, name="罗家村")
    other = builders.make_village(session, name="王家村")
    team, doctor = builders.make_team(session, villages=[village])
    basic = builders.make_basic_package(session)
    hypertension = builders.make_hypertension_package(session)
    signed = builders.make_household(session, village, address="一组 1 号")
    builders.make_signed_contract(session, signed, team, doctor, [basic])
    expiring = builders.make_household(
        session, village, address="一组 2 号", members=[("李四", date(1955, 1, 2), 1, "01")]
    )
    builders.make_signed_contract(session, expiring, team, doctor, [basic], start_date=date(2025, 6, 20))
    patient = builders.make_household(
        session,
        village,
        address="二组 3 号",
        members=[
            ("赵六", date(1948, 4, 4), 1, "01"),
            ("钱七", date(1950, 5, 5), 2, "10"),
            ("孙八", date(2022, 1, 1), 1, "20"),
        ],
        has_hypertension=True,
    )
    builders.make_signed_contract(session, patient, team, doctor, [basic, hypertension])
    unsigned = builders.make_household(
        session, village, address="三组 9 号", members=[("周九", date(1990, 9, 9), 2, "01")]
    )
    builders.make_household(session, other, address="外村 1 号")
    return {
        "village": village,
        "other": other,
        "signed": signed,
        "expiring": expiring,
        "patient": patient,
        "unsigned": unsigned,
    }


def ids_of(*households: object) -> list[object]:
    return [h.id for h in households]  # type: ignore[attr-defined]


def test_villages_with_their_household_counts(session: Session, scene: dict[str, object]) -> None:
    villages = {v.name: v.households for v in lists.list_villages(session)}
    assert villages["罗家村"] == 4 and villages["王家村"] == 1


def test_the_status_of_each_household(session: Session, scene: dict[str, object]) -> None:
    village = scene["village"]
    assert isinstance(village, Village)
    ids = lists.household_ids(session, village.id)
    # Addresses in code-point order: 一 < 三 < 二.
    assert ids == ids_of(scene["signed"], scene["expiring"], scene["unsigned"], scene["patient"])
    rows = {r.address: r for r in lists.household_rows(session, ids)}
    assert rows["一组 1 号"].status == SignStatus.SIGNED and rows["一组 1 号"].contract_end == date(2026, 12, 31)
    assert rows["一组 2 号"].status == SignStatus.EXPIRING
    assert rows["三组 9 号"].status == SignStatus.NOT_SIGNED and rows["三组 9 号"].contract_end is None
    assert rows["二组 3 号"].followup_due and not rows["一组 1 号"].followup_due
    assert rows["二组 3 号"].members == 3 and rows["二组 3 号"].head_name == "赵六"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (HouseholdFilter.SIGNED, ("signed", "expiring", "patient")),
        (HouseholdFilter.NOT_SIGNED, ("unsigned",)),
        (HouseholdFilter.EXPIRING, ("expiring",)),
        (HouseholdFilter.FOLLOWUP_DUE, ("patient",)),
    ],
)
def test_filters_run_in_sql(
    session: Session, scene: dict[str, object], status: HouseholdFilter, expected: tuple[str, ...]
) -> None:
    village = scene["village"]
    assert isinstance(village, Village)
    assert lists.household_ids(session, village.id, status=status) == ids_of(*(scene[k] for k in expected))


def test_sorting(session: Session, scene: dict[str, object]) -> None:
    village = scene["village"]
    assert isinstance(village, Village)
    by_members = lists.household_ids(session, village.id, sort=HouseholdSort.MEMBERS, descending=True)
    assert by_members[0] == scene["patient"].id  # type: ignore[attr-defined]
    by_status = lists.household_ids(session, village.id, sort=HouseholdSort.STATUS)
    assert by_status[:2] == ids_of(scene["unsigned"], scene["expiring"])
    by_head = lists.household_ids(session, village.id, sort=HouseholdSort.HEAD)
    # 李四 (li), 张三 (zhang), 赵六 (zhao), 周九 (zhou)
    assert by_head == ids_of(scene["expiring"], scene["signed"], scene["patient"], scene["unsigned"])
    first_due = lists.household_ids(session, village.id, sort=HouseholdSort.FOLLOWUP)
    assert first_due[0] == scene["patient"].id  # type: ignore[attr-defined]


def test_members_with_ages_and_key_populations(session: Session, scene: dict[str, object]) -> None:
    patient = scene["patient"]
    assert isinstance(patient, Household)
    members = lists.household_members(session, patient.id)
    assert [m.name for m in members] == ["赵六", "钱七", "孙八"]
    head, wife, child = members
    assert head.is_head and head.age == 78 and head.relationship_label == "户主"
    assert {KeyPopulation.ELDERLY, KeyPopulation.HYPERTENSION} <= head.key_populations
    assert KeyPopulation.CHILD in child.key_populations and wife.sex_label == "女"
    resident_status.mark_moved_out(session, wife.id, date(2026, 5, 1))
    assert lists.household_members(session, patient.id)[1].status == "moved_out"


def test_possible_duplicates(session: Session, scene: dict[str, object]) -> None:
    village = scene["village"]
    assert isinstance(village, Village)
    r = builders.make_resident(session, village, name="张国强", birth_date=date(1970, 3, 3))
    assert r.id_number is not None
    same_number = duplicates.find_possible_duplicates(session, id_number=r.id_number.lower(), name="别人")
    assert [(d.id, d.reason) for d in same_number] == [(r.id, "id_number")]
    similar = duplicates.find_possible_duplicates(session, name="张国墙", birth_date=date(1970, 3, 3))
    assert [(d.name, d.reason, d.village_name) for d in similar] == [("张国强", "name", "罗家村")]
    assert duplicates.find_possible_duplicates(session, name="李国强", birth_date=date(1970, 3, 4)) == []
    assert duplicates.find_possible_duplicates(session, id_number=r.id_number, exclude_id=r.id) == []
    assert duplicates.similar_names("张三", "章三") and not duplicates.similar_names("张三", "李四")


def test_reading_needs_view_records(store_as: object) -> None:
    store = store_as(Role.ADMIN)  # type: ignore[operator]
    with store.read() as s, pytest.raises(PermissionDenied):
        lists.list_villages(s)
