"""UI test helpers: drive the real modal dialogs the program opens, offscreen."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

# Stations in temporary folders, as the exchange tests make them (a module may define its own instead).
from tests.sync.conftest import county, stations  # noqa: F401 - fixtures


@pytest.fixture(scope="session")
def qapp(qapp_args, tmp_path_factory):
    """The program's own QApplication (make_app: Qt's Chinese translation, the font), once for the session, so
    that a test sees the words and sizes a user sees.

    make_app names the program, which is where QSettings keeps what it remembers: the tests keep theirs in a
    folder of their own, never in the settings of the person running them."""
    from PySide6.QtCore import QSettings

    from pjdesk.ui.app import make_app

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))
    return make_app(qapp_args)


@pytest.fixture(autouse=True)
def settings_start_empty(qapp):
    """What one test made the program remember (a window's size, the last folder) is not there in the next."""
    from PySide6.QtCore import QSettings

    yield
    QSettings().clear()


STILL_OPEN_MS = 15_000


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
                return

            def still_open():
                # A fill that did not close the dialog (a save refused, a key that no longer saves) must fail the
                # test, not leave the program waiting in exec() for ever.
                # (A dialog closed as it should is often deleted by then: its wrapper is left without an object.)
                if shiboken6.isValid(dialog) and dialog.isVisible() and QApplication.activeModalWidget() is dialog:
                    failures.append(AssertionError(f"the dialog “{dialog.windowTitle()}” stayed open after it was filled"))
                    dialog.reject()
            QTimer.singleShot(STILL_OPEN_MS, still_open)
        QTimer.singleShot(0, run)

    yield schedule
    if failures:
        raise failures[0]


@pytest.fixture
def window(qtbot, session):
    """The station's window as a clerk has it on a 1366×768 screen, shown (a test module may define its own)."""
    from pjdesk.ui.main_window import MainWindow

    w = MainWindow(session)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


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


def press(dialog, text: str) -> None:
    """Click the button of ``dialog`` (a message box, a question) that reads ``text``."""
    from PySide6.QtWidgets import QAbstractButton

    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.text() == text]
    assert buttons, f"no button {text!r} among {[b.text() for b in dialog.findChildren(QAbstractButton)]}"
    buttons[0].click()
