"""A county server and N enrolled laptops, for sync tests and benchmarks.

* :func:`sync_world` — a server database (SQLite in ``tmp_path``, or the URL given: a
  PostgreSQL database of :func:`helpers.server.postgres_database`) with the scene's
  township, and laptops enrolled on empty data folders through the real enrolment
  (``fdclient.sync.enrolment.enroll``): each is a real encrypted store whose first sync
  downloaded the township;
* the server is the in-process ASGI app (Starlette's TestClient, an ``httpx.Client``) unless
  ``base_url`` names a running one (:func:`helpers.server.running_server`);
* :class:`Laptop` — its store, its transport and ``sync()``; :meth:`SyncWorld.add_laptop`
  enrols one more (``user``/``role`` of the enrolment code, its own clock).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from fdclient.domain.time import Clock, SystemClock
from fdclient.store import Store
from fdclient.sync.api import run_sync
from fdclient.sync.engine import SyncProgress, SyncReport
from fdclient.sync.enrolment import EnrolResult, enroll
from fdclient.sync.protocol import TownshipInfo
from fdclient.sync.transport import Transport
from helpers.server import add_township, asgi_client, enrolment_code, make_server

PASSWORD = "laptop-password-1"
IN_PROCESS_URL = "http://testserver"


def no_sleep(_seconds: float) -> None:
    """Backoff without waiting (tests)."""


@dataclass
class Laptop:
    name: str
    folder: Path
    store: Store
    transport: Transport
    enrolment: EnrolResult

    def sync(self, **kwargs: Any) -> SyncReport:
        return run_sync(self.store, transport=self.transport, **kwargs)

    def sync_until_quiet(self, rounds: int = 5) -> SyncReport:
        """Sync until a run pushes and pulls nothing (at most ``rounds`` runs)."""
        report = self.sync()
        for _ in range(rounds - 1):
            if not report.pushed and not report.pulled:
                break
            report = self.sync()
        return report

    def close(self) -> None:
        self.store.close()
        self.transport.close()


@dataclass
class SyncWorld:
    root: Path
    engine: Engine
    township: TownshipInfo
    client: httpx.Client | None
    base_url: str
    laptops: list[Laptop] = field(default_factory=list)
    _names: Iterator[int] = field(default_factory=itertools.count)

    def transport(self, **kwargs: Any) -> Transport:
        kwargs.setdefault("sleep", no_sleep)
        if self.client is not None:
            return Transport(self.base_url, client=self.client, **kwargs)
        return Transport(self.base_url, **kwargs)

    def code(self, user: str = "doctor1", role: str = "doctor", name: str | None = None) -> str:
        return enrolment_code(self.engine, self.township.code, user, role, name=name or user)

    def add_laptop(
        self,
        *,
        user: str | None = None,
        role: str = "doctor",
        staff_name: str | None = None,
        clock: Clock | None = None,
        first_sync: bool = True,
        progress: Any = None,
    ) -> Laptop:
        n = next(self._names)
        name = f"laptop{n}"
        user = user or f"doctor{n}"
        folder = self.root / name
        transport = self.transport()
        result = enroll(
            folder,
            self.base_url,
            self.code(user, role, staff_name or f"医生{n}"),
            PASSWORD,
            clock=clock or SystemClock(),
            transport=transport,
            first_sync=first_sync,
            progress=progress,
        )
        laptop = Laptop(name, folder, result.store, transport, result)
        self.laptops.append(laptop)
        return laptop

    def sync_all(self, rounds: int = 3) -> None:
        """Every laptop syncs, ``rounds`` times over (so what one pushed reaches all)."""
        for _ in range(rounds):
            for laptop in self.laptops:
                laptop.sync()

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.close()
        if self.client is not None:
            self.client.close()
        self.engine.dispose()


@contextlib.contextmanager
def sync_world(
    tmp_path: Path,
    laptops: int = 2,
    *,
    url: str | None = None,
    base_url: str | None = None,
    clock: Clock | None = None,
    township_id: str | None = None,
) -> Iterator[SyncWorld]:
    """A server with the scene's township and ``laptops`` laptops enrolled and synced."""
    engine = make_server(tmp_path, url)
    township = add_township(engine, township_id=township_id)
    client = None if base_url else asgi_client(engine)
    world = SyncWorld(tmp_path, engine, township, client, base_url or IN_PROCESS_URL)
    try:
        for _ in range(laptops):
            world.add_laptop(clock=clock)
        yield world
    finally:
        world.close()


__all__ = ["PASSWORD", "Laptop", "SyncProgress", "SyncWorld", "no_sleep", "sync_world"]
