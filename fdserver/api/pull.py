"""``GET /pull`` and ``GET /snapshot``: the township's records as column-list pages
(docs/sync.md "Pull and the first sync").

Pull: records, conflicts and merge tasks of the device's township with a version after the
cursor, in version order, cut after ``limit`` items but never inside one version; ``next``
is the highest version in the page. Records come as one group per table, in the synced
tables' order (parents first), each row starting with its version; conflicts and merge
tasks as groups ``sync_conflicts`` / ``sync_merge_tasks`` with columns ``version, body``.

Snapshot: the township's current records in table order and id order from a position
(``after_table``, ``after_id``), resumable at any page; ``as_of`` is the township's latest
version when the first page is read; the last page also carries the township's conflicts
and merge tasks. Both read in one consistent transaction.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import Connection, Table, func, select

from fdclient.sync.protocol import (
    CONFLICTS,
    DEFAULT_PULL_PAGE,
    DEFAULT_SNAPSHOT_PAGE,
    MAX_PAGE,
    MERGE_TASKS,
    ErrorBody,
    PullResponse,
    RowGroup,
    SnapshotResponse,
)
from fdclient.sync.tables import synced_table_names
from fdclient.text import msg
from fdserver.api.common import check_epoch
from fdserver.auth import CurrentDevice, EngineDep
from fdserver.db import latest_version, reading
from fdserver.errors import ApiError
from fdserver.models import Conflict, Merge, Record, table_of
from fdserver.records import row_columns

router = APIRouter(tags=["sync"])
_records = table_of(Record)
_conflicts = table_of(Conflict)
_merges = table_of(Merge)
_ERRORS: dict[int | str, dict[str, object]] = {status: {"model": ErrorBody} for status in (401, 403, 409, 422)}
HEX = r"^[0-9a-f]{32}$"


def _json(page: PullResponse | SnapshotResponse) -> Response:
    """A page as JSON, serialised once by pydantic-core: FastAPI would validate the model
    again and encode it with the standard json module (the page is the same model, so
    /openapi.json still describes it through ``response_model``)."""
    return Response(content=page.model_dump_json(), media_type="application/json")


def _table_order() -> dict[str, int]:
    return {name: i for i, name in enumerate(synced_table_names())}


def record_groups(rows: list[tuple[str, int, dict[str, Any]]]) -> list[RowGroup]:
    """``(table, version, data)`` rows as one group per table, tables in sync order."""
    by_table: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for table, version, data in rows:
        by_table.setdefault(table, []).append((version, data))
    order = _table_order()
    groups = []
    for table in sorted(by_table, key=lambda t: (order.get(t, len(order)), t)):
        columns = row_columns(table) if table in order else tuple(sorted({k for _, d in by_table[table] for k in d}))
        values = [[version, *map(data.get, columns)] for version, data in by_table[table]]
        # Built from stored records: no need to validate 5,000 rows again.
        groups.append(RowGroup.model_construct(table=table, columns=["version", *columns], rows=values))
    return groups


def _body_group(name: str, rows: list[tuple[int, dict[str, Any]]]) -> list[RowGroup]:
    if not rows:
        return []
    return [RowGroup.model_construct(table=name, columns=["version", "body"], rows=[[v, dict(b)] for v, b in rows])]


def _versions(conn: Connection, table: Table, township_id: str, after: int, n: int) -> list[int]:
    query = (
        select(table.c.version)
        .where(table.c.township_id == township_id, table.c.version > after)
        .order_by(table.c.version)
        .limit(n)
    )
    return [int(v) for v in conn.execute(query).scalars()]


def _upto(table: Table, township_id: str, after: int, upto: int) -> Any:
    return (
        table.c.township_id == township_id,
        table.c.version > after,
        table.c.version <= upto,
    )


@router.get("/pull", response_model=PullResponse, responses=_ERRORS)
def pull(
    device: CurrentDevice,
    engine: EngineDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PULL_PAGE,
    epoch: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    tid = device.township_id
    with reading(engine) as conn:
        server_epoch = check_epoch(conn, epoch)
        latest = latest_version(conn, tid)
        streams = [_versions(conn, t, tid, after, limit + 1) for t in (_records, _conflicts, _merges)]
        merged = sorted(v for s in streams for v in s)
        if not merged:
            return _json(PullResponse(epoch=server_epoch, groups=[], next=after, more=False, latest_version=latest))
        upto = merged[min(limit, len(merged)) - 1]
        more = any(v > upto for v in merged) or any(len(s) > limit for s in streams)
        records = conn.execute(
            select(_records.c.table_name, _records.c.version, _records.c.data)
            .where(*_upto(_records, tid, after, upto))
            .order_by(_records.c.version)
        ).all()
        conflicts = conn.execute(
            select(_conflicts.c.version, _conflicts.c.body)
            .where(*_upto(_conflicts, tid, after, upto))
            .order_by(_conflicts.c.version)
        ).all()
        merges = conn.execute(
            select(_merges.c.version, _merges.c.body)
            .where(*_upto(_merges, tid, after, upto))
            .order_by(_merges.c.version)
        ).all()
    groups = record_groups([(r.table_name, int(r.version), r.data) for r in records])
    groups += _body_group(CONFLICTS, [(int(r.version), r.body) for r in conflicts])
    groups += _body_group(MERGE_TASKS, [(int(r.version), r.body) for r in merges])
    return _json(
        PullResponse(epoch=server_epoch, groups=groups, next=upto, more=more, latest_version=max(latest, upto))
    )


@router.get("/snapshot", response_model=SnapshotResponse, responses=_ERRORS)
def snapshot(
    device: CurrentDevice,
    engine: EngineDep,
    as_of: Annotated[int, Query(ge=0, le=2**62)] = 0,
    after_table: Annotated[str | None, Query(max_length=60)] = None,
    after_id: Annotated[str | None, Query(pattern=HEX)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_SNAPSHOT_PAGE,
    epoch: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    tables = synced_table_names()
    if after_table is not None and after_table not in tables:
        raise ApiError(
            422,
            "invalid_request",
            msg(
                "快照位置中的表名“{table}”不存在。",
                "The snapshot position names an unknown table “{table}”.",
                table=after_table,
            ),
        )
    tid = device.township_id
    start = tables.index(after_table) if after_table is not None else 0
    found: list[tuple[str, str, int, dict[str, Any]]] = []
    with reading(engine) as conn:
        server_epoch = check_epoch(conn, epoch)
        first_page = as_of == 0
        if first_page:
            as_of = latest_version(conn, tid)
        for table in tables[start:]:
            query = select(_records.c.row_id, _records.c.version, _records.c.data).where(
                _records.c.township_id == tid, _records.c.table_name == table
            )
            if table == after_table and after_id is not None:
                query = query.where(_records.c.row_id > after_id)
            rows = conn.execute(query.order_by(_records.c.row_id).limit(limit + 1 - len(found))).all()
            found.extend((table, r.row_id, int(r.version), r.data) for r in rows)
            if len(found) > limit:
                break
        # The last page also carries the township's conflicts and merge tasks: the pull that
        # follows starts after as_of and would never send those opened before it.
        decisions: list[RowGroup] = []
        if len(found) <= limit:
            for kept, name in ((_conflicts, CONFLICTS), (_merges, MERGE_TASKS)):
                rows = conn.execute(
                    select(kept.c.version, kept.c.body).where(kept.c.township_id == tid).order_by(kept.c.version)
                ).all()
                decisions += _body_group(name, [(int(r.version), r.body) for r in rows])
        # Counted once, on the first page: a count of a large township on every page
        # would cost the server more than building the page.
        total = 0
        if first_page:
            total = conn.execute(
                select(func.count())
                .select_from(_records)
                .where(_records.c.township_id == tid, _records.c.table_name.in_(tables))
            ).scalar_one()
    complete = len(found) <= limit
    page = found[:limit]
    groups = record_groups([(table, version, data) for table, _, version, data in page]) + decisions
    last_table, last_id = (None, None) if complete or not page else (page[-1][0], page[-1][1])
    return _json(
        SnapshotResponse(
            epoch=server_epoch,
            as_of=as_of,
            groups=groups,
            after_table=last_table,
            after_id=last_id,
            total_rows=int(total),
        )
    )
