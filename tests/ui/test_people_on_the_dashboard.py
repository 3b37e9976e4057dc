"""The 工作台 on the hand-counted roster of test_people_rates (10 December 2026): the five rates with their
numbers, each number opening the people behind it; the 待办 card opening the 待办 page."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pjdesk.services.reminders import reminders
from pjdesk.ui.main_window import MainWindow
from tests.services.test_people_rates import station  # noqa: F401 - the roster counted by hand


def test_the_rates_link_to_their_people_and_the_todo_card_to_its_page(qtbot, station):  # noqa: F811
    session, _ = station
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.dashboard
    labels = dashboard.target_labels
    qtbot.waitUntil(lambda: {"T17", "T18a", "T18b", "T51", "T52"} <= set(labels), timeout=10000)
    # December to the 10th: T52 7 of 14, T17 4 of 6 (see test_people_rates).
    assert "达标 <a href='counted'>7</a> / 14 人　<a href='missing'>未达标 7</a>" in labels["T52"].text()
    assert "<b>66.7%</b>" in labels["T17"].text()

    labels["T52"].linkActivated.emit("missing")
    dialog = dashboard.people_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.caption.text() == "截至 2026-12-10 在册，未达标 7 人"
    rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 4).text() for r in range(dialog.table.rowCount())}
    assert rows["甲分管"] == "本年考核合格培训 12 学时，应达 16 学时"
    assert "辰临时工" not in rows, "she had her 24 h on 1 December"
    dialog.close()

    labels["T17"].linkActivated.emit("counted")
    dialog = dashboard.people_dialog
    assert sorted(dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())) == [
        "丁班组长", "乙安管", "子安管", "甲分管"]
    assert dialog.table.isColumnHidden(4)
    assert dialog.height() <= 680
    dialog.close()

    # 丙's and 卯's lapsed certificates, 卯 without one, 己's 复审 passed, 壬's and 戊's due on 1 January; and
    # whatever other kinds declare (the units' drills).
    due = reminders(session)
    assert sum(r["source"] in ("certificate_due", "uncertified_operator") for r in due) == 6
    assert dashboard.todo_card.number.text() == str(len(due))
    qtbot.mouseClick(dashboard.todo_card, Qt.LeftButton)
    assert window.stack.currentWidget() is window.page("待办")
