"""数据交换: import many bundle files with a summary per file, accept new devices after a telephone check of
their fingerprint, export for the county, a township or another device of this township, the devices
known here (revoked on the county), and the concurrent edits waiting for a person (冲突待确认)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.townships import townships
from pjdesk.services import sync as sync_service

from .small_table import fill_rows, small_table
from .tasks import run_task
from .trust_dialog import TrustDialog, fingerprint_lines
from .widgets import make_button

BUNDLE_FILTER = "交换文件 (*.pjz)"
SHOWN_STATUS = {"accepted": "已导入", "duplicate": "已导入过", "refused": "已拒绝", "skipped": "未处理"}
STATUS_COLOUR = {"accepted": "#1e7d32", "duplicate": "#5f6368", "refused": "#b3261e", "skipped": "#8a6d00"}
STATUS_BACKGROUND = {"accepted": "#eef7ef", "duplicate": "#f4f5f7", "refused": "#fdeeee", "skipped": "#fdf7e3"}


class ExchangePage(QWidget):
    changed = Signal(dict)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.station = session.require_station()
        self.busy = False
        self.rows: list[dict] = []  # the summary: path, status, note, and the refusal's unknown device if any
        self.exported: list[Path] = []
        self._folder = str(sync_service.exchange_folder(session))  # the last folder used, offered first

        heading = QLabel("数据交换")
        heading.setStyleSheet("font-size: 20px; font-weight: 600;")
        role = "县级" if self.station.is_county else "乡镇"
        subheading = QLabel(f"{self.station.label}　{role}　本机设备：{self.station.device_name}（{self.station.device}）")
        subheading.setStyleSheet("color: #555;")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("exchange_tabs")
        self.tabs.addTab(self._transfer_tab(), "导入与导出")
        self.tabs.addTab(self._devices_tab(), "设备")
        self.tabs.addTab(self._conflicts_tab(), "冲突待确认")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(heading)
        layout.addWidget(subheading)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    # --- layout -------------------------------------------------------------------------------------------
    def _transfer_tab(self) -> QWidget:
        tab = QWidget()
        right = QWidget()
        right.setMaximumWidth(420)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._export_box())
        right_layout.addWidget(self._key_box())
        right_layout.addStretch(1)
        layout = QHBoxLayout(tab)
        layout.addWidget(self._import_box(), 1)
        layout.addWidget(right)
        return tab

    def _import_box(self) -> QGroupBox:
        box = QGroupBox("导入")
        hint = QLabel("选择对方发来的交换文件（.pjz），可一次选多个，或选择存放它们的文件夹（如 U 盘）。"
                      "每个文件单独检查：有问题的文件整份拒绝，不影响其他文件。导入前自动备份。", wordWrap=True)
        hint.setStyleSheet("color: #555;")
        self.choose_files_button = make_button("选择文件…", "import_files", self.choose_files)
        self.choose_folder_button = make_button("选择文件夹…", "import_folder", self.choose_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_files_button)
        buttons.addWidget(self.choose_folder_button)
        buttons.addStretch(1)
        self.total = QLabel("尚未导入文件。")
        self.total.setObjectName("import_total")
        self.total.setStyleSheet("font-weight: 600;")
        self.summary = small_table("import_summary", ["文件", "结果", "说明"], stretch=2, widths={0: 290, 1: 80})
        self.summary.setWordWrap(True)
        _rows_follow_width(self.summary)
        layout = QVBoxLayout(box)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.total)
        layout.addWidget(self.summary, 1)
        return box

    def _export_box(self) -> QGroupBox:
        box = QGroupBox("导出")
        layout = QVBoxLayout(box)
        hint = QLabel("把对方尚未确认收到的全部变更写入一个交换文件，用 U 盘或附件送达。"
                      "上次的文件丢了也不要紧：下一个文件会一并带上。", wordWrap=True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        if self.station.is_county:
            self.township_box = QComboBox()
            self.township_box.setObjectName("export_township")
            for t in townships():
                self.township_box.addItem(f"{t.name}（{t.code}）", t.code)
            self.export_township_button = make_button("导出给乡镇…", "export_township_button", self.export_for_township)
            self.export_all_button = make_button("导出给全部乡镇…", "export_all", self.export_for_all)
            row = QHBoxLayout()
            row.addWidget(self.township_box, 1)
            row.addWidget(self.export_township_button)
            layout.addLayout(row)
            layout.addWidget(self.export_all_button)
            self.export_buttons = [self.export_township_button, self.export_all_button]
        else:
            self.export_county_button = make_button("导出给县级…", "export_county", self.export_for_county)
            layout.addWidget(self.export_county_button)
            layout.addWidget(_rule())
            peers = QLabel("本乡镇其他设备（如外业笔记本）：", wordWrap=True)
            self.device_box = QComboBox()
            self.device_box.setObjectName("export_device")
            self.export_device_button = make_button("导出给本乡镇其他设备…", "export_device_button", self.export_for_device)
            layout.addWidget(peers)
            layout.addWidget(self.device_box)
            layout.addWidget(self.export_device_button)
            self.export_buttons = [self.export_county_button, self.export_device_button]
        self.export_outcome = QWidget()  # shown once something was written (or refused)
        outcome = QVBoxLayout(self.export_outcome)
        outcome.setContentsMargins(0, 0, 0, 0)
        outcome.addWidget(_rule())
        self.export_result = QLabel("")
        self.export_result.setObjectName("export_result")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.open_folder_button = make_button("打开所在文件夹", "open_export_folder", self.open_export_folder)
        self.open_folder_button.hide()
        outcome.addWidget(self.export_result)
        outcome.addWidget(self.open_folder_button, 0, Qt.AlignLeft)
        self.export_outcome.hide()
        layout.addWidget(self.export_outcome)
        return box

    def _key_box(self) -> QGroupBox:
        box = QGroupBox("本机密钥指纹")
        layout = QVBoxLayout(box)
        own = QLabel("对方第一次导入本机的文件时会电话核对，请逐组念给对方。", wordWrap=True)
        own.setStyleSheet("color: #555;")
        self.own_fingerprint = QLabel("")
        self.own_fingerprint.setObjectName("own_fingerprint")
        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        font.setPointSize(11)
        font.setWeight(QFont.DemiBold)
        self.own_fingerprint.setFont(font)
        self.own_fingerprint.setStyleSheet("color: #1a3d6d; background: #f3f6fb; padding: 6px 8px; border-radius: 4px;")
        self.own_fingerprint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(own)
        layout.addWidget(self.own_fingerprint)
        return box

    def _devices_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        note = ("本站接受其文件的设备。设备丢失或被他人使用时，请吊销：之后它发来的文件一律拒绝，已导入的数据保留。"
                if self.station.is_county else
                "本机接受其文件的设备。设备丢失或被他人使用时，请报县安委办吊销。")
        hint = QLabel(note, wordWrap=True)
        hint.setStyleSheet("color: #555;")
        self.devices = small_table("devices", ["站点", "设备名称", "密钥指纹", "信任时间", "状态"], stretch=4,
                                   widths={0: 220, 1: 200, 2: 400, 3: 150})
        _rows_follow_width(self.devices)
        self.devices.itemSelectionChanged.connect(self._device_selected)
        layout.addWidget(hint)
        layout.addWidget(self.devices, 1)
        self.revoke_button = self.restore_button = None
        if self.station.is_county:
            self.revoke_button = make_button("吊销…", "revoke_device", self.revoke_selected)
            self.restore_button = make_button("恢复信任", "restore_device", self.restore_selected)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(self.revoke_button)
            row.addWidget(self.restore_button)
            layout.addLayout(row)
        return tab

    def _conflicts_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        hint = QLabel("两台设备在互不知情时改了同一条记录的同一项。程序暂时采用时间较晚的值（加粗显示）；请核实后选择保留哪一个，"
                      "选择会随下次交换带给其他设备。", wordWrap=True)
        hint.setStyleSheet("color: #555;")
        self.conflicts = small_table("conflicts", ["记录", "字段", "甲", "甲方（设备 · 操作员、时间）", "乙",
                                                   "乙方（设备 · 操作员、时间）"], stretch=2,
                                     widths={0: 200, 1: 100, 3: 190, 5: 190})
        self.conflicts.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)  # 甲 and 乙 equally wide
        self.conflicts.setWordWrap(True)
        _rows_follow_width(self.conflicts)
        self.conflicts.itemSelectionChanged.connect(self._conflict_selected)
        self.keep_a_button = make_button("保留甲", "keep_a", lambda: self.resolve_selected("a"))
        self.keep_b_button = make_button("保留乙", "keep_b", lambda: self.resolve_selected("b"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.keep_a_button)
        row.addWidget(self.keep_b_button)
        layout.addWidget(hint)
        layout.addWidget(self.conflicts, 1)
        layout.addLayout(row)
        return tab

    # --- refreshing ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the devices and the conflicts (after an import here, or a change made elsewhere)."""
        self.refresh_devices()
        self.refresh_conflicts()

    def refresh_devices(self) -> None:
        known = sync_service.list_devices(self.session)
        fill_rows(self.devices, [(f"{d['station_name']}（{d['station']}）",
                                  f"{d['name'] or d['device']}（本机）" if d["own"] else (d["name"] or d["device"]),
                                  fingerprint_lines(d["fingerprint"]), (d["trusted_at"] or "")[:16], _device_state(d))
                                 for d in known],
                  [d["device"] for d in known])
        fixed = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        for i, d in enumerate(known):
            self.devices.item(i, 2).setFont(fixed)
            if d["revoked_at"]:
                self.devices.item(i, 4).setForeground(QBrush(QColor("#b3261e")))
        self.devices.resizeRowsToContents()
        self._known = {d["device"]: d for d in known}
        self.tabs.setTabText(1, f"设备（{len(known)}）")
        self._device_selected()
        own = next(d for d in known if d["own"])
        self.own_fingerprint.setText(fingerprint_lines(own["fingerprint"]))
        if not self.station.is_county:
            chosen = self.device_box.currentData()
            self.device_box.clear()
            for d in known:
                if d["station"] == self.station.code and not d["own"] and not d["revoked_at"]:
                    self.device_box.addItem(f"{d['name'] or d['device']}（{d['device']}）", d["device"])
            # Before the first exchange the other device is not known here: a file for "this township" is
            # read by any of its devices, and from then on each knows the other.
            self.device_box.addItem("尚未登记的本乡镇设备（首次交换）", self.station.code)
            self.device_box.setCurrentIndex(max(self.device_box.findData(chosen), 0))

    def refresh_conflicts(self) -> None:
        self._conflict_rows = sync_service.list_conflicts(self.session)
        rows = []
        for c in self._conflict_rows:
            record = c["kind_label"] + (f"：{c['title']}" if c.get("title") else "")
            rows.append((record, c["field_label"], _value(c["a_value"]), _origin(c, "a"), _value(c["b_value"]),
                         _origin(c, "b")))
        fill_rows(self.conflicts, rows, [c["id"] for c in self._conflict_rows])
        for i, c in enumerate(self._conflict_rows):
            for side, column in (("a", 2), ("b", 4)):
                if c[f"{side}_value"] == c["current"]:
                    item = self.conflicts.item(i, column)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip("当前采用此值")
        self.conflicts.resizeRowsToContents()
        count = len(self._conflict_rows)
        self.tabs.setTabText(2, f"冲突待确认（{count}）" if count else "冲突待确认")
        self.tabs.tabBar().setTabTextColor(2, QColor("#b3261e") if count else QColor())
        self._conflict_selected()

    # --- import -------------------------------------------------------------------------------------------
    def _remember(self, folder) -> None:
        """Offer this folder first next time, in this session and the next (kept in the station's settings)."""
        self._folder = str(folder)
        sync_service.set_exchange_folder(self.session, folder)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择交换文件", self._folder, BUNDLE_FILTER)
        if paths:
            self._remember(Path(paths[0]).parent)
            self.import_files(paths)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择存放交换文件的文件夹", self._folder)
        if not folder:
            return
        self._remember(folder)
        try:
            paths = sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() == ".pjz")
        except OSError as e:
            QMessageBox.warning(self, "不能读取文件夹", f"不能读取 {folder}（{os_reason(e)}）。请检查 U 盘后重试。")
            return
        if not paths:
            QMessageBox.information(self, "没有交换文件", f"文件夹 {folder} 中没有交换文件（.pjz）。")
            return
        self.import_files(paths)

    def import_files(self, paths) -> None:
        """Import the files in the background, then show a row per file; new devices go to the trust dialog."""
        if self.busy:
            return
        paths = list(dict.fromkeys(Path(p) for p in paths))
        if not paths:
            return
        self.rows = [{"path": p, "status": "skipped", "note": "已取消，未导入", "unknown": None} for p in paths]
        self._run_import(list(range(len(paths))), trust_new=False)

    def _run_import(self, indexes: list[int], trust_new: bool) -> None:
        self._set_busy(True)
        paths = [self.rows[i]["path"] for i in indexes]

        def done(results) -> None:
            for i, result in zip(indexes, results, strict=False):
                self.rows[i] = _row(result)
            self.refresh()
            self._show_summary()
            changed = _union(r.changed for r in results)
            if changed:
                self.changed.emit(changed)
            # After the first pass the person decides on the new devices; accepting starts a second pass.
            if trust_new or not self._ask_trust():
                self._set_busy(False)

        def failed(message: str) -> None:
            # Which files went in before the error is not known here: importing them again is safe, as a file
            # already imported says so and changes nothing.
            for i in indexes:
                self.rows[i] = {**self.rows[i], "status": "skipped", "note": f"导入中断：{message}"}
            self._set_busy(False)
            self.refresh()
            self._show_summary()
            QMessageBox.warning(self, "未完成导入", message)

        title = "正在导入交换文件（接受新设备后）" if trust_new else "正在导入交换文件"
        self.import_thread = run_task(self, self.session, title,
                                      lambda s, progress, cancelled: sync_service.import_bundles(
                                          s, paths, trust_new, progress=progress, cancelled=cancelled),
                                      done, failed)

    def _ask_trust(self) -> bool:
        """Show the devices met for the first time; True when the person accepted some (an import restarts)."""
        waiting = [i for i, row in enumerate(self.rows) if row["unknown"]]
        if not waiting:
            return False
        devices, files = {}, {}
        for i in waiting:
            unknown = self.rows[i]["unknown"]
            devices.setdefault(unknown["device"], unknown)
            files[unknown["device"]] = files.get(unknown["device"], 0) + 1
        dialog = TrustDialog(list(devices.values()), files, self)
        dialog.exec()
        accepted = set(dialog.accepted_devices())
        dialog.deleteLater()
        for i in waiting:
            if self.rows[i]["unknown"]["device"] not in accepted:
                self.rows[i]["note"] = (_unknown_note(self.rows[i]["unknown"])
                                        + "；未接受，未导入。电话核对指纹后，可重新导入此文件")
        self._show_summary()
        chosen = [i for i in waiting if self.rows[i]["unknown"]["device"] in accepted]
        if not chosen:
            return False
        self._run_import(chosen, trust_new=True)
        return True

    def _show_summary(self) -> None:
        rows = [(row["path"].name, SHOWN_STATUS[row["status"]], row["note"]) for row in self.rows]
        fill_rows(self.summary, rows, [str(row["path"]) for row in self.rows])
        bold = QFont(self.summary.font())
        bold.setBold(True)
        for i, row in enumerate(self.rows):
            background = QBrush(QColor(STATUS_BACKGROUND[row["status"]]))
            for j in range(3):
                self.summary.item(i, j).setBackground(background)
            self.summary.item(i, 0).setToolTip(str(row["path"]))
            self.summary.item(i, 2).setToolTip(row["note"])
            result = self.summary.item(i, 1)
            result.setForeground(QBrush(QColor(STATUS_COLOUR[row["status"]])))
            result.setFont(bold)
        self.summary.resizeRowsToContents()
        self.total.setText(self.total_line())
        refused = any(row["status"] == "refused" for row in self.rows)
        self.total.setStyleSheet("font-weight: 600;" + (" color: #b3261e;" if refused else ""))

    def total_line(self) -> str:
        counts = {status: sum(row["status"] == status for row in self.rows) for status in SHOWN_STATUS}
        line = (f"共 {len(self.rows)} 个文件：导入 {counts['accepted']}，已导入过 {counts['duplicate']}，"
                f"拒绝 {counts['refused']}")
        if counts["skipped"]:
            line += f"，未处理 {counts['skipped']}"
        if self._conflict_rows:
            line += f"。另有 {len(self._conflict_rows)} 处冲突待确认"
        return line

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.choose_files_button, self.choose_folder_button):
            button.setEnabled(not busy)

    # --- export -------------------------------------------------------------------------------------------
    def export_for_county(self) -> None:
        self._export("导出给县级", lambda s, folder: [sync_service.export_bundle(s, folder)])

    def export_for_device(self) -> None:
        to = self.device_box.currentData()
        self._export(f"导出给{self.device_box.currentText()}",
                     lambda s, folder: [sync_service.export_bundle(s, folder, to=to)])

    def export_for_township(self) -> None:
        code = self.township_box.currentData()
        self._export(f"导出给{self.township_box.currentText()}",
                     lambda s, folder: [sync_service.export_bundle(s, folder, to=code)])

    def export_for_all(self) -> None:
        self._export("导出给全部乡镇", lambda s, folder: sync_service.export_for_townships(s, folder))

    def _export(self, title: str, write) -> None:
        folder = QFileDialog.getExistingDirectory(self, f"{title}：选择保存到的文件夹（如 U 盘）", self._folder)
        if not folder:
            return
        self._remember(folder)
        for button in self.export_buttons:
            button.setEnabled(False)

        def done(paths) -> None:
            for button in self.export_buttons:
                button.setEnabled(True)
            self.exported = [Path(p) for p in paths]
            self.export_result.setStyleSheet("color: #1e7d32;")
            folders = sorted({str(p.parent) for p in self.exported})
            names = [p.name for p in self.exported]
            shown = names if len(names) <= 3 else [*names[:2], f"……（共 {len(names)} 个）"]
            self.export_result.setText(f"{title}：已写入 {len(names)} 个文件\n位置：{'；'.join(folders)}\n"
                                       + "\n".join(shown))
            self.open_folder_button.setVisible(bool(self.exported))
            self.export_outcome.show()

        def failed(message: str) -> None:
            for button in self.export_buttons:
                button.setEnabled(True)
            self.export_result.setStyleSheet("color: #b3261e;")
            self.export_result.setText(message)
            self.open_folder_button.hide()
            self.export_outcome.show()

        self.export_thread = run_task(self, self.session, f"正在{title}",
                                      lambda s, progress, cancelled: write(s, folder), done, failed)

    def open_export_folder(self) -> None:
        if self.exported:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.exported[0].parent)))

    # --- devices ------------------------------------------------------------------------------------------
    def selected_device(self) -> dict | None:
        row = self.devices.currentRow()
        if row < 0 or not self.devices.selectedItems():
            return None
        return self._known.get(self.devices.item(row, 0).data(Qt.UserRole))

    def _device_selected(self) -> None:
        if self.revoke_button is None:
            return
        d = self.selected_device()
        self.revoke_button.setEnabled(bool(d) and not d["own"] and not d["revoked_at"])
        self.restore_button.setEnabled(bool(d) and bool(d["revoked_at"]))

    def revoke_selected(self) -> None:
        d = self.selected_device()
        if not d:
            return
        box = QMessageBox(QMessageBox.Warning, "吊销设备",
                          f"吊销 {d['station_name']}（{d['station']}）的设备“{d['name'] or d['device']}”？\n\n"
                          "吊销后，本站将拒绝这台设备发来的所有交换文件；已导入的数据保留。"
                          "如确属误操作，可在此“恢复信任”。", parent=self)
        revoke = box.addButton("吊销", QMessageBox.DestructiveRole)
        box.addButton("取消", QMessageBox.RejectRole)
        box.exec()
        if box.clickedButton() is not revoke:
            return
        self._device_action(sync_service.revoke_device, d, "未吊销")

    def restore_selected(self) -> None:
        d = self.selected_device()
        if d:
            self._device_action(sync_service.trust_device, d, "未恢复")

    def _device_action(self, action, device: dict, refused_title: str) -> None:
        try:
            outcome = action(self.session, device["device"])
        except PjdeskError as e:
            QMessageBox.warning(self, refused_title, str(e))
            return
        self.refresh_devices()
        row = next((i for i in range(self.devices.rowCount())
                    if self.devices.item(i, 0).data(Qt.UserRole) == device["device"]), -1)
        if row >= 0:
            self.devices.selectRow(row)
        self.changed.emit(dict(outcome.changed))

    # --- conflicts ----------------------------------------------------------------------------------------
    def _conflict_selected(self) -> None:
        chosen = self.conflicts.currentRow() >= 0 and bool(self.conflicts.selectedItems())
        self.keep_a_button.setEnabled(chosen)
        self.keep_b_button.setEnabled(chosen)

    def resolve_selected(self, choice: str) -> None:
        row = self.conflicts.currentRow()
        if row < 0 or not self.conflicts.selectedItems():
            return
        conflict_id = self.conflicts.item(row, 0).data(Qt.UserRole)
        try:
            outcome = sync_service.resolve_conflict(self.session, conflict_id, choice)
        except PjdeskError as e:
            QMessageBox.warning(self, "未处理", str(e))
            self.refresh_conflicts()
            return
        self.refresh_conflicts()
        self.changed.emit(dict(outcome.changed))


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.HLine)
    line.setStyleSheet("color: #d0d0d0;")
    return line


