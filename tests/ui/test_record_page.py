"""The generic list page, driven through the real window: an inspection with its inspectors and checklist rows
entered in the dialog's tables, found by a two-character search, filtered, sorted, a child row edited, deleted
with a reason; the county reads the townships' inspections; a kind's extension adds its own action."""

from __future__ import annotations

import importlib.machinery
import sys
import types

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QInputDialog, QLineEdit, QMessageBox, QWidget

from pjdesk.core.inspection import INSPECTION, INSPECTION_ITEM
from pjdesk.core.unit import UNIT
from pjdesk.services import hazards, sync
from pjdesk.services.records import get_record, record_history, save_record
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.ui.record_page import RecordPage
from tests.conftest import TODAY
from tests.ui.conftest import type_into
from tests.ui.test_ledger_flow import choose

OFFICERS = [{"name": "赵六", "cert_no": "43060021"}, {"name": "钱七", "cert_no": "43060022"}]


@pytest.fixture
def brickworks(session):
    return save_unit(session, {"name": "平江县安定红星砖厂", "sector": "工贸其他", "village": "红星村"}).id


def cell_editor(table, row: int, name: str):
    """Open the editor of a child table's cell, as a double click does; returns it."""
    grid = table.table
    column = table.column(name)
    grid.setCurrentCell(row, column)
    grid.editItem(grid.item(row, column))
    editors = [w for w in grid.viewport().findChildren(QWidget) if isinstance(w, (QLineEdit, QComboBox))
               and w.isVisible() and not isinstance(w.parent(), QComboBox)]
    assert len(editors) == 1, editors
    return editors[0]


def fill_cell(qtbot, table, row: int, name: str, text: str) -> None:
    editor = cell_editor(table, row, name)
    if isinstance(editor, QComboBox):
        choose(editor, text)
    else:
        type_into(editor, text)
    qtbot.keyClick(editor, Qt.Key_Return)  # the delegate commits on Enter, as in a spreadsheet


def save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.Save).click()


