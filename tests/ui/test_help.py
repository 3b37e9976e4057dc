"""帮助: F1 opens the user guide at the page shown, the same guide prints as a PDF, and 关于 says where the data
is, how big it is and when it was last backed up, with a button that opens the folder."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from pjdesk.ui.main_window import COUNTY_PAGES, TOWNSHIP_PAGES, MainWindow, page_names


class OpenedUrls(QObject):
    """Where the program asked the desktop to open a file or folder (Qt's own hook for file: URLs)."""

    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened():
    catcher = OpenedUrls()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher.urls
    QDesktopServices.unsetUrlHandler("file")


def shown_window(qtbot, session) -> MainWindow:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def help_action(window, text: str):
    [action] = [a for a in window.help_menu.actions() if a.text() == text]
    return action


@pytest.mark.parametrize("station", ["township", "county"])
def test_f1_on_each_page_opens_its_section(qtbot, session, county, station):
    window = shown_window(qtbot, session if station == "township" else county)
    pages = TOWNSHIP_PAGES if station == "township" else COUNTY_PAGES
    assert tuple(window.pages) == pages
    for name in page_names(pages):  # a group's tabs each have their own section
        window.show_page(name)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        qtbot.keyClick(window.stack.currentWidget(), Qt.Key_F1)
        dialog = window.help_dialog
        qtbot.waitUntil(dialog.isVisible)
        assert dialog.current_section() == name
        shown = dialog.browser.toPlainText()
        assert shown.startswith(name) and len(shown) > len(name) + 40  # the heading, then what it says
        dialog.hide()


def test_the_guide_as_a_pdf_has_every_page_and_opens_from_the_menu(qtbot, session, opened):
    window = shown_window(qtbot, session)
    help_action(window, "使用说明（PDF，可打印）").trigger()
    [url] = opened
    text = "".join(page.extract_text() for page in PdfReader(url.toLocalFile()).pages)
    for name in {*page_names(TOWNSHIP_PAGES), *page_names(COUNTY_PAGES)}:
        assert re.search(rf"^{name}\s*$", text, re.MULTILINE), name  # a heading of its own


def test_the_help_menu_shows_f1(qtbot, session):
    window = shown_window(qtbot, session)
    assert help_action(window, "使用说明").shortcut().toString() == "F1"


def test_about_shows_the_data_folder_its_size_and_the_last_backup(qtbot, session, answer_dialog, opened):
    from pjdesk.services import backups

    backups.backup_now(session, "daily")
    backups.backup_now(session)
    [newest, _] = backups.list_backups(session)  # the time the 设置 page shows for it
    window = shown_window(qtbot, session)
    seen = []

    def read(dialog):
        seen.append(dialog.text())
        [button] = [b for b in dialog.findChildren(QPushButton) if b.text() == "打开数据文件夹"]
        button.click()
    answer_dialog(read)
    help_action(window, "关于 pjdesk").trigger()
    [text] = seen
    size = sum(p.stat().st_size for p in session.data_dir.glob("pjdesk.db*") if not p.name.endswith("-shm"))
    assert f"数据目录：{session.data_dir}" in text
    assert re.search(r"数据库大小：\d+(\.\d)? (KB|MB)", text)
    assert f"{size / 1024:.0f} KB" in text or f"{size / 1024 / 1024:.1f} MB" in text
    assert f"最近一次备份：{newest['time']:%Y-%m-%d %H:%M}（手动）" in text
    assert [url.toLocalFile() for url in opened] == [str(session.data_dir)]
    assert not isinstance(QApplication.activeModalWidget(), QMessageBox)  # the button also closed the box


def test_about_says_when_there_is_no_backup_yet(qtbot, session, answer_dialog):
    window = shown_window(qtbot, session)
    seen = []

    def read(dialog):
        seen.append(dialog.text())
        dialog.accept()
    answer_dialog(read)
    help_action(window, "关于 pjdesk").trigger()
    assert "最近一次备份：还没有备份" in seen[0]
