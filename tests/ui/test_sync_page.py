"""The 数据同步 page over a real county server and real enrolled laptops (encrypted stores):
立即同步 sends and fetches with progress and can be cancelled with 取消; a conflict made on two
laptops is shown and resolved from the page; a merge task is decided; the status bar's
indicator follows the state; an unreachable server is only 离线; a revoked laptop says what
to do; the models pass Qt's model tester; the page's actions have mnemonics.

The server is the in-process app (its real HTTP stack through httpx) unless a test starts
``fdserver serve`` (uvicorn) itself; the work runs inline (``InlineRunner``) except in the
test of the real background threads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import builders
from helpers.server import add_township, engine_url, free_port, make_server, running_server
from helpers.sync_world import Laptop, SyncWorld, no_sleep, sync_world
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fdclient.models import Resident, SyncRun, Village
from fdclient.services.registry import residents
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.store import Store
from fdclient.sync import api, capture
from fdclient.sync.transport import Transport
from fdclient.ui.main_window import MainWindow, StatusFacts
from fdclient.ui.pages.base import PlaceholderPage
from fdclient.ui.pages.sync import SyncPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.sync import RejectedEntriesModel, SyncHistoryModel
from fdclient.ui.table_models.sync_decisions import ConflictsModel, MergeTasksModel
from fdclient.ui.tasks import InlineRunner, Runner, TaskRunner


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SyncWorld]:
    with sync_world(tmp_path, 2) as w:
        yield w


def make_page(
    qtbot: QtBot,
    store: Store,
    prefs: Path,
    *,
    transport: Transport | None = None,
    runner: Runner | None = None,
) -> SyncPage:
    session = UiSession(store, runner or InlineRunner(), Preferences(prefs))
    page = SyncPage(session, transport=transport)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activated()
    return page


def laptop_page(qtbot: QtBot, laptop: Laptop, tmp_path: Path) -> SyncPage:
    return make_page(qtbot, laptop.store, tmp_path / f"{laptop.name}.ini", transport=laptop.transport)


def fact(page: SyncPage, key: str) -> str:
    return page.status_panel.fact_labels[key][1].text()


def village_of(laptop: Laptop) -> Village:
    with laptop.store.read() as session:
        village = session.scalars(select(Village).order_by(Village.code)).first()
        assert village is not None
        return village


def register(laptop: Laptop, name: str, *, id_number: str | None = None) -> Resident:
    village = village_of(laptop)
    with laptop.store.write() as session:
        row = session.get(Village, village.id)
        assert row is not None
        if id_number is None:
            return builders.make_resident(session, row, name=name, birth_date=date(1965, 2, 3))
        info = residents.register_resident(session, ResidentInput(village_id=row.id, name=name, id_number=id_number))
        found = session.get(Resident, info.id)
        assert found is not None
        return found


def set_phone(laptop: Laptop, resident: Resident, phone: str) -> None:
    with laptop.store.write() as session:
        row = session.get(Resident, resident.id)
        assert row is not None
        row.phone = phone


def phone_on(laptop: Laptop, resident: Resident) -> str | None:
    with laptop.store.read() as session:
        row = session.get(Resident, resident.id)
        assert row is not None
        return row.phone


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# --- not enrolled ---------------------------------------------------------------------------


def test_a_laptop_not_enrolled_is_told_how_to_enrol(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    page = make_page(qtbot, store, tmp_path / "ui.ini")
    assert page.enrol_banner.isVisible()
    assert "fdclient enroll --server URL --code CODE" in page.enrol_banner.text()
    assert "注册码" in page.enrol_banner.text()
    assert not page.status_panel.sync_button.isEnabled()
    assert page.indicator is not None and page.indicator.state_label.text() == "未接入服务器"
    assert not page.indicator.badge.isVisible()
    # The automatic sync does nothing on a laptop that is not enrolled.
    assert page.controller is not None and not page.controller.sync_in_background()
    with store.read() as session:
        assert session.scalars(select(SyncRun)).first() is None


# --- a run ----------------------------------------------------------------------------------


def test_sync_now_sends_and_fetches_with_progress(qtbot: QtBot, world: SyncWorld, tmp_path: Path) -> None:
    a, b = world.laptops
    resident = register(a, "赵六")
    page_a = laptop_page(qtbot, a, tmp_path)
    assert page_a.status_panel.sync_button.isEnabled() and not page_a.enrol_banner.isVisible()
    pending = api.sync_status(a.store).pending
    assert pending > 0 and fact(page_a, "pending") == str(pending)
    assert fact(page_a, "township") == "罗家镇（360111101）"
    assert fact(page_a, "server") == world.base_url
    assert fact(page_a, "user") == "doctor0"
    assert page_a.indicator is not None and page_a.indicator.state_label.text() == f"{pending} 项待上传"
    runs_before = page_a.status_panel.history_model.rowCount()

    assert page_a.controller is not None
    seen: list[tuple[int, int, str]] = []
    running: list[bool] = []
    page_a.controller.progressed.connect(lambda done, total, text: seen.append((done, total, text)))
    page_a.controller.running_changed.connect(running.append)
    click(qtbot, page_a.status_panel.sync_button)

    assert running == [True, False]
    assert [text for *_n, text in seen][:1] == ["正在连接服务器…"]
    assert any(text == "正在下载其他电脑的修改…" for *_n, text in seen)
    message = page_a.status_panel.message.text()
    assert message.startswith(f"同步完成：发送 {pending} 项修改") and not page_a.status_panel.message.is_error()
    assert fact(page_a, "pending") == "0"
    assert page_a.status_panel.history_model.rowCount() == runs_before + 1
    newest = page_a.status_panel.history_model.index(0, 1)
    assert newest.data() == "完成"
    assert page_a.indicator.state_label.text().startswith("已同步 ")
    assert not page_a.status_panel.strip.is_running()

    page_b = laptop_page(qtbot, b, tmp_path)
    click(qtbot, page_b.status_panel.sync_button)
    assert "收到" in page_b.status_panel.message.text()
    with b.store.read() as session:
        assert session.get(Resident, resident.id) is not None


def test_cancel_stops_the_run_and_keeps_the_changes(qtbot: QtBot, world: SyncWorld, tmp_path: Path) -> None:
    a, _b = world.laptops
    register(a, "钱七")
    page = laptop_page(qtbot, a, tmp_path)
    strip = page.status_panel.strip
    pending = api.sync_status(a.store).pending
    assert page.controller is not None

    def press_cancel(_done: int, _total: int, _text: str) -> None:
        # The user presses 取消 while the strip shows the first phase.
        if strip.cancel_button.isEnabled():
            assert strip.is_running()
            qtbot.mouseClick(strip.cancel_button, Qt.MouseButton.LeftButton)

    page.controller.progressed.connect(press_cancel)
    click(qtbot, page.status_panel.sync_button)

    assert page.status_panel.message.text().startswith("同步已取消")
    assert api.sync_status(a.store).pending == pending  # nothing lost, sent next time
    assert page.status_panel.history_model.index(0, 1).data() == "已取消"
    assert page.status_panel.sync_button.isEnabled() and not strip.is_running()


# --- conflicts and merges -----------------------------------------------------------------


def make_conflict(a: Laptop, b: Laptop) -> Resident:
    """The same phone changed on both laptops; B's arrives second: a conflict."""
    resident = register(a, "赵六")
    a.sync()
    b.sync()
    set_phone(a, resident, "13800000001")
    set_phone(b, resident, "13800000002")
    a.sync()
    assert b.sync().conflicts == 1
    return resident


