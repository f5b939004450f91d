"""The child process of the durability test: writes households through the services, one
unit of work each, and reports every commit the store acknowledged. It is killed with
SIGKILL at a random moment (it imports everything before the fork, from the fork server)."""

from __future__ import annotations

import os
import random
import uuid
from datetime import date
from pathlib import Path

from fdclient.domain.identity import make_id_number
from fdclient.services.registry.households import register_household
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.store import StoreKey, open_store


def id_number(seed: int, n: int) -> str:
    """A valid ID number unique for (seed, n): seed and n go into the sequence and date."""
    born = date(1940 + seed % 50, 1 + n % 12, 1 + (n // 12) % 28)
    return make_id_number(f"{360100 + seed % 90:06d}", born, 1 + 2 * (n // 336 % 400))


def write_until_killed(folder: str, key_hex: str, village: str, report: str, ready: str, seed: int) -> None:
    rng = random.Random(seed)
    store = open_store(Path(folder), StoreKey("doctor", bytes.fromhex(key_hex)), daily_backup=False)
    out = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    Path(ready).touch()  # the parent starts its random countdown now
    n = 0
    while True:
        number = id_number(seed, n)
        with store.write() as session:
            register_household(
                session,
                village_id=uuid.UUID(village),
                address=f"第{seed}组{n}号",
                head=ResidentInput(
                    village_id=uuid.UUID(village), name="张" + "一二三四五六七八九十"[n % 10] + "明", id_number=number
                ),
            )
        os.write(out, f"{number}\n".encode())  # acknowledged: the commit returned
        n += 1
        if rng.random() < 0.05:
            store.checkpoint()
