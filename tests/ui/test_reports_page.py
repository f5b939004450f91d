"""The reports page (报表导出) over a real encrypted store and real files: contract forms of a
village printed to a PDF read back with pdftotext, the preview with its pages, printing to a
PDF printer, a cancelled batch that leaves no file and no record, an encrypted roster export
opened with msoffcrypto, and a messy roster previewed (nothing written) then imported; the
roles that may not print, export or import see those parts disabled.

Only the file dialogs are replaced (the path is given as a user would type it); the work
runs inline (tests/ui: ``InlineRunner``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msoffcrypto
import openpyxl
import pytest
from helpers import messy_roster as mr
from helpers.print_world import PrintWorld, make_print_world, pdfinfo, pdftotext
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Role
from fdclient.models import AuditEntry, Resident
from fdclient.rosters.import_rows import Problem
from fdclient.rosters.importing import RowAction, RowOutcome
from fdclient.store import Store
from fdclient.text import plain
from fdclient.ui.dialogs.pdf_preview import PdfPreviewDialog
from fdclient.ui.operations.documents import DocumentKind
from fdclient.ui.pages.reports import ReportsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.rejected_rows import RejectedRowsModel
from fdclient.ui.tasks import InlineRunner, Progress, Runner, TaskHandle, TaskRunner
from fdclient.ui.widgets.task_strip import TaskStrip

PASSWORD = "roster-pass-2026"


class CancellingRunner(InlineRunner):
    """Runs inline, and the user presses 取消 once the batch has drawn its first item."""

    def long(  # type: ignore[override]
        self,
        work: Callable[[Progress], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        progress: Callable[[int, int, str], None] | None = None,
        owner: object = None,
    ) -> TaskHandle:
        state = Progress()

        def report(step: int, total: int, text: str) -> None:
            if progress is not None:
                progress(step, total, text)
            if total > 0 and step >= 1:
                state.cancel()

        state.on_report = report
        self._execute(lambda: work(state), done, failed)
        return TaskHandle(state)


def make_page(qtbot: QtBot, store: Store, tmp_path: Path, runner: Runner | None = None) -> ReportsPage:
    session = UiSession(store, runner or InlineRunner(), Preferences(tmp_path / "prefs.json"))
    page = ReportsPage(session)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activated()
    return page


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The save dialog answers *path*; returns the names it proposed."""
    proposed: list[str] = []

    def answer(parent: object, caption: str, directory: str, *args: object) -> tuple[str, str]:
        proposed.append(directory)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return proposed


def print_events(store: Store, table: str) -> int:
    with store.read() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == AuditAction.PRINT, AuditEntry.table_name == table)
            )
            or 0
        )


@pytest.fixture
def world(store: Store) -> PrintWorld:
    return make_print_world(store)


def choose_village(page: ReportsPage, code: str) -> None:
    box = page.print_panel.village_box
    box.setCurrentIndex(box.findData(code))


# --- printing ---------------------------------------------------------------------------------


def test_saves_a_villages_contract_forms_as_pdf(
    qtbot: QtBot, store: Store, world: PrintWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, store, tmp_path)
    panel = page.print_panel
    assert panel.isEnabled() and panel.kind() is DocumentKind.CONTRACT_FORMS
    choose_village(page, world.village_code)
    target = tmp_path / "out" / "协议书.pdf"
    target.parent.mkdir()
    proposed = save_as(monkeypatch, target)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)

    assert proposed and proposed[0].endswith(".pdf") and "罗家村" in proposed[0]
    text = pdftotext(target)
    assert "家庭医生签约服务协议书" in text
    assert "张三" in text and "王五" in text
    assert world.id_numbers["张三"] in text  # the resident's own legal copy
    assert "2 份" in panel.message.text() and not panel.message.is_error()
    assert str(target) in panel.message.text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["协议书.pdf"]
    assert print_events(store, "contract_form") == 1
    assert not page.strip.is_running() and page.export_panel.isEnabled()


