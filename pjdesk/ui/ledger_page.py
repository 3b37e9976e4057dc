"""隐患台账: the ledger list (paged, filtered and sorted in SQL), the hazard's history, and its actions."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.hazard import (
    AWAITING_REVIEW,
    CLOSE,
    CLOSED,
    EXTEND,
    FOUND,
    MAJOR,
    NOTICE,
    RECTIFIED,
    RECTIFYING,
    REOPEN,
    REVIEW,
    REVIEWED,
    STATUSES,
    HazardFilter,
    overdue,
)
from pjdesk.core.records import vocabulary
from pjdesk.core.townships import station_name, townships
from pjdesk.services import hazards as hazard_service

from .hazard_dialogs import ask_delete_reason, hazard_dialog, step_dialog
from .record_form import DateField
from .table_model import Column, PagedTableModel
from .widgets import ListDetailSplitter, make_button

STATUS_CHOICES = [("全部状态", {}), ("未销号", {"open_only": True}), ("逾期未整改", {"overdue": True}),
                  *((s, {"statuses": (s,)}) for s in STATUSES)]
DUE_CHOICES = [("不限期限", None), ("3 天内到期", 3), ("7 天内到期", 7), ("30 天内到期", 30)]
# Which steps a status allows (the service checks again; this only greys the buttons).
ALLOWED = {
    FOUND: {NOTICE, RECTIFIED, EXTEND}, RECTIFYING: {RECTIFIED, EXTEND}, AWAITING_REVIEW: {REVIEW, EXTEND},
    REVIEWED: {CLOSE}, CLOSED: {REOPEN},
}
OVERDUE_FG, MAJOR_FG, CLOSED_FG = QColor("#b3261e"), QColor("#8c1d18"), QColor("#6b6b6b")

DETAIL_WIDTH = 400  # the detail panel's width; the list keeps the rest until the divider is dragged


class LedgerPage(QWidget):
    changed = Signal(dict)  # what changed (kind → ids), for the other pages

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.base_filter = HazardFilter()  # set from outside (dashboard card, unit page)
        self._build_filters()
        self.model = PagedTableModel(self._columns(), self._count, self._fetch, self)
        self.model.sort_key = ("found_date", True)
        self.model.row_style = self._row_style
        self.table = QTableView()
        self.table.setObjectName("ledger_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(self._column_index("found_date"), Qt.DescendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for i, c in enumerate(self.model.columns):
            header.resizeSection(i, c.width)
        header.setSectionResizeMode(self._column_index("description"), QHeaderView.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda *_: self.edit_selected())

        self.detail = QTextBrowser()
        self.detail.setObjectName("hazard_detail")
        self.detail.setOpenLinks(False)
        self.buttons = self._build_actions()

        self.count_label = QLabel()
        self.count_label.setObjectName("ledger_count")
        self.filter_label = QLabel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.actions_bar)
        right_layout.addWidget(self.detail)
        splitter = ListDetailSplitter(self.table, right, DETAIL_WIDTH)
        self.splitter = splitter

        layout = QVBoxLayout(self)
        title = QHBoxLayout()
        heading = QLabel("隐患台账")
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        title.addWidget(heading)
        title.addWidget(self.filter_label)
        title.addStretch(1)
        title.addWidget(self.count_label)
        for button in (self.import_button, self.export_button, self.new_button):
            title.addWidget(button)
        layout.addLayout(title)
        layout.addLayout(self.filter_bar)
        layout.addWidget(splitter, 1)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_hazard)
        self._refresh_labels()
        self._show_selected()

    # --- filters ----------------------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.search = QLineEdit(placeholderText="搜索隐患描述、部位、单位名称、拼音首字母或编号（Ctrl+F）")
        self.search.setObjectName("ledger_search")
        self.search.setClearButtonEnabled(True)
        self.status_box = self._combo("status_filter", [(t, v) for t, v in STATUS_CHOICES])
        self.level_box = self._combo("level_filter", [("全部等级", None)] + [(v, v) for v in vocabulary("hazard_level")])
        self.sector_box = self._combo("sector_filter", [("全部行业", None)] + [(v, v) for v in vocabulary("sector")])
        self.source_box = self._combo("source_filter", [("全部来源", None)] + [(v, v) for v in vocabulary("hazard_source")])
        self.tag_box = self._combo("tag_filter", [("全部专项", None)] + [(v, v) for v in vocabulary("hazard_tag")])
        self.due_box = self._combo("due_filter", DUE_CHOICES)
        self.found_from, self.found_to = DateField(), DateField()
        self.found_from.edit.setPlaceholderText("发现日期从")
        self.found_to.edit.setPlaceholderText("到")
        self.found_from.setToolTip("发现日期范围，如 2026-01-01 到 2026-06-30")
        for w in (self.found_from, self.found_to):
            w.edit.setMinimumWidth(96)
            w.edit.setMaximumWidth(110)
        self.township_box = self._combo("township_filter", [("全部乡镇", None)] + [(t.name, t.code) for t in townships()])
        self.township_box.setVisible(self.session.station.is_county)
        self.incomplete_box = QCheckBox("待补充")
        self.clear_button = QToolButton(text="清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        self._debounce = QTimer(self, singleShot=True, interval=250, timeout=self.reload)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.township_box, self.status_box, self.level_box, self.sector_box, self.source_box,
                    self.tag_box, self.due_box):
            box.currentIndexChanged.connect(self.reload)
        for w in (self.found_from, self.found_to):
            w.edit.editingFinished.connect(self.reload)
        self.incomplete_box.toggled.connect(self.reload)
        self.search.setMinimumWidth(300)
        # Two rows: in one, the bar would make the window wider than a 1366-pixel laptop screen.
        first, second = QHBoxLayout(), QHBoxLayout()
        first.addWidget(self.search, 1)
        for w in (self.township_box, self.status_box, self.level_box, self.due_box):
            first.addWidget(w)
        for w in (self.sector_box, self.source_box, self.tag_box, self.found_from, self.found_to,
                  self.incomplete_box, self.clear_button):
            second.addWidget(w)
        second.addStretch(1)
        bar = QVBoxLayout()
        bar.setSpacing(4)
        bar.addLayout(first)
        bar.addLayout(second)
        self.filter_bar = bar

    @staticmethod
    def _combo(name: str, items) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        # Long choices (专项行动 names) must not stretch the bar: show about 7 characters, full text in the list.
        box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(7)
        for text, data in items:
            box.addItem(text, data)
        return box

    def current_filter(self) -> HazardFilter:
        f = self.base_filter
        status = self.status_box.currentData() or {}
        changes = dict(status)
        for key, box in (("township", self.township_box), ("level", self.level_box), ("sector", self.sector_box),
                         ("source", self.source_box), ("tag", self.tag_box)):
            if box.currentData():
                changes[key] = box.currentData()
        if self.due_box.currentData() is not None:
            changes["due_within_days"] = self.due_box.currentData()
        if self.found_from.value() and len(self.found_from.value()) == 10:
            changes["found_from"] = self.found_from.value()
        if self.found_to.value() and len(self.found_to.value()) == 10:
            changes["found_to"] = self.found_to.value()
        if self.incomplete_box.isChecked():
            changes["incomplete"] = True
        changes["text"] = self.search.text().strip()
        return replace(f, **changes)

    def set_filter(self, f: HazardFilter) -> None:
        """Show the ledger filtered as ``f`` (from a dashboard card or a unit): the bar is reset."""
        widgets = (self.township_box, self.status_box, self.level_box, self.sector_box, self.source_box, self.tag_box, self.due_box,
                   self.found_from, self.found_to, self.incomplete_box, self.search)
        for w in widgets:
            w.blockSignals(True)
        self._reset_bar()
        for w in widgets:
            w.blockSignals(False)
        self.base_filter = f
        self.reload()

    def clear_filters(self) -> None:
        self.set_filter(HazardFilter())

    def _reset_bar(self) -> None:
        for box in (self.township_box, self.status_box, self.level_box, self.sector_box, self.source_box,
                    self.tag_box, self.due_box):
            box.setCurrentIndex(0)
        self.found_from.set_value(None)
        self.found_to.set_value(None)
        self.incomplete_box.setChecked(False)
        self.search.clear()

    # --- the table --------------------------------------------------------------------------------------
    def _columns(self) -> list[Column]:
        today = self.session.today

        def overdue_days(_v, r):
            if overdue(r["status"], r["due_date"], today()):
                return f"逾期 {(today() - dt.date.fromisoformat(r['due_date'])).days} 天"
            return ""

        def level(v, r):
            return f"{v}·待补充" if r.get("incomplete") else (v or "")

        county = [Column("township", "乡镇", 90, format=lambda v, _r: station_name(v))] if self.session.station.is_county else []
        return [
            *county, Column("hazard_no", "编号", 150), Column("status", "状态", 90), Column("level", "等级", 86, format=level),
            Column("unit_name", "单位", 200), Column("description", "隐患描述", 300), Column("location", "部位", 110),
            Column("sector", "行业", 90), Column("source", "来源", 80), Column("found_date", "发现日期", 95),
            Column("due_date", "整改期限", 95), Column("resp_person", "责任人", 80),
            Column("overdue", "逾期", 90, sortable=False, format=overdue_days),
        ]

    def _column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.model.columns) if c.key == key)

    def _count(self) -> int:
        return hazard_service.count_hazards(self.session, self.current_filter())

    def _fetch(self, offset: int, limit: int, sort) -> list[dict]:
        return hazard_service.list_hazards(self.session, self.current_filter(), sort=sort, offset=offset, limit=limit)

    def _row_style(self, record: dict):
        if record["status"] == CLOSED:
            return CLOSED_FG, None
        if overdue(record["status"], record["due_date"], self.session.today()):
            return OVERDUE_FG, QColor("#fdecea")
        if record["level"] == MAJOR:
            return MAJOR_FG, None
        return None, None

    def reload(self) -> None:
        """Query again, keeping the selected hazard selected (and in view) when it still matches."""
        selected = self.selected_id()
        old_row = self.table.currentIndex().row()
        self.model.reload()
        self._refresh_labels()
        if selected:
            row = old_row if (r := self.model.row(old_row)) and r["id"] == selected else None
            if row is None:
                row = hazard_service.hazard_position(self.session, self.current_filter(), selected,
                                                     sort=self.model.sort_key)
            if row is not None:
                self.select_row(row)
        self._show_selected()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)

    def select_hazard(self, hazard_id: str) -> None:
        row = hazard_service.hazard_position(self.session, self.current_filter(), hazard_id, sort=self.model.sort_key)
        if row is not None:
            self.select_row(row)

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        record = self.model.row(index.row()) if index.isValid() else None
        return record["id"] if record else None

    def _refresh_labels(self) -> None:
        self.count_label.setText(f"共 {self.model.rowCount():,} 条")
        described = self.base_filter.describe()
        self.filter_label.setText("" if described == "全部" else f"　筛选：{described}")

    # --- detail and actions ----------------------------------------------------------------------------
    def _build_actions(self) -> dict:
        county = self.session.station.is_county
        # The county reads the townships' rows; it adds a hazard only as a 交办 to a township.
        self.new_button = QPushButton("交办隐患…" if county else "登记隐患")
        self.new_button.setObjectName("new_hazard")
        self.new_button.setToolTip("交办给乡镇的重大隐患，随发给该乡镇的交换文件下发" if county else "Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_hazard())
        self.import_button = make_button("从 Excel 导入…", "import_ledger", self.import_excel)
        self.import_button.setVisible(not county)
        self.export_button = make_button("导出 Excel…", "export_ledger", self.export_excel)
        buttons = {}
        bar = QWidget()
        grid = QGridLayout(bar)  # two rows of four: in one row they would squeeze the list
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        for i, (key, text) in enumerate((("edit", "编辑"), (NOTICE, "整改通知"), (RECTIFIED, "整改完成"), (REVIEW, "复查"),
                                         (EXTEND, "延期"), (CLOSE, "销号"), (REOPEN, "撤销销号"), ("delete", "删除"))):
            button = QPushButton(text)
            button.setObjectName(f"action_{key}")
            button.clicked.connect(lambda _=False, k=key: self.act(k))
            grid.addWidget(button, i // 4, i % 4)
            buttons[key] = button
        self.actions_bar = bar
        return buttons

    def _show_selected(self) -> None:
        hazard_id = self.selected_id()
        if not hazard_id:
            for b in self.buttons.values():
                b.setEnabled(False)
            self.detail.setHtml("<p style='color:#666'>在左侧选择一条隐患，这里显示它的详情和全部办理记录。</p>")
            return
        detail = hazard_service.hazard_detail(self.session, hazard_id)
        status = detail["state"].status
        own = detail["hazard"]["township"] == self.session.station.code
        for key, button in self.buttons.items():
            if key == "edit":  # a 销号 hazard's record may still be corrected (what the closure stands on stays)
                button.setEnabled(own)
            elif key == "delete":
                button.setEnabled(own and status != CLOSED)
            else:
                button.setEnabled(own and key in ALLOWED[status])
        self.buttons["edit"].setText("更正" if status == CLOSED else "编辑")
        self.detail.setHtml(detail_html(detail))

    def act(self, key: str) -> None:
        hazard_id = self.selected_id()
        if not hazard_id:
            return
        if key == "edit":
            self.edit_selected()
            return
        if key == "delete":
            reason = ask_delete_reason(self, "隐患")
            if reason:
                self._done(hazard_service.delete_hazard(self.session, hazard_id, reason))
            return
        dialog = step_dialog(self.session, self, hazard_id, key)
        if dialog.exec():
            self._done(dialog.result_value)

    def new_hazard(self, preset: dict | None = None, township: str | None = None) -> None:
        """Record a hazard; on the county, assign one (交办) to a township, asked for unless given."""
        if self.session.station.is_county:
            township = township or self.township_box.currentData() or self._ask_township()
            if not township:
                return
        dialog = hazard_dialog(self.session, self, preset=preset, assign_to=township)
        if dialog.exec():
            self._done(dialog.result_value, select=dialog.result_value.id)

    def _ask_township(self) -> str | None:
        roster = townships()
        name, ok = QInputDialog.getItem(self, "交办隐患", "交办给哪个乡镇（街道）：", [t.name for t in roster], 0, False)
        return next((t.code for t in roster if t.name == name), None) if ok else None

    def edit_selected(self) -> None:
        hazard_id = self.selected_id()
        if not hazard_id:
            return
        dialog = hazard_dialog(self.session, self, hazard_id)
        if dialog.exec():
            self._done(dialog.result_value)

    def _done(self, outcome, select: str | None = None) -> None:
        if outcome is None:
            return
        for warning in outcome.warnings:
            QMessageBox.information(self, "已保存", warning)
        self.reload()
        if select:
            self.select_hazard(select)
        self.changed.emit(dict(outcome.changed))

    def import_excel(self) -> None:
        from .import_dialog import ImportDialog

        path, _ = QFileDialog.getOpenFileName(self, "选择要导入的隐患台账", "", "Excel 表格 (*.xlsx *.xls)")
        if not path:
            return
        dialog = ImportDialog(self.session, path, self)
        if dialog.exec() and dialog.outcome is not None:
            self.reload()
            self.changed.emit({"hazard": frozenset(), "unit": frozenset()})

    def export_excel(self) -> None:
        from pjdesk.services.ledger_export import export_ledger

        from .tasks import run_task

        default = f"{self.session.station.name}隐患台账-{self.session.today():%Y%m%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出隐患台账", default, "Excel 表格 (*.xlsx)")
        if not path:
            return
        f, sort = self.current_filter(), self.model.sort_key
        self.export_thread = run_task(
            self, self.session, "正在导出台账",
            lambda s, progress, cancelled: export_ledger(s, path, f, sort=sort, progress=progress, cancelled=cancelled),
            lambda rows: QMessageBox.information(self, "导出完成", f"已导出 {rows} 条隐患到\n{path}"))


def detail_html(detail: dict) -> str:
    h, state, unit = detail["hazard"], detail["state"], detail["unit"]
    esc = html.escape

    def row(label, value):
        return f"<tr><td style='color:#555;padding-right:8px' nowrap>{label}</td><td>{esc(str(value))}</td></tr>" if value else ""

    badge = "<span style='color:#b3261e;font-weight:600'>　逾期未整改</span>" if detail["overdue"] else ""
    missing = (f"<p style='color:#8c1d18'>待补充：{esc('、'.join(detail['missing']))}</p>" if detail["missing"] else "")
    funds = f"{h['funds'] / 100:,.2f} 元" if h.get("funds") is not None else ""
    parts = [
        f"<h3 style='margin:0'>{esc(h['hazard_no'] or '')}　{esc(state.status)}{badge}</h3>", missing,
        "<table cellspacing=2>",
        row("单位", unit["name"] if unit else ""), row("隐患描述", h["description"]), row("部位", h["location"]),
        row("等级", h["level"]), row("行业", h["sector"]), row("来源", h["source"]),
        row("发现", f"{h['found_date']} {h.get('found_by') or ''}"), row("整改期限", state.due_date),
        row("责任人", " ".join(x for x in (h.get("resp_unit"), h.get("resp_person")) if x)),
        row("整改措施", h.get("measures")), row("资金", funds), row("临时管控", h.get("interim_controls")),
        row("判定依据", h.get("major_basis")), row("专项", (h.get("tags") or "").replace("|", "、")),
        "</table><h4 style='margin-bottom:2px'>办理记录</h4><table cellspacing=2>",
    ]
    for item in detail["history"]:
        parts.append(f"<tr><td nowrap>{esc(item['when'])}</td><td nowrap><b>{esc(item['what'])}</b></td>"
                     f"<td nowrap>{esc(item['who'] or '')}</td><td>{esc(item['note'] or '')}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
