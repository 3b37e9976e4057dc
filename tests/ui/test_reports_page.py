"""The 报表 page: build a return in the background, preview it, print it through QPrinter, freeze it."""

from __future__ import annotations

import re

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QRadioButton

from pjdesk.services import hazards
from pjdesk.ui.main_window import MainWindow
from tests.ui.conftest import press


def test_build_preview_print_and_freeze(qtbot, session, unit, tmp_path, answer_dialog):
    hazards.record_hazard(session, {"unit_id": unit, "description": "配电箱电线老化", "found_date": "2026-10-08",
                                    "deadline": "2026-10-20"})
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.show_page("报表")
    page = window.reports
    assert page.month_box.currentText() == "2026年10月"  # last month: the one to report
    assert not page.print_button.isEnabled()
    page.reviewer.setText("李局长")
    assert page.findChild(QRadioButton, "form_表1").isChecked(), "表1, the comprehensive month, comes first"
    page.findChild(QRadioButton, "form_表2").setChecked(True)
    qtbot.mouseClick(page.build_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.built is not None, timeout=15000)
    assert page.document.pageCount() == 1
    assert page.caption.text().startswith("表2　隐患排查治理统计表　2026年10月")
    assert page.print_button.isEnabled() and page.freeze_button.isEnabled()

    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    page.print_to(printer)
    qtbot.waitUntil(lambda: page.printing is None, timeout=20000)
    assert page.last_print.printed == 1
    printed = PdfReader(tmp_path / "printed.pdf")
    width, height = (float(v) for v in printed.pages[0].mediabox[2:])
    assert width > height  # landscape, as the return is drawn
    assert abs(width - 842) < 3 and abs(height - 595) < 3  # A4

    seen = {}

    def decline(box):
        seen["asked"] = box.text() + "\n" + box.informativeText()
        press(box, "取消")

    answer_dialog(decline)
    qtbot.mouseClick(page.freeze_button, Qt.LeftButton)
    assert "冻结 表2　隐患排查治理统计表　2026年10月？" in seen["asked"] and "作为签字报送的版本" in seen["asked"]
    assert page.frozen.rowCount() == 0, "declined: nothing frozen"
    answer_dialog(lambda box: press(box, "冻结"))
    qtbot.mouseClick(page.freeze_button, Qt.LeftButton)
    assert page.frozen.rowCount() == 1
    assert (page.frozen.item(0, 0).text(), page.frozen.item(0, 1).text()) == ("2026年10月", "表2")
    # When, as a clerk writes it (12月7日 15:40), whole in its column; the minute and who froze it in the tip.
    when = page.frozen.item(0, 2)
    assert re.fullmatch(r"11月29日 \d\d:\d\d", when.text()), when.text()
    assert "由 " in when.toolTip() and "冻结" in when.toolTip()
    metrics = page.frozen.fontMetrics()
    assert all(metrics.horizontalAdvance(page.frozen.item(0, c).text()) + 8 <= page.frozen.columnWidth(c)
               for c in range(3)), "not cut off"
    page.frozen.selectRow(0)
    page.open_frozen()
    assert page.caption.text().startswith("已冻结：表2")