def test_a_cancelled_batch_leaves_no_file_and_no_record(
    qtbot: QtBot, store: Store, world: PrintWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, store, tmp_path, CancellingRunner())
    panel = page.print_panel
    choose_village(page, world.village_code)
    folder = tmp_path / "out"
    folder.mkdir()
    save_as(monkeypatch, folder / "协议书.pdf")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)

    assert list(folder.iterdir()) == []  # neither the PDF nor a partial file
    assert panel.message.is_error() and "已取消" in panel.message.text()
    assert print_events(store, "contract_form") == 0
    # Cards too: the first-time card numbers of a cancelled batch are not kept.
    panel.kind_buttons[DocumentKind.CONTACT_CARDS].setChecked(True)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert list(folder.iterdir()) == []
    assert print_events(store, "contact_cards") == 0
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Resident).where(Resident.card_token.is_not(None))) == 0


def test_preview_shows_the_pages_then_prints_and_saves_them(
    qtbot: QtBot, store: Store, world: PrintWorld, tmp_path: Path
) -> None:
    page = make_page(qtbot, store, tmp_path)
    panel = page.print_panel
    panel.contract_edit.setText(world.signed_by_hand)  # one contract
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)

    dialog = panel._preview
    assert isinstance(dialog, PdfPreviewDialog) and dialog.isVisible()  # closed with the page at the latest
    view = dialog.view
    pages = view.page_count()
    assert pages >= 2 and pages % 2 == 0  # two copies: 甲方留存, 乙方留存
    assert dialog.page_label.text() == f"第 1 页，共 {pages} 页"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.current_page() == 1 and dialog.page_label.text() == f"第 2 页，共 {pages} 页"
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.current_page() == pages - 1
    zoom = view.zoom()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() > zoom and dialog.zoom_label.text() == f"{round(view.zoom() * 100)}%"

    printed = tmp_path / "printer.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    dialog.print_to(printer)
    assert f"{pages} 页" in dialog.message_label.text()
    info = pdfinfo(printed)
    assert int(info["Pages"]) == pages and "595" in info["Page size"]

    saved = tmp_path / "saved.pdf"
    dialog.save_to(saved)
    assert saved.read_bytes() == dialog.pages.data
    assert "王五" in pdftotext(saved)
    assert print_events(store, "contract_form") == 1  # the preview; printing and saving it again add none
    dialog.reject()
    assert not dialog.isVisible()


def test_mistakes_are_said_beside_the_print_buttons(
    qtbot: QtBot, store: Store, world: PrintWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, store, tmp_path)
    panel = page.print_panel
    assert panel.village_box.currentData() == world.village_code  # the only village is chosen
    panel.village_box.setCurrentIndex(0)
    proposed = save_as(monkeypatch, tmp_path / "missing" / "x.pdf")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert "请选择村" in panel.message.text() and proposed == []  # no village: no dialog

    choose_village(page, world.village_code)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.message.is_error() and "不存在" in panel.message.text()

    panel.contract_edit.setText("QY-NO-SUCH")
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert "QY-NO-SUCH" in panel.message.text() and panel._preview is None


def test_the_walking_list_takes_a_day(qtbot: QtBot, store: Store, world: PrintWorld, tmp_path: Path) -> None:
    page = make_page(qtbot, store, tmp_path)
    panel = page.print_panel
    panel.kind_buttons[DocumentKind.WALKING_LIST].setChecked(True)
    assert panel.day_edit.isEnabled() and not panel.contract_edit.isEnabled()
    choose_village(page, world.village_code)
    target = tmp_path / "walk.pdf"
    panel.save_to(panel.choice(), target)  # type: ignore[arg-type]
    assert "入户工作清单" in pdftotext(target)
    assert "户" in panel.message.text() and not panel.message.is_error()


# --- roster export ----------------------------------------------------------------------------


