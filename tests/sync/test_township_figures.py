"""After sync every laptop of a township tells the same story: ``fdclient stats`` gives the
same figures on each, and the laptops' audit trails have reached the server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import builders
from helpers.sync_world import Laptop, SyncWorld, sync_world
from sqlalchemy import select

from fdclient.models import Household, ServicePackage, Staff, Team, Village
from fdclient.services.indicators.compute import compute_indicators
from fdclient.services.indicators.report import report_to_json
from fdserver.models import AuditEvent, table_of

AS_OF = None  # today, by each laptop's (server-corrected) clock


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SyncWorld]:
    with sync_world(tmp_path, 0) as w:
        yield w


def _organise(admin: Laptop) -> None:
    """The administrator's laptop sets up a doctor, a team for every village and the basic package."""
    with admin.store.write() as session:
        villages = list(session.scalars(select(Village)))
        builders.make_team(session, name="罗家团队", villages=villages)
        builders.make_basic_package(session, code="JC1")


def _sign_household(laptop: Laptop, village_index: int, name: str, *, hypertension: bool) -> None:
    with laptop.store.write() as session:
        village = session.scalars(select(Village).order_by(Village.code)).all()[village_index]
        team = session.scalars(select(Team)).one()
        doctor = session.scalars(select(Staff).where(Staff.id == team.leader_id)).one()
        package = session.scalars(select(ServicePackage)).one()
        household = builders.make_household(
            session,
            village,
            members=((name, date(1950, 3, 1), 1, "01"), ("王芳", date(1953, 8, 9), 2, "10")),
            has_hypertension=hypertension,
        )
        builders.make_signed_contract(session, session.get(Household, household.id), team, doctor, [package])  # type: ignore[arg-type]


def _figures(laptop: Laptop) -> dict[str, Any]:
    return report_to_json(compute_indicators(laptop.store, AS_OF))


def test_every_laptop_gives_the_same_figures_and_the_audit_trail_reaches_the_server(world: SyncWorld) -> None:
    admin = world.add_laptop(user="admin", role="admin", staff_name="管理员")
    _organise(admin)
    admin.sync_until_quiet()
    a = world.add_laptop(user="doc_a", role="doctor")
    b = world.add_laptop(user="doc_b", role="doctor")
    _sign_household(a, 0, "张三", hypertension=True)
    _sign_household(b, 1, "李四", hypertension=False)
    for _ in range(2):
        for laptop in (a, b, admin):
            report = laptop.sync_until_quiet()
            assert report.rejected == 0

    figures = [_figures(laptop) for laptop in (admin, a, b)]
    assert figures[0] == figures[1] == figures[2]
    assert figures[0]["residents"] == 4 and figures[0]["contracted_residents"] == 4

    events = table_of(AuditEvent)
    with world.engine.connect() as conn:
        rows = conn.execute(select(events.c.device_id, events.c.action, events.c.table_name)).all()
    for laptop in (admin, a, b):
        own = {(r.action, r.table_name) for r in rows if r.device_id == laptop.enrolment.device_id}
        assert ("insert", "households") in own or laptop is admin, own
        assert any(action == "sign_in" for action, _ in own), own
