"""Decisions by a person: conflicts (:func:`resolve_conflict`) and same-person merge tasks
(:func:`decide_merge`). A decision is made locally at once (the chosen value through the
ORM, captured like any edit) and queued for the server as a ``resolve`` / ``merge``
outbox entry, so it works offline too. Re-exported by :mod:`fdclient.sync.api`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from fdclient.domain.roles import Permission
from fdclient.errors import ValidationError
from fdclient.models import Base, ConflictRow, MergeTaskRow, Resident, Staff
from fdclient.store import Store
from fdclient.store.context import require
from fdclient.sync import capture, hlc, protocol, state, tables
from fdclient.text import msg

# --- labels and people -------------------------------------------------------------------


def record_label(session: Session, table: str, row_id: str) -> str:
    """A person's name for a resident's records (the laptop's user may see names)."""
    conn = session.connection()
    resident_id: Any = row_id if table == "residents" else None
    if resident_id is None and tables.table_named(table) is not None:
        columns = tables.column_names(table)
        if "resident_id" in columns:
            found = conn.exec_driver_sql(f"SELECT resident_id FROM {table} WHERE id = ?", (row_id,)).first()
            resident_id = found[0] if found else None
    if resident_id is None:
        return ""
    found = conn.exec_driver_sql("SELECT name FROM residents WHERE id = ?", (resident_id,)).first()
    return str(found[0]) if found else ""


def _staff_name(session: Session, staff_id: str | None) -> str | None:
    if not staff_id:
        return None
    name = session.scalar(select(Staff.name).where(Staff.id == uuid.UUID(staff_id)))
    return name or staff_id[:8]


# --- conflicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictItem:
    id: str
    table: str
    row_id: str
    label: str
    field: str
    kind: str
    status: str
    #: The value this laptop stands for, who wrote it and when.
    mine: Any
    mine_by: str | None
    mine_at: datetime | None
    theirs: Any
    theirs_by: str | None
    theirs_at: datetime | None
    #: Which server side "mine" is: "incoming" or "server".
    mine_side: str
    resolved_value: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "record": {"table": self.table, "id": self.row_id, "label": self.label},
            "field": self.field,
            "kind": self.kind,
            "status": self.status,
            "mine": {"value": self.mine, "by": self.mine_by, "at": _iso(self.mine_at)},
            "theirs": {"value": self.theirs, "by": self.theirs_by, "at": _iso(self.theirs_at)},
            "resolved_value": self.resolved_value,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _current_value(session: Session, table: str, row_id: str, field: str) -> Any:
    if tables.table_named(table) is None or field not in tables.column_names(table):
        return None
    found = session.connection().exec_driver_sql(f"SELECT {field} FROM {table} WHERE id = ?", (row_id,)).first()
    return found[0] if found else None


def _item(session: Session, row: ConflictRow, device_id: str | None) -> ConflictItem:
    view = protocol.ConflictView.model_validate(row.body)
    if view.incoming_device and view.incoming_device == device_id:
        mine_side = "incoming"
    elif view.server_device and view.server_device == device_id:
        mine_side = "server"
    else:
        current = _current_value(session, view.table, view.row_id, view.field)
        mine_side = "incoming" if current == view.incoming_value and current != view.server_value else "server"
    server = (view.server_value, _staff_name(session, view.server_by), hlc.moment_of(view.server_at))
    incoming = (view.incoming_value, _staff_name(session, view.incoming_by), hlc.moment_of(view.incoming_at))
    mine, theirs = (incoming, server) if mine_side == "incoming" else (server, incoming)
    return ConflictItem(
        view.id,
        view.table,
        view.row_id,
        record_label(session, view.table, view.row_id),
        view.field,
        view.kind,
        row.status,
        *mine,
        *theirs,
        mine_side,
        view.resolved_value,
    )


def list_conflicts(store: Store, *, include_resolved: bool = False) -> list[ConflictItem]:
    with store.read() as session:
        device = _device(session)
        query = select(ConflictRow).order_by(ConflictRow.version, ConflictRow.id)
        if not include_resolved:
            query = query.where(ConflictRow.status == "open")
        return [_item(session, row, device) for row in session.scalars(query)]


def _device(session: Session) -> str | None:
    enrolment = state.enrolment(session)
    return uuid.UUID(enrolment.device_id).hex if enrolment else None


_TABLE_PERMISSIONS = {
    **dict.fromkeys(
        ("townships", "villages", "service_packages", "package_items", "township_settings"), Permission.MANAGE_SETTINGS
    ),
    **dict.fromkeys(("staff", "teams", "team_members"), Permission.MANAGE_ACCOUNTS),
    **dict.fromkeys(
        ("households", "residents", "diagnoses", "history_events", "pregnancies"), Permission.REGISTER_RESIDENTS
    ),
    **dict.fromkeys(
        ("contracts", "contract_members", "contract_packages", "planned_services"), Permission.MANAGE_CONTRACTS
    ),
    **dict.fromkeys(("home_visits", "satisfaction_surveys"), Permission.RECORD_SERVICES),
}


def permission_for_table(table: str) -> Permission:
    """What deciding a record of ``table`` needs (visits and clinical forms: clinical)."""
    return _TABLE_PERMISSIONS.get(table, Permission.RECORD_CLINICAL)


def _mapped_class(table: str) -> type[Any] | None:
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    return None


def _python_value(table: str, field: str, stored: Any) -> Any:
    """A storage value as the ORM attribute holds it."""
    if stored is None:
        return None
    column = Base.metadata.tables[table].c[field]
    dialect = sqlite.dialect()
    processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
    python_type: Any = None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = None
    if python_type in (int, float) and isinstance(stored, str):
        stored = python_type(stored)
    return processor(stored) if processor is not None else stored


def resolve_conflict(store: Store, conflict_id: str, keep: str) -> ConflictItem:
    """Keep ``"mine"``, ``"theirs"`` or a value typed by a person (as stored)."""
    conflict_id = uuid.UUID(conflict_id).hex
    with store.write() as session:
        row = session.get(ConflictRow, uuid.UUID(conflict_id))
        if row is None:
            raise ValidationError(
                msg("没有编号为 {id} 的冲突。", "There is no conflict {id}.", id=conflict_id), field="conflict"
            )
        item = _item(session, row, _device(session))
        require(session, permission_for_table(item.table))
        if keep in ("mine", "theirs"):
            chosen_side = (
                item.mine_side if keep == "mine" else ("server" if item.mine_side == "incoming" else "incoming")
            )
            chosen = item.mine if keep == "mine" else item.theirs
            data: dict[str, Any] = {"keep": chosen_side}
        else:
            if item.kind == "edit_of_voided":
                raise ValidationError(
                    msg(
                        "被作废记录上的修改只能选择保留本机或对方的处理。",
                        "An edit of a voided record can only be kept or dropped (mine or theirs).",
                    ),
                    field="keep",
                )
            chosen = keep
            data = {"keep": "value", "value": keep}
        if item.kind != "edit_of_voided":
            _set_field(session, item.table, item.row_id, item.field, chosen)
        session.flush()
        capture.queue(session, "resolve", protocol.CONFLICTS, conflict_id, data)
        body = dict(row.body) | {"status": "resolved", "resolved_value": chosen}
        row.status, row.body = "resolved", body
    return _with_status(item, "resolved", chosen)


def _with_status(item: ConflictItem, status: str, value: Any) -> ConflictItem:
    return replace(item, status=status, resolved_value=value)


def _set_field(session: Session, table: str, row_id: str, field: str, stored: Any) -> None:
    cls = _mapped_class(table)
    if cls is None:
        return
    obj = session.get(cls, uuid.UUID(row_id))
    if obj is None:
        return
    column = Base.metadata.tables[table].c[field]
    setattr(obj, column.key, _python_value(table, field, stored))


# --- merge tasks -------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeTaskItem:
    id: str
    kind: str
    status: str
    survivor_id: str
    other_id: str
    survivor_label: str
    other_label: str
    reason: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "survivor": {"id": self.survivor_id, "label": self.survivor_label},
            "other": {"id": self.other_id, "label": self.other_label},
            "reason": self.reason,
            "created_at": self.created_at,
        }