def test_exports_an_encrypted_roster(
    qtbot: QtBot, store: Store, world: PrintWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, store, tmp_path)
    panel = page.export_panel
    assert panel.encrypt_check.isChecked() and panel.password_edit.echoMode() == panel.password_edit.EchoMode.Password
    target = tmp_path / "花名册.xlsx"
    proposed = save_as(monkeypatch, target)

    qtbot.keyClicks(panel.password_edit, PASSWORD)
    qtbot.keyClicks(panel.again_edit, PASSWORD + "x")
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert "不一样" in panel.password_error.text() and proposed == [] and not target.exists()

    panel.again_edit.clear()
    qtbot.keyClicks(panel.again_edit, PASSWORD)
    panel.village_box.setCurrentIndex(panel.village_box.findData(world.village_code))
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert proposed and proposed[0].endswith(".xlsx")
    assert "导出" in panel.message.text() and "4 位居民" in panel.message.text()  # 张三, 李梅, 张小明, 王五
    assert panel.password_edit.text() == ""  # not kept on the screen

    with open(target, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        office.load_key(password=PASSWORD)
        clear = io.BytesIO()
        office.decrypt(clear)
    book = openpyxl.load_workbook(clear)
    names = {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert {"张三", "王五"} <= names and "赵老汉" not in names  # signed residents only


# --- roster import ----------------------------------------------------------------------------


def residents_named(store: Store, *names: str) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Resident).where(Resident.name.in_(names))) or 0


def residents(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Resident)) or 0


