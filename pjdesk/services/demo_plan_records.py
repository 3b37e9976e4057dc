"""演示数据, 事故、森林火灾、道路交通抽查、有奖举报、曝光和会议: two years of a township's records, so that a month
has its 累计 and its 同比.

``DemoPlanRecords`` plans, from the demo's seed and day alone (no wall clock), for each township of the demo,
over the 24 months up to the demo's day:

- accidents: now and then a production accident (most 一般: one death or a few injured; one 较大 in the
  county's two years), in a unit of the township or a party not registered (a self-built house); one
  township's flood deaths in a summer (自然灾害亡人);
- forest fires: in the dry season (February to April, October to December), most under a hectare, a few
  over it (较大), with their cause;
- road checks: one a month at the township's main road or school gate, the helmet rate rising;
- rewards: a few reports a year, most verified and paid some weeks later, some unfounded, the latest still
  being checked;
- exposures: a quarter's batch of one or two cases;
- meetings: the 安委办分析研判会 each month, the 专班联席会议 each quarter, the 安委会全体会议 twice a year.

Every record passes the kind's rules (no date after the demo's day). Written in bulk, township by township,
inside the demo's transaction; ids come from the seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pjdesk.core.emergency import add_months
from pjdesk.core.plan_records import ACCIDENT, EXPOSURE, FIRE, MEETING, REWARD, ROAD_CHECK
from pjdesk.core.townships import station_name

from .demo_rows import PlannedRows

MONTHS = 24
KINDS = (ACCIDENT, FIRE, ROAD_CHECK, REWARD, EXPOSURE, MEETING)
INDUSTRY = {  # a unit's sector → its GB/T 4754 门类
    "危化": "制造业", "非煤矿山": "采矿业", "烟花爆竹": "制造业", "金属冶炼": "制造业", "涉爆粉尘": "制造业",
    "钢铁/铝加工": "制造业", "工贸其他": "制造业", "建筑施工": "建筑业", "燃气": "电力、热力、燃气及水生产和供应业",
    "交通运输": "交通运输、仓储和邮政业", "特种设备使用": "制造业", "人员密集场所": "批发和零售业",
    "自建房经营": "住宿和餐饮业", "文旅": "文化、体育和娱乐业", "学校": "教育", "其他": "居民服务、修理和其他服务业",
}
ACCIDENTS = (  # (类别, 简况, 原因)
    ("高处坠落", "作业人员在屋面作业时从约 6 米高处坠落", "未系安全带，作业平台无防护栏杆"),
    ("机械伤害", "操作工清理设备时右手被卷入传动部位", "未停机断电即进行清理作业"),
    ("物体打击", "吊装作业中钢管滑落砸中地面人员", "捆绑不牢，作业区域未设警戒"),
    ("触电", "电工检修配电箱时触电", "未断电验电，未佩戴绝缘防护用品"),
    ("车辆伤害", "厂内叉车倒车时撞伤搬运人员", "倒车未观察，无人指挥"),
    ("中毒和窒息", "工人进入污水池清淤时中毒", "有限空间作业未通风检测，盲目施救"),
    ("坍塌", "基槽开挖时边坡坍塌掩埋作业人员", "未按规定放坡和支护"),
    ("火灾", "仓库电气线路短路起火", "私拉乱接电线，线路老化"),
)
FIRE_CAUSES = ("祭祀用火", "农事用火（烧田埂）", "野外吸烟", "小孩玩火", "烧荒", "电力线路引发", "原因待查")
ROAD_PLACES = ("集镇十字路口", "中学门口", "卫生院路口", "国省道交叉口", "农贸市场路口")
REWARD_MATTERS = (
    "无证照经营液化气瓶", "加油站违规向散装容器售油", "工地塔吊司机无证操作", "厂房内设置员工宿舍",
    "商铺堵塞消防通道", "非法储存烟花爆竹", "采石场越界开采", "自建房擅自改变用途经营民宿",
)
EXPOSURE_FACTS = (
    "未取得许可擅自经营危险化学品", "安全出口上锁，疏散通道堵塞", "特种作业人员未持证上岗",
    "非法储存烟花爆竹", "重大事故隐患逾期未整改", "拒不执行责令停产整顿决定",
)
CHANNELS = ("平江县融媒体中心", "平江县应急管理局微信公众号", "岳阳日报", "县安委办通报")


class DemoPlanRecords(PlannedRows):
    """The six kinds' records of the demo's townships, planned from the seed and written in bulk."""

    def __init__(self, seed: int, today: dt.date, units: Sequence[dict]):
        super().__init__("plan-records", seed, today, KINDS, hour=10)
        self.units = list(units)

    def _day_in(self, month_start: dt.date) -> dt.date | None:
        """A day of the month, none after the demo's day (None when the month has not begun)."""
        if month_start > self.today:
            return None
        last = min(add_months(month_start, 1) - dt.timedelta(days=1), self.today)
        return month_start + dt.timedelta(days=self.rng.randint(0, (last - month_start).days))

    def _months(self) -> list[dt.date]:
        first = add_months(self.today.replace(day=1), -(MONTHS - 1))
        return [add_months(first, n) for n in range(MONTHS)]

    # --- planning -----------------------------------------------------------------------------------------------
    def plan(self) -> None:
        by_township: dict[str, list[dict]] = {}
        for unit in self.units:
            by_township.setdefault(unit["township"], []).append(unit)
        codes = sorted(by_township)
        grave = self.rng.choice(codes) if codes else None  # the one 较大 accident of the two years
        flooded = self.rng.choice(codes) if codes else None
        for code in codes:
            units = by_township[code]
            villages = sorted({u["village"] for u in units if u.get("village")}) or [f"{station_name(code)}集镇"]
            self._accidents(code, units, villages, larger=code == grave, flood=code == flooded)
            self._fires(code, villages)
            self._road_checks(code)
            self._rewards(code, units)
            self._exposures(code, units)
            self._meetings(code)

    def _accidents(self, code: str, units: list[dict], villages: list[str], *, larger: bool, flood: bool) -> None:
        rng = self.rng
        months = self._months()
        count = rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0] + (1 if larger else 0)
        for n in range(count):
            # The 较大 one within the last twelve months (this year's 表5 and G1 have it to show).
            day = self._day_in(rng.choice(months[-12:] if larger and n == 0 else months))
            if day is None:
                continue
            category, summary, cause = rng.choice(ACCIDENTS)
            unit = rng.choice(units) if units and rng.random() < 0.75 else None
            deaths = 3 if larger and n == 0 else rng.choices((0, 1, 2), (45, 45, 10))[0]
            serious = rng.choices((0, 1, 2), (50, 35, 15))[0]
            minor = rng.choices((0, 1, 2, 3), (40, 30, 20, 10))[0]
            if not (deaths or serious or minor):
                minor = 1
            self._add(ACCIDENT, {
                "township": code, "occurred": day.isoformat(), "occurred_time": f"{rng.randint(7, 19):02d}:{rng.choice((0, 15, 30, 45)):02d}",
                "unit_id": unit["id"] if unit else None,
                "party_name": None if unit else f"{rng.choice(villages)}{self._person()}自建房施工",
                "industry": INDUSTRY.get(unit.get("sector"), "制造业") if unit else "建筑业",
                "place": f"{(unit or {}).get('village') or rng.choice(villages)}{'厂区' if unit else '建房工地'}",
                "category": category if unit else "高处坠落", "is_production": 1, "is_disaster": 0,
                "deaths": deaths, "missing": 0, "serious": serious, "minor": minor,
                "loss": rng.randint(5, 60) * 10_000 * 100 + deaths * 1_200_000 * 100,
                "summary": f"{summary}，造成" + "、".join(
                    f"{n}人{what}" for n, what in ((deaths, "死亡"), (serious, "重伤"), (minor, "轻伤")) if n),
                "cause": cause,
            })
        if flood:
            summer = [m for m in months if m.month in (6, 7)]
            day = self._day_in(summer[-1]) if summer else None  # the latest summer
            if day is not None:
                village = rng.choice(villages)
                self._add(ACCIDENT, {
                    "township": code, "occurred": day.isoformat(), "occurred_time": "03:20", "unit_id": None,
                    "party_name": f"{village}村民", "industry": None, "place": f"{village}山洪沟",
                    "category": "淹溺", "is_production": 0, "is_disaster": 1, "deaths": 1, "missing": 1,
                    "serious": 0, "minor": 0, "loss": None,
                    "summary": "强降雨引发山洪，两名村民转移途中被冲走，一人遇难、一人失踪",
                    "cause": "短时强降雨引发山洪",
                })

    def _fires(self, code: str, villages: list[str]) -> None:
        rng = self.rng
        # At least one in two years (a township's demo shows every kind), most of them small.
        dry = [m for m in self._months() if m.month in (2, 3, 4, 10, 11, 12)]
        for month in rng.sample(dry, min(len(dry), rng.choices((1, 2, 3), (50, 35, 15))[0])):
            day = self._day_in(month)
            if day is None:
                continue
            burned = rng.choice((rng.randint(5, 95), rng.randint(5, 95), rng.randint(100, 450)))
            forest = 0 if rng.random() < 0.15 else rng.randint(max(1, burned // 2), burned)
            self._add(FIRE, {
                "township": code, "date": day.isoformat(), "village": rng.choice(villages), "burned_ha100": burned,
                "forest_ha100": forest, "cause": rng.choice(FIRE_CAUSES), "deaths": 0,
                "serious": 1 if rng.random() < 0.05 else 0,
                "note": f"{'乡镇半专业扑火队' if rng.random() < 0.7 else '村级应急分队'}到场扑救，"
                        f"{rng.randint(1, 5)} 小时扑灭，无复燃",
            })

    def _road_checks(self, code: str) -> None:
        rng = self.rng
        place = f"{station_name(code)}{rng.choice(ROAD_PLACES)}"
        for n, month in enumerate(self._months()):
            day = self._day_in(month)
            if day is None:
                continue
            riders = rng.randint(60, 220)
            rate = min(0.99, 0.72 + n * 0.008 + rng.uniform(-0.04, 0.04))  # rising over the two years
            vehicles = rng.randint(8, 30)
            self._add(ROAD_CHECK, {
                "township": code, "date": day.isoformat(), "place": place, "riders": riders,
                "helmeted": round(riders * rate), "vehicles": vehicles,
                "modified": rng.choices((0, 1, 2, 3), (50, 30, 15, 5))[0],
                "note": "交警中队、劝导站联合开展" if rng.random() < 0.4 else None,
            })

    def _rewards(self, code: str, units: list[dict]) -> None:
        rng = self.rng
        for month in rng.sample(self._months(), rng.randint(1, 5)):
            day = self._day_in(month)
            if day is None:
                continue
            age = (self.today - day).days
            verified = ("核查中" if age < 20 else
                        rng.choices(("属实", "部分属实", "不属实"), (60, 20, 20))[0])
            paid = day + dt.timedelta(days=rng.randint(15, 45))
            paid_on = paid.isoformat() if verified in ("属实", "部分属实") and paid <= self.today else None
            amount = rng.choice((200, 300, 500, 800, 1000, 2000)) * 100 if verified in ("属实", "部分属实") else None
            unit = rng.choice(units) if units and rng.random() < 0.5 else None
            self._add(REWARD, {
                "township": code, "received": day.isoformat(), "matter": rng.choice(REWARD_MATTERS),
                "unit_id": unit["id"] if unit else None, "verified": verified, "amount": amount,
                "paid_on": paid_on, "note": "举报人信息已登记在保密台账" if rng.random() < 0.3 else None,
            })

    def _exposures(self, code: str, units: list[dict]) -> None:
        rng = self.rng
        for month in self._months():
            if month.month % 3 or rng.random() < 0.5:
                continue  # a quarter's last month, half of them
            day = self._day_in(month)
            if day is None:
                continue
            for _ in range(rng.randint(1, 2)):
                unit = rng.choice(units) if units and rng.random() < 0.7 else None
                self._add(EXPOSURE, {
                    "township": code, "date": day.isoformat(), "unit_id": unit["id"] if unit else None,
                    "party_name": None if unit else f"{self._person()}无证加工点",
                    "facts": rng.choice(EXPOSURE_FACTS), "channel": rng.choice(CHANNELS),
                    "batch": f"{day.year} 年第 {(day.month - 1) // 3 + 1} 批",
                })

    def _meetings(self, code: str) -> None:
        rng = self.rng
        for month in self._months():
            kinds = ["安委办分析研判会"]
            if month.month % 3 == 0:
                kinds.append("专班联席会议")
            if month.month in (1, 7):
                kinds.append("安委会全体会议")
            for kind in kinds:
                day = self._day_in(month)
                if day is None:
                    continue
                topics = {
                    "安委办分析研判会": f"分析{(month.month - 2) % 12 + 1}月安全生产形势，梳理隐患整改和执法检查进度",
                    "专班联席会议": "通报专项整治进展，协调重大事故隐患整改和打非治违",
                    "安委会全体会议": f"总结{'上半年' if month.month == 7 else '上年度'}安全生产工作，部署下一阶段重点任务",
                }[kind]
                self._add(MEETING, {
                    "township": code, "date": day.isoformat(), "meeting_type": kind,
                    "host": f"{self._person()}（{'党委书记' if kind == '安委会全体会议' else '分管负责人'}）",
                    "attendees": rng.randint(30, 60) if kind == "安委会全体会议" else rng.randint(10, 25),
                    "topics": topics,
                })

