"""The main window: a navigation list on the left, one page at a time on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
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
from pjdesk.core.kinds import KINDS

from .dashboard_page import DashboardPage
from .help_dialog import install_help_menu

# Pages other than the dashboard are built the first time they are shown: start-up pays only for what the
# officer sees first (the ledger page counts the whole ledger; the 报表 page loads the PDF engine).
# Each page: its module and class, imported when it is first shown, and the record kind it lists if any. Every
# kind that declares a ``page`` gets the generic list page (record_page.RecordPage) under that label, in the
# order the kinds are registered, where KIND_ENTRIES stands below: a new kind needs no line here. A kind that
# names a ``page_group`` has its page as a tab of that entry (PAGE_GROUPS), so that the list stays short.
KIND_PAGES = {k.page: k.name for k in KINDS.values() if k.page}
PAGE_GROUPS: dict[str, tuple[str, ...]] = {}
for _kind in KINDS.values():
    if _kind.page and _kind.page_group:
        PAGE_GROUPS[_kind.page_group] = (*PAGE_GROUPS.get(_kind.page_group, ()), _kind.page)
GROUP_OF = {page: group for group, pages in PAGE_GROUPS.items() for page in pages}
KIND_ENTRIES = tuple(dict.fromkeys(GROUP_OF.get(label, label) for label in KIND_PAGES))
PAGE_CLASSES = {
    "待办": ("todo_page", "TodoPage"),
    "目标": ("targets_page", "TargetsPage"),
    "单位": ("units_page", "UnitsPage"),
    **{label: ("record_page", "RecordPage", kind) for label, kind in KIND_PAGES.items()},
    "隐患台账": ("ledger_page", "LedgerPage"),
    "报表": ("reports_page", "ReportsPage"),
    "报送情况": ("reporting_page", "ReportingPage"),
    "汇总": ("summary_page", "SummaryPage"),
    "排名": ("ranking_page", "RankingPage"),
    "数据交换": ("exchange_page", "ExchangePage"),
    "设置": ("settings_page", "SettingsPage"),
}
TOWNSHIP_PAGES = ("工作台", "待办", "目标", "单位", *KIND_ENTRIES, "隐患台账", "报表", "数据交换", "设置")
COUNTY_PAGES = ("工作台", "待办", "目标", "报送情况", "隐患台账", "单位", *KIND_ENTRIES, "汇总", "排名", "报表", "数据交换",
                "设置")


FRAME = (8, 40)  # what a window manager's borders and title bar take, about, in pixels


def pages_for(station) -> tuple[str, ...]:
    return COUNTY_PAGES if station.is_county else TOWNSHIP_PAGES


def page_names(entries) -> tuple[str, ...]:
    """Every page of the navigation ``entries``, a group's tabs in its place."""
    return tuple(name for entry in entries for name in PAGE_GROUPS.get(entry, (entry,)))


