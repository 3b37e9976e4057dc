"""The hazard's dialogs at the keyboard and at the end of its lifecycle, driven through the real ledger page:
Ctrl+Enter saves (Enter in a multi-line box adds a line), Tab follows the form, a failed review asks for its
opinion, 销号 asks first, a closed hazard's record is corrected, and a mistaken 销号 is withdrawn."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox

from pjdesk.services import hazards
from pjdesk.ui.ledger_page import LedgerPage
from tests.ui.conftest import press, type_into


@pytest.fixture
def ledger(qtbot, session):
    page = LedgerPage(session)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    return page


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text, Qt.MatchContains)
    assert index >= 0, f"{text} not among {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def activate(qtbot, dialog) -> None:
    """Make the dialog the active window, as it is on a desktop: offscreen, a modal dialog opens inactive, and
    keyboard shortcuts (Ctrl+Enter) go to the active window only."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)


def saved_or_closed(dialog) -> None:
    """End a dialog that a key should have saved: rejected if still open, so that a test fails, not hangs."""
    if dialog.isVisible():
        dialog.reject()


def history(page) -> str:
    return page.detail.toPlainText()


def reviewed_hazard(session, unit, **values) -> str:
    hazard_id = hazards.record_hazard(session, {"unit_id": unit, "description": "灭火器压力不足", "location": "仓库",
                                                "found_date": "2026-11-02", "deadline": "2026-11-20",
                                                "resp_person": "王五", **values}).id
    hazards.complete_rectification(session, hazard_id, "2026-11-10")
    hazards.review_hazard(session, hazard_id, "2026-11-12", passed=True, reviewer="李四")
    return hazard_id


# --- item 8: the keyboard ------------------------------------------------------------------------------------
def test_ctrl_enter_saves_from_a_multi_line_box_where_enter_adds_a_line(qtbot, ledger, unit, answer_dialog):
    seen = {}

    def fill(dialog):
        seen["save"] = dialog.buttons.button(QDialogButtonBox.Save).text()
        activate(qtbot, dialog)
        choose(dialog.form.editor("unit_id"), "安定化工")
        box = dialog.form.editor("description")
        type_into(box, "配电箱门未关闭")
        qtbot.keyClick(box, Qt.Key_Return)  # a new line, not a save
        assert dialog.isVisible()
        type_into(box, "箱内有积尘")
        qtbot.keyClick(box, Qt.Key_Return, Qt.ControlModifier)
        seen["closed"] = not dialog.isVisible()
        saved_or_closed(dialog)

    answer_dialog(fill)
    qtbot.mouseClick(ledger.new_button, Qt.LeftButton)
    assert seen == {"save": "保存（Ctrl+Enter）", "closed": True}
    assert ledger.model.rowCount() == 1
    assert ledger.model.row(0)["description"] == "配电箱门未关闭\n箱内有积尘"


def test_ctrl_enter_on_the_keypad_saves_a_step_too(qtbot, ledger, unit, session, answer_dialog):
    hazard_id = hazards.record_hazard(session, {"unit_id": unit, "description": "应急灯损坏",
                                                "found_date": "2026-11-02"}).id
    ledger.reload()
    ledger.select_hazard(hazard_id)

    def fill(dialog):
        box = dialog.form.editor("note")
        activate(qtbot, dialog)
        type_into(box, "已更换应急灯")
        qtbot.keyClick(box, Qt.Key_Enter, Qt.ControlModifier | Qt.KeypadModifier)
        saved_or_closed(dialog)

    answer_dialog(fill)
    qtbot.mouseClick(ledger.buttons["整改完成"], Qt.LeftButton)
    assert ledger.model.row(0)["status"] == "已整改待复查"
    assert "已更换应急灯" in history(ledger)


