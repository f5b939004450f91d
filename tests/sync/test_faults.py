"""Faults at process level: real uvicorn server processes killed with SIGKILL, a real
``fdclient sync`` process killed while it applies a page, the same push sent three times at
once. On a SQLite file, and on PostgreSQL when ``FDSERVER_TEST_DATABASE_URL`` is set."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import builders
from helpers.server import PG_ENV, REPO, engine_url, free_port, postgres_database, running_server
from helpers.server_tools import clone_records, observed_server
from helpers.sync_faults import laptop_rows, open_laptop, server_rows
from helpers.sync_world import PASSWORD, Laptop, SyncWorld, no_sleep, sync_world
from sqlalchemy import Engine, select, text

from fdclient.domain.identity import make_id_number
from fdclient.domain.time import SystemClock
from fdclient.models import OutboxEntry, Village
from fdclient.sync import protocol, state
from fdclient.sync.engine import SyncEngine
from fdclient.sync.transport import ServerUnreachable, Transport

NAMES = ("张伟", "王芳", "李娜", "刘强", "陈静", "杨洋", "赵敏")
BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set")),
]


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None: a SQLite file in the test's folder; else a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    with postgres_database(os.environ[PG_ENV]) as url:
        yield url


def _register(laptop: Laptop, count: int) -> None:
    with laptop.store.write() as session:
        village = session.scalars(select(Village).order_by(Village.code)).first()
        assert village is not None
        for n in range(count):
            builders.make_resident(session, village, name=NAMES[n % len(NAMES)], birth_date=date(1950, 1, 1 + n % 28))


def _pending(laptop: Laptop) -> list[OutboxEntry]:
    with laptop.store.read() as session:
        rows = list(session.scalars(select(OutboxEntry).where(OutboxEntry.status == "pending")))
        session.expunge_all()
    return rows


def _ledger(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(text("SELECT id, result FROM mutations"))}


def _latest(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT max(version) FROM township_versions")).scalar() or 0)


def _as_dict(value: Any) -> dict[str, Any]:
    import json

    return json.loads(value) if isinstance(value, str) else dict(value)


def test_a_server_killed_between_commit_and_answer_returns_the_stored_results(
    tmp_path: Path, database: str | None
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with sync_world(tmp_path, 0, url=database, base_url=base) as world:
        url = engine_url(world.engine)
        with observed_server(url, tmp_path / "first", port=port):
            laptop = world.add_laptop()
        _register(laptop, 12)
        pending = _pending(laptop)
        assert len(pending) >= 12
        failures: list[BaseException] = []

        def sync_once() -> None:
            try:
                SyncEngine(laptop.store, Transport(base, retries=0)).run()
            except BaseException as error:  # noqa: BLE001 - handed to the test thread
                failures.append(error)

        with observed_server(url, tmp_path / "paused", pause="push", port=port) as server:
            worker = threading.Thread(target=sync_once)
            worker.start()
            server.wait_for("committed")
            # The push is committed on the server; the answer has not left it.
            assert {e.mutation_id.hex for e in pending} <= set(_ledger(world.engine))
            server.kill()
            worker.join(timeout=60)
        assert len(failures) == 1 and isinstance(failures[0], ServerUnreachable), failures
        assert len(_pending(laptop)) == len(pending)  # the laptop never heard: all still queued
        stored = _ledger(world.engine)
        latest = _latest(world.engine)
        with observed_server(url, tmp_path / "restarted", port=port):
            report = SyncEngine(laptop.store, Transport(base, sleep=no_sleep)).run()
        assert report.pushed == len(pending) and report.rejected == 0 and report.conflicts == 0
        # The retry got the stored answers: nothing applied twice, no version spent again.
        assert _ledger(world.engine) == stored
        assert _latest(world.engine) == latest
        with laptop.store.read() as session:
            answered = {e.mutation_id.hex: e for e in session.scalars(select(OutboxEntry))}
        for entry in pending:
            result = stored[entry.mutation_id.hex]
            result = _as_dict(result)
            assert answered[entry.mutation_id.hex].status == result["status"] == "applied"
            assert answered[entry.mutation_id.hex].version == result["version"]
        township = laptop.store.info.township_id.hex
        assert laptop_rows(laptop.store) == server_rows(world.engine, township)


def _fdclient(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "fdclient", "--data-dir", str(folder), "--user", "doctor9", *args]


def _client_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), FDCLIENT_PASSWORD=PASSWORD, QT_QPA_PLATFORM="offscreen")
    for name in ("FDCLIENT_DATA_DIR", "FDCLIENT_USER", "FDCLIENT_LANG"):
        env.pop(name, None)
    return env


def _fill(world: SyncWorld, laptop: Laptop, count: int) -> int:
    """``count`` residents of the township written straight into the server's records."""
    _register(laptop, 1)
    laptop.sync()
    with laptop.store.read() as session:
        [entry] = [e for e in session.scalars(select(OutboxEntry)) if e.table_name == "residents"]
        source = entry.row_id.hex

    def vary(n: int, data: dict[str, Any]) -> dict[str, Any]:
        number = make_id_number("360111", date(1940 + n % 60, 1 + n % 12, 1 + n % 28), 100 + n % 800)
        return data | {
            "id": uuid.uuid4().hex,
            "name": NAMES[n % len(NAMES)],
            "id_number": number,
            "health_record_no": f"9{n:016d}",
        }

    return clone_records(world.engine, "residents", source, count, vary)


