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