def test_a_conflict_is_shown_and_resolved_from_the_page(qtbot: QtBot, world: SyncWorld, tmp_path: Path) -> None:
    a, b = world.laptops
    resident = make_conflict(a, b)
    page = laptop_page(qtbot, b, tmp_path)
    panel = page.conflicts_panel
    assert panel.model.rowCount() == 1
    assert page.tabs.tabText(1) == "冲突(&C)（1）"
    assert panel.model.index(0, 0).data() == "居民 · 赵六"
    assert panel.model.index(0, 1).data() == "电话"
    assert panel.model.index(0, 2).data().startswith("13800000002（医生1")
    assert panel.model.index(0, 3).data().startswith("13800000001（医生0")
    assert phone_on(b, resident) == "13800000001"  # the server kept its value meanwhile

    click(qtbot, panel.mine_button)
    assert panel.message.text().startswith("已保存在本机") and not panel.message.is_error()
    assert panel.model.rowCount() == 0 and page.tabs.tabText(1) == "冲突(&C)"
    assert phone_on(b, resident) == "13800000002"
    click(qtbot, page.status_panel.sync_button)
    a.sync()
    assert phone_on(a, resident) == "13800000002"
    assert api.list_conflicts(a.store) == []


def test_a_new_value_can_be_typed_for_a_conflict(
    qtbot: QtBot, world: SyncWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = world.laptops
    resident = make_conflict(a, b)
    page = laptop_page(qtbot, a, tmp_path)
    a.sync()
    page.activated()
    panel = page.conflicts_panel
    assert panel.model.rowCount() == 1
    # The question dialog answered as a user would (typed and OK).
    monkeypatch.setattr(
        "fdclient.ui.widgets.sync_decisions_panel.QInputDialog.getText",
        lambda *args, **kwargs: ("13900000009", True),
    )
    click(qtbot, panel.value_button)
    assert phone_on(a, resident) == "13900000009"
    a.sync()
    b.sync()
    assert phone_on(b, resident) == "13900000009"


def test_a_role_that_may_not_change_the_record_sees_the_buttons_disabled(
    qtbot: QtBot, world: SyncWorld, tmp_path: Path
) -> None:
    a, b = world.laptops
    admin = world.add_laptop(user="admin9", role="admin")
    make_conflict(a, b)
    # Every laptop of the township shows the conflict; an administrator does not keep
    # residents' records, so she may not decide it.
    admin.sync()
    page = laptop_page(qtbot, admin, tmp_path)
    panel = page.conflicts_panel
    assert panel.model.rowCount() == 1
    for button in (panel.mine_button, panel.theirs_button, panel.value_button):
        assert not button.isEnabled()
        assert button.toolTip() == "您的角色不能修改这类记录。"
    # The doctor's laptop may.
    doctor = laptop_page(qtbot, b, tmp_path)
    assert doctor.conflicts_panel.mine_button.isEnabled()
    assert doctor.conflicts_panel.mine_button.toolTip() == "保留本机填写的值（Alt+M）"


def test_a_merge_task_is_decided_from_the_page(qtbot: QtBot, world: SyncWorld, tmp_path: Path) -> None:
    a, b = world.laptops
    number = builders.new_id_number(date(1958, 4, 4), 2)
    register(a, "张秀英", id_number=number)
    register(b, "张秀瑛", id_number=number)
    a.sync()
    b.sync()
    a.sync()
    page = laptop_page(qtbot, b, tmp_path)
    panel = page.merges_panel
    open_tasks = [t for t in panel.model.items() if t.status == "open"]
    assert len(open_tasks) == 1, panel.model.items()
    assert page.tabs.tabText(2) == "待合并(&M)（1）"
    assert panel.model.index(0, 0).data() == "是否同一人？"
    assert {panel.model.index(0, 1).data()[:3], panel.model.index(0, 2).data()[:3]} == {"张秀英", "张秀瑛"}
    assert panel.merge_button.isEnabled() and not panel.undo_button.isEnabled()

    click(qtbot, panel.apart_button)
    assert panel.message.text().startswith("已保存在本机")
    assert [t for t in panel.model.items() if t.status == "open"] == []
    click(qtbot, page.status_panel.sync_button)
    assert not page.status_panel.message.is_error(), page.status_panel.message.text()
    a.sync()
    assert [t.status for t in api.list_merge_tasks(a.store, include_closed=True)] == ["kept_apart"]


# --- the status bar -----------------------------------------------------------------------


def window_with(qtbot: QtBot, page: SyncPage) -> MainWindow:
    others = [
        PlaceholderPage(name, title, "")
        for name, title in (
            ("dashboard", "Dashboard"),
            ("residents", "Residents"),
            ("contracts", "Contracts"),
            ("visits", "Visits"),
            ("worklists", "Work lists"),
            ("reports", "Reports"),
        )
    ]
    window = MainWindow([*others, page, PlaceholderPage("settings", "Settings", "")], StatusFacts("罗家镇"))
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_status_bar_follows_the_sync_and_its_badge_opens_the_conflicts(
    qtbot: QtBot, world: SyncWorld, tmp_path: Path
) -> None:
    a, b = world.laptops
    make_conflict(a, b)
    page = laptop_page(qtbot, b, tmp_path)
    window = window_with(qtbot, page)
    indicator = page.indicator
    assert indicator is not None and indicator.window() is window
    assert not window.connectivity_label.isVisible() and indicator.isVisible()
    assert indicator.badge.isVisible() and indicator.badge.text() == "1 个冲突"
    states: list[str] = []
    assert page.controller is not None
    page.controller.running_changed.connect(lambda _on: states.append(indicator.state_label.text()))
    register(b, "周九")
    page.controller.refresh()
    assert indicator.state_label.text().endswith("项待上传")

    click(qtbot, page.status_panel.sync_button)
    assert states[0] == "同步中…"
    assert indicator.state_label.text().startswith("已同步 ")

    window.show_page(0)
    page.tabs.setCurrentIndex(0)
    qtbot.mouseClick(indicator.badge, Qt.MouseButton.LeftButton)
    assert window.current_page() is page and page.tabs.currentWidget() is page.conflicts_panel


def test_an_unreachable_server_is_only_offline(
    qtbot: QtBot, world: SyncWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _b = world.laptops
    register(a, "吴十")
    # A port nothing listens on: the laptop is offline.
    down = Transport(f"http://127.0.0.1:{free_port()}", sleep=no_sleep)
    page = make_page(qtbot, a.store, tmp_path / "ui.ini", transport=down)
    asked: list[str] = []
    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *args, n=name: asked.append(n))
    assert page.controller is not None and page.indicator is not None
    assert page.controller.sync_in_background()
    assert page.indicator.state_label.text().startswith("离线 · ")
    assert not page.status_panel.message.isVisible()  # quiet: no message, no dialog
    assert asked == []
    # Asked by hand, the reason is said on the page.
    click(qtbot, page.status_panel.sync_button)
    assert page.status_panel.message.is_error()
    assert "服务器连不上" in page.status_panel.message.text()
    assert api.sync_status(a.store).pending > 0
    down.close()


def test_a_revoked_laptop_says_what_to_do(qtbot: QtBot, world: SyncWorld, tmp_path: Path) -> None:
    from fdserver.status import revoke_device

    a, _b = world.laptops
    assert revoke_device(world.engine, a.enrolment.device_id)
    page = laptop_page(qtbot, a, tmp_path)
    click(qtbot, page.status_panel.sync_button)
    assert page.revoked_banner.isVisible()
    assert "新的注册码" in page.revoked_banner.text()
    assert page.indicator is not None and page.indicator.state_label.text() == "授权已撤销"
    assert not page.status_panel.sync_button.isEnabled()
    assert page.controller is not None and not page.controller.sync_in_background()


# --- models and keys ----------------------------------------------------------------------


def refused_change(laptop: Laptop, resident: Resident) -> None:
    """A change the server refuses: a column it does not know (queued as capture does)."""
    with laptop.store.write() as session:
        capture.queue(session, "update", "residents", resident.id.hex, {"shoe_size": [None, "42"]})


def test_refused_changes_are_listed_copied_and_saved(
    qtbot: QtBot, qapp: QApplication, world: SyncWorld, tmp_path: Path
) -> None:
    a, _b = world.laptops
    resident = register(a, "褚五")
    a.sync()
    refused_change(a, resident)
    page = laptop_page(qtbot, a, tmp_path)
    click(qtbot, page.status_panel.sync_button)
    panel = page.status_panel
    assert fact(page, "rejected") == "1"
    assert panel.rejected_model.rowCount() == 1
    record = panel.rejected_model.index(0, 1).data()
    assert record == "居民 · 褚五"
    reason = panel.rejected_model.index(0, 3).data()
    assert reason, panel.rejected_model.entries()

    click(qtbot, panel.copy_button)
    copied = qapp.clipboard().text().splitlines()
    assert copied[0] == "修改时间\t记录\t修改\t原因"
    assert copied[1].split("\t")[1:] == ["居民 · 褚五", "修改：shoe_size", reason]
    saved = tmp_path / "refused.tsv"
    panel.save_rejected_to(saved)
    assert saved.read_text(encoding="utf-8-sig").splitlines() == copied
    assert panel.message.text() == f"已保存：{saved}"


def test_the_models_pass_the_model_tester(qtmodeltester: Any, qtbot: QtBot, world: SyncWorld, tmp_path: Path) -> None:
    a, b = world.laptops
    resident = make_conflict(a, b)
    refused_change(b, resident)
    number = builders.new_id_number(date(1961, 7, 7), 1)
    register(a, "郑一", id_number=number)
    register(b, "郑壹", id_number=number)
    a.sync()
    b.sync()
    page = laptop_page(qtbot, b, tmp_path)
    panel = page.status_panel
    # Models of their own (no parent widget): the tester stays attached to them only.
    history = SyncHistoryModel()
    history.set_runs(panel.history_model.runs())
    rejected = RejectedEntriesModel()
    rejected.set_entries(panel.rejected_model.entries())
    conflicts = ConflictsModel()
    conflicts.set_items(page.conflicts_panel.model.items())
    merges = MergeTasksModel()
    merges.set_items(page.merges_panel.model.items())
    assert history.rowCount() > 0 and rejected.rowCount() == 1
    assert conflicts.rowCount() == 1 and merges.rowCount() == 1
    for model in (history, rejected, conflicts, merges):
        qtmodeltester.check(model, force_py=True)
        assert all(model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount()))


