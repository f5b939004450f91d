"""Enrolling a laptop that already holds a township's data (a standalone store, a roster
import made before the county server existed): its township, villages (by code) and staff
(by sign-in name) take the server's ids, so the first push adds no second copy of them,
and everything it holds reaches a laptop enrolled afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import builders
from helpers.scene import PASSWORD
from helpers.server import add_township, asgi_client, enrolment_code, make_server
from helpers.sync_world import IN_PROCESS_URL, no_sleep
from sqlalchemy import Engine, select

from fdclient.domain.roles import Role
from fdclient.models import Household, Resident, Staff, Village
from fdclient.store import Store
from fdclient.sync.enrolment import enroll
from fdclient.sync.transport import Transport
from fdserver.models import Record, table_of

VILLAGE_CODE = "360111101201"  # also one of the server's villages (helpers.server.VILLAGES)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Engine]:
    (tmp_path / "server").mkdir()
    engine = make_server(tmp_path / "server")
    add_township(engine)
    yield engine
    engine.dispose()


def _records(engine: Engine, table: str) -> list[dict[str, object]]:
    records = table_of(Record)
    with engine.connect() as conn:
        rows = conn.execute(select(records.c.row_id, records.c.data).where(records.c.table_name == table)).all()
    return [{"id": r.row_id, **r.data} for r in rows]


def test_an_existing_store_keeps_its_data_and_takes_the_servers_ids(
    store_as: object, server: Engine, tmp_path: Path
) -> None:
    store: Store = store_as(Role.DOCTOR)  # type: ignore[operator]
    with store.write() as session:
        village = builders.make_village(session, code=VILLAGE_CODE, name="罗家村")
        builders.make_household(session, village)
    client = asgi_client(server)
    transport = Transport(IN_PROCESS_URL, client=client, sleep=no_sleep)
    code = enrolment_code(server, user="doctor", role="doctor", name="王建国")

    result = enroll(store.paths.folder, IN_PROCESS_URL, code, PASSWORD, store=store, transport=transport)

    assert result.report is not None and result.report.rejected == 0
    server_villages = [v for v in _records(server, "villages") if v["code"] == VILLAGE_CODE]
    server_doctors = [s for s in _records(server, "staff") if s["username"] == "doctor"]
    assert len(server_villages) == 1, "the laptop's village was pushed as a second copy"
    assert len(server_doctors) == 1, "the laptop's account was pushed as a second staff member"
    with store.read() as session:
        local = session.scalars(select(Village).where(Village.code == VILLAGE_CODE)).one()
        assert local.id.hex == server_villages[0]["id"]
        assert {h.village_id for h in session.scalars(select(Household))} == {local.id}
        doctor = session.scalars(select(Staff).where(Staff.username == "doctor")).one()
        assert doctor.id.hex == server_doctors[0]["id"]
        names = sorted(r.name for r in session.scalars(select(Resident)))
    pushed = sorted(str(r["name"]) for r in _records(server, "residents"))
    assert pushed == names and len(names) == 2

    # A laptop enrolled afterwards gets the household in the server's village.
    newcomer = enroll(
        tmp_path / "newcomer",
        IN_PROCESS_URL,
        enrolment_code(server, user="nurse1", role="nurse"),
        "laptop-password-1",
        transport=Transport(IN_PROCESS_URL, client=client, sleep=no_sleep),
    )
    try:
        with newcomer.store.read() as session:
            villages = session.scalars(select(Village).where(Village.code == VILLAGE_CODE)).all()
            assert [v.id for v in villages] == [local.id]
            assert sorted(r.name for r in session.scalars(select(Resident))) == names
    finally:
        newcomer.store.close()
        client.close()
