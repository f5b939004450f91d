"""One sync run: hello, push, then snapshot (first sync) or pull (docs/sync.md).

``SyncEngine(store, transport).run(progress, cancel)``:

1. **hello**: the server's time (the clock offset from the request's midpoint, stored; a
   warning past five minutes), its epoch and latest version, number blocks topped up;
2. a new epoch, or a cursor beyond the server's latest version, means the server was
   restored: a **replacement sync** keeps the outbox, queues again every row the server
   no longer has, and downloads the township again;
3. **push** the pending outbox in sequence order, 500 at a time, with the audit entries
   not yet sent; each answer is stored on its entry;
4. **snapshot** (first sync) page by page, then **pull** until the server has no more.

Each page is applied with its cursor in one transaction; ``cancel`` is asked between
pages. A run is recorded in ``sync_runs``. Failures leave as :class:`SyncError` with a
plain message and nothing lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from fdclient import __version__
from fdclient.models import SyncRun
from fdclient.services.numbering import wanted_blocks
from fdclient.store import Store
from fdclient.sync import hlc, protocol, state
from fdclient.sync.apply import apply_pull, apply_snapshot
from fdclient.sync.clockcheck import clock_warning
from fdclient.sync.pushing import push_pending, requeue_unknown_rows
from fdclient.sync.transport import DeviceRevoked, SyncError, Transport
from fdclient.text import msg


@dataclass(frozen=True)
class SyncProgress:
    #: "hello" | "push" | "snapshot" | "pull" | "replace"
    phase: str
    done: int = 0
    total: int = 0


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    conflicts: int
    rejected: int
    cursor: int
    clock_warning: str | None = None
    cancelled: bool = False
    replaced: bool = False
    snapshot_rows: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    #: Seconds spent applying pulled and snapshot pages to the store (the rest is the
    #: network and the server).
    apply_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "cursor": self.cursor,
            "clock_warning": self.clock_warning,
            "cancelled": self.cancelled,
            "replaced": self.replaced,
            "snapshot_rows": self.snapshot_rows,
        }


class NotEnrolled(SyncError):
    exit_code = 2
    code = "not_enrolled"


def not_enrolled() -> NotEnrolled:
    return NotEnrolled(
        msg(
            "这台电脑还没有注册到县级服务器：请先运行 fdclient enroll --server 地址 --code 注册码。",
            "This laptop is not enrolled with a county server: run fdclient enroll --server URL --code CODE first.",
        )
    )


def _raw_now(store: Store) -> datetime:
    """The laptop's own clock (the base the stored offset corrects)."""
    base = getattr(store.clock, "base", store.clock)
    moment: datetime = base.now()
    return moment


