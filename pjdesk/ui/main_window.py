"""The main window: a navigation list on the left, one page at a time on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from pjdesk import __version__

from .dashboard_page import DashboardPage
from .ledger_page import LedgerPage
from .reports_page import ReportsPage
from .settings_page import SettingsPage
from .units_page import UnitsPage


class MainWindow(QMainWindow):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        station = session.station
        self.setWindowTitle(f"pjdesk 安全生产台账 — {station.label}")
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 15px; border: none; background: #f4f5f7; }"
                               "QListWidget::item { padding: 10px 14px; }"
                               "QListWidget::item:selected { background: #1a5fb4; color: white; }")
        self.stack = QStackedWidget()
        self.dashboard = DashboardPage(session)
        self.units = UnitsPage(session)
        self.ledger = LedgerPage(session)
        self.reports = ReportsPage(session)
        self.settings = SettingsPage(session)
        self.pages = {"工作台": self.dashboard, "单位": self.units, "隐患台账": self.ledger, "报表": self.reports,
                      "设置": self.settings}
        for name, page in self.pages.items():
            self.nav.addItem(name)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self._show_page)
        self.nav.setCurrentRow(0)

        self.dashboard.open_ledger.connect(self.open_ledger)
        self.dashboard.open_hazard.connect(self.open_hazard)
        self.dashboard.load_demo.connect(self.load_demo)
        self.units.show_hazards.connect(self.open_ledger)
        self.ledger.changed.connect(self._changed)
        self.units.changed.connect(self._changed)
        self.settings.changed.connect(self._changed)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        status = QLabel(f"{station.label}　操作员：{session.operator}　pjdesk {__version__}")
        self.statusBar().addPermanentWidget(status)
        self.resize(1360, 820)

    def show_page(self, name: str) -> None:
        self.nav.setCurrentRow(list(self.pages).index(name))

    def _show_page(self, row: int) -> None:
        page = list(self.pages.values())[row]
        self.stack.setCurrentWidget(page)
        if page is self.dashboard:
            self.dashboard.refresh()

    def open_ledger(self, f) -> None:
        self.ledger.set_filter(f)
        self.show_page("隐患台账")
        self.ledger.table.setFocus(Qt.OtherFocusReason)

    def open_hazard(self, f, hazard_id: str) -> None:
        self.open_ledger(f)
        self.ledger.select_hazard(hazard_id)

    def _changed(self, changed: dict) -> None:
        """Refresh only the pages that show what changed."""
        if "unit" in changed:
            self.units.reload()
        if "hazard" in changed or "unit" in changed:
            self.dashboard.refresh()
            if self.sender() is not self.ledger:
                self.ledger.reload()

    def start_daily_backup(self) -> None:
        from pjdesk.services.backups import daily_backup

        from .tasks import run_quietly

        self.backup_thread = run_quietly(self, self.session, daily_backup,
                                         lambda path: path and self.settings.refresh_backups())

    def load_demo(self) -> None:
        from pjdesk.services.demo import load_demo

        from .tasks import run_task

        def done(counts) -> None:
            self.units.reload()
            self.ledger.reload()
            self.dashboard.refresh()
            self.statusBar().showMessage(f"已载入演示数据：单位 {counts['units']} 家，隐患 {counts['hazards']} 条", 8000)

        self.demo_thread = run_task(self, self.session, "正在载入演示数据",
                                    lambda s, progress, cancelled: load_demo(s, progress=progress, cancelled=cancelled),
                                    done)

    def closeEvent(self, event) -> None:
        for dialog in self.findChildren(QWidget):
            keep = getattr(dialog, "keep_draft_now", None)
            if keep:
                keep()
        super().closeEvent(event)


def confirm(parent, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.Yes
