"""Resident search over a real migrated store: every kind of query, and the index kept in
step with ``residents`` by the triggers of migration 0002 whoever writes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import pytest
from alembic import command
from helpers import builders
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from fdclient import migrations
from fdclient.domain.codes import ResidentStatus
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.models import Resident
from fdclient.services.registry.card_tokens import ensure_card_tokens, reissue_card
from fdclient.services.registry.pinyin import pinyin_of_name
from fdclient.services.registry.search import deferred_search_index, search_residents
from fdclient.store import Store
from fdclient.store.context import now

ID_NUMBER = "11010519491231002X"
RECORD_NO = "36011110110100001"


def _village(store: Store, code: str = "360111101201", segment: str = "101") -> uuid.UUID:
    with store.write() as s:
        return builders.make_village(s, code=code, name=f"村{segment}", record_segment=segment).id


def _resident(village_id: uuid.UUID, name: str, **fields: object) -> Resident:
    py, initials = pinyin_of_name(name)
    fields.setdefault("sex", 1)
    fields.setdefault("birth_date", date(1960, 1, 1))
    return Resident(village_id=village_id, name=name, name_pinyin=py, name_initials=initials, **fields)


@pytest.fixture
def village(store: Store) -> uuid.UUID:
    return _village(store)


@pytest.fixture
def people(store: Store, village: uuid.UUID) -> dict[str, uuid.UUID]:
    residents = [
        _resident(village, "张三", id_number=ID_NUMBER, phone="13800138000", health_record_no=RECORD_NO),
        _resident(village, "张三丰", phone="0791-88123456", health_record_no="36011110110100002"),
        _resident(village, "王张三"),
        _resident(village, "赵森"),
        _resident(village, "李"),
        _resident(village, "单雄信"),
        _resident(village, "曾国藩"),
        _resident(village, "解缙"),
        _resident(village, "买买提·艾力"),
        _resident(village, "John Smith"),
        _resident(village, "欧阳娜娜"),
        _resident(village, "阿卜杜热合曼·阿卜杜克力木"),
    ]
    # Rows written directly, not through the services: the index follows whoever writes.
    with store.write() as s:
        s.add_all(residents)
    return {r.name: r.id for r in residents}


def _find(store: Store, query: str, **kwargs: object) -> list[tuple[str, str]]:
    with store.read() as s:
        return [(hit.name, hit.matched_on) for hit in search_residents(s, query, **kwargs)]


def _names(store: Store, query: str, **kwargs: object) -> list[str]:
    return [name for name, _ in _find(store, query, **kwargs)]


def _check_index(session: Session) -> None:
    """FTS5's own check of both indexes against their content (raises when out of step)."""
    for fts in ("resident_search", "resident_search_numbers"):
        session.execute(text(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)"))


def test_chinese_characters_as_a_run_in_the_name(store: Store, people: dict) -> None:
    assert _names(store, "李") == ["李"]
    assert _names(store, "张三") == ["张三", "张三丰", "王张三"]  # exact, starts with, contains
    assert _names(store, "三") == ["王张三", "张三", "张三丰"]  # none starts: by pinyin
    assert _names(store, "张 三") == ["张三", "张三丰", "王张三"]
    assert _names(store, "三丰") == ["张三丰"]
    assert _names(store, "张丰") == []  # characters must be adjacent
    assert _find(store, "艾力") == [("买买提·艾力", "name")]
    assert _names(store, "买买提·艾力") == ["买买提·艾力"]
    assert _names(store, "买买提艾力") == ["买买提·艾力"]


def test_names_of_every_length(store: Store, people: dict) -> None:
    assert _names(store, "娜娜") == ["欧阳娜娜"]
    assert _names(store, "欧阳娜娜") == ["欧阳娜娜"]
    assert _names(store, "克力木") == ["阿卜杜热合曼·阿卜杜克力木"]  # 13 characters with the dot
    assert _names(store, "曼阿卜") == ["阿卜杜热合曼·阿卜杜克力木"]  # across the dot
    assert _names(store, "阿卜杜热合曼阿卜杜克力木") == ["阿卜杜热合曼·阿卜杜克力木"]
    assert _names(store, "oynn") == ["欧阳娜娜"]


def test_initials(store: Store, people: dict) -> None:
    found = _find(store, "zs")
    assert found[:2] == [("张三", "initials"), ("赵森", "initials")]  # exact initials first
    assert ("张三丰", "initials") in found
    assert _names(store, "zsf") == ["张三丰"]
    assert _names(store, "ZS")[:2] == ["张三", "赵森"]
    assert _names(store, "js") == ["John Smith"]


def test_full_pinyin_prefix_of_the_joined_syllables(store: Store, people: dict) -> None:
    for query in ("zhang", "zhangsan", "zhang san", "ZHANG SAN", "ｚｈａｎｇ"):
        found = _find(store, query)
        assert found[0] == ("张三", "pinyin"), query
        assert ("张三丰", "pinyin") in found
        assert "王张三" not in [n for n, _ in found]  # pinyin matches from the start
    assert _names(store, "zhangsanf") == ["张三丰"]
    assert _names(store, "john") == ["John Smith"]


def test_characters_then_letters(store: Store, people: dict) -> None:
    assert _names(store, "张s") == ["张三", "张三丰"]
    assert _names(store, "张sanf") == ["张三丰"]


def test_surname_readings_are_searchable(store: Store, people: dict) -> None:
    assert _names(store, "shan") == ["单雄信"]
    assert _names(store, "danxiong") == []
    assert _names(store, "zeng") == ["曾国藩"]
    assert _names(store, "cengguo") == []
    assert _names(store, "xj") == ["解缙"]


def test_id_number_fragments(store: Store, people: dict) -> None:
    assert _find(store, "19491231") == [("张三", "id_number")]  # middle
    assert _find(store, "002x") == [("张三", "id_number")]  # lowercase x
    assert _find(store, "110105") == [("张三", "id_number")]  # prefix
    assert _find(store, "11010519491231002x") == [("张三", "id_number")]
    assert _find(store, "１１０１０５") == [("张三", "id_number")]  # full-width digits


def test_phone_fragments(store: Store, people: dict) -> None:
    assert _find(store, "13800138000") == [("张三", "phone")]
    assert _find(store, "0013") == [("张三", "phone")]
    assert _find(store, "88123") == [("张三丰", "phone")]  # landline stored as 0791-88123456
    assert _find(store, "0791-881") == [("张三丰", "phone")]
    assert _find(store, "138 0013 8000") == [("张三", "phone")]


def test_health_record_number(store: Store, people: dict) -> None:
    assert _find(store, RECORD_NO) == [("张三", "health_record_no")]  # exact: only that one
    assert _find(store, "3601111011010000") == [("张三", "health_record_no"), ("张三丰", "health_record_no")]
    assert _names(store, "100002") == ["张三丰"]


def test_numbers_too_short_or_mixed_find_nobody(store: Store, people: dict) -> None:
    assert _find(store, "13") == []
    assert _find(store, "x") == [("解缙", "initials")]  # a letter alone is pinyin, not a number
    assert _find(store, "a138") == []


@pytest.mark.parametrize("query", ["", "   ", "\t", "·", "!!!", "***", '"', "'", "-", "^", ":", "()", "%_"])
def test_empty_or_punctuation_only(store: Store, people: dict, query: str) -> None:
    assert _find(store, query) == []


@pytest.mark.parametrize(
    "query",
    [
        '"张三',
        "zs*",
        "张*",
        "^张",
        "张 OR 李",
        "AND",
        "NOT 张",
        "NEAR(张 三)",
        "chars:张",
        "{pinyin}:z",
        "zs AND",
        "1380*",
        '"138"',
        "138 OR 139",
        "x:y",
        "\\",
        "张'三",
    ],
)
def test_fts_syntax_characters_are_plain_text(store: Store, people: dict, query: str) -> None:
    found = _names(store, query)  # no FTS5 syntax error
    if query in ("zs*", "^张", "张*", '"张三'):
        assert found and found[0] == "张三"


def test_limit_and_village(store: Store, people: dict, village: uuid.UUID) -> None:
    other = _village(store, code="360111101202", segment="102")
    with store.write() as s:
        s.add(_resident(other, "张三"))
    assert _names(store, "张三") == ["张三", "张三", "张三丰", "王张三"]
    assert len(_names(store, "张", limit=2)) == 2
    assert _names(store, "张三", village_id=other) == ["张三"]
    assert _names(store, "zs", village_id=other) == ["张三"]
    assert _names(store, "13800", village_id=other) == []
    assert _names(store, "张三", limit=0) == []


def test_hit_carries_the_resident(store: Store, people: dict, village: uuid.UUID) -> None:
    with store.read() as s:
        (hit,) = search_residents(s, ID_NUMBER)
    assert hit.id == people["张三"]
    assert (hit.name, hit.sex, hit.birth_date, hit.village_id) == ("张三", 1, date(1960, 1, 1), village)
    assert (hit.id_number, hit.phone, hit.health_record_no) == (ID_NUMBER, "13800138000", RECORD_NO)
    assert hit.household_id is None and hit.status is ResidentStatus.ACTIVE


def test_voided_residents_are_not_found(store: Store, people: dict) -> None:
    with store.write() as s:
        r = s.get(Resident, people["张三"])
        r.voided_at, r.void_reason = now(s), "重复登记"
    assert "张三" not in _names(store, "张三")
    assert _find(store, ID_NUMBER) == []
    assert ("张三", "initials") not in _find(store, "zs")
    with store.write() as s:
        r = s.get(Resident, people["张三"])
        r.voided_at, r.void_reason = None, None
    assert _names(store, ID_NUMBER) == ["张三"]
    with store.write() as s:
        _check_index(s)


def test_renaming_reindexes(store: Store, people: dict) -> None:
    with store.write() as s:
        r = s.get(Resident, people["张三"])
        r.name = "李四"
        r.name_pinyin, r.name_initials = pinyin_of_name("李四")
        r.phone = "13900139000"
    assert _names(store, "张三") == ["张三丰", "王张三"]
    assert _names(store, "李四") == ["李四"]
    assert _names(store, "ls") == ["李四"]
    assert _names(store, "13800138000") == []
    assert _names(store, "13900139000") == ["李四"]
    with store.write() as s:
        _check_index(s)


def test_raw_sql_delete_and_replace_keep_the_index(store: Store, people: dict) -> None:
    rid = people["张三"].hex
    count = "SELECT count(*) FROM resident_search_map WHERE resident_id = :id"
    with store.write() as s:
        s.execute(text("INSERT OR REPLACE INTO residents SELECT * FROM residents WHERE id = :id"), {"id": rid})
        assert s.execute(text(count), {"id": rid}).scalar() == 1
    assert _names(store, ID_NUMBER) == ["张三"]
    with store.write() as s:
        s.execute(text("DELETE FROM residents WHERE id = :id"), {"id": rid})
        assert s.execute(text(count), {"id": rid}).scalar() == 0
    assert _names(store, "张三") == ["张三丰", "王张三"]
    assert _names(store, ID_NUMBER) == []
    with store.write() as s:
        _check_index(s)


def _bulk_rows(village: uuid.UUID, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        name = "钱" + "一二三四五六七八九十"[i % 10] + "甲乙丙丁"[i // 10 % 4]
        py, initials = pinyin_of_name(name)
        rows.append(
            {
                "village_id": village,
                "name": name,
                "name_pinyin": py,
                "name_initials": initials,
                "sex": 2,
                "birth_date": date(1980, 1, 1),
                "phone": f"1770000{i:04d}",
            }
        )
    return rows


def test_core_bulk_insert_is_indexed(store: Store, village: uuid.UUID) -> None:
    with store.write() as s:
        s.execute(insert(Resident), _bulk_rows(village, 40))
    assert len(_names(store, "钱")) == 40
    assert _names(store, "钱三乙") == ["钱三乙"]
    assert _find(store, "17700000017") == [("钱八乙", "phone")]
    assert len(_names(store, "qian")) == 40


def test_deferred_index_for_bulk_loads(store: Store, people: dict, village: uuid.UUID) -> None:
    with store.write() as s, deferred_search_index(s.connection()):
        s.execute(insert(Resident), _bulk_rows(village, 40))
        s.execute(text("DELETE FROM residents WHERE id = :id"), {"id": people["李"].hex})
    assert len(_names(store, "钱")) == 40
    assert _find(store, "00017") == [("钱八乙", "phone")]
    assert _names(store, "李") == []
    assert _names(store, "张三") == ["张三", "张三丰", "王张三"]
    with store.write() as s:
        _check_index(s)
        assert s.execute(text("SELECT count(*) FROM resident_search_deferred")).scalar() == 0


def test_migration_downgrade_drops_everything_and_upgrade_indexes_existing(store: Store, people: dict) -> None:
    with store.write() as s:
        conn = s.connection()
        command.downgrade(migrations.alembic_config(conn), "0001")
        left = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE '%resident_search%'")).all()
        assert left == []
        conn.execute(
            text("UPDATE residents SET voided_at = '2026-01-01 00:00:00.000000', void_reason = 'x' WHERE name = '李'")
        )
    with store.write() as s:
        migrations.upgrade(s.connection())
    assert _names(store, "张三") == ["张三", "张三丰", "王张三"]
    assert _names(store, "李") == []
    assert _find(store, "002X") == [("张三", "id_number")]
    with store.write() as s:
        _check_index(s)


def test_search_needs_the_permission_to_view_records(store_as: Callable[[Role], Store]) -> None:
    nurse = store_as(Role.NURSE)
    _resident_in(nurse)
    with nurse.read() as s:
        assert [hit.name for hit in search_residents(s, "张三")] == ["张三"]
    admin = store_as(Role.ADMIN)
    with admin.read() as s, pytest.raises(PermissionDenied, match="查看居民档案"):
        search_residents(s, "张三")
    with admin.read() as s, pytest.raises(PermissionDenied, match="查看居民档案"):
        search_residents(s, "")  # refused before the query is even looked at


def _resident_in(store: Store) -> None:
    village = _village(store)
    with store.write() as s:
        s.add(_resident(village, "张三"))


def test_one_character_reads_in_order_what_the_full_sort_gives(store: Store, village: uuid.UUID) -> None:
    """One character (a surname, mostly) is read from the pinyin index without sorting
    every name that holds it; the order is the full sort's (the name itself, the names
    starting with it, those holding it elsewhere; each by pinyin) — compared with the
    same search narrowed to the village, which sorts every match. Compound surnames read
    differently (单于 chan, 长孙 zhang), a shared reading (王 / 汪 wang), a name that is the
    character alone and names holding it in the middle are all in the mix."""
    names = [
        "单", "单雄信", "单于丹", "单于", "简单", "王单", "单单",
        "长孙无忌", "长江", "长", "家长", "孙长",
        "王", "王小明", "汪洋", "王汪", "汪王", "三王", "王五", "万刚",
    ]  # fmt: skip
    with store.write() as s:
        s.add_all(_resident(village, name) for name in names)
    for ch in ("单", "长", "王", "汪", "孙", "简"):
        for limit in (1, 3, 50):
            assert _find(store, ch, limit=limit) == _find(store, ch, limit=limit, village_id=village), (ch, limit)
    assert _names(store, "单")[:4] == ["单", "单于", "单于丹", "单单"]  # chanyu before shan
    assert set(_names(store, "单")) == {n for n in names if "单" in n}


def test_a_contact_card_finds_its_holder_alone(store: Store, people: dict) -> None:
    """The search box takes what a scanner types from a card's QR code, or the 12 digits
    printed under it (as printed, with spaces); a reissued card's old numbers find nobody."""
    with store.write() as s:
        numbers = ensure_card_tokens(s, [people["张三"]])[people["张三"]]
    code = numbers.code
    spaced = f"{code[:4]} {code[4:8]} {code[8:]}"
    assert _find(store, numbers.token) == [("张三", "card")]
    assert _find(store, spaced) == [("张三", "card")]
    with store.write() as s:
        reissue_card(s, people["张三"])
    assert _find(store, numbers.token) == []
    assert ("张三", "card") not in _find(store, code)  # a 12-digit fragment of nothing now
