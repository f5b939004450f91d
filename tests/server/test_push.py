"""POST /push against the real app and a real database (SQLite file; PostgreSQL too when
FDSERVER_TEST_DATABASE_URL is set): exactly once, field merges, conflicts, refusals."""

from __future__ import annotations

import threading

import httpx
import pytest
from helpers.server import asgi_client
from server.test_push_world import (
    Laptop,
    conflicts_of,
    data_of,
    first_village,
    laptop,
    record,
    resident_row,
    row,
)
from sqlalchemy import Engine, func, select

from fdclient.sync.protocol import API_PREFIX, PushResponse, Status, TownshipInfo
from fdserver.models import AuditEvent, Device, MutationLedger, table_of


@pytest.fixture
def doctor(client: httpx.Client, server_engine: Engine, township: TownshipInfo) -> Laptop:
    return laptop(client, server_engine, township.code, "doctor1", "doctor")


@pytest.fixture
def doctor2(client: httpx.Client, server_engine: Engine, township: TownshipInfo) -> Laptop:
    return laptop(client, server_engine, township.code, "doctor2", "doctor")


def _count(engine: Engine, model: type, **where: str) -> int:
    t = table_of(model)
    query = select(func.count()).select_from(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_a_repeated_push_gets_the_stored_results_and_changes_nothing(
    doctor: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    resident = resident_row(first_village(server_engine, township.id))
    insert = doctor.insert("residents", resident)
    audit = [{"id": resident["id"], "at": "2026-11-20T08:00:00Z", "action": "insert", "table_name": "residents"}]
    first = doctor.push(insert, audit=audit)
    assert first.results[0].status is Status.APPLIED
    assert first.acknowledged_seq == insert.seq
    stored = record(server_engine, "residents", resident["id"])
    assert stored.version == first.results[0].version
    assert stored.township_id == township.id
    assert stored.identity_key == resident["id_number"]
    assert stored.changed_device == doctor.device_id

    again = doctor.push(insert, audit=audit)
    assert again.results == first.results
    assert record(server_engine, "residents", resident["id"]).version == stored.version
    assert _count(server_engine, MutationLedger, id=insert.id) == 1
    assert _count(server_engine, AuditEvent, id=resident["id"]) == 1
    with server_engine.connect() as conn:
        t = table_of(Device)
        assert conn.execute(select(t.c.last_seq).where(t.c.id == doctor.device_id)).scalar_one() == insert.seq


def test_the_same_push_sent_three_times_at_once_is_applied_once(
    doctor: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    mutations = [doctor.insert("residents", resident_row(village)) for _ in range(20)]
    body = {"mutations": [m.model_dump(mode="json") for m in mutations], "audit": []}
    answers: list[PushResponse] = []
    errors: list[str] = []
    start = threading.Barrier(3)

    def send() -> None:
        with asgi_client(server_engine) as c:
            start.wait()
            response = c.post(f"{API_PREFIX}/push", json=body, headers=doctor.headers)
        if response.status_code == 200:
            answers.append(PushResponse.model_validate(response.json()))
        else:
            errors.append(response.text)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(answers) == 3
    assert answers[0].results == answers[1].results == answers[2].results
    assert {r.status for r in answers[0].results} == {Status.APPLIED}
    versions = [r.version for r in answers[0].results]
    assert len(set(versions)) == 20
    for m, version in zip(mutations, versions, strict=True):
        assert record(server_engine, "residents", m.row_id).version == version
        assert _count(server_engine, MutationLedger, id=m.id) == 1


def test_changes_to_different_fields_on_two_laptops_both_survive(
    doctor: Laptop, doctor2: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    resident = resident_row(first_village(server_engine, township.id), phone="13800000000")
    base = doctor.push(doctor.insert("residents", resident)).results[0].version
    a = doctor.push(doctor.update("residents", resident["id"], {"phone": ("13800000000", "13911111111")}, base))
    b = doctor2.push(doctor2.update("residents", resident["id"], {"workplace": (None, "砖厂")}, base))
    assert a.results[0].status is Status.APPLIED
    assert b.results[0].status is Status.MERGED
    assert b.results[0].reason == "concurrent_fields"
    assert b.results[0].version is not None and a.results[0].version is not None
    assert b.results[0].version > a.results[0].version
    data = data_of(server_engine, "residents", resident["id"])
    assert (data["phone"], data["workplace"]) == ("13911111111", "砖厂")
    assert conflicts_of(server_engine, resident["id"]) == []


def test_the_same_field_changed_on_two_laptops_is_a_conflict_with_both_values(
    doctor: Laptop, doctor2: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    resident = resident_row(first_village(server_engine, township.id), phone="13800000000")
    base = doctor.push(doctor.insert("residents", resident)).results[0].version
    doctor.push(doctor.update("residents", resident["id"], {"phone": ("13800000000", "13911111111")}, base))
    clash = doctor2.update(
        "residents", resident["id"], {"phone": ("13800000000", "13722222222"), "workplace": (None, "学校")}, base
    )
    result = doctor2.push(clash).results[0]
    assert result.status is Status.CONFLICT
    assert len(result.conflict_ids) == 1
    data = data_of(server_engine, "residents", resident["id"])
    assert data["phone"] == "13911111111"  # the server keeps its value
    assert data["workplace"] == "学校"  # the other field of the mutation still applies
    (conflict,) = conflicts_of(server_engine, resident["id"])
    body = conflict.body
    assert (conflict.id, conflict.field, conflict.kind, conflict.status) == (
        result.conflict_ids[0],
        "phone",
        "field",
        "open",
    )
    assert (body["server_value"], body["incoming_value"]) == ("13911111111", "13722222222")
    assert (body["server_by"], body["server_device"]) == (doctor.staff_id, doctor.device_id)
    assert (body["incoming_by"], body["incoming_device"], body["incoming_at"]) == (
        doctor2.staff_id,
        doctor2.device_id,
        clash.hlc,
    )

    # A person keeps the incoming value (queued offline as a resolve mutation).
    decided = doctor.push(doctor.resolve(conflict.id, "incoming")).results[0]
    assert decided.status is Status.APPLIED
    assert data_of(server_engine, "residents", resident["id"])["phone"] == "13722222222"
    (resolved,) = conflicts_of(server_engine, resident["id"])
    assert resolved.status == "resolved"
    assert resolved.version > conflict.version
    assert (resolved.body["resolved_value"], resolved.body["resolved_by"]) == ("13722222222", doctor.staff_id)
    # The same decision again changes nothing; another one is refused.
    assert doctor2.push(doctor2.resolve(conflict.id, "incoming")).results[0].status is Status.MERGED
    other = doctor2.push(doctor2.resolve(conflict.id, "server")).results[0]
    assert (other.status, other.reason) == (Status.REJECTED, "already_decided")


def test_a_conflict_is_resolved_online_with_a_value(
    doctor: Laptop, doctor2: Laptop, client: httpx.Client, server_engine: Engine, township: TownshipInfo
) -> None:
    resident = resident_row(first_village(server_engine, township.id), phone="1")
    base = doctor.push(doctor.insert("residents", resident)).results[0].version
    doctor.push(doctor.update("residents", resident["id"], {"phone": ("1", "2")}, base))
    conflict_id = doctor2.push(doctor2.update("residents", resident["id"], {"phone": ("1", "3")}, base)).results[0]
    response = client.post(
        f"{API_PREFIX}/conflicts/{conflict_id.conflict_ids[0]}/resolve",
        json={"keep": "value", "value": "13900000000"},
        headers=doctor.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "resolved"
    assert data_of(server_engine, "residents", resident["id"])["phone"] == "13900000000"
    missing = client.post(f"{API_PREFIX}/conflicts/{'0' * 32}/resolve", json={"keep": "server"}, headers=doctor.headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"


def test_an_edit_of_a_record_voided_elsewhere_is_a_conflict_not_a_resurrection(
    doctor: Laptop, doctor2: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    resident = resident_row(first_village(server_engine, township.id))
    base = doctor.push(doctor.insert("residents", resident)).results[0].version
    void = {"voided_at": (None, "2026-11-20 09:00:00.000000"), "void_reason": (None, "登记错误")}
    assert doctor.push(doctor.update("residents", resident["id"], void, base)).results[0].status is Status.APPLIED
    edit = doctor2.push(doctor2.update("residents", resident["id"], {"phone": (None, "13800000000")}, base))
    result = edit.results[0]
    assert (result.status, result.reason) == (Status.CONFLICT, "edit_of_voided")
    stored = record(server_engine, "residents", resident["id"])
    assert stored.voided
    assert stored.data["phone"] is None
    (conflict,) = conflicts_of(server_engine, resident["id"])
    assert conflict.kind == "edit_of_voided"
    assert conflict.body["incoming_value"] == {"phone": "13800000000"}
    assert conflict.body["server_value"] == "2026-11-20 09:00:00.000000"
    assert stored.version == result.version  # re-sent to the editor, who pulls the void

    # A person chooses the edit: the record returns, with it (never silently).
    assert doctor.push(doctor.resolve(conflict.id, "incoming")).results[0].status is Status.APPLIED
    restored = record(server_engine, "residents", resident["id"])
    assert not restored.voided
    assert (restored.data["phone"], restored.data["void_reason"]) == ("13800000000", None)


def test_an_illegal_contract_transition_is_rejected_while_the_rest_of_the_batch_applies(
    doctor: Laptop, doctor2: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    village = first_village(server_engine, township.id)
    household = row("households", village_id=village, address="罗家村1号")
    contract = row(
        "contracts",
        contract_no="QY-360111101-2026-000001",
        household_id=household["id"],
        status="active",
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    answer = doctor.push(doctor.insert("households", household), doctor.insert("contracts", contract))
    base = answer.results[1].version
    doctor.push(doctor.update("contracts", contract["id"], {"status": ("active", "terminated")}, base))
    renew = doctor2.update("contracts", contract["id"], {"status": ("active", "renewed")}, base)
    phone = doctor2.update("households", household["id"], {"phone": (None, "0791-1234567")}, answer.results[0].version)
    results = doctor2.push(renew, phone).results
    assert (results[0].status, results[0].reason) == (Status.REJECTED, "illegal_transition")
    assert results[0].message is not None and "QY-360111101-2026-000001" in results[0].message
    assert results[1].status is Status.APPLIED
    assert data_of(server_engine, "contracts", contract["id"])["status"] == "terminated"
    assert data_of(server_engine, "households", household["id"])["phone"] == "0791-1234567"


def test_a_retried_push_is_answered_from_the_ledger_without_waiting_for_the_township(
    doctor: Laptop, server_engine: Engine, township: TownshipInfo
) -> None:
    """While another push holds the township (PostgreSQL: its counter row is locked), the
    retry of a push already applied gets its stored answer at once."""
    if server_engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises whole write transactions: nothing to overtake")
    insert = doctor.insert("residents", resident_row(first_village(server_engine, township.id)))
    first = doctor.push(insert)
    with server_engine.connect() as holder:
        holder.exec_driver_sql(
            "SELECT version FROM township_versions WHERE township_id = %(t)s FOR UPDATE", {"t": township.id}
        )
        answer: list[PushResponse] = []
        retry = threading.Thread(target=lambda: answer.append(doctor.push(insert)))
        retry.start()
        retry.join(timeout=10)
        finished_while_held = not retry.is_alive()
        holder.rollback()
    retry.join()
    assert finished_while_held, "the retry waited behind the township's lock"
    assert answer[0].results == first.results
