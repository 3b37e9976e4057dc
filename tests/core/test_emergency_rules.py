"""The rules of 预案、演练 and 应急队伍 that need no database: what is due, what is late, what is equipped."""

import datetime as dt

from pjdesk.core.emergency import (
    DRILL,
    PLAN,
    TEAM,
    add_months,
    default_assessment,
    drill_due,
    drills_due,
    equipment_complete,
    plan_assessment_due,
    problem_late,
)
from pjdesk.core.records import errors, normalise, validate

TODAY = dt.date(2026, 11, 29)
CHEMICALS = {"id": "u1", "name": "安定化工", "is_high_risk": 1, "sector": "危化", "status": "正常"}
HOTEL = {"id": "u2", "name": "天岳宾馆", "is_high_risk": 0, "sector": "人员密集场所", "status": "正常"}
SHOP = {"id": "u3", "name": "五金店", "is_high_risk": 0, "sector": "工贸其他", "status": "正常"}


def test_a_drill_exactly_six_months_ago_is_due_today_and_one_a_day_later_is_not():
    assert drill_due(CHEMICALS, "2026-05-29", TODAY) == TODAY
    assert drill_due(CHEMICALS, "2026-05-30", TODAY) is None
    assert drill_due(CHEMICALS, "2026-05-28", TODAY) == dt.date(2026, 11, 28)


def test_a_unit_that_never_drilled_is_due_today():
    assert drill_due(HOTEL, None, TODAY) == TODAY


def test_a_unit_that_became_high_risk_is_due_and_was_not_before():
    assert drill_due(SHOP, None, TODAY) is None
    assert drill_due({**SHOP, "is_high_risk": 1}, None, TODAY) == TODAY
    assert drill_due({**SHOP, "is_high_risk": 1}, "2026-03-01", TODAY) == dt.date(2026, 9, 1)


def test_a_closed_or_stopped_unit_need_not_drill():
    for status in ("关闭", "停产", "取缔"):
        assert drill_due({**CHEMICALS, "status": status}, None, TODAY) is None


def test_drills_due_lists_the_longest_overdue_first():
    units = [{**HOTEL, "last_drill": None}, {**CHEMICALS, "last_drill": "2026-01-10"},
             {**SHOP, "last_drill": None}, {**CHEMICALS, "id": "u4", "last_drill": "2026-10-01"}]
    due = drills_due(units, TODAY)
    assert [(u["id"], u["due"]) for u in due] == [("u1", "2026-07-10"), ("u2", "2026-11-29")]


def test_six_months_from_the_end_of_a_long_month():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_a_plan_is_assessed_three_years_after_it_is_issued_unless_told_otherwise():
    assert default_assessment("2024-02-29") == "2027-02-28"
    values = PLAN.prepare(normalise(PLAN, {"name": "安定镇生产安全事故应急预案", "level": "总体", "issued": "2025-03-01"}))
    assert values["next_assessment"] == "2028-03-01"
    kept = PLAN.prepare(normalise(PLAN, {"name": "x", "level": "总体", "issued": "2025-03-01",
                                         "next_assessment": "2026-12-31"}))
    assert kept["next_assessment"] == "2026-12-31"


def test_a_plan_is_due_its_assessment_from_ninety_days_before():
    assert plan_assessment_due({"next_assessment": "2027-02-27"}, TODAY)
    assert not plan_assessment_due({"next_assessment": "2027-02-28"}, TODAY)
    assert plan_assessment_due({"next_assessment": "2026-01-01"}, TODAY)
    assert not plan_assessment_due({"next_assessment": None}, TODAY)


def test_a_unit_plan_names_its_unit_and_a_township_plan_does_not():
    messages = [p.message for p in errors(validate(PLAN, {"name": "x", "level": "企业综合", "issued": "2026-01-01"},
                                                   TODAY))]
    assert messages == ["企业综合预案请选择所属单位"]
    messages = [p.message for p in errors(validate(
        PLAN, {"name": "x", "level": "总体", "issued": "2026-01-01", "unit_id": "u1", "filed": "2025-12-01"}, TODAY))]
    assert messages == ["总体预案是乡镇本级的预案，所属单位应留空", "备案日期不能早于发布日期"]


def test_a_problem_is_late_after_its_deadline_until_it_is_done():
    assert problem_late({"deadline": "2026-11-28", "status": "整改中"}, TODAY)
    assert not problem_late({"deadline": "2026-11-29", "status": "未完成"}, TODAY)
    assert not problem_late({"deadline": "2026-11-01", "status": "完成"}, TODAY)
    assert not problem_late({"deadline": None, "status": "未完成"}, TODAY)


def test_a_drill_problem_list_reaching_done_counts_every_problem_rectified():
    rows = [{"problem": "疏散通道堆放杂物", "status": "完成"}, {"problem": "广播不响", "status": "整改中"}]
    assert DRILL.state({}, {"drill_problem": rows}) == {"problem_count": 2, "problems_done": 1}
    rows[1]["status"] = "完成"
    assert DRILL.state({}, {"drill_problem": rows}) == {"problem_count": 2, "problems_done": 2}
    assert DRILL.state({}, {"drill_problem": [*rows, {"status": "未完成", "deleted": 1}]})["problem_count"] == 2


def test_a_problem_cannot_fall_due_before_its_drill_and_a_report_not_before_it():
    values = {"date": "2026-11-10", "form": "实战", "content": "单项", "purpose": "检验性", "reported": "2026-11-09",
              "problems": [{"problem": "a", "deadline": "2026-11-01", "status": "未完成"}]}
    assert [p.message for p in errors(validate(DRILL, values, TODAY))] == [
        "报送日期不能早于演练日期", "发现问题第 1 行：期限不能早于演练日期"]


def test_a_team_is_equipped_when_every_item_has_its_quota():
    assert equipment_complete([{"quantity": 20, "required_qty": 20}, {"quantity": 3, "required_qty": 2}])
    assert not equipment_complete([{"quantity": 20, "required_qty": 20}, {"quantity": 1, "required_qty": 2}])
    assert not equipment_complete([])
    assert TEAM.state({}, {"team_equipment": [{"quantity": 1, "required_qty": 2, "deleted": 1},
                                               {"quantity": 5, "required_qty": 5}]}) == {"equipment_complete": 1}


def test_a_village_team_names_its_village():
    values = {"name": "安定村应急分队", "type": "村级应急分队", "founded": "2025-05-01"}
    assert [p.message for p in errors(validate(TEAM, values, TODAY))] == ["村级应急分队请填写所在村（社区）"]
    assert not errors(validate(TEAM, {**values, "village": "安定村"}, TODAY))
