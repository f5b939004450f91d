"""Server-side tools for the sync fault tests and the sync benchmark.

* :func:`observed_server` — a real uvicorn process serving the real app, plus marker files
  the test waits on (``served-<call>-<n>``) and an optional pause after a push commits
  (so a test can kill the server between commit and answer);
* :func:`clone_records` — many copies of one server record written straight into the
  server's database (a large township in seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from fdserver.app import create_app
from fdserver.db import make_engine
from helpers.server import REPO, free_port

# --- a real server process with test-only observation ------------------------------------


class ObservedApp:
    """The real app, plus marker files for the test: ``served-<call>-<n>`` after a response
    went out; with ``pause`` (a call name, e.g. ``push``) that call's response is held back
    after the handler returned (its transaction committed), ``committed-<n>`` is written and
    the process sleeps, so a test can kill it between commit and response."""

    def __init__(self, app: Any, markers: Path, pause: str | None, pause_seconds: float = 120.0) -> None:
        self.app = app
        self.markers = markers
        self.pause = pause
        self.pause_seconds = pause_seconds
        self.count = itertools.count(1)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        call = str(scope["path"]).rstrip("/").rsplit("/", 1)[-1]
        n = next(self.count)
        if call == self.pause:
            held: list[Any] = []

            async def hold(message: Any) -> None:
                held.append(message)

            await self.app(scope, receive, hold)
            (self.markers / f"committed-{n}").touch()
            await asyncio.sleep(self.pause_seconds)
            for message in held:
                await send(message)
            return
        await self.app(scope, receive, send)
        (self.markers / f"served-{call}-{n}").touch()


def serve_observed(url: str, port: int | str, markers: str, pause: str = "") -> None:
    """``python -m helpers.server_tools URL PORT MARKERS [PAUSE]`` (a test's server process)."""
    import uvicorn

    app = ObservedApp(create_app(make_engine(url)), Path(markers), pause or None)
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", access_log=False)


@contextlib.contextmanager
def observed_server(url: str, markers: Path, *, pause: str | None = None, port: int | None = None) -> Iterator[Server]:
    """A real uvicorn process serving the app on ``url`` (see :class:`ObservedApp`)."""
    markers.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join((str(REPO), str(REPO / "tests"))))
    command = [sys.executable, "-m", "helpers.server_tools", url, str(port), str(markers), pause or ""]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(process, f"http://127.0.0.1:{port}", port, markers)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode() if process.stderr else ''}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{server.base}/health", timeout=1.0).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health in time")
            time.sleep(0.05)
        yield server
    finally:
        server.kill()
        if process.stderr is not None:
            process.stderr.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    port: int
    markers: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, like a power cut of the server."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=15)

    def wait_for(self, prefix: str, count: int = 1, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while len(list(self.markers.glob(f"{prefix}*"))) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {prefix} marker after {timeout} s")
            time.sleep(0.01)


# --- a large township, written straight into the server's records ------------------------


def clone_records(
    engine: Engine, table: str, row_id: str, count: int, vary: Callable[[int, dict[str, Any]], dict[str, Any]]
) -> int:
    """``count`` copies of one server record (``vary(n, data)`` gives copy n its own id and
    fields), with new versions of the township; returns the township's latest version."""
    from sqlalchemy import insert, select

    from fdserver.apply import records as record_keys
    from fdserver.db import lock_township, transaction
    from fdserver.models import Record, TownshipVersion, table_of

    records = table_of(Record)
    counter = table_of(TownshipVersion)
    with transaction(engine) as conn:
        source = (
            conn.execute(select(records).where(records.c.table_name == table, records.c.row_id == row_id))
            .one()
            ._asdict()
        )
        latest = lock_township(conn, source["township_id"])
        rows = []
        for n in range(count):
            data = vary(n, dict(source["data"]))
            rows.append(
                source
                | {
                    "row_id": data["id"],
                    "version": latest + n + 1,
                    "data": data,
                    "identity_key": record_keys.identity_key(table, data),
                    "number_key": record_keys.number_key(table, data),
                }
            )
        for start in range(0, len(rows), 5000):
            conn.execute(insert(records), rows[start : start + 5000])
        conn.execute(
            counter.update().where(counter.c.township_id == source["township_id"]).values(version=latest + count)
        )
    return latest + count


if __name__ == "__main__":
    serve_observed(*sys.argv[1:4], *(sys.argv[4:5] or [""]))
