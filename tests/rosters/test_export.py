"""The roster export (签约居民花名册) read back as a county clerk's Excel would: openpyxl for
cell types, formats, frozen header and filter; LibreOffice for what a spreadsheet shows
(the ID numbers intact); msoffcrypto for the encrypted workbook."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msoffcrypto
import openpyxl
import pytest
from helpers import disks
from helpers.roster_world import EAST, HEAD_PHONE, LANDLINE, WEST, RosterWorld, make_roster_world
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select

from fdclient.domain.codes import AuditAction
from fdclient.errors import DiskFullError, PermissionDenied, ValidationError
from fdclient.models import AuditEntry
from fdclient.rosters.columns import EXPORT_COLUMNS
from fdclient.rosters.export import ExportOptions, export_roster
from fdclient.store import Store

HEADERS = [c.header for c in EXPORT_COLUMNS]
COL = {c.key: i for i, c in enumerate(EXPORT_COLUMNS)}
PASSWORD = "u-disk-pass-2026"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where the workbooks go (the store's copy is elsewhere in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def world(store: Store) -> RosterWorld:
    with store.write() as session:
        return make_roster_world(session)


def rows_of(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def row_named(sheet: Any, name: str) -> tuple[Any, ...]:
    return next(r for r in rows_of(sheet) if r[COL["name"]] == name)


def cell_of(sheet: Any, name: str, key: str) -> Any:
    for row in sheet.iter_rows(min_row=2):
        if row[COL["name"]].value == name:
            return row[COL[key]]
    raise AssertionError(name)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_one_sheet_per_village_with_text_ids_real_dates_and_a_frozen_filtered_header(
    store: Store, world: RosterWorld, out: Path
) -> None:
    summary = export_roster(store, out / "花名册.xlsx")
    assert (summary.rows, summary.villages, summary.sheets, summary.encrypted) == (4, 3, 3, False)
    assert summary.as_of == date(2026, 6, 1)
    book = openpyxl.load_workbook(summary.path)
    assert book.sheetnames == ["东村", "西村", "北村", "考核指标"]
    east = book["东村"]
    assert [c.value for c in east[1]] == HEADERS
    assert east.freeze_panes == "A2"
    assert east.auto_filter.ref == f"A1:{east.cell(1, len(HEADERS)).column_letter}4"
    assert east["A1"].font.b and east["A1"].fill.fgColor.rgb.endswith("DDEBF7")

    head = row_named(east, "张三")
    assert head[COL["seq"]] == 1 and head[COL["village"]] == "东村" and head[COL["household_head"]] == "张三"
    identity = cell_of(east, "张三", "id_number")
    assert identity.data_type == "s" and identity.value == world.head_id_number and identity.value.endswith("X")
    assert identity.number_format == "@"
    assert cell_of(east, "王五", "phone").value == LANDLINE  # the leading 0 kept
    assert cell_of(east, "张三", "phone").value == HEAD_PHONE  # the household's phone, as text
    assert cell_of(east, "张三", "phone").data_type == "s"
    birth = cell_of(east, "张三", "birth_date")
    assert birth.value == datetime(1950, 3, 1) and birth.is_date and birth.number_format == "yyyy-mm-dd"
    assert head[COL["age"]] == 76 and head[COL["sex"]] == "男" and head[COL["relationship"]] == "户主"
    assert head[COL["key_populations"]] == "65岁及以上老年人、高血压患者"
    assert head[COL["packages"]] == "基础服务包、高血压服务包"
    assert head[COL["contract_no"]] == world.contract_no
    assert head[COL["signed_on"]] == head[COL["start_date"]] == datetime(2026, 1, 1)
    assert head[COL["end_date"]] == datetime(2026, 12, 31)
    assert (head[COL["team"]], head[COL["doctor"]], head[COL["contract_status"]]) == (
        "罗家第一团队",
        "王建国",
        "已签约",
    )
    # Two follow-ups this year (the corrected one counts once), last year's not counted.
    assert (head[COL["hypertension_followups"]], head[COL["diabetes_followups"]]) == (2, None)  # not diabetic
    assert head[COL["last_followup"]] == datetime(2026, 5, 12)
    assert head[COL["village_code"]] == EAST

    wang = row_named(east, "王五")
    assert wang[COL["contract_status"]] == "未签约" and wang[COL["contract_no"]] is None
    # Not a patient: no count at all (a 0 would read as a missed follow-up).
    assert wang[COL["hypertension_followups"]] is None and wang[COL["last_followup"]] is None
    assert wang[COL["key_populations"]] is None
    assert [r[COL["name"]] for r in rows_of(east)] == ["张三", "李梅", "王五"]  # household order, the head first
    assert [r[COL["seq"]] for r in rows_of(east)] == [1, 2, 3]

    west = book["西村"]
    assert [(r[COL["seq"]], r[COL["name"]], r[COL["key_populations"]]) for r in rows_of(west)] == [
        (1, "赵六", "0-6岁儿童")
    ]
    assert rows_of(book["北村"]) == [] and [c.value for c in book["北村"][1]] == HEADERS

    # Widths fit the values: an 18-character ID number, a date, the Chinese headers.
    assert east.column_dimensions[identity.column_letter].width >= 19
    assert east.column_dimensions[birth.column_letter].width >= 10
    assert all(east.column_dimensions[east.cell(1, c).column_letter].width <= 48 for c in range(1, len(HEADERS) + 1))
    assert leftovers(out) == ["花名册.xlsx"]


def test_the_indicator_sheet_states_each_formula(store: Store, world: RosterWorld, out: Path) -> None:
    path = export_roster(store, out / "r.xlsx").path
    sheet = openpyxl.load_workbook(path)["考核指标"]
    cached = openpyxl.load_workbook(path, data_only=True)["考核指标"]
    notes = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, max_row=8, values_only=True)}
    assert notes["统计日期"] == "2026-06-01" and notes["居民人数"] == "4" and notes["导出人"] == "王建国"
    header = next(r for r in sheet.iter_rows() if r[0].value == "范围")
    assert [c.value for c in header] == ["范围", "指标", "分子", "分母", "数值", "计算公式（分子 ÷ 分母）"]
    lines = {(r[0].value, r[1].value): r for r in sheet.iter_rows(min_row=header[0].row + 1)}
    coverage = lines["罗家镇", "签约覆盖率"]
    assert (coverage[2].value, coverage[3].value) == (2, 4)
    assert coverage[4].value == f'=IF(D{coverage[0].row}=0,"",C{coverage[0].row}/D{coverage[0].row})'
    assert coverage[4].number_format == "0.0%"
    assert cached.cell(coverage[0].row, 5).value == pytest.approx(0.5)
    assert "签约居民数 ÷ 在册居民数" in coverage[5].value
    assert lines["东村", "签约覆盖率"][2].value == 2 and lines["东村", "签约覆盖率"][3].value == 3
    assert ("北村", "签约覆盖率") in lines and cached.cell(lines["北村", "签约覆盖率"][0].row, 5).value in ("", None)
    assert {area for area, _ in lines} == {"罗家镇", "东村", "西村", "北村"}


def test_one_sheet_for_all_signed_only_and_one_village(store: Store, world: RosterWorld, out: Path) -> None:
    one = openpyxl.load_workbook(export_roster(store, out / "all.xlsx", ExportOptions(one_sheet=True)).path)
    assert one.sheetnames == ["签约居民花名册", "考核指标"]
    assert [(r[0], r[COL["name"]]) for r in rows_of(one["签约居民花名册"])] == [
        (1, "张三"),
        (2, "李梅"),
        (3, "王五"),
        (4, "赵六"),
    ]

    signed = export_roster(store, out / "signed.xlsx", ExportOptions(signed_only=True))
    assert (signed.rows, signed.sheets) == (2, 3)
    book = openpyxl.load_workbook(signed.path)
    assert [r[COL["name"]] for r in rows_of(book["东村"])] == ["张三", "李梅"]
    assert rows_of(book["西村"]) == []

    village = export_roster(store, out / "west.xlsx", ExportOptions(village_code=WEST))
    book = openpyxl.load_workbook(village.path)
    assert (village.rows, village.villages, book.sheetnames) == (1, 1, ["西村", "考核指标"])
    assert [r[COL["name"]] for r in rows_of(book["西村"])] == ["赵六"]
    areas = {r[0] for r in book["考核指标"].iter_rows(min_row=11, values_only=True) if r[1]}
    assert areas == {"西村"}


def test_an_unknown_village_or_a_bad_name_is_refused_and_nothing_written(
    store: Store, world: RosterWorld, out: Path
) -> None:
    with pytest.raises(ValidationError, match="360111101999"):
        export_roster(store, out / "r.xlsx", ExportOptions(village_code="360111101999"))
    with pytest.raises(ValidationError, match=r"\.xlsx"):
        export_roster(store, out / "r.csv")
    with pytest.raises(ValidationError, match="不存在"):
        export_roster(store, out / "missing" / "r.xlsx")
    with pytest.raises(ValidationError, match="至少"):
        export_roster(store, out / "r.xlsx", password="short")
    assert leftovers(out) == []


def _soffice_csv(workbook: Path, folder: Path) -> list[list[str]]:
    """The first sheet as LibreOffice shows it (UTF-8 CSV), in a private profile so that
    runs side by side do not share one."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = folder / "csv"
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with open(out / f"{workbook.stem}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_libreoffice_shows_id_numbers_phones_and_dates_intact(store: Store, world: RosterWorld, out: Path) -> None:
    path = export_roster(store, out / "roster.xlsx", ExportOptions(one_sheet=True)).path
    table = _soffice_csv(path, out.parent)
    assert table[0] == HEADERS
    head = next(r for r in table if r[COL["name"]] == "张三")
    assert head[COL["id_number"]] == world.head_id_number  # not 3.6011119e+17
    assert head[COL["phone"]] == HEAD_PHONE
    assert head[COL["birth_date"]] == "1950-03-01" and head[COL["end_date"]] == "2026-12-31"
    assert head[COL["village_code"]] == EAST
    assert next(r for r in table if r[COL["name"]] == "王五")[COL["phone"]] == LANDLINE
    assert not any("E+" in cell for row in table for cell in row)


def test_a_password_encrypts_the_workbook_with_office_encryption(store: Store, world: RosterWorld, out: Path) -> None:
    summary = export_roster(store, out / "locked.xlsx", password=PASSWORD)
    assert summary.encrypted
    raw = summary.path.read_bytes()
    assert raw[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE container, as Excel writes it
    assert "张三".encode("utf-16-le") not in raw and world.head_id_number.encode() not in raw
    with pytest.raises((InvalidFileException, zipfile.BadZipFile)):
        openpyxl.load_workbook(summary.path)

    with open(summary.path, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        office.load_key(password="wrong-password")
        with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
            office.decrypt(io.BytesIO())
    with open(summary.path, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password=PASSWORD)
        plain = io.BytesIO()
        office.decrypt(plain)
    book = openpyxl.load_workbook(plain)
    assert cell_of(book["东村"], "张三", "id_number").value == world.head_id_number
    assert leftovers(out) == ["locked.xlsx"]


def _export_events(store: Store) -> list[dict[str, Any]]:
    with store.read() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT).order_by(AuditEntry.at)
        ).all()
        return [dict(e.changes, about=e.table_name, actor=e.actor_id) for e in entries]


def test_every_export_is_in_the_audit_trail_with_counts_and_no_names(
    store: Store, world: RosterWorld, out: Path
) -> None:
    export_roster(store, out / "a.xlsx")
    export_roster(store, out / "b.xlsx", ExportOptions(village_code=EAST, signed_only=True), password=PASSWORD)
    events = _export_events(store)
    assert store.actor is not None
    assert [(e["about"], e["actor"]) for e in events] == [("roster", store.actor.staff_id)] * 2
    first, second = events
    assert first["rows"] == 4 and first["villages"] == 3 and first["sheets"] == 3
    assert (first["village"], first["signed_only"], first["encrypted"], first["as_of"]) == (
        None,
        False,
        False,
        "2026-06-01",
    )
    assert (second["rows"], second["village"], second["signed_only"], second["encrypted"]) == (2, EAST, True, True)
    text = json.dumps(events, ensure_ascii=False, default=str)
    assert "张三" not in text and world.head_id_number not in text and "a.xlsx" not in text


def test_a_role_without_export_is_refused_and_nothing_is_written(
    store: Store, world: RosterWorld, admin_store: Store, out: Path
) -> None:
    with pytest.raises(PermissionDenied):
        export_roster(admin_store, out / "r.xlsx")
    assert leftovers(out) == []
    assert _export_events(admin_store) == []


def test_a_cancel_from_the_progress_callback_leaves_the_old_file_and_no_partial_one(
    store: Store, world: RosterWorld, out: Path
) -> None:
    target = out / "r.xlsx"
    target.write_bytes(b"the roster of last month")
    seen: list[tuple[int, int]] = []

    class Cancelled(Exception):
        pass

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_roster(store, target, progress=progress)
    assert seen == [(0, 4), (3, 4)]  # cancelled after the first village
    assert target.read_bytes() == b"the roster of last month"
    assert leftovers(out) == ["r.xlsx"]
    assert _export_events(store) == []

    export_roster(store, target, progress=lambda done, total: seen.append((done, total)))
    assert openpyxl.load_workbook(target).sheetnames[0] == "东村"


def test_a_full_disk_gives_the_plain_message_and_leaves_nothing(store: Store, world: RosterWorld, out: Path) -> None:
    with disks.tmpfs(out / "usb", 4) as usb:
        with pytest.raises(DiskFullError, match="磁盘空间已满"):
            export_roster(store, usb / "r.xlsx")
        assert leftovers(usb) == []
    assert _export_events(store) == []
