"""Migration 0008 (contact-card numbers): the columns come and go without touching a
resident, their unique indexes hold, and a store from 0007 takes its first cards."""

from __future__ import annotations

import pytest
from alembic import command
from helpers import builders
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from fdclient import migrations
from fdclient.services.registry.card_tokens import ensure_card_tokens, find_by_card
from fdclient.store import Store


def _columns(conn: Connection) -> set[str]:
    return {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(residents)")}


def _residents(conn: Connection) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.exec_driver_sql("SELECT id, name, id_number, updated_at FROM residents ORDER BY id")]


def test_down_to_0007_and_up_again_keeps_every_resident(store: Store) -> None:
    with store.write() as s:
        village = builders.make_village(s)
        household = builders.make_household(s, village)
        assert household.head_id is not None
        ensure_card_tokens(s, [household.head_id])
    with store.engine.begin() as conn:
        before = _residents(conn)
        command.downgrade(migrations.alembic_config(conn), "0007")
        assert not {"card_token", "card_code"} & _columns(conn)
        assert _residents(conn) == before
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        migrations.upgrade(conn)
        assert {"card_token", "card_code"} <= _columns(conn)
        assert _residents(conn) == before
        assert conn.exec_driver_sql("SELECT count(*) FROM residents WHERE card_token IS NOT NULL").scalar_one() == 0
        indexes = {row[1]: row[2] for row in conn.exec_driver_sql("PRAGMA index_list(residents)") if "card" in row[1]}
        assert indexes == {"ix_residents_card_token": 1, "ix_residents_card_code": 1}
    # The residents take their first cards again; the old numbers were dropped with the columns.
    with store.write() as s:
        numbers = ensure_card_tokens(s, [household.head_id])[household.head_id]
        found = find_by_card(s, numbers.code)
        assert found is not None and found.id == household.head_id


def test_the_card_numbers_are_unique_and_the_code_is_twelve_digits(store: Store) -> None:
    with store.write() as s:
        village = builders.make_village(s)
        household = builders.make_household(s, village)
        ids = [m.id for m in household.members]
        numbers = ensure_card_tokens(s, ids)
    first, second = (numbers[i] for i in ids)
    with store.engine.begin() as conn:
        for column, value in (("card_token", first.token), ("card_code", first.code), ("card_code", "12345")):
            with pytest.raises(IntegrityError), conn.begin_nested():
                conn.exec_driver_sql(f"UPDATE residents SET {column} = ? WHERE id = ?", (value, ids[1].hex))
        assert second.code != first.code