def test_a_client_killed_while_applying_a_page_resumes_and_completes(tmp_path: Path, database: str | None) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with sync_world(tmp_path, 0, url=database, base_url=base) as world:
        url = engine_url(world.engine)
        with observed_server(url, tmp_path / "setup", port=port):
            writer = world.add_laptop()
            _fill(world, writer, 16_000)  # four snapshot pages
            folder = tmp_path / "new-laptop"
            code = world.code("doctor9", "doctor", "新医生")
            # Enrolled without its first download; the download is `fdclient sync`'s.
            from fdclient.sync.enrolment import enroll

            enroll(folder, base, code, PASSWORD, transport=world.transport(), first_sync=False).store.close()
        env = _client_env()
        with observed_server(url, tmp_path / "killed", port=port) as server:
            process = subprocess.Popen(
                _fdclient(folder, "sync"), cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            try:
                # The client downloads one page ahead: page 3 is asked for once page 1 is
                # applied (and page 2 is in), so the kill lands while pages are applied.
                server.wait_for("served-snapshot", 3)
                time.sleep(0.15)
            finally:
                process.kill()
                process.wait(timeout=30)
                assert process.stderr is not None
                process.stderr.close()
            assert process.returncode != 0  # killed, not finished
        with observed_server(url, tmp_path / "again", port=port) as server:
            done = subprocess.run(
                _fdclient(folder, "sync", "--json"), cwd=REPO, env=env, capture_output=True, timeout=300
            )
            assert done.returncode == 0, done.stderr.decode()
            resumed_pages = len(list(server.markers.glob("served-snapshot*")))
        assert resumed_pages <= 3  # it went on from its stored position, not from the start
        store = open_laptop(folder, "doctor9", SystemClock())
        try:
            with store.read() as session:
                conn = session.connection()
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert state.snapshot_done(session)
            township = store.info.township_id.hex
            assert laptop_rows(store) == server_rows(world.engine, township)
        finally:
            store.close()


def _push_body(laptop: Laptop) -> bytes:
    mutations = [
        protocol.Mutation(
            id=e.mutation_id.hex,
            seq=e.seq,
            op=protocol.Op(e.op),
            table=e.table_name,
            row_id=e.row_id.hex,
            data=e.data,
            base_version=e.base_version,
            hlc=e.hlc,
            actor_id=e.actor_id.hex if e.actor_id else None,
        )
        for e in _pending(laptop)
    ]
    return gzip.compress(protocol.PushRequest(mutations=mutations).model_dump_json().encode())


def test_the_same_push_sent_three_times_at_once_is_applied_once(tmp_path: Path, database: str | None) -> None:
    with sync_world(tmp_path, 0, url=database, base_url="http://127.0.0.1:1") as world:
        url = engine_url(world.engine)
        with running_server(url, workers=2) as base:
            world.base_url = base
            laptop = world.add_laptop()
            _register(laptop, 20)
            pending = _pending(laptop)
            with laptop.store.read() as session:
                token = state.token(session)
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Encoding": "gzip",
                "Content-Type": "application/json",
            }
            body = _push_body(laptop)
            latest = _latest(world.engine)
            barrier = threading.Barrier(3)
            answers: list[httpx.Response] = []

            def push() -> None:
                barrier.wait()
                answers.append(
                    httpx.post(f"{base}{protocol.API_PREFIX}/push", content=body, headers=headers, timeout=60)
                )

            threads = [threading.Thread(target=push) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert [a.status_code for a in answers] == [200, 200, 200], [a.text[:200] for a in answers]
            results = [protocol.PushResponse.model_validate(a.json()).results for a in answers]
            assert results[0] == results[1] == results[2]
            assert {r.status for r in results[0]} == {protocol.Status.APPLIED}
            # Applied once: one ledger row each, one version each.
            ledger = _ledger(world.engine)
            assert {e.mutation_id.hex for e in pending} <= set(ledger)
            assert _latest(world.engine) == latest + len({r.version for r in results[0]})
            # The laptop's own (fourth) push gets the same answers back.
            after = _latest(world.engine)
            report = laptop.sync()
            assert report.pushed == len(pending) and report.rejected == 0
            assert _latest(world.engine) == after
            assert laptop_rows(laptop.store) == server_rows(world.engine, laptop.store.info.township_id.hex)


def test_the_same_person_lookup_uses_its_index_on_sqlite(tmp_path: Path) -> None:
    """Every pushed resident looks for an active resident with its ID number
    (``fdserver.apply.records.by_identity``). On SQLite without statistics the planner takes
    ``ix_records_pull`` for the ``ORDER BY version`` and reads every record of the township
    (34 ms per pushed resident at 30k records, growing with the township) instead of
    ``ix_records_identity``. Fails until the server runs ANALYZE, or the index or the query
    changes."""
    from fdserver.apply import records
    from fdserver.db import make_engine
    from fdserver.meta import init_database

    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    init_database(engine)
    try:
        statement = records._BY_IDENTITY.compile(engine)
        params = {"b_township": "0" * 32, "b_table": "residents", "b_key": "360111195001010011"}
        with engine.connect() as conn:
            plan = conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", tuple(params[k] for k in statement.positiontup or ())
            ).all()
        details = " ".join(str(row[-1]) for row in plan)
        assert "ix_records_identity" in details, details
    finally:
        engine.dispose()
