"""Importing records of any kind from Excel (the hazard ledger, an inspection sheet, a unit register): the
preview first (how each column is read, every row that cannot be taken and why, new units that look like
registered ones), remapping columns and taking an offered unit by hand, then an all-or-nothing import in the
background."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from pjdesk.core.errors import PjdeskError
from pjdesk.services import record_import

from .dialog_room import fit_dialog
from .small_table import fill_rows, small_table
from .tasks import run_task


class ImportDialog(QDialog):
    """``kind``: the kind imported (a RecordKind, its name or command-line name); the hazard ledger by default.
    After a successful import ``outcome`` holds the ImportResult (its ``changed`` says what to refresh)."""

    def __init__(self, session, path, parent=None, kind="hazard"):
        super().__init__(parent)
        self.setObjectName("import_dialog")
        self.spec = record_import.spec_for(kind)
        self.setWindowTitle(f"从 Excel 导入{self.spec.noun}")
        self.session, self.path = session, path
        self.preview = None
        self.units: dict[str, str] = {}  # a unit name as the sheet writes it → the registered unit taken for it
        self.outcome = None
        self.summary = QLabel(wordWrap=True)
        self.summary.setObjectName("import_summary")
        self.sheet_box = QComboBox()
        self.sheet_box.setObjectName("import_sheet")
        self.mapping = QTableWidget(0, 4)
        self.mapping.setObjectName("import_mapping")
        self.mapping.setHorizontalHeaderLabels(["列", "原表头", "导入为", "示例"])
        self.mapping.verticalHeader().hide()
        self.mapping.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.mapping.setColumnWidth(1, 180)
        self.mapping.setColumnWidth(2, 180)
        self.mapping.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.issues = QTabWidget()
        self.refused = self._issue_table("refused_rows")
        self.warnings = self._issue_table("warning_rows")
        self.skipped = self._issue_table("skipped_rows")
        self.unit_matches = small_table("unit_matches", ["表中的单位", "导入为"], stretch=1)
        self.recheck = QPushButton("按所选对应关系重新检查")
        self.recheck.setObjectName("import_recheck")
        self.recheck.clicked.connect(self.check_again)
        self.import_button = QPushButton("导入")
        self.import_button.setObjectName("import_apply")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.apply)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)

        sheet_row = QHBoxLayout()
        sheet_row.addWidget(QLabel("工作表"))
        sheet_row.addWidget(self.sheet_box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recheck)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(sheet_row)
        layout.addWidget(QLabel("各列的导入方式（识别不了的列可在“导入为”中手动选择）："))
        layout.addWidget(self.mapping, 2)
        layout.addWidget(self.issues, 2)
        layout.addLayout(buttons)
        fit_dialog(self, 980, 720)
        self.sheet_box.currentIndexChanged.connect(self._sheet_changed)
        self.load()

    @staticmethod
    def _issue_table(name: str) -> QTableWidget:
        return small_table(name, ["行号", "原因"], stretch=1)

    # --- preview -----------------------------------------------------------------------------------------
    def load(self, sheet: str | None = None, mapping: dict | None = None) -> bool:
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.preview = record_import.preview_records(self.session, self.spec, self.path, sheet=sheet,
                                                         mapping=mapping, units=self.units)
        except PjdeskError as e:
            self.preview = None
            self.summary.setText(str(e))
            self.summary.setStyleSheet("color: #b3261e;")
            self.import_button.setEnabled(False)
            self.recheck.setEnabled(False)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._show()
        return True

    def _show(self) -> None:
        p = self.preview
        self.summary.setText(p.summary())
        self.summary.setStyleSheet("color: #b3261e;" if (p.refused or p.missing) else "")
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        self.sheet_box.addItems(list(p.sheet_names))
        self.sheet_box.setCurrentText(p.sheet)
        self.sheet_box.blockSignals(False)
        self.mapping.setRowCount(len(p.columns))
        for row, column in enumerate(p.columns):
            self.mapping.setItem(row, 0, QTableWidgetItem(column.letter))
            self.mapping.setItem(row, 1, QTableWidgetItem(column.header))
            combo = QComboBox()
            combo.addItem("（不导入）", None)
            for target in p.targets:
                combo.addItem(f"{target.group}·{target.label}", target.key)
            combo.setCurrentIndex(max(combo.findData(column.target), 0))
            combo.setProperty("column", column.index)
            self.mapping.setCellWidget(row, 2, combo)
            self.mapping.setItem(row, 3, QTableWidgetItem("；".join(column.sample)))
        for table, issues in ((self.refused, p.refused), (self.warnings, p.warnings), (self.skipped, p.skipped)):
            fill_rows(table, [(f"第 {issue.row} 行", issue.reason) for issue in issues])
        self.issues.clear()
        self.issues.addTab(self.refused, f"不能导入（{len(p.refused)}）")
        self.issues.addTab(self.warnings, f"提示（{len(p.warnings)}）")
        self.issues.addTab(self.skipped, f"跳过的行（{len(p.skipped)}）")
        self._show_unit_matches()
        self.issues.setCurrentIndex(0 if p.refused else 1)
        self.import_button.setEnabled(p.can_apply)
        self.import_button.setText(f"导入 {p.records} 条" if p.can_apply else "导入")

    def _show_unit_matches(self) -> None:
        """New units whose names look like registered ones: each may be taken as that unit instead."""
        offered = [u for u in self.preview.units.values() if u.is_new and u.similar]
        chosen = [u for u in self.preview.units.values() if u.matched_by == "chosen"]
        self.unit_matches.setRowCount(0)
        if not offered and not chosen:
            return
        self.unit_matches.setRowCount(len(offered) + len(chosen))
        for row, unit in enumerate([*offered, *chosen]):
            name = next((n for n, i in self.units.items() if i == unit.existing_id), unit.name)
            self.unit_matches.setItem(row, 0, QTableWidgetItem(name))
            combo = QComboBox()
            combo.addItem("新建单位", None)
            similar = unit.similar if unit.is_new else ((unit.existing_id, unit.name),)
            for unit_id, registered in similar:
                combo.addItem(f"已登记的“{registered}”", unit_id)
            combo.setCurrentIndex(0 if unit.is_new else 1)
            combo.setProperty("name", name)
            self.unit_matches.setCellWidget(row, 1, combo)
        self.issues.addTab(self.unit_matches, f"相近的单位（{len(offered) + len(chosen)}）")
        self.recheck.setEnabled(True)

    def chosen_mapping(self) -> dict[int, str | None]:
        mapping = {}
        for row in range(self.mapping.rowCount()):
            combo = self.mapping.cellWidget(row, 2)
            mapping[combo.property("column")] = combo.currentData()
        return mapping

    def chosen_units(self) -> dict[str, str]:
        units = {}
        for row in range(self.unit_matches.rowCount()):
            combo = self.unit_matches.cellWidget(row, 1)
            if combo is not None and combo.currentData():
                units[combo.property("name")] = combo.currentData()
        return units

    def check_again(self) -> None:
        self.units = self.chosen_units()
        self.load(self.preview.sheet if self.preview else None, self.chosen_mapping())

    def _sheet_changed(self) -> None:
        self.load(self.sheet_box.currentText())

    # --- import -------------------------------------------------------------------------------------------
    def apply(self) -> None:
        preview = self.preview
        if preview is None or not preview.can_apply:
            return
        self.import_button.setEnabled(False)

        def done(result) -> None:
            self.outcome = result
            QMessageBox.information(self, "导入完成", result.summary())
            self.accept()

        def failed(message: str) -> None:
            self.import_button.setEnabled(True)
            QMessageBox.warning(self, "未导入", message)

        self.import_thread = run_task(
            self, self.session, f"正在导入{self.spec.noun}",
            lambda s, progress, cancelled: record_import.apply_records(s, preview, progress=progress,
                                                                       cancelled=cancelled),
            done, failed)
