"""Reading the files townships have: .xlsx with merged headers, old .xls, CSV in GBK and in
UTF-8 with a BOM; and the cell values of rosters (dates, ID numbers, phones)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import messy_roster as mr

from fdclient.errors import ValidationError
from fdclient.rosters import cleaning
from fdclient.rosters.errors_workbook import write_errors_workbook
from fdclient.rosters.importing import import_roster
from fdclient.rosters.reading import RosterFileError, read_roster
from fdclient.store import Store
from fdclient.text import msg

LABEL = msg("出生日期", "birth date")
CSV_ROWS = [
    "村,户主姓名,与户主关系,姓名,性别,出生日期,身份证号码,联系电话",
    f"罗家村,张大山,户主,张大山,男,1950.3.2,{mr.ZHANG.lower()},13800138001",
    f"罗家村,张大山,配偶,王秀英,女,1952/08/09,{mr.WANG},",
    ",,,,,,,",
    f"新建村,孙五,户主,孙五,男,19660909,{mr.SUN},",
]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime(1950, 3, 2), date(1950, 3, 2)),
        (date(1950, 3, 2), date(1950, 3, 2)),
        (18324.0, date(1950, 3, 2)),  # an Excel date serial
        (18324, date(1950, 3, 2)),
        ("1950年3月2日", date(1950, 3, 2)),
        ("１９５０年３月２日", date(1950, 3, 2)),
        ("1950.3.2", date(1950, 3, 2)),
        ("1950/03/02", date(1950, 3, 2)),
        ("1950-03-02 00:00:00", date(1950, 3, 2)),
        ("19500302", date(1950, 3, 2)),
        (19500302.0, date(1950, 3, 2)),
        (" 1950 - 3 - 2 ", date(1950, 3, 2)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_every_form_townships_write_them(cell: object, expected: date | None) -> None:
    assert cleaning.cell_date(cell, LABEL) == expected


@pytest.mark.parametrize("cell", ["1950年2月30日", "三月二日", "1950.13.1", "12/03/1950", 3e9])
def test_a_date_that_cannot_be_read_says_how_to_write_it(cell: object) -> None:
    with pytest.raises(ValidationError) as caught:
        cleaning.cell_date(cell, LABEL)
    assert "出生日期" in caught.value.text.render("zh_CN")


def test_id_numbers_stored_as_numbers() -> None:
    assert cleaning.cell_id_number(360111500101123.0) == "360111500101123"  # 15 digits fit a float
    for lost in (360111195003020390.0, "3.60111195003020E+17"):
        with pytest.raises(ValidationError) as caught:
            cleaning.cell_id_number(lost)
        shown = caught.value.text.render("zh_CN")
        assert "文本" in shown and "3601111950" not in shown
    assert cleaning.cell_id_number(" ３６０１１１１９５００３０２０３９ｘ ") == "36011119500302039x"


def test_phones_sexes_relationships_and_lists() -> None:
    assert cleaning.cell_text(13800138000.0) == "13800138000"
    assert cleaning.cell_text("　张　三　") == "张 三"
    assert [cleaning.cell_sex(v) for v in ("男", "女性", 2, None)] == [1, 2, 2, None]
    assert [cleaning.cell_relationship(v) for v in ("本人", "妻子", "长子", "孙女", "儿媳", "1", None)] == [
        "01",
        "10",
        "20",
        "40",
        "80",
        "01",
        None,
    ]
    with pytest.raises(ValidationError):
        cleaning.cell_relationship("邻居家的猫")
    assert cleaning.split_list("基础服务包、高血压服务包；基础服务包") == ("基础服务包", "高血压服务包")


def test_a_header_merged_over_two_rows_and_a_title(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["某某镇签约花名册"])
    ws.merge_cells("A1:E1")
    ws.append(["村名", "姓名", "身份信息", None, "签约信息"])
    ws.append([None, None, "身份证号", "出生年月", "签约时间"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:D2")
    ws.append(["罗家村", "张大山", mr.ZHANG, "1950-03-02", "2026-01-10"])
    path = tmp_path / "two-rows.xlsx"
    wb.save(path)
    table = read_roster(path)
    assert table.header_row == 3
    assert {c.key for c in table.columns.values()} == {"village", "name", "id_number", "birth_date", "signed_on"}
    assert [r.number for r in table.rows] == [4]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("gb18030", b""), ("gbk", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")]
)
def test_csv_in_gbk_and_in_utf8_with_or_without_bom(store: Store, tmp_path: Path, encoding: str, bom: bytes) -> None:
    mr.prepare_store(store)
    path = tmp_path / "花名册.csv"
    path.write_bytes(bom + "\r\n".join(CSV_ROWS).encode(encoding))
    table = read_roster(path)
    assert table.header_of("name") == "姓名" and len(table.rows) == 3
    summary = import_roster(store, table)
    assert (summary.read, summary.created, summary.rejected) == (3, 3, 0), summary.errors
    assert [v.name for v in summary.new_villages] == ["新建村"]


def test_old_excel_xls(store: Store, tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: no .xls writer to make the file with")
    source = mr.write_messy_roster(tmp_path / "messy.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    mr.prepare_store(store)
    summary = import_roster(store, read_roster(tmp_path / "messy.xls"))
    e = mr.EXPECTED
    assert (summary.read, summary.created, summary.updated, summary.unchanged, summary.rejected) == (
        e.read,
        e.created,
        e.updated,
        e.unchanged,
        e.rejected,
    )
    assert summary.contracts_created == e.contracts_created


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04not a zip at all", "姓名,年龄\n张三".encode("utf-16")])
def test_files_that_cannot_be_read(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "roster.csv" if content.startswith(b"\xff") else tmp_path / "roster.xlsx"
    path.write_bytes(content)
    with pytest.raises(RosterFileError) as caught:
        read_roster(path)
    assert caught.value.exit_code == 2 and "没有导入任何数据" in caught.value.text.render("zh_CN")


def test_a_workbook_without_a_header(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["甲", "乙"])
    ws.append([1, 2])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(RosterFileError) as caught:
        read_roster(tmp_path / "x.xlsx")
    assert "表头" in caught.value.text.render("zh_CN")


def test_the_errors_workbook_can_be_fixed_and_imported_again(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    mr.prepare_store(store)
    table = read_roster(mr.write_messy_roster(tmp_path / "messy.xlsx"))
    summary = import_roster(store, table)
    errors = write_errors_workbook(tmp_path / "errors.xlsx", table, summary.errors)
    workbook = load_workbook(errors)
    sheet = workbook.active
    assert sheet is not None
    id_column = mr.HEADERS.index("公民身份号码") + 1
    for row in range(2, sheet.max_row + 1):  # the clerk fixes the ID numbers and names
        number = sheet.cell(row, len(mr.HEADERS) + 1).value
        if number == 15:
            sheet.cell(row, id_column).value = mr.GOOD_CHECK
            sheet.cell(row, mr.HEADERS.index("性别") + 1).value = "男"
        if number == 16:
            sheet.cell(row, mr.HEADERS.index("居民姓名") + 1).value = "张三"
            sheet.cell(row, mr.HEADERS.index("户主姓名") + 1).value = "张三"
    workbook.save(errors)
    again = import_roster(store, read_roster(errors))
    # 15 and 16 fixed; 18 (李斯, the ID of 李四) now renames 李四; 14 and 17 still wrong.
    assert (again.read, again.created, again.updated, again.rejected) == (5, 2, 1, 2)


def test_a_roster_written_one_sheet_per_village(store: Store, tmp_path: Path) -> None:
    """As fdclient export-roster writes it by default: a sheet per village (and an
    indicator sheet, which has no roster header): rows keep their sheet in the errors."""
    from openpyxl import Workbook, load_workbook

    mr.prepare_store(store)
    wb = Workbook()
    indicators = wb.active
    assert indicators is not None
    indicators.title = "考核指标"
    indicators.append(["签约覆盖率", "45%"])
    header = ["村", "户主姓名", "与户主关系", "姓名", "身份证号"]
    first = wb.create_sheet("罗家村")
    first.append(header)
    first.append(["罗家村", "张大山", "户主", "张大山", mr.ZHANG])
    second = wb.create_sheet("东湖社区")
    second.append(header)
    second.append(["东湖社区", "孙五", "户主", "孙五", mr.SUN])
    second.append(["东湖社区", "周八", "户主", "周八", mr.BAD_CHECK])
    path = tmp_path / "按村分表.xlsx"
    wb.save(path)
    table = read_roster(path)
    summary = import_roster(store, table)
    assert (summary.read, summary.created, summary.rejected) == (3, 2, 1)
    (problem,) = summary.errors
    assert (problem.sheet, problem.row) == ("东湖社区", 3)
    assert summary.to_json()["errors"][0]["column"] == "东湖社区!身份证号"
    errors = write_errors_workbook(tmp_path / "errors.xlsx", table, summary.errors)
    sheet = load_workbook(errors).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-3:] == ("原工作表", "原行号", "原因") and rows[1][-3:-1] == ("东湖社区", 3)
