"""The PDF preview: zoom by Ctrl+wheel, buttons and keys, fit width, whole page and 100%, page navigation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QApplication
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from pjdesk.ui.pdf_preview import PdfPreview


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "three.pdf"
    drawing = canvas.Canvas(str(path), pagesize=landscape(A4))
    for number in range(1, 4):
        drawing.drawString(72, 500, f"page {number}")
        drawing.showPage()
    drawing.save()
    return path


@pytest.fixture
def preview(qtbot, pdf):
    document = QPdfDocument()
    document.load(str(pdf))
    widget = PdfPreview(document)
    widget.document_keeper = document  # the page that owns the preview owns its document
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()
    return widget


def wheel(widget, notches: int, modifiers=Qt.ControlModifier) -> None:
    viewport = widget.view.viewport()
    where = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(where, viewport.mapToGlobal(where), QPoint(), QPoint(0, 120 * notches), Qt.NoButton,
                        modifiers, Qt.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)
    QApplication.processEvents()


def percent(widget) -> int:
    return int(widget.zoom_label.text().rstrip("%"))


def test_it_opens_fitted_to_the_width_and_says_the_zoom(preview):
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert preview.fit_width_button.isChecked()
    assert preview.page_count.text() == "共 3 页"
    assert preview.page_box.text() == "第 1 页"
    # 900 pixels wide on a 96-dpi screen, A4 landscape (842 pt = 1123 px at 100%): a little under 80%.
    assert 70 <= percent(preview) <= 80


def test_ctrl_wheel_zooms_and_a_plain_wheel_scrolls(preview):
    before = percent(preview)
    wheel(preview, 2)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert percent(preview) == round(before * 1.25 * 1.25) or abs(percent(preview) - before * 1.5625) <= 1
    assert not preview.fit_width_button.isChecked()
    wheel(preview, -1)
    assert abs(percent(preview) - before * 1.25) <= 1
    zoomed, scrolled = percent(preview), preview.view.verticalScrollBar().value()
    wheel(preview, -1, Qt.NoModifier)
    assert percent(preview) == zoomed, "without Ctrl the wheel scrolls"
    assert preview.view.verticalScrollBar().value() > scrolled


def test_100_percent_whole_page_and_fit_width(qtbot, preview):
    qtbot.mouseClick(preview.actual_size_button, Qt.LeftButton)
    assert preview.view.zoomFactor() == 1.0 and preview.zoom_label.text() == "100%"
    qtbot.mouseClick(preview.zoom_in_button, Qt.LeftButton)
    assert preview.zoom_label.text() == "125%"
    qtbot.mouseClick(preview.fit_page_button, Qt.LeftButton)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitInView and preview.fit_page_button.isChecked()
    whole = percent(preview)
    assert whole < 75, "the whole page is smaller than the width"
    qtbot.mouseClick(preview.fit_width_button, Qt.LeftButton)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth and percent(preview) > whole
    for _ in range(12):
        qtbot.mouseClick(preview.zoom_in_button, Qt.LeftButton)
    assert preview.zoom_label.text() == "400%" and not preview.zoom_in_button.isEnabled()


def test_keys_zoom_when_the_preview_has_the_focus(qtbot, preview):
    preview.view.setFocus()
    qtbot.keyClick(preview.view, Qt.Key_0, Qt.ControlModifier)
    assert preview.zoom_label.text() == "100%"
    qtbot.keyClick(preview.view, Qt.Key_Minus, Qt.ControlModifier)
    assert preview.zoom_label.text() == "80%"


def test_pages_are_turned_and_the_box_follows_scrolling(qtbot, preview):
    assert not preview.previous_button.isEnabled()
    qtbot.mouseClick(preview.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: preview.current_page() == 1)
    assert preview.page_box.text() == "第 2 页" and preview.previous_button.isEnabled()
    preview.page_box.setValue(3)
    qtbot.waitUntil(lambda: preview.current_page() == 2)
    assert not preview.next_button.isEnabled()
    bar = preview.view.verticalScrollBar()
    bar.setValue(0)
    qtbot.waitUntil(lambda: preview.page_box.text() == "第 1 页")
    # Zooming keeps the page being read in view.
    preview.go_to(1)
    qtbot.waitUntil(lambda: preview.current_page() == 1)
    qtbot.mouseClick(preview.actual_size_button, Qt.LeftButton)
    QApplication.processEvents()
    assert preview.current_page() == 1
