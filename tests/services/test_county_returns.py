"""The county's 表2 (汇总): one row per township, from the townships' bundles, with the same definitions."""

from __future__ import annotations

from pjdesk.core.periods import Month
from pjdesk.services import hazards as hz
from pjdesk.services import returns, sync
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from tests.conftest import TODAY


def township_with(tmp_path, code, found_dates):
    session = init_station(tmp_path / code, code=code, operator="站长", today=lambda: TODAY)
    unit = save_unit(session, {"name": f"{code} 加油站", "sector": "危化"}).id
    for day in found_dates:
        hz.record_hazard(session, {"unit_id": unit, "description": "加油机静电接地不良", "found_date": day})
    return session


def test_county_table2_has_a_row_per_township_and_their_total(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    anding = township_with(tmp_path, "430626101", ["2026-10-03", "2026-10-09", "2026-09-01"])
    sanshi = township_with(tmp_path, "430626102", ["2026-10-20"])
    for town in (anding, sanshi):
        bundle = sync.export_bundle(town, tmp_path / "usb")
        [result] = sync.import_bundles(county, [bundle], trust_new=True)
        assert result.status == "accepted", result.message
    filled = returns.fill_form(county, "表2", Month(2026, 10))
    assert filled.spec.row_label == "乡镇（街道）" and filled.unit_name == "平江县"
    rows = {r["label"]: (r["general_new"], r["general_found_ytd"]) for r in filled.rows}
    assert rows == {"安定镇": (2, 3), "三市镇": (1, 1)}
    assert (filled.total["general_new"], filled.total["general_found_ytd"]) == (3, 4)
    # The county can still print one township's own 表2, by sector.
    one = returns.fill_form(county, "表2", Month(2026, 10), township="430626102")
    assert one.unit_name == "三市镇" and [r["label"] for r in one.rows] == ["危化"]


def test_county_status_has_a_block_per_township(tmp_path):
    from pjdesk.services.status import station_status

    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    town = township_with(tmp_path, "430626105", ["2026-10-03", "2026-10-09"])
    sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
    status = station_status(county)
    block = status["townships"]["430626105"]
    assert (block["hazards"], block["hazards_open"]) == (2, 2)
    assert block["last_received"] is not None
    assert status["counts"]["hazards"] == 2
    assert "townships" not in station_status(town)
