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


def test_the_about_dialog_names_an_increment_as_the_backup_list_does(qtbot, tmp_path, answer_dialog, monkeypatch):
    """The last backup is said as 设置 → 备份与恢复 lists it: an increment is 导入前（增量）, which needs the day's
    full backup beside it to be restored."""
    from pjdesk.services import backups
    from pjdesk.services.sync import export_bundle
    from pjdesk.storage import backup as storage_backup
    from tests.sync.conftest import COUNTY, accept, add_hazard, add_unit, make_station

    monkeypatch.setattr(storage_backup, "INCREMENT_FROM_BYTES", 0)  # small stations back up as a large one does
    county, township = make_station(tmp_path / "county", COUNTY, county=True), make_station(tmp_path / "anding")
    try:
        backups.backup_now(county, "daily")
        add_hazard(township, add_unit(township))
        accept(county, export_bundle(township, tmp_path / "usb"))
        assert backups.list_backups(county)[0]["label"] == "导入前（增量）"
        window = MainWindow(county)
        qtbot.addWidget(window)
        window.show()
        [about] = [a for a in window.help_menu.actions() if a.text() == "关于 pjdesk"]
        shown = []
        answer_dialog(lambda dialog: (shown.append(dialog.text()), dialog.accept()))
        about.trigger()
        assert "（导入前（增量））" in shown[0]
        window.close()
    finally:
        county.close()
        township.close()
