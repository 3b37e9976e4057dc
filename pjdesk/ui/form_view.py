"""A filled form (the county's 汇总, the ranking, any return) on screen as the paper shows it, with 打印…,
另存 PDF… and 另存 Excel…; and the page that shows a month's form, made in the background.

The cells are the forms engine's ``build_table``: the same header spans, texts and 合计 the PDF and the XLSX
print, so the screen never disagrees with the paper. Printing prints the engine's PDF of the form shown and
saving writes the engine's files, rendered from the very form on screen (not filled again).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QGuiApplication
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.periods import Month
from pjdesk.services import form_output
from pjdesk.services import returns as return_service

from .pdf_printing import print_dialog_for, print_from
from .saving import ask_save_path, say_saved
from .tasks import run_task
from .widgets import make_button

HEADER_FILL = "#e6e6e6"  # as the PDF shades its header rows
TOTAL_FILL = "#f2f2f2"
MARKED_FILL, MARKED_TEXT = "#fde4e4", "#a1221b"
CELL_PADDING = 14  # pixels left and right of a cell's text, together
HEADER_EMS = 6  # a header label longer than this many characters goes onto balanced lines
FILTERS = {"pdf": "PDF 文件 (*.pdf)", "xlsx": "Excel 表格 (*.xlsx)"}


class FormView(QWidget):
    """Shows one ``FilledForm``; pages put their own choosers (the month) at the left of ``tools``."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.filled = None  # the FilledForm shown
        self._stem = ""
        self._pdf: Path | None = None  # the engine's PDF of the form shown, made when first printed
        self._header_rows = 0
        self.document = QPdfDocument(self)
        self.printing = None  # the background print run, while there is one
        self.last_print = None  # what the last print run did (PrintResult), None if it failed

        self.print_button = make_button("打印…", "print_form", self.print_dialog)
        self.save_pdf_button = make_button("另存 PDF…", "save_form_pdf", lambda: self.save_as("pdf"))
        self.save_xlsx_button = make_button("另存 Excel…", "save_form_xlsx", lambda: self.save_as("xlsx"))
        self.tools = QHBoxLayout()
        self.tools.setContentsMargins(0, 0, 0, 0)
        self.tools.addStretch(1)
        for button in (self.print_button, self.save_pdf_button, self.save_xlsx_button):
            self.tools.addWidget(button)

        self.title = QLabel()
        self.title.setObjectName("form_title")
        self.title.setAlignment(Qt.AlignCenter)
        self.title.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.details = QLabel()
        self.details.setObjectName("form_details")
        self.details.setAlignment(Qt.AlignCenter)
        self.details.setStyleSheet("color: #444;")
        self.notes = QLabel()
        self.notes.setObjectName("form_notes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555;")
        self.table = QTableWidget()
        self.table.setObjectName("form_table")
        self.table.horizontalHeader().hide()
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setStyleSheet("QTableWidget { gridline-color: #8c8c8c; }")
        # As big as the paper's table and centred, not a grid stretched over the page; a scroll bar, when the
        # rows do not fit, is added beside the columns rather than over the last one.
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.AdjustToContents)
        self.table.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self.table.verticalScrollBar().rangeChanged.connect(self._room_for_scroll_bar)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self.tools)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.table, 0, Qt.AlignHCenter)
        layout.addWidget(self.notes, 0, Qt.AlignHCenter)
        layout.addStretch(1)
        self.clear("")

    # --- showing ------------------------------------------------------------------------------------------
    def clear(self, message: str) -> None:
        """No form: the message (what is being made, or why there is nothing) where the title goes."""
        self.filled, self._pdf = None, None
        self.document.close()
        self.title.setText(message)
        self.details.setText("")
        self.notes.setText("")
        self.title.setToolTip("")
        self.table.clearSpans()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self._enable_actions(False)

    def show_form(self, filled, file_stem: str | None = None, marked: Iterable[int] = ()) -> None:
        """Show ``filled``; the body rows whose indexes are in ``marked`` are highlighted (约谈 in the ranking).

        ``file_stem`` names the files it is printed and saved as (the returns engine's file name).
        """
        form = form_output.table_of(filled)
        self.filled, self._pdf = filled, None
        self.document.close()
        self._stem = file_stem or form_output.file_stem(filled)
        self.title.setText(filled.spec.title)
        self.details.setText(form_output.caption(filled))
        self._fill(form, set(marked))
        notes = "\n".join(form_output.notes_of(filled))
        self.notes.setText(notes)
        self.title.setToolTip(notes)
        self._place_notes()
        self._enable_actions(True)

    def shown_rows(self) -> list[list[str]]:
        """The texts of the rows under the header, 合计 included, as they are on screen."""
        depth = self._header_rows
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(depth, self.table.rowCount())]

    def header_texts(self) -> list[str]:
        """The header's labels left to right, top row first (a label put on two lines read as one)."""
        return [self.table.item(r, c).text().replace("\n", "") for r in range(self._header_rows)
                for c in range(self.table.columnCount()) if self.table.item(r, c)]

    def row_is_marked(self, index: int) -> bool:
        item = self.table.item(self._header_rows + index, 0)
        return item is not None and item.background().color() == QColor(MARKED_FILL)

    def _fill(self, form, marked: set[int]) -> None:
        table = self.table
        depth = self._header_rows = form.header_rows
        rows = [*form.body, *([form.total] if form.total else [])]
        table.clearSpans()
        table.setRowCount(depth + len(rows))
        table.setColumnCount(len(form.columns))
        bold = QFont(table.font())
        bold.setBold(True)
        for cell in form.header:
            item = _item(cell.text, Qt.AlignCenter, bold, QColor(HEADER_FILL))
            table.setItem(cell.row, cell.col, item)
            if cell.rowspan > 1 or cell.colspan > 1:
                table.setSpan(cell.row, cell.col, cell.rowspan, cell.colspan)
        for index, cells in enumerate(form.body):
            fill, text = (QColor(MARKED_FILL), QColor(MARKED_TEXT)) if index in marked else (None, None)
            for col, (cell, column) in enumerate(zip(cells, form.columns, strict=True)):
                table.setItem(depth + index, col, _item(cell.text, _alignment(column), None, fill, text))
        if form.total:
            for col, (cell, column) in enumerate(zip(form.total, form.columns, strict=True)):
                table.setItem(depth + len(form.body), col,
                              _item(cell.text, _alignment(column), bold, QColor(TOTAL_FILL)))
        self._fit(form, rows, bold)

    def _fit(self, form, rows: list, bold: QFont) -> None:
        """Columns as wide as their figures; a long header label goes onto lines of about equal length."""
        plain, strong = QFontMetrics(self.table.font()), QFontMetrics(bold)
        widths = []
        for col in range(len(form.columns)):
            body = max((plain.horizontalAdvance(r[col].text) for r in form.body), default=0)
            if form.total:
                body = max(body, strong.horizontalAdvance(form.total[col].text))
            widths.append(body)
        for cell in form.header:
            if cell.colspan == 1:
                lines = _balanced_lines(strong, cell.text, widths[cell.col])
                self.table.item(cell.row, cell.col).setText("\n".join(lines))
                widths[cell.col] = max(widths[cell.col], *(strong.horizontalAdvance(line) for line in lines))
        widths = [w + CELL_PADDING for w in widths]
        for cell in form.header:  # a group's label over its columns: widen them evenly if it does not fit
            if cell.colspan > 1:
                span = range(cell.col, cell.col + cell.colspan)
                short = strong.horizontalAdvance(cell.text) + CELL_PADDING - sum(widths[c] for c in span)
                for c in span if short > 0 else ():
                    widths[c] += math.ceil(short / cell.colspan)
        for col, width in enumerate(widths):
            self.table.setColumnWidth(col, width)

        line = plain.height() + 6
        heights = [line] * form.header_rows
        for cell in sorted(form.header, key=lambda c: c.rowspan):
            text = self.table.item(cell.row, cell.col).text()
            needed = strong.lineSpacing() * (text.count("\n") + 1) + 8
            rows_spanned = range(cell.row, cell.row + cell.rowspan)
            short = needed - sum(heights[r] for r in rows_spanned)
            if short > 0:
                heights[rows_spanned[-1]] += short
        for row, height in enumerate(heights):
            self.table.setRowHeight(row, height)
        for row in range(form.header_rows, form.header_rows + len(rows)):
            self.table.setRowHeight(row, line)
        self.table.updateGeometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_notes()

    def _place_notes(self) -> None:
        """The notes (说明) go under the table when the whole table and they fit; else the rows keep the room
        and the notes are the title's tooltip (and on the paper)."""
        width = max(self.table.sizeHint().width(), 480)
        self.notes.setFixedWidth(width)
        needed = self.notes.heightForWidth(width)
        used = self.table.y() + self.table.sizeHint().height() + self.layout().spacing()
        self.notes.setVisible(bool(self.notes.text()) and used + needed <= self.height())

    def _room_for_scroll_bar(self, _minimum: int, maximum: int) -> None:
        policy = Qt.ScrollBarAlwaysOn if maximum > 0 else Qt.ScrollBarAsNeeded
        if self.table.verticalScrollBarPolicy() != policy:
            self.table.setVerticalScrollBarPolicy(policy)
            self.table.updateGeometry()

    def _enable_actions(self, enabled: bool) -> None:
        for button in (self.print_button, self.save_pdf_button, self.save_xlsx_button):
            button.setEnabled(enabled)
        self.print_button.setEnabled(enabled and self.printing is None)  # one print run at a time

    # --- printing and saving ----------------------------------------------------------------------------------
    def pdf_file(self) -> Path:
        """The engine's PDF of the form shown, in the program's scratch folder (made once per form)."""
        if self._pdf is None or not self._pdf.exists():
            folder = return_service.scratch_folder(self.session)
            folder.mkdir(parents=True, exist_ok=True)
            self._pdf = form_output.write_form(self.filled, folder / f"{self._stem}.pdf", "pdf")
        return self._pdf

    def _load_document(self) -> bool:
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            path = self.pdf_file()
        except (OSError, PjdeskError) as e:
            QGuiApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "不能打印", f"生成打印文件时出错：{_reason(e)}")
            return False
        QGuiApplication.restoreOverrideCursor()
        self.document.close()
        self.document.load(str(path))
        return self.document.pageCount() > 0

    def print_dialog(self) -> None:
        if self.filled is None or self.printing is not None or not self._load_document():
            return
        printer = QPrinter(QPrinter.HighResolution)
        dialog = print_dialog_for(printer, self.document, f"打印{self.filled.spec.title}", self)
        if dialog.exec() == QDialog.Accepted:
            self.print_to(printer, configured=True)

    def print_to(self, printer: QPrinter, *, configured: bool = False):
        """Print the form on ``printer`` in the background, each page in the PDF's own size and orientation
        (see pdf_printing); returns the thread, and ``last_print`` says what it did once it is done.

        Printing every page to a PDF file writes the form's own PDF there, whose text stays searchable, rather
        than pictures of its pages. A printer no dialog ``configured`` gets the PDF's paper, keeping its range.
        """
        if self.filled is None or self.printing is not None or not self._load_document():
            return None
        return print_from(self, self.pdf_file(), printer, self.filled.spec.title, self.document,
                          configured=configured, can_print_again=lambda: self.filled is not None)

    def save_as(self, kind: str, path: str | Path | None = None) -> Path | None:
        """Write the form as ``kind`` (pdf or xlsx) to ``path``, or where the user chooses."""
        if self.filled is None:
            return None
        asked = path is None
        if asked:
            path = ask_save_path(self, self.session, "另存为", f"{self._stem}.{kind}", FILTERS[kind])
            if path is None:
                return None
        try:
            written = form_output.write_form(self.filled, path, kind)
        except (OSError, PjdeskError) as e:
            QMessageBox.warning(self, "未保存", f"不能写入 {path}：{_reason(e)}。请换一个文件夹或文件名。")
            return None
        if asked:
            say_saved(self, written, self.filled.spec.title)
        return written


