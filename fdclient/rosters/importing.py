"""Importing a roster (花名册导入, DOMAIN.md §7): what will happen to each row, then doing it.

* :func:`plan_import` decides, without writing: every row is cleaned and checked
  (:mod:`fdclient.rosters.import_rows`), placed in its village and household
  (:mod:`fdclient.rosters.import_places`) and matched on its ID number (or, without one,
  on village, name and birth date) with the resident the store already has; its signing
  becomes a contract (:mod:`fdclient.rosters.import_contracts`). Each row is then
  ``created``, ``updated`` (name, phone, relationship, household, key populations the
  roster adds, or a new contract), ``unchanged`` (also a row repeating an earlier one) or
  ``rejected`` with its reasons. The GUI shows this plan before anything is written.
* :func:`import_roster` plans again inside ONE write unit of work and writes it
  (:mod:`fdclient.rosters.import_writer`: bulk Core inserts), with one audit-trail event
  holding the counts; a failure leaves nothing half imported. ``dry_run`` writes nothing;
  ``strict`` writes nothing unless every row is valid.

Importing needs ``IMPORT_ROSTERS``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import AuditAction, ResidentStatus
from fdclient.domain.roles import Permission
from fdclient.models import Resident
from fdclient.rosters import import_writer
from fdclient.rosters.import_contracts import Catalogue, ContractPlan, plan_contracts
from fdclient.rosters.import_places import HouseholdPlan, StoreFacts, VillagePlan, place_rows
from fdclient.rosters.import_residents import ResidentChange, change_of_row, person_of_row
from fdclient.rosters.import_rows import CheckedRow, check_row
from fdclient.rosters.import_summary import ImportSummary
from fdclient.rosters.reading import RosterTable
from fdclient.services.demo.builder import collector_paused
from fdclient.settings import CONTRACT_DEFAULT_TERM_YEARS, get_setting
from fdclient.store import Store
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require, today
from fdclient.text import msg

__all__ = ["ImportPlan", "RowAction", "RowOutcome", "import_roster", "plan_import", "preview_import"]

HEAD = codes.HEAD_OF_HOUSEHOLD


class RowAction(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RowOutcome:
    """What happens to one row (for the preview)."""

    row: int
    action: RowAction
    name: str
    #: A contract will be created covering this resident.
    signs: bool
    #: The earlier row this one repeats.
    duplicate_of: int | None = None
    #: The sheet of a roster with several (one per village): rows are numbered per sheet.
    sheet: str = ""


@dataclass
class ImportPlan:
    table: RosterTable
    outcomes: tuple[RowOutcome, ...]
    summary: ImportSummary
    residents: list[ResidentChange]
    households: list[HouseholdPlan]
    villages: list[VillagePlan]
    contracts: list[ContractPlan]


def preview_import(store: Store, table: RosterTable) -> ImportPlan:
    """What importing ``table`` would do now (nothing is written)."""
    with store.read() as session:
        return plan_import(session, table)


def import_roster(store: Store, table: RosterTable, *, dry_run: bool = False, strict: bool = False) -> ImportSummary:
    """Import ``table`` in one write unit of work (see the module docstring)."""
    if dry_run:
        with collector_paused():
            return preview_import(store, table).summary
    with store.write() as session, collector_paused():
        plan = plan_import(session, table)
        if strict and plan.summary.rejected:
            return plan.summary
        counts = import_writer.write_plan(session, plan)
        summary = plan.summary.written_with(counts)
        record_event(session, AuditAction.IMPORT, "roster", summary.audit_details())
    return summary


def plan_import(session: Session, table: RosterTable) -> ImportPlan:
    require(session, Permission.IMPORT_ROSTERS)
    on = today(session)
    rows = [check_row(table, source, on) for source in table.rows]
    duplicate_of = _duplicates(rows, table)
    rows_in = [r for r in rows if r.key not in duplicate_of]
    facts = StoreFacts(session)
    village_of, household_of, new_villages = place_rows(facts, rows_in, table)
    stored_of: dict[int, Any] = {}
    ids: dict[int, uuid.UUID] = {}
    for row in rows_in:
        if row.rejected:
            continue
        stored = facts.existing(row, village_of[row.key].id)
        if stored is not None and not _fits(row, stored, village_of[row.key], household_of.get(row.key), table):
            continue
        stored_of[row.key] = stored
        ids[row.key] = stored.id if stored is not None else facts.new_id()
    _heads_or_nothing(household_of.values(), table)
    people: dict[int, Resident] = {}

    def person_of(row: CheckedRow) -> Resident:
        if row.key not in people:
            people[row.key] = person_of_row(row, ids[row.key], village_of[row.key], household_of.get(row.key))
        return people[row.key]

    catalogue = Catalogue(session, get_setting(session, CONTRACT_DEFAULT_TERM_YEARS))
    contracts = plan_contracts(catalogue, table, rows_in, household_of, person_of, facts.under_contract, on)
    contracts = _settle(contracts, household_of.values(), table)
    signs = {r.key for c in contracts for r in c.rows}
    changes = [
        change_of_row(row, ids[row.key], village_of[row.key], household_of.get(row.key), stored_of[row.key])
        for row in rows_in
        if not row.rejected
    ]
    by_key = {r.key: r for r in rows}
    for row in rows:
        original = duplicate_of.get(row.key)
        if original is not None and by_key[original].rejected:
            del duplicate_of[row.key]
            row.reject(
                table.header_of("name"),
                msg(
                    "与第 {row} 行相同，该行未能导入。",
                    "The same as row {row}, which was rejected.",
                    row=by_key[original].number,
                ),
            )
    change_of = {c.row.key: c for c in changes}
    outcomes = tuple(_outcome(row, duplicate_of, change_of, signs, by_key) for row in rows)
    households = list(
        {
            h.id: h
            for h in household_of.values()
            if not h.existing and h.head_row is not None and not h.head_row.rejected
        }.values()
    )
    used_villages = {village_of[c.row.key].id for c in changes}
    villages = [v for v in new_villages if v.id in used_villages]
    summary = ImportSummary.of(table, outcomes, [p for r in rows for p in r.problems], villages, households, contracts)
    return ImportPlan(table, outcomes, summary, changes, households, villages, contracts)


# --- steps --------------------------------------------------------------------------------------


def _duplicates(rows: list[CheckedRow], table: RosterTable) -> dict[int, int]:
    """Rows that repeat an earlier one exactly (row key → the earlier one's); a row with
    the same person but other content is rejected."""
    first: dict[tuple[object, ...], CheckedRow] = {}
    repeated: dict[int, int] = {}
    for row in rows:
        if row.rejected or not row.name:
            continue
        key: tuple[object, ...] = (
            (row.id_number,) if row.id_number else (row.village_code, row.village_name, row.name, row.birth_date)
        )
        earlier = first.get(key)
        if earlier is None:
            first[key] = row
        elif row.same_content(earlier):
            repeated[row.key] = earlier.key
        else:
            row.reject(
                table.header_of("id_number") if row.id_number else table.header_of("name"),
                msg(
                    "与第 {row} 行是同一个人，但内容不同：请核对后只保留一行。",
                    "This is the same person as row {row}, with other details: check them and keep one row.",
                    row=earlier.number,
                ),
            )
    return repeated


def _fits(
    row: CheckedRow, stored: Any, village: VillagePlan, household: HouseholdPlan | None, table: RosterTable
) -> bool:
    """A stored resident the roster may update: active, in the same village and household."""
    if stored.status != ResidentStatus.ACTIVE:
        row.reject(
            table.header_of("name"),
            msg(
                "该居民档案的状态为“{status}”，不能通过花名册修改。",
                "The resident's file is “{status}” and cannot be changed by a roster.",
                status=ResidentStatus(stored.status).label,
            ),
        )
        return False
    if stored.village_id != village.id:
        row.reject(
            table.header_of("village") if table.has("village") else table.header_of("village_code"),
            msg(
                "该居民已登记在另一个村（居）委会：迁居请在居民档案中办理。",
                "The resident is registered in another village: a move is recorded in the resident's file.",
            ),
        )
        return False
    if household is not None and stored.household_id is not None and stored.household_id != household.id:
        row.reject(
            table.header_of("household_head") if table.has("household_head") else table.header_of("household_no"),
            msg(
                "该居民已登记在另一个家庭：调整家庭请在家庭档案中办理。",
                "The resident is registered in another household: change it in the household's file.",
            ),
        )
        return False
    relationship = row.relationship
    if relationship and stored.relationship_to_head and relationship != stored.relationship_to_head:
        if HEAD in (relationship, stored.relationship_to_head):
            row.reject(
                table.header_of("relationship"),
                msg(
                    "花名册中的户主与已登记的不同：更换户主请在家庭档案中办理。",
                    "The roster's household head is not the registered one: change the head in the household's file.",
                ),
            )
            return False
    return True


def _heads_or_nothing(households: Any, table: RosterTable) -> bool:
    """A new household whose head's row is rejected is not imported: its other rows are
    rejected too. Returns whether a row was rejected."""
    changed = False
    for h in households:
        if h.existing or h.head_row is None or not h.head_row.rejected:
            continue
        for row in h.rows:
            if not row.rejected:
                row.reject(
                    table.header_of("household_head") if table.has("household_head") else table.header_of("name"),
                    msg(
                        "同户户主（第 {row} 行）未能导入，本行也未导入：请改正户主一行后一起导入。",
                        "The household head's row ({row}) was rejected, so this row was not imported: correct the "
                        "head's row and import them together.",
                        row=h.head_row.number,
                    ),
                )
                changed = True
    return changed


def _settle(contracts: list[ContractPlan], households: Any, table: RosterTable) -> list[ContractPlan]:
    """Drop contracts that lost a member row, rejecting their other rows, until stable."""
    while True:
        kept, changed = [], False
        for c in contracts:
            bad = next((r for r in c.rows if r.rejected), None)
            if bad is None:
                kept.append(c)
                continue
            changed = True
            for row in c.rows:
                if not row.rejected:
                    row.reject(
                        table.header_of("signed_on") if table.has("signed_on") else table.header_of("name"),
                        msg(
                            "同一份签约中的第 {row} 行有错误，整份签约未导入。",
                            "Row {row} of the same signing is wrong, so the whole signing was not imported.",
                            row=bad.number,
                        ),
                    )
        contracts = kept
        changed = _heads_or_nothing(households, table) or changed
        if not changed:
            return contracts


def _outcome(
    row: CheckedRow,
    duplicate_of: dict[int, int],
    changes: dict[int, ResidentChange],
    signs: set[int],
    by_key: dict[int, CheckedRow],
) -> RowOutcome:
    if row.key in duplicate_of:
        earlier = by_key[duplicate_of[row.key]].number
        return RowOutcome(row.number, RowAction.UNCHANGED, row.name, False, earlier, row.sheet)
    change = changes.get(row.key)
    if row.rejected or change is None:
        return RowOutcome(row.number, RowAction.REJECTED, row.name, False, sheet=row.sheet)
    signed = row.key in signs
    if change.stored is None:
        return RowOutcome(row.number, RowAction.CREATED, row.name, signed, sheet=row.sheet)
    action = RowAction.UPDATED if change.changes or signed else RowAction.UNCHANGED
    return RowOutcome(row.number, action, row.name, signed, sheet=row.sheet)