def test_tab_goes_through_the_fields_in_the_order_of_the_form(qtbot, session, unit):
    from pjdesk.ui.hazard_dialogs import hazard_dialog

    dialog = hazard_dialog(session, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    form = dialog.form
    choose(form.editor("level"), "重大")  # the 重大 items appear in their place in the form
    expected = [f.name for f in form.fields if form.rows[f.name][1].isVisible()]
    form.editor(expected[0]).setFocus()
    reached = []
    for _ in expected:
        focused = dialog.focusWidget()
        owner = next(name for name, editor in form.editors.items()
                     if focused is editor or editor.isAncestorOf(focused))
        reached.append(owner)
        qtbot.keyClick(focused, Qt.Key_Tab)
    assert reached == expected
    assert dialog.focusWidget() is dialog.buttons.button(QDialogButtonBox.Save), "then 保存"


# --- item 9: 复查不合格 and 整改负责人 -----------------------------------------------------------------------------
def test_a_failed_review_asks_for_what_is_still_wrong(qtbot, ledger, unit, session, answer_dialog):
    hazard_id = hazards.record_hazard(session, {"unit_id": unit, "description": "电线私拉乱接", "resp_person": "王五",
                                                "found_date": "2026-11-02", "deadline": "2026-11-20"}).id
    ledger.reload()
    ledger.select_hazard(hazard_id)
    seen = {}

    def rectified(dialog):
        seen["actor"] = dialog.form.values()["actor"]
        qtbot.keyClick(dialog.form.editor("date"), Qt.Key_Return)

    answer_dialog(rectified)
    qtbot.mouseClick(ledger.buttons["整改完成"], Qt.LeftButton)
    assert seen["actor"] == "王五", "整改负责人 comes from the hazard"
    assert "整改完成" in history(ledger) and "王五" in history(ledger)

    def review(dialog):
        form = dialog.form
        activate(qtbot, dialog)
        choose(form.editor("result"), "不合格")
        qtbot.keyClick(form.editor("actor"), Qt.Key_Return, Qt.ControlModifier)
        seen["error"] = form.errors["note"].text()
        seen["open"] = dialog.isVisible()
        type_into(form.editor("note"), "二楼仍有两处插线板串接")
        qtbot.keyClick(form.editor("note"), Qt.Key_Return, Qt.ControlModifier)
        saved_or_closed(dialog)

    answer_dialog(review)
    qtbot.mouseClick(ledger.buttons["复查"], Qt.LeftButton)
    assert seen["error"] == "复查不合格须写明复查意见：哪些问题仍未整改到位" and seen["open"]
    assert ledger.model.row(0)["status"] == "整改中"
    assert "复查（不合格）" in history(ledger) and "二楼仍有两处插线板串接" in history(ledger)


# --- item 10: 销号 asked first, corrected after, withdrawn --------------------------------------------------------
def test_closing_asks_first_and_says_what_it_means(qtbot, ledger, unit, session, answer_dialog):
    hazard_id = reviewed_hazard(session, unit)
    ledger.reload()
    ledger.select_hazard(hazard_id)
    seen = {}

    def close(dialog):
        def decline(box):
            seen["question"] = box.text() + "\n" + box.informativeText()
            press(box, "取消")
        answer_dialog(decline)
        qtbot.keyClick(dialog.form.editor("date"), Qt.Key_Return)
        seen["still_open"] = dialog.isVisible()
        seen["status_after_no"] = hazards.hazard_detail(session, hazard_id)["state"].status
        answer_dialog(lambda box: press(box, "销号"))
        qtbot.keyClick(dialog.form.editor("date"), Qt.Key_Return)
        saved_or_closed(dialog)

    answer_dialog(close)
    qtbot.mouseClick(ledger.buttons["销号"], Qt.LeftButton)
    assert seen["still_open"] and seen["status_after_no"] == "复查合格"
    assert "销号表示隐患已整改到位、经复查合格" in seen["question"] and "撤销销号" in seen["question"]
    assert ledger.model.row(0)["status"] == "销号"


def test_a_closed_hazards_record_is_corrected_but_not_what_the_closure_stands_on(qtbot, ledger, unit, session,
                                                                                 answer_dialog):
    hazard_id = reviewed_hazard(session, unit)
    hazards.close_hazard(session, hazard_id, "2026-11-13")
    ledger.reload()
    ledger.select_hazard(hazard_id)
    assert ledger.buttons["edit"].isEnabled() and ledger.buttons["edit"].text() == "更正"
    seen = {}

    def correct(dialog):
        form = dialog.form
        activate(qtbot, dialog)
        seen["locked"] = {name: form.editor(name).isEnabled() for name in ("found_date", "deadline", "level")}
        seen["intro"] = dialog.windowTitle()
        form.editor("location").clear()
        type_into(form.editor("location"), "二号仓库")
        qtbot.keyClick(form.editor("location"), Qt.Key_Return, Qt.ControlModifier)
        saved_or_closed(dialog)

    answer_dialog(correct)
    qtbot.mouseClick(ledger.buttons["edit"], Qt.LeftButton)
    assert seen["locked"] == {"found_date": False, "deadline": False, "level": False}
    assert seen["intro"].startswith("更正已销号的隐患")
    row = ledger.model.row(0)
    assert (row["location"], row["status"]) == ("二号仓库", "销号")
    assert "销号后更正" in history(ledger) and "改了：隐患部位" in history(ledger)


def test_a_mistaken_closure_is_withdrawn_with_a_reason(qtbot, ledger, unit, session, answer_dialog):
    hazard_id = reviewed_hazard(session, unit)
    hazards.close_hazard(session, hazard_id, "2026-11-13")
    ledger.reload()
    ledger.select_hazard(hazard_id)
    assert not ledger.buttons["delete"].isEnabled()
    seen = {}

    def withdraw(dialog):
        activate(qtbot, dialog)
        qtbot.keyClick(dialog.form.editor("date"), Qt.Key_Return, Qt.ControlModifier)
        seen["error"] = dialog.form.errors["note"].text()
        type_into(dialog.form.editor("note"), "误点销号，整改照片未收齐")
        qtbot.keyClick(dialog.form.editor("note"), Qt.Key_Return, Qt.ControlModifier)
        saved_or_closed(dialog)

    answer_dialog(withdraw)
    qtbot.mouseClick(ledger.buttons["撤销销号"], Qt.LeftButton)
    assert seen["error"] == "撤销销号须写明原因（如：误点销号、复查结论有误）"
    assert ledger.model.row(0)["status"] == "复查合格"
    assert "撤销销号" in history(ledger) and "误点销号，整改照片未收齐" in history(ledger)
    assert ledger.buttons["销号"].isEnabled() and not ledger.buttons["撤销销号"].isEnabled()
    assert ledger.buttons["edit"].text() == "编辑"
