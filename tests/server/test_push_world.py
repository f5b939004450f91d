"""Builders shared by the push and merge tests (no tests here): laptops enrolled through
the real app, rows of the client's tables in storage form, mutations in device order,
and reads of what the server stored.

Import with ``from server.test_push_world import ...`` (``tests`` is on the path).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from helpers.server import VILLAGES, enrol, enrolment_code
from sqlalchemy import Engine, select
from uuid6 import uuid7

from fdclient.sync.protocol import API_PREFIX, Mutation, Op, PushResponse
from fdserver.models import Conflict, Merge, NumberSeries, Record, table_of
from fdserver.records import records_of, row_columns

NOW = "2026-11-20 08:00:00.000000"
_ids = itertools.count(1)


def hex_id() -> str:
    return uuid7().hex


def storage_row(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A row as the laptop sends it: every column, storage values given as they are."""
    unknown = set(values) - set(row_columns(table))
    assert not unknown, unknown
    return {c: values.get(c) for c in row_columns(table)}


def resident_row(village_id: str, **values: Any) -> dict[str, Any]:
    n = next(_ids)
    base: dict[str, Any] = {
        "id": hex_id(),
        "village_id": village_id,
        "name": "张三",
        "name_pinyin": "zhang san",
        "name_initials": "zs",
        "sex": "1",
        "birth_date": "1960-05-01",
        "id_type": "1",
        "id_number": f"36011119600501{n:04d}"[:18],
        "health_record_no": None,
        "status": "active",
        "created_at": NOW,
        "updated_at": NOW,
    }
    base.update(values)
    return storage_row("residents", base)


def row(table: str, **values: Any) -> dict[str, Any]:
    return storage_row(table, {"id": hex_id(), "created_at": NOW, "updated_at": NOW, **values})


@dataclass
class Laptop:
    """An enrolled device pushing through the app; ``seq`` numbers its mutations."""

    client: httpx.Client
    device_id: str
    staff_id: str
    role: str
    headers: dict[str, str]
    seq: int = 0
    sent: list[Mutation] = field(default_factory=list)

    def _mutation(self, op: Op, table: str, row_id: str, data: Mapping[str, Any], base: int | None) -> Mutation:
        self.seq += 1
        return Mutation(
            id=hex_id(),
            seq=self.seq,
            op=op,
            table=table,
            row_id=row_id,
            data=dict(data),
            base_version=base,
            hlc=f"2026-11-20T08:00:{self.seq:02d}.000Z-0000-{self.device_id[:8]}",
            actor_id=self.staff_id,
        )

    def insert(self, table: str, data: Mapping[str, Any]) -> Mutation:
        return self._mutation(Op.INSERT, table, str(data["id"]), data, None)

    def update(self, table: str, row_id: str, changes: Mapping[str, tuple[Any, Any]], base: int | None) -> Mutation:
        return self._mutation(Op.UPDATE, table, row_id, {f: list(p) for f, p in changes.items()}, base)

    def resolve(self, conflict_id: str, keep: str, value: Any = None) -> Mutation:
        data = {"keep": keep} if keep != "value" else {"keep": keep, "value": value}
        return self._mutation(Op.RESOLVE, "sync_conflicts", conflict_id, data, None)

    def merge(self, merge_id: str, decision: str) -> Mutation:
        return self._mutation(Op.MERGE, "sync_merge_tasks", merge_id, {"decision": decision}, None)

    def post(self, *mutations: Mutation, audit: list[dict[str, Any]] | None = None) -> httpx.Response:
        body = {"mutations": [m.model_dump(mode="json") for m in mutations], "audit": audit or []}
        return self.client.post(f"{API_PREFIX}/push", json=body, headers=self.headers)

    def push(self, *mutations: Mutation, audit: list[dict[str, Any]] | None = None) -> PushResponse:
        response = self.post(*mutations, audit=audit)
        assert response.status_code == 200, response.text
        return PushResponse.model_validate(response.json())


def laptop(client: httpx.Client, engine: Engine, township_code: str, user: str, role: str) -> Laptop:
    enrolled = enrol(client, enrolment_code(engine, township_code, user, role))
    r = enrolled.response
    return Laptop(client, r.device_id, r.user.staff_id, r.user.role, enrolled.headers)


def village_ids(engine: Engine, township_id: str) -> dict[str, str]:
    """Village code → id."""
    with engine.connect() as conn:
        return {data["code"]: row_id for row_id, data in records_of(conn, "villages", township_id)}


def first_village(engine: Engine, township_id: str) -> str:
    return village_ids(engine, township_id)[VILLAGES[0].code]


def record(engine: Engine, table: str, row_id: str) -> Any:
    t = table_of(Record)
    with engine.connect() as conn:
        return conn.execute(select(t).where(t.c.table_name == table, t.c.row_id == row_id)).one_or_none()


def data_of(engine: Engine, table: str, row_id: str) -> dict[str, Any]:
    found = record(engine, table, row_id)
    assert found is not None, f"no {table} {row_id}"
    return dict(found.data)


def conflicts_of(engine: Engine, row_id: str) -> list[Any]:
    t = table_of(Conflict)
    with engine.connect() as conn:
        return list(conn.execute(select(t).where(t.c.row_id == row_id).order_by(t.c.version)))


def merges_of(engine: Engine, township_id: str) -> list[Any]:
    t = table_of(Merge)
    with engine.connect() as conn:
        return list(conn.execute(select(t).where(t.c.township_id == township_id).order_by(t.c.version)))


def series_next(engine: Engine, township_id: str, series: str) -> int | None:
    t = table_of(NumberSeries)
    with engine.connect() as conn:
        return conn.execute(select(t.c.next).where(t.c.township_id == township_id, t.c.series == series)).scalar()


def new_uuid() -> str:
    return uuid.uuid4().hex
