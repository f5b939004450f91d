"""``GET /pull`` and ``GET /snapshot``: paging, resumption, scope and the epoch check."""

from __future__ import annotations

from typing import Any

import httpx
from helpers.server import Enrolled, add_township
from sqlalchemy import Engine, insert

from fdclient.sync.protocol import API_PREFIX, CONFLICTS, MERGE_TASKS, PullResponse, SnapshotResponse, TownshipInfo
from fdclient.sync.tables import synced_table_names
from fdserver.db import next_version, transaction
from fdserver.models import Conflict, Merge, table_of
from fdserver.records import STAFF, new_hex_id, put_record, storage_row


def add_staff(engine: Engine, township: TownshipInfo, n: int) -> list[str]:
    ids = []
    with transaction(engine) as conn:
        for i in range(n):
            row_id = new_hex_id()
            values = {"id": row_id, "township_id": township.id, "name": f"员工{i}", "role": "nurse", "active": True}
            put_record(conn, STAFF, row_id, township.id, storage_row(STAFF, values))
            ids.append(row_id)
    return ids


def pull_all(client: httpx.Client, device: Enrolled, after: int, limit: int) -> list[PullResponse]:
    pages = []
    while True:
        answer = client.get(f"{API_PREFIX}/pull", params={"after": after, "limit": limit}, headers=device.headers)
        assert answer.status_code == 200, answer.text
        page = PullResponse.model_validate(answer.json())
        pages.append(page)
        after = page.next
        if not page.more:
            return pages


def versions(pages: list[Any]) -> list[int]:
    return [row[0] for page in pages for group in page.groups for row in group.rows]


def test_pull_pages_follow_the_version_order_and_resume_at_the_cursor(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    add_staff(server_engine, township, 7)
    other = add_township(server_engine, "360111102", "石岗乡", [])
    add_staff(server_engine, other, 3)
    pages = pull_all(client, device, 0, 4)
    # Versions count per township: 1 township + 3 villages + 1 doctor + 7 staff.
    assert [len(versions([p])) for p in pages] == [4, 4, 4]
    assert versions(pages) == list(range(1, 13))
    assert [p.next for p in pages] == [4, 8, 12]
    assert all(p.latest_version == 12 for p in pages)
    first = pages[0].groups
    assert [g.table for g in first] == ["townships", "villages"]
    assert first[0].columns[0] == "version" and "server_version" not in first[0].columns
    township_row = dict(zip(first[0].columns, first[0].rows[0], strict=True))
    assert (township_row["id"], township_row["code"]) == (township.id, township.code)
    # Another township's records are never pulled.
    names = [row[g.columns.index("name")] for p in pages for g in p.groups if g.table == STAFF for row in g.rows]
    assert len(names) == 8 and "员工0" in names
    # Resuming from a cursor in the middle gives the same rows again from there.
    assert versions(pull_all(client, device, 6, 100)) == list(range(7, 13))
    last = pull_all(client, device, 12, 100)
    assert (len(last), last[0].groups, last[0].next, last[0].more) == (1, [], 12, False)


def test_conflicts_and_merge_tasks_come_with_the_records_and_a_version_is_never_split(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    with transaction(server_engine) as conn:
        version = next_version(conn, township.id)
        body = {"id": new_hex_id(), "status": "open"}
        conn.execute(
            insert(table_of(Conflict)).values(
                id=body["id"],
                township_id=township.id,
                version=version,
                table_name="staff",
                row_id=new_hex_id(),
                field="name",
                kind="field",
                status="open",
                body=body,
            )
        )
        merge = {"id": new_hex_id(), "status": "done"}
        conn.execute(
            insert(table_of(Merge)).values(
                id=merge["id"],
                township_id=township.id,
                version=version,
                kind="same_person",
                status="done",
                survivor_id=new_hex_id(),
                other_id=new_hex_id(),
                body=merge,
                undo={},
            )
        )
    add_staff(server_engine, township, 1)
    pages = pull_all(client, device, 5, 1)
    assert [p.next for p in pages] == [6, 7]
    tables = {g.table: g for g in pages[0].groups}
    assert set(tables) == {CONFLICTS, MERGE_TASKS}
    assert tables[CONFLICTS].columns == ["version", "body"]
    assert tables[CONFLICTS].rows == [[6, body]]
    assert tables[MERGE_TASKS].rows == [[6, merge]]


def test_snapshot_pages_in_table_and_id_order_resume_at_any_page(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    add_staff(server_engine, township, 6)
    add_township(server_engine, "360111102", "石岗乡", [])
    params: dict[str, Any] = {"limit": 3}
    pages: list[SnapshotResponse] = []
    while True:
        answer = client.get(f"{API_PREFIX}/snapshot", params=params, headers=device.headers)
        assert answer.status_code == 200, answer.text
        page = SnapshotResponse.model_validate(answer.json())
        pages.append(page)
        if page.after_table is None:
            break
        params = {"limit": 3, "as_of": page.as_of, "after_table": page.after_table, "after_id": page.after_id}
    assert {p.as_of for p in pages} == {11}
    assert [p.total_rows for p in pages] == [11] + [0] * (len(pages) - 1)  # counted on the first page
    rows = [(g.table, row[g.columns.index("id")]) for p in pages for g in p.groups for row in g.rows]
    assert len(rows) == 11 == len(set(rows))
    order = synced_table_names()
    assert rows == sorted(rows, key=lambda r: (order.index(r[0]), r[1]))
    assert [sum(len(g.rows) for g in p.groups) for p in pages] == [3, 3, 3, 2]
    # A new page from a stored position gives the same rows again (a cut connection).
    again = client.get(
        f"{API_PREFIX}/snapshot",
        params={"limit": 3, "as_of": 11, "after_table": pages[1].after_table, "after_id": pages[1].after_id},
        headers=device.headers,
    )
    assert SnapshotResponse.model_validate(again.json()).groups == pages[2].groups


def test_another_epoch_is_refused_and_bad_positions_are_4xx(device: Enrolled, client: httpx.Client) -> None:
    for path in ("pull", "snapshot"):
        answer = client.get(f"{API_PREFIX}/{path}", params={"epoch": "f" * 32}, headers=device.headers)
        assert answer.status_code == 409
        assert answer.json()["error"] == "epoch_changed"
        assert "备份" in answer.json()["message"]
    assert client.get(f"{API_PREFIX}/pull", params={"epoch": device.response.epoch}, headers=device.headers).is_success
    for params in ({"after_table": "nothing"}, {"after_id": "XYZ"}, {"limit": 0}, {"limit": 10**6}):
        answer = client.get(f"{API_PREFIX}/snapshot", params=params, headers=device.headers)
        assert answer.status_code == 422, params
        assert answer.json()["error"] == "invalid_request"
