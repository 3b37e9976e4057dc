"""表7 应急预案与演练统计表: a township's month of drills with its plans and the units due a drill, and the
county's 汇总 by township, in PDF and XLSX."""

from __future__ import annotations

import re

import openpyxl
from pypdf import PdfReader

from pjdesk.core.emergency import DRILL, PLAN
from pjdesk.core.periods import Month
from pjdesk.services import returns, sync
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from tests.conftest import TODAY


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def sheet_rows(path) -> list[tuple]:
    return [tuple(c for c in row if c is not None) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]


def drill(session, unit_id, date, form="实战", problems=(), **values):
    return save_record(session, DRILL, {"date": date, "unit_id": unit_id, "form": form, "content": "单项",
                                        "purpose": "检验性", "problems": list(problems), **values}).id


def stocked(session):
    """安定镇 in November 2026: two drills (one in October), plans of the township and a unit's filed plan, a
    hotel that never drilled."""
    chem = save_unit(session, {"name": "安定化工", "sector": "危化", "is_high_risk": 1}).id
    save_unit(session, {"name": "天岳宾馆", "sector": "人员密集场所"})
    save_record(session, PLAN, {"name": "总体应急预案", "level": "总体", "issued": "2024-01-10"})
    save_record(session, PLAN, {"name": "防汛专项预案", "level": "专项", "issued": "2025-05-01"})
    save_record(session, PLAN, {"name": "地质灾害专项预案", "level": "专项", "issued": "2026-11-03"})
    save_record(session, PLAN, {"name": "安定化工综合应急预案", "level": "企业综合", "unit_id": chem,
                                "issued": "2026-06-01", "filed": "2026-06-05", "filed_with": "安定镇应急办"})
    drill(session, chem, "2026-11-12", problems=[
        {"problem": "报警器未响", "status": "完成"}, {"problem": "疏散路线不清", "status": "整改中"}],
        participants=45, goals_met="部分达成", scenario="储罐区甲醇泄漏")
    drill(session, None, "2026-11-20", form="桌面", participants=20, goals_met="达成", scenario="森林火灾扑救")
    drill(session, chem, "2026-10-02", participants=30)


def test_a_townships_table7_lists_the_months_drills_its_plans_and_the_units_due(session, tmp_path):
    stocked(session)
    [built] = returns.build_returns(session, Month(2026, 11), ["表7"], tmp_path)
    filled = built.filled
    assert [(r["date"], r["unit"], r["form"], r["participants"], r["goals_met"], r["problem_count"],
             r["problems_done"]) for r in filled.rows] == [
        ("2026-11-12", "安定化工", "实战", 45, "部分达成", 2, 1), ("2026-11-20", "安定镇", "桌面", 20, "达成", 0, 0)]
    text = pdf_text(built.pdf)
    for expected in ("应急预案与演练统计表", "表7", "储罐区甲醇泄漏", "森林火灾扑救", "合计", "65",
                     "乡镇本级总体预案1件、专项预案2件、部门预案0件；单位备案预案1件",
                     "应演练未演练单位（截至月末）：1家（天岳宾馆）"):
        assert expected in text, expected
    rows = sheet_rows(built.xlsx)
    assert ("合计", 65, 2, 1) in rows
    assert any("天岳宾馆" in str(cell) for row in rows for cell in row)
    # October: one drill, and the hotel already due.
    october = returns.fill_form(session, "表7", Month(2026, 10))
    assert [r["participants"] for r in october.rows] == [30]
    assert "单位备案预案 1 件" in october.notes[0] and "专项预案 1 件" in october.notes[0]


def test_the_countys_table7_has_a_row_per_township(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    anding = init_station(tmp_path / "anding", code="430626101", operator="站长", today=lambda: TODAY)
    stocked(anding)
    sanshi = init_station(tmp_path / "sanshi", code="430626102", operator="站长", today=lambda: TODAY)
    save_unit(sanshi, {"name": "三市烟花仓库", "sector": "烟花爆竹", "is_high_risk": 1})
    for town in (anding, sanshi):
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
        assert result.status == "accepted", result.message
    [built] = returns.build_returns(county, Month(2026, 11), ["表7"], tmp_path / "out")
    filled = built.filled
    assert filled.spec.code == "表7（汇总）" and len(filled.rows) == 26
    rows = {r["label"]: r for r in filled.rows}
    keys = ("plan_overall", "plan_special", "plan_filed", "drills", "drills_live", "drills_desk", "participants",
            "goals_met", "problem_count", "problems_done", "due_units")
    assert tuple(rows["安定镇"][k] for k in keys) == (1, 2, 1, 2, 1, 1, 65, 1, 2, 1, 1)
    assert rows["三市镇"]["due_units"] == 1 and rows["三市镇"]["drills"] == 0
    sheet = sheet_rows(built.xlsx)
    assert ("合计", 1, 2, 0, 1, 2, 1, 1, 65, 1, 2, 1, 2) in sheet
    assert "应急预案与演练统计表（汇总）" in pdf_text(built.pdf)
    one = returns.fill_form(county, "表7", Month(2026, 11), township="430626101")
    assert one.unit_name == "安定镇" and len(one.rows) == 2
