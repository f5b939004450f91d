"""Conflicts kept for a person (docs/sync.md "Merge rules"): the server keeps its value and
stores both, with who and when on each side; every laptop of the township pulls them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from uuid6 import uuid7

from fdclient.sync.protocol import ConflictView
from fdserver.apply.records import Author, Doc
from fdserver.db import next_version
from fdserver.models import Conflict, table_of

FIELD = "field"
EDIT_OF_VOIDED = "edit_of_voided"
OPEN = "open"
RESOLVED = "resolved"
#: The field an edit_of_voided conflict names; its incoming value is the edit's
#: ``{column: new value}`` and its server value the record's ``voided_at``.
VOIDED_FIELD = "voided_at"

_conflicts = table_of(Conflict)


def open_conflict(
    conn: Connection, author: Author, doc: Doc, field: str, kind: str, server_value: Any, incoming_value: Any
) -> str:
    """Store a new open conflict on ``doc``'s ``field``; returns its id."""
    conflict_id = uuid7().hex
    view = ConflictView(
        id=conflict_id,
        table=doc.table,
        row_id=doc.row_id,
        field=field,
        kind=kind,
        server_value=server_value,
        incoming_value=incoming_value,
        server_by=doc.changed_by,
        server_device=doc.changed_device,
        server_at=doc.changed_hlc,
        incoming_by=author.actor_id,
        incoming_device=author.device_id,
        incoming_at=author.hlc,
        status=OPEN,
    )
    conn.execute(
        insert(_conflicts).values(
            id=conflict_id,
            township_id=doc.township_id,
            version=next_version(conn, doc.township_id),
            table_name=doc.table,
            row_id=doc.row_id,
            field=field,
            kind=kind,
            status=OPEN,
            body=view.model_dump(mode="json"),
            mutation_id=author.mutation_id,
        )
    )
    return conflict_id


def load_conflict(conn: Connection, conflict_id: str) -> tuple[str, ConflictView] | None:
    """``(township id, view)`` of a conflict."""
    row = conn.execute(
        select(_conflicts.c.township_id, _conflicts.c.body).where(_conflicts.c.id == conflict_id)
    ).one_or_none()
    if row is None:
        return None
    return row.township_id, ConflictView.model_validate(row.body)


def mark_resolved(conn: Connection, author: Author, township_id: str, view: ConflictView, value: Any) -> ConflictView:
    resolved = view.model_copy(
        update={
            "status": RESOLVED,
            "resolved_value": value,
            "resolved_by": author.actor_id,
            "resolved_at": author.hlc,
        }
    )
    conn.execute(
        update(_conflicts)
        .where(_conflicts.c.id == view.id)
        .values(status=RESOLVED, version=next_version(conn, township_id), body=resolved.model_dump(mode="json"))
    )
    return resolved
