"""目标 (township and county): every row of the work plan (DOMAIN.md §c) for the year to a month's end — its
definition, value, numerator and denominator, the target and 达标 / 未达标 / 暂无数据 / 已录入 in green, red or
grey. A double click lists the records behind the number. On the county: the county's figures or one
township's, and the county's edits of the year's target values and weights (sent down with its targets)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError
from pjdesk.core.kinds import KINDS
from pjdesk.core.periods import Month
from pjdesk.core.townships import station_name, townships
from pjdesk.services import targets as service

from .small_table import fill_rows, small_table
from .widgets import make_button

HEADERS = ("编号", "领域", "指标", "定义", "本期值", "分子", "分母", "目标", "状态")
GREEN, RED, GREY = ("#26734d", "#e6f4ea"), ("#b3261e", "#fdecea"), ("#6b6b6b", "#f1f1f1")
PER_MILLE_NOTE = ("T42 森林火灾受害率：方案原文印作“0.9%”，全国通用的森林火灾受害率以‰计，本页按 0.9‰ 计算"
                  "（待县里确认）。")
COUNTY_WIDE = ""  # the township choice of the county's own figures


def colours(evaluation) -> tuple[str, str]:
    """(text, background) of a row's 状态: green met, red missed, grey without a verdict."""
    return {True: GREEN, False: RED, None: GREY}[evaluation.met]


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) and value % 1 else f"{value:,.0f}"


