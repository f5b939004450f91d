"""The unit of work: one audited session factory, BEGIN IMMEDIATE, commit or roll back,
database failures as typed errors by SQLite result code."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
from helpers.scene import Template
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fdclient.errors import DiskFullError, RuleError, StoreBusyError, StoreReadOnlyError
from fdclient.models import AuditEntry, Village
from fdclient.services.township import store_township
from fdclient.store import Store, open_store
from fdclient.store.context import context_of, now, today
from fdclient.text import set_language


def add_village(session: Session, n: int) -> uuid.UUID:
    township = store_township(session)
    village = Village(
        township_id=township.id, code=f"{township.code}{200 + n:03d}", name=f"第{n}村", record_segment=f"{100 + n:03d}"
    )
    session.add(village)
    session.flush()
    return village.id


def villages(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Village)) or 0


def test_a_clean_block_commits_and_is_audited_with_actor_device_and_clock(store: Store) -> None:
    with store.write() as session:
        village_id = add_village(session, 1)
    with store.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.row_id == village_id)).one()
        village = session.get(Village, village_id)
    assert store.actor is not None
    assert entry.actor_id == store.actor.staff_id
    assert entry.device_id == store.info.device_id
    assert entry.at == store.clock.now() == village.created_at


def test_an_error_in_the_block_rolls_everything_back(store: Store) -> None:
    with pytest.raises(ZeroDivisionError), store.write() as session:
        add_village(session, 1)
        1 / 0  # noqa: B018 - the failure under test
    assert villages(store) == 0


def test_ctrl_c_in_the_block_rolls_back_and_the_store_stays_usable(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt), store.write() as session:
        add_village(session, 1)
        raise KeyboardInterrupt
    with store.write() as session:
        add_village(session, 2)
    assert villages(store) == 1


def test_a_read_unit_of_work_refuses_to_write(store: Store) -> None:
    with pytest.raises(RuntimeError, match="read"), store.read() as session:
        add_village(session, 1)
    assert villages(store) == 0


def test_write_begins_immediate_so_the_lock_is_taken_at_the_start(store: Store) -> None:
    with store.write() as session:
        session.connection()  # BEGIN IMMEDIATE: this connection now holds the write lock
        assert context_of(session).writable
        with store.read() as reader:  # readers are not blocked (WAL)
            assert reader.scalar(select(func.count()).select_from(Village)) == 0


def test_clock_helpers_read_the_unit_of_work_clock(store: Store) -> None:
    with store.read() as session:
        assert now(session) == store.clock.now()
        assert today(session).isoformat() == "2026-06-01"


def _second_store(template: Template, folder: Path, timeout_ms: int) -> Store:
    return open_store(folder, template.keys["nurse"], daily_backup=False, busy_timeout_ms=timeout_ms)


def test_a_second_writer_waits_for_the_first(store: Store, scene_template: Template) -> None:
    other = _second_store(scene_template, store.paths.folder, 5_000)
    released = threading.Event()

    def hold_the_lock() -> None:
        with store.write() as session:
            add_village(session, 1)
            released.wait(5)
            time.sleep(0.3)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    time.sleep(0.2)
    released.set()
    with other.write() as session:  # waits for the holder, then proceeds
        add_village(session, 2)
    holder.join()
    other.close()
    assert villages(store) == 2


def test_a_writer_that_waits_too_long_gets_the_busy_message(store: Store, scene_template: Template) -> None:
    other = _second_store(scene_template, store.paths.folder, 150)
    try:
        with store.write() as session:
            add_village(session, 1)
            with pytest.raises(StoreBusyError) as caught, other.write() as second:
                add_village(second, 2)
        assert caught.value.message == "另一个 fdclient 正在写入，请稍后再试。"
        assert caught.value.exit_code == 3
        set_language("en")
        try:
            assert caught.value.message == "Another fdclient is writing; try again in a moment."
        finally:
            set_language("zh_CN")
    finally:
        other.close()
    assert villages(store) == 1


def test_a_full_database_is_a_disk_full_message_without_values(store: Store) -> None:
    with store.write() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar_one()
    secret = "隐秘的名字" * 5
    with pytest.raises(DiskFullError) as caught, store.write() as session:
        session.connection().exec_driver_sql(f"PRAGMA max_page_count = {pages + 2}")
        for n in range(1, 190):
            village_id = add_village(session, n)
            session.get(Village, village_id).name = secret  # type: ignore[union-attr]
            session.flush()
    message = caught.value.message
    assert "磁盘空间已满" in message and "没有保存" in message
    assert secret not in message and "INSERT" not in message and "parameters" not in message
    assert villages(store) == 0


def test_a_read_only_connection_is_a_read_only_message(store: Store) -> None:
    with pytest.raises(StoreReadOnlyError, match="只读"), store.write() as session:
        session.connection().exec_driver_sql("PRAGMA query_only = ON")  # SQLite answers SQLITE_READONLY
        add_village(session, 1)
    store.engine.dispose()  # drop the connection left in query-only mode


def test_a_broken_rule_names_the_constraint_but_no_value(store: Store) -> None:
    with pytest.raises(RuleError) as caught, store.write() as session:
        township = store_township(session)
        session.execute(
            text(
                "INSERT INTO villages (id, township_id, code, name, record_segment, created_at, updated_at)"
                " VALUES (:id, :t, 'abc', '秘密村', '101', '2026-01-01', '2026-01-01')"
            ),
            {"id": uuid.uuid4().hex, "t": township.id.hex},
        )
    assert "ck_villages" in caught.value.message
    assert "秘密村" not in caught.value.message


def test_a_trigger_refusal_is_said_in_plain_words(store: Store) -> None:
    with pytest.raises(RuleError) as caught, store.write() as session:
        session.connection().exec_driver_sql("DELETE FROM audit_log")
    assert caught.value.message == "操作日志只能追加，不能修改或删除。"


def test_text_longer_than_its_column_or_with_control_characters_is_refused(store: Store) -> None:
    from fdclient.errors import ValidationError

    with pytest.raises(ValidationError, match="最多 60 个字符，实际为 40000 个") as long, store.write() as session:
        village_id = add_village(session, 1)
        session.get(Village, village_id).name = "村" * 40_000  # type: ignore[union-attr]
        session.flush()
    assert long.value.field == "name"
    with pytest.raises(ValidationError, match="控制字符"), store.write() as session:
        village_id = add_village(session, 2)
        session.get(Village, village_id).name = "上\x07村"  # type: ignore[union-attr]
        session.flush()
    assert villages(store) == 0