class SyncEngine:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        push_batch: int = protocol.MAX_PUSH_BATCH,
        pull_limit: int = protocol.DEFAULT_PULL_PAGE,
        snapshot_limit: int = protocol.DEFAULT_SNAPSHOT_PAGE,
    ) -> None:
        self.store = store
        self.transport = transport
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        self.snapshot_limit = snapshot_limit

    def run(
        self,
        progress: Callable[[SyncProgress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> SyncReport:
        tell = progress or (lambda _p: None)
        stop = cancel or (lambda: False)
        with self.store.read() as session:
            current = state.load(session)
            token = state.token(session)
        if current.enrolment is None or not token:
            raise not_enrolled()
        self.transport.with_token(token)
        run_id = self._start_run()
        counts = _Counts()
        try:
            report = self._run(current, counts, tell, stop)
        except SyncError as error:
            self._finish_run(run_id, counts, "failed", error=error.message, revoked=isinstance(error, DeviceRevoked))
            raise
        except BaseException:
            self._finish_run(run_id, counts, "failed", error=str(msg("同步中断。", "Sync interrupted.")))
            raise
        self._finish_run(run_id, counts, "cancelled" if report.cancelled else "ok", cursor=report.cursor)
        return report

    # --- the steps -----------------------------------------------------------------------

    def _run(
        self,
        current: state.SyncState,
        counts: _Counts,
        tell: Callable[[SyncProgress], None],
        stop: Callable[[], bool],
    ) -> SyncReport:
        tell(SyncProgress("hello"))
        hello, warning = self._hello(current)
        epoch = current.epoch
        replaced = False
        if (epoch is not None and epoch != hello.epoch) or current.cursor > hello.latest_version:
            tell(SyncProgress("replace"))
            self._replace(hello)
            replaced = True
        elif epoch is None:
            with self.store.write(capture=False) as session:
                state.put(session, state.EPOCH, hello.epoch)
        epoch = hello.epoch
        pushed = push_pending(self.store, self.transport, counts, tell, stop, batch=self.push_batch)
        cancelled = pushed is None
        snapshot_rows = 0
        if not cancelled:
            with self.store.read() as session:
                done = state.snapshot_done(session)
            if not done:
                got = self._snapshot(epoch, counts, tell, stop)
                cancelled = got is None
                snapshot_rows = got or 0
            if not cancelled:
                cancelled = not self._pull(epoch, counts, tell, stop)
            if not cancelled and snapshot_rows:
                # The first download brought the villages: reserve their numbers now.
                with self.store.read() as session:
                    current = state.load(session)
                if _wanted_blocks_of(self.store):
                    self._hello(current)
        with self.store.read() as session:
            cursor = state.cursor(session)
        return SyncReport(
            pushed=counts.pushed,
            pulled=counts.pulled,
            conflicts=counts.conflicts,
            rejected=counts.rejected,
            cursor=cursor,
            clock_warning=warning,
            cancelled=cancelled,
            replaced=replaced,
            snapshot_rows=snapshot_rows,
            bytes_sent=self.transport.bytes_sent,
            bytes_received=self.transport.bytes_received,
            apply_seconds=round(counts.apply_seconds, 3),
        )

    def _hello(self, current: state.SyncState) -> tuple[protocol.HelloResponse, str | None]:
        with self.store.read() as session:
            wanted = _wanted_blocks(session)
        before = _raw_now(self.store)
        response = self.transport.hello(
            protocol.HelloRequest(
                client_time=self.store.clock.now(),
                app_version=__version__,
                cursor=current.cursor,
                epoch=current.epoch,
                blocks=[protocol.NumberBlockRequest(series=s, count=n) for s, n in wanted][:200],
            )
        )
        after = _raw_now(self.store)
        midpoint = before + (after - before) / 2
        server_time = response.server_time if response.server_time.tzinfo else response.server_time.replace(tzinfo=UTC)
        offset_ms = int((server_time - midpoint) / timedelta(milliseconds=1))
        warning = clock_warning(offset_ms)
        with self.store.write(capture=False) as session:
            state.put(session, state.CLOCK_OFFSET_MS, offset_ms)
            state.put(session, state.CLOCK_WARNING, str(warning) if warning else None)
            state.put(session, state.REVOKED, None)
            hlc.observe(session, int(server_time.timestamp() * 1000))
            if response.blocks:
                from fdclient.services.numbering import add_block

                for block in response.blocks:
                    add_block(session, block.series, block.first, block.last)
        _correct_clock(self.store, offset_ms)
        return response, (str(warning) if warning else None)

    def _replace(self, hello: protocol.HelloResponse) -> None:
        """The server was restored: keep the outbox, queue again what it lost, start over."""
        with self.store.write() as session:
            requeue_unknown_rows(session, hello.latest_version)
            state.put(session, state.EPOCH, hello.epoch)
            state.put(session, state.CURSOR, 0)
            state.put(session, state.SNAPSHOT_DONE, None)
            state.set_snapshot_progress(session, None)

    def _snapshot(
        self, epoch: str, counts: _Counts, tell: Callable[[SyncProgress], None], stop: Callable[[], bool]
    ) -> int | None:
        """Download the township page by page from where it stopped; None when cancelled.

        The next page is downloaded while the current one is applied (one page ahead, on a
        helper thread), so the server's work and the laptop's overlap. Each page is applied
        with its position in one transaction: a cut connection costs the page in flight."""
        with self.store.read() as session:
            position = state.snapshot_progress(session)
        rows = total = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fdclient-snapshot") as ahead:
            coming = ahead.submit(self._snapshot_page, position, epoch)
            while True:
                if stop():
                    return None
                page = coming.result()
                if page.after_table is not None:
                    position = state.SnapshotProgress(page.as_of, page.after_table, page.after_id)
                    coming = ahead.submit(self._snapshot_page, position, epoch)
                started = time.perf_counter()
                with self.store.apply(bulk=True) as conn:
                    applied = apply_snapshot(conn, page)
                counts.apply_seconds += time.perf_counter() - started
                rows += applied.rows
                counts.pulled += applied.rows
                total = page.total_rows or total  # counted on the first page only
                tell(SyncProgress("snapshot", rows, total))
                if page.after_table is None:
                    return rows

    def _snapshot_page(self, position: state.SnapshotProgress | None, epoch: str) -> protocol.SnapshotResponse:
        return self.transport.snapshot(
            position.as_of if position else None,
            position.after_table if position else None,
            position.after_id if position else None,
            self.snapshot_limit,
            epoch=epoch,
        )

    def _pull(
        self, epoch: str, counts: _Counts, tell: Callable[[SyncProgress], None], stop: Callable[[], bool]
    ) -> bool:
        """Pull until the server has no more; False when cancelled."""
        with self.store.read() as session:
            cursor = state.cursor(session)
        while True:
            if stop():
                return False
            page = self.transport.pull(cursor, self.pull_limit, epoch=epoch)
            started = time.perf_counter()
            with self.store.apply() as conn:
                applied = apply_pull(conn, page)
            counts.apply_seconds += time.perf_counter() - started
            counts.pulled += applied.rows
            cursor = page.next
            tell(SyncProgress("pull", cursor, page.latest_version))
            if not page.more:
                return True

    # --- the run's record ----------------------------------------------------------------

    def _start_run(self) -> int:
        with self.store.write(capture=False) as session:
            run = SyncRun(started_at=self.store.clock.now(), outcome="running")
            session.add(run)
            session.flush()
            return int(run.id)

    def _finish_run(
        self,
        run_id: int,
        counts: _Counts,
        outcome: str,
        *,
        error: str | None = None,
        cursor: int | None = None,
        revoked: bool = False,
    ) -> None:
        now = self.store.clock.now()
        with self.store.write(capture=False) as session:
            session.execute(
                update(SyncRun)
                .where(SyncRun.id == run_id)
                .values(
                    finished_at=now,
                    outcome=outcome,
                    pushed=counts.pushed,
                    pulled=counts.pulled,
                    conflicts=counts.conflicts,
                    rejected=counts.rejected,
                    cursor=cursor,
                    error=(error or "")[:400] or None,
                )
            )
            if outcome == "failed":
                state.put(session, state.LAST_ERROR, (error or "")[:400])
            else:
                state.put(session, state.LAST_ERROR, None)
                state.put(session, state.LAST_SYNC_AT, state.stamp(now))
            if revoked:
                state.put(session, state.REVOKED, True)


@dataclass
class _Counts:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    rejected: int = 0
    apply_seconds: float = 0.0


def _wanted_blocks(session: Any) -> list[tuple[str, int]]:
    return list(wanted_blocks(session))


def _wanted_blocks_of(store: Store) -> list[tuple[str, int]]:
    with store.read() as session:
        return _wanted_blocks(session)


def _correct_clock(store: Store, offset_ms: int) -> None:
    """From now on the open store's units of work run on the server's time."""
    from fdclient.domain.time import CorrectedClock

    base = getattr(store.clock, "base", store.clock)
    store.clock = CorrectedClock(base, timedelta(milliseconds=offset_ms)) if offset_ms else base


def last_run(store: Store) -> SyncRun | None:
    with store.read() as session:
        return session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(1)).first()


__all__ = ["NotEnrolled", "SyncEngine", "SyncProgress", "SyncReport", "last_run"]
