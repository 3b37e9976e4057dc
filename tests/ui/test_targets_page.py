"""目标 page on the hand-counted records of test_plan_targets (10 December 2026): every row of the plan with its
status, red and green; a double click lists the records behind a number; the county's page with a township
chosen, and its edits of the targets' figures saved through the dialog."""

from __future__ import annotations

import datetime as dt

from pjdesk.core.periods import Month
from pjdesk.indicators import targets
from pjdesk.services.session import init_station
from pjdesk.services.targets import plan
from pjdesk.ui.main_window import MainWindow
from tests.services.test_plan_targets import recorded, township  # noqa: F401 - the records counted by hand

PLAN_ROWS = {"G1", "G2", "M1", *(f"T{n:02d}" for n in range(1, 53))}


def cells(page, target_id):
    table = page.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == target_id)
    return [table.item(row, c).text() for c in range(table.columnCount())], row


def test_every_row_of_the_plan_with_its_status(qtbot, recorded):  # noqa: F811
    window = MainWindow(recorded)
    qtbot.addWidget(window)
    window.show()
    assert window.pages[:3] == ("工作台", "待办", "目标")
    window.show_page("目标")
    page = window.page("目标")
    page.month.setCurrentIndex(page.month.findText("2026年11月"))
    assert page.month.currentData() == Month(2026, 11)
    table = page.table
    assert table.rowCount() == len(targets())
    assert {table.item(r, 0).text().rstrip("ab") for r in range(table.rowCount())} == PLAN_ROWS
    t23, row = cells(page, "T23")
    assert t23[4:] == ["90.0%", "135", "150", "≥90%", "达标"]
    assert t23[3] == "本年道路交通抽查中戴头盔的摩托车、电动自行车骑乘人员 ÷ 观测骑乘人员"
    assert table.item(row, 8).foreground().color().name() == "#26734d"
    g2, row = cells(page, "G2")
    assert g2[4] == "1（上年同期 2）" and g2[8] == "未达标" and g2[7] == "低于上年同期"
    assert table.item(row, 8).foreground().color().name() == "#b3261e"
    assert cells(page, "T36")[0][8] == "暂无数据"
    assert "T42 森林火灾受害率" in page.findChild(type(page.summary), "targets_note").text()
    assert "共 57 项" in page.summary.text()

    # The records behind G2: this year's and last year's span, each marked counted or not.
    dialog = page.open_records(cells(page, "G2")[1])
    qtbot.waitUntil(dialog.isVisible)
    dates = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert dates == ["2025-03-01", "2025-06-01", "2026-04-01", "2026-11-20"]
    assert dialog.height() <= 680
    dialog.close()
    dialog = page.open_records(cells(page, "T44")[1])
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
    assert rows == {"安定化工厂": "是", "安定烟花厂": "否"}
    dialog.close()

    # An entered figure appears once saved on the 目标进展 page's kind (read again on the next change).
    from pjdesk.core.kinds import KINDS
    from pjdesk.services.records import save_record

    outcome = save_record(recorded, KINDS["progress"], {"target_id": "T36 新建生物防火隔离带", "period": "2026-11",
                                                        "value": "130"})
    page.refresh_for(outcome.changed)
    assert cells(page, "T36")[0][4:] == ["130", "—", "—", "全县目标 ≥122.8km", "已录入"]


def test_the_county_chooses_a_township_and_edits_the_figures(qtbot, tmp_path, answer_dialog):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True,
                          today=lambda: dt.date(2026, 12, 10))
    window = MainWindow(county)
    qtbot.addWidget(window)
    window.show()
    window.show_page("目标")
    page = window.page("目标")
    assert page.township.isVisible() and page.table.rowCount() == len(targets())
    page.township.setCurrentIndex(page.township.findData("430626101"))
    assert page.summary.text().startswith("安定镇：")
    assert cells(page, "T25")[0][8] == "暂无数据"

    def edit(dialog):
        _, row = next((t.id, r) for r, t in enumerate(dialog.plan) if t.id == "T23")
        dialog.table.item(row, 2).setText("95")
        dialog.table.item(row, 4).setText("3")
        assert dialog.height() <= 680
        dialog.save()
    answer_dialog(edit)
    page.edit_targets()
    t23 = next(t for t in plan(county) if t.id == "T23")
    assert (t23.target, t23.weight) == (95, 3)
    assert cells(page, "T23")[0][7] == "≥95%"
    county.close()
