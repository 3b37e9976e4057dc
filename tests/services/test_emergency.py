"""预案、演练、应急队伍 on a station: what is due, the teams' targets on a township and on the county (with the
records arriving by bundle), and a drill's printed evaluation report and summary."""

from __future__ import annotations

import re

import openpyxl
import pytest
from pypdf import PdfReader

from pjdesk.core.emergency import DRILL, DRILL_PROBLEM, PLAN, TEAM, TEAM_EQUIPMENT
from pjdesk.core.periods import Month
from pjdesk.core.unit import UNIT
from pjdesk.services import emergency, sync
from pjdesk.services.records import get_record, save_record
from pjdesk.services.session import init_station
from pjdesk.services.targets import targets_json
from pjdesk.services.units import save_unit
from tests.conftest import TODAY


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def drill(session, unit_id, date, problems=(), **values):
    return save_record(session, DRILL, {"date": date, "unit_id": unit_id, "form": "实战", "content": "单项",
                                        "purpose": "检验性", "problems": list(problems), **values}).id


def team(session, name, kind, founded, equipment=()):
    return save_record(session, TEAM, {"name": name, "type": kind, "founded": founded,
                                       "equipment": [{"name": n, "quantity": q, "required_qty": r}
                                                     for n, q, r in equipment]}).id


def test_units_due_a_drill_as_the_six_month_rule_says(session, unit):
    hotel = save_unit(session, {"name": "天岳宾馆", "sector": "人员密集场所"}).id
    shop = save_unit(session, {"name": "五金店", "sector": "工贸其他"}).id
    closed = save_unit(session, {"name": "关停烟花店", "sector": "烟花爆竹", "is_high_risk": 1, "status": "关闭"}).id
    drill(session, unit, "2026-05-29")  # exactly six months before TODAY (2026-11-29)
    drill(session, hotel, "2026-06-01")
    assert [(u["name"], u["last_drill"], u["due"]) for u in emergency.drills_due(session)] == [
        ("平江县安定化工有限公司", "2026-05-29", "2026-11-29")]
    save_record(session, UNIT, {"is_high_risk": 1}, shop)  # became high-risk: due at once, never drilled
    assert {u["name"] for u in emergency.drills_due(session)} == {"平江县安定化工有限公司", "五金店"}
    drill(session, unit, "2026-11-20")
    drill(session, shop, "2026-11-28")
    assert emergency.drills_due(session) == []
    assert closed not in {u["id"] for u in emergency.drills_due(session)}
    # As of 31 May the hotel's June drill was still to come, and the shop had never drilled.
    assert [u["name"] for u in emergency.drills_due(session, day=TODAY.replace(month=5, day=31))] == [
        "五金店", "天岳宾馆"]


def test_a_problem_list_reaching_done_leaves_the_late_list(session, unit):
    problems = [{"problem": "应急广播无法使用", "measures": "维修广播", "responsible": "李四", "deadline": "2026-11-20",
                 "status": "整改中"},
                {"problem": "疏散集合点无标识", "measures": "设置标识", "responsible": "王五", "deadline": "2026-12-20",
                 "status": "未完成"}]
    drill_id = drill(session, unit, "2026-11-10", problems)
    assert (session.store.get(DRILL, drill_id)["problem_count"], session.store.get(DRILL, drill_id)["problems_done"]) == (2, 0)
    assert [p["problem"] for p in emergency.late_problems(session)] == ["应急广播无法使用"]
    rows = get_record(session, DRILL, drill_id)["problems"]
    save_record(session, DRILL, {"problems": [{**r, "status": "完成"} for r in rows]}, drill_id)
    assert (session.store.get(DRILL, drill_id)["problem_count"], session.store.get(DRILL, drill_id)["problems_done"]) == (2, 2)
    assert emergency.late_problems(session) == []


def test_plans_are_due_their_assessment_ninety_days_ahead(session, unit):
    save_record(session, PLAN, {"name": "安定镇生产安全事故总体应急预案", "level": "总体", "issued": "2024-01-10"})
    save_record(session, PLAN, {"name": "安定化工综合应急预案", "level": "企业综合", "unit_id": unit,
                                "issued": "2025-06-01", "filed": "2025-06-10", "filed_with": "安定镇应急办"})
    save_record(session, PLAN, {"name": "防汛专项预案", "level": "专项", "issued": "2026-03-01",
                                "next_assessment": "2026-11-01"})
    assert [(p["name"], p["next_assessment"]) for p in emergency.plans_due(session)] == [
        ("防汛专项预案", "2026-11-01"), ("安定镇生产安全事故总体应急预案", "2027-01-10")]


def measured(session, month, ids=("T40", "T40a", "T41", "T48")):
    return {e["id"]: (e["numerator"], e["denominator"], e["met"]) for e in targets_json(session, month) if e["id"] in ids}


