"""演练's own part of the list page (loaded by record_page.py): “打印演练文书” prints the selected drill's
演练评估报告 or 演练总结, drawn from the record as it is now (no 文号: it is a record of the drill, not an
enforcement document), in the same preview as the inspection documents, to print or save as PDF or Excel.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

from pjdesk.core.errors import PjdeskError
from pjdesk.services import emergency as emergency_service

from .inspection_extras import DocumentPreview

DOCUMENT_NAMES = {"演练评估报告": "drill_report", "演练总结": "drill_summary"}


def extend_page(page) -> None:
    button = page.add_action("打印演练文书", "print_drill_documents", lambda _row: None, own_only=False,
                             tooltip="打印所选演练的演练评估报告或演练总结（按记录当前内容生成）")
    menu = QMenu(button)
    menu.setObjectName("drill_document_menu")
    for doc_type in emergency_service.drill_documents():
        action = menu.addAction(doc_type)
        action.setObjectName(f"print_{DOCUMENT_NAMES[doc_type]}")
        action.triggered.connect(lambda _checked=False, t=doc_type: _print_selected(page, t))
    button.setMenu(menu)
    page.drill_document_menu = menu


def _print_selected(page, doc_type: str):
    row = page.selected_row()
    if row is None:
        return None
    return show_drill_document(page, doc_type, row["id"])


def show_drill_document(page, doc_type: str, drill_id: str):
    """Draw the document and show it to print or save; returns the preview (closed) or None."""
    try:
        printed = emergency_service.print_drill_document(page.session, doc_type, drill_id)
    except PjdeskError as e:
        QMessageBox.warning(page, f"未能打印{doc_type}", str(e))
        return None
    preview = DocumentPreview(printed, page)
    preview.setWindowTitle(doc_type)
    preview.caption.setText(f"{doc_type}　共 {preview.document.pageCount()} 页")
    for label in preview.findChildren(QLabel):
        if label is not preview.caption and "文号" in label.text():
            label.setText("按演练记录的当前内容生成；修改记录后再次打印即为修改后的内容。")
    preview.exec()
    return preview
