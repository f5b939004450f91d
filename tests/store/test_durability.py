"""Killing fdclient at any moment loses nothing acknowledged and never leaves a dead end.

A child process writes households through the services, one unit of work each, and
reports each commit after it returned; it is killed with SIGKILL at a random moment, 50
times. Afterwards the store passes SQLite's integrity check, opens, and holds every
household the child reported as committed.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path

from helpers import builders
from helpers.durability_worker import write_until_killed
from helpers.scene import Template
from sqlalchemy import select

from fdclient.models import Resident
from fdclient.store import open_store

KILLS = 50


def _acknowledged(report: Path) -> int:
    """How many households the children have reported committed so far."""
    return len(report.read_text().split()) if report.exists() else 0


def test_sigkill_at_random_moments_loses_no_acknowledged_write(scene_template: Template, tmp_path: Path) -> None:
    folder = scene_template.copy(tmp_path / "store")
    key = scene_template.keys["doctor"]
    with open_store(folder, key, daily_backup=False) as store, store.write() as session:
        village = str(builders.make_village(session).id)
    report = tmp_path / "acknowledged.txt"
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["helpers.durability_worker"])
    rng = random.Random(20261201)
    killed_with_commits = 0
    for round_no in range(KILLS):
        before = _acknowledged(report)
        ready = tmp_path / f"ready-{round_no}"
        child = context.Process(
            target=write_until_killed, args=(str(folder), key.key.hex(), village, str(report), str(ready), round_no)
        )
        child.start()
        if round_no % 10 != 9:  # most rounds die while writing; some while opening (recovery)
            deadline = time.monotonic() + 60
            while not ready.exists() and child.is_alive() and time.monotonic() < deadline:
                time.sleep(0.005)
            assert ready.exists(), "the child did not open the store"
        if round_no % 2 == 1 and round_no % 10 != 9:
            # Every other round dies only after its first commit, however slow the machine
            # is today: the kill then lands among commits, not before them.
            deadline = time.monotonic() + 60
            while _acknowledged(report) <= before and child.is_alive() and time.monotonic() < deadline:
                time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.5))
        child.kill()
        child.join()
        assert child.exitcode is not None and child.exitcode < 0, "the child must die by the signal"
        killed_with_commits += _acknowledged(report) > before

    acknowledged = set(report.read_text().split())
    # Some rounds die before their first commit (a new process compiles its first
    # statements), which is a crash point worth having too; most must die mid-writing.
    assert killed_with_commits >= KILLS // 3, "too few rounds committed anything before the kill"
    with open_store(folder, key, daily_backup=False) as store, store.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA cipher_integrity_check").all() == []
        stored = set(session.scalars(select(Resident.id_number)))
    missing = acknowledged - stored
    assert not missing, f"{len(missing)} acknowledged households lost"
    assert len(acknowledged) > KILLS
