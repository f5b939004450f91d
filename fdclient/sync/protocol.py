"""The wire format shared by fdclient and fdserver (docs/sync.md).

Pydantic models of every request and response body under ``/api/v1``: the server's
OpenAPI description is generated from them and the client validates what it receives with
them. Rows travel as their columns' SQLite storage values (:mod:`fdclient.sync.tables`).
No Qt, no database.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX = "/api/v1"
#: At most this many mutations in one push request.
MAX_PUSH_BATCH = 500
#: At most this many records in one pull or snapshot page.
MAX_PAGE = 5000
DEFAULT_PULL_PAGE = 2000
DEFAULT_SNAPSHOT_PAGE = 5000
#: Request bodies: compressed and inflated limits (HTTP 413 beyond them).
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_INFLATED_BYTES = 64 * 1024 * 1024
#: The largest sequence number or version a request may carry (a signed 64-bit column).
MAX_COUNTER = 2**63 - 1

#: A storage value: what SQLite holds in a column (docs/sync.md "Rows on the wire").
Value = str | int | float | bool | None
HexId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]

#: Pseudo tables delivered in pull pages beside the records (server-side state).
CONFLICTS = "sync_conflicts"
MERGE_TASKS = "sync_merge_tasks"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorBody(_Wire):
    """Every error response: a stable code, a Chinese message and its English."""

    error: str
    message: str
    message_en: str = ""


# --- enrolment and hello ----------------------------------------------------------------


class EnrollRequest(_Wire):
    code: Annotated[str, Field(min_length=4, max_length=64)]
    device_name: Annotated[str, Field(max_length=100)] = ""
    #: The laptop's own device id when enrolling an existing store (kept as its identity).
    device_id: HexId | None = None


class TownshipInfo(_Wire):
    id: HexId
    code: str
    name: str


class UserInfo(_Wire):
    staff_id: HexId
    username: str
    name: str
    role: str


class NaturalKey(_Wire):
    """A server record of reference data and the key a laptop may already hold it under
    (a village's code, a staff member's sign-in name)."""

    id: HexId
    key: str


class EnrollResponse(_Wire):
    device_id: HexId
    #: Shown once; the server keeps only its hash.
    token: str
    township: TownshipInfo
    user: UserInfo
    server_time: datetime
    epoch: str
    #: The township's villages by code and staff by sign-in name: a laptop enrolling an
    #: existing store takes these ids for its own rows with the same keys (no duplicates).
    villages: list[NaturalKey] = []
    staff: list[NaturalKey] = []


class NumberBlockRequest(_Wire):
    """``series``: ``health_record:<township code + village segment>`` (12 digits) or
    ``contract:<prefix>-<township code>-<year>``."""

    series: Annotated[str, Field(max_length=60)]
    count: Annotated[int, Field(ge=1, le=10_000)]


class NumberBlock(_Wire):
    series: str
    first: int
    last: int


class HelloRequest(_Wire):
    client_time: datetime
    app_version: str = ""
    cursor: int = 0
    epoch: str | None = None
    blocks: Annotated[list[NumberBlockRequest], Field(max_length=200)] = []


class HelloResponse(_Wire):
    server_time: datetime
    epoch: str
    township: TownshipInfo
    #: The township's latest version (a client cursor beyond it means a restored server).
    latest_version: int
    blocks: list[NumberBlock] = []


# --- push ------------------------------------------------------------------------------


class Op(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    #: A person's decision on a conflict: ``data = {"keep": "mine"|"theirs"|"value", "value": ...}``.
    RESOLVE = "resolve"
    #: A person's decision on a merge task: ``data = {"decision": "merge"|"keep_apart"|"undo"}``.
    MERGE = "merge"


class Mutation(_Wire):
    id: HexId
    #: The device's sequence number (strictly increasing per device).
    seq: Annotated[int, Field(ge=1, le=MAX_COUNTER)]
    op: Op
    table: Annotated[str, Field(max_length=60)]
    row_id: HexId
    #: insert: the whole row ``{column: value}``; update: ``{column: [old, new]}``.
    data: dict[str, Any]
    #: The server version of the row the change was made against (None: a new row).
    base_version: Annotated[int, Field(ge=0, le=MAX_COUNTER)] | None = None
    #: Hybrid logical clock of the change (display and audit; order is the server's).
    hlc: Annotated[str, Field(max_length=40)]
    actor_id: HexId | None = None


class AuditItem(_Wire):
    """An entry of the laptop's audit trail, forwarded to the server."""

    id: HexId
    at: str
    actor_id: HexId | None = None
    action: str
    table_name: str
    row_id: HexId | None = None
    subject_id: HexId | None = None
    changes: dict[str, Any] = {}


class PushRequest(_Wire):
    mutations: Annotated[list[Mutation], Field(max_length=MAX_PUSH_BATCH)]
    audit: Annotated[list[AuditItem], Field(max_length=5000)] = []


class Status(StrEnum):
    APPLIED = "applied"
    MERGED = "merged"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class MutationResult(_Wire):
    id: HexId
    seq: int
    status: Status
    version: int | None = None
    conflict_ids: list[HexId] = []
    #: For rejected (and merged) results: a stable code and a Chinese explanation.
    reason: str | None = None
    message: str | None = None


class PushResponse(_Wire):
    results: list[MutationResult]
    #: The highest device sequence number the server has answered for.
    acknowledged_seq: int
    server_time: datetime


# --- pull and snapshot -----------------------------------------------------------------


class RowGroup(_Wire):
    """Rows of one table: the column names once, then one value list per row. In pull
    pages the first value of each row is its version."""

    table: str
    columns: list[str]
    rows: list[list[Any]]


class PullResponse(_Wire):
    epoch: str
    groups: list[RowGroup]
    #: The cursor after this page (store it with the applied rows).
    next: int
    more: bool
    latest_version: int


class SnapshotResponse(_Wire):
    epoch: str
    #: The version the snapshot started at: pull from here once it is complete.
    as_of: int
    groups: list[RowGroup]
    #: Where the next page starts (None: the snapshot is complete).
    after_table: str | None
    after_id: HexId | None
    #: The township's record count, on the first page (0 on later pages).
    total_rows: int


# --- decisions -------------------------------------------------------------------------


class ConflictView(_Wire):
    """A conflict as the server keeps it (also the ``sync_conflicts`` pull rows)."""

    id: HexId
    table: str
    row_id: HexId
    field: str
    kind: str  # "field" | "edit_of_voided"
    server_value: Any
    incoming_value: Any
    server_by: HexId | None
    server_device: HexId | None
    server_at: str | None
    incoming_by: HexId | None
    incoming_device: HexId | None
    incoming_at: str | None
    status: str  # "open" | "resolved"
    resolved_value: Any = None
    resolved_by: HexId | None = None
    resolved_at: str | None = None


class MergeTaskView(_Wire):
    """A same-person merge (``sync_merge_tasks`` pull rows): automatic ones are ``done``."""

    id: HexId
    kind: str  # "same_person" | "two_active_contracts"
    survivor_id: HexId
    other_id: HexId
    status: str  # "open" | "done" | "kept_apart" | "undone"
    reason: str
    created_at: str
    decided_by: HexId | None = None
    decided_at: str | None = None
