"""森林总面积: the county sets each township's, the townships receive the figures with the county's targets, and
森林火灾受害率 (表8, T42) divides by them there as at the county. Only the county sets them; what it sets is
checked, and what a file claims is checked again on arrival."""

from __future__ import annotations

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.plan_records import FIRE
from pjdesk.services import returns, sync
from pjdesk.services.forest_areas import FOREST_SETTING, county_figures, forest_areas, set_forest_area
from pjdesk.services.records import save_record
from tests.services.test_plan_returns import pdf_text
from tests.sync.conftest import make_station

ANDING, SANSHI = "430626101", "430626102"


@pytest.fixture
def county(tmp_path):
    made = make_station(tmp_path / "county", "430626", county=True, device_name="县安委办")
    yield made
    made.close()


def test_the_county_sets_the_areas_and_refuses_what_is_not_one(county, tmp_path):
    assert forest_areas(county) == {}
    assert set_forest_area(county, ANDING, 12_500) == {ANDING: 12_500.0}
    set_forest_area(county, SANSHI, 8_000.5)
    set_forest_area(county, SANSHI, None)
    assert forest_areas(county) == {ANDING: 12_500.0}
    for code, area, says in (("430626999", 10, "不是平江县的乡镇"), (ANDING, 0, "大于 0"), (ANDING, -5, "大于 0"),
                             (ANDING, 10**7, "不超过"), (ANDING, True, "大于 0")):
        with pytest.raises(PjdeskError, match=says):
            set_forest_area(county, code, area)
    assert forest_areas(county) == {ANDING: 12_500.0}
    township = make_station(tmp_path / "anding")
    try:
        with pytest.raises(PjdeskError, match="由县级设置"):
            set_forest_area(township, ANDING, 100)
    finally:
        township.close()


def test_a_township_divides_by_the_area_the_county_sent(county, tmp_path):
    set_forest_area(county, ANDING, 12_500)
    anding = make_station(tmp_path / "anding")
    try:
        save_record(anding, FIRE, {"date": "2026-11-02", "village": "栗山村", "burned_ha100": 175,
                                   "forest_ha100": 150, "cause": "祭祀用火"})
        [before] = returns.build_returns(anding, Month(2026, 11), ["表8"], tmp_path / "before")
        assert "县里尚未设定本乡镇森林总面积" in pdf_text(before.pdf)
        [result] = sync.import_bundles(anding, [sync.export_bundle(county, tmp_path / "down", to=ANDING)],
                                       trust_new=True)
        assert result.status == "accepted", result.message
        assert forest_areas(anding) == {ANDING: 12_500.0}
        [after] = returns.build_returns(anding, Month(2026, 11), ["表8"], tmp_path / "after")
        assert "受害率0.12‰（森林总面积12500.00公顷）" in pdf_text(after.pdf)
    finally:
        anding.close()


def test_kept_figures_that_are_not_areas_are_ignored(county):
    county.store.set_settings({FOREST_SETTING: '{"430626101": "12500", "430626102": -1, "x": 5, '
                                               '"430626103": 300.5, "430626104": true}'})
    assert county_figures(county) == {"430626103": 300.5}
    county.store.set_settings({FOREST_SETTING: "[not json"})
    assert county_figures(county) == {}
