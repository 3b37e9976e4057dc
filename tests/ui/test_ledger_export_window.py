"""导出台账 from the 隐患台账 page: the export runs in the background behind a progress dialog; the file holds the
ledger, and 取消 on the dialog leaves no file (and no half-written temporary one) in the folder."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog

from pjdesk.services import hazards as svc
from tests.ui.conftest import press


@pytest.fixture
def page(qtbot, window, unit, session):
    for n, found in enumerate(("2026-11-01", "2026-11-10", "2026-11-20"), 1):
        svc.record_hazard(session, {"unit_id": unit, "description": f"消防通道堵塞{n}", "found_date": found,
                                    "deadline": "2026-12-20"})
    window.show_page("隐患台账")
    return window.page("隐患台账")


def test_the_page_exports_its_ledger_and_says_where(qtbot, page, tmp_path, answer_dialog):
    said = []
    answer_dialog(lambda box: (said.append(box.text()), box.reject()))
    path = tmp_path / "台账.xlsx"
    page.export_excel(str(path))
    qtbot.waitUntil(lambda: bool(said), timeout=15000)
    assert "3 条隐患已保存到" in said[0] and str(path) in said[0]
    sheet = openpyxl.load_workbook(path).active
    assert [sheet.cell(r, 5).value for r in (4, 5, 6)] == ["消防通道堵塞3", "消防通道堵塞2", "消防通道堵塞1"]


def test_cancel_on_the_progress_dialog_leaves_no_file(qtbot, window, page, tmp_path):
    """A cancel is what the clerk asked for: the status bar says it, no warning box has to be dismissed."""
    folder = tmp_path / "导出"
    folder.mkdir()
    path = folder / "台账.xlsx"
    page.export_excel(str(path))
    [dialog] = [d for d in page.findChildren(QProgressDialog) if d.labelText().startswith("正在导出台账")]
    press(dialog, "取消")  # before the first rows are read: the background work opens its own database first
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "已取消导出", timeout=15000)
    assert QApplication.activeModalWidget() is None
    assert list(folder.iterdir()) == []
