"""设置: the station, the operator, the data directory and its backups."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from pjdesk import __version__
from pjdesk.core.errors import PjdeskError
from pjdesk.services.session import set_operator


class SettingsPage(QWidget):
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
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(box)
        layout.addWidget(who)
        layout.addStretch(1)

    def change_operator(self) -> None:
        try:
            set_operator(self.session, self.operator.text())
        except PjdeskError as e:
            QMessageBox.warning(self, "未保存", str(e))
            return
        QMessageBox.information(self, "已保存", f"操作员已改为 {self.session.operator}。")
