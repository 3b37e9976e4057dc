"""Qt's own dialogs speak Chinese: the buttons of message boxes, the file, print and page dialogs (Qt's own
widgets on Linux), the input and progress dialogs — and the program's own confirmations built on them."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QGroupBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QTreeView,
    QWidget,
)

# Words a Chinese Qt still shows in Latin letters, as Chinese software does: paper and file formats.
LATIN_KEPT = {"PDF", "mm", "in", "pt", "DD", "CC", "Ctrl"}


def english_words(dialog: QWidget) -> list[tuple[str, str]]:
    """(widget class, word) for every run of two or more Latin letters in the dialog's buttons, labels and box
    titles; widgets that show no text (icons, spin boxes of figures) have none."""
    texts = [("window title", dialog.windowTitle())]
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, (QAbstractButton, QLabel)):
            texts.append((type(widget).__name__, widget.text()))
        elif isinstance(widget, QGroupBox):
            texts.append(("QGroupBox", widget.title()))
        if isinstance(widget, QAbstractButton) and widget.toolTip():
            texts.append((f"tooltip of {type(widget).__name__}", widget.toolTip()))
    return [(kind, word) for kind, text in texts
            for word in re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]+>", "", text.replace("&", "")))
            if word not in LATIN_KEPT]


def shown(qtbot, dialog: QWidget) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def message_box():
    every = QMessageBox.StandardButton(0)
    for button in (QMessageBox.Ok, QMessageBox.Open, QMessageBox.Save, QMessageBox.Cancel, QMessageBox.Close,
                   QMessageBox.Discard, QMessageBox.Apply, QMessageBox.Reset, QMessageBox.RestoreDefaults,
                   QMessageBox.Help, QMessageBox.SaveAll, QMessageBox.Yes, QMessageBox.YesToAll, QMessageBox.No,
                   QMessageBox.NoToAll, QMessageBox.Abort, QMessageBox.Retry, QMessageBox.Ignore):
        every |= button
    box = QMessageBox(QMessageBox.Question, "确认", "继续吗？", every)
    box.setDetailedText("详细说明")  # adds the 显示详细信息 button
    return box


def file_dialog(mode: QFileDialog.FileMode, accept: QFileDialog.AcceptMode, folder):
    dialog = QFileDialog(None, "选择文件", str(folder), "Excel 表格 (*.xlsx)")
    dialog.setOption(QFileDialog.DontUseNativeDialog)  # Qt's own dialog, as on Linux
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    dialog.setViewMode(QFileDialog.Detail)
    return dialog


def on_a_printer(dialog_class):
    printer = QPrinter()
    dialog = dialog_class(printer)
    dialog.printer_kept = printer  # the dialog only points at its printer: it must outlive the dialog
    return dialog


def input_dialog():
    dialog = QInputDialog()
    dialog.setLabelText("删除原因：")
    return dialog


def progress_dialog():
    dialog = QProgressDialog()  # its own 取消 button, not one the program names
    dialog.setLabelText("正在导出")
    return dialog


DIALOGS = {
    "message box": lambda tmp_path: message_box(),
    "open file": lambda tmp_path: file_dialog(QFileDialog.ExistingFile, QFileDialog.AcceptOpen, tmp_path),
    "save file": lambda tmp_path: file_dialog(QFileDialog.AnyFile, QFileDialog.AcceptSave, tmp_path),
    "choose folder": lambda tmp_path: file_dialog(QFileDialog.Directory, QFileDialog.AcceptOpen, tmp_path),
    "print": lambda tmp_path: on_a_printer(QPrintDialog),
    "page setup": lambda tmp_path: on_a_printer(QPageSetupDialog),
    "print preview": lambda tmp_path: on_a_printer(QPrintPreviewDialog),
    "input": lambda tmp_path: input_dialog(),
    "progress": lambda tmp_path: progress_dialog(),
}


@pytest.mark.parametrize("name", DIALOGS)
def test_qt_standard_dialogs_have_no_english_words(qtbot, tmp_path, name):
    (tmp_path / "子文件夹").mkdir()
    (tmp_path / "台账.xlsx").write_bytes(b"")
    dialog = shown(qtbot, DIALOGS[name](tmp_path))
    assert english_words(dialog) == []


def test_the_file_dialog_lists_a_folder_as_a_folder(qtbot, tmp_path):
    (tmp_path / "子文件夹").mkdir()
    dialog = shown(qtbot, file_dialog(QFileDialog.AnyFile, QFileDialog.AcceptSave, tmp_path))
    view = dialog.findChild(QTreeView, "treeView")  # the detail view's 类型 column
    qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) == 1)
    assert view.model().index(0, 2, view.rootIndex()).data() == "文件夹"


def buttons_of(dialog: QWidget) -> list[str]:
    return sorted(b.text().replace("&", "") for b in dialog.findChildren(QAbstractButton) if b.isVisible())


def test_the_restore_confirmation_asks_in_chinese(qtbot, session, answer_dialog):
    from pjdesk.services import backups
    from pjdesk.ui.settings_page import SettingsPage

    backups.backup_now(session)
    page = SettingsPage(session)
    qtbot.addWidget(page)
    page.show()
    page.refresh_backups()
    page.backups.selectRow(0)
    seen = []

    def read(dialog):
        seen.append((buttons_of(dialog), english_words(dialog)))
        dialog.reject()
    answer_dialog(read)
    page.restore_selected()
    [(buttons, english)] = seen
    assert buttons == ["否(N)", "是(Y)"] and english == []


def test_the_delete_reason_box_has_chinese_buttons(qtbot, answer_dialog):
    from pjdesk.ui.hazard_dialogs import ask_delete_reason

    seen = []

    def read(dialog):
        seen.append((buttons_of(dialog), english_words(dialog)))
        dialog.reject()
    answer_dialog(read)
    assert ask_delete_reason(None, "隐患") is None
    [(buttons, english)] = seen
    assert buttons == ["取消", "确定"] and english == []


def test_the_program_and_the_tests_start_qt_alike(qapp):
    """The test session's application is the program's own (make_app), so the tests see what a user sees."""
    from pjdesk.ui.app import make_app

    assert make_app() is QApplication.instance() is qapp
    assert qapp.translate("QPlatformTheme", "Cancel") == "取消"
    assert QApplication.layoutDirection() == Qt.LeftToRight


def test_qts_chinese_is_installed_once_however_often_the_application_is_made(qtbot):
    from PySide6.QtCore import QTranslator

    from pjdesk.ui.app import install_chinese, make_app

    app = make_app()
    before = len(app.findChildren(QTranslator))
    assert before >= 2, "pjdesk's missing words and Qt's own translation"
    make_app()
    install_chinese(app)
    assert len(app.findChildren(QTranslator)) == before
