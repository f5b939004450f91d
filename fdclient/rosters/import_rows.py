"""One roster row, cleaned and checked on its own (no database): who the resident is, where
they live, the key populations the roster records and the signing it carries.

The checks are the foundation's: the ID number by :func:`fdclient.domain.identity.parse_id_number`
(15-digit legacy numbers become 18 digits, ``x`` becomes ``X``) and
:func:`~fdclient.domain.identity.check_consistency` against the sex and birth date the
roster gives; a resident without an ID number by the residents service's
:func:`~fdclient.services.registry.resident_forms.check_identity` (sex and birth date
required); the name by :func:`~fdclient.domain.validation.normalise_name`, the phone by
:func:`~fdclient.domain.validation.normalise_phone`, the address by
:func:`~fdclient.domain.validation.clean_text`. Every problem of the row is kept with the
header of its column, so the errors workbook can say all of them at once.
"""

from __future__ import annotations

import functools
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from fdclient.domain.identity import check_consistency, parse_id_number
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.validation import clean_text, normalise_name, normalise_phone
from fdclient.errors import FdError
from fdclient.rosters import cleaning
from fdclient.rosters.reading import RosterTable, SourceRow
from fdclient.services.registry.households import MAX_ADDRESS
from fdclient.services.registry.resident_forms import ResidentInput, check_identity, joined
from fdclient.text import Text, msg

__all__ = ["CheckedRow", "Problem", "Signing", "check_row", "SIGNING_KEYS"]

#: Columns that carry a signing (签约).
SIGNING_KEYS = ("signed_on", "start_date", "end_date", "team", "doctor", "packages")
#: Words of a roster's contract status that mean the contract is not in force.
NOT_IN_FORCE = ("到期", "过期", "解约", "终止", "续约", "草稿", "未签", "作废", "失效")
#: Key populations the roster may record that the store keeps on the resident's file (the
#: age-based ones follow from the birth date; the maternal one needs pregnancy dates).
_TAG_WORDS: dict[KeyPopulation, tuple[str, ...]] = {
    KeyPopulation.HYPERTENSION: ("高血压",),
    KeyPopulation.DIABETES: ("糖尿病",),
    KeyPopulation.TUBERCULOSIS: ("结核",),
    KeyPopulation.SEVERE_MENTAL: ("精神",),
    KeyPopulation.FAMILY_PLANNING_SPECIAL: ("计生", "计划生育"),
    KeyPopulation.DISABLED: ("残疾",),
    KeyPopulation.POVERTY: ("脱贫", "低保", "特困", "五保", "贫困", "建档立卡"),
}
_PLACEHOLDER_VILLAGE = uuid.UUID(int=0)
_NAME = msg("姓名", "name")
_BIRTH = msg("出生日期", "birth date")
_ADDRESS = msg("家庭住址", "home address")
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """Why a row is rejected: its row number, the column (header as written) and the reason."""

    row: int
    column: str
    message: Text
    #: The sheet, when the roster has several (one per village); else "".
    sheet: str = ""

    @property
    def where(self) -> str:
        """The column as named in reports: ``罗家村!身份证号`` when the roster has several sheets."""
        return f"{self.sheet}!{self.column}" if self.sheet else self.column


@dataclass(frozen=True)
class Signing:
    """The signing a row carries, as written (team, doctor and packages resolved later)."""

    signed_on: date | None
    start_date: date | None
    end_date: date | None
    team: str
    doctor: str
    packages: tuple[str, ...]
    #: The roster says the contract is no longer in force (已到期, 已解约 ...).
    ended: bool


@dataclass(slots=True)
class CheckedRow:
    source: SourceRow
    problems: list[Problem] = field(default_factory=list)
    name: str = ""
    id_number: str | None = None
    sex: int = 0
    birth_date: date = date.min
    phone: str | None = None
    village_code: str = ""
    village_name: str = ""
    household_no: str = ""
    head_name: str = ""
    relationship: str | None = None
    address: str | None = None
    tags: frozenset[KeyPopulation] = frozenset()
    signing: Signing | None = None

    @property
    def number(self) -> int:
        """The row's number in its sheet (as Excel shows it)."""
        return self.source.number

    @property
    def key(self) -> int:
        """Unique in the roster (rows of several sheets share numbers)."""
        return self.source.key

    @property
    def sheet(self) -> str:
        return self.source.sheet

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    def reject(self, column: str, message: Text) -> None:
        self.problems.append(Problem(self.number, column, message, self.source.sheet))

    def same_content(self, other: CheckedRow) -> bool:
        """What the import would write is the same for both rows (a duplicate row)."""
        keys = ("name", "id_number", "sex", "birth_date", "phone", "village_code", "village_name", "household_no")
        more = ("head_name", "relationship", "address", "tags", "signing")
        return all(getattr(self, k) == getattr(other, k) for k in (*keys, *more))


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


class _Reader:
    """The cells of one row by column key, and problems recorded under the column header."""

    def __init__(self, table: RosterTable, row: CheckedRow) -> None:
        self.table, self.row = table, row
        self.cells = row.source.cells

    def raw(self, key: str) -> Any:
        position = self.table.position(key)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]

    def text(self, key: str) -> str:
        return cleaning.cell_text(self.raw(key))

    def attempt(self, key: str, convert: Callable[[], T]) -> T | None:
        try:
            return convert()
        except FdError as exc:
            self.row.reject(self.table.header_of(key), exc.text)
            return None


