"""Work on a background thread: its result reaches the window as soon as the work is done."""

import threading

from pjdesk.storage import database
from pjdesk.ui.tasks import TaskThread


def test_a_batchs_result_is_not_held_for_the_copy_of_its_wal(qtbot, session, monkeypatch):
    """An import batch leaves the copy of its WAL back into the file to a thread of its own (a county's batch:
    about a second): the background work's result is shown without waiting for it, and the copy still ends."""
    release, copied = threading.Event(), []
    copy_back = database.write_back

    def slow_copy(path) -> None:
        release.wait(10)
        copy_back(path)
        copied.append(path)

    monkeypatch.setattr(database, "write_back", slow_copy)

    def work(background, progress, cancelled):
        with background.store.write_back_after():
            pass
        return "已导入"

    thread = TaskThread(session, work)
    with qtbot.waitSignal(thread.succeeded, timeout=5000) as done:
        thread.start()
    assert done.args == ["已导入"] and copied == []
    release.set()
    thread.wait(5000)
    for running in threading.enumerate():
        if running.name == "pjdesk-write-back":
            running.join(5)
    assert copied == [session.store.path]
