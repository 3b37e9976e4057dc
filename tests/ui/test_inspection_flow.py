"""A real inspection through the window: pick the unit and its sector's checklist fills the dialog, two items
marked 不符合 become hazards, the 现场检查记录 and the 责令限期整改指令书 are printed (saved as PDF and read
back, and sent through QPrinter), and later the review is recorded and the 整改复查意见书 printed."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from pjdesk.core.inspection import INSPECTION
from pjdesk.services import attachments, inspections
from pjdesk.services.records import get_record
from pjdesk.services.units import save_unit
from pjdesk.ui.record_page import RecordPage

OFFICERS = [{"name": "张伟", "cert_no": "43062600118"}, {"name": "刘芳", "cert_no": "43062600125"}]


@pytest.fixture
def modal(qtbot):
    """``modal(name, fill)``: run ``fill`` on the next modal window whose object name (or, for a message box,
    whose text) contains ``name``, while the program waits in its exec(). A failing ``fill`` closes it."""
    failures, pending = [], []

    def schedule(name, fill):
        pending.append(name)

        def run(tries=[0]):  # noqa: B006 - one counter per scheduled answer
            window = QApplication.activeModalWidget()
            shown = window is not None and (name in window.objectName() or (
                isinstance(window, QMessageBox) and name in window.text()))
            if not shown:
                tries[0] += 1
                if tries[0] < 500:
                    QTimer.singleShot(20, run)
                else:
                    failures.append(AssertionError(f"no window “{name}” appeared"))
                return
            pending.remove(name)
            try:
                fill(window)
            except BaseException as e:  # noqa: BLE001 - reported after the window closes
                failures.append(e)
                window.reject()
        QTimer.singleShot(0, run)

    yield schedule
    if failures:
        raise failures[0]
    assert not pending, f"never answered: {pending}"


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def press(button_text):
    return lambda box: box.button(button_text).click()


def test_an_inspection_from_checklist_to_review(qtbot, session, modal, tmp_path):
    shop = save_unit(session, {"name": "平江县安定镇鑫达烟花爆竹零售店", "uscc": "92430626MA4L7K2X3X",
                               "sector": "烟花爆竹", "address": "平江县安定镇安定社区建设路18号",
                               "principal": "李建国", "phone": "13907301234"}).id
    page = RecordPage(session, INSPECTION)
    qtbot.addWidget(page)
    page.show()

    # 1. A new inspection: choosing the unit brings its sector's checklist.
    dialog = page.open_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    extras = dialog.extras
    form, table = dialog.form, extras.items.table
    assert table.rowCount() == 0 and "选择被检查单位后" in extras.banner.text()
    form.editor("date").set_value("2026-11-20")
    unit_box = form.editor("unit_id")
    unit_box.setCurrentIndex(unit_box.findData(shop))
    assert table.rowCount() == 20
    assert "烟花爆竹经营安全检查表，共 20 项" in extras.banner.text()
    assert table.item(4, 0).text() == "YH-05" and table.item(4, 0).foreground().color().name() == "#8c1d18"
    assert "判定依据" in table.item(4, 1).toolTip()
    form.editor("mode").setCurrentText("专项检查")
    for officer in OFFICERS:
        form.child_table("officers").add_row(officer)

    # Two items found wanting, the rest passed.
    for row in (4, 11):
        table.selectRow(row)
        qtbot.mouseClick(dialog.findChild(QPushButton, "mark_failed"), Qt.LeftButton)
    table.clearSelection()
    qtbot.mouseClick(dialog.findChild(QPushButton, "mark_rest_passed"), Qt.LeftButton)
    assert [table.item(r, 2).text() for r in range(20)].count("不符合") == 2
    assert "不符合 2 项（已生成隐患 0 项）" in extras.banner.text()

    # 2. “生成隐患”: the inspection is saved, both items become hazards, the dialog stays open.
    def options(window):
        window.deadline_field.set_value("2026-12-05")
        window.measures_edit.setText("立即整改，整改完成后书面报告")
        window.accept()
    modal("hazard_options", options)
    modal("已生成 2 条隐患", press(QMessageBox.Ok))
    qtbot.mouseClick(dialog.findChild(QPushButton, "make_hazards"), Qt.LeftButton)
    assert dialog.isVisible() and dialog.record_id
    found = inspections.inspection_hazards(session, dialog.record_id)
    assert [(h["level"], h["source"], h["found_by"], h["found_date"], h["deadline"]) for h in found] == [
        ("重大", "乡镇检查", "张伟、刘芳", "2026-11-20", "2026-12-05"),
        ("一般", "乡镇检查", "张伟、刘芳", "2026-11-20", "2026-12-05")]
    assert {table.item(r, 4).text() for r in (4, 11)} == {h["hazard_no"] for h in found}
    assert "已生成隐患 2 项" in extras.banner.text()
    assert page.model.rowCount() == 1  # the list shows the saved inspection already

    # 3. Print the 现场检查记录 and the 责令限期整改指令书: saved as PDF and read, and printed.
    printed = {}

    def keep(doc):
        def fill(preview):
            path = preview.save_as("pdf", str(tmp_path / f"{doc}.pdf"))
            printer = QPrinter(QPrinter.ScreenResolution)  # the same path as a printer's, drawn fast
            printer.setOutputFormat(QPrinter.PdfFormat)
            printer.setOutputFileName(str(tmp_path / f"{doc}-printer.pdf"))
            preview.print_to(printer)  # in the background, the dialog answering meanwhile
            qtbot.waitUntil(lambda: preview.printing is None, timeout=20000)
            printed[doc] = (path, preview.caption.text(), preview.last_print.printed)
            preview.accept()
        return fill

    modal("document_preview", keep("site"))
    dialog.findChild(QPushButton, "print_site_record").click()
    modal("document_preview", keep("order"))
    dialog.findChild(QPushButton, "print_order").click()

    site, caption, pages = printed["site"]
    assert caption.startswith("现场检查记录　平应急（安定）检记〔2026〕1号　共 2 页") and pages == 2
    text = pdf_text(site)
    assert "平江县安定镇鑫达烟花爆竹零售店" in text and "张伟（执法证号：43062600118）" in text
    assert text.count("不符合") == 2 and "2026年11月20日" in text
    order, caption, pages = printed["order"]
    assert caption.startswith("责令限期整改指令书　平应急（安定）责改〔2026〕1号") and pages == 1
    text = pdf_text(order)
    assert all(h["hazard_no"] in text for h in found) and text.count("2026-12-05") == 2
    assert "立即整改，整改完成后书面报告" in text and "现场检查记录：平应急（安定）检记〔2026〕1号" in text
    width, height = (float(v) for v in PdfReader(tmp_path / "order-printer.pdf").pages[0].mediabox[2:])
    assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 portrait, as drawn

    assert dialog.try_save()
    record = get_record(session, INSPECTION, dialog.record_id)
    assert (record["mode"], record["failed_items"], record["officer_names"]) == ("专项检查", 2, "张伟、刘芳")
    assert session.store.db.execute("SELECT COUNT(*) FROM inspection").fetchone()[0] == 1

    # 3b. A photo of the site, attached to the inspection from the list's detail panel.
    inspection_id = dialog.record_id
    assert page.select_record(inspection_id)
    photo = QImage(640, 480, QImage.Format_RGB32)
    photo.fill(QColor(200, 120, 40))
    photo_path = tmp_path / "现场照片.jpg"
    assert photo.save(str(photo_path), "JPEG")
    page.attachments.label_box.setCurrentText("现场")
    page.attachments.add_files([photo_path])
    assert page.attachments.list.count() == 1
    [attached] = attachments.list_attachments(session, INSPECTION, inspection_id)
    assert (attached["label"], attached["name"]) == ("现场", "现场照片.jpg")

    # 4. Later: the review, from the list, and the 整改复查意见书.
    assert page.select_record(inspection_id)

    def review(window):
        assert window.table.rowCount() == 2
        window.set_result(0, True, "超量部分已转移")
        window.set_result(1, False, "灭火器尚未配齐")
        assert window.try_save(), window.message.text()

    modal("review_dialog", review)
    modal("现在打印整改复查意见书吗", press(QMessageBox.Yes))
    modal("document_preview", keep("review"))
    qtbot.mouseClick(page.actions["review_inspection"].button, Qt.LeftButton)

    opinion, caption, _pages = printed["review"]
    assert caption.startswith("整改复查意见书　平应急（安定）复查〔2026〕1号")
    text = pdf_text(opinion)
    assert "《责令限期整改指令书》（平应急（安定）责改〔2026〕1号）" in text
    assert "超量部分已转移" in text and "灭火器尚未配齐" in text and "经复查，第2项" in text
    status = [h["status"] for h in inspections.inspection_hazards(session, inspection_id)]
    assert status == ["复查合格", "整改中"]
    assert page.model.rowCount() == 2  # the review is an inspection of its own (整改复查)
    # Its items name the hazards reviewed by their numbers, not by their ids.
    [review_id] = [r[0] for r in session.store.db.execute("SELECT id FROM inspection WHERE mode = '整改复查'")]
    opened = page.open_dialog(review_id)
    items = opened.form.child_table("items")
    shown = [items.table.item(r, items.column("hazard_id")).text() for r in range(items.table.rowCount())]
    assert sorted(shown) == sorted(h["hazard_no"] for h in found)
    opened.deleteLater()

    # The documents menu reopens what was issued: the same 文号, nothing issued twice.
    page.select_record(inspection_id)
    modal("document_preview", keep("again"))
    next(a for a in page.document_menu.actions() if a.objectName() == "print_order").trigger()
    assert printed["again"][1].startswith("责令限期整改指令书　平应急（安定）责改〔2026〕1号")
    assert "原样重印" in printed["again"][1]
    assert session.store.db.execute("SELECT COUNT(*) FROM document").fetchone()[0] == 3
