"""Merge rows (``merges``): same-person merges, automatic (``done``) or tasks for a person
(``open``), and ``two_active_contracts`` tasks. Every change takes a township version, so
laptops pull the task with the records it changed.

For a ``two_active_contracts`` task, ``survivor_id`` is the resident covered twice and
``other_id`` the later of the two active contracts (the reason names both numbers);
``merge`` or ``keep_apart`` only close it: a person terminates one contract on a laptop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update
from uuid6 import uuid7

from fdclient.sync.protocol import MergeTaskView
from fdserver.apply.records import Author
from fdserver.db import next_version
from fdserver.models import Merge, table_of

SAME_PERSON = "same_person"
TWO_ACTIVE_CONTRACTS = "two_active_contracts"
OPEN, DONE, KEPT_APART, UNDONE = "open", "done", "kept_apart", "undone"

_merges = table_of(Merge)


@dataclass(frozen=True)
class MergeRow:
    id: str
    township_id: str
    kind: str
    status: str
    survivor_id: str
    other_id: str
    view: MergeTaskView
    undo: Mapping[str, Any]


def load_merge(conn: Connection, merge_id: str) -> MergeRow | None:
    row = conn.execute(select(_merges).where(_merges.c.id == merge_id)).one_or_none()
    if row is None:
        return None
    return MergeRow(
        row.id,
        row.township_id,
        row.kind,
        row.status,
        row.survivor_id,
        row.other_id,
        MergeTaskView.model_validate(row.body),
        dict(row.undo or {}),
    )


def find_open(conn: Connection, township_id: str, kind: str, a: str, b: str) -> str | None:
    """An open task of ``kind`` between ``a`` and ``b`` (either way round)."""
    return conn.execute(
        select(_merges.c.id).where(
            _merges.c.township_id == township_id,
            _merges.c.kind == kind,
            _merges.c.status == OPEN,
            or_(
                and_(_merges.c.survivor_id == a, _merges.c.other_id == b),
                and_(_merges.c.survivor_id == b, _merges.c.other_id == a),
            ),
        )
    ).scalar()


def create(
    conn: Connection,
    author: Author,
    *,
    kind: str,
    status: str,
    survivor_id: str,
    other_id: str,
    reason: str,
    undo: Mapping[str, Any] | None = None,
) -> str:
    merge_id = uuid7().hex
    view = MergeTaskView(
        id=merge_id,
        kind=kind,
        survivor_id=survivor_id,
        other_id=other_id,
        status=status,
        reason=reason,
        created_at=author.hlc or author.now.isoformat(),
        decided_by=author.actor_id if status != OPEN else None,
        decided_at=(author.hlc or author.now.isoformat()) if status != OPEN else None,
    )
    conn.execute(
        insert(_merges).values(
            id=merge_id,
            township_id=author.township_id,
            version=next_version(conn, author.township_id),
            kind=kind,
            status=status,
            survivor_id=survivor_id,
            other_id=other_id,
            body=view.model_dump(mode="json"),
            undo=dict(undo or {}),
        )
    )
    return merge_id


def decide(
    conn: Connection, author: Author, merge: MergeRow, status: str, *, undo: Mapping[str, Any] | None = None
) -> MergeTaskView:
    """Record a person's (or the server's) decision on ``merge``: its new status, who, when."""
    view = merge.view.model_copy(
        update={"status": status, "decided_by": author.actor_id, "decided_at": author.hlc or author.now.isoformat()}
    )
    values: dict[str, Any] = {
        "status": status,
        "version": next_version(conn, merge.township_id),
        "body": view.model_dump(mode="json"),
    }
    if undo is not None:
        values["undo"] = dict(undo)
    conn.execute(update(_merges).where(_merges.c.id == merge.id).values(**values))
    return view


def note_redirect(conn: Connection, township_id: str, alias_id: str, table: str, row_id: str, column: str) -> None:
    """Remember on the done merge of ``alias_id`` that a late push naming it was stored on
    the survivor: an undo points it back at the alias."""
    row = conn.execute(
        select(_merges.c.id, _merges.c.undo)
        .where(
            _merges.c.township_id == township_id,
            _merges.c.kind == SAME_PERSON,
            _merges.c.status == DONE,
            _merges.c.other_id == alias_id,
        )
        .order_by(_merges.c.version.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return
    undo = dict(row.undo or {})
    undo["repointed"] = [*undo.get("repointed", []), [table, row_id, column]]
    conn.execute(update(_merges).where(_merges.c.id == row.id).values(undo=undo))
