"""A list page counts its rows once when it opens (a county's ledger is 200,000 rows: every count is a scan
of an index), and the roles a view asks of every painted cell are answered as before."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from pjdesk.services import hazards as hazard_service
from pjdesk.services.demo import load_demo


def test_the_ledger_counts_its_rows_once_when_it_opens(qtbot, session, monkeypatch):
    from pjdesk.ui.ledger_page import LedgerPage

    load_demo(session)
    counted = []
    real = hazard_service.count_hazards
    monkeypatch.setattr(hazard_service, "count_hazards", lambda *a, **k: counted.append(1) or real(*a, **k))
    page = LedgerPage(session)
    qtbot.addWidget(page)
    page.show()
    assert len(counted) == 1
    assert page.model.rowCount() == real(session, page.current_query()) > 0
    # The order it opens in is the one its header shows: newest found first.
    first, second = page.model.row(0), page.model.row(1)
    assert first["found_date"] >= second["found_date"]
    assert page.table.horizontalHeader().sortIndicatorOrder() == Qt.DescendingOrder
    # A click on the header still sorts (by the query, counting once more): the oldest first.
    keys = [c.key for c in page.model.columns]
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(keys.index("found_date")) + header.sectionSize(keys.index("found_date")) // 2
    QTest.mouseClick(header.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(x, header.height() // 2))
    assert header.sortIndicatorOrder() == Qt.AscendingOrder
    assert len(counted) == 2
    assert page.model.row(0)["found_date"] <= page.model.row(1)["found_date"]


def test_a_cell_answers_the_roles_it_serves_and_no_others(qtbot, session):
    from pjdesk.ui.ledger_page import OVERDUE_FG, LedgerPage

    load_demo(session)
    page = LedgerPage(session)
    qtbot.addWidget(page)
    model = page.model
    overdue = next(r for r in range(model.rowCount()) if model.row(r)["status"] != "已销号"
                   and model.index(r, 0).data(Qt.ForegroundRole) is not None
                   and model.index(r, 0).data(Qt.ForegroundRole).color() == OVERDUE_FG)
    index = model.index(overdue, 0)
    assert index.data(Qt.BackgroundRole).color().name() == "#fdecea"
    assert index.data(Qt.DisplayRole) == str(model.row(overdue)[model.columns[0].key])
    assert index.data(Qt.UserRole)["id"] == model.row(overdue)["id"]
    for role in (Qt.FontRole, Qt.DecorationRole, Qt.CheckStateRole, Qt.SizeHintRole):
        assert index.data(role) is None
