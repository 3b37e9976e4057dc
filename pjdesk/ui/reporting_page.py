"""报送情况 (county): a township × month grid of who reported on time, late, partly or not at all, the last
month ended in one line, and the deadline the county sets (the usual day of the next month, or a date for
one month)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.services import reporting
from pjdesk.services.reporting import DUE, LATE, MISSING, NOT_DUE, ON_TIME, PARTIAL

from .widgets import make_button

# status → (background, text colour)
COLOURS = {
    ON_TIME: ("#e3f2e5", "#1b6b2c"),
    LATE: ("#fff0c2", "#7a5300"),
    PARTIAL: ("#ffdcbd", "#9c4400"),
    MISSING: ("#fbd9d7", "#a1221b"),
    DUE: ("#e1e8f2", "#3a5577"),
}
YEARS_SHOWN = 5


class ReportingPage(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.grid: reporting.Grid | None = None
        today = session.today()

        heading = QLabel("报送情况")
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.year_box = QComboBox()
        self.year_box.setObjectName("reporting_year")
        for year in range(today.year, today.year - YEARS_SHOWN, -1):
            self.year_box.addItem(f"{year}年", year)
        self.year_box.currentIndexChanged.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year_box)
        top.addStretch(1)
        for status, hint in ((ON_TIME, "截止日前收到"), (LATE, "截止日后收到"), (PARTIAL, "有文件缺失"),
                             (MISSING, "已过截止日"), (DUE, "未到截止日")):
            top.addWidget(_legend(status, hint))

        self.summary = QLabel()
        self.summary.setObjectName("reporting_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.summary.setStyleSheet("font-size: 14px; padding: 2px 0;")

        self.table = QTableWidget(0, 12)
        self.table.setObjectName("reporting_grid")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setHorizontalHeaderLabels([f"{m}月" for m in range(1, 13)])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(80)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setStyleSheet("QTableWidget { gridline-color: #d0d0d0; }")
        self.codes: list[str] = []

        self.deadline_day = QSpinBox()
        self.deadline_day.setObjectName("deadline_day")
        self.deadline_day.setRange(1, 28)
        self.deadline_day.setPrefix("次月 ")
        self.deadline_day.setSuffix(" 日")
        self.deadline_day.valueChanged.connect(self.set_deadline_day)
        self.deadline_month = QComboBox()
        self.deadline_month.setObjectName("deadline_month")
        self.deadline_month.currentIndexChanged.connect(self._show_month_deadline)
        self.deadline_date = QDateEdit()
        self.deadline_date.setObjectName("deadline_date")
        self.deadline_date.setCalendarPopup(True)
        self.deadline_date.setDisplayFormat("yyyy-MM-dd")
        set_button = make_button("设为该月截止日", "set_month_deadline", self.set_month_deadline)
        clear_button = make_button("恢复通常截止日", "clear_month_deadline", self.clear_month_deadline)
        self.overrides = QLabel()
        self.overrides.setObjectName("deadline_overrides")
        self.overrides.setStyleSheet("color: #555;")
        deadlines = QHBoxLayout()
        deadlines.addWidget(QLabel("通常截止日"))
        deadlines.addWidget(self.deadline_day)
        deadlines.addSpacing(24)
        deadlines.addWidget(QLabel("单月截止日"))
        for widget in (self.deadline_month, self.deadline_date, set_button, clear_button):
            deadlines.addWidget(widget)
        deadlines.addSpacing(12)
        deadlines.addWidget(self.overrides, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(deadlines)
        self.refresh()

    # --- the grid ---------------------------------------------------------------------------------------------
    def year(self) -> int:
        return self.year_box.currentData()

    def refresh(self) -> None:
        """Read the grid again (after an import, a deadline change, another year)."""
        self.grid = reporting.report_grid(self.session, self.year())
        self.deadline_day.blockSignals(True)
        self.deadline_day.setValue(reporting.deadline_day(self.session))
        self.deadline_day.blockSignals(False)
        self._fill_grid(self.grid)
        self._show_summary()
        self._fill_deadline_months()

    def cell(self, code: str, month_key: str) -> QTableWidgetItem:
        """The grid's item of a township (9-digit code) and a month (YYYY-MM)."""
        month = int(month_key[5:])
        return self.table.item(self.codes.index(code), month - 1)

    def _fill_grid(self, grid: reporting.Grid) -> None:
        today = self.session.today()
        overrides = reporting.month_deadlines(self.session)
        self.codes = [row.code for row in grid.rows]
        self.table.setRowCount(len(grid.rows))
        self.table.setVerticalHeaderLabels([row.name for row in grid.rows])
        for col, month in enumerate(grid.months):
            header = self.table.horizontalHeaderItem(col)
            due = reporting.deadline(self.session, month, overrides=overrides)
            special = "（单独设定）" if month.key in overrides else ""
            header.setText(f"{month.month}月*" if special else f"{month.month}月")
            header.setToolTip(f"{month.label}的报送截止日：{_day(due)}{special}")
        for row, township in enumerate(grid.rows):
            for col, month in enumerate(grid.months):
                cell = township.cells[month.key]
                item = QTableWidgetItem(cell.text)
                item.setTextAlignment(Qt.AlignCenter)
                item.setData(Qt.UserRole, cell.status)
                if cell.status in COLOURS:
                    fill, colour = COLOURS[cell.status]
                    item.setBackground(QBrush(QColor(fill)))
                    item.setForeground(QBrush(QColor(colour)))
                item.setToolTip(_tooltip(township.name, month, cell, today))
                self.table.setItem(row, col, item)

    def _show_summary(self) -> None:
        month = Month.of(self.session.today()).previous()  # the last month ended
        grid = self.grid if month.year == self.year() else reporting.report_grid(self.session, month.year)
        cells = [(row.name, row.cells[month.key]) for row in grid.rows]
        statuses = [cell.status for _, cell in cells]
        if all(s == NOT_DUE for s in statuses):
            if not any(cell.arrived for row in grid.rows for cell in row.cells.values()):
                self.summary.setText(f"{month.label}：尚未收到乡镇的交换文件。到“数据交换”导入后，这里显示各乡镇每月的报送情况。")
            else:
                self.summary.setText(f"{month.label}：截止日早于县级开始接收交换文件，不统计报送情况。")
            return
        reported = sum(s in (ON_TIME, LATE, PARTIAL) for s in statuses)
        missing = [name for name, cell in cells if cell.status == MISSING]
        due = [name for name, cell in cells if cell.status == DUE]
        text = (f"{month.label}：已报 {reported}，逾期 {statuses.count(LATE)}，不完整 {statuses.count(PARTIAL)}，"
                f"未报送 {len(missing)}")
        if missing:
            text += f"（{'、'.join(missing)}）"
        if due:
            deadline = reporting.deadline(self.session, month)
            text += f"；待报送 {len(due)}（截止 {deadline.month}月{deadline.day}日）：{'、'.join(due)}"
        self.summary.setText(text)

    # --- deadlines ----------------------------------------------------------------------------------------------
    def set_deadline_day(self, day: int) -> None:
        try:
            reporting.set_deadline_day(self.session, day)
        except PjdeskError as e:
            QMessageBox.warning(self, "未设定", str(e))
            return
        self.refresh()

    def _months(self) -> list[Month]:
        return self.grid.months if self.grid else []

    def _fill_deadline_months(self) -> None:
        chosen = self.deadline_month.currentData()
        self.deadline_month.blockSignals(True)
        self.deadline_month.clear()
        for month in self._months():
            self.deadline_month.addItem(month.label, month.key)
        last_ended = Month.of(self.session.today()).previous().key
        index = self.deadline_month.findData(chosen if chosen in (m.key for m in self._months()) else last_ended)
        self.deadline_month.setCurrentIndex(max(index, 0))
        self.deadline_month.blockSignals(False)
        self._show_month_deadline()
        overrides = reporting.month_deadlines(self.session)
        shown = [f"{Month.parse(key).label} → {_day(dt.date.fromisoformat(value))}" for key, value in sorted(overrides.items())
                 if key.startswith(f"{self.year()}-")]
        self.overrides.setText(f"* 单独设定：{'；'.join(shown)}" if shown else "")

    def _chosen_month(self) -> Month | None:
        key = self.deadline_month.currentData()
        return Month.parse(key) if key else None

    def _show_month_deadline(self) -> None:
        month = self._chosen_month()
        if month is not None:
            due = reporting.deadline(self.session, month)
            self.deadline_date.setDate(QDate(due.year, due.month, due.day))

    def set_month_deadline(self) -> None:
        month = self._chosen_month()
        if month is None:
            return
        day = self.deadline_date.date().toPython()
        try:
            reporting.set_month_deadline(self.session, month, day)
        except PjdeskError as e:
            QMessageBox.warning(self, "未设定", str(e))
            return
        self.refresh()

    def clear_month_deadline(self) -> None:
        month = self._chosen_month()
        if month is not None:
            reporting.set_month_deadline(self.session, month, None)
            self.refresh()


def _legend(status: str, hint: str) -> QLabel:
    fill, colour = COLOURS[status]
    chip = QLabel(status)
    chip.setToolTip(hint)
    chip.setFrameShape(QFrame.NoFrame)
    chip.setStyleSheet(f"background: {fill}; color: {colour}; padding: 2px 8px; border-radius: 3px;")
    return chip


def _tooltip(name: str, month: Month, cell: reporting.Cell, today: dt.date) -> str:
    if cell.status == NOT_DUE:
        why = "本月尚未结束" if today <= month.end else "截止日早于县级开始接收交换文件，不统计"
        return f"{name} {month.label}：{why}\n截止日：{_day(cell.deadline)}"
    lines = [f"{name} {month.label}：{cell.status}", f"截止日：{_day(cell.deadline)}"]
    if cell.arrived:
        lines.append(f"收到：{_day(cell.arrived)}")
    if cell.made:
        lines.append(f"乡镇生成文件：{cell.made[:16]}")
    if cell.file_name:
        lines.append(f"文件：{cell.file_name}")
    if cell.missing:
        lines.append(f"缺少该乡镇此前的 {cell.missing} 条变更（有一个文件未收到）；收到后自动补全")
    return "\n".join(lines)


def _day(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"
