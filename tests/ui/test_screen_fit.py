"""The desk on a 1366×768 screen: the window fits the room the screen leaves, is maximised the first time and
comes back where it was; every page fits beside the navigation; every dialog fits in 680 pixels or scrolls."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from pjdesk.ui.desk_settings import FILE_NAME
from pjdesk.ui.main_window import MainWindow

SCREEN = (1366, 768)
ROOM = (1366, 728)  # under a Windows taskbar
DIALOG_HEIGHT = 680


def _window(qtbot, session):
    window = MainWindow(session)
    qtbot.addWidget(window)
    return window


def test_the_window_is_no_bigger_than_the_room_the_screen_leaves(qtbot, session):
    window = _window(qtbot, session)
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()


def test_the_first_start_is_maximised(qtbot, session):
    window = _window(qtbot, session)
    window.show_on_start()
    qtbot.waitExposed(window)
    assert window.isMaximized()


def test_the_window_comes_back_where_it_was_and_as_big(qtbot, session):
    window = _window(qtbot, session)
    window.show_on_start()
    window.showNormal()
    window.setGeometry(QRect(8, 30, 780, 560))  # inside the test's screen (800×800), above the smallest size
    qtbot.waitUntil(lambda: window.geometry().size().toTuple() == (780, 560))
    placed = window.geometry()
    window.close()
    assert (session.data_dir / FILE_NAME).exists()  # in the data folder, not the user's own settings

    again = _window(qtbot, session)
    again.show_on_start()
    qtbot.waitExposed(again)
    assert not again.isMaximized()
    assert again.geometry() == placed


def test_a_window_kept_maximised_comes_back_maximised(qtbot, session):
    window = _window(qtbot, session)
    window.show_on_start()
    qtbot.waitExposed(window)
    window.close()
    again = _window(qtbot, session)
    again.show_on_start()
    qtbot.waitExposed(again)
    assert again.isMaximized()


def _fits(window, pages):
    """Every page shown once: the window's smallest size (the largest page's, beside the navigation) fits the
    room a 1366×768 screen leaves, with a title bar and borders."""
    too_big = {}
    for name in pages:
        window.show_page(name)
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        if hint.width() > ROOM[0] - 8 or hint.height() > ROOM[1] - 40:
            too_big[name] = hint.toTuple()
    return too_big


def test_every_township_page_fits_a_1366_pixel_screen(qtbot, session):
    window = _window(qtbot, session)
    window.show()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: bool(dashboard.target_labels), timeout=10_000)  # the targets are the widest part
    assert _fits(window, window.pages) == {}


def test_every_county_page_fits_a_1366_pixel_screen(qtbot, county):
    window = _window(qtbot, county)
    window.show()
    qtbot.waitUntil(lambda: bool(window.dashboard.target_labels), timeout=10_000)
    assert _fits(window, window.pages) == {}


def test_the_targets_do_not_widen_the_dashboard_past_the_screen(qtbot, session):
    """Eight targets in one row made the 工作台 1318–1468 pixels wide: on rows now."""
    window = _window(qtbot, session)
    window.show()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: bool(dashboard.target_labels), timeout=10_000)
    assert dashboard.minimumSizeHint().width() <= ROOM[0] - 150 - 8
    rows = {dashboard.targets_grid.getItemPosition(dashboard.targets_grid.indexOf(label))[0]
            for label in dashboard.target_labels.values()}
    assert len(rows) > 1


def _fits_in_680(dialog, qtbot) -> str | None:
    """What is wrong with ``dialog`` on a 1366×768 screen ("" when it fits): it opens at most 680 pixels tall
    and can be made that small (what does not fit scrolls)."""
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    if dialog.height() > DIALOG_HEIGHT:
        return f"opens {dialog.height()} px tall"
    if dialog.minimumSizeHint().height() > DIALOG_HEIGHT:
        return f"cannot be less than {dialog.minimumSizeHint().height()} px"
    if dialog.width() > ROOM[0]:
        return f"opens {dialog.width()} px wide"
    return None


def test_every_entry_dialog_fits_in_680_pixels(qtbot, session, unit):
    """The entry dialog of every kind that has a page (新增单位 and 登记隐患 were 720 px tall), and each step of
    a hazard's lifecycle."""
    from pjdesk.services import hazards
    from pjdesk.ui.hazard_dialogs import STEPS, hazard_dialog, step_dialog

    window = _window(qtbot, session)
    window.show()
    wrong = {}
    for name in window.pages:
        page = window.page(name)
        if hasattr(page, "open_dialog"):
            wrong[name] = _fits_in_680(page.open_dialog(), qtbot)
    wrong["登记隐患"] = _fits_in_680(hazard_dialog(session, window), qtbot)
    hazard = hazards.record_hazard(session, {"unit_id": unit, "description": "配电箱电线老化", "found_date": "2026-11-02",
                                             "deadline": "2026-11-20"}).id
    for step in STEPS:
        wrong[step] = _fits_in_680(step_dialog(session, window, hazard, step), qtbot)
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_other_dialogs_fit_in_680_pixels(qtbot, session, tmp_path):
    from pjdesk.ui.first_run import FirstRunDialog
    from pjdesk.ui.help_dialog import HelpDialog
    from pjdesk.ui.import_dialog import ImportDialog
    from pjdesk.ui.reports_page import DifferencesDialog
    from pjdesk.ui.trust_dialog import TrustDialog
    from tests.ui.test_import_dialog import ledger_file

    window = _window(qtbot, session)
    window.show()
    devices = [{"station": f"43062610{i}", "station_name": f"测试镇{i}", "device": f"d{i}", "device_name": "站内电脑",
                "fingerprint": " ".join(["ABCD"] * 16)} for i in range(6)]
    rows = [[i, "安定大酒店", f"安全出口上锁{i}", "2026-03-05", "2026-03-20", ""] for i in range(60)]
    dialogs = {
        "首次设置": FirstRunDialog(tmp_path / "fresh"),
        "使用说明": HelpDialog(window),
        "导入": ImportDialog(session, ledger_file(tmp_path / "台账.xlsx", rows)),
        "差异": DifferencesDialog([{"row": f"第{i}行", "column": "隐患数", "frozen": 1, "now": 2} for i in range(40)]),
        "新设备": TrustDialog(devices),
    }
    wrong = {name: _fits_in_680(dialog, qtbot) for name, dialog in dialogs.items()}
    assert {k: v for k, v in wrong.items() if v} == {}