def test_a_townships_team_targets_as_of_the_months_end(session):
    team(session, "安定镇应急救援队", "乡镇应急队伍", "2026-11-10")
    team(session, "安定镇森林消防半专业队", "半专业森林消防队", "2026-03-01",
         [("风力灭火机", 10, 10), ("对讲机", 6, 8)])
    assert measured(session, Month(2026, 10)) == {
        "T48": (0, 1, False), "T41": (1, 1, True), "T40": (1, None, None), "T40a": (0, 1, False)}
    assert measured(session, Month(2026, 11))["T48"] == (1, 1, True)
    assert measured(session, Month(2026, 2)) == {
        "T48": (0, 1, False), "T41": (0, 1, False), "T40": (0, None, None), "T40a": (0, 0, None)}


def test_a_township_that_is_not_high_fire_risk_has_no_t41(session, monkeypatch):
    monkeypatch.setattr("pjdesk.indicators.emergency_targets.high_fire_risk_townships", lambda: ("430626102",))
    team(session, "安定镇森林消防半专业队", "半专业森林消防队", "2026-03-01")
    assert measured(session, Month(2026, 11), ("T41",)) == {"T41": (0, 0, None)}


def township_station(tmp_path, code):
    return init_station(tmp_path / code, code=code, operator="站长", today=lambda: TODAY)


@pytest.fixture
def county(tmp_path):
    """Three townships' records read by the county: 安定镇 with its team and an equipped forest team and a drill
    with two problems, 三市镇 with a forest team short of equipment, the high-tech park with a team."""
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    anding = township_station(tmp_path, "430626101")
    team(anding, "安定镇应急救援队", "乡镇应急队伍", "2025-04-01", [("救生衣", 30, 30)])
    team(anding, "安定镇森林消防半专业队", "半专业森林消防队", "2026-03-01", [("风力灭火机", 10, 10)])
    unit = save_unit(anding, {"name": "安定化工", "sector": "危化", "is_high_risk": 1}).id
    drill(anding, unit, "2026-11-12", [
        {"problem": "报警器未响", "measures": "更换报警器", "responsible": "李四", "deadline": "2026-11-30",
         "status": "完成"},
        {"problem": "疏散路线不清", "measures": "重新标识", "responsible": "王五", "deadline": "2026-12-15",
         "status": "整改中"}], participants=45, goals_met="部分达成")
    sanshi = township_station(tmp_path, "430626102")
    team(sanshi, "三市镇森林消防半专业队", "半专业森林消防队", "2026-05-01", [("风力灭火机", 6, 10)])
    park = township_station(tmp_path, "430626400")
    team(park, "高新区应急救援队", "乡镇应急队伍", "2025-01-01")
    for town in (anding, sanshi, park):
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
        assert result.status == "accepted", result.message
    return county


def test_the_county_counts_its_25_townships_and_sees_every_townships_teams(county):
    got = measured(county, Month(2026, 11))
    assert got == {"T48": (1, 25, False), "T41": (2, 25, False), "T40": (2, None, False), "T40a": (1, 2, False)}
    by = {e["id"]: {t["township_name"]: (t["numerator"], t["denominator"]) for t in e["by_township"]}
          for e in targets_json(county, Month(2026, 11))}
    assert by["T48"]["安定镇"] == (1, 1) and by["T48"]["平江高新区"] == (0, 0)
    assert by["T40a"]["三市镇"] == (0, 1) and by["T40"]["三市镇"] == (1, None)
    rows = {r["township_name"]: r for r in emergency.teams_by_township(county)}
    assert len(rows) == 26
    assert rows["安定镇"]["counts"]["乡镇应急队伍"] == 1 and rows["安定镇"]["forest_equipped"] == 1
    assert [t["name"] for t in rows["三市镇"]["teams"]] == ["三市镇森林消防半专业队"]
    assert rows["平江高新区"]["counts"]["乡镇应急队伍"] == 1 and rows["汉昌街道"]["teams"] == []


def test_a_drill_and_its_problems_and_a_team_and_its_equipment_travel_to_the_county(county):
    [drill_row] = county.store._rows("SELECT * FROM drill")
    assert (drill_row["township"], drill_row["problem_count"], drill_row["problems_done"]) == ("430626101", 2, 1)
    problems = county.store._rows("SELECT problem, status FROM drill_problem WHERE drill_id = ? ORDER BY problem",
                                  [drill_row["id"]])
    assert problems == [{"problem": "报警器未响", "status": "完成"}, {"problem": "疏散路线不清", "status": "整改中"}]
    equipped = {t["name"]: t["equipment_complete"] for t in county.store._rows("SELECT * FROM team")}
    assert equipped == {"安定镇应急救援队": 1, "安定镇森林消防半专业队": 1, "三市镇森林消防半专业队": 0,
                        "高新区应急救援队": 0}
    assert county.store._rows("SELECT COUNT(*) AS n FROM team_equipment")[0]["n"] == 3
    assert {DRILL_PROBLEM.table, TEAM_EQUIPMENT.table} <= {r["kind"] for r in county.store._rows(
        "SELECT DISTINCT kind FROM change_log")}