def test_the_page_actions_have_mnemonics(qtbot: QtBot, world: SyncWorld, tmp_path: Path) -> None:
    a, _b = world.laptops
    page = laptop_page(qtbot, a, tmp_path)
    panels = (page.status_panel, page.conflicts_panel, page.merges_panel)
    for panel in panels:
        texts = [b.text() for b in panel.findChildren(QPushButton) if b.objectName() != "conflictBadge"]
        keys = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
        assert len(keys) == len(texts), texts
        assert len(set(keys)) == len(keys), texts
    register(a, "冯二")
    assert page.controller is not None
    page.controller.refresh()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    # 立即同步(&Y): a mnemonic clicks after the button's short press animation.
    qtbot.keyClick(page, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.status_panel.message.text().startswith("同步完成"))
    # The tabs too: Alt+C shows the conflicts.
    qtbot.keyClick(page, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.conflicts_panel)


# --- real threads, real uvicorn ----------------------------------------------------------


def test_the_runner_syncs_off_the_gui_thread_against_uvicorn(qtbot: QtBot, tmp_path: Path) -> None:
    engine = make_server(tmp_path)
    township = add_township(engine)
    with running_server(engine_url(engine)) as base:
        world = SyncWorld(tmp_path, engine, township, None, base)
        try:
            laptop = world.add_laptop()
            register(laptop, "陈三")
            runner = TaskRunner()
            page = make_page(qtbot, laptop.store, tmp_path / "ui.ini", runner=runner)
            try:
                qtbot.waitUntil(lambda: page.controller is not None and page.controller.overview is not None)
                assert page.controller is not None
                with qtbot.waitSignal(page.controller.synced, timeout=30_000):
                    assert page.controller.sync_now()
                    assert not page.controller.sync_now()  # one run at a time
                qtbot.waitUntil(lambda: fact(page, "pending") == "0")
                assert page.status_panel.message.text().startswith("同步完成")
            finally:
                runner.shutdown()
        finally:
            world.close()
