"""设置: the station, the operator, the name documents are issued in, the data directory and its backups, and
the log of who took personal data (身份证号) out of the program."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pjdesk import __version__
from pjdesk.core.errors import PjdeskError
from pjdesk.services import backups, documents, personal_data
from pjdesk.services.session import set_operator

from .small_table import fill_rows, small_table
from .tasks import run_in_page
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
        # The name on the documents this station issues (现场检查记录, 责令限期整改指令书 …): the township's
        # government by default; a station that issues in another name (its 安监站 by delegation) says so here.
        issuing = QGroupBox("执法文书")
        issuing_layout = QHBoxLayout(issuing)
        self.issuer = QLineEdit(documents.issuer(session))
        self.issuer.setObjectName("document_issuer")
        self.issuer.setPlaceholderText(documents.default_issuer(station.code))
        self.issuer.setToolTip("文书抬头和落款所用的发文机关名称；留空则用默认名称。已签发的文书不受影响。")
        issuer_save = make_button("保存", "save_issuer", self.change_issuer)
        issuing_layout.addWidget(QLabel("发文机关"))
        issuing_layout.addWidget(self.issuer, 1)
        issuing_layout.addWidget(issuer_save)
        kept = QGroupBox("备份与恢复")
        kept_layout = QVBoxLayout(kept)
        kept_layout.addWidget(QLabel("程序每天自动备份一次，导入和升级前也会备份。恢复前会先检查备份是否完好，并把当前数据另存一份。",
                                     wordWrap=True))
        self.backups = small_table("backups", ["时间", "类型", "大小"], stretch=0)
        kept_layout.addWidget(self.backups)
        row = QHBoxLayout()
        # A copy runs in the background (a county's file takes a while): the page shows how far it is and then
        # says what happened, and the window stays usable.
        self.progress = QProgressBar()
        self.progress.setObjectName("backup_progress")
        self.progress.hide()
        self.cancel_button = make_button("取消", "cancel_backup", self.cancel)
        self.cancel_button.hide()
        self.backup_button = make_button("立即备份", "backup_now", self.backup_now)
        self.restore_button = make_button("从所选备份恢复…", "restore_backup", self.restore_selected)
        row.addWidget(self.progress, 3)
        row.addWidget(self.cancel_button)
        row.addStretch(1)  # the buttons stay at the right while the bar is hidden
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        kept_layout.addLayout(row)
        self.result = QLabel("", wordWrap=True)
        self.result.setObjectName("backup_result")
        self.result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        kept_layout.addWidget(self.result)
        # Every export that carried personal data (a roster with its 身份证号, even masked), for the office to
        # review: kept on this PC only, newest first; the file it went to in the tooltip of its row.
        exported = QGroupBox("个人信息导出记录")
        exported_layout = QVBoxLayout(exported)
        exported_layout.addWidget(QLabel("导出或列出含个人信息（身份证号、联系电话）的记录时，程序在本机记下时间、操作员、内容和行数；"
                                          "鼠标停在一行上可以看到导出的文件名。", wordWrap=True))
        self.export_log = small_table("personal_export_log", ["时间", "操作员", "内容", "行数"], stretch=2,
                                      widths={0: 150, 1: 90, 3: 60})
        exported_layout.addWidget(self.export_log)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(box)
        layout.addWidget(who)
        layout.addWidget(issuing)
        layout.addWidget(kept, 1)
        layout.addWidget(exported, 1)
        self.task = None
        self.refresh_backups()
        self.refresh_export_log()

    def showEvent(self, event) -> None:
        # Exports happen on the other pages: the log is read again whenever the page comes into view.
        super().showEvent(event)
        self.refresh_export_log()

    def refresh_export_log(self) -> None:
        entries = personal_data.export_log(self.session)
        fill_rows(self.export_log, [(e["at"], e["operator"] or "", e["what"], str(e["rows"])) for e in entries])
        for row, entry in enumerate(entries):
            if entry["target"]:
                for column in range(self.export_log.columnCount()):
                    self.export_log.item(row, column).setToolTip(f"导出到文件：{entry['target']}")
            self.export_log.item(row, 3).setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)

    def refresh_backups(self) -> None:
        rows = backups.list_backups(self.session)
        fill_rows(self.backups, [(f"{b['time']:%Y-%m-%d %H:%M:%S}", b["label"], f"{b['size'] / 1048576:.1f} MB")
                                 for b in rows], [str(b["path"]) for b in rows])

    def backup_now(self) -> None:
        def done(path) -> None:
            self.refresh_backups()
            self._finished(f"已备份到 {path}")

        self._start("正在备份", lambda s, progress, cancelled: backups.backup_now(s, progress=progress,
                                                                                  cancelled=cancelled), done)

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

        def done(outcome) -> None:
            self.refresh_backups()
            self._finished("\n".join(outcome.warnings))
            self.changed.emit(dict(outcome.changed))

        self._start("正在恢复", lambda s, progress, cancelled: backups.restore_backup(s, path, progress=progress,
                                                                                    cancelled=cancelled), done)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)

    def _start(self, doing: str, work, done) -> None:
        self._set_busy(True)
        self.progress.setRange(0, 0)  # busy until the first figures arrive
        self.progress.setFormat(f"{doing}… %p%")
        self.result.setStyleSheet("")
        self.result.setText(f"{doing}…")

        def progressed(step: int, total: int) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(min(step, total))

        self.task = run_in_page(self.session, work, progressed, done, self._failed)

    def _finished(self, message: str) -> None:
        self._set_busy(False)
        self.result.setText(message)

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.result.setStyleSheet("color: #b3261e;")
        self.result.setText(message)
        QMessageBox.warning(self, "未完成", message)

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self.task = None
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)

    def change_operator(self) -> None:
        try:
            set_operator(self.session, self.operator.text())
        except PjdeskError as e:
            QMessageBox.warning(self, "未保存", str(e))
            return
        QMessageBox.information(self, "已保存", f"操作员已改为 {self.session.operator}。")

    def change_issuer(self) -> None:
        try:
            name = documents.set_issuer(self.session, self.issuer.text())
        except PjdeskError as e:
            QMessageBox.warning(self, "未保存", str(e))
            return
        self.issuer.setText(name)
        QMessageBox.information(self, "已保存", f"今后签发的文书以“{name}”的名义出具。")