def test_the_evaluation_report_and_summary_print_what_the_drill_says(session, unit, tmp_path):
    plan = save_record(session, PLAN, {"name": "安定化工综合应急预案", "level": "企业综合", "unit_id": unit,
                                       "issued": "2025-06-01"}).id
    drill_id = drill(session, unit, "2026-11-12", [
        {"problem": "报警器未响", "measures": "更换报警器", "responsible": "李四", "deadline": "2026-11-30",
         "status": "完成"}], plan_id=plan, scenario="储罐区甲醇泄漏", participants=45, duration_min=50,
        evaluators="赵六、钱七", exec_status="按方案完成报警、疏散和堵漏", plan_reasonableness="预案分工明确",
        command_coordination="指挥顺畅", responder_performance="处置及时", equipment_suitability="堵漏器材适用",
        goals_met="部分达成", summary="演练总体顺利", improvements="增设声光报警器", reported="2026-11-15")
    report = emergency.print_drill_document(session, "演练评估报告", drill_id, tmp_path)
    text = pdf_text(report.pdf)
    for expected in ("应急演练评估报告", "平江县安定化工有限公司", "安定化工综合应急预案", "储罐区甲醇泄漏",
                     "按方案完成报警、疏散和堵漏", "预案分工明确", "指挥顺畅", "堵漏器材适用", "演练目标部分达成",
                     "演练发现问题1个，已整改完成1个", "报警器未响", "更换报警器", "45人", "50分钟", "赵六、钱七"):
        assert expected in text, expected
    cells = [c for row in openpyxl.load_workbook(report.xlsx).active.iter_rows(values_only=True) for c in row if c]
    assert "报警器未响" in cells and "更换报警器" in cells
    summary = pdf_text(emergency.print_drill_document(session, "演练总结", drill_id, tmp_path).pdf)
    for expected in ("应急演练总结", "演练总体顺利", "增设声光报警器", "2026年11月15日报送"):
        assert expected in summary, expected


def test_the_reminders_list_the_units_due_a_drill_as_the_rule_does(session, unit):
    """The 待办 source is the SQL twin of the rule: the same units, with the same due dates, on every day of a
    year around month ends (08-31 + 6 months is the last day of February)."""
    import datetime as dt

    from pjdesk.services.reminders import reminders, reminders_json

    units = [unit] + [save_unit(session, {"name": f"宾馆{i}", "sector": "人员密集场所"}).id for i in range(4)]
    for unit_id, day in zip(units, ("2026-05-31", "2026-08-31", "2026-02-28", "2026-06-30"), strict=False):
        drill(session, unit_id, day)
    start = dt.date(2026, 11, 1)
    for offset in range(0, 150, 3):
        day = start + dt.timedelta(days=offset)
        session.today = lambda day=day: day
        rule = {(u["id"], u["due"]) for u in emergency.drills_due(session)}
        listed = {(r["record"], r["due"]) for r in reminders(session, source="drill_due")}
        assert listed == rule, day
    session.today = lambda: TODAY
    entries = [e for e in reminders_json(session) if e["kind"] == "drills"]  # a unit due a drill is about drills
    assert {e["unit"] for e in entries} == {"宾馆3", "宾馆1"}


def test_late_problems_and_plans_due_are_reminders(session, unit):
    from pjdesk.services.reminders import reminders_json

    drill_id = drill(session, unit, "2026-11-02", [
        {"problem": "应急广播无法使用", "deadline": "2026-11-20", "status": "整改中"},
        {"problem": "缺少担架", "deadline": "2026-11-28", "status": "完成"}])
    plan = save_record(session, PLAN, {"name": "防汛专项预案", "level": "专项", "issued": "2024-02-01"}).id
    mine = [e for e in reminders_json(session) if e["record"] in (drill_id, plan)]
    # As the issue names them: a late drill problem (and a unit due a drill) is about drills, a plan about plans.
    assert [(e["kind"], e["record"], e["due"]) for e in mine] == [("drills", drill_id, "2026-11-20"),
                                                                  ("plans", plan, "2027-02-01")]
    reasons = {e["kind"]: e["reason"] for e in mine}
    assert reasons["drills"] == "2026-11-02 演练发现的问题“应急广播无法使用”逾期未整改（期限 2026-11-20）"
    assert reasons["plans"] == "《防汛专项预案》应于 2027-02-01 前评估"
