"""Exporting the signed-residents roster (签约居民花名册) to an Excel workbook.

``export_roster(store, "花名册.xlsx")`` writes one sheet per village (or, with
``one_sheet``, one for all; with a village code, that village only) holding the columns of
:mod:`fdclient.rosters.columns`, then a sheet of the indicators on the same day with their
formulas (:func:`fdclient.services.indicators.compute.compute_indicators`). With a
password the workbook is encrypted with standard Office encryption
(:mod:`fdclient.rosters.encryption`).

* **Streaming:** rows are read from the store in batches
  (:func:`fdclient.services.rosters.export.roster_batches`) and written by XlsxWriter in
  constant-memory mode, so a large township fits in a small memory.
* **Both cores:** writing the workbook takes most of the time, in this process; the rows
  are read by a forked child process (:mod:`fdclient.rosters.child_reader`) and, once the
  first rows are in, the indicators computed by another
  (:mod:`fdclient.services.indicators.forked`), at the same time. Where forking is not
  possible, all of it happens here, one after the other.
* **Never half a file:** the workbook is written under a partial name in the target's
  folder and renamed over the target only when complete and recorded in the audit trail;
  a failure, a full disk or a cancel (the *progress* callback raising, Ctrl-C) leaves the
  target as it was and removes the partial file. XlsxWriter's own temporary files go to a
  private folder removed at the end; with a password, the clear workbook stays in memory
  and only the encrypted one is written.
* **Audited:** every export is an ``export`` event with counts and options, never a name.
* Needs the ``EXPORT`` permission.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial as partial_function
from pathlib import Path
from typing import Any

from xlsxwriter.exceptions import FileCreateError

from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Permission
from fdclient.domain.time import CHINA_TIME
from fdclient.errors import DiskFullError, OperationFailed, ValidationError
from fdclient.rosters.child_reader import items_from_child, lower_priority
from fdclient.rosters.encryption import check_export_password, encrypt_workbook
from fdclient.rosters.workbook import IndicatorLine, IndicatorSection, RosterWorkbook, RowLayout
from fdclient.services.indicators.compute import AreaIndicators, compute_indicators, village_indicators
from fdclient.services.indicators.forked import start_in_child
from fdclient.services.rosters.export import ROW_KEYS, RosterSelection, RosterVillage, roster_batches, roster_villages
from fdclient.services.township import store_township
from fdclient.store import Store, files
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require, today
from fdclient.text import msg

__all__ = ["ExportOptions", "ExportSummary", "Progress", "export_roster"]

#: ``progress(rows_written, rows_in_all)``, called as the rows are written; raising from
#: it cancels the export (nothing is left behind).
Progress = Callable[[int, int], None]

SUFFIX = ".xlsx"
ONE_SHEET_NAME = "签约居民花名册"
INDICATOR_SHEET_NAME = "考核指标"


@dataclass(frozen=True)
class ExportOptions:
    #: Only this village (its 12-digit code).
    village_code: str | None = None
    #: Only residents covered by a signed contract in force on the day.
    signed_only: bool = False
    #: All villages on one sheet instead of a sheet per village.
    one_sheet: bool = False


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    as_of: date
    rows: int
    villages: int
    #: Roster sheets (the indicator sheet not counted).
    sheets: int
    encrypted: bool


def export_roster(
    store: Store,
    output: Path | str,
    options: ExportOptions | None = None,
    *,
    password: str | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the roster to *output* (an ``.xlsx`` path; replaced if it exists)."""
    options = options or ExportOptions()
    target = _check_target(Path(output).expanduser())
    if password is not None:
        check_export_password(password)
    selection = RosterSelection(options.village_code, options.signed_only)
    with store.read() as session:
        actor = require(session, Permission.EXPORT)
        on = today(session)
        villages = roster_villages(session, selection)
        township = store_township(session)
        township_label = f"{township.name}（{township.code}）"
        institution = township.institution_name or township.name
    total = sum(v.rows for v in villages)
    notes = [
        ("乡镇（街道）", township_label),
        ("统计日期", on.isoformat()),
        ("导出范围", _scope_text(options, villages)),
        ("导出对象", "仅已签约居民" if options.signed_only else "全部在册居民（含未签约）"),
        ("居民人数", str(total)),
        ("导出人", actor.name),
        ("导出时间", store.clock.now().astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")),
    ]
    title = f"{township.name}签约居民花名册（{on.isoformat()}）"

    partial = files.partial_path(target, "roster")
    tmpdir = Path(tempfile.mkdtemp(prefix="fdclient-roster-"))
    try:
        # The workbook is assembled in memory (its temporary sheets in the private folder)
        # and written out in one piece: a write error is then ours to report, and with a
        # password only the encrypted bytes reach the disk.
        workbook = io.BytesIO()
        with _output_errors(target):
            layout = RowLayout(ROW_KEYS)
            book = RosterWorkbook(
                workbook, tmpdir, layout=layout, created=store.clock.now(), title=title, company=institution
            )
            # The rows are read, and then the indicators computed, by other processes while
            # this one writes (the writing takes most of the time: see bench/roster_bench.py).
            # The indicators start once the first rows are in, so as not to slow them.
            read = partial_function(_read, store, layout, selection)
            indicators = partial_function(_indicator_sections, store, on, options, villages)
            with items_from_child(store.engine, read) as batches:
                first = list(itertools.islice(batches, 1))
                with _in_background(store, indicators) as sections_when_done:
                    rows, sheets = _write_roster(
                        book, layout, itertools.chain(first, batches), options, villages, total, progress
                    )
                    sections = sections_when_done()
            book.write_indicators(INDICATOR_SHEET_NAME, f"{title}·考核指标", notes, sections)
            book.close()
            with files.open_private(partial) as fh:
                if password is not None:
                    encrypt_workbook(workbook, password, fh)
                else:
                    fh.write(workbook.getbuffer())
                del workbook
                fh.flush()
                os.fsync(fh.fileno())
        details: dict[str, Any] = {
            "rows": rows,
            "villages": len(villages),
            "sheets": sheets,
            "village": options.village_code,
            "signed_only": options.signed_only,
            "one_sheet": options.one_sheet,
            "encrypted": password is not None,
            "as_of": on.isoformat(),
        }
        with store.write() as session:
            record_event(session, AuditAction.EXPORT, "roster", details)
            session.flush()
            with _output_errors(target):
                os.replace(partial, target)
                files.fsync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return ExportSummary(target.resolve(), on, rows, len(villages), sheets, password is not None)


def _check_target(target: Path) -> Path:
    if target.suffix.lower() != SUFFIX:
        raise ValidationError(
            msg(
                "花名册要保存为 .xlsx 文件：{path}",
                "The roster is saved as an .xlsx file: {path}",
                path=str(target),
            ),
            field="output",
        )
    if target.is_dir():
        raise ValidationError(
            msg("{path} 是一个文件夹，请给出文件名。", "{path} is a folder: give a file name.", path=str(target)),
            field="output",
        )
    if not target.parent.is_dir():
        raise ValidationError(
            msg(
                "文件夹 {folder} 不存在，请先建好或换一个位置。",
                "The folder {folder} does not exist: create it or choose another place.",
                folder=str(target.parent),
            ),
            field="output",
        )
    return target


@contextlib.contextmanager
def _output_errors(target: Path) -> Iterator[None]:
    """Failures writing the output as plain messages about the target (the partial file
    is removed by the caller)."""
    try:
        yield
    except FileCreateError as exc:  # XlsxWriter wraps the OSError of its final write
        original = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise _output_error(original, target) from None
    except OSError as exc:
        raise _output_error(exc, target) from None


def _output_error(exc: OSError, target: Path) -> Exception:
    typed = files.os_error(exc, target)
    if isinstance(typed, DiskFullError):
        return typed
    return OperationFailed(
        msg(
            "无法写入 {path}（{reason}）：花名册没有导出。请检查位置是否可写（U 盘是否写保护）后重试。",
            "Cannot write {path} ({reason}): the roster was not exported. Check that the place can be written "
            "(is the USB stick write-protected?) and try again.",
            path=str(target),
            reason=exc.strerror or type(exc).__name__,
        )
    )


def _scope_text(options: ExportOptions, villages: Sequence[RosterVillage]) -> str:
    if options.village_code is not None and villages:
        return f"{villages[0].name}（{villages[0].code}）"
    layout = "全部村（居）写在一张表" if options.one_sheet else "每个村（居）一张表"
    return f"全乡镇 {len(villages)} 个村（居），{layout}"


def _indicator_sections(
    store: Store, on: date, options: ExportOptions, villages: Sequence[RosterVillage]
) -> list[IndicatorSection]:
    """The indicators on the day: the village's alone, or the township's and each village's."""
    if options.village_code is not None:
        return [_section(village_indicators(store, villages[0].id, on))]
    report = compute_indicators(store, on)
    return [_section(report.township), *(_section(v) for v in report.villages)]


def _section(area: AreaIndicators) -> IndicatorSection:
    return IndicatorSection(
        area.name,
        tuple(IndicatorLine(i.name_zh, i.numerator, i.denominator, i.value, i.formula_zh) for i in area.indicators),
    )


@contextlib.contextmanager
def _in_background(
    store: Store, work: Callable[[], list[IndicatorSection]]
) -> Iterator[Callable[[], list[IndicatorSection]]]:
    """*work* started in a forked child process (:mod:`fdclient.services.indicators.forked`)
    at a lower priority where possible; the block gets the function that waits for its
    result (computing it here when there is no child). A block that fails stops the child."""
    parent = os.getpid()

    def in_child() -> list[IndicatorSection]:
        if os.getpid() != parent:
            lower_priority()
        return work()

    child = start_in_child(store.engine, in_child)
    if child is None:
        yield work
        return
    waited = False

    def result() -> list[IndicatorSection]:
        nonlocal waited
        waited = True
        return child.result()

    try:
        yield result
    finally:
        if not waited:
            child.abandon()


def _read(store: Store, layout: RowLayout, selection: RosterSelection) -> Iterator[list[list[Any]]]:
    """The roster's rows in batches, prepared for the sheet."""
    with store.read() as session:
        for batch in roster_batches(session, selection):
            yield layout.prepare(batch)


def _write_roster(
    book: RosterWorkbook,
    layout: RowLayout,
    batches: Iterator[list[list[Any]]],
    options: ExportOptions,
    villages: Sequence[RosterVillage],
    total: int,
    progress: Progress | None,
) -> tuple[int, int]:
    """The roster sheets; returns the rows and sheets written."""
    per_village = not options.one_sheet and options.village_code is None
    sheet_of: dict[str, RosterVillage] = {v.code: v for v in villages}
    pending = list(villages)  # villages whose sheet is still to begin, by code
    done = sheets = 0
    current: str | None = None
    if progress is not None:
        progress(0, total)
    if not per_village:
        book.begin_sheet(villages[0].name if options.village_code is not None and villages else ONE_SHEET_NAME)
        sheets = 1
    for batch in batches:
        if per_village:
            for code, run in _runs_by_village(batch, layout.position("village_code")):
                if code != current:
                    sheets += _begin_village(book, pending, sheet_of[code].id)
                    current = code
                book.write_rows(run)
        else:
            book.write_rows(batch)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    if per_village:
        sheets += _begin_village(book, pending, None)
    return done, sheets


def _begin_village(book: RosterWorkbook, pending: list[RosterVillage], village: uuid.UUID | None) -> int:
    """Begin the sheets of the villages in *pending* up to *village* (those before it have
    no rows: their sheets hold the header only); all of them when *village* is None.
    Returns the number of sheets begun."""
    begun = 0
    while pending:
        current = pending.pop(0)
        book.begin_sheet(current.name)
        begun += 1
        if current.id == village:
            break
    return begun


def _runs_by_village(batch: Sequence[Sequence[Any]], at: int) -> Iterator[tuple[str, Sequence[Sequence[Any]]]]:
    """The batch split into runs of consecutive rows of one village (its code at *at*)."""
    start = 0
    for i in range(1, len(batch) + 1):
        if i == len(batch) or batch[i][at] != batch[start][at]:
            yield batch[start][at], batch[start:i]
            start = i
