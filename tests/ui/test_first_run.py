"""First run on a fresh data directory: the dialog sets up the station, and refuses incomplete answers."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from pjdesk.services.session import open_session
from pjdesk.ui.first_run import FirstRunDialog
from tests.conftest import TODAY
from tests.ui.conftest import type_into


def test_first_run_sets_up_a_township_station(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "fresh", today=lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.township_box.setCurrentIndex(dialog.township_box.findData("430626117"))
    type_into(dialog.operator, "李梅")
    qtbot.keyClick(dialog.operator, Qt.Key_Return)
    assert dialog.result() == QDialog.Accepted
    assert dialog.session.station.name == "石牛寨镇"
    dialog.session.close()
    reopened = open_session(tmp_path / "fresh")
    assert (reopened.station.code, reopened.operator) == ("430626117", "李梅")
    reopened.close()


def test_first_run_asks_for_the_township_and_the_operator(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "fresh")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.finish()
    assert dialog.error.isVisible() and "请选择所属乡镇" in dialog.error.text()
    dialog.township_box.setCurrentIndex(3)
    dialog.finish()
    assert "操作员" in dialog.error.text()
    assert dialog.session is None


def test_first_run_can_set_up_the_county(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "county")
    qtbot.addWidget(dialog)
    dialog.county_role.setChecked(True)
    assert not dialog.township_box.isEnabled()
    type_into(dialog.operator, "县应急局")
    dialog.finish()
    assert dialog.session.station.is_county and dialog.session.station.code == "430626"
    dialog.session.close()


def _county_data_arrived(qtbot, window):
    """The demo loads in the background with its progress shown; then the county's pages show the townships'."""
    from PySide6.QtWidgets import QProgressDialog

    assert [d for d in window.findChildren(QProgressDialog) if d.labelText().startswith("正在载入演示数据")]
    qtbot.waitUntil(lambda: "已载入演示数据" in window.statusBar().currentMessage(), timeout=120000)
    window.show_page("报送情况")
    grid = window.page("报送情况")
    assert grid.table.rowCount() >= 25
    shown = {grid.cell(code, "2026-10").text() for code in grid.codes}
    assert any(text.startswith(("按时", "逾期")) for text in shown), shown
    window.show_page("隐患台账")
    ledger = window.page("隐患台账")
    qtbot.waitUntil(lambda: ledger.model.rowCount() > 0, timeout=20000)
    townships = {r[0] for r in window.session.store.db.execute("SELECT DISTINCT township FROM hazard")}
    assert len(townships) >= 25
    inspected = {r[0] for r in window.session.store.db.execute("SELECT DISTINCT township FROM inspection")}
    assert inspected == townships


def test_first_run_as_the_county_with_the_demo_ticked_loads_the_townships(qtbot, data_dir, answer_dialog):
    from PySide6.QtWidgets import QDialogButtonBox

    from pjdesk.ui.app import start

    def as_county_with_the_demo(dialog):
        assert isinstance(dialog, FirstRunDialog)
        dialog.county_role.click()
        assert not dialog.township_box.isEnabled() and dialog.demo.isEnabled()
        assert "25 个乡镇" in dialog.demo_hint.text()
        type_into(dialog.operator, "县应急局")
        dialog.demo.click()
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()

    answer_dialog(as_county_with_the_demo)
    window = start(data_dir, today=lambda: TODAY)
    qtbot.addWidget(window)
    assert window.session.station.is_county
    _county_data_arrived(qtbot, window)
    window.close()
    window.session.close()


def test_the_county_desk_button_loads_the_townships_demo_too(qtbot, tmp_path):
    from pjdesk.services.session import init_station
    from pjdesk.ui.main_window import MainWindow

    county = init_station(tmp_path / "county", code="430626", operator="县应急局", county=True, today=lambda: TODAY)
    window = MainWindow(county)
    qtbot.addWidget(window)
    window.show()
    assert window.dashboard.demo_button.isVisible()
    window.dashboard.demo_button.click()
    _county_data_arrived(qtbot, window)
    window.show_page("工作台")
    assert not window.dashboard.demo_button.isVisible()
    window.close()
    county.close()
