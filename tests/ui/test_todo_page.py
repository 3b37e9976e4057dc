"""The 待办 page in the window: after the 工作台, its rows the reminders of the day (late ones red), a filter by
source, and a unit's 证书到期提醒 written from the row chosen."""

from __future__ import annotations

from pypdf import PdfReader

from pjdesk.ui.main_window import MainWindow
from tests.services.test_reminders import due  # noqa: F401 - the fixture of the day's reminders


def test_the_todo_page_lists_filters_and_writes_a_notice(qtbot, session, due, tmp_path):  # noqa: F811
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert [window.nav.item(i).text() for i in range(2)] == ["工作台", "待办"]
    window.show_page("待办")
    page = window.page("待办")
    table = page.table
    # The certificates' reminders, among what other kinds declare (the 化工厂's drills).
    mine = [r for r in range(table.rowCount()) if table.item(r, 1).text() in ("证书到期、复审", "特种作业人员无有效证书")]
    assert len(mine) == 5
    assert [table.item(0, c).text() for c in range(5)] == [
        "2026-10-01", "证书到期、复审", "安定机械厂", "丙", "特种设备作业人员证（电梯作业）已过期（有效期至 2026-10-01）"]
    assert table.item(0, 4).foreground().color().name() == "#c0392b", "late: red"
    assert table.item(mine[3], 4).foreground().color().name() != "#c0392b", "due in December: not late yet"
    assert page.summary.text() == f"共 {table.rowCount()} 项，其中已过应办日期 3 项"

    page.source.setCurrentIndex(page.source.findText("特种作业人员无有效证书"))
    assert [table.item(r, 3).text() for r in range(table.rowCount())] == ["丙", "庚"]
    page.source.setCurrentIndex(0)

    assert not page.notice_button.isEnabled()
    table.selectRow(mine[3])  # 甲 of the 化工厂
    assert page.notice_button.isEnabled()
    pdf = page.write_notice(tmp_path, open_it=False)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace(" ", "").replace("\n", "")
    assert "安定化工厂：" in text and "A1" in text and "T2" in text
    assert "已写出 安定化工厂 的证书到期提醒（2 项）" in page.summary.text()


def test_a_change_to_any_kind_a_reminder_reads_refreshes_the_list(qtbot, session, due):  # noqa: F811
    """Saving a drill on its page takes the unit off the 待办 list shown beside it (the window passes every
    change to every page; the list reads again when the change is of a kind some reminder reads)."""
    from pjdesk.core.reminders import kinds_read
    from tests.services.test_emergency import drill

    assert {"unit", "person", "certificate", "drill", "drill_problem", "plan"} <= kinds_read()
    assert "hazard" not in kinds_read()
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.show_page("待办")
    page = window.page("待办")

    def units_due() -> set[str]:
        return {page.table.item(r, 2).text() for r in range(page.table.rowCount())
                if page.table.item(r, 1).text() == "单位应急演练"}

    assert "安定化工厂" in units_due()
    drill(session, due["chem"], "2026-11-20")
    page.refresh_for({"hazard": frozenset()})
    assert "安定化工厂" in units_due()  # a hazard is not read by any reminder: no reload
    page.refresh_for({"drill": frozenset()})
    assert "安定化工厂" not in units_due()
