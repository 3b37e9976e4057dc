"""The township officer's day, driven through the real window: a unit, a hazard, its whole lifecycle."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from pjdesk.core.hazard import HazardFilter
from pjdesk.services import hazards
from pjdesk.ui.main_window import MainWindow
from tests.ui.conftest import press, type_into


@pytest.fixture
def window(qtbot, session):
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    return w


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text, Qt.MatchContains)
    assert index >= 0, f"{text} not among {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def test_add_unit_with_a_pilot_code_needs_a_reason(qtbot, window, answer_dialog):
    window.show_page("单位")
    seen = {}

    def fill(dialog):
        form = dialog.form
        type_into(form.editor("name"), "平江县安定镇烟花爆竹批发部")
        type_into(form.editor("uscc"), "91350211M00013FA1N")
        choose(form.editor("sector"), "烟花爆竹")
        assert form.editor("is_high_risk").isChecked()  # suggested from the sector
        qtbot.keyClick(form.editor("uscc"), Qt.Key_Return)
        seen["error"] = form.errors["uscc"].text()
        assert dialog.isVisible()
        type_into(form.editor("uscc_note"), "早期试点代码，与营业执照一致")
        qtbot.keyClick(form.editor("uscc_note"), Qt.Key_Return)

    answer_dialog(fill)
    qtbot.mouseClick(window.units.new_button, Qt.LeftButton)
    assert "校验位错误（应为 3）" in seen["error"]
    assert window.units.model.rowCount() == 1
    assert window.units.model.row(0)["name"] == "平江县安定镇烟花爆竹批发部"
    assert window.units.selected_id() == window.units.model.row(0)["id"]


def test_a_hazard_walks_from_discovery_to_closure(qtbot, window, unit, answer_dialog, session):
    ledger = window.ledger
    window.show_page("隐患台账")

    def record(dialog):
        form = dialog.form
        choose(form.editor("unit_id"), "安定化工")
        type_into(form.editor("description"), "配电房电线私拉乱接，绝缘层老化")
        type_into(form.editor("location"), "二号车间配电房")
        form.editor("deadline").set_value("2026-12-10")
        qtbot.keyClick(form.editor("location"), Qt.Key_Return)

    answer_dialog(record)
    qtbot.mouseClick(ledger.new_button, Qt.LeftButton)
    assert ledger.model.rowCount() == 1
    assert ledger.count_label.text() == "共 1 条"
    row = ledger.model.row(0)
    assert (row["status"], row["sector"], row["hazard_no"]) == ("发现", "危化", "430626101-2026-A0001")
    assert ledger.selected_id() == row["id"]
    assert window.dashboard.counts()["new_this_month"] == 1

    def step(key, fill=None):
        def run(dialog):
            if fill:
                fill(dialog.form)
            if key == "销号":  # asked first, with what it means
                answer_dialog(lambda box: press(box, "销号"))
            qtbot.keyClick(dialog.form.editor("date"), Qt.Key_Return)
        answer_dialog(run)
        assert ledger.buttons[key].isEnabled(), f"{key} should be possible now"
        qtbot.mouseClick(ledger.buttons[key], Qt.LeftButton)
        return ledger.model.row(0)["status"]

    def reviewer(passed):
        def fill(form):
            choose(form.editor("result"), "合格" if passed else "不合格")
            if not passed:
                type_into(form.editor("note"), "仍有两处电线裸露")
        return fill

    assert not ledger.buttons["销号"].isEnabled()
    assert step("整改完成") == "已整改待复查"
    assert step("复查", reviewer(False)) == "整改中"
    assert step("整改完成") == "已整改待复查"
    assert step("复查", reviewer(True)) == "复查合格"
    assert step("销号") == "销号"
    for key in ("整改完成", "复查", "延期", "销号", "delete"):
        assert not ledger.buttons[key].isEnabled()
    assert ledger.buttons["edit"].isEnabled() and ledger.buttons["edit"].text() == "更正"
    assert ledger.buttons["撤销销号"].isEnabled()

    history = ledger.detail.toPlainText()
    for what in ("发现", "整改完成", "复查（不合格）", "复查（合格）", "销号"):
        assert what in history
    window.show_page("工作台")
    counts = window.dashboard.counts()
    assert counts["closed_this_month"] == 1 and counts["overdue"] == 0


def test_extension_needs_a_reason_shown_at_the_field(qtbot, window, unit, session, answer_dialog):
    hazard = hazards.record_hazard(session, {"unit_id": unit, "description": "灭火器过期", "found_date": "2026-11-02",
                                             "deadline": "2026-11-20"}).id
    ledger = window.ledger
    ledger.reload()
    ledger.select_hazard(hazard)
    assert ledger.model.row(0)["status"] == "发现"
    seen = {}

    def fill(dialog):
        dialog.form.editor("new_deadline").set_value("2026-12-20")
        qtbot.keyClick(dialog.form.editor("date"), Qt.Key_Return)
        seen["note"] = dialog.form.errors["note"].text()
        type_into(dialog.form.editor("note"), "需停产更换设备，待配件到货")
        qtbot.keyClick(dialog.form.editor("date"), Qt.Key_Return)

    answer_dialog(fill)
    qtbot.mouseClick(ledger.buttons["延期"], Qt.LeftButton)
    assert seen["note"] == "延期须写明原因"
    assert ledger.model.row(0)["due_date"] == "2026-12-20"
    assert "延期，新期限 2026-12-20" in ledger.detail.toPlainText()


def test_dashboard_card_opens_the_filtered_ledger(qtbot, window, unit, session):
    for i, deadline in enumerate(("2026-11-10", "2026-12-01", "2027-01-30")):
        hazards.record_hazard(session, {"unit_id": unit, "description": f"安全出口上锁{i}", "found_date": "2026-11-01",
                                        "deadline": deadline})
    window.dashboard.refresh()
    assert window.dashboard.counts()["overdue"] == 1
    assert window.dashboard.counts()["due_this_week"] == 1
    qtbot.mouseClick(window.dashboard.cards["overdue"], Qt.LeftButton)
    assert window.stack.currentWidget() is window.ledger
    assert window.ledger.model.rowCount() == 1
    assert window.ledger.model.row(0)["description"] == "安全出口上锁0"
    assert "逾期" in window.ledger.filter_label.text()
    qtbot.mouseClick(window.ledger.clear_button, Qt.LeftButton)
    assert window.ledger.model.rowCount() == 3


def test_search_filters_in_sql_and_keeps_the_selection(qtbot, window, unit, session):
    ids = {}
    for text in ("消防通道堵塞", "电线老化", "灭火器过期", "消防栓无水"):
        ids[text] = hazards.record_hazard(session, {"unit_id": unit, "description": text,
                                                    "found_date": "2026-11-01"}).id
    ledger = window.ledger
    ledger.reload()
    ledger.select_hazard(ids["消防栓无水"])
    type_into(ledger.search, "消防")
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 2, timeout=2000)
    assert ledger.selected_id() == ids["消防栓无水"]
    ledger.search.clear()
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 4, timeout=2000)
    assert ledger.selected_id() == ids["消防栓无水"]
    choose(ledger.status_box, "未销号")
    assert ledger.model.rowCount() == 4
    assert hazards.count_hazards(session, HazardFilter(text="消防")) == 2


def test_an_unsaved_hazard_survives_the_program_closing(qtbot, window, unit, session):
    from pjdesk.ui.hazard_dialogs import hazard_dialog

    dialog = hazard_dialog(session, window)
    type_into(dialog.form.editor("description"), "液化气钢瓶未检验")
    dialog.keep_draft_now()
    dialog.deleteLater()  # the program closed without saving or cancelling
    again = hazard_dialog(session, window)
    qtbot.addWidget(again)
    assert again.form.values()["description"] == "液化气钢瓶未检验"
    assert "已恢复上次未保存的内容" in again.form.general.text()
    again.reject()  # Esc: the draft is discarded
    third = hazard_dialog(session, window)
    qtbot.addWidget(third)
    assert third.form.values()["description"] is None


def test_most_overdue_list_opens_the_hazard(qtbot, window, unit, session):
    late = hazards.record_hazard(session, {"unit_id": unit, "description": "疏散通道堆放杂物", "found_date": "2026-09-01",
                                           "deadline": "2026-09-10"}).id
    hazards.record_hazard(session, {"unit_id": unit, "description": "应急照明损坏", "found_date": "2026-11-01",
                                    "deadline": "2026-11-20"})
    window.dashboard.refresh()
    table = window.dashboard.worst
    assert table.rowCount() == 2
    assert (table.item(0, 0).text(), table.item(0, 3).text()) == ("80 天", "疏散通道堆放杂物")
    table.cellDoubleClicked.emit(0, 3)
    assert window.stack.currentWidget() is window.ledger
    assert window.ledger.selected_id() == late
    assert "疏散通道堆放杂物" in window.ledger.detail.toPlainText()


def test_restore_a_backup_from_the_settings_page(qtbot, window, unit, session, monkeypatch):
    from PySide6.QtWidgets import QMessageBox, QPushButton

    from pjdesk.services import backups

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    backups.backup_now(session)
    hazards.record_hazard(session, {"unit_id": unit, "description": "录错的隐患", "found_date": "2026-11-01"})
    window.ledger.reload()
    assert window.ledger.model.rowCount() == 1
    window.show_page("设置")
    window.settings.refresh_backups()
    window.settings.backups.selectRow(0)
    qtbot.mouseClick(window.settings.findChild(QPushButton, "restore_backup"), Qt.LeftButton)
    qtbot.waitUntil(lambda: window.ledger.model.rowCount() == 0, timeout=20000)  # restored in the background
    assert [b["reason"] for b in backups.list_backups(session)][:2] == ["恢复前", "手动"]


def test_dashboard_shows_the_plans_targets_or_says_there_is_no_data(qtbot, window, unit, session):
    major = {"level": "重大", "major_basis": "判定标准第四条", "resp_person": "王五", "measures": "停产整改",
             "funds": 0, "emergency_plan": "现场处置方案"}
    late = hazards.record_hazard(session, {"unit_id": unit, "description": "反应釜无自动化控制", "found_date": "2026-03-01",
                                           "deadline": "2026-04-30", **major}).id
    hazards.record_hazard(session, {"unit_id": unit, "description": "储罐区防火堤破损", "found_date": "2026-03-01",
                                    "deadline": "2026-05-30", **major})
    hazards.complete_rectification(session, late, "2026-04-20")
    hazards.review_hazard(session, late, "2026-04-25", True, "李四")
    hazards.close_hazard(session, late, "2026-04-28")
    window.dashboard.refresh()
    labels = window.dashboard.target_labels
    # The targets are computed in the background after the cards: wait for the figures of this ledger.
    qtbot.waitUntil(lambda: "T03" in labels and "50.0%" in labels["T03"].text(), timeout=10000)
    assert "按期销号的重大隐患数 1 ÷ 到期的重大隐患数 2" in labels["T03"].toolTip()
    assert "暂无数据" in labels["T01"].text()  # nothing tagged 回头看: no data, not 0% or 100%
