"""A township's messy roster, built with openpyxl, and the store it is imported into
(``from helpers.messy_roster import ...``).

The store (the scene's, on 2026-06-01) has 罗家村 (360111101201) and 东湖社区
(360111101002), the team 罗家村团队 led by the doctor 王建国, the packages 基础服务包 and
高血压服务包, and the household of 赵大 (with 赵大嫂) already under a contract.

The workbook has every defect rosters have: two title rows (merged), header synonyms
(居民姓名, 公民身份号码, 手机号, 户号, 团队, 人群分类, 行政区划代码), full-width digits and
stray spaces, a date serial, text dates in four forms, a 15-digit ID number, a lowercase
``x``, a blank row, an exact duplicate and a conflicting one, households by head name and by
household number, villages by name and by code and an unknown one (新建村), signing columns,
and rows that must be rejected. :data:`EXPECTED` says what importing it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.identity import make_id_number
from fdclient.models import Household, Staff, Village
from fdclient.services.registry import households
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.store import Store
from helpers import builders

HEADERS = (
    "序号",
    "行政区划代码",
    "村",
    "户主姓名",
    "户号",
    "与户主关系",
    "居民姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "手机号",
    "家庭住址",
    "人群分类",
    "签约日期",
    "团队",
    "家庭医生",
    "服务包",
    "到期日期",
)
TEAM = "罗家村团队"
PACKAGES = "基础服务包、高血压服务包"
ZHANG = make_id_number("360111", date(1950, 3, 2), 39)  # ends in X
WANG = make_id_number("360111", date(1952, 8, 9), 42)
BABY = make_id_number("360111", date(2018, 5, 1), 11)
LI_LEGACY = "360111500101123"  # 15 digits: born 1950-01-01, male
LI_SON = make_id_number("360111", date(1980, 3, 15), 69)  # ends in X
ZHAO = make_id_number("360111", date(1948, 4, 4), 5)
ZHAO_WIFE = make_id_number("360111", date(1950, 6, 6), 8)
QIAN = make_id_number("360111", date(1955, 7, 7), 16)
SUN = make_id_number("360111", date(1966, 9, 9), 17)
LOST = 360111197001011234.0  # an 18-digit number stored as a number: digits lost
GOOD_CHECK = make_id_number("360111", date(1970, 2, 2), 21)
BAD_CHECK = GOOD_CHECK[:-1] + ("1" if GOOD_CHECK.endswith("0") else "0")
DIGIT_NAME = make_id_number("360111", date(1971, 3, 3), 23)
LUXURY = make_id_number("360111", date(1972, 4, 4), 25)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


#: Data rows (None: a blank row); the file's row number is the position + 4.
ROWS: tuple[tuple[Any, ...] | None, ...] = (
    # 1 household by head name, village by name (merged cells), signing: one contract
    (1, None, "罗家村", "张大山", None, "户主", "张大山", "男", 18324, ZHANG.lower(), 13800138001.0,
     "罗家村一组 8 号", "高血压", date(2026, 1, 10), TEAM, "王建国", PACKAGES, "2027.1.9"),
    (2, None, None, None, None, "妻子", " 王秀英 ", "女", "1952年8月9日", _full_width(WANG[:6]) + " " + WANG[6:],
     "１３９ ００１３ ９０００", None, None, date(2026, 1, 10), TEAM, "王建国", PACKAGES, "2027.1.9"),
    (3, None, None, None, None, "孙子", "张小宝", "男", "2018/05/01", BABY, None, None, None,
     date(2026, 1, 10), TEAM, "王建国", PACKAGES, "2027.1.9"),
    (4, None, None, None, None, "妻子", " 王秀英 ", "女", "1952年8月9日", _full_width(WANG[:6]) + " " + WANG[6:],
     "１３９ ００１３ ９０００", None, None, date(2026, 1, 10), TEAM, "王建国", PACKAGES, "2027.1.9"),
    None,
    # 2 household by number, village by code; a 15-digit ID and a lowercase x
    (5, "360111101002", "东湖社区", None, "0002", "户主", "李四", "男", "1950/01/01", LI_LEGACY, None,
     "东湖社区 3 栋", None, None, None, None, None, None),
    (6, "360111101002", "东湖社区", None, "0002", "长子", "李小四", "男", "19800315", LI_SON.lower(), None,
     None, None, None, None, None, None, None),
    # 3 the stored household of 赵大: an update (new phone) and a new member; 赵大 is under contract
    (7, None, "罗家村", "赵大", None, "户主", "赵大", "男", "1948-04-04", ZHAO, "13700137000", None, None,
     date(2026, 2, 1), TEAM, "王建国", "基础服务包", None),
    (8, None, "罗家村", "赵大", None, "儿媳", "钱二", "女", "1955.7.7", QIAN, None, None, None,
     None, None, None, None, None),
    # 4 an unknown village
    (9, None, "新建村", "孙五", None, "户主", "孙五", "男", "1966-09-09", SUN, None, "新建村 1 号", None,
     None, None, None, None, None),
    # rejected rows
    (10, None, "罗家村", "钱七", None, "户主", "钱七", "男", "1970-01-01", LOST, None, None, None,
     None, None, None, None, None),
    (11, None, "罗家村", "周八", None, "户主", "周八", "女", "1970-02-02", BAD_CHECK, None, None, None,
     None, None, None, None, None),
    (12, None, "罗家村", "张3", None, "户主", "张3", "男", "1971-03-03", DIGIT_NAME, None, None, None,
     None, None, None, None, None),
    (13, None, "罗家村", "吴九", None, "户主", "吴九", "男", "1972-04-04", LUXURY, None, None, None,
     date(2026, 3, 1), TEAM, "王建国", "豪华包", None),
    (14, "360111101002", "东湖社区", None, "0002", "户主", "李斯", "男", "1950/01/01", LI_LEGACY, None,
     None, None, None, None, None, None, None),
)  # fmt: skip
#: File row numbers of the rejected rows, and of the header.
REJECTED_ROWS = (14, 15, 16, 17, 18)
HEADER_ROW = 3


@dataclass(frozen=True)
class Expected:
    read: int = 14
    created: int = 7
    updated: int = 1
    unchanged: int = 1
    rejected: int = 5
    contracts_created: int = 1


EXPECTED = Expected()


def write_messy_roster(path: Path) -> Path:
    """The workbook (see the module docstring)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "花名册"
    last = chr(ord("A") + len(HEADERS) - 1)
    ws["A1"] = "罗家镇2026年家庭医生签约居民花名册"
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = "填报单位：罗家镇卫生院    填报日期：2026年5月20日"
    ws.merge_cells(f"A2:{last}2")
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(list(row) if row is not None else [])
    # The village and the head written once for the first household (merged down).
    ws.merge_cells("C4:C7")
    ws.merge_cells("D4:D7")
    wb.save(path)
    return path


