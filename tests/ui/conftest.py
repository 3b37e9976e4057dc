"""UI test helpers: drive the real modal dialogs the program opens, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

# Stations in temporary folders, as the exchange tests make them (a module may define its own instead).
from tests.sync.conftest import county, stations  # noqa: F401 - fixtures


@pytest.fixture
def answer_dialog(qtbot):
    """Schedule ``fill(dialog)`` to run on the next modal dialog, while the program waits in its exec().

    If ``fill`` fails, the dialog is rejected so that the test fails instead of hanging.
    """
    failures = []

    def schedule(fill, *, close_with_reject_on_error=True):
        def run():
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(20, run)
                return
            try:
                fill(dialog)
            except BaseException as e:  # noqa: BLE001 - reported after the dialog closes
                failures.append(e)
                if close_with_reject_on_error:
                    dialog.reject()
        QTimer.singleShot(0, run)

    yield schedule
    if failures:
        raise failures[0]


def type_into(widget, text: str) -> None:
    """Type text as key events, one character at a time (QTest.keyClicks handles ASCII only, not 汉字)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    target = widget.focusProxy() or widget
    if hasattr(widget, "edit"):  # DateField
        target = widget.edit
    target.setFocus()
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))


@pytest.fixture(autouse=True)
def background_work_ends_with_the_test():
    """A test's background threads finish before its widgets and its session are torn down."""
    yield
    from pjdesk.ui.tasks import wait_for_all

    wait_for_all()
