"""Refusals of POST /push (real app, real database): another township's records, what a
role may not write, unknown tables and columns, malformed values; each rejected alone."""

from __future__ import annotations

import httpx
import pytest
from helpers.server import add_township
from server.test_push_world import Laptop, conflicts_of, data_of, first_village, laptop, resident_row, row
from sqlalchemy import Engine

from fdclient.sync.protocol import API_PREFIX, Status, TownshipInfo


@pytest.fixture
def doctor(client: httpx.Client, server_engine: Engine, township: TownshipInfo) -> Laptop:
    return laptop(client, server_engine, township.code, "doctor1", "doctor")


@pytest.fixture
def doctor2(client: httpx.Client, server_engine: Engine, township: TownshipInfo) -> Laptop:
    return laptop(client, server_engine, township.code, "doctor2", "doctor")


def test_records_of_another_township_are_refused(
    doctor: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    other = add_township(server_engine, "360111102", "石岗镇", ())
    stranger = laptop(client, server_engine, other.code, "doctor9", "doctor")
    resident = resident_row(first_village(server_engine, township.id))
    base = doctor.push(doctor.insert("residents", resident)).results[0].version
    refused = stranger.push(
        stranger.insert("residents", resident_row(first_village(server_engine, township.id))),
        stranger.update("residents", resident["id"], {"phone": (None, "1")}, base),
        stranger.insert("diagnoses", row("diagnoses", resident_id=resident["id"], disease="1")),
        stranger.insert("staff", row("staff", township_id=township.id, name="某", role="doctor", active=1)),
    ).results
    assert [r.status for r in refused] == [Status.REJECTED] * 4
    assert [r.reason for r in refused[:3]] == ["other_township"] * 3
    assert refused[3].reason in ("other_township", "role_not_allowed")
    assert data_of(server_engine, "residents", resident["id"])["phone"] is None


def test_a_role_may_push_only_what_its_services_let_it_do(
    doctor: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    nurse = laptop(client, server_engine, township.code, "nurse1", "nurse")
    village = first_village(server_engine, township.id)
    household = row("households", village_id=village)
    contract = row("contracts", contract_no="QY-360111101-2026-000002", household_id=household["id"], status="draft")
    resident = resident_row(village, household_id=household["id"])
    service = row(
        "planned_services",
        contract_id=contract["id"],
        resident_id=resident["id"],
        service_kind="home_visit",
        status="planned",
    )
    done = doctor.push(
        doctor.insert("households", household),
        doctor.insert("residents", resident),
        doctor.insert("contracts", contract),
        doctor.insert("planned_services", service),
    ).results
    assert {r.status for r in done} == {Status.APPLIED}
    visit = row("visits", resident_id=resident["id"], kind="home_visit", visit_date="2026-11-20", record_id=None)
    followup = row("visits", resident_id=resident["id"], kind="hypertension", visit_date="2026-11-20")
    results = nurse.push(
        nurse.insert("contracts", row("contracts", contract_no="QY-360111101-2026-000003", status="draft")),
        nurse.insert("visits", visit),
        nurse.update(
            "planned_services",
            service["id"],
            {"status": ("planned", "done"), "visit_id": (None, visit["id"]), "fulfilled_on": (None, "2026-11-20")},
            done[3].version,
        ),
        nurse.update("planned_services", service["id"], {"window_end": (None, "2027-01-01")}, done[3].version),
        nurse.insert("visits", followup),
    ).results
    assert [(r.status, r.reason) for r in results] == [
        (Status.REJECTED, "role_not_allowed"),
        (Status.APPLIED, None),
        (Status.APPLIED, None),
        (Status.REJECTED, "role_not_allowed"),
        (Status.REJECTED, "role_not_allowed"),
    ]
    assert "nurse" in (results[0].message or "")
    assert data_of(server_engine, "planned_services", service["id"])["status"] == "done"


def test_unknown_tables_columns_and_malformed_values_are_rejected_alone(
    doctor: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    good = resident_row(first_village(server_engine, township.id))
    bad_column = dict(resident_row(first_village(server_engine, township.id)), password="x")
    results = doctor.push(
        doctor.insert("sync_outbox", {"id": good["id"]}),
        doctor.insert("residents", bad_column),
        doctor.update("residents", good["id"], {"phone": (None, "1")}, None),
        doctor.insert("residents", good),
        doctor._mutation(doctor.insert("residents", good).op, "residents", good["id"], {"phone": "x"}, 1),
    ).results
    assert [r.reason for r in results[:3]] == ["unknown_table", "unknown_column", "missing_record"]
    assert results[3].status is Status.APPLIED
    assert results[4].status is Status.APPLIED  # an insert of a known id: an update against no base
    assert all(r.message for r in results[:3])
    assert data_of(server_engine, "residents", good["id"])["phone"] == "x"


def test_a_nurse_recording_a_death_may_end_the_membership_and_terminate_the_contract(
    doctor: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    nurse = laptop(client, server_engine, township.code, "nurse1", "nurse")
    village = first_village(server_engine, township.id)
    resident = resident_row(village)
    contract = row("contracts", contract_no="QY-360111101-2026-000020", status="active")
    draft = row("contracts", contract_no="QY-360111101-2026-000021", status="draft")
    member = row("contract_members", contract_id=contract["id"], resident_id=resident["id"], is_active=1)
    versions = [
        r.version
        for r in doctor.push(
            doctor.insert("residents", resident),
            doctor.insert("contracts", contract),
            doctor.insert("contracts", draft),
            doctor.insert("contract_members", member),
        ).results
    ]
    results = nurse.push(
        nurse.update(
            "residents",
            resident["id"],
            {"status": ("active", "deceased"), "status_changed_on": (None, "2026-11-19")},
            versions[0],
        ),
        nurse.update(
            "contract_members", member["id"], {"is_active": (1, 0), "ended_on": (None, "2026-11-19")}, versions[3]
        ),
        nurse.update(
            "contracts",
            contract["id"],
            {
                "status": ("active", "terminated"),
                "terminated_on": (None, "2026-11-19"),
                "termination_reason": (None, "1"),
            },
            versions[1],
        ),
        nurse.update("contracts", draft["id"], {"status": ("draft", "active")}, versions[2]),
    ).results
    assert [(r.status, r.reason) for r in results] == [
        (Status.APPLIED, None),
        (Status.APPLIED, None),
        (Status.APPLIED, None),
        (Status.REJECTED, "role_not_allowed"),
    ]
    assert data_of(server_engine, "contracts", contract["id"])["status"] == "terminated"
    assert data_of(server_engine, "contracts", draft["id"])["status"] == "draft"


def test_decisions_on_another_townships_conflict_are_refused(
    doctor: Laptop, doctor2: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    resident = resident_row(first_village(server_engine, township.id), phone="1")
    base = doctor.push(doctor.insert("residents", resident)).results[0].version
    doctor.push(doctor.update("residents", resident["id"], {"phone": ("1", "2")}, base))
    conflict_id = doctor2.push(doctor2.update("residents", resident["id"], {"phone": ("1", "3")}, base)).results[0]
    other = add_township(server_engine, "360111102", "石岗镇", ())
    stranger = laptop(client, server_engine, other.code, "doctor9", "doctor")
    url = f"{API_PREFIX}/conflicts/{conflict_id.conflict_ids[0]}/resolve"
    refused = client.post(url, json={"keep": "incoming"}, headers=stranger.headers)
    assert refused.status_code == 403
    assert refused.json()["error"] == "other_township"
    queued = stranger.push(stranger.resolve(conflict_id.conflict_ids[0], "incoming")).results[0]
    assert (queued.status, queued.reason) == (Status.REJECTED, "other_township")
    assert client.post(url, json={"keep": "nonsense"}, headers=doctor.headers).status_code == 422
    assert data_of(server_engine, "residents", resident["id"])["phone"] == "2"


def test_malformed_values_and_decisions_are_rejected_never_a_server_error(
    doctor: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    resident = resident_row(village)
    base = doctor.push(doctor.insert("residents", resident)).results[0].version
    nested = dict(resident_row(village), phone={"a": 1})
    bad_status = row("contracts", contract_no="QY-360111101-2026-000030", status="signed")
    results = doctor.push(
        doctor.insert("residents", nested),
        doctor.update("residents", resident["id"], {"phone": "13800000000"}, base),  # not [old, new]
        doctor.insert("contracts", bad_status),
        doctor.resolve("0" * 32, "server"),
        doctor.merge("0" * 32, "maybe"),
        doctor.update("residents", resident["id"], {"phone": (None, "13800000000")}, base),
    ).results
    assert [r.reason for r in results[:5]] == ["malformed", "malformed", "malformed", "not_found", "malformed"]
    assert all(r.status is Status.REJECTED and r.message for r in results[:5])
    assert results[5].status is Status.APPLIED
    assert data_of(server_engine, "residents", resident["id"])["phone"] == "13800000000"
    assert conflicts_of(server_engine, resident["id"]) == []
