"""What the officer sees of 逾期未整改: a hazard rectified before its deadline is not red, not "逾期 N 天", and
not on the 逾期未整改 card, however long its 销号 waits; a failed review after the deadline makes it late again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pjdesk.services import hazards
from pjdesk.ui.ledger_page import OVERDUE_FG
from pjdesk.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, session):
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    return w


def shown(ledger) -> dict[str, tuple[str, bool]]:
    """Each row's description, its 逾期 cell and whether it is drawn in the overdue colour."""
    model = ledger.model
    column = next(i for i, c in enumerate(model.columns) if c.key == "overdue")
    out = {}
    for row in range(model.rowCount()):
        text = model.data(model.index(row, column))
        colour = model.data(model.index(row, column), Qt.ForegroundRole)
        out[model.row(row)["description"]] = (text, colour == OVERDUE_FG)
    return out


def test_rectified_on_time_is_not_shown_as_overdue(qtbot, window, unit, session):
    def hazard(text):
        return hazards.record_hazard(session, {"unit_id": unit, "description": text, "found_date": "2026-11-02",
                                               "deadline": "2026-11-09"}).id
    on_time = hazard("配电箱电线老化")
    hazards.complete_rectification(session, on_time, "2026-11-04")
    hazards.review_hazard(session, on_time, "2026-11-04", passed=True, reviewer="李四")
    redo = hazard("灭火器过期")
    hazards.complete_rectification(session, redo, "2026-11-04")
    hazards.review_hazard(session, redo, "2026-11-20", passed=False, reviewer="李四", note="仍有过期灭火器")

    window.dashboard.refresh()
    assert window.dashboard.counts()["overdue"] == 1
    window.show_page("隐患台账")
    window.ledger.reload()
    assert shown(window.ledger) == {"配电箱电线老化": ("", False), "灭火器过期": ("逾期 20 天", True)}
    qtbot.mouseClick(window.dashboard.cards["overdue"], Qt.LeftButton)
    assert [window.ledger.model.row(r)["description"] for r in range(window.ledger.model.rowCount())] == ["灭火器过期"]
    assert "逾期未整改" in window.ledger.filter_label.text()
