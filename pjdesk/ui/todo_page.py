"""待办: what falls due, from every source of reminders the kinds declare (pjdesk.services.reminders), the
latest first; a unit's 证书到期提醒 written from the row chosen. The page knows no source by name: a kind that
declares one appears in its filter and its list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from pjdesk.core.errors import PjdeskError
from pjdesk.core.reminders import kinds_read
from pjdesk.services import reminders as service

from .small_table import fill_rows, small_table
from .widgets import make_button

HEADERS = ("应办日期", "事项", "单位", "人员", "情况")
LATE = QColor("#c0392b")
SHOWN = 3000  # the most rows the table holds (a county's whole list can run to tens of thousands)


class TodoPage(QWidget):
    changed = Signal(dict)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.rows: list[dict] = []
        title = QLabel("待办")
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.source = QComboBox()
        self.source.setObjectName("todo_source")
        self.source.addItem("全部事项", None)
        for source in service.sources():
            self.source.addItem(source.label, source.name)
        self.source.currentIndexChanged.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("todo_summary")
        self.table = small_table("todo_table", HEADERS, stretch=4, widths={0: 100, 1: 170, 2: 220, 3: 90})
        self.table.itemSelectionChanged.connect(self._selected)
        self.notice_button = make_button("证书到期提醒…", "todo_notice", lambda: self.write_notice())
        self.notice_button.setToolTip("为所选事项的单位写出证书到期提醒（PDF 和 Excel），打印后送达该单位")
        self.notice_button.setEnabled(False)
        refresh = make_button("刷新", "todo_refresh", self.refresh)

        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addSpacing(16)
        bar.addWidget(QLabel("事项："))
        bar.addWidget(self.source)
        bar.addStretch(1)
        bar.addWidget(self.notice_button)
        bar.addWidget(refresh)
        hint = QLabel(f"列出{'、'.join(s.label for s in service.sources())}等应办事项，最早的在前；"
                      "红色为已过应办日期。证书的应办日期是有效期至和下次复审日期中较早的一天。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self, *_) -> None:
        found = service.reminders(self.session, source=self.source.currentData())
        self.rows = found[:SHOWN]
        labels = {s.name: s.label for s in service.sources()}
        fill_rows(self.table, [(r["due"] or "", labels.get(r["source"], r["source"]), r["unit"] or "",
                                r["person"] or "", r["reason"]) for r in self.rows],
                  keys=list(range(len(self.rows))))
        for i, row in enumerate(self.rows):
            if row["late"]:
                for j in range(len(HEADERS)):
                    self.table.item(i, j).setForeground(QBrush(LATE))
        late = sum(1 for r in found if r["late"])
        more = f"（列出应办日期最早的 {SHOWN:,} 项）" if len(found) > SHOWN else ""
        self.summary.setText(f"共 {len(found):,} 项，其中已过应办日期 {late:,} 项{more}" if found else "没有待办事项。")
        self._selected()

    def refresh_for(self, changed: dict) -> None:
        if kinds_read() & set(changed) or changed.get("reminders"):
            self.refresh()

    def reload(self) -> None:
        self.refresh()

    def selected(self) -> dict | None:
        items = self.table.selectedItems()
        return self.rows[items[0].data(Qt.UserRole)] if items else None

    def _selected(self) -> None:
        row = self.selected()
        self.notice_button.setEnabled(bool(row and row["unit_id"] and row["kind"] in ("certificate", "person")))

    def write_notice(self, folder: str | Path | None = None, *, open_it: bool = True) -> Path | None:
        """The chosen row's unit's 证书到期提醒, written to ``folder`` (asked for when None); returns the PDF."""
        row = self.selected()
        if row is None or not row["unit_id"]:
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, f"证书到期提醒（{row['unit']}）：选择保存到的文件夹")
            if not folder:
                return None
        try:
            notice = service.build_certificate_notice(self.session, row["unit_id"], folder)
        except PjdeskError as e:
            QMessageBox.warning(self, "未写出", str(e))
            return None
        self.summary.setText(f"已写出 {row['unit']} 的证书到期提醒（{notice.rows} 项）：{notice.pdf}")
        if open_it:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(notice.pdf)))
        return notice.pdf
