"""The walking list (入户工作清单) for a door-knocking day: what is due comes from the work
lists, households in address order, ID numbers masked, boxes for blood pressure and
glucose, the audit trail and the permission."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers.print_world import PrintWorld, make_print_world, page_size_is_a4, pdffonts, pdfinfo, pdftotext
from sqlalchemy import select

from fdclient.documents.walking_list import write_walking_list
from fdclient.domain.codes import AuditAction
from fdclient.domain.identity import mask_id_number
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, ValidationError
from fdclient.models import AuditEntry
from fdclient.services.documents.walking_lists import address_key, walking_list
from fdclient.store import Store

DAY = date(2026, 6, 2)


@pytest.fixture
def world(store: Store) -> PrintWorld:
    return make_print_world(store)


def test_what_is_due_per_household_in_address_order(store: Store, world: PrintWorld) -> None:
    with store.write() as session:
        walk = walking_list(session, village_code=world.village_code, day=DAY)
    assert [h.address for h in walk.households] == ["罗家村一组 5 号", "罗家村二组 2 号", "罗家村二组 10 号"]
    tasks = {m.name: [t.text for t in m.tasks] for h in walk.households for m in h.members}
    assert tasks["赵老汉"] == ["未签约的重点人群（65岁及以上老年人）：动员签约"]
    head = tasks["张三"]
    assert "高血压患者随访：从未随访" in head
    assert any(t.startswith(f"协议 {world.signed_with_pad} 于 2026-06-30 到期") for t in head)
    # The planned hypertension follow-up is not listed again beside the follow-up itself.
    assert not any(t.startswith("高血压随访") for t in head)
    assert any(t.startswith("健康评估") for t in tasks["王五"])
    assert walk.households[2].head_name == "张三" and [m.name for m in walk.households[2].members][0] == "张三"
    for h in walk.households:
        for m in h.members:
            assert m.id_number_masked == mask_id_number(world.id_numbers[m.name])
            assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", m.id_number_masked)


def test_the_printed_list(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    with store.write() as session:
        walk = walking_list(session, village_code=world.village_code, day=DAY)
    out = tmp_path / "入户清单.pdf"
    pages = write_walking_list(walk, out)
    info = pdfinfo(out)
    assert int(info["Pages"]) == pages and page_size_is_a4(info, landscape=True)
    assert all(f["emb"] == "yes" for f in pdffonts(out))
    text = pdftotext(out)
    flat = re.sub(r"\s+", "", text)
    for expected in (
        "入户工作清单",
        "罗家村",
        "2026年6月2日",
        "血压（mmHg）",
        "血糖（mmol/L）",
        "从未随访",
        "动员签约",
    ):
        assert expected in flat, expected
    for name, number in world.id_numbers.items():
        assert name in flat
        assert number not in text and mask_id_number(number) in text
    assert text.index("赵老汉") < text.index("王五") < text.index("张三")


def test_an_empty_day_and_bad_input(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    with store.write() as session:
        other = walking_list(session, village_code=world.village_code, day=date(2020, 1, 1))
        with pytest.raises(ValidationError):
            walking_list(session, village_code="360111101399", day=DAY)
    # Before anyone was registered nothing is due; the list still prints, saying so.
    assert other.households == ()
    out = tmp_path / "empty.pdf"
    write_walking_list(other, out)
    assert "没有待办的入户事项" in pdftotext(out)


def test_a_team_s_list_covers_its_villages(store: Store, world: PrintWorld) -> None:
    with store.write() as session:
        walk = walking_list(session, team_id=world.team_id, day=DAY)  # type: ignore[arg-type]
    assert walk.village_names == ("罗家村",) and walk.team_name
    assert len(walk.households) == 3


def test_each_print_is_audited_with_counts_only(store: Store, world: PrintWorld) -> None:
    with store.write() as session:
        walk = walking_list(session, village_code=world.village_code, day=DAY)
    with store.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PRINT)).one()
    assert entry.table_name == "walking_list"
    assert entry.changes["households"] == 3 and entry.changes["residents"] == walk.residents
    assert entry.changes["day"] == "2026-06-02" and entry.changes["village"] == world.village_code
    dumped = json.dumps(entry.changes, ensure_ascii=False)
    assert not any(name in dumped for name in world.id_numbers)


def test_printing_needs_the_print_permission(store_as: Callable[[Role], Store]) -> None:
    with store_as(Role.ADMIN).write() as session, pytest.raises(PermissionDenied):
        walking_list(session, village_code="360111101201", day=DAY)


def test_addresses_sort_as_people_read_them() -> None:
    addresses = ["三组 1 号", "二组 10 号", "十一组 3 号", "二组 2 号", "一组 5 号", "二组九号"]
    assert sorted(addresses, key=address_key) == [
        "一组 5 号",
        "二组 2 号",
        "二组九号",
        "二组 10 号",
        "三组 1 号",
        "十一组 3 号",
    ]
