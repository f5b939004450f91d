"""Where the rows of a roster belong: what the store already has (villages, residents,
households, contracts in force), the village of each row and its household.

* Villages are found by their 12-digit code or by name (full-width folded, spaces dropped,
  ``罗家村委会`` = ``罗家村``). A village the store does not have is added to the township:
  with the code the roster gives (checked by
  :func:`fdclient.domain.geography.validate_village_code`), else with a free code of the
  township (village committees 201-399, neighbourhood committees 001-199), and a free
  segment of health record numbers; the summary lists them so the administrator can check.
* A household is the rows of one village with the same household number (户编号) or, when
  there is none, the same head (户主姓名). Its head is the row whose relationship is 户主,
  else the row named as the head. It is the household the store already has for one of
  its residents (or whose head has that name or health record number), else a new one.
"""

from __future__ import annotations

import random
import re
import secrets
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.geography import validate_village_code
from fdclient.errors import ValidationError
from fdclient.models import ContractMember, Household, Resident, Village
from fdclient.rosters.import_rows import CheckedRow
from fdclient.rosters.reading import RosterTable
from fdclient.services.demo.common import id_maker
from fdclient.services.township import store_township
from fdclient.store.context import now
from fdclient.text import Text, msg

__all__ = ["HouseholdPlan", "StoreFacts", "VillagePlan", "place_rows", "village_key"]

HEAD = codes.HEAD_OF_HOUSEHOLD
_SUFFIXES = re.compile(r"(村民委员会|居民委员会|村委会|居委会|委员会)$")
_NEIGHBOURHOOD = re.compile(r"(社区|居委会|居民委员会|街道)$")
#: Columns of residents the import compares and keeps.
RESIDENT_COLUMNS = (
    Resident.id,
    Resident.name,
    Resident.id_number,
    Resident.phone,
    Resident.sex,
    Resident.birth_date,
    Resident.village_id,
    Resident.household_id,
    Resident.relationship_to_head,
    Resident.status,
    Resident.health_record_no,
    Resident.has_hypertension,
    Resident.has_diabetes,
    Resident.has_tuberculosis,
    Resident.has_severe_mental_disorder,
    Resident.family_planning_special,
    Resident.disabilities,
    Resident.relief_statuses,
)


def fresh_ids(at: datetime) -> Callable[[], uuid.UUID]:
    """New time-ordered ids (UUIDv7 shape, 62 random bits), far cheaper than one clock
    read each: the demo loader's generator (:func:`fdclient.services.demo.common.id_maker`),
    seeded at random."""
    make = id_maker(random.Random(secrets.randbits(64)), at)
    return lambda: uuid.UUID(hex=make())


def village_key(name: str) -> str:
    """A village name as compared: NFKC, no spaces, ``村委会`` → ``村``."""
    key = unicodedata.normalize("NFKC", name).replace(" ", "")
    stem = _SUFFIXES.sub("", key)
    if key.endswith(("村民委员会", "村委会")) and not stem.endswith("村"):
        stem += "村"
    return stem or key


@dataclass
class VillagePlan:
    id: uuid.UUID
    code: str
    name: str
    record_segment: str
    #: Added by this import.
    new: bool = False
    #: The code was made up by the import (the roster gave none).
    code_made_up: bool = False


@dataclass
class HouseholdPlan:
    id: uuid.UUID
    village: VillagePlan
    #: Already in the store.
    existing: bool
    #: The head's resident id (a new one's is assigned with the row's plan).
    head_id: uuid.UUID | None
    address: str
    rows: list[CheckedRow] = field(default_factory=list)
    #: The head's row in the roster, if any.
    head_row: CheckedRow | None = None


class StoreFacts:
    """What the store holds that the import needs, read once."""

    def __init__(self, session: Session) -> None:
        township = store_township(session)
        #: Ids for the rows the import adds.
        self.new_id = fresh_ids(now(session))
        self.township_id, self.township_code = township.id, township.code
        villages = session.scalars(select(Village).where(Village.township_id == township.id)).all()
        self.villages = [VillagePlan(v.id, v.code, v.name, v.record_segment) for v in villages]
        self.all_codes = set(session.scalars(select(Village.code)))
        self.by_code = {v.code: v for v in self.villages}
        self.by_name: dict[str, list[VillagePlan]] = defaultdict(list)
        for v in self.villages:
            self.by_name[village_key(v.name)].append(v)
        rows = session.execute(select(*RESIDENT_COLUMNS).where(Resident.voided_at.is_(None))).all()
        self.residents: dict[uuid.UUID, Any] = {r.id: r for r in rows}
        self.by_id_number: dict[str, Any] = {r.id_number: r for r in rows if r.id_number}
        self.without_number: dict[tuple[uuid.UUID, str, date], Any] = {
            (r.village_id, r.name, r.birth_date): r for r in rows if not r.id_number
        }
        households = session.execute(
            select(Household.id, Household.village_id, Household.head_id, Household.address).where(
                Household.voided_at.is_(None)
            )
        ).all()
        self.households = {h.id: h for h in households}
        self.household_by_head_name: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
        self.household_by_number: dict[str, uuid.UUID] = {}
        for h in households:
            head = self.residents.get(h.head_id) if h.head_id else None
            if head is not None:
                self.household_by_head_name[(h.village_id, head.name)].append(h.id)
                if head.health_record_no:
                    self.household_by_number[head.health_record_no] = h.id
        self.under_contract = set(session.scalars(select(ContractMember.resident_id).where(ContractMember.is_active)))

    def existing(self, row: CheckedRow, village_id: uuid.UUID) -> Any | None:
        """The stored resident a row is about: by ID number, else by village, name and birth date."""
        if row.id_number:
            return self.by_id_number.get(row.id_number)
        return self.without_number.get((village_id, row.name, row.birth_date))