def test_an_inspection_is_entered_found_filtered_sorted_edited_and_deleted(
        qtbot, window, session, unit, brickworks, answer_dialog):
    save_record(session, INSPECTION, {"unit_id": brickworks, "date": "2026-10-05", "mode": "日常巡查",
                                      "officers": [{"name": "孙八"}], "findings": "窑顶护栏缺失"})
    window.show_page("检查")
    page = window.page("检查")
    assert window.nav.currentItem().text() == "检查"
    assert page.count_label.text() == "共 1 条"
    seen = {}

    def enter(dialog):
        form = dialog.form
        assert dialog.windowTitle() == "新增检查记录"
        assert form.editor("date").value() == TODAY.isoformat(), "a new inspection is dated today"
        form.editor("date").set_value("2026-11-10")
        choose(form.editor("unit_id"), "安定化工")
        choose(form.editor("mode"), "专项检查")
        officers, items = form.child_table("officers"), form.child_table("items")
        # The rows a checklist may have put in for the unit's sector go: this test writes its own two.
        items.table.selectAll()
        qtbot.mouseClick(items.remove_button, Qt.LeftButton)
        assert items.table.rowCount() == 0
        qtbot.mouseClick(officers.add_row_button, Qt.LeftButton)
        fill_cell(qtbot, officers, 0, "name", "李明")
        assert dialog.isVisible() and form.errors["officers"].isHidden(), "Enter in a cell only ends the cell"
        fill_cell(qtbot, officers, 0, "cert_no", "43060011")
        for text in ("安全出口畅通", "疏散指示标志完好"):
            qtbot.mouseClick(items.add_row_button, Qt.LeftButton)
            fill_cell(qtbot, items, items.table.rowCount() - 1, "text", text)
        fill_cell(qtbot, items, 0, "result", "符合")
        type_into(form.editor("findings"), "二楼疏散指示灯不亮")
        save(dialog)
        assert dialog.isVisible(), "refused: one inspector, and a checklist row without its result"
        seen["officers"] = form.errors["officers"].text()
        seen["items"] = form.errors["items"].text()
        seen["marked"] = items.table.item(1, 0).background().color().name()
        qtbot.mouseClick(officers.add_row_button, Qt.LeftButton)
        fill_cell(qtbot, officers, 1, "name", "王芳")
        fill_cell(qtbot, officers, 1, "cert_no", "43060012")
        fill_cell(qtbot, items, 1, "result", "不符合")
        fill_cell(qtbot, items, 1, "note", "二楼两处")
        seen["after"] = form.errors["items"].text() if form.errors["items"].isVisible() else ""
        save(dialog)

    answer_dialog(enter)
    qtbot.mouseClick(page.new_button, Qt.LeftButton)
    assert "执法检查须有两名以上执法人员" in seen["officers"]
    assert seen["items"] == "检查项目第 2 行：请选择“结果”"
    assert seen["marked"] == "#fdecea"
    assert seen["after"] == ""
    assert page.count_label.text() == "共 2 条"
    row = page.selected_row()
    assert (row["unit_id__title"], row["mode"], row["officer_names"]) == ("平江县安定化工有限公司", "专项检查", "李明、王芳")
    record = get_record(session, INSPECTION, row["id"])
    assert [(i["text"], i["result"], i["note"]) for i in record["items"]] == [
        ("安全出口畅通", "符合", None), ("疏散指示标志完好", "不符合", "二楼两处")]
    assert [(o["name"], o["cert_no"]) for o in record["officers"]] == [("李明", "43060011"), ("王芳", "43060012")]
    shown = page.detail.toPlainText()
    assert shown.splitlines()[0].split() == ["检查记录", "2026-11-10", "平江县安定化工有限公司"]
    for text in ("疏散指示标志完好", "不符合", "43060012", "修改记录", "添加检查人员", "李明、王芳"):
        assert text in shown

    # Found by two characters of its unit's name, and of an inspector's name; not by another unit's.
    for term, found in (("化工", 1), ("王芳", 1), ("砖厂", 1), ("李", 1), ("护栏", 1), ("没有", 0)):
        type_into(page.search, term)
        qtbot.waitUntil(lambda found=found: page.model.rowCount() == found, timeout=2000)
        page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=2000)

    choose(page.filters["mode"], "专项检查")
    assert page.count_label.text() == "共 1 条"
    choose(page.filters["mode"], "全部检查方式")
    low, high = page.filters["date"]
    type_into(low, "2026-11-01")
    low.edit.editingFinished.emit()
    assert [page.model.row(r)["date"] for r in range(page.model.rowCount())] == ["2026-11-10"]
    low.set_value(None)
    type_into(high, "2026年10月31日")
    high.edit.editingFinished.emit()
    assert [page.model.row(r)["date"] for r in range(page.model.rowCount())] == ["2026-10-05"]
    qtbot.mouseClick(page.clear_button, Qt.LeftButton)
    assert page.model.rowCount() == 2
    choose(page.filters["unit_id"], "红星砖厂")
    assert [page.model.row(r)["unit_id__title"] for r in range(page.model.rowCount())] == ["平江县安定红星砖厂"]
    qtbot.mouseClick(page.clear_button, Qt.LeftButton)

    # Newest first; a header click sorts (in the query) by that column.
    assert [page.model.row(r)["date"] for r in range(2)] == ["2026-11-10", "2026-10-05"]
    headers = [c.label for c in page.model.columns]
    assert page.select_record(row["id"])
    page.table.sortByColumn(headers.index("检查方式"), Qt.AscendingOrder)
    assert [page.model.row(r)["mode"] for r in range(2)] == ["专项检查", "日常巡查"]
    page.table.sortByColumn(headers.index("检查方式"), Qt.DescendingOrder)
    assert [page.model.row(r)["mode"] for r in range(2)] == ["日常巡查", "专项检查"]
    assert page.selected_row()["mode"] == "专项检查", "the selection stays on its record"

    # A checklist row edited in the dialog stays that row; the history says what changed.
    kept = record["items"][0]["id"]

    def edit(dialog):
        items = dialog.form.child_table("items")
        assert items.table.item(0, items.column("text")).text() == "安全出口畅通"
        fill_cell(qtbot, items, 0, "result", "不符合")
        save(dialog)

    answer_dialog(edit)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    record = get_record(session, INSPECTION, row["id"])
    assert [(i["id"], i["result"]) for i in record["items"]][0] == (kept, "不符合")
    assert record["failed_items"] == 2
    assert page.selected_row()["failed_items"] == 2
    assert "修改检查项目" in page.detail.toPlainText()
    assert "安全出口畅通：结果：符合 → 不符合" in page.detail.toPlainText()

    def reason(dialog):
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("重复录入")
        dialog.accept()

    answer_dialog(reason)
    qtbot.mouseClick(page.delete_button, Qt.LeftButton)
    assert page.count_label.text() == "共 1 条"
    gone = session.store.get(INSPECTION, row["id"])
    assert (gone["deleted"], gone["delete_reason"]) == (1, "重复录入")
    assert all(session.store.get(INSPECTION_ITEM, i["id"])["deleted"] for i in record["items"])
    assert record_history(session, INSPECTION, row["id"])[-1]["detail"] == "原因：重复录入"


