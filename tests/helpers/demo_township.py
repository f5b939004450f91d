"""The demo township of the demo generator's tests (tests/services/demo): its constants and
the helpers that open, query and sign in to a demo store. The shared township itself is the
``demo`` fixture of tests/services/demo/conftest.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Row, text

from fdclient.domain.time import FixedClock
from fdclient.services.demo import DemoSummary, DemoTownship
from fdclient.store import Store, create_store, open_store, sign_in

CODE, NAME = "360111101", "罗家镇"
AS_OF = date(2026, 11, 20)
PASSWORD = "demo-password-1"
CLOCK = FixedClock.on(AS_OF)
Demo = tuple[Store, DemoSummary]


def new_store(folder: Path, **options: Any) -> Store:
    """A new, empty store (its administrator only), signed in as that administrator."""
    return create_store(folder, CODE, NAME, admin_username="admin", admin_password=PASSWORD, clock=CLOCK, **options)


def rows(store: Store, sql: str, **params: Any) -> list[Row[Any]]:
    with store.read() as session:
        return list(session.execute(text(sql), params).all())


def township(store: Store) -> DemoTownship:
    return DemoTownship(store.info.township_id.hex, CODE, NAME)


def opened_as(store: Store, username: str) -> Store:
    """The store's folder opened again, signed in as ``username`` with the demo's password."""
    key = sign_in(store.paths.folder, username, PASSWORD, clock=CLOCK)
    return open_store(store.paths.folder, key, clock=CLOCK, daily_backup=False)
