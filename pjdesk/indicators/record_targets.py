"""The targets the plan's remaining records answer: accidents (G1, G2, T07, T08), forest fires (T42, T43), road
checks (T23, T24), exposures (T06), rewards (T46) and meetings (M1).

Each rule receives the ``RecordFacts`` (the records of last year's 1 January to the period's end, so that a
year-on-year row compares with the same span of last year from that span's records) and the period's first
and last day. Last year is "no data", not zero, when this station kept no record of any kind by the end of
last year's span (``kept_since``): a station set up this year has nothing to compare with.

- G1: production accidents (生产安全事故) of 较大 level or above in the period (the level of
  pjdesk.core.plan_records.accident_level). G2: production accidents and their dead (死亡 + 失踪) against the
  same span of last year: both must fall (none in either year is met).
- T07 / T08 房屋市政工程: production accidents of the 建筑业 门类 (GB/T 4754 E; the 门类 is the finest the
  accident records, so this also counts civil engineering): their number, their dead, against last year.
- T23 戴帽率 = 戴头盔 ÷ 观测骑乘人员, T24 改装率 = 非法改装 ÷ 检查车辆, over the road checks of the period.
- T42 森林火灾受害率 = 受害森林面积 ÷ 森林总面积, shown in ‰ (the plan prints 0.9%; read as 0.9‰).
- T43 = (上年同期起数 − 本期起数) ÷ 上年同期起数; no fire last year: nothing to fall from, no data.
- T06: the batches (批次) of exposures in the period's quarter (an exposure without a batch is a batch of its
  day). T46: the days rewards were paid (兑现日期) in the quarter: a 集中兑现 is one day's payments.
- M1: 专班联席会议 in the quarter (≥ 1) and 安委办分析研判会 in the month (≥ 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .targets import Measure, rule

RECORDS = "records"  # the kind of facts these rules read (pjdesk.indicators.targets)
PRODUCTION_LEVELS = ("较大", "重大", "特别重大")  # 较大及以上
BUILDING = "建筑业"  # GB/T 4754 门类 E
JOINT, ANALYSIS = "专班联席会议", "安委办分析研判会"


@dataclass(frozen=True)
class RecordFacts:
    # The live records dated from last year's 1 January to the period's end (pjdesk.storage.target_facts).
    accidents: list[dict] = field(default_factory=list)
    fires: list[dict] = field(default_factory=list)
    road_checks: list[dict] = field(default_factory=list)
    rewards: list[dict] = field(default_factory=list)
    exposures: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    # The date of the earliest record this station keeps (None: none): whether last year was kept at all.
    kept_since: str | None = None
    # 森林总面积 (ha) of the township, or of the county (the townships' sum); None when not set.
    forest_ha: float | None = None
    forest_by_township: Mapping[str, float] = field(default_factory=dict)

    def of_township(self, code: str) -> RecordFacts:
        def own(rows):
            return [r for r in rows if r["township"] == code]
        return replace(self, accidents=own(self.accidents), fires=own(self.fires), road_checks=own(self.road_checks),
                       rewards=own(self.rewards), exposures=own(self.exposures), meetings=own(self.meetings),
                       forest_ha=self.forest_by_township.get(code))


def last_year(start: str, end: str) -> tuple[str, str]:
    """The same span of last year (29 February → 28 February)."""
    def back(day: str) -> str:
        d = dt.date.fromisoformat(day)
        try:
            return d.replace(year=d.year - 1).isoformat()
        except ValueError:
            return d.replace(year=d.year - 1, day=28).isoformat()
    return back(start), back(end)


def quarter_start(end: str) -> str:
    d = dt.date.fromisoformat(end)
    return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1).isoformat()


def month_start(end: str) -> str:
    return end[:8] + "01"


def _in(rows: Iterable[Mapping], start: str, end: str, on: str = "date") -> list[Mapping]:
    return [r for r in rows if r[on] and start <= r[on] <= end]


def _last_year_known(facts: RecordFacts, start: str, end: str) -> bool:
    return facts.kept_since is not None and facts.kept_since <= last_year(start, end)[1]


def production(rows: Iterable[Mapping]) -> list[Mapping]:
    return [r for r in rows if r["is_production"]]


def dead(rows: Iterable[Mapping]) -> int:
    """Deaths and missing count together (条例 第三条)."""
    return sum(r["deaths"] + r["missing"] for r in rows)


@rule("G1", reads=RECORDS)
def larger_accidents(facts: RecordFacts, start: str, end: str) -> Measure:
    """较大及以上事故起数: the period's production accidents of 较大 level or above."""
    return Measure.count(sum(a["level"] in PRODUCTION_LEVELS for a in production(_in(facts.accidents, start, end))))


def _versus(facts: RecordFacts, start: str, end: str, figures) -> Measure:
    """A year-on-year row: each (label, count of rows, unit) this period against the same span last year."""
    this = production(_in(facts.accidents, start, end))
    known = _last_year_known(facts, start, end)
    before = production(_in(facts.accidents, *last_year(start, end))) if known else None
    pairs = [(label, count(this), count(before) if known else None, unit) for label, count, unit in figures]
    said = "；".join(f"{label} {n}{unit}（上年同期{f' {m}{unit}' if m is not None else '无记录，无从比较'}）"
                    for label, n, m, unit in pairs)
    verdict = None if not known else all(n < m or n == m == 0 for _, n, m, _ in pairs)
    first = pairs[0]
    return Measure(first[1], first[2], versus=True, verdict=verdict, detail=said)