def test_a_unit_added_elsewhere_is_offered_in_the_inspection_filter(qtbot, window, session, unit, answer_dialog):
    window.show_page("检查")
    inspections = window.page("检查")
    units = [inspections.filters["unit_id"].itemText(i) for i in range(inspections.filters["unit_id"].count())]
    assert units == ["全部被检查单位", "平江县安定化工有限公司"]
    window.show_page("单位")

    def add(dialog):
        type_into(dialog.form.editor("name"), "平江县安定镇中心小学")
        choose(dialog.form.editor("sector"), "学校")
        save(dialog)

    answer_dialog(add)
    qtbot.mouseClick(window.units.new_button, Qt.LeftButton)
    assert window.units.count_label.text() == "共 2 家"
    assert inspections.filters["unit_id"].findText("平江县安定镇中心小学") > 0


def test_the_units_page_searches_filters_shows_hazards_and_keeps_units_with_hazards(
        qtbot, window, session, unit, brickworks, answer_dialog):
    hazards.record_hazard(session, {"unit_id": unit, "description": "储罐区静电接地不良", "found_date": "2026-11-02"})
    window.show_page("单位")
    units = window.units
    assert units.count_label.text() == "共 2 家"
    assert [c.label for c in units.model.columns][:3] == ["单位名称", "统一社会信用代码", "行业领域"]
    type_into(units.search, "hx")  # pinyin initials of 红星
    qtbot.waitUntil(lambda: units.model.rowCount() == 1, timeout=2000)
    assert units.model.row(0)["name"] == "平江县安定红星砖厂"
    units.search.clear()
    units.filters["is_high_risk"].setChecked(True)
    assert [units.model.row(r)["name"] for r in range(units.model.rowCount())] == ["平江县安定化工有限公司"]
    units.select_row(0)
    assert "王五" in units.detail.toPlainText()

    qtbot.mouseClick(units.actions["unit_hazards"].button, Qt.LeftButton)
    assert window.stack.currentWidget() is window.ledger
    assert window.ledger.model.rowCount() == 1

    window.show_page("单位")
    shown = {}

    def reason(dialog):
        dialog.setTextValue("录入错误")
        dialog.accept()

    def refused(box):
        shown["text"] = box.text()
        box.accept()

    answer_dialog(reason)
    answer_dialog(refused)
    qtbot.mouseClick(units.delete_button, Qt.LeftButton)
    assert "还有 1 条隐患引用这条单位记录，不能删除" in shown["text"]
    assert units.count_label.text() == "共 1 家"


