"""The county's 表4 (汇总, a row per township) and T05 per township, from two townships' bundles: the same
definitions as each township's own 表4 and targets."""

from __future__ import annotations

from pjdesk.core.inspection import INSPECTION
from pjdesk.core.periods import Month
from pjdesk.services import hazards, returns, sync
from pjdesk.services.records import save_record
from pjdesk.services.targets import targets_json

from .conftest import accept, add_unit

SANSHI = "430626102"  # 三市镇
OFFICERS = [{"name": "李明", "cert_no": "43060011"}, {"name": "王芳", "cert_no": "43060012"}]


def inspect(session, unit, date, mode, **values):
    officers = OFFICERS[:1] if mode == "日常巡查" else OFFICERS
    return save_record(session, INSPECTION, {"unit_id": unit, "date": date, "mode": mode, "officers": officers,
                                             **values}).id


def test_county_table4_and_t05_per_township_from_two_bundles(stations, county, outbox):
    anding = stations("anding")
    sanshi = stations("sanshi", SANSHI)
    # 安定镇: two high-risk units, one of them checked by 计划执法 (with a hazard) and once more by 日常巡查.
    chem = add_unit(anding, "安定化工厂", sector="危化", is_high_risk=1)
    add_unit(anding, "安定烟花店", sector="烟花爆竹", is_high_risk=1)
    planned = inspect(anding, chem, "2026-11-03", "计划执法", stop_order=1, fine=1_000_000)
    inspect(anding, chem, "2026-11-20", "日常巡查")
    hazards.record_hazard(anding, {"unit_id": chem, "description": "配电箱电线老化", "found_date": "2026-11-03",
                                   "inspection_id": planned})
    # 三市镇: one high-risk unit, checked only by 日常巡查 (no enforcement); another unit by 双随机.
    gas = add_unit(sanshi, "三市加油站", sector="危化", is_high_risk=1)
    shop = add_unit(sanshi, "三市五金店")
    inspect(sanshi, gas, "2026-11-05", "日常巡查")
    inspect(sanshi, shop, "2026-11-06", "双随机")
    for town in (anding, sanshi):
        accept(county, sync.export_bundle(town, outbox))

    filled = returns.fill_form(county, "表4", Month(2026, 11))
    assert filled.spec.row_label == "乡镇（街道）" and filled.spec.title == "监管执法统计表（汇总）"
    assert filled.unit_name == "平江县"
    keys = ("inspections", "units", "high_risk_units", "hazards_general", "stop_orders", "fines")
    rows = {r["label"]: tuple(r[k] for k in keys) for r in filled.rows}
    assert rows["安定镇"] == (2, 1, 1, 1, 1, 1_000_000)
    assert rows["三市镇"] == (2, 2, 1, 0, 0, None)
    assert rows["加义镇"] == (0, 0, 0, 0, 0, None), "every township of the roster has its row"
    assert tuple(filled.total[k] for k in keys) == (4, 3, 2, 1, 1, 1_000_000)
    # The county can still print one township's own 表4, by 检查方式.
    one = returns.fill_form(county, "表4", Month(2026, 11), township=SANSHI)
    assert one.unit_name == "三市镇"
    assert {r["label"]: r["inspections"] for r in one.rows if r["inspections"]} == {"日常巡查": 1, "双随机": 1}

    entries = {e["id"]: e for e in targets_json(county, Month(2026, 11))}
    t05 = entries["T05"]
    assert (t05["numerator"], t05["denominator"], t05["met"]) == (1, 3, False)
    per_township = {t["township_name"]: t for t in t05["by_township"]}
    assert (per_township["安定镇"]["numerator"], per_township["安定镇"]["denominator"]) == (1, 2)
    assert (per_township["三市镇"]["numerator"], per_township["三市镇"]["denominator"]) == (0, 1)
    assert per_township["三市镇"]["met"] is False and per_township["三市镇"]["value"] == 0
    assert per_township["加义镇"]["value"] is None and per_township["加义镇"]["met"] is None, "no high-risk units"
    t26 = entries["T26"]
    assert (t26["value"], t26["target"], t26["met"]) == (1, 100, False)
    assert {t["township_name"]: t["value"] for t in t26["by_township"] if t["value"] is not None} == {
        "安定镇": 0, "三市镇": 1}
