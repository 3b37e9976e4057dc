"""表5 生产安全事故及自然灾害亡人统计表, 表8 森林防灭火与防汛月报 and 表9 道路交通与人员密集场所专项表: a township's
month of records with the year's 累计, 去年同期 and 同比 counted by hand, and the county's 汇总 by township, in PDF
and XLSX."""

from __future__ import annotations

import re

import openpyxl
from pypdf import PdfReader

from pjdesk.core import plan_records
from pjdesk.core.emergency import TEAM
from pjdesk.core.periods import Month
from pjdesk.core.plan_records import ACCIDENT, FIRE, ROAD_CHECK
from pjdesk.services import returns, sync
from pjdesk.services.hazards import record_hazard
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from tests.conftest import TODAY

NOVEMBER = Month(2026, 11)


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def cells(path) -> list[tuple]:
    return [tuple(c for c in row if c is not None)
            for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]


def accident(session, occurred, deaths=0, missing=0, serious=0, minor=0, loss=0, **values):
    values = {"category": "高处坠落", "summary": f"{occurred} 事故", "is_production": 1, "party_name": "某自建房",
              **values}
    return save_record(session, ACCIDENT, {"occurred": occurred, "deaths": deaths, "missing": missing,
                                           "serious": serious, "minor": minor, "loss": loss, **values}).id


def accidents(session):
    """安定镇: in November 2026 a 较大 accident (2 dead, 1 missing) and a minor one; earlier in 2026 one death;
    in 2025 up to November three accidents with one death, and one after November (not counted); a flood in
    2026 (自然灾害亡人, 1 dead) and in 2025 (2)."""
    unit = save_unit(session, {"name": "安定化工", "sector": "危化", "is_high_risk": 1}).id
    accident(session, "2026-11-05", deaths=2, missing=1, serious=1, loss=3_500_000_00, unit_id=unit, party_name=None,
             industry="制造业", category="中毒和窒息", summary="清罐作业中毒窒息")
    accident(session, "2026-11-20", minor=2, loss=12_000_00, summary="叉车倒车撞伤")
    accident(session, "2026-03-14", deaths=1)
    accident(session, "2025-02-01", deaths=1)
    accident(session, "2025-06-01", serious=1)
    accident(session, "2025-11-30", minor=1)
    accident(session, "2025-12-05", deaths=4)
    accident(session, "2026-07-02", deaths=1, is_production=0, is_disaster=1, category="淹溺", summary="山洪")
    accident(session, "2025-07-02", deaths=1, missing=1, is_production=0, is_disaster=1, category="淹溺",
             summary="山洪")


def test_a_townships_table5_lists_the_months_accidents_with_the_year_and_last_year(session, tmp_path):
    accidents(session)
    [built] = returns.build_returns(session, NOVEMBER, ["表5"], tmp_path)

    assert [(r["occurred"], r["level"], r["kind"], r["deaths"], r["missing"]) for r in built.filled.rows] == [
        ("2026-11-05", "较大", "生产安全事故", 2, 1), ("2026-11-20", "一般", "生产安全事故", 0, 0)]
    text = pdf_text(built.pdf)
    for expected in ("生产安全事故及自然灾害亡人统计表", "表5", "安定化工", "清罐作业中毒窒息", "本月合计", "351.20",
                     # this year: 3 production accidents, 4 亡人; last year to November: 3 accidents, 1 亡人
                     "本月2起、亡人3人；本年累计3起、亡人4人（其中较大以上1起），直接经济损失351.20万元；去年同期3起、亡人1人",
                     "同比：起数持平，亡人上升300.0%", "自然灾害亡人：本月0人，本年累计1人，去年同期2人"):
        assert expected in text, expected
    rows = cells(built.xlsx)
    total = next(r for r in rows if r and r[0] == "本月合计")
    assert total == ("本月合计", 2, 1, 1, 2, 351.2)


def test_a_month_without_accidents_last_year_says_there_is_nothing_to_compare(session, tmp_path):
    accident(session, "2026-11-05", deaths=1)
    [built] = returns.build_returns(session, NOVEMBER, ["表5"], tmp_path)
    assert "同比：起数无法计算（去年同期为0），亡人无法计算（去年同期为0）" in pdf_text(built.pdf)