@pytest.fixture
def county(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    town = init_station(tmp_path / "town", code="430626101", operator="站长", today=lambda: TODAY)
    unit = save_unit(town, {"name": "安定烟花爆竹批发部", "sector": "烟花爆竹"}).id
    save_record(town, INSPECTION, {"unit_id": unit, "date": "2026-11-03", "mode": "双随机", "officers": OFFICERS,
                                   "random_draw_ref": "SJ-07", "items": [{"text": "仓库限量存放", "result": "符合"}]})
    [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
    assert result.status == "accepted", result.message
    yield county
    town.close()
    county.close()


def test_the_county_reads_the_townships_inspections(qtbot, county):
    page = RecordPage(county, INSPECTION)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    assert [c.label for c in page.model.columns][:3] == ["乡镇", "检查日期", "被检查单位"]
    assert page.model.data(page.model.index(0, 0)) == "安定镇"
    choose(page.township_box, "三市镇")
    assert page.model.rowCount() == 0
    choose(page.township_box, "安定镇")
    page.select_row(0)
    assert "仓库限量存放" in page.detail.toPlainText()
    # A township's inspection is read, not changed; the bureau records its own checks (county_writes).
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert page.new_button.isVisible() and page.import_button.isVisible()
    units = RecordPage(county, UNIT)
    qtbot.addWidget(units)
    units.show()
    assert not units.new_button.isVisible() and not units.import_button.isVisible()


@pytest.fixture
def unit_extension(monkeypatch):
    """A kind's extension module, as pjdesk/ui/<kind>_extras.py would be (units have none of their own)."""
    calls = {"rows": [], "dialogs": []}
    module = types.ModuleType("pjdesk.ui.unit_extras")
    module.__spec__ = importlib.machinery.ModuleSpec(module.__name__, None)

    def extend_page(page):
        page.add_action("打印名录", "print_unit", calls["rows"].append)
        page.value_text["sector"] = lambda sector: f"{sector}（按行业主管部门）"
        page.dialog_hooks.append(lambda dialog: (calls["dialogs"].append(dialog.record_id),
                                                 dialog.add_button("预览", "preview", lambda: None)))

    module.extend_page = extend_page
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return calls


def test_a_kinds_extension_adds_its_actions_and_sees_its_dialogs(qtbot, session, unit_extension):
    page = RecordPage(session, UNIT)
    qtbot.addWidget(page)
    button = page.actions["print_unit"].button
    assert not button.isEnabled(), "nothing selected"
    save_unit(session, {"name": "平江县安定农贸市场", "sector": "人员密集场所", "crowded_type": "公众聚集场所"})
    page.reload()
    page.select_row(0)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert [r["name"] for r in unit_extension["rows"]] == ["平江县安定农贸市场"]
    assert "人员密集场所（按行业主管部门）" in page.detail.toPlainText()
    dialog = page.open_dialog(page.selected_id())
    qtbot.addWidget(dialog)
    assert unit_extension["dialogs"] == [page.selected_id()]
    assert dialog.findChild(type(button), "preview") is not None


def test_the_page_exports_what_it_shows_and_imports_a_sheet(qtbot, window, session, unit, brickworks, tmp_path,
                                                            answer_dialog, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: said.append(text))
    for unit_id, mode, date in ((unit, "专项检查", "2026-11-10"), (brickworks, "日常巡查", "2026-10-05")):
        save_record(session, INSPECTION, {"unit_id": unit_id, "date": date, "mode": mode, "officers": OFFICERS})
    window.show_page("检查")
    page = window.page("检查")
    choose(page.filters["mode"], "日常巡查")
    exported = tmp_path / "检查台账.xlsx"
    saved = []
    answer_dialog(lambda box: (saved.append(box.text()), box.reject()))  # 已保存: 关闭 (not 打开文件)
    page.export_excel(str(exported))
    qtbot.waitUntil(lambda: bool(saved), timeout=15000)
    assert saved == [f"1 条检查记录已保存到：\n{exported}"]
    sheet = openpyxl.load_workbook(exported).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if "检查方式" in r)
    modes = [r[header.index("检查方式")] for r in rows[rows.index(header) + 1:]]
    assert [m for m in modes if m in ("日常巡查", "专项检查")] == ["日常巡查"]

    sheet_path = tmp_path / "十二月检查.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["检查日期", "被检查单位", "检查人员", "检查方式", "发现问题"])
    book.active.append(["2026-11-20", "平江县安定红星砖厂", "赵六、钱七", "日常巡查", "窑顶护栏松动"])
    book.save(sheet_path)
    answer_dialog(lambda dialog: qtbot.mouseClick(dialog.import_button, Qt.LeftButton))
    page.import_excel(str(sheet_path))
    assert said[-1].startswith("已导入检查记录 1 条")
    assert page.count_label.text() == "共 2 条", "日常巡查 is still the filter"
    assert "窑顶护栏松动" in {page.model.row(r)["findings"] for r in range(2)}


def test_a_dialog_answered_keeps_no_draft_when_the_program_closes(qtbot, window, session, unit, answer_dialog):
    from pjdesk.services import drafts

    window.show_page("检查")
    page = window.page("检查")

    def cancel(dialog):
        type_into(dialog.form.editor("findings"), "消防通道堆放杂物")
        dialog.keep_draft_now()  # as the timer does while the officer types
        dialog.reject()

    answer_dialog(cancel)
    qtbot.mouseClick(page.new_button, Qt.LeftButton)
    assert drafts.load_draft(session, "inspection-new") is None, "取消 discards the draft"
    window.close()  # asks every dialog still among the window's children for its draft
    assert drafts.load_draft(session, "inspection-new") is None


def test_a_date_filter_is_picked_from_its_calendar_made_when_first_opened(qtbot, session):
    """A calendar costs each date field ~4 ms, and a page or form has many: it is made when its menu first opens."""
    from PySide6.QtCore import QDate

    from pjdesk.ui.record_form import DateField

    page = RecordPage(session, INSPECTION)
    qtbot.addWidget(page)
    field = page.findChildren(DateField)[0]
    assert field.calendar is None
    field.edit.setText("2026-3-5")
    field.button.menu().aboutToShow.emit()
    assert field.calendar.selectedDate() == QDate(2026, 3, 5), "it opens on the date typed"
    assert field.calendar.locale().language() == field.calendar.locale().Language.Chinese
    field.calendar.clicked.emit(QDate(2026, 11, 2))
    assert field.value() == "2026-11-02"
    field.button.menu().aboutToShow.emit()
    assert len(field.button.menu().actions()) == 1, "one calendar, however often it is opened"
