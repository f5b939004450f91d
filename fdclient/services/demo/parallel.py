"""Where a demo's villages are built: in this process, or also in a second one while this
one writes (a laptop has at least two cores; SQLite writes on one).

A builder process gets the plan (by ``fork``, or pickled where processes are spawned),
takes villages from the front of the list and sends each part through a pipe as soon as
it is built, ``marshal``-ed (rows are tuples of str, int, float and None: marshal reads
them back faster than pickle). It never touches the store. The writer, here, inserts the
parts in village order as they arrive; whenever the next one is not there yet, it builds
a village itself, from the back of the list, instead of waiting (the two take villages
under one lock, so each village is built once). Contract numbers are given as the parts
are handed to the writer, in village order. The parts are the same rows wherever they
were built (builder.py: each village has its own random stream), so the demo does not
depend on where, or by how many processes, it was built.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.sharedctypes import SynchronizedArray
from typing import Any

from fdclient.services.demo.builder import DemoPlan, build_village, collector_paused, plan_demo
from fdclient.services.demo.common import DemoData, DemoPart, DemoTownship, TableRows
from fdclient.services.demo.contracts import ContractNumbers

#: From this many households on, ``parallel=None`` builds in a second process too (below
#: it starting one costs more than it saves).
PARALLEL_FROM_HOUSEHOLDS = 2000


def use_parallel(households: int, parallel: bool | None) -> bool:
    """Whether to build in a second process too: as asked, or by size when ``parallel`` is None."""
    if parallel is not None:
        return parallel
    return households >= PARALLEL_FROM_HOUSEHOLDS and (os.cpu_count() or 1) > 1


class PartSource:
    """The villages' parts in village order, their contracts numbered. Once they are all
    taken, ``build_seconds`` says how long building them took in all (sending them not
    included) and ``built_here_seconds`` how much of it was in this process."""

    def __init__(self, plan: DemoPlan) -> None:
        self.plan = plan
        self.build_seconds = 0.0
        self.built_here_seconds = 0.0
        self._numbers = ContractNumbers(plan.township.code)

    def __iter__(self) -> Iterator[DemoPart]:
        for index in range(len(self.plan.households)):
            part = self._part(index)
            self._numbers.number(part)
            yield part

    def _part(self, index: int) -> DemoPart:
        return self._build(index)

    def _build(self, index: int) -> DemoPart:
        started = time.perf_counter()
        part = build_village(self.plan, index)
        spent = time.perf_counter() - started
        self.build_seconds += spent
        self.built_here_seconds += spent
        return part

    def close(self) -> None:
        """Give back what building needed (the builder process)."""


class _Claims:
    """Villages not taken yet: the builder process takes them from the front, the writer
    from the back."""

    def __init__(self, bounds: SynchronizedArray[int]) -> None:
        #: The first and the last village not taken yet.
        self._bounds = bounds

    def front(self) -> int | None:
        with self._bounds.get_lock():
            first, last = self._bounds[0], self._bounds[1]
            if first > last:
                return None
            self._bounds[0] = first + 1
            return first

    def back(self) -> int | None:
        with self._bounds.get_lock():
            first, last = self._bounds[0], self._bounds[1]
            if first > last:
                return None
            self._bounds[1] = last - 1
            return last


class _WithBuilder(PartSource):
    def __init__(self, plan: DemoPlan) -> None:
        super().__init__(plan)
        context: ForkContext | SpawnContext
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
        else:  # Windows: a fresh interpreter gets the plan pickled
            context = multiprocessing.get_context("spawn")
        bounds = context.Array("i", [0, len(plan.households) - 1])
        self._claims = _Claims(bounds)
        #: Parts this process built, until their turn to be written.
        self._own: dict[int, DemoPart] = {}
        self._receiver, sender = context.Pipe(duplex=False)
        # A forked child flushes the streams it inherited when it ends: nothing may be
        # left in them to print twice.
        sys.stdout.flush()
        sys.stderr.flush()
        self._process = context.Process(
            target=build_in_child, args=(plan, bounds, sender), name="fdclient-demo", daemon=True
        )
        self._process.start()
        sender.close()

    def __iter__(self) -> Iterator[DemoPart]:
        yield from super().__iter__()
        tag, *payload = self._message()
        if tag != "done":
            raise RuntimeError(f"the demo builder process sent {tag!r} after the last village")
        self.build_seconds += payload[0]

    def _part(self, index: int) -> DemoPart:
        """Village ``index``: built here already, or next from the builder process; while
        that is not there, build the last village nobody has taken."""
        while True:
            part = self._own.pop(index, None)
            if part is not None:
                return part
            if not self._receiver.poll():
                taken = self._claims.back()
                if taken is not None:
                    self._own[taken] = self._build(taken)
                    continue
            tag, *payload = self._message()
            if tag != "part" or payload[0] != index:
                raise RuntimeError(f"the demo builder process sent {tag!r} where village {index} was due")
            return decode(payload[1])

    def _message(self) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = marshal.loads(self._receiver.recv_bytes())
        except EOFError:
            raise RuntimeError(
                f"the demo builder process ended without finishing (exit code {self._process.exitcode})"
            ) from None
        if message[0] == "error":
            raise RuntimeError(f"the demo builder process failed:\n{message[1]}")
        return message

    def close(self) -> None:
        self._receiver.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


@contextmanager
def village_source(plan: DemoPlan, *, parallel: bool) -> Iterator[PartSource]:
    """The villages' parts, built here or (``parallel``) also in a builder process that is
    stopped when the block ends, however it ends."""
    source = _WithBuilder(plan) if parallel else PartSource(plan)
    try:
        yield source
    finally:
        source.close()


def build_demo(
    township: DemoTownship, *, villages: int, households: int, seed: int, as_of: date, parallel: bool = False
) -> DemoData:
    """All rows of a demo township in memory, parts in write order (built in this process,
    or also in a builder process with ``parallel``: the same rows)."""
    plan = plan_demo(township, villages=villages, households=households, seed=seed, as_of=as_of)
    with collector_paused(), village_source(plan, parallel=parallel) as source:
        return plan.data([plan.head, *source])


def build_in_child(plan: DemoPlan, bounds: SynchronizedArray[int], sender: Connection) -> None:
    """The builder process: the villages it takes, each through ``sender`` as soon as it is
    built, then the time building took (or what went wrong)."""
    gc.disable()  # nothing built here is garbage before the process ends
    claims = _Claims(bounds)
    try:
        built = 0.0
        while (index := claims.front()) is not None:
            started = time.perf_counter()
            part = build_village(plan, index)
            built += time.perf_counter() - started
            sender.send_bytes(marshal.dumps(("part", index, encode(part))))
        sender.send_bytes(marshal.dumps(("done", built)))
    except BaseException:
        sender.send_bytes(marshal.dumps(("error", traceback.format_exc())))
    finally:
        sender.close()


def encode(part: DemoPart) -> tuple[Any, ...]:
    """A part as plain tuples and lists (what marshal writes)."""
    return tuple((t.name, t.columns, t.rows) for t in part.tables), part.household_heads


def decode(payload: tuple[Any, ...]) -> DemoPart:
    tables, heads = payload
    return DemoPart(tuple(TableRows(name, tuple(columns), rows) for name, columns, rows in tables), heads)
