"""Insert and update mutations of synced tables, merged field by field (docs/sync.md
"Merge rules").

* insert of a new id: stored (numbers settled, a same-person check for residents);
  insert of a known id with the same fields: ``merged``; with other fields: an update
  against no base (``old`` = None for every field the incoming row sets).
* update ``{field: [old, new]}``: per field, the server's value equal to ``old`` takes
  ``new``; equal to ``new`` needs nothing; anything else is a conflict (server value kept).
  A contract's status is the exception: any change the state machine allows from the
  server's current status is taken (the machine only moves forward, so nothing is lost),
  an illegal one rejects the whole mutation.
* an update of a voided record that does not touch the void fields is an
  ``edit_of_voided`` conflict; one that voids it too keeps the server's void.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from fdclient.domain.codes import ContractStatus
from fdclient.domain.contract_states import check_transition
from fdclient.errors import RuleError
from fdclient.sync.protocol import Mutation, Op, Status
from fdclient.sync.tables import BOOKKEEPING, column_names, table_named
from fdclient.text import CHINESE, msg
from fdserver.apply import authority, conflicts, merges, numbers, persons, records, rejection, scope
from fdserver.apply.context import DeviceContext
from fdserver.apply.outcome import Outcome, merged
from fdserver.apply.records import Author, Doc
from fdserver.apply.rejection import Rejected

VOID_FIELDS = frozenset({"voided_at", "void_reason", "voided_by_id"})
_SCALARS = (str, int, float, bool, type(None))
CONFLICT_TEXT = msg(
    "同一字段在其他设备上也被修改，服务器保留了原值，请在“冲突”页面选择。",
    "The same field was changed on another device; the server kept its value: choose on the conflicts page.",
)


def apply_change(conn: Connection, device: DeviceContext, author: Author, m: Mutation) -> Outcome:
    if table_named(m.table) is None:
        raise rejection.unknown_table(m.table[:60])
    unknown = sorted(set(m.data) - set(column_names(m.table)))
    if unknown:
        raise rejection.unknown_column(m.table, ", ".join(unknown)[:200])
    if m.op is Op.INSERT:
        return _insert(conn, device, author, m)
    return _update(conn, device, author, m)


def _scalar(column: str, value: Any) -> Any:
    if not isinstance(value, _SCALARS):
        raise rejection.malformed(column)
    return value


def _insert(conn: Connection, device: DeviceContext, author: Author, m: Mutation) -> Outcome:
    row = {k: _scalar(k, v) for k, v in m.data.items() if k != "server_version"}
    if row.setdefault("id", m.row_id) != m.row_id:
        raise rejection.malformed("id")
    row, aliased = scope.redirect_values(conn, m.table, row)
    reasons = ["alias"] if aliased else []
    _note(conn, device, m.table, m.row_id, aliased)
    existing = records.load(conn, m.table, m.row_id)
    if existing is not None:
        if existing.township_id != device.township_id:
            raise rejection.other_township(m.table, m.row_id)
        incoming = {f: v for f, v in row.items() if f not in BOOKKEEPING and f != "id"}
        if all(existing.data.get(f) == v for f, v in incoming.items()):
            return merged(["duplicate_insert"], existing.version)
        changes = {f: (None, v) for f, v in incoming.items() if v is not None and existing.data.get(f) != v}
        return _merge(conn, device, author, existing, changes, None, reasons, row.get("updated_at"))
    if not authority.may_write(device.role, m.table, row):
        raise rejection.not_allowed(device.role, m.table)
    scope.check_row(conn, device.township_id, m.table, m.row_id, row)
    if m.table == "contracts":
        _status(row.get("status"))
    renumbered = numbers.settle(conn, device.township_id, m.table, m.row_id, row)
    if renumbered is not None:
        row[numbers.NUMBERED[m.table]] = renumbered
        reasons.append("renumbered")
    version = records.write(conn, author, m.table, m.row_id, row, exists=False)
    if m.table == scope.RESIDENTS:
        version = _same_person_check(conn, author, m.row_id, version, reasons)
    elif aliased and m.table == "contract_members" and row.get("resident_id"):
        persons.check_two_contracts(conn, author, str(row["resident_id"]))
    return merged(reasons, version)


def _update(conn: Connection, device: DeviceContext, author: Author, m: Mutation) -> Outcome:
    reasons: list[str] = []
    row_id = m.row_id
    if m.table == scope.RESIDENTS:
        row_id = scope.survivor_of(conn, m.row_id)
        if row_id != m.row_id:
            reasons.append("alias")
    existing = records.load(conn, m.table, row_id)
    if existing is None:
        raise rejection.missing_record(m.table, m.row_id)
    if existing.township_id != device.township_id:
        raise rejection.other_township(m.table, m.row_id)
    pairs: dict[str, tuple[Any, Any]] = {}
    for field, pair in m.data.items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise rejection.malformed(field)
        pairs[field] = (_scalar(field, pair[0]), _scalar(field, pair[1]))
    if "id" in pairs and pairs["id"][1] != m.row_id:
        raise rejection.malformed("id")
    updated_at = pairs.get("updated_at", (None, None))[1]
    changes = {f: p for f, p in pairs.items() if f not in BOOKKEEPING and f != "id"}
    news, aliased = scope.redirect_values(conn, m.table, {f: new for f, (_, new) in changes.items()})
    olds, _ = scope.redirect_values(conn, m.table, {f: old for f, (old, _) in changes.items()})
    if aliased:
        reasons.append("alias")
        _note(conn, device, m.table, row_id, aliased)
    changes = {f: (olds[f], news[f]) for f in changes}
    return _merge(conn, device, author, existing, changes, m.base_version, reasons, updated_at)


def _note(conn: Connection, device: DeviceContext, table: str, row_id: str, aliased: Mapping[str, str]) -> None:
    for column, alias_id in aliased.items():
        merges.note_redirect(conn, device.township_id, alias_id, table, row_id, column)


def _merge(
    conn: Connection,
    device: DeviceContext,
    author: Author,
    existing: Doc,
    changes: Mapping[str, tuple[Any, Any]],
    base: int | None,
    reasons: list[str],
    updated_at: Any,
) -> Outcome:
    table = existing.table
    after = {**existing.data, **{f: new for f, (_, new) in changes.items()}}
    if not authority.may_write(device.role, table, after, changes.keys()):
        raise rejection.not_allowed(device.role, table)
    scope.check_row(conn, device.township_id, table, existing.row_id, {f: new for f, (_, new) in changes.items()})
    if existing.voided:
        if not changes.keys() & VOID_FIELDS:
            return _edit_of_voided(conn, author, existing, changes, reasons)
        if changes.get("voided_at", (None, None))[1] is not None:
            changes = {f: c for f, c in changes.items() if f not in VOID_FIELDS}
            reasons.append("already_voided")
    apply: dict[str, Any] = {}
    clashes: list[tuple[str, Any, Any]] = []
    for field, (old, new) in changes.items():
        current = existing.data.get(field)
        if current == new:
            continue
        if table == "contracts" and field == "status":
            check_status_change(existing.data, current, new)
            apply[field] = new
        elif current == old:
            apply[field] = new
        else:
            clashes.append((field, current, new))
    version = existing.version
    if apply:
        version = store_fields(conn, author, existing, apply, updated_at, reasons)
        if base != existing.version and existing.changed_device != device.device_id:
            reasons.append("concurrent_fields")
        if table == scope.RESIDENTS and apply.keys() & {"id_number", "id_type", "voided_at", "merged_into_id"}:
            version = _same_person_check(conn, author, existing.row_id, version, reasons)
    elif clashes:
        version = records.touch(conn, existing)  # the laptop that sent it pulls the kept value
    else:
        reasons.append("no_change")
    ids = tuple(
        conflicts.open_conflict(conn, author, existing, f, conflicts.FIELD, current, new) for f, current, new in clashes
    )
    if ids:
        return Outcome(Status.CONFLICT, version, ids, "conflict", CONFLICT_TEXT.render(CHINESE))
    return merged(reasons, version)


def _edit_of_voided(
    conn: Connection, author: Author, existing: Doc, changes: Mapping[str, tuple[Any, Any]], reasons: list[str]
) -> Outcome:
    pending = {f: new for f, (_, new) in changes.items() if existing.data.get(f) != new}
    if not pending:
        return merged([*reasons, "no_change"], existing.version)
    conflict_id = conflicts.open_conflict(
        conn,
        author,
        existing,
        conflicts.VOIDED_FIELD,
        conflicts.EDIT_OF_VOIDED,
        existing.data.get("voided_at"),
        pending,
    )
    version = records.touch(conn, existing)  # the editor pulls the void
    return Outcome(Status.CONFLICT, version, (conflict_id,), "edit_of_voided", CONFLICT_TEXT.render(CHINESE))


def store_fields(
    conn: Connection, author: Author, existing: Doc, apply: Mapping[str, Any], updated_at: Any, reasons: list[str]
) -> int:
    """Store ``apply`` on the record (numbers settled); returns the new version."""
    data = {**existing.data, **apply}
    if updated_at is not None:
        data["updated_at"] = updated_at
    column = numbers.NUMBERED.get(existing.table)
    if column is not None and column in apply:
        renumbered = numbers.settle(conn, existing.township_id, existing.table, existing.row_id, data)
        if renumbered is not None:
            data[column] = renumbered
            reasons.append("renumbered")
    return records.write(conn, author, existing.table, existing.row_id, data, exists=True)


def _status(value: Any) -> ContractStatus:
    try:
        return ContractStatus(value)
    except ValueError:
        raise rejection.malformed("status") from None


def check_status_change(contract: Mapping[str, Any], current: Any, requested: Any) -> None:
    """Refuse (``illegal_transition``) a contract status change the state machine forbids."""
    try:
        check_transition(str(contract.get("contract_no") or ""), _status(current), _status(requested))
    except RuleError as e:
        raise Rejected("illegal_transition", e.text) from None


def _same_person_check(conn: Connection, author: Author, row_id: str, version: int, reasons: list[str]) -> int:
    """After a resident is stored (inserted, or its ID number changed): merge it into the
    active resident with its ID number, or open a task. Returns its latest version."""
    doc = records.load(conn, scope.RESIDENTS, row_id)
    assert doc is not None
    if persons.on_new_resident(conn, author, doc) != "same_person":
        return version
    reasons.insert(0, "same_person")
    merged_doc = records.load(conn, scope.RESIDENTS, row_id)
    assert merged_doc is not None
    return merged_doc.version
