"""The window paints before the 工作台's figures are read: they are read on a thread of their own and shown when
read, and a figure shown after a change is never overwritten by an older read."""

from __future__ import annotations

import pytest

from pjdesk.services.demo import load_demo


@pytest.fixture
def demo_session(session):
    load_demo(session)
    return session


def test_the_figures_follow_the_first_paint(qtbot, demo_session):
    from pjdesk.ui.dashboard_page import read_facts
    from pjdesk.ui.main_window import MainWindow

    window = MainWindow(demo_session, read_later=True)
    qtbot.addWidget(window)
    window.show()
    page = window.dashboard
    assert page.cards["overdue"].number.text() == "…"  # painted before anything was read
    assert not page.worst.isVisible()
    page.refresh_soon()
    qtbot.waitUntil(lambda: not page.reading(), timeout=20_000)
    facts = read_facts(demo_session)
    assert page.counts() == {key: facts.counts.get(key, 0) for key in page.cards}
    assert page.counts()["overdue"] > 0
    assert page.todo_card.number.text() == f"{facts.todo:,}"
    assert page.worst.rowCount() == len(facts.worst) > 0


def test_a_read_older_than_what_is_shown_is_dropped(qtbot, demo_session):
    from pjdesk.services.hazards import dashboard
    from pjdesk.ui.main_window import MainWindow

    window = MainWindow(demo_session, read_later=True)
    qtbot.addWidget(window)
    window.show()
    page = window.dashboard
    page.refresh_soon()
    page.refresh()  # a change was saved meanwhile: shown at once
    now = page.counts()
    page.cards["overdue"].number.setText("-1")  # what the older read would overwrite, were it not dropped
    qtbot.waitUntil(lambda: not page.reading(), timeout=20_000)
    assert page.cards["overdue"].number.text() == "-1"
    assert now == {key: dashboard(demo_session).get(key, 0) for key in page.cards}


def test_showing_the_page_again_reads_it_again(qtbot, demo_session):
    from pjdesk.ui.main_window import MainWindow

    window = MainWindow(demo_session)
    qtbot.addWidget(window)
    window.show()
    window.show_page("单位")
    window.dashboard.cards["overdue"].number.setText("-1")
    window.show_page("工作台")
    qtbot.waitUntil(lambda: not window.dashboard.reading(), timeout=20_000)
    assert window.dashboard.cards["overdue"].number.text() != "-1"


def test_leaving_the_page_stops_its_read_and_coming_back_reads_it_again(qtbot, demo_session):
    """The ledger opened right after the start has the machine: the 工作台's read stops where it is (its
    queries abandoned, nothing said in the status bar), and the page reads again when shown."""
    import threading

    from pjdesk.ui import dashboard_page
    from pjdesk.ui.main_window import MainWindow

    inside, release = threading.Event(), threading.Event()
    reads_after_release = []

    def slow_read(session):
        inside.set()
        release.wait(20)
        reads_after_release.append(session.store.db.execute(
            "SELECT COUNT(*) FROM hazard h JOIN hazard_event e ON e.hazard_id = h.id WHERE h.description != e.kind"
        ).fetchone())
        return dashboard_page.read_facts(session)

    window = MainWindow(demo_session, read_later=True)
    qtbot.addWidget(window)
    window.show()
    page = window.dashboard
    page._figures._read = slow_read
    page.refresh_soon()
    assert inside.wait(20)
    window.show_page("隐患台账")
    release.set()
    qtbot.waitUntil(lambda: not page.reading(), timeout=20_000)
    assert reads_after_release == [], "its next query was abandoned"
    assert page.cards["overdue"].number.text() == "…"
    assert window.statusBar().currentMessage() == ""
    page._figures._read = dashboard_page.read_facts
    window.show_page("工作台")
    qtbot.waitUntil(lambda: page.cards["overdue"].number.text() != "…", timeout=20_000)
    qtbot.waitUntil(lambda: not page.reading(), timeout=20_000)
    assert page.counts()["overdue"] > 0


def test_at_start_the_figures_are_read_once_the_page_has_painted(qtbot, demo_session):
    """A read started beside the first paint held the interpreter for part of it: the start reads after it."""
    from pjdesk.ui.main_window import MainWindow

    window = MainWindow(demo_session, read_later=True)
    qtbot.addWidget(window)
    page = window.dashboard
    page.read_once_painted()
    qtbot.wait(50)
    assert page.reading() and not page._figures.busy(), "waits for the paint, reading nothing"
    window.show()
    qtbot.waitUntil(lambda: page.cards["overdue"].number.text() != "…", timeout=20_000)
    qtbot.waitUntil(lambda: not page.reading(), timeout=20_000)
    assert page.counts()["overdue"] > 0
