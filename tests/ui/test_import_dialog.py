"""The Excel import dialog: the preview shows a bad row's number and reason, remapping works, and a clean
file imports in the background."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from pjdesk.core.hazard import HazardFilter
from pjdesk.services import hazards
from pjdesk.ui.import_dialog import ImportDialog


def ledger_file(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["安定镇隐患排查治理台账"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "单位名称", "隐患内容", "发现日期", "整改期限", "检查人员备注"])
    for row in rows:
        sheet.append(row)
    sheet.append(["填表人：张三", None, None, "审核人：李四"])
    book.save(path)
    return path


def test_the_preview_names_the_bad_row_and_writes_nothing(qtbot, session, tmp_path):
    path = ledger_file(tmp_path / "台账.xlsx", [
        [1, "安定大酒店", "安全出口上锁", "2026-03-05", "2026-03-20", ""],
        [2, "安定大酒店", "灭火器过期", "2026-13-01", "2026-03-20", ""],
    ])
    dialog = ImportDialog(session, path)
    qtbot.addWidget(dialog)
    assert dialog.refused.rowCount() == 1
    assert dialog.refused.item(0, 0).text() == "第 4 行"
    assert "发现日期" in dialog.refused.item(0, 1).text() and "2026-13-01" in dialog.refused.item(0, 1).text()
    assert not dialog.import_button.isEnabled()
    assert "有 1 行不能导入" in dialog.summary.text()
    assert hazards.count_hazards(session, HazardFilter()) == 0


def test_a_column_mapped_by_hand_and_a_clean_import(qtbot, session, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    path = ledger_file(tmp_path / "台账.xlsx", [
        [1, "安定大酒店", "安全出口上锁", "2026-03-05", "2026-03-20", "住建联合检查"],
        [2, "平江县安定化工有限公司", "配电箱电线老化", "2026年3月6日", "2026/3/30", ""],
    ])
    dialog = ImportDialog(session, path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.import_button.text() == "导入 2 条"
    unmapped = next(r for r in range(dialog.mapping.rowCount()) if dialog.mapping.item(r, 1).text() == "检查人员备注")
    combo = dialog.mapping.cellWidget(unmapped, 2)
    combo.setCurrentIndex(combo.findData("hazard.found_by"))
    qtbot.mouseClick(dialog.recheck, Qt.LeftButton)
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=15000)
    rows = {r["description"]: r for r in hazards.list_hazards(session, HazardFilter())}
    assert set(rows) == {"安全出口上锁", "配电箱电线老化"}
    assert rows["配电箱电线老化"]["found_date"] == "2026-03-06"
    detail = hazards.hazard_detail(session, rows["安全出口上锁"]["id"])
    assert detail["hazard"]["found_by"] == "住建联合检查"
    assert detail["unit"]["name"] == "安定大酒店"


def test_an_inspection_sheet_with_a_unit_taken_from_the_offered_match(qtbot, session, unit, tmp_path, monkeypatch):
    from pjdesk.services.record_export import records_data

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["检查日期", "被检查单位", "检查人员", "检查方式", "发现问题"])
    sheet.append(["2026-03-05", "安定化工公司", "张三、李四", "专项检查", "储罐区防雷未检测"])
    sheet.append(["2026-03-06", "安定镇便民超市", "张三、王五", "日常巡查", "灭火器过期"])
    path = tmp_path / "检查台账.xlsx"
    book.save(path)

    dialog = ImportDialog(session, path, kind="inspections")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "从 Excel 导入检查记录"
    assert "新建单位 2 家" in dialog.summary.text() and dialog.import_button.text() == "导入 2 条"
    assert dialog.unit_matches.rowCount() == 1 and dialog.unit_matches.item(0, 0).text() == "安定化工公司"
    combo = dialog.unit_matches.cellWidget(0, 1)
    combo.setCurrentIndex(combo.findData(unit))
    qtbot.mouseClick(dialog.recheck, Qt.LeftButton)
    assert "新建单位 1 家，匹配已有单位 1 家" in dialog.summary.text()
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=15000)

    rows = {r["findings"]: r for r in records_data(session, "inspections")}
    assert rows["储罐区防雷未检测"]["unit_id"] == unit and rows["储罐区防雷未检测"]["incomplete"] == 1
    assert [o["name"] for o in rows["灭火器过期"]["officers"]] == ["张三", "王五"]
    assert dialog.outcome.changed["inspection"] == frozenset(r["id"] for r in rows.values())