def test_a_townships_table8_prints_hectares_the_rate_in_permille_and_its_teams(session, tmp_path, monkeypatch):
    monkeypatch.setattr(plan_records, "forest_area_ha100", lambda code: 1_250_000 if code == "430626101" else None)
    save_record(session, FIRE, {"date": "2026-11-02", "village": "栗山村", "burned_ha100": 135, "forest_ha100": 120,
                                "cause": "祭祀用火"})
    save_record(session, FIRE, {"date": "2026-11-25", "village": "安定村", "burned_ha100": 40, "forest_ha100": 0})
    save_record(session, FIRE, {"date": "2026-03-01", "village": "安定村", "burned_ha100": 30, "forest_ha100": 30})
    for day in ("2025-02-01", "2025-03-01", "2025-10-01", "2025-11-30"):
        save_record(session, FIRE, {"date": day, "village": "洪家村", "burned_ha100": 10, "forest_ha100": 10})
    save_record(session, TEAM, {"name": "安定镇森林消防半专业队", "type": "半专业森林消防队", "founded": "2026-03-01",
                                "equipment": [{"name": "风力灭火机", "quantity": 10, "required_qty": 10}]})

    [built] = returns.build_returns(session, NOVEMBER, ["表8"], tmp_path)

    assert [(r["village"], r["burned"], r["forest"], r["level"]) for r in built.filled.rows] == [
        ("栗山村", 135, 120, "较大"), ("安定村", 40, 0, "一般")]
    text = pdf_text(built.pdf)
    for expected in ("森林防灭火与防汛月报", "1.35", "1.20", "本月合计", "1.75",
                     "本月2起；本年累计3起（其中较大以上1起），去年同期4起，同比下降25.0%",
                     # 1.50 ha of 12,500 ha: 0.12‰
                     "本年过火面积2.05公顷，受害森林面积1.50公顷，受害率0.12‰（森林总面积12500.00公顷）",
                     "已建1支，其中装备配齐1支"):
        assert expected in text, expected
    total = next(r for r in cells(built.xlsx) if r and r[0] == "本月合计")
    assert total == ("本月合计", 1.75, 1.2, 0, 0)


def test_a_townships_table9_counts_helmets_modified_vehicles_and_the_special_hazards(session, tmp_path):
    save_record(session, ROAD_CHECK, {"date": "2026-11-03", "place": "集镇路口", "riders": 120, "helmeted": 102,
                                      "vehicles": 10, "modified": 1})
    save_record(session, ROAD_CHECK, {"date": "2026-11-17", "place": "中学门口", "riders": 80, "helmeted": 78,
                                      "vehicles": 0, "modified": 0})
    save_record(session, ROAD_CHECK, {"date": "2026-10-17", "place": "中学门口", "riders": 100, "helmeted": 70})
    hotel = save_unit(session, {"name": "天岳宾馆", "sector": "人员密集场所"}).id
    house = save_unit(session, {"name": "李家民宿", "sector": "自建房经营"}).id
    record_hazard(session, {"unit_id": hotel, "description": "安全出口上锁", "found_date": "2026-05-02",
                            "tags": "人员密集场所封堵安全出口/疏散通道"})
    record_hazard(session, {"unit_id": house, "description": "私拉电线", "found_date": "2026-06-02"})
    record_hazard(session, {"unit_id": hotel, "description": "灭火器过期", "found_date": "2026-06-02"})

    [built] = returns.build_returns(session, NOVEMBER, ["表9"], tmp_path)

    text = pdf_text(built.pdf)
    for expected in ("道路交通与人员密集场所专项表", "集镇路口", "85.0%", "10.0%", "本月合计", "90.0%",
                     "观测骑乘人员300人次，戴头盔250人次，戴帽率83.3%；检查车辆10辆，非法改装1辆，改装率10.0%",
                     "封堵通道隐患（本年）：发现1项，已整改0项，整改率0.0%", "自建房隐患（本年）：发现1项"):
        assert expected in text, expected


def test_the_countys_returns_have_a_row_per_township(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    anding = init_station(tmp_path / "anding", code="430626101", operator="站长", today=lambda: TODAY)
    sanshi = init_station(tmp_path / "sanshi", code="430626102", operator="站长", today=lambda: TODAY)
    accident(anding, "2026-11-05", deaths=3)
    accident(anding, "2025-11-05", deaths=1)
    accident(sanshi, "2026-04-05", serious=1)
    save_record(sanshi, FIRE, {"date": "2026-11-02", "village": "三市村", "burned_ha100": 250, "forest_ha100": 200})
    save_record(sanshi, ROAD_CHECK, {"date": "2026-11-03", "place": "三市路口", "riders": 50, "helmeted": 45})
    for town in (anding, sanshi):
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
        assert result.status == "accepted", result.message

    built = {b.form: b for b in returns.build_returns(county, NOVEMBER, ["表5", "表8", "表9"], tmp_path / "out")}

    table5 = {r["label"]: r for r in built["表5"].filled.rows}
    assert len(table5) == 26  # the roster's townships and the park
    assert (table5["安定镇"]["month_dead"], table5["安定镇"]["ytd_dead"], table5["安定镇"]["last_dead"],
            table5["安定镇"]["larger"], table5["安定镇"]["change_dead"]) == (3, 3, 1, 1, 2.0)
    assert (table5["三市镇"]["ytd_count"], table5["三市镇"]["change_count"]) == (1, None)
    text = pdf_text(built["表5"].pdf)
    assert "生产安全事故及自然灾害亡人统计表（汇总）" in text and "安定镇1313110.0%200.0%1" in text
    table8 = {r["label"]: r for r in built["表8"].filled.rows}
    assert (table8["三市镇"]["month_count"], table8["三市镇"]["ytd_forest"], table8["三市镇"]["larger"]) == (1, 200, 1)
    total8 = next(r for r in cells(built["表8"].xlsx) if r and r[0] == "合计")
    assert total8[:3] == ("合计", 1, 1)
    table9 = {r["label"]: r for r in built["表9"].filled.rows}
    assert (table9["三市镇"]["riders"], table9["三市镇"]["helmeted"]) == (50, 45)
    assert "90.0%" in pdf_text(built["表9"].pdf)
    for station in (county, anding, sanshi):
        station.close()
