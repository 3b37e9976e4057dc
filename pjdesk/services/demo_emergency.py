"""演示数据, 预案、演练和应急队伍: what a township keeps of its emergency work after a year.

``DemoEmergency`` plans, from the demo's seed and day alone (no wall clock), for each township of the demo:

- the township's own plans (总体, several 专项, a 部门 or two), a few of them near or past their assessment, and
  the plans its high-risk and crowded-place units filed with it;
- the drills of the last twelve months: each unit that must drill does so every four to seven months (so a
  few are due on the demo's day, and one or two have never drilled), the township itself twice a year (森林
  火灾, 防汛); each with its AQ/T 9009 evaluation and up to three problems, the older ones rectified
  (完成), a few recent ones still open and one or two past their 期限;
- its teams: a 乡镇应急队伍 (most townships), a 半专业森林消防队 (most; a few short of equipment), a few
  村级应急分队, and the 企业应急救援队 of its largest high-risk unit, each with its equipment list.

Records are written in bulk, township by township, inside the demo's transaction; ids come from the seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pjdesk.core.emergency import (
    CROWDED,
    DONE,
    DRILL,
    DRILL_PROBLEM,
    FOREST_TEAM,
    PLAN,
    TEAM,
    TEAM_EQUIPMENT,
    TOWNSHIP_TEAM,
    UNIT_TEAM,
    VILLAGE_TEAM,
    add_months,
    default_assessment,
)
from pjdesk.core.townships import station_name

from .demo_rows import PlannedRows

SPECIAL_PLANS = ("森林火灾", "防汛抗旱", "地质灾害", "危险化学品事故", "道路交通事故", "消防安全", "低温雨雪冰冻灾害")
DEPARTMENT_PLANS = ("学校安全事故", "旅游安全事故", "集贸市场火灾")
SCENARIOS = {
    "危化": ("储罐区甲醇泄漏", "装卸作业液氨泄漏", "反应釜超温超压"),
    "非煤矿山": ("井下透水", "边坡坍塌", "炸药库意外起火"),
    "烟花爆竹": ("仓库意外起火", "运输车辆起火"),
    "燃气": ("调压站燃气泄漏", "液化气瓶泄漏着火"),
    CROWDED: ("厨房油锅起火、人员疏散", "电气线路起火、疏散顾客", "夜间火灾疏散住客"),
}
DEFAULT_SCENARIOS = ("车间电气线路起火", "有限空间作业人员中毒", "机械伤害人员受伤")
TOWNSHIP_SCENARIOS = (("森林火灾扑救", "综合"), ("防汛抢险、转移受威胁群众", "综合"), ("地质灾害避险转移", "单项"))
PROBLEMS = (
    ("应急广播音量不足，部分区域听不到疏散指令", "更换大功率广播，增设扩音点"),
    ("疏散通道堆放杂物，疏散速度慢", "清理疏散通道，明确专人每日巡查"),
    ("部分员工不会使用灭火器", "组织全员灭火器实操培训"),
    ("报警后信息上报不及时", "修订报告流程，明确报告时限和责任人"),
    ("应急物资存放位置不清", "设置应急物资标识和存放点位图"),
    ("对讲机电量不足，通讯中断", "建立对讲机充电和检查制度"),
    ("警戒区域设置过小", "按预案要求扩大警戒范围，增配警戒带"),
    ("集合点人员清点耗时过长", "按班组划分清点区域，指定清点人"),
)
ASSESSMENTS = {
    "exec_status": ("演练按方案完成报警、先期处置、疏散和恢复各环节。", "演练基本按方案进行，个别环节衔接不够紧凑。"),
    "plan_reasonableness": ("预案职责分工明确，处置程序可操作。", "预案总体可行，现场处置方案需细化到岗位。"),
    "command_coordination": ("现场指挥部设立及时，与村（社区）、消防联动顺畅。", "指挥协调有序，信息传递稍有延迟。"),
    "responder_performance": ("应急人员到位迅速，处置动作规范。", "多数人员处置熟练，新员工动作不够熟练。"),
    "equipment_suitability": ("应急装备满足处置需要。", "装备基本适用，部分器材需更新。"),
}
EQUIPMENT = {
    TOWNSHIP_TEAM: (("救生衣", 30), ("冲锋舟", 1), ("发电机", 2), ("对讲机", 10), ("应急照明灯", 20)),
    FOREST_TEAM: (("风力灭火机", 10), ("二号工具", 30), ("灭火水枪", 6), ("对讲机", 8), ("防护服", 30)),
    VILLAGE_TEAM: (("铁锹", 20), ("手摇报警器", 2), ("应急照明灯", 6)),
    UNIT_TEAM: (("空气呼吸器", 4), ("防化服", 4), ("灭火器", 40), ("堵漏工具", 2)),
}


class DemoEmergency(PlannedRows):
    """The emergency records of the demo's townships, planned from the seed and written in bulk."""

    def __init__(self, seed: int, today: dt.date, units: Sequence[dict]):
        super().__init__("emergency", seed, today, (PLAN, DRILL, DRILL_PROBLEM, TEAM, TEAM_EQUIPMENT), hour=9)
        self.units = list(units)

    def _days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def _phone(self) -> str:
        return f"1{self.rng.choice((38, 39, 58, 77, 80, 89))}{self.rng.randint(0, 99_999_999):08d}"

    # --- planning -----------------------------------------------------------------------------------------------
    def plan(self) -> None:
        by_township: dict[str, list[dict]] = {}
        for unit in self.units:
            by_township.setdefault(unit["township"], []).append(unit)
        for code in sorted(by_township):
            units = by_township[code]
            self._township_plans(code)
            drilling = [u for u in units if u.get("status", "正常") == "正常"
                        and (u.get("is_high_risk") or u.get("sector") == CROWDED)]
            for unit in drilling:
                self._unit_plan(unit)
                self._unit_drills(unit)
            self._township_drills(code)
            self._teams(code, units, drilling)

    def _township_plans(self, code: str) -> None:
        name = station_name(code)
        plans = [("总体", f"{name}突发事件总体应急预案")]
        plans += [("专项", f"{name}{kind}应急预案") for kind in self.rng.sample(SPECIAL_PLANS, self.rng.randint(3, 5))]
        plans += [("部门", f"{name}{kind}应急预案") for kind in self.rng.sample(DEPARTMENT_PLANS, self.rng.randint(1, 2))]
        for level, title in plans:
            issued = self._days_ago(200, 1150)  # the oldest are near or past their three years
            self._add(PLAN, {"township": code, "name": title, "level": level, "unit_id": None,
                             "version": f"{issued.year}版", "issued": issued.isoformat(),
                             "filed": (issued + dt.timedelta(days=self.rng.randint(5, 30))).isoformat(),
                             "filed_with": "平江县应急管理局", "next_assessment": default_assessment(issued.isoformat())})

    def _unit_plan(self, unit: dict) -> None:
        issued = self._days_ago(120, 1000)
        filed = issued + dt.timedelta(days=self.rng.randint(3, 25))
        level = "企业综合" if unit.get("is_high_risk") else "现场处置方案"
        self._add(PLAN, {"township": unit["township"], "name": f"{unit['name']}生产安全事故应急预案"
                         if level == "企业综合" else f"{unit['name']}火灾事故现场处置方案",
                         "level": level, "unit_id": unit["id"], "version": f"V{self.rng.randint(1, 3)}.0",
                         "issued": issued.isoformat(), "filed": min(filed, self.today).isoformat(),
                         "filed_with": f"{station_name(unit['township'])}应急管理办公室",
                         "next_assessment": default_assessment(issued.isoformat())})

    def _unit_drills(self, unit: dict) -> None:
        if self.rng.random() < 0.06:
            return  # a unit that has never drilled: due at once
        day = self.today - dt.timedelta(days=self.rng.randint(0, 200))
        earliest = self.today - dt.timedelta(days=365)
        while day >= earliest:
            scenarios = SCENARIOS.get(unit.get("sector"), DEFAULT_SCENARIOS)
            self._drill(unit["township"], unit["id"], unit["name"], day, self.rng.choice(scenarios),
                        "单项" if self.rng.random() < 0.7 else "综合", self.rng.randint(12, 80))
            day = add_months(day, -self.rng.randint(4, 7))

    def _township_drills(self, code: str) -> None:
        for (scenario, content), ago in zip(self.rng.sample(TOWNSHIP_SCENARIOS, 2), (40, 220), strict=True):
            day = self._days_ago(ago - 30, ago + 30)
            self._drill(code, None, f"{station_name(code)}人民政府", day, scenario, content, self.rng.randint(40, 150))

    def _drill(self, code: str, unit_id: str | None, organizer: str, day: dt.date, scenario: str, content: str,
               people: int) -> None:
        rng = self.rng
        goals = rng.choices(("达成", "部分达成", "未达成"), (70, 27, 3))[0]
        drill = self._add(DRILL, {
            "township": code, "date": day.isoformat(), "unit_id": unit_id, "plan_id": self._plan_of(code, unit_id),
            "form": "桌面" if rng.random() < 0.2 else "实战", "content": content,
            "purpose": rng.choices(("检验性", "示范性", "研究性"), (80, 15, 5))[0], "scenario": scenario,
            "organizer": organizer, "participants": people, "duration_min": rng.choice((30, 45, 60, 90, 120)),
            "evaluators": f"{self._person()}、{self._person()}",
            **{key: rng.choice(texts) for key, texts in ASSESSMENTS.items()},
            "goals_met": goals,
            "summary": f"本次演练检验了{scenario}情况下的应急响应，{'达到' if goals == '达成' else '基本达到'}预期目的。",
            "improvements": "针对演练发现的问题逐项整改，修订预案相关内容，下次演练重点检验整改效果。",
            "reported": min(day + dt.timedelta(days=rng.randint(3, 15)), self.today).isoformat(),
        })
        age = (self.today - day).days
        for problem, measures in rng.sample(PROBLEMS, rng.choice((0, 1, 1, 2, 2, 3))):
            deadline = day + dt.timedelta(days=rng.choice((15, 30, 45)))
            status = DONE if age > 60 or rng.random() < 0.5 else rng.choice(("未完成", "整改中"))
            self._add(DRILL_PROBLEM, {"township": code, "drill_id": drill["id"], "problem": problem,
                                      "measures": measures, "responsible": self._person(),
                                      "deadline": deadline.isoformat(), "status": status})

    def _plan_of(self, code: str, unit_id: str | None) -> str | None:
        for plan in reversed(self.rows[PLAN.name]):
            if plan["township"] == code and plan["unit_id"] == unit_id:
                return plan["id"]
        return None

    def _teams(self, code: str, units: list[dict], drilling: list[dict]) -> None:
        name = station_name(code)
        rng = self.rng
        teams = []
        if rng.random() < 0.9:
            teams.append((TOWNSHIP_TEAM, f"{name}应急救援队", None, rng.randint(20, 40)))
        if rng.random() < 0.8:
            teams.append((FOREST_TEAM, f"{name}森林消防半专业队", None, rng.randint(25, 35)))
        villages = sorted({u.get("village") for u in units if u.get("village")})
        for village in rng.sample(villages, min(len(villages), rng.randint(0, 2))):
            teams.append((VILLAGE_TEAM, f"{village}应急分队", village, rng.randint(8, 15)))
        high_risk = [u for u in drilling if u.get("is_high_risk")]
        if high_risk:
            teams.append((UNIT_TEAM, f"{high_risk[0]['name']}应急救援队", None, rng.randint(6, 12)))
        for kind, title, village, members in teams:
            team = self._add(TEAM, {"township": code, "name": title, "type": kind, "village": village,
                                    "founded": self._days_ago(60, 1500).isoformat(), "leader": self._person(),
                                    "phone": self._phone(), "members": members})
            short = rng.random() < 0.2  # a few teams are still short of some equipment
            for item, quota in EQUIPMENT[kind]:
                have = quota - rng.randint(1, max(1, quota // 3)) if short and rng.random() < 0.5 else quota
                self._add(TEAM_EQUIPMENT, {"township": code, "team_id": team["id"], "name": item,
                                           "quantity": have, "required_qty": quota})

