"""Fixtures of the server tests: a real database (a SQLite file, and PostgreSQL when
``FDSERVER_TEST_DATABASE_URL`` is set: a fresh database per test module), the township
registered, and an httpx client over the in-process app.

* ``server_url`` (module): the database URL, one per backend;
* ``server_engine``: a fresh, initialised database for the test (SQLite: a new file;
  PostgreSQL: the module's database emptied and initialised again);
* ``township``: the scene's township with three villages;
* ``client``: an httpx client over the app on ``server_engine``;
* ``device``: a doctor's laptop enrolled through the API (``device.headers``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers.server import (
    PG_ENV,
    Enrolled,
    add_township,
    asgi_client,
    enrol,
    enrolment_code,
    make_server,
    postgres_database,
)
from sqlalchemy import Engine, text

from fdclient.sync.protocol import TownshipInfo

BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set")),
]


@pytest.fixture(scope="module", params=BACKENDS)
def server_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield "sqlite"
        return
    with postgres_database(os.environ[PG_ENV]) as url:
        yield url


def _empty_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def server_engine(server_url: str, tmp_path: Path) -> Iterator[Engine]:
    if server_url == "sqlite":
        engine = make_server(tmp_path)
    else:
        from fdserver.db import make_engine

        cleaner = make_engine(server_url, pool_size=1)
        _empty_postgres(cleaner)
        cleaner.dispose()
        engine = make_server(tmp_path, server_url)
    yield engine
    engine.dispose()


@pytest.fixture
def township(server_engine: Engine) -> TownshipInfo:
    return add_township(server_engine)


@pytest.fixture
def client(server_engine: Engine) -> Iterator[httpx.Client]:
    with asgi_client(server_engine) as c:
        yield c


@pytest.fixture
def device(server_engine: Engine, township: TownshipInfo, client: httpx.Client) -> Enrolled:
    return enrol(client, enrolment_code(server_engine, township.code))
