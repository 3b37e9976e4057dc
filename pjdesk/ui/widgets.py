"""Small widget makers the pages share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QPushButton, QSplitter, QWidget


def make_button(text: str, name: str, clicked: Callable) -> QPushButton:
    """A push button with its object name (which tests and style sheets find it by) and its action."""
    made = QPushButton(text)
    made.setObjectName(name)
    made.clicked.connect(clicked)
    return made


# What the save button of an entry dialog says: Ctrl+Enter saves from any field, a multi-line box included,
# where Enter starts a new line (Enter in a one-line field still presses the default button).
SAVE_TEXT = "保存（Ctrl+Enter）"


def save_on_ctrl_enter(dialog: QWidget, save: Callable) -> None:
    """Ctrl+Enter anywhere in ``dialog`` calls ``save`` (the main keyboard's Enter and the keypad's)."""
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        QShortcut(QKeySequence(keys), dialog, activated=save)


def ask_to_confirm(parent: QWidget, title: str, text: str, action: str, details: str = "") -> bool:
    """A question before a step that is not undone by one click: ``action`` (销号, 冻结) confirms, 取消 (the
    default, so that Enter does not confirm by mistake) declines."""
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, parent)
    box.setObjectName("confirm")
    if details:
        box.setInformativeText(details)
    yes = box.addButton(action, QMessageBox.AcceptRole)
    no = box.addButton("取消", QMessageBox.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


class ListDetailSplitter(QSplitter):
    """A list beside its detail panel: the list gets all but ``detail_width`` of the width (on a 1366-pixel
    screen most of it), whatever the window's size, until the officer drags the divider; then theirs holds."""

    def __init__(self, listing: QWidget, detail: QWidget, detail_width: int, parent=None):
        super().__init__(Qt.Horizontal, parent)
        self.detail_width = detail_width
        self.addWidget(listing)
        self.addWidget(detail)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)
        self.by_hand = False
        self.splitterMoved.connect(self._moved)

    def _moved(self, *_) -> None:
        self.by_hand = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.fit)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        if not self.by_hand:
            self.setSizes([max(self.width() - self.detail_width, 400), self.detail_width])