def check_row(table: RosterTable, source: SourceRow, today: date) -> CheckedRow:
    """Clean and check one row (see the module docstring)."""
    row = CheckedRow(source)
    cells = _Reader(table, row)
    name = cells.attempt("name", lambda: normalise_name(cells.text("name")))
    typed_sex = cells.attempt("sex", lambda: cleaning.cell_sex(cells.raw("sex")))
    typed_birth = cells.attempt("birth_date", lambda: cleaning.cell_date(cells.raw("birth_date"), _BIRTH))
    id_text = cells.attempt("id_number", lambda: cleaning.cell_id_number(cells.raw("id_number")))
    if id_text:
        parsed = cells.attempt("id_number", lambda: parse_id_number(id_text, today=today))
        if parsed is not None:
            mismatches = check_consistency(parsed, birth_date=typed_birth, sex=typed_sex)
            if mismatches:
                row.reject(
                    table.header_of(mismatches[0].field),
                    joined([m.message for m in mismatches], "；", "; ") + msg("，请核对。", ": please check them."),
                )
            row.id_number, row.sex, row.birth_date = parsed.number, parsed.sex, parsed.birth_date
    elif id_text == "":
        data = ResidentInput(village_id=_PLACEHOLDER_VILLAGE, name=name or "-", sex=typed_sex, birth_date=typed_birth)
        identity = cells.attempt("id_number", lambda: check_identity(data, today))
        if identity is not None:
            row.sex, row.birth_date = identity.sex, identity.birth_date
    row.name = name or ""
    phone = cells.text("phone")
    if phone:
        row.phone = cells.attempt("phone", lambda: normalise_phone(phone))
    row.address = cells.attempt(
        "address", lambda: clean_text(cells.text("address"), label=_ADDRESS, field="address", max_length=MAX_ADDRESS)
    )
    row.relationship = cells.attempt("relationship", lambda: cleaning.cell_relationship(cells.raw("relationship")))
    row.village_code = _nfkc(cells.text("village_code"))
    row.village_name = _nfkc(cells.text("village"))
    row.household_no = _nfkc(cells.text("household_no"))
    head = cells.text("household_head")
    if head:
        row.head_name = cells.attempt("household_head", lambda: _head_name(head)) or ""
    row.tags = _tags(cells.text("key_populations"))
    if not (row.village_code or row.village_name):
        header = table.header_of("village") if table.has("village") else "村(居)委会"
        row.reject(
            header, msg("缺少村（居）委会：请填写村名或村代码。", "The village is missing: fill in its name or code.")
        )
    row.signing = _signing(cells, today)
    return row


@functools.lru_cache(maxsize=4096)
def _head_name(text: str) -> str:
    """A head's name as the name rule gives it (heads repeat on every row of a household)."""
    return normalise_name(text)


@functools.lru_cache(maxsize=256)
def _tags(text: str) -> frozenset[KeyPopulation]:
    return frozenset(tag for tag, words in _TAG_WORDS.items() if any(w in text for w in words))


def _signing(cells: _Reader, today: date) -> Signing | None:
    if not any(cells.text(key) for key in SIGNING_KEYS):
        return None
    row, table = cells.row, cells.table
    dates: dict[str, date | None] = {}
    for key, label in (
        ("signed_on", msg("签约日期", "signing date")),
        ("start_date", msg("开始日期", "start date")),
        ("end_date", msg("到期日期", "end date")),
    ):
        dates[key] = cells.attempt(key, lambda key=key, label=label: cleaning.cell_date(cells.raw(key), label))  # type: ignore[misc]
    status = cells.text("contract_status")
    signing = Signing(
        signed_on=dates["signed_on"],
        start_date=dates["start_date"],
        end_date=dates["end_date"],
        team=_nfkc(cells.text("team")),
        doctor=_nfkc(cells.text("doctor")),
        packages=tuple(_nfkc(p) for p in cleaning.split_list(cells.raw("packages"))),
        ended=any(word in status for word in NOT_IN_FORCE),
    )
    if signing.ended:
        return signing
    if signing.signed_on is None and signing.start_date is None and not row.rejected:
        row.reject(
            table.header_of("signed_on") if table.has("signed_on") else "签约日期",
            msg("有签约信息但缺少签约日期。", "The row has a signing but no signing date."),
        )
    if not signing.packages and not row.rejected:
        row.reject(
            table.header_of("packages") if table.has("packages") else "服务包",
            msg("有签约信息但缺少服务包。", "The row has a signing but no service package."),
        )
    if not (signing.team or signing.doctor) and not row.rejected:
        row.reject(
            table.header_of("team") if table.has("team") else "签约团队",
            msg("有签约信息但缺少签约团队或家庭医生。", "The row has a signing but no team or family doctor."),
        )
    signed = signing.signed_on or signing.start_date
    if signed is not None and signed > today:
        row.reject(
            table.header_of("signed_on") if table.has("signed_on") else table.header_of("start_date"),
            msg(
                "签约日期 {day} 晚于今天（{today}），请核对。",
                "The signing date {day} is after today ({today}): please check it.",
                day=signed.isoformat(),
                today=today.isoformat(),
            ),
        )
    return signing