class TargetsPage(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.evaluations: list = []
        county = session.require_station().is_county

        title = QLabel("工作方案目标（本年 1 月 1 日至所选月末；当月统计到今天）")
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.month = QComboBox()
        self.month.setObjectName("targets_month")
        today = Month.of(session.today())
        month = today
        for _ in range(24):
            self.month.addItem(month.label, month)
            month = month.previous()
        self.township = QComboBox()
        self.township.setObjectName("targets_township")
        self.township.addItem("全县", COUNTY_WIDE)
        for t in townships():
            self.township.addItem(station_name(t.code), t.code)
        self.township.setVisible(county)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(QLabel("月份"))
        bar.addWidget(self.month)
        bar.addWidget(self.township)
        if county:
            bar.addWidget(make_button("修改目标值和权重…", "edit_targets", self.edit_targets))

        self.summary = QLabel()
        self.summary.setObjectName("targets_summary")
        note = QLabel(PER_MILLE_NOTE + "双击一行，列出这个数字背后的记录。没有记录可算的指标在“目标进展”页录入。")
        note.setObjectName("targets_note")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("targets_table")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setWordWrap(True)
        for column, width in enumerate((52, 48, 220, 330, 130, 64, 64, 96, 70)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_records(row))

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(note)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.township.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    # --- reading -----------------------------------------------------------------------------------------
    @property
    def chosen_township(self) -> str:
        return self.township.currentData() or COUNTY_WIDE

    def refresh(self) -> None:
        month = self.month.currentData()
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            if self.chosen_township:
                self.evaluations = service.township_status(self.session, month)[self.chosen_township]
            else:
                self.evaluations = service.target_status(self.session, month, every_row=True)
        finally:
            QApplication.restoreOverrideCursor()
        self._fill()

    def refresh_for(self, changed) -> None:
        """Any record may move a target: read again after a change, when shown."""
        if changed and self.isVisible():
            self.refresh()

    def _fill(self) -> None:
        table = self.table
        table.setRowCount(len(self.evaluations))
        counts: dict[str, int] = {}
        for row, e in enumerate(self.evaluations):
            t, m = e.target, e.measure
            versus = m.versus
            cells = (t.id, t.area, t.name, t.definition, e.shown,
                     "—" if versus else _number(m.numerator), "—" if versus else _number(m.denominator),
                     e.goal.removeprefix("目标 ") or "—", e.status)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(e.explained)
                table.setItem(row, column, item)
            fore, back = colours(e)
            for column in (4, 8):
                table.item(row, column).setForeground(QBrush(QColor(fore)))
                table.item(row, column).setBackground(QBrush(QColor(back)))
            status_font = table.item(row, 8).font()
            status_font.setBold(True)
            table.item(row, 8).setFont(status_font)
            counts[e.status] = counts.get(e.status, 0) + 1
        table.resizeRowsToContents()
        where = station_name(self.chosen_township) if self.chosen_township else (
            "全县" if self.session.require_station().is_county else station_name(self.session.require_station().code))
        said = "，".join(f"{name} {counts[name]}" for name in ("达标", "未达标", "已录入", "暂无数据", "无从比较",
                                                            "计入全县", "不考核") if counts.get(name))
        self.summary.setText(f"{where}：共 {len(self.evaluations)} 项（方案 55 行，T18、T40 各分两项）；{said}")

    def status_of(self, target_id: str) -> str:
        return next(e.status for e in self.evaluations if e.target.id == target_id)

    # --- the records behind a number -------------------------------------------------------------------
    def open_records(self, row: int) -> QDialog | None:
        evaluation = self.evaluations[row]
        found = service.records_behind(self.session, evaluation.target.id, self.month.currentData(),
                                       self.chosen_township or None)
        if found.get("people"):
            from .rate_people_dialog import MISSING, open_rate_people

            self.records_dialog = open_rate_people(self, self.session, evaluation, MISSING)
        else:
            self.records_dialog = RecordsBehindDialog(evaluation, found, self)
            self.records_dialog.setModal(False)
            self.records_dialog.show()
        return self.records_dialog

    # --- the county's edits ----------------------------------------------------------------------------
    def edit_targets(self) -> None:
        dialog = TargetEditDialog(self.session, self)
        if dialog.exec() == QDialog.Accepted:
            self.refresh()


class RecordsBehindDialog(QDialog):
    """The records a target's number was counted from: in the numerator (计入) or in the base only."""

    def __init__(self, evaluation, found: dict, parent=None):
        super().__init__(parent)
        self.setObjectName("records_behind_dialog")
        kind = KINDS[found["kind"]]
        t = evaluation.target
        self.setWindowTitle(f"{t.id} {t.name}：{kind.label}记录")
        rows = found["rows"]
        rate = not evaluation.measure.is_count and not evaluation.measure.versus
        caption = QLabel(f"{evaluation.reckoning}\n共 {len(rows)} 条{kind.label}记录"
                         + ("；“计入”为分子中的记录，其余只计入分母" if rate else ""))
        caption.setWordWrap(True)
        self.table = small_table("records_behind", ("记录", "日期", "计入", "说明"), stretch=3,
                                 widths={0: 260, 1: 90, 2: 50})
        fill_rows(self.table, [(r["title"] or "", r["date"] or "", "是" if r["counted"] else "否", r["note"] or "")
                               for r in rows], [r["id"] for r in rows])
        close = make_button("关闭", "records_behind_close", self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(820, 520)


class TargetEditDialog(QDialog):
    """The county's target values and weights of the year, one row per target; saved with the county's data
    and sent down with its targets."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("target_edit_dialog")
        self.setWindowTitle("修改本年目标值和权重")
        self.plan = service.plan(session)
        self.table = QTableWidget(len(self.plan), 5)
        self.table.setObjectName("target_edits")
        self.table.setHorizontalHeaderLabels(["编号", "指标", "目标值", "单位", "权重"])
        self.table.verticalHeader().hide()
        for row, t in enumerate(self.plan):
            for column, text in enumerate((t.id, t.name, "" if t.target is None else f"{t.target:g}", t.unit,
                                           f"{t.weight:g}")):
                item = QTableWidgetItem(text)
                if column in (0, 1, 3):
                    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                self.table.setItem(row, column, item)
        for column, width in enumerate((56, 380, 80, 60, 60)):
            self.table.setColumnWidth(column, width)
        hint = QLabel("目标值按方案的单位填写（100 表示 100%，T42 的 0.9 表示 0.9‰）；留空表示方案未定数值。"
                      "保存后随下一次导出的交换文件下发到各乡镇。")
        hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("target_edit_error")
        self.error.setStyleSheet("color: #b3261e;")
        save = make_button("保存", "save_target_edits", self.save)
        cancel = make_button("取消", "cancel_target_edits", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(700, 600)

    def edits(self) -> dict[str, dict]:
        edits = {}
        for row, t in enumerate(self.plan):
            target = self.table.item(row, 2).text().strip()
            weight = self.table.item(row, 4).text().strip()
            edits[t.id] = {"target": target or None, "weight": weight or "0"}
        return edits

    def save(self) -> None:
        try:
            service.set_target_edits(self.session, self.edits())
        except PjdeskError as e:
            self.error.setText(str(e))
            return
        self.accept()
