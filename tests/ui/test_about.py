"""帮助 → 关于 shows the version of the program, so that a station can say which one it runs."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from pjdesk import __version__
from pjdesk.ui.main_window import MainWindow


def test_the_about_dialog_shows_the_version(qtbot, session, answer_dialog):
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    # QAction.menu() of PySide6 6.8.0 hands back a deleted menu once the window is shown: go from the menu.
    assert window.help_menu.menuAction() in window.menuBar().actions()
    assert window.help_menu.title() == "帮助"
    [about] = [a for a in window.help_menu.actions() if a.text() == "关于 pjdesk"]
    shown = []

    def read(dialog):
        shown.append((dialog.windowTitle(), dialog.text() if isinstance(dialog, QMessageBox) else ""))
        dialog.accept()
    answer_dialog(read)
    about.trigger()
    [(title, text)] = shown
    assert title == "关于 pjdesk"
    assert f"版本 {__version__}" in text and "平江县安全生产台账" in text
    assert str(session.data_dir) in text  # where the ledger is, for whoever helps the station
