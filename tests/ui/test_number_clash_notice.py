"""The 工作台 says when two hazards carry one number (two devices set up with one letter), and says nothing
otherwise."""

from __future__ import annotations

import pytest

from pjdesk.core.hazard import HAZARD
from pjdesk.services import hazards
from pjdesk.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, session):
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_dashboard_names_numbers_given_twice(qtbot, window, unit, session):
    hazards.record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞"})
    window.dashboard.refresh()
    assert not window.dashboard.number_warning.isVisible()
    # As a bundle from a device that numbered with the same letter would bring it.
    with session.store.transaction():
        session.store.insert(HAZARD, {"unit_id": unit, "description": "电线私拉乱接", "level": "一般", "source": "乡镇检查",
                                      "found_date": "2026-11-29", "hazard_no": "430626101-2026-A0001"},
                             township="430626101", operator="李四")
    window.dashboard.refresh()
    text = window.dashboard.number_warning.text()
    assert window.dashboard.number_warning.isVisible()
    assert text.startswith("隐患编号重复 1 个：430626101-2026-A0001") and "已编的号不变" in text
