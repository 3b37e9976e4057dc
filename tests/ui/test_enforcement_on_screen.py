"""Inspections on screen: the 工作台 shows their targets beside the hazard ones (T05 as a rate, T25 and T26 as
counts, on a township counted toward the county's figure), and the 报表 page builds 表4."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QRadioButton

from pjdesk.core.inspection import INSPECTION
from pjdesk.services.records import save_record
from pjdesk.ui.main_window import MainWindow

OFFICERS = [{"name": "李明", "cert_no": "43060011"}, {"name": "王芳", "cert_no": "43060012"}]


@pytest.fixture
def window(qtbot, session):
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    return w


def test_dashboard_shows_t05_t25_and_t26(qtbot, window, session, unit):
    save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "计划执法", "officers": OFFICERS})
    window.dashboard.refresh()
    labels = window.dashboard.target_labels
    qtbot.waitUntil(lambda: {"T05", "T25", "T26"} <= set(labels) and "100.0%" in labels["T05"].text(),
                    timeout=10000)
    assert "年内至少执法检查一次的高危企业数 1 ÷ 高危企业总数 1" in labels["T05"].toolTip()
    assert "<b>1</b>" in labels["T25"].text() and "检查企业数 1" in labels["T25"].toolTip()
    assert "全县目标 ≥52家（本乡镇的数计入全县，不单独考核）" in labels["T25"].toolTip()
    assert "<b>0</b>" in labels["T26"].text()


def test_the_reports_page_builds_table4(qtbot, window, session, unit):
    save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-10-10", "mode": "双随机", "officers": OFFICERS})
    window.show_page("报表")
    page = window.reports
    button = page.findChild(QRadioButton, "form_表4")
    assert button is not None and "监管执法" in button.text() and "监管执法统计表" in button.toolTip()
    button.setChecked(True)
    qtbot.mouseClick(page.build_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.built is not None, timeout=15000)
    assert page.caption.text().startswith("表4　监管执法统计表　2026年10月")
    assert page.built.filled.total["inspections"] == 1
