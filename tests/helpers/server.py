"""Builders for tests of the county server (real databases, the real app, real uvicorn).

* :func:`make_server` — an initialised server database (a SQLite file in ``tmp_path`` or
  the URL given) and its engine;
* :func:`add_township` / :func:`enrolment_code` — the scene's township registered and a
  one-time code for one of its users;
* :func:`asgi_client` — an ``httpx.Client`` over the in-process ASGI app;
* :func:`enrol` — a device enrolled through the API: its id and bearer header;
* :func:`running_server` — a real ``fdserver serve`` process on a free loopback port,
  stopped when the block ends;
* :func:`postgres_database` — a fresh PostgreSQL database (``CREATE DATABASE fdtest_…``),
  dropped when the block ends.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from starlette.testclient import TestClient

from fdclient.sync.protocol import API_PREFIX, EnrollResponse, TownshipInfo
from fdserver.app import create_app
from fdserver.db import make_engine
from fdserver.enrolment import create_enrolment_code
from fdserver.meta import init_database
from fdserver.townships import VillageRow
from fdserver.townships import add_township as register_township

REPO = Path(__file__).resolve().parents[2]
TOWNSHIP_CODE = "360111101"
TOWNSHIP_NAME = "罗家镇"
VILLAGES = (
    VillageRow("360111101201", "罗家村"),
    VillageRow("360111101202", "石岗村"),
    VillageRow("360111101001", "新街社区"),
)
#: Where the server test database comes from (unset: PostgreSQL tests are skipped).
PG_ENV = "FDSERVER_TEST_DATABASE_URL"


def engine_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def make_server(tmp_path: Path, url: str | None = None) -> Engine:
    """An initialised server database (``tmp_path/fdserver.db`` unless ``url``)."""
    engine = make_engine(url or f"sqlite:///{tmp_path / 'fdserver.db'}")
    init_database(engine)
    return engine


def add_township(
    engine: Engine,
    code: str = TOWNSHIP_CODE,
    name: str = TOWNSHIP_NAME,
    villages: Sequence[VillageRow] = VILLAGES,
    *,
    township_id: str | None = None,
) -> TownshipInfo:
    return register_township(engine, code, name, villages, township_id=township_id).township


def enrolment_code(
    engine: Engine,
    township_code: str = TOWNSHIP_CODE,
    user: str = "doctor1",
    role: str = "doctor",
    *,
    name: str | None = None,
    expires_hours: float = 72,
) -> str:
    return create_enrolment_code(engine, township_code, user, role, name=name, expires_hours=expires_hours).code


def asgi_client(engine: Engine) -> TestClient:
    """An httpx client (Starlette's TestClient) over the app; server errors come back as
    responses instead of being raised, as a real client would see them."""
    return TestClient(create_app(engine), raise_server_exceptions=False)


@dataclass(frozen=True)
class Enrolled:
    response: EnrollResponse

    @property
    def device_id(self) -> str:
        return self.response.device_id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.response.token}"}


def enrol(client: httpx.Client, code: str, *, device_name: str = "测试电脑", device_id: str | None = None) -> Enrolled:
    body: dict[str, Any] = {"code": code, "device_name": device_name}
    if device_id is not None:
        body["device_id"] = device_id
    response = client.post(f"{API_PREFIX}/enroll", json=body)
    assert response.status_code == 200, response.text
    return Enrolled(EnrollResponse.model_validate(response.json()))


def gzip_json(data: Any) -> bytes:
    return gzip.compress(json.dumps(data).encode("utf-8"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fdserver_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "fdserver.cli", *args]


@contextlib.contextmanager
def running_server(url: str, *, workers: int = 1, start_timeout: float = 30.0) -> Iterator[str]:
    """``fdserver --db URL serve`` on a free loopback port; yields its base URL
    (``http://127.0.0.1:PORT``) once ``/health`` answers, stops it after the block."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("FDSERVER_DB", None)
    # The server's log goes to a file: a pipe nobody reads fills up under load and the
    # server's event loop then blocks writing a log line.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        fdserver_command("--db", url, "serve", "--port", str(port), "--workers", str(workers)),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"fdserver serve exited: {log.read().decode(errors='replace')}")
            try:
                if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("fdserver serve did not answer /health in time")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database next to ``admin_url``'s; yields its URL, drops it."""
    name = f"fdtest_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