def _resident_label(session: Session, resident_id: str) -> str:
    found = session.execute(
        select(Resident.name, Resident.id_number).where(Resident.id == uuid.UUID(resident_id))
    ).first()
    if found is None:
        return resident_id[:8]
    number = found.id_number or ""
    return f"{found.name} {number[:6]}…{number[-4:]}" if len(number) > 10 else str(found.name)


def list_merge_tasks(store: Store, *, include_closed: bool = False) -> list[MergeTaskItem]:
    with store.read() as session:
        query = select(MergeTaskRow).order_by(MergeTaskRow.version, MergeTaskRow.id)
        if not include_closed:
            query = query.where(MergeTaskRow.status.in_(("open", "done")))
        out = []
        for row in session.scalars(query):
            view = protocol.MergeTaskView.model_validate(row.body)
            out.append(
                MergeTaskItem(
                    view.id,
                    view.kind,
                    row.status,
                    view.survivor_id,
                    view.other_id,
                    _resident_label(session, view.survivor_id),
                    _resident_label(session, view.other_id),
                    view.reason,
                    view.created_at,
                )
            )
        return out


_DECISIONS = {"merge": "merge", "keep-apart": "keep_apart", "keep_apart": "keep_apart", "undo": "undo"}
_STATUS_AFTER = {"merge": "done", "keep_apart": "kept_apart", "undo": "undone"}


def decide_merge(store: Store, task_id: str, decision: str) -> MergeTaskItem:
    """``merge``, ``keep_apart`` (``keep-apart``) or ``undo``: queued for the server."""
    wanted = _DECISIONS.get(decision)
    if wanted is None:
        raise ValidationError(
            msg("决定只能是 merge、keep-apart 或 undo。", "The decision is merge, keep-apart or undo."),
            field="decision",
        )
    task_id = uuid.UUID(task_id).hex
    with store.write() as session:
        row = session.get(MergeTaskRow, uuid.UUID(task_id))
        if row is None:
            raise ValidationError(msg("没有编号为 {id} 的合并任务。", "There is no merge task {id}.", id=task_id))
        view = protocol.MergeTaskView.model_validate(row.body)
        require(
            session,
            Permission.MANAGE_CONTRACTS if view.kind == "two_active_contracts" else Permission.REGISTER_RESIDENTS,
        )
        capture.queue(session, "merge", protocol.MERGE_TASKS, task_id, {"decision": wanted})
        row.status = _STATUS_AFTER[wanted]
        row.body = dict(row.body) | {"status": row.status}
        item = MergeTaskItem(
            view.id,
            view.kind,
            row.status,
            view.survivor_id,
            view.other_id,
            _resident_label(session, view.survivor_id),
            _resident_label(session, view.other_id),
            view.reason,
            view.created_at,
        )
    return item
