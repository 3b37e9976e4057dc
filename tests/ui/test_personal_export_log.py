"""设置 → 个人信息导出记录: the roster exported from the 人员 page by two operators, then the 设置 page lists each
export (when, who, what, how many rows), newest first, the file in the row's tooltip; it reads the log again
each time it is shown."""

from __future__ import annotations

import pytest

from pjdesk.services.records import kind_named, save_record
from pjdesk.services.session import set_operator
from pjdesk.ui.main_window import MainWindow
from tests.ui.conftest import press


@pytest.fixture
def window(qtbot, session, unit):
    people = kind_named("people")
    for name, number in (("张三", "430626199001011236"), ("李四", "430626198507150028")):
        save_record(session, people, {"name": name, "id_number": number, "unit_id": unit, "role_class": "班组长",
                                      "employment": "正式"})
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


def export_people(qtbot, window, path, answer_dialog):
    window.show_page("人员")
    page = window.page("人员")
    closed = []
    answer_dialog(lambda box: (closed.append(box.text()), press(box, "关闭")))
    page.export_excel(str(path))
    qtbot.waitUntil(lambda: bool(closed), timeout=15000)
    assert str(path) in closed[0]


def table_rows(table):
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_settings_page_lists_who_exported_personal_data(qtbot, window, session, tmp_path, answer_dialog, set_now):
    set_now("2026-11-27 09:15:00")
    export_people(qtbot, window, tmp_path / "安定镇花名册.xlsx", answer_dialog)
    window.show_page("设置")
    page = window.page("设置")
    table = page.export_log
    assert page.findChild(type(table), "personal_export_log") is table
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == ["时间", "操作员", "内容", "行数"]
    assert table_rows(table) == [["2026-11-27 09:15:00", "张三", "导出人员（含身份证号、联系电话，已隐去部分数字）", "2"]]

    set_now("2026-11-28 16:40:00")
    set_operator(session, "王五")
    export_people(qtbot, window, tmp_path / "花名册-复核.xlsx", answer_dialog)
    window.show_page("设置")
    assert table_rows(table) == [
        ["2026-11-28 16:40:00", "王五", "导出人员（含身份证号、联系电话，已隐去部分数字）", "2"],
        ["2026-11-27 09:15:00", "张三", "导出人员（含身份证号、联系电话，已隐去部分数字）", "2"],
    ], "newest first, read again when the page is shown"
    assert table.item(0, 2).toolTip() == "导出到文件：花名册-复核.xlsx"
    assert table.item(1, 0).toolTip() == "导出到文件：安定镇花名册.xlsx"
