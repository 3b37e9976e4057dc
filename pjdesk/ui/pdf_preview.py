"""A PDF on screen to be read before it is printed: page navigation and zoom.

The 台账 fitted to the width of a laptop screen has body text about 6 pixels high, so the preview zooms:
Ctrl+wheel (about the point under the mouse), 放大/缩小 and Ctrl++ / Ctrl+-, 适合宽度, 整页 and 100% (the
paper's own size on this screen). Pages are turned with the buttons or the page box, and the box follows
scrolling. Every PDF the program shows goes through this one widget.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QToolButton, QVBoxLayout, QWidget
from shiboken6 import isValid

MIN_ZOOM, MAX_ZOOM = 0.25, 4.0
STEP = 1.25  # one click of 放大, or one notch of the wheel


class _ZoomingPdfView(QPdfView):
    """QPdfView whose Ctrl+wheel zooms instead of scrolling."""

    wheel_zoom = Signal(float, QPoint)  # factor, the point under the mouse (viewport coordinates)
    resized = Signal()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.ControlModifier:
            notches = event.angleDelta().y() / 120
            if notches:
                self.wheel_zoom.emit(STEP ** notches, event.position().toPoint())
            event.accept()
            return
        super().wheelEvent(event)


class PdfPreview(QWidget):
    """``document`` shown page after page, with a bar of page and zoom controls above it."""

    def __init__(self, document: QPdfDocument, parent=None):
        super().__init__(parent)
        self.document = document
        self.view = _ZoomingPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.wheel_zoom.connect(self._zoom_by)
        self.view.resized.connect(self._refresh)  # a fitted zoom changes with the window
        self.navigator = self.view.pageNavigator()

        self.previous_button = self._tool("上一页", "previous_page", lambda: self.go_to(self.current_page() - 1))
        self.next_button = self._tool("下一页", "next_page", lambda: self.go_to(self.current_page() + 1))
        self.page_box = QSpinBox()
        self.page_box.setObjectName("page_box")
        self.page_box.setPrefix("第 ")
        self.page_box.setSuffix(" 页")
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda number: self.go_to(number - 1))
        self.page_count = QLabel()
        self.page_count.setObjectName("page_count")
        self.zoom_out_button = self._tool("缩小", "zoom_out", lambda: self._zoom_by(1 / STEP), "缩小（Ctrl+-）")
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom_label")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("400%") + 6)
        self.zoom_label.setAlignment(Qt.AlignCenter)
        self.zoom_in_button = self._tool("放大", "zoom_in", lambda: self._zoom_by(STEP), "放大（Ctrl++ 或 Ctrl+滚轮）")
        self.fit_width_button = self._tool("适合宽度", "fit_width", self.fit_width, "页宽与窗口同宽")
        self.fit_page_button = self._tool("整页", "fit_page", self.fit_page, "一页完整显示在窗口中")
        self.actual_size_button = self._tool("100%", "actual_size", self.actual_size, "按纸张实际大小显示（Ctrl+0）")
        for button in (self.fit_width_button, self.fit_page_button):
            button.setCheckable(True)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        for widget in (self.previous_button, self.page_box, self.page_count, self.next_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_width_button,
                       self.fit_page_button, self.actual_size_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        for keys, action in (("Ctrl++", lambda: self._zoom_by(STEP)), ("Ctrl+=", lambda: self._zoom_by(STEP)),
                             ("Ctrl+-", lambda: self._zoom_by(1 / STEP)), ("Ctrl+0", self.actual_size)):
            QShortcut(QKeySequence(keys), self, activated=action, context=Qt.WidgetWithChildrenShortcut)
        document.pageCountChanged.connect(lambda _count: self._refresh())
        document.statusChanged.connect(lambda _status: self._refresh())
        self.navigator.currentPageChanged.connect(lambda _page: self._refresh())
        self.view.zoomFactorChanged.connect(lambda _factor: self._refresh())
        self.view.zoomModeChanged.connect(lambda _mode: self._refresh())
        self._refresh()

    def _tool(self, text: str, name: str, clicked, tip: str = "") -> QToolButton:
        button = QToolButton(text=text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(clicked)
        return button

    # --- pages ---------------------------------------------------------------------------------------------
    def current_page(self) -> int:
        """The page in view, from 0."""
        return self.navigator.currentPage()

    def go_to(self, page: int) -> None:
        count = self.document.pageCount()
        if count and page != self.current_page():
            self.navigator.jump(max(0, min(page, count - 1)), QPointF(), 0)

    # --- zoom ----------------------------------------------------------------------------------------------
    def zoom(self) -> float:
        """The size on screen against the paper's (1.0 = 100%), whichever way it was chosen."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or not self.document.pageCount():
            return self.view.zoomFactor()
        page = self.document.pagePointSize(max(self.current_page(), 0)) * (self.logicalDpiX() / 72)
        margins = self.view.documentMargins()
        width = (self.view.viewport().width() - margins.left() - margins.right()) / page.width()
        if mode == QPdfView.ZoomMode.FitToWidth:
            return width
        return min(width, (self.view.viewport().height() - margins.top() - margins.bottom()) / page.height())

    def set_zoom(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom to ``factor`` (within 25%–400%), keeping the point at ``anchor`` (the middle of the view by
        default) where it is."""
        old = self.zoom()
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        viewport = self.view.viewport()
        anchor = anchor if anchor is not None else QPoint(viewport.width() // 2, viewport.height() // 2)
        across, down = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        x, y = across.value() + anchor.x(), down.value() + anchor.y()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        ratio = factor / old if old else 1
        across.setValue(round(x * ratio - anchor.x()))
        down.setValue(round(y * ratio - anchor.y()))
        self._refresh()

    def _zoom_by(self, step: float, anchor: QPoint | None = None) -> None:
        self.set_zoom(self.zoom() * step, anchor)

    def fit_width(self) -> None:
        self._fit(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self._fit(QPdfView.ZoomMode.FitInView)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def _fit(self, mode) -> None:
        page = self.current_page()
        self.view.setZoomMode(mode)
        self.navigator.jump(max(page, 0), QPointF(), 0)  # stay on the page being read
        self._refresh()

    # --- the bar -------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        if not (isValid(self.document) and isValid(self.view)):
            return  # the window is being closed: the document or the view went first
        count = self.document.pageCount()
        page = self.current_page()
        self.page_box.blockSignals(True)
        self.page_box.setRange(1 if count else 0, max(count, 1) if count else 0)
        self.page_box.setValue(page + 1 if count else 0)
        self.page_box.blockSignals(False)
        self.page_count.setText(f"共 {count} 页" if count else "")
        for widget in (self.page_box, self.zoom_out_button, self.zoom_in_button, self.fit_width_button,
                       self.fit_page_button, self.actual_size_button):
            widget.setEnabled(bool(count))
        self.previous_button.setEnabled(count > 0 and page > 0)
        self.next_button.setEnabled(0 <= page < count - 1)
        mode = self.view.zoomMode()
        self.fit_width_button.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(mode == QPdfView.ZoomMode.FitInView)
        zoom = self.zoom()
        self.zoom_label.setText(f"{round(zoom * 100)}%" if count else "")
        self.zoom_in_button.setEnabled(bool(count) and zoom < MAX_ZOOM - 1e-6)
        self.zoom_out_button.setEnabled(bool(count) and zoom > MIN_ZOOM + 1e-6)
