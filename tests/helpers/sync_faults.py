"""Faults for the sync tests: a template world copied per example, a transport that drops,
repeats or crashes, a skewed laptop clock, and the server's ledger and records read back.

* :func:`build_template` — ONE real server database (SQLite file, or a PostgreSQL database
  used as ``TEMPLATE``) with the scene's township, a service package and a team, and
  :data:`DOCTORS` real enrolled laptops (encrypted stores, first sync done);
* :func:`clone_world` — a copy of the template for one example: the server file (or
  ``CREATE DATABASE … TEMPLATE``) and the laptop folders, opened again by signing in;
* :class:`FaultyTransport` — an ``httpx`` transport in front of the real in-process app:
  the next request may be lost before the server sees it (``drop_before``), answered by a
  committed server whose answer is lost (``drop_after``), sent twice (``duplicate``), or
  end in a client "crash" (:class:`ClientCrash`, not a transport error, so no retry) after
  the server answered; :meth:`FaultyTransport.restart` swaps in a new app instance on the
  same database (a server restart);
* :class:`SkewedClock` — a laptop clock off by a fixed amount (no ``base`` attribute, so
  the engine's clock correction reads it as the laptop's own clock).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from fdclient.domain.time import Clock
from fdclient.store import Store
from fdclient.store.opening import open_store, sign_in
from fdclient.sync import state, tables
from fdclient.sync.transport import Transport
from fdserver.app import create_app
from fdserver.db import make_engine
from helpers import builders
from helpers.server import engine_url
from helpers.sync_world import IN_PROCESS_URL, PASSWORD, SyncWorld, no_sleep, sync_world

#: Laptops in the template (a test uses 2-4 of them).
DOCTORS = 4
#: Households of two registered on the first laptop and downloaded by all.
HOUSEHOLDS = 4


class ClientCrash(Exception):
    """The laptop's program died (injected): not a transport error, so nothing retries."""


@dataclass(frozen=True)
class SkewedClock:
    """The operating system's clock moved by ``skew`` (a laptop whose clock is wrong)."""

    skew: timedelta

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skew


# --- the fault-injecting transport -------------------------------------------------------


class FaultyTransport(httpx.BaseTransport):
    """The real in-process app behind faults armed for the next matching request."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._app_transport = self._new_app()
        #: [path fragment, fault, requests to let through first], for requests on that path.
        self.armed: list[list[Any]] = []
        self.fired: list[tuple[str, str]] = []
        self.requests = 0

    def _new_app(self) -> httpx.BaseTransport:
        return _SyncASGI(create_app(self.engine))

    def restart(self) -> None:
        """A server restart: a new app instance (no state kept) on the same database."""
        self._app_transport.close()
        self._app_transport = self._new_app()

    def arm(self, path: str, fault: str, *, skip: int = 0) -> None:
        """``fault`` on the ``skip + 1``-th request whose path contains ``path``."""
        assert fault in ("drop_before", "drop_after", "duplicate", "crash_after"), fault
        self.armed.append([path, fault, skip])

    def disarm(self) -> None:
        self.armed.clear()

    def _take(self, path: str) -> str | None:
        for i, armed in enumerate(self.armed):
            fragment, fault, skip = armed
            if fragment in path:
                if skip:
                    armed[2] = skip - 1
                    return None
                del self.armed[i]
                self.fired.append((fragment, fault))
                return str(fault)
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        request.read()
        fault = self._take(request.url.path)
        if fault == "drop_before":
            raise httpx.ConnectError("injected: connection lost before the server saw the request", request=request)
        response = self._app_transport.handle_request(request)
        response.read()
        if fault == "duplicate":
            again = self._app_transport.handle_request(_copy(request))
            again.read()
            response = again
        elif fault == "drop_after":
            raise httpx.ReadError("injected: connection lost after the server answered", request=request)
        elif fault == "crash_after":
            raise ClientCrash(f"injected: the laptop crashed after {request.url.path} was answered")
        return response

    def close(self) -> None:
        self._app_transport.close()


def _copy(request: httpx.Request) -> httpx.Request:
    return httpx.Request(request.method, request.url, headers=request.headers, content=request.content)


class _SyncASGI(httpx.BaseTransport):
    """Starlette's synchronous ASGI bridge (the TestClient's transport) for one app."""

    def __init__(self, app: Any) -> None:
        from starlette.testclient import TestClient

        self._client = TestClient(app, raise_server_exceptions=False)
        self._inner: httpx.BaseTransport = self._client._transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._client.close()


# --- the template world ------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    root: Path
    #: The server database: a SQLite file path, or a PostgreSQL database name to copy.
    server: str
    postgres_admin: str | None
    laptops: tuple[tuple[str, str], ...]  # (folder name, username)


def build_template(root: Path, *, postgres_admin: str | None = None) -> Template:
    """A township with a package and a team (made on an enrolled admin laptop) and
    :data:`DOCTORS` enrolled doctors' laptops that downloaded it."""
    root.mkdir(parents=True, exist_ok=True)
    url = None
    pg_name = None
    if postgres_admin:
        pg_name = f"fdtpl_{uuid.uuid4().hex[:10]}"
        _admin_sql(postgres_admin, f'CREATE DATABASE "{pg_name}"')
        url = make_url(postgres_admin).set(database=pg_name).render_as_string(hide_password=False)
    with sync_world(root, 0, url=url) as world:
        for n in range(DOCTORS):
            world.code(f"doctor{n}", "doctor", f"医生{n}")  # the doctors' staff records
        admin = world.add_laptop(user="admin", role="admin", staff_name="管理员")
        _organise(admin.store)
        admin.sync_until_quiet()
        doctors = [world.add_laptop(user=f"doctor{n}", staff_name=f"医生{n}") for n in range(DOCTORS)]
        _register_households(doctors[0].store, HOUSEHOLDS)
        for laptop in (*doctors, *doctors):
            laptop.sync_until_quiet()
        names = tuple((laptop.folder.name, f"doctor{n}") for n, laptop in enumerate(doctors))
        server = pg_name or str(root / "fdserver.db")
    return Template(root, server, postgres_admin, names)


