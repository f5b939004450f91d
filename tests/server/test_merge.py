"""The same person registered on two laptops (real app, real database): automatic merges
with re-pointing, late pushes naming the alias, merge tasks, undo, two active contracts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from server.test_push_world import (
    Laptop,
    conflicts_of,
    data_of,
    first_village,
    laptop,
    merges_of,
    record,
    resident_row,
    row,
)
from sqlalchemy import Engine

from fdclient.sync.protocol import API_PREFIX, Status, TownshipInfo
from fdserver.apply.persons import VOID_REASON

ID_NUMBER = "360111196005014321"


@pytest.fixture
def doctor(client: httpx.Client, server_engine: Engine, township: TownshipInfo) -> Laptop:
    return laptop(client, server_engine, township.code, "doctor1", "doctor")


@pytest.fixture
def nurse(client: httpx.Client, server_engine: Engine, township: TownshipInfo) -> Laptop:
    return laptop(client, server_engine, township.code, "nurse1", "nurse")


def _register(lap: Laptop, village: str, **values: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A household headed by its resident (ID_NUMBER) and a diagnosis of the resident,
    pushed in the laptop's order."""
    resident_id = row("residents")["id"]
    household = row("households", village_id=village, address="罗家村8号", head_id=resident_id)
    resident = resident_row(village, id=resident_id, id_number=ID_NUMBER, household_id=household["id"], **values)
    diagnosis = row("diagnoses", resident_id=resident["id"], disease="1", diagnosed_on="2020-01-01")
    results = lap.push(
        lap.insert("households", household),
        lap.insert("residents", resident),
        lap.insert("diagnoses", diagnosis),
    ).results
    assert results[0].status is Status.APPLIED
    return household, resident, diagnosis


def _contract(lap: Laptop, resident: dict[str, Any], household: dict[str, Any], number: str) -> dict[str, Any]:
    contract = row("contracts", contract_no=number, household_id=household["id"], status="active")
    member = row("contract_members", contract_id=contract["id"], resident_id=resident["id"], is_active=1)
    results = lap.push(lap.insert("contracts", contract), lap.insert("contract_members", member)).results
    assert {r.status for r in results} == {Status.APPLIED}
    return member


