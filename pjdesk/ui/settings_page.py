"""设置: the station, the operator, the data directory and its backups."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pjdesk import __version__
from pjdesk.core.errors import PjdeskError
from pjdesk.services import backups
from pjdesk.services.session import set_operator

from .small_table import fill_rows, small_table
from .widgets import make_button


class SettingsPage(QWidget):
    changed = Signal(dict)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        station = session.station
        heading = QLabel("设置")
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        box = QGroupBox("本机站点")
        form = QFormLayout(box)
        form.addRow("站点", QLabel(f"{station.label}　{'县级' if station.is_county else '乡镇'}"))
        form.addRow("设备", QLabel(f"{station.device_name}（{station.device}）"))
        form.addRow("数据目录", QLabel(str(session.data_dir), wordWrap=True))
        form.addRow("程序版本", QLabel(f"pjdesk {__version__}"))
        who = QGroupBox("操作员")
        who_layout = QHBoxLayout(who)
        self.operator = QLineEdit(session.operator)
        self.operator.setObjectName("operator_name")
        save = QPushButton("更换操作员")
        save.clicked.connect(self.change_operator)
        who_layout.addWidget(QLabel("姓名"))
        who_layout.addWidget(self.operator, 1)
        who_layout.addWidget(save)
        kept = QGroupBox("备份与恢复")
        kept_layout = QVBoxLayout(kept)
        kept_layout.addWidget(QLabel("程序每天自动备份一次，导入和升级前也会备份。恢复前会先检查备份是否完好，并把当前数据另存一份。",
                                     wordWrap=True))
        self.backups = small_table("backups", ["时间", "类型", "大小"], stretch=0)
        kept_layout.addWidget(self.backups)
        row = QHBoxLayout()
        backup_button = make_button("立即备份", "backup_now", self.backup_now)
        restore_button = make_button("从所选备份恢复…", "restore_backup", self.restore_selected)
        row.addStretch(1)
        row.addWidget(backup_button)
        row.addWidget(restore_button)
        kept_layout.addLayout(row)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(box)
        layout.addWidget(who)
        layout.addWidget(kept, 1)
        self.refresh_backups()

    def refresh_backups(self) -> None:
        rows = backups.list_backups(self.session)
        fill_rows(self.backups, [(f"{b['time']:%Y-%m-%d %H:%M:%S}", b["reason"], f"{b['size'] / 1048576:.1f} MB")
                                 for b in rows], [str(b["path"]) for b in rows])

    def backup_now(self) -> None:
        try:
            path = backups.backup_now(self.session)
        except PjdeskError as e:
            QMessageBox.warning(self, "未备份", str(e))
            return
        self.refresh_backups()
        QMessageBox.information(self, "已备份", f"已备份到\n{path}")

    def restore_selected(self) -> None:
        row = self.backups.currentRow()
        if row < 0:
            QMessageBox.information(self, "恢复", "请先在列表中选择一个备份。")
            return
        path = self.backups.item(row, 0).data(Qt.UserRole)
        answer = QMessageBox.question(self, "从备份恢复", f"用 {self.backups.item(row, 0).text()} 的备份替换当前数据？\n"
                                      "当前数据会先另存为一个备份。")
        if answer != QMessageBox.Yes:
            return
        try:
            outcome = backups.restore_backup(self.session, path)
        except PjdeskError as e:
            QMessageBox.warning(self, "未恢复", str(e))
            return
        self.refresh_backups()
        QMessageBox.information(self, "已恢复", "\n".join(outcome.warnings))
        self.changed.emit(dict(outcome.changed))

    def change_operator(self) -> None:
        try:
            set_operator(self.session, self.operator.text())
        except PjdeskError as e:
            QMessageBox.warning(self, "未保存", str(e))
            return
        QMessageBox.information(self, "已保存", f"操作员已改为 {self.session.operator}。")