def _organise(store: Store) -> None:
    from sqlalchemy import select

    from fdclient.models import Staff, Village

    with store.write() as session:
        villages = list(session.scalars(select(Village).order_by(Village.code)))
        doctors = list(session.scalars(select(Staff).where(Staff.role == "doctor").order_by(Staff.username)))
        builders.make_basic_package(session, code="JC01")
        builders.make_team(session, name="罗家镇家庭医生团队", doctor=doctors[0], villages=villages, others=doctors[1:])


def _register_households(store: Store, count: int) -> None:
    from sqlalchemy import select

    from fdclient.models import Village

    with store.write() as session:
        villages = list(session.scalars(select(Village).order_by(Village.code)))
        for n in range(count):
            builders.make_household(session, villages[n % len(villages)], address=f"罗家村{n + 1}组")


def _admin_sql(admin_url: str, sql: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


def drop_template(template: Template) -> None:
    if template.postgres_admin:
        _admin_sql(template.postgres_admin, f'DROP DATABASE IF EXISTS "{template.server}" WITH (FORCE)')


@dataclass
class Machine:
    """One laptop of a cloned world."""

    name: str
    username: str
    folder: Path
    clock: Clock
    store: Store

    def close(self) -> None:
        self.store.close()


@dataclass
class ClonedWorld:
    root: Path
    engine: Engine
    server_url: str
    faults: FaultyTransport
    client: httpx.Client
    machines: list[Machine] = field(default_factory=list)
    _dropped: Callable[[], None] | None = None

    def transport(self) -> Transport:
        return Transport(IN_PROCESS_URL, client=self.client, sleep=no_sleep, retries=3)

    def close(self) -> None:
        for m in self.machines:
            m.close()
        self.client.close()
        self.faults.close()
        self.engine.dispose()
        if self._dropped is not None:
            self._dropped()


def open_laptop(folder: Path, username: str, clock: Clock) -> Store:
    key = sign_in(folder, username, PASSWORD, clock=clock)
    return open_store(folder, key, clock=clock, daily_backup=False)


@contextlib.contextmanager
def clone_world(template: Template, dest: Path, clocks: list[Clock]) -> Iterator[ClonedWorld]:
    """A copy of the template with ``len(clocks)`` laptops (each on its clock)."""
    dest.mkdir(parents=True, exist_ok=True)
    dropped = None
    if template.postgres_admin:
        name = f"fdtest_{uuid.uuid4().hex[:10]}"
        _admin_sql(template.postgres_admin, f'CREATE DATABASE "{name}" TEMPLATE "{template.server}"')
        url = make_url(template.postgres_admin).set(database=name).render_as_string(hide_password=False)

        def dropped() -> None:
            _admin_sql(template.postgres_admin or "", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            if Path(template.server + suffix).exists():
                shutil.copy2(template.server + suffix, dest / f"fdserver.db{suffix}")
        url = f"sqlite:///{dest / 'fdserver.db'}"
    engine = make_engine(url)
    faults = FaultyTransport(engine)
    client = httpx.Client(transport=faults, base_url=IN_PROCESS_URL)
    world = ClonedWorld(dest, engine, engine_url(engine), faults, client, _dropped=dropped)
    try:
        for (folder_name, username), clock in zip(template.laptops, clocks, strict=False):
            folder = dest / folder_name
            shutil.copytree(template.root / folder_name, folder)
            world.machines.append(Machine(folder_name, username, folder, clock, open_laptop(folder, username, clock)))
        yield world
    finally:
        world.close()


__all__ = [
    "DOCTORS",
    "ClientCrash",
    "ClonedWorld",
    "FaultyTransport",
    "Machine",
    "SkewedClock",
    "SyncWorld",
    "Template",
    "build_template",
    "clone_world",
    "drop_template",
    "open_laptop",
]


# --- what must hold once every laptop synced until quiet ---------------------------------


def _plain(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def laptop_rows(store: Store) -> dict[tuple[str, str], dict[str, Any]]:
    """Every synced row of a laptop as storage values, bookkeeping columns left out."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with store.read() as session:
        conn = session.connection()
        for name in tables.synced_table_names():
            result = conn.exec_driver_sql(f"SELECT * FROM {name}")
            columns = list(result.keys())
            for row in result:
                values = {c: _plain(v) for c, v in zip(columns, row, strict=True) if c not in tables.BOOKKEEPING}
                out[(name, values["id"])] = values
    return out


def server_rows(engine: Engine, township_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The server's records of the township, as the laptops should hold them."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with engine.connect() as conn:
        result = conn.execute(
            text("SELECT table_name, row_id, data FROM records WHERE township_id = :t"), {"t": township_id}
        )
        for table_name, row_id, data in result:
            body = json.loads(data) if isinstance(data, str) else dict(data)
            out[(table_name, row_id)] = {k: _plain(v) for k, v in body.items() if k not in tables.BOOKKEEPING}
    return out


def _device_of(store: Store) -> str:
    with store.read() as session:
        enrolment = state.enrolment(session)
    assert enrolment is not None
    return uuid.UUID(enrolment.device_id).hex


def _diff(mine: dict[tuple[str, str], dict[str, Any]], theirs: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
    problems = [f"only on the laptop: {k}" for k in sorted(mine.keys() - theirs.keys())]
    problems += [f"only on the server: {k}" for k in sorted(theirs.keys() - mine.keys())]
    for key in sorted(mine.keys() & theirs.keys()):
        a, b = mine[key], theirs[key]
        for column in sorted(a.keys() | b.keys()):
            if a.get(column, "<missing>") != b.get(column, "<missing>"):
                problems.append(
                    f"{key} {column}: laptop {a.get(column, '<missing>')!r} server {b.get(column, '<missing>')!r}"
                )
    return problems


def _conflict_values(body: dict[str, Any]) -> list[Any]:
    """Both sides of a conflict (an edit of a voided record keeps the edit as a dict)."""
    out: list[Any] = []
    for side in (body.get("server_value"), body.get("incoming_value")):
        out.extend(side.values() if isinstance(side, dict) else [side])
    return out


def check_converged(
    world: ClonedWorld,
    edits: list[tuple[str, str, str, str, Any, Any]],
    voided: set[str],
    made: set[tuple[str, str]],
) -> dict[str, int]:
    """The invariants of docs/sync.md after every laptop synced until quiet; returns what
    the server holds (conflicts, merges, rejected mutations) for the test's statistics."""
    township = world.machines[0].store.info.township_id.hex
    server = server_rows(world.engine, township)
    with world.engine.connect() as conn:
        ledger = {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute(
                text("SELECT id, device_id, status, result FROM mutations WHERE township_id = :t"), {"t": township}
            )
        }
        conflicts = [
            (r[0], r[1], r[2], json.loads(r[3]) if isinstance(r[3], str) else dict(r[3]))
            for r in conn.execute(
                text("SELECT table_name, row_id, field, body FROM conflicts WHERE township_id = :t"), {"t": township}
            )
        ]
        open_merges = [
            (r[0], r[1])
            for r in conn.execute(
                text("SELECT survivor_id, other_id FROM merges WHERE township_id = :t AND status = 'open'"),
                {"t": township},
            )
        ]
    answered: dict[str, str] = {}
    for m in world.machines:
        # Every laptop holds exactly the server's records of the township.
        problems = _diff(laptop_rows(m.store), server)
        assert not problems, f"{m.name} differs from the server:\n" + "\n".join(problems[:30])
        with m.store.read() as session:
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == [], f"{m.name}: orphaned references"
            entries = conn.exec_driver_sql("SELECT mutation_id, status, reason, message FROM sync_outbox").all()
        device = _device_of(m.store)
        for mutation_id, status, reason, message in entries:
            key = uuid.UUID(mutation_id).hex
            # Applied exactly once, or visibly rejected: the ledger holds the same answer.
            assert status != "pending", f"{m.name}: {key} still pending after a quiet sync"
            assert key in ledger, f"{m.name}: {key} answered but not in the server's ledger"
            assert ledger[key][0] == device and ledger[key][1] == status, (m.name, key, ledger[key][:2], status)
            if status == "rejected":
                assert reason and message, f"{m.name}: {key} rejected without a reason shown"
            answered[key] = status
    devices = {_device_of(m.store) for m in world.machines}
    extra = [k for k, (device, *_) in ledger.items() if device in devices and k not in answered]
    assert not extra, f"the ledger holds mutations no laptop sent: {extra[:5]}"
    residents = {rid: data for (table, rid), data in server.items() if table == "residents"}
    # One active resident per ID number, or an open merge task naming them.
    by_number: dict[str, list[str]] = {}
    for rid, data in residents.items():
        if data.get("id_number") and data.get("voided_at") is None and data.get("merged_into_id") is None:
            by_number.setdefault(str(data["id_number"]), []).append(rid)
    tasked = {rid for pair in open_merges for rid in pair}
    for ids in by_number.values():
        assert len(ids) == 1 or set(ids) <= tasked, f"{len(ids)} active residents share an ID number and no merge task"
    # No voided record came back.
    for rid in voided:
        assert residents[rid].get("voided_at") is not None, f"voided resident {rid} is active again"
    # Nothing any laptop made is missing.
    missing = [key for key in made if key not in server]
    assert not missing, f"rows made on laptops never reached the server: {missing}"
    # Numbers are unique.
    record_numbers = [
        d["health_record_no"] for d in residents.values() if d.get("health_record_no") and d.get("voided_at") is None
    ]
    assert len(record_numbers) == len(set(record_numbers)), "a health record number is used twice"
    contract_numbers = [
        d["contract_no"]
        for (t, _), d in server.items()
        if t == "contracts" and d.get("contract_no") and d.get("voided_at") is None
    ]
    assert len(contract_numbers) == len(set(contract_numbers)), "a contract number is used twice"
    # Every overwritten value was seen by whoever overwrote it, or is kept in a conflict.
    seen = {old for (*_, old, _new) in edits}
    for name, table, rid, column, _old, new in edits:
        row = server.get((table, rid), {})
        survivor = row.get("merged_into_id")
        finals = {row.get(column)} | ({server.get((table, survivor), {}).get(column)} if survivor else set())
        if new in finals or new in seen:
            continue
        kept = [c for c in conflicts if c[1] in (rid, survivor) and new in _conflict_values(c[3])]
        assert kept, f"{name}'s {column} = {new!r} of {table} {rid} was overwritten without a conflict"
    merged = sum(1 for d in residents.values() if d.get("merged_into_id"))
    rejected = sum(1 for status in answered.values() if status == "rejected")
    return {"conflicts": len(conflicts), "merged": merged, "merge tasks": len(open_merges), "rejected": rejected}
