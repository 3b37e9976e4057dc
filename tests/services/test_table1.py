"""表1 安全生产工作月报（综合）: a township's 本月 and 本年累计 counted by hand from every kind (checks, hazards,
documents, 取缔 and 停产, training and drills, rewards, accidents with 同比), and the county's 汇总 by
township, in PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from pypdf import PdfReader

from pjdesk.core.document import DOCUMENT
from pjdesk.core.emergency import DRILL
from pjdesk.core.inspection import INSPECTION
from pjdesk.core.kinds import KINDS
from pjdesk.core.periods import Month
from pjdesk.core.person import TRAINING
from pjdesk.services import hazards as hz
from pjdesk.services import returns
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from tests.conftest import TOWNSHIP

OFFICERS = [{"name": "李明", "cert_no": "43060011"}, {"name": "王芳", "cert_no": "43060012"}]
MAJOR = {"level": "重大", "major_basis": "《工贸企业重大事故隐患判定标准》第四条", "resp_person": "王五",
         "measures": "停产整改", "funds": 0, "emergency_plan": "现场处置方案"}


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


@pytest.fixture
def november(tmp_path, set_now):
    set_now("2026-01-05 09:00:00")
    s = init_station(tmp_path / "station", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 12, 10))
    chem = save_unit(s, {"name": "安定化工厂", "sector": "危化", "is_high_risk": 1}).id
    shop = save_unit(s, {"name": "安定小作坊", "sector": "工贸其他", "no_licence": 1}).id
    for unit, date, mode, stop in ((chem, "2026-11-05", "计划执法", 1), (shop, "2026-11-10", "日常巡查", 0),
                                   (chem, "2026-03-01", "专项检查", 0)):
        save_record(s, INSPECTION, {"unit_id": unit, "date": date, "mode": mode, "stop_order": stop,
                                    "officers": OFFICERS[:1] if mode == "日常巡查" else OFFICERS})
    fixed = hz.record_hazard(s, {"unit_id": chem, "description": "消防通道堵塞", "found_date": "2026-11-05",
                                 "deadline": "2026-11-30"}).id
    hz.complete_rectification(s, fixed, "2026-11-20")
    hz.record_hazard(s, {"unit_id": chem, "description": "储罐区无防泄漏", "found_date": "2026-11-06",
                         "deadline": "2026-12-30", **MAJOR})
    early = hz.record_hazard(s, {"unit_id": shop, "description": "电线私拉", "found_date": "2026-02-01",
                                 "deadline": "2026-02-15"}).id
    hz.complete_rectification(s, early, "2026-02-10")
    with s.store.transaction():  # issued documents, as an exchange file brings them (numbered where issued)
        for n, (doc_type, date) in enumerate((("责令限期整改指令书", "2026-11-05"), ("案件移送书", "2026-11-12"),
                                              ("现场检查记录", "2026-05-01")), 1):
            s.store.insert(DOCUMENT, {"doc_type": doc_type, "date": date, "unit_id": chem, "issuer": "安定镇人民政府",
                                      "doc_no": f"平安定文〔2026〕{n}号"}, township=TOWNSHIP, operator="张三")
    for date in ("2026-11-03", "2026-04-01"):
        save_record(s, TRAINING, {"date": date, "training_type": "年度再培训", "hours": 4, "organiser": "安定镇"})
    save_record(s, DRILL, {"date": "2026-11-15", "unit_id": chem, "form": "实战", "content": "单项",
                           "purpose": "检验性"})
    save_record(s, KINDS["reward"], {"received": "2026-11-02", "matter": "非法储存烟花", "verified": "属实",
                                     "amount": 50000, "paid_on": "2026-11-25"})
    save_record(s, KINDS["reward"], {"received": "2026-06-01", "matter": "无证经营", "verified": "核查中"})
    for occurred, deaths in (("2026-11-08", 1), ("2025-11-03", 0), ("2026-02-01", 0)):
        save_record(s, KINDS["accident"], {"occurred": occurred, "party_name": "某施工队", "category": "物体打击",
                                           "is_production": 1, "deaths": deaths, "summary": "简况"})
    set_now("2026-11-15 10:00:00")
    save_unit(s, {"status": "取缔"}, shop)  # 打非治违: the workshop closed down in November
    yield s
    s.close()


def test_township_month_and_year_by_hand(november, tmp_path):
    built = returns.build_return(november, "表1", Month(2026, 11), tmp_path / "out")
    month, year = built.filled.rows
    assert month["label"] == "本月" and year["label"] == "本年累计"
    assert {k: month[k] for k in COUNTED} == {
        "inspections": 2, "inspections_high_risk": 1, "found_general": 1, "found_major": 1, "fixed_general": 1,
        "fixed_major": 0, "documents": 2, "referrals": 1, "banned": 1, "stopped": 1, "trainings": 1, "drills": 1,
        "rewards_received": 1, "rewards_paid": 1, "accidents": 1, "deaths": 1}
    assert month["versus"] == "+0起+1人（上年1起0人）"
    assert {k: year[k] for k in COUNTED} == {
        "inspections": 3, "inspections_high_risk": 2, "found_general": 2, "found_major": 1, "fixed_general": 2,
        "fixed_major": 0, "documents": 3, "referrals": 1, "banned": 1, "stopped": 1, "trainings": 2, "drills": 1,
        "rewards_received": 2, "rewards_paid": 1, "accidents": 2, "deaths": 1}
    assert year["versus"] == "+1起+1人（上年1起0人）"
    text = pdf_text(built.pdf)
    assert "安全生产工作月报（综合）" in text and "安定镇" in text and "2026年11月" in text
    assert "50.0%" in text and "66.7%" in text
    sheet = openpyxl.load_workbook(built.xlsx).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    month_row = next(r for r in values if r and r[0] == "本月")
    assert month_row[1:7] == [2, 1, 1, 1, 1, 0]
    assert "+0起+1人（上年1起0人）" in month_row
    # October: nothing but the year's earlier records; 同比 against October last year.
    october = returns.fill_form(november, "表1", Month(2026, 10)).rows[0]
    assert (october["inspections"], october["banned"], october["accidents"]) == (0, 0, 0)


COUNTED = ("inspections", "inspections_high_risk", "found_general", "found_major", "fixed_general", "fixed_major",
           "documents", "referrals", "banned", "stopped", "trainings", "drills", "rewards_received", "rewards_paid",
           "accidents", "deaths")


def test_no_record_last_year(tmp_path):
    s = init_station(tmp_path / "new", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 12, 10))
    save_record(s, KINDS["accident"], {"occurred": "2026-11-08", "party_name": "某施工队", "category": "物体打击",
                                       "is_production": 1, "deaths": 1, "summary": "简况"})
    month = returns.fill_form(s, "表1", Month(2026, 11)).rows[0]
    assert month["versus"] == "上年同期无记录"
    s.close()


def test_county_summary_by_township(tmp_path, november):
    from pjdesk.services import sync

    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True,
                          today=lambda: dt.date(2026, 12, 10))
    out = tmp_path / "usb"
    bundle = sync.export_bundle(november, out)
    sync.import_bundle(county, bundle, trust_new=True)
    built = returns.build_return(county, "表1", Month(2026, 11), tmp_path / "county-out")
    rows = {r["label"]: r for r in built.filled.rows}
    assert len(rows) == 26 and rows["安定镇"]["inspections"] == 2 and rows["三市镇"]["inspections"] == 0
    assert rows["安定镇"]["banned"] == 1 and rows["安定镇"]["accidents"] == 1
    assert built.filled.total["versus"] == "+0起+1人（上年1起0人）"
    text = pdf_text(built.pdf)
    assert "（汇总）" in text and "全县本年累计：检查3家次" in text
    county.close()