@rule("G2", reads=RECORDS)
def accidents_versus_last_year(facts: RecordFacts, start: str, end: str) -> Measure:
    """事故总量、亡人数: the period's production accidents and their dead, against last year's same span."""
    return _versus(facts, start, end, (("事故", len, " 起"), ("死亡（含失踪）", dead, " 人")))


def _building(rows):
    return [a for a in rows if a["industry"] == BUILDING]


@rule("T07", reads=RECORDS)
def building_accidents(facts: RecordFacts, start: str, end: str) -> Measure:
    """房屋市政工程事故起数 against last year's same span."""
    return _versus(facts, start, end, (("建筑业事故", lambda rows: len(_building(rows)), " 起"),))


@rule("T08", reads=RECORDS)
def building_deaths(facts: RecordFacts, start: str, end: str) -> Measure:
    """房屋市政工程死亡人数 against last year's same span."""
    return _versus(facts, start, end, (("建筑业事故死亡（含失踪）", lambda rows: dead(_building(rows)), " 人"),))


@rule("T23", reads=RECORDS)
def helmet_rate(facts: RecordFacts, start: str, end: str) -> Measure:
    """戴帽率: riders wearing a helmet of the riders observed at the period's road checks."""
    checks = _in(facts.road_checks, start, end)
    return Measure(sum(c["helmeted"] for c in checks), sum(c["riders"] for c in checks))


@rule("T24", reads=RECORDS)
def modified_rate(facts: RecordFacts, start: str, end: str) -> Measure:
    """改装率: illegally modified vehicles of the vehicles checked at the period's road checks."""
    checks = _in(facts.road_checks, start, end)
    return Measure(sum(c["modified"] for c in checks), sum(c["vehicles"] for c in checks))


@rule("T42", reads=RECORDS)
def forest_damage_rate(facts: RecordFacts, start: str, end: str) -> Measure:
    """森林火灾受害率: the forest damaged by the period's fires, of the forest (no data without its area)."""
    if not facts.forest_ha:
        return Measure(None, 0, detail="暂无数据：森林总面积未设置（由县级设置各乡镇的森林总面积）")
    damaged = sum(f["forest_ha100"] for f in _in(facts.fires, start, end)) / 100
    rate = damaged / facts.forest_ha
    return Measure(damaged, facts.forest_ha, detail=(
        f"受害森林面积 {damaged:g} 公顷 ÷ 森林总面积 {facts.forest_ha:g} 公顷 = {rate * 1000:.2f}‰"))


@rule("T43", reads=RECORDS)
def fires_fall(facts: RecordFacts, start: str, end: str) -> Measure:
    """森林火灾起数同比降幅: (last year's fires − this period's) ÷ last year's, over the same span."""
    this = len(_in(facts.fires, start, end))
    if not _last_year_known(facts, start, end):
        return Measure(None, 0, detail=f"本期森林火灾 {this} 起；上年同期无记录，无从比较")
    before = len(_in(facts.fires, *last_year(start, end)))
    if not before:
        return Measure(None, 0, detail=f"本期森林火灾 {this} 起；上年同期 0 起，无降幅可算")
    fall = before - this
    return Measure(fall, before, detail=(f"（上年同期 {before} 起 − 本期 {this} 起）÷ 上年同期 {before} 起"
                                         f" = {fall / before * 100:.1f}%"))


@rule("T06", reads=RECORDS)
def exposure_batches(facts: RecordFacts, start: str, end: str) -> Measure:
    """非法违法典型案例曝光: the batches exposed in the period's quarter."""
    batches = {e["batch"] or e["date"] for e in _in(facts.exposures, quarter_start(end), end)}
    return Measure(len(batches), None, detail=f"本季度（{quarter_start(end)} 起）曝光 {len(batches)} 批")


@rule("T46", reads=RECORDS)
def reward_payouts(facts: RecordFacts, start: str, end: str) -> Measure:
    """有奖举报集中兑现: the days rewards were paid in the period's quarter."""
    days = {r["paid_on"] for r in _in(facts.rewards, quarter_start(end), end, on="paid_on")}
    return Measure(len(days), None, detail=f"本季度（{quarter_start(end)} 起）集中兑现 {len(days)} 次")


@rule("M1", reads=RECORDS)
def meetings_held(facts: RecordFacts, start: str, end: str) -> Measure:
    """专班联席会议 at least once in the quarter, 安委办分析研判会 at least once in the month."""
    joint = sum(m["meeting_type"] == JOINT for m in _in(facts.meetings, quarter_start(end), end))
    analysis = sum(m["meeting_type"] == ANALYSIS for m in _in(facts.meetings, month_start(end), end))
    return Measure(joint + analysis, None, verdict=joint >= 1 and analysis >= 1,
                   detail=f"本季度专班联席会议 {joint} 次（应≥1）；本月安委办分析研判会 {analysis} 次（应≥1）")