def _rows_follow_width(table) -> None:
    """Wrapped cells get their height again when a column's width changes (as the page is first laid out)."""
    table.setStyleSheet("QTableWidget::item { padding: 4px 4px; }")
    # Deferred: while a section is being resized the others still have their old widths.
    table.horizontalHeader().sectionResized.connect(
        lambda *_: QTimer.singleShot(0, table, table.resizeRowsToContents))


def _row(result) -> dict:
    note = result.message
    for prefix in ("已导入：", "已拒绝："):
        note = note.removeprefix(prefix)
    if result.unknown:
        note = _unknown_note(result.unknown) + "，需电话核对密钥指纹后接受"
    return {"path": Path(result.path), "status": result.status, "note": note, "unknown": result.unknown}


def _unknown_note(unknown: dict) -> str:
    return f"来自未登记的设备：{unknown['station_name']}（{unknown['station']}）“{unknown['device_name']}”"


def _union(changes) -> dict[str, frozenset[str]]:
    merged: dict[str, set[str]] = {}
    for changed in changes:
        for kind, ids in changed.items():
            merged.setdefault(kind, set()).update(ids)
    return {kind: frozenset(ids) for kind, ids in merged.items()}


def _device_state(device: dict) -> str:
    return f"已吊销（{device['revoked_at'][:16]}）" if device["revoked_at"] else "正常"


def _value(value) -> str:
    return "（空）" if value in (None, "") else str(value)


def _origin(conflict: dict, side: str) -> str:
    who = " · ".join(str(conflict[f"{side}_{what}"] or "—") for what in ("device_name", "operator"))
    return f"{who}\n{conflict[f'{side}_time']}"

