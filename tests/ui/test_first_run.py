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
