"""Two server processes on one PostgreSQL database, laptops syncing through both at once:
the server keeps no state outside the database, so it does not matter which process a
laptop reaches, and every change is applied once and reaches every laptop."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from helpers.server import PG_ENV, postgres_database, running_server
from helpers.sync_world import PASSWORD, Laptop, SyncWorld, no_sleep, sync_world
from sqlalchemy import func, select

from fdclient.models import Resident, Village
from fdclient.sync import api
from fdclient.sync.enrolment import enroll
from fdclient.sync.transport import Transport
from fdserver.models import MutationLedger, table_of


def _laptop_through(world: SyncWorld, base: str, user: str) -> Laptop:
    transport = Transport(base, sleep=no_sleep)
    folder = world.root / user
    result = enroll(folder, base, world.code(user, "doctor", user), PASSWORD, transport=transport)
    laptop = Laptop(user, folder, result.store, transport, result)
    world.laptops.append(laptop)
    return laptop


def _register(laptop: Laptop, names: list[str], year: int) -> None:
    with laptop.store.write() as session:
        village = session.scalars(select(Village).order_by(Village.code)).first()
        assert village is not None
        for n, name in enumerate(names):
            builders.make_resident(session, village, name=name, birth_date=date(year, 1 + n, 1 + n))


def test_laptops_sync_through_two_server_processes_at_once(tmp_path: Path) -> None:
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"{PG_ENV} is not set")
    with postgres_database(admin_url) as url, sync_world(tmp_path, 0, url=url) as world:
        with running_server(url) as first, running_server(url) as second:
            a = _laptop_through(world, first, "doctor_a")
            b = _laptop_through(world, second, "doctor_b")
            _register(a, [f"甲{c}" for c in "一二三四五六七"], 1950)
            _register(b, [f"乙{c}" for c in "一二三四五六七"], 1960)
            pending = api.sync_status(a.store).pending + api.sync_status(b.store).pending
            errors: list[BaseException] = []

            def sync(laptop: Laptop) -> None:
                try:
                    laptop.sync()
                except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                    errors.append(error)

            threads = [threading.Thread(target=sync, args=(laptop,)) for laptop in (a, b)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors, errors
            for laptop in (a, b, a):
                laptop.sync_until_quiet()

            ledger = table_of(MutationLedger)
            with world.engine.connect() as conn:
                applied = conn.execute(select(func.count()).select_from(ledger)).scalar_one()
            assert applied == pending  # each change once, through whichever process
            for laptop in (a, b):
                status = api.sync_status(laptop.store)
                assert status.pending == 0 and status.rejected == 0
                with laptop.store.read() as session:
                    names = sorted(session.scalars(select(Resident.name)))
                assert len(names) == 14 and {n[0] for n in names} == {"甲", "乙"}
