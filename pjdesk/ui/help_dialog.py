"""帮助: the user guide in a window of its own (F1 opens the section of the page shown), the same guide as a
PDF to print, and 关于."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QMenu,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
)

from pjdesk.core.errors import PjdeskError


def install_help_menu(window) -> QMenu:
    """The 帮助 menu of the main window; ``window`` has ``session``, ``pages`` and ``nav``."""
    window.help_dialog = None
    menu = window.menuBar().addMenu("帮助")
    guide = menu.addAction("使用说明", lambda: show_help(window))
    guide.setShortcut(QKeySequence(Qt.Key_F1))
    menu.addAction("使用说明（PDF，可打印）", lambda: open_guide_pdf(window))
    menu.addSeparator()
    # 关于: the version, which whoever helps a station asks first, and where the data is.
    menu.addAction("关于 pjdesk", lambda: show_about(window))
    return menu


def show_help(window) -> None:
    """The guide, at the section of the page the window shows."""
    if window.help_dialog is None:
        window.help_dialog = HelpDialog(window)
    window.help_dialog.show_section(window.current_page_name())
    window.help_dialog.show()
    window.help_dialog.raise_()
    window.help_dialog.activateWindow()


class HelpDialog(QDialog):
    """The sections of the guide on the left, the one chosen on the right. Not modal: it may stay open
    beside the page it explains."""

    def __init__(self, window):
        super().__init__(window)
        from pjdesk.services.user_guide import guide

        self.guide = guide()
        self.setWindowTitle(self.guide.title)
        self.parts = [self.guide.intro, *self.guide.sections]
        self.topics = QListWidget()
        self.topics.setObjectName("help_topics")
        self.topics.setFixedWidth(150)
        self.topics.setStyleSheet("QListWidget::item { padding: 5px 8px; }")
        self.topics.addItems(["简介" if part is self.guide.intro else part.title for part in self.parts])
        self.browser = QTextBrowser()
        self.browser.setObjectName("help_text")
        self.browser.setOpenLinks(False)
        self.topics.currentRowChanged.connect(self._show)
        body = QHBoxLayout()
        body.addWidget(self.topics)
        body.addWidget(self.browser, 1)
        buttons = QDialogButtonBox()
        printable = buttons.addButton("打开 PDF（可打印）", QDialogButtonBox.ActionRole)
        printable.clicked.connect(lambda: open_guide_pdf(window, self))
        buttons.addButton(QDialogButtonBox.Close).clicked.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(860, 600)  # within 1366×768 with a title bar and a taskbar

    def show_section(self, title: str | None) -> None:
        """The section titled ``title`` (a page's name); the guide's beginning if it has none."""
        row = next((i for i, part in enumerate(self.parts) if part.title == title), 0)
        self.topics.setCurrentRow(row)
        self._show(row)

    def current_section(self) -> str:
        return self.parts[max(self.topics.currentRow(), 0)].title

    def _show(self, row: int) -> None:
        if row >= 0:
            self.browser.setMarkdown(self.parts[row].markdown)


def open_guide_pdf(window, parent=None) -> None:
    """Make the guide's PDF (once per version) and open it in the desktop's PDF viewer."""
    from pjdesk.services.user_guide import guide_pdf

    parent = parent or window
    QGuiApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        path = guide_pdf(window.session)
    except PjdeskError as e:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "使用说明", str(e))
        return
    QGuiApplication.restoreOverrideCursor()
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        QMessageBox.information(parent, "使用说明", f"使用说明已生成：\n{path}\n\n本机没有能打开 PDF 的程序，"
                                                    "请用 WPS、浏览器或其他 PDF 阅读器打开这个文件。")


def show_about(window) -> None:
    import platform

    from PySide6.QtCore import qVersion

    from pjdesk.services.about import about

    info = about(window.session)
    backup = info.last_backup
    last = f"{backup['time']:%Y-%m-%d %H:%M}（{backup['label']}）" if backup else "还没有备份（设置 → 备份与恢复 可立即备份）"
    box = QMessageBox(QMessageBox.NoIcon, "关于 pjdesk", (
        f"平江县安全生产台账桌面端（pjdesk）\n版本 {info.version}\n\n"
        f"数据目录：{info.data_dir}\n数据库大小：{_size(info.database_bytes)}\n最近一次备份：{last}\n"
        f"运行环境：Python {platform.python_version()}，Qt {qVersion()}\n\n"
        "离线使用，数据只保存在本机。求助时请告知以上版本号。"), parent=window)
    box.setTextFormat(Qt.PlainText)
    box.setIconPixmap(QApplication.windowIcon().pixmap(64, 64))
    open_folder = box.addButton("打开数据文件夹", QMessageBox.ActionRole)
    box.addButton(QMessageBox.Close)
    box.exec()
    if box.clickedButton() is open_folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(info.data_dir)))


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / 1024 / 1024:.1f} MB"
