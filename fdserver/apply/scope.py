"""Scope of a mutation: every record it names belongs to the device's township, and a
resident merged away (an alias) stands for its survivor (docs/sync.md "the same person").

References to ids the server does not know are accepted: a laptop pushes in causal
order, but a parent may come in a later batch (or was refused and stays visible there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from fdclient.sync.tables import references
from fdserver.apply import records, rejection

RESIDENTS = "residents"
#: How far an alias chain is followed (merges of merges).
_MAX_CHAIN = 20


def survivor_of(conn: Connection, resident_id: str) -> str:
    """The resident ``resident_id`` stands for: itself, or the survivor it was merged into."""
    current = resident_id
    for _ in range(_MAX_CHAIN):
        doc = records.load(conn, RESIDENTS, current)
        target = doc.data.get("merged_into_id") if doc is not None and doc.voided else None
        if not target or target == current:
            return current
        current = str(target)
    return current


def resident_columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` holding a resident's id."""
    return tuple(c for c, referred in references(table) if referred == RESIDENTS)


def redirect_values(conn: Connection, table: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """``values`` with every resident id that names an alias replaced by its survivor
    (``merged_into_id`` itself excepted); and ``{column: alias id}`` of those replaced."""
    out = dict(values)
    replaced: dict[str, str] = {}
    for column in resident_columns(table):
        value = out.get(column)
        if column == "merged_into_id" or not isinstance(value, str) or not value:
            continue
        target = survivor_of(conn, value)
        if target != value:
            out[column] = target
            replaced[column] = value
    return out, replaced


def check_row(conn: Connection, township_id: str, table: str, row_id: str, values: Mapping[str, Any]) -> None:
    """Refuse (``other_township``) a row whose township or any existing record it names
    belongs to another township. ``values``: the columns being written."""
    if table == "townships" and row_id != township_id:
        raise rejection.other_township(table, row_id)
    if "township_id" in values and values["township_id"] not in (None, township_id):
        raise rejection.other_township("townships", str(values["township_id"]))
    check_references(conn, township_id, table, values.items())


def check_references(conn: Connection, township_id: str, table: str, items: Iterable[tuple[str, Any]]) -> None:
    referred_of = dict(references(table))
    for column, value in items:
        referred = referred_of.get(column)
        if referred is None or not isinstance(value, str) or not value:
            continue
        owner = records.township_of(conn, referred, value)
        if owner is not None and owner != township_id:
            raise rejection.other_township(referred, value)