# --- villages --------------------------------------------------------------------------------


class _Villages:
    def __init__(self, facts: StoreFacts) -> None:
        self.facts = facts
        self.added: dict[str, VillagePlan] = {}
        self.known: dict[tuple[str, str], VillagePlan | tuple[str, Text] | None] = {}
        self.segments = {v.record_segment for v in facts.villages}

    def resolve(self, row: CheckedRow, table: RosterTable) -> VillagePlan | None:
        """The village of ``row`` (the same answer for every row naming it the same way)."""
        key = (row.village_code, row.village_name)
        if key in self.known:
            found = self.known[key]
            if isinstance(found, VillagePlan):
                return found
            if found is not None:
                row.reject(*found)
            return None
        problems_before = len(row.problems)
        village = self._resolve(row, table)
        self.known[key] = (
            village
            if village is not None
            else ((row.problems[-1].column, row.problems[-1].message) if len(row.problems) > problems_before else None)
        )
        return village

    def _resolve(self, row: CheckedRow, table: RosterTable) -> VillagePlan | None:
        facts = self.facts
        code_header = table.header_of("village_code") if table.has("village_code") else "村(居)代码"
        name_header = table.header_of("village") if table.has("village") else "村(居)委会"
        named = facts.by_name.get(village_key(row.village_name), []) if row.village_name else []
        if row.village_code:
            found = facts.by_code.get(row.village_code)
            if found is not None:
                return found
            if len(named) == 1:
                return named[0]
            try:
                code = validate_village_code(row.village_code)
            except ValidationError as exc:
                row.reject(code_header, exc.text)
                return None
            if not row.village_name:
                row.reject(
                    name_header,
                    msg(
                        "村（居）委会代码 {code} 尚未登记，且花名册中没有村名：请填写村名。",
                        "The village code {code} is not registered and the roster gives no village name: fill it in.",
                        code=code,
                    ),
                )
                return None
            return self._add(code, row.village_name, made_up=False)
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            row.reject(
                name_header,
                msg(
                    "有 {n} 个村（居）委会叫“{name}”：请填写村代码。",
                    "{n} villages are called “{name}”: fill in the village code.",
                    n=len(named),
                    name=row.village_name,
                ),
            )
            return None
        return self._add(None, row.village_name, made_up=True)

    def _add(self, code: str | None, name: str, *, made_up: bool) -> VillagePlan:
        key = code or village_key(name)
        plan = self.added.get(key)
        if plan is not None:
            return plan
        neighbourhood = bool(_NEIGHBOURHOOD.search(name))
        if code is None:
            first, last = (1, 199) if neighbourhood else (201, 399)
            code = self._free_code(first, last)
        segment = self._free_segment(*((1, 99) if neighbourhood else (101, 199)))
        plan = VillagePlan(self.facts.new_id(), code, name, segment, new=True, code_made_up=made_up)
        self.added[key] = plan
        self.facts.all_codes.add(code)
        self.segments.add(segment)
        return plan

    def _free_code(self, first: int, last: int) -> str:
        prefix = self.facts.township_code
        for n in [*range(first, last + 1), *range(1, 1000)]:
            code = f"{prefix}{n:03d}"
            if code not in self.facts.all_codes:
                return code
        raise ValidationError(msg("本乡镇的村代码已用完。", "The township has no free village code left."))

    def _free_segment(self, first: int, last: int) -> str:
        for n in [*range(first, last + 1), *range(1, 1000)]:
            segment = f"{n:03d}"
            if segment not in self.segments:
                return segment
        raise ValidationError(msg("本乡镇的档案村段已用完。", "The township has no free record segment left."))


# --- households ---------------------------------------------------------------------------------


def _relationship_header(table: RosterTable) -> str:
    return table.header_of("relationship") if table.has("relationship") else "与户主关系"


def _group_key(row: CheckedRow, village: VillagePlan) -> tuple[uuid.UUID, str, str] | None:
    if row.household_no:
        return (village.id, "no", row.household_no)
    if row.head_name:
        return (village.id, "head", row.head_name)
    return None


