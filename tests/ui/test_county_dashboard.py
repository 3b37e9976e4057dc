"""The line between county and township on the 工作台: who has reported, and the township's place."""

from __future__ import annotations

from pjdesk.services import sync
from pjdesk.ui.dashboard_page import DashboardPage
from tests.services.test_ranking import township_with
from tests.sync.conftest import make_station


def test_the_county_sees_who_reported_and_the_township_its_place(qtbot, tmp_path):
    county = make_station(tmp_path / "county", "430626", county=True, device_name="县安委办")
    anding = township_with(tmp_path, "430626101", [("2026-10-02", "2026-10-09"), ("2026-10-05", None)])
    sanshi = township_with(tmp_path, "430626102", [("2026-10-03", "2026-10-08")])
    page = DashboardPage(county)
    qtbot.addWidget(page)
    assert "尚未收到乡镇的交换文件" in page.notice.text()
    for town in (anding, sanshi):
        sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
    page.refresh()
    text = page.notice.text()
    # Made and read today (29 November): October's reports, after the 5 November deadline.
    assert "2026年10月" in text and "已报 2 / " in text and "逾期 2" in text and "未报送 " in text
    assert "三阳乡" in text and "安定镇" not in text

    [result] = sync.import_bundles(anding, [sync.export_bundle(county, tmp_path / "back", to="430626101")],
                                   trust_new=True)
    assert result.status == "accepted", result.message
    township_page = DashboardPage(anding)
    qtbot.addWidget(township_page)
    # The other townships sent nothing for October: they share the place after the two ranked.
    assert "县级排名（2026年10月）：第 2 名 / 26，得分 50.0（其中 24 个乡镇未报送，并列末位）" in township_page.notice.text()
    assert township_page.notice.isVisibleTo(township_page)
