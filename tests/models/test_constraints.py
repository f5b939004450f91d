"""The database itself refuses bad rows, even when Python rules are bypassed.

Every test writes through SQLAlchemy Core or raw SQL on a migrated store (so the schema
under test is the one the migrations build, triggers included), in a write unit of work
that is rolled back, and expects ``sqlalchemy.exc.IntegrityError``; each also shows the
corrected row is accepted, so the refusal is due to the rule and nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from helpers import builders
from sqlalchemy import Connection, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from fdclient.models import (
    Contract,
    ContractMember,
    ContractPackage,
    Pregnancy,
    Resident,
    ServicePackage,
    Township,
    Village,
    Visit,
)
from fdclient.services.visits import forms as visit_forms
from fdclient.services.visits import recording as visits
from fdclient.store import Store

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    village_id: uuid.UUID
    township_id: uuid.UUID
    team_id: uuid.UUID
    doctor_id: uuid.UUID
    household_id: uuid.UUID
    head_id: uuid.UUID
    head_id_number: str
    package_id: uuid.UUID
    contract_id: uuid.UUID
    visit_id: uuid.UUID


@pytest.fixture
def world(store: Store) -> World:
    with store.write() as s:
        village = builders.make_village(s)
        team, doctor = builders.make_team(s, villages=[village])
        household = builders.make_household(s, village, has_hypertension=True)
        package = builders.make_basic_package(s)
        contract = builders.make_signed_contract(s, household, team, doctor, [package])
        visit = visits.record_hypertension_followup(
            s,
            visit_forms.HypertensionFollowupInput(
                resident_id=household.head_id,
                visit_date=date(2026, 2, 1),
                doctor_id=doctor.id,
                systolic=150,
                diastolic=95,
                medications=(visit_forms.MedicationInput("氨氯地平", 1, "5mg"),),
            ),
        )
        head = s.get(Resident, household.head_id)
        world = World(
            village.id,
            village.township_id,
            team.id,
            doctor.id,
            household.id,
            head.id,
            head.id_number,
            package.id,
            contract.id,
            visit.visit.id,
        )
    return world


@pytest.fixture
def conn(store: Store, world: World) -> Iterator[Connection]:
    """The connection of a write unit of work whose changes are all rolled back."""
    with store.write() as session:
        yield session.connection()
        session.rollback()


def refused(conn: Connection, statement: Any, params: Any = None) -> IntegrityError:
    """Run ``statement`` in a savepoint and return the IntegrityError it must raise."""
    with pytest.raises(IntegrityError) as info:
        with conn.begin_nested():
            conn.execute(statement, params) if params is not None else conn.execute(statement)
    return info.value


def accepted(conn: Connection, statement: Any, params: Any = None) -> None:
    """Run ``statement`` in a savepoint (rolled back): it must succeed and touch one row."""
    with conn.begin_nested() as sp:
        result = conn.execute(statement, params) if params is not None else conn.execute(statement)
        assert result.rowcount == 1
        sp.rollback()


def table(model: type) -> Table:
    return model.__table__


def resident_row(w: World, **overrides: Any) -> dict[str, Any]:
    row = {"village_id": w.village_id, "name": "赵六", "sex": 1, "birth_date": date(1970, 1, 1)}
    return {**row, **overrides}


def contract_row(w: World, **overrides: Any) -> dict[str, Any]:
    row = {
        "contract_no": f"QY-TEST-{uuid.uuid4().hex[:8]}",
        "scope": "household",
        "household_id": w.household_id,
        "representative_id": w.head_id,
        "team_id": w.team_id,
        "doctor_id": w.doctor_id,
        "start_date": date(2026, 1, 1),
        "end_date": date(2026, 12, 31),
        "term_years": 1,
        "status": "draft",
    }
    return {**row, **overrides}


# --- residents ---------------------------------------------------------------------------


def test_rows_from_another_laptop_may_share_an_id_number_and_a_record_number(conn: Connection, world: World) -> None:
    """The same person registered on two laptops: the database takes the pulled row (the
    residents service refuses a duplicate on this laptop; the server merges the two)."""
    head = conn.execute(select(table(Resident)).where(table(Resident).c.id == world.head_id)).one()
    accepted(
        conn,
        insert(table(Resident)),
        resident_row(world, id_number=world.head_id_number, health_record_no=head.health_record_no),
    )


def test_an_id_number_of_type_01_must_have_18_characters(conn: Connection, world: World) -> None:
    refused(conn, insert(table(Resident)), resident_row(world, id_number="36011119700101001"))
    accepted(conn, insert(table(Resident)), resident_row(world, id_number="36011119700101001", id_type="03"))


@pytest.mark.parametrize("column, bad", [("sex", 3), ("sex", 5), ("ethnicity", "57"), ("ethnicity", "1")])
def test_sex_and_ethnicity_codes_are_checked(conn: Connection, world: World, column: str, bad: Any) -> None:
    refused(conn, insert(table(Resident)), resident_row(world, **{column: bad}))
    accepted(conn, insert(table(Resident)), resident_row(world, sex=9, ethnicity="56"))


def test_a_void_needs_a_reason(conn: Connection, world: World) -> None:
    t = table(Resident)
    refused(conn, update(t).where(t.c.id == world.head_id).values(voided_at=NOW))
    refused(conn, update(t).where(t.c.id == world.head_id).values(void_reason="重复登记"))
    v = table(Visit)
    refused(conn, update(v).where(v.c.id == world.visit_id).values(voided_at=NOW))
    accepted(conn, update(v).where(v.c.id == world.visit_id).values(voided_at=NOW, void_reason="录错居民"))


@pytest.mark.parametrize(
    ("column", "bad", "good"),
    [
        ("family_history_father", "13", "2,11"),  # 13 is the past-disease list's 其他, not family history's
        ("family_history_mother", "1,2", "12"),  # 无 stands alone
        ("family_history_children", "3,14", "1"),
        ("relief_statuses", "5", "1,3"),  # 脱贫户 and 低保 at once
    ],
)
def test_code_sets_hold_known_codes(conn: Connection, world: World, column: str, bad: str, good: str) -> None:
    t = table(Resident)
    refused(conn, update(t).where(t.c.id == world.head_id).values(**{column: bad}))
    accepted(conn, update(t).where(t.c.id == world.head_id).values(**{column: good}))


def test_a_resident_is_registered_on_the_units_date_by_default(conn: Connection, world: World) -> None:
    t = table(Resident)
    resident_id = uuid.uuid4()
    conn.execute(insert(t), resident_row(world, id=resident_id))
    assert conn.execute(select(t.c.registered_on).where(t.c.id == resident_id)).scalar() == builders.TODAY
    refused(conn, update(t).where(t.c.id == resident_id).values(registered_on=None))


def test_a_pregnancy_has_a_date_and_its_dates_in_order(conn: Connection, world: World) -> None:
    t = table(Pregnancy)
    row = {"resident_id": world.head_id}
    refused(conn, insert(t), row)
    refused(
        conn, insert(t), {**row, "last_menstrual_period": date(2026, 3, 1), "expected_delivery_date": date(2026, 3, 1)}
    )
    refused(conn, insert(t), {**row, "last_menstrual_period": date(2026, 3, 1), "delivery_date": date(2026, 2, 1)})
    accepted(conn, insert(t), {**row, "delivery_date": date(2026, 2, 1)})


# --- geography -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["36011110120A", "36011110120", "3601111012011", "３６０１１１１０１２０１"])
def test_a_village_code_is_twelve_ascii_digits(conn: Connection, world: World, code: str) -> None:
    row = {"township_id": world.township_id, "name": "新村", "record_segment": "150"}
    refused(conn, insert(table(Village)), {**row, "code": code})
    accepted(conn, insert(table(Village)), {**row, "code": "360111101399"})


@pytest.mark.parametrize("segment", ["15", "1a5", "1500"])
def test_a_record_segment_is_three_digits(conn: Connection, world: World, segment: str) -> None:
    row = {"township_id": world.township_id, "name": "新村", "code": "360111101398"}
    refused(conn, insert(table(Village)), {**row, "record_segment": segment})


@pytest.mark.parametrize("code", ["36011110", "3601111011", "36011110X"])
def test_a_township_code_is_nine_digits(conn: Connection, code: str) -> None:
    refused(conn, insert(table(Township)), {"code": code, "name": "新镇"})
    accepted(conn, insert(table(Township)), {"code": "360111102", "name": "新镇"})


# --- contracts ---------------------------------------------------------------------------


def test_rows_from_another_laptop_may_cover_a_resident_twice(conn: Connection, world: World) -> None:
    """Two active contracts of one resident signed offline on two laptops both fit (the
    contracts service refuses it on one laptop; the server opens a merge task)."""
    contract = conn.execute(select(table(Contract)).where(table(Contract).c.id == world.contract_id)).one()
    other = contract_row(world, id=uuid.uuid4(), contract_no=contract.contract_no, renewal_of_id=world.contract_id)
    conn.execute(insert(table(Contract)), other)
    row = {"contract_id": other["id"], "resident_id": world.head_id}
    accepted(conn, insert(table(ContractMember)), {**row, "is_active": True})
    refused(conn, insert(table(ContractMember)), {**row, "contract_id": world.contract_id})


def test_a_void_of_a_contract_member_or_package_needs_a_reason(conn: Connection, world: World) -> None:
    for model in (ContractMember, ContractPackage):
        t = table(model)
        refused(conn, update(t).where(t.c.contract_id == world.contract_id).values(voided_at=NOW))
        accepted(
            conn,
            update(t)
            .where(t.c.contract_id == world.contract_id, t.c.resident_id == world.head_id)
            .values(voided_at=NOW, void_reason="录入错误")
            if model is ContractMember
            else update(t).where(t.c.contract_id == world.contract_id).values(voided_at=NOW, void_reason="录入错误"),
        )


def test_an_ended_member_is_not_active(conn: Connection, world: World) -> None:
    t = table(ContractMember)
    refused(conn, update(t).where(t.c.resident_id == world.head_id).values(ended_on=date(2026, 5, 1)))


@pytest.mark.parametrize("term", [0, 4])
def test_a_contract_term_is_one_to_three_years(conn: Connection, world: World, term: int) -> None:
    refused(conn, insert(table(Contract)), contract_row(world, term_years=term))
    accepted(conn, insert(table(Contract)), contract_row(world, term_years=3, end_date=date(2028, 12, 31)))


@pytest.mark.parametrize("end", [date(2025, 12, 31), date(2026, 1, 1)])
def test_a_contract_ends_after_it_starts(conn: Connection, world: World, end: date) -> None:
    refused(conn, insert(table(Contract)), contract_row(world, end_date=end))


def test_a_signed_contract_has_consent(conn: Connection, world: World) -> None:
    signed = {"status": "active", "signed_at": NOW, "consented_at": NOW}
    refused(conn, insert(table(Contract)), contract_row(world, **signed, consent_given=False))
    refused(conn, insert(table(Contract)), contract_row(world, status="active", consent_given=True, signed_at=NOW))
    accepted(conn, insert(table(Contract)), contract_row(world, **signed, consent_given=True))
    t = table(Contract)
    refused(conn, update(t).where(t.c.id == world.contract_id).values(consent_given=False))


def test_a_terminated_contract_has_a_reason_and_a_date(conn: Connection, world: World) -> None:
    t = table(Contract)
    refused(
        conn, update(t).where(t.c.id == world.contract_id).values(status="terminated", terminated_on=date(2026, 5, 1))
    )
    refused(conn, update(t).where(t.c.id == world.contract_id).values(status="terminated", termination_reason="death"))
    refused(
        conn,
        update(t)
        .where(t.c.id == world.contract_id)
        .values(status="terminated", termination_reason="bored", terminated_on=date(2026, 5, 1)),
    )
    refused(
        conn,
        update(t).where(t.c.id == world.contract_id).values(termination_reason="death", terminated_on=date(2026, 5, 1)),
    )
    accepted(
        conn,
        update(t)
        .where(t.c.id == world.contract_id)
        .values(status="terminated", termination_reason="death", terminated_on=date(2026, 5, 1)),
    )


def test_a_household_contract_names_its_household(conn: Connection, world: World) -> None:
    refused(conn, insert(table(Contract)), contract_row(world, household_id=None))
    accepted(conn, insert(table(Contract)), contract_row(world, household_id=None, scope="individual"))


@pytest.mark.parametrize(
    "split", [(5500, 2000, 3000, 600), (5500, 2000, 3000, 0), (5500, 6000, -500, 0)], ids=["over", "under", "negative"]
)
def test_a_fee_split_adds_up_to_the_total(conn: Connection, world: World, split: tuple[int, int, int, int]) -> None:
    names = ("fee_total_fen", "fee_insurance_fen", "fee_public_health_fen", "fee_resident_fen")
    fees = dict(zip(names, split, strict=False))
    package = {"code": "BAD", "name": "错误包", "kind": "basic"}
    refused(conn, insert(table(ServicePackage)), {**package, **fees})
    accepted(
        conn, insert(table(ServicePackage)), {**package, **dict(zip(names, (5500, 2000, 3000, 500), strict=False))}
    )
    t = table(ContractPackage)
    refused(conn, update(t).where(t.c.contract_id == world.contract_id).values(**fees))


# --- visit records -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE visits SET visit_date = '2026-02-02' WHERE id = :id",
        "UPDATE visits SET doctor_id = doctor_id WHERE id = :id",
        "UPDATE visits SET notes = '改了' WHERE id = :id",
        "UPDATE visits SET revision = 2 WHERE id = :id",
        "DELETE FROM visits WHERE id = :id",
        "UPDATE hypertension_followups SET systolic = 120 WHERE id = :id",
        "UPDATE hypertension_followups SET classification = '1' WHERE id = :id",
        "DELETE FROM hypertension_followups WHERE id = :id",
        "UPDATE medications SET dose = '10mg' WHERE visit_id = :id",
        "DELETE FROM medications WHERE visit_id = :id",
    ],
)
def test_visit_records_are_never_edited_or_deleted(conn: Connection, world: World, sql: str) -> None:
    error = refused(conn, text(sql), {"id": world.visit_id.hex})
    assert "visit records are" in str(error.orig)


def test_voiding_a_visit_is_the_one_update_allowed(conn: Connection, world: World) -> None:
    accepted(
        conn,
        text("UPDATE visits SET voided_at = '2026-03-01 02:00:00', void_reason = '录错居民' WHERE id = :id"),
        {"id": world.visit_id.hex},
    )


def test_a_revision_after_the_first_supersedes_one(conn: Connection, world: World) -> None:
    t = table(Visit)
    row = {
        "record_id": world.visit_id,
        "kind": "home_visit",
        "resident_id": world.head_id,
        "visit_date": date(2026, 2, 1),
        "doctor_id": world.doctor_id,
    }
    refused(conn, insert(t), {**row, "revision": 2})
    refused(conn, insert(t), {**row, "revision": 1, "supersedes_id": world.visit_id})
    accepted(conn, insert(t), {**row, "revision": 2, "supersedes_id": world.visit_id})


def test_two_corrections_of_one_revision_made_offline_both_fit(conn: Connection, world: World) -> None:
    t = table(Visit)
    row = {
        "record_id": world.visit_id,
        "kind": "home_visit",
        "resident_id": world.head_id,
        "visit_date": date(2026, 2, 1),
        "doctor_id": world.doctor_id,
        "revision": 2,
        "supersedes_id": world.visit_id,
    }
    conn.execute(insert(t), {**row, "id": uuid.uuid4()})
    accepted(conn, insert(t), {**row, "id": uuid.uuid4()})


# --- voidable reference data -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["staff", "teams", "team_members", "team_villages", "service_packages", "package_items", "planned_services"],
)
def test_a_void_of_reference_data_needs_a_reason(conn: Connection, world: World, name: str) -> None:
    one = f"id = (SELECT id FROM {name} ORDER BY id LIMIT 1)"
    refused(conn, text(f"UPDATE {name} SET voided_at = '2026-03-01 02:00:00' WHERE {one}"))
    accepted(conn, text(f"UPDATE {name} SET voided_at = '2026-03-01 02:00:00', void_reason = '录入错误' WHERE {one}"))


def test_townships_villages_and_cards_stay_unique(conn: Connection, world: World) -> None:
    village = conn.execute(select(table(Village)).where(table(Village).c.id == world.village_id)).one()
    refused(
        conn,
        insert(table(Village)),
        {"township_id": world.township_id, "code": village.code, "name": "重复村", "record_segment": "199"},
    )
    conn.execute(text("UPDATE residents SET card_code = '123456789012' WHERE id = :id"), {"id": world.head_id.hex})
    refused(conn, text("UPDATE residents SET card_code = '123456789012' WHERE id != :id"), {"id": world.head_id.hex})
