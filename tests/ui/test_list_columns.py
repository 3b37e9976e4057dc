"""The columns of a list page: the officer hides, shows and moves them; the arrangement comes back when the
page is built again (the next start), per kind and per station kind; 恢复默认列 forgets it; a stored value that
is not what the program wrote is ignored. The hazard ledger, a generic page too, does the same, and its long
text is elided with the whole text in a tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from pjdesk.core.inspection import INSPECTION
from pjdesk.services import hazards
from pjdesk.services.units import save_unit
from pjdesk.ui.column_layout import column_layout
from pjdesk.ui.desk_settings import desk_settings
from pjdesk.ui.ledger_page import LedgerPage
from pjdesk.ui.record_page import RecordPage
from tests.conftest import TODAY


def labels_shown(page) -> list[str]:
    header = page.table.horizontalHeader()
    return [page.model.columns[header.logicalIndex(v)].label for v in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(v))]


def menu_action(page, label: str):
    return next(a for a in page.column_menu().actions() if a.text() == label)


def test_hidden_and_moved_columns_come_back_on_the_next_start(qtbot, session):
    page = RecordPage(session, INSPECTION)
    qtbot.addWidget(page)
    first = labels_shown(page)
    assert "发现问题" in first and first[0] == "检查日期"
    menu_action(page, "发现问题").toggle()  # hidden by unticking it in the menu
    header = page.table.horizontalHeader()
    header.moveSection(header.visualIndex(first.index("检查方式")), 0)  # 检查方式 dragged to the front
    assert labels_shown(page)[0] == "检查方式" and "发现问题" not in labels_shown(page)

    again = RecordPage(session, INSPECTION)
    qtbot.addWidget(again)
    assert labels_shown(again) == labels_shown(page)
    assert not menu_action(again, "发现问题").isChecked()

    menu_action(again, "恢复默认列").trigger()
    assert labels_shown(again) == first
    assert column_layout(session, again.view_name).order == ()
    third = RecordPage(session, INSPECTION)
    qtbot.addWidget(third)
    assert labels_shown(third) == first


def test_the_last_column_shown_cannot_be_hidden(qtbot, session):
    page = RecordPage(session, INSPECTION)
    qtbot.addWidget(page)
    for label in labels_shown(page)[1:]:
        menu_action(page, label).toggle()
    assert labels_shown(page) == ["检查日期"]
    assert not menu_action(page, "检查日期").isEnabled()


def test_a_stored_arrangement_that_is_not_ours_is_ignored(qtbot, session):
    page = RecordPage(session, INSPECTION)
    qtbot.addWidget(page)
    first = labels_shown(page)
    for junk in ("{not json", "[1, 2]", '{"order": "date", "hidden": 7}', '{"order": [3, null, "nope"], "hidden": [{}]}',
                 '{"hidden": ["date", "unit_id__title", "mode", "findings", "officer_names", "failed_items", '
                 '"incomplete"]}'):
        desk_settings(session).setValue("columns/" + page.view_name, junk)
        again = RecordPage(session, INSPECTION)
        qtbot.addWidget(again)
        assert labels_shown(again), junk  # never every column hidden
        if "hidden" not in junk or "7" in junk or "{}" in junk:
            assert labels_shown(again) == first, junk


def test_the_ledger_remembers_its_columns_and_elides_long_text(qtbot, session):
    unit = save_unit(session, {"name": "平江县安定红星砖厂", "sector": "工贸其他"}).id
    long_text = "窑炉操作平台防护栏缺失，" * 8
    hazards.record_hazard(session, {"unit_id": unit, "description": long_text, "level": "一般",
                                    "source": "乡镇检查", "found_date": TODAY.isoformat()})
    page = LedgerPage(session)
    qtbot.addWidget(page)
    # What a clerk reads first fits beside the detail panel on a 1366-pixel screen; the rest is in the menu.
    first = ["编号", "状态", "等级", "单位", "隐患描述", "整改期限", "逾期", "责任人", "发现日期"]
    assert labels_shown(page) == first
    menu_action(page, "部位").toggle()
    menu_action(page, "责任人").toggle()
    again = LedgerPage(session)
    qtbot.addWidget(again)
    assert "部位" in labels_shown(again) and "责任人" not in labels_shown(again)
    menu_action(again, "恢复默认列").trigger()
    assert labels_shown(again) == first
    number = [c.key for c in again.model.columns].index("hazard_no")
    assert again.model.columns[number].elide == Qt.ElideLeft  # …2026-A0001: the end tells rows apart
    assert again.model.data(again.model.index(0, number), Qt.ToolTipRole).startswith("430626101-")
    column = [c.key for c in again.model.columns].index("description")
    index = again.model.index(0, column)
    assert again.table.textElideMode() == Qt.ElideRight
    assert again.model.data(index, Qt.ToolTipRole) == long_text.strip()
    # The number is drawn cut at its left; every other column is drawn by Qt's own delegate, cut at its right.
    option = QStyleOptionViewItem()
    again.table.itemDelegateForIndex(again.model.index(0, number)).initStyleOption(option, again.model.index(0, number))
    assert option.textElideMode == Qt.ElideLeft
    drawn_by = {type(again.table.itemDelegateForIndex(again.model.index(0, c))) for c in range(len(again.model.columns))
                if c != number}
    assert drawn_by == {QStyledItemDelegate}


def test_a_column_declared_list_hidden_starts_hidden_and_is_offered(qtbot, session):
    """所在村（社区） is searched and exported, but on a 1366-pixel screen the unit's name has its room first."""
    from pjdesk.core.unit import UNIT

    page = RecordPage(session, UNIT)
    qtbot.addWidget(page)
    assert "所在村（社区）" not in labels_shown(page) and labels_shown(page)[0] == "单位名称"
    assert "所在村（社区）" in page.search.placeholderText()
    menu_action(page, "所在村（社区）").toggle()
    assert "所在村（社区）" in labels_shown(page)
    name = [c.key for c in page.model.columns].index("name")
    assert page.model.columns[name].width >= page.fontMetrics().horizontalAdvance("某" * 11)
