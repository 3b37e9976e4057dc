"""The county's ledger: every township's hazards, filterable by township, read-only, and 交办 to a township."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pjdesk.services import hazards, sync
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.ui.ledger_page import LedgerPage
from tests.conftest import TODAY
from tests.ui.conftest import type_into
from tests.ui.test_ledger_flow import choose

SANSHI = "430626102"


def township(tmp_path, code, unit_name, descriptions):
    session = init_station(tmp_path / code, code=code, operator="站长", today=lambda: TODAY)
    unit = save_unit(session, {"name": unit_name, "sector": "工贸其他"}).id
    for text in descriptions:
        hazards.record_hazard(session, {"unit_id": unit, "description": text, "found_date": "2026-11-02"})
    return session


@pytest.fixture
def county(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    towns = [township(tmp_path, "430626101", "安定砖厂", ["窑顶护栏缺失", "配电箱未接地"]),
             township(tmp_path, SANSHI, "三市加油站", ["加油机静电接地不良"])]
    for town in towns:
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
        assert result.status == "accepted", result.message
    yield county
    for town in towns:
        town.close()
    county.close()


@pytest.fixture
def page(qtbot, county):
    page = LedgerPage(county)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    return page


def test_the_county_sees_every_township_and_filters_by_one(page):
    assert page.count_label.text() == "共 3 条"
    columns = [c.label for c in page.model.columns]
    assert columns[0] == "乡镇"
    shown = {page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())}
    assert shown == {"安定镇", "三市镇"}
    choose(page.township_box, "三市镇")
    assert page.count_label.text() == "共 1 条"
    assert page.model.row(0)["description"] == "加油机静电接地不良"
    assert not page.import_button.isVisible(), "the county imports townships' files, not their spreadsheets"


def test_township_rows_are_read_only_on_the_county(page):
    page.select_row(0)
    assert page.selected_id()
    assert not any(b.isEnabled() for b in page.buttons.values())


def test_the_county_assigns_a_hazard_to_a_township(qtbot, page, county, answer_dialog):
    assert page.new_button.text() == "交办隐患…"
    choose(page.township_box, "三市镇")

    def fill(dialog):
        form = dialog.form
        assert "三市镇" in dialog.windowTitle()
        units = [form.editor("unit_id").itemText(i) for i in range(form.editor("unit_id").count())]
        assert any("三市加油站" in u for u in units) and not any("安定砖厂" in u for u in units)
        choose(form.editor("unit_id"), "三市加油站")
        choose(form.editor("level"), "一般")
        type_into(form.editor("description"), "储油罐区防雷检测过期")
        type_into(form.editor("location"), "储油罐区")
        qtbot.keyClick(form.editor("location"), Qt.Key_Return)

    answer_dialog(fill)
    qtbot.mouseClick(page.new_button, Qt.LeftButton)
    assert page.count_label.text() == "共 2 条"
    assigned = next(page.model.row(r) for r in range(page.model.rowCount())
                    if page.model.row(r)["description"] == "储油罐区防雷检测过期")
    assert (assigned["township"], assigned["source"]) == (SANSHI, "上级交办")
