"""The store's figures (issue #5), each beside a baseline measured in the same run:

* encryption overhead: the same 100k-resident demo rows written into an encrypted store
  and into a plain SQLite store, and search-as-you-type queries on both (target: at most
  25% slower encrypted);
* sign-in: argon2id (64 MiB) + the password check + unwrapping the key + opening the store
  (target: at most 0.5 s);
* a command's start-up on an encrypted store beyond the sign-in, against the same on a
  plain store (target: at most 0.1 s more): a fresh process that opens the store with the
  unwrapped key and reads one row.

    python bench/store_bench.py [--residents N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fdclient.domain.roles import Role
from fdclient.domain.time import FixedClock
from fdclient.models import Resident
from fdclient.paths import StorePaths
from fdclient.services.demo import build_demo, demo_township
from fdclient.services.demo.people import MEAN_HOUSEHOLD_SIZE
from fdclient.services.demo.writer import write_demo
from fdclient.services.registry.search import search_residents
from fdclient.store import Actor, Store, create_store, open_store, sign_in
from fdclient.store.engine import make_engine
from fdclient.store.keyring import CIPHER_SETTINGS
from fdclient.store.unit_of_work import StoreInfo

Row = tuple[str, object, str]
AS_OF = date(2026, 6, 1)
PASSWORD = "bench-password-1"
REPEAT = 15
#: Search queries take about a millisecond: more repeats for a steady median.
SEARCH_REPEAT = 21


def _median_ms(fn: Callable[[], Any], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


PAGE_SIZE = dict(CIPHER_SETTINGS).get("cipher_page_size", "4096")


def _interleaved_ms(first: Callable[[], Any], second: Callable[[], Any], blocks: int = 5) -> tuple[float, float]:
    """Medians of two sub-millisecond calls measured in alternating blocks (so a busy
    moment of the machine falls on both)."""
    a, b = [], []
    for _ in range(blocks):
        a.append(_median_ms(first, SEARCH_REPEAT))
        b.append(_median_ms(second, SEARCH_REPEAT))
    return statistics.median(a), statistics.median(b)


def _plain_copy(encrypted: Store, folder: Path) -> Store:
    """The same empty store as plain SQLite, opened as the same doctor (the baseline)."""
    folder.mkdir(parents=True)
    target = folder / "fdclient.db"
    from sqlcipher3 import dbapi2

    assert encrypted.key is not None
    con = dbapi2.connect(str(encrypted.path), isolation_level=None)
    for pragma in encrypted.key.pragmas():
        con.execute(pragma)
    con.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
    con.execute(f"PRAGMA plain.page_size = {PAGE_SIZE}")  # the same page size as the encrypted store
    con.execute("SELECT sqlcipher_export('plain')")
    con.execute("DETACH DATABASE plain")
    con.close()
    info = StoreInfo(
        target,
        encrypted.info.township_id,
        encrypted.info.township_code,
        encrypted.info.township_name,
        encrypted.info.device_id,
        encrypted.info.schema_revision,
        None,
    )
    return Store(make_engine(target, None), StorePaths(folder), info, encrypted.actor, encrypted.clock, None)


def _write(store: Store, data: Any) -> float:
    started = time.perf_counter()
    with store.write() as session:
        write_demo(session.connection(), data)
    return time.perf_counter() - started


def _queries(store: Store) -> list[tuple[str, str]]:
    with store.read() as session:
        person = session.execute(
            select(Resident.name, Resident.name_pinyin, Resident.id_number, Resident.phone)
            .where(Resident.phone.is_not(None), Resident.id_number.is_not(None))
            .limit(1)
        ).one()
    return [
        ("surname (1 character)", person.name[0]),
        ("full name", person.name),
        ("pinyin prefix", person.name_pinyin.replace(" ", "")[:4]),
        ("ID number fragment", person.id_number[-6:]),
        ("phone fragment", person.phone[-5:]),
    ]


def _open_probe(folder: Path, key_hex: str | None) -> float:
    code = (
        "import sys, time; t = time.perf_counter()\n"
        "from pathlib import Path\n"
        "from sqlalchemy import func, select\n"
        "from fdclient.models import Resident\n"
        "from fdclient.store.engine import make_engine\n"
        "from fdclient.store.keyring import StoreKey\n"
        "key = StoreKey('doctor', bytes.fromhex(sys.argv[2])) if sys.argv[2] != '-' else None\n"
        "engine = make_engine(Path(sys.argv[1]) / 'fdclient.db', key)\n"
        "with engine.connect() as c: c.execute(select(func.count()).select_from(Resident)).scalar()\n"
        "print(time.perf_counter() - t)\n"
    )
    times = []
    for _ in range(7):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(folder), key_hex or "-"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fresh_pair(root: Path, clock: FixedClock) -> tuple[Store, Store]:
    """A new empty encrypted store and its plain copy."""
    store = create_store(
        root / "encrypted", "360111101", "罗家镇", admin_username="admin", admin_password=PASSWORD, clock=clock
    )
    return store, _plain_copy(store, root / "plain")


def _timed_write(store: Store, data: Any) -> float:
    os.sync()  # the previous write's pages are on disk before the clock starts
    return _write(store, data)


def run(residents: int = 100_000, rounds: int = 2) -> list[Row]:
    rows: list[Row] = []
    clock = FixedClock.on(AS_OF)
    with tempfile.TemporaryDirectory() as tmp:
        # The same rows into an encrypted and a plain store, in alternating order, rounds
        # times (the second of two big writes in a row pays for the first's write-back).
        encrypted_times: list[float] = []
        plain_times: list[float] = []
        for round_no in range(rounds):
            store, plain = _fresh_pair(Path(tmp) / f"round-{round_no}", clock)
            with store.read() as session:
                township = demo_township(session.connection(), store.info.township_id)
            villages = max(2, min(100, round(residents / 3000)))
            data = build_demo(
                township, villages=villages, households=round(residents / MEAN_HOUSEHOLD_SIZE), seed=1, as_of=AS_OF
            )
            order = ((store, encrypted_times), (plain, plain_times))
            for target, times in order if round_no % 2 == 0 else reversed(order):
                times.append(_timed_write(target, data))
            if round_no < rounds - 1:
                store.close()
                plain.close()
        encrypted_s, plain_s = statistics.median(encrypted_times), statistics.median(plain_times)
        rows.append((f"demo write, {data.row_count:,} rows: encrypted, median of {rounds}", encrypted_s, "s"))
        rows.append(("  baseline: the same rows into a plain SQLite store", plain_s, "s"))
        rows.append(("  overhead (target <= 25%)", (encrypted_s / plain_s - 1) * 100, "%"))
        folder = store.paths.folder
        doctor = store.actor
        assert doctor is not None

        # Search as you type: the same queries, as a doctor would type them.
        for s in (store, plain):
            s.actor = Actor(doctor.staff_id, "doctor", "医生", Role.DOCTOR)  # admins may not search
        worst = 0.0
        for label, query in _queries(store):
            with store.read() as a, plain.read() as b:
                encrypted_ms, plain_ms = _interleaved_ms(
                    partial(search_residents, a, query, limit=50), partial(search_residents, b, query, limit=50)
                )
            worst = max(worst, encrypted_ms / plain_ms - 1)
            rows.append((f"search {label}: encrypted", encrypted_ms, "ms"))
            rows.append(("  baseline: plain store", plain_ms, "ms"))
        rows.append(("search: worst overhead (target <= 25%)", worst * 100, "%"))
        assert store.key is not None
        key_hex = store.key.key.hex()
        store.close()
        plain.close()

        # Sign-in: argon2id + unwrap (the password check) + opening the store.
        def sign_in_and_open() -> None:
            key = sign_in(folder, "admin", PASSWORD)
            open_store(folder, key, daily_backup=False).close()

        sign_in_ms = _median_ms(sign_in_and_open, 7)
        rows.append(("sign-in: argon2id 64 MiB + check + unlock + open (target <= 500)", sign_in_ms, "ms"))
        derive_ms = _median_ms(lambda: sign_in(folder, "admin", PASSWORD), 7)
        rows.append(("  of which the key derivation and unwrap", derive_ms, "ms"))

        encrypted_start = _open_probe(folder, key_hex)
        plain_start = _open_probe(plain.paths.folder, None)
        rows.append(("start-up: new process opens the encrypted store, reads a row", encrypted_start * 1000, "ms"))
        rows.append(("  baseline: the same on the plain store", plain_start * 1000, "ms"))
        rows.append(("  difference (target <= 100)", (encrypted_start - plain_start) * 1000, "ms"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--residents", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(f"{'figure':66s} {'value':>10}  unit")
    for figure, value, unit in run(args.residents):
        shown = f"{value:10.1f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"{figure:66s} {shown}  {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
