"""Printing a PDF that pjdesk wrote: each page rendered at the printer's resolution, in the page's own
size and orientation (A4 landscape for most returns), so what comes out matches the preview."""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter


def page_layout_of(document: QPdfDocument) -> QPageLayout:
    size = document.pagePointSize(0)
    landscape = size.width() > size.height()
    page = QPageSize(QSizeF(min(size.width(), size.height()), max(size.width(), size.height())), QPageSize.Point)
    orientation = QPageLayout.Landscape if landscape else QPageLayout.Portrait
    return QPageLayout(page, orientation, QMarginsF(0, 0, 0, 0))


def prepare_printer(printer: QPrinter, document: QPdfDocument) -> None:
    printer.setPageLayout(page_layout_of(document))
    printer.setFullPage(True)
    printer.setFromTo(1, document.pageCount())


def print_document(document: QPdfDocument, printer: QPrinter) -> int:
    """Print the pages the printer's range asks for; returns how many were printed."""
    first, last = printer.fromPage() or 1, printer.toPage() or document.pageCount()
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("printer refused to start")
    printed = 0
    try:
        for number in range(first - 1, min(last, document.pageCount())):
            if printed:
                printer.newPage()
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            page = document.pagePointSize(number)
            scale = min(target.width() / page.width(), target.height() / page.height())
            size = QSize(int(page.width() * scale), int(page.height() * scale))
            image = document.render(number, size)
            painter.drawImage(QRectF(QPointF(0, 0), QSizeF(size)), image)
            printed += 1
    finally:
        painter.end()
    return printed
