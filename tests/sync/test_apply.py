"""Applying pulled pages: twice changes nothing, pending local fields are kept, an alias
re-points local rows and pending entries, conflicts and merge tasks are stored."""

from __future__ import annotations

import json
from datetime import date

from helpers import builders
from helpers.sync_world import Laptop, SyncWorld
from sqlalchemy import select

from fdclient.models import Household, OutboxEntry, Resident, Village
from fdclient.sync import protocol, state
from fdclient.sync.apply import apply_pull, pending_fields


def _dump(laptop: Laptop) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    with laptop.store.read() as session:
        conn = session.connection()
        for name in ("villages", "households", "residents", "staff", "townships"):
            out[name] = [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {name} ORDER BY id")]
    return out


def _register_household(laptop: Laptop) -> Household:
    with laptop.store.write() as session:
        village = session.scalars(select(Village).order_by(Village.code)).first()
        assert village is not None
        return builders.make_household(session, village)


def test_the_same_page_applied_twice_changes_nothing(world: SyncWorld) -> None:
    a, b = world.laptops
    _register_household(a)
    a.sync()
    with b.store.read() as session:
        cursor = state.cursor(session)
    page = b.transport.pull(cursor)
    assert page.groups
    with b.store.apply() as conn:
        first = apply_pull(conn, page)
    once = _dump(b)
    with b.store.apply() as conn:
        second = apply_pull(conn, page)
    assert first.rows == second.rows > 0
    assert _dump(b) == once
    with b.store.read() as session:
        assert state.cursor(session) == page.next
        assert session.scalars(select(OutboxEntry)).all() == []  # nothing applied was captured


def test_fields_with_pending_local_edits_are_kept(world: SyncWorld) -> None:
    a, b = world.laptops
    household = _register_household(a)
    a.sync()
    b.sync()
    with b.store.write() as session:  # B edits the phone offline
        row = session.get(Resident, household.head_id)
        assert row is not None
        row.phone = "13811112222"
    with a.store.write() as session:  # A edits the phone and the occupation
        row = session.get(Resident, household.head_id)
        assert row is not None
        row.phone, row.occupation = "13833334444", "6"
    a.sync()
    with b.store.read() as session:
        cursor = state.cursor(session)
        assert pending_fields(session.connection())[("residents", household.head_id.hex)] == {"phone", "updated_at"}  # type: ignore[union-attr]
    with b.store.apply() as conn:
        applied = apply_pull(conn, b.transport.pull(cursor))
    assert applied.kept_fields >= 1
    with b.store.read() as session:
        row = session.get(Resident, household.head_id)
        assert row is not None
        assert (row.phone, row.occupation) == ("13811112222", "6")


def test_an_alias_re_points_local_rows_and_pending_entries(world: SyncWorld) -> None:
    a, _ = world.laptops
    with a.store.write() as session:
        village = session.scalars(select(Village).order_by(Village.code)).first()
        assert village is not None
        survivor = builders.make_resident(session, village, name="甲")
        alias = builders.make_resident(session, village, name="甲", birth_date=date(1960, 5, 2))
        household = builders.make_household(session, village)
        member = session.get(Resident, household.head_id)
        assert member is not None
    a.sync()
    with a.store.write() as session:  # offline: the household's head becomes the alias
        row = session.get(Household, household.id)
        assert row is not None
        row.head_id = alias.id
    # The server says: alias merged into survivor.
    with a.store.read() as session:
        conn = session.connection()
        result = conn.exec_driver_sql("SELECT * FROM residents WHERE id = ?", (alias.id.hex,))
        columns = list(result.keys())
        values = list(result.one())
    values[columns.index("merged_into_id")] = survivor.id.hex
    values[columns.index("voided_at")] = "2026-06-01 00:00:00.000000"
    values[columns.index("void_reason")] = "重复登记已合并"
    page = protocol.PullResponse(
        epoch="e",
        groups=[protocol.RowGroup(table="residents", columns=["version", *columns], rows=[[999, *values]])],
        next=999,
        more=False,
        latest_version=999,
    )
    with a.store.apply() as conn:
        applied = apply_pull(conn, page)
    assert applied.aliases == 1
    with a.store.read() as session:
        row = session.get(Household, household.id)
        assert row is not None and row.head_id == survivor.id
        pending = session.scalars(select(OutboxEntry).where(OutboxEntry.status == "pending")).all()
        text = json.dumps([e.data for e in pending])
    assert alias.id.hex not in text and survivor.id.hex in text
