"""Registering a township and its villages on the server (``fdserver add-township``).

The township and each village are records of the client's tables ``townships`` and
``villages`` (fdclient/models/geography.py); codes are checked as the client checks them
(fdclient.domain.geography). A village's 3-digit record segment (health record numbers)
is taken from the file or given the next free one: 001-099 for neighbourhood committees
(社区, 居委会 …), 101-199 for village committees, as a roster import does. Running the
command again with more villages adds the new ones and leaves the others alone.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from fdclient.domain.geography import validate_township, validate_village_code, village_code_warning
from fdclient.sync.protocol import TownshipInfo
from fdclient.text import Text, msg
from fdserver.db import lock_township, transaction
from fdserver.errors import AdminError
from fdserver.meta import require_epoch
from fdserver.records import (
    TOWNSHIPS,
    VILLAGES,
    new_hex_id,
    put_record,
    records_of,
    storage_row,
    township_by_code,
)

_NEIGHBOURHOOD = re.compile(r"(社区|居委会|居民委员会|街道)$")
CODE_HEADERS = ("村代码", "村（居）委会代码", "代码", "code", "village_code")
NAME_HEADERS = ("村名称", "村（居）委会名称", "村名", "名称", "name", "village_name")
SEGMENT_HEADERS = ("档案村段", "村段", "record_segment", "segment")


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str
    segment: str | None = None
    #: The village's row id (32 hex digits) when it must match an existing store's.
    id: str | None = None


@dataclass(frozen=True)
class AddTownshipResult:
    township: TownshipInfo
    created: bool
    villages_added: int
    villages_kept: int
    warnings: tuple[Text, ...]


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _at(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def read_villages(path: Path) -> list[VillageRow]:
    """Villages of a workbook (first sheet) or CSV file: a header row with 村代码/村名称
    (or code/name) and optionally 档案村段; one village a row."""
    if not path.is_file():
        raise AdminError(msg("找不到村名单文件：{path}", "The village list file was not found: {path}", path=str(path)))
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                table: list[list[Any]] = [list(r) for r in csv.reader(fh)]
        else:
            from python_calamine import CalamineWorkbook

            table = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise AdminError(
            msg(
                "无法读取村名单文件 {path}（{kind}）。",
                "Cannot read the village list {path} ({kind}).",
                path=str(path),
                kind=type(exc).__name__,
            )
        ) from None
    if not table:
        raise AdminError(msg("村名单文件是空的。", "The village list file is empty."))
    header = [_cell(h).lower() for h in table[0]]

    def find(names: Sequence[str]) -> int | None:
        for name in names:
            if name.lower() in header:
                return header.index(name.lower())
        return None

    code_at, name_at, segment_at = find(CODE_HEADERS), find(NAME_HEADERS), find(SEGMENT_HEADERS)
    if code_at is None or name_at is None:
        raise AdminError(
            msg(
                "村名单第一行应有“村代码”和“村名称”两列（或 code 和 name）。",
                "The first row of the village list needs the columns 村代码 and 村名称 (or code and name).",
            )
        )
    rows = []
    for values in table[1:]:
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        rows.append(VillageRow(_at(cells, code_at), _at(cells, name_at), _at(cells, segment_at) or None))
    return rows


def _segment(given: str | None, name: str, used: set[str]) -> str:
    if given:
        segment = given.strip().zfill(3)
        if len(segment) != 3 or not segment.isascii() or not segment.isdigit() or segment == "000":
            raise AdminError(
                msg(
                    "档案村段“{segment}”格式不对：应为 3 位数字。",
                    "The record segment “{segment}” must be 3 digits.",
                    segment=given,
                )
            )
        if segment in used:
            raise AdminError(
                msg("档案村段 {segment} 重复。", "The record segment {segment} is used twice.", segment=segment)
            )
        return segment
    first, last = (1, 99) if _NEIGHBOURHOOD.search(name) else (101, 199)
    for n in [*range(first, last + 1), *range(1, 1000)]:
        segment = f"{n:03d}"
        if segment not in used:
            return segment
    raise AdminError(msg("本乡镇的档案村段已用完。", "The township has no free record segment left."))


def add_township(
    engine: Engine,
    code: str,
    name: str,
    villages: Sequence[VillageRow] = (),
    *,
    township_id: str | None = None,
) -> AddTownshipResult:
    """Register the township (or find it by code) and add the villages not there yet.
    ``township_id``: the township's row id when it must match an existing store's."""
    code, name = validate_township(code, name)
    checked: list[VillageRow] = []
    warnings: list[Text] = []
    seen: set[str] = set()
    for row in villages:
        village_code = validate_village_code(row.code)
        village_name = row.name.strip()
        if not village_name:
            raise AdminError(
                msg("村（居）委会 {code} 没有名称。", "The village {code} has no name.", code=village_code)
            )
        if village_code in seen:
            raise AdminError(
                msg("村代码 {code} 在名单中出现了两次。", "The village code {code} is listed twice.", code=village_code)
            )
        seen.add(village_code)
        warning = village_code_warning(village_code, code)
        if warning is not None:
            warnings.append(warning)
        checked.append(VillageRow(village_code, village_name[:60], row.segment, row.id))
    with transaction(engine) as conn:
        require_epoch(conn)
        township = township_by_code(conn, code)
        created = township is None
        if township is None:
            township = TownshipInfo(id=township_id or new_hex_id(), code=code, name=name)
            lock_township(conn, township.id)
            put_record(
                conn,
                TOWNSHIPS,
                township.id,
                township.id,
                storage_row(TOWNSHIPS, {"id": township.id, "code": code, "name": name}),
            )
        else:
            lock_township(conn, township.id)
        existing = records_of(conn, VILLAGES, township.id)
        codes = {str(data.get("code")) for _, data in existing}
        used = {str(data.get("record_segment")) for _, data in existing}
        added = 0
        for row in checked:
            if row.code in codes:
                continue
            segment = _segment(row.segment, row.name, used)
            used.add(segment)
            village_id = row.id or new_hex_id()
            values = {
                "id": village_id,
                "township_id": township.id,
                "code": row.code,
                "name": row.name,
                "record_segment": segment,
            }
            put_record(conn, VILLAGES, village_id, township.id, storage_row(VILLAGES, values))
            added += 1
        return AddTownshipResult(township, created, added, len(checked) - added, tuple(warnings))