def prepare_store(store: Store) -> None:
    """The villages, team, packages and the stored household of 赵大 under contract."""
    with store.write() as session:
        prepare(session)


def prepare(session: Session) -> None:
    village = builders.make_village(session, name="罗家村", code="360111101201", record_segment="101")
    builders.make_village(session, name="东湖社区", code="360111101002", record_segment="002")
    doctor = session.scalars(select(Staff).where(Staff.username == "doctor")).one()
    team, _ = builders.make_team(session, name=TEAM, doctor=doctor, villages=[village])
    basic = builders.make_basic_package(session, code="JC-55")
    builders.make_hypertension_package(session, code="GX-GXY")
    head = ResidentInput(village_id=village.id, name="赵大", id_number=ZHAO)
    info = households.register_household(session, village_id=village.id, address="罗家村二组 1 号", head=head)
    wife = ResidentInput(village_id=village.id, name="赵大嫂", id_number=ZHAO_WIFE)
    households.add_member(session, info.id, wife, "10")
    household = session.get(Household, info.id)
    assert household is not None
    builders.make_signed_contract(session, household, team, doctor, [basic])


def village_named(session: Session, name: str) -> Village | None:
    return session.scalars(select(Village).where(Village.name == name)).first()


def household_of(session: Session, head_name: str) -> Household:
    from fdclient.models import Resident

    head = session.scalars(select(Resident).where(Resident.name == head_name)).one()
    assert head.household_id is not None
    household = session.get(Household, head.household_id)
    assert household is not None
    return household