def test_a_messy_roster_is_previewed_then_imported(
    qtbot: QtBot, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mr.prepare_store(store)
    roster = mr.write_messy_roster(tmp_path / "花名册.xlsx")
    page = make_page(qtbot, store, tmp_path)
    panel = page.import_panel
    assert not panel.import_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(roster), ""))
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)

    e = mr.EXPECTED
    counts = panel.counts_label.text()
    assert "尚未写入" in counts
    for figure in (f"读取 {e.read} 行", f"新增 {e.created} 人", f"不合格 {e.rejected} 行"):
        assert figure in counts
    assert "新建村" in panel.villages_label.text()
    model = panel.model
    assert {model.data(model.index(r, 0)) for r in range(model.rowCount())} == {str(r) for r in mr.REJECTED_ROWS}
    reasons = [model.data(model.index(r, 3)) for r in range(model.rowCount())]
    assert any("校验位" in reason for reason in reasons)
    assert residents_named(store, "钱七", "周八", "李斯") == 0  # nothing written yet
    before = residents(store)

    errors = tmp_path / "不合格.xlsx"
    save_as(monkeypatch, errors)
    qtbot.mouseClick(panel.errors_button, Qt.MouseButton.LeftButton)
    sheet = openpyxl.load_workbook(errors).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[-1] == "原因" and sheet.max_row == 1 + len(mr.REJECTED_ROWS)

    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert panel.message.text() and not panel.message.is_error()
    assert "已导入" in panel.counts_label.text() and not panel.import_button.isEnabled()
    assert residents(store) - before == e.created
    with store.read() as s:
        events = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT))
    assert events == 1

    qtbot.mouseClick(panel.discard_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0 and panel.file_edit.text() == ""


def test_an_unreadable_roster_is_said_and_nothing_is_written(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    page = make_page(qtbot, store, tmp_path)
    panel = page.import_panel
    bogus = tmp_path / "花名册.xlsx"
    bogus.write_bytes(b"this is not a workbook")
    panel.preview_file(bogus)
    assert panel.message.is_error() and "无法读取花名册" in panel.message.text()
    assert panel.plan is None and not panel.import_button.isEnabled()


def test_strict_import_writes_nothing_when_a_row_is_rejected(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    mr.prepare_store(store)
    page = make_page(qtbot, store, tmp_path)
    panel = page.import_panel
    panel.preview_file(mr.write_messy_roster(tmp_path / "花名册.xlsx"))
    panel.strict_check.setChecked(True)
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert panel.message.is_error() and "没有导入" in panel.message.text()
    assert residents_named(store, "钱七", "孙六") == 0


# --- roles, models, the strip -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "prints", "exports", "imports"),
    [(Role.ADMIN, False, False, False), (Role.NURSE, True, True, False), (Role.DOCTOR, True, True, True)],
)
def test_each_role_sees_what_it_may_do(
    qtbot: QtBot,
    store_as: Callable[[Role], Store],
    tmp_path: Path,
    role: Role,
    prints: bool,
    exports: bool,
    imports: bool,
) -> None:
    page = make_page(qtbot, store_as(role), tmp_path)
    assert page.print_panel.isEnabled() is prints
    assert page.export_panel.isEnabled() is exports
    assert page.import_panel.isEnabled() is imports
    if not prints:
        assert page.print_panel.toolTip() == "您的角色不能打印。"


def test_the_rejected_rows_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: Any) -> None:
    model = RejectedRowsModel()
    qtmodeltester.check(model)
    problems = [
        Problem(14, "公民身份号码", plain("身份证号应为文本")),
        Problem(14, "出生日期", plain("日期不对")),
        Problem(3, "身份证号", plain("校验位不对"), sheet="东村"),
    ]
    outcomes = [
        RowOutcome(14, RowAction.REJECTED, "李斯", False),
        RowOutcome(3, RowAction.REJECTED, "王", False, sheet="东村"),
    ]
    model.set_problems(problems, outcomes)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.data(model.index(0, 1)) == "李斯" and model.data(model.index(2, 0)) == "东村 3"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "原因"


def test_the_strip_cancels_the_work_it_shows(qtbot: QtBot) -> None:
    strip = TaskStrip()
    qtbot.addWidget(strip)
    handle = TaskHandle(Progress())
    strip.start("正在生成")
    strip.attach(handle)
    strip.report(3, 10)
    assert strip.bar.value() == 3 and strip.bar.maximum() == 10
    qtbot.mouseClick(strip.cancel_button, Qt.MouseButton.LeftButton)
    assert handle.progress.cancelled and not strip.cancel_button.isEnabled()
    strip.stop()
    assert not strip.is_running()


def test_a_batch_runs_off_the_gui_thread_and_prints_there_too(
    qtbot: QtBot, store: Store, world: PrintWorld, tmp_path: Path
) -> None:
    """With the real task runner: the preview's batch and the printing run on worker threads,
    the strip shows them, and the page is usable again after."""
    runner = TaskRunner()
    try:
        page = make_page(qtbot, store, tmp_path, runner)
        qtbot.waitUntil(lambda: page.print_panel.village_box.count() > 1)
        panel = page.print_panel
        panel.kind_buttons[DocumentKind.CONTACT_CARDS].setChecked(True)
        qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
        assert page.strip.is_running() or panel._preview is not None
        qtbot.waitUntil(lambda: panel._preview is not None, timeout=30_000)
        dialog = panel._preview
        assert dialog is not None and dialog.view.page_count() == 2  # fronts and backs of one sheet
        assert page.export_panel.isEnabled() and not page.strip.is_running()

        printed = tmp_path / "cards-printed.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        dialog.print_to(printer)
        qtbot.waitUntil(lambda: not dialog.strip.is_running(), timeout=30_000)
        assert "2 页" in dialog.message_label.text()
        assert int(pdfinfo(printed)["Pages"]) == 2
        dialog.reject()
    finally:
        runner.shutdown()


def test_the_page_speaks_the_language_chosen(
    qtbot: QtBot, store: Store, tmp_path: Path, ui_language: Callable[[str], None]
) -> None:
    page = make_page(qtbot, store, tmp_path)
    assert page.print_panel.preview_button.text() == "预览(&V)"
    assert page.import_panel.import_button.text() == "导入(&I)"
    ui_language("en")
    qtbot.waitUntil(lambda: page.print_panel.preview_button.text() == "Pre&view")
    assert page.export_panel.export_button.text() == "E&xport roster…"
    assert page.strip.cancel_button.text() == "&Cancel"
    assert page.import_panel.model.headerData(3, Qt.Orientation.Horizontal) == "Reason"