def test_the_same_person_registered_twice_is_merged_and_everything_repointed(
    doctor: Laptop, nurse: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    _, survivor, _ = _register(doctor, village, phone=None)
    household, loser, diagnosis = _register(nurse, village, phone="13800000000", workplace="砖厂")
    survivor_now = data_of(server_engine, "residents", survivor["id"])
    alias = record(server_engine, "residents", loser["id"])
    assert alias.voided
    assert (alias.data["merged_into_id"], alias.data["void_reason"]) == (survivor["id"], VOID_REASON)
    assert survivor_now["phone"] == "13800000000"  # empty fields filled from the alias
    assert survivor_now["workplace"] == "砖厂"
    # Stored before the alias (re-pointed) and after it (landed on the survivor).
    assert data_of(server_engine, "households", household["id"])["head_id"] == survivor["id"]
    assert data_of(server_engine, "diagnoses", diagnosis["id"])["resident_id"] == survivor["id"]
    (merge,) = merges_of(server_engine, township.id)
    assert (merge.kind, merge.status, merge.survivor_id, merge.other_id) == (
        "same_person",
        "done",
        survivor["id"],
        loser["id"],
    )
    assert ["households", household["id"], "head_id"] in merge.undo["repointed"]
    assert record(server_engine, "households", household["id"]).version > alias.version

    # Later pushes naming the alias land on the survivor.
    history = row("history_events", resident_id=loser["id"], kind="1", description="阑尾切除")
    late = nurse.push(
        nurse.insert("history_events", history),
        nurse.update("residents", loser["id"], {"contact_name": (None, "李四")}, None),
    ).results
    assert [(r.status, r.reason) for r in late] == [(Status.MERGED, "alias"), (Status.MERGED, "alias")]
    assert data_of(server_engine, "history_events", history["id"])["resident_id"] == survivor["id"]
    assert data_of(server_engine, "residents", survivor["id"])["contact_name"] == "李四"
    assert data_of(server_engine, "residents", loser["id"])["contact_name"] is None


def test_a_different_name_opens_a_merge_task_that_a_person_decides(
    doctor: Laptop, nurse: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    _, first, _ = _register(doctor, village)
    _, second, diagnosis = _register(nurse, village, name="张叁")
    assert not record(server_engine, "residents", first["id"]).voided
    assert not record(server_engine, "residents", second["id"]).voided
    (task,) = merges_of(server_engine, township.id)
    assert (task.kind, task.status, task.survivor_id, task.other_id) == (
        "same_person",
        "open",
        first["id"],
        second["id"],
    )
    assert task.body["reason"]

    # Queued offline on a laptop as a merge mutation.
    decided = nurse.push(nurse.merge(task.id, "merge")).results[0]
    assert decided.status is Status.APPLIED
    (done,) = merges_of(server_engine, township.id)
    assert (done.status, done.body["decided_by"]) == ("done", nurse.staff_id)
    assert data_of(server_engine, "residents", second["id"])["merged_into_id"] == first["id"]
    assert data_of(server_engine, "diagnoses", diagnosis["id"])["resident_id"] == first["id"]
    # Deciding again the same way changes nothing; keeping apart now is refused online.
    assert doctor.push(doctor.merge(task.id, "merge")).results[0].status is Status.MERGED
    refused = client.post(
        f"{API_PREFIX}/merges/{task.id}/decide", json={"decision": "keep_apart"}, headers=doctor.headers
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "already_decided"


def test_keep_apart_closes_the_task_online(
    doctor: Laptop, nurse: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    _, first, _ = _register(doctor, village)
    _, second, _ = _register(nurse, village, birth_date="1961-05-01")
    (task,) = merges_of(server_engine, township.id)
    response = client.post(
        f"{API_PREFIX}/merges/{task.id}/decide", json={"decision": "keep_apart"}, headers=nurse.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "kept_apart"
    (closed,) = merges_of(server_engine, township.id)
    assert closed.status == "kept_apart" and closed.version > task.version
    assert not record(server_engine, "residents", second["id"]).voided


def test_a_merge_is_undone(
    doctor: Laptop, nurse: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    _, survivor, _ = _register(doctor, village)
    household, loser, diagnosis = _register(nurse, village, phone="13800000000")
    (merge,) = merges_of(server_engine, township.id)
    before = record(server_engine, "diagnoses", diagnosis["id"]).version
    assert data_of(server_engine, "diagnoses", diagnosis["id"])["resident_id"] == survivor["id"]
    response = client.post(f"{API_PREFIX}/merges/{merge.id}/undo", headers=doctor.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "undone"
    alias = record(server_engine, "residents", loser["id"])
    assert not alias.voided
    assert (alias.data["merged_into_id"], alias.data["void_reason"]) == (None, None)
    moved_back = record(server_engine, "diagnoses", diagnosis["id"])
    assert moved_back.data["resident_id"] == loser["id"]
    assert moved_back.version > before
    assert data_of(server_engine, "households", household["id"])["head_id"] == loser["id"]
    assert data_of(server_engine, "residents", survivor["id"])["phone"] is None  # the filled field emptied
    # Undoing twice is the same decision: nothing more happens.
    assert doctor.push(doctor.merge(merge.id, "undo")).results[0].status is Status.MERGED


def test_two_active_contracts_after_a_merge_open_a_task(
    doctor: Laptop, server_engine: Engine, client: httpx.Client, township: TownshipInfo
) -> None:
    other = laptop(client, server_engine, township.code, "doctor2", "doctor")
    village = first_village(server_engine, township.id)
    household_a = row("households", village_id=village)
    household_b = row("households", village_id=village)
    a = resident_row(village, id_number=ID_NUMBER, household_id=household_a["id"])
    b = resident_row(village, id_number=ID_NUMBER, household_id=household_b["id"])
    doctor.push(doctor.insert("households", household_a))
    other.push(other.insert("households", household_b))
    # Each laptop registered and signed the person while offline; the contracts go up first.
    _contract(doctor, a, household_a, "QY-360111101-2026-000010")
    member_b = _contract(other, b, household_b, "QY-360111101-2026-000011")
    assert doctor.push(doctor.insert("residents", a)).results[0].status is Status.APPLIED
    merged = other.push(other.insert("residents", b)).results[0]
    assert (merged.status, merged.reason) == (Status.MERGED, "same_person")
    assert data_of(server_engine, "contract_members", member_b["id"])["resident_id"] == a["id"]
    tasks = {m.kind: m for m in merges_of(server_engine, township.id)}
    assert tasks["same_person"].status == "done"
    contracts = tasks["two_active_contracts"]
    assert (contracts.status, contracts.survivor_id) == ("open", a["id"])
    assert "QY-360111101-2026-000010" in contracts.body["reason"]
    assert "QY-360111101-2026-000011" in contracts.body["reason"]


def test_a_pushed_number_held_by_another_record_is_renumbered(
    doctor: Laptop, nurse: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    from server.test_push_world import series_next

    village = first_village(server_engine, township.id)
    number = "36011110120100042"
    first = resident_row(village, health_record_no=number)
    second = resident_row(village, health_record_no=number)
    assert doctor.push(doctor.insert("residents", first)).results[0].status is Status.APPLIED
    assert series_next(server_engine, township.id, "health_record:360111101201") == 43
    result = nurse.push(nurse.insert("residents", second)).results[0]
    assert (result.status, result.reason) == (Status.MERGED, "renumbered")
    assert data_of(server_engine, "residents", second["id"])["health_record_no"] == "36011110120100043"
    assert series_next(server_engine, township.id, "health_record:360111101201") == 44
    contract = row("contracts", contract_no="QY-360111101-2026-000500", status="draft")
    doctor.push(doctor.insert("contracts", contract))
    assert series_next(server_engine, township.id, "contract:QY-360111101-2026") == 501


def test_an_id_number_corrected_to_an_existing_residents_merges_them(
    doctor: Laptop, nurse: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    _, survivor, _ = _register(doctor, village)
    typo = resident_row(village, id_number="360111196005014329")
    base = nurse.push(nurse.insert("residents", typo)).results[0].version
    fixed = nurse.push(nurse.update("residents", typo["id"], {"id_number": (typo["id_number"], ID_NUMBER)}, base))
    assert (fixed.results[0].status, fixed.results[0].reason) == (Status.MERGED, "same_person")
    assert data_of(server_engine, "residents", typo["id"])["merged_into_id"] == survivor["id"]


def test_values_both_records_hold_differently_become_conflicts_of_the_merged_person(
    doctor: Laptop, nurse: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    kept_household, survivor, _ = _register(doctor, village, phone="13800000001")
    other_household, _, _ = _register(nurse, village, phone="13900000002")
    merged = data_of(server_engine, "residents", survivor["id"])
    assert merged["phone"] == "13800000001"  # the survivor's value stays until a person decides
    found = {c.field: c for c in conflicts_of(server_engine, survivor["id"])}
    assert set(found) == {"phone", "household_id"}
    phone = found["phone"].body
    assert (phone["server_value"], phone["incoming_value"], phone["status"]) == ("13800000001", "13900000002", "open")
    assert phone["incoming_device"] == nurse.device_id and phone["server_device"] == doctor.device_id
    assert (found["household_id"].body["server_value"], found["household_id"].body["incoming_value"]) == (
        kept_household["id"],
        other_household["id"],
    )
