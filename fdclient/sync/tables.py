"""Which tables sync, in which order, and how their rows look on the wire.

A synced table is every mapped table with a ``server_version`` column (the
:class:`fdclient.models.base.Synced` mixin), in foreign-key order (parents first), so a
snapshot or a page applied in this order never names a row that is not there yet.

A row on the wire is its columns' storage values as SQLite holds them (docs/sync.md):
:func:`storage_value` turns a Python value into that form with the column type's own bind
processor, so what the ORM writes and what a pulled page writes are byte for byte alike.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.dialects import sqlite

from fdclient.models import Base

#: Never merged, never a conflict: bookkeeping of each copy.
BOOKKEEPING = frozenset({"created_at", "updated_at", "server_version"})

_DIALECT = sqlite.dialect()


def _is_synced(table: Table) -> bool:
    """A table with a ``server_version``, or the subtype table of one (joined inheritance:
    a follow-up's own columns, keyed by the id of its ``visits`` row)."""
    if "server_version" in table.c:
        return True
    if "id" not in table.c:
        return False
    return any("server_version" in fk.column.table.c for fk in table.c.id.foreign_keys)


def has_version(name: str) -> bool:
    """Whether the table holds ``server_version`` itself (subtype tables do not)."""
    return "server_version" in Base.metadata.tables[name].c


@functools.cache
def synced_tables() -> tuple[Table, ...]:
    """Every synced table, parents before children."""
    return tuple(t for t in Base.metadata.sorted_tables if _is_synced(t))


@functools.cache
def synced_table_names() -> tuple[str, ...]:
    return tuple(t.name for t in synced_tables())


def table_named(name: str) -> Table | None:
    table = Base.metadata.tables.get(name)
    return table if table is not None and _is_synced(table) else None


@functools.cache
def references(name: str) -> tuple[tuple[str, str], ...]:
    """``(column, referred table)`` for each foreign key of a synced table."""
    table = Base.metadata.tables[name]
    out = []
    for column in table.c:
        for fk in column.foreign_keys:
            out.append((column.name, fk.column.table.name))
    return tuple(out)


@functools.cache
def referring(target: str) -> tuple[tuple[str, str], ...]:
    """``(table, column)`` of every synced column that refers to ``target`` (e.g. every
    column holding a resident's id), for re-pointing after a merge."""
    return tuple((t.name, c) for t in synced_tables() for c, referred in references(t.name) if referred == target)


@functools.cache
def _processor(table_name: str, column_name: str) -> Callable[[Any], Any] | None:
    column: Column[Any] = Base.metadata.tables[table_name].c[column_name]
    return column.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)


def storage_value(table_name: str, column_name: str, value: Any) -> Any:
    """``value`` as the column stores it in SQLite (a str, int, float or None)."""
    if value is None:
        return None
    processor = _processor(table_name, column_name)
    stored = processor(value) if processor is not None else value
    if isinstance(stored, bool):
        return int(stored)
    return stored


def row_of_table(obj: object, table: Table) -> dict[str, Any]:
    """The storage values of ``table``'s columns of a mapped object (one table of it, for
    a joined-inheritance object that spans two)."""
    values = {}
    for column in table.c:
        values[column.name] = storage_value(table.name, column.name, getattr(obj, column.key, None))
    return values


def hex_id(value: uuid.UUID | str) -> str:
    """A row id as the wire writes it (32 lower-case hex digits)."""
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(value).hex


def column_names(name: str) -> tuple[str, ...]:
    return tuple(c.name for c in Base.metadata.tables[name].c)


def mergeable(name: str) -> Mapping[str, Column[Any]]:
    """The columns of a synced table that merge field by field (all but bookkeeping)."""
    table = Base.metadata.tables[name]
    return {c.name: c for c in table.c if c.name not in BOOKKEEPING and c.name != "id"}
