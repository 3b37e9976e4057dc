"""帮助 → 关于 shows the version of the program, so that a station can say which one it runs."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from pjdesk import __version__
from pjdesk.ui.main_window import MainWindow


def test_the_about_dialog_shows_the_version(qtbot, session, answer_dialog):
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    [help_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "帮助"]
    [about] = [a for a in help_menu.actions() if a.text() == "关于 pjdesk"]
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
