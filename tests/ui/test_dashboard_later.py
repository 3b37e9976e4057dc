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
