"""单位/场所: the registry of units the township supervises. Search by name, credit code or pinyin initials."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.hazard import HazardFilter
from pjdesk.core.records import vocabulary
from pjdesk.core.unit import UNIT
from pjdesk.services import units as unit_service

from .hazard_dialogs import ask_delete_reason
from .record_dialog import RecordDialog
from .table_model import Column, PagedTableModel
from .widgets import make_button


def _yes(value, _record) -> str:
    return "是" if value else ""


class UnitsPage(QWidget):
    changed = Signal(dict)
    show_hazards = Signal(object)  # a HazardFilter of one unit

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.search = QLineEdit(placeholderText="搜索单位名称、信用代码、拼音首字母（如 adz）、村或负责人")
        self.search.setObjectName("unit_search")
        self.search.setClearButtonEnabled(True)
        self.sector_box = QComboBox()
        self.sector_box.addItem("全部行业", None)
        for s in vocabulary("sector"):
            self.sector_box.addItem(s, s)
        columns = [Column("name", "单位名称", 260), Column("uscc", "统一社会信用代码", 170), Column("sector", "行业领域", 100),
                   Column("is_high_risk", "高危", 50, format=_yes), Column("village", "所在村（社区）", 120),
                   Column("principal", "主要负责人", 90), Column("phone", "联系电话", 120), Column("status", "经营状态", 80)]
        self.model = PagedTableModel(
            columns,
            lambda: unit_service.count_units(self.session, self.search.text(), self.sector_box.currentData()),
            lambda offset, limit, sort: unit_service.list_units(self.session, self.search.text(),
                                                                self.sector_box.currentData(), sort=sort,
                                                                offset=offset, limit=limit), self)
        self.table = QTableView()
        self.table.setObjectName("units_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        for i, c in enumerate(columns):
            self.table.horizontalHeader().resizeSection(i, c.width)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.doubleClicked.connect(lambda *_: self.edit_selected())
        self.count_label = QLabel()
        self._debounce = QTimer(self, singleShot=True, interval=200, timeout=self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.sector_box.currentIndexChanged.connect(self.reload)

        buttons = QHBoxLayout()
        self.new_button = make_button("新增单位", "new_unit", self.new_unit)
        edit = QPushButton("编辑")
        edit.clicked.connect(self.edit_selected)
        hazards = QPushButton("查看隐患")
        hazards.clicked.connect(self._show_hazards)
        delete = QPushButton("删除")
        delete.clicked.connect(self.delete_selected)
        heading = QLabel("单位/场所")
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        buttons.addWidget(heading)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        for b in (hazards, edit, delete, self.new_button):
            buttons.addWidget(b)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.sector_box)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        selected = self.selected_id()
        self.model.reload()
        self.count_label.setText(f"共 {self.model.rowCount():,} 家")
        if selected:
            for row in range(min(self.model.rowCount(), 400)):
                r = self.model.row(row)
                if r and r["id"] == selected:
                    self.table.selectRow(row)
                    break

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        record = self.model.row(index.row()) if index.isValid() else None
        return record["id"] if record else None

    def _dialog(self, unit_id: str | None) -> RecordDialog:
        values = unit_service.get_unit(self.session, unit_id) if unit_id else unit_service.unit_defaults()

        def save(v):
            return unit_service.save_unit(self.session, v, unit_id)

        dialog = RecordDialog(self.session, UNIT, "编辑单位" if unit_id else "新增单位", values=values, save=save,
                              check=lambda v: unit_service.check_unit(self.session, v, unit_id),
                              draft_key=f"unit-{unit_id or 'new'}", parent=self,
                              intro="带＊为必填。统一社会信用代码校验不通过但确实如此时（如早期试点代码），请在“代码说明”写明原因。")
        dialog.setObjectName("unit_dialog")
        sector = dialog.form.editor("sector")
        high_risk = dialog.form.editor("is_high_risk")
        sector.currentIndexChanged.connect(
            lambda: high_risk.setChecked(unit_service.suggested_high_risk(sector.currentData())))
        return dialog

    def new_unit(self) -> None:
        dialog = self._dialog(None)
        if dialog.exec():
            self._done(dialog.result_value)

    def edit_selected(self) -> None:
        unit_id = self.selected_id()
        if unit_id:
            dialog = self._dialog(unit_id)
            if dialog.exec():
                self._done(dialog.result_value)

    def delete_selected(self) -> None:
        unit_id = self.selected_id()
        if not unit_id:
            return
        reason = ask_delete_reason(self, "单位")
        if reason:
            from pjdesk.core.errors import PjdeskError

            try:
                self._done(unit_service.delete_unit(self.session, unit_id, reason))
            except PjdeskError as e:
                QMessageBox.warning(self, "未删除", str(e))

    def _show_hazards(self) -> None:
        unit_id = self.selected_id()
        if unit_id:
            self.show_hazards.emit(HazardFilter(unit_id=unit_id))

    def _done(self, outcome) -> None:
        self.reload()
        if outcome.id:
            for row in range(self.model.rowCount()):
                r = self.model.row(row)
                if r and r["id"] == outcome.id:
                    self.table.selectRow(row)
                    self.table.scrollTo(self.model.index(row, 0))
                    break
        self.changed.emit(dict(outcome.changed))