def _item(text: str, alignment, font: QFont | None, fill: QColor | None = None,
          colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(alignment)
    if font is not None:
        item.setFont(font)
    if fill is not None:
        item.setBackground(QBrush(fill))
    if colour is not None:
        item.setForeground(QBrush(colour))
    return item


ALIGNMENT = {form_output.RIGHT: Qt.AlignRight | Qt.AlignVCenter, form_output.CENTRE: Qt.AlignCenter,
             form_output.LEFT: Qt.AlignLeft | Qt.AlignVCenter}


def _alignment(column):
    return ALIGNMENT[form_output.alignment(column)]


def _balanced_lines(metrics: QFontMetrics, text: str, at_least: int) -> list[str]:
    """A header label on one line if short (or as wide as the figures under it), else on lines of about
    equal length: 治理资金（万元） becomes 治理资金 over （万元）, not 治理资金（万 over 元）."""
    limit = max(at_least, HEADER_EMS * metrics.horizontalAdvance("国"))
    if metrics.horizontalAdvance(text) <= limit or len(text) < 2:
        return [text]
    count = math.ceil(metrics.horizontalAdvance(text) / limit)
    size = math.ceil(len(text) / count)
    return [text[i:i + size] for i in range(0, len(text), size)]


def _reason(error: Exception) -> str:
    return os_reason(error) if isinstance(error, OSError) else str(error)


class MonthFormPage(QWidget):
    """A month chooser (the last month ended first) and that month's form, made in the background and shown
    in a ``FormView``. A page says how its form is made (``make``, on the background thread) and shown."""

    making = "正在生成"  # what the page says while it works: 正在生成2026年10月的排名表…
    what = "报表"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.view = FormView(session)
        self.month_box = QComboBox()
        self.month_box.setObjectName("form_month")
        for month in return_service.recent_months(session):
            self.month_box.addItem(month.label, month.key)
        self.month_box.setCurrentIndex(1 if self.month_box.count() > 1 else 0)  # the month to report
        self.month_box.currentIndexChanged.connect(self.refresh)
        self.view.tools.insertWidget(0, QLabel("报告期"))
        self.view.tools.insertWidget(1, self.month_box)
        self.busy = False

    def month(self) -> Month:
        return Month.parse(self.month_box.currentData())

    def refresh(self) -> None:
        """Make the chosen month's form again (after an import, a change of month or of settings)."""
        month = self.month()
        self.busy = True
        doing = f"{self.making}{month.label}的{self.what}"
        self.view.clear(f"{doing}…")

        def done(result) -> None:
            if month == self.month():  # else a newer request is on its way
                self.busy = False
                self.show_made(month, result)

        def failed(message: str) -> None:
            if month == self.month():
                self.busy = False
                self.view.clear(f"未能生成：{message}")

        self.task = run_task(self, self.session, doing, lambda session, progress, cancelled: self.make(session, month),
                             done, failed)

    def make(self, session, month: Month):
        """Runs on the background thread with its own session: returns what ``show_made`` shows."""
        raise NotImplementedError

    def show_made(self, month: Month, made) -> None:
        raise NotImplementedError