def place_rows(
    facts: StoreFacts, rows: list[CheckedRow], table: RosterTable
) -> tuple[dict[int, VillagePlan], dict[int, HouseholdPlan], list[VillagePlan]]:
    """The village and household of every row not rejected (by row number), and the
    villages to add. Rows that cannot be placed are rejected with the reason."""
    villages = _Villages(facts)
    village_of: dict[int, VillagePlan] = {}
    groups: dict[tuple[uuid.UUID, str, str], list[CheckedRow]] = defaultdict(list)
    for row in rows:
        if row.rejected:
            continue
        village = villages.resolve(row, table)
        if village is None:
            continue
        village_of[row.key] = village
        key = _group_key(row, village)
        if key is not None:
            groups[key].append(row)
    household_of: dict[int, HouseholdPlan] = {}
    for (_, kind, value), members in groups.items():
        for part in _by_head_row(members, value) if kind == "head" else [members]:
            plan = _household(facts, village_of[part[0].key], kind, value, part, table)
            if plan is not None:
                for row in plan.rows:
                    household_of[row.key] = plan
    return village_of, household_of, list(villages.added.values())


def _by_head_row(members: list[CheckedRow], head_name: str) -> list[list[CheckedRow]]:
    """Households whose heads have the same name in one village: the rows of a household
    stand together in a roster, so each row of such a head (户主) starts a household and the
    rows after it belong to it."""
    parts: list[list[CheckedRow]] = [[]]
    has_head = False
    for row in members:  # in file order
        if row.relationship == HEAD and row.name == head_name:
            if has_head:
                parts.append([])
            has_head = True
        parts[-1].append(row)
    return parts


def _household(
    facts: StoreFacts, village: VillagePlan, kind: str, value: str, members: list[CheckedRow], table: RosterTable
) -> HouseholdPlan | None:
    heads = [r for r in members if r.relationship == HEAD]
    if len(heads) > 1 and kind == "head":
        heads = [r for r in heads if r.name == value] or heads[:1]
    head_row = heads[0] if heads else next((r for r in members if kind == "head" and r.name == value), None)
    if head_row is None and kind == "no" and not table.has("relationship") and not table.has("household_head"):
        head_row = members[0]
    for extra in heads[1:]:
        extra.reject(
            _relationship_header(table),
            msg(
                "同一户中 {first} 已是户主（第 {row} 行），一户只能有一位户主。",
                "{first} (row {row}) is already the head of this household; a household has one head.",
                first=heads[0].name,
                row=heads[0].number,
            ),
        )
    existing_id = _existing_household(facts, village, kind, value, head_row, members)
    if existing_id is not None:
        stored = facts.households[existing_id]
        plan = HouseholdPlan(existing_id, village, True, stored.head_id, stored.address)
        if head_row is not None:
            head = facts.existing(head_row, village.id)
            if stored.head_id is not None and (head is None or head.id != stored.head_id):
                head_row.reject(
                    _relationship_header(table),
                    msg(
                        "该户已登记户主 {head}：更换户主请在家庭档案中办理。",
                        "The household's registered head is {head}: change the head in the household's file.",
                        head=facts.residents[stored.head_id].name if stored.head_id in facts.residents else "-",
                    ),
                )
                head_row = None
    elif head_row is None:
        who = msg("户主“{head}”", "The head “{head}”", head=value) if kind == "head" else None
        for row in members:
            row.reject(
                table.header_of("household_head") if kind == "head" else _relationship_header(table),
                msg(
                    "{who}不在花名册中，本村也没有以其为户主的家庭：请在花名册中加上户主一行。",
                    "{who} is not in the roster and no household of the village has this head: add the head's row.",
                    who=who,
                )
                if who is not None
                else msg(
                    "户编号 {number} 的家庭没有户主：请在“与户主关系”一列注明户主。",
                    "The household numbered {number} has no head: mark the head in the relationship column.",
                    number=value,
                ),
            )
        return None
    else:
        address = head_row.address or next((r.address for r in members if r.address), None) or village.name
        plan = HouseholdPlan(facts.new_id(), village, False, None, address)
    plan.head_row = head_row
    plan.rows = [r for r in members if not r.rejected]
    return plan


def _existing_household(
    facts: StoreFacts,
    village: VillagePlan,
    kind: str,
    value: str,
    head_row: CheckedRow | None,
    members: list[CheckedRow],
) -> uuid.UUID | None:
    ordered = ([head_row] if head_row is not None else []) + [r for r in members if r is not head_row]
    for row in ordered:
        stored = facts.existing(row, village.id)
        if stored is not None and stored.household_id in facts.households:
            return uuid.UUID(str(stored.household_id))
    if kind == "no":
        return facts.household_by_number.get(value)
    found = facts.household_by_head_name.get((village.id, value), [])
    return found[0] if len(found) == 1 and head_row is None else None
