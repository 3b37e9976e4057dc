"""Long work off the GUI thread, with a progress dialog that can cancel it.

The work runs on its own database connection (``Session.reopen``): SQLite connections stay on the
thread that made them. The window keeps painting; the result comes back through a signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from pjdesk.core.errors import PjdeskError

# Running threads, kept alive here rather than by a widget: a QThread must never be destroyed while it runs,
# and a dialog or page may be closed (and deleted) before its background work ends.
_RUNNING: set[TaskThread] = set()


def wait_for_all(timeout_ms: int = 30000) -> None:
    """Let background work finish (at exit, and before tests tear their windows down)."""
    for thread in list(_RUNNING):
        thread.wait(timeout_ms)


class TaskThread(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)  # stopped as asked: what the work says of it (已取消导出…)

    def __init__(self, session, work: Callable, parent=None, *, abandon_queries: bool = False):
        super().__init__(parent)
        self._session, self._work = session, work
        self._cancel = threading.Event()
        self._abandon_queries = abandon_queries

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        session = None
        try:
            # Work that needs no database (printing) is given no session.
            session = self._session.reopen() if self._session is not None else None
            if session is not None and self._abandon_queries:
                # Work that only reads: once cancelled, its queries stop where they are, and it ends as
                # cancelled however its queries' refusal shows; nothing was written.
                session.store.stop_queries_when(self._cancel.is_set)
            result = self._work(session, self.progressed.emit, self._cancel.is_set)
        except PjdeskError as e:
            outcome = (self.cancelled if self._cancel.is_set() else self.failed, str(e))
        except Exception as e:  # noqa: BLE001 - shown to the user as a message, never a crash of the window
            if self._abandon_queries and self._cancel.is_set():
                outcome = (self.cancelled, str(e))
            else:
                logging.getLogger("pjdesk").exception("background task failed")
                outcome = (self.failed, "处理时出现意外错误，数据未改动。请重试；如仍出错，请把数据目录中的 pjdesk.log 发给技术支持。")
        else:
            outcome = (self.succeeded, result)
        finally:
            if session is not None:
                # A batch's copy of the WAL back into the file finishes on its own thread: the result is
                # not held for it (a county's batch: about a second).
                session.close(wait=False)
        # The result goes out last, once this thread holds nothing: the receiver may close the window.
        signal, value = outcome
        signal.emit(value)


def run_task(parent: QWidget, session, title: str, work: Callable, on_done: Callable[[object], None],
             on_failed: Callable[[str], None] | None = None) -> TaskThread:
    """Run ``work(session, progress, cancelled)`` in the background with a cancellable progress dialog.

    ``session`` is reopened on the background thread; None for work that needs no database (printing)."""
    dialog = QProgressDialog(title, "取消", 0, 0, parent)
    dialog.setWindowTitle("请稍候")
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    thread = _start_kept(TaskThread(session, work))

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        dialog.setLabelText(f"{title}（{done}/{total}）")

    def finish() -> None:
        dialog.reset()
        dialog.close()
        dialog.deleteLater()

    def failed(message: str) -> None:
        finish()
        if on_failed:
            on_failed(message)
        else:
            QMessageBox.warning(parent, "未完成", message)

    def succeeded(result) -> None:
        finish()
        on_done(result)

    def cancelled(message: str) -> None:
        """What the person asked for: said in the status bar, not in a warning to dismiss."""
        finish()
        window = parent.window() if parent is not None else None
        status_bar = getattr(window, "statusBar", None)
        if status_bar:
            status_bar().showMessage(message, 8000)

    dialog.canceled.connect(thread.cancel)
    thread.progressed.connect(progressed)
    thread.succeeded.connect(succeeded)
    thread.failed.connect(failed)
    thread.cancelled.connect(cancelled)
    thread.start()
    return thread


def run_in_page(session, work: Callable, progressed: Callable[[int, int], None], on_done: Callable[[object], None],
                on_failed: Callable[[str], None]) -> TaskThread:
    """Background work whose progress the page shows itself (a bar of its own, not a dialog over the window).

    ``work(session, progress, cancelled)`` as for ``run_task``; the returned thread's ``cancel()`` asks it to stop.
    """
    thread = _start_kept(TaskThread(session, work))
    thread.progressed.connect(progressed)
    thread.succeeded.connect(on_done)
    thread.failed.connect(on_failed)
    thread.start()
    return thread


def _start_kept(thread: TaskThread) -> TaskThread:
    _RUNNING.add(thread)

    def finished() -> None:
        _RUNNING.discard(thread)
        thread.deleteLater()

    thread.finished.connect(finished)
    return thread


def run_quietly(parent: QWidget, session, work: Callable, on_done: Callable[[object], None] | None = None, *,
                reads_only: bool = False) -> TaskThread:
    """Background work the user need not watch (the daily backup): no dialog; a failure goes to the status bar.
    ``reads_only``: work that writes nothing, whose queries ``cancel()`` stops where they are."""
    thread = _start_kept(TaskThread(session, lambda s, progress, cancelled: work(s), abandon_queries=reads_only))
    if on_done:
        thread.succeeded.connect(on_done)
    status_bar = getattr(parent, "statusBar", None)
    if status_bar:
        thread.failed.connect(lambda message: status_bar().showMessage(message, 15000))
    thread.start()
    return thread


class Rereading(QObject):
    """One thing a page reads in the background (``run_quietly``), one read at a time. Asked again while a read
    runs, it reads once more when that one ends; ``drop()`` says the running read is older than what the page
    now shows, and its result is not shown. A child of the page: once the page is gone, results go nowhere."""

    def __init__(self, page: QWidget, session, read: Callable, show: Callable[[object], None]):
        super().__init__(page)
        self._page, self._session, self._read, self._show = page, session, read, show
        self._thread: TaskThread | None = None
        self._again = self._stale = False

    def start(self) -> None:
        if self._thread is not None:
            self._again = True
            return
        self._again = self._stale = False
        self._thread = run_quietly(self._page, self._session, self._read, self._done, reads_only=True)
        self._thread.failed.connect(self._failed)
        self._thread.cancelled.connect(self._failed)

    def busy(self) -> bool:
        return self._thread is not None

    def drop(self) -> None:
        self._stale = self._thread is not None

    def stop(self) -> None:
        """Nobody will see this read (its page was left): its queries stop where they are, and the machine is the
        shown page's. The page reads again when it is shown."""
        self._again = False
        if self._thread is not None:
            self._stale = True
            self._thread.cancel()

    def _done(self, result) -> None:
        self._thread = None
        if not self._stale:
            self._show(result)
        if self._again:
            self.start()

    def _failed(self, _message: str) -> None:
        self._thread = None  # a failure is said in the status bar (run_quietly); a stopped read says nothing
        if self._again:
            self.start()