class MainWindow(QMainWindow):
    def __init__(self, session, parent=None, *, read_later: bool = False):
        """``read_later``: the 工作台's figures are read after the window is shown (``start`` paints the window
        first; ``dashboard.refresh_soon`` reads them on a thread of their own)."""
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
        self.pages = pages_for(station)
        self._pages: dict[str, QWidget | None] = dict.fromkeys(page_names(self.pages))
        self._pages.update(dict.fromkeys(e for e in self.pages if e in PAGE_GROUPS))
        self.dashboard = DashboardPage(session, read_now=not read_later)
        self.dashboard.open_ledger.connect(self.open_ledger)
        self.dashboard.open_hazard.connect(self.open_hazard)
        self.dashboard.load_demo.connect(self.load_demo)
        self.dashboard.open_page.connect(self.show_page)
        self._pages["工作台"] = self.dashboard
        for name in self.pages:
            self.nav.addItem(name)
            self.stack.addWidget(self.dashboard if name == "工作台" else QWidget())
        self.nav.currentRowChanged.connect(self._show_page)
        self.nav.setCurrentRow(0)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        status = QLabel(f"{station.label}　操作员：{session.operator}　pjdesk {__version__}")
        self.statusBar().addPermanentWidget(status)
        # 帮助: the user guide (F1 opens the section of the page shown), the guide to print, and 关于.
        self.help_menu = install_help_menu(self)
        self.fit_to_screen()

    # --- its place on the screen --------------------------------------------------------------------------------
    def fit_to_screen(self) -> None:
        """At most the room the screen leaves (1366×768 under a Windows taskbar leaves about 1366×728), less
        the title bar and borders the window manager adds."""
        room = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        self.resize(min(1360, room.width() - FRAME[0]), min(820, room.height() - FRAME[1]))

    def show_on_start(self) -> None:
        """Where and as big as it was when last closed on this desk, inside the screen it is on now; maximised
        the first time."""
        from .desk_settings import desk_settings

        saved = desk_settings(self.session).value("window/geometry")
        if saved is None or not self.restoreGeometry(saved):
            self.showMaximized()
            return
        room = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        if not self.isMaximized() and not room.contains(self.frameGeometry()):
            self.fit_to_screen()
            self.move(room.topLeft())
        self.show()

    def remember_geometry(self) -> None:
        from .desk_settings import desk_settings

        settings = desk_settings(self.session)
        settings.setValue("window/geometry", self.saveGeometry())
        settings.sync()

    # --- pages, built on first use ------------------------------------------------------------------------
    def page(self, name: str) -> QWidget:
        """The page ``name`` (an entry of the navigation or a tab of one), built if it has not been."""
        if name in GROUP_OF:
            return self.page(GROUP_OF[name]).page(name)
        page = self._pages[name]
        if page is None:
            page = self._build_page(name)
            self._pages[name] = page
            index = self.pages.index(name)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return page

    def _build_page(self, name: str) -> QWidget:
        import importlib

        if name in PAGE_GROUPS:
            from .page_tabs import PageTabs

            return PageTabs(PAGE_GROUPS[name], self._build_tab)
        module, cls, *kind = PAGE_CLASSES[name]
        page = getattr(importlib.import_module(f"{__package__}.{module}"), cls)(
            self.session, *(KINDS[k] for k in kind))
        if name == "单位":
            page.show_hazards.connect(self.open_ledger)
        if hasattr(page, "changed"):
            page.changed.connect(self._changed)
        return page

    def _build_tab(self, name: str) -> QWidget:
        page = self._pages[name] = self._build_page(name)
        return page

    def built(self, name: str) -> QWidget | None:
        """The page if this station has it and it has been shown; None otherwise."""
        return self._pages.get(name)

    @property
    def units(self):
        return self.page("单位")

    @property
    def ledger(self):
        return self.page("隐患台账")

    @property
    def reports(self):
        return self.page("报表")

    @property
    def settings(self):
        return self.page("设置")

    def show_page(self, name: str) -> None:
        """Show the page ``name``: an entry of the navigation, or a tab of one (its entry chosen, then the tab)."""
        self.nav.setCurrentRow(self.pages.index(GROUP_OF.get(name, name)))
        if name in GROUP_OF:
            self.page(GROUP_OF[name]).show_page(name)

    def current_page_name(self) -> str | None:
        """The page shown: the entry chosen in the navigation, or the tab shown of a group."""
        row = self.nav.currentRow()
        if row < 0:
            return None
        entry = self.pages[row]
        return self.page(entry).current_name() if entry in PAGE_GROUPS else entry

    def _show_page(self, row: int) -> None:
        page = self.page(self.pages[row])
        self.stack.setCurrentWidget(page)
        if page is self.dashboard and self.isVisible():
            self.dashboard.refresh_soon()  # the figures as they were until the new ones are read
        elif page is not self.dashboard:
            self.dashboard.stop_reading()

    def open_ledger(self, f) -> None:
        self.ledger.set_filter(f)
        self.show_page("隐患台账")
        self.ledger.table.setFocus(Qt.OtherFocusReason)

    def open_hazard(self, f, hazard_id: str) -> None:
        self.open_ledger(f)
        self.ledger.select_hazard(hazard_id)

    def _changed(self, changed: dict) -> None:
        """Refresh only the pages that show what changed (and only those already built)."""
        # A list page (the ledger's too) says itself whether the change concerns it (its kind, what it refers to).
        for page in self._pages.values():
            if page is not None and page is not self.sender() and hasattr(page, "refresh_for"):
                page.refresh_for(changed)
        if "hazard" in changed or "unit" in changed:
            self.dashboard.refresh()
        # An import on the county changes who has reported, the totals and the ranking.
        for name in ("报送情况", "汇总", "排名"):
            page = self.built(name)
            if page is not None and self.sender() is not page:
                page.refresh()

    def start_daily_backup(self) -> None:
        from pjdesk.services.backups import daily_backup

        from .tasks import run_quietly

        self.backup_thread = run_quietly(
            self, self.session, daily_backup,
            lambda path: path and self.built("设置") is not None and self.built("设置").refresh_backups())

    def load_demo(self) -> None:
        from pjdesk.services.demo import load_demo

        from .tasks import run_task

        def done(counts) -> None:
            for name in ("单位", *KIND_PAGES, "隐患台账"):
                if self.built(name) is not None:
                    self.built(name).reload()
            for name in ("报送情况", "汇总", "排名"):  # the county demo brings the townships' monthly files
                if self.built(name) is not None:
                    self.built(name).refresh()
            self.dashboard.refresh()
            self.statusBar().showMessage(f"已载入演示数据：单位 {counts['units']} 家，隐患 {counts['hazards']} 条", 8000)

        self.demo_thread = run_task(self, self.session, "正在载入演示数据",
                                    lambda s, progress, cancelled: load_demo(s, progress=progress, cancelled=cancelled),
                                    done)

    def closeEvent(self, event) -> None:
        self.remember_geometry()
        for dialog in self.findChildren(QWidget):
            keep = getattr(dialog, "keep_draft_now", None)
            if keep:
                keep()
        # Background work (targets, the daily backup) finishes before its widgets go: a thread must not
        # outlive the objects it reports to.
        from .tasks import wait_for_all

        wait_for_all()
        super().closeEvent(event)


def confirm(parent, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.Yes
